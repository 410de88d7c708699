"""Per-user Hevy keys, the sync, and the cached training views.

A sync is the only thing that talks to Hevy. A first sync (or `full=True`) pages through `/v1/workouts`,
storing each page as it arrives so an interrupted import resumes; later syncs apply `/v1/workouts/events`.
After a sync the derived documents (exercise store, the context store's daily workout blocks) are rebuilt
from all stored workouts, so edits and deletions in Hevy correct them, PRs included.

Workouts read from files (Hevy's or Strong's CSV export, `import_file_workouts`) join the same history and
derive the same way. A file has no Hevy id, so a workout is known by `Workout.key` (title and start to the
minute in the user's zone): one that Hevy's API also brings counts once, as the API has it (the API's copy
replaces the file's whenever it arrives), and a full Hevy import never deletes what came from a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from pydantic import BaseModel, SecretStr

from airfit.cache import ResponseCache
from airfit.config import Settings
from airfit.health.service import write_workout_days
from airfit.storage import DocumentStore
from airfit.training.client import (
    MAX_PAGES,
    HevyAuthError,
    HevyClient,
    HevyError,
    HevyRateLimitedError,
    RetryPolicy,
)
from airfit.training.models import (
    EXERCISE_STORE,
    SECRETS,
    WORKOUTS,
    ExerciseStore,
    FileWorkoutsReport,
    HevyKeyResult,
    HevyStatus,
    SyncResult,
    Workout,
    WorkoutsDoc,
)
from airfit.training.strength import build_exercise_store, workout_days
from airfit.users.service import UserService, local_today

logger = logging.getLogger(__name__)

HEVY_SOURCE = "hevy"
# Events are re-read from a little before the previous sync started: applying one twice is harmless,
# missing one because of clock skew between us and Hevy is not.
EVENTS_OVERLAP = timedelta(minutes=10)
# Import progress (the pages fetched so far) is written at least this often, at the end, and before a
# failure is reported: rewriting a multi-year history after every 10-workout page would cost more than
# fetching it, and a crash loses at most this much re-fetchable work.
IMPORT_CHECKPOINT_SECONDS = 1.0
D = TypeVar("D", bound=BaseModel)


class HevyNotConfiguredError(LookupError):
    """The user has no Hevy key (and is not the default user with a server-wide key)."""


@dataclass(frozen=True)
class HevyKey:
    """A usable key and where it came from ("user" or "server")."""

    value: str
    source: str


@dataclass
class _Running:
    task: asyncio.Task[SyncResult]
    full: bool


def _now() -> datetime:
    return datetime.now(UTC)


class TrainingService:
    """Hevy keys, syncs and training views for every user (state here is keyed by user id)."""

    def __init__(
        self,
        store: DocumentStore,
        users: UserService,
        settings: Settings,
        *,
        cache: ResponseCache | None = None,
    ) -> None:
        self.store = store
        self.users = users
        self.settings = settings
        self.cache = cache or ResponseCache()
        self.client = HevyClient(
            settings.hevy_base_url, retry=RetryPolicy(base_delay=settings.hevy_retry_delay)
        )
        self._running: dict[str, _Running] = {}

    async def aclose(self) -> None:
        """Stop running syncs and close the Hevy connection pool."""
        for running in list(self._running.values()):
            running.task.cancel()
        await self.client.aclose()

    # -- keys --------------------------------------------------------------------------------------------

    async def key_of(self, user_id: str) -> HevyKey | None:
        """The user's own key; the server-wide HEVY_API_KEY only ever serves the default user."""
        secrets = await self.store.read(user_id, SECRETS)
        if secrets.hevy_api_key is not None:
            return HevyKey(secrets.hevy_api_key.get_secret_value(), "user")
        server_key = self.settings.hevy_api_key
        if server_key is not None and user_id == self.settings.effective_default_user:
            return HevyKey(server_key.get_secret_value(), "server")
        return None

    async def is_configured(self, user_id: str) -> bool:
        """Whether a sync for this user could call Hevy."""
        return await self.key_of(user_id) is not None

    async def set_key(self, user_id: str, api_key: str) -> int:
        """Check the key with Hevy, then store it; returns the account's workout count.

        Raises HevyAuthError when Hevy refuses it and HevyUnavailableError when Hevy cannot be asked.
        A different key may be a different Hevy account, so the next sync re-imports everything.
        """
        api_key = api_key.strip()
        count = await self.client.workout_count(api_key)
        await self.store_key(user_id, api_key)
        return count

    async def store_key(self, user_id: str, api_key: str) -> None:
        """Store a key without asking Hevy (the CLI's --no-verify)."""
        async with self.store.transaction(user_id, SECRETS) as secrets:
            previous = secrets.hevy_api_key.get_secret_value() if secrets.hevy_api_key else None
            secrets.hevy_api_key = SecretStr(api_key.strip())
        if previous != api_key.strip():
            async with self.store.transaction(user_id, WORKOUTS) as doc:
                doc.sync.import_complete = False
                doc.sync.import_started_at = None
                doc.sync.import_next_page = 1
                doc.sync.import_seen = []

    async def remove_key(self, user_id: str) -> bool:
        """Forget the user's own key (stored workouts stay); True if there was one."""
        async with self.store.transaction(user_id, SECRETS) as secrets:
            had = secrets.hevy_api_key is not None
            secrets.hevy_api_key = None
        return had

    async def test_key(self, user_id: str) -> HevyKeyResult:
        """Ask Hevy whether the configured key works; HevyUnavailableError if Hevy cannot be asked."""
        key = await self.key_of(user_id)
        if key is None:
            raise HevyNotConfiguredError("no Hevy API key configured")
        try:
            count = await self.client.workout_count(key.value)
        except HevyAuthError:
            return HevyKeyResult(status="invalid", valid=False)
        return HevyKeyResult(status="valid", valid=True, workout_count=count)

    async def status(self, user_id: str) -> HevyStatus:
        """Key presence, sync progress, last error and what is stored."""
        key = await self.key_of(user_id)
        doc = await self.store.read(user_id, WORKOUTS)
        exercises = await self.store.read(user_id, EXERCISE_STORE)
        running = self._running.get(user_id)
        return HevyStatus(
            configured=key is not None,
            key_source=key.source if key else None,
            import_complete=doc.sync.import_complete,
            syncing=running is not None and not running.task.done(),
            last_attempt_at=doc.sync.last_attempt_at,
            last_success_at=doc.sync.last_success_at,
            last_error=doc.sync.last_error,
            last_error_at=doc.sync.last_error_at,
            workouts_stored=len(doc.workouts),
            exercises_tracked=len(exercises.exercises),
        )

    # -- sync --------------------------------------------------------------------------------------------

    def start_sync(self, user_id: str, *, full: bool = False) -> asyncio.Task[SyncResult]:
        """The user's sync task: joins a running one, or starts one after it (one sync per user at a time)."""
        running = self._running.get(user_id)
        if running is not None and not running.task.done():
            if running.full or not full:
                return running.task
            previous: asyncio.Task[SyncResult] | None = running.task
        else:
            previous = None
        task = asyncio.create_task(self._sync_after(previous, user_id, full), name=f"hevy-sync-{user_id}")
        self._running[user_id] = _Running(task, full)
        task.add_done_callback(_log_failure)
        return task

    async def sync(self, user_id: str, *, full: bool = False) -> SyncResult:
        """Run (or join) the user's sync and return what it did."""
        return await asyncio.shield(self.start_sync(user_id, full=full))

    async def _sync_after(
        self, previous: asyncio.Task[SyncResult] | None, user_id: str, full: bool
    ) -> SyncResult:
        if previous is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(previous)
        return await self._sync(user_id, full)

    async def _sync(self, user_id: str, full: bool) -> SyncResult:
        key = await self.key_of(user_id)
        if key is None:
            return SyncResult(status="not_configured", error="no Hevy API key configured")
        started = _now()
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            doc.sync.last_attempt_at = started
            run_import = full or not doc.sync.import_complete
        result = SyncResult(status="success", full_import=run_import)
        try:
            if run_import:
                result.workouts_processed += await self._full_import(user_id, key.value, started, full)
            result.workouts_processed += await self._apply_events(user_id, key.value, started)
        except HevyError as exc:
            result.status = _failure_status(exc)
            result.error = str(exc)
            await self._record_failure(user_id, str(exc))
            logger.warning("Hevy sync for %s failed: %s", user_id, exc)
            return result
        await self._derive(user_id, started, result)
        return result

    async def import_workouts(self, user_id: str, workouts: list[Workout]) -> SyncResult:
        """Replace the user's workouts with these, as a complete Hevy import would, and rebuild what derives.

        For workouts that come from elsewhere than the user's Hevy account (the demo household's generated
        ones); the next real sync with a key starts its own full import.
        """
        started = _now()
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            doc.workouts = {w.id: w for w in workouts}
            doc.sync.import_complete = False
            doc.sync.last_success_at = started
        result = SyncResult(status="success", full_import=True, workouts_processed=len(workouts))
        await self._derive(user_id, started, result)
        return result

    async def import_file_workouts(
        self, user_id: str, workouts: list[Workout], *, dry_run: bool = False
    ) -> FileWorkoutsReport:
        """Add workouts read from a file to the user's history (one transaction) and rebuild what derives.

        A workout already stored under its key (`Workout.key`) is not added again: one from Hevy's API stays
        as the API has it; one an earlier file brought is replaced by this file's copy when they differ.
        Importing the same file again changes nothing. A dry run computes the same report, writing nothing.
        """
        tz = await self.users.timezone_of(user_id)
        if dry_run:
            doc = (await self.store.read(user_id, WORKOUTS)).model_copy(deep=True)
            return _merge_file_workouts(doc, workouts, tz)
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            report = _merge_file_workouts(doc, workouts, tz)
        if report.added or report.updated:
            await self._derive(user_id, _now(), SyncResult(status="success"))
        return report

    async def _full_import(self, user_id: str, api_key: str, started: datetime, restart: bool) -> int:
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            sync = doc.sync
            if restart or sync.import_started_at is None:
                sync.import_started_at, sync.import_next_page, sync.import_seen = started, 1, []
            # Resume one page early: a workout deleted meanwhile shifts later ones up by a place.
            page = max(1, sync.import_next_page - 1)
        processed = 0
        pending: list[Workout] = []
        checkpoint = time.monotonic()
        try:
            for _ in range(MAX_PAGES):
                result = await self.client.workouts_page(api_key, page)
                pending.extend(result.workouts)
                processed += len(result.workouts)
                last = result.page_count is not None and page >= result.page_count
                done = last or not (result.workouts or result.skipped)
                page += 1
                if done or time.monotonic() - checkpoint >= IMPORT_CHECKPOINT_SECONDS:
                    await self._store_pages(user_id, pending, next_page=page)
                    pending, checkpoint = [], time.monotonic()
                if done:
                    break
        except HevyError:
            # Keep every page fetched before the failure; the next sync resumes after them.
            await self._store_pages(user_id, pending, next_page=page)
            raise
        await self._finish_import(user_id)
        return processed

    async def _store_pages(self, user_id: str, workouts: list[Workout], *, next_page: int) -> None:
        tz = await self.users.timezone_of(user_id)
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            seen = set(doc.sync.import_seen)
            for workout in workouts:
                doc.workouts[workout.id] = workout
                if workout.id not in seen:
                    seen.add(workout.id)
                    doc.sync.import_seen.append(workout.id)
            doc.sync.import_next_page = next_page
            _drop_file_copies(doc, workouts, tz)

    async def _finish_import(self, user_id: str) -> None:
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            sync = doc.sync
            seen = set(sync.import_seen)
            # A complete pass that did not list a stored workout means Hevy no longer has it (one read from
            # a file was never Hevy's to list).
            for gone in [wid for wid, w in doc.workouts.items() if wid not in seen and w.source is None]:
                del doc.workouts[gone]
            sync.events_since = (sync.import_started_at or _now()) - EVENTS_OVERLAP
            sync.import_complete, sync.import_next_page, sync.import_seen = True, 1, []
            sync.import_started_at = None

    async def _apply_events(self, user_id: str, api_key: str, started: datetime) -> int:
        doc = await self.store.read(user_id, WORKOUTS)
        since = doc.sync.events_since or (started - EVENTS_OVERLAP)
        feed = await self.client.events(api_key, since)
        tz = await self.users.timezone_of(user_id)
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            # Hevy lists events newest first; applying oldest first leaves each workout's latest state.
            stored: list[Workout] = []
            for event in reversed(feed.events):
                if event.deleted_id is not None:
                    doc.workouts.pop(event.deleted_id, None)
                elif event.workout is not None and not _is_stale(
                    doc, event.workout.id, event.workout.updated_at
                ):
                    doc.workouts[event.workout.id] = event.workout
                    stored.append(event.workout)
            _drop_file_copies(doc, stored, tz)
            doc.sync.events_since = started - EVENTS_OVERLAP
            doc.sync.last_success_at = _now()
            doc.sync.last_error = None
            doc.sync.last_error_at = None
        return len(feed.events)

    async def _record_failure(self, user_id: str, message: str) -> None:
        async with self.store.transaction(user_id, WORKOUTS) as doc:
            doc.sync.last_error = message
            doc.sync.last_error_at = _now()

    async def _derive(self, user_id: str, synced_at: datetime, result: SyncResult) -> None:
        doc = await self.store.read(user_id, WORKOUTS)
        tz = await self.users.timezone_of(user_id)
        previous = await self.store.read(user_id, EXERCISE_STORE)
        workouts = list(doc.workouts.values())
        exercise_store = await asyncio.to_thread(build_exercise_store, workouts, tz, synced_at)
        days = await asyncio.to_thread(workout_days, workouts, tz)
        await self.store.replace(user_id, EXERCISE_STORE, exercise_store)
        result.exercises_updated = _changed_exercises(previous, exercise_store)
        result.workouts_stored = len(doc.workouts)
        result.days_synced = await write_workout_days(
            store=self.store, user_id=user_id, days=days, source=HEVY_SOURCE
        )

    # -- views -------------------------------------------------------------------------------------------

    async def workouts_view(
        self,
        user_id: str,
        name: str,
        params: tuple[Any, ...],
        build: Callable[[WorkoutsDoc, tzinfo, date], BaseModel],
    ) -> bytes:
        """A response computed from the stored workouts, cached until they change or the local day does."""
        return await self._view(user_id, WORKOUTS, name, params, build)

    async def exercises_view(
        self,
        user_id: str,
        name: str,
        params: tuple[Any, ...],
        build: Callable[[ExerciseStore, tzinfo, date], BaseModel],
    ) -> bytes:
        """A response computed from the exercise store, cached like `workouts_view`."""
        return await self._view(user_id, EXERCISE_STORE, name, params, build)

    async def has_exercise(self, user_id: str, name: str) -> bool:
        """Whether the user's exercise store knows an exercise by exactly this name."""
        return name in (await self.store.read(user_id, EXERCISE_STORE)).exercises

    async def _view(
        self,
        user_id: str,
        doc_kind: Any,
        name: str,
        params: tuple[Any, ...],
        build: Callable[[Any, tzinfo, date], BaseModel],
    ) -> bytes:
        doc = await self.store.read(user_id, doc_kind)
        tz = await self.users.timezone_of(user_id)
        today = local_today(tz)
        key = (user_id, name, params, today, str(tz))
        return self.cache.body(key, (doc,), lambda: build(doc, tz, today).model_dump_json().encode())


