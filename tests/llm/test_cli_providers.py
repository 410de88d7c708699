"""CLI providers end to end: real fake executables behind a real server."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psutil

from tests.fakes.clis import FakeClis
from tests.ios import CHAT, SERVER_STATUS, STATUS, decode
from tests.live import LiveServer


def _chat(live: LiveServer, message: str, user: str = "brian") -> dict:
    with live.client(user, timeout=60) as c:
        response = c.post("/chat", json={"message": message})
    assert response.status_code == 200
    decode(response.json(), CHAT)
    return response.json()


def _turn(fake_clis: FakeClis, message: str) -> list[str]:
    """The argv of the one chat turn whose prompt holds `message`: turns run on a session, while learning
    from them (which quotes the message too) is a stateless call."""
    turns = [
        c["argv"]
        for c in fake_clis.calls("claude")
        if message in c["stdin"] and {"--session-id", "--resume"} & set(c["argv"])
    ]
    assert len(turns) == 1, turns
    return turns[0]


def _fake_processes(fake_clis: FakeClis) -> list[dict]:
    return [
        p.info
        for p in psutil.process_iter(["pid", "cmdline", "status"])
        if p.info["cmdline"]
        and str(fake_clis.bin_dir) in " ".join(p.info["cmdline"])
        and p.info["status"] != psutil.STATUS_ZOMBIE
    ]


def test_prompt_goes_through_stdin_never_argv(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    body = _chat(live, "secret-message-1234")
    assert body == {**body, "success": True, "provider": "claude", "response": "Reply from fake claude."}
    [call] = fake_clis.calls("claude")
    assert "secret-message-1234" in call["stdin"]
    assert not any("secret-message-1234" in arg for arg in call["argv"])
    assert call["argv"][:3] == ["-p", "--output-format", "text"]
    assert "--session-id" in call["argv"]
    assert call["max_output_tokens"] == "400"
    # The system prompt (profile, memories) travels in a private file that is gone after the call.
    assert "--system-prompt" not in call["argv"]
    assert call["system"]["mode"] == "0o600"
    assert "fitness coach" in call["system"]["text"]
    assert not Path(call["argv"][call["argv"].index("--system-prompt-file") + 1]).exists()


def test_claude_session_created_then_resumed_and_survives_restart(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    _chat(live, "first")
    _chat(live, "second")
    live2 = start_server(**fake_clis.settings("claude"))
    _chat(live2, "third")
    first, second, third = (c["argv"] for c in fake_clis.calls("claude"))
    session = first[first.index("--session-id") + 1]
    assert second[second.index("--resume") + 1] == session
    assert third[third.index("--resume") + 1] == session


def test_lost_session_is_recreated_exactly_once(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    _chat(live, "first")
    fake_clis.configure("claude", default={"forget_sessions": True})
    body = _chat(live, "after the CLI lost its sessions")
    assert body["success"] is True
    calls = [c["argv"] for c in fake_clis.calls("claude")]
    assert len(calls) == 3
    old = calls[0][calls[0].index("--session-id") + 1]
    assert calls[1][calls[1].index("--resume") + 1] == old
    new = calls[2][calls[2].index("--session-id") + 1]
    assert new != old
    with live.client() as c:
        assert c.get("/status").json()["session_id"] == new


def test_lost_session_retry_is_bounded_then_falls_back(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude,gemini"))
    _chat(live, "first")
    fake_clis.configure("claude", default={"exit": 1, "stderr": "No conversation found with session ID: x"})
    body = _chat(live, "again")
    assert (body["success"], body["provider"]) == (True, "gemini")
    assert len(fake_clis.calls("claude")) == 3  # the first turn, the resume, one fresh session: no more


def test_fallback_order_on_crash_garbage_and_empty_output(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude,gemini,codex"))
    fake_clis.configure("claude", default={"exit": 2, "stderr": "boom"})
    fake_clis.configure("gemini", default={"reply": "   "})
    body = _chat(live, "hello")
    assert (body["success"], body["provider"], body["response"]) == (True, "codex", "Reply from fake codex.")
    [codex] = fake_clis.calls("codex")
    # The chat's output limit (AIRFIT_MAX_TOKENS_CHAT) as a config override before the subcommand.
    argv = codex["argv"]
    assert argv[:2] == ["-c", "model_max_output_tokens=400"]
    assert argv[argv.index("exec") :][-4:] == ["--skip-git-repo-check", "--color", "never", "-"]
    assert "hello" in codex["stdin"]
    assert [len(fake_clis.calls(n)) for n in ("claude", "gemini")] == [1, 1]


def test_all_failing_is_a_clean_200_failure(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude,gemini"))
    for name in ("claude", "gemini"):
        fake_clis.configure(name, default={"exit": 1, "stderr": f"{name} is down"})
    body = _chat(live, "hello")
    assert body["success"] is False
    assert body["response"] == ""
    assert "claude: claude is down" in body["error"]
    assert "gemini: gemini is down" in body["error"]
    with live.client() as c:
        assert c.get("/status").json()["message_count"] is None  # nothing recorded


def test_timeout_kills_the_tool_and_its_children(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude,gemini"), cli_timeout=1.5)
    fake_clis.configure("claude", default={"hang": True, "child": True})
    started = time.monotonic()
    body = _chat(live, "hello")
    assert time.monotonic() - started < 10
    assert (body["success"], body["provider"]) == (True, "gemini")
    [call] = fake_clis.calls("claude")
    for pid in (call["pid"], call["child"]):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    # Background learning may still be talking to the (answering) tools for a moment; nothing may stay.
    deadline = time.monotonic() + 5
    while (leftovers := _fake_processes(fake_clis)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftovers == []


def test_ansi_and_cli_notices_are_cleaned_but_real_lines_kept(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("gemini"))
    reply = "Loaded cached credentials.\nYour sleep data collection is disabled on the watch.\nSleep more."
    fake_clis.configure("gemini", default={"reply": reply, "ansi": True})
    body = _chat(live, "hello")
    assert body["response"] == "Your sleep data collection is disabled on the watch.\nSleep more."
    [call] = fake_clis.calls("gemini")
    assert call["argv"][-2:] == ["--output-format", "text"]


def test_status_reads_the_session_without_changing_it(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    with live.client() as c:
        assert c.get("/status").json()["session_id"] is None
    _chat(live, "hello")
    sessions = live.settings.data_dir / "_server" / "sessions.json"
    with live.client() as c:
        # The turn is stored just after the reply; /status waits for it.
        first = c.get("/status").json()
        before = sessions.read_bytes()
        second = c.get("/status").json()
        health = c.get("/health").json()
    decode(first, STATUS)
    decode(health, SERVER_STATUS)
    assert first == second
    assert (first["message_count"], first["available_providers"]) == (1, ["claude"])
    assert health["providers"] == ["claude"]
    assert sessions.read_bytes() == before


def test_sessions_are_per_user_and_cleared_per_user(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    _chat(live, "from brian", "brian")
    _chat(live, "from david", "david")
    # Only the chat turns: learning from each exchange calls the CLI too, in the background.
    brian_call, david_call = (_turn(fake_clis, text) for text in ("from brian", "from david"))
    brian_session = brian_call[brian_call.index("--session-id") + 1]
    assert david_call[david_call.index("--session-id") + 1] != brian_session
    with live.client("david") as c:
        assert c.delete("/chat/session").json() == {"status": "session cleared"}
        assert c.delete("/chat/session").json() == {"status": "no session to clear"}
        assert c.get("/status").json()["session_id"] is None
    with live.client("brian") as c:
        assert c.get("/status").json()["session_id"] == brian_session
    _chat(live, "brian again", "brian")
    last = _turn(fake_clis, "brian again")
    assert last[last.index("--resume") + 1] == brian_session
