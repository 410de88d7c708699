"""The one place that decides who is calling.

Order:
0. A personal URL (the prefix `airfit.paths.PersonalPaths` took off the path), in any mode:
   `/p/<link>/…` is the link's owner, exactly as a non-admin bearer token of theirs would be (unknown or
   revoked: 401 on every path, route or not; malformed: 400; wrong links are counted with wrong sign-in codes,
   then 429); `/u/<id>/…` is that user with the trust and rules of `X-User-ID` (open mode only: a 401 in token
   mode). An `X-User-ID` or bearer token naming someone else is a 403.
1. `Authorization: Bearer <token>`: the token's owner; an `X-User-ID` that names someone else is a 403.
2. `X-User-ID: <id>` (open mode only): a registered user, else 404; a malformed id is a 400.
3. Nothing: the configured default user (so today's iOS app keeps working), else 400. With nothing
   configured at all the default user is `default`, registered by the first identity-less request that
   may store something (POST, PUT, PATCH or DELETE: the app's first sync, docs/ios-contract.md § Identity);
   until then an identity-less read is a 404 that says so, and nobody named `default` is listed anywhere.
In token mode (`AIRFIT_AUTH=token`) only a link and step 1 exist.

`IdentityGate` does this before the request body is read (a pure ASGI middleware in front of the body limits),
so a refused caller costs the server no upload and no parse; the route's `get_caller` reuses its answer. It
does it for every request with a personal prefix, whatever it asks for (a route, a file, nothing), so a wrong
link is refused the same way everywhere and never tells which paths exist.
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
from airfit.guards import UNSAFE_METHODS
from airfit.limits import refuse
from airfit.paths import PathIdentity, path_identity
from airfit.users.models import Caller, TokenRecord, TokenScope, is_link_shaped, is_valid_user_id
from airfit.users.service import UserService
from airfit.users.signin import SignInCodes, TooManyAttemptsError

USER_HEADER = "x-user-id"
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers=_BEARER_CHALLENGE)


def client_address(request: Request) -> str:
    """The address wrong guesses are counted against (sign-in codes and personal URLs)."""
    return request.client.host if request.client else "unknown"


def too_many_attempts(exc: TooManyAttemptsError) -> HTTPException:
    """The 429 for a client or user over the guessing limit, saying when to try again."""
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
    )


async def resolve_caller(
    request: Request,
    *,
    users: UserService,
    settings: Settings,
    background: Background,
    guesses: SignInCodes,
) -> Caller:
    """Identify the caller of a request or raise the matching HTTP error (`guesses` limits wrong links)."""
    authorization = request.headers.get("authorization")
    named = request.headers.get(USER_HEADER)
    if named is not None and not is_valid_user_id(named):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="X-User-ID is not a valid user id")
    in_path = path_identity(request.scope)
    if in_path is not None:
        return await _from_path(in_path, request, authorization, named, users, settings, background, guesses)
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
        if not (settings.implicit_default_user and request.method in UNSAFE_METHODS):
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


async def _from_path(
    in_path: PathIdentity,
    request: Request,
    authorization: str | None,
    named: str | None,
    users: UserService,
    settings: Settings,
    background: Background,
    guesses: SignInCodes,
) -> Caller:
    """The caller a personal URL names; a header identity may only agree with it."""
    if in_path.problem is not None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=in_path.problem)
    if in_path.kind == "link":
        caller = await _from_link(in_path.value, request, users, background, settings.auth, guesses)
    else:
        caller = await _from_user_path(in_path.value, users, settings.auth)
    if named is not None and named != caller.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="X-User-ID does not match the URL's user")
    if authorization is not None:
        bearer = await _from_token(authorization, None, users, background, settings.auth)
        if bearer.user_id != caller.user_id:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="the token's user does not match the URL's")
    return caller


async def _from_link(
    link: str,
    request: Request,
    users: UserService,
    background: Background,
    auth: AuthMode,
    guesses: SignInCodes,
) -> Caller:
    # The details never repeat the link: an error body may end up in a log or on a screen.
    if not is_link_shaped(link):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="malformed personal URL")
    try:
        found = await guesses.guess(client_address(request), lambda: users.verify_link(link))
    except TooManyAttemptsError as exc:
        raise too_many_attempts(exc) from exc
    if found is None:
        raise _unauthorized("unknown or revoked personal URL")
    return await _credential_caller(*found, users, background, auth, via="link")


async def _from_user_path(user_id: str, users: UserService, auth: AuthMode) -> Caller:
    # `/u/<id>` is `X-User-ID` in the path: the same trust, so the same rules.
    if auth is AuthMode.TOKEN:
        raise _unauthorized("/u/ URLs work in open mode only: use a personal /p/ URL or a token")
    if not is_valid_user_id(user_id):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="the URL's user id is not a valid user id")
    if await users.get(user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown user '{user_id}'")
    return Caller(user_id=user_id, via="path")


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
    if named is not None and named != record.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="X-User-ID does not match the token's user")
    return await _credential_caller(token_id, record, users, background, auth, via="token")


async def _credential_caller(
    token_id: str,
    record: TokenRecord,
    users: UserService,
    background: Background,
    auth: AuthMode,
    *,
    via: str,
) -> Caller:
    """The caller a valid token or link stands for, once it passes the rules every credential keeps."""
    if record.unconfirmed and auth is AuthMode.TOKEN:
        raise _unauthorized(
            f"{via} {token_id} was created in open mode without a credential; "
            f"an admin must confirm it: airfit users token trust {token_id}"
        )
    if await users.get(record.user_id) is None:
        raise _unauthorized(f"the {via}'s user no longer exists")
    if users.needs_touch(record):
        background.spawn(users.touch_token(token_id), name=f"touch-token-{token_id}")
    return Caller(user_id=record.user_id, via=via, token_id=token_id, admin=record.scope is TokenScope.ADMIN)


def require_admin(caller: Caller) -> Caller:
    """The caller if they hold an admin token; 403 otherwise (401 when no credential was used at all)."""
    if not caller.proved:
        raise _unauthorized("admin endpoints need an admin token: airfit users token create USER --admin")
    if not caller.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this token is not an admin token")
    return caller


UsersDep = Annotated[UserService, Depends(provided(UserService))]
_BackgroundDep = Annotated[Background, Depends(provided(Background))]
_GuessesDep = Annotated[SignInCodes, Depends(provided(SignInCodes))]


CALLER_STATE = "airfit.caller"
"""Where `IdentityGate` leaves the resolved caller in the request's state."""


