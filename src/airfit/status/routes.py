"""`GET /health` (the iOS app's availability probe) and `GET /status` (per caller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from airfit.deps import provided
from airfit.status.service import HealthResponse, ServerStatus, StatusResponse
from airfit.users.identity import UserIdDep

public_router = APIRouter(tags=["status"])
"""`GET /health` only: the one route that answers without identity."""
router = APIRouter(tags=["status"])
StatusDep = Annotated[ServerStatus, Depends(provided(ServerStatus))]


@public_router.get("/health", response_model=HealthResponse)
async def health(server: StatusDep) -> HealthResponse:
    """Liveness probe; needs no identity, even in token mode."""
    return await server.health()


@router.get("/status", response_model=StatusResponse)
async def read_status(user_id: UserIdDep, server: StatusDep) -> StatusResponse:
    """The caller's view of the server: providers, chat session and any unreadable files."""
    return await server.of_user(user_id)
