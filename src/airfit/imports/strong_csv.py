"""Strong's workout export (Settings, Export Strong Data: `strong.csv`) as workouts.

One row per set: `Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps, Distance, Seconds,
Notes, Workout Notes, RPE`; some versions add `Weight Unit` and `Distance Unit` columns, or write
`Weight (kg)`. The file is comma- or semicolon-separated, with a decimal comma in some locales, and its dates
are `2025-07-26 07:06:00` or `2025-07-26 7:06:00 PM`: wall-clock times without a zone, read in the user's.

- The weight unit is the app's setting, which the file only says when it has a `Weight Unit` column (per
  row) or a unit in the header; otherwise `--unit kg|lb` says it, and without either the file is refused
  rather than read in a guessed unit. A `--unit` the file contradicts is refused as mixed units.
- Distances are read only where a `Distance Unit` column says their unit; otherwise they are left out (the
  report says so): no strength figure uses them.
- `Set Order` is the set's number, or `W` (warm-up), `D` (drop set), `F` (failure); `Rest Timer` rows
  hold no set and are counted as skipped. Strong writes 0 for an empty weight or rep count: those are
  read as none (a bodyweight or timed set), as Hevy's export leaves them empty.
- `Duration` (`1h 5m`, `45m`, `30s`, or a bare number of seconds) gives the end time.
- Exercise names are mapped to Hevy's (`strong_names`), so both apps' workouts build one history; names
  the table lacks are kept and listed in the report.
"""

from __future__ import annotations

import re
from pathlib import Path

from airfit.imports.csvfile import Table, header_unit, open_table, refuse, unexpected_header
from airfit.imports.models import ImportRefusedError, ParsedHistory, Progress, ReadOptions
from airfit.imports.strong_names import hevy_name
from airfit.imports.workout_rows import MAX_KG, MAX_METERS, Cells, WorkoutRows
from airfit.units import KG_PER_LB

NAME = "strong-csv"
REQUIRED = ("date", "workout name", "exercise name", "set order", "reps")
WEIGHTS = ("weight", "weight (kg)", "weight (kgs)", "weight (lb)", "weight (lbs)")
OPTIONAL = (
    "duration",
    *WEIGHTS,
    "weight unit",
    "distance",
    "distance unit",
    "seconds",
    "notes",
    "workout notes",
    "rpe",
    "workout #",
)
KINDS = {"w": "warmup", "d": "dropset", "f": "failure"}
REST = "rest timer"
MASS = {"kg": 1.0, "kgs": 1.0, "lb": KG_PER_LB, "lbs": KG_PER_LB}
LENGTH = {"km": 1000.0, "m": 1.0, "mi": 1609.344, "miles": 1609.344, "ft": 0.3048, "yd": 0.9144}
_DURATION = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s)?$")


def _known(names: list[str]) -> int:
    return sum(1 for name in names if name in REQUIRED or name in OPTIONAL)


def _expect(table: Table) -> None:
    if any(table.column(name) is None for name in REQUIRED) or table.column(*WEIGHTS) is None:
        raise unexpected_header(
            table,
            "Strong's export columns (Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps, "
            "Distance, Seconds, Notes, Workout Notes, RPE)",
        )


def _minutes(text: str, row: int) -> float | None:
    value = text.strip().lower()
    if not value:
        return None
    if value.isdigit():
        return int(value) / 60
    match = _DURATION.match(value)
    if match is None or not any(match.groupdict().values()):
        raise refuse(row, "Duration", f"{text.strip()[:30]!r} is not a duration (like 1h 5m)")
    hours, minutes, seconds = (int(match.group(k) or 0) for k in ("h", "m", "s"))
    return hours * 60 + minutes + seconds / 60


