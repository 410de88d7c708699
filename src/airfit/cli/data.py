"""`airfit export`, `airfit import` and `airfit doctor`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from airfit.cli.common import run_with_services
from airfit.documents import ALL_DOCUMENTS
from airfit.services import Services
from airfit.storage import StorageError, write_atomic
from airfit.users.service import InvalidUserIdError, UserNotFoundError


@click.command("export")
@click.argument("user_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--include-secrets",
    is_flag=True,
    help="Also export the user's credentials (their Hevy key), in plain text: keep the file private.",
)
def export_user(user_id: str, file: Path, include_secrets: bool) -> None:
    """Write all of USER_ID's data to FILE (a zip archive that `airfit import` restores exactly).

    Credentials (the Hevy key) are left out unless --include-secrets; importing an archive without them
    keeps the credentials the user already has.
    """

    async def work(services: Services) -> int:
        await services.users.require(user_id)
        archive = await services.backup.export(user_id, include_secrets=include_secrets)
        # Atomic and 0600 like every stored document: the archive holds the user's private data.
        await asyncio.to_thread(write_atomic, file, archive)
        return len(archive)

    try:
        size = run_with_services(work)
    except (UserNotFoundError, InvalidUserIdError, StorageError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from exc
    secrets = "with" if include_secrets else "without"
    click.echo(f"exported {user_id} to {file} ({size} bytes, {secrets} secrets)")


@click.command("import")
@click.argument("user_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_user(user_id: str, file: Path) -> None:
    """Replace all of USER_ID's data with the archive FILE; on any error nothing changes."""

    async def work(services: Services) -> list[str]:
        await services.users.require(user_id)
        archive = await asyncio.to_thread(file.read_bytes)
        return await services.backup.restore(user_id, archive, any_owner=True, include_secrets=True)

    try:
        names = run_with_services(work)
    except (UserNotFoundError, ValueError, StorageError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {len(names)} documents into {user_id}: {', '.join(names)}")


@click.command()
@click.option("--restore", "restore_name", help="Put back a moved-aside file (its name as listed).")
@click.option("--clean", is_flag=True, help="Remove temp files left by an interrupted write.")
def doctor(restore_name: str | None, clean: bool) -> None:
    """List files that could not be read and were moved aside; restore one with --restore."""

    async def work(services: Services) -> None:
        for line in await asyncio.to_thread(services.store.recover_interrupted_imports):
            click.echo(line)
        corrupt = await asyncio.to_thread(services.store.corrupt_files)
        if restore_name:
            match = [c for c in corrupt if c.path.name == restore_name or str(c.path) == restore_name]
            if not match:
                raise click.ClickException(f"no moved-aside file named {restore_name!r}")
            doc = {d.name: d for d in ALL_DOCUMENTS}.get(match[0].original.name.removesuffix(".json"))
            try:
                restored = await services.store.restore_corrupt(match[0], doc)
            except Exception as exc:
                raise click.ClickException(f"{restore_name} still cannot be read: {exc}") from exc
            click.echo(f"restored {restored}")
            return
        if not corrupt:
            click.echo("no unreadable files")
        for c in corrupt:
            click.echo(f"{c.scope}/{c.original.name}: moved aside as {c.path.name} at {c.moved_at}")
        leftovers = list(await asyncio.to_thread(lambda: list(services.store.leftover_temp_files())))
        if leftovers and clean:
            for path in leftovers:
                await asyncio.to_thread(path.unlink, True)
            click.echo(f"removed {len(leftovers)} leftover temp files")
        elif leftovers:
            click.echo(f"{len(leftovers)} leftover temp files (harmless; --clean removes them)")

    run_with_services(work)
