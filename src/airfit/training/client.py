"""A thin client for the four Hevy endpoints the sync needs (`api-key` header, 1-based pages).

One `httpx2.AsyncClient` serves every user; the key is passed per call and never logged. 429 and 5xx are
retried a bounded number of times with exponential backoff (`stamina`), honouring `Retry-After` up to a cap.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx2
import stamina
from pydantic import BaseModel, TypeAdapter, ValidationError

from airfit.training.models import (
    HevyCount,
    HevyDeleted,
    HevyEvent,
    HevyEventsPage,
    HevyPage,
    HevyWorkout,
    HevyWorkoutsPage,
    Workout,
)

logger = logging.getLogger(__name__)

# Hevy refuses a workouts pageSize above 10.
PAGE_SIZE = 10
# A sync walks at most this many pages of one feed: 2,000 workouts is decades of training.
MAX_PAGES = 200
TIMEOUT = httpx2.Timeout(15.0, connect=5.0)
_EVENT: TypeAdapter[HevyEvent] = TypeAdapter(HevyEvent)
A = TypeVar("A", bound=BaseModel)
P = TypeVar("P", bound=HevyPage)


class HevyError(Exception):
    """Hevy could not be used."""


class HevyAuthError(HevyError):
    """Hevy refused the API key (401/403)."""


class HevyUnavailableError(HevyError):
    """Hevy is unreachable, answered 5xx, or answered something that is not its API."""


class HevyRateLimitedError(HevyUnavailableError):
    """Hevy kept answering 429; `retry_after` is the wait it asked for, in seconds, if it named one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HevyServerError(HevyUnavailableError):
    """Hevy kept answering 5xx."""


@dataclass(frozen=True)
class WorkoutsPage:
    """One page of `GET /v1/workouts`, broken workouts already skipped."""

    page: int
    page_count: int | None
    workouts: list[Workout]
    skipped: int = 0


@dataclass(frozen=True)
class WorkoutEvent:
    """One entry of the events feed: an updated workout or a deleted id."""

    deleted_id: str | None = None
    workout: Workout | None = None
    at: datetime | None = None


@dataclass
class EventsResult:
    """All events since an instant, newest first as Hevy sends them."""

    events: list[WorkoutEvent] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in total, the first backoff delay (doubling), and the longest wait."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 10.0


def parse_workout(raw: Any) -> Workout | None:
    """A workout from Hevy's JSON, or None (logged) when it lacks an id or a usable start time."""
    try:
        return HevyWorkout.model_validate(raw).to_stored()
    except ValidationError as exc:
        wid = raw.get("id") if isinstance(raw, dict) else None
        logger.warning("Skipped an unreadable Hevy workout %s: %s", wid, _first_error(exc))
        return None


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HevyClient:
    """Calls Hevy for any user; create one per application and `aclose()` it on shutdown."""

    def __init__(
        self,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._retrying = stamina.AsyncRetryingCaller(
            attempts=self.retry.attempts,
            timeout=None,
            wait_initial=self.retry.base_delay,
            wait_max=self.retry.max_delay,
            wait_jitter=0,
        ).on(self._backoff)
        self._http = httpx2.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=TIMEOUT,
            headers={"Accept": "application/json"},
            transport=transport,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def workout_count(self, api_key: str) -> int:
        """`GET /v1/workouts/count`; also how a key is validated."""
        return (await self._get(api_key, "/v1/workouts/count", {}, HevyCount)).workout_count

    async def workouts_page(self, api_key: str, page: int) -> WorkoutsPage:
        """One page of workouts, newest first."""
        params = {"page": page, "pageSize": PAGE_SIZE}
        body = await self._get(api_key, "/v1/workouts", params, HevyWorkoutsPage)
        parsed = [parse_workout(item) for item in body.workouts]
        workouts = [w for w in parsed if w is not None]
        return WorkoutsPage(page, body.page_count, workouts, skipped=len(parsed) - len(workouts))

    async def events(self, api_key: str, since: datetime) -> EventsResult:
        """Every update and deletion since `since`, all pages."""
        result = EventsResult()
        async for body in self._pages(api_key, "/v1/workouts/events", {"since": _iso(since)}, HevyEventsPage):
            for item in body.events:
                event = _parse_event(item)
                if event is None:
                    result.skipped += 1
                else:
                    result.events.append(event)
        return result

    async def _pages(
        self, api_key: str, path: str, params: dict[str, Any], answer: type[P]
    ) -> AsyncIterator[P]:
        for page in range(1, MAX_PAGES + 1):
            body = await self._get(api_key, path, {**params, "page": page, "pageSize": PAGE_SIZE}, answer)
            yield body
            if body.page_count is None or page >= body.page_count:
                return

    async def _get(self, api_key: str, path: str, params: dict[str, Any], answer: type[A]) -> A:
        return await self._retrying(self._get_once, api_key, path, params, answer)

    async def _get_once(self, api_key: str, path: str, params: dict[str, Any], answer: type[A]) -> A:
        response = await self._send(path, params, api_key)
        status = response.status_code
        if status in (401, 403):
            raise HevyAuthError(f"Hevy rejected the API key (HTTP {status})")
        if status == 429:
            raise HevyRateLimitedError(
                "Hevy is rate limiting requests; try again later", retry_after=_retry_after(response)
            )
        if status >= 500:
            raise HevyServerError(f"Hevy answered HTTP {status}")
        if status != 200:
            raise HevyUnavailableError(f"Hevy answered HTTP {status} on {path}")
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise HevyUnavailableError(f"unreadable answer from Hevy on {path}: {_first_error(exc)}") from exc

    def _backoff(self, exc: Exception) -> bool | float:
        """Whether stamina tries again after `exc`, or how long it waits first (a 429's Retry-After).

        A Retry-After beyond the longest wait is not waited for: the sync fails now and runs again later.
        """
        if isinstance(exc, HevyRateLimitedError) and exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self.retry.max_delay else False
        return isinstance(exc, HevyRateLimitedError | HevyServerError)

    async def _send(self, path: str, params: dict[str, Any], api_key: str) -> httpx2.Response:
        try:
            return await self._http.get(path, params=params, headers={"api-key": api_key})
        except httpx2.TimeoutException as exc:
            raise HevyUnavailableError("Hevy did not answer in time") from exc
        except httpx2.TransportError as exc:
            raise HevyUnavailableError(f"cannot reach Hevy: {type(exc).__name__}") from exc


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _parse_event(item: Any) -> WorkoutEvent | None:
    try:
        event = _EVENT.validate_python(item)
    except ValidationError as exc:
        logger.warning("Skipped an unreadable Hevy event: %s", _first_error(exc))
        return None
    if isinstance(event, HevyDeleted):
        return WorkoutEvent(deleted_id=event.id, at=event.deleted_at)
    workout = event.workout.to_stored()
    return WorkoutEvent(workout=workout, at=workout.updated_at)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
