"""Calls someone is waiting for go first; background calls (learning, memory, scheduled insights) give way.

A local model usually answers one request at a time, so a chat reply would otherwise wait behind the
profile learning of the previous reply (real SmolLM2 on two cores: 28.6 s instead of 13.7 s for a second
turn sent as soon as the first was answered). A background call waits while any foreground call runs,
and one already running when a foreground call starts is cancelled (its connection or process closes,
and llama.cpp, Ollama and the CLIs stop working on it) and run again from the start once the foreground
calls are done. Background calls are stateless, so running one again is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class ForegroundFirst:
    """Orders one server's LLM calls: foreground calls never wait for background ones."""

    def __init__(self) -> None:
        self._foreground = 0
        self._clear = asyncio.Event()
        self._clear.set()
        self._background: set[asyncio.Task[Any]] = set()
        self.preempted = 0
        """Background calls cancelled so far to let a foreground call go first (each ran again)."""

    @asynccontextmanager
    async def foreground(self) -> AsyncIterator[None]:
        """Around a call someone is waiting for: running background calls are stopped, new ones wait."""
        self._foreground += 1
        self._clear.clear()
        for task in self._background:
            task.cancel()
        try:
            yield
        finally:
            self._foreground -= 1
            if self._foreground == 0:
                self._clear.set()

    async def background(self, call: Callable[[], Awaitable[T]]) -> T:
        """`call()` once no foreground call is running, from the start again each time one interrupts it."""
        while True:
            await self._clear.wait()
            task: asyncio.Task[T] = asyncio.ensure_future(call())
            self._background.add(task)
            try:
                return await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # the caller itself was cancelled (shutdown, a client gone): not a preemption
                self.preempted += 1
                logger.info("A background LLM call gave way to a foreground one; it runs again later")
            finally:
                self._background.discard(task)
