"""The coach: chat, context for direct mode, onboarding, learning in the background, memory sync.

Every method takes the calling user's id from the route (never from a body) and touches only that user's
documents and sessions. One user's learning runs under their "learning" lock and memory consolidation
under their "memory" lock, so neither overlaps itself; chat turns are serialised by the LLM router.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from airfit.background import Background
from airfit.coach import context as ctx
from airfit.coach.learning import learn_patterns, learn_profile, one_line_summary, synthesize_personality
from airfit.coach.legacy import import_legacy_memories
from airfit.coach.memory import (
    ENTRY_CHARS,
    ConsolidationResult,
    MemoryType,
    add_memories,
    consolidate,
    extract_markers,
    is_memory_type,
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
    ShownTurn,
)
from airfit.coach.prompts import (
    ONBOARDING_SYSTEM_PROMPT,
    coach_prompt,
    memory_block,
    profile_facts,
    profile_summary,
    system_prompt,
)
from airfit.llm.budget import Block
from airfit.llm.models import LLMResult
from airfit.llm.router import LLMRouter
from airfit.llm.tools import ToolBinding
from airfit.locks import UserLocks
from airfit.profile.models import UserProfile
from airfit.profile.service import ProfileService
from airfit.storage import DocumentStore
from airfit.units import Units
from airfit.users.service import UserService

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


def completeness(profile: UserProfile) -> ProfileCompleteness:
    """Which onboarding topics are known."""
    return ProfileCompleteness(
        has_name=bool(profile.name),
        has_goals=bool(profile.goals),
        has_training=bool(profile.training_style or profile.training_days_per_week),
        has_style=bool(profile.communication_style),
    )


def _persona(personality: str) -> Callable[[UserProfile], tuple[None, bool]]:
    def change(current: UserProfile) -> tuple[None, bool]:
        current.personality_notes = personality
        return None, True

    return change


NOTHING_TO_FINALIZE = "nothing_to_finalize"
"""`POST /profile/finalize-onboarding` before the user has said anything: onboarding stays open."""


class Coach:
    """The coaching pipelines of every user; holds no user's data beyond the context-block cache."""

    def __init__(
        self,
        store: DocumentStore,
        users: UserService,
        llm: LLMRouter,
        profiles: ProfileService,
        *,
        locks: UserLocks,
        background: Background,
        bind_tools: Callable[[str], ToolBinding] | None = None,
        context: ctx.DataContext | None = None,
    ) -> None:
        self.store = store
        self.users = users
        self.llm = llm
        self.profiles = profiles
        self.locks = locks
        self.background = background
        self.bind_tools = bind_tools
        self.context = context or ctx.DataContext(store, users)

    async def _memory(self, user_id: str, *, said_since: datetime | None = None) -> str:
        await import_legacy_memories(self.store, user_id)
        return await memory_context(self.store, user_id, said_since=said_since)

    async def _conversation(
        self, user_id: str, units: Units, app_prompt: str | None = None
    ) -> tuple[str, list[Block]]:
        """The system prompt and context blocks of a turn on the user's conversation.

        Ordered by how often they change, so providers' prefix caches hold from turn to turn: the persona
        and fixed instructions, the stored data (changes with a sync), the user's facts (learning rewrites
        them), the relationship memory (less what the replayed replies added: they carry it); the router
        puts the earlier turns and then this turn's app data and message after them. An app's own prompt
        replaces the persona, the instructions and the facts; the stored data and memory are still this
        user's.
        """
        profile = await self.profiles.get(user_id)
        memory = await self._memory(user_id, said_since=await self.llm.replay_start(user_id))
        blocks = await self.context.prompt_blocks(user_id=user_id)
        facts = "" if app_prompt else profile_facts(profile, units)
        if facts:
            blocks.append(Block("profile", facts, ctx.PROFILE_PRIORITY))
        if memory:
            blocks.append(Block("memory", memory_block(memory), ctx.MEMORY_PRIORITY))
        return app_prompt or coach_prompt(profile), blocks

    async def chat(
        self, *, user_id: str, request: ChatRequest, on_text: Callable[[str], None] | None = None
    ) -> tuple[ChatResponse, Timing]:
        """One coaching turn: context, prompt, the user's own session, then learning in the background.

        `on_text` is given the raw answer as it is written (`POST /chat/stream`).
        """
        started = time.perf_counter()
        units = await self.users.units_of(user_id)
        system, context = await self._conversation(user_id, units, request.system_prompt)
        turn = []
        if request.health_context:
            tz = await self.users.timezone_of(user_id)
            turn.append(ctx.format_health_context(request.health_context, tz, units))
        if request.nutrition_context is not None:
            turn.append(ctx.format_nutrition_context(request.nutrition_context, units))
        prompt = ctx.build_prompt([b for b in turn if b], request.message)
        result = await self.llm.converse(
            user_id,
            prompt,
            system_prompt=system,
            context=context,
            user_text=request.message,
            remembered=strip_markers,
            tools=self.bind_tools(user_id) if self.bind_tools is not None else None,
            on_text=on_text,
        )
        if result.success:
            self._schedule_learning(user_id, request.message, result.text)
        response = ChatResponse(
            response=strip_markers(result.text) if result.success else "",
            provider=result.provider,
            success=result.success,
            error=result.error,
        )
        return response, Timing(total=time.perf_counter() - started, llm=result.elapsed)

    async def discuss(self, *, user_id: str, prompt: str, user_text: str) -> LLMResult:
        """A turn about something the user is looking at (an insight), on their own session, in the coach's
        persona and with the same context as a chat turn (so it keeps the conversation's cached prefix);
        the answer's memory markers are removed."""
        system, context = await self._conversation(user_id, await self.users.units_of(user_id))
        result = await self.llm.converse(
            user_id,
            prompt,
            system_prompt=system,
            context=context,
            user_text=user_text,
            remembered=strip_markers,
        )
        return result.model_copy(update={"text": strip_markers(result.text)}) if result.success else result

    def _schedule_learning(self, user_id: str, user_text: str, raw_reply: str) -> None:
        """Learn from a finished exchange in the background (memory markers, then profile facts)."""
        self.background.spawn(
            self.learn_from_exchange(user_id=user_id, user_text=user_text, raw_reply=raw_reply),
            name=f"learn:{user_id}",
        )

    async def learn_from_exchange(self, *, user_id: str, user_text: str, raw_reply: str) -> bool:
        """Store the reply's memory markers and learn profile facts; serialised per user."""
        async with self.locks.lock(user_id, "learning"):
            await add_memories(self.store, user_id, extract_markers(raw_reply))
            if not self.llm.available():
                return False
            return await learn_profile(self.profiles, self.llm, user_id, user_text, strip_markers(raw_reply))

    async def process_conversation(self, *, user_id: str, user_message: str, ai_response: str) -> int:
        """A turn the app had with Gemini itself: markers stored now, profile learning in the background."""
        stored = await add_memories(self.store, user_id, extract_markers(ai_response))
        if self.llm.available():
            self.background.spawn(
                self._learn_profile_only(user_id, user_message, strip_markers(ai_response)),
                name=f"learn:{user_id}",
            )
        return stored

    async def _learn_profile_only(self, user_id: str, user_text: str, reply: str) -> bool:
        async with self.locks.lock(user_id, "learning"):
            return await learn_profile(self.profiles, self.llm, user_id, user_text, reply)

    async def chat_context(
        self, *, user_id: str, include_hevy: bool = True, include_insights: bool = True
    ) -> ChatContextResponse:
        """Everything the app needs to call Gemini directly (`GET /chat/context`)."""
        profile = await self.profiles.get(user_id)
        memory = await self._memory(user_id)
        kinds: set[ctx.Kind] = {"data"}
        if include_hevy:
            kinds.add("workouts")
        if include_insights:
            kinds.add("insights")
        blocks = await self.context.blocks(user_id=user_id, kinds=kinds)
        return ChatContextResponse(
            system_prompt=system_prompt(profile, memory, await self.users.units_of(user_id)),
            memory_context=memory,
            data_context="\n\n".join(blocks),
            profile_summary=profile_summary(profile),
            onboarding_complete=profile.onboarding_complete,
        )

    async def onboarding_turn(self, *, user_id: str, message: str) -> OnboardingResponse:
        """One onboarding message on the user's own session; facts are learned in the background."""
        text = message.strip() or ONBOARDING_OPENER
        result = await self.llm.converse(
            user_id, text, system_prompt=ONBOARDING_SYSTEM_PROMPT, user_text=text, remembered=strip_markers
        )
        session = await self.llm.latest_session(user_id)
        session_id = result.session_id or (session.session_id if session else "") or ""
        if not result.success:
            return OnboardingResponse(
                response=ONBOARDING_APOLOGY,
                session_id=session_id,
                profile_completeness=None,
                error=result.error,
            )
        if message.strip():
            self._schedule_learning(user_id, text, result.text)
        profile = await self.profiles.get(user_id)
        return OnboardingResponse(
            response=strip_markers(result.text),
            session_id=session_id,
            profile_completeness=completeness(profile),
        )

    async def finalize_onboarding(self, *, user_id: str) -> FinalizeResponse:
        """Write the persona and summary, mark onboarding complete and start a fresh session.

        With nothing to go on (no conversation, no name, no goal) nothing is completed: a persona written
        from an empty profile would be the coach's guess, kept as if the user had said it."""
        async with self.locks.lock(user_id, "learning"):
            profile = await self.profiles.get(user_id)
            if not (profile.name or profile.goals or await self.llm.history(user_id)):
                return FinalizeResponse(
                    status=NOTHING_TO_FINALIZE, name=None, has_personality=False, preview=None
                )
            personality, _ = await synthesize_personality(self.llm, profile)
            summary = await one_line_summary(self.llm, profile)

            def complete(current: UserProfile) -> tuple[UserProfile, bool]:
                if personality:
                    current.personality_notes = personality
                if summary:
                    current.summary = summary
                current.onboarding_complete = True
                return current.model_copy(), True

            final = await self.profiles.amend(user_id, complete)
        await self.clear_sessions(user_id=user_id)
        notes = final.personality_notes
        return FinalizeResponse(
            status="onboarding_complete",
            name=final.name,
            has_personality=bool(notes),
            preview=notes[:PREVIEW_CHARS] if notes else None,
        )

    async def regenerate_personality(self, *, user_id: str) -> PersonalityResponse:
        """The persona written again from the current profile; the old one is kept when the new one is
        unusable."""
        async with self.locks.lock(user_id, "learning"):
            profile = await self.profiles.get(user_id)
            personality, error = await synthesize_personality(self.llm, profile)
            if personality:
                await self.profiles.amend(user_id, _persona(personality))
        if personality:
            await self.clear_sessions(user_id=user_id)
        kept = personality or profile.personality_notes
        return PersonalityResponse(
            status="regenerated" if personality else "unchanged",
            personality=kept[:PREVIEW_CHARS] if kept else None,
            error=error,
        )

    async def learn_from_history(self, *, user_id: str) -> LearnResponse:
        """Behaviour patterns from the user's recent conversation (`POST /profile/learn`)."""
        turns = await self.llm.history(user_id)
        profile = await self.profiles.get(user_id)
        if not turns:
            return LearnResponse(status="nothing to learn from", patterns=list(profile.patterns))
        conversation = "\n".join(f"{'User' if t.role == 'user' else 'Coach'}: {t.content}" for t in turns)
        async with self.locks.lock(user_id, "learning"):
            patterns, error = await learn_patterns(self.profiles, self.llm, user_id, conversation)
        return LearnResponse(
            status="learning complete" if error is None else "learning failed", patterns=patterns, error=error
        )

    async def sync_memories(self, *, user_id: str, kind: str, contents: list[str]) -> int:
        """Store memories the app extracted itself; returns how many were new. A marker type the coach does
        not know is kept as a plain note; storage failures propagate (a 5xx: the app sends them again)."""
        known: MemoryType = kind if is_memory_type(kind) else "remember"
        items = [(known, " ".join(c.split())[:ENTRY_CHARS]) for c in contents if c.strip()]
        return await add_memories(self.store, user_id, items, source="app")

    async def history(self, *, user_id: str) -> list[ShownTurn]:
        """The user's stored turns, oldest first, as they were shown to the user."""
        return [ShownTurn.of(turn) for turn in await self.llm.history(user_id)]

    async def clear_sessions(self, *, user_id: str) -> bool:
        """Forget the user's chat sessions and turn history (also used by the profile's resets)."""
        return await self.llm.clear_sessions(user_id)

    async def consolidate_memories(self, *, user_id: str) -> ConsolidationResult:
        """The weekly memory consolidation of one user (called by the scheduler)."""
        async with self.locks.lock(user_id, "memory"):
            await import_legacy_memories(self.store, user_id)
            if not self.llm.available():
                return ConsolidationResult(error="no LLM provider configured")
            return await consolidate(self.store, self.llm, user_id)