def _header_unit(table: Table, weight: str, options: ReadOptions) -> tuple[str | None, str]:
    """The weight unit the header or `--unit` gives (None: each row's `Weight Unit` says it), and whence."""
    named = header_unit(table.header[table.column(weight) or 0], options.unit)
    if named is not None:
        return named, "from the header"
    if table.column("weight unit") is not None:
        return None, "from the Weight Unit column"
    if options.unit is None:
        raise ImportRefusedError(
            "Strong writes weights in the unit set in the app, and this file does not say which: "
            "give --unit kg or --unit lb (the unit parameter over HTTP)"
        )
    return options.unit, f"--unit {options.unit}"


def parse(path: Path, _work_dir: Path, progress: Progress, options: ReadOptions) -> ParsedHistory:
    """Every workout of the file (blocking); refuses the file, naming row and column, at the first problem."""
    with open_table(path, _known) as table:
        _expect(table)
        col = {name: table.column(name) for name in (*REQUIRED, *OPTIONAL)}
        weight = next(name for name in WEIGHTS if col[name] is not None)
        unit, unit_origin = _header_unit(table, weight, options)
        shown = {name: table.header[index] for name, index in col.items() if index is not None}
        rows = WorkoutRows(NAME, options, "Date")
        units_seen: set[str] = set()
        for row, fields in table.rows(progress):
            rows.rows += 1
            cells = Cells(fields, row, col, shown, table.decimal_comma, zero_is_none=True)
            order_text = cells.text("set order").strip()
            if order_text.lower() == REST:
                rows.skip("rest timer rows")
                continue
            workout = rows.workout(cells.text("workout name"), cells.text("date"), row)
            if workout.minutes is None:
                workout.minutes = _minutes(cells.text("duration"), row)
            if workout.description is None:
                workout.description = cells.text("workout notes").strip()
            kind = KINDS.get(order_text.lower())
            if kind is None:
                if not order_text.isdigit():
                    raise refuse(row, "Set Order", f"{order_text[:20]!r} is not a set number, W, D or F")
                kind = "normal"
            row_unit = unit or _row_unit(cells, options)
            units_seen.add(row_unit)
            kg = cells.amount(weight, high=MAX_KG / MASS[row_unit], what="weight")
            item = cells.workout_set(
                kind,
                round(kg * MASS[row_unit], 4) if kg is not None else None,
                _meters(cells),
                reps="reps",
                rpe="rpe",
                seconds="seconds",
            )
            strong = cells.text("exercise name").strip() or "Unknown exercise"
            mapped = hevy_name(strong)
            if mapped is None:
                rows.unmapped.add(strong)
            # The file's order: a W row has no set number of its own.
            rows.add_set(workout, mapped or strong, cells.text("notes").strip(), float(row), item)
        rows.notes.append(f"weights in {' and '.join(sorted(units_seen))} ({unit_origin})")
        if col["distance unit"] is None and col["distance"] is not None:
            rows.notes.append("distances left out: the file does not say their unit")
        parsed = rows.parsed(table.describe())
    return parsed


def _row_unit(cells: Cells, options: ReadOptions) -> str:
    """The unit a row's `Weight Unit` says ("kg" or "lb"); refuses another, or one `--unit` contradicts."""
    written = cells.text("weight unit").strip().lower()
    if written not in MASS:
        raise refuse(cells.row, "Weight Unit", f"{written[:10]!r} is not kg or lbs")
    unit = "kg" if MASS[written] == 1.0 else "lb"
    if options.unit is not None and options.unit != unit:
        raise refuse(cells.row, "Weight Unit", f"mixed units: {written} but --unit {options.unit}")
    return unit


def _meters(cells: Cells) -> float | None:
    """A set's distance in meters, where a `Distance Unit` column says the unit (else none)."""
    if cells.columns.get("distance unit") is None:
        return None
    value = cells.amount("distance", high=MAX_METERS, what="distance")
    if value is None:
        return None
    length = cells.text("distance unit").strip().lower()
    if length not in LENGTH:
        raise refuse(cells.row, "Distance Unit", f"{length[:10]!r} is not a unit of length")
    return round(value * LENGTH[length], 1)
