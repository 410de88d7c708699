"""The coach picks up what `airfit migrate` moved from the original server: the claude session (re-keyed to
the default user, merged into the household's sessions) and the Markdown memories.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from airfit.config import Settings
from tests.fakes.clis import FakeClis
from tests.live import LiveServer, make_settings, run_cli, thread_server

LEGACY_ID = "0d6c5b8e-1111-4222-8333-444455556666"
LEGACY_SESSION = {
    "session_id": LEGACY_ID,
    "provider": "claude",
    "created_at": "2025-05-01T08:00:00.000001",
    "last_used": "2025-06-01T20:00:00.000001",
    "message_count": 212,
    "last_topic": None,
}
LEGACY_FILES = {
    "sessions.json": json.dumps(
        {"default:claude": LEGACY_SESSION, "default:gemini": {**LEGACY_SESSION, "session_id": "g-1"}}
    ),
    "memories/relationship.md": "# Relationship Memory\n\n### Jun 01 - Callback\n- the leg day burpee saga\n",
    "memories/session_notes/2025-06-01.md": "\n- [remember] left knee felt fine on squats\n",
}


def _status(live: LiveServer, user: str) -> dict:
    with live.client(user) as c:
        response = c.get("/status")
    assert response.status_code == 200
    return response.json()


def _chat(live: LiveServer, user: str) -> None:
    with live.client(user, timeout=60) as c:
        assert c.post("/chat", json={"message": f"hi, {user} here"}).json()["success"] is True


def test_migrated_session_and_memories_reach_the_coach(
    start_server: Callable[..., LiveServer], settings: Settings, data_dir: Path, fake_clis: FakeClis
) -> None:
    with thread_server(make_settings(data_dir, **fake_clis.settings("claude"))) as before:
        _chat(before, "david")
        david = _status(before, "david")["session_id"]
    for name, text in LEGACY_FILES.items():
        (data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / name).write_text(text)
    # The migrated server's claude knew its session: the fake must too, or --resume would fail.
    known = fake_clis.bin_dir / "claude.sessions.json"
    known.write_text(json.dumps([*json.loads(known.read_text()), LEGACY_ID]))

    result = run_cli(settings, "migrate")
    assert result.returncode == 0, result.stderr

    live = start_server(**fake_clis.settings("claude"))
    status = _status(live, "brian")
    assert (status["session_id"], status["message_count"]) == (LEGACY_ID, 212)
    assert _status(live, "david")["session_id"] == david
    _chat(live, "brian")
    call = fake_clis.calls("claude")[-1]
    assert call["argv"][call["argv"].index("--resume") + 1] == LEGACY_ID
    system = call["system"]["text"]
    assert "the leg day burpee saga" in system
    assert "left knee felt fine on squats" in system
    after = _status(live, "brian")
    assert (after["session_id"], after["message_count"]) == (LEGACY_ID, 213)
