"""What the running server holds: settings, the document store and the domain services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from airfit.config import Settings
from airfit.health.cache import ResponseCache
from airfit.health.service import HealthService
from airfit.insights.engine import InsightEngine
from airfit.llm.router import LLMRouter, discover
from airfit.scheduler.service import Scheduler
from airfit.storage import DocumentStore
from airfit.training.service import TrainingService
from airfit.users.service import UserService

logger = logging.getLogger(__name__)


@dataclass
class AppState:
    """Shared by every request; holds no user's data itself (that lives in the store)."""

    settings: Settings
    store: DocumentStore
    users: UserService
    health: HealthService
    training: TrainingService
    llm: LLMRouter
    chat_context_cache: ResponseCache = field(default_factory=ResponseCache)
    """The coach's rendered data-context blocks per user, valid while their source documents are unchanged."""
    insights: InsightEngine = field(default_factory=InsightEngine)
    # Jobs are added by the app (`airfit.scheduler.jobs`), which may import every domain; this module may not.
    scheduler: Scheduler = field(default_factory=Scheduler)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run follow-up work in the background, keeping a reference and logging its failure."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Background task %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self, timeout: float = 10.0) -> None:
        """Let background work finish (bounded), then cancel what is left."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.llm.settle(), timeout)
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)


def build_state(settings: Settings) -> AppState:
    """Create the services for one data directory."""
    store = DocumentStore(settings.data_dir)
    users = UserService(store, default_timezone=settings.timezone)
    return AppState(
        settings=settings,
        store=store,
        users=users,
        health=HealthService(store, users),
        training=TrainingService(store, users, settings),
        llm=LLMRouter(settings, store, discover(settings)),
    )
