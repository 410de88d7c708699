"""Calls somebody waits for go first: background calls wait, and one already running is stopped and rerun."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from airfit.llm.priority import ForegroundFirst
from airfit.profile.models import PROFILE
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer, stored, wait_for

EXTRACT = "Extract only NEW information"


async def test_a_background_call_waits_while_a_foreground_call_runs() -> None:
    order: list[str] = []
    gate = ForegroundFirst()

    async def work() -> str:
        order.append("background")
        return "done"

    async with gate.foreground():
        waiting = asyncio.create_task(gate.background(work))
        await asyncio.sleep(0.05)
        order.append("foreground")
    assert await waiting == "done"
    assert order == ["foreground", "background"]
    assert gate.preempted == 0


async def test_a_running_background_call_is_stopped_and_run_again_after_the_foreground_call() -> None:
    gate = ForegroundFirst()
    started = asyncio.Event()
    runs: list[str] = []

    async def work() -> str:
        runs.append("start")
        started.set()
        await asyncio.sleep(0 if len(runs) > 1 else 30)
        runs.append("end")
        return "learned"

    background = asyncio.create_task(gate.background(work))
    await started.wait()
    async with gate.foreground():
        await asyncio.sleep(0.05)
        assert runs == ["start"]  # stopped, and not started again while the foreground call runs
    assert await asyncio.wait_for(background, 5) == "learned"
    assert runs == ["start", "start", "end"]
    assert gate.preempted == 1


async def test_cancelling_the_caller_of_a_background_call_cancels_it_for_good() -> None:
    gate = ForegroundFirst()
    started = asyncio.Event()
    runs = 0

    async def work() -> None:
        nonlocal runs
        runs += 1
        started.set()
        await asyncio.sleep(30)

    background = asyncio.create_task(gate.background(work))
    await started.wait()
    background.cancel()
    with pytest.raises(asyncio.CancelledError):
        await background
    assert runs == 1
    assert gate.preempted == 0


def test_a_chat_does_not_wait_behind_the_previous_replys_learning_on_a_one_slot_model(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    """The fake answers one request at a time, as llama.cpp with one slot: without the preemption the
    second chat would wait the whole minute the first reply's learning takes."""
    fake_openai.serial = True
    learning = Rule(match=EXTRACT, reply='{"new_constraints": ["No running after 9pm"]}', delay=60)
    fake_openai.rules = [learning]
    fake_openai.default = Rule(reply="Rest today.")
    live = start_server(**fake_openai.settings())
    with live.client("brian", timeout=30) as client:
        client.post("/profile/sync", json={"name": "Brian", "onboarding_complete": True}).raise_for_status()
        assert client.post("/chat", json={"message": "I run late, ok?"}).json()["success"] is True
        wait_for(lambda: fake_openai.received(EXTRACT) == 1)
        learning.delay = 0  # the learning call's second run answers at once
        assert client.post("/chat", json={"message": "And tomorrow?"}).json()["success"] is True
    assert [EXTRACT in str(r["messages"][-1]["content"]) for r in fake_openai.abandoned] == [True]
    wait_for(lambda: "No running after 9pm" in stored(live.settings, "brian", PROFILE).constraints)
