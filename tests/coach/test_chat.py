"""Chat, context, onboarding, learning and memory, per user, against a fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from airfit.coach.memory import MEMORIES, MemoryBook, MemoryEntry
from airfit.profile.models import PROFILE
from airfit.services import build_services
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.ios import CHAT, CHAT_CONTEXT, COMPLETENESS, FINALIZE, ONBOARDING, decode
from tests.live import LiveServer, stored, wait_for

EXTRACT = "Extract only NEW information"
FACTS = json.dumps({"identity": {"name": "Brian", "age": "41"}, "new_goals": ["Deadlift 500"]})


def _texts(request: dict) -> str:
    return "\n".join(str(m.get("content")) for m in request["messages"])


def test_chat_sends_the_apps_context_under_its_real_keys(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [Rule(match=EXTRACT, reply="{}")]
    live = start_server(**fake_openai.settings())
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    health = {
        "steps_today": "8432",
        "active_calories_today": "512",
        "weight_lbs": "182.4",
        "weight_date": yesterday,
        "resting_heart_rate": "54 bpm",
        "sleep_last_night": "7.2 hours",
        "recent_workouts": "Traditional Strength Training (62min)",
    }
    nutrition = {
        "total_calories": 1850,
        "total_protein": 140,
        "total_carbs": 180,
        "total_fat": 60,
        "entry_count": 2,
        "entries": [{"name": "Chicken bowl", "calories": 650, "protein": 55}],
        "recent_entries": [],
    }
    with live.client() as c:
        response = c.post(
            "/chat",
            json={"message": "How am I doing?", "health_context": health, "nutrition_context": nutrition},
        )
    assert response.status_code == 200
    decode(response.json(), CHAT)
    assert "overhead;dur=" in response.headers["server-timing"]
    prompt = _texts(fake_openai.requests[0])
    for line in (
        "- Steps today: 8432",
        "- Active calories today: 512 kcal",
        "- Weight: 182.4 lbs (as of yesterday)",
        "- Resting heart rate: 54 bpm",
        "- Sleep last night: 7.2 hours",
        "- Recent workouts: Traditional Strength Training (62min)",
        "- Total energy: 1,850 kcal",
        "  - Chicken bowl: 650 kcal, 55g protein",
        "User message: How am I doing?",
    ):
        assert line in prompt
    assert "Weight Date" not in prompt


def test_oversized_message_is_rejected(server: LiveServer) -> None:
    with server.client() as c:
        assert c.post("/chat", json={"message": "x" * 20_001}).status_code == 422


def test_learning_and_memory_land_for_the_caller_only(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [
        Rule(match=EXTRACT, reply=FACTS),
        Rule(
            match="brian-message",
            reply="Nice!\n\n<memory:callback>the 500 lb dream</memory:callback>"
            "<memory:bogus>x</memory:bogus><memory:tone> </memory:tone>",
        ),
    ]
    live = start_server(**fake_openai.settings())
    with live.client("brian") as c:
        body = c.post("/chat", json={"message": "brian-message"}).json()
    assert body["response"] == "Nice!"
    wait_for(lambda: stored(live.settings, "brian", PROFILE).name == "Brian")
    profile = stored(live.settings, "brian", PROFILE)
    assert (profile.age, profile.goals) == (41, ["Deadlift 500"])
    memories = stored(live.settings, "brian", MEMORIES)
    assert [(e.type, e.text) for e in memories.entries] == [("callback", "the 500 lb dream")]
    assert stored(live.settings, "david", PROFILE).name is None
    assert stored(live.settings, "david", MEMORIES).entries == []
    extraction = next(r for r in fake_openai.requests if EXTRACT in _texts(r))
    assert "<memory:" not in _texts(extraction)
    with live.client("brian") as c:
        context = c.get("/chat/context").json()
    decode(context, CHAT_CONTEXT)
    assert "the 500 lb dream" in context["memory_context"]
    assert "Name: Brian" in context["system_prompt"]


def test_malformed_extraction_stores_nothing(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules = [Rule(match=EXTRACT, reply='{"identity": "Brian", "new_goals": ')]
    live = start_server(**fake_openai.settings())
    with live.client() as c:
        assert c.post("/chat", json={"message": "I'm Brian"}).json()["success"] is True
        wait_for(lambda: fake_openai.received(EXTRACT) == 2)  # the bad answer, and the one retry
        # A user's learning runs one at a time: once the next turn's reaches the provider, this one is over.
        assert c.post("/chat", json={"message": "Still Brian"}).json()["success"] is True
    wait_for(lambda: fake_openai.received(EXTRACT) >= 3)
    assert not (live.settings.data_dir / "brian" / "profile.json").exists()


def test_process_conversation_answers_at_once(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    # Learning is held at the provider for 6 s: the answer must arrive while it is still pending (an
    # ordering, not a timed bound, so a loaded machine cannot flake it).
    fake_openai.rules = [Rule(match=EXTRACT, reply=FACTS, delay=6.0)]
    live = start_server(**fake_openai.settings())
    with live.client("david") as c:
        response = c.post(
            "/chat/process-conversation",
            json={"user_message": "hi", "ai_response": "Hey <memory:thread>knee rehab</memory:thread>"},
        )
    assert response.status_code == 200
    assert response.json()["memories_extracted"] == 1
    assert stored(live.settings, "david", PROFILE).name != "Brian"
    wait_for(lambda: stored(live.settings, "david", PROFILE).name == "Brian", seconds=30)


def test_onboarding_and_finalize(start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI) -> None:
    fake_openai.rules = [
        Rule(match=EXTRACT, reply=json.dumps({"identity": {"name": "Dave"}, "communication_style": "blunt"})),
        Rule(match="Name: Dave", reply="```markdown\nYou are Dave's AI fitness coach.\n```"),
    ]
    live = start_server(**fake_openai.settings())
    with live.client("david") as c:
        # Finishing before anything was said completes nothing (and asks the LLM nothing).
        early = c.post("/profile/finalize-onboarding").json()
        decode(early, FINALIZE)
        assert early["status"] == "nothing_to_finalize"
        assert fake_openai.requests == []
        assert stored(live.settings, "david", PROFILE).onboarding_complete is False
        opener = c.post("/chat/onboarding", json={"message": ""}).json()
        decode(opener, ONBOARDING)
        assert opener["session_id"]
        c.post("/chat/onboarding", json={"message": "I'm Dave, be blunt", "session_id": "ignored"})
        wait_for(lambda: stored(live.settings, "david", PROFILE).name == "Dave")
        turn = c.post("/chat/onboarding", json={"message": "ok"}).json()
        decode(turn["profile_completeness"], COMPLETENESS)
        assert turn["profile_completeness"]["has_name"] is True
        final = c.post("/profile/finalize-onboarding")
        assert final.status_code == 200
        decode(final.json(), FINALIZE)
        assert final.json()["preview"] == "You are Dave's AI fitness coach."
        assert c.get("/status").json()["session_id"] is None
    assert stored(live.settings, "david", PROFILE).onboarding_complete is True
    assert stored(live.settings, "brian", PROFILE).onboarding_complete is False


def test_memory_sync_validates_and_stores_per_user(server: LiveServer) -> None:
    with server.client("david") as c:
        ok = c.post("/sync/memories", json={"type": "tone", "contents": ["short answers", "  "]})
        assert (ok.status_code, ok.json()["stored"]) == (200, 1)
        assert c.post("/sync/memories", json={"type": "tone", "contents": "x"}).status_code == 422
    assert [e.text for e in stored(server.settings, "david", MEMORIES).entries] == ["short answers"]
    assert stored(server.settings, "brian", MEMORIES).entries == []


def test_memory_sync_never_blocks_the_phones_pass(server: LiveServer) -> None:
    # The phone marks its memories synced only when every request of a pass succeeded, and then sends the
    # whole pass again: an odd marker type, a long backlog or a long text must not be refused, and a pass
    # sent twice must not be kept twice.
    backlog = [f"note {i}" for i in range(300)]
    with server.client("david") as c:
        odd = c.post("/sync/memories", json={"type": "goal", "contents": ["bench 100 kg by June"]})
        long = c.post("/sync/memories", json={"type": "thread", "contents": ["knee " * 1000]})
        many = c.post("/sync/memories", json={"type": "callback", "contents": backlog})
        again = c.post("/sync/memories", json={"type": "callback", "contents": backlog})
    assert [r.status_code for r in (odd, long, many, again)] == [200] * 4
    assert [r.json()["stored"] for r in (odd, long, many, again)] == [1, 1, 300, 0]
    entries = stored(server.settings, "david", MEMORIES).entries
    assert ("remember", "bench 100 kg by June") in {(e.type, e.text) for e in entries}
    assert len([e for e in entries if e.type == "callback"]) == 300
    assert max(len(e.text) for e in entries) <= 500


def test_memory_sync_storage_failure_is_5xx(server: LiveServer) -> None:
    user_dir = server.settings.data_dir / "jonathan"
    user_dir.mkdir(exist_ok=True)
    (user_dir / "memories.json").mkdir()  # a directory where the file should be: every write fails
    with server.client("jonathan") as c:
        response = c.post("/sync/memories", json={"type": "remember", "contents": ["x"]})
    assert response.status_code >= 500


def test_no_provider_answers_with_how_to_configure(server: LiveServer) -> None:
    with server.client() as c:
        chat = c.post("/chat", json={"message": "hi"}).json()
        onboarding = c.post("/chat/onboarding", json={"message": "hi"}).json()
        context = c.get("/chat/context")
    assert chat["success"] is False
    assert "AIRFIT_PROVIDERS" in chat["error"]
    assert "OPENAI_BASE_URL" in chat["error"]
    decode(onboarding, ONBOARDING)
    assert onboarding["profile_completeness"] is None
    assert context.status_code == 200


def test_consolidation_keeps_previous_summary_and_new_entries(settings, fake_openai: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    summary = {"callbacks": ["500 lb dream"], "what_works": ["short answers"], "active_threads": ["knee"]}
    fake_openai.default = Rule(reply=json.dumps(summary))
    state = build_services(settings.model_copy(update=fake_openai.settings()))
    old = datetime.now(UTC) - timedelta(days=10)
    book = MemoryBook(
        legacy_imported=True,
        entries=[
            MemoryEntry(type="remember", text=f"old note {i} " + "x" * 60, created_at=old) for i in range(10)
        ]
        + [MemoryEntry(type="thread", text="fresh note")],
    )

    async def run() -> tuple:
        await state.store.replace("brian", MEMORIES, book)
        first = await state.coach.consolidate_memories(user_id="brian")
        fake_openai.default = Rule(reply="Sorry, I can't help with that.")
        await state.store.replace(
            "brian",
            MEMORIES,
            (await state.store.read("brian", MEMORIES)).model_copy(
                update={"entries": [MemoryEntry(type="remember", text="y" * 600, created_at=old)]}
            ),
        )
        second = await state.coach.consolidate_memories(user_id="brian")
        return first, second, await state.store.read("brian", MEMORIES)

    first, second, stored = asyncio.run(run())
    assert (first.consolidated, first.archived) == (True, 10)
    assert second.consolidated is False
    assert second.error is not None
    assert stored.summary is not None
    assert stored.summary.callbacks == ["500 lb dream"]
    assert [e.text for e in stored.entries] == ["y" * 600]  # a failed run changes nothing
