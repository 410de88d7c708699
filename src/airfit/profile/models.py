"""The stored user profile (`<user>/profile.json`).

Every field is coerced on the way in (see `airfit.coerce`), so imports, seeds, old files and LLM extractions
cannot store a value that breaks `GET /profile`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from airfit.coerce import Flag, Integer, Number, Text, TextList
from airfit.storage import Document, register

DEFAULT_PROTEIN_TARGET = 160
DEFAULT_CALORIE_TARGET = 2200


def _target(value: Any) -> int | str | None:
    """A macro target: a whole number, or a range as written ("320-340")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return round(value) if math.isfinite(value) else None
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


def _positive(value: float | int | None) -> Any:
    # Migrated profiles hold 0 for an unknown age, weight or body fat.
    return value if value is not None and value > 0 else None


def _timestamp(value: Any) -> datetime | None:
    """A stored timestamp; anything unparseable (old files, hand-edited imports) is dropped, not fatal."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _created(value: Any) -> datetime:
    return _timestamp(value) or _now()


PositiveNumber = Annotated[Number, AfterValidator(_positive)]
PositiveInteger = Annotated[Integer, AfterValidator(_positive)]
Timestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]
Created = Annotated[datetime, BeforeValidator(_created)]


class UserProfile(BaseModel):
    """Everything the coach knows about one user. Unknown values are None, never ""."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    name: Text = None
    age: PositiveInteger = None
    height: Text = None
    occupation: Text = None
    current_weight_lbs: PositiveNumber = None
    current_body_fat_pct: PositiveNumber = None
    goals: TextList = Field(default_factory=list)
    target_weight_lbs: PositiveNumber = None
    target_body_fat_pct: PositiveNumber = None
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
    created_at: Created = Field(default_factory=_now)
    updated_at: Timestamp = None
    onboarding_complete: Flag = False

    @property
    def protein_target(self) -> float:
        """Daily protein target in grams (training-day target, else the default)."""
        return self.training_day_targets.value("protein") or DEFAULT_PROTEIN_TARGET

    @property
    def calorie_target(self) -> float:
        """Daily calorie target (training-day target, else the default)."""
        return self.training_day_targets.value("calories") or DEFAULT_CALORIE_TARGET


def legacy_profile(data: Any) -> Any:
    """Version 0 -> 1: the original server's `profile.json`, a flat `asdict(UserProfile)`.

    Its nulls mean "use the default" (the model's coercion handles wrong types, "" and the 0 placeholders).
    Anything that is not an object is returned as is, so the store moves it aside instead of guessing.
    """
    if not isinstance(data, dict):
        return data
    return {key: value for key, value in data.items() if value is not None}


# A profile is a few kilobytes of facts and targets; the bound stops one request (or import) filling a disk.
PROFILE_MAX_BYTES = 1024 * 1024
PROFILE = register(
    Document("profile", UserProfile, migrations={0: legacy_profile}, max_bytes=PROFILE_MAX_BYTES)
)


# -- wire models -----------------------------------------------------------------------------------------

EDITABLE_CATEGORIES = (
    "goals",
    "context",
    "preferences",
    "constraints",
    "patterns",
    "life_context",
    "training_style",
)


class ProfileResponse(BaseModel):
    """`GET /profile`: read by two iOS decoders at once (docs/ios-contract.md § Profile), so it carries the
    keys of both.

    (a) `ProfileResponse` needs the lists, `communication_style` (a string), `insights_count`,
    `recent_insights`, `has_profile` and `onboarding_complete`; (b) `ServerProfileResponse` reads the
    persona, phase and targets and merges them as `server ?? local`, so unknown values are null.
    """

    name: str | None
    summary: str | None
    age: int | None
    height: str | None
    occupation: str | None
    current_weight_lbs: float | None
    current_body_fat_pct: float | None
    target_weight_lbs: float | None
    target_body_fat_pct: float | None
    goals: list[str]
    current_phase: str | None
    phase_context: str | None
    goal_phase: str | None = Field(description="Same as current_phase (name read by the memory sync).")
    life_context: list[str]
    training_days_per_week: str | None
    training_style: list[str]
    favorite_activities: list[str]
    training_day_targets: MacroTargets
    rest_day_targets: MacroTargets
    protein_target: int | None
    calorie_target_training: int | None
    calorie_target_rest: int | None
    nutrition_guidelines: list[str]
    constraints: list[str]
    preferences: list[str]
    context: list[str]
    patterns: list[str]
    communication_style: str
    personality_notes: str | None
    insights_count: int
    recent_insights: list[ProfileInsight]
    has_profile: bool
    onboarding_complete: bool


class StatusResponse(BaseModel):
    """A plain acknowledgement."""

    status: str


class ProfileItemUpdate(BaseModel):
    """`PATCH /profile/item`: replace one list item, or delete it when `new_value` is omitted."""

    category: str
    old_value: str
    new_value: str | None = None

    @field_validator("new_value")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        # Omitting the key deletes; a blank value is more likely a slip than a deletion, so it is refused.
        if value is not None and not value.strip():
            raise ValueError("must not be blank (omit new_value to delete the item)")
        return value


class ProfileItemResult(BaseModel):
    """What `PATCH /profile/item` did."""

    status: str = Field(description="'updated' or 'deleted'.")
    category: str


