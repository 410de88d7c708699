"""The openai provider against a real llama.cpp server running SmolLM2-135M (one thread, temperature 0).

Behaviour and timing, not the quality of the text: every call answers within the iOS app's timeout (60 s;
120 s for an insight generation: the client here gives up then, as the app does), and a model that ignores
the output format ends in a validated result or a clear failure with nothing stored.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from airfit.llm.models import CHAT_HISTORY
from tests.insights.data import gen_days, snapshot, store_days
from tests.live import LiveServer, stored, wait_for
from tests.realmodel.server import MODEL_ALIAS, LlamaServer, llama_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realmodel")]

IOS_TIMEOUT = 60.0
GENERATE_TIMEOUT = 120.0
"""The iOS app's timeout for `POST /insights/generate` (docs/ios-contract.md § Timeouts); 60 s elsewhere."""
HEALTH = {"steps_today": "8432", "sleep_last_night": "7.2", "weight_lbs": "182.4"}


# Small limits: this model rambles until its limit, and these tests share two cores with the others.
LIMITS = {"max_tokens_chat": 120, "max_tokens_profile": 120, "max_tokens_food": 200}


def _settings(model: LlamaServer, **overrides: Any) -> dict[str, Any]:
    return {
        "providers": "openai",
        "openai_base_url": model.base_url,
        "openai_model": MODEL_ALIAS,
        **LIMITS,
        **overrides,
    }


def _post(
    live: LiveServer, path: str, body: dict[str, Any], user: str = "brian", timeout: float = IOS_TIMEOUT
) -> dict[str, Any]:
    """POST as the iOS app would: a failure to answer within its timeout fails the test saying so."""
    started = time.monotonic()
    with live.client(user, timeout=timeout) as client:
        try:
            response = client.post(path, json=body)
        except httpx2.TimeoutException:
            pytest.fail(f"{path} did not answer within the iOS app's {timeout:.0f} s")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    answer["_seconds"] = time.monotonic() - started
    return answer


def _idle(model: LlamaServer, seconds: float = 120.0) -> None:
    """Wait until the model has finished earlier work (a chat's background learning also asks it).

    A user reads a reply before writing again; these tests time each call, not a queue behind another.
    """
    if not model.wait_idle(seconds):
        pytest.fail(f"the model server was still busy after {seconds:.0f} s")


def _history(data_dir: Path, user: str) -> list[tuple[str, str]]:
    return [(turn.role, turn.content) for turn in stored(data_dir, user, CHAT_HISTORY).turns]


def _settled(data_dir: Path, user: str, turns: int) -> list[tuple[str, str]]:
    """The stored history once the background writes of `turns` turns are done."""
    wait_for(lambda: len(_history(data_dir, user)) >= turns)
    return _history(data_dir, user)


