"""`airfit mcp --user USER`: the coach's data tools as an MCP server on stdin/stdout."""

from __future__ import annotations

import click

from airfit.cli.common import run_with_services
from airfit.services import Services
from airfit.users.service import InvalidUserIdError, UserNotFoundError


@click.command()
@click.option("--user", "user_id", required=True, help="The user whose data the tools read.")
def mcp(user_id: str) -> None:
    """Serve one user's data tools over MCP (stdio); used by the claude CLI provider."""

    # The MCP SDK takes about a second to import: only this command loads it, not every `airfit` call.
    from airfit.tools.mcp import serve_stdio

    async def run(services: Services) -> None:
        try:
            await services.users.require(user_id)
        except (InvalidUserIdError, UserNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        await serve_stdio(store=services.store, users=services.users, user_id=user_id)

    # Registers nobody: it is started by the claude CLI with a reduced environment (no AIRFIT_USERS), and
    # serves only a user who already exists.
    run_with_services(run, ensure_users=False)
