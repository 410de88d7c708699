"""Food and body readings logged in the web client, and how they combine with the phone's daily totals.

A browser is not a durable device, so its entries are stored on the server, inside the day's snapshot
(`DailySnapshot.web`), next to what the phone last sent for that date (`web.phone`). Every reader of the
snapshot (summaries, insights, the coach and its tools) sees the combined day in `nutrition` and `health`:

- Food: a meal is logged in one place, either on the phone (in its daily totals) or in the browser (one
  entry). The day's nutrition is the phone's totals plus the web entries, field by field, so nothing is
  counted twice.
- Weight and body fat are readings, not amounts: the newest web reading of a date wins over the phone's for
  that date; the phone's reading is kept and counts again once the web entry is deleted.
- A phone sync changes only `web.phone` (by the same rule as before, `health.merge`), and a web entry only
  the list of entries, so a later phone sync never erases a web entry, nor a web entry a phone value; the
  combined day is recomputed after either.

A date without web entries has no `web` block and is exactly what the phone sent.

A browser that could not reach the server keeps its entries and sends them later, perhaps more than once
(the answer may have been lost on the way back). Each carries an idempotency key, stored with the entry: a
request whose key is already stored answers with that entry and adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from airfit.health.models import (
    DailySnapshot,
    HealthDay,
    LogDay,
    Meal,
    NutritionDay,
    PhoneReadings,
    WebDay,
    WebEntry,
    WorkoutDay,
)

WEB_TAG = "web"
MAX_ENTRIES_PER_DAY = 100
MAX_MACRO = 20_000

MAX_FAVOURITES = 100
RECENT_MEALS = 10
RECENT_LOOKBACK_DAYS = 90

Macro = Annotated[int, Field(ge=0, le=MAX_MACRO)]
IdempotencyKey = Annotated[
    str,
    Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Chosen by the client, unique per entry: a request sent again with it adds nothing.",
    ),
]
Day = Annotated[
    LogDay | None,
    Field(description="YYYY-MM-DD from 1900 to tomorrow; today in the user's zone when omitted."),
]


class MealRequest(BaseModel):
    """A meal typed by hand or as estimated by `/nutrition/parse`: energy in kcal, macros in grams."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    calories: Macro
    protein: Macro = 0
    carbs: Macro = 0
    fat: Macro = 0

    def meal(self) -> Meal:
        """The meal as kept in the favourites."""
        return Meal(**self.model_dump())


class FoodEntryRequest(MealRequest):
    """Body of `POST /log/food`."""

    date: Day = None
    idempotency_key: IdempotencyKey | None = None


class BodyEntryRequest(BaseModel):
    """Body of `POST /log/body`: weight and/or body fat read by hand."""

    model_config = ConfigDict(extra="forbid")

    date: Day = None
    idempotency_key: IdempotencyKey | None = None
    weight_lbs: float | None = Field(None, gt=40, lt=1000, allow_inf_nan=False)
    body_fat_pct: float | None = Field(None, gt=1, lt=75, allow_inf_nan=False)

    @model_validator(mode="after")
    def _something(self) -> BodyEntryRequest:
        if self.weight_lbs is None and self.body_fat_pct is None:
            raise ValueError("send weight_lbs, body_fat_pct or both")
        return self


class DayLog(BaseModel):
    """`GET /log`: a date's web entries, what the phone sent, and the combined totals everyone sees."""

    date: str
    entries: list[WebEntry]
    phone: PhoneReadings
    nutrition: NutritionDay
    weight_lbs: float | None
    body_fat_pct: float | None
    health: HealthDay = Field(description="The whole day's activity, sleep and recovery, as combined.")
    workout: WorkoutDay


class LoggedEntry(DayLog):
    """The answer to `POST /log/food` and `POST /log/body`: the entry's date, and the entry itself."""

    entry: WebEntry
    replayed: bool = Field(description="True when the idempotency key was already stored: nothing was added.")


class MealsView(BaseModel):
    """`GET /log/meals`: meals to log again with one tap."""

    recent: list[Meal] = Field(description="The latest distinct meals logged in the browser, newest first.")
    favourites: list[Meal]


class LogOverview(BaseModel):
    """`GET /log/overview`: how far a user has come (what the first-run checklist shows)."""

    phone_synced_at: datetime | None = Field(description="The iPhone app's latest daily sync, if any.")
    first_date: str | None = Field(description="The earliest date holding any data.")
    days: int = Field(description="Dates holding any data.")
    meals_logged: bool = Field(description="Whether any meal was logged, on the phone or in the browser.")


def phone_readings(snapshot: DailySnapshot) -> PhoneReadings:
    """The phone's readings of a date: kept aside when there are web entries, else the snapshot itself."""
    if snapshot.web is not None:
        return snapshot.web.phone
    return _as_shown(snapshot)


def _as_shown(snapshot: DailySnapshot) -> PhoneReadings:
    return PhoneReadings(
        nutrition=snapshot.nutrition.model_copy(),
        weight_lbs=snapshot.health.weight_lbs,
        body_fat_pct=snapshot.health.body_fat_pct,
    )


