"""Training documents and wire models.

Stored per user:
- `secrets.json`: the user's own Hevy API key (0600, never returned or logged);
- `hevy_workouts.json`: normalized Hevy workouts by id, plus the sync cursor and import progress;
- `exercise_store.json`: per-exercise daily bests and PRs, derived from the stored workouts.

Hevy's answers are parsed leniently: a null or missing field gets a neutral value, so one odd field never
discards a workout, and one broken workout never discards its page.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime, tzinfo
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StrictInt, field_serializer

from airfit.coerce import Number, Text, as_utc
from airfit.storage import Document, register

WARMUP = "warmup"


def _aware(value: Any) -> Any:
    """Hevy sends `...Z`; a naive stored value is UTC (`coerce.as_utc`). Anything unparseable fails."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime) and value.tzinfo is None:
        value = as_utc(value)
    return value


def _optional_aware(value: Any) -> Any:
    try:
        return _aware(value)
    except (TypeError, ValueError):
        return None


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number) if math.isfinite(number) else None


def _set_type(value: Any) -> str:
    return value.strip().lower() if isinstance(value, str) and value.strip() else "normal"


def _title(value: Any) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else "Unknown exercise"


def _workout_title(value: Any) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else "Workout"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


Instant = Annotated[datetime, BeforeValidator(_aware)]
OptionalInstant = Annotated[datetime | None, BeforeValidator(_optional_aware)]
Count = Annotated[int | None, BeforeValidator(_count)]


class HevySet(BaseModel):
    """A set as Hevy sends it, leniently: nulls and odd types become neutral values."""

    model_config = ConfigDict(extra="ignore")

    type: Annotated[str, BeforeValidator(_set_type)] = "normal"
    weight_kg: Number = None
    reps: Count = None
    rpe: Number = None
    distance_meters: Number = None
    duration_seconds: Number = None


class HevyExercise(BaseModel):
    """An exercise as Hevy sends it."""

    model_config = ConfigDict(extra="ignore")

    title: Annotated[str, BeforeValidator(_title)] = "Unknown exercise"
    notes: Text = None
    exercise_template_id: Text = None
    sets: Annotated[list[HevySet], BeforeValidator(_list)] = Field(default_factory=list)


class HevyWorkout(BaseModel):
    """A workout as `GET /v1/workouts` lists it; only `id` and a parseable `start_time` are required."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, Field(min_length=1)]
    title: Annotated[str, BeforeValidator(_workout_title)] = "Workout"
    description: Text = None
    start_time: Instant
    end_time: OptionalInstant = None
    updated_at: OptionalInstant = None
    exercises: Annotated[list[HevyExercise], BeforeValidator(_list)] = Field(default_factory=list)

    def to_stored(self) -> Workout:
        """The normalized stored form."""
        return Workout.model_validate(self.model_dump())


class HevyCount(BaseModel):
    """`GET /v1/workouts/count`: an answer without a whole `workout_count` is not Hevy's."""

    model_config = ConfigDict(extra="ignore")

    workout_count: StrictInt


class HevyPage(BaseModel):
    """One page of a Hevy list; a missing or odd `page_count` means no further page is known."""

    model_config = ConfigDict(extra="ignore")

    page_count: Count = None


class HevyWorkoutsPage(HevyPage):
    """A page of `GET /v1/workouts`: each workout is read on its own, so a broken one skips only itself."""

    workouts: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)


class HevyEventsPage(HevyPage):
    """A page of `GET /v1/workouts/events`, its events read one by one like a page's workouts."""

    events: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)


class HevyDeleted(BaseModel):
    """An event: the workout `id` was deleted."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["deleted"]
    id: Annotated[str, Field(min_length=1)]
    deleted_at: OptionalInstant = None


class HevyUpdated(BaseModel):
    """An event: the workout was created or changed."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["updated"]
    workout: HevyWorkout


HevyEvent = Annotated[HevyDeleted | HevyUpdated, Field(discriminator="type")]
"""One entry of the events feed; any other `type` is not an event the sync knows."""


# The stored forms use plain types only: a three-year history is read on every sync transaction, and
# pydantic's native validation is several times faster than per-field Python validators.


class WorkoutSet(BaseModel):
    """One set; weight in kg as Hevy sends it (None for bodyweight)."""

    model_config = ConfigDict(extra="ignore")

    type: str = "normal"
    weight_kg: float | None = None
    reps: int | None = None
    rpe: float | None = None
    distance_meters: float | None = None
    duration_seconds: float | None = None

    @property
    def is_working(self) -> bool:
        """Warm-ups are excluded from working volume, set counts and PRs."""
        return self.type != WARMUP


class WorkoutExercise(BaseModel):
    """One exercise of a stored workout."""

    model_config = ConfigDict(extra="ignore")

    title: str
    notes: str | None = None
    exercise_template_id: str | None = None
    sets: list[WorkoutSet] = Field(default_factory=list)

    @property
    def working_sets(self) -> list[WorkoutSet]:
        """Sets that are not warm-ups."""
        return [s for s in self.sets if s.is_working]


