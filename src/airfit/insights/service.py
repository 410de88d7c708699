"""The insight store of one user: add (deduplicated), rank, prune, engage, and the chat text block.

Decisions:
- Deduplication compares a new insight with every stored insight created in the last `DEDUP_WINDOW`,
  newest first, **including dismissed ones** (a user who dismissed "Protein dipping" does not want it back
  tomorrow under another id) and with the ones added earlier in the same batch. Two insights are the same
  when their detector fingerprints match or their titles have a word Jaccard similarity ≥ 0.6.
  Older insights are not compared: after the window the same finding may be news again.
- Ranking: importance × confidence, then newest first. Dismissed and expired insights are never listed.
- Pruning on every write: insights older than `EXPIRY` are removed, then the file is capped at `MAX_STORED`
  (dismissed first, then oldest), so `insights.json` cannot grow without bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from airfit.cache import ResponseCache
from airfit.insights.models import (
    INSIGHTS,
    EngageAction,
    Feedback,
    Insight,
    InsightCategory,
    InsightOut,
    InsightStore,
)
from airfit.storage import DocumentStore

DEDUP_WINDOW = timedelta(days=14)
SIMILARITY_THRESHOLD = 0.6
EXPIRY = timedelta(days=60)
MAX_STORED = 200
MAX_LIMIT = 50
LISTING_TTL_SECONDS = 60.0
_WIRE_LIST = TypeAdapter(list[InsightOut])


class InsightNotFoundError(LookupError):
    """No insight with that id belongs to this user."""


def _now() -> datetime:
    return datetime.now(UTC)


def _words(title: str) -> set[str]:
    return set(title.lower().split())


def similar_titles(a: str, b: str) -> bool:
    """Word-set Jaccard similarity of two titles is at least 0.6."""
    left, right = _words(a), _words(b)
    if not left or not right:
        return False
    return len(left & right) / len(left | right) >= SIMILARITY_THRESHOLD


def is_duplicate(candidate: Insight, existing: Iterable[Insight]) -> bool:
    """Whether `candidate` repeats one of `existing` (same fingerprint or a similar title)."""
    for other in existing:
        if candidate.fingerprint and candidate.fingerprint == other.fingerprint:
            return True
        if similar_titles(candidate.title, other.title):
            return True
    return False


def _expired(insight: Insight, now: datetime) -> bool:
    # Migrated insights are the user's history from before this server: age never removes them.
    return not insight.migrated and now - insight.created_at >= EXPIRY


def is_live(insight: Insight, now: datetime) -> bool:
    """Shown to the user: not dismissed and not expired."""
    return insight.dismissed_at is None and not _expired(insight, now)


def ranked(insights: Iterable[Insight]) -> list[Insight]:
    """Best first: importance × confidence, then newest."""
    return sorted(insights, key=lambda i: (i.score, i.created_at), reverse=True)


def prune(insights: Sequence[Insight], now: datetime) -> list[Insight]:
    """Drop expired insights, then keep at most MAX_STORED generated ones (undismissed and newest preferred).

    Migrated insights are neither expired nor counted: `airfit migrate` reports them as kept.
    """
    fresh = [i for i in insights if not _expired(i, now)]
    generated = [i for i in fresh if not i.migrated]
    if len(generated) <= MAX_STORED:
        return fresh
    keep = sorted(generated, key=lambda i: (i.dismissed_at is None, i.created_at), reverse=True)[:MAX_STORED]
    kept_ids = {i.id for i in keep}
    return [i for i in fresh if i.migrated or i.id in kept_ids]


def recent(insights: Iterable[Insight], now: datetime) -> list[Insight]:
    """Insights inside the dedup window, newest first, dismissed included."""
    return sorted(
        (i for i in insights if now - i.created_at < DEDUP_WINDOW), key=lambda i: i.created_at, reverse=True
    )


async def add_insights(
    store: DocumentStore, user_id: str, candidates: Iterable[Insight], *, now: datetime | None = None
) -> list[Insight]:
    """Store the candidates that are not duplicates; returns those actually added."""
    now = now or _now()
    added: list[Insight] = []
    async with store.transaction(user_id, INSIGHTS) as doc:
        window = recent(doc.insights, now)
        for candidate in candidates:
            if is_duplicate(candidate, [*added, *window]):
                continue
            added.append(candidate)
        doc.insights = prune([*doc.insights, *added], now)
    return added


async def list_insights(
    store: DocumentStore,
    user_id: str,
    *,
    category: InsightCategory | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> list[Insight]:
    """The user's live insights, best first."""
    doc = await store.read(user_id, INSIGHTS)
    return _live_ranked(doc, category, limit, now or _now())


