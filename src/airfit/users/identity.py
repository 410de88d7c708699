"""The one place that decides who is calling.

Order:
1. `Authorization: Bearer <token>`: the token's owner; an `X-User-ID` that names someone else is a 403.
2. `X-User-ID: <id>` (open mode only): a registered user, else 404; a malformed id is a 400.
3. Nothing: the configured default user (so today's iOS app keeps working), else 400. With nothing
   configured at all the default user is `default`, registered by the first identity-less request that
   stores something (the app's first sync, docs/ios-contract.md § Identity); until then an identity-less
   read is a 404 that says so, and nobody named `default` is listed anywhere.
In token mode (`AIRFIT_AUTH=token`) only step 1 exists.

`IdentityGate` does this before the request body is read (a pure ASGI middleware in front of the body limits),
so a refused caller costs the server no upload and no parse; the route's `get_caller` reuses its answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from airfit.background import Background
from airfit.config import AuthMode, Settings
from airfit.deps import REGISTRY, SettingsDep, provided
from airfit.limits import refuse
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
        return await _from_token(authorization, named, users, background, settings.auth)
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
    authorization: str, named: str | None, users: UserService, background: Background, auth: AuthMode
) -> Caller:
    scheme, _, presented = authorization.partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise _unauthorized("Authorization must be 'Bearer <token>'")
    found = await users.verify_token(presented)
    if found is None:
        raise _unauthorized("invalid or revoked token")
    token_id, record = found
    if record.unconfirmed and auth is AuthMode.TOKEN:
        raise _unauthorized(
            f"token {token_id} was created in open mode without a credential; an admin must confirm it: "
            f"airfit users token trust {token_id}"
        )
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


CALLER_STATE = "airfit.caller"
"""Where `IdentityGate` leaves the resolved caller in the request's state."""


async def get_caller(
    request: Request,
    settings: SettingsDep,
    users: UsersDep,
    background: Annotated[Background, Depends(provided(Background))],
) -> Caller:
    """The user this request acts for (a router-level dependency of every router that needs identity)."""
    resolved = request.scope.get("state", {}).get(CALLER_STATE)
    if isinstance(resolved, Caller):
        return resolved
    return await resolve_caller(request, users=users, settings=settings, background=background)


def _needs_identity(context: RouteContext) -> bool:
    dependencies = getattr(context, "dependencies", None) or []
    return isinstance(context.original_route, APIRoute) and any(
        d.dependency is get_caller for d in dependencies
    )


class IdentityGate:
    """Resolve the caller of every route that needs identity from the headers alone, before any middleware or
    route reads the body; a refusal (400/401/403/404) is answered at once and the body is never read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: list[tuple[RouteContext, bool]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        application = scope.get("app")
        if scope["type"] != "http" or application is None or not self._guarded(application, scope):
            await self.app(scope, receive, send)
            return
        services = getattr(application.state, REGISTRY)
        try:
            caller = await resolve_caller(
                Request(scope),
                users=services[UserService],
                settings=services[Settings],
                background=services[Background],
            )
        except HTTPException as exc:
            await refuse(send, exc.status_code, {"detail": exc.detail}, exc.headers)
            return
        scope.setdefault("state", {})[CALLER_STATE] = caller
        await self.app(scope, receive, send)

    def _guarded(self, application: ASGIApp, scope: Scope) -> bool:
        if self._routes is None:
            # The app's routes in matching order, each with whether it needs identity: fixed once it serves.
            contexts = iter_route_contexts(getattr(application, "routes", []))
            self._routes = [(context, _needs_identity(context)) for context in contexts]
        for context, guarded in self._routes:
            if context.matches(scope)[0] is Match.FULL:
                return guarded
        return False


async def get_user_id(caller: Annotated[Caller, Depends(get_caller)]) -> str:
    """Just the calling user's id."""
    return caller.user_id


async def get_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold an admin token."""
    return require_admin(caller)


CallerDep = Annotated[Caller, Depends(get_caller)]
UserIdDep = Annotated[str, Depends(get_user_id)]
AdminDep = Annotated[Caller, Depends(get_admin)]
