"""`airfit users hevy-key USER`: set or remove a user's Hevy API key (works beside a running server)."""

from __future__ import annotations

import click
from pydantic import ValidationError

from airfit.cli.common import run_with_services
from airfit.services import Services
from airfit.training.client import HevyAuthError, HevyUnavailableError
from airfit.training.models import HevyKeyRequest
from airfit.users.service import UserNotFoundError


@click.command("hevy-key")
@click.argument("user_id")
@click.option("--remove", is_flag=True, help="Forget the key (imported workouts are kept).")
@click.option("--no-verify", is_flag=True, help="Store the key without checking it with Hevy.")
def hevy_key(user_id: str, remove: bool, no_verify: bool) -> None:
    """Set USER_ID's Hevy API key, read from a hidden prompt or stdin (never from the command line)."""
    api_key = None if remove else click.prompt("Hevy API key", hide_input=True).strip()
    if api_key is not None:
        # The same rule as PUT /hevy/key: the key becomes an HTTP header, so visible ASCII only.
        try:
            HevyKeyRequest(api_key=api_key)
        except ValidationError as exc:
            raise click.ClickException(
                "a Hevy API key is visible ASCII text (a UUID); nothing was stored"
            ) from exc

    async def work(services: Services) -> str:
        try:
            await services.users.require(user_id)
            if api_key is None:
                removed = await services.training.remove_key(user_id)
                return f"{user_id}: Hevy key removed" if removed else f"{user_id}: no Hevy key was stored"
            if no_verify:
                await services.training.store_key(user_id, api_key)
                return f"{user_id}: Hevy key stored (not verified)"
            count = await services.training.set_key(user_id, api_key)
            return f"{user_id}: Hevy key stored ({count} workouts in the account)"
        finally:
            await services.training.aclose()

    try:
        click.echo(run_with_services(work))
    except UserNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    except HevyAuthError as exc:
        raise click.ClickException("Hevy rejected this API key; nothing was stored") from exc
    except HevyUnavailableError as exc:
        raise click.ClickException(
            f"cannot check the key with Hevy ({exc}); retry or use --no-verify"
        ) from exc
