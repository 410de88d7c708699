"""The composition root: every service built once, with the collaborators it needs, for one data directory.

Only the entry points import this module (`airfit.app` for the server, `airfit.cli` for the commands);
everything else is handed what it needs. The app publishes the services by type (`airfit.deps.publish`),
where a route's `provided(ServiceType)` dependency finds the one it asks for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, fields
from typing import Any

from airfit.background import Background
from airfit.backup.service import BackupService
from airfit.coach.service import Coach
from airfit.config import Settings
from airfit.deps import publish
from airfit.health.service import HealthService
from airfit.imports.service import ImportJobs
from airfit.insights.engine import InsightEngine
from airfit.llm.router import LLMRouter, discover
from airfit.locks import UserLocks
from airfit.nutrition.service import NutritionService
from airfit.profile.service import ProfileService
from airfit.scheduler.jobs import default_jobs
from airfit.scheduler.service import Scheduler
from airfit.status.service import ServerStatus
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
    profiles: ProfileService
    health: HealthService
    training: TrainingService
    nutrition: NutritionService
    coach: Coach
    insights: InsightEngine
    tools: DataTools
    scheduler: Scheduler
    signin: SignInCodes
    backup: BackupService
    status: ServerStatus
    imports: ImportJobs

    def publish(self, state: Any) -> None:
        """Make every service available to the routes of the app whose `state` this is."""
        publish(state, (getattr(self, item.name) for item in fields(self)))

    async def start(self) -> None:
        """Recover interrupted imports, register the configured users, report import jobs a stop cut short,
        start the scheduler if enabled."""
        for line in await asyncio.to_thread(self.store.recover_interrupted_imports):
            logger.warning("Start-up recovery: %s", line)
        added = await self.users.ensure(self.settings.initial_users)
        if added:
            logger.info("Registered users: %s", ", ".join(added))
        await self.imports.recover()
        unconfirmed = [t for t in await self.users.list_tokens() if t.unconfirmed]
        if unconfirmed:
            logger.warning(
                "%d token(s) were made in open mode without a credential and are refused in token mode until "
                "an admin confirms them (airfit users token list; airfit users token trust ID): %s",
                len(unconfirmed),
                ", ".join(f"{t.id} ({t.user_id}, {t.name})" for t in unconfirmed),
            )
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
    profiles = ProfileService(store, llm, seed_file=settings.seed_file)
    training = TrainingService(store, users, settings)
    tools = DataTools(store, users, settings)
    coach = Coach(store, users, llm, profiles, locks=locks, background=background, bind_tools=tools.bind)
    insights = InsightEngine(store, users, llm, coach, locks=locks)
    jobs = default_jobs(insights=insights, training=training, coach=coach, llm=llm)
    health = HealthService(store, users)
    return Services(
        settings=settings,
        store=store,
        users=users,
        locks=locks,
        background=background,
        llm=llm,
        profiles=profiles,
        health=health,
        training=training,
        nutrition=NutritionService(llm, profiles),
        coach=coach,
        insights=insights,
        tools=tools,
        scheduler=Scheduler(jobs, store=store, users=users, locks=locks),
        signin=SignInCodes(
            store,
            users,
            auth=settings.auth,
            picker=settings.user_picker,
            display_name=profiles.name_of,
        ),
        backup=BackupService(store),
        status=ServerStatus(settings, store, llm, training),
        imports=ImportJobs(store, health, users, background, training),
    )
