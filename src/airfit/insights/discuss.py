"""`POST /insights/{id}/discuss` (prompt P9): the coach talks about one of the caller's insights.

The original stored a 2,000-character copy of the data with every insight; here the data around the
insight's creation date is rebuilt from the stored days when needed, so insights stay small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from airfit.coach.memory import strip_markers
from airfit.coach.models import DiscussResponse
from airfit.coach.prompts import profile_prompt
from airfit.health.models import CONTEXT_STORE
from airfit.health.summaries import weekly_summary_text
from airfit.health.windows import last_days
from airfit.insights import compact
from airfit.insights.models import EngageAction, Insight
from airfit.insights.service import InsightNotFoundError, engage, get_insight
from airfit.profile.models import PROFILE

if TYPE_CHECKING:
    from airfit.state import AppState

CONTEXT_DAYS = 14
CONTEXT_CHARS = 2_000
INSTRUCTIONS = (
    "Respond conversationally to the user's message about this insight: explain what the data shows, "
    "answer their question, and suggest what to do next. Be specific and brief."
)


async def _data_context(state: AppState, user_id: str, insight: Insight) -> str:
    tz = await state.users.timezone_of(user_id)
    created = insight.created_at.astimezone(tz).date()
    context = await state.store.read(user_id, CONTEXT_STORE)
    days = last_days(CONTEXT_DAYS, today=created).snapshots(context)
    return compact.format_all_data(days)[:CONTEXT_CHARS]


def build_prompt(insight: Insight, data: str, weekly: str, message: str) -> str:
    """Prompt P9: the insight, the data it came from, this week's summary, the user's message."""
    supporting = orjson.dumps(insight.supporting_data.model_dump(exclude_none=True)).decode()
    parts = [
        "INSIGHT BEING DISCUSSED:",
        f"[{insight.category.value}] {insight.title}",
        insight.body,
        f"Supporting data: {supporting}",
    ]
    if insight.suggested_actions:
        parts.append("Suggested actions: " + "; ".join(insight.suggested_actions))
    parts += ["", "ORIGINAL DATA CONTEXT:", data]
    if weekly:
        parts += ["", weekly]
    parts += ["", f"USER MESSAGE: {message}", "", INSTRUCTIONS]
    return "\n".join(parts)


async def discuss(state: AppState, user_id: str, insight_id: str, message: str) -> DiscussResponse:
    """The coach's answer on the caller's own session; an unknown id is `success: false` (contract §4.24)."""
    try:
        insight = await get_insight(state.store, user_id, insight_id)
    except InsightNotFoundError:
        return DiscussResponse(
            response="", provider="none", success=False, insight_title="Unknown", error="Insight not found"
        )
    profile = await state.store.read(user_id, PROFILE)
    data = await _data_context(state, user_id, insight)
    weekly = await weekly_summary_text(state, user_id)
    result = await state.llm.converse(
        user_id,
        build_prompt(insight, data, weekly, message),
        system_prompt=profile_prompt(profile),
        user_text=message,
        remembered=strip_markers,
    )
    if result.success:
        await engage(state.store, user_id, insight.id, action=EngageAction.DISCUSSED)
    return DiscussResponse(
        response=strip_markers(result.text) if result.success else "",
        provider=result.provider,
        success=result.success,
        insight_title=insight.title,
        error=result.error,
    )
