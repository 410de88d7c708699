"""Coach endpoints (IOS_CONTRACT §4.3–§4.7, §4.17, §4.19): thin wrappers over `airfit.coach.service`."""

from __future__ import annotations

from fastapi import APIRouter, Response

from airfit.coach import service
from airfit.coach.models import (
    ChatContextResponse,
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
from airfit.deps import StateDep, UserIdDep

router = APIRouter(tags=["coach"])


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, state: StateDep, user_id: UserIdDep, response: Response) -> ChatResponse:
    """Talk to the coach; LLM failures are a 200 with `success: false` and the reason (contract §1.3)."""
    reply, timing = await service.chat(state, user_id, body)
    response.headers["Server-Timing"] = timing.header()
    return reply


@router.get("/chat/context", response_model=ChatContextResponse)
async def chat_context(
    state: StateDep,
    user_id: UserIdDep,
    include_health: bool = True,
    include_hevy: bool = True,
    include_insights: bool = True,
) -> ChatContextResponse:
    """System prompt, memory and data for the app's direct-Gemini mode (`include_health` is accepted only
    for compatibility: health data comes from the phone itself)."""
    del include_health
    return await service.chat_context(
        state, user_id, include_hevy=include_hevy, include_insights=include_insights
    )


@router.post("/chat/process-conversation", response_model=ProcessConversationResponse)
async def process_conversation(
    body: ConversationTurn, state: StateDep, user_id: UserIdDep
) -> ProcessConversationResponse:
    """Answer at once; profile learning from the turn continues in the background."""
    stored = await service.process_conversation(state, user_id, body.user_message, body.ai_response)
    return ProcessConversationResponse(memories_extracted=stored, profile_updated=False)


@router.delete("/chat/session", response_model=SessionClearedResponse)
async def clear_session(state: StateDep, user_id: UserIdDep) -> SessionClearedResponse:
    """Forget the caller's chat sessions and history (nobody else's)."""
    cleared = await service.clear_sessions(state, user_id)
    return SessionClearedResponse(status="session cleared" if cleared else "no session to clear")


@router.post("/chat/onboarding", response_model=OnboardingResponse)
async def onboarding(body: OnboardingRequest, state: StateDep, user_id: UserIdDep) -> OnboardingResponse:
    """One onboarding message; an empty message asks for the opening greeting."""
    return await service.onboarding_turn(state, user_id, body.message)


@router.post("/profile/finalize-onboarding", response_model=FinalizeResponse)
async def finalize_onboarding(state: StateDep, user_id: UserIdDep) -> FinalizeResponse:
    """Write the coach persona and summary from what onboarding learned; starts a fresh session."""
    return await service.finalize_onboarding(state, user_id)


@router.post("/profile/regenerate-personality", response_model=PersonalityResponse)
async def regenerate_personality(state: StateDep, user_id: UserIdDep) -> PersonalityResponse:
    """Rewrite the coach persona from the current profile (kept as is if the LLM fails)."""
    return await service.regenerate_personality(state, user_id)


@router.post("/profile/learn", response_model=LearnResponse)
async def learn(state: StateDep, user_id: UserIdDep) -> LearnResponse:
    """Learn behaviour patterns from the caller's recent conversation."""
    return await service.learn_from_history(state, user_id)


@router.post("/sync/memories", response_model=MemorySyncResponse)
async def sync_memories(body: MemorySyncRequest, state: StateDep, user_id: UserIdDep) -> MemorySyncResponse:
    """Store memories the app extracted; any storage failure is a 5xx so the app retries (contract M6)."""
    stored = await service.sync_memories(state, user_id, body.type, body.contents)
    return MemorySyncResponse(stored=stored)
