"""Smart-scale exports (Withings, Renpho, openScale, Fitbit, ...) as days of weight, body fat and lean mass.

The columns are found by name: a date (`Date`, `Time of Measurement`, `dateTime`, ..., with or without a
separate `Time` column), a weight (`Weight (kg)`, `Weight(lb)`, `weight_kg`, `Weight`), body fat as a
percentage (`Fat (%)`, `Body Fat(%)`, `fat`) or as a mass (`Fat mass (kg)`), lean mass (`Lean mass (kg)`,
`Fat-free Body Weight(kg)`, `lbm`). A mass column's unit is the one its header names; a header without one
takes `--unit`, or a unit written beside each value (`80.5 kg`); a column whose values disagree, or a
`--unit` the header contradicts, is refused as mixed units, never converted by guess.

Several readings on one date: the latest (by time, then by row) wins, field by field, as the iOS app reads
HealthKit's latest sample. Body fat given only as a mass is its share of the same reading's weight; lean
mass, when no column gives it, is weight less fat mass. A value outside what a body shows (weight 50-700 lb,
body fat 3-60 %, lean mass 20-500 lb) or a negative one refuses the file, naming row and column: it is a
unit or column mistake, and a partial import would hide it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from airfit.health.backfill import ImportedDay
from airfit.imports.apple_health import RANGES
from airfit.imports.csvfile import (
    LB_PER_KG,
    Stamps,
    Table,
    check_day,
    header_unit,
    normalized,
    number,
    open_table,
    refuse,
    split_unit,
    unexpected_header,
)
from airfit.imports.models import ParsedHistory, ParseStats, Progress, ReadOptions
from airfit.users.service import local_today

NAME = "weight-csv"
_UNIT = r"( ?\(?(kgs?|lbs?)\)?|_(kgs?|lbs?))?"
PATTERNS = {
    "date": re.compile(
        r"^(date|datetime|date ?time|date/time|timestamp|time of measurement|measured at|measurement time)$"
    ),
    "time": re.compile(r"^time$"),
    "weight": re.compile(rf"^(body ?)?weight{_UNIT}$"),
    "fat_pct": re.compile(r"^(body ?)?fat( ?\(%\)| ?%|_pct|_percent| percentage| ratio( ?\(%\))?)?$"),
    "fat_mass": re.compile(rf"^(body )?fat[ _]mass{_UNIT}$"),
    "lean": re.compile(rf"^(lean (body )?mass|fat[- ]free (body )?(weight|mass)|lbm|lean_mass){_UNIT}$"),
}
MASSES = ("weight", "fat_mass", "lean")
TO_LB = {"kg": LB_PER_KG, "lb": 1.0}
EXPECTED = "a date column and Weight (kg) / Weight (lb) / weight_kg, Fat (%), Fat mass (kg) or Lean mass (kg)"


def _roles(table: Table) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, name in enumerate(table.header):
        key = normalized(name)
        for role, pattern in PATTERNS.items():
            if role not in found and pattern.match(key):
                found[role] = position
                break
    return found


def _known(names: list[str]) -> int:
    return sum(1 for name in names if any(p.match(name) for p in PATTERNS.values()))


def _expect(table: Table) -> dict[str, int]:
    roles = _roles(table)
    if "date" not in roles or not {"weight", "fat_pct", "fat_mass", "lean"} & roles.keys():
        raise unexpected_header(table, EXPECTED)
    return roles


@dataclass
class _Reading:
    stamp: str
    row: int
    values: dict[str, float] = field(default_factory=dict)


@dataclass
class _Units:
    """The unit of each mass column: the header's, `--unit`'s, or the one its values carry."""

    table: Table
    roles: dict[str, int]
    option: str | None
    units: dict[str, str | None] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for role in MASSES:
            if role not in self.roles:
                continue
            header = self.table.header[self.roles[role]]
            named = header_unit(header, self.option)
            self.units[role] = named or self.option
            self.origin[role] = "from the header" if named else f"--unit {self.option}" if self.option else ""

    def pounds(self, role: str, text: str, row: int, decimal_comma: bool) -> float | None:
        column = self.table.header[self.roles[role]]
        bare, written = split_unit(text)
        value = number(bare, row, column, decimal_comma=decimal_comma)
        if value is None:
            return None
        written = {"kgs": "kg", "lbs": "lb"}.get(written or "", written)
        unit = self.units[role]
        if written is not None and unit is not None and written != unit:
            raise refuse(row, column, f"mixed units: {text.strip()!r} in a column of {unit}")
        if unit is None:
            if written is None:
                raise refuse(
                    row,
                    column,
                    "neither the header nor the value says kg or lb: give --unit kg or --unit lb "
                    "(the unit parameter over HTTP)",
                )
            self.units[role], self.origin[role] = written, "written beside the values"
            unit = written
        if unit not in TO_LB:
            raise refuse(row, column, f"{unit!r} is not kg or lb")
        return value * TO_LB[unit]


def _in_range(metric: str, value: float, row: int, column: str) -> float:
    low, high = RANGES[metric]
    if value < 0:
        raise refuse(row, column, f"a negative value ({value:g})")
    if not low <= value <= high:
        unit = "%" if metric == "body_fat_pct" else " lb"
        raise refuse(row, column, f"{value:.1f}{unit} is outside what a body shows ({low:g}-{high:g}{unit})")
    return value


def parse(path: Path, _work_dir: Path, progress: Progress, options: ReadOptions) -> ParsedHistory:
    """The latest reading of each field on each date (blocking); refuses the file at the first problem."""
    with open_table(path, _known) as table:
        roles = _expect(table)
        units = _Units(table, roles, options.unit)
        date_column = table.header[roles["date"]]
        stamps = Stamps(date_column, options.zone, options.date_format)
        readings: list[_Reading] = []
        comma = table.decimal_comma
        for row, fields in table.rows(progress):
            text = fields[roles["date"]]
            if "time" in roles and fields[roles["time"]].strip():
                text = f"{text.strip()} {fields[roles['time']].strip()}"
            reading = _Reading(stamps.add(text, row), row)
            for role in MASSES:
                if role in roles:
                    value = units.pounds(role, fields[roles[role]], row, comma)
                    if value is not None:
                        reading.values[role] = value
            if "fat_pct" in roles:
                column = table.header[roles["fat_pct"]]
                value = number(split_unit(fields[roles["fat_pct"]])[0], row, column, decimal_comma=comma)
                if value is not None:
                    reading.values["fat_pct"] = _in_range("body_fat_pct", value, row, column)
            _derive(reading, roles, table)
            readings.append(reading)
        if not readings:
            raise refuse(2, None, "the file has a header and no readings: nothing to import")
        moments = stamps.resolve()
    return _days(readings, moments, stamps, table, units, options)


def _derive(reading: _Reading, roles: dict[str, int], table: Table) -> None:
    """Check the masses, and work out body fat and lean mass from a fat mass where no column gives them."""
    values = reading.values
    for role, metric in (("weight", "weight_lbs"), ("lean", "lean_mass_lbs")):
        if role in values:
            _in_range(metric, values[role], reading.row, table.header[roles[role]])
    if "fat_mass" in values:
        column = table.header[roles["fat_mass"]]
        if values["fat_mass"] < 0:
            raise refuse(reading.row, column, f"a negative value ({values['fat_mass']:g})")
        if "weight" in values:
            if "fat_pct" not in values:
                share = 100 * values["fat_mass"] / values["weight"]
                values["fat_pct"] = _in_range("body_fat_pct", share, reading.row, column)
            if "lean" not in values:
                values["lean"] = _in_range(
                    "lean_mass_lbs", values["weight"] - values["fat_mass"], reading.row, column
                )


def _days(
    readings: list[_Reading],
    moments: dict[str, datetime],
    stamps: Stamps,
    table: Table,
    units: _Units,
    options: ReadOptions,
) -> ParsedHistory:
    today = local_today(options.zone)
    latest: dict[tuple[str, str], tuple[datetime, int, float]] = {}
    date_column = stamps.column
    for reading in readings:
        moment = moments[reading.stamp]
        day = moment.date()
        check_day(day, reading.row, date_column, today)
        for role, value in reading.values.items():
            key = (day.isoformat(), role)
            held = latest.get(key)
            if held is None or (moment, reading.row) >= (held[0], held[1]):
                latest[key] = (moment, reading.row, value)
    days: dict[str, dict[str, float]] = {}
    for (day_text, role), (_moment, _row, value) in latest.items():
        days.setdefault(day_text, {})[role] = value
    out = [
        ImportedDay(
            date=day_text,
            weight_lbs=round(values["weight"], 2) if "weight" in values else None,
            body_fat_pct=round(values["fat_pct"], 1) if "fat_pct" in values else None,
            lean_mass_lbs=round(values["lean"], 2) if "lean" in values else None,
        )
        for day_text, values in sorted(days.items())
    ]
    metric_days = {
        metric: sum(1 for d in out if getattr(d, metric) is not None)
        for metric in ("weight_lbs", "body_fat_pct", "lean_mass_lbs")
    }
    notes = [table.describe(), f"dates read as {stamps.chosen}"]
    if any(len(stamp) > 10 for stamp in stamps.first_row):
        notes.append(f"times have no zone in this file: read as wall-clock times in {options.zone}")
    for role, origin in units.origin.items():
        if units.units.get(role):
            notes.append(f"{table.header[units.roles[role]]} in {units.units[role]} ({origin})")
    notes.append("several readings on a date: the latest wins, field by field")
    stats = ParseStats(
        first_date=out[0].date,
        last_date=out[-1].date,
        days=len(out),
        records={"readings": len(readings)},
        metric_days={k: v for k, v in metric_days.items() if v},
        notes=notes,
    )
    return ParsedHistory(stats=stats, days=out)
