"""Statistical detectors on generated days (`airfit.demo`): they find what was injected and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from airfit.health.models import WorkoutDay, WorkoutExercise
from airfit.insights.models import InsightSource
from airfit.insights.stats import detect
from airfit.profile.models import MacroTargets, UserProfile
from airfit.training.models import ExerciseStore, Workout
from airfit.training.strength import build_exercise_store
from tests.insights.data import flat_days, gen_workouts, inject, snapshot

TODAY = date(2025, 6, 30)
PROFILE = UserProfile(training_day_targets=MacroTargets(protein=160, calories=2200))


def fingerprints(days: list[dict[str, Any]], profile: UserProfile = PROFILE) -> set[str]:
    found = detect([snapshot(d) for d in days], profile=profile, today=TODAY)
    return {i.fingerprint or "" for i in found}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_flat_data_yields_nothing(seed: int) -> None:
    assert fingerprints(flat_days(1095, seed, TODAY)) == set()


def test_weight_loss_is_found_with_its_direction() -> None:
    days = flat_days(120, 1, TODAY)
    inject(days, 28, lambda i, d: d.update(weight_lbs=round(185 - 0.2 * i, 1)))
    found = detect([snapshot(d) for d in days], profile=PROFILE, today=TODAY)
    weight = next(i for i in found if i.fingerprint == "weight_trend:down")
    assert weight.source is InsightSource.STATISTICAL
    assert weight.supporting_data.trend_slope is not None
    assert weight.supporting_data.trend_slope == pytest.approx(-1.4, abs=0.3)
    assert {i.fingerprint for i in found} == {"weight_trend:down"}


def test_body_fat_rise_is_found() -> None:
    days = flat_days(120, 2, TODAY)
    inject(days, 28, lambda i, d: d.update(body_fat_pct=round(20 + 0.06 * i, 1)))
    assert fingerprints(days) == {"body_fat_trend:up"}


def test_protein_drop_uses_the_profile_target() -> None:
    days = flat_days(120, 3, TODAY)
    inject(days, 14, lambda i, d: d.update(protein=150))
    # 150 g is a miss against 200 g but a hit against the default 160 g target.
    high = UserProfile(training_day_targets=MacroTargets(protein=200, calories=2200))
    inject(days[:-14], 28, lambda i, d: d.update(protein=210))
    assert "protein_compliance:down" in fingerprints(days, high)
    assert "protein_compliance:down" not in fingerprints(days)


def test_calorie_streak_is_a_milestone() -> None:
    days = flat_days(120, 4, TODAY)
    inject(days, 15, lambda i, d: d.update(calories=2200))
    # The four weeks before mostly missed the target (two days in three well over it)...
    inject(days[:-15], 28, lambda i, d: d.update(calories=2700) if i % 3 else None)
    # ...so fifteen days on target also lift the hit rate far above them.
    assert fingerprints(days) == {"calories_streak", "calories_compliance:up"}


def test_sleep_hrv_and_resting_hr_anomalies_against_own_baseline() -> None:
    days = flat_days(120, 5, TODAY)

    inject(days, 3, lambda _, d: d.update(sleep_hours=4.0, hrv_ms=22.0, resting_hr=75))
    assert fingerprints(days) == {"sleep_anomaly", "hrv_anomaly", "resting_hr_anomaly"}


def test_baseline_excluded_days_are_ignored() -> None:
    days = flat_days(120, 5, TODAY)
    inject(days, 3, lambda i, d: d.update(sleep_hours=3.0, is_baseline_excluded=True))
    assert fingerprints(days) == set()


def _workouts(days: list[dict[str, Any]], kg: float) -> list[Any]:
    snaps = [snapshot(d) for d in days]
    for n, snap in enumerate(snaps):
        if n % 3 == 0:
            snap.workout = WorkoutDay(
                workout_count=1,
                total_duration_minutes=60,
                total_volume_kg=kg * 30,
                exercises=[
                    WorkoutExercise(name="Bench Press (Barbell)", sets=3, total_reps=24, max_weight_kg=kg)
                ],
            )
    return snaps


def _steady_lifts(weeks: int, seed: int) -> list[dict[str, Any]]:
    """Generated workouts with every set at the same weight per exercise: no progress, no PR."""
    workouts = gen_workouts(weeks, seed, TODAY)
    for workout in workouts:
        for exercise in workout["exercises"]:
            for item in exercise["sets"]:
                item["reps"] = 8
                if item["weight_kg"] is not None:
                    item["weight_kg"] = 60.0 if item["type"] == "normal" else 30.0
    return workouts


def _exercise_store(workouts: list[dict[str, Any]]) -> ExerciseStore:
    parsed = [Workout.model_validate(w) for w in workouts]
    return build_exercise_store(parsed, UTC, datetime.now(UTC))


def test_new_pr_only_when_a_lift_beats_its_history() -> None:
    days = [snapshot(d) for d in flat_days(90, 6, TODAY)]
    workouts = _steady_lifts(12, 6)
    assert detect(days, profile=PROFILE, today=TODAY, exercises=_exercise_store(workouts)) == []
    newest_bench = next(e for w in workouts for e in w["exercises"] if e["title"] == "Bench Press (Barbell)")
    newest_bench["sets"][-1]["weight_kg"] = 75.0
    found = detect(days, profile=PROFILE, today=TODAY, exercises=_exercise_store(workouts))
    assert len(found) == 1
    assert found[0].title == "New PR: Bench Press (Barbell)"
    assert found[0].fingerprint is not None
    assert found[0].fingerprint.startswith("pr:")
    assert "165 lbs x 8" in found[0].body


def test_training_stopped_is_a_volume_drop() -> None:
    snaps = _workouts(flat_days(90, 7, TODAY), 80)
    for snap in snaps[-14:]:
        snap.workout = WorkoutDay()
    found = detect(snaps, profile=PROFILE, today=TODAY)
    assert {i.fingerprint for i in found} == {"volume_trend:down"}
    assert found[0].title == "Training volume down 100%"
