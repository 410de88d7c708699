"""Pure calculations: e1RM, daily bests, PRs, trend rule and the muscle map."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from airfit.training.client import parse_workout
from airfit.training.models import Performance, Workout
from airfit.training.muscles import ZONES, muscles_for, status_of
from airfit.training.strength import build_exercise_store, e1rm, trend_per_month, workout_days
from tests.training.workouts import workout

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [(200, 5, 233.3), (100, 10, 133.3), (225, 1, 225), (100, 0, 0), (0, 10, 0), (-5, 5, 0)],
)
def test_epley(weight: float, reps: int, expected: float) -> None:
    assert e1rm(weight, reps) == expected


@pytest.mark.parametrize(
    ("name", "muscles"),
    [
        ("Incline Bench Press (Dumbbell)", ("chest",)),
        ("Romanian Deadlift (Barbell)", ("hamstrings", "glutes")),
        ("RDL", ("hamstrings", "glutes")),
        ("Deadlift (Barbell)", ("back", "hamstrings", "glutes")),
        ("Cable Crossover", ("chest",)),
        ("Cable Row", ("back",)),
        ("Tabata", ()),
        ("Walking", ()),
        ("a", ()),
        ("Chest Press (Machine)", ("chest",)),
        ("Glute Ham Raise", ("hamstrings", "glutes")),
        ("Farmer's Walk", ()),
        ("Wrist Curl", ()),
        ("Leg Curl (Machine)", ("hamstrings",)),
        ("Bicep Curl (Dumbbell)", ("biceps",)),
        ("Ab Wheel", ("core",)),
        ("Hanging Leg Raise", ("core",)),
        ("Face Pull", ("delts",)),
        ("Pull-Up (Weighted)", ("back",)),
        ("Standing Calf Raise", ("calves",)),
        ("Squat (Barbell)", ("quads", "glutes")),
        ("Triceps Pushdown", ("triceps",)),
    ],
)
def test_muscle_map(name: str, muscles: tuple[str, ...]) -> None:
    assert muscles_for(name) == muscles


def test_zone_status_boundaries() -> None:
    chest = ZONES["chest"]
    assert [status_of(n, chest) for n in (11, 12, 13, 20, 21)] == [
        "below",
        "at_floor",
        "in_zone",
        "in_zone",
        "above",
    ]


def _parse(items: list[dict[str, object]]) -> list[Workout]:
    return [Workout.model_validate(item) for item in items]


def test_daily_best_combines_same_day_workouts_and_ignores_warmups() -> None:
    day = NOW - timedelta(days=1)
    workouts = _parse(
        [
            workout("a", day, [("Bench", [("warmup", 150, 5), ("normal", 100, 5), ("normal", 100, 5)])]),
            workout("b", day + timedelta(hours=6), [("Bench", [("normal", 102.5, 3)])]),
            workout("c", day - timedelta(days=1), [("Pull Up", [("normal", None, 10), ("normal", 0, 8)])]),
        ]
    )
    store = build_exercise_store(workouts, UTC, NOW)
    assert list(store.exercises) == ["Bench"]
    (perf,) = store.exercises["Bench"].performances
    assert perf.total_sets == 3
    assert (perf.best_reps, perf.e1rm) == (5, e1rm(100 * 2.20462, 5))
    assert store.exercises["Bench"].current_pr is not None
    assert store.exercises["Bench"].current_pr.e1rm == perf.e1rm
    assert store.exercise_ranking == ["Bench"]
    block = workout_days(workouts, UTC)[day.date().isoformat()]
    assert block.workout_count == 2
    assert block.total_volume_kg == round(100 * 5 * 2 + 102.5 * 3, 1)
    assert [e.working_sets for e in block.exercises] == [2, 1]
    assert [e.sets for e in block.exercises] == [3, 1]


def test_local_date_decides_the_day() -> None:
    late = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    workouts = _parse([workout("a", late, [("Bench", [("normal", 100, 5)])])])
    assert list(workout_days(workouts, ZoneInfo("Europe/Berlin"))) == ["2025-06-02"]
    assert list(workout_days(workouts, ZoneInfo("America/New_York"))) == ["2025-06-01"]


def _points(values: list[tuple[int, float]]) -> list[Performance]:
    start = date(2025, 1, 1)
    return [
        Performance(date=start + timedelta(days=d), best_weight_lbs=v, best_reps=1, total_sets=1, e1rm=v)
        for d, v in values
    ]


def test_trend_rule_needs_four_points_over_two_weeks() -> None:
    assert trend_per_month(_points([(0, 100), (7, 110), (14, 120)])) is None
    assert trend_per_month(_points([(0, 100), (1, 110), (2, 120), (3, 130)])) is None
    assert trend_per_month(_points([(0, 100), (5, 105), (10, 110), (15, 115)])) == 30.0
    assert trend_per_month(_points([(0, 120), (5, 115), (10, 110), (15, 105)])) == -30.0


def test_hevy_nulls_never_discard_a_workout() -> None:
    parsed = parse_workout(
        {
            "id": "x",
            "title": None,
            "description": None,
            "start_time": "2025-06-01T10:00:00Z",
            "end_time": None,
            "exercises": [
                {"title": None, "notes": None, "sets": None},
                {"title": "Bench", "notes": 5, "sets": [{"type": None, "weight_kg": "100", "reps": 5.0}]},
            ],
        }
    )
    assert parsed is not None
    assert parsed.title == "Workout"
    assert parsed.duration_minutes == 0
    assert parsed.exercises[0].title == "Unknown exercise"
    assert parsed.exercises[0].sets == []
    first = parsed.exercises[1].sets[0]
    assert (first.weight_kg, first.reps, first.is_working) == (100.0, 5, True)
