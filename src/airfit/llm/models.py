"""What an LLM call returns, and the stored chat sessions and per-user turn history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from airfit.llm.tools import ToolBinding
from airfit.storage import Document, register

NO_PROVIDER_ERROR = (
    "No LLM provider is configured. Set AIRFIT_PROVIDERS (claude, gemini, codex, openai, anthropic) and "
    "install that command-line tool, or set OPENAI_BASE_URL + AIRFIT_OPENAI_MODEL (Ollama, llama.cpp, vLLM, "
    "LM Studio, OpenAI) or ANTHROPIC_API_KEY."
)


def utcnow() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class LLMResult(BaseModel):
    """The outcome of one routed LLM call."""

    text: str = ""
    provider: str = "none"
    success: bool = False
    error: str | None = None
    session_id: str | None = None
    elapsed: float = 0.0


class ProviderError(Exception):
    """One provider failed for this call; the router moves on to the next one."""


class SessionLostError(ProviderError):
    """The CLI no longer knows the session it was asked to resume."""


class SessionInUseError(ProviderError):
    """The CLI already has a session under the id it was asked to create."""


class BrokenAnswerError(ProviderError):
    """A streamed answer stopped after part of it was shown: no other provider is tried for it."""


class Turn(BaseModel):
    """One message of a conversation: as the user and the coach wrote it, and as the model saw it."""

    role: Literal["user", "assistant"]
    content: str
    """What the user wrote, or the coach's answer as the user was shown it."""
    at: datetime = Field(default_factory=utcnow)
    sent: str | None = None
    """The message as the model saw or wrote it, when that differs from `content`: the user's message with
    that turn's app data, the answer with its memory markers. Providers that keep no conversation are sent
    this, so each turn begins with exactly the previous one and the model server's prefix cache holds."""

    def as_sent(self) -> Turn:
        """The turn as the model saw it."""
        return self if self.sent is None else Turn(role=self.role, content=self.sent, at=self.at)


@dataclass(frozen=True)
class LLMRequest:
    """Everything one provider call is given; the router derives each attempt's copy with `replace`.

    Per-call limits (output tokens, prompt budgets) belong here too, so every provider reads them alike.
    """

    prompt: str
    timeout: float
    system_prompt: str | None = None
    history: list[Turn] = field(default_factory=list)
    """Earlier turns, for providers that keep no session."""
    session_id: str | None = None
    """The CLI session to answer on (providers that keep sessions)."""
    resume: bool = False
    """Continue `session_id` (True) or create it (False)."""
    tools: ToolBinding | None = None
    """The data tools of the user this call is for; None for stateless calls."""
    max_tokens: int | None = None
    """How many tokens the model may write (the kind of call's setting); None: the provider's default."""
    on_text: Callable[[str], None] | None = field(default=None, compare=False)
    """Given each piece of the answer as it is written, by providers that can stream; the others answer
    whole, and the router hands on their answer as one piece."""


class SessionRecord(BaseModel):
    """One user's conversation with one provider."""

    session_id: str
    provider: str
    created_at: datetime = Field(default_factory=utcnow)
    last_used: datetime = Field(default_factory=utcnow)
    message_count: int = 0
    started: bool = False
    last_topic: str | None = None

    @field_validator("created_at", "last_used")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # Migrated sessions carry naive times: read as UTC, the rule for every stored time (`coerce.as_utc`).
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class SessionBook(BaseModel):
    """All sessions of the household, keyed `user_id:provider`."""

    sessions: dict[str, SessionRecord] = Field(default_factory=dict)


def _legacy_sessions(data: dict[str, Any]) -> dict[str, Any]:
    """A migrated single-user server's bare mapping of sessions (keys `<user>:<provider>`)."""
    sessions = {}
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(value.get("session_id"), str):
            # Those ids were always passed to --resume: the CLI knows them already.
            sessions[key] = {**value, "started": True}
    return {"sessions": sessions}


SESSIONS = register(Document("sessions", SessionBook, migrations={0: _legacy_sessions}))


class ChatHistory(BaseModel):
    """A user's recent turns, replayed to providers that keep no conversation of their own."""

    turns: list[Turn] = Field(default_factory=list)


CHAT_HISTORY = register(Document("chat_history", ChatHistory))
