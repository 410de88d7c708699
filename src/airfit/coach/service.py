"""Coach pipelines: chat, context for direct mode, onboarding, learning in the background, memory sync.

Every function takes the calling user's id from the route (never from a body) and touches only that
user's documents and sessions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from airfit.coach import context as ctx
from airfit.coach.learning import learn_patterns, learn_profile, one_line_summary, synthesize_personality
from airfit.coach.legacy import import_legacy_memories
from airfit.coach.memory import (
    ConsolidationResult,
    MemoryType,
    add_memories,
    consolidate,
    extract_markers,
    memory_context,
    strip_markers,
)
from airfit.coach.models import (
    ChatContextResponse,
    ChatRequest,
    ChatResponse,
    FinalizeResponse,
    LearnResponse,
    OnboardingResponse,
    PersonalityResponse,
    ProfileCompleteness,
)
from airfit.coach.prompts import ONBOARDING_SYSTEM_PROMPT, profile_summary, system_prompt, with_memory
from airfit.llm import sessions
from airfit.profile.models import PROFILE, UserProfile
from airfit.state import AppState
from airfit.tools.binding import bind as bind_tools

logger = logging.getLogger(__name__)

ONBOARDING_OPENER = "Hi! I'm starting the onboarding process."
ONBOARDING_APOLOGY = "I'm having trouble connecting. Let's try again!"
PREVIEW_CHARS = 500


@dataclass(frozen=True)
class Timing:
    """Where a request's time went: the provider call, and the server's own work around it."""

    total: float
    llm: float

    @property
    def overhead(self) -> float:
        """Everything except waiting for the provider."""
        return max(self.total - self.llm, 0.0)

    def header(self) -> str:
        """A `Server-Timing` header value (milliseconds)."""
        return f"overhead;dur={self.overhead * 1000:.2f}, llm;dur={self.llm * 1000:.2f}"


async def _memory(state: AppState, user_id: str) -> str:
    await import_legacy_memories(state.store, user_id)
    return await memory_context(state.store, user_id)


async def _timezone(state: AppState, user_id: str) -> tzinfo:
    return await state.users.timezone_of(user_id)


async def chat(state: AppState, user_id: str, request: ChatRequest) -> tuple[ChatResponse, Timing]:
    """One coaching turn: context, prompt, the user's own session, then learning in the background."""
    started = time.perf_counter()
    profile = await state.store.read(user_id, PROFILE)
    memory = await _memory(state, user_id)
    blocks = await ctx.data_sections(state, user_id)
    if request.health_context:
        blocks.append(ctx.format_health_context(request.health_context, await _timezone(state, user_id)))
    if request.nutrition_context is not None:
        blocks.append(ctx.format_nutrition_context(request.nutrition_context))
    prompt = ctx.build_prompt([b for b in blocks if b], request.message)
    # The app may replace the whole persona; the relationship memory is still this user's.
    system = (
        with_memory(request.system_prompt, memory)
        if request.system_prompt
        else system_prompt(profile, memory)
    )
    result = await state.llm.converse(
        user_id,
        prompt,
        system_prompt=system,
        user_text=request.message,
        remembered=strip_markers,
        tools=bind_tools(state, user_id),
    )
    if result.success:
        schedule_learning(state, user_id, request.message, result.text)
    response = ChatResponse(
        response=strip_markers(result.text) if result.success else "",
        provider=result.provider,
        success=result.success,
        error=result.error,
    )
    return response, Timing(total=time.perf_counter() - started, llm=result.elapsed)


def schedule_learning(state: AppState, user_id: str, user_text: str, raw_reply: str) -> None:
    """Learn from a finished exchange in the background (memory markers, then profile facts)."""
    state.spawn(learn_from_exchange(state, user_id, user_text, raw_reply), name=f"learn:{user_id}")


async def learn_from_exchange(state: AppState, user_id: str, user_text: str, raw_reply: str) -> bool:
    """Store the reply's memory markers and learn profile facts; serialised per user."""
    async with state.llm.user_lock(user_id, "learning"):
        await add_memories(state.store, user_id, extract_markers(raw_reply))
        if not state.llm.available():
            return False
        return await learn_profile(state.store, state.llm, user_id, user_text, strip_markers(raw_reply))


async def process_conversation(state: AppState, user_id: str, user_message: str, ai_response: str) -> int:
    """A turn the app had with Gemini itself: markers stored now, profile learning in the background."""
    stored = await add_memories(state.store, user_id, extract_markers(ai_response))
    if state.llm.available():
        state.spawn(
            _learn_profile_only(state, user_id, user_message, strip_markers(ai_response)),
            name=f"learn:{user_id}",
        )
    return stored


async def _learn_profile_only(state: AppState, user_id: str, user_text: str, reply: str) -> bool:
    async with state.llm.user_lock(user_id, "learning"):
        return await learn_profile(state.store, state.llm, user_id, user_text, reply)


