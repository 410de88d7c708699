"""Wire models of the coach endpoints (docs/ios-contract.md § Coach, § Memories)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from airfit.limits import MessageText
from airfit.llm.models import Turn

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

    message: MessageText
    system_prompt: MessageText | None = None
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

    user_message: MessageText
    ai_response: MessageText


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

    message: MessageText = ""
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
    """`POST /sync/memories`: one request per type, all the phone's unsynced memories of that type at once.

    The phone marks a pass synced only when every request of it succeeded (docs/ios-contract.md § Memories),
    so anything refused here would block all its memories for good: an unknown type, a long backlog and a
    long text are accepted (the type is kept as a plain note, long texts are shortened when stored).
    """

    type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    contents: list[MessageText] = Field(max_length=5_000)


class MemorySyncResponse(BaseModel):
    """Stored count; failures are 5xx, never a 200 (docs/ios-contract.md § Status codes)."""

    status: str = "synced"
    stored: int


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
