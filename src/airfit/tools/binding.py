"""The data tools bound to one user, in the form the LLM layer takes them (`airfit.llm.tools.ToolBinding`).

The chat path imports this on every server start, so it loads neither pydantic-ai nor the MCP SDK: the
HTTP providers turn the binding into agent tools themselves, and the claude CLI starts the MCP server
(`airfit.tools.mcp`) in its own `airfit mcp` process.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import orjson

from airfit.llm.tools import ToolBinding, ToolSpec
from airfit.tools.models import parameters
from airfit.tools.service import TOOLS, execute

if TYPE_CHECKING:
    from airfit.config import Settings
    from airfit.state import AppState

SERVER_NAME = "airfit"


SPECS = tuple(ToolSpec(name, tool.description, parameters(name)) for name, tool in TOOLS.items())
"""Every data tool as the models are shown it."""


def bind(state: AppState, user_id: str) -> ToolBinding:
    """The tools over `user_id`'s data and nobody else's."""

    async def run(name: str, arguments: Any) -> str:
        return (await execute(state, user_id, name, arguments)).content

    return ToolBinding(
        user_id=user_id,
        specs=SPECS,
        execute=run,
        mcp_args=tuple(claude_mcp_args(state.settings, user_id)),
    )


def mcp_config(settings: Settings, user_id: str) -> dict[str, Any]:
    """The `--mcp-config` document that starts this user's MCP server against the same data directory."""
    # abspath, not resolve(): no filesystem access on the event loop.
    env = {"AIRFIT_DATA_DIR": os.path.abspath(settings.data_dir)}
    if settings.timezone:
        env["AIRFIT_TIMEZONE"] = settings.timezone
    return {
        "mcpServers": {
            SERVER_NAME: {
                "type": "stdio",
                "command": sys.executable,
                "args": ["-m", "airfit", "mcp", "--user", user_id],
                "env": env,
            }
        }
    }


def claude_mcp_args(settings: Settings, user_id: str) -> list[str]:
    """claude CLI arguments that give it this user's tools and no other MCP server."""
    return [
        "--mcp-config",
        orjson.dumps(mcp_config(settings, user_id)).decode(),
        "--strict-mcp-config",
        "--allowedTools",
        ",".join(f"mcp__{SERVER_NAME}__{name}" for name in TOOLS),
    ]