class Workout(BaseModel):
    """A stored, normalized workout: from Hevy's API (`source` None) or read from a file another app wrote."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    description: str | None = None
    start_time: datetime
    end_time: datetime | None = None
    updated_at: datetime | None = None
    exercises: list[WorkoutExercise] = Field(default_factory=list)
    source: str | None = None
    """The import that read it from a file (`hevy-csv`, `strong-csv`); None for Hevy's API."""

    def key(self, tz: tzinfo) -> str:
        """Who the workout is, whatever brought it in: its title and its start to the minute in the user's
        zone. A file has no Hevy id, so a workout that came both from Hevy's API and from a file is one
        workout when these agree."""
        return natural_key(self.title, self.start_time.astimezone(tz).replace(tzinfo=None))

    @property
    def duration_minutes(self) -> int:
        """Whole minutes between start and end (0 when the end is unknown or before the start)."""
        if self.end_time is None or self.end_time <= self.start_time:
            return 0
        return round((self.end_time - self.start_time).total_seconds() / 60)


def natural_key(title: str, local_start: datetime) -> str:
    """`Workout.key` from a title and a wall-clock start in the user's zone."""
    return f"{title.strip()}\n{local_start:%Y-%m-%dT%H:%M}"


def file_workout_id(key: str) -> str:
    """The stored id of a workout read from a file: the same workout read again gets the same id."""
    return "file-" + hashlib.sha256(key.encode()).hexdigest()[:24]


class FileWorkoutsReport(BaseModel):
    """What a file of workouts did to the stored history (or, in a dry run, would do)."""

    added: int = Field(0, description="Workouts that were not stored.")
    updated: int = Field(0, description="Workouts an earlier file brought in, changed since.")
    same: int = Field(0, description="Workouts already stored as the file has them.")
    from_hevy: int = Field(
        0, description="Workouts Hevy's API already brought in: they count once, as Hevy's API has them."
    )
    stored: int = Field(0, description="Workouts stored after the import.")


class SyncState(BaseModel):
    """Where the Hevy sync stands for one user."""

    model_config = ConfigDict(extra="allow")

    import_complete: bool = False
    # Progress of a full import (pages stored so far), so an interrupted import resumes where it stopped.
    import_next_page: int = 1
    import_started_at: datetime | None = None
    import_seen: list[str] = Field(default_factory=list)
    # Incremental sync asks Hevy's events feed for changes since this instant.
    events_since: datetime | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None


class WorkoutsDoc(BaseModel):
    """`<user>/hevy_workouts.json`."""

    model_config = ConfigDict(extra="allow")

    workouts: dict[str, Workout] = Field(default_factory=dict)
    sync: SyncState = Field(default_factory=SyncState)


class Performance(BaseModel):
    """The best working set of one exercise on one local date (sets of same-day workouts together)."""

    model_config = ConfigDict(extra="allow")

    date: date
    best_weight_lbs: float
    best_reps: int
    total_sets: int
    e1rm: float


class PersonalRecord(BaseModel):
    """The highest-e1RM set."""

    model_config = ConfigDict(extra="allow")

    weight_lbs: float
    reps: int
    date: date
    e1rm: float


class ExerciseHistory(BaseModel):
    """Everything stored about one exercise."""

    model_config = ConfigDict(extra="allow")

    performances: list[Performance] = Field(default_factory=list)
    current_pr: PersonalRecord | None = None
    workout_count: int = 0


class ExerciseStore(BaseModel):
    """`<user>/exercise_store.json`: derived from the stored workouts after every sync."""

    model_config = ConfigDict(extra="allow")

    exercises: dict[str, ExerciseHistory] = Field(default_factory=dict)
    exercise_ranking: list[str] = Field(default_factory=list)
    last_sync: OptionalInstant = None


class Secrets(BaseModel):
    """`<user>/secrets.json` (mode 0600): credentials of external services, never sent to clients."""

    model_config = ConfigDict(extra="allow")

    hevy_api_key: SecretStr | None = None

    @field_serializer("hevy_api_key", when_used="json")
    def _reveal_on_disk(self, value: SecretStr | None) -> str | None:
        # Only the document store serializes this model to JSON; responses never include it.
        return value.get_secret_value() if value is not None else None


def _legacy_exercise_history(data: dict[str, Any]) -> dict[str, Any]:
    """A migrated `exercise_history.json`, which had no envelope, into version 1."""
    exercises: dict[str, Any] = {}
    raw = data.get("exercises")
    for name, entry in (raw if isinstance(raw, dict) else {}).items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            continue
        performances = [p for p in _list(entry.get("performances")) if _legacy_performance_ok(p)]
        pr = entry.get("current_pr")
        exercises[name] = {
            "performances": performances,
            "current_pr": pr
            if _legacy_performance_ok(pr, weight_key="weight_lbs", reps_key="reps")
            else None,
            "workout_count": _count(entry.get("workout_count")) or len(performances),
        }
    ranking = [n for n in _list(data.get("exercise_ranking")) if isinstance(n, str) and n in exercises]
    return {"exercises": exercises, "exercise_ranking": ranking, "last_sync": data.get("last_sync")}


