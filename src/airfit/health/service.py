"""The health domain's operations: store synced days, and answer the summary endpoints from a cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from pydantic import BaseModel

from airfit.cache import ResponseCache
from airfit.health import logbook
from airfit.health.aggregates import body_metrics, context_summary, snapshot_list
from airfit.health.backfill import FillReport, ImportedDay, fill_gaps
from airfit.health.logbook import DayLog, LoggedEntry, LogOverview, MealsView
from airfit.health.merge import merge_day
from airfit.health.models import (
    CONTEXT_STORE,
    MEAL_BOOK,
    ContextStore,
    DailySnapshot,
    DailySyncData,
    Meal,
    SnapshotsResponse,
    SyncResponse,
    WebEntry,
    WorkoutDay,
)
from airfit.health.windows import last_days
from airfit.profile.models import PROFILE
from airfit.storage import DocumentStore
from airfit.users.service import UserService

RANGE_DAYS = {"week": 7, "month": 30, "quarter": 90}
DEFAULT_RANGE_DAYS = 7


class IdempotencyConflictError(ValueError):
    """An idempotency key already stored with a different entry."""


def range_days(name: str) -> int:
    """Days of a named range; anything unknown is a week."""
    return RANGE_DAYS.get(name, DEFAULT_RANGE_DAYS)


async def write_workout_days(
    *, store: DocumentStore, user_id: str, days: dict[str, WorkoutDay], source: str
) -> int:
    """Replace the part of the daily snapshots a workout source owns (one transaction); returns days changed.

    Days the source no longer has a workout on lose their block (a workout deleted in Hevy disappears).
    """
    changed = 0
    now = datetime.now(UTC)
    async with store.transaction(user_id, CONTEXT_STORE) as ctx:
        for day, snapshot in ctx.snapshots.items():
            if source in snapshot.sources_synced and day not in days:
                snapshot.workout = WorkoutDay()
                snapshot.sources_synced.remove(source)
                snapshot.last_updated = now
                changed += 1
        for day, block in days.items():
            snapshot = ctx.snapshots.setdefault(day, DailySnapshot(date=day))
            if snapshot.workout == block and source in snapshot.sources_synced:
                continue
            snapshot.workout = block
            if source not in snapshot.sources_synced:
                snapshot.sources_synced.append(source)
            snapshot.last_updated = now
            changed += 1
    return changed


class HealthService:
    """Daily snapshots of every user; holds no user's data itself beyond a bounded response cache."""

    def __init__(
        self, store: DocumentStore, users: UserService, *, cache: ResponseCache | None = None
    ) -> None:
        self.store = store
        self.users = users
        self.cache = cache or ResponseCache()

    async def sync_days(self, *, user_id: str, days: list[DailySyncData]) -> SyncResponse:
        """Fold a batch of days into the user's snapshots in one transaction (one file write)."""
        if not days:
            return SyncResponse(dates_synced=[], count=0)
        now = datetime.now(UTC)
        dates: dict[str, None] = {}
        async with self.store.transaction(user_id, CONTEXT_STORE) as context:
            added = False
            for day in days:
                snapshot = context.snapshots.get(day.date)
                if snapshot is None:
                    snapshot = context.snapshots[day.date] = DailySnapshot(date=day.date)
                    added = True
                merge_day(snapshot, day, now=now)
                dates[day.date] = None
            if added:
                context.snapshots = dict(sorted(context.snapshots.items()))
            context.last_sync = now
        return SyncResponse(dates_synced=list(dates), count=len(dates))

    async def fill_gaps(
        self, *, user_id: str, days: list[ImportedDay], tag: str, dry_run: bool = False
    ) -> FillReport:
        """Fill the gaps of many dates from imported history in one transaction (all or nothing).

        Nothing the phone or the web client stored is replaced (`health.backfill`); a dry run computes the
        same report and writes nothing. Filling again with the same days changes nothing.
        """
        now = datetime.now(UTC)
        if dry_run:
            stored = await self.store.read(user_id, CONTEXT_STORE)
            return fill_gaps(stored.model_copy(deep=True), days, tag=tag, now=now, dry_run=True)
        async with self.store.transaction(user_id, CONTEXT_STORE) as context:
            return fill_gaps(context, days, tag=tag, now=now, dry_run=False)

    async def today(self, user_id: str) -> date:
        """The user's local date."""
        return await self.users.today(user_id)

    async def day_log(self, *, user_id: str, day: str) -> DayLog:
        """A date's web entries, the phone's own readings and the combined totals."""
        context = await self.store.read(user_id, CONTEXT_STORE)
        return logbook.day_log(day, context.snapshots.get(day))

    async def add_log_entry(self, *, user_id: str, day: str, entry: WebEntry) -> LoggedEntry:
        """Add a web-client entry to a date, once per idempotency key; raises ValueError when the day cannot
        take it, IdempotencyConflictError when its key is stored with another entry."""
        async with self.store.transaction(user_id, CONTEXT_STORE) as context:
            found = logbook.find_key(context.snapshots.values(), entry.key) if entry.key else None
            if found is not None:
                stored_day, stored = found
                if stored_day != day or not stored.same_as(entry):
                    raise IdempotencyConflictError("this idempotency key was used for a different entry")
                shown = logbook.day_log(day, context.snapshots[day])
                return LoggedEntry(**dict(shown), entry=stored, replayed=True)
            snapshot = context.snapshots.get(day)
            if snapshot is None:
                snapshot = context.snapshots[day] = DailySnapshot(date=day)
                context.snapshots = dict(sorted(context.snapshots.items()))
            logbook.add_entry(snapshot, entry)
            return LoggedEntry(**dict(logbook.day_log(day, snapshot)), entry=entry, replayed=False)

    async def remove_log_entry(self, *, user_id: str, day: str, entry_id: str) -> DayLog:
        """Remove one web-client entry; raises LookupError (writing nothing) when there is no such entry."""
        async with self.store.transaction(user_id, CONTEXT_STORE) as context:
            snapshot = context.snapshots.get(day)
            if snapshot is None or not logbook.remove_entry(snapshot, entry_id):
                raise LookupError(entry_id)
            return logbook.day_log(day, snapshot)

    async def meals(self, *, user_id: str) -> MealsView:
        """The user's recent meals (read from the log) and favourites."""
        book = await self.store.read(user_id, MEAL_BOOK)
        return await self._meals_with(user_id, book.favourites)

    async def _meals_with(self, user_id: str, favourites: list[Meal]) -> MealsView:
        context = await self.store.read(user_id, CONTEXT_STORE)
        start = last_days(logbook.RECENT_LOOKBACK_DAYS, today=await self.today(user_id)).start.isoformat()
        newest_first = (s for day, s in reversed(context.snapshots.items()) if day >= start)
        return MealsView(recent=logbook.recent_meals(newest_first), favourites=list(favourites))

    async def add_favourite(self, *, user_id: str, meal: Meal) -> MealsView:
        """Keep a meal among the favourites (once: the same food again changes nothing); raises ValueError
        when the list is full."""
        async with self.store.transaction(user_id, MEAL_BOOK) as book:
            if not any(meal.same_food(kept) for kept in book.favourites):
                if len(book.favourites) >= logbook.MAX_FAVOURITES:
                    raise ValueError(f"at most {logbook.MAX_FAVOURITES} favourite meals")
                book.favourites.append(meal)
            favourites = list(book.favourites)
        return await self._meals_with(user_id, favourites)

    async def remove_favourite(self, *, user_id: str, meal_id: str) -> MealsView:
        """Forget a favourite; raises LookupError (writing nothing) when there is none by that id."""
        async with self.store.transaction(user_id, MEAL_BOOK) as book:
            if not any(m.id == meal_id for m in book.favourites):
                raise LookupError(meal_id)
            book.favourites = [m for m in book.favourites if m.id != meal_id]
            favourites = book.favourites
        return await self._meals_with(user_id, favourites)

    async def overview(self, *, user_id: str) -> LogOverview:
        """How far the user has come: the phone's last sync, the extent of their data, a meal logged."""
        context = await self.store.read(user_id, CONTEXT_STORE)
        with_data = [s for s in context.snapshots.values() if logbook.has_data(s)]
        return LogOverview(
            phone_synced_at=context.last_sync,
            first_date=min((s.date for s in with_data), default=None),
            days=len(with_data),
            meals_logged=any(s.nutrition.entry_count or s.nutrition.calories for s in with_data),
        )

    def _cached(
        self,
        key: tuple[object, ...],
        sources: tuple[BaseModel, ...],
        compute: Callable[[], BaseModel],
    ) -> bytes:
        return self.cache.body(key, sources, lambda: compute().model_dump_json().encode())

    async def context_json(self, *, user_id: str, days: int) -> bytes:
        """`ContextSummary` of the last `days` days, serialized; compliance uses the user's own targets."""
        context = await self.store.read(user_id, CONTEXT_STORE)
        profile = await self.store.read(user_id, PROFILE)
        today = await self.today(user_id)

        def compute() -> BaseModel:
            return context_summary(
                last_days(days, today=today).snapshots(context),
                protein_target=profile.protein_target,
                calorie_target=profile.calorie_target,
            )

        return self._cached((user_id, "context", days, today), (context, profile), compute)

    async def body_metrics_json(self, *, user_id: str, days: int) -> bytes:
        """`BodyMetricsResponse` of the last `days` days, serialized."""
        context = await self.store.read(user_id, CONTEXT_STORE)
        today = await self.today(user_id)

        def compute() -> BaseModel:
            return body_metrics(last_days(days, today=today).snapshots(context), today=today)

        return self._cached((user_id, "body-metrics", days, today), (context,), compute)

    async def snapshots(self, *, user_id: str, days: int) -> SnapshotsResponse:
        """The stored days of the last `days` days, abridged."""
        context: ContextStore = await self.store.read(user_id, CONTEXT_STORE)
        return snapshot_list(last_days(days, today=await self.today(user_id)).snapshots(context))
