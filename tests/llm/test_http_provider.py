"""The OpenAI-compatible provider against a local fake server: history per user, parallel users, fallback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tests.fakes.clis import FakeClis
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer, wait_for

LEARNING = Rule(match="Extract only NEW information", reply="{}")


def _texts(request: dict) -> str:
    return "\n".join(str(m.get("content")) for m in request["messages"])


def test_stateless_api_gets_only_the_callers_recent_turns(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [LEARNING]
    live = start_server(**fake_openai.settings())
    with live.client("brian") as brian, live.client("david") as david:
        assert brian.post("/chat", json={"message": "brian-first"}).json()["provider"] == "openai"
        assert david.post("/chat", json={"message": "david-first"}).json()["success"] is True
        assert brian.post("/chat", json={"message": "brian-second"}).json()["success"] is True
    chats = [r for r in fake_openai.requests if "Extract only NEW" not in _texts(r)]
    brian_second = _texts(chats[2])
    assert "brian-first" in brian_second
    assert "Reply from the fake OpenAI server." in brian_second
    assert "david-first" not in brian_second
    assert "brian" not in _texts(chats[1])


def test_one_users_slow_call_does_not_block_another(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    # Brian's call is held at the provider for 8 s; David's whole turn must finish inside that window,
    # which it cannot if it queues behind Brian's (ordering, not a timed bound, so load cannot flake it).
    fake_openai.rules = [LEARNING, Rule(match="SLOW", reply="slow answer", delay=8.0)]
    live = start_server(**fake_openai.settings())
    done: dict[str, float] = {}

    def slow() -> None:
        with live.client("brian") as c:
            assert c.post("/chat", json={"message": "SLOW please"}).json()["response"] == "slow answer"
        done["brian"] = time.monotonic()

    thread = threading.Thread(target=slow)
    thread.start()
    wait_for(lambda: fake_openai.received("SLOW please"), seconds=30)
    with live.client("david") as c:
        assert c.post("/chat", json={"message": "quick"}).json()["success"] is True
    david_done = time.monotonic()
    thread.join(timeout=30)
    assert done["brian"] > david_done


def test_one_users_turns_are_serialised(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [LEARNING, Rule(match="SLOW", reply="slow answer", delay=1.0)]
    live = start_server(**fake_openai.settings())
    finished: list[str] = []

    def send(message: str) -> None:
        with live.client("brian") as c:
            c.post("/chat", json={"message": message})
        finished.append(message)

    first = threading.Thread(target=send, args=("SLOW one",))
    first.start()
    wait_for(lambda: fake_openai.received("SLOW one"), seconds=30)
    send("fast two")
    first.join(timeout=30)
    assert finished == ["SLOW one", "fast two"]
    chats = [r for r in fake_openai.requests if "Extract only NEW" not in _texts(r)]
    assert "SLOW one" in _texts(chats[1])  # the second turn saw the first in its history


def test_http_failure_falls_back_to_cli(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI, fake_clis: FakeClis
) -> None:
    fake_openai.default = Rule(status=500)
    live = start_server(**{**fake_clis.settings("openai,gemini"), **fake_openai.settings("openai,gemini")})
    with live.client() as c:
        body = c.post("/chat", json={"message": "hello"}).json()
    assert (body["success"], body["provider"]) == (True, "gemini")


def test_hung_http_provider_times_out(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Rule(delay=30)
    live = start_server(**fake_openai.settings(), cli_timeout=1.0)
    started = time.monotonic()
    with live.client() as c:
        body = c.post("/chat", json={"message": "hello"}).json()
    # Well before the 30 s the provider would take: the 1 s call timeout, not the provider, ended it.
    assert time.monotonic() - started < 20
    assert body["success"] is False
    assert "timed out" in body["error"]


def test_health_lists_configured_http_provider(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    live = start_server(**fake_openai.settings("openai,anthropic,claude"), claude_cli="/nonexistent/claude")
    with live.client() as c:
        assert c.get("/health").json()["providers"] == ["openai"]
