"""`GET /chat/history`: the caller's recent conversation as stored on the server, for clients that show it
again after a reload (the web client). Every provider's turns are kept (`airfit.llm.sessions`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from airfit.deps import LLMDep, StoreDep, UserIdDep
from airfit.llm.models import Turn
from airfit.llm.sessions import HISTORY_LIMIT, recent_turns

router = APIRouter(tags=["coach"])


class ChatHistoryResponse(BaseModel):
    """The caller's last turns, oldest first (what `DELETE /chat/session` clears)."""

    turns: list[Turn]


@router.get("/chat/history", response_model=ChatHistoryResponse)
async def chat_history(llm: LLMDep, store: StoreDep, user_id: UserIdDep) -> ChatHistoryResponse:
    """The caller's stored turns; a turn just answered is waited for, so a reload never misses it."""
    await llm.settle(user_id)
    return ChatHistoryResponse(turns=await recent_turns(store, user_id, HISTORY_LIMIT))
