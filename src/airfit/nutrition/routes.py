"""`POST /nutrition/parse|correct|status` (IOS_CONTRACT §4.8, §4.9, §4.11)."""

from __future__ import annotations

from fastapi import APIRouter

from airfit.deps import LLMDep, StoreDep, UserIdDep
from airfit.nutrition import service
from airfit.nutrition.models import (
    CorrectRequest,
    CorrectResponse,
    ParseRequest,
    ParseResponse,
    StatusRequest,
    StatusResponse,
)
from airfit.profile.models import PROFILE

router = APIRouter(tags=["nutrition"])


@router.post("/nutrition/parse", response_model=ParseResponse)
async def parse(body: ParseRequest, llm: LLMDep, user_id: UserIdDep) -> ParseResponse:
    """Estimate macros for a food description; failures are `success: false` with the reason."""
    del user_id  # identity is still resolved (and checked) for every call
    return await service.parse_food(llm, body.food_text)


@router.post("/nutrition/correct", response_model=CorrectResponse)
async def correct(body: CorrectRequest, llm: LLMDep, user_id: UserIdDep) -> CorrectResponse:
    """Adjust an estimate after the user's correction."""
    del user_id
    return await service.correct_food(llm, body)


@router.post("/nutrition/status", response_model=StatusResponse)
async def status(body: StatusRequest, llm: LLMDep, store: StoreDep, user_id: UserIdDep) -> StatusResponse:
    """Feedback on today's intake against the caller's own targets (training or rest day)."""
    profile = await store.read(user_id, PROFILE)
    return await service.macro_feedback(llm, profile, body)