def _legacy_performance_ok(
    item: Any, *, weight_key: str = "best_weight_lbs", reps_key: str = "best_reps"
) -> bool:
    if not isinstance(item, dict):
        return False
    try:
        date.fromisoformat(str(item.get("date")))
    except ValueError:
        return False
    return all(_count(item.get(k)) is not None for k in (weight_key, reps_key, "e1rm"))


SECRETS = register(Document("secrets", Secrets, secret=True))
WORKOUTS = register(Document("hevy_workouts", WorkoutsDoc))
EXERCISE_STORE = register(Document("exercise_store", ExerciseStore, migrations={0: _legacy_exercise_history}))


# -- wire models (docs/ios-contract.md § Training) --------------------------------------------------------


class MuscleVolume(BaseModel):
    """Working sets of one muscle group in the window, against its zone."""

    current: int
    min: int
    max: int
    status: str


class SetTrackerResponse(BaseModel):
    """`GET /hevy/set-tracker`."""

    window_days: int
    muscle_groups: dict[str, MuscleVolume]
    last_sync: str | None = None


class LiftPR(BaseModel):
    """The PR set of a lift (required by the client)."""

    weight_lbs: float
    reps: int
    date: str


class LiftPoint(BaseModel):
    """One day's best set weight."""

    date: str
    weight_lbs: float


class Lift(BaseModel):
    """One lift of `GET /hevy/lift-progress`."""

    name: str
    workout_count: int
    current_pr: LiftPR
    history: list[LiftPoint]


class LiftProgressResponse(BaseModel):
    """`GET /hevy/lift-progress`."""

    lifts: list[Lift]


class WorkoutSummary(BaseModel):
    """One workout of `GET /hevy/recent-workouts`; `date` is the user's local `YYYY-MM-DD` (§ Dates)."""

    id: str
    title: str
    date: str
    days_ago: int
    duration_minutes: int
    exercises: list[str]
    total_volume_lbs: float


class RecentWorkoutsResponse(BaseModel):
    """`GET /hevy/recent-workouts`."""

    workouts: list[WorkoutSummary]


class ExercisePR(BaseModel):
    """A PR as `/training/*` sends it."""

    weight_lbs: float
    reps: int
    date: str
    e1rm: float


class TrackedExercise(BaseModel):
    """One exercise of `GET /training/exercises`."""

    name: str
    workout_count: int
    current_pr: ExercisePR | None = None
    recent_trend: list[float]
    improvement: float | None = None


class ExercisesResponse(BaseModel):
    """`GET /training/exercises`."""

    exercises: list[TrackedExercise]
    last_sync: str | None = None


class HistoryPoint(BaseModel):
    """One day of `GET /training/strength-history`."""

    date: str
    e1rm: float
    weight_lbs: float
    reps: int


class StrengthHistoryResponse(BaseModel):
    """`GET /training/strength-history`; an unknown exercise has an empty history."""

    exercise: str
    history: list[HistoryPoint]
    current_pr: ExercisePR | None = None
    trend: float | None = None


class SyncResult(BaseModel):
    """What one sync did. `status` is success, not_configured, auth_failed, rate_limited or unavailable."""

    status: str
    workouts_processed: int = 0
    exercises_updated: int = 0
    workouts_stored: int = 0
    days_synced: int = 0
    full_import: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when Hevy answered and everything was stored."""
        return self.status == "success"


class TrainingSyncResponse(BaseModel):
    """`POST /training/sync`."""

    status: str
    workouts_processed: int
    exercises_updated: int
    error: str | None = None


class HevySyncResponse(BaseModel):
    """`POST /hevy/sync`: the client decodes only `status`."""

    status: str
    workouts_processed: int
    workouts_stored: int
    error: str | None = None


class InsightsHevySyncResponse(BaseModel):
    """`POST /insights/sync-hevy`."""

    status: str
    workouts_found: int
    days_synced: int


class TrainingDayResponse(BaseModel):
    """`GET /nutrition/training-day`."""

    is_training_day: bool
    workout_name: str | None = None


class HevyKeyRequest(BaseModel):
    """`PUT /hevy/key`."""

    # Sent to Hevy as a header: visible ASCII only (a UUID in practice), so no newline or non-ASCII text can
    # reach the header (a 500, or a header injection) whatever the client sends.
    api_key: str = Field(min_length=1, max_length=200, pattern=r"^\s*[!-~]+\s*$")


class HevyStatus(BaseModel):
    """`GET /hevy/status`: never includes the key itself."""

    configured: bool
    key_source: str | None = None
    import_complete: bool
    syncing: bool
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    workouts_stored: int
    exercises_tracked: int


class HevyKeyResult(BaseModel):
    """Answer of the key endpoints."""

    status: str
    valid: bool | None = None
    workout_count: int | None = None
