"""Insight endpoints end to end: wire shape, legacy files, engagement, no-LLM generation, isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from airfit.insights.models import INSIGHTS, EngageAction, Feedback
from tests.insights.data import flat_days, inject, snapshot, store_days
from tests.ios import GENERATE, INSIGHT_LIST, decode
from tests.live import LiveServer, stored


def _today() -> date:
    return datetime.now(UTC).date()


def _legacy_file(data_dir: Path, user: str, insights: list[dict[str, Any]]) -> None:
    directory = data_dir / user
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "insights.json").write_bytes(orjson.dumps({"insights": insights}))


def _weight_loss(data_dir: Path, user: str) -> None:
    days = flat_days(90, 11, _today())
    inject(days, 28, lambda i, d: d.update(weight_lbs=round(185 - 0.2 * i, 1)))
    store_days(data_dir, user, [snapshot(d) for d in days])


def test_empty_list_is_a_top_level_array_never_cached(server: LiveServer) -> None:
    with server.client() as c:
        response = c.get("/insights", params={"limit": 10})
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["cache-control"] == "private, no-store"


def test_legacy_file_with_poison_values_is_coerced(server: LiveServer, data_dir: Path) -> None:
    yesterday = (datetime.now() - timedelta(days=1)).isoformat()  # noqa: DTZ005 - naive, as the single-user server wrote them
    _legacy_file(
        data_dir,
        "brian",
        [
            {
                "id": "a1",
                "created_at": yesterday,
                "category": "Trend",
                "tier": "2",
                "title": "Protein climbing steadily",
                "body": "Up 20 g.",
                "importance": "0.8",
                "confidence": 0.9,
                "supporting_data": None,
                "suggested_actions": "Keep going",
                "conversation_context": "x" * 2000,
                "novelty": 1.0,
            },
            {"id": "no-title", "title": None, "importance": 0.9},
            {
                "id": "c3",
                "created_at": "not a date",
                "category": "weird",
                "tier": 9.7,
                "title": "Sleep patchy",
                "importance": "high",
                "confidence": None,
                "supporting_data": {"values": [1, "2", None, "x"], "metric": 5},
                "engagement": "exploded",
            },
            "not even an object",
        ],
    )
    with server.client() as c:
        body = c.get("/insights").json()
    decode(body, INSIGHT_LIST)
    by_id = {i["id"]: i for i in body}
    assert set(by_id) == {"a1", "c3"}
    assert (by_id["a1"]["tier"], by_id["a1"]["importance"], by_id["a1"]["category"]) == (2, 0.8, "trend")
    assert by_id["a1"]["suggested_actions"] == ["Keep going"]
    assert (by_id["c3"]["tier"], by_id["c3"]["importance"], by_id["c3"]["category"]) == (5, 0.5, "nudge")
    assert by_id["c3"]["supporting_data"] == {"values": [1.0, 2.0], "metric": "5"}
    assert body[0]["id"] == "a1"


def test_engage_validates_and_dismiss_hides(server: LiveServer, data_dir: Path) -> None:
    _weight_loss(data_dir, "brian")
    with server.client() as c:
        assert c.post("/insights/generate", json={"days": 90, "force": False}).status_code == 200
        first = c.get("/insights").json()[0]
        assert c.post("/insights/nope/engage", params={"action": "viewed"}).status_code == 404
        bad = c.post(f"/insights/{first['id']}/engage", params={"action": "exploded"})
        assert bad.status_code == 422
        assert "action" in str(bad.json()["detail"])
        assert c.post(f"/insights/{first['id']}/engage").status_code == 422
        ok = c.post(
            f"/insights/{first['id']}/engage", params={"action": "dismissed", "feedback": "not_relevant"}
        )
        assert ok.status_code == 200
        assert ok.json() == {"status": "recorded"}
        assert first["id"] not in {i["id"] for i in c.get("/insights").json()}
    dismissed = next(i for i in stored(data_dir, "brian", INSIGHTS).insights if i.id == first["id"])
    assert dismissed.engagement is EngageAction.DISMISSED
    assert dismissed.user_feedback is Feedback.NOT_RELEVANT
    assert dismissed.dismissed_at is not None


def test_generate_without_llm_stores_statistical_insights_once(server: LiveServer, data_dir: Path) -> None:
    _weight_loss(data_dir, "brian")
    with server.client() as c:
        first = c.post("/insights/generate", json={"days": 90, "force": False}).json()
        again = c.post("/insights/generate", json={"days": 90, "force": True}).json()
        listed = c.get("/insights", params={"category": "trend"}).json()
    for body in (first, again):
        decode(body, GENERATE)
        assert body["success"] is False
        assert "LLM" in body["error"]
        assert body["token_estimate"] > 100
    assert first["insights_generated"] == 1
    assert first["insights"][0]["title"].startswith("Weight down")
    assert again["insights_generated"] == 0
    assert [i["id"] for i in listed] == [first["insights"][0]["id"]]


def test_data_preview_uses_the_compact_format(server: LiveServer, data_dir: Path) -> None:
    store_days(data_dir, "brian", [snapshot(d) for d in flat_days(30, 12, _today())])
    with server.client() as c:
        body = c.get("/insights/data-preview", params={"days": 7}).json()
        assert c.get("/insights/data-preview", params={"days": 0}).status_code == 422
    assert body["days_requested"] == 7
    assert body["days_with_data"] == 7
    assert body["character_count"] == len(body["data_preview"])
    assert body["token_estimate"] == len(body["data_preview"]) // 4
    lines = body["data_preview"].splitlines()
    assert lines[0] == "=== RAW FITNESS DATA ==="
    newest = lines[lines.index("--- DAILY DATA (newest first) ---") + 1]
    assert newest.startswith(f"{_today().isoformat()} | N:")
    assert "protein_target: 160 g/day" in lines


def test_users_never_see_or_touch_each_others_insights(server: LiveServer, data_dir: Path) -> None:
    _weight_loss(data_dir, "brian")
    with server.client("brian") as brian, server.client("david") as david:
        brian.post("/insights/generate", json={"days": 90, "force": False})
        mine = brian.get("/insights").json()
        assert len(mine) == 1
        assert david.get("/insights").json() == []
        assert david.post("/insights/generate", json={"days": 90, "force": False}).json()["insights"] == []
        assert (
            david.post(f"/insights/{mine[0]['id']}/engage", params={"action": "dismissed"}).status_code == 404
        )
        assert [i["id"] for i in brian.get("/insights").json()] == [mine[0]["id"]]
    assert stored(data_dir, "david", INSIGHTS).insights == []


def test_coach_context_carries_the_callers_insights(server: LiveServer, data_dir: Path) -> None:
    _weight_loss(data_dir, "brian")
    _weight_loss(data_dir, "david")
    with server.client("brian") as brian, server.client("david") as david:
        brian.post("/insights/generate", json={"days": 90, "force": False})
        mine = brian.get("/chat/context").json()["data_context"]
        without = brian.get("/chat/context", params={"include_insights": "false"}).json()["data_context"]
        theirs = david.get("/chat/context").json()["data_context"]
    assert "Recent AI-generated insights about this user:\n- [TREND] Weight down" in mine
    assert "AI-generated insights" not in without
    assert "AI-generated insights" not in theirs
