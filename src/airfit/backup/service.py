"""One user's whole data as an archive: made and restored by the document store, checked here for HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from airfit.storage import DocumentStore, archive_scope

# An archive holds a user's JSON documents; far below this even after years of daily snapshots.
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


class ArchiveRefusedError(ValueError):
    """The archive cannot be imported for this user; nothing was changed."""


def archive_filename(user_id: str) -> str:
    """A download name that says whose data it is and when it was taken."""
    return f"airfit-{user_id}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.zip"


async def export_user(*, store: DocumentStore, user_id: str) -> bytes:
    """A zip archive of every document of the user."""
    return await store.export_scope(user_id)


def _archive_owner(archive: bytes) -> str | None:
    try:
        return archive_scope(archive)
    except ValueError as exc:
        raise ArchiveRefusedError(str(exc)) from exc


async def import_user(*, store: DocumentStore, user_id: str, archive: bytes) -> list[str]:
    """Replace all of the user's documents with an archive of their own data; returns the documents restored.

    Over HTTP only the caller's own archive is accepted: restoring someone else's export into your account
    is an administrator's job (`airfit import`), not something a request can do by accident.
    """
    if len(archive) > MAX_ARCHIVE_BYTES:
        raise ArchiveRefusedError(f"archive larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MiB")
    owner = await asyncio.to_thread(_archive_owner, archive)
    if owner != user_id:
        raise ArchiveRefusedError(f"archive holds the data of {owner!r}, not of {user_id!r}")
    try:
        return await store.import_scope(user_id, archive)
    except ValueError as exc:
        raise ArchiveRefusedError(str(exc)) from exc
