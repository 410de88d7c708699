"""The coach's tools as a real MCP server (official SDK, stdio), bound to one user per process.

`airfit mcp --user brian` serves brian's data and nothing else: the user is fixed when the process starts
and no tool argument can change it. The claude CLI provider starts one such process per conversation
through `--mcp-config` (see `airfit.tools.binding.claude_mcp_args`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server

from airfit import __version__
from airfit.tools.binding import SERVER_NAME
from airfit.tools.models import parameters
from airfit.tools.service import TOOLS, execute

if TYPE_CHECKING:
    from mcp.server import ServerRequestContext

    from airfit.storage import DocumentStore
    from airfit.users.service import UserService

INSTRUCTIONS = "Read-only access to one AirFit user's training, nutrition, body, recovery and insight data."


def build_server(*, store: DocumentStore, users: UserService, user_id: str) -> Server[Any]:
    """An MCP server whose tools read `user_id`'s data."""

    async def list_tools(
        _: ServerRequestContext[Any], __: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(name=name, description=tool.description, input_schema=parameters(name))
                for name, tool in TOOLS.items()
            ]
        )

    async def call_tool(
        _: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        result = await execute(
            store=store, users=users, user_id=user_id, name=params.name, arguments=params.arguments
        )
        return types.CallToolResult(
            content=[types.TextContent(text=result.content)], is_error=not result.success
        )

    return Server(
        SERVER_NAME,
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(*, store: DocumentStore, users: UserService, user_id: str) -> None:
    """Serve the tools over stdin/stdout until the client closes the connection."""
    server = build_server(store=store, users=users, user_id=user_id)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
