"""`airfit mcp --user USER`: the coach's data tools as an MCP server on stdin/stdout."""

from __future__ import annotations

import click

from airfit.cli.common import run_with_services
from airfit.services import Services
from airfit.tools.mcp import serve_stdio
from airfit.users.service import InvalidUserIdError, UserNotFoundError


@click.command()
@click.option("--user", "user_id", required=True, help="The user whose data the tools read.")
def mcp(user_id: str) -> None:
    """Serve one user's data tools over MCP (stdio); used by the claude CLI provider."""

    async def run(services: Services) -> None:
        try:
            await services.users.require(user_id)
        except (InvalidUserIdError, UserNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        await serve_stdio(store=services.store, users=services.users, user_id=user_id)

    run_with_services(run)
