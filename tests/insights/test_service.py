"""The insight store's rules: deduplication window, pruning bound and expiry, the chat text block."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from airfit.insights.models import INSIGHTS, EngageAction, Insight, InsightCategory
from airfit.insights.service import (
    DEDUP_WINDOW,
    EXPIRY,
    MAX_STORED,
    add_insights,
    engage,
    format_insights_block,
    list_insights,
)
from airfit.storage import DocumentStore

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _insight(
    title: str, *, at: datetime = NOW, fingerprint: str | None = None, importance: float = 0.5
) -> Insight:
    return Insight(title=title, body="b", created_at=at, fingerprint=fingerprint, importance=importance)


async def test_similar_titles_and_fingerprints_are_deduplicated(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    first = await add_insights(store, "brian", [_insight("Protein intake dropping this week")], now=NOW)
    assert len(first) == 1
    batch = [
        _insight("protein intake dropping this week!"),
        _insight("Protein intake is dropping this week"),
        _insight("Sleep is short", fingerprint="sleep_anomaly"),
        _insight("Sleep under your baseline", fingerprint="sleep_anomaly"),
        _insight("Completely different finding"),
    ]
    added = await add_insights(store, "brian", batch, now=NOW)
    assert [i.title for i in added] == ["Sleep is short", "Completely different finding"]


async def test_dismissed_insights_still_block_repeats_inside_the_window_only(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    [old] = await add_insights(store, "brian", [_insight("Weight down 2 lbs")], now=NOW)
    await engage(store, "brian", old.id, action=EngageAction.DISMISSED, now=NOW)
    assert (
        await add_insights(store, "brian", [_insight("Weight down 2 lbs")], now=NOW + timedelta(days=1)) == []
    )
    later = NOW + DEDUP_WINDOW + timedelta(hours=1)
    assert len(await add_insights(store, "brian", [_insight("Weight down 2 lbs", at=later)], now=later)) == 1


async def test_store_is_bounded_and_expires(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    many = [
        _insight(f"finding number {n}", fingerprint=f"f{n}", at=NOW - timedelta(hours=n)) for n in range(260)
    ]
    await add_insights(store, "brian", many, now=NOW)
    doc = await store.read("brian", INSIGHTS)
    assert len(doc.insights) == MAX_STORED
    assert min(i.created_at for i in doc.insights) == NOW - timedelta(hours=MAX_STORED - 1)
    future = NOW + EXPIRY + timedelta(days=1)
    await add_insights(store, "brian", [_insight("fresh", at=future)], now=future)
    assert [i.title for i in (await store.read("brian", INSIGHTS)).insights] == ["fresh"]


async def test_ranking_and_chat_block(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    now = datetime.now(UTC)
    low = _insight("Low priority", at=now, importance=0.2)
    high = Insight(
        title="High priority",
        body="Do it.",
        created_at=now,
        importance=0.9,
        category=InsightCategory.ANOMALY,
        suggested_actions=["Rest", "Hydrate"],
    )
    await add_insights(store, "brian", [low, high], now=now)
    listed = await list_insights(store, "brian", limit=1)
    assert [i.title for i in listed] == ["High priority"]
    assert format_insights_block(listed) == (
        "Recent AI-generated insights about this user:\n"
        "- [ANOMALY] High priority: Do it.\n"
        "  Suggested: Rest, Hydrate"
    )
    assert format_insights_block([]) == ""
