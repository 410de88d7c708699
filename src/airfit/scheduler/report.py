"""The caller's scheduler status: the summary keys the app knows plus each job in detail."""

from __future__ import annotations

from datetime import datetime

from airfit.insights.engine import InsightEngine
from airfit.scheduler.models import SCHEDULER_STATE, JobRecord, JobStatus, SchedulerStatus
from airfit.scheduler.service import Scheduler, next_due


def _job_status(scheduler: Scheduler, user_id: str, name: str, record: JobRecord | None) -> JobStatus:
    job = scheduler.jobs[name]
    record = record or JobRecord()
    due = next_due(record, job, started=scheduler.started, user_id=user_id, span=scheduler.stagger_span)
    return JobStatus(
        interval_hours=job.interval.total_seconds() / 3600,
        running=scheduler.running(user_id, name),
        last_run=record.last_run,
        last_success=record.last_success,
        last_status=record.last_status,
        last_detail=record.last_detail,
        last_error=record.last_error,
        last_error_at=record.last_error_at,
        consecutive_failures=record.consecutive_failures,
        next_run=due if scheduler.is_running else None,
    )


def _last(jobs: dict[str, JobStatus], name: str) -> datetime | None:
    job = jobs.get(name)
    return job.last_success if job else None


def _next(jobs: dict[str, JobStatus], name: str) -> datetime | None:
    job = jobs.get(name)
    return job.next_run if job else None


async def read_status(*, scheduler: Scheduler, insights: InsightEngine, user_id: str) -> SchedulerStatus:
    """The caller's scheduler status: the summary keys plus each job in detail."""
    stored = await scheduler.store.read(user_id, SCHEDULER_STATE)
    jobs = {name: _job_status(scheduler, user_id, name, stored.jobs.get(name)) for name in scheduler.jobs}
    today = (await scheduler.users.today(user_id)).isoformat()
    errors = [j for j in jobs.values() if j.last_status == "error" and j.last_error_at is not None]
    latest = max(errors, key=lambda j: j.last_error_at.timestamp() if j.last_error_at else 0.0, default=None)
    return SchedulerStatus(
        is_running=scheduler.is_running,
        is_generating_insights=insights.is_running(user_id),
        last_insight_generation=_last(jobs, "insights"),
        next_insight_generation=_next(jobs, "insights"),
        last_hevy_sync=_last(jobs, "hevy_sync"),
        last_exercise_history_sync=_last(jobs, "hevy_sync"),
        last_memory_consolidation=_last(jobs, "memory_consolidation"),
        next_memory_consolidation=_next(jobs, "memory_consolidation"),
        insights_generated_today=stored.insights_generated_today if stored.insights_day == today else 0,
        last_error=latest.last_error if latest else None,
        jobs=jobs,
    )
