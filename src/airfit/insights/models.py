"""Stored and wire models of insights (`<user>/insights.json`).

Every stored field is coerced on the way in, so a value an LLM, an old file or an import wrote can never
make `GET /insights`, the chat context or a tool fail (one `"importance": "0.8"` must not take all of them
down).
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from airfit.coerce import Number, Text, TextList, as_utc, paragraphs
from airfit.limits import MessageText
from airfit.storage import Document, register


class InsightCategory(StrEnum):
    """What kind of observation an insight is."""

    CORRELATION = "correlation"
    TREND = "trend"
    ANOMALY = "anomaly"
    MILESTONE = "milestone"
    NUDGE = "nudge"


class InsightSource(StrEnum):
    """Who found it: the deterministic detectors or the LLM."""

    STATISTICAL = "statistical"
    LLM = "llm"


class EngageAction(StrEnum):
    """What the user did with an insight (the iOS app sends the first four; chat adds `discussed`)."""

    VIEWED = "viewed"
    TAPPED = "tapped"
    DISMISSED = "dismissed"
    ACTED = "acted"
    DISCUSSED = "discussed"


class Feedback(StrEnum):
    """The user's verdict on an insight."""

    AGREE = "agree"
    DISAGREE = "disagree"
    NOT_RELEVANT = "not_relevant"


def _category(value: Any) -> InsightCategory:
    text = value.strip().lower() if isinstance(value, str) else ""
    try:
        return InsightCategory(text)
    except ValueError:
        return InsightCategory.NUDGE


def _tier(value: Any) -> int:
    number = _finite(value)
    return 3 if number is None else min(5, max(1, round(number)))


def _unit(default: float) -> Any:
    def coerce(value: Any) -> float:
        number = _finite(value)
        return default if number is None else min(1.0, max(0.0, number))

    return coerce


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _numbers(value: Any) -> list[float]:
    if not isinstance(value, list | tuple):
        return []
    return [n for n in (_finite(v) for v in value) if n is not None]


def _timestamp(value: Any) -> Any:
    """Aware UTC timestamps; a naive (original-server) one is UTC, as everywhere (`coerce.as_utc`)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        return as_utc(value)
    return None


def _required_timestamp(value: Any) -> Any:
    return _timestamp(value) or datetime.now(UTC)


def _enum_or_none(kind: type[StrEnum]) -> Any:
    def coerce(value: Any) -> Any:
        try:
            return kind(value.strip().lower()) if isinstance(value, str) else None
        except ValueError:
            return None

    return coerce


Timestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]
Unit = Annotated[float, BeforeValidator(_unit(0.5))]


class SupportingData(BaseModel):
    """The numbers behind an insight, in the keys the iOS chart reads (all optional, all lenient)."""

    model_config = ConfigDict(extra="allow")

    metric: Text = None
    values: Annotated[list[float], BeforeValidator(_numbers)] = Field(default_factory=list)
    dates: TextList = Field(default_factory=list)
    current_value: Number = None
    previous_value: Number = None
    change_pct: Number = None
    target: Number = None
    trend_slope: Number = None


def _supporting(value: Any) -> Any:
    return value if isinstance(value, dict | SupportingData) else {}


class Insight(BaseModel):
    """One stored insight."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    created_at: Annotated[datetime, BeforeValidator(_required_timestamp)] = Field(
        default_factory=lambda: datetime.now(UTC)
    )
    category: Annotated[InsightCategory, BeforeValidator(_category)] = InsightCategory.NUDGE
    tier: Annotated[int, BeforeValidator(_tier)] = 3
    title: str
    body: str = ""
    importance: Unit = 0.5
    confidence: Unit = 0.5
    supporting_data: Annotated[SupportingData, BeforeValidator(_supporting)] = Field(
        default_factory=SupportingData
    )
    suggested_actions: TextList = Field(default_factory=list)
    source: Annotated[InsightSource, BeforeValidator(_enum_or_none(InsightSource))] = InsightSource.LLM
    fingerprint: Text = None
    surfaced_at: Timestamp = None
    engagement: Annotated[EngageAction | None, BeforeValidator(_enum_or_none(EngageAction))] = None
    dismissed_at: Timestamp = None
    user_feedback: Annotated[Feedback | None, BeforeValidator(_enum_or_none(Feedback))] = None
    migrated: bool = Field(
        False, description="Moved from the original server by `airfit migrate`: kept, never expired by age."
    )

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        return " ".join(value.split()) if isinstance(value, str) else ""

    @field_validator("body", mode="before")
    @classmethod
    def _body(cls, value: Any) -> str:
        return paragraphs(value) if isinstance(value, str) else ""

    @property
    def score(self) -> float:
        """Ranking score: how much it matters times how sure we are."""
        return self.importance * self.confidence


