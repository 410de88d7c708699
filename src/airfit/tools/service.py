"""The coach's data tools, always over the calling user's own data.

One executor serves every transport (`POST /tools/execute`, pydantic-ai tools, the MCP server): the user id
comes from whoever runs the executor (the request's identity, the agent's deps, the MCP process's
`--user`), never from tool arguments. `days` and `limit` are honoured, exercises are matched by their real
names, set counts are real (working sets from the stored Hevy workouts), nutrition compliance counts days,
and lists are rendered in full.
"""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from airfit.health.models import CONTEXT_STORE, DailySnapshot
from airfit.health.windows import last_days
from airfit.insights.longrun import BODY_FAT, WEIGHT, Metric
from airfit.insights.service import list_insights
from airfit.profile.models import PROFILE
from airfit.storage import DocumentStore
from airfit.tools.models import (
    SCHEMAS,
    BodyCompArgs,
    InsightsArgs,
    NutritionArgs,
    RecoveryArgs,
    ToolResponse,
    ToolSchema,
    WorkoutsArgs,
    parameters,
)
from airfit.training.models import EXERCISE_STORE, WORKOUTS, ExerciseStore
from airfit.training.models import WorkoutExercise as HevyExercise
from airfit.training.muscles import (
    BACK,
    BICEPS,
    CALVES,
    CHEST,
    CORE,
    DELTS,
    GLUTES,
    HAMSTRINGS,
    QUADS,
    TRICEPS,
    ZONES,
    muscles_for,
)
from airfit.training.strength import e1rm, load_text, local_date, to_lbs
from airfit.units import Quantity, Units, text
from airfit.users.service import UserService, local_today

HRV_TREND_MIN_READINGS = 6
HRV_TREND_THRESHOLD = 0.05


@dataclass(frozen=True)
class Scope:
    """The one user a tool call reads, and where their data lives."""

    store: DocumentStore
    users: UserService
    user_id: str


@dataclass(frozen=True)
class UserDays:
    """The user's snapshots in the requested window and their local date."""

    days: list[DailySnapshot]
    today: date


async def _days(scope: Scope, days: int) -> UserDays:
    today = await scope.users.today(scope.user_id)
    context = await scope.store.read(scope.user_id, CONTEXT_STORE)
    return UserDays(last_days(days, today=today).snapshots(context), today)


def _avg(values: Sequence[float], digits: int = 1) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


# -- tools ----------------------------------------------------------------------------------------------


MUSCLE_ALIASES: dict[str, tuple[str, ...]] = {
    "legs": (QUADS, HAMSTRINGS, GLUTES, CALVES),
    "arms": (BICEPS, TRICEPS),
    "shoulders": (DELTS,),
    "abs": (CORE,),
    "lats": (BACK,),
    "pecs": (CHEST,),
}
PR_LISTED = 6
MACROS = ("calories", "protein", "carbs", "fat")


def muscle_group(name: str) -> tuple[str, ...] | None:
    """The tracked groups a name means ("legs" is four of them); None when it means none."""
    key = name.strip().lower()
    for candidate in (key, f"{key}s"):
        if candidate in ZONES:
            return (candidate,)
    return MUSCLE_ALIASES.get(key)


def _load(pounds: float, units: Units) -> str:
    """A load to the whole unit, in the user's units ("176 lbs", "80 kg")."""
    return text(pounds, Quantity.MASS, units, digits=0)


def _set_text(exercise: HevyExercise, units: Units) -> str:
    working = exercise.working_sets
    best = max(working, key=lambda s: e1rm(to_lbs(s.weight_kg), s.reps or 0), default=None)
    line = f"{exercise.title}: {len(working)} working sets"
    if best is not None and best.weight_kg:
        line += f", best {load_text(best.weight_kg, units, digits=0)} x {best.reps or 0}"
    elif best is not None and best.reps:
        line += f", best {best.reps} reps"
    return line


def _records(store: ExerciseStore, needle: str, units: Units) -> list[str]:
    names = [n for n in store.exercises if needle in n.lower()] if needle else store.exercise_ranking
    lines = []
    for name in names[:PR_LISTED]:
        history = store.exercises.get(name)
        pr = history.current_pr if history else None
        if history is not None and pr is not None:
            lines.append(
                f"{name}: {_load(pr.weight_lbs, units)} x {pr.reps} (e1RM {_load(pr.e1rm, units)}) on "
                f"{pr.date}, {history.workout_count} sessions"
            )
    return lines


