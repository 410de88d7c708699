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
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from airfit.health.models import (
    DailySnapshot,
    HealthDay,
    NutritionDay,
    PhoneReadings,
    WebDay,
    WebEntry,
    WorkoutDay,
)

WEB_TAG = "web"
MAX_ENTRIES_PER_DAY = 100
MAX_MACRO = 20_000

Macro = Annotated[int, Field(ge=0, le=MAX_MACRO)]


class FoodEntryRequest(BaseModel):
    """Body of `POST /log/food`: a meal as parsed (and maybe corrected) by `/nutrition/parse`."""

    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(None, description="YYYY-MM-DD; today in the user's zone when omitted.")
    name: str = Field(min_length=1, max_length=200)
    calories: Macro
    protein: Macro = 0
    carbs: Macro = 0
    fat: Macro = 0


class BodyEntryRequest(BaseModel):
    """Body of `POST /log/body`: weight and/or body fat read by hand."""

    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(None, description="YYYY-MM-DD; today in the user's zone when omitted.")
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
