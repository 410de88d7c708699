"""`airfit demo`: a demo household with years of generated data, and `airfit demo --remove`."""

from __future__ import annotations

import click

from airfit.cli.common import run_with_services
from airfit.demo import household
from airfit.services import Services
from airfit.users.service import NotDemoUserError


@click.command("demo")
@click.option("--remove", is_flag=True, help="Delete the demo users and all their generated data.")
@click.option(
    "--years",
    type=click.IntRange(1, household.MAX_YEARS),
    default=household.DEFAULT_YEARS,
    show_default=True,
    help="How much history to generate.",
)
def demo(remove: bool, years: int) -> None:
    """Create (or refresh) a demo household to look around before a phone syncs.

    Two flagged demo users get days of health and nutrition, Hevy-style workouts, a profile with targets and
    the statistical insights on them. Real users are never touched: if a demo id belongs to a real user,
    nothing changes.
    """

    async def work(services: Services) -> None:
        try:
            if remove:
                removed = await household.remove(services)
                click.echo(f"removed {', '.join(removed)}" if removed else "there were no demo users")
                return
            for done in await household.install(services, years=years):
                verb = "refreshed" if done.refreshed else "created"
                click.echo(
                    f"{verb} {done.user_id}: {done.days} days, {done.workouts} workouts, "
                    f"{len(done.insights)} insights"
                )
                for title in done.insights:
                    click.echo(f"  - {title}")
            first = household.DEMO_IDS[0]
            click.echo(
                f"See them with the server running: curl -H 'X-User-ID: {first}' localhost:8080/insights\n"
                "Remove them with: airfit demo --remove"
            )
        finally:
            await services.training.aclose()

    try:
        run_with_services(work, ensure_users=False)
    except NotDemoUserError as exc:
        raise click.ClickException(str(exc)) from exc
