"""The composition root: every service built once, with the collaborators it needs, for one data directory.

Only the entry points import this module (`airfit.app` for the server, `airfit.cli` for the commands);
everything else is handed what it needs. The app publishes each service on `app.state` under its field
name, where `airfit.deps` finds it for the routes that ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, fields
from typing import Any

from airfit.background import Background
from airfit.coach.service import Coach
from airfit.config import Settings
from airfit.health.service import HealthService
from airfit.insights.engine import InsightEngine
from airfit.llm.router import LLMRouter, discover
from airfit.locks import UserLocks
from airfit.scheduler.jobs import default_jobs
from airfit.scheduler.service import Scheduler
from airfit.storage import DocumentStore
from airfit.tools.binding import DataTools
from airfit.training.service import TrainingService
from airfit.users.service import UserService
from airfit.users.signin import SignInCodes

logger = logging.getLogger(__name__)

SETTLE_TIMEOUT = 10.0
"""Seconds shutdown waits for answered chat turns to be stored, and then for background work."""


@dataclass(frozen=True)
class Services:
    """The server's services; none of them holds another's container, only the collaborators it uses."""

    settings: Settings
    store: DocumentStore
    users: UserService
    locks: UserLocks
    background: Background
    llm: LLMRouter
    health: HealthService
    training: TrainingService
    insights: InsightEngine
    tools: DataTools
    coach: Coach
    scheduler: Scheduler
    signin: SignInCodes

    def publish(self, target: Any) -> None:
        """Set every service as an attribute of `target` (the app's `state`) under its field name."""
        for item in fields(self):
            setattr(target, item.name, getattr(self, item.name))

    async def start(self) -> None:
        """Recover interrupted imports, register the configured users, start the scheduler if enabled."""
        for line in await asyncio.to_thread(self.store.recover_interrupted_imports):
            logger.warning("Start-up recovery: %s", line)
        added = await self.users.ensure(self.settings.initial_users)
        if added:
            logger.info("Registered users: %s", ", ".join(added))
        if self.settings.scheduler:
            self.scheduler.start()

    async def close(self) -> None:
        """Stop the scheduler, let answered turns and follow-up work finish (bounded), close Hevy."""
        await self.scheduler.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.llm.settle(), SETTLE_TIMEOUT)
        await self.background.drain(SETTLE_TIMEOUT)
        await self.training.aclose()


def build_services(settings: Settings) -> Services:
    """Create the services for one data directory (nothing starts until `start`)."""
    store = DocumentStore(settings.data_dir)
    users = UserService(store, default_timezone=settings.timezone)
    locks = UserLocks()
    background = Background()
    llm = LLMRouter(settings, store, discover(settings), locks=locks)
    training = TrainingService(store, users, settings)
    insights = InsightEngine(store, users, llm, locks=locks)
    tools = DataTools(store, users, settings)
    coach = Coach(store, users, llm, locks=locks, background=background, bind_tools=tools.bind)
    jobs = default_jobs(insights=insights, training=training, coach=coach, llm=llm)
    return Services(
        settings=settings,
        store=store,
        users=users,
        locks=locks,
        background=background,
        llm=llm,
        health=HealthService(store, users),
        training=training,
        insights=insights,
        tools=tools,
        coach=coach,
        scheduler=Scheduler(jobs, store=store, users=users, locks=locks),
        signin=SignInCodes(store, users),
    )
