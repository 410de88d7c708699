"""A local fake of the Hevy API (real HTTP on 127.0.0.1) following its public shapes.

`GET /v1/workouts?page&pageSize` -> `{page, page_count, workouts}` (pageSize at most 10),
`GET /v1/workouts/events?page&pageSize&since` -> `{page, page_count, events}` (newest first),
`GET /v1/workouts/count` -> `{workout_count}`; header `api-key` selects the account, anything else is 401.
Tests change data between syncs and script failures (5xx, 429 with Retry-After, a broken page).
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from airfit import demo

MAX_PAGE_SIZE = 10


def generated_workouts(weeks: int, seed: int = 1, end: str | None = None) -> list[dict[str, Any]]:
    """Generated workouts (`airfit.demo`), newest first, ending yesterday (UTC) by default.

    Workouts are stamped up to about 20:00 UTC of the end date; ending today would put some of them in the
    future whenever a test runs early in the UTC day, and a change feed with future events is not Hevy's.
    """
    end = end or (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    return demo.workouts(weeks, seed, end)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _event_time(workout: dict[str, Any]) -> datetime:
    """When a workout was last changed; malformed test workouts count as long ago."""
    try:
        return _parse(str(workout.get("updated_at") or workout.get("start_time")))
    except ValueError:
        return datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class Account:
    """One Hevy user's data and change feed."""

    workouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Failure:
    """A scripted answer instead of the real one."""

    status: int
    retry_after: str | None = None


@dataclass
class Hit:
    """One request the fake received."""

    path: str
    params: dict[str, str]
    api_key: str | None
    at: float


class FakeHevy:
    """The fake's state; every method is thread-safe (the server runs in another thread)."""

    def __init__(self) -> None:
        self.url = ""
        self.accounts: dict[str, Account] = {}
        self.hits: list[Hit] = []
        self._failures: list[Failure] = []
        self._broken_from_page: int | None = None
        self._lock = threading.Lock()

    # -- data --------------------------------------------------------------------------------------------

    def add_account(self, api_key: str, workouts: list[dict[str, Any]]) -> None:
        """Create an account holding these workouts (each also appears as an "updated" event)."""
        account = Account()
        for workout in workouts:
            account.workouts[workout.get("id") or f"no-id-{len(account.workouts)}"] = copy.deepcopy(workout)
            at = _event_time(workout)
            account.events.append((at, {"type": "updated", "workout": copy.deepcopy(workout)}))
        with self._lock:
            self.accounts[api_key] = account

    def put_workout(self, api_key: str, workout: dict[str, Any]) -> dict[str, Any]:
        """Create or edit a workout now (as the Hevy app would); returns the stored copy."""
        now = datetime.now(UTC)
        stored = copy.deepcopy(workout)
        stored["updated_at"] = _iso(now)
        with self._lock:
            account = self.accounts[api_key]
            account.workouts[stored["id"]] = stored
            account.events.append((now, {"type": "updated", "workout": copy.deepcopy(stored)}))
        return stored

    def delete_workout(self, api_key: str, workout_id: str) -> None:
        """Delete a workout now."""
        now = datetime.now(UTC)
        with self._lock:
            account = self.accounts[api_key]
            del account.workouts[workout_id]
            account.events.append((now, {"type": "deleted", "id": workout_id, "deleted_at": _iso(now)}))

    def workout(self, api_key: str, workout_id: str) -> dict[str, Any]:
        """A copy of a stored workout."""
        with self._lock:
            return copy.deepcopy(self.accounts[api_key].workouts[workout_id])

    # -- failures ----------------------------------------------------------------------------------------

    def fail_next(self, count: int, status: int = 500, retry_after: str | None = None) -> None:
        """Answer the next `count` requests with `status` (and a Retry-After header if given)."""
        with self._lock:
            self._failures.extend(Failure(status, retry_after) for _ in range(count))

    def break_from_page(self, page: int | None) -> None:
        """Answer 503 for every `/v1/workouts` page from `page` on (None: heal)."""
        with self._lock:
            self._broken_from_page = page

    def requests(self, path: str) -> list[Hit]:
        """Requests received on one path."""
        with self._lock:
            return [h for h in self.hits if h.path == path]

    # -- HTTP --------------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Route("/v1/workouts", self._workouts),
                Route("/v1/workouts/count", self._count),
                Route("/v1/workouts/events", self._events),
            ]
        )

    def _enter(self, request: Request) -> tuple[Account | None, JSONResponse | None]:
        key = request.headers.get("api-key")
        with self._lock:
            self.hits.append(Hit(request.url.path, dict(request.query_params), key, time.monotonic()))
            if self._failures:
                failure = self._failures.pop(0)
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                return None, JSONResponse({"error": "scripted"}, failure.status, headers=headers)
            account = self.accounts.get(key or "")
        if account is None:
            return None, JSONResponse({"error": "Unauthorized"}, 401)
        return account, None

    @staticmethod
    def _paging(request: Request) -> tuple[int, int] | JSONResponse:
        try:
            page = int(request.query_params.get("page", "1"))
            size = int(request.query_params.get("pageSize", "5"))
        except ValueError:
            return JSONResponse({"error": "page and pageSize must be integers"}, 400)
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            return JSONResponse({"error": f"pageSize must be between 1 and {MAX_PAGE_SIZE}"}, 400)
        return page, size

    async def _workouts(self, request: Request) -> JSONResponse:
        account, refusal = self._enter(request)
        if refusal is not None:
            return refusal
        paging = self._paging(request)
        if isinstance(paging, JSONResponse):
            return paging
        page, size = paging
        with self._lock:
            if self._broken_from_page is not None and page >= self._broken_from_page:
                return JSONResponse({"error": "unavailable"}, 503)
            assert account is not None
            items = sorted(account.workouts.values(), key=lambda w: str(w.get("start_time")), reverse=True)
            chunk = copy.deepcopy(items[(page - 1) * size : page * size])
        return JSONResponse({"page": page, "page_count": math.ceil(len(items) / size), "workouts": chunk})

    async def _count(self, request: Request) -> JSONResponse:
        account, refusal = self._enter(request)
        if refusal is not None:
            return refusal
        assert account is not None
        with self._lock:
            return JSONResponse({"workout_count": len(account.workouts)})

    async def _events(self, request: Request) -> JSONResponse:
        account, refusal = self._enter(request)
        if refusal is not None:
            return refusal
        paging = self._paging(request)
        if isinstance(paging, JSONResponse):
            return paging
        page, size = paging
        try:
            since = _parse(request.query_params.get("since", "1970-01-01T00:00:00Z"))
        except ValueError:
            return JSONResponse({"error": "since must be an ISO date"}, 400)
        assert account is not None
        with self._lock:
            events = [e for at, e in sorted(account.events, key=lambda p: p[0], reverse=True) if at > since]
            chunk = copy.deepcopy(events[(page - 1) * size : page * size])
        return JSONResponse(
            {"page": page, "page_count": max(1, math.ceil(len(events) / size)), "events": chunk}
        )


@contextmanager
def running_fake_hevy() -> Iterator[FakeHevy]:
    """Serve a FakeHevy on 127.0.0.1 in a background thread; stops on exit."""
    fake = FakeHevy()
    config = uvicorn.Config(fake.app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-hevy", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("fake Hevy did not start")
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=15)
