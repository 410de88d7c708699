"""Sign-in for browsers, and each caller's own tokens.

`GET /signin/options` and `POST /signin/code` are the only API routes that need no identity: the first says
how to sign in (and, in open mode with the picker on, who can be picked); the second turns a one-time code
into a token. `/me/tokens` lets anyone list, create and revoke their own (never admin) tokens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from airfit.deps import provided
from airfit.users.identity import CallerDep, UsersDep
from airfit.users.models import NewToken, TokenInfo
from airfit.users.service import TokenNotFoundError
from airfit.users.signin import SignInCodes, SignInOptions, TooManyAttemptsError

public_router = APIRouter(tags=["sign-in"])
"""`/signin/*`: what a browser without a token can call."""
router = APIRouter(tags=["sign-in"])
SignInDep = Annotated[SignInCodes, Depends(provided(SignInCodes))]


class CodeExchange(BaseModel):
    """Body of `POST /signin/code`."""

    code: str = Field(min_length=1, max_length=32, description="As printed, e.g. `K7PX-3MQ9`.")
    device: str = Field("browser", min_length=1, max_length=40, description="Names the token.")
    user: str | None = Field(
        None,
        max_length=32,
        description="Who signs in: the code must be theirs; wrong codes naming them count against them too.",
    )


class SelfTokenRequest(BaseModel):
    """Body of `POST /me/tokens` (no `admin`: an admin token is minted only by an admin)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="Where the token is used, e.g. `laptop`.")


@public_router.get("/signin/options", response_model=SignInOptions)
async def signin_options(codes: SignInDep) -> SignInOptions:
    """The sign-in methods; the user list only in open mode with `AIRFIT_USER_PICKER` on."""
    return await codes.options()


@public_router.post("/signin/code", response_model=NewToken)
async def signin_with_code(body: CodeExchange, request: Request, codes: SignInDep) -> NewToken:
    """Exchange a one-time code from `airfit users login-code USER` for a token of that user."""
    client = request.client.host if request.client else "unknown"
    try:
        token = await codes.exchange(
            body.code, client=client, token_name=f"web: {body.device}", user=body.user
        )
    except TooManyAttemptsError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
        ) from exc
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong, used or expired sign-in code")
    return token


@router.get("/me/tokens", response_model=list[TokenInfo])
async def list_own_tokens(caller: CallerDep, users: UsersDep) -> list[TokenInfo]:
    """The caller's own tokens (never their secrets); `id` equal to `GET /me`'s `token_id` is this one."""
    return await users.list_tokens(caller.user_id)


@router.post("/me/tokens", response_model=NewToken)
async def create_own_token(body: SelfTokenRequest, caller: CallerDep, users: UsersDep) -> NewToken:
    """Mint a token for the caller themself (never an admin token); the secret is shown this once.

    Without a token of their own (open mode: `X-User-ID` or the default user) the caller proved nothing, so
    the new token is marked unconfirmed: token mode refuses it until an admin trusts it.
    """
    return await users.create_token(caller.user_id, body.name, unconfirmed=caller.via != "token")


@router.delete("/me/tokens/{token_id}", response_model=TokenInfo)
async def revoke_own_token(token_id: str, caller: CallerDep, users: UsersDep) -> TokenInfo:
    """Revoke one of the caller's tokens; someone else's token id is a 404, as if it did not exist."""
    try:
        return await users.revoke_token(token_id, user_id=caller.user_id)
    except TokenNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such token") from exc
