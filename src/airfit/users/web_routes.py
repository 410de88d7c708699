"""Sign-in for browsers, and each caller's own tokens.

`GET /signin/options` and `POST /signin/code` are the only API routes that need no identity: the first says
how to sign in (and, in open mode with the picker on, who can be picked); the second turns a one-time code
into a token. `/me/tokens` lets anyone list, create and revoke their own (never admin) tokens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from airfit.config import AuthMode
from airfit.deps import CallerDep, StateDep
from airfit.profile.models import PROFILE
from airfit.state import AppState
from airfit.users.models import NewToken, TokenInfo
from airfit.users.service import TokenNotFoundError
from airfit.users.signin import SignInCodes, TooManyAttemptsError

router = APIRouter(tags=["sign-in"])


class PickableUser(BaseModel):
    """A user the sign-in page may offer."""

    id: str
    name: str = Field(description="The name in their profile, else their id.")


class SignInOptions(BaseModel):
    """How this server lets a browser sign in."""

    auth: AuthMode
    picker: bool = Field(description="True when `users` lists who can be picked (open mode only).")
    users: list[PickableUser]


class CodeExchange(BaseModel):
    """Body of `POST /signin/code`."""

    code: str = Field(min_length=1, max_length=32, description="As printed, e.g. `K7PX-3MQ9`.")
    device: str = Field("browser", min_length=1, max_length=40, description="Names the token.")


class SelfTokenRequest(BaseModel):
    """Body of `POST /me/tokens` (no `admin`: an admin token is minted only by an admin)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="Where the token is used, e.g. `laptop`.")


async def _codes(request: Request) -> SignInCodes:
    # Created on first use and kept with the app, so the wrong-code counts survive between requests.
    app_state = request.app.state
    codes: SignInCodes | None = getattr(app_state, "signin_codes", None)
    if codes is None:
        state: AppState = app_state.airfit
        codes = app_state.signin_codes = SignInCodes(state.store, state.users)
    return codes


CodesDep = Annotated[SignInCodes, Depends(_codes)]


@router.get("/signin/options", response_model=SignInOptions)
async def signin_options(state: StateDep) -> SignInOptions:
    """The sign-in methods; the user list only in open mode with `AIRFIT_USER_PICKER` on."""
    settings = state.settings
    picker = settings.auth is AuthMode.OPEN and settings.user_picker
    users: list[PickableUser] = []
    if picker:
        for info in await state.users.list():
            profile = await state.store.read(info.id, PROFILE)
            users.append(PickableUser(id=info.id, name=profile.name or info.id))
    return SignInOptions(auth=settings.auth, picker=picker, users=users)


@router.post("/signin/code", response_model=NewToken)
async def signin_with_code(body: CodeExchange, request: Request, codes: CodesDep) -> NewToken:
    """Exchange a one-time code from `airfit users login-code USER` for a token of that user."""
    client = request.client.host if request.client else "unknown"
    try:
        token = await codes.exchange(body.code, client=client, token_name=f"web: {body.device}")
    except TooManyAttemptsError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
        ) from exc
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong, used or expired sign-in code")
    return token


@router.get("/me/tokens", response_model=list[TokenInfo])
async def list_own_tokens(caller: CallerDep, state: StateDep) -> list[TokenInfo]:
    """The caller's own tokens (never their secrets); `id` equal to `GET /me`'s `token_id` is this one."""
    return await state.users.list_tokens(caller.user_id)


@router.post("/me/tokens", response_model=NewToken)
async def create_own_token(body: SelfTokenRequest, caller: CallerDep, state: StateDep) -> NewToken:
    """Mint a token for the caller themself (never an admin token); the secret is shown this once."""
    return await state.users.create_token(caller.user_id, body.name)


@router.delete("/me/tokens/{token_id}", response_model=TokenInfo)
async def revoke_own_token(token_id: str, caller: CallerDep, state: StateDep) -> TokenInfo:
    """Revoke one of the caller's tokens; someone else's token id is a 404, as if it did not exist."""
    try:
        return await state.users.revoke_token(token_id, user_id=caller.user_id)
    except TokenNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such token") from exc
