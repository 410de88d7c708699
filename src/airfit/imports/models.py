"""Import jobs (`<user>/import_jobs.json`) and the reports they carry.

A job is one import of one file from another app: queued when its upload is stored, running while the file
is read, then `done` with a report or `failed` with the reason (and nothing changed). The document keeps a
user's most recent jobs only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from airfit.coerce import UtcTime
from airfit.health.backfill import DayOutcome, GroupCounts, ImportedDay
from airfit.storage import Document, register
from airfit.training.models import FileWorkoutsReport, Workout

JobStatus = Literal["queued", "running", "done", "failed"]
SourceKind = Literal["watch", "phone", "app"]
MassUnit = Literal["kg", "lb"]
Progress = Callable[[float], None]
"""Told the share of a file read so far, 0..1; raises to stop the reading."""
KEPT_JOBS = 20
"""Jobs kept per user, newest first; older ones are forgotten (their effect on the days stays)."""


class ImportRefusedError(ValueError):
    """The file cannot be imported (not an export, damaged, hostile); the message says why to a person."""


class SourceSeen(BaseModel):
    """One app or device that wrote records into the file."""

    name: str
    kind: SourceKind = Field(description="Apple Watch, iPhone or another app: HealthKit's default priority.")
    records: int = Field(description="Records of imported types it wrote.")


class ParseStats(BaseModel):
    """What reading the file found, before anything is merged."""

    first_date: str | None = None
    last_date: str | None = None
    days: int = Field(0, description="Dates with at least one imported value.")
    records: dict[str, int] = Field(default_factory=dict, description="Records read, per metric.")
    metric_days: dict[str, int] = Field(default_factory=dict, description="Dates with a value, per metric.")
    out_of_range: dict[str, int] = Field(
        default_factory=dict, description="Dates whose value is outside what a body can show (dropped)."
    )
    rejected: dict[str, int] = Field(
        default_factory=dict, description="Records that could not be read (bad number, unknown unit ...)."
    )
    skipped: dict[str, int] = Field(
        default_factory=dict, description="Records of types this import does not use, per type."
    )
    sources: list[SourceSeen] = Field(default_factory=list)
    winners: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Per metric, on how many dates each source supplied the value (the others overlapped).",
    )
    zones: list[str] = Field(default_factory=list, description="UTC offsets the records were written in.")
    workouts: int = Field(0, description="Workouts read (workout files).")
    notes: list[str] = Field(
        default_factory=list,
        description="How the file was read: encoding, delimiter, date order, units, the zone of its times.",
    )
    unmapped: list[str] = Field(
        default_factory=list, description="Exercise names with no counterpart in the table, kept as they are."
    )


class ImportReport(BaseModel):
    """Everything an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool
    seconds: float = Field(description="How long reading and merging took.")
    parsed: ParseStats
    days_added: int = Field(description="Dates that had no stored day and now have one.")
    days_filled: int = Field(description="Stored dates that gained at least one field.")
    days_kept: int = Field(description="Dates where everything imported was already stored.")
    groups: dict[str, GroupCounts] = Field(description="Per field, on how many dates it was filled or kept.")
    days_changed: list[DayOutcome] = Field(
        default_factory=list,
        description="Each date where a field was filled, or kept against the import (`GET /imports/{id}`).",
    )
    workouts: FileWorkoutsReport | None = Field(None, description="What a workout file did to the history.")


class ImportJob(BaseModel):
    """One import, as stored and as `GET /imports/{id}` answers it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:16])
    source: str
    status: JobStatus = "queued"
    progress: float = Field(0.0, ge=0.0, le=1.0, description="Share of the file read, 0..1.")
    dry_run: bool = False
    file_name: str | None = None
    file_bytes: int = 0
    created_at: UtcTime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: UtcTime | None = None
    report: ImportReport | None = None
    error: str | None = None
    unit: MassUnit | None = Field(None, description="The weight unit the file was said to use (`--unit`).")
    date_format: str | None = Field(None, description="The date order the file was said to use.")
    runner: str = Field("server", description="Who runs it: the server or the `airfit import-from` command.")
    pid: int | None = Field(None, description="The process running it (to tell an interrupted job).")
    saving: bool = Field(False, description="Reading is over and the days are being written.")


class ImportJobList(BaseModel):
    """A user's recent imports, newest first."""

    jobs: list[ImportJob] = Field(default_factory=list)


IMPORT_JOBS = register(Document("import_jobs", ImportJobList))


class ImportOptions(BaseModel):
    """What a person tells about a file that the file does not say itself."""

    unit: MassUnit | None = Field(
        None, description="Weights in kg or lb, for a file whose header says neither."
    )
    date_format: str | None = Field(
        None,
        max_length=40,
        description="The date order (YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, ...) when the dates leave it open.",
    )


@dataclass(frozen=True)
class ReadOptions:
    """Everything an importer is told besides the file: the person's options and their time zone."""

    zone: tzinfo
    unit: MassUnit | None = None
    date_format: str | None = None


@dataclass(frozen=True)
class ParsedHistory:
    """What an importer read: days, oldest first, or workouts, and what it found on the way."""

    stats: ParseStats
    days: list[ImportedDay] = field(default_factory=list)
    workouts: list[Workout] = field(default_factory=list)
    seconds: float = 0.0
    """How long reading took when it was done at upload (the job's report adds it to its own time)."""


class JobCreated(BaseModel):
    """`POST /imports/{source}`: the job to poll."""

    id: str
    status: JobStatus


class UnknownSourceError(LookupError):
    """No importer by that name; `known` lists the ones there are."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no importer named {name!r}; known: {', '.join(known)}")
        self.known = known


class ImportBusyError(RuntimeError):
    """The user already has an import queued or running."""
