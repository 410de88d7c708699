"""History from another app (an Apple Health export, a CSV) folded into the daily snapshots: gaps only.

The phone's daily sync and the web log are what the user sees day to day; imported history must never
replace what either stored for a date. So, per date and per field group:

- a group with nothing stored is **filled** from the import;
- a group with a stored value is **kept** (when the import says something else) or left as it is (**same**,
  when the import agrees, so a second import of the same file changes nothing).

"Stored" is judged on the day as everyone sees it (`health.logbook`): a weight typed in the browser counts,
and so do web meals for nutrition. Filled values go where a phone sync would have put them (the phone's part
of the day, `web.phone` on a date with web entries) and the combined day is recomputed, so summaries,
insights, the coach and the charts read imported values exactly like synced ones. A later phone sync
overwrites an imported value like any stored one (`health.merge`): the phone stays the authority for the
days it knows.

Groups: the sleep figures of a night are one group (keyed on `sleep_hours`), so one night is never a mix of
two sources; nutrition totals are one group; the workout count and minutes are one group, filled only on a
date without any workout (Hevy's, written by the training sync, always wins).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from airfit.health.logbook import combine, show_phone
from airfit.health.models import ContextStore, DailySnapshot, NutritionDay, WorkoutDay

Outcome = Literal["filled", "kept", "same"]

SLEEP_FIELDS = (
    "sleep_hours",
    "sleep_efficiency",
    "sleep_deep_pct",
    "sleep_core_pct",
    "sleep_rem_pct",
    "sleep_onset_minutes",
)
READING_FIELDS = ("weight_lbs", "body_fat_pct", "lean_mass_lbs", "resting_hr", "hrv_ms", "vo2_max")
COUNTER_FIELDS = ("steps", "active_calories")
GROUPS = (*COUNTER_FIELDS, *READING_FIELDS, "sleep", "nutrition", "workouts")
"""The field groups an import fills, in the order reports list them."""


class ImportedWorkouts(BaseModel):
    """A day's workouts as another app recorded them: how many, and their minutes."""

    count: int = Field(ge=1)
    minutes: int = Field(ge=0)


class ImportedDay(BaseModel):
    """One date as computed from imported history; None means the history has no reading for it."""

    date: str
    steps: int | None = None
    active_calories: int | None = None
    weight_lbs: float | None = None
    body_fat_pct: float | None = None
    lean_mass_lbs: float | None = None
    resting_hr: int | None = None
    hrv_ms: float | None = None
    vo2_max: float | None = None
    sleep_hours: float | None = None
    sleep_efficiency: float | None = None
    sleep_deep_pct: float | None = None
    sleep_core_pct: float | None = None
    sleep_rem_pct: float | None = None
    sleep_onset_minutes: int | None = None
    nutrition: NutritionDay | None = None
    workouts: ImportedWorkouts | None = None

    def groups(self) -> list[str]:
        """The field groups this day has a value for."""
        present = [name for name in (*COUNTER_FIELDS, *READING_FIELDS) if getattr(self, name)]
        if self.sleep_hours:
            present.append("sleep")
        if self.nutrition is not None and _has_nutrition(self.nutrition):
            present.append("nutrition")
        if self.workouts is not None:
            present.append("workouts")
        return present


class GroupCounts(BaseModel):
    """How many dates one field group was filled, kept (a stored value differs) or already the same on."""

    filled: int = 0
    kept: int = 0
    same: int = 0


class DayOutcome(BaseModel):
    """What an import did to one date."""

    date: str
    new: bool = Field(description="The date had no stored day before.")
    filled: list[str] = Field(default_factory=list)
    kept: list[str] = Field(default_factory=list)


class FillReport(BaseModel):
    """What filling gaps did (or, in a dry run, would do), per date and per field group."""

    dry_run: bool
    days_added: int = Field(0, description="Dates that had no stored day and now have one.")
    days_filled: int = Field(0, description="Stored dates that gained at least one field group.")
    days_kept: int = Field(0, description="Stored dates where everything imported was already there.")
    groups: dict[str, GroupCounts] = Field(default_factory=dict)
    days: list[DayOutcome] = Field(default_factory=list)


