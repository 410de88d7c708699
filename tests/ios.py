"""The iOS app, emulated on the wire: its `JSONDecoder` rules once, then the app's models built from them.

`decode(body, MODEL)` fails (AssertionError naming the path, e.g. `$.lifts[2].current_pr.reps`) where the
app would fail to decode a response, and that discards the whole response (`docs/ios-contract.md § Decoding`):

- A model is a JSON object. A non-optional key that is missing or `null` fails. An optional (`Opt`, Swift's
  `T?`) may be either, but a value that is present must still have the right type: optional does not mean
  lenient. Unknown keys are ignored.
- `STRING` and `BOOL`: JSON strings and `true`/`false` only (never `"5"`, `0` or `1`).
- `INT`: a JSON integer that fits a Swift `Int` (64 bits). An integral float such as `12.0` may decode in the
  app, but the contract says to send integers and rely on nothing else, so it fails here; `12.5` fails in
  the app as well.
- `DOUBLE`: any finite JSON number, integers included.
- `Array(T)`: every element decodes; one bad element fails the whole response. `Dictionary(T)` (Swift's
  `[String: T]`): a JSON object whose values decode.
- `DAY` and `INSTANT`: strings the app parses with `ISO8601DateFormatter` (`§ Dates`). The app silently uses
  "now" when that parse fails, so the server must send exactly these formats. Every other date is an
  opaque `STRING` to the app.
- `OneOf(T, values)`: a `T` that must be one of `values` (the insight categories the app filters by, the
  tiers 1 to 5).
- `ANYTHING`: read leniently, whatever it holds (an insight's `supporting_data`).

The requests the app encodes are here too (`server_profile_export`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SWIFT_INT = range(-(2**63), 2**63)


class Kind:
    """A Swift type the app decodes a JSON value into."""

    def check(self, value: Any, path: str) -> None:
        """Raise AssertionError (naming `path`) if the app could not decode `value`."""
        raise NotImplementedError


@dataclass(frozen=True)
class Scalar(Kind):
    """`String`, `Int`, `Double` or `Bool`."""

    name: str
    accepts: Callable[[Any], bool]

    def check(self, value: Any, path: str) -> None:
        assert self.accepts(value), f"{path}: {value!r} is not a Swift {self.name}"


def _is_double(value: Any) -> bool:
    if type(value) is int:
        return True
    return type(value) is float and math.isfinite(value)


STRING = Scalar("String", lambda value: isinstance(value, str))
BOOL = Scalar("Bool", lambda value: type(value) is bool)
INT = Scalar("Int", lambda value: type(value) is int and value in SWIFT_INT)
DOUBLE = Scalar("Double", _is_double)


@dataclass(frozen=True)
class Date(Kind):
    """A String the app parses with a date formatter (`docs/ios-contract.md § Dates`)."""

    formatter: str
    shape: re.Pattern[str]

    def check(self, value: Any, path: str) -> None:
        STRING.check(value, path)
        assert self.shape.fullmatch(value), f"{path}: {value!r} does not parse with {self.formatter}"
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise AssertionError(f"{path}: {value!r} is no real date ({self.formatter})") from None


DAY = Date("ISO8601DateFormatter [.withFullDate, .withDashSeparatorInDate]", re.compile(r"\d{4}-\d{2}-\d{2}"))
INSTANT = Date("ISO8601DateFormatter()", re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"))


@dataclass(frozen=True)
class Anything(Kind):
    """A field the app decodes with `try?`: whatever it holds, the response still decodes."""

    def check(self, value: Any, path: str) -> None:
        del value, path


ANYTHING = Anything()


@dataclass(frozen=True)
class OneOf(Kind):
    """A `kind` the app only knows among `values`."""

    kind: Kind
    values: Collection[Any]

    def check(self, value: Any, path: str) -> None:
        self.kind.check(value, path)
        assert value in self.values, f"{path}: {value!r} is none of {sorted(self.values)}"


@dataclass(frozen=True)
class Opt(Kind):
    """Swift's `T?`: absent or null is nil; a present value must still be a `T`."""

    kind: Kind

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.kind.check(value, path)


@dataclass(frozen=True)
class Array(Kind):
    """`[T]`."""

    element: Kind

    def check(self, value: Any, path: str) -> None:
        assert isinstance(value, list), f"{path}: {value!r} is not an array"
        for index, item in enumerate(value):
            self.element.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class Dictionary(Kind):
    """`[String: T]`: a JSON object used as a map."""

    element: Kind

    def check(self, value: Any, path: str) -> None:
        assert isinstance(value, dict), f"{path}: {value!r} is not an object"
        for key, item in value.items():
            self.element.check(item, f"{path}.{key}")


