"""The scheduler: per-user isolation, backoff, clean shutdown, legacy state and the caller-only endpoints."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from airfit.config import Settings
from airfit.scheduler.models import SCHEDULER_STATE, JobOutcome
from airfit.scheduler.service import FIRST_BACKOFF, Job, Scheduler
from airfit.services import build_services
from tests.fakes.clis import FakeClis
from tests.insights.data import flat_days, inject, snapshot, store_days
from tests.live import LiveServer, make_settings


async def _wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_one_users_failing_job_does_not_delay_anothers(settings: Settings) -> None:
    state = build_services(settings)
    await state.users.ensure(settings.initial_users)
    finished: dict[str, float] = {}
    release = asyncio.Event()

    async def probe(user_id: str) -> JobOutcome:
        if user_id == "brian":
            await release.wait()
            raise RuntimeError("Hevy is down")
        finished[user_id] = time.monotonic()
        return JobOutcome(status="success", job="probe", detail="ok")

    scheduler = Scheduler(
        [Job("probe", timedelta(hours=1), probe)],
        store=state.store,
        users=state.users,
        tick=0.02,
        stagger_span=0,
    )
    scheduler.start()
    try:
        await _wait_for(lambda: {"david", "jonathan"} <= finished.keys())
        assert scheduler.running("brian", "probe")
        release.set()
        await _wait_for(lambda: not scheduler.running("brian", "probe"))
        brian = (await state.store.read("brian", SCHEDULER_STATE)).jobs["probe"]
        david = (await state.store.read("david", SCHEDULER_STATE)).jobs["probe"]
    finally:
        await scheduler.stop()
    assert not scheduler.is_running
    assert (brian.last_status, brian.last_error, brian.consecutive_failures) == (
        "error",
        "RuntimeError: Hevy is down",
        1,
    )
    assert brian.last_success is None
    assert brian.next_due is not None
    assert brian.last_run is not None
    assert brian.next_due - brian.last_run == FIRST_BACKOFF
    assert (david.last_status, david.consecutive_failures) == ("success", 0)
    assert david.next_due is not None
    assert david.last_run is not None
    assert david.next_due - david.last_run == timedelta(hours=1)


async def test_stop_cancels_jobs_in_flight(settings: Settings) -> None:
    state = build_services(settings)
    await state.users.ensure(settings.initial_users)
    started = asyncio.Event()

    async def forever(_: str) -> JobOutcome:
        started.set()
        await asyncio.sleep(3600)
        raise AssertionError("never reached")

    scheduler = Scheduler(
        [Job("slow", timedelta(hours=1), forever)],
        store=state.store,
        users=state.users,
        tick=0.02,
        stagger_span=0,
    )
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(scheduler.stop(), 5)
    assert not scheduler.is_running
    assert not any(scheduler.running(u, "slow") for u in settings.initial_users)


def _weight_loss(data_dir: Path, user: str) -> None:
    days = flat_days(90, 21, datetime.now(UTC).date())
    inject(days, 28, lambda i, d: d.update(weight_lbs=round(185 - 0.2 * i, 1)))
    store_days(data_dir, user, [snapshot(d) for d in days])


def test_trigger_acts_for_the_caller_only_and_respects_the_interval(
    server: LiveServer, data_dir: Path
) -> None:
    _weight_loss(data_dir, "brian")
    _weight_loss(data_dir, "david")
    with server.client("brian") as brian, server.client("david") as david:
        ran = brian.post("/scheduler/trigger-insights", params={"force": "true"}).json()
        again = brian.post("/scheduler/trigger-insights").json()
        mine = brian.get("/scheduler/status").json()
        theirs = david.get("/scheduler/status").json()
        assert david.get("/insights").json() == []
    assert ran["status"] == "success"
    assert ran["count"] == 1
    assert "No LLM provider" in ran["detail"]
    assert again["status"] == "skipped"
    assert 5.9 < again["next_run_in_hours"] <= 6
    assert mine["is_running"] is False
    assert mine["last_insight_generation"] is not None
    assert mine["insights_generated_today"] == 1
    assert mine["jobs"]["insights"]["last_status"] == "success"
    assert theirs["last_insight_generation"] is None
    assert theirs["insights_generated_today"] == 0


def test_legacy_state_is_read_and_an_overdue_job_runs_at_start(
    start_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    (data_dir / "brian").mkdir()
    legacy = {
        "last_insight_generation": "2026-01-05T10:00:00",
        "insights_generated_today": 41,
        "generation_error": "boom",
        "insight_generation_interval_hours": 1,
        "surprise": True,
    }
    (data_dir / "brian" / "scheduler_state.json").write_bytes(orjson.dumps(legacy))
    with start_server().client("brian") as c:
        status = c.get("/scheduler/status").json()
    assert status["is_running"] is False
    assert status["last_insight_generation"].startswith("2026-01-05")
    assert status["next_insight_generation"] is None
    assert status["insights_generated_today"] == 0
    assert status["jobs"]["insights"]["interval_hours"] == 6

    with start_server(scheduler=True).client("brian") as c:
        deadline = time.monotonic() + 10
        while not (status := c.get("/scheduler/status").json())["last_insight_generation"].startswith(
            datetime.now(UTC).date().isoformat()
        ):
            assert time.monotonic() < deadline, status
            time.sleep(0.05)
    assert status["is_running"] is True
    assert status["jobs"]["insights"]["last_status"] == "success"
    assert status["next_insight_generation"] > status["last_insight_generation"]


async def test_memory_consolidation_job_needs_an_llm(data_dir: Path, fake_clis: FakeClis) -> None:
    for overrides, expected in [({}, "skipped"), (fake_clis.settings("claude"), "success")]:
        state = build_services(make_settings(data_dir, **overrides))
        await state.users.ensure(["brian"])
        outcome = await state.scheduler.run_job("brian", "memory_consolidation")
        assert outcome.status == expected, outcome
        record = (await state.store.read("brian", SCHEDULER_STATE)).jobs["memory_consolidation"]
        assert record.last_status == expected
