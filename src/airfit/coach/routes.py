"""Coach endpoints (`docs/ios-contract.md`, "Coach"): thin wrappers over `airfit.coach.service.Coach`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse

from airfit.coach.models import (
    ChatContextResponse,
    ChatHistoryResponse,
    ChatRequest,
    ChatResponse,
    ConversationTurn,
    FinalizeResponse,
    LearnResponse,
    MemorySyncRequest,
    MemorySyncResponse,
    OnboardingRequest,
    OnboardingResponse,
    PersonalityResponse,
    ProcessConversationResponse,
    SessionClearedResponse,
)
from airfit.coach.service import Coach
from airfit.coach.stream import chat_events
from airfit.deps import provided
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["coach"])
CoachDep = Annotated[Coach, Depends(provided(Coach))]


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, coach: CoachDep, user_id: UserIdDep, response: Response) -> ChatResponse:
    """Talk to the coach; LLM failures are a 200 with `success: false` and the reason (§ LLM failures)."""
    reply, timing = await coach.chat(user_id=user_id, request=body)
    response.headers["Server-Timing"] = timing.header()
    return reply


@router.post(
    "/chat/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "`delta` events, then `done`"}},
)
async def chat_stream(body: ChatRequest, coach: CoachDep, user_id: UserIdDep) -> StreamingResponse:
    """`POST /chat` as server-sent events: `delta` pieces of the reply (markers removed) as the model
    writes them, then one `done` event with the same JSON `POST /chat` answers."""
    return StreamingResponse(
        chat_events(coach, user_id=user_id, request=body),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/chat/context", response_model=ChatContextResponse)
async def chat_context(
    coach: CoachDep,
    user_id: UserIdDep,
    include_health: bool = True,
    include_hevy: bool = True,
    include_insights: bool = True,
) -> ChatContextResponse:
    """System prompt, memory and data for the app's direct-Gemini mode (`include_health` is accepted only
    for compatibility: health data comes from the phone itself)."""
    del include_health
    return await coach.chat_context(
        user_id=user_id, include_hevy=include_hevy, include_insights=include_insights
    )


@router.post("/chat/process-conversation", response_model=ProcessConversationResponse)
async def process_conversation(
    body: ConversationTurn, coach: CoachDep, user_id: UserIdDep
) -> ProcessConversationResponse:
    """Answer at once; profile learning from the turn continues in the background."""
    stored = await coach.process_conversation(
        user_id=user_id, user_message=body.user_message, ai_response=body.ai_response
    )
    return ProcessConversationResponse(memories_extracted=stored, profile_updated=False)


@router.get("/chat/history", response_model=ChatHistoryResponse)
async def chat_history(coach: CoachDep, user_id: UserIdDep) -> ChatHistoryResponse:
    """The caller's stored turns as they were shown (a turn just answered included), for clients that show
    the conversation again after a reload."""
    return ChatHistoryResponse(turns=await coach.history(user_id=user_id))


@router.delete("/chat/session", response_model=SessionClearedResponse)
async def clear_session(coach: CoachDep, user_id: UserIdDep) -> SessionClearedResponse:
    """Forget the caller's chat sessions and history (nobody else's)."""
    cleared = await coach.clear_sessions(user_id=user_id)
    return SessionClearedResponse(status="session cleared" if cleared else "no session to clear")


@router.post("/chat/onboarding", response_model=OnboardingResponse)
async def onboarding(body: OnboardingRequest, coach: CoachDep, user_id: UserIdDep) -> OnboardingResponse:
    """One onboarding message; an empty message asks for the opening greeting."""
    return await coach.onboarding_turn(user_id=user_id, message=body.message)


@router.post("/profile/finalize-onboarding", response_model=FinalizeResponse)
async def finalize_onboarding(coach: CoachDep, user_id: UserIdDep) -> FinalizeResponse:
    """Write the coach persona and summary from what onboarding learned; starts a fresh session."""
    return await coach.finalize_onboarding(user_id=user_id)


@router.post("/profile/regenerate-personality", response_model=PersonalityResponse)
async def regenerate_personality(coach: CoachDep, user_id: UserIdDep) -> PersonalityResponse:
    """Rewrite the coach persona from the current profile (kept as is if the LLM fails)."""
    return await coach.regenerate_personality(user_id=user_id)


@router.post("/profile/learn", response_model=LearnResponse)
async def learn(coach: CoachDep, user_id: UserIdDep) -> LearnResponse:
    """Learn behaviour patterns from the caller's recent conversation."""
    return await coach.learn_from_history(user_id=user_id)


@router.post("/sync/memories", response_model=MemorySyncResponse)
async def sync_memories(body: MemorySyncRequest, coach: CoachDep, user_id: UserIdDep) -> MemorySyncResponse:
    """Store memories the app extracted; any storage failure is a 5xx so the app retries."""
    stored = await coach.sync_memories(user_id=user_id, kind=body.type, contents=body.contents)
    return MemorySyncResponse(stored=stored)
