"""`airfit migrate`: move the original single-user server's files into the default user's directory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from airfit.cli.common import load_settings
from airfit.migration import MigrationPlan, StepState, plan_migration, run_migration
from airfit.storage import DocumentStore
from airfit.users.service import InvalidUserIdError, UserService, check_user_id


def _print_plan(plan: MigrationPlan, dry_run: bool) -> None:
    mode = " (dry run: nothing will change)" if dry_run else ""
    click.echo(f"Migrating {plan.source} into user {plan.user_id!r}{mode}:")
    for step in plan.steps:
        marker = {StepState.PENDING: "", StepState.DONE: " (already in place; removing the source)"}
        click.echo(f"  {step.description}{marker.get(step.state, '')}")


@click.command()
@click.option("--dry-run", is_flag=True, help="Print what would happen and change nothing.")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The original server's data directory (default: AIRFIT_DATA_DIR itself).",
)
@click.option("--user", "user_id", help="User who receives the data (default: the default user).")
def migrate(dry_run: bool, source: Path | None, user_id: str | None) -> None:
    """Move an original single-user data directory into one user's directory.

    Moves profile.json, context_store.json (its insights into insights.json), exercise_history.json (as
    exercise_store.json), scheduler_state.json and memories/, and re-keys sessions.json for the user. Every
    file is backed up under AIRFIT_DATA_DIR/.backup/ first; running it again does nothing. Stop the server
    while it runs.
    """
    settings = load_settings()
    user_id = user_id or settings.effective_default_user
    if not user_id:
        raise click.ClickException("no default user configured: name one with --user")
    try:
        check_user_id(user_id)
    except InvalidUserIdError as exc:
        raise click.ClickException(str(exc)) from exc
    plan = plan_migration(data_dir=settings.data_dir, source=source or settings.data_dir, user_id=user_id)
    if not plan.steps:
        click.echo(f"Nothing to migrate in {plan.source}.")
        return
    _print_plan(plan, dry_run)
    if dry_run:
        return
    asyncio.run(UserService(DocumentStore(settings.data_dir)).ensure([user_id]))
    backup = run_migration(plan)
    if backup is not None:
        click.echo(f"Done ({len(plan.actionable)} moved). Backup of the original files: {backup}")
    if plan.conflicts:
        raise click.ClickException(
            f"{len(plan.conflicts)} item(s) left in place because the target already holds other data; "
            "compare them with the user's files, move or remove one side, and run `airfit migrate` again"
        )
