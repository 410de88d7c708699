"""`GET /chat/history`: the caller's recent conversation as stored on the server, for clients that show it
again after a reload (the web client). Every provider's turns are kept (`airfit.llm.sessions`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from airfit.deps import LLMDep, StoreDep, UserIdDep
from airfit.llm.models import Turn
from airfit.llm.sessions import HISTORY_LIMIT, recent_turns

router = APIRouter(tags=["coach"])


class ShownTurn(BaseModel):
    """One message as the user wrote it or was shown it (never the data or markers the model saw)."""

    role: Literal["user", "assistant"]
    content: str
    at: datetime

    @classmethod
    def of(cls, turn: Turn) -> ShownTurn:
        """The shown part of a stored turn."""
        return cls(role=turn.role, content=turn.content, at=turn.at)


class ChatHistoryResponse(BaseModel):
    """The caller's last turns, oldest first (what `DELETE /chat/session` clears)."""

    turns: list[ShownTurn]


@router.get("/chat/history", response_model=ChatHistoryResponse)
async def chat_history(llm: LLMDep, store: StoreDep, user_id: UserIdDep) -> ChatHistoryResponse:
    """The caller's stored turns; a turn just answered is waited for, so a reload never misses it."""
    await llm.settle(user_id)
    turns = await recent_turns(store, user_id, HISTORY_LIMIT)
    return ChatHistoryResponse(turns=[ShownTurn.of(turn) for turn in turns])
