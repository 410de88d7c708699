"""Fixtures: a fake Hevy with brian's and david's accounts, and AirFit servers pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakes.hevy import FakeHevy, generated_workouts, running_fake_hevy
from tests.live import LiveServer

BRIAN_KEY = "11111111-aaaa-4aaa-8aaa-brian0000001"
DAVID_KEY = "22222222-bbbb-4bbb-8bbb-david0000002"


@pytest.fixture
def fake_hevy() -> Iterator[FakeHevy]:
    """A fake Hevy: brian has 12 weeks of workouts, david 6 weeks from another seed."""
    with running_fake_hevy() as fake:
        fake.add_account(BRIAN_KEY, generated_workouts(12, seed=1))
        fake.add_account(DAVID_KEY, generated_workouts(6, seed=7))
        yield fake


@pytest.fixture
def hevy_server(start_server: Callable[..., LiveServer], fake_hevy: FakeHevy) -> Callable[..., LiveServer]:
    """Start an AirFit server that talks to the fake Hevy with fast retries."""

    def start(**overrides: Any) -> LiveServer:
        overrides.setdefault("hevy_base_url", fake_hevy.url)
        overrides.setdefault("hevy_retry_delay", 0.01)
        return start_server(**overrides)

    return start


def connect(live: LiveServer, user: str, key: str) -> dict[str, Any]:
    """Store a user's key over HTTP and wait for the sync it starts; returns the sync's answer."""
    with live.client(user) as c:
        stored = c.put("/hevy/key", json={"api_key": key})
        assert stored.status_code == 200, stored.text
        synced = c.post("/training/sync")
    assert synced.status_code == 200, synced.text
    return synced.json()  # type: ignore[no-any-return]