def _merge_file_workouts(doc: WorkoutsDoc, workouts: list[Workout], tz: tzinfo) -> FileWorkoutsReport:
    report = FileWorkoutsReport()
    held = {w.key(tz): wid for wid, w in doc.workouts.items()}
    for workout in workouts:
        key = workout.key(tz)
        wid = held.get(key)
        if wid is None:
            doc.workouts[workout.id] = workout
            held[key] = workout.id
            report.added += 1
            continue
        stored = doc.workouts[wid]
        renamed = workout.model_copy(update={"id": wid})
        if stored.source is None:
            report.from_hevy += 1
        elif stored == renamed:
            report.same += 1
        else:
            doc.workouts[wid] = renamed
            report.updated += 1
    report.stored = len(doc.workouts)
    return report


def _drop_file_copies(doc: WorkoutsDoc, from_api: list[Workout], tz: tzinfo) -> None:
    """Remove the workouts read from files that these workouts from Hevy's API are (by key)."""
    keys = {w.key(tz) for w in from_api}
    if keys:
        for wid in [wid for wid, w in doc.workouts.items() if w.source is not None and w.key(tz) in keys]:
            del doc.workouts[wid]


def _is_stale(doc: WorkoutsDoc, workout_id: str, updated_at: datetime | None) -> bool:
    stored = doc.workouts.get(workout_id)
    return bool(stored and stored.updated_at and updated_at and updated_at < stored.updated_at)


def _changed_exercises(before: ExerciseStore, after: ExerciseStore) -> int:
    names = set(before.exercises) | set(after.exercises)
    return sum(1 for n in names if before.exercises.get(n) != after.exercises.get(n))


def _failure_status(exc: HevyError) -> str:
    if isinstance(exc, HevyAuthError):
        return "auth_failed"
    if isinstance(exc, HevyRateLimitedError):
        return "rate_limited"
    return "unavailable"


def _log_failure(task: asyncio.Task[SyncResult]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("Hevy sync task %s failed", task.get_name(), exc_info=task.exception())
