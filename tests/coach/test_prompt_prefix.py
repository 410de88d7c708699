"""Each chat turn begins with exactly what the model was sent and wrote the turn before, so the prefix caches
of llama.cpp, Ollama and vLLM (and hosted prompt caching) hold from turn to turn, even when the turn's app
data, the coach's memory markers and background learning change what the server knows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from airfit.coach.memory import MEMORIES
from airfit.profile.models import PROFILE
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer, stored, wait_for

EXTRACT = "Extract only NEW information"
MARKED = "Sleep first, then lift.<memory:remember>sleeps badly before deadlift days</memory:remember>"
HEALTH = {"steps_today": "8432", "sleep_last_night": "5.1", "resting_heart_rate": "58"}
NUTRITION = {
    "total_calories": 1850,
    "total_protein": 140,
    "total_carbs": 180,
    "total_fat": 60,
    "entry_count": 2,
    "entries": [{"name": "Chicken rice bowl", "calories": 780, "protein": 62}],
}
PROFILE_SYNC = {
    "name": "Brian",
    "goals": ["Deadlift 500 lbs"],
    "constraints": ["Left knee: no deep lunges"],
    "personality_notes": "You are Brian's coach: direct and numerate.",
    "onboarding_complete": True,
}


def _days() -> list[dict[str, object]]:
    today = datetime.now(UTC).date()
    return [
        {
            "date": (today - timedelta(days=i)).isoformat(),
            "calories": 2100 + 10 * i,
            "protein": 160,
            "carbs": 220,
            "fat": 70,
            "nutrition_entries": 3,
            "weight_lbs": 183.0 - 0.1 * i,
            "sleep_hours": 7.0,
        }
        for i in range(14)
    ]


def _chats(fake: FakeOpenAI) -> list[dict[str, Any]]:
    """The chat requests (not background learning), in order."""
    return [r for r in fake.requests if EXTRACT not in str(r["messages"][-1].get("content"))]


def _messages(request: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["role"], str(m.get("content"))) for m in request["messages"]]


def _chat(live: LiveServer, message: str) -> None:
    with live.client("brian") as client:
        body = {"message": message, "health_context": HEALTH, "nutrition_context": NUTRITION}
        assert client.post("/chat", json=body).json()["success"] is True


def _prepare(live: LiveServer) -> None:
    with live.client("brian") as client:
        client.post("/profile/sync", json=PROFILE_SYNC).raise_for_status()
        client.post("/insights/sync", json={"days": _days()}).raise_for_status()


def _after_a_remembered_reply(start_server: Callable[..., LiveServer], fake: FakeOpenAI) -> LiveServer:
    """A server whose user has had one turn, and the note the reply carried stored as a memory."""
    fake.rules = [Rule(match=EXTRACT, reply="{}")]
    fake.default = Rule(reply=MARKED)
    live = start_server(**fake.settings())
    _prepare(live)
    _chat(live, "Should I lift today?")
    wait_for(lambda: bool(stored(live.settings, "brian", MEMORIES).entries))
    return live


def test_a_turn_repeats_the_previous_turn_as_the_model_saw_and_wrote_it(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    live = _after_a_remembered_reply(start_server, fake_openai)
    _chat(live, "And tomorrow?")

    first, second = (_messages(r) for r in _chats(fake_openai))
    # The whole first request, then the answer with its marker, then only the new turn.
    assert second[: len(first)] == first
    assert second[len(first)] == ("assistant", MARKED)
    assert len(second) == len(first) + 2
    assert "Steps today: 8432" in first[-1][1]  # the first turn's app data is part of what is repeated
    assert "This week's summary" in first[0][1]  # the stored data is in the repeated system prompt
    # The user is shown what they wrote and what the coach said, never the data or markers the model saw.
    with live.client("brian") as client:
        shown = [(t["role"], t["content"]) for t in client.get("/chat/history").json()["turns"]]
    assert shown == [
        ("user", "Should I lift today?"),
        ("assistant", "Sleep first, then lift."),
        ("user", "And tomorrow?"),
        ("assistant", "Sleep first, then lift."),
    ]


def test_the_remembered_note_reaches_a_new_conversation_through_memory(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    live = _after_a_remembered_reply(start_server, fake_openai)
    with live.client("brian") as client:
        client.delete("/chat/session").raise_for_status()
    _chat(live, "New week, new plan?")
    fresh = _messages(_chats(fake_openai)[-1])
    assert len(fresh) == 2  # nothing replayed
    assert "sleeps badly before deadlift days" in fresh[0][1]


def test_learned_facts_leave_the_head_of_the_prompt_and_the_stored_data_unchanged(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    learned = '{"new_constraints": ["No running after 9pm"]}'
    fake_openai.rules = [Rule(match=EXTRACT, reply=learned)]
    fake_openai.default = Rule(reply="Rest today.")
    live = start_server(**fake_openai.settings())
    _prepare(live)
    _chat(live, "I only get to run late at night, is that ok?")
    wait_for(lambda: "No running after 9pm" in stored(live.settings, "brian", PROFILE).constraints)
    _chat(live, "What about tomorrow?")

    first, second = (_messages(r)[0][1] for r in _chats(fake_openai))
    assert "No running after 9pm" not in first
    assert "No running after 9pm" in second
    # Everything before the user's facts is the same: the persona, the instructions and the stored data.
    head = first.index("--- ABOUT THE USER ---")
    assert head > first.index("This week's summary") > first.index("--- GUIDELINES ---")
    assert second[:head] == first[:head]


def test_notes_the_app_syncs_during_a_conversation_reach_the_next_turn(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    live = _after_a_remembered_reply(start_server, fake_openai)
    with live.client("brian") as client:
        synced = {"type": "thread", "contents": ["ask how the new mattress works"]}
        client.post("/sync/memories", json=synced).raise_for_status()
    _chat(live, "And tomorrow?")
    system = _messages(_chats(fake_openai)[-1])[0][1]
    assert "ask how the new mattress works" in system
    # The coach's own note of this conversation is in its replayed reply, not added to the memory block.
    assert "sleeps badly before deadlift days" not in system
