"""`POST /chat/stream` end to end: a real uvicorn server, the fake OpenAI server streaming, fake CLIs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx2

from airfit.coach.memory import MEMORIES
from airfit.llm.models import CHAT_HISTORY
from tests.fakes.clis import FakeClis
from tests.fakes.openai_server import FakeOpenAI, Rule, mentions
from tests.ios import CHAT, decode
from tests.live import LiveServer, stored, wait_for

EXTRACT = Rule(match="Extract only NEW information", reply="{}")
MARKED = "Nice work!<memory:remember>deadlift 405 at 41</memory:remember> Keep going."


def _stream(live: LiveServer, message: str, user: str = "brian") -> list[tuple[str, dict[str, Any]]]:
    """Every event of one streamed turn, in order."""
    events: list[tuple[str, dict[str, Any]]] = []
    with (
        live.client(user) as client,
        client.stream("POST", "/chat/stream", json={"message": message}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def _history(live: LiveServer, user: str = "brian") -> list[str]:
    """The user's stored chat history, oldest first."""
    return [turn.content for turn in stored(live.settings, user, CHAT_HISTORY).turns]


def test_streamed_reply_never_shows_markers_and_is_kept_like_a_chat(
    start_live_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    # Five characters a piece: the marker is split across many pieces.
    fake_openai.rules = [EXTRACT]
    fake_openai.default = Rule(reply=MARKED, chunk_chars=5)
    live = start_live_server(**fake_openai.settings())
    events = _stream(live, "How was my week?")
    names = [name for name, _ in events]
    assert names[-1] == "done"
    assert set(names[:-1]) == {"delta"}
    assert len(names) > 3  # really streamed
    shown = "".join(data["text"] for name, data in events if name == "delta")
    assert "memory" not in shown
    assert " ".join(shown.split()) == "Nice work! Keep going."
    done = events[-1][1]
    decode(done, CHAT)
    assert done == {
        **done,
        "response": "Nice work! Keep going.",
        "provider": "openai",
        "success": True,
        "error": None,
    }
    assert fake_openai.requests[0]["stream"] is True
    # The same bookkeeping as POST /chat: history, then the marker as a memory.
    wait_for(lambda: len(_history(live)) == 2)
    assert _history(live) == ["How was my week?", "Nice work! Keep going."]
    wait_for(lambda: bool(stored(live.settings, "brian", MEMORIES).entries))
    assert [e.text for e in stored(live.settings, "brian", MEMORIES).entries] == ["deadlift 405 at 41"]
    assert stored(live.settings, "david", MEMORIES).entries == []
    # The next turn (plain POST /chat, unchanged) carries the streamed one as history.
    with live.client("brian") as client:
        body = client.post("/chat", json={"message": "And next week?"}).json()
    decode(body, CHAT)
    assert body["success"] is True
    second = [r for r in fake_openai.requests if "And next week?" in json.dumps(r["messages"])][0]
    assert "How was my week?" in json.dumps(second["messages"])
    assert "stream" not in second or second["stream"] is False


def test_a_cli_provider_answers_in_one_piece(
    start_live_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    fake_clis.configure("claude", default={"reply": "Whole answer <memory:tone>blunt</memory:tone>at once."})
    live = start_live_server(**fake_clis.settings("claude"))
    events = _stream(live, "hi")
    assert [name for name, _ in events] == ["delta", "done"]
    assert "memory" not in events[0][1]["text"]
    assert events[1][1]["response"] == "Whole answer at once."
    assert events[1][1]["provider"] == "claude"


def test_a_failure_before_any_text_falls_back_and_a_break_mid_answer_does_not(
    start_live_server: Callable[..., LiveServer], fake_openai: FakeOpenAI, fake_clis: FakeClis
) -> None:
    fake_openai.rules = [
        EXTRACT,
        Rule(match="down", status=500),
        Rule(match="break", reply="x" * 80, drop_after=3),
    ]
    live = start_live_server(
        **{**fake_clis.settings("openai,claude"), **fake_openai.settings("openai,claude")}
    )
    fallen_back = _stream(live, "server down")
    assert fallen_back[-1][1]["provider"] == "claude"
    assert fallen_back[-1][1]["success"] is True
    broken = _stream(live, "please break")
    assert broken[0][0] == "delta"  # some text was shown ...
    done = broken[-1][1]
    assert done["success"] is False  # ... then the answer broke off, and it is said so
    assert "broke off" in done["error"]
    assert done["response"] == ""
    assert len(fake_clis.calls("claude")) == 1  # no second provider after text was shown
    # A user's turns are stored one after the other: once a later turn is, the broken one would be too.
    assert _stream(live, "one more")[-1][1]["success"] is True
    wait_for(lambda: len(_history(live)) >= 4)
    assert _history(live) == [
        "server down",
        "Reply from fake claude.",
        "one more",
        "Reply from the fake OpenAI server.",
    ]


def test_one_users_stream_and_chat_take_turns_and_other_users_do_not_wait(
    start_live_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [EXTRACT, Rule(match="SLOW", reply="slow " * 20, chunk_chars=10, chunk_delay=0.1)]
    live = start_live_server(**fake_openai.settings())
    finished: dict[str, float] = {}

    def slow() -> None:
        _stream(live, "SLOW one")
        finished["stream"] = time.monotonic()

    thread = threading.Thread(target=slow)
    thread.start()
    # Brian's turn holds his lock from before its request reaches the provider until it is answered.
    wait_for(lambda: fake_openai.received("SLOW one"))
    with live.client("david") as david:
        assert david.post("/chat", json={"message": "quick"}).json()["success"] is True
    finished["david"] = time.monotonic()
    with live.client("brian") as brian:
        assert brian.post("/chat", json={"message": "after"}).json()["success"] is True
    finished["brian"] = time.monotonic()
    thread.join(timeout=30)
    assert finished["david"] < finished["stream"] <= finished["brian"]


def test_a_client_that_leaves_cancels_the_turn_and_nothing_is_stored(
    start_live_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [EXTRACT, Rule(match="LONG", reply="word " * 200, chunk_chars=5, chunk_delay=0.05)]
    live = start_live_server(**fake_openai.settings())
    with (
        live.client("brian") as client,
        client.stream("POST", "/chat/stream", json={"message": "LONG story"}) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data: "):
                break  # the first piece arrived: go away
    # The server saw the client go and stopped the turn: its provider stream was cut off mid-answer.
    wait_for(lambda: any(mentions(body, "LONG story") for body in fake_openai.abandoned))
    assert _history(live) == []
    # The user's lock was released: the next turn goes through at once, and it alone is stored (a user's
    # turns are stored in order, so the cancelled one would be there by now).
    with live.client("brian", timeout=10) as client:
        assert client.post("/chat", json={"message": "still there?"}).json()["success"] is True
    wait_for(lambda: len(_history(live)) >= 2)
    assert _history(live) == ["still there?", "Reply from the fake OpenAI server."]


def test_stream_needs_an_identity_like_chat(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(auth="token")
    response = httpx2.post(f"{live.url}/chat/stream", json={"message": "hi"})
    assert response.status_code == 401
