"""Test data: generated days (and a flat variant) and workouts, stored through the real document store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from airfit import demo
from airfit.health.models import CONTEXT_STORE, ContextStore, DailySnapshot, HealthDay, NutritionDay
from airfit.profile.models import PROFILE, UserProfile
from airfit.storage import DocumentStore
from airfit.training.models import EXERCISE_STORE, WORKOUTS, Workout, WorkoutsDoc
from airfit.training.strength import build_exercise_store, workout_days

HEALTH_KEYS = set(HealthDay.model_fields)


def gen_days(n: int, seed: int, end: date) -> list[dict[str, Any]]:
    """`n` generated days ending at `end` (the iOS sync payload shape)."""
    return demo.days(n, seed, end)


def flat_days(n: int, seed: int, end: date) -> list[dict[str, Any]]:
    """Generated days with no trend and no weekly rhythm: realistic noise, gaps and zero days only."""
    return demo.days(n, seed, end, person=demo.FLAT)


def complete_days(n: int, seed: int, end: date) -> list[dict[str, Any]]:
    """Flat days with every date present and food logged on each (for tests that count days)."""
    return demo.days(n, seed, end, person=replace(demo.FLAT, missing_rate=0, log_rate=1))


def inject(days: list[dict[str, Any]], last: int, change: Callable[[int, dict[str, Any]], None]) -> None:
    """Apply `change(i, day)` to the last `last` days (i = 0 for the oldest of them)."""
    for i, day in enumerate(days[-last:]):
        change(i, day)


def snapshot(day: dict[str, Any]) -> DailySnapshot:
    """A sync-payload day as a stored snapshot."""
    nutrition = NutritionDay(
        calories=day["calories"],
        protein=day["protein"],
        carbs=day["carbs"],
        fat=day["fat"],
        entry_count=day.get("nutrition_entries", 0),
    )
    health = HealthDay(**{k: v for k, v in day.items() if k in HEALTH_KEYS})
    return DailySnapshot(date=day["date"], nutrition=nutrition, health=health)


def store_days(data_dir: Path, user: str, snapshots: list[DailySnapshot]) -> None:
    """Write a user's context store through the document store (as the sync endpoint would)."""
    context = ContextStore(snapshots={s.date: s for s in snapshots})
    asyncio.run(DocumentStore(data_dir).replace(user, CONTEXT_STORE, context))


def store_profile(data_dir: Path, user: str, profile: UserProfile) -> None:
    """Write a user's profile."""
    asyncio.run(DocumentStore(data_dir).replace(user, PROFILE, profile))


def days_before(end: date, n: int) -> date:
    """The date `n` days before `end`."""
    return end - timedelta(days=n)


def gen_workouts(weeks: int, seed: int, end: date) -> list[dict[str, Any]]:
    """`weeks` of generated Hevy workouts ending at `end` (newest first, Hevy's shape)."""
    return demo.workouts(weeks, seed, end)


def store_workouts(
    data_dir: Path, user: str, raw: list[dict[str, Any]], snapshots: list[DailySnapshot]
) -> None:
    """Store Hevy workouts as the training sync does: the workouts, the exercise store, the daily blocks."""
    workouts = [Workout.model_validate(w) for w in raw]
    days = workout_days(workouts, UTC)
    for snap in snapshots:
        if snap.date in days:
            snap.workout = days[snap.date]
    store = DocumentStore(data_dir)

    async def write() -> None:
        await store.replace(user, WORKOUTS, WorkoutsDoc(workouts={w.id: w for w in workouts}))
        await store.replace(user, EXERCISE_STORE, build_exercise_store(workouts, UTC, datetime.now(UTC)))
        await store.replace(user, CONTEXT_STORE, ContextStore(snapshots={s.date: s for s in snapshots}))

    asyncio.run(write())
