"""`POST /insights/{id}/discuss` (prompt P9): the coach talks about one of the caller's insights.

The original stored a 2,000-character copy of the data with every insight; here the data around the
insight's creation date is rebuilt from the stored days when needed, so insights stay small.
"""

from __future__ import annotations

import orjson

from airfit.coach.models import DiscussResponse
from airfit.coach.service import Coach
from airfit.health.models import CONTEXT_STORE
from airfit.health.summaries import weekly_summary_text
from airfit.health.windows import last_days
from airfit.insights import compact
from airfit.insights.models import EngageAction, Insight
from airfit.insights.service import InsightNotFoundError, engage, get_insight
from airfit.storage import DocumentStore
from airfit.users.service import UserService

CONTEXT_DAYS = 14
CONTEXT_CHARS = 2_000
INSTRUCTIONS = (
    "Respond conversationally to the user's message about this insight: explain what the data shows, "
    "answer their question, and suggest what to do next. Be specific and brief."
)


async def _data_context(store: DocumentStore, users: UserService, user_id: str, insight: Insight) -> str:
    tz = await users.timezone_of(user_id)
    created = insight.created_at.astimezone(tz).date()
    context = await store.read(user_id, CONTEXT_STORE)
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


async def discuss(
    *, store: DocumentStore, users: UserService, coach: Coach, user_id: str, insight_id: str, message: str
) -> DiscussResponse:
    """The coach's answer on the caller's own session; an unknown id is `success: false` (contract §4.24)."""
    try:
        insight = await get_insight(store, user_id, insight_id)
    except InsightNotFoundError:
        return DiscussResponse(
            response="", provider="none", success=False, insight_title="Unknown", error="Insight not found"
        )
    data = await _data_context(store, users, user_id, insight)
    weekly = await weekly_summary_text(store=store, users=users, user_id=user_id)
    prompt = build_prompt(insight, data, weekly, message)
    result = await coach.discuss(user_id=user_id, prompt=prompt, user_text=message)
    if result.success:
        await engage(store, user_id, insight.id, action=EngageAction.DISCUSSED)
    return DiscussResponse(
        response=result.text if result.success else "",
        provider=result.provider,
        success=result.success,
        insight_title=insight.title,
        error=result.error,
    )
