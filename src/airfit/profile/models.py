"""The stored user profile (`<user>/profile.json`).

Every field is coerced on the way in (see `airfit.coerce`), so imports, seeds, old files and LLM extractions
cannot store a value that breaks `GET /profile`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from airfit.coerce import Flag, Integer, Number, Text, TextList
from airfit.storage import Document, register

DEFAULT_PROTEIN_TARGET = 160
DEFAULT_CALORIE_TARGET = 2200


def _target(value: Any) -> int | str | None:
    """A macro target: a whole number, or a range as written ("320-340")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return round(value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return int(text) if text.isdigit() else text
    return None


Target = Annotated[int | str | None, BeforeValidator(_target)]


class MacroTargets(BaseModel):
    """Daily macro targets; each may be a number or a range string."""

    model_config = ConfigDict(extra="ignore")

    calories: Target = None
    protein: Target = None
    carbs: Target = None
    fat: Target = None

    def value(self, name: str) -> float | None:
        """A target as one number: the value itself, or the middle of a range such as "320-340"."""
        raw = getattr(self, name)
        if raw is None:
            return None
        if isinstance(raw, int):
            return float(raw)
        parts = [p for p in raw.replace("–", "-").split("-") if p.strip()]
        try:
            numbers = [float(p.strip().rstrip("gkcal ").strip()) for p in parts]
        except ValueError:
            return None
        return sum(numbers) / len(numbers) if numbers else None


def _targets(value: Any) -> Any:
    return value if isinstance(value, dict | MacroTargets) else {}


Targets = Annotated[MacroTargets, BeforeValidator(_targets)]


class ProfileInsight(BaseModel):
    """Something learned about the user, with where it came from."""

    date: str
    insight: str
    source: str = "chat"


def _insights(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return []
    kept = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("insight"), str) and item["insight"].strip():
            kept.append(
                {
                    "date": str(item.get("date") or ""),
                    "insight": item["insight"].strip(),
                    "source": str(item.get("source") or "chat"),
                }
            )
    return kept


def _now() -> datetime:
    return datetime.now(UTC)


class UserProfile(BaseModel):
    """Everything the coach knows about one user. Unknown values are None, never ""."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    name: Text = None
    age: Integer = None
    height: Text = None
    occupation: Text = None
    current_weight_lbs: Number = None
    current_body_fat_pct: Number = None
    goals: TextList = Field(default_factory=list)
    target_weight_lbs: Number = None
    target_body_fat_pct: Number = None
    current_phase: Text = None
    phase_context: Text = None
    phase_started: Text = None
    life_context: TextList = Field(default_factory=list)
    relationship_notes: TextList = Field(default_factory=list)
    training_days_per_week: Text = None
    training_style: TextList = Field(default_factory=list)
    favorite_activities: TextList = Field(default_factory=list)
    training_day_targets: Targets = Field(default_factory=MacroTargets)
    rest_day_targets: Targets = Field(default_factory=MacroTargets)
    nutrition_guidelines: TextList = Field(default_factory=list)
    constraints: TextList = Field(default_factory=list)
    context: TextList = Field(default_factory=list)
    preferences: TextList = Field(default_factory=list)
    communication_style: Text = None
    personality_notes: Text = None
    hevy_quirks: TextList = Field(default_factory=list)
    patterns: TextList = Field(default_factory=list)
    insights: Annotated[list[ProfileInsight], BeforeValidator(_insights)] = Field(default_factory=list)
    summary: Text = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime | None = None
    onboarding_complete: Flag = False

    @property
    def protein_target(self) -> float:
        """Daily protein target in grams (training-day target, else the default)."""
        return self.training_day_targets.value("protein") or DEFAULT_PROTEIN_TARGET

    @property
    def calorie_target(self) -> float:
        """Daily calorie target (training-day target, else the default)."""
        return self.training_day_targets.value("calories") or DEFAULT_CALORIE_TARGET


PROFILE = register(Document("profile", UserProfile))
