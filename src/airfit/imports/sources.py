"""The importers there are, by name: each reads one kind of file into days (`health.backfill.ImportedDay`).

An importer has two steps, both blocking (the service runs them in a thread):
- `check(path)`: what can be told from the start of the file at once (not this kind of file, a zip without
  the expected member, a hostile prolog), so an upload is refused with a 4xx before a job is made;
- `parse(path, work_dir, progress)`: read the whole file, in constant memory, calling `progress(0..1)` as
  it goes; raises `ImportRefusedError` with the reason when the file is damaged, so nothing is merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from airfit.health.backfill import ImportedDay
from airfit.imports import apple_health
from airfit.imports.models import ParseStats, UnknownSourceError


@dataclass(frozen=True)
class ParsedHistory:
    """What an importer read: the days, oldest first, and what it found on the way."""

    days: list[ImportedDay]
    stats: ParseStats


Progress = Callable[[float], None]


@dataclass(frozen=True)
class Importer:
    """One kind of file another app writes."""

    name: str
    title: str
    media_types: tuple[str, ...]
    check: Callable[[Path], None]
    parse: Callable[[Path, Path, Progress], tuple[list[ImportedDay], ParseStats]]

    def read(self, path: Path, work_dir: Path, progress: Progress) -> ParsedHistory:
        """Parse the file at `path` (blocking)."""
        days, stats = self.parse(path, work_dir, progress)
        return ParsedHistory(days=days, stats=stats)


IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        Importer(
            name="apple-health",
            title="Apple Health export (export.zip or export.xml)",
            media_types=("application/zip", "application/xml", "text/xml", "application/octet-stream"),
            check=apple_health.check,
            parse=apple_health.parse,
        ),
    )
}


def importer(name: str) -> Importer:
    """The importer called `name`; raises UnknownSourceError listing the known ones."""
    found = IMPORTERS.get(name)
    if found is None:
        raise UnknownSourceError(name, sorted(IMPORTERS))
    return found
