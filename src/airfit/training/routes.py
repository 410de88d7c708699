"""Training endpoints (docs/ios-contract.md § Training) and Hevy key management.

Every GET answers from stored documents; only the sync endpoints (and key checks) call Hevy.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from airfit.deps import provided
from airfit.training import views
from airfit.training.client import HevyAuthError, HevyUnavailableError
from airfit.training.models import (
    ExercisesResponse,
    HevyKeyRequest,
    HevyKeyResult,
    HevyStatus,
    HevySyncResponse,
    InsightsHevySyncResponse,
    LiftProgressResponse,
    RecentWorkoutsResponse,
    SetTrackerResponse,
    StrengthHistoryResponse,
    SyncResult,
    TrainingDayResponse,
    TrainingSyncResponse,
)
from airfit.training.service import HevyNotConfiguredError, TrainingService
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["training"])
TrainingDep = Annotated[TrainingService, Depends(provided(TrainingService))]

# The app reads these right after `POST /hevy/sync`; an answer it kept for minutes would show pre-sync
# data. They come from a per-user server cache and cost well under a millisecond, so freshness wins: the
# client may store them but must ask again every time (docs/ios-contract.md § Caching).
CACHE_CONTROL = {"Cache-Control": "private, no-cache"}
# The iOS client gives `POST /hevy/sync` 30 s and other calls 60 s of inactivity; answer before that and
# let a long import carry on in the background (its status is then "in_progress").
HEVY_SYNC_WAIT = 25.0
TRAINING_SYNC_WAIT = 50.0


def _json(body: bytes) -> Response:
    return Response(content=body, media_type="application/json", headers=CACHE_CONTROL)


@router.get("/hevy/set-tracker", response_model=SetTrackerResponse)
async def set_tracker(
    user_id: UserIdDep, training: TrainingDep, days: Annotated[int, Query(ge=1, le=365)] = 7
) -> Response:
    """Working sets per muscle group over the last `days` local dates, against each group's zone."""
    body = await training.workouts_view(
        user_id, "set-tracker", (days,), lambda doc, tz, today: views.set_tracker(doc, tz, today, days)
    )
    return _json(body)


@router.get("/hevy/lift-progress", response_model=LiftProgressResponse)
async def lift_progress(
    user_id: UserIdDep, training: TrainingDep, top_n: Annotated[int, Query(ge=1, le=50)] = 6
) -> Response:
    """The most trained lifts with their PR and recent daily bests."""
    body = await training.exercises_view(
        user_id, "lift-progress", (top_n,), lambda store, _tz, _today: views.lift_progress(store, top_n)
    )
    return _json(body)


@router.get("/hevy/recent-workouts", response_model=RecentWorkoutsResponse)
async def recent_workouts(
    user_id: UserIdDep, training: TrainingDep, limit: Annotated[int, Query(ge=1, le=100)] = 7
) -> Response:
    """The latest stored workouts, newest first."""
    body = await training.workouts_view(
        user_id,
        "recent-workouts",
        (limit,),
        lambda doc, tz, today: views.recent_workouts(doc, tz, today, limit),
    )
    return _json(body)


