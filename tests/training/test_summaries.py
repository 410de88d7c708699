"""The coach's text blocks (the week's sets per muscle, recent workouts) from stored workouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airfit.training.models import Workout, WorkoutsDoc
from airfit.training.summaries import format_recent_workouts, format_set_tracker
from tests.training.workouts import workout

NOW = datetime(2025, 6, 10, 12, tzinfo=UTC)


def _doc(*items: dict[str, object]) -> WorkoutsDoc:
    workouts = [Workout.model_validate(i) for i in items]
    return WorkoutsDoc(workouts={w.id: w for w in workouts})


def test_set_tracker_line_orders_by_status_and_skips_untrained() -> None:
    chest = [("normal", 60, 10)] * 12
    doc = _doc(
        workout(
            "a",
            NOW - timedelta(days=1),
            [("Bench Press (Barbell)", chest), ("Leg Curl", [("normal", 40, 10)] * 3)],
        ),
        workout("b", NOW - timedelta(days=7), [("Squat (Barbell)", [("normal", 100, 5)] * 20)]),
    )
    line = format_set_tracker(doc, UTC, NOW.date())
    assert line == "Rolling 7-day training volume: hamstrings 3 (below min 10), chest 12 (at minimum)"
    assert format_set_tracker(WorkoutsDoc(), UTC, NOW.date()) == ""


def test_recent_workouts_block() -> None:
    first = workout(
        "a",
        NOW - timedelta(days=1),
        [
            ("Bench Press (Barbell)", [("warmup", 40, 10), ("normal", 100, 5), ("normal", 100, 5)]),
            ("Pull Up", [("normal", None, 8)]),
        ],
        minutes=45,
        title="Push",
        description="felt\nstrong",
    )
    first["exercises"][0]["notes"] = "paused reps"
    doc = _doc(first, workout("b", NOW, [("Plank", [("normal", None, 1)])], minutes=10, title="Core"))
    text = format_recent_workouts(doc, UTC, NOW.date(), limit=5)
    assert text == (
        "Recent workouts from Hevy:\n"
        "\nCore (Today, 10min):\n"
        "  - Plank: 1 sets, 1 reps\n"
        "\nPush (Yesterday, 45min):\n"
        '  Notes: "felt strong"\n'
        "  - Bench Press (Barbell): 2×220.5lbs, 10 reps [paused reps]\n"
        "  - Pull Up: 1 sets, 8 reps"
    )
    assert format_recent_workouts(WorkoutsDoc(), UTC, NOW.date(), limit=5) == ""
