"""A person who reads kg and kJ reads kg and kJ everywhere the server writes numbers for them: the coach's
context, the insights and the coach's tools, while storage and the iOS app's wire keep lbs and kcal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx2

from airfit import demo
from tests.live import LiveServer

TODAY = datetime.now(UTC).date()  # the test servers' zone is UTC
LB_TEXT = re.compile(r"\d lbs?\b")
KCAL_TEXT = re.compile(r"\d kcal\b")


def _losing_year() -> list[dict[str, object]]:
    trend = demo.Trend("weight_lbs", TODAY - timedelta(weeks=26), -0.6)
    return demo.days(365, 5, TODAY, person=demo.FLAT, effects=[trend])


def _tool(client: httpx2.Client, name: str) -> str:
    answer = client.post("/tools/execute", json={"name": name, "arguments": {"days": 7}}).json()
    assert answer["success"] is True
    return str(answer["content"])


def test_kg_and_kj_reach_the_coach_the_insights_and_the_tools(server: LiveServer) -> None:
    with server.client("david") as david, server.client("brian") as brian:
        for client in (david, brian):
            client.post("/insights/sync", json={"days": _losing_year()}).raise_for_status()
            client.post("/profile/sync", json={"name": "Test", "target_weight_lbs": 140}).raise_for_status()
        david.patch("/me", json={"units": {"mass": "kg", "energy": "kJ"}}).raise_for_status()
        david.post("/log/body", json={"weight_lbs": 149.914}).raise_for_status()  # 68.0 kg

        context = david.get("/chat/context").json()
        data = context["data_context"]
        assert "target weight 63.5 kg" in data
        assert " kJ" in data
        assert not LB_TEXT.search(data), data
        assert not KCAL_TEXT.search(data), data
        assert "kJ" in context["system_prompt"]  # the coach is told to answer in them

        generated = david.post("/insights/generate", json={"force": True}).json()
        texts = [f"{i['title']} {i['body']}" for i in generated["insights"]]
        assert any(" kg" in t for t in texts), texts
        assert not any(LB_TEXT.search(t) or KCAL_TEXT.search(t) for t in texts), texts

        body = _tool(david, "query_body_comp")
        assert "68.0 kg" in body
        food = _tool(david, "query_nutrition")
        assert " kJ" in food
        assert not KCAL_TEXT.search(food)

        # The iOS wire and brian (who chose nothing) keep lbs and kcal.
        assert david.get("/health/body-metrics?days=1").json()["current"]["weight_lbs"] == 149.914
        brian_data = brian.get("/chat/context").json()["data_context"]
        assert LB_TEXT.search(brian_data)
        assert " kg" not in brian_data
