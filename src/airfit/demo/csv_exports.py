"""CSV exports of other apps, seeded, with the traps real ones have and the truth of what they hold.

- `write_hevy_csv`: Hevy's workout export of API-shaped workouts (`airfit.demo.workouts`), so one history
  can go in through the fake Hevy API and through the file: local times without a zone (`26 Jul 2025,
  07:06`), warm-ups, drop sets, sets to failure, supersets, bodyweight sets (empty weight), cardio rows
  (distance and duration); weights in kg or lb. `with_traps` gives the workouts notes with commas, quotes
  and line breaks first.
- `write_strong_csv`: Strong's export of the same workouts, under Strong's exercise names: comma or
  semicolon separated with a decimal comma, 24-hour or 12-hour times (with the narrow no-break space iOS
  writes before PM), `W`/`D`/`F` set orders, `Rest Timer` rows, 0 for an empty weight or rep count,
  `1h 5m` durations, and the weight unit in the app's setting (optionally a `Weight Unit` column).
- `write_scale_csv`: a scale's readings in the layouts of Withings, Renpho, openScale and a plain export,
  several a day and not in time order, with `ScaleDay` the truth of each date (the latest reading).
- `write_nutrition_csv`: MyFitnessPal's one-row-per-meal export (dates out of order, notes with commas) or
  Cronometer's daily summary, with `NutritionTruth` each date's totals.

`encoding` writes UTF-8, UTF-8 with a byte-order mark, or UTF-16 (with its mark), as exports come.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal

from airfit.demo.apple_health import KG_LB
from airfit.imports.strong_names import HEVY_NAME

Encoding = Literal["utf-8", "utf-8-sig", "utf-16"]
HEVY_COLUMNS = (
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "{weight}",
    "reps",
    "{distance}",
    "duration_seconds",
    "rpe",
)
STRONG_COLUMNS = (
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
)
STRONG_NAME = {hevy: strong for strong, hevy in reversed(HEVY_NAME.items())}
"""Hevy's name -> the Strong name the table maps to it (the first one listed)."""
NOTES = ("felt strong, moved well", 'new "belt", tight', "left shoulder\nsore after", "")


def _write(path: Path, rows: Sequence[Sequence[object]], *, delimiter: str, encoding: Encoding) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))


def _local(stamp: str, zone: tzinfo) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(zone)