def _live_ranked(
    doc: InsightStore, category: InsightCategory | None, limit: int, now: datetime
) -> list[Insight]:
    live = (i for i in doc.insights if is_live(i, now) and (category is None or i.category == category))
    return ranked(live)[: max(0, min(limit, MAX_LIMIT))]


async def listing_json(
    *,
    store: DocumentStore,
    cache: ResponseCache,
    user_id: str,
    category: InsightCategory | None,
    limit: int,
) -> bytes:
    """`GET /insights`: the JSON array of the user's live insights, best first.

    Cached while the insight document is unchanged, and for at most a minute so that expiry is noticed too;
    it keeps the hottest read of the iOS app to a dictionary lookup.
    """
    doc = await store.read(user_id, INSIGHTS)

    def compute() -> bytes:
        insights = _live_ranked(doc, category, limit, _now())
        return _WIRE_LIST.dump_json([InsightOut.of(i) for i in insights])

    return cache.body((user_id, category, limit), (doc,), compute, ttl=LISTING_TTL_SECONDS)


async def get_insight(store: DocumentStore, user_id: str, insight_id: str) -> Insight:
    """One of the user's insights by id; raises InsightNotFoundError."""
    doc = await store.read(user_id, INSIGHTS)
    for insight in doc.insights:
        if insight.id == insight_id:
            return insight
    raise InsightNotFoundError(insight_id)


async def engage(
    store: DocumentStore,
    user_id: str,
    insight_id: str,
    *,
    action: EngageAction,
    feedback: Feedback | None = None,
    now: datetime | None = None,
) -> Insight:
    """Record what the user did with an insight; raises InsightNotFoundError for an unknown id."""
    now = now or _now()
    async with store.transaction(user_id, INSIGHTS) as doc:
        for insight in doc.insights:
            if insight.id == insight_id:
                if insight.surfaced_at is None:
                    insight.surfaced_at = now
                insight.engagement = action
                if action is EngageAction.DISMISSED and insight.dismissed_at is None:
                    insight.dismissed_at = now
                if feedback is not None:
                    insight.user_feedback = feedback
                return insight.model_copy()
    raise InsightNotFoundError(insight_id)


async def recent_titles(store: DocumentStore, user_id: str, *, limit: int = 10) -> list[str]:
    """Titles of the newest insights in the dedup window (dismissed included), for the LLM prompt."""
    doc = await store.read(user_id, INSIGHTS)
    return [i.title for i in recent(doc.insights, _now())[:limit]]


def format_insights_block(insights: Sequence[Insight]) -> str:
    """The insights block of the coach's chat context; "" when there is nothing to say."""
    if not insights:
        return ""
    lines = ["Recent AI-generated insights about this user:"]
    for insight in insights:
        lines.append(f"- [{insight.category.value.upper()}] {insight.title}: {insight.body}")
        if insight.suggested_actions:
            lines.append(f"  Suggested: {', '.join(insight.suggested_actions)}")
    return "\n".join(lines)


async def insights_text(*, store: DocumentStore, user_id: str, limit: int = 3) -> str:
    """The user's best live insights as the coach's chat-context block."""
    return format_insights_block(await list_insights(store, user_id, limit=limit))