async def query_workouts(scope: Scope, args: WorkoutsArgs) -> dict[str, Any]:
    """The window's workouts from Hevy, filtered by exercise name or muscle group, with PRs."""
    groups = muscle_group(args.muscle_group) if args.muscle_group else None
    if args.muscle_group and groups is None:
        known = ", ".join([*ZONES, *MUSCLE_ALIASES])
        return {"message": f"Unknown muscle group '{args.muscle_group}'. Known groups: {known}"}
    tz = await scope.users.timezone_of(scope.user_id)
    today = local_today(tz)
    start = today - timedelta(days=args.days - 1)
    doc = await scope.store.read(scope.user_id, WORKOUTS)
    needle = (args.exercise or "").lower()
    units = await scope.users.units_of(scope.user_id)

    def wanted(exercise: HevyExercise) -> bool:
        if needle and needle not in exercise.title.lower():
            return False
        return groups is None or bool(set(muscles_for(exercise.title)) & set(groups))

    workouts, group_sets = [], 0
    for workout in sorted(doc.workouts.values(), key=lambda w: w.start_time):
        day = local_date(workout, tz)
        chosen = [e for e in workout.exercises if wanted(e)] if start <= day <= today else []
        if not chosen:
            continue
        group_sets += sum(len(e.working_sets) for e in chosen)
        workouts.append(
            {
                "date": day.isoformat(),
                "title": workout.title,
                "duration_minutes": workout.duration_minutes,
                "exercises": [_set_text(e, units) for e in chosen],
            }
        )
    records = (
        _records(await scope.store.read(scope.user_id, EXERCISE_STORE), needle, units)
        if groups is None
        else []
    )
    if not workouts and not records:
        what = f" with '{args.exercise}'" if args.exercise else ""
        what += f" for {args.muscle_group}" if args.muscle_group else ""
        return {"message": f"No workouts{what} in the last {args.days} days"}
    result: dict[str, Any] = {
        "period": f"last {args.days} days",
        "count": len(workouts),
        "workouts": workouts,
    }
    if groups is not None:
        result["working_sets"] = f"{group_sets} working sets for {', '.join(groups)}"
    if records:
        result["personal_records"] = records
    return result


async def query_nutrition(scope: Scope, args: NutritionArgs) -> dict[str, Any]:
    """Averages over tracked days, the profile's targets, and how many days met them."""
    found = await _days(scope, args.days)
    tracked = [d for d in found.days if d.nutrition.calories > 0]
    if not tracked:
        return {"message": f"No nutrition tracked in the last {args.days} days"}
    profile = await scope.store.read(scope.user_id, PROFILE)
    units = await scope.users.units_of(scope.user_id)
    protein, calories = profile.protein_target, profile.calorie_target
    protein_days = sum(d.nutrition.protein >= 0.9 * protein for d in tracked)
    calorie_days = sum(0.9 * calories <= d.nutrition.calories <= 1.1 * calories for d in tracked)

    def energy(kcal: float) -> str:
        return text(kcal, Quantity.ENERGY, units)

    averages = {key: statistics.fmean(getattr(d.nutrition, key) for d in tracked) for key in MACROS}
    result: dict[str, Any] = {
        "period": f"last {args.days} days",
        "tracked_days": len(tracked),
        "averages": {
            "energy": energy(averages["calories"]),
            **{key: f"{averages[key]:.0f} g" for key in ("protein", "carbs", "fat")},
        },
        "targets": {"energy": energy(calories), "protein": f"{protein:.0f} g"},
        "protein_compliance": f"{protein_days} of {len(tracked)} days at 90% of target or more",
        "calorie_compliance": f"{calorie_days} of {len(tracked)} days within 10% of target",
    }
    if args.include_meals:
        result["daily_totals"] = [
            f"{d.date}: {energy(d.nutrition.calories)}, {d.nutrition.protein} g protein, "
            f"{d.nutrition.carbs} g carbs, {d.nutrition.fat} g fat ({d.nutrition.entry_count} entries)"
            for d in tracked
        ]
        result["meals"] = "individual meals are kept on the phone; these are the day totals"
    return result


def _series(days: Sequence[DailySnapshot], value: Callable[[DailySnapshot], float | None]) -> list[float]:
    return [v for d in days if (v := value(d))]


def _body_metric(values: list[float], metric: Metric, units: Units) -> dict[str, Any] | None:
    if not values:
        return None
    return {
        "current": metric.show(values[-1], units),
        "start": metric.show(values[0], units),
        "change": metric.show(values[-1] - values[0], units, signed=True),
        "average": metric.show(statistics.fmean(values), units),
        "readings": len(values),
    }


async def query_body_comp(scope: Scope, args: BodyCompArgs) -> dict[str, Any]:
    """Weight (in the user's units) and body fat over the window: first and latest reading, change, average
    (oldest → newest)."""
    found = await _days(scope, args.days)
    units = await scope.users.units_of(scope.user_id)
    weight = _body_metric(_series(found.days, lambda d: d.health.weight_lbs), WEIGHT, units)
    body_fat = _body_metric(_series(found.days, lambda d: d.health.body_fat_pct), BODY_FAT, units)
    if weight is None and body_fat is None:
        return {"message": f"No weight or body-fat readings in the last {args.days} days"}
    result: dict[str, Any] = {"period": f"last {args.days} days"}
    if weight:
        result["weight"] = weight
    if body_fat:
        result["body_fat"] = body_fat
    return result


