"""Test documents and the bodies of the helper processes that hammer the store from outside the test process.

Process targets live here (not in the test modules) so a child started by the forkserver imports only this
small module and starts writing in milliseconds.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import threading
from multiprocessing.context import ForkServerContext
from multiprocessing.synchronize import Event
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from airfit.storage import Document, DocumentStore, register


class Counter(BaseModel):
    """A small document whose unknown keys survive a rewrite."""

    model_config = ConfigDict(extra="allow")

    count: int = 0
    note: str = ""


class Blob(BaseModel):
    """A large document for the crash test."""

    label: str = ""
    body: str = ""


COUNTER = register(Document("t_counter", Counter))
BLOB = register(Document("t_blob", Blob))

# Two distinct versions of 1 MB and 1.6 MB: a torn write could not parse as either.
BLOB_VERSIONS = (Blob(label="a", body="a" * 1_000_000), Blob(label="b", body="0123456789abcdef" * 100_000))


def forkserver() -> ForkServerContext:
    """A multiprocessing context whose children start from a process that already imported the store."""
    ctx = multiprocessing.get_context("forkserver")
    # Every child re-imports the parent's __main__ (pytest) and then this module (pydantic models, shared
    # memory): 0.4 s each unless the forkserver has them already. Python 3.11's forkserver ignores the
    # test's sys.path, so it cannot preload this module itself.
    ctx.set_forkserver_preload(
        [
            "pytest",
            "airfit.users.models",
            "multiprocessing.sharedctypes",
            "runpy",
            "pkgutil",
            "concurrent.futures.thread",
        ]
    )
    return ctx


def increment(root: str, scope: str, times: int, start: Event) -> None:
    """Add 1 to the counter `times` times, each in its own transaction."""

    async def run() -> None:
        store = DocumentStore(Path(root))
        for _ in range(times):
            async with store.transaction(scope, COUNTER) as counter:
                counter.count += 1

    start.wait(30)
    asyncio.run(run())


def hold_lock(root: str, scope: str, held: Event, release: Event) -> None:
    """Hold the counter's transaction (and so its cross-process lock) until told to let go."""

    async def run() -> None:
        store = DocumentStore(Path(root))
        async with store.transaction(scope, COUNTER) as counter:
            held.set()
            await asyncio.to_thread(release.wait, 30)
            counter.note = "written by the holder"

    asyncio.run(run())


def rewrite_forever(root: str, scope: str, writes: ctypes.c_int) -> None:
    """Alternate the blob between its two versions until killed (bounded by a watchdog anyway)."""
    threading.Timer(30, os._exit, args=(3,)).start()

    async def run() -> None:
        store = DocumentStore(Path(root))
        for i in range(100_000):
            await store.replace(scope, BLOB, BLOB_VERSIONS[(i + 1) % 2])
            # No lock around the shared count: a writer killed while holding it would block the test forever.
            writes.value += 1

    asyncio.run(run())
