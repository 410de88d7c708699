"""The package's generators: iOS and Hevy shapes, determinism, realism, effects that do what they say."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from airfit import demo
from airfit.demo.workouts import template_id
from airfit.health.models import DailySyncData
from airfit.training.models import Workout

END = date(2025, 6, 30)
INTS = ("calories", "protein", "carbs", "fat", "nutrition_entries", "steps", "active_calories")
OPTIONAL_DOUBLES = (
    "weight_lbs",
    "body_fat_pct",
    "sleep_hours",
    "hrv_ms",
    "sleep_efficiency",
    "sleep_deep_pct",
    "sleep_core_pct",
    "sleep_rem_pct",
    "hrv_baseline_ms",
    "hrv_deviation_pct",
    "quality_score",
)
WIRE_KEYS = {"date", *INTS, *OPTIONAL_DOUBLES, "resting_hr", "sleep_onset_minutes", "quality_flags"}
WIRE_KEYS.add("is_baseline_excluded")


def _by_date(days: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["date"]: d for d in days}


def test_days_are_the_ios_sync_shape() -> None:
    days = demo.days(400, 3, END)
    assert days[-1]["date"] <= END.isoformat()
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    for day in days:
        DailySyncData.model_validate(day)
        assert set(day) <= WIRE_KEYS
        assert "bedtime_consistency" not in day
        for key in INTS:
            assert type(day[key]) is int, key
        assert type(day["is_baseline_excluded"]) is bool
        for key in OPTIONAL_DOUBLES:
            if key in day:
                # Swift's JSONEncoder writes a whole Double such as 1.0 as 1.
                assert type(day[key]) is int or day[key] != int(day[key]), (key, day[key])
        assert day.get("weight_lbs") is not None or "body_fat_pct" not in day
    assert any(d["quality_score"] == 1 and type(d["quality_score"]) is int for d in days)


def test_days_have_gaps_zero_days_missing_readings_and_sleep_stages() -> None:
    days = demo.days(365, 4, END)
    assert 330 < len(days) < 365
    zero = [d for d in days if d["calories"] == 0]
    assert zero
    assert all(d["protein"] == d["carbs"] == d["fat"] == d["nutrition_entries"] == 0 for d in zero)
    weighed = [d for d in days if "weight_lbs" in d]
    assert 0.6 * len(days) < len(weighed) < 0.8 * len(days)
    off = [d for d in days if "watch_likely_off" in d["quality_flags"]]
    assert off
    assert all("sleep_hours" not in d and "hrv_ms" not in d and d["is_baseline_excluded"] for d in off)
    for day in (d for d in days if "sleep_deep_pct" in d):
        stages = day["sleep_deep_pct"] + day["sleep_core_pct"] + day["sleep_rem_pct"]
        assert stages == pytest.approx(day["sleep_efficiency"], abs=0.002)
        assert 0 <= day["sleep_onset_minutes"] < 1440
    assert sum("hrv_baseline_ms" in d for d in days) > 300


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert demo.days(200, 9, END) == demo.days(200, 9, END)
    assert demo.days(200, 9, END) != demo.days(200, 10, END)
    assert demo.workouts(20, 9, END) == demo.workouts(20, 9, END)
    assert demo.workouts(20, 9, END) != demo.workouts(20, 10, END)


def test_weekend_rhythm_is_there_unless_flat() -> None:
    def weekend_gap(person: demo.Person) -> float:
        days = [d for d in demo.days(730, 5, END, person=person) if d["calories"]]
        weekend = [d["calories"] for d in days if date.fromisoformat(d["date"]).weekday() >= 5]
        weekday = [d["calories"] for d in days if date.fromisoformat(d["date"]).weekday() < 5]
        return statistics.fmean(weekend) - statistics.fmean(weekday)

    assert weekend_gap(demo.Person()) == pytest.approx(450, abs=80)
    assert weekend_gap(demo.FLAT) == pytest.approx(0, abs=80)


def test_an_injected_effect_changes_that_metric_and_nothing_else() -> None:
    start = END - timedelta(days=90)
    base = _by_date(demo.days(365, 6, END, person=demo.FLAT))
    trended = _by_date(
        demo.days(365, 6, END, person=demo.FLAT, effects=[demo.Trend("weight_lbs", start, -0.5)])
    )
    assert base.keys() == trended.keys()
    for key, day in base.items():
        other = trended[key]
        assert {k: v for k, v in day.items() if k != "weight_lbs"} == {
            k: v for k, v in other.items() if k != "weight_lbs"
        }
        if "weight_lbs" in day:
            weeks = max(0, (date.fromisoformat(key) - start).days) / 7
            assert other["weight_lbs"] - day["weight_lbs"] == pytest.approx(-0.5 * weeks, abs=0.11)


def test_plateau_pauses_every_trend_and_anomaly_is_one_reading() -> None:
    plateau_start = END - timedelta(days=30)
    days = demo.days(
        120,
        7,
        END,
        person=demo.Person(
            weight_per_week=-1.0, weight_noise=0, misweigh_rate=0, weigh_in_rate=1, missing_rate=0
        ),
        effects=[
            demo.Plateau("weight_lbs", plateau_start),
            demo.Anomaly("weight_lbs", END - timedelta(days=60), 10),
        ],
    )
    weights = {date.fromisoformat(d["date"]): d["weight_lbs"] for d in days}
    assert weights[END] == weights[plateau_start]
    assert weights[plateau_start] < weights[plateau_start - timedelta(days=14)] - 1.9
    spike = END - timedelta(days=60)
    neighbours = (weights[spike - timedelta(days=1)] + weights[spike + timedelta(days=1)]) / 2
    assert weights[spike] - neighbours == pytest.approx(10, abs=0.2)


def test_gap_removes_exactly_those_dates_and_unknown_metrics_are_refused() -> None:
    gap = demo.Gap(END - timedelta(days=20), 7)
    days = {d["date"] for d in demo.days(60, 8, END, person=demo.FLAT, effects=[gap])}
    assert not {(gap.start + timedelta(days=i)).isoformat() for i in range(7)} & days
    with pytest.raises(ValueError, match="unknown metric"):
        demo.days(10, 1, END, effects=[demo.Trend("mood", END, 1)])


def _sets(workouts: list[dict[str, Any]], title: str) -> list[list[dict[str, Any]]]:
    return [e["sets"] for w in reversed(workouts) for e in w["exercises"] if e["title"] == title]


def test_workouts_are_hevy_shaped_with_warmups_supersets_and_cardio() -> None:
    workouts = demo.workouts(26, 2, END)
    assert [w["start_time"] for w in workouts] == sorted((w["start_time"] for w in workouts), reverse=True)
    assert 3 * 26 < len(workouts) < 4 * 26 + 2
    for raw in workouts:
        workout = Workout.model_validate(raw)
        assert workout.start_time.tzinfo is not None
        assert raw["start_time"].endswith("Z")
        assert workout.end_time is not None
        assert workout.end_time > workout.start_time
        for exercise in raw["exercises"]:
            assert exercise["exercise_template_id"] == template_id(exercise["title"])
            assert [s["index"] for s in exercise["sets"]] == list(range(len(exercise["sets"])))
    bench = _sets(workouts, "Bench Press (Barbell)")
    assert all([s["type"] for s in sets[:3]] == ["warmup"] * 3 for sets in bench)
    assert all(s["weight_kg"] is None for sets in _sets(workouts, "Pull Up") for s in sets)
    supersets = [e["superset_id"] for w in workouts for e in w["exercises"] if e["superset_id"] is not None]
    assert supersets
    assert all(supersets.count(i) % 2 == 0 for i in set(supersets))
    cardio = [s for sets in _sets(workouts, "Treadmill") for s in sets]
    assert cardio
    assert all(s["distance_meters"] and s["duration_seconds"] and s["reps"] is None for s in cardio)
    types = {s["type"] for w in workouts for e in w["exercises"] for s in e["sets"]}
    assert {"warmup", "normal", "failure", "dropset"} <= types


def test_progressive_overload_with_deloads() -> None:
    workouts = demo.workouts(104, 3, END)
    top = [
        max(s["weight_kg"] for s in sets if s["type"] == "normal")
        for sets in _sets(workouts, "Squat (Barbell)")
    ]
    assert statistics.fmean(top[-10:]) > statistics.fmean(top[:10]) * 1.2
    assert any(b < a for a, b in zip(top, top[1:], strict=False)), "deload weeks lighten the bar"
    assert any("(deload)" in w["title"] for w in workouts)


def test_history_has_edits_and_deletions_and_replays_to_the_current_state() -> None:
    history = demo.hevy_history(52, 4, END)
    deleted, edited = history.deleted_ids(), history.edited_ids()
    assert deleted
    assert edited
    now = {w["id"]: w for w in history.workouts()}
    assert not set(deleted) & set(now)
    for wid in edited:
        assert now[wid]["updated_at"] > now[wid]["created_at"]
    horizon = datetime.combine(END + timedelta(days=1), datetime.min.time(), UTC)
    assert all(moment < horizon for moment, _ in history.events)
    before = history.workouts(at=history.events[len(history.events) // 2][0])
    assert len(before) < len(now) + len(deleted)
    since = history.events[-5][0]
    feed = history.feed(since)
    assert len(feed) == 4
    assert feed[0] == history.events[-1][1]


def test_pr_and_stall_are_injected_on_their_dates() -> None:
    on = END - timedelta(days=20)
    stall = demo.Stall(END - timedelta(weeks=30), END - timedelta(weeks=10), "Bench Press (Barbell)")
    lifter = demo.Lifter(effects=(demo.PR("Deadlift (Barbell)", on, 1.1), stall))
    plain = demo.workouts(52, 5, END)
    injected = demo.workouts(52, 5, END, lifter=lifter)

    def best(workouts: list[dict[str, Any]], title: str, before: date) -> float:
        return max(
            s["weight_kg"] * (1 + s["reps"] / 30)
            for w in workouts
            if w["start_time"][:10] < before.isoformat()
            for e in w["exercises"]
            if e["title"] == title
            for s in e["sets"]
            if s["type"] != "warmup"
        )

    assert best(injected, "Deadlift (Barbell)", on) == best(plain, "Deadlift (Barbell)", on)
    assert best(injected, "Deadlift (Barbell)", END + timedelta(days=1)) >= 1.09 * best(
        injected, "Deadlift (Barbell)", on
    )
    stalled = {
        s["weight_kg"]
        for w in injected
        if stall.start + timedelta(days=7) <= date.fromisoformat(w["start_time"][:10]) < stall.end
        and "deload" not in w["title"]
        for e in w["exercises"]
        if e["title"] == "Bench Press (Barbell)"
        for s in e["sets"]
        if s["type"] == "normal"
    }
    assert len(stalled) == 1
    with pytest.raises(ValueError, match="unknown exercise"):
        demo.workouts(4, 1, END, lifter=demo.Lifter(effects=(demo.PR("Juggling", END),)))