def _number(value: float | None, decimal_comma: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def with_traps(workouts: list[dict[str, Any]], seed: int = 1) -> list[dict[str, Any]]:
    """The same workouts with the notes and descriptions people write: commas, quotes, line breaks."""
    rnd = random.Random(seed)
    changed = copy.deepcopy(workouts)
    for workout in changed:
        workout["description"] = rnd.choice(("", 'Week "heavy", felt good', "short, gym busy"))
        for exercise in workout["exercises"]:
            exercise["notes"] = rnd.choice(NOTES)
    return changed


def hevy_time(moment: datetime) -> str:
    """Hevy's export form of a local time: `26 Jul 2025, 07:06`."""
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def write_hevy_csv(
    path: Path,
    workouts: list[dict[str, Any]],
    *,
    zone: tzinfo,
    unit: Literal["kg", "lb"] = "kg",
    encoding: Encoding = "utf-8",
) -> None:
    """Hevy's `workouts.csv` of these API-shaped workouts (newest first, as Hevy writes it)."""
    weight = "weight_kg" if unit == "kg" else "weight_lbs"
    distance = "distance_km" if unit == "kg" else "distance_miles"
    header: list[object] = [c.format(weight=weight, distance=distance) for c in HEVY_COLUMNS]
    rows: list[list[object]] = [header]
    for workout in sorted(workouts, key=lambda w: str(w["start_time"]), reverse=True):
        start = hevy_time(_local(workout["start_time"], zone))
        end = hevy_time(_local(workout["end_time"], zone)) if workout.get("end_time") else ""
        for exercise in workout["exercises"]:
            notes = exercise.get("notes") or ""
            for item in exercise["sets"]:
                kg = item.get("weight_kg")
                meters = item.get("distance_meters")
                rows.append(
                    [
                        workout["title"],
                        start,
                        end,
                        workout.get("description") or "",
                        exercise["title"],
                        "" if exercise.get("superset_id") is None else exercise["superset_id"],
                        notes,
                        item["index"],
                        item["type"],
                        _number(kg if unit == "kg" or kg is None else round(kg * KG_LB, 2)),
                        "" if item.get("reps") is None else item["reps"],
                        _number(None if meters is None else meters / (1000 if unit == "kg" else 1609.344)),
                        "" if item.get("duration_seconds") is None else item["duration_seconds"],
                        _number(item.get("rpe")),
                    ]
                )
    _write(path, rows, delimiter=",", encoding=encoding)


def strong_time(moment: datetime, twelve_hour: bool) -> str:
    """Strong's form of a local time: `2025-07-26 07:06:00`, or `2025-07-26 7:06:00 PM` on iOS's 12-hour
    clock (with the narrow no-break space before AM/PM)."""
    if not twelve_hour:
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    hour = moment.hour % 12 or 12
    return f"{moment:%Y-%m-%d} {hour}:{moment:%M:%S}\u202f{'AM' if moment.hour < 12 else 'PM'}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest}m" if hours else f"{rest}m"


def strong_exercise(hevy_title: str) -> str:
    """The name Strong gives an exercise Hevy calls `hevy_title` (the same when the table has none)."""
    return STRONG_NAME.get(hevy_title, hevy_title)


def write_strong_csv(
    path: Path,
    workouts: list[dict[str, Any]],
    *,
    zone: tzinfo,
    unit: Literal["kg", "lb"] = "kg",
    delimiter: str = ",",
    decimal_comma: bool = False,
    twelve_hour: bool = False,
    unit_column: bool = False,
    encoding: Encoding = "utf-8",
    seed: int = 1,
) -> None:
    """Strong's `strong.csv` of these API-shaped workouts (oldest first, as Strong writes it)."""
    rnd = random.Random(seed)
    header: list[object] = list(STRONG_COLUMNS)
    if unit_column:
        header.insert(6, "Weight Unit")
    rows: list[list[object]] = [header]
    marks = {"warmup": "W", "dropset": "D", "failure": "F"}
    for workout in sorted(workouts, key=lambda w: str(w["start_time"])):
        start = _local(workout["start_time"], zone)
        end = _local(workout["end_time"], zone)
        minutes = round((end - start).total_seconds() / 60)
        for exercise in workout["exercises"]:
            number = 0
            for item in exercise["sets"]:
                if item["type"] in marks:
                    order = marks[item["type"]]
                else:
                    number += 1
                    order = str(number)
                kg = item.get("weight_kg")
                weight = 0.0 if kg is None else kg if unit == "kg" else round(kg * KG_LB, 2)
                meters = item.get("distance_meters")
                row: list[object] = [
                    strong_time(start, twelve_hour),
                    workout["title"],
                    _duration(minutes),
                    strong_exercise(exercise["title"]),
                    order,
                    _number(weight, decimal_comma),
                    item.get("reps") or 0,
                    _number(0.0 if meters is None else meters / 1000, decimal_comma),
                    item.get("duration_seconds") or 0,
                    rnd.choice(NOTES),
                    workout.get("description") or "",
                    _number(item.get("rpe"), decimal_comma),
                ]
                if unit_column:
                    row.insert(6, "kg" if unit == "kg" else "lbs")
                rows.append(row)
            rest = [strong_time(start, twelve_hour), workout["title"], _duration(minutes)]
            rest += [strong_exercise(exercise["title"]), "Rest Timer", "0", 0, "0", 90, "", "", ""]
            if unit_column:
                rest.insert(6, "")
            rows.append(rest)
    _write(path, rows, delimiter=delimiter, encoding=encoding)


# -- scales ------------------------------------------------------------------------------------------------

ScaleStyle = Literal["withings", "renpho", "openscale", "plain"]


@dataclass(frozen=True)
class ScaleDay:
    """The truth of one date: its latest reading, in lb and percent."""

    weight_lbs: float
    body_fat_pct: float
    lean_mass_lbs: float


SCALE_HEADERS: dict[ScaleStyle, list[str]] = {
    "withings": ["Date", "Weight (kg)", "Fat mass (kg)", "Bone mass (kg)", "Muscle mass (kg)", "Comments"],
    "renpho": ["Date", "Time", "Weight(lb)", "BMI", "Body Fat(%)", "Fat-free Body Weight(lb)"],
    "openscale": ["dateTime", "weight", "fat", "water", "muscle", "comment"],
    "plain": ["date", "weight_kg", "fat_pct"],
}


def _scale_readings(rnd: random.Random, days: int, end: date) -> list[tuple[datetime, float, float]]:
    """(moment, kg, fat %) readings: one to three a day, the first of a day often the heaviest; some dates
    have none."""
    readings: list[tuple[datetime, float, float]] = []
    kg = 84.0
    for offset in range(days):
        day = end - timedelta(days=days - 1 - offset)
        kg += rnd.gauss(-0.03, 0.25) + 0.02 * (84.0 - kg)  # drifts, but stays a person's weight
        if rnd.random() < 0.15:
            continue
        times = sorted(rnd.sample(range(6 * 60, 22 * 60, 7), rnd.choice((1, 2, 2, 3))))
        for index, minute in enumerate(times):
            weight = round(kg + (0.6 if index == 0 and len(times) > 1 else rnd.uniform(-0.3, 0.3)), 1)
            fat = round(rnd.uniform(17.0, 22.0), 1)
            readings.append((datetime.combine(day, time(minute // 60, minute % 60)), weight, fat))
    return readings


def _scale_row(
    style: ScaleStyle, moment: datetime, weight: float, fat: float, decimal_comma: bool
) -> list[object]:
    """One reading as `style`'s export writes it."""

    def num(value: float, places: int = 2) -> str:
        return _number(round(value, places), decimal_comma)

    if style == "withings":
        return [f"{moment:%Y-%m-%d %H:%M:%S}", num(weight), num(weight * fat / 100), num(3.1), num(38), ""]
    if style == "renpho":
        lb = weight * KG_LB
        return [
            f"{moment:%m/%d/%Y}",
            f"{moment:%H:%M:%S}",
            num(lb),
            num(24.1),
            num(fat, 1),
            num(lb * (1 - fat / 100)),
        ]
    if style == "openscale":
        return [
            f"{moment:%Y-%m-%d %H:%M}",
            num(weight),
            num(fat, 1),
            num(55),
            num(40),
            "after run, before food",
        ]
    return [f"{moment:%Y-%m-%d}T{moment:%H:%M:%S}", num(weight), num(fat, 1)]


def _scale_truth(style: ScaleStyle, weight: float, fat: float) -> ScaleDay:
    """What the import must read from a reading written by `_scale_row` (the file's rounding included)."""
    if style == "withings":
        fat_lb = round(weight * fat / 100, 2) * KG_LB
        return ScaleDay(weight * KG_LB, 100 * fat_lb / (weight * KG_LB), weight * KG_LB - fat_lb)
    if style == "renpho":
        lb = round(weight * KG_LB, 2)
        return ScaleDay(lb, fat, round(lb * (1 - fat / 100), 2))
    return ScaleDay(weight * KG_LB, fat, 0.0)


def write_scale_csv(
    path: Path,
    *,
    days: int,
    end: date,
    style: ScaleStyle = "withings",
    seed: int = 3,
    encoding: Encoding = "utf-8",
    delimiter: str = ",",
    decimal_comma: bool = False,
) -> dict[str, ScaleDay]:
    """A scale's readings over `days` dates ending `end`: one to three a day (the first of a day often the
    heaviest, rows not in time order); skips some dates. Returns each date's truth: its latest reading.

    Layouts: withings (`Date, Weight (kg), Fat mass (kg), ...`), renpho (`Date, Time, Weight(lb), BMI,
    Body Fat(%), Fat-free Body Weight(lb)`, dates as MM/DD/YYYY), openscale (`dateTime, weight, fat, ...`:
    no unit anywhere, kg, so the import needs --unit kg), plain (`date, weight_kg, fat_pct`).
    """
    rnd = random.Random(seed)
    readings = _scale_readings(rnd, days, end)
    latest: dict[date, tuple[datetime, float, float]] = {}
    for moment, weight, fat in readings:
        if moment.date() not in latest or moment > latest[moment.date()][0]:
            latest[moment.date()] = (moment, weight, fat)
    rnd.shuffle(readings)
    readings.sort(key=lambda r: r[0].date(), reverse=True)  # newest date first, a day's readings mixed
    rows: list[Sequence[object]] = [SCALE_HEADERS[style]]
    rows += [_scale_row(style, *reading, decimal_comma) for reading in readings]
    _write(path, rows, delimiter=delimiter, encoding=encoding)
    return {day.isoformat(): _scale_truth(style, weight, fat) for day, (_, weight, fat) in latest.items()}


# -- food logs ---------------------------------------------------------------------------------------------

NutritionStyle = Literal["myfitnesspal", "cronometer"]
MFP_HEADER = (
    "Date",
    "Meal",
    "Calories",
    "Fat (g)",
    "Saturated Fat",
    "Polyunsaturated Fat",
    "Monounsaturated Fat",
    "Trans Fat",
    "Cholesterol",
    "Sodium (mg)",
    "Potassium",
    "Carbohydrates (g)",
    "Fiber",
    "Sugar",
    "Protein (g)",
    "Vitamin A",
    "Vitamin C",
    "Calcium",
    "Iron",
    "Note",
)
CRONOMETER_HEADER = (
    "Date",
    "Energy (kcal)",
    "Alcohol (g)",
    "Caffeine (mg)",
    "Water (g)",
    "Carbs (g)",
    "Fiber (g)",
    "Sugars (g)",
    "Fat (g)",
    "Saturated (g)",
    "Protein (g)",
    "Sodium (mg)",
    "Completed",
)
MEALS = ("Breakfast", "Lunch", "Dinner", "Snacks")


@dataclass(frozen=True)
class NutritionTruth:
    """One date's totals, rounded as the import stores them, and its meal rows."""

    calories: int
    protein: int
    carbs: int
    fat: int
    meals: int


def write_nutrition_csv(
    path: Path,
    *,
    days: int,
    end: date,
    style: NutritionStyle = "myfitnesspal",
    seed: int = 5,
    encoding: Encoding = "utf-8",
) -> dict[str, NutritionTruth]:
    """A food log over `days` dates ending `end` (some dates unlogged); returns each logged date's truth."""
    rnd = random.Random(seed)
    truth: dict[str, NutritionTruth] = {}
    rows: list[list[object]] = []
    for offset in range(days):
        day = end - timedelta(days=days - 1 - offset)
        if rnd.random() < 0.1:
            continue
        meals = [m for m in MEALS if rnd.random() < 0.85] or ["Lunch"]
        figures = [
            (round(rnd.uniform(250, 900), 1), round(rnd.uniform(10, 60), 1), round(rnd.uniform(20, 110), 1))
            for _ in meals
        ]
        fats = [round(rnd.uniform(5, 40), 1) for _ in meals]
        # Exactly summed (as the import sums), then as the file writes a day's total where it writes one.
        totals = [math.fsum(f[i] for f in figures) for i in range(3)] + [math.fsum(fats)]
        if style == "cronometer":
            totals = [round(t, 2) for t in totals]
        truth[day.isoformat()] = NutritionTruth(
            calories=round(totals[0]),
            protein=round(totals[1]),
            carbs=round(totals[2]),
            fat=round(totals[3]),
            meals=len(meals) if style == "myfitnesspal" else 0,
        )
        if style == "myfitnesspal":
            for meal, (kcal, protein, carbs), fat in zip(meals, figures, fats, strict=True):
                note = rnd.choice(("", "ate out, guessed", ""))
                rows.append(
                    [day.isoformat(), meal, kcal, fat, 3.2, 1.1, 2.0, 0, 35, 420, 310, carbs, 4, 9, protein]
                )
                rows[-1] += [12, 8, 5, 3, note]
        else:
            rows.append(
                [day.isoformat(), totals[0], 0, 95, 1800, totals[2], 21, 40]
                + [totals[3], 14, totals[1], 2100, "true"]
            )
    rnd.shuffle(rows)
    header = list(MFP_HEADER if style == "myfitnesspal" else CRONOMETER_HEADER)
    _write(path, [header, *rows], delimiter=",", encoding=encoding)
    return truth