def _insight_list(value: Any) -> list[Any]:
    """Keep the insights that can be read; drop (never fail on) the rest."""
    if not isinstance(value, list):
        return []
    kept: list[Any] = []
    for item in value:
        if isinstance(item, Insight):
            kept.append(item)
        elif isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip():
            try:
                kept.append(Insight.model_validate(item))
            except ValueError:
                continue
    return kept


class InsightStore(BaseModel):
    """All of one user's insights."""

    model_config = ConfigDict(extra="allow")

    insights: Annotated[list[Insight], BeforeValidator(_insight_list)] = Field(default_factory=list)


def _from_context_store(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: `{"insights": [...]}` as the migrate command copies it out of the original context store.

    Those LLM fields were stored unchecked; the lenient model coerces or drops each poison value.
    """
    insights = data.get("insights") if isinstance(data, dict) else None
    return {"insights": insights if isinstance(insights, list) else []}


INSIGHTS = register(Document("insights", InsightStore, version=1, migrations={0: _from_context_store}))


def wire_timestamp(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ`: what the app's default ISO8601DateFormatter parses (docs/ios-contract.md
    § Dates)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class InsightOut(BaseModel):
    """`InsightData` of the iOS app (plus `confidence` and `source`, which it ignores)."""

    id: str
    category: str
    tier: int
    title: str
    body: str
    importance: float
    confidence: float
    source: str
    created_at: str
    suggested_actions: list[str]
    supporting_data: dict[str, Any]

    @classmethod
    def of(cls, insight: Insight) -> InsightOut:
        """The wire form of a stored insight."""
        return cls(
            id=insight.id,
            category=insight.category.value,
            tier=insight.tier,
            title=insight.title,
            body=insight.body,
            importance=insight.importance,
            confidence=insight.confidence,
            source=insight.source.value,
            created_at=wire_timestamp(insight.created_at),
            suggested_actions=list(insight.suggested_actions),
            supporting_data=insight.supporting_data.model_dump(exclude_none=True, exclude_defaults=True),
        )


class EngageResponse(BaseModel):
    """`POST /insights/{id}/engage` answer."""

    status: str = "recorded"


class GenerateRequest(BaseModel):
    """`POST /insights/generate` body (the app always sends both keys)."""

    days: int = Field(90, ge=1, le=3650)
    force: bool = Field(
        False,
        description="If a generation is running: wait for it and run again, rather than say so at once.",
    )


class GenerateResponse(BaseModel):
    """`POST /insights/generate` answer (§ Insights): every key present even on failure."""

    success: bool
    insights_generated: int
    token_estimate: int
    insights: list[InsightOut]
    error: str | None = None


class DataPreview(BaseModel):
    """`GET /insights/data-preview`: what the LLM would be shown."""

    days_requested: int
    days_with_data: int
    token_estimate: int
    character_count: int
    data_preview: str


class DiscussRequest(BaseModel):
    """`POST /insights/{id}/discuss`."""

    message: MessageText


class DiscussResponse(BaseModel):
    """`insight_title` is required even on failure."""

    response: str
    provider: str
    success: bool
    insight_title: str
    error: str | None = None
