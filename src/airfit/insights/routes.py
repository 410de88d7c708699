"""Insight endpoints the iOS app calls (`docs/ios-contract.md`, "Insights") plus the data preview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Response, status

from airfit.deps import provided
from airfit.insights import compact
from airfit.insights.engine import InsightEngine
from airfit.insights.models import (
    DataPreview,
    DiscussRequest,
    DiscussResponse,
    EngageAction,
    EngageResponse,
    Feedback,
    GenerateRequest,
    GenerateResponse,
    InsightCategory,
    InsightOut,
)
from airfit.insights.service import MAX_LIMIT, MAX_STORED, InsightNotFoundError
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["insights"])
InsightsDep = Annotated[InsightEngine, Depends(provided(InsightEngine))]

# The list changes whenever the user engages or a generation ends, and is cheap to serve: an app that kept it
# for an hour would go on showing a dismissed insight and hide new ones. `private` keeps shared proxies out.
NO_CACHE = {"Cache-Control": "private, no-store"}


@router.get("/insights", response_model=list[InsightOut])
async def get_insights(
    insights: InsightsDep,
    user_id: UserIdDep,
    category: InsightCategory | None = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_STORED, description="At most this many (more than 50 are capped at 50).")
    ] = 10,
) -> Response:
    """The caller's live insights, best first, as a top-level array."""
    limit = min(limit, MAX_LIMIT)
    body = await insights.listing_json(user_id=user_id, category=category, limit=limit)
    return Response(body, media_type="application/json", headers=NO_CACHE)


@router.post("/insights/{insight_id}/engage", response_model=EngageResponse)
async def engage_insight(
    insights: InsightsDep,
    user_id: UserIdDep,
    insight_id: str,
    action: EngageAction,
    feedback: Feedback | None = None,
) -> EngageResponse:
    """Record what the caller did with one of their insights; 404 for an id they do not have."""
    try:
        await insights.engage(user_id=user_id, insight_id=insight_id, action=action, feedback=feedback)
    except InsightNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"insight {insight_id!r} not found") from None
    return EngageResponse()


@router.post("/insights/{insight_id}/discuss", response_model=DiscussResponse)
async def discuss_insight(
    insights: InsightsDep, user_id: UserIdDep, insight_id: str, request: DiscussRequest
) -> DiscussResponse:
    """Talk with the coach about one of the caller's insights (an unknown id is `success: false`)."""
    return await insights.discuss(user_id=user_id, insight_id=insight_id, message=request.message)


@router.get("/insights/data-preview", response_model=DataPreview)
async def data_preview(
    insights: InsightsDep, user_id: UserIdDep, days: Annotated[int, Query(ge=1, le=3650)] = 90
) -> DataPreview:
    """What the insight LLM would be shown for the caller's last `days` days."""
    data = await insights.user_data(user_id=user_id, days=days)
    text = compact.format_all_data(data.days, data.profile)
    return DataPreview(
        days_requested=days,
        days_with_data=compact.days_with_data(data.days),
        token_estimate=compact.token_estimate(text),
        character_count=len(text),
        data_preview=text,
    )


@router.post("/insights/generate", response_model=GenerateResponse)
async def generate_insights(
    insights: InsightsDep, user_id: UserIdDep, request: Annotated[GenerateRequest | None, Body()] = None
) -> GenerateResponse:
    """Run the insight engine for the caller now; failures are a 200 with `success: false` and the reason.

    With `force: false` (the app's default) and one of the caller's generations already running, it answers
    at once that one is running; with `force: true` it waits for that one and then runs again."""
    request = request or GenerateRequest()
    result = await insights.generate(user_id=user_id, days=request.days, force=request.force)
    return GenerateResponse(
        success=result.success,
        insights_generated=len(result.added),
        token_estimate=result.token_estimate,
        insights=[InsightOut.of(i) for i in result.added],
        error=result.error,
    )
