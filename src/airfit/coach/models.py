"""Wire models of the coach endpoints (IOS_CONTRACT §4.3–§4.7, §4.17, §4.19, §4.24)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from airfit.coach.memory import MemoryType

MESSAGE_CHARS = 20_000
"""Longest chat message accepted (longer: 422); far above anything typed, far below argv-style limits."""

Message = Annotated[str, StringConstraints(max_length=MESSAGE_CHARS)]
ShortText = Annotated[str, StringConstraints(max_length=2_000)]


class FoodLine(BaseModel):
    """One food entry the app sends as context."""

    name: ShortText = ""
    calories: int = 0
    protein: int = 0


class NutritionContext(BaseModel):
    """`NutritionContext` of the app: today's totals and entries."""

    total_calories: int = 0
    total_protein: int = 0
    total_carbs: int = 0
    total_fat: int = 0
    entry_count: int = 0
    entries: list[FoodLine] = Field(default_factory=list, max_length=200)
    recent_entries: list[FoodLine] = Field(default_factory=list, max_length=200)


HealthContext = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=64)], Annotated[str, StringConstraints(max_length=2_000)]
    ],
    Field(max_length=64),
]


class ChatRequest(BaseModel):
    """`ChatRequest`: `AIRouter.sendToClaude` sends only `message`."""

    message: Message
    system_prompt: Message | None = None
    health_context: HealthContext | None = None
    nutrition_context: NutritionContext | None = None


class ChatResponse(BaseModel):
    """`ChatResponse`; on failure `success` is false and `error` says why (200, as the app expects)."""

    response: str
    provider: str
    success: bool
    error: str | None = None
    detected_topics: list[str] = Field(default_factory=list)


class ChatContextResponse(BaseModel):
    """`ChatContext` (direct-Gemini mode): every field required, never null."""

    system_prompt: str
    memory_context: str
    data_context: str
    profile_summary: str
    onboarding_complete: bool


class ConversationTurn(BaseModel):
    """A turn the app had with Gemini directly, posted back for learning."""

    user_message: Message
    ai_response: Message


class ProcessConversationResponse(BaseModel):
    """Answered at once; profile learning continues in the background."""

    status: str = "processed"
    memories_extracted: int
    profile_updated: bool
    learning: str = "scheduled"


class SessionClearedResponse(BaseModel):
    """`DELETE /chat/session`."""

    status: str


class OnboardingRequest(BaseModel):
    """`POST /chat/onboarding`; the app's `session_id` is ignored (sessions are per user on the server)."""

    message: Message = ""
    session_id: ShortText | None = None


class ProfileCompleteness(BaseModel):
    """All four flags, always (the app fails to decode a partial object)."""

    has_name: bool
    has_goals: bool
    has_training: bool
    has_style: bool


class OnboardingResponse(BaseModel):
    """`OnboardingChatResponse`: `session_id` is required even on failure."""

    response: str
    session_id: str
    profile_completeness: ProfileCompleteness | None
    error: str | None = None


class FinalizeResponse(BaseModel):
    """`POST /profile/finalize-onboarding`."""

    status: str
    name: str | None
    has_personality: bool
    preview: str | None


class PersonalityResponse(BaseModel):
    """`POST /profile/regenerate-personality`."""

    status: str
    personality: str | None
    error: str | None = None


class LearnResponse(BaseModel):
    """`POST /profile/learn`: learning from the stored conversation history."""

    status: str
    patterns: list[str]
    error: str | None = None


class MemorySyncRequest(BaseModel):
    """`POST /sync/memories`: one request per type."""

    type: MemoryType
    contents: list[Annotated[str, StringConstraints(max_length=2_000)]] = Field(max_length=200)


class MemorySyncResponse(BaseModel):
    """Stored count; failures are 5xx, never a 200 (contract M6)."""

    status: str = "synced"
    stored: int


class DiscussRequest(BaseModel):
    """`POST /insights/{id}/discuss`."""

    message: Message


class DiscussResponse(BaseModel):
    """`insight_title` is required even on failure."""

    response: str
    provider: str
    success: bool
    insight_title: str
    error: str | None = None
