"""Data tools over HTTP, pydantic-ai and a real MCP server: the caller's data only."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from airfit.config import Settings
from airfit.llm.http import HttpProvider
from airfit.llm.models import LLMRequest
from airfit.services import build_services
from tests.insights.data import complete_days, gen_workouts, snapshot, store_workouts
from tests.live import LiveServer, server_env

TOOL_NAMES = {"query_workouts", "query_nutrition", "query_body_comp", "query_recovery", "query_insights"}


def _store(data_dir: Path, user: str, protein: int, workouts: list[dict[str, Any]]) -> None:
    today = datetime.now(UTC).date()
    days = complete_days(40, 31, today)
    for day in days:
        day["protein"] = protein
    store_workouts(data_dir, user, workouts, [snapshot(d) for d in days])


def _bench_day(day: date) -> dict[str, Any]:
    start = datetime.combine(day, time(18), UTC)
    sets = [{"type": "warmup", "weight_kg": 40, "reps": 10}] + [
        {"type": "normal", "weight_kg": 80, "reps": 5}
    ] * 3
    return {
        "id": "david-1",
        "title": "Chest day",
        "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=50)).isoformat(),
        "exercises": [{"title": "Bench Press (Barbell)", "sets": sets}],
    }


@pytest.fixture
def two_users(data_dir: Path) -> None:
    today = datetime.now(UTC).date()
    _store(data_dir, "brian", 201, gen_workouts(8, 1, today))
    _store(data_dir, "david", 99, [_bench_day(today - timedelta(days=1))])


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
    bench = _run(server, "david", "query_workouts", {})["content"]
    assert "Bench Press (Barbell): 3 working sets, best 176 lbs x 5" in bench
    assert "Squat" not in bench


@pytest.mark.usefixtures("two_users")
def test_arguments_are_coerced_clamped_or_clearly_refused(server: LiveServer) -> None:
    coerced = _run(server, "brian", "query_workouts", {"days": "14.2", "exercise": " SQUAT "})
    assert coerced["success"] is True
    assert "period: last 14 days" in coerced["content"]
    assert "Squat (Barbell): " in coerced["content"]
    assert "Bench" not in coerced["content"]
    assert "personal_records:\n  - Squat (Barbell): " in coerced["content"]
    legs = _run(server, "brian", "query_workouts", {"muscle_group": "legs", "days": 7})["content"]
    assert "working sets for quads, hamstrings, glutes, calves" in legs
    assert "Bench" not in legs
    unknown = _run(server, "brian", "query_workouts", {"muscle_group": "ears"})
    assert unknown["content"].startswith("message: Unknown muscle group 'ears'")
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
async def test_http_provider_tools_read_the_bound_user(settings: Settings) -> None:
    state = build_services(settings)
    await state.users.ensure(settings.initial_users)

    def call_nutrition(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [p for m in messages for p in getattr(m, "parts", []) if isinstance(p, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(str(returns[-1].content))])
        assert {t.name for t in info.function_tools} == TOOL_NAMES
        return ModelResponse(parts=[ToolCallPart("query_nutrition", {"days": "7"})])

    provider = HttpProvider(name="function", model=FunctionModel(call_nutrition))
    asked = LLMRequest("how is my protein?", timeout=10)
    brian = await provider.complete(replace(asked, tools=state.tools.bind("brian")))
    david = await provider.complete(replace(asked, tools=state.tools.bind("david")))
    assert "protein: 201" in brian
    assert "protein: 99" in david


@pytest.mark.usefixtures("two_users")
async def test_mcp_server_over_stdio_is_bound_to_one_user(settings: Settings) -> None:
    # As the server does at start: the MCP server registers nobody itself.
    await build_services(settings).users.ensure(settings.initial_users)
    env = server_env(settings)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "airfit", "mcp", "--user", "brian"], env=env
    )
    async with Client(params, read_timeout_seconds=30) as client:
        listed = await client.list_tools()
        assert {t.name for t in listed.tools} == TOOL_NAMES
        mine = await client.call_tool("query_nutrition", {"days": 7})
        bench = await client.call_tool("query_workouts", {"exercise": "bench"})
        sneaky = await client.call_tool("query_nutrition", {"days": 7, "user_id": "david"})
    text = mine.content[0].text  # type: ignore[union-attr]
    assert "protein: 201" in text
    assert "protein: 99" not in text
    bench_text = bench.content[0].text  # type: ignore[union-attr]
    assert "Bench Press (Barbell)" in bench_text
    assert "176 lbs x 5" not in bench_text
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
