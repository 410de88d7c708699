"""FastAPI dependency aliases: the seams every route states its needs through.

A route asks for the one service it uses (`HealthDep`, `TrainingDep`, `CoachDep`, ...) and for the caller
(`CallerDep`, `UserIdDep`). The services are built once, where the server is composed (`airfit.services`),
and each is published on `app.state` under its own name; this module knows the service types, never the
composition, so no route can reach a service it did not ask for.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from airfit.background import Background
from airfit.coach.service import Coach
from airfit.config import Settings
from airfit.health.service import HealthService
from airfit.insights.engine import InsightEngine
from airfit.llm.router import LLMRouter
from airfit.scheduler.service import Scheduler
from airfit.storage import DocumentStore
from airfit.tools.binding import DataTools
from airfit.training.service import TrainingService
from airfit.users.identity import require_admin, resolve_caller
from airfit.users.models import Caller
from airfit.users.service import UserService
from airfit.users.signin import SignInCodes

# Every dependency is `async def`: FastAPI runs a plain `def` dependency in its thread pool, a thread hop
# per request that costs more than the work itself.


def _published(request: Request, name: str) -> Any:
    return getattr(request.app.state, name)


async def get_settings(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = _published(request, "settings")
    return settings


async def get_store(request: Request) -> DocumentStore:
    """The document store (for the domains whose routes read and write it through their own functions)."""
    store: DocumentStore = _published(request, "store")
    return store


async def get_users(request: Request) -> UserService:
    """The user registry and tokens."""
    users: UserService = _published(request, "users")
    return users


async def get_health(request: Request) -> HealthService:
    """Daily health and nutrition snapshots."""
    health: HealthService = _published(request, "health")
    return health


async def get_training(request: Request) -> TrainingService:
    """Hevy keys, syncs and training views."""
    training: TrainingService = _published(request, "training")
    return training


async def get_llm(request: Request) -> LLMRouter:
    """The LLM router."""
    llm: LLMRouter = _published(request, "llm")
    return llm


async def get_insights(request: Request) -> InsightEngine:
    """Insight generation and listing."""
    insights: InsightEngine = _published(request, "insights")
    return insights


async def get_coach(request: Request) -> Coach:
    """The coach."""
    coach: Coach = _published(request, "coach")
    return coach


async def get_tools(request: Request) -> DataTools:
    """The data tools, bound per user."""
    tools: DataTools = _published(request, "tools")
    return tools


async def get_scheduler(request: Request) -> Scheduler:
    """The background scheduler."""
    scheduler: Scheduler = _published(request, "scheduler")
    return scheduler


async def get_signin(request: Request) -> SignInCodes:
    """One-time sign-in codes (one instance, so wrong-code counts survive between requests)."""
    signin: SignInCodes = _published(request, "signin")
    return signin


async def get_caller(request: Request) -> Caller:
    """The user this request acts for (see `airfit.users.identity`)."""
    background: Background = _published(request, "background")
    return await resolve_caller(
        request, users=await get_users(request), settings=await get_settings(request), background=background
    )


async def get_user_id(caller: Annotated[Caller, Depends(get_caller)]) -> str:
    """Just the calling user's id."""
    return caller.user_id


async def get_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold an admin token."""
    return require_admin(caller)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[DocumentStore, Depends(get_store)]
UsersDep = Annotated[UserService, Depends(get_users)]
HealthDep = Annotated[HealthService, Depends(get_health)]
TrainingDep = Annotated[TrainingService, Depends(get_training)]
LLMDep = Annotated[LLMRouter, Depends(get_llm)]
InsightsDep = Annotated[InsightEngine, Depends(get_insights)]
CoachDep = Annotated[Coach, Depends(get_coach)]
ToolsDep = Annotated[DataTools, Depends(get_tools)]
SchedulerDep = Annotated[Scheduler, Depends(get_scheduler)]
SignInDep = Annotated[SignInCodes, Depends(get_signin)]
CallerDep = Annotated[Caller, Depends(get_caller)]
UserIdDep = Annotated[str, Depends(get_user_id)]
AdminDep = Annotated[Caller, Depends(get_admin)]
