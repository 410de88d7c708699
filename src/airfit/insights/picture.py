"""The coach's long-run block: the same `longrun.Picture` the detectors turn into insights, described."""

from __future__ import annotations

import asyncio
from datetime import date

from airfit.health.models import CONTEXT_STORE, DailySnapshot
from airfit.insights import longrun
from airfit.profile.models import PROFILE
from airfit.storage import DocumentStore
from airfit.units import STORED, Units
from airfit.users.service import UserService


def describe_days(
    snapshots: list[DailySnapshot], *, today: date, target_weight: float | None, units: Units = STORED
) -> str:
    """The long-run block for these days ("" when nothing is clear and there is no target)."""
    return longrun.describe(
        longrun.picture(longrun.by_date(snapshots), today=today, target_weight=target_weight), units
    )


async def long_run_text(*, store: DocumentStore, users: UserService, user_id: str) -> str:
    """Clear trends, plateaus, goal progress and weekly patterns of the user, for the chat context."""
    today = await users.today(user_id)
    context = await store.read(user_id, CONTEXT_STORE)
    profile = await store.read(user_id, PROFILE)
    snapshots = list(context.snapshots.values())
    units = await users.units_of(user_id)
    # A few milliseconds of pure computation over up to a year of days: kept off the event loop.
    return await asyncio.to_thread(
        describe_days, snapshots, today=today, target_weight=profile.target_weight_lbs, units=units
    )
