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

from airfit.imports.csvfile import KG_PER_LB, Table, number, open_table, unexpected_header
from airfit.imports.models import ImportRefusedError, ParsedHistory, Progress, ReadOptions
from airfit.imports.workout_rows import MAX_KG, MAX_METERS, MAX_REPS, MAX_SECONDS, WorkoutRows, checked, whole
from airfit.training.models import WorkoutSet

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
MAX_RPE = 10.0


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


def check(path: Path, _options: ReadOptions) -> None:
    """The header is Hevy's."""
    with open_table(path, _known) as table:
        _expect(table)


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
        comma = table.decimal_comma

        def field(fields: list[str], name: str) -> str:
            index = col[name]
            return fields[index] if index is not None else ""

        def amount(fields: list[str], row: int, name: str | None) -> float | None:
            return number(field(fields, name), row, name, decimal_comma=comma) if name else None

        for row, fields in table.rows(progress):
            rows.rows += 1
            workout = rows.workout(field(fields, "title"), field(fields, "start_time"), row)
            rows.end(workout, field(fields, "end_time"), row)
            if workout.description is None:
                workout.description = field(fields, "description").strip()
            order = checked(
                amount(fields, row, "set_index"), row, "set_index", high=10_000, what="set number"
            )
            weight = checked(
                amount(fields, row, weight_column), row, weight_column, high=MAX_KG / factor, what="weight"
            )
            distance = checked(
                amount(fields, row, distance_column),
                row,
                distance_column or "",
                high=MAX_METERS / METERS.get(distance_column or "", 1.0),
                what="distance",
            )
            kind = field(fields, "set_type").strip().lower() or "normal"
            item = WorkoutSet(
                type=kind,
                weight_kg=round(weight * factor, 4) if weight is not None else None,
                reps=whole(
                    checked(amount(fields, row, "reps"), row, "reps", high=MAX_REPS, what="rep count"),
                    row,
                    "reps",
                ),
                rpe=checked(amount(fields, row, "rpe"), row, "rpe", high=MAX_RPE, what="RPE"),
                distance_meters=round(distance * METERS[distance_column], 1)
                if distance is not None and distance_column
                else None,
                duration_seconds=checked(
                    amount(fields, row, "duration_seconds"),
                    row,
                    "duration_seconds",
                    high=MAX_SECONDS,
                    what="duration",
                ),
            )
            title = field(fields, "exercise_title").strip() or "Unknown exercise"
            rows.add_set(workout, title, field(fields, "exercise_notes").strip(), order or 0.0, item)
        rows.notes.append(f"weights in {'kg' if factor == 1.0 else 'lb'} ({weight_column} column)")
        parsed = rows.parsed(table.describe())
    return parsed