def _has_nutrition(nutrition: NutritionDay) -> bool:
    return any((nutrition.calories, nutrition.protein, nutrition.carbs, nutrition.fat))


def _stored(snapshot: DailySnapshot, group: str) -> object:
    """The value of a group as the day shows it (None, 0 or empty: nothing stored)."""
    health = snapshot.health
    if group in (*COUNTER_FIELDS, *READING_FIELDS):
        return getattr(health, group)
    if group == "sleep":
        return health.sleep_hours
    if group == "nutrition":
        # The combined totals: web meals count as stored nutrition.
        return snapshot.nutrition if _has_nutrition(snapshot.nutrition) else None
    return snapshot.workout if snapshot.workout.workout_count else None


def _same(snapshot: DailySnapshot, day: ImportedDay, group: str) -> bool:
    health = snapshot.health
    if group in (*COUNTER_FIELDS, *READING_FIELDS):
        return bool(getattr(health, group) == getattr(day, group))
    if group == "sleep":
        return all(getattr(health, name) == getattr(day, name) for name in SLEEP_FIELDS)
    if group == "nutrition":
        return day.nutrition is not None and snapshot.nutrition == day.nutrition
    workout = snapshot.workout
    return (
        day.workouts is not None
        and workout.workout_count == day.workouts.count
        and workout.total_duration_minutes == day.workouts.minutes
    )


def _fill(snapshot: DailySnapshot, day: ImportedDay, group: str) -> None:
    health = snapshot.health
    if group in (*COUNTER_FIELDS, *READING_FIELDS):
        setattr(health, group, getattr(day, group))
    elif group == "sleep":
        for name in SLEEP_FIELDS:
            setattr(health, name, getattr(day, name))
    elif group == "nutrition" and day.nutrition is not None:
        snapshot.nutrition = day.nutrition.model_copy()
    elif group == "workouts" and day.workouts is not None:
        snapshot.workout = WorkoutDay(
            workout_count=day.workouts.count, total_duration_minutes=day.workouts.minutes
        )


def fill_day(snapshot: DailySnapshot, day: ImportedDay, *, tag: str, now: datetime) -> DayOutcome:
    """Fill the groups `snapshot` lacks from `day`, in place (see the module docstring for the rule)."""
    outcome = DayOutcome(date=day.date, new=False)
    wanted: list[str] = []
    for group in day.groups():
        stored = _stored(snapshot, group)
        if stored is None or stored == 0:
            wanted.append(group)
        elif _same(snapshot, day, group):
            continue
        else:
            outcome.kept.append(group)
    if not wanted:
        return outcome
    # Filled values are the phone's kind of value: they go into the phone's part, then the day is recombined.
    show_phone(snapshot)
    for group in wanted:
        _fill(snapshot, day, group)
        outcome.filled.append(group)
    combine(snapshot)
    if tag not in snapshot.sources_synced:
        snapshot.sources_synced.append(tag)
    snapshot.last_updated = now
    return outcome


def fill_gaps(
    context: ContextStore,
    days: Iterable[ImportedDay],
    *,
    tag: str,
    now: datetime,
    dry_run: bool,
) -> FillReport:
    """Fill every date's gaps in `context` (changed in place) and report what was filled or kept."""
    report = FillReport(dry_run=dry_run, groups={group: GroupCounts() for group in GROUPS})
    added = False
    for day in days:
        if not day.groups():
            continue
        snapshot = context.snapshots.get(day.date)
        new = snapshot is None
        if snapshot is None:
            snapshot = DailySnapshot(date=day.date)
        outcome = fill_day(snapshot, day, tag=tag, now=now)
        outcome.new = new
        for group in day.groups():
            counts = report.groups[group]
            if group in outcome.filled:
                counts.filled += 1
            elif group in outcome.kept:
                counts.kept += 1
            else:
                counts.same += 1
        if new and outcome.filled:
            context.snapshots[day.date] = snapshot
            added = True
            report.days_added += 1
        elif outcome.filled:
            report.days_filled += 1
        else:
            report.days_kept += 1
        if outcome.filled or outcome.kept:
            report.days.append(outcome)
    if added:
        context.snapshots = dict(sorted(context.snapshots.items()))
    return report
