"""The coach's tools for pydantic-ai agents (the HTTP providers): `Agent(..., deps_type=ToolDeps, tools=...)`.

The user comes from the run's deps, which the server sets from the request's identity.
"""

from __future__ import annotations

from typing import Any

from pydantic_ai import RunContext, Tool

from airfit.tools.binding import ToolDeps
from airfit.tools.models import parameters
from airfit.tools.service import TOOLS, execute


def _tool(name: str) -> Tool[ToolDeps]:
    async def run(ctx: RunContext[ToolDeps], **arguments: Any) -> str:
        result = await execute(ctx.deps.state, ctx.deps.user_id, name, arguments)
        return result.content

    return Tool.from_schema(
        run, name=name, description=TOOLS[name].description, json_schema=parameters(name), takes_ctx=True
    )


def agent_tools() -> list[Tool[ToolDeps]]:
    """Every data tool, bound to the user in the agent run's deps."""
    return [_tool(name) for name in TOOLS]
