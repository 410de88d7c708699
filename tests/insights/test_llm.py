"""LLM insights through a fake claude CLI (real subprocess): validated, retried once, else nothing stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.fakes.clis import FakeClis
from tests.insights.data import flat_days, inject, snapshot, store_days
from tests.ios import DISCUSS, GENERATE, INSIGHT_LIST, decode
from tests.live import LiveServer, wait_for

MARK = "Return your insights as JSON"
GOOD = {
    "insights": [
        {
            "category": "Correlation",
            "tier": 2,
            "title": "Short nights before heavy days",
            "body": "Your two lowest-sleep nights came before your heaviest sessions.",
            "importance": "0.8",
            "confidence": 0.7,
            "suggested_actions": ["Sleep 8 h before leg day"],
            "supporting_data": {"metric": "sleep", "values": [6.1, 5.9, 7.8]},
        },
        {
            "category": "nudge",
            "tier": 4,
            "title": "Log breakfast more often",
            "body": "Mornings are missing on most days, so your totals undercount protein.",
            "importance": 0.4,
            "confidence": 0.6,
        },
    ]
}


def _data(data_dir: Path, user: str, weight: float) -> None:
    days = flat_days(60, 41, datetime.now(UTC).date())
    inject(days, 60, lambda _, d: d.update(weight_lbs=weight))
    inject(days, 28, lambda i, d: d.update(weight_lbs=round(weight - 0.2 * i, 1)))
    store_days(data_dir, user, [snapshot(d) for d in days])


def _server(start_server: Callable[..., LiveServer], fake_clis: FakeClis, reply: str) -> LiveServer:
    fake_clis.configure("claude", rules=[{"match": MARK, "reply": reply}])
    return start_server(**fake_clis.settings("claude"))


def _prompts(fake_clis: FakeClis) -> list[str]:
    return [c["stdin"] for c in fake_clis.calls("claude") if MARK in c["stdin"]]


def test_valid_answer_is_stored_with_the_statistical_findings(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    _data(data_dir, "brian", 185.0)
    _data(data_dir, "david", 250.0)
    live = _server(start_server, fake_clis, f"Here you go:\n```json\n{json.dumps(GOOD)}\n```")
    with live.client("brian") as brian:
        first = brian.post("/insights/generate", json={"days": 30, "force": False}).json()
        again = brian.post("/insights/generate", json={"days": 30, "force": False}).json()
        listed = brian.get("/insights").json()
    decode(first, GENERATE)
    decode(listed, INSIGHT_LIST)
    assert first["success"] is True
    assert first["error"] is None
    titles = [i["title"] for i in first["insights"]]
    assert titles[0].startswith("Weight down")
    assert titles[1:] == ["Short nights before heavy days", "Log breakfast more often"]
    assert {i["source"] for i in first["insights"][1:]} == {"llm"}
    assert first["insights"][1]["importance"] == 0.8
    assert first["insights"][1]["category"] == "correlation"
    assert (again["success"], again["insights_generated"]) == (True, 0)
    assert len(listed) == 3
    prompt, second = _prompts(fake_clis)
    assert "VERIFIED STATISTICAL FINDINGS" in prompt
    assert "Weight down" in prompt
    assert "| H:w185.0" in prompt
    assert "w250" not in prompt
    assert "ALREADY GIVEN" in second
    assert "- Short nights before heavy days" in second


def test_invalid_answer_is_retried_once_then_nothing_is_stored(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    _data(data_dir, "brian", 185.0)
    bad: dict[str, Any] = {"insights": [{"category": "gossip", "tier": 9, "title": "x", "body": "y"}]}
    live = _server(start_server, fake_clis, json.dumps(bad))
    with live.client("brian") as brian:
        generated = brian.post("/insights/generate", json={"days": 30, "force": False}).json()
        listed = brian.get("/insights").json()
        triggered = brian.post("/scheduler/trigger-insights", params={"force": "true"}).json()
        status = brian.get("/scheduler/status").json()
    decode(generated, GENERATE)
    assert generated["success"] is False
    assert "No LLM insights stored" in generated["error"]
    assert [i["source"] for i in listed] == ["statistical"]
    assert len(_prompts(fake_clis)) == 4
    assert "could not be used" in _prompts(fake_clis)[1]
    assert triggered["status"] == "error"
    assert triggered["detail"] == "0 new insight(s), 0 statistical, LLM: claude"
    assert status["jobs"]["insights"]["last_status"] == "error"
    assert "No LLM insights stored" in status["last_error"]
    assert status["jobs"]["insights"]["consecutive_failures"] == 1


def test_discuss_talks_about_the_callers_insight_only(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    _data(data_dir, "brian", 185.0)
    fake_clis.configure(
        "claude",
        rules=[
            {
                "match": "INSIGHT BEING DISCUSSED",
                "reply": "Keep the deficit. <memory:thread>cut</memory:thread>",
            }
        ],
    )
    live = start_server(**fake_clis.settings("claude"))
    with live.client("brian") as brian, live.client("david") as david:
        insight = brian.post("/insights/generate", json={"days": 30, "force": False}).json()["insights"][0]
        path = f"/insights/{insight['id']}/discuss"
        answer = brian.post(path, json={"message": "Is this too fast?"})
        stranger = david.post(path, json={"message": "Tell me brian's weight"})
    assert answer.status_code == 200
    body = answer.json()
    decode(body, DISCUSS)
    decode(stranger.json(), DISCUSS)
    assert body == {
        "response": "Keep the deficit.",
        "provider": "claude",
        "success": True,
        "insight_title": insight["title"],
        "error": None,
    }
    assert stranger.status_code == 200
    assert stranger.json()["success"] is False
    assert stranger.json()["insight_title"] == "Unknown"
    assert stranger.json()["error"] == "Insight not found"
    [prompt] = [c["stdin"] for c in fake_clis.calls("claude") if "INSIGHT BEING DISCUSSED" in c["stdin"]]
    assert insight["title"] in prompt
    assert "USER MESSAGE: Is this too fast?" in prompt
    assert "| H:w18" in prompt
    assert "Tell me brian's weight" not in "".join(c["stdin"] for c in fake_clis.calls("claude"))


def test_a_running_generation_is_reported_at_once_unless_forced(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    _data(data_dir, "brian", 190.0)
    fake_clis.configure("claude", rules=[{"match": MARK, "reply": json.dumps(GOOD), "delay": 2}])
    live = start_server(**fake_clis.settings("claude"))

    def generate(force: bool) -> dict[str, Any]:
        with live.client("brian", timeout=60) as brian:
            answer: dict[str, Any] = brian.post(
                "/insights/generate", json={"days": 30, "force": force}
            ).json()
            return answer

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(generate, False)
        wait_for(lambda: len(_prompts(fake_clis)) == 1)
        busy = generate(False)
        assert len(_prompts(fake_clis)) == 1
        forced = pool.submit(generate, True)
        assert first.result()["success"] is True
        assert forced.result()["success"] is True
    decode(busy, GENERATE)
    assert busy["success"] is False
    assert "already running" in busy["error"]
    assert busy["insights_generated"] == 0
    # The forced one waited for the first to end, then asked the LLM again.
    assert len(_prompts(fake_clis)) == 2
