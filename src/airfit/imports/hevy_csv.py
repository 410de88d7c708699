"""Hevy's workout export (Profile, Settings, Export & Import Data: `workouts.csv`) as workouts.

One row per set: `title, start_time, end_time, description, exercise_title, superset_id, exercise_notes,
set_index, set_type, weight_kg | weight_lbs, reps, distance_km | distance_miles, duration_seconds, rpe`.
Times are wall-clock times without a zone (`26 Jul 2025, 07:06`), read in the user's zone. Weights and
distances come in the unit the header names and are stored in kg and meters, as Hevy's API gives them, so
a workout reads the same whichever way it came in. Set types are Hevy's own (`warmup`, `normal`, `failure`,
`dropset`): warm-ups count for no PR or working volume, exactly as in the API import.
"""

from __future__ import annotations

from pathlib import Path

from airfit.imports.csvfile import Table, open_table, unexpected_header
from airfit.imports.models import ImportRefusedError, ParsedHistory, Progress, ReadOptions
from airfit.imports.workout_rows import MAX_KG, MAX_METERS, Cells, WorkoutRows
from airfit.units import KG_PER_LB

NAME = "hevy-csv"
REQUIRED = ("title", "start_time", "exercise_title", "set_index", "set_type", "reps")
OPTIONAL = (
    "end_time",
    "description",
    "superset_id",
    "exercise_notes",
    "weight_kg",
    "weight_lbs",
    "distance_km",
    "distance_miles",
    "duration_seconds",
    "rpe",
)
METERS = {"distance_km": 1000.0, "distance_miles": 1609.344}


def _known(names: list[str]) -> int:
    return sum(1 for name in names if name in REQUIRED or name in OPTIONAL)


def _expect(table: Table) -> None:
    missing = [name for name in REQUIRED if table.column(name) is None]
    if missing:
        raise unexpected_header(
            table, f"Hevy's workout export columns ({', '.join(REQUIRED)}, weight_kg or weight_lbs, ...)"
        )
    weights = [name for name in ("weight_kg", "weight_lbs") if table.column(name) is not None]
    if not weights:
        raise unexpected_header(table, "Hevy's workout export columns, with weight_kg or weight_lbs")
    if len(weights) > 1:
        raise ImportRefusedError("mixed units: the header has both weight_kg and weight_lbs; export it again")


def parse(path: Path, _work_dir: Path, progress: Progress, options: ReadOptions) -> ParsedHistory:
    """Every workout of the file (blocking); refuses the file, naming row and column, at the first problem."""
    with open_table(path, _known) as table:
        _expect(table)
        col = {name: table.column(name) for name in (*REQUIRED, *OPTIONAL)}
        weight_column = "weight_kg" if col["weight_kg"] is not None else "weight_lbs"
        factor = 1.0 if weight_column == "weight_kg" else KG_PER_LB
        distance_column = next((name for name in METERS if col[name] is not None), None)
        rows = WorkoutRows(NAME, options, "start_time", "end_time")
        if options.unit is not None and options.unit != ("kg" if factor == 1.0 else "lb"):
            raise ImportRefusedError(
                f"mixed units: --unit {options.unit} but the header names {weight_column}; "
                "Hevy's header says the unit, so leave --unit out"
            )
        for row, fields in table.rows(progress):
            rows.rows += 1
            cells = Cells(fields, row, col, {}, table.decimal_comma)
            workout = rows.workout(cells.text("title"), cells.text("start_time"), row)
            rows.end(workout, cells.text("end_time"), row)
            if workout.description is None:
                workout.description = cells.text("description").strip()
            order = cells.amount("set_index", high=10_000, what="set number")
            weight = cells.amount(weight_column, high=MAX_KG / factor, what="weight")
            distance = cells.amount(
                distance_column, high=MAX_METERS / METERS.get(distance_column or "", 1.0), what="distance"
            )
            item = cells.workout_set(
                cells.text("set_type").strip().lower() or "normal",
                round(weight * factor, 4) if weight is not None else None,
                round(distance * METERS[distance_column], 1)
                if distance is not None and distance_column
                else None,
                reps="reps",
                rpe="rpe",
                seconds="duration_seconds",
            )
            title = cells.text("exercise_title").strip() or "Unknown exercise"
            rows.add_set(workout, title, cells.text("exercise_notes").strip(), order or 0.0, item)
        rows.notes.append(f"weights in {'kg' if factor == 1.0 else 'lb'} ({weight_column} column)")
        parsed = rows.parsed(table.describe())
    return parsed
