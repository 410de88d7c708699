"""Food and body readings logged in the web client: `GET /log`, `POST /log/food`, `POST /log/body`,
`DELETE /log/{date}/{entry_id}`. How they combine with the phone's totals: `airfit.health.logbook`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from airfit.health.logbook import BodyEntryRequest, DayLog, FoodEntryRequest
from airfit.health.models import WebEntry, check_day
from airfit.health.routes import HealthDep
from airfit.health.service import HealthService
from airfit.users.identity import CallerDep

router = APIRouter(tags=["web log"])


async def _date(health: HealthService, user_id: str, value: str | None) -> str:
    today = await health.today(user_id)
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


async def _add(health: HealthService, user_id: str, day: str, entry: WebEntry) -> DayLog:
    try:
        return await health.add_log_entry(user_id=user_id, day=day, entry=entry)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc


@router.get("/log", response_model=DayLog)
async def read_log(
    caller: CallerDep,
    health: HealthDep,
    day: Annotated[str | None, Query(alias="date", description="YYYY-MM-DD; default today")] = None,
) -> DayLog:
    """A date's web entries, the phone's own readings and the combined totals."""
    when = await _date(health, caller.user_id, day)
    return await health.day_log(user_id=caller.user_id, day=when)


@router.post("/log/food", response_model=DayLog)
async def log_food(body: FoodEntryRequest, caller: CallerDep, health: HealthDep) -> DayLog:
    """Add a meal to a date (today by default); it adds to the phone's totals of that date."""
    day = await _date(health, caller.user_id, body.date)
    entry = WebEntry(
        kind="food",
        name=body.name,
        calories=body.calories,
        protein=body.protein,
        carbs=body.carbs,
        fat=body.fat,
    )
    return await _add(health, caller.user_id, day, entry)


@router.post("/log/body", response_model=DayLog)
async def log_body(body: BodyEntryRequest, caller: CallerDep, health: HealthDep) -> DayLog:
    """Record weight and/or body fat for a date; it wins over the phone's reading of that date."""
    day = await _date(health, caller.user_id, body.date)
    entry = WebEntry(kind="body", weight_lbs=body.weight_lbs, body_fat_pct=body.body_fat_pct)
    return await _add(health, caller.user_id, day, entry)


@router.delete("/log/{day}/{entry_id}", response_model=DayLog)
async def delete_log_entry(day: str, entry_id: str, caller: CallerDep, health: HealthDep) -> DayLog:
    """Remove one of the caller's web entries; the phone's readings of that date count again."""
    when = await _date(health, caller.user_id, day)
    try:
        return await health.remove_log_entry(user_id=caller.user_id, day=when, entry_id=entry_id)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such entry") from None
