"""Food and body readings logged in the web client: `GET /log`, `POST /log/food`, `POST /log/body`,
`DELETE /log/{date}/{entry_id}`. How they combine with the phone's totals: `airfit.health.logbook`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from airfit.deps import CallerDep, StateDep
from airfit.health import logbook
from airfit.health.logbook import BodyEntryRequest, DayLog, FoodEntryRequest
from airfit.health.models import CONTEXT_STORE, DailySnapshot, WebEntry, check_day
from airfit.health.windows import local_today
from airfit.state import AppState

router = APIRouter(tags=["web log"])


async def _date(state: AppState, user_id: str, value: str | None) -> str:
    today = local_today(await state.users.timezone_of(user_id))
    if value is None:
        return today.isoformat()
    try:
        day = date.fromisoformat(check_day(value))
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    # One day of slack: the browser's clock and the user's zone may disagree around midnight.
    if day > today + timedelta(days=1):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="that date is in the future")
    return day.isoformat()


async def _add(state: AppState, user_id: str, day: str, entry: WebEntry) -> DayLog:
    async with state.store.transaction(user_id, CONTEXT_STORE) as context:
        snapshot = context.snapshots.get(day)
        if snapshot is None:
            snapshot = context.snapshots[day] = DailySnapshot(date=day)
            context.snapshots = dict(sorted(context.snapshots.items()))
        try:
            logbook.add_entry(snapshot, entry)
        except ValueError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
        return logbook.day_log(day, snapshot)


@router.get("/log", response_model=DayLog)
async def read_log(
    caller: CallerDep,
    state: StateDep,
    day: Annotated[str | None, Query(alias="date", description="YYYY-MM-DD; default today")] = None,
) -> DayLog:
    """A date's web entries, the phone's own readings and the combined totals."""
    when = await _date(state, caller.user_id, day)
    context = await state.store.read(caller.user_id, CONTEXT_STORE)
    return logbook.day_log(when, context.snapshots.get(when))


@router.post("/log/food", response_model=DayLog)
async def log_food(body: FoodEntryRequest, caller: CallerDep, state: StateDep) -> DayLog:
    """Add a meal to a date (today by default); it adds to the phone's totals of that date."""
    day = await _date(state, caller.user_id, body.date)
    entry = WebEntry(
        kind="food",
        name=body.name,
        calories=body.calories,
        protein=body.protein,
        carbs=body.carbs,
        fat=body.fat,
    )
    return await _add(state, caller.user_id, day, entry)


@router.post("/log/body", response_model=DayLog)
async def log_body(body: BodyEntryRequest, caller: CallerDep, state: StateDep) -> DayLog:
    """Record weight and/or body fat for a date; it wins over the phone's reading of that date."""
    day = await _date(state, caller.user_id, body.date)
    entry = WebEntry(kind="body", weight_lbs=body.weight_lbs, body_fat_pct=body.body_fat_pct)
    return await _add(state, caller.user_id, day, entry)


@router.delete("/log/{day}/{entry_id}", response_model=DayLog)
async def delete_log_entry(day: str, entry_id: str, caller: CallerDep, state: StateDep) -> DayLog:
    """Remove one of the caller's web entries; the phone's readings of that date count again."""
    when = await _date(state, caller.user_id, day)
    async with state.store.transaction(caller.user_id, CONTEXT_STORE) as context:
        snapshot = context.snapshots.get(when)
        if snapshot is None or not logbook.remove_entry(snapshot, entry_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such entry")
        return logbook.day_log(when, snapshot)
