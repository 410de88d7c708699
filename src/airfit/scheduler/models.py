"""Per-user scheduler state (`<user>/scheduler_state.json`) and the status endpoint's answer.

Intervals are code, not stored state: stored, a changed default would never take effect. Unknown keys
are ignored rather than refused, so a file from another version never resets a job to "due now".
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from airfit.insights.models import Timestamp
from airfit.storage import Document, register

Status = Literal["success", "skipped", "error", "already_running"]


class JobRecord(BaseModel):
    """What one job last did for one user."""

    model_config = ConfigDict(extra="ignore")

    last_run: Timestamp = None
    last_success: Timestamp = None
    last_status: Status | None = None
    last_detail: str | None = None
    last_error: str | None = None
    last_error_at: Timestamp = None
    consecutive_failures: int = 0
    next_due: Timestamp = None


def _jobs(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


class SchedulerState(BaseModel):
    """One user's job records, keyed by job name, and today's insight count."""

    model_config = ConfigDict(extra="allow")

    jobs: Annotated[dict[str, JobRecord], BeforeValidator(_jobs)] = Field(default_factory=dict)
    insights_day: str | None = None
    insights_generated_today: int = 0


_LEGACY_FIELDS = {
    "insights": "last_insight_generation",
    "hevy_sync": "last_hevy_sync",
    "memory_consolidation": "last_memory_consolidation",
}


def _from_original(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: the original single-user `scheduler_state.json` (its stored intervals are dropped)."""
    jobs: dict[str, Any] = {}
    for job, key in _LEGACY_FIELDS.items():
        if isinstance(data.get(key), str):
            jobs[job] = {"last_run": data[key], "last_success": data[key], "last_status": "success"}
    error = data.get("generation_error")
    if isinstance(error, str) and error:
        jobs.setdefault("insights", {})["last_error"] = error
    return {"jobs": jobs}


SCHEDULER_STATE = register(
    Document("scheduler_state", SchedulerState, version=1, migrations={0: _from_original})
)


class JobOutcome(BaseModel):
    """The result of running (or not running) one job once; also the trigger endpoints' answer."""

    status: Status
    job: str
    detail: str | None = None
    error: str | None = None
    count: int = 0
    next_run_in_hours: float | None = None


class JobStatus(BaseModel):
    """One job as the status endpoint shows it."""

    interval_hours: float
    running: bool
    last_run: datetime | None
    last_success: datetime | None
    last_status: str | None
    last_detail: str | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_run: datetime | None


class SchedulerStatus(BaseModel):
    """`GET /scheduler/status` for the caller: a summary of the usual jobs plus every job in detail."""

    is_running: bool
    is_generating_insights: bool
    last_insight_generation: datetime | None
    next_insight_generation: datetime | None
    last_hevy_sync: datetime | None
    last_exercise_history_sync: datetime | None
    last_memory_consolidation: datetime | None
    next_memory_consolidation: datetime | None
    insights_generated_today: int
    last_error: str | None
    jobs: dict[str, JobStatus]
