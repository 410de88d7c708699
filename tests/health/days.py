"""Payload builders for the health tests: generated days (`airfit.demo`) and iOS-shaped days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from airfit import demo


def generated_days(n: int, *, seed: int = 1, end: date | None = None) -> list[dict[str, Any]]:
    """`n` realistic days ending at `end` (default today), as the iOS app syncs them, every date present."""
    return demo.days(n, seed, end, person=demo.Person(missing_rate=0))


def ios_day(day: date, **overrides: Any) -> dict[str, Any]:
    """One day exactly as the iOS app encodes it: Ints always present, nil optionals absent, 1.0 as 1."""
    payload: dict[str, Any] = {
        "date": day.isoformat(),
        "calories": 2100,
        "protein": 150,
        "carbs": 220,
        "fat": 70,
        "nutrition_entries": 4,
        "steps": 8000,
        "active_calories": 450,
        "weight_lbs": 182,
        "body_fat_pct": 18.5,
        "sleep_hours": 7.25,
        "resting_hr": 55,
        "hrv_ms": 48.5,
        "sleep_efficiency": 0.91,
        "sleep_deep_pct": 0.15,
        "sleep_core_pct": 0.55,
        "sleep_rem_pct": 0.22,
        "sleep_onset_minutes": 1390,
        "hrv_baseline_ms": 50,
        "hrv_deviation_pct": -3,
        "quality_score": 1,
        "quality_flags": [],
        "is_baseline_excluded": False,
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def ios_week(today: date) -> list[dict[str, Any]]:
    """What `InsightsSyncService.syncRecentDays(7)` sends: seven days, today first."""
    return [ios_day(today - timedelta(days=i), calories=2000 + i, weight_lbs=180 + i) for i in range(7)]
