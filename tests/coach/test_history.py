"""`GET /chat/history`: the caller's conversation as the server keeps it, for the web client's reload."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer


def test_history_shows_each_users_own_turns_until_cleared(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [Rule(match="squat", reply="Keep your chest up.")]
    live = start_server(**fake_openai.settings())
    with live.client("brian") as brian, live.client("david") as david:
        assert brian.post("/chat", json={"message": "How do I squat?"}).json()["success"] is True
        # Read at once: a turn just answered is stored before the history is shown.
        turns = brian.get("/chat/history").json()["turns"]
        assert [(t["role"], t["content"]) for t in turns] == [
            ("user", "How do I squat?"),
            ("assistant", "Keep your chest up."),
        ]
        assert david.get("/chat/history").json() == {"turns": []}
        brian.delete("/chat/session").raise_for_status()
        assert brian.get("/chat/history").json() == {"turns": []}
