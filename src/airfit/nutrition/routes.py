"""`POST /nutrition/parse|correct|status` (`docs/ios-contract.md`, "Nutrition")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from airfit.deps import provided
from airfit.nutrition.models import (
    CorrectRequest,
    CorrectResponse,
    ParseRequest,
    ParseResponse,
    StatusRequest,
    StatusResponse,
)
from airfit.nutrition.service import NutritionService
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["nutrition"])
NutritionDep = Annotated[NutritionService, Depends(provided(NutritionService))]


@router.post("/nutrition/parse", response_model=ParseResponse)
async def parse(body: ParseRequest, nutrition: NutritionDep) -> ParseResponse:
    """Estimate macros for a food description; failures are `success: false` with the reason."""
    return await nutrition.parse(body.food_text)


@router.post("/nutrition/correct", response_model=CorrectResponse)
async def correct(body: CorrectRequest, nutrition: NutritionDep) -> CorrectResponse:
    """Adjust an estimate after the user's correction."""
    return await nutrition.correct(body)


@router.post("/nutrition/status", response_model=StatusResponse)
async def status(body: StatusRequest, nutrition: NutritionDep, user_id: UserIdDep) -> StatusResponse:
    """Feedback on today's intake against the caller's own targets (training or rest day)."""
    return await nutrition.check_in(user_id, body)
