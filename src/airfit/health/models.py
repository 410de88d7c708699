"""The stored daily context (`<user>/context_store.json`): one snapshot of totals per local date.

Nutrition and health come from the phone (`POST /insights/sync`); the workout block is written by the Hevy
sync (training). Insights are not here: they live in `insights.json`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from airfit.health.legacy import legacy_context_store
from airfit.storage import Document, register


class NutritionDay(BaseModel):
    """Daily nutrition totals."""

    model_config = ConfigDict(extra="allow")

    calories: int = 0
    protein: int = 0
    carbs: int = 0
    fat: int = 0
    entry_count: int = 0


class HealthDay(BaseModel):
    """Daily activity, body and sleep figures; None means not measured."""

    model_config = ConfigDict(extra="allow")

    steps: int = 0
    active_calories: int = 0
    weight_lbs: float | None = None
    body_fat_pct: float | None = None
    lean_mass_lbs: float | None = None
    sleep_hours: float | None = None
    resting_hr: int | None = None
    hrv_ms: float | None = None
    vo2_max: float | None = None
    sleep_efficiency: float | None = None
    sleep_deep_pct: float | None = None
    sleep_core_pct: float | None = None
    sleep_rem_pct: float | None = None
    sleep_onset_minutes: int | None = None
    hrv_baseline_ms: float | None = None
    hrv_deviation_pct: float | None = None
    bedtime_consistency: str | None = None
    quality_score: float | None = None
    quality_flags: list[str] = Field(default_factory=list)
    is_baseline_excluded: bool = False


class WorkoutExercise(BaseModel):
    """One exercise of one workout, summarised."""

    model_config = ConfigDict(extra="allow")

    name: str
    sets: int = 0
    working_sets: int = 0
    total_reps: int = 0
    max_weight_kg: float = 0.0


class WorkoutDay(BaseModel):
    """The day's workouts from Hevy, summarised (working sets only count toward volume)."""

    model_config = ConfigDict(extra="allow")

    workout_count: int = 0
    total_duration_minutes: int = 0
    total_volume_kg: float = 0.0
    exercises: list[WorkoutExercise] = Field(default_factory=list)
    workout_titles: list[str] = Field(default_factory=list)


class DailySnapshot(BaseModel):
    """Everything known about one local date."""

    model_config = ConfigDict(extra="allow")

    date: str
    nutrition: NutritionDay = Field(default_factory=NutritionDay)
    health: HealthDay = Field(default_factory=HealthDay)
    workout: WorkoutDay = Field(default_factory=WorkoutDay)
    last_updated: datetime = Field(default_factory=lambda: datetime.now(UTC))
    sources_synced: list[str] = Field(default_factory=list)


class ContextStore(BaseModel):
    """All of a user's daily snapshots, keyed by `YYYY-MM-DD`."""

    model_config = ConfigDict(extra="allow")

    snapshots: dict[str, DailySnapshot] = Field(default_factory=dict)
    last_sync: datetime | None = None


CONTEXT_STORE = register(Document("context_store", ContextStore, migrations={0: legacy_context_store}))