class Model(Kind):
    """A Swift `Decodable` struct: its keys and their types (named as in the app, or by its endpoint)."""

    def __init__(self, name: str, /, **fields: Kind) -> None:
        self.name = name
        self.fields = fields

    def __repr__(self) -> str:
        return f"Model({self.name!r})"

    def check(self, value: Any, path: str) -> None:
        assert isinstance(value, dict), f"{path}: {self.name} needs an object, got {value!r}"
        for key, kind in self.fields.items():
            where = f"{path}.{key}"
            if value.get(key) is None and not isinstance(kind, Opt):
                state = "null" if key in value else "missing"
                raise AssertionError(f"{where}: {self.name}.{key} is required, but {state}")
            kind.check(value.get(key), where)


def decode(body: Any, kind: Kind, where: str = "$") -> None:
    """Fail where the app's decoder would fail on `body` (`where` names the body in the message)."""
    kind.check(body, where)


# -- The app's response models ------------------------------------------------------------------------------

# docs/ios-contract.md § Server status.
SERVER_STATUS = Model(
    "ServerStatusResponse", status=STRING, providers=Array(STRING), hevy_configured=BOOL, version=STRING
)
STATUS = Model(
    "StatusResponse",
    status=STRING,
    available_providers=Array(STRING),
    session_id=Opt(STRING),
    message_count=Opt(INT),
)

# docs/ios-contract.md § Daily sync and § Summaries.
SYNC = Model("POST /insights/sync", status=STRING, dates_synced=Array(STRING), count=INT)
CONTEXT = Model(
    "GET /insights/context",
    period_days=INT,
    nutrition_days=INT,
    avg_calories=INT,
    avg_protein=INT,
    avg_carbs=INT,
    avg_fat=INT,
    avg_weight=Opt(DOUBLE),
    weight_change=Opt(DOUBLE),
    avg_sleep=Opt(DOUBLE),
    avg_steps=INT,
    total_workouts=INT,
    avg_volume_per_workout=DOUBLE,
    protein_compliance=Opt(DOUBLE),
    calorie_compliance=Opt(DOUBLE),
    daily_nutrition=Opt(
        Array(Model("daily_nutrition[]", date=STRING, calories=INT, protein=INT, carbs=INT, fat=INT))
    ),
    daily_health=Opt(
        Array(
            Model(
                "daily_health[]",
                date=STRING,
                sleep_hours=Opt(DOUBLE),
                weight_lbs=Opt(DOUBLE),
                steps=INT,
                active_calories=INT,
            )
        )
    ),
)
_POINTS = Array(Model("MetricPoint", date=STRING, value=DOUBLE))
BODY_METRICS = Model(
    "GET /health/body-metrics",
    current=Model("current", weight_lbs=Opt(DOUBLE), body_fat_pct=Opt(DOUBLE), lean_mass_lbs=Opt(DOUBLE)),
    weight_history=_POINTS,
    body_fat_history=_POINTS,
    lean_mass_history=_POINTS,
    trends=Model(
        "trends",
        weight_change_30d=Opt(DOUBLE),
        body_fat_change_30d=Opt(DOUBLE),
        lean_mass_change_30d=Opt(DOUBLE),
    ),
)

# docs/ios-contract.md § Tools.
TOOL = Model("POST /tools/execute", success=BOOL, content=STRING, error=Opt(STRING))

# docs/ios-contract.md § Coach.
CHAT = Model("ChatResponse", response=STRING, provider=STRING, success=BOOL, error=Opt(STRING))
CHAT_CONTEXT = Model(
    "ChatContext",
    system_prompt=STRING,
    memory_context=STRING,
    data_context=STRING,
    profile_summary=STRING,
    onboarding_complete=BOOL,
)
COMPLETENESS = Model("ProfileCompleteness", has_name=BOOL, has_goals=BOOL, has_training=BOOL, has_style=BOOL)
ONBOARDING = Model(
    "OnboardingChatResponse", response=STRING, session_id=STRING, profile_completeness=Opt(COMPLETENESS)
)
FINALIZE = Model(
    "POST /profile/finalize-onboarding",
    status=STRING,
    name=Opt(STRING),
    has_personality=BOOL,
    preview=Opt(STRING),
)

# docs/ios-contract.md § Nutrition.
COMPONENT = Model(
    "NutritionParseResponse.components[]", name=STRING, calories=INT, protein=INT, carbs=INT, fat=INT
)
MACROS = {"calories": Opt(INT), "protein": Opt(INT), "carbs": Opt(INT), "fat": Opt(INT)}
PARSE = Model(
    "NutritionParseResponse",
    success=BOOL,
    name=Opt(STRING),
    **MACROS,
    confidence=Opt(STRING),
    components=Opt(Array(COMPONENT)),
    error=Opt(STRING),
)
CORRECT = Model("POST /nutrition/correct", success=BOOL, name=Opt(STRING), **MACROS, error=Opt(STRING))
FEEDBACK = Model("POST /nutrition/status", feedback=STRING)
TRAINING_DAY = Model("GET /nutrition/training-day", is_training_day=BOOL, workout_name=Opt(STRING))

