"""The Hevy client against the fake server: paging, tolerant parsing, retries and errors."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from airfit.training.client import (
    HevyAuthError,
    HevyClient,
    HevyRateLimitedError,
    HevyUnavailableError,
    RetryPolicy,
)
from tests.fakes.hevy import FakeHevy
from tests.training.conftest import BRIAN_KEY
from tests.training.workouts import workout

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=2.0)
BROKEN_KEY = "44444444-dddd-4ddd-8ddd-broken000004"


async def test_broken_workout_is_skipped_not_the_page(fake_hevy: FakeHevy) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    good = workout("good", start, [("Bench", [("normal", 100, 5)])], description=None)
    good["exercises"][0]["notes"] = None
    fake_hevy.add_account(
        BROKEN_KEY,
        [good, {"id": "bad", "start_time": "not a time", "exercises": []}, {"title": "no id"}],
    )
    client = HevyClient(fake_hevy.url, retry=FAST)
    try:
        page = await client.workouts_page(BROKEN_KEY, 1)
    finally:
        await client.aclose()
    assert [w.id for w in page.workouts] == ["good"]
    assert page.skipped == 2


async def test_broken_event_is_skipped_not_the_feed(fake_hevy: FakeHevy) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    fake_hevy.add_account(BROKEN_KEY, [workout("good", start, [("Bench", [("normal", 100, 5)])])])
    fake_hevy.accounts[BROKEN_KEY].events += [
        (start, {"type": "deleted", "id": "gone", "deleted_at": "2025-06-01T10:00:00", "extra": 1}),
        (start, {"type": "deleted", "id": ""}),
        (start, {"type": "created", "id": "x"}),
        (start, {"type": "updated", "workout": {"id": "bad", "start_time": "not a time"}}),
    ]
    client = HevyClient(fake_hevy.url, retry=FAST)
    try:
        feed = await client.events(BROKEN_KEY, datetime(2000, 1, 1, tzinfo=UTC))
    finally:
        await client.aclose()
    assert [e.workout.id for e in feed.events if e.workout] == ["good"]
    assert [(e.deleted_id, e.at) for e in feed.events if e.deleted_id] == [
        ("gone", datetime(2025, 6, 1, 10, tzinfo=UTC))
    ]
    assert feed.skipped == 3


async def test_pages_and_events(fake_hevy: FakeHevy) -> None:
    client = HevyClient(fake_hevy.url, retry=FAST)
    try:
        count = await client.workout_count(BRIAN_KEY)
        first = await client.workouts_page(BRIAN_KEY, 1)
        feed = await client.events(BRIAN_KEY, datetime(2000, 1, 1, tzinfo=UTC))
    finally:
        await client.aclose()
    assert len(first.workouts) == 10
    assert first.page_count == -(-count // 10)
    assert len(feed.events) == count
    assert [int(h.params["page"]) for h in fake_hevy.requests("/v1/workouts/events")] == list(
        range(1, -(-count // 10) + 1)
    )


async def test_5xx_is_retried_then_reported(fake_hevy: FakeHevy) -> None:
    client = HevyClient(fake_hevy.url, retry=FAST)
    try:
        fake_hevy.fail_next(2, status=502)
        assert await client.workout_count(BRIAN_KEY) > 0
        fake_hevy.fail_next(3, status=500)
        with pytest.raises(HevyUnavailableError, match="500"):
            await client.workout_count(BRIAN_KEY)
        fake_hevy.fail_next(3, status=429, retry_after="0")
        with pytest.raises(HevyRateLimitedError):
            await client.workout_count(BRIAN_KEY)
    finally:
        await client.aclose()


async def test_waits_are_the_policys(fake_hevy: FakeHevy) -> None:
    # 0.2 s then 0.4 s before the 5xx retries, then the 429's Retry-After: no jitter, no library default.
    client = HevyClient(fake_hevy.url, retry=RetryPolicy(attempts=4, base_delay=0.2, max_delay=2.0))
    fake_hevy.fail_next(2, status=503)
    fake_hevy.fail_next(1, status=429, retry_after="0.5")
    began = time.monotonic()
    try:
        assert await client.workout_count(BRIAN_KEY) > 0
    finally:
        await client.aclose()
    assert 1.0 <= time.monotonic() - began < 2.0


async def test_retry_after_beyond_the_cap_is_not_waited_for(fake_hevy: FakeHevy) -> None:
    client = HevyClient(fake_hevy.url, retry=FAST)
    fake_hevy.fail_next(1, status=429, retry_after="3600")
    began = time.monotonic()
    try:
        with pytest.raises(HevyRateLimitedError):
            await client.workout_count(BRIAN_KEY)
    finally:
        await client.aclose()
    assert time.monotonic() - began < 1.0


async def test_bad_key_and_unreachable(fake_hevy: FakeHevy) -> None:
    client = HevyClient(fake_hevy.url, retry=FAST)
    try:
        with pytest.raises(HevyAuthError):
            await client.workout_count("wrong")
        assert fake_hevy.requests("/v1/workouts/count")[-1].api_key == "wrong"
    finally:
        await client.aclose()
    dead = HevyClient("http://127.0.0.1:9", retry=FAST)
    try:
        with pytest.raises(HevyUnavailableError, match="cannot reach"):
            await dead.workout_count(BRIAN_KEY)
    finally:
        await dead.aclose()
