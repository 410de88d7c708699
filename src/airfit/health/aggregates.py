"""Pure computations over a window of snapshots: the context summary, body metrics and the day list."""

from __future__ import annotations

from datetime import date
from statistics import fmean

from airfit.health.models import (
    BodyMetricsResponse,
    BodyTrends,
    ContextSummary,
    CurrentBody,
    DailyHealthPoint,
    DailyNutritionPoint,
    DailySnapshot,
    MetricPoint,
    SnapshotHealth,
    SnapshotNutrition,
    SnapshotsResponse,
    SnapshotSummary,
    SnapshotWorkout,
)
from airfit.health.windows import last_days

TREND_DAYS = 30
# A day counts as on target within these bounds of the target.
PROTEIN_HIT_RATIO = 0.9
CALORIE_HIT_BAND = (0.9, 1.1)


def _mean_or_none(values: list[float], digits: int) -> float | None:
    return round(fmean(values), digits) if values else None


def _nutrition_averages(tracked: list[DailySnapshot]) -> dict[str, int]:
    n = len(tracked)
    totals = {
        name: sum(getattr(s.nutrition, name) for s in tracked)
        for name in ("calories", "protein", "carbs", "fat")
    }
    return {f"avg_{name}": round(total / n) if n else 0 for name, total in totals.items()}


def _compliance(
    tracked: list[DailySnapshot], *, protein_target: float, calorie_target: float
) -> dict[str, float | None]:
    if not tracked:
        return {"protein_compliance": None, "calorie_compliance": None}
    low, high = CALORIE_HIT_BAND
    protein_hits = sum(1 for s in tracked if s.nutrition.protein >= PROTEIN_HIT_RATIO * protein_target)
    calorie_hits = sum(
        1 for s in tracked if low * calorie_target <= s.nutrition.calories <= high * calorie_target
    )
    return {
        "protein_compliance": round(protein_hits / len(tracked), 2),
        "calorie_compliance": round(calorie_hits / len(tracked), 2),
    }


def context_summary(
    snapshots: list[DailySnapshot], *, protein_target: float, calorie_target: float
) -> ContextSummary:
    """Averages, compliance and daily series of a window (snapshots oldest first)."""
    tracked = [s for s in snapshots if s.nutrition.calories > 0]
    weights = [s.health.weight_lbs for s in snapshots if s.health.weight_lbs]
    sleeps = [s.health.sleep_hours for s in snapshots if s.health.sleep_hours]
    steps = [s.health.steps for s in snapshots if s.health.steps > 0]
    workouts = sum(s.workout.workout_count for s in snapshots)
    volume = sum(s.workout.total_volume_kg for s in snapshots)
    return ContextSummary(
        period_days=len(snapshots),
        nutrition_days=len(tracked),
        **_nutrition_averages(tracked),
        avg_weight=_mean_or_none(weights, 1),
        weight_change=round(weights[-1] - weights[0], 1) if len(weights) >= 2 else None,
        avg_sleep=_mean_or_none(sleeps, 1),
        avg_steps=round(fmean(steps)) if steps else 0,
        total_workouts=workouts,
        avg_volume_per_workout=round(volume / workouts, 1) if workouts else 0.0,
        **_compliance(tracked, protein_target=protein_target, calorie_target=calorie_target),
        daily_nutrition=[
            DailyNutritionPoint(
                date=s.date,
                calories=s.nutrition.calories,
                protein=s.nutrition.protein,
                carbs=s.nutrition.carbs,
                fat=s.nutrition.fat,
            )
            for s in snapshots
        ]
        or None,
        daily_health=[
            DailyHealthPoint(
                date=s.date,
                sleep_hours=s.health.sleep_hours,
                weight_lbs=s.health.weight_lbs,
                steps=s.health.steps,
                active_calories=s.health.active_calories,
            )
            for s in snapshots
        ]
        or None,
    )


def _change(points: list[MetricPoint], since: str) -> float | None:
    recent = [p for p in points if p.date >= since]
    return round(recent[-1].value - recent[0].value, 2) if len(recent) >= 2 else None


def body_metrics(snapshots: list[DailySnapshot], *, today: date) -> BodyMetricsResponse:
    """Weight, body-fat and lean-mass histories (oldest first) with their 30-day change.

    Only days with a weight count; lean mass comes from weight and body fat of the same day.
    """
    weight: list[MetricPoint] = []
    body_fat: list[MetricPoint] = []
    lean: list[MetricPoint] = []
    for s in snapshots:
        w = s.health.weight_lbs
        if not w:
            continue
        weight.append(MetricPoint(date=s.date, value=w))
        bf = s.health.body_fat_pct
        if bf:
            body_fat.append(MetricPoint(date=s.date, value=bf))
            lean.append(MetricPoint(date=s.date, value=round(w - w * bf / 100, 1)))
        elif s.health.lean_mass_lbs:
            lean.append(MetricPoint(date=s.date, value=s.health.lean_mass_lbs))
    since = last_days(TREND_DAYS, today=today).start.isoformat()
    return BodyMetricsResponse(
        current=CurrentBody(
            weight_lbs=weight[-1].value if weight else None,
            body_fat_pct=body_fat[-1].value if body_fat else None,
            lean_mass_lbs=lean[-1].value if lean else None,
        ),
        weight_history=weight,
        body_fat_history=body_fat,
        lean_mass_history=lean,
        trends=BodyTrends(
            weight_change_30d=_change(weight, since),
            body_fat_change_30d=_change(body_fat, since),
            lean_mass_change_30d=_change(lean, since),
        ),
    )


def snapshot_list(snapshots: list[DailySnapshot]) -> SnapshotsResponse:
    """The abridged day list of `GET /insights/snapshots`."""
    return SnapshotsResponse(
        count=len(snapshots),
        snapshots=[
            SnapshotSummary(
                date=s.date,
                nutrition=SnapshotNutrition(
                    calories=s.nutrition.calories,
                    protein=s.nutrition.protein,
                    carbs=s.nutrition.carbs,
                    fat=s.nutrition.fat,
                ),
                health=SnapshotHealth(
                    steps=s.health.steps, weight_lbs=s.health.weight_lbs, sleep_hours=s.health.sleep_hours
                ),
                workout=SnapshotWorkout(count=s.workout.workout_count, volume_kg=s.workout.total_volume_kg),
                sources_synced=list(s.sources_synced),
            )
            for s in snapshots
        ],
    )
