"""The one place that decides who is calling.

Order:
1. `Authorization: Bearer <token>`: the token's owner; an `X-User-ID` that names someone else is a 403.
2. `X-User-ID: <id>` (open mode only): a registered user, else 404; a malformed id is a 400.
3. Nothing: the configured default user (so today's iOS app keeps working), else 400. With nothing
   configured at all the default user is `default`, registered by the first identity-less request that
   stores something (the app's first sync, docs/ios-contract.md § Identity); until then an identity-less
   read is a 404 that says so, and nobody named `default` is listed anywhere.
In token mode (`AIRFIT_AUTH=token`) only step 1 exists.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from airfit.background import Background
from airfit.config import AuthMode, Settings
from airfit.deps import SettingsDep, provided
from airfit.users.models import Caller, TokenScope, is_valid_user_id
from airfit.users.service import UserService

USER_HEADER = "x-user-id"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Requests that store nothing, so they never bring the implicit default user into being."""
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers=_BEARER_CHALLENGE)


async def resolve_caller(
    request: Request, *, users: UserService, settings: Settings, background: Background
) -> Caller:
    """Identify the caller of a request or raise the matching HTTP error."""
    authorization = request.headers.get("authorization")
    named = request.headers.get(USER_HEADER)
    if named is not None and not is_valid_user_id(named):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="X-User-ID is not a valid user id")
    if authorization is not None:
        return await _from_token(authorization, named, users, background)
    if settings.auth is AuthMode.TOKEN:
        raise _unauthorized("this server requires 'Authorization: Bearer <token>'")
    if named is not None:
        if await users.get(named) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown user '{named}'")
        return Caller(user_id=named, via="header")
    default = settings.effective_default_user
    if not default:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="X-User-ID header required")
    if await users.get(default) is None:
        if not (settings.implicit_default_user and request.method not in READ_METHODS):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=_no_default(default, settings))
        await users.ensure([default])
    return Caller(user_id=default, via="default")


def _no_default(default: str, settings: Settings) -> str:
    if settings.implicit_default_user:
        return (
            f"no default user yet: the iPhone app's first sync creates '{default}' "
            "(or name the household with AIRFIT_USERS)"
        )
    return f"default user '{default}' is not registered"


async def _from_token(
    authorization: str, named: str | None, users: UserService, background: Background
) -> Caller:
    scheme, _, presented = authorization.partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise _unauthorized("Authorization must be 'Bearer <token>'")
    found = await users.verify_token(presented)
    if found is None:
        raise _unauthorized("invalid or revoked token")
    token_id, record = found
    if named is not None and named != record.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="X-User-ID does not match the token's user")
    if await users.get(record.user_id) is None:
        raise _unauthorized("the token's user no longer exists")
    if users.needs_touch(record):
        background.spawn(users.touch_token(token_id), name=f"touch-token-{token_id}")
    return Caller(
        user_id=record.user_id, via="token", token_id=token_id, admin=record.scope is TokenScope.ADMIN
    )


def require_admin(caller: Caller) -> Caller:
    """The caller if they hold an admin token; 403 otherwise (401 when no token was used at all)."""
    if caller.via != "token":
        raise _unauthorized("admin endpoints need an admin token: airfit users token create USER --admin")
    if not caller.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this token is not an admin token")
    return caller


UsersDep = Annotated[UserService, Depends(provided(UserService))]


async def get_caller(
    request: Request,
    settings: SettingsDep,
    users: UsersDep,
    background: Annotated[Background, Depends(provided(Background))],
) -> Caller:
    """The user this request acts for (a router-level dependency of every router that needs identity)."""
    return await resolve_caller(request, users=users, settings=settings, background=background)


async def get_user_id(caller: Annotated[Caller, Depends(get_caller)]) -> str:
    """Just the calling user's id."""
    return caller.user_id


async def get_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold an admin token."""
    return require_admin(caller)


CallerDep = Annotated[Caller, Depends(get_caller)]
UserIdDep = Annotated[str, Depends(get_user_id)]
AdminDep = Annotated[Caller, Depends(get_admin)]
