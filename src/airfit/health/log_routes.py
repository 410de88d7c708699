"""Food and body readings logged in the web client: `GET /log`, `POST /log/food`, `POST /log/body`,
`DELETE /log/{date}/{entry_id}`, the meals to log again (`/log/meals`) and how far a user has come
(`GET /log/overview`). How entries combine with the phone's totals: `airfit.health.logbook`.

Dates are the user's: "today" is today in their zone, and a date before 1900 or after tomorrow (one day of
slack: the browser's clock and the user's zone may disagree around midnight) is a 422 naming the field.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from fastapi.exceptions import RequestValidationError

from airfit.health.logbook import (
    BodyEntryRequest,
    DayLog,
    FoodEntryRequest,
    LoggedEntry,
    LogOverview,
    MealRequest,
    MealsView,
)
from airfit.health.models import LogDay, WebEntry
from airfit.health.routes import HealthDep
from airfit.health.service import HealthService
from airfit.users.identity import CallerDep

router = APIRouter(tags=["web log"])


def _refused(where: tuple[str, ...], message: str) -> RequestValidationError:
    """A validation error (the app's one 422), so the client names the field whatever refused it."""
    return RequestValidationError([{"type": "value_error", "loc": list(where), "msg": message}])


async def _date(health: HealthService, user_id: str, value: str | None, where: tuple[str, ...]) -> str:
    today = await health.today(user_id)
    if value is None:
        return today.isoformat()
    latest = today + timedelta(days=1)
    if date.fromisoformat(value) > latest:
        raise _refused(where, f"must not be after {latest.isoformat()} (tomorrow in your time zone)")
    return value


async def _add(health: HealthService, user_id: str, day: str, entry: WebEntry) -> LoggedEntry:
    try:
        return await health.add_log_entry(user_id=user_id, day=day, entry=entry)
    except ValueError as exc:  # a full day, or an idempotency key stored with another entry
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc


@router.get("/log", response_model=DayLog)
async def read_log(
    caller: CallerDep,
    health: HealthDep,
    day: Annotated[LogDay | None, Query(alias="date", description="YYYY-MM-DD; default today")] = None,
) -> DayLog:
    """A date's web entries, the phone's own readings and the combined totals."""
    when = await _date(health, caller.user_id, day, ("query", "date"))
    return await health.day_log(user_id=caller.user_id, day=when)


@router.post("/log/food", response_model=LoggedEntry)
async def log_food(body: FoodEntryRequest, caller: CallerDep, health: HealthDep) -> LoggedEntry:
    """Add a meal to a date (today by default); it adds to the phone's totals of that date."""
    day = await _date(health, caller.user_id, body.date, ("body", "date"))
    entry = WebEntry(
        kind="food",
        name=body.name,
        calories=body.calories,
        protein=body.protein,
        carbs=body.carbs,
        fat=body.fat,
        key=body.idempotency_key,
    )
    return await _add(health, caller.user_id, day, entry)


@router.post("/log/body", response_model=LoggedEntry)
async def log_body(body: BodyEntryRequest, caller: CallerDep, health: HealthDep) -> LoggedEntry:
    """Record weight and/or body fat for a date; it wins over the phone's reading of that date."""
    day = await _date(health, caller.user_id, body.date, ("body", "date"))
    entry = WebEntry(
        kind="body", weight_lbs=body.weight_lbs, body_fat_pct=body.body_fat_pct, key=body.idempotency_key
    )
    return await _add(health, caller.user_id, day, entry)


@router.delete("/log/{day}/{entry_id}", response_model=DayLog)
async def delete_log_entry(
    day: Annotated[LogDay, Path()], entry_id: str, caller: CallerDep, health: HealthDep
) -> DayLog:
    """Remove one of the caller's web entries; the phone's readings of that date count again."""
    when = await _date(health, caller.user_id, day, ("path", "day"))
    try:
        return await health.remove_log_entry(user_id=caller.user_id, day=when, entry_id=entry_id)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such entry") from None


@router.get("/log/meals", response_model=MealsView)
async def read_meals(caller: CallerDep, health: HealthDep) -> MealsView:
    """The caller's recent meals (from the log) and favourite meals, to log again with one tap."""
    return await health.meals(user_id=caller.user_id)


@router.post("/log/meals/favourites", response_model=MealsView)
async def add_favourite(body: MealRequest, caller: CallerDep, health: HealthDep) -> MealsView:
    """Keep a meal among the caller's favourites (the same meal twice is kept once)."""
    try:
        return await health.add_favourite(user_id=caller.user_id, meal=body.meal())
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc


@router.delete("/log/meals/favourites/{meal_id}", response_model=MealsView)
async def remove_favourite(meal_id: str, caller: CallerDep, health: HealthDep) -> MealsView:
    """Forget one of the caller's favourite meals."""
    try:
        return await health.remove_favourite(user_id=caller.user_id, meal_id=meal_id)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such favourite") from None


@router.get("/log/overview", response_model=LogOverview)
async def read_overview(caller: CallerDep, health: HealthDep) -> LogOverview:
    """How far the caller has come: the phone's last sync, how much data, whether a meal was logged."""
    return await health.overview(user_id=caller.user_id)
