"""The stored daily context (`<user>/context_store.json`): one snapshot of totals per local date.

Nutrition and health come from the phone (`POST /insights/sync`); the workout block is written by the Hevy
sync (training). Insights are not here: they live in `insights.json`.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from airfit.coerce import UtcTime
from airfit.health.legacy import legacy_context_store
from airfit.storage import INT64_MAX, INT64_MIN, Document, register


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


class PhoneReadings(BaseModel):
    """What the phone last sent for the date (the values the day would have without web entries)."""

    model_config = ConfigDict(extra="allow")

    nutrition: NutritionDay = Field(default_factory=NutritionDay)
    weight_lbs: float | None = None
    body_fat_pct: float | None = None


class WebEntry(BaseModel):
    """One thing logged in the browser: a meal (`food`) or a body reading (`body`)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    kind: Literal["food", "body"]
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    name: str | None = None
    calories: int = 0
    protein: int = 0
    carbs: int = 0
    fat: int = 0
    weight_lbs: float | None = None
    body_fat_pct: float | None = None
    key: str | None = None
    """The client's idempotency key: a replayed request with the same key finds this entry, never adds one."""

    def same_as(self, other: WebEntry) -> bool:
        """Whether `other` records the same thing (what a replay of the request that made this one sends)."""
        fields = ("kind", "name", "calories", "protein", "carbs", "fat", "weight_lbs", "body_fat_pct")
        return all(getattr(self, name) == getattr(other, name) for name in fields)


class WebDay(BaseModel):
    """A date's web entries and the phone's own readings for that date."""

    model_config = ConfigDict(extra="allow")

    entries: list[WebEntry] = Field(default_factory=list)
    phone: PhoneReadings = Field(default_factory=PhoneReadings)


class DailySnapshot(BaseModel):
    """Everything known about one local date."""

    model_config = ConfigDict(extra="allow")

    date: str
    nutrition: NutritionDay = Field(default_factory=NutritionDay)
    health: HealthDay = Field(default_factory=HealthDay)
    workout: WorkoutDay = Field(default_factory=WorkoutDay)
    last_updated: UtcTime = Field(default_factory=lambda: datetime.now(UTC))
    sources_synced: list[str] = Field(default_factory=list)
    web: WebDay | None = None
    """Entries logged in the web client and the phone's own readings of the date (`health.logbook`)."""


class ContextStore(BaseModel):
    """All of a user's daily snapshots, keyed by `YYYY-MM-DD`."""

    model_config = ConfigDict(extra="allow")

    snapshots: dict[str, DailySnapshot] = Field(default_factory=dict)
    last_sync: UtcTime | None = None


CONTEXT_STORE = register(Document("context_store", ContextStore, migrations={0: legacy_context_store}))


