"""Data tools over HTTP, pydantic-ai and a real MCP server: the caller's data only."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from airfit.config import Settings
from airfit.health.models import WorkoutDay, WorkoutExercise
from airfit.state import build_state
from airfit.tools.agent import ToolDeps, agent_tools
from tests.insights.data import flat_days, snapshot, store_days
from tests.live import LiveServer, server_env

TOOL_NAMES = {"query_workouts", "query_nutrition", "query_body_comp", "query_recovery", "query_insights"}


def _store(data_dir: Path, user: str, protein: int, lift: str) -> None:
    days = flat_days(40, 31, datetime.now(UTC).date())
    for day in days:
        day["protein"] = protein
    snaps = [snapshot(d) for d in days]
    snaps[-2].workout = WorkoutDay(
        workout_count=1,
        total_duration_minutes=55,
        total_volume_kg=4000,
        exercises=[WorkoutExercise(name=lift, sets=4, total_reps=32, max_weight_kg=100)],
        workout_titles=[f"{lift} day"],
    )
    store_days(data_dir, user, snaps)


@pytest.fixture
def two_users(data_dir: Path) -> None:
    _store(data_dir, "brian", 201, "Squat (Barbell)")
    _store(data_dir, "david", 99, "Bench Press (Barbell)")


def _run(live: LiveServer, user: str, name: str, arguments: Any) -> dict[str, Any]:
    with live.client(user) as c:
        response = c.post("/tools/execute", json={"name": name, "arguments": arguments})
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body["success"], bool)
    assert isinstance(body["content"], str)
    assert body.get("error") is None or isinstance(body["error"], str)
    return body  # type: ignore[no-any-return]


def test_schemas_are_gemini_function_declarations(server: LiveServer) -> None:
    with server.client() as c:
        tools = c.get("/tools/schemas").json()["tools"]
    assert {t["name"] for t in tools} == TOOL_NAMES
    for tool in tools:
        assert tool["description"]
        assert tool["parameters"]["type"] == "object"
        assert tool["parameters"]["required"] == []
    by_name = {t["name"]: t for t in tools}
    assert by_name["query_nutrition"]["parameters"]["properties"]["days"]["maximum"] == 30


@pytest.mark.usefixtures("two_users")
def test_each_caller_gets_their_own_data(server: LiveServer) -> None:
    brian = _run(server, "brian", "query_nutrition", {"days": 7})
    david = _run(server, "david", "query_nutrition", {"days": 7})
    assert "protein: 201" in brian["content"]
    assert "protein: 99" in david["content"]
    assert "7 of 7 days at 90% of target" in brian["content"]
    assert "0 of 7 days at 90% of target" in david["content"]
    workouts = _run(server, "david", "query_workouts", {"exercise": "squat"})
    assert workouts["content"] == "message: No workouts with 'squat' in the last 14 days"


@pytest.mark.usefixtures("two_users")
def test_arguments_are_coerced_clamped_or_clearly_refused(server: LiveServer) -> None:
    coerced = _run(server, "brian", "query_workouts", {"days": "14", "exercise": " SQUAT "})
    assert coerced["success"] is True
    assert "Squat (Barbell): 4 sets, 32 reps, top 220 lbs" in coerced["content"]
    clamped = _run(server, "brian", "query_nutrition", {"days": 500, "include_meals": "true"})
    assert "period: last 30 days" in clamped["content"]
    assert clamped["content"].count("g protein") == 30
    body = _run(server, "brian", "query_body_comp", {"days": 1})
    assert "period: last 30 days" in body["content"]
    for name, arguments, fragment in [
        ("query_recovery", {"days": "lots"}, "days: must be a whole number"),
        ("query_recovery", {"days": True}, "days: must be a whole number"),
        ("query_insights", {"category": "gossip"}, "category: must be one of"),
        ("query_nutrition", {"user_id": "david"}, "user_id: unknown argument"),
        ("query_nutrition", ["days", 7], "expected an object"),
        ("delete_everything", {}, "Unknown tool: delete_everything"),
    ]:
        refused = _run(server, "brian", name, arguments)
        assert refused["success"] is False
        assert fragment in refused["error"]
        assert refused["content"] == f"Tool error: {refused['error']}"


@pytest.mark.usefixtures("two_users")
def test_recovery_and_insights_tools(server: LiveServer) -> None:
    recovery = _run(server, "brian", "query_recovery", {})
    assert "nights_tracked: 14" in recovery["content"]
    assert "trend: " in recovery["content"]
    assert (
        _run(server, "brian", "query_insights", {"limit": "3"})["content"]
        == "message: No insights generated yet"
    )


@pytest.mark.usefixtures("two_users")
async def test_pydantic_ai_tools_read_the_deps_user(settings: Settings) -> None:
    state = build_state(settings)
    await state.users.ensure(settings.initial_users)

    def call_nutrition(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [p for m in messages for p in getattr(m, "parts", []) if isinstance(p, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(str(returns[-1].content))])
        assert {t.name for t in info.function_tools} == TOOL_NAMES
        return ModelResponse(parts=[ToolCallPart("query_nutrition", {"days": "7"})])

    agent = Agent(FunctionModel(call_nutrition), deps_type=ToolDeps, tools=agent_tools())
    brian = await agent.run("how is my protein?", deps=ToolDeps(state, "brian"))
    david = await agent.run("how is my protein?", deps=ToolDeps(state, "david"))
    assert "protein: 201" in brian.output
    assert "protein: 99" in david.output


@pytest.mark.usefixtures("two_users")
async def test_mcp_server_over_stdio_is_bound_to_one_user(settings: Settings) -> None:
    env = server_env(settings)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "airfit", "mcp", "--user", "brian"], env=env
    )
    async with Client(params, read_timeout_seconds=30) as client:
        listed = await client.list_tools()
        assert {t.name for t in listed.tools} == TOOL_NAMES
        mine = await client.call_tool("query_nutrition", {"days": 7})
        squat = await client.call_tool("query_workouts", {"exercise": "bench"})
        sneaky = await client.call_tool("query_nutrition", {"days": 7, "user_id": "david"})
    text = mine.content[0].text  # type: ignore[union-attr]
    assert "protein: 201" in text
    assert "protein: 99" not in text
    assert squat.content[0].text == "message: No workouts with 'bench' in the last 14 days"  # type: ignore[union-attr]
    assert sneaky.is_error is True
    assert "user_id: unknown argument" in sneaky.content[0].text  # type: ignore[union-attr]


def test_mcp_refuses_an_unknown_user(settings: Settings) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "airfit", "mcp", "--user", "mallory"],
        env=server_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        input="",
    )
    assert result.returncode != 0
    assert "unknown user 'mallory'" in result.stderr