async def get_caller(
    request: Request, settings: SettingsDep, users: UsersDep, background: _BackgroundDep, guesses: _GuessesDep
) -> Caller:
    """The user this request acts for (a router-level dependency of every router that needs identity)."""
    resolved = request.scope.get("state", {}).get(CALLER_STATE)
    if isinstance(resolved, Caller):
        return resolved
    return await resolve_caller(
        request, users=users, settings=settings, background=background, guesses=guesses
    )


async def get_caller_if_any(
    request: Request, settings: SettingsDep, users: UsersDep, background: _BackgroundDep, guesses: _GuessesDep
) -> Caller | None:
    """The caller, or None when the request identifies nobody acceptable (for a route that answers anyone:
    `GET /health`). A personal URL's refusal has already been answered by `IdentityGate`."""
    try:
        return await get_caller(request, settings, users, background, guesses)
    except HTTPException:
        return None


def _needs_identity(context: RouteContext) -> bool:
    dependencies = getattr(context, "dependencies", None) or []
    return isinstance(context.original_route, APIRoute) and any(
        d.dependency is get_caller for d in dependencies
    )


class IdentityGate:
    """Resolve the caller of every route that needs identity, and of every request with a personal prefix,
    from the path and headers alone, before any middleware or route reads the body; a refusal
    (400/401/403/404/429) is answered at once and the body is never read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: list[tuple[RouteContext, bool]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        application = scope.get("app")
        if (
            scope["type"] != "http"
            or application is None
            or (path_identity(scope) is None and not self._guarded(application, scope))
        ):
            await self.app(scope, receive, send)
            return
        services = getattr(application.state, REGISTRY)
        try:
            caller = await resolve_caller(
                Request(scope),
                users=services[UserService],
                settings=services[Settings],
                background=services[Background],
                guesses=services[SignInCodes],
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
OptionalCallerDep = Annotated[Caller | None, Depends(get_caller_if_any)]
UserIdDep = Annotated[str, Depends(get_user_id)]
AdminDep = Annotated[Caller, Depends(get_admin)]
