"""Food-log exports as daily nutrition totals: MyFitnessPal's and Cronometer's, told apart by the header.

- MyFitnessPal's "Nutrition" export (`Nutrition-Summary-....csv`): one row per meal (`Date, Meal, Calories,
  Fat (g), ..., Carbohydrates (g), ..., Protein (g), ...`). A date's totals are the sum of its meals, and its
  entry count is the number of meal rows (the rows need not be in date order).
- Cronometer's `dailysummary.csv`: one row per day (`Date, Energy (kcal), ..., Carbs (g), ..., Fat (g), ...,
  Protein (g), ...`); energy may be in kJ (`Energy (kJ)`). A date written twice is refused: the file is
  not one Cronometer writes. It gives no meal count, so the entry count is 0.

Totals are rounded to whole kcal and grams. A negative value, or one no day's eating reaches (more than
20,000 kcal or 2,000 g of a macronutrient in one row), refuses the file, naming row and column.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from airfit.health.backfill import ImportedDay
from airfit.health.models import NutritionDay
from airfit.imports.csvfile import (
    Stamps,
    Table,
    check_day,
    number,
    open_table,
    refuse,
    unexpected_header,
)
from airfit.imports.models import ParsedHistory, ParseStats, Progress, ReadOptions
from airfit.units import KJ_PER_KCAL
from airfit.users.service import local_today

NAME = "nutrition-csv"
MAX_KCAL = 20_000.0
MAX_GRAMS = 2_000.0
MACROS = ("protein", "carbs", "fat")


@dataclass(frozen=True)
class Layout:
    """Where one app's export keeps the figures this import reads."""

    app: str
    per_meal: bool
    energy: tuple[str, ...]
    protein: tuple[str, ...]
    carbs: tuple[str, ...]
    fat: tuple[str, ...]
    marker: str
    """A column only this app's export has."""


MYFITNESSPAL = Layout(
    app="MyFitnessPal",
    per_meal=True,
    energy=("calories",),
    protein=("protein (g)", "protein"),
    carbs=("carbohydrates (g)", "carbohydrates", "carbs (g)"),
    fat=("fat (g)", "fat"),
    marker="meal",
)
CRONOMETER = Layout(
    app="Cronometer",
    per_meal=False,
    energy=("energy (kcal)", "energy (kj)"),
    protein=("protein (g)",),
    carbs=("carbs (g)", "net carbs (g)"),
    fat=("fat (g)",),
    marker="energy (kcal)",
)
LAYOUTS = (MYFITNESSPAL, CRONOMETER)
EXPECTED = (
    "MyFitnessPal's Nutrition export (Date, Meal, Calories, Fat (g), Carbohydrates (g), Protein (g), ...) "
    "or Cronometer's dailysummary.csv (Date, Energy (kcal), Protein (g), Carbs (g), Fat (g), ...)"
)


def _matches(layout: Layout, names: list[str]) -> bool:
    known = set(names)
    marker = layout.marker in known or (layout is CRONOMETER and "energy (kj)" in known)
    return (
        marker
        and "date" in known
        and all(
            any(n in known for n in group)
            for group in (layout.energy, layout.protein, layout.carbs, layout.fat)
        )
    )


def _known(names: list[str]) -> int:
    columns = {
        "date",
        *(
            n
            for layout in LAYOUTS
            for g in (layout.energy, layout.protein, layout.carbs, layout.fat)
            for n in g
        ),
    }
    return sum(1 for name in names if name in columns or name == "meal")


def _layout(table: Table) -> Layout:
    names = list(table.index)
    for layout in LAYOUTS:
        if _matches(layout, names):
            return layout
    raise unexpected_header(table, EXPECTED)


def _checked(name: str, value: float, *, kj: bool, row: int, column: str) -> float:
    """`value` in kcal (read from kJ in a kJ file) or grams, if a day's eating can hold it; else refuses."""
    if name == "calories" and kj:
        value /= KJ_PER_KCAL
    if value < 0:
        raise refuse(row, column, f"a negative value ({value:g})")
    if value > (MAX_KCAL if name == "calories" else MAX_GRAMS):
        raise refuse(row, column, f"{value:,.0f} is more than a day's eating")
    return value


def _summed(sums: dict[str, list[float]], entries: int) -> NutritionDay:
    """A date's totals, each summed exactly (math.fsum: the total does not depend on row order)."""
    return NutritionDay(
        calories=round(math.fsum(sums["calories"])),
        protein=round(math.fsum(sums["protein"])),
        carbs=round(math.fsum(sums["carbs"])),
        fat=round(math.fsum(sums["fat"])),
        entry_count=entries,
    )


def _together(held: NutritionDay, more: NutritionDay) -> NutritionDay:
    """One date written two ways in the file (with and without a time) is one day."""
    return NutritionDay(
        calories=held.calories + more.calories,
        protein=held.protein + more.protein,
        carbs=held.carbs + more.carbs,
        fat=held.fat + more.fat,
        entry_count=held.entry_count + more.entry_count,
    )


def parse(path: Path, _work_dir: Path, progress: Progress, options: ReadOptions) -> ParsedHistory:
    """Each date's totals (blocking); refuses the file, naming row and column, at the first problem."""
    with open_table(path, _known) as table:
        layout = _layout(table)
        columns = {
            "calories": table.column(*layout.energy),
            "protein": table.column(*layout.protein),
            "carbs": table.column(*layout.carbs),
            "fat": table.column(*layout.fat),
        }
        kj = table.column("energy (kj)") is not None and table.column("energy (kcal)") is None
        date_at = table.column("date")
        assert date_at is not None  # _layout found it
        stamps = Stamps(table.header[date_at], options.zone, options.date_format)
        totals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        meals: dict[str, int] = defaultdict(int)
        for row, fields in table.rows(progress):
            stamp = stamps.add(fields[date_at], row)
            if not layout.per_meal and meals[stamp]:
                raise refuse(
                    row,
                    table.header[date_at],
                    f"{stamp} is also on row {stamps.first_row[stamp]}: one row per day",
                )
            meals[stamp] += 1
            for name, index in columns.items():
                if index is None:
                    continue
                column = table.header[index]
                value = number(fields[index], row, column, decimal_comma=table.decimal_comma)
                if value is not None:
                    totals[stamp][name].append(_checked(name, value, kj=kj, row=row, column=column))
        rows = sum(meals.values())
        if not rows:
            raise refuse(2, None, "the file has a header and no rows: nothing to import")
        moments = stamps.resolve()
        notes = [table.describe(), f"{layout.app} export", f"dates read as {stamps.chosen}"]
        if kj:
            notes.append("energy in kJ, read as kcal")
    today = local_today(options.zone)
    by_day: dict[str, NutritionDay] = {}
    for stamp, sums in totals.items():
        day = moments[stamp].date()
        check_day(day, stamps.first_row[stamp], table.header[date_at], today)
        nutrition = _summed(sums, meals[stamp] if layout.per_meal else 0)
        held = by_day.get(day.isoformat())
        by_day[day.isoformat()] = nutrition if held is None else _together(held, nutrition)
    days = [ImportedDay(date=d, nutrition=n) for d, n in sorted(by_day.items())]
    stats = ParseStats(
        first_date=days[0].date if days else None,
        last_date=days[-1].date if days else None,
        days=len(days),
        records={"meals" if layout.per_meal else "days": rows},
        metric_days={"nutrition": sum(1 for d in days if "nutrition" in d.groups())},
        notes=notes,
    )
    return ParsedHistory(stats=stats, days=days)
