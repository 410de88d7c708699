"""The importers there are, by name: each reads one kind of file into days (`health.backfill.ImportedDay`)
or into workouts (`training.models.Workout`).

An importer has two steps, both blocking (the service runs them in a thread):
- `check(path, options)`: what can be told from the start of the file at once (not this kind of file, a zip
  without the expected member, a hostile prolog, an unknown CSV header), so an upload is refused with a 4xx
  before a job is made;
- `parse(path, work_dir, progress, options)`: read the whole file, calling `progress(0..1)` as it goes;
  raises `ImportRefusedError` with the reason when the file is damaged, so nothing is merged.

A CSV export is small beside a Health export (years of sets or meals are a few MB), so its importers are
`read_on_upload`: the whole file is read before the upload is answered, and any problem in it (a row with
too few fields, an impossible value, dates whose order the file leaves open) is a 400 that names the row
and column, rather than a job that fails later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from airfit.imports import apple_health, hevy_csv, nutrition_csv, strong_csv, weight_csv
from airfit.imports.models import ParsedHistory, Progress, ReadOptions, UnknownSourceError

CSV_TYPES = ("text/csv", "text/plain", "application/octet-stream")


@dataclass(frozen=True)
class Importer:
    """One kind of file another app writes."""

    name: str
    title: str
    media_types: tuple[str, ...]
    check: Callable[[Path, ReadOptions], None]
    parse: Callable[[Path, Path, Progress, ReadOptions], ParsedHistory]
    read_on_upload: bool = False
    """Read the whole file before answering the upload (small files), so every problem is a 400."""

    def read(self, path: Path, work_dir: Path, progress: Progress, options: ReadOptions) -> ParsedHistory:
        """Parse the file at `path` (blocking)."""
        return self.parse(path, work_dir, progress, options)


def _apple_health_check(path: Path, _options: ReadOptions) -> None:
    apple_health.check(path)


def _apple_health(path: Path, work_dir: Path, progress: Progress, _options: ReadOptions) -> ParsedHistory:
    days, stats = apple_health.parse(path, work_dir, progress)
    return ParsedHistory(stats=stats, days=days)


def _csv(module: ModuleType, title: str) -> Importer:
    """The importer of a CSV module (its `NAME`, `check` and `parse`), read whole at upload."""
    return Importer(
        name=module.NAME,
        title=title,
        media_types=CSV_TYPES,
        check=module.check,
        parse=module.parse,
        read_on_upload=True,
    )


IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        Importer(
            name="apple-health",
            title="Apple Health export (export.zip or export.xml)",
            media_types=("application/zip", "application/xml", "text/xml", "application/octet-stream"),
            check=_apple_health_check,
            parse=_apple_health,
        ),
        _csv(hevy_csv, "Hevy workout export (workouts.csv)"),
        _csv(strong_csv, "Strong workout export (strong.csv)"),
        _csv(weight_csv, "Scale readings (Withings, Renpho, openScale, Fitbit CSV)"),
        _csv(nutrition_csv, "Nutrition (MyFitnessPal or Cronometer CSV)"),
    )
}


def importer(name: str) -> Importer:
    """The importer called `name`; raises UnknownSourceError listing the known ones."""
    found = IMPORTERS.get(name)
    if found is None:
        raise UnknownSourceError(name, sorted(IMPORTERS))
    return found
