"""`GET /health` (the iOS app's availability probe) and `GET /status` (per caller)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from pydantic import BaseModel, Field

from airfit import __version__
from airfit.deps import CallerDep, StateDep
from airfit.llm.sessions import latest_session
from airfit.state import AppState

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


async def available_providers(state: AppState) -> list[str]:
    """LLM providers that can answer (CLI found on PATH, HTTP API configured), in preference order."""
    return state.llm.available()


async def hevy_configured(state: AppState, user_id: str | None) -> bool:
    """Whether this user has a Hevy key: their own, or the server-wide one for the default user."""
    return user_id is not None and await state.training.is_configured(user_id)


@router.get("/health", response_model=HealthResponse)
async def health(state: StateDep) -> HealthResponse:
    """Liveness probe; needs no identity, even in token mode."""
    return HealthResponse(
        status="ok",
        providers=await available_providers(state),
        hevy_configured=await hevy_configured(state, state.settings.effective_default_user),
        version=__version__,
    )


@router.get("/status", response_model=StatusResponse)
async def read_status(caller: CallerDep, state: StateDep) -> StatusResponse:
    """The caller's view of the server: providers, chat session and any unreadable files."""
    corrupt = await asyncio.to_thread(state.store.corrupt_files, caller.user_id)
    # Read only: looking at the session must not create it or count a message (SERVER_BEHAVIOR §14 #38).
    await state.llm.settle(caller.user_id)
    session = await latest_session(state.store, caller.user_id)
    return StatusResponse(
        status="ok" if not corrupt else "degraded",
        user_id=caller.user_id,
        available_providers=await available_providers(state),
        session_id=session.session_id if session else None,
        message_count=session.message_count if session else None,
        corrupt_files=[
            CorruptFileInfo(document=c.original.name, moved_to=c.path.name, moved_at=c.moved_at)
            for c in corrupt
        ],
    )
