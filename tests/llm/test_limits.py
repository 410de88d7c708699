"""Output limits reach every provider request, per kind of call, and prompts stay within their budgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airfit.llm.budget import estimate_tokens
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer

LEARNING = Rule(match="Extract only NEW information", reply="{}")
FOOD = Rule(
    match="Parse this food", reply='{"name": "egg", "calories": 70, "protein": 6, "carbs": 0, "fat": 5}'
)


def _limit(request: dict[str, Any]) -> int | None:
    return request.get("max_completion_tokens") or request.get("max_tokens")


def _texts(request: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content")) for m in request["messages"])


def test_each_kind_of_call_sends_its_own_configured_limit(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [LEARNING, FOOD]
    live = start_server(**fake_openai.settings(), max_tokens_chat=321, max_tokens_food=77)
    with live.client("brian") as client:
        assert client.post("/chat", json={"message": "hi"}).json()["success"] is True
        assert client.post("/nutrition/parse", json={"food_text": "an egg"}).json()["success"] is True
    chat = next(r for r in fake_openai.requests if _texts(r).rstrip().endswith("hi"))
    food = next(r for r in fake_openai.requests if "Parse this food" in _texts(r))
    assert _limit(chat) == 321
    assert _limit(food) == 77


def test_defaults_limit_every_call(start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI) -> None:
    fake_openai.rules = [LEARNING, FOOD]
    live = start_server(**fake_openai.settings())
    with live.client("brian") as client:
        client.post("/chat", json={"message": "hello there"})
        client.post("/nutrition/parse", json={"food_text": "an egg"})
        client.post("/nutrition/status", json={"calories": 1000, "protein": 50, "carbs": 100, "fat": 30})
    assert fake_openai.requests
    assert all(_limit(r) for r in fake_openai.requests)


def test_long_history_is_trimmed_oldest_first_to_the_chat_budget(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [LEARNING]
    fake_openai.default = Rule(reply="ok " * 150)
    live = start_server(**fake_openai.settings(), prompt_budget_chat=1200)
    with live.client("brian") as client:
        for n in range(8):
            assert client.post("/chat", json={"message": f"question-{n} " + "word " * 60}).json()["success"]
    chats = [r for r in fake_openai.requests if "question-" in _texts(r) and "Extract only" not in _texts(r)]
    last = _texts(chats[-1])
    assert "question-7" in last
    assert "question-6" in last  # the last exchange is kept
    assert "question-0" not in last  # the oldest went first
    assert sum(estimate_tokens(str(m.get("content"))) for m in chats[-1]["messages"]) <= 1200
