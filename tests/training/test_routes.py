"""Training endpoints on the wire: iOS decoding, exact numbers, local dates, names with `+`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.fakes.hevy import FakeHevy
from tests.ios import (
    EXERCISES,
    HEVY_SYNC,
    LIFT_PROGRESS,
    RECENT_WORKOUTS,
    SET_TRACKER,
    STRENGTH_HISTORY,
    TRAINING_DAY,
    TRAINING_SYNC,
    decode,
)
from tests.live import LiveServer
from tests.training.conftest import BRIAN_KEY, connect
from tests.training.workouts import workout

CUSTOM_KEY = "33333333-cccc-4ccc-8ccc-custom000003"
IOS_GETS = [
    ("/hevy/set-tracker?days=7", SET_TRACKER),
    ("/hevy/lift-progress?top_n=6", LIFT_PROGRESS),
    ("/hevy/recent-workouts?limit=7", RECENT_WORKOUTS),
    ("/training/exercises?limit=20&sort_by=frequency", EXERCISES),
    ("/training/exercises?limit=20&sort_by=most_improved&days=90", EXERCISES),
    ("/training/exercises?limit=20&sort_by=least_improved&days=30", EXERCISES),
    ("/training/exercises?limit=20&sort_by=bogus&days=365", EXERCISES),
    ("/training/strength-history?exercise=Bench%20Press%20(Barbell)&days=365", STRENGTH_HISTORY),
    ("/training/strength-history?exercise=Nope&days=365", STRENGTH_HISTORY),
    ("/nutrition/training-day", TRAINING_DAY),
]


@pytest.mark.parametrize("synced", [True, False])
def test_every_ios_call_decodes(hevy_server: Callable[..., LiveServer], synced: bool) -> None:
    live = hevy_server()
    if synced:
        decode(connect(live, "brian", BRIAN_KEY), TRAINING_SYNC)
    with live.client() as c:  # the iOS app sends no identity: the default user
        for path, schema in IOS_GETS:
            response = c.get(path)
            assert response.status_code == 200, (path, response.text)
            assert response.headers["cache-control"] == "private, no-cache"
            decode(response.json(), schema, path)
        decode(c.post("/hevy/sync").json(), HEVY_SYNC)
        decode(c.post("/training/sync?full=false").json(), TRAINING_SYNC)
        lifts = c.get("/hevy/lift-progress?top_n=6").json()["lifts"]
        recent = c.get("/hevy/recent-workouts?limit=7").json()["workouts"]
    if synced:
        assert len(lifts) == 6
        assert len(recent) == 7
        # Plain local dates, which the app's full-date ISO parser accepts (docs/ios-contract.md § Dates).
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", w["date"]) for w in recent)
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lift["current_pr"]["date"]) for lift in lifts)


@pytest.fixture
def custom(hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy) -> tuple[LiveServer, datetime]:
    """david in UTC+10 (no DST; the server default here), hand-built workouts around his local today."""
    live = hevy_server(timezone="Australia/Brisbane")
    tz = ZoneInfo("Australia/Brisbane")
    today = datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    bench = "Bench Press (Barbell)"
    plus = "Squat + Pause (Barbell)"
    workouts = [
        # Local today 07:00 = yesterday 21:00 UTC: must count as today.
        workout(
            "w-today",
            today + timedelta(hours=7),
            [(bench, [("warmup", 40, 10), ("normal", 100, 5)])],
            minutes=25,
            title="Early Push",
        ),
        # Two workouts on one local day: sets are considered together.
        workout(
            "w-2a",
            today - timedelta(days=2) + timedelta(hours=8),
            [(bench, [("normal", 90, 5), ("normal", 90, 5)]), (plus, [("normal", 120, 3)])],
        ),
        workout(
            "w-2b",
            today - timedelta(days=2) + timedelta(hours=18),
            [(bench, [("normal", 95, 5)]), ("Cable Crossover", [("normal", 20, 12)])],
        ),
        # Outside a 7-day window by exactly one day.
        workout(
            "w-7",
            today - timedelta(days=7) + timedelta(hours=12),
            [(bench, [("normal", 80, 8)] * 4), ("Pull Up", [("normal", None, 10)] * 3)],
        ),
        # A heavy warm-up must not become a PR.
        workout(
            "w-3",
            today - timedelta(days=3) + timedelta(hours=12),
            [(bench, [("warmup", 200, 5), ("normal", 60, 10)]), ("Tabata", [("normal", None, None)])],
        ),
    ]
    fake_hevy.add_account(CUSTOM_KEY, workouts)
    connect(live, "david", CUSTOM_KEY)
    return live, today


def test_set_tracker_counts_working_sets_in_exactly_n_local_days(custom: tuple[LiveServer, datetime]) -> None:
    live, _ = custom
    with live.client("david") as c:
        groups = c.get("/hevy/set-tracker", params={"days": 7}).json()["muscle_groups"]
        wider = c.get("/hevy/set-tracker", params={"days": 8}).json()["muscle_groups"]
        text_line = c.get("/hevy/set-tracker").json()
    assert len(groups) == 10
    # today 1 + day-2: 2 + 1 + Cable Crossover 1 (chest, not core) + day-3: 1 = 6 working chest sets.
    assert groups["chest"] == {"current": 6, "min": 12, "max": 20, "status": "below"}
    assert groups["quads"]["current"] == 1
    assert groups["core"]["current"] == 0
    assert groups["back"]["current"] == 0
    assert wider["chest"]["current"] == 10
    assert wider["back"]["current"] == 3
    assert text_line["window_days"] == 7


def test_strength_history_best_set_per_local_day(custom: tuple[LiveServer, datetime]) -> None:
    live, today = custom
    with live.client("david") as c:
        body = c.get("/training/strength-history", params={"exercise": "Bench Press (Barbell)"}).json()
    by_date = {p["date"]: p for p in body["history"]}
    two_days = (today - timedelta(days=2)).date().isoformat()
    assert len(body["history"]) == 4
    best = by_date[two_days]  # 95x5 from the evening beats 90x5 from the morning
    assert best["weight_lbs"] == round(95 * 2.20462, 1)
    assert best["reps"] == 5
    assert best["e1rm"] == round(95 * 2.20462 * (1 + 5 / 30), 1)
    assert by_date[(today - timedelta(days=3)).date().isoformat()]["weight_lbs"] == round(60 * 2.20462, 1)
    assert body["current_pr"]["date"] == today.date().isoformat()
    assert body["current_pr"]["weight_lbs"] == round(100 * 2.20462, 1)


def test_names_with_plus_and_spaces(custom: tuple[LiveServer, datetime]) -> None:
    live, _ = custom
    with live.client("david") as c:
        literal = c.get("/training/strength-history?exercise=Squat%20+%20Pause%20(Barbell)&days=365")
        encoded = c.get("/training/strength-history", params={"exercise": "Squat + Pause (Barbell)"})
        spaced = c.get("/training/strength-history?exercise=Bench+Press+(Barbell)")
        unknown = c.get("/training/strength-history?exercise=No+Such+Lift")
    assert literal.json()["exercise"] == "Squat + Pause (Barbell)"
    assert len(literal.json()["history"]) == 1
    assert encoded.json() == literal.json()
    assert len(spaced.json()["history"]) == 4
    assert unknown.status_code == 200
    assert unknown.json() == {"exercise": "No Such Lift", "history": [], "current_pr": None, "trend": None}


def test_recent_workouts_and_training_day_use_local_dates(custom: tuple[LiveServer, datetime]) -> None:
    live, today = custom
    with live.client("david") as c:
        recent = c.get("/hevy/recent-workouts", params={"limit": 3}).json()["workouts"]
        day = c.get("/nutrition/training-day").json()
    assert [w["id"] for w in recent] == ["w-today", "w-2b", "w-2a"]
    assert recent[0]["date"] == today.date().isoformat()
    assert recent[0]["days_ago"] == 0
    assert recent[1]["days_ago"] == 2
    assert recent[0]["duration_minutes"] == 25
    assert recent[0]["total_volume_lbs"] == round(100 * 5 * 2.20462, 1)  # the warm-up adds nothing
    assert day == {"is_training_day": True, "workout_name": "Early Push"}


def test_exercises_list_and_lift_progress(custom: tuple[LiveServer, datetime]) -> None:
    live, _ = custom
    with live.client("david") as c:
        listed = c.get("/training/exercises").json()["exercises"]
        lifts = c.get("/hevy/lift-progress", params={"top_n": 6}).json()["lifts"]
    names = [e["name"] for e in listed]
    assert names[0] == "Bench Press (Barbell)"
    assert "Pull Up" not in names
    assert "Tabata" not in names
    assert listed[0]["workout_count"] == 4
    assert listed[0]["improvement"] is None  # 4 points but under two weeks apart
    assert lifts[0]["name"] == "Bench Press (Barbell)"
    assert lifts[0]["current_pr"]["reps"] == 5
    assert [p["date"] for p in lifts[0]["history"]] == sorted(p["date"] for p in lifts[0]["history"])
