"""How a provider is bound to one user's tools, without importing pydantic-ai or the MCP SDK.

The chat path imports this on every server start; the heavy libraries load only where they are used: the
pydantic-ai tools (`airfit.tools.agent`) with an HTTP provider, the MCP server (`airfit.tools.mcp`) in the
`airfit mcp` process that the claude CLI starts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from airfit.tools.service import TOOLS

if TYPE_CHECKING:
    from airfit.config import Settings
    from airfit.state import AppState

SERVER_NAME = "airfit"


@dataclass(frozen=True)
class ToolDeps:
    """Whose data the tools read."""

    state: AppState
    user_id: str


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