class ProfileSyncRequest(BaseModel):
    """`POST /profile/sync`: the app's `ServerProfileExport` (§ Profile); absent keys: unchanged.

    `relationship_notes` and `training_style` arrive as single strings from the app and as lists from
    other clients; `training_days_per_week` as an int or as a range such as "4-6".
    """

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    age: int | None = None
    height: str | None = None
    occupation: str | None = None
    current_weight_lbs: float | None = None
    current_body_fat_pct: float | None = None
    target_weight_lbs: float | None = None
    target_body_fat_pct: float | None = None
    goals: list[str] = Field(default_factory=list)
    current_phase: str | None = None
    phase_context: str | None = None
    life_context: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    preferences: list[str] = Field(default_factory=list)
    communication_style: str | None = None
    personality_notes: str | None = None
    relationship_notes: str | list[str] | None = None
    training_days_per_week: int | str | None = None
    training_style: str | list[str] | None = None
    favorite_activities: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    nutrition_guidelines: list[str] = Field(default_factory=list)
    onboarding_complete: bool | None = None


TARGET_BOUNDS = {"calories": (500, 10_000), "protein": (1, 1_000), "carbs": (0, 2_000), "fat": (0, 1_000)}
"""What a daily target can be (kcal, then grams): beyond these it is a slip of the keyboard."""


def _bounded(name: str) -> Any:
    low, high = TARGET_BOUNDS[name]
    return Field(None, ge=low, le=high, description=f"{low}-{high}; null clears it; left out stays.")


class DayTargetsUpdate(BaseModel):
    """One kind of day's targets: energy in kcal, macros in grams."""

    model_config = ConfigDict(extra="forbid")

    calories: int | None = _bounded("calories")
    protein: int | None = _bounded("protein")
    carbs: int | None = _bounded("carbs")
    fat: int | None = _bounded("fat")

    def applied_to(self, targets: MacroTargets) -> MacroTargets:
        """`targets` with the values this update sends (a null clears one)."""
        return targets.model_copy(update={name: getattr(self, name) for name in self.model_fields_set})


class TargetsUpdate(BaseModel):
    """Body of `PATCH /profile/targets`: training-day and rest-day targets; what is left out stays."""

    model_config = ConfigDict(extra="forbid")

    training_day: DayTargetsUpdate | None = None
    rest_day: DayTargetsUpdate | None = None


class ProfileSyncResponse(BaseModel):
    """Result of `POST /profile/sync`."""

    status: str
    server_updated_at: datetime


class ProfileExport(BaseModel):
    """`GET /profile/export`, also the body of `POST /profile/import` (version and profile required)."""

    version: int
    exported_at: str | None = None
    profile: dict[str, Any]


class ProfileImportResponse(BaseModel):
    """`ProfileImportResponse` of the app; a refused import is a 200 with `success: false` (§ Profile)."""

    success: bool
    name: str | None = None
    goals_count: int | None = None
    has_personality: bool | None = None
    error: str | None = None


class _SeedPart(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SeedIdentity(_SeedPart):
    """`identity` of a seed file."""

    name: Text = None
    age: PositiveInteger = None
    height: Text = None
    occupation: Text = None
    summary: Text = None


class SeedBodyComposition(_SeedPart):
    """`body_composition` of a seed file."""

    current_weight_lbs: PositiveNumber = None
    current_body_fat_pct: PositiveNumber = None
    target_weight_lbs: PositiveNumber = None
    target_body_fat_pct: PositiveNumber = None


class SeedPhase(_SeedPart):
    """`phase` of a seed file."""

    current: Text = None
    context: Text = None
    started: Text = None


class SeedTraining(_SeedPart):
    """`training` of a seed file."""

    days_per_week: Text = None
    style: TextList = Field(default_factory=list)
    favorite_activities: TextList = Field(default_factory=list)


class SeedNutrition(_SeedPart):
    """`nutrition` of a seed file."""

    training_day: Targets = Field(default_factory=MacroTargets)
    rest_day: Targets = Field(default_factory=MacroTargets)
    guidelines: TextList = Field(default_factory=list)


class SeedHevy(_SeedPart):
    """`hevy_integration` of a seed file."""

    quirk: Text = None
    set_counting: Text = None


class SeedProfile(_SeedPart):
    """The nested seed format (`examples/seed-profile.json`): every key optional, missing ones defaulted."""

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, value: Any) -> Any:
        # A null in a seed means "not given": stored, it would later fail validation of the whole profile.
        if isinstance(value, dict):
            return {key: item for key, item in value.items() if item is not None}
        return value

    identity: SeedIdentity = Field(default_factory=SeedIdentity)
    body_composition: SeedBodyComposition = Field(default_factory=SeedBodyComposition)
    goals: TextList = Field(default_factory=list)
    phase: SeedPhase = Field(default_factory=SeedPhase)
    training: SeedTraining = Field(default_factory=SeedTraining)
    nutrition: SeedNutrition = Field(default_factory=SeedNutrition)
    life_context: TextList = Field(default_factory=list)
    constraints: TextList = Field(default_factory=list)
    preferences: TextList = Field(default_factory=list)
    context: TextList = Field(default_factory=list)
    relationship_notes: TextList = Field(default_factory=list)
    communication_style: Text = None
    coaching_persona: Text = None
    hevy_integration: SeedHevy = Field(default_factory=SeedHevy)
    onboarding_complete: Flag = True


class SeedResponse(BaseModel):
    """Result of `POST /profile/import-seed` and `POST /profile/seed`."""

    status: str
    name: str | None
    onboarding_complete: bool
    has_coaching_persona: bool