class Meal(BaseModel):
    """A meal kept for logging again with one tap: its name and macros (kcal and grams)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    name: str
    calories: int = 0
    protein: int = 0
    carbs: int = 0
    fat: int = 0

    def same_food(self, other: Meal) -> bool:
        """The same name (ignoring case and spaces around it) and the same macros."""
        return (self.name.strip().casefold(), self.calories, self.protein, self.carbs, self.fat) == (
            other.name.strip().casefold(),
            other.calories,
            other.protein,
            other.carbs,
            other.fat,
        )


class MealBook(BaseModel):
    """`<user>/meals.json`: the meals a user marked as favourites (recent meals are read from the log)."""

    model_config = ConfigDict(extra="allow")

    favourites: list[Meal] = Field(default_factory=list)


MEAL_BOOK = register(Document("meals", MealBook))


# -- wire models: POST /insights/sync (docs/ios-contract.md § Daily sync) -----------------------------

MAX_SYNC_DAYS = 4000
"""Largest batch one `POST /insights/sync` accepts: ten years of days, far beyond any real backfill."""

_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Strict types, so "12" or true is a 422 naming the field rather than a silently coerced number; a float
# field still accepts an int (Swift writes 1.0 as 1), and NaN/infinity are refused. Integers are bounded to
# what the store can read back (`StoredInt`), so no accepted day can make the stored document unreadable.
Count = Annotated[int, Field(strict=True, ge=0, le=INT64_MAX)]
Whole = Annotated[int, Field(strict=True, ge=INT64_MIN, le=INT64_MAX)]
Real = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True, max_length=200)]


def check_day(value: str) -> str:
    """A real calendar date written exactly as `YYYY-MM-DD`."""
    if not _DATE_SHAPE.fullmatch(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real calendar date") from exc
    return value


EARLIEST_LOG_DAY = date(1900, 1, 1)
"""The first date a person may log or look at: anything earlier is a slip of the keyboard (0001-01-01)."""


def check_log_day(value: str) -> str:
    """A real calendar date, `YYYY-MM-DD`, not before 1900 (the route checks the latest, the user's)."""
    if date.fromisoformat(check_day(value)) < EARLIEST_LOG_DAY:
        raise ValueError(f"must not be before {EARLIEST_LOG_DAY.isoformat()}")
    return value


LogDay = Annotated[str, AfterValidator(check_log_day)]
"""A date a person logs for or looks at."""


class DailySyncData(BaseModel):
    """One day sent by the phone. A key that is absent (or null) means "no reading", never "erase"."""

    model_config = ConfigDict(extra="ignore")

    date: Annotated[str, Field(strict=True), AfterValidator(check_day)]
    calories: Count | None = None
    protein: Count | None = None
    carbs: Count | None = None
    fat: Count | None = None
    nutrition_entries: Count | None = None
    steps: Count | None = None
    active_calories: Count | None = None
    weight_lbs: Real | None = None
    body_fat_pct: Real | None = None
    sleep_hours: Real | None = None
    resting_hr: Whole | None = None
    hrv_ms: Real | None = None
    sleep_efficiency: Real | None = None
    sleep_deep_pct: Real | None = None
    sleep_core_pct: Real | None = None
    sleep_rem_pct: Real | None = None
    sleep_onset_minutes: Whole | None = None
    hrv_baseline_ms: Real | None = None
    hrv_deviation_pct: Real | None = None
    bedtime_consistency: Text | None = None
    quality_score: Real | None = None
    quality_flags: Annotated[list[Text], Field(max_length=50)] | None = None
    is_baseline_excluded: Annotated[bool, Field(strict=True)] | None = None


class SyncRequest(BaseModel):
    """Body of `POST /insights/sync`."""

    days: Annotated[list[DailySyncData], Field(max_length=MAX_SYNC_DAYS)]


class SyncResponse(BaseModel):
    """`SyncResponse` of the iOS app."""

    status: str = "synced"
    dates_synced: list[str]
    count: int


# -- wire models: GET /insights/context (docs/ios-contract.md § Summaries) ----------------------------

ContextRange = Literal["week", "month", "quarter"]
"""The windows the app asks for; anything else is a 422 like every other malformed query."""


class DailyNutritionPoint(BaseModel):
    """One day's nutrition totals in a context summary."""

    date: str
    calories: int
    protein: int
    carbs: int
    fat: int


class DailyHealthPoint(BaseModel):
    """One day's activity and body figures in a context summary."""

    date: str
    sleep_hours: float | None
    weight_lbs: float | None
    steps: int
    active_calories: int


class ContextSummary(BaseModel):
    """`ContextSummary` of the iOS app: every average is a whole number on the wire."""

    period_days: int
    nutrition_days: int
    avg_calories: int
    avg_protein: int
    avg_carbs: int
    avg_fat: int
    avg_weight: float | None
    weight_change: float | None
    avg_sleep: float | None
    avg_steps: int
    total_workouts: int
    avg_volume_per_workout: float
    protein_compliance: float | None
    calorie_compliance: float | None
    daily_nutrition: list[DailyNutritionPoint] | None
    daily_health: list[DailyHealthPoint] | None


# -- wire models: GET /health/body-metrics (docs/ios-contract.md § Summaries) -------------------------


class MetricPoint(BaseModel):
    """One dated reading."""

    date: str
    value: float


class CurrentBody(BaseModel):
    """The latest reading of each body metric."""

    weight_lbs: float | None
    body_fat_pct: float | None
    lean_mass_lbs: float | None


class BodyTrends(BaseModel):
    """Newest minus oldest reading over the last 30 days (null with fewer than two readings)."""

    weight_change_30d: float | None
    body_fat_change_30d: float | None
    lean_mass_change_30d: float | None


class BodyMetricsResponse(BaseModel):
    """`BodyMetricsResponse` of the iOS app; histories run oldest first."""

    current: CurrentBody
    weight_history: list[MetricPoint]
    body_fat_history: list[MetricPoint]
    lean_mass_history: list[MetricPoint]
    trends: BodyTrends


# -- wire models: GET /insights/snapshots --------------------------------------------------------------


class SnapshotNutrition(BaseModel):
    """Nutrition totals of one listed day."""

    calories: int
    protein: int
    carbs: int
    fat: int


class SnapshotHealth(BaseModel):
    """Headline health figures of one listed day."""

    steps: int
    weight_lbs: float | None
    sleep_hours: float | None


class SnapshotWorkout(BaseModel):
    """Workout totals of one listed day."""

    count: int
    volume_kg: float


class SnapshotSummary(BaseModel):
    """One stored day, abridged."""

    date: str
    nutrition: SnapshotNutrition
    health: SnapshotHealth
    workout: SnapshotWorkout
    sources_synced: list[str]


class SnapshotsResponse(BaseModel):
    """Stored days of a window, oldest first."""

    count: int
    snapshots: list[SnapshotSummary]


# -- body-composition trends -----------------------------------------------------------------------------

Direction = Literal["losing", "gaining", "stable"]


class MetricTrend(BaseModel):
    """An EMA trend of one metric over one period."""

    current: float
    start: float
    change: float
    direction: Direction
    readings: int


class PeriodTrends(BaseModel):
    """Trends of one period; a metric with too few readings is None."""

    weight: MetricTrend | None = None
    body_fat: MetricTrend | None = None
    lean_mass: MetricTrend | None = None


class BodyCompTrends(BaseModel):
    """Monthly (30 days, EMA 10) and yearly (365 days, EMA 21) body-composition trends."""

    monthly: PeriodTrends = Field(default_factory=PeriodTrends)
    yearly: PeriodTrends = Field(default_factory=PeriodTrends)