@router.get("/training/exercises", response_model=ExercisesResponse)
async def tracked_exercises(
    user_id: UserIdDep,
    training: TrainingDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    sort_by: str = "frequency",
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> Response:
    """Tracked exercises by frequency or by e1RM trend, optionally within the last `days`."""
    sort = sort_by if sort_by in views.SORTS else "frequency"
    body = await training.exercises_view(
        user_id,
        "exercises",
        (limit, sort, days),
        lambda store, _tz, today: views.exercises(store, today, limit=limit, sort_by=sort, days=days),
    )
    return _json(body)


async def _exercise_name(request: Request, training: TrainingService, user_id: str, decoded: str) -> str:
    """The exercise as stored: iOS sends `+` literally (§ Query strings), standard decoding makes it a
    space, so a name that exists with a literal `+` wins over the space-decoded reading."""
    for key, value in parse_qsl(request.url.query.replace("+", "%2B"), keep_blank_values=True):
        if key == "exercise" and value != decoded and await training.has_exercise(user_id, value):
            return value
    return decoded


@router.get("/training/strength-history", response_model=StrengthHistoryResponse)
async def strength_history(
    request: Request,
    user_id: UserIdDep,
    training: TrainingDep,
    exercise: Annotated[str, Query(min_length=1, max_length=200)],
    days: Annotated[int, Query(ge=1, le=3650)] = 365,
) -> Response:
    """Daily e1RM history of one exercise; an unknown name gives an empty history."""
    name = await _exercise_name(request, training, user_id, exercise)
    body = await training.exercises_view(
        user_id,
        "strength-history",
        (name, days),
        lambda store, _tz, today: views.strength_history(store, name, today, days),
    )
    return _json(body)


@router.get("/nutrition/training-day", response_model=TrainingDayResponse)
async def training_day(user_id: UserIdDep, training: TrainingDep) -> Response:
    """Whether a substantial workout is logged on the user's local today."""
    body = await training.workouts_view(user_id, "training-day", (), views.training_day)
    return _json(body)


async def _sync_within(training: TrainingService, user_id: str, *, full: bool, wait: float) -> SyncResult:
    task = training.start_sync(user_id, full=full)
    try:
        return await asyncio.wait_for(asyncio.shield(task), timeout=wait)
    except TimeoutError:
        return SyncResult(status="in_progress")


@router.post("/hevy/sync", response_model=HevySyncResponse)
async def hevy_sync(user_id: UserIdDep, training: TrainingDep) -> HevySyncResponse:
    """Sync now. Always 200 with a `status` string: the client only needs a 200 to go on and read
    the stored data, and it sends nothing that could be lost, so Hevy trouble is reported in `status`
    (success, not_configured, auth_failed, rate_limited, unavailable, in_progress) and in `error`."""
    result = await _sync_within(training, user_id, full=False, wait=HEVY_SYNC_WAIT)
    return HevySyncResponse(
        status=result.status,
        workouts_processed=result.workouts_processed,
        workouts_stored=result.workouts_stored,
        error=result.error,
    )


@router.post("/training/sync", response_model=TrainingSyncResponse)
async def training_sync(
    user_id: UserIdDep, training: TrainingDep, full: bool = False
) -> TrainingSyncResponse:
    """Sync now, optionally re-importing everything. 200 with a status string, as the iOS client expects
    (§ Training); the reasons are those of `POST /hevy/sync`."""
    result = await _sync_within(training, user_id, full=full, wait=TRAINING_SYNC_WAIT)
    return TrainingSyncResponse(
        status=result.status,
        workouts_processed=result.workouts_processed,
        exercises_updated=result.exercises_updated,
        error=result.error,
    )


@router.post("/insights/sync-hevy", response_model=InsightsHevySyncResponse)
async def insights_sync_hevy(user_id: UserIdDep, training: TrainingDep) -> InsightsHevySyncResponse:
    """Sync and report the daily workout blocks written. Not used by iOS: failures are HTTP errors."""
    result = await training.sync(user_id)
    if result.status == "not_configured":
        raise HTTPException(status.HTTP_409_CONFLICT, detail="no Hevy API key configured")
    if result.status == "auth_failed":
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Hevy rejected the stored key: {result.error}")
    if not result.ok:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"Hevy sync failed: {result.error}")
    return InsightsHevySyncResponse(
        status="synced", workouts_found=result.workouts_stored, days_synced=result.days_synced
    )


@router.get("/hevy/status", response_model=HevyStatus)
async def hevy_status(user_id: UserIdDep, training: TrainingDep) -> HevyStatus:
    """Whether a key is configured, the last sync and its error, and what is stored (never the key)."""
    return await training.status(user_id)


@router.put("/hevy/key", response_model=HevyKeyResult)
async def put_hevy_key(body: HevyKeyRequest, user_id: UserIdDep, training: TrainingDep) -> HevyKeyResult:
    """Check the key with Hevy, store it, and start a sync in the background."""
    try:
        count = await training.set_key(user_id, body.api_key)
    except HevyAuthError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Hevy rejected this API key") from exc
    except HevyUnavailableError as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"cannot check the key with Hevy: {exc}"
        ) from exc
    training.start_sync(user_id)
    return HevyKeyResult(status="stored", valid=True, workout_count=count)


@router.post("/hevy/key/test", response_model=HevyKeyResult)
async def test_hevy_key(user_id: UserIdDep, training: TrainingDep) -> HevyKeyResult:
    """Ask Hevy whether the configured key works."""
    try:
        return await training.test_key(user_id)
    except HevyNotConfiguredError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc
    except HevyUnavailableError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"cannot reach Hevy: {exc}") from exc


@router.delete("/hevy/key", response_model=HevyKeyResult)
async def delete_hevy_key(user_id: UserIdDep, training: TrainingDep) -> HevyKeyResult:
    """Forget the user's own key; stored workouts and history stay."""
    removed = await training.remove_key(user_id)
    return HevyKeyResult(status="removed" if removed else "not_configured")
