"""Concurrent writers on one document: coroutines, real processes, and cancelled lock holders."""

from __future__ import annotations

import asyncio
import fcntl
import threading
from pathlib import Path

import pytest

from airfit.storage import DocumentStore
from tests.live import stored
from tests.storage.workers import COUNTER, Counter, forkserver, hold_lock, increment

pytestmark = pytest.mark.timeout(60)


async def test_200_coroutines_lose_no_increment(data_dir: Path) -> None:
    store = DocumentStore(data_dir)

    async def bump() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            value = counter.count
            await asyncio.sleep(0)  # let every other coroutine try to get in between the read and the write
            counter.count = value + 1

    await asyncio.gather(*(bump() for _ in range(200)))
    assert (await store.read("brian", COUNTER)).count == 200
    assert stored(data_dir, "brian", COUNTER).count == 200


async def test_four_processes_lose_no_increment(data_dir: Path) -> None:
    ctx = forkserver()
    go = ctx.Event()
    workers = [ctx.Process(target=increment, args=(str(data_dir), "brian", 100, go)) for _ in range(4)]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        await asyncio.to_thread(worker.join, 50)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert stored(data_dir, "brian", COUNTER).count == 400


async def test_cancelled_while_waiting_for_another_process_leaves_no_lock(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request cancelled while the CLI holds the document's lock must not keep that lock afterwards."""
    store = DocumentStore(data_dir)
    asked = threading.Event()
    flock = fcntl.flock

    def observed_flock(fd: int, operation: int) -> None:
        if operation == fcntl.LOCK_EX:
            asked.set()
        flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", observed_flock)
    ctx = forkserver()
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold_lock, args=(str(data_dir), "brian", held, release))
    holder.start()
    assert await asyncio.to_thread(held.wait, 20)

    async def never_saved() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            counter.count = 99

    waiting = asyncio.create_task(never_saved())
    # It has asked for the file lock the other process holds, and waits for it in a worker thread.
    assert await asyncio.to_thread(asked.wait, 10)
    waiting.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.to_thread(holder.join, 20)
    assert holder.exitcode == 0

    # Nobody keeps the lock: another process gets it (checked there, so a lock kept here fails the test
    # instead of blocking one of this process's threads for good), and so does this process.
    go = ctx.Event()
    go.set()
    writer = ctx.Process(target=increment, args=(str(data_dir), "brian", 1, go))
    writer.start()
    await asyncio.to_thread(writer.join, 20)
    if writer.exitcode is None:
        writer.kill()
        await asyncio.to_thread(writer.join, 5)
    assert writer.exitcode == 0, "the cancelled transaction kept the file lock"

    async def bump() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            counter.count += 1

    await asyncio.wait_for(bump(), timeout=5)
    assert stored(data_dir, "brian", COUNTER) == Counter(count=2, note="written by the holder")


async def test_cancelled_holder_and_waiters_release_the_lock(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DocumentStore(data_dir)
    entered = asyncio.Event()
    queued = 0
    all_queued = asyncio.Event()
    acquire = asyncio.Lock.acquire

    async def observed_acquire(lock: asyncio.Lock) -> bool:
        nonlocal queued
        if lock.locked():
            queued += 1
            if queued == 5:
                all_queued.set()
        return await acquire(lock)

    monkeypatch.setattr(asyncio.Lock, "acquire", observed_acquire)

    async def hold_forever() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            counter.count = 50
            entered.set()
            await asyncio.Event().wait()

    async def wait_then_bump() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            counter.count += 1

    holder = asyncio.create_task(hold_forever())
    await entered.wait()
    waiters = [asyncio.create_task(wait_then_bump()) for _ in range(5)]
    await asyncio.wait_for(all_queued.wait(), 5)  # every waiter waits for the lock the holder keeps
    waiters[0].cancel()
    holder.cancel()
    results = await asyncio.wait_for(asyncio.gather(holder, *waiters, return_exceptions=True), 10)
    assert [isinstance(r, asyncio.CancelledError) for r in results] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]

    await asyncio.wait_for(wait_then_bump(), timeout=5)
    assert stored(data_dir, "brian", COUNTER).count == 5
