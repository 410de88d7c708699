"""Chat gives providers the caller's tools: pydantic-ai tools over HTTP, an MCP server for claude."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.fakes.clis import FakeClis
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.live import LiveServer
from tests.tools.test_tools import TOOL_NAMES, two_users  # noqa: F401


@pytest.mark.usefixtures("two_users")
def test_http_provider_calls_tools_on_the_callers_data(
    start_live_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.rules.append(
        Rule(
            match="protein", tool_call=("query_nutrition", {"days": "7"}), reply="Your numbers: {tool_result}"
        )
    )
    live = start_live_server(**fake_openai.settings())
    with live.client("brian") as brian, live.client("david") as david:
        mine = brian.post("/chat", json={"message": "how is my protein?"}).json()
        theirs = david.post("/chat", json={"message": "how is my protein?"}).json()
    assert mine["success"] is True
    assert "protein: 201" in mine["response"]
    assert "protein: 99" in theirs["response"]
    assert "protein: 201" not in theirs["response"]
    offered = {t["function"]["name"] for t in fake_openai.requests[0]["tools"]}
    assert offered == TOOL_NAMES


@pytest.mark.usefixtures("two_users")
async def test_claude_gets_an_mcp_server_bound_to_the_caller(
    start_live_server: Callable[..., LiveServer], fake_clis: FakeClis, data_dir: Path
) -> None:
    live = start_live_server(**fake_clis.settings("claude"))
    async with live.async_client("david") as david:
        assert (await david.post("/chat", json={"message": "hi"})).json()["success"] is True
    [call] = fake_clis.calls("claude")
    argv = call["argv"]
    config = json.loads(argv[argv.index("--mcp-config") + 1])["mcpServers"]["airfit"]
    assert config["args"][-2:] == ["--user", "david"]
    assert config["env"]["AIRFIT_DATA_DIR"] == str(data_dir)
    assert "--strict-mcp-config" in argv
    allowed = argv[argv.index("--allowedTools") + 1].split(",")
    assert {name.removeprefix("mcp__airfit__") for name in allowed} == TOOL_NAMES
    params = StdioServerParameters(command=config["command"], args=config["args"], env=config["env"])
    async with Client(params, read_timeout_seconds=30) as client:
        result = await client.call_tool("query_nutrition", {"days": 7})
    text = result.content[0].text  # type: ignore[union-attr]
    assert "protein: 99" in text
    assert "protein: 201" not in text
