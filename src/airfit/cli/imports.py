"""`airfit import-from SOURCE USER FILE [--dry-run] [--unit kg|lb] [--date-format F]`: history from another
app (an Apple Health export, a workout, scale or food log CSV)."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from airfit.cli.common import run_with_services
from airfit.imports.models import (
    ImportBusyError,
    ImportJob,
    ImportOptions,
    ImportRefusedError,
    ImportReport,
    UnknownSourceError,
)
from airfit.imports.sources import IMPORTERS
from airfit.services import Services
from airfit.storage import StorageError
from airfit.users.service import InvalidUserIdError, UserNotFoundError

SHOWN_ITEMS = 12
"""Sources, skipped types and rejected reasons listed in the report; the rest are summed."""


def _counts(counts: dict[str, int]) -> str:
    items = list(counts.items())
    shown = ", ".join(f"{name} {count:,}" for name, count in items[:SHOWN_ITEMS])
    rest = sum(count for _, count in items[SHOWN_ITEMS:])
    return shown + (f", {len(items) - SHOWN_ITEMS} more {rest:,}" if rest else "") if items else "none"


def report_lines(report: ImportReport) -> list[str]:
    """The report as a person reads it."""
    parsed = report.parsed
    would = "that would be " if report.dry_run else ""
    lines = [
        f"{'Dry run: nothing was changed. ' if report.dry_run else ''}Read in {report.seconds:.1f} s.",
        f"Dates in the file: {parsed.days:,} ({parsed.first_date or '-'} to {parsed.last_date or '-'})",
    ]
    lines.extend(f"Read as: {note}" for note in parsed.notes)
    workouts = report.workouts
    if workouts is not None:
        lines.append(
            f"Workouts in the file: {parsed.workouts:,}; {would}added: {workouts.added:,}; "
            f"{would}updated: {workouts.updated:,}; already stored: {workouts.same:,}; "
            f"already there from Hevy's API (counted once): {workouts.from_hevy:,}"
        )
        if parsed.unmapped:
            lines.append(
                "Exercise names kept as they are (no Hevy name known): " + ", ".join(parsed.unmapped)
            )
    if report.groups or workouts is None:
        lines.append(
            f"Days {would}added: {report.days_added:,}; stored days {would}filled: {report.days_filled:,}; "
            f"days already complete: {report.days_kept:,}"
        )
        lines.append("Per field (filled / kept as stored / already the same):")
    for name, counts in report.groups.items():
        lines.append(f"  {name:<16} {counts.filled:>6,} / {counts.kept:>6,} / {counts.same:>6,}")
    lines.append("Records read: " + _counts(parsed.records))
    if parsed.out_of_range:
        lines.append("Dates left out (value outside what a body shows): " + _counts(parsed.out_of_range))
    if parsed.rejected:
        lines.append("Records skipped as unreadable: " + _counts(parsed.rejected))
    lines.append("Records of other types skipped: " + _counts(parsed.skipped))
    if parsed.sources:
        lines.append("Sources: " + ", ".join(f"{s.name} ({s.kind}, {s.records:,})" for s in parsed.sources))
    for metric, winners in parsed.winners.items():
        lines.append(f"  {metric} came from: " + _counts(winners) + " dates")
    if parsed.zones:
        lines.append("UTC offsets seen: " + ", ".join(parsed.zones))
    return lines


@click.command("import-from")
@click.argument("source", type=click.Choice(sorted(IMPORTERS)))
@click.argument("user_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read the file and print the report; change nothing.")
@click.option(
    "--unit",
    type=click.Choice(["kg", "lb"]),
    help="The weight unit of a file whose header does not say it (Strong's export, some scales).",
)
@click.option(
    "--date-format",
    help="The dates' order when the file leaves it open: YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD Mon YYYY, "
    "Mon DD, YYYY, or a strftime pattern.",
)
def import_from(
    source: str, user_id: str, file: Path, dry_run: bool, unit: str | None, date_format: str | None
) -> None:
    """Fill USER_ID's history from FILE written by another app (safe while the server runs).

    apple-health: the Health app's "Export All Health Data" file, export.zip or its export.xml.
    hevy-csv, strong-csv: the workout exports of Hevy and Strong (into the training history, beside
    Hevy's API sync: a workout both bring counts once). weight-csv: a scale's readings. nutrition-csv:
    MyFitnessPal's Nutrition export or Cronometer's dailysummary.csv. Times in CSV files are read in the
    user's time zone. Imported days fill gaps only: nothing the phone or the web client stored is replaced,
    and importing the same file again changes nothing. A damaged file changes nothing and says why.
    """
    try:
        options = ImportOptions.model_validate({"unit": unit, "date_format": date_format})
    except ValidationError as exc:
        raise click.BadParameter(exc.errors()[0]["msg"], param_hint="--date-format") from exc

    async def work(services: Services) -> ImportJob:
        await services.users.require(user_id)
        return await services.imports.run_file(
            user_id=user_id, source=source, path=file, dry_run=dry_run, options=options
        )

    try:
        job = run_with_services(work)
    except (
        UserNotFoundError,
        InvalidUserIdError,
        UnknownSourceError,
        ImportBusyError,
        ImportRefusedError,
        StorageError,
    ) as exc:
        raise click.ClickException(str(exc)) from exc
    if job.status != "done" or job.report is None:
        raise click.ClickException(job.error or "the import did not finish")
    click.echo(f"Imported {file.name} into {user_id} ({source}).")
    for line in report_lines(job.report):
        click.echo(line)
