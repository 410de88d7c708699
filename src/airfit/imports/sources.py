"""The importers there are, by name: each reads one kind of file into days (`health.backfill.ImportedDay`)
or into workouts (`training.models.Workout`).

An importer's steps are blocking (the service runs them in a thread):
- `parse(path, work_dir, progress, options)`: read the whole file, calling `progress(0..1)` as it goes;
  raises `ImportRefusedError` with the reason when the file is damaged, so nothing is merged;
- `check(path, options)`, for a file read later in a job: what can be told from the start of the file at
  once (not this kind of file, a zip without the expected member, a hostile prolog), so an upload is
  refused with a 4xx before a job is made.

A CSV export is small beside a Health export (years of sets or meals are a few MB), so its importers have no
`check`: the whole file is parsed before the upload is answered, and any problem in it (an unknown header,
a row with too few fields, an impossible value, dates whose order the file leaves open) is a 400 that names
the row and column, rather than a job that fails later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from airfit.imports import apple_health, hevy_csv, nutrition_csv, strong_csv, weight_csv
from airfit.imports.models import ParsedHistory, Progress, ReadOptions, UnknownSourceError


@dataclass(frozen=True)
class Importer:
    """One kind of file another app writes."""

    name: str
    parse: Callable[[Path, Path, Progress, ReadOptions], ParsedHistory]
    check: Callable[[Path, ReadOptions], None] | None = None
    """The quick look at upload of a file parsed later, in a job; without one, the file is parsed whole
    before the upload is answered (small files), so every problem is a 400."""


def _apple_health_check(path: Path, _options: ReadOptions) -> None:
    apple_health.check(path)


def _apple_health(path: Path, work_dir: Path, progress: Progress, _options: ReadOptions) -> ParsedHistory:
    days, stats = apple_health.parse(path, work_dir, progress)
    return ParsedHistory(stats=stats, days=days)


def _csv(module: ModuleType) -> Importer:
    """The importer of a CSV module (its `NAME` and `parse`), read whole at upload."""
    return Importer(name=module.NAME, parse=module.parse)


IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        Importer(name="apple-health", parse=_apple_health, check=_apple_health_check),
        _csv(hevy_csv),
        _csv(strong_csv),
        _csv(weight_csv),
        _csv(nutrition_csv),
    )
}


def importer(name: str) -> Importer:
    """The importer called `name`; raises UnknownSourceError listing the known ones."""
    found = IMPORTERS.get(name)
    if found is None:
        raise UnknownSourceError(name, sorted(IMPORTERS))
    return found
