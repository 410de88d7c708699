"""The background scheduler: per-user jobs at fixed intervals, staggered, isolated and retried with backoff.

Each tick, every registered user without work in flight gets a task of their own that runs their due
jobs one after another, so one user's slow or failing job never delays another user's (only LLM jobs share
a small household-wide budget of concurrent runs, so a Pi never runs one LLM CLI per user). A failure is
recorded in that user's state and retried after a growing delay (capped at the job's interval). Job
records are updated in short transactions that touch only that job's entry, so nothing another job or
endpoint wrote in the meantime is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from airfit.locks import UserLocks
from airfit.scheduler.models import SCHEDULER_STATE, JobOutcome, JobRecord, SchedulerState
from airfit.storage import DocumentStore
from airfit.users.service import UserService

logger = logging.getLogger(__name__)

TICK_SECONDS = 60.0
LLM_SLOTS = 2
"""LLM jobs running at once across the household: a small server should not run a CLI per user at once."""
STAGGER_SECONDS = 600.0
FIRST_BACKOFF = timedelta(minutes=5)
ERROR_TEXT_LIMIT = 500

JobFunction = Callable[[str], Awaitable[JobOutcome]]
"""Runs a job for one user (bound to the services it needs where the server is composed)."""


@dataclass(frozen=True)
class Job:
    """A job every user gets: what it is called, how often it runs and what it does."""

    name: str
    interval: timedelta
    run: JobFunction
    timeout: float = 600.0
    uses_llm: bool = False
    counted_daily: bool = False
    """Its outcomes' `count` adds up to the user's `insights_generated_today` (reset each local day)."""


def _now() -> datetime:
    return datetime.now(UTC)


def stagger(user_id: str, job: str, span: float) -> timedelta:
    """A stable offset per user and job, so the household's jobs do not all start at once."""
    if span <= 0:
        return timedelta(0)
    return timedelta(seconds=zlib.crc32(f"{user_id}:{job}".encode()) % int(span * 1000) / 1000)


def backoff(failures: int, interval: timedelta) -> timedelta:
    """Delay before retrying after `failures` consecutive failures: 5 min, 10, 20, ... up to the interval."""
    return min(interval, FIRST_BACKOFF * (1 << max(0, failures - 1)))


def next_due(record: JobRecord | None, job: Job, *, started: datetime, user_id: str, span: float) -> datetime:
    """When a job is next due for a user (a job that never ran is due shortly after the scheduler started)."""
    if record is None or record.last_run is None:
        return started + stagger(user_id, job.name, span)
    if record.next_due is not None:
        return record.next_due
    return record.last_run + job.interval


