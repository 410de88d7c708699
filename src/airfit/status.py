"""`GET /health` (the iOS app's availability probe) and `GET /status` (per caller)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from pydantic import BaseModel, Field

from airfit import __version__
from airfit.deps import CallerDep, LLMDep, SettingsDep, StoreDep, TrainingDep
from airfit.llm.sessions import latest_session

public_router = APIRouter(tags=["status"])
"""`GET /health` only: the one route that answers without identity."""
router = APIRouter(tags=["status"])


class HealthResponse(BaseModel):
    """`ServerStatusResponse` of the iOS app."""

    status: str
    providers: list[str]
    hevy_configured: bool
    version: str


class CorruptFileInfo(BaseModel):
    """A stored file that could not be read and was kept aside."""

    document: str
    moved_to: str
    moved_at: str


class StatusResponse(BaseModel):
    """`StatusResponse` of the iOS app, plus the caller's storage health."""

    status: str
    user_id: str
    available_providers: list[str]
    session_id: str | None = None
    message_count: int | None = None
    corrupt_files: list[CorruptFileInfo] = Field(default_factory=list)


@public_router.get("/health", response_model=HealthResponse)
async def health(llm: LLMDep, training: TrainingDep, settings: SettingsDep) -> HealthResponse:
    """Liveness probe; needs no identity, even in token mode."""
    default = settings.effective_default_user
    return HealthResponse(
        status="ok",
        providers=llm.available(),
        # Whether the default user has a Hevy key: their own, or the server-wide one.
        hevy_configured=default is not None and await training.is_configured(default),
        version=__version__,
    )


@router.get("/status", response_model=StatusResponse)
async def read_status(caller: CallerDep, llm: LLMDep, store: StoreDep) -> StatusResponse:
    """The caller's view of the server: providers, chat session and any unreadable files."""
    corrupt = await asyncio.to_thread(store.corrupt_files, caller.user_id)
    # Read only: looking at the session must not create it or count a message (SERVER_BEHAVIOR §14 #38).
    await llm.settle(caller.user_id)
    session = await latest_session(store, caller.user_id)
    return StatusResponse(
        status="ok" if not corrupt else "degraded",
        user_id=caller.user_id,
        available_providers=llm.available(),
        session_id=session.session_id if session else None,
        message_count=session.message_count if session else None,
        corrupt_files=[
            CorruptFileInfo(document=c.original.name, moved_to=c.path.name, moved_at=c.moved_at)
            for c in corrupt
        ],
    )
