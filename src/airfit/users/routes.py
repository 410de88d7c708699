"""`GET /me` and the admin endpoints for users and tokens (admin token required)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from airfit.units import STORED, Conversion, Quantity, Units, UnitsUpdate, conversions
from airfit.users.identity import AdminDep, CallerDep, UsersDep
from airfit.users.models import (
    CreateTokenRequest,
    CreateUserRequest,
    NewToken,
    TimeZoneName,
    TokenInfo,
    UserInfo,
)
from airfit.users.service import (
    InvalidUserIdError,
    TokenNotFoundError,
    UserExistsError,
    UserNotFoundError,
    check_user_id,
)

router = APIRouter(tags=["users"])


class MeResponse(BaseModel):
    """Who the server thinks you are."""

    user_id: str
    via: str = Field(description="How you were identified: token, header or default.")
    admin: bool
    token_id: str | None = None
    timezone: str | None = None
    created_at: datetime
    today: date = Field(description="Your local date, in your zone: what the web client's pickers start at.")
    units: Units = Field(description="The units you read and type (lb and kcal until you choose).")
    units_chosen: bool = Field(description="Whether you have chosen your units (the first-run checklist).")
    conversions: dict[Quantity, Conversion] = Field(
        description="How each stored number (lb, kcal) is shown in your units."
    )


class MeUpdate(BaseModel):
    """Body of `PATCH /me`: what is sent changes, what is left out stays."""

    model_config = ConfigDict(extra="forbid")

    timezone: TimeZoneName | None = Field(
        None, description="IANA zone such as America/New_York; null for the server's."
    )
    units: UnitsUpdate | None = Field(
        None, description='E.g. {"mass": "kg", "energy": "kJ", "length": "cm"}; keys left out stay.'
    )


class RemovedUser(BaseModel):
    """Result of removing a user."""

    id: str
    data_moved_to: str | None = Field(description="Where the user's data was kept (never deleted).")


def _not_found(exc: LookupError) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc).strip("'\""))


@router.get("/me", response_model=MeResponse)
async def read_me(caller: CallerDep, users: UsersDep) -> MeResponse:
    """Tell the caller who they are and how they were identified."""
    record = await users.require(caller.user_id)
    units = record.units or STORED
    return MeResponse(
        user_id=caller.user_id,
        via=caller.via,
        admin=caller.admin,
        token_id=caller.token_id,
        timezone=record.timezone,
        created_at=record.created_at,
        today=await users.today(caller.user_id),
        units=units,
        units_chosen=record.units is not None,
        conversions=conversions(units),
    )


@router.patch("/me", response_model=UserInfo)
async def update_me(body: MeUpdate, caller: CallerDep, users: UsersDep) -> UserInfo:
    """Change the caller's own settings: their time zone and the units they read and type."""
    zone = body.timezone if "timezone" in body.model_fields_set else ...
    return await users.update_settings(caller.user_id, timezone=zone, units=body.units)


@router.get("/admin/users", response_model=list[UserInfo])
async def list_users(_: AdminDep, users: UsersDep) -> list[UserInfo]:
    """List registered users."""
    return await users.list()


@router.post("/admin/users", response_model=UserInfo)
async def create_user(body: CreateUserRequest, _: AdminDep, users: UsersDep) -> UserInfo:
    """Register a user."""
    try:
        return await users.add(body.id, timezone=body.timezone)
    except InvalidUserIdError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    except UserExistsError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc


@router.delete("/admin/users/{user_id}", response_model=RemovedUser)
async def delete_user(user_id: str, caller: AdminDep, users: UsersDep) -> RemovedUser:
    """Unregister a user and revoke their tokens; their data is moved aside, not deleted."""
    _checked(user_id)
    if user_id == caller.user_id:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="you cannot remove yourself")
    try:
        moved = await users.remove(user_id)
    except UserNotFoundError as exc:
        raise _not_found(exc) from exc
    return RemovedUser(id=user_id, data_moved_to=str(moved) if moved else None)


@router.get("/admin/users/{user_id}/tokens", response_model=list[TokenInfo])
async def list_tokens(user_id: str, _: AdminDep, users: UsersDep) -> list[TokenInfo]:
    """List a user's tokens (never their secrets)."""
    try:
        await users.require(_checked(user_id))
    except UserNotFoundError as exc:
        raise _not_found(exc) from exc
    return await users.list_tokens(user_id)


@router.post("/admin/users/{user_id}/tokens", response_model=NewToken)
async def create_token(user_id: str, body: CreateTokenRequest, _: AdminDep, users: UsersDep) -> NewToken:
    """Mint a token; the secret is in this response only."""
    try:
        return await users.create_token(_checked(user_id), body.name, admin=body.admin)
    except UserNotFoundError as exc:
        raise _not_found(exc) from exc


@router.delete("/admin/tokens/{token_id}", response_model=TokenInfo)
async def revoke_token(token_id: str, _: AdminDep, users: UsersDep) -> TokenInfo:
    """Revoke a token; it stops working at once."""
    try:
        return await users.revoke_token(token_id)
    except TokenNotFoundError as exc:
        raise _not_found(exc) from exc


def _checked(user_id: str) -> str:
    try:
        return check_user_id(user_id)
    except InvalidUserIdError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
