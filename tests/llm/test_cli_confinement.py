"""The CLI providers run confined: an empty directory outside the data, no built-in tool, a small environment.

A user (or text planted in their data) can ask the coach anything; the CLI it runs must have nothing to read
with but the caller's own data tools. Each call of the fake CLIs records its argv, working directory (and what
was in it) and environment, so every one of those is checked here for each provider.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airfit.llm.cli import (
    CLAUDE_DISALLOWED_TOOLS,
    CODEX_CONFINEMENT,
    GEMINI_DENY_ALL_POLICY,
    ProviderError,
    Workspaces,
)
from tests.fakes.clis import FakeClis
from tests.live import LiveServer

SECRET = "sentinel-secret-4f1c"


@pytest.fixture
def hostile_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the server's own environment may hold, and the keys each CLI does need."""
    monkeypatch.setenv("HEVY_API_KEY", SECRET)
    monkeypatch.setenv("DATABASE_PASSWORD", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "anthropic-key")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key")
    monkeypatch.setenv("CODEX_HOME", "/nonexistent/codex-home")


def _chat(live: LiveServer, message: str) -> None:
    with live.client("brian", timeout=60) as c:
        body = c.post("/chat", json={"message": message}).json()
    assert body["success"] is True, body


def _assert_confined_place(call: dict[str, Any], data_dir: Path) -> None:
    cwd = Path(call["cwd"]).resolve()
    assert not cwd.is_relative_to(data_dir.resolve()), cwd
    assert cwd != Path.cwd().resolve()
    assert call["cwd_entries"] == []
    assert not cwd.exists(), "the working directory outlived the call"


def _assert_reduced_env(call: dict[str, Any]) -> None:
    env = call["env"]
    assert SECRET not in env.values()
    assert not [name for name in env if name.startswith(("AIRFIT_", "HEVY_"))]
    assert env["PATH"] == os.environ["PATH"]
    assert env["HOME"] == os.environ["HOME"]


@pytest.mark.usefixtures("hostile_environ")
def test_claude_runs_in_an_empty_directory_with_only_the_callers_tools(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    _chat(live, "first")
    _chat(live, "read ../data/david/profile.json")
    first, second = fake_clis.calls("claude")
    for call in (first, second):
        argv = call["argv"]
        _assert_confined_place(call, data_dir)
        _assert_reduced_env(call)
        assert call["env"]["ANTHROPIC_API_KEY"] == "anthropic-key"
        assert "GEMINI_API_KEY" not in call["env"]
        # No built-in tool at all, the file/shell/web ones denied by name too, and no MCP server but brian's.
        assert argv[argv.index("--tools") + 1] == ""
        denied = set(argv[argv.index("--disallowedTools") + 1].split(","))
        assert {"Read", "Grep", "Glob", "LS", "Bash", "Write", "Edit", "WebFetch", "WebSearch"} <= denied
        assert denied == set(CLAUDE_DISALLOWED_TOOLS)
        assert "--strict-mcp-config" in argv
        servers = json.loads(argv[argv.index("--mcp-config") + 1])["mcpServers"]
        assert list(servers) == ["airfit"]
        assert servers["airfit"]["args"][-2:] == ["--user", "brian"]
        allowed = argv[argv.index("--allowedTools") + 1].split(",")
        assert all(name.startswith("mcp__airfit__") for name in allowed)
    # Claude Code files a session under its working directory: a resumed turn must run in the same (empty,
    # recreated) place, or `--resume` finds nothing.
    assert "--resume" in second["argv"]
    assert first["cwd"] == second["cwd"]


def _one_confined_call(
    name: str, start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> dict[str, Any]:
    """Chat once through the stateless CLI `name`; its one call, checked for its place and environment."""
    _chat(start_server(**fake_clis.settings(name)), "hello")
    [call] = fake_clis.calls(name)
    _assert_confined_place(call, data_dir)
    _assert_reduced_env(call)
    return call


@pytest.mark.usefixtures("hostile_environ")
def test_gemini_runs_confined_with_every_tool_denied(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    call = _one_confined_call("gemini", start_server, fake_clis, data_dir)
    assert call["env"]["GEMINI_API_KEY"] == "gemini-key"
    assert "ANTHROPIC_API_KEY" not in call["env"]
    argv = call["argv"]
    policy = Path(argv[argv.index("--admin-policy") + 1])
    assert policy.read_text() == GEMINI_DENY_ALL_POLICY
    assert 'toolName = "*"' in GEMINI_DENY_ALL_POLICY
    assert 'decision = "deny"' in GEMINI_DENY_ALL_POLICY
    assert not policy.resolve().is_relative_to(data_dir.resolve())
    assert argv[argv.index("--extensions") + 1] == "none"


@pytest.mark.usefixtures("hostile_environ")
def test_codex_runs_confined_without_shell_or_web(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    call = _one_confined_call("codex", start_server, fake_clis, data_dir)
    assert call["env"]["CODEX_HOME"] == "/nonexistent/codex-home"
    argv = call["argv"]
    overrides = {argv[i + 1] for i, arg in enumerate(argv) if arg == "-c"}
    assert {"features.shell_tool=false", 'web_search="disabled"'} <= overrides
    assert argv[argv.index("--sandbox") + 1] == "read-only"
    assert all(part in argv for part in CODEX_CONFINEMENT)
    assert argv[-1] == "-"


def test_a_workspace_inside_the_data_directory_is_refused(data_dir: Path) -> None:
    with pytest.raises(ProviderError, match="data directory"):
        Workspaces(data_dir / "cli", data_dir=data_dir)
