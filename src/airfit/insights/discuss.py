"""Talking about one insight (`POST /insights/{id}/discuss`): the prompt, and who answers it.

The data around the insight's creation date is rebuilt from the stored days when the user asks, rather than
kept with every insight, so insights stay small. The answer comes from the coach, on the user's own
conversation, through the `Discussant` protocol: this package knows nothing of the coach.
"""

from __future__ import annotations

from typing import Protocol

import orjson

from airfit.health.models import CONTEXT_STORE
from airfit.health.windows import last_days
from airfit.insights import compact
from airfit.insights.models import Insight
from airfit.llm.models import LLMResult
from airfit.storage import DocumentStore
from airfit.users.service import UserService

CONTEXT_DAYS = 14
CONTEXT_CHARS = 2_000
INSTRUCTIONS = (
    "Respond conversationally to the user's message about this insight: explain what the data shows, "
    "answer their question, and suggest what to do next. Be specific and brief."
)


class Discussant(Protocol):
    """Whoever answers a discussion: one turn on the user's own conversation, in the coach's voice."""

    async def discuss(self, *, user_id: str, prompt: str, user_text: str) -> LLMResult:
        """Answer `prompt`; the user's history shows `user_text` as what they said."""
        ...


async def data_context(store: DocumentStore, users: UserService, user_id: str, insight: Insight) -> str:
    """The user's days up to the insight's creation, as the insight prompt showed them."""
    tz = await users.timezone_of(user_id)
    created = insight.created_at.astimezone(tz).date()
    context = await store.read(user_id, CONTEXT_STORE)
    days = last_days(CONTEXT_DAYS, today=created).snapshots(context)
    return compact.format_all_data(days)[:CONTEXT_CHARS]


def build_prompt(insight: Insight, data: str, weekly: str, message: str) -> str:
    """The insight, the data it came from, this week's summary, the user's message."""
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
