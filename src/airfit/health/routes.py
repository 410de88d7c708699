"""Daily health and nutrition: `POST /insights/sync`, `GET /insights/context`, `GET /insights/snapshots`,
`GET /health/body-metrics` (docs/ios-contract.md § Daily sync, § Summaries).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from airfit.deps import provided
from airfit.health.models import (
    BodyMetricsResponse,
    ContextRange,
    ContextSummary,
    SnapshotsResponse,
    SyncRequest,
    SyncResponse,
)
from airfit.health.service import HealthService, range_days
from airfit.users.identity import CallerDep

router = APIRouter(tags=["health"])
HealthDep = Annotated[HealthService, Depends(provided(HealthService))]

# The summary GETs are the hot path (benchmarked at thousands of requests/s on one core): they take
# CallerDep rather than UserIdDep (one dependency level fewer) and return the cached JSON bytes as they are;
# `response_model` still documents the shape.

MAX_WINDOW_DAYS = 3660
WindowDays = Annotated[int, Query(ge=1, le=MAX_WINDOW_DAYS, description="Local days ending today.")]


def _json(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


@router.post("/insights/sync", response_model=SyncResponse)
async def sync_days(body: SyncRequest, caller: CallerDep, health: HealthDep) -> SyncResponse:
    """Store the phone's daily totals; a key the phone leaves out never erases a stored value."""
    return await health.sync_days(user_id=caller.user_id, days=body.days)


@router.get("/insights/context", response_model=ContextSummary)
async def read_context(
    caller: CallerDep,
    health: HealthDep,
    range_name: Annotated[ContextRange, Query(alias="range", description="7, 30 or 90 days.")] = "week",
) -> Response:
    """Averages, compliance with the user's own targets, and daily series over 7, 30 or 90 days."""
    return _json(await health.context_json(user_id=caller.user_id, days=range_days(range_name)))


@router.get("/health/body-metrics", response_model=BodyMetricsResponse)
async def read_body_metrics(caller: CallerDep, health: HealthDep, days: WindowDays = 90) -> Response:
    """Weight, body-fat and lean-mass histories with their 30-day changes."""
    return _json(await health.body_metrics_json(user_id=caller.user_id, days=days))


@router.get("/insights/snapshots", response_model=SnapshotsResponse)
async def read_snapshots(caller: CallerDep, health: HealthDep, days: WindowDays = 30) -> SnapshotsResponse:
    """The stored days of a window, abridged, oldest first."""
    return await health.snapshots(user_id=caller.user_id, days=days)