class Scheduler:
    """Runs the jobs for every user; holds only tasks, the records live in each user's state.

    A job runs under its user's `job:<name>` lock, so it never overlaps itself for that user.
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        store: DocumentStore,
        users: UserService,
        locks: UserLocks | None = None,
        tick: float = TICK_SECONDS,
        stagger_span: float = STAGGER_SECONDS,
        llm_slots: int = LLM_SLOTS,
    ) -> None:
        self.jobs = {job.name: job for job in jobs}
        self.store = store
        self.users = users
        self.locks = locks or UserLocks()
        self._llm_slots = asyncio.Semaphore(llm_slots)
        self.tick = tick
        self.stagger_span = stagger_span
        self.started = _now()
        self._loop: asyncio.Task[None] | None = None
        self._users: dict[str, asyncio.Task[None]] = {}

    @property
    def is_running(self) -> bool:
        """Whether the background loop is active."""
        return self._loop is not None and not self._loop.done()

    def running(self, user_id: str, job: str) -> bool:
        """Whether this job is running for this user right now."""
        return self.locks.locked(user_id, f"job:{job}")

    def start(self) -> None:
        """Start the background loop (once)."""
        if self.is_running:
            return
        self.started = _now()
        self._loop = asyncio.create_task(self._run_forever(), name="scheduler")

    async def stop(self) -> None:
        """Cancel the loop and every user's jobs in flight, and wait until they have stopped."""
        tasks = [t for t in [self._loop, *self._users.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loop = None
        self._users.clear()

    async def _run_forever(self) -> None:
        while True:
            try:
                await self.tick_once()
            except Exception:
                logger.exception("Scheduler tick failed; trying again next tick")
            await asyncio.sleep(self.tick)

    async def tick_once(self) -> None:
        """Give every user with nothing in flight a task that runs their due jobs."""
        for user in await self.users.list():
            task = self._users.get(user.id)
            if task is None or task.done():
                self._users[user.id] = asyncio.create_task(self._run_due(user.id), name=f"jobs-{user.id}")

    async def _run_due(self, user_id: str) -> None:
        record = await self.store.read(user_id, SCHEDULER_STATE)
        now = _now()
        for job in self.jobs.values():
            due = next_due(
                record.jobs.get(job.name), job, started=self.started, user_id=user_id, span=self.stagger_span
            )
            if due <= now:
                await self.run_job(user_id, job.name)

    async def run_job(self, user_id: str, name: str, *, force: bool = True) -> JobOutcome:
        """Run one job for one user now (or report why not) and record the outcome in their state."""
        job = self.jobs[name]
        if not force:
            skipped = await self._not_due(user_id, job)
            if skipped is not None:
                return skipped
        lock = self.locks.lock(user_id, f"job:{name}")
        if lock.locked():
            return JobOutcome(status="already_running", job=name)
        async with lock:
            async with self._llm_slots if job.uses_llm else contextlib.nullcontext():
                outcome = await self._execute(user_id, job)
            await self._record(user_id, job, outcome)
        return outcome

    async def _not_due(self, user_id: str, job: Job) -> JobOutcome | None:
        record = (await self.store.read(user_id, SCHEDULER_STATE)).jobs.get(job.name)
        if record is None or record.last_run is None:
            return None
        due = next_due(record, job, started=self.started, user_id=user_id, span=self.stagger_span)
        wait = due - _now()
        if wait <= timedelta(0):
            return None
        return JobOutcome(
            status="skipped",
            job=job.name,
            detail="not due yet",
            next_run_in_hours=round(wait.total_seconds() / 3600, 2),
        )

    async def _execute(self, user_id: str, job: Job) -> JobOutcome:
        try:
            async with asyncio.timeout(job.timeout):
                return await job.run(user_id)
        except TimeoutError:
            return JobOutcome(status="error", job=job.name, error=f"timed out after {job.timeout:.0f} s")
        except Exception as exc:
            logger.warning("Job %s failed for user %s: %s", job.name, user_id, exc, exc_info=exc)
            return JobOutcome(
                status="error", job=job.name, error=f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
            )

    async def _record(self, user_id: str, job: Job, outcome: JobOutcome) -> None:
        now = _now()
        today = (await self.users.today(user_id)).isoformat()
        async with self.store.transaction(user_id, SCHEDULER_STATE) as doc:
            record = doc.jobs.setdefault(job.name, JobRecord())
            record.last_run = now
            record.last_status = outcome.status
            record.last_detail = outcome.detail
            if outcome.status == "error":
                record.consecutive_failures += 1
                record.last_error, record.last_error_at = outcome.error, now
                record.next_due = now + backoff(record.consecutive_failures, job.interval)
            else:
                record.consecutive_failures = 0
                record.next_due = now + job.interval
                if outcome.status == "success":
                    record.last_success = now
            if job.counted_daily:
                _count_insights(doc, today, outcome.count)


def _count_insights(doc: SchedulerState, today: str, count: int) -> None:
    """`insights_generated_today` is today's count: a new day starts it again from zero."""
    if doc.insights_day != today:
        doc.insights_day, doc.insights_generated_today = today, 0
    doc.insights_generated_today += count