def show_phone(snapshot: DailySnapshot) -> None:
    """Put the phone's own readings back in place, so a phone sync merges onto them (not onto the sums)."""
    if snapshot.web is None:
        return
    phone = snapshot.web.phone
    snapshot.nutrition = phone.nutrition.model_copy()
    snapshot.health.weight_lbs = phone.weight_lbs
    snapshot.health.body_fat_pct = phone.body_fat_pct


def combine(snapshot: DailySnapshot) -> None:
    """Keep the phone's readings (as they are now in the snapshot) aside and show the combined day."""
    if snapshot.web is None:
        return
    phone = _as_shown(snapshot)
    entries = snapshot.web.entries
    if not entries:
        snapshot.web = None
        return
    snapshot.web.phone = phone
    total = phone.nutrition.model_copy()
    for entry in entries:
        if entry.kind == "food":
            total.calories += entry.calories
            total.protein += entry.protein
            total.carbs += entry.carbs
            total.fat += entry.fat
            total.entry_count += 1
    snapshot.nutrition = total
    body = sorted((e for e in entries if e.kind == "body"), key=lambda e: e.at)
    weights = [e.weight_lbs for e in body if e.weight_lbs is not None]
    fats = [e.body_fat_pct for e in body if e.body_fat_pct is not None]
    snapshot.health.weight_lbs = weights[-1] if weights else phone.weight_lbs
    snapshot.health.body_fat_pct = fats[-1] if fats else phone.body_fat_pct
    if WEB_TAG not in snapshot.sources_synced:
        snapshot.sources_synced.append(WEB_TAG)


def add_entry(snapshot: DailySnapshot, entry: WebEntry) -> None:
    """Add a web entry to its date and recompute the combined day."""
    if snapshot.web is None:
        snapshot.web = WebDay(phone=phone_readings(snapshot))
    if len(snapshot.web.entries) >= MAX_ENTRIES_PER_DAY:
        raise ValueError(f"at most {MAX_ENTRIES_PER_DAY} web entries per day")
    show_phone(snapshot)
    snapshot.web.entries.append(entry)
    combine(snapshot)


def remove_entry(snapshot: DailySnapshot, entry_id: str) -> bool:
    """Remove a web entry (False if the date has none by that id); the phone's readings show again."""
    if snapshot.web is None or not any(e.id == entry_id for e in snapshot.web.entries):
        return False
    show_phone(snapshot)
    snapshot.web.entries = [e for e in snapshot.web.entries if e.id != entry_id]
    combine(snapshot)
    if snapshot.web is None and WEB_TAG in snapshot.sources_synced:
        snapshot.sources_synced.remove(WEB_TAG)
    return True


def find_key(snapshots: Iterable[DailySnapshot], key: str) -> tuple[str, WebEntry] | None:
    """The date and entry stored with an idempotency key, if any."""
    for snapshot in snapshots:
        if snapshot.web is None:
            continue
        for entry in snapshot.web.entries:
            if entry.key == key:
                return snapshot.date, entry
    return None


def recent_meals(snapshots: Iterable[DailySnapshot], limit: int = RECENT_MEALS) -> list[Meal]:
    """The latest distinct meals logged in the browser, newest first (`snapshots` newest first)."""
    found: list[Meal] = []
    for snapshot in snapshots:
        entries = snapshot.web.entries if snapshot.web else []
        for entry in sorted(entries, key=lambda e: e.at, reverse=True):
            if entry.kind != "food" or not entry.name:
                continue
            meal = Meal(
                id=entry.id,
                name=entry.name,
                calories=entry.calories,
                protein=entry.protein,
                carbs=entry.carbs,
                fat=entry.fat,
            )
            if not any(meal.same_food(seen) for seen in found):
                found.append(meal)
                if len(found) == limit:
                    return found
    return found


def has_data(snapshot: DailySnapshot) -> bool:
    """Whether a date holds anything a person logged or a device measured."""
    health = snapshot.health
    return bool(
        snapshot.nutrition.calories
        or snapshot.web
        or snapshot.workout.workout_count
        or health.steps
        or health.weight_lbs
        or health.sleep_hours
    )


def day_log(date: str, snapshot: DailySnapshot | None) -> DayLog:
    """The `GET /log` view of one date."""
    if snapshot is None:
        return DayLog(
            date=date,
            entries=[],
            phone=PhoneReadings(),
            nutrition=NutritionDay(),
            weight_lbs=None,
            body_fat_pct=None,
            health=HealthDay(),
            workout=WorkoutDay(),
        )
    return DayLog(
        date=date,
        entries=list(snapshot.web.entries) if snapshot.web else [],
        phone=phone_readings(snapshot),
        nutrition=snapshot.nutrition,
        weight_lbs=snapshot.health.weight_lbs,
        body_fat_pct=snapshot.health.body_fat_pct,
        health=snapshot.health,
        workout=snapshot.workout,
    )
