"""Import jobs: a file from another app in, read in the background, its days merged in one transaction.

The rules, for every importer (`imports.sources`):

- One import at a time per user: a second one while one is queued or running is refused (409), whether
  the first came over HTTP or from `airfit import-from` (the job record is shared through the store, whose
  locks hold across processes). Refusing rather than queueing keeps an upload from sitting on the disk
  for an unknown time, and a person who retries after the first finishes gets the same result.
- An upload is streamed to a private file under the data directory (`DocumentStore.scratch_dir`), never
  held in memory; its size is bounded by the request guard (`AIRFIT_MAX_UPLOAD_BYTES`). The file is removed
  when the job ends, whatever the outcome.
- What the start of the file tells (not this kind of file, a zip without the expected member, a hostile
  prolog) is refused before a job is made; what only the whole file tells (truncated, damaged further in)
  ends the job `failed` with the reason. A small file (a CSV export) is read whole before the upload is
  answered, so any problem in it is refused there. Either way nothing changed: days are merged only after
  the whole file was read, in one transaction (`HealthService.fill_gaps`), and so are workouts
  (`TrainingService.import_file_workouts`).
- A job whose process is gone (a restart, a killed command) is reported `failed` with the reason.
- Progress is the share of the file read, stored about once a second while reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from airfit.background import Background
from airfit.health.backfill import FillReport
from airfit.health.service import HealthService
from airfit.imports.csvfile import date_format_error
from airfit.imports.models import (
    IMPORT_JOBS,
    KEPT_JOBS,
    ImportBusyError,
    ImportJob,
    ImportOptions,
    ImportRefusedError,
    ImportReport,
    ParsedHistory,
    ReadOptions,
)
from airfit.imports.sources import Importer, importer
from airfit.storage import DocumentStore
from airfit.training.models import FileWorkoutsReport
from airfit.training.service import TrainingService
from airfit.users.service import UserService

logger = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
PROGRESS_EVERY = 1.0
"""Seconds between stored progress updates while a file is read."""
PROGRESS_STEP = 0.01
WRITE_BATCH = 1 << 20
"""Bytes of an upload gathered before one write to disk (one thread hop per MiB, not per network chunk)."""
INTERRUPTED = "interrupted: the {runner} stopped before the import finished; nothing was changed"
INTERRUPTED_SAVING = (
    "interrupted while saving the days: they may have been saved; importing the file again fills only "
    "what is still missing"
)


class ImportStoppedError(RuntimeError):
    """Reading was stopped because its job was cancelled."""


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ImportJobs:
    """Every user's import jobs: uploads, background runs, the command line's runs, and their records."""

    def __init__(
        self,
        store: DocumentStore,
        health: HealthService,
        users: UserService,
        background: Background,
        training: TrainingService,
    ) -> None:
        self.store = store
        self.health = health
        self.users = users
        self.training = training
        self.background = background
        self._running: set[str] = set()
        self._receiving: set[str] = set()
        self._progress: dict[str, float] = {}
        self._files: set[Path] = set()
        """Scratch files and directories this process is using (named `<pid>-...`)."""

    # -- reading ---------------------------------------------------------------------------------------

    async def get(self, *, user_id: str, job_id: str) -> ImportJob:
        """One of the user's jobs; LookupError when the user has none by that id (someone else's included)."""
        for job in await self.list(user_id=user_id):
            if job.id == job_id:
                return job
        raise LookupError(job_id)

    async def list(self, *, user_id: str, per_day: bool = True) -> list[ImportJob]:
        """The user's recent jobs, newest first, with the live progress of those running here.

        Without `per_day`, the reports leave out their list of changed dates (years of them, per job).
        """
        stored = await self.store.read(user_id, IMPORT_JOBS)
        jobs = []
        for job in stored.jobs:
            if job.status in ACTIVE and self._stale(job):
                job = self._interrupted(job)
            elif job.id in self._progress:
                job = job.model_copy(update={"progress": round(self._progress[job.id], 3)})
            if not per_day and job.report is not None and job.report.days_changed:
                job = job.model_copy(update={"report": job.report.model_copy(update={"days_changed": []})})
            jobs.append(job)
        return jobs

    # -- starting ----------------------------------------------------------------------------------------

    async def submit(
        self,
        *,
        user_id: str,
        source: str,
        body: AsyncIterator[bytes],
        file_name: str | None = None,
        dry_run: bool = False,
        options: ImportOptions | None = None,
    ) -> ImportJob:
        """Store an upload and start importing it in the background; returns the queued job.

        Raises UnknownSourceError, ImportBusyError (an import is queued or running) or ImportRefusedError
        (the file is not what the importer reads); nothing is kept then.
        """
        reader = importer(source)
        options = options or ImportOptions()
        if user_id in self._receiving:
            raise ImportBusyError("an upload is already being received")
        self._receiving.add(user_id)
        try:
            await self._settle(user_id, refuse_busy=True)
            read = await self._read_options(user_id, options)
            path = await self._receive(user_id, body)
            try:
                size = (await asyncio.to_thread(path.stat)).st_size
                parsed = await self._check(reader, path, read)
                job = ImportJob(
                    source=source,
                    dry_run=dry_run,
                    file_name=file_name,
                    file_bytes=size,
                    **options.model_dump(),
                )
                job = await self._create(user_id, job)
            except BaseException:
                await asyncio.to_thread(_remove, path)
                self._files.discard(path)
                raise
        finally:
            self._receiving.discard(user_id)
        run = self._run(user_id, job, reader, path, read, parsed=parsed, owned=True)
        self.background.spawn(run, name=f"import:{user_id}")
        return job

    async def run_file(
        self,
        *,
        user_id: str,
        source: str,
        path: Path,
        dry_run: bool = False,
        runner: str = "command",
        options: ImportOptions | None = None,
    ) -> ImportJob:
        """Import a file in place, now (the command line); returns the finished job, `done` or `failed`.

        Raises UnknownSourceError, ImportBusyError or ImportRefusedError before a job is made, as `submit`.
        """
        reader = importer(source)
        options = options or ImportOptions()
        await self._settle(user_id, refuse_busy=True)
        read = await self._read_options(user_id, options)
        parsed = await self._check(reader, path, read)
        size = (await asyncio.to_thread(path.stat)).st_size
        job = ImportJob(
            source=source,
            dry_run=dry_run,
            file_name=path.name,
            file_bytes=size,
            runner=runner,
            **options.model_dump(),
        )
        job = await self._create(user_id, job)
        await self._run(user_id, job, reader, path, read, parsed=parsed, owned=False)
        return await self.get(user_id=user_id, job_id=job.id)

    async def _read_options(self, user_id: str, options: ImportOptions) -> ReadOptions:
        """The person's options and their time zone, which zone-less times in a file are read in."""
        if options.date_format is not None:
            problem = date_format_error(options.date_format)
            if problem is not None:
                raise ImportRefusedError(problem)
        zone = await self.users.timezone_of(user_id)
        return ReadOptions(zone=zone, unit=options.unit, date_format=options.date_format)

    async def _check(self, reader: Importer, path: Path, options: ReadOptions) -> ParsedHistory | None:
        """Refuse a file that is not what `reader` reads; a small kind (no `check`) is read whole here."""
        if reader.check is not None:
            await asyncio.to_thread(reader.check, path, options)
            return None
        started = time.monotonic()
        parsed = await asyncio.to_thread(reader.parse, path, path.parent, _ignore_progress, options)
        return dataclasses.replace(parsed, seconds=time.monotonic() - started)

    async def recover(self) -> None:
        """Report the jobs a stopped process left behind as failed and remove their files (at start)."""
        for user in await self.users.list():
            await self._settle(user.id, refuse_busy=False)

    # -- the job record ----------------------------------------------------------------------------------

    def _stale(self, job: ImportJob) -> bool:
        if job.pid == os.getpid():
            return job.id not in self._running
        return not _alive(job.pid)

    @staticmethod
    def _interrupted(job: ImportJob) -> ImportJob:
        reason = INTERRUPTED_SAVING if job.saving else INTERRUPTED.format(runner=job.runner)
        return job.model_copy(update={"status": "failed", "error": reason, "finished_at": datetime.now(UTC)})

    async def _settle(self, user_id: str, *, refuse_busy: bool) -> None:
        """Mark the user's stale jobs failed and clear their files; refuse when a live one remains."""
        busy = False
        # A transaction, not a (cached) read: a job another process recorded a moment ago must count. A user
        # who never imported has no file, and gets none from this.
        if await asyncio.to_thread(self.store.path(user_id, IMPORT_JOBS).exists):
            async with self.store.transaction(user_id, IMPORT_JOBS) as jobs:
                stale = {job.id for job in jobs.jobs if job.status in ACTIVE and self._stale(job)}
                busy = any(job.status in ACTIVE and job.id not in stale for job in jobs.jobs)
                if stale:
                    jobs.jobs = [self._interrupted(j) if j.id in stale else j for j in jobs.jobs]
        if not busy:
            await asyncio.to_thread(self._clear_scratch, user_id)
        if busy and refuse_busy:
            raise ImportBusyError("an import is already queued or running; wait for it to finish")

    def _clear_scratch(self, user_id: str) -> None:
        """Remove uploads and work files of processes that are gone, or of this one's finished jobs."""
        directory = self.store.scratch_dir(user_id, create=False)
        for leftover in directory.iterdir() if directory.is_dir() else []:
            owner, _, _ = leftover.name.partition("-")
            pid = int(owner) if owner.isdigit() else None
            if pid == os.getpid() and leftover in self._files or pid != os.getpid() and _alive(pid):
                continue
            _remove(leftover)

    async def _create(self, user_id: str, job: ImportJob) -> ImportJob:
        """Record a new job as queued (and running in this process); ImportBusyError if one is live."""
        job = job.model_copy(update={"pid": os.getpid()})
        try:
            async with self.store.transaction(user_id, IMPORT_JOBS) as jobs:
                live = [j for j in jobs.jobs if j.status in ACTIVE and not self._stale(j)]
                if live:
                    raise ImportBusyError("an import is already queued or running; wait for it to finish")
                jobs.jobs = [job, *(self._interrupted(j) if j.status in ACTIVE else j for j in jobs.jobs)]
                del jobs.jobs[KEPT_JOBS:]
                # Before the record is saved, so nobody reading it meanwhile takes it for a stopped run's.
                self._running.add(job.id)
        except BaseException:
            self._running.discard(job.id)
            raise
        return job

    async def _update(self, user_id: str, job_id: str, **changes: Any) -> None:
        async with self.store.transaction(user_id, IMPORT_JOBS) as jobs:
            jobs.jobs = [j.model_copy(update=changes) if j.id == job_id else j for j in jobs.jobs]

    # -- running -----------------------------------------------------------------------------------------

    async def _receive(self, user_id: str, body: AsyncIterator[bytes]) -> Path:
        """Stream an upload into a new private file (0600) in the user's scratch directory."""
        directory = await asyncio.to_thread(self.store.scratch_dir, user_id)
        path = directory / f"{os.getpid()}-{uuid.uuid4().hex}.upload"
        handle = await asyncio.to_thread(_create_private, path)
        self._files.add(path)
        try:
            pending: list[bytes] = []
            size = 0
            async for chunk in body:
                pending.append(chunk)
                size += len(chunk)
                if size >= WRITE_BATCH:
                    await asyncio.to_thread(handle.write, b"".join(pending))
                    pending, size = [], 0
            await asyncio.to_thread(handle.write, b"".join(pending))
        except BaseException:
            handle.close()
            await asyncio.to_thread(_remove, path)
            self._files.discard(path)
            raise
        handle.close()
        return path

    async def _run(
        self,
        user_id: str,
        job: ImportJob,
        reader: Importer,
        path: Path,
        options: ReadOptions,
        *,
        parsed: ParsedHistory | None,
        owned: bool,
    ) -> None:
        """Read (unless read at upload), merge and record one job; the file (when `owned`) and the work
        files are removed after."""
        work = await asyncio.to_thread(self.store.scratch_dir, user_id) / f"{os.getpid()}-{job.id}"
        self._files.add(work)
        self._progress[job.id] = 0.0
        try:
            outcome = await self._merge(user_id, job, reader, path, work, options, parsed)
            # The files go before the outcome is recorded: whoever sees the job over sees them gone.
            await self._remove_files(work, path if owned else None)
            await self._finish(user_id, job.id, saving=False, **outcome)
        finally:
            self._running.discard(job.id)
            self._progress.pop(job.id, None)
            await self._remove_files(work, path if owned else None)

    async def _merge(
        self,
        user_id: str,
        job: ImportJob,
        reader: Importer,
        path: Path,
        work: Path,
        options: ReadOptions,
        parsed: ParsedHistory | None,
    ) -> dict[str, Any]:
        """Read and merge; the job's outcome: `done` with the report, or `failed` with the reason."""
        try:
            await self._update(user_id, job.id, status="running")
            await asyncio.to_thread(work.mkdir, 0o700)
            started = time.monotonic()
            if parsed is None:
                parsed = await self._read(user_id, job.id, reader, path, work, options)
            await self._update(user_id, job.id, saving=True, progress=1.0)
            workouts: FileWorkoutsReport | None = None
            if parsed.workouts:
                workouts = await self.training.import_file_workouts(
                    user_id, parsed.workouts, dry_run=job.dry_run
                )
            filled = FillReport(dry_run=job.dry_run)
            if parsed.days:
                filled = await self.health.fill_gaps(
                    user_id=user_id, days=parsed.days, tag=reader.name, dry_run=job.dry_run
                )
            report = ImportReport(
                source=reader.name,
                dry_run=job.dry_run,
                seconds=round(time.monotonic() - started + parsed.seconds, 1),
                parsed=parsed.stats,
                days_added=filled.days_added,
                days_filled=filled.days_filled,
                days_kept=filled.days_kept,
                groups={name: c for name, c in filled.groups.items() if c.filled or c.kept or c.same},
                days_changed=filled.days,
                workouts=workouts,
            )
            return {"status": "done", "report": report}
        except ImportRefusedError as exc:
            return {"status": "failed", "error": str(exc)}
        except Exception as exc:
            logger.exception("Import %s of %s failed", job.id, user_id)
            return {
                "status": "failed",
                "error": f"the import failed ({type(exc).__name__}: {exc}); nothing was changed",
            }

    async def _remove_files(self, work: Path, upload: Path | None) -> None:
        for path in (work, upload):
            if path is not None and path in self._files:
                await asyncio.to_thread(_remove, path)
                self._files.discard(path)

    async def _read(
        self, user_id: str, job_id: str, reader: Importer, path: Path, work: Path, options: ReadOptions
    ) -> ParsedHistory:
        stopped = False

        def progress(share: float) -> None:
            # A thread cannot be cancelled: when the job is (the server stops), the reading stops here.
            if stopped:
                raise ImportStoppedError(job_id)
            self._progress[job_id] = share

        task = asyncio.ensure_future(asyncio.to_thread(reader.parse, path, work, progress, options))
        stored = 0.0
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=PROGRESS_EVERY)
                share = self._progress.get(job_id, 0.0)
                if not task.done() and share - stored >= PROGRESS_STEP:
                    await self._update(user_id, job_id, progress=round(share, 3))
                    stored = share
        except asyncio.CancelledError:
            stopped = True
            raise
        return task.result()

    async def _finish(self, user_id: str, job_id: str, **changes: Any) -> None:
        changes["finished_at"] = datetime.now(UTC)
        await self._update(user_id, job_id, **changes)


def _ignore_progress(_share: float) -> None:
    """Reading at upload has no job yet to show progress on."""


def _create_private(path: Path) -> Any:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
