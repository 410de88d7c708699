"""What the server can say about itself: whether it is up, and how a user's data and chat session stand."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, Field

from airfit import __version__
from airfit.config import Settings
from airfit.llm.router import LLMRouter
from airfit.storage import DocumentStore
from airfit.training.service import TrainingService


class HealthProbe(BaseModel):
    """`GET /health` for a caller without a token in token mode: the server is up, nothing more."""

    status: str


class HealthResponse(HealthProbe):
    """`ServerStatusResponse` of the iOS app (docs/ios-contract.md § Server status)."""

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


class ServerStatus:
    """Answers the availability probe and a user's status; changes nothing."""

    def __init__(
        self, settings: Settings, store: DocumentStore, llm: LLMRouter, training: TrainingService
    ) -> None:
        self.settings = settings
        self.store = store
        self.llm = llm
        self.training = training

    async def health(self, user_id: str | None) -> HealthResponse:
        """Liveness, the providers, and whether `user_id` (if any) has a Hevy key (own or server-wide)."""
        return HealthResponse(
            status="ok",
            providers=self.llm.available(),
            hevy_configured=user_id is not None and await self.training.is_configured(user_id),
            version=__version__,
        )

    @staticmethod
    def probe() -> HealthProbe:
        """Only that the server is up (token mode, no token: what is configured is no stranger's business)."""
        return HealthProbe(status="ok")

    async def of_user(self, user_id: str) -> StatusResponse:
        """The user's view of the server: providers, their chat session and any of their unreadable files.

        Reading only: looking at the session neither creates it nor counts a message."""
        corrupt = await asyncio.to_thread(self.store.corrupt_files, user_id)
        session = await self.llm.latest_session(user_id)
        return StatusResponse(
            status="ok" if not corrupt else "degraded",
            user_id=user_id,
            available_providers=self.llm.available(),
            session_id=session.session_id if session else None,
            message_count=session.message_count if session else None,
            corrupt_files=[
                CorruptFileInfo(document=c.original.name, moved_to=c.path.name, moved_at=c.moved_at)
                for c in corrupt
            ],
        )