# docs/ios-contract.md § Profile.
PROFILE = Model(
    "ProfileResponse",
    name=Opt(STRING),
    summary=Opt(STRING),
    goals=Array(STRING),
    constraints=Array(STRING),
    preferences=Array(STRING),
    context=Array(STRING),
    patterns=Array(STRING),
    communication_style=STRING,
    insights_count=INT,
    recent_insights=Array(Model("ProfileInsight", date=STRING, insight=STRING, source=STRING)),
    has_profile=BOOL,
    onboarding_complete=BOOL,
    current_phase=Opt(STRING),
    phase_context=Opt(STRING),
)
SERVER_PROFILE = Model(
    "ServerProfileResponse",
    name=Opt(STRING),
    personality_notes=Opt(STRING),
    communication_style=Opt(STRING),
    goal_phase=Opt(STRING),
    protein_target=Opt(INT),
    calorie_target_training=Opt(INT),
    calorie_target_rest=Opt(INT),
    onboarding_complete=BOOL,
)
PROFILE_IMPORT = Model(
    "ProfileImportResponse",
    success=BOOL,
    name=Opt(STRING),
    goals_count=Opt(INT),
    has_personality=Opt(BOOL),
    error=Opt(STRING),
)


def decode_profile(body: Any) -> None:
    """`GET /profile` is read by two decoders (`docs/ios-contract.md § Profile`): both must accept it."""
    decode(body, PROFILE)
    decode(body, SERVER_PROFILE)


# docs/ios-contract.md § Insights.
INSIGHT = Model(
    "InsightData",
    id=STRING,
    category=OneOf(STRING, {"correlation", "trend", "anomaly", "milestone", "nudge"}),
    tier=OneOf(INT, range(1, 6)),
    title=STRING,
    body=STRING,
    importance=DOUBLE,
    created_at=INSTANT,
    suggested_actions=Opt(Array(STRING)),
    supporting_data=Opt(ANYTHING),
)
INSIGHT_LIST = Array(INSIGHT)
"""`GET /insights`: a top-level array."""
GENERATE = Model(
    "POST /insights/generate",
    success=BOOL,
    insights_generated=INT,
    token_estimate=INT,
    insights=INSIGHT_LIST,
    error=Opt(STRING),
)
DISCUSS = Model(
    "POST /insights/{id}/discuss",
    response=STRING,
    provider=STRING,
    success=BOOL,
    insight_title=STRING,
    error=Opt(STRING),
)

# docs/ios-contract.md § Training.
SET_TRACKER = Model(
    "SetTrackerResponse",
    window_days=INT,
    muscle_groups=Dictionary(Model("muscle_groups[]", current=INT, min=INT, max=INT, status=STRING)),
    last_sync=Opt(STRING),
)
LIFT_PROGRESS = Model(
    "GET /hevy/lift-progress",
    lifts=Array(
        Model(
            "LiftData",
            name=STRING,
            workout_count=INT,
            current_pr=Model("LiftData.current_pr", weight_lbs=DOUBLE, reps=INT, date=DAY),
            history=Array(Model("LiftData.history[]", date=DAY, weight_lbs=DOUBLE)),
        )
    ),
)
RECENT_WORKOUTS = Model(
    "GET /hevy/recent-workouts",
    workouts=Array(
        Model(
            "WorkoutSummary",
            id=STRING,
            title=STRING,
            date=DAY,
            days_ago=INT,
            duration_minutes=INT,
            exercises=Array(STRING),
            total_volume_lbs=DOUBLE,
        )
    ),
)
EXERCISE_PR = Model("ExercisePR", weight_lbs=DOUBLE, reps=INT, date=STRING, e1rm=DOUBLE)
EXERCISES = Model(
    "GET /training/exercises",
    exercises=Array(
        Model(
            "TrackedExercise",
            name=STRING,
            workout_count=INT,
            current_pr=Opt(EXERCISE_PR),
            recent_trend=Array(DOUBLE),
            improvement=Opt(DOUBLE),
        )
    ),
    last_sync=Opt(STRING),
)
STRENGTH_HISTORY = Model(
    "GET /training/strength-history",
    exercise=STRING,
    history=Array(Model("StrengthHistoryPoint", date=STRING, e1rm=DOUBLE, weight_lbs=DOUBLE, reps=INT)),
    current_pr=Opt(EXERCISE_PR),
    trend=Opt(DOUBLE),
)
TRAINING_SYNC = Model(
    "POST /training/sync", status=STRING, workouts_processed=INT, exercises_updated=INT, error=Opt(STRING)
)
HEVY_SYNC = Model("POST /hevy/sync", status=STRING)


# -- What the app sends ------------------------------------------------------------------------------------


def server_profile_export(**values: Any) -> dict[str, Any]:
    """A `POST /profile/sync` body as the app encodes `ServerProfileExport`: arrays and the flag always
    present, nil optionals omitted (`docs/ios-contract.md § Profile`)."""
    body: dict[str, Any] = {
        "goals": [],
        "life_context": [],
        "constraints": [],
        "preferences": [],
        "favorite_activities": [],
        "patterns": [],
        "nutrition_guidelines": [],
        "onboarding_complete": False,
    }
    body.update(values)
    return body
