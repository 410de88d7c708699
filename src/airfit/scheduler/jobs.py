"""The jobs every user gets: insights every 6 hours, Hevy hourly, memory consolidation weekly.

There is no separate "exercise-history sync": it is part of `hevy_sync`, since every successful
Hevy sync rebuilds the exercise store from the stored workouts, so a second job would only call Hevy
again. The status endpoint reports the Hevy sync's last success as `last_exercise_history_sync`.
"""

from __future__ import annotations

from datetime import timedelta

from airfit.coach.service import Coach
from airfit.insights.engine import NO_LLM, InsightEngine
from airfit.llm.router import LLMRouter
from airfit.scheduler.models import JobOutcome
from airfit.scheduler.service import Job
from airfit.training.service import TrainingService

INSIGHT_DAYS = 90


async def generate_insights(insights: InsightEngine, user_id: str) -> JobOutcome:
    """Statistical and LLM insights over the last 90 days; an unusable LLM answer is an error."""
    if insights.is_running(user_id):
        return JobOutcome(status="skipped", job="insights", detail="a generation is already running")
    result = await insights.generate(user_id=user_id, days=INSIGHT_DAYS, background=True)
    count = len(result.added)
    detail = f"{count} new insight(s), {result.statistical} statistical"
    if result.provider and result.provider != "none":
        detail += f", LLM: {result.provider}"
    if result.success:
        return JobOutcome(status="success", job="insights", detail=detail, count=count)
    if result.error == NO_LLM:
        return JobOutcome(status="success", job="insights", detail=f"{detail}; {NO_LLM}", count=count)
    return JobOutcome(status="error", job="insights", detail=detail, error=result.error, count=count)


async def sync_hevy(training: TrainingService, user_id: str) -> JobOutcome:
    """Incremental Hevy sync (workouts, exercise store, daily workout blocks); no key is not an error."""
    result = await training.sync(user_id, full=False)
    detail = (
        f"{result.workouts_processed} workout(s) processed, {result.exercises_updated} exercise(s) updated"
    )
    if result.status == "not_configured":
        return JobOutcome(status="skipped", job="hevy_sync", detail="no Hevy API key configured")
    if not result.ok:
        return JobOutcome(status="error", job="hevy_sync", detail=result.status, error=result.error)
    return JobOutcome(status="success", job="hevy_sync", detail=detail, count=result.workouts_processed)


async def consolidate(coach: Coach, llm: LLMRouter, user_id: str) -> JobOutcome:
    """The weekly memory consolidation; without an LLM there is nothing to do (not an error)."""
    if not llm.available():
        return JobOutcome(status="skipped", job="memory_consolidation", detail="no LLM provider configured")
    result = await coach.consolidate_memories(user_id=user_id)
    if result.error:
        return JobOutcome(status="error", job="memory_consolidation", error=result.error)
    detail = f"consolidated, {result.archived} note(s) archived" if result.consolidated else "nothing to do"
    return JobOutcome(status="success", job="memory_consolidation", detail=detail, count=result.archived)


def default_jobs(
    *, insights: InsightEngine, training: TrainingService, coach: Coach, llm: LLMRouter
) -> tuple[Job, ...]:
    """Every job, bound to the services it uses (the app composes them; AIRFIT_SCHEDULER starts them)."""

    async def insight_job(user_id: str) -> JobOutcome:
        return await generate_insights(insights, user_id)

    async def hevy_job(user_id: str) -> JobOutcome:
        return await sync_hevy(training, user_id)

    async def memory_job(user_id: str) -> JobOutcome:
        return await consolidate(coach, llm, user_id)

    return (
        Job("insights", timedelta(hours=6), insight_job, timeout=300.0, uses_llm=True, counted_daily=True),
        Job("hevy_sync", timedelta(hours=1), hevy_job, timeout=600.0),
        Job("memory_consolidation", timedelta(hours=168), memory_job, timeout=300.0, uses_llm=True),
    )