def hrv_trend(values: Sequence[float]) -> str:
    """The first third of the readings against the last third, ±5 % (needs 6 readings)."""
    if len(values) < HRV_TREND_MIN_READINGS:
        return "not enough readings"
    third = len(values) // 3
    first, last = statistics.fmean(values[:third]), statistics.fmean(values[-third:])
    change = (last - first) / first
    if change > HRV_TREND_THRESHOLD:
        return "improving"
    if change < -HRV_TREND_THRESHOLD:
        return "declining"
    return "stable"


async def query_recovery(scope: Scope, args: RecoveryArgs) -> dict[str, Any]:
    """Sleep, HRV and resting heart rate over the window."""
    found = await _days(scope, args.days)
    sleep = [(d.date, h) for d in found.days if (h := d.health.sleep_hours)]
    hrv = _series(found.days, lambda d: d.health.hrv_ms)
    rhr = _series(found.days, lambda d: float(d.health.resting_hr) if d.health.resting_hr else None)
    if not (sleep or hrv or rhr):
        return {"message": f"No sleep or heart data in the last {args.days} days"}
    return {
        "period": f"last {args.days} days",
        "sleep": {
            "average_hours": _avg([h for _, h in sleep]),
            "nights_tracked": len(sleep),
            "recent": [f"{day}: {hours:.1f} h" for day, hours in sleep[-3:]],
        },
        "hrv": {"average_ms": _avg(hrv, 0), "readings": len(hrv), "trend": hrv_trend(hrv)},
        "resting_hr": {"average_bpm": _avg(rhr, 0), "readings": len(rhr)},
    }


async def query_insights(scope: Scope, args: InsightsArgs) -> dict[str, Any]:
    """The user's live insights, best first."""
    insights = await list_insights(scope.store, scope.user_id, category=args.category, limit=args.limit)
    if not insights:
        return {"message": "No insights generated yet"}
    return {
        "count": len(insights),
        "insights": [
            {
                "category": i.category.value,
                "title": i.title,
                "body": i.body,
                "actions": ", ".join(i.suggested_actions),
                "created": i.created_at.date().isoformat(),
            }
            for i in insights
        ],
    }


# -- execution ------------------------------------------------------------------------------------------

ToolFunction = Callable[["Scope", Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Tool:
    """A tool: its argument model and what it does."""

    name: str
    args: type[BaseModel]
    run: ToolFunction

    @property
    def description(self) -> str:
        """What the model is told about it."""
        return str(SCHEMAS[self.name]["description"])


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool("query_workouts", WorkoutsArgs, query_workouts),
        Tool("query_nutrition", NutritionArgs, query_nutrition),
        Tool("query_body_comp", BodyCompArgs, query_body_comp),
        Tool("query_recovery", RecoveryArgs, query_recovery),
        Tool("query_insights", InsightsArgs, query_insights),
    )
}


def schemas() -> list[ToolSchema]:
    """Every tool in Gemini function-calling form."""
    return [
        ToolSchema(name=t.name, description=t.description, parameters=parameters(t.name))
        for t in TOOLS.values()
    ]


def _problem(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        message = "unknown argument" if error["type"] == "extra_forbidden" else error["msg"]
        parts.append(f"{where}: {message.removeprefix('Value error, ')}")
    return "; ".join(parts)


async def execute(
    *, store: DocumentStore, users: UserService, user_id: str, name: str, arguments: Any
) -> ToolResponse:
    """Run a tool over `user_id`'s data; bad input is a `success: false` answer, never an exception."""
    tool = TOOLS.get(name)
    if tool is None:
        error = f"Unknown tool: {name}. Available: {', '.join(TOOLS)}"
        return ToolResponse(success=False, content=f"Tool error: {error}", error=error)
    if arguments is not None and not isinstance(arguments, dict):
        error = f"Invalid arguments for {name}: expected an object of named arguments"
        return ToolResponse(success=False, content=f"Tool error: {error}", error=error)
    try:
        args = tool.args.model_validate(arguments or {})
    except ValidationError as exc:
        error = f"Invalid arguments for {name}: {_problem(exc)}"
        return ToolResponse(success=False, content=f"Tool error: {error}", error=error)
    data = await tool.run(Scope(store, users, user_id), args)
    return ToolResponse(success=True, content=render(data))


def render(data: Any, indent: int = 0) -> str:
    """Plain text for the model: `key: value` lines, nested blocks indented, lists in full."""
    pad = "  " * indent
    if isinstance(data, dict):
        lines = []
        for key, value in data.items():
            if isinstance(value, dict | list) and value and not _flat_list(value):
                lines.append(f"{pad}{key}:")
                lines.append(render(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(
            f"{pad}-\n{render(item, indent + 1)}" if isinstance(item, dict) else f"{pad}- {_scalar(item)}"
            for item in data
        )
    return f"{pad}{_scalar(data)}"


def _flat_list(value: Any) -> bool:
    """Short lists of numbers stay on one line; text items (which may hold commas) get a line each."""
    return isinstance(value, list) and len(value) <= 10 and all(isinstance(v, int | float) for v in value)


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value) if value else "none"
    if value is None:
        return "n/a"
    return str(value)
