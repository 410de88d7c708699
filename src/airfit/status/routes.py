"""`GET /health` (the iOS app's availability probe) and `GET /status` (per caller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from airfit.background import Background
from airfit.config import AuthMode
from airfit.deps import SettingsDep, provided
from airfit.status.service import HealthProbe, HealthResponse, ServerStatus, StatusResponse
from airfit.users.identity import UserIdDep, UsersDep, resolve_caller

public_router = APIRouter(tags=["status"])
"""`GET /health` only: the one route that answers without identity."""
router = APIRouter(tags=["status"])
StatusDep = Annotated[ServerStatus, Depends(provided(ServerStatus))]


@public_router.get("/health", response_model=HealthResponse | HealthProbe)
async def health(
    request: Request,
    server: StatusDep,
    settings: SettingsDep,
    users: UsersDep,
    background: Annotated[Background, Depends(provided(Background))],
) -> HealthResponse | HealthProbe:
    """Liveness probe; needs no identity, even in token mode, where without a valid token it says only that
    the server is up. In open mode the iOS app's status screen decodes every key (docs/ios-contract.md
    § Server status), for the caller the server would act as."""
    try:
        caller = await resolve_caller(request, users=users, settings=settings, background=background)
    except HTTPException:
        caller = None
    if caller is None and settings.auth is AuthMode.TOKEN:
        return server.probe()
    return await server.health(caller.user_id if caller else None)


@router.get("/status", response_model=StatusResponse)
async def read_status(user_id: UserIdDep, server: StatusDep) -> StatusResponse:
    """The caller's view of the server: providers, chat session and any unreadable files."""
    return await server.of_user(user_id)
