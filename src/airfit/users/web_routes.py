"""Sign-in for browsers, and each caller's own tokens.

`GET /signin/options` and `POST /signin/code` are the only API routes that need no identity: the first says
how to sign in (and, in open mode with the picker on, who can be picked); the second turns a one-time code
into a token. `/me/tokens` lets anyone list, create and revoke their own (never admin) tokens, and
`POST /me/links` creates a personal URL for one of their devices (listed and revoked with the tokens).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from airfit.deps import SettingsDep, provided
from airfit.users.identity import CallerDep, UsersDep, client_address, too_many_attempts
from airfit.users.links import personal_url, public_base, qr_svg
from airfit.users.models import NewLink, NewToken, TokenInfo
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


class LinkRequest(BaseModel):
    """Body of `POST /me/links`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        "iPhone", min_length=1, max_length=64, description="The device it is for, e.g. `David's iPhone`."
    )


@public_router.get("/signin/options", response_model=SignInOptions)
async def signin_options(codes: SignInDep) -> SignInOptions:
    """The sign-in methods; the user list only in open mode with `AIRFIT_USER_PICKER` on."""
    return await codes.options()


@public_router.post("/signin/code", response_model=NewToken)
async def signin_with_code(body: CodeExchange, request: Request, codes: SignInDep) -> NewToken:
    """Exchange a one-time code from `airfit users login-code USER` for a token of that user."""
    try:
        token = await codes.exchange(
            body.code, client=client_address(request), token_name=f"web: {body.device}", user=body.user
        )
    except TooManyAttemptsError as exc:
        raise too_many_attempts(exc) from exc
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong, used or expired sign-in code")
    return token


@router.get("/me/tokens", response_model=list[TokenInfo])
async def list_own_tokens(caller: CallerDep, users: UsersDep) -> list[TokenInfo]:
    """The caller's own tokens and personal URLs (`kind`; never their secrets); `id` equal to `GET /me`'s
    `token_id` is the one this request used."""
    return await users.list_tokens(caller.user_id)


@router.post("/me/tokens", response_model=NewToken)
async def create_own_token(body: SelfTokenRequest, caller: CallerDep, users: UsersDep) -> NewToken:
    """Mint a token for the caller themself (never an admin token); the secret is shown this once.

    Without a token of their own (open mode: `X-User-ID` or the default user) the caller proved nothing, so
    the new token is marked unconfirmed: token mode refuses it until an admin trusts it.
    """
    return await users.create_token(caller.user_id, body.name, unconfirmed=not caller.proved)


@router.post("/me/links", response_model=NewLink)
async def create_own_link(
    body: LinkRequest, request: Request, caller: CallerDep, users: UsersDep, settings: SettingsDep
) -> NewLink:
    """Create a personal URL for one of the caller's devices (the iOS app: its server address); it acts as the
    caller, like a token of theirs that is never admin. The URL and its QR code are in this response only.

    Listed in `GET /me/tokens` (`kind: link`) and revoked with `DELETE /me/tokens/{id}`. Made without a token
    of one's own (open mode), it is unconfirmed, as a token would be.
    """
    info, link = await users.create_link(caller.user_id, body.name, unconfirmed=not caller.proved)
    browser = f"{request.url.scheme}://{request.headers.get('host', '')}"

    def url_and_code() -> tuple[str, str]:
        # Finding this machine's LAN address (a browser on localhost) may wait on the network.
        url = personal_url(public_base(settings, browser_base=browser), link)
        return url, qr_svg(url)

    url, code = await asyncio.to_thread(url_and_code)
    return NewLink(**info.model_dump(), url=url, qr_svg=code)


@router.delete("/me/tokens/{token_id}", response_model=TokenInfo)
async def revoke_own_token(token_id: str, caller: CallerDep, users: UsersDep) -> TokenInfo:
    """Revoke one of the caller's tokens or personal URLs (at once, on every route); someone else's id is a
    404, as if it did not exist."""
    try:
        return await users.revoke_token(token_id, user_id=caller.user_id)
    except TokenNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such token") from exc
