"""Scheduler endpoints: the caller's job status and triggers that act for the caller only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from airfit.deps import provided
from airfit.insights.routes import InsightsDep
from airfit.scheduler.models import JobOutcome, SchedulerStatus
from airfit.scheduler.report import read_status
from airfit.scheduler.service import Scheduler
from airfit.users.identity import UserIdDep

router = APIRouter(prefix="/scheduler", tags=["scheduler"])
SchedulerDep = Annotated[Scheduler, Depends(provided(Scheduler))]


@router.get("/status", response_model=SchedulerStatus)
async def scheduler_status(
    scheduler: SchedulerDep, insights: InsightsDep, user_id: UserIdDep
) -> SchedulerStatus:
    """What the scheduler did and will do for the caller."""
    return await read_status(scheduler=scheduler, insights=insights, user_id=user_id)


@router.post("/trigger-insights", response_model=JobOutcome)
async def trigger_insights(scheduler: SchedulerDep, user_id: UserIdDep, force: bool = False) -> JobOutcome:
    """Generate the caller's insights now (`force`) or when due; recorded like a scheduled run."""
    return await scheduler.run_job(user_id, "insights", force=force)


@router.post("/trigger-hevy-sync", response_model=JobOutcome)
async def trigger_hevy_sync(scheduler: SchedulerDep, user_id: UserIdDep, force: bool = False) -> JobOutcome:
    """Sync the caller's Hevy workouts now (`force`) or when due (hourly), recorded like a scheduled run."""
    return await scheduler.run_job(user_id, "hevy_sync", force=force)