def test_two_chat_turns_answer_in_time_and_are_stored(
    smollm2: LlamaServer, start_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    live = start_server(**_settings(smollm2))
    _idle(smollm2)
    first = _post(live, "/chat", {"message": "How much protein should I eat?", "health_context": HEALTH})
    assert first["success"] is True, first["error"]
    assert first["provider"] == "openai"
    assert first["response"].strip()
    _idle(smollm2)
    second = _post(live, "/chat", {"message": "And on rest days?", "health_context": HEALTH})
    assert second["success"] is True, second["error"]
    assert second["response"].strip()
    history = _settled(data_dir, "brian", 4)
    assert [role for role, _ in history] == ["user", "assistant", "user", "assistant"]
    assert history[0][1] == "How much protein should I eat?"
    assert "<memory:" not in history[1][1] + history[3][1]


def test_streamed_chat_arrives_in_pieces_within_the_timeout(
    smollm2: LlamaServer, start_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    live = start_server(**_settings(smollm2))
    _idle(smollm2)
    started = time.monotonic()
    first_piece: float | None = None
    names: list[str] = []
    done: dict[str, Any] = {}
    with (
        live.client("jonathan", timeout=IOS_TIMEOUT) as client,
        client.stream("POST", "/chat/stream", json={"message": "Give me three tips for sleep."}) as response,
    ):
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event: "):
                names.append(line.removeprefix("event: "))
                if first_piece is None:
                    first_piece = time.monotonic() - started
            elif line.startswith("data: ") and names[-1] == "done":
                done = json.loads(line.removeprefix("data: "))
    total = time.monotonic() - started
    assert names[-1] == "done"
    assert done["success"] is True, done["error"]
    assert names.count("delta") > 1  # llama.cpp streams token by token
    assert first_piece is not None
    assert first_piece < total
    assert total < IOS_TIMEOUT
    history = _settled(data_dir, "jonathan", 2)
    assert history[1] == ("assistant", done["response"])


def test_food_parse_is_validated_or_a_clear_failure(
    smollm2: LlamaServer, start_server: Callable[..., LiveServer]
) -> None:
    live = start_server(**_settings(smollm2))
    _idle(smollm2)
    answer = _post(live, "/nutrition/parse", {"food_text": "two eggs and a slice of toast with butter"})
    if answer["success"]:
        for key in ("calories", "protein", "carbs", "fat"):
            assert isinstance(answer[key], int)
            assert answer[key] >= 0
        assert answer["name"]
    else:
        assert answer["error"].startswith("Could not parse nutrition data")


def test_onboarding_turns_answer_in_time(
    smollm2: LlamaServer, start_server: Callable[..., LiveServer]
) -> None:
    live = start_server(**_settings(smollm2))
    _idle(smollm2)
    opener = _post(live, "/chat/onboarding", {"message": ""}, user="david")
    assert opener["response"].strip()
    assert opener.get("error") is None, opener["error"]
    _idle(smollm2)
    reply = _post(
        live, "/chat/onboarding", {"message": "I'm Sam, 34, and I want to run a marathon."}, "david"
    )
    assert reply.get("error") is None, reply["error"]
    assert reply["response"].strip()
    assert reply["session_id"]


def test_insight_generation_stores_only_validated_insights(
    smollm2: LlamaServer, start_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    today = datetime.now(UTC).date()
    store_days(data_dir, "brian", [snapshot(d) for d in gen_days(60, 3, today)])
    live = start_server(**_settings(smollm2, prompt_budget_insights=1000, max_tokens_insights=400))
    _idle(smollm2)
    answer = _post(live, "/insights/generate", {}, timeout=GENERATE_TIMEOUT)
    with live.client("brian") as client:
        listed = client.get("/insights", params={"limit": 100}).json()
    llm_stored = [i for i in listed if i.get("source") == "llm"]
    if answer["success"]:
        # Whatever the model wrote passed LLMInsightBatch's validation before it was stored.
        for insight in llm_stored:
            assert insight["category"] in ("correlation", "trend", "anomaly", "milestone", "nudge")
            assert 1 <= insight["tier"] <= 5
    else:
        assert "No LLM insights stored" in answer["error"]
        assert llm_stored == []


def test_a_model_server_killed_mid_answer_is_a_clean_failure_with_nothing_stored(
    smollm2_model: Path, start_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    with llama_server(smollm2_model) as doomed:
        live = start_server(**_settings(doomed, max_tokens_chat=3000))
        killer = threading.Timer(1.5, doomed.kill)
        killer.start()
        try:
            answer = _post(live, "/chat", {"message": "Write a very long essay about every muscle."})
        finally:
            killer.cancel()
    assert answer["success"] is False
    assert answer["response"] == ""
    assert answer["error"].startswith("All providers failed: openai:")
    assert answer["_seconds"] < 15
    with live.client("brian") as client:
        shown = client.get("/chat/history").json()["turns"]  # waits until every answered turn is stored
    assert shown == []
    assert _history(data_dir, "brian") == []
