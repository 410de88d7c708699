"""Workouts assembled from one-row-per-set CSV exports (Hevy's and Strong's), the part both share.

Rows of one workout share its title and start text; within a workout, consecutive rows of one exercise
title are one exercise (a title met again after another, or a set number that starts over, begins a new
one, as an exercise done twice in a session is two). Start and end times are local wall-clock times in the
user's zone (`csvfile.Stamps`). Each workout gets the id its key gives (`training.models.file_workout_id`),
so the same file read twice yields the same workouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from airfit.imports.csvfile import Stamps, check_day, number, refuse
from airfit.imports.models import ParsedHistory, ParseStats, ReadOptions
from airfit.training.models import (
    Workout,
    WorkoutExercise,
    WorkoutSet,
    file_workout_id,
    natural_key,
)
from airfit.users.service import local_today

MAX_KG = 1000.0
"""Heavier than any lift ever made: a unit or typing mistake."""
MAX_REPS = 1000
MAX_RPE = 10.0
MAX_SECONDS = 24 * 3600
MAX_METERS = 1_000_000


@dataclass
class _Exercise:
    title: str
    notes: str | None
    sets: list[tuple[float, WorkoutSet]] = field(default_factory=list)
    last_order: float = -1.0


@dataclass
class _Workout:
    title: str
    start: str
    row: int
    end: str | None = None
    minutes: float | None = None
    description: str | None = None
    exercises: list[_Exercise] = field(default_factory=list)


@dataclass
class WorkoutRows:
    """The workouts of a file as its rows arrive; `parsed()` once every row is read."""

    source: str
    options: ReadOptions
    start_column: str
    end_column: str | None = None
    workouts: dict[tuple[str, str], _Workout] = field(default_factory=dict)
    rows: int = 0
    sets: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unmapped: set[str] = field(default_factory=set)
    starts: Stamps = field(init=False)
    ends: Stamps = field(init=False)

    def __post_init__(self) -> None:
        self.starts = Stamps(self.start_column, self.options.zone, self.options.date_format)
        self.ends = Stamps(self.end_column or self.start_column, self.options.zone, self.options.date_format)

    def workout(self, title: str, start: str, row: int) -> _Workout:
        """The workout a row belongs to (made on its first row)."""
        title = title.strip() or "Workout"
        start = self.starts.add(start, row)
        key = (title, start)
        found = self.workouts.get(key)
        if found is None:
            found = self.workouts[key] = _Workout(title=title, start=start, row=row)
        return found

    def end(self, workout: _Workout, text: str, row: int) -> None:
        """The workout's end time, as written (the first row that gives one)."""
        if workout.end is None and text.strip():
            workout.end = self.ends.add(text, row)

    def add_set(
        self, workout: _Workout, exercise: str, notes: str | None, order: float, item: WorkoutSet
    ) -> None:
        """One set of `exercise`, in the order the file numbers it."""
        self.sets += 1
        current = workout.exercises[-1] if workout.exercises else None
        if current is None or current.title != exercise or order <= current.last_order:
            current = _Exercise(title=exercise, notes=notes or None)
            workout.exercises.append(current)
        current.sets.append((order, item))
        current.last_order = order

    def skip(self, reason: str) -> None:
        """Count a row that holds no set (a rest timer, ...)."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def parsed(self, describe: str) -> ParsedHistory:
        """The workouts, oldest first, and what reading found."""
        if not self.workouts:
            raise refuse(2, None, "the file has a header and no sets: nothing to import")
        starts = self.starts.resolve()
        ends = self.ends.resolve() if any(w.end for w in self.workouts.values()) else {}
        today = local_today(self.options.zone)
        built: list[tuple[datetime, Workout]] = []
        for item in self.workouts.values():
            local = starts[item.start]
            check_day(local.date(), item.row, self.start_column, today)
            end: datetime | None = None
            if item.end is not None:
                end = self.ends.instant(ends[item.end])
            elif item.minutes:
                end = self.starts.instant(local + timedelta(minutes=item.minutes))
            start = self.starts.instant(local)
            workout = Workout(
                id=file_workout_id(natural_key(item.title, local)),
                title=item.title,
                description=item.description or None,
                start_time=start,
                end_time=end if end is not None and end > start else None,
                exercises=[
                    WorkoutExercise(
                        title=e.title, notes=e.notes, sets=[s for _, s in sorted(e.sets, key=lambda p: p[0])]
                    )
                    for e in item.exercises
                ],
                source=self.source,
            )
            built.append((local, workout))
        built.sort(key=lambda pair: pair[0])
        dates = sorted({local.date() for local, _ in built})
        notes = [
            describe,
            f"dates read as {self.starts.chosen}",
            f"times have no zone in this file: read as wall-clock times in {self.options.zone}",
            *self.notes,
        ]
        stats = ParseStats(
            first_date=dates[0].isoformat(),
            last_date=dates[-1].isoformat(),
            days=len(dates),
            records={"rows": self.rows, "sets": self.sets},
            metric_days={"workouts": len(dates)},
            skipped=dict(sorted(self.skipped.items())),
            workouts=len(built),
            notes=notes,
            unmapped=sorted(self.unmapped),
        )
        return ParsedHistory(stats=stats, workouts=[w for _, w in built])


@dataclass(frozen=True)
class Cells:
    """One row's fields by column name; numbers are read and refused when no set could have them."""

    fields: list[str]
    row: int
    columns: dict[str, int | None]
    """Column name -> position (None: the file has no such column)."""
    shown: dict[str, str]
    """Column name -> the header's own spelling, for messages."""
    decimal_comma: bool
    zero_is_none: bool = False
    """Strong writes 0 for an empty weight or count."""

    def text(self, name: str) -> str:
        """The field's text ("" when the file has no such column)."""
        index = self.columns.get(name)
        return self.fields[index] if index is not None else ""

    def amount(self, name: str | None, *, high: float, what: str) -> float | None:
        """The field as a number in 0..high; None when empty (or absent)."""
        if name is None:
            return None
        column = self.shown.get(name, name)
        value = number(self.text(name), self.row, column, decimal_comma=self.decimal_comma)
        if self.zero_is_none and value == 0:
            return None
        return checked(value, self.row, column, high=high, what=what)

    def workout_set(
        self,
        kind: str,
        weight_kg: float | None,
        distance_meters: float | None,
        *,
        reps: str,
        rpe: str,
        seconds: str,
    ) -> WorkoutSet:
        """A set of this row: its kind and converted weight and distance, its reps, RPE and seconds read."""
        count = self.amount(reps, high=MAX_REPS, what="rep count")
        return WorkoutSet(
            type=kind,
            weight_kg=weight_kg,
            reps=whole(count, self.row, self.shown.get(reps, reps)),
            rpe=self.amount(rpe, high=MAX_RPE, what="RPE"),
            distance_meters=distance_meters,
            duration_seconds=self.amount(seconds, high=MAX_SECONDS, what="duration"),
        )


def checked(value: float | None, row: int, column: str, *, high: float, what: str) -> float | None:
    """A set's number, refused when negative or beyond `high` (a unit or typing mistake)."""
    if value is None:
        return None
    if value < 0:
        raise refuse(row, column, f"{what} cannot be negative ({value:g})")
    if value > high:
        raise refuse(row, column, f"{value:g} is not a possible {what}")
    return value


def whole(value: float | None, row: int, column: str) -> int | None:
    """A count that must be whole (reps)."""
    if value is None:
        return None
    if value != int(value):
        raise refuse(row, column, f"{value:g} is not a whole number")
    return int(value)
