"""The data tools bound to one user, in the form the LLM layer takes them (`airfit.llm.tools.ToolBinding`).

The chat path imports this on every server start, so it loads neither pydantic-ai nor the MCP SDK: the
HTTP providers turn the binding into agent tools themselves, and the claude CLI starts the MCP server
(`airfit.tools.mcp`) in its own `airfit mcp` process.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import orjson

from airfit.config import Settings
from airfit.llm.tools import ToolBinding, ToolSpec
from airfit.storage import DocumentStore
from airfit.tools.models import ToolResponse, parameters
from airfit.tools.service import TOOLS, execute
from airfit.users.service import UserService

SERVER_NAME = "airfit"


SPECS = tuple(ToolSpec(name, tool.description, parameters(name)) for name, tool in TOOLS.items())
"""Every data tool as the models are shown it."""


class DataTools:
    """The data tools over the household's documents, run for one user at a time."""

    def __init__(self, store: DocumentStore, users: UserService, settings: Settings) -> None:
        self.store = store
        self.users = users
        self.settings = settings

    async def execute(self, *, user_id: str, name: str, arguments: Any) -> ToolResponse:
        """Run one tool over `user_id`'s data (`POST /tools/execute`, the agent tools)."""
        return await execute(
            store=self.store, users=self.users, user_id=user_id, name=name, arguments=arguments
        )

    def bind(self, user_id: str) -> ToolBinding:
        """The tools over `user_id`'s data and nobody else's, for the LLM layer (the coach asks per turn)."""

        async def run(name: str, arguments: Any) -> str:
            return (await self.execute(user_id=user_id, name=name, arguments=arguments)).content

        return ToolBinding(
            user_id=user_id,
            specs=SPECS,
            execute=run,
            mcp_args=tuple(claude_mcp_args(self.settings, user_id)),
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
