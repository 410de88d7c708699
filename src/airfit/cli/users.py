"""`airfit users ...`: manage users and their access tokens (works beside a running server)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import click

from airfit.cli.common import run_with_services
from airfit.services import Services
from airfit.users.service import InvalidUserIdError, TokenNotFoundError, UserExistsError, UserNotFoundError

T = TypeVar("T")

_USER_ERRORS = (InvalidUserIdError, UserExistsError, UserNotFoundError, TokenNotFoundError, ValueError)


def _run(work: Callable[[Services], Awaitable[T]], *, ensure_users: bool = True) -> T:
    try:
        return run_with_services(work, ensure_users=ensure_users)
    except _USER_ERRORS as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def users() -> None:
    """Manage the household's users and their tokens."""


@users.command("list")
def list_users() -> None:
    """List registered users."""

    async def work(services: Services) -> None:
        for user in await services.users.list():
            zone = f"  timezone={user.timezone}" if user.timezone else ""
            marker = "  (demo: airfit demo --remove)" if user.demo else ""
            click.echo(f"{user.id}  created {user.created_at:%Y-%m-%d}{zone}{marker}")

    _run(work, ensure_users=False)


@users.command("add")
@click.argument("user_id")
@click.option("--timezone", help="IANA zone for the user's days, e.g. Europe/Berlin.")
def add_user(user_id: str, timezone: str | None) -> None:
    """Register USER_ID (lower-case letters, digits, '_' or '-')."""

    async def work(services: Services) -> None:
        await services.users.add(user_id, timezone=timezone)
        click.echo(f"added {user_id}")

    _run(work)


@users.command("remove")
@click.argument("user_id")
@click.confirmation_option(prompt="Remove this user? Their tokens stop working; their data is kept aside.")
def remove_user(user_id: str) -> None:
    """Unregister USER_ID and revoke their tokens; their data is moved aside, never deleted."""

    async def work(services: Services) -> None:
        moved = await services.users.remove(user_id)
        click.echo(f"removed {user_id}" + (f"; data kept in {moved}" if moved else ""))

    _run(work)


@users.command("timezone")
@click.argument("user_id")
@click.argument("zone", required=False)
def set_timezone(user_id: str, zone: str | None) -> None:
    """Set USER_ID's time zone to ZONE (omit ZONE to use the server's)."""

    async def work(services: Services) -> None:
        await services.users.set_timezone(user_id, zone)
        click.echo(f"{user_id}: timezone {zone or '(server default)'}")

    _run(work)


@users.group("token")
def token() -> None:
    """Create, list and revoke access tokens."""


@token.command("create")
@click.argument("user_id")
@click.option("--name", required=True, help="Where it will be used, e.g. iphone or web.")
@click.option("--admin", is_flag=True, help="Also allow managing users and tokens over HTTP.")
def create_token(user_id: str, name: str, admin: bool) -> None:
    """Mint a token for USER_ID. It is printed once; only its digest is stored."""

    async def work(services: Services) -> None:
        new = await services.users.create_token(user_id, name, admin=admin)
        click.echo(new.token)
        click.echo(
            f"(token id {new.id}, scope {new.scope}; store it now, it cannot be shown again)", err=True
        )

    _run(work)


@token.command("list")
@click.argument("user_id", required=False)
def list_tokens(user_id: str | None) -> None:
    """List tokens (of USER_ID, or everyone's); secrets are never shown."""

    async def work(services: Services) -> None:
        for info in await services.users.list_tokens(user_id):
            used = f"{info.last_used_at:%Y-%m-%d %H:%M}" if info.last_used_at else "never"
            mark = (
                "  (unconfirmed: made in open mode; airfit users token trust ID)" if info.unconfirmed else ""
            )
            click.echo(f"{info.id}  {info.user_id}  {info.name}  {info.scope}  last used {used}{mark}")

    _run(work, ensure_users=False)


@token.command("trust")
@click.argument("token_id")
def trust_token(token_id: str) -> None:
    """Confirm TOKEN_ID, made in open mode without a credential, so token mode accepts it."""

    async def work(services: Services) -> None:
        info = await services.users.trust_token(token_id)
        click.echo(f"trusted {info.id} ({info.user_id}, {info.name})")

    _run(work)


@token.command("revoke")
@click.argument("token_id")
def revoke_token(token_id: str) -> None:
    """Revoke TOKEN_ID; it stops working at once."""

    async def work(services: Services) -> None:
        info = await services.users.revoke_token(token_id)
        click.echo(f"revoked {info.id} ({info.user_id}, {info.name})")

    _run(work)


@users.command("login-code")
@click.argument("user_id")
@click.option("--minutes", default=10, show_default=True, type=click.IntRange(1, 60), help="Valid for.")
def login_code(user_id: str, minutes: int) -> None:
    """Print a one-time code that signs USER_ID in on the web client (used once, then it is gone)."""

    async def work(services: Services) -> None:
        issued = await services.signin.issue(user_id, ttl=timedelta(minutes=minutes))
        click.echo(issued.code)
        click.echo(
            f"(for {issued.user_id}; enter it on the sign-in page before {issued.expires_at:%H:%M} UTC)",
            err=True,
        )

    _run(work)