async def chat_context(
    state: AppState, user_id: str, *, include_hevy: bool = True, include_insights: bool = True
) -> ChatContextResponse:
    """Everything the app needs to call Gemini directly (`GET /chat/context`)."""
    profile = await state.store.read(user_id, PROFILE)
    memory = await _memory(state, user_id)
    wanted = {"data": True, "workouts": include_hevy, "insights": include_insights}
    chosen = [s for s in ctx.DATA_SECTIONS if wanted[s.kind]]
    blocks = await ctx.data_sections(state, user_id, chosen)
    return ChatContextResponse(
        system_prompt=system_prompt(profile, memory),
        memory_context=memory,
        data_context="\n\n".join(blocks),
        profile_summary=profile_summary(profile),
        onboarding_complete=profile.onboarding_complete,
    )


def completeness(profile: UserProfile) -> ProfileCompleteness:
    """Which onboarding topics are known."""
    return ProfileCompleteness(
        has_name=bool(profile.name),
        has_goals=bool(profile.goals),
        has_training=bool(profile.training_style or profile.training_days_per_week),
        has_style=bool(profile.communication_style),
    )


async def onboarding_turn(state: AppState, user_id: str, message: str) -> OnboardingResponse:
    """One onboarding message on the user's own session; facts are learned in the background."""
    text = message.strip() or ONBOARDING_OPENER
    result = await state.llm.converse(
        user_id, text, system_prompt=ONBOARDING_SYSTEM_PROMPT, user_text=text, remembered=strip_markers
    )
    await state.llm.settle(user_id)
    session = await sessions.latest_session(state.store, user_id)
    session_id = result.session_id or (session.session_id if session else "") or ""
    if not result.success:
        return OnboardingResponse(
            response=ONBOARDING_APOLOGY, session_id=session_id, profile_completeness=None, error=result.error
        )
    if message.strip():
        schedule_learning(state, user_id, text, result.text)
    profile = await state.store.read(user_id, PROFILE)
    return OnboardingResponse(
        response=strip_markers(result.text), session_id=session_id, profile_completeness=completeness(profile)
    )


async def finalize_onboarding(state: AppState, user_id: str) -> FinalizeResponse:
    """Write the persona and summary, mark onboarding complete and start a fresh session."""
    async with state.llm.user_lock(user_id, "learning"):
        profile = await state.store.read(user_id, PROFILE)
        personality, _ = await synthesize_personality(state.llm, profile)
        summary = await one_line_summary(state.llm, profile)
        async with state.store.transaction(user_id, PROFILE) as current:
            if personality:
                current.personality_notes = personality
            if summary:
                current.summary = summary
            current.onboarding_complete = True
            current.updated_at = datetime.now(UTC)
            final = current.model_copy()
    await clear_sessions(state, user_id)
    notes = final.personality_notes
    return FinalizeResponse(
        status="onboarding_complete",
        name=final.name,
        has_personality=bool(notes),
        preview=notes[:PREVIEW_CHARS] if notes else None,
    )


async def regenerate_personality(state: AppState, user_id: str) -> PersonalityResponse:
    """P6 again from the current profile; the old persona is kept when the new one is unusable."""
    async with state.llm.user_lock(user_id, "learning"):
        profile = await state.store.read(user_id, PROFILE)
        personality, error = await synthesize_personality(state.llm, profile)
        if personality:
            async with state.store.transaction(user_id, PROFILE) as current:
                current.personality_notes = personality
                current.updated_at = datetime.now(UTC)
    if personality:
        await clear_sessions(state, user_id)
    kept = personality or profile.personality_notes
    return PersonalityResponse(
        status="regenerated" if personality else "unchanged",
        personality=kept[:PREVIEW_CHARS] if kept else None,
        error=error,
    )


async def learn_from_history(state: AppState, user_id: str) -> LearnResponse:
    """Behaviour patterns from the user's recent conversation (`POST /profile/learn`)."""
    await state.llm.settle(user_id)
    turns = await sessions.recent_turns(state.store, user_id, sessions.HISTORY_LIMIT)
    profile = await state.store.read(user_id, PROFILE)
    if not turns:
        return LearnResponse(status="nothing to learn from", patterns=list(profile.patterns))
    conversation = "\n".join(f"{'User' if t.role == 'user' else 'Coach'}: {t.content}" for t in turns)
    async with state.llm.user_lock(user_id, "learning"):
        patterns, error = await learn_patterns(state.store, state.llm, user_id, conversation)
    return LearnResponse(
        status="learning complete" if error is None else "learning failed", patterns=patterns, error=error
    )


async def sync_memories(state: AppState, user_id: str, kind: MemoryType, contents: list[str]) -> int:
    """Store memories the app extracted itself; storage failures propagate (5xx, contract M6)."""
    items = [(kind, " ".join(c.split())) for c in contents if c.strip()]
    return await add_memories(state.store, user_id, items, source="app")


async def clear_sessions(state: AppState, user_id: str) -> bool:
    """Forget the user's chat sessions and turn history (also used by `DELETE /profile`)."""
    await state.llm.settle(user_id)
    return await sessions.clear_sessions(state.store, user_id)


async def consolidate_memories(state: AppState, user_id: str) -> ConsolidationResult:
    """The weekly memory consolidation of one user (called by the scheduler)."""
    async with state.llm.user_lock(user_id, "memory"):
        await import_legacy_memories(state.store, user_id)
        if not state.llm.available():
            return ConsolidationResult(error="no LLM provider configured")
        return await consolidate(state.store, state.llm, user_id)
