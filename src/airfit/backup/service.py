"""One user's whole data as an archive: made and restored by the document store, checked here.

The size of an upload is bounded before it is read (`AIRFIT_MAX_IMPORT_BYTES`, the request guard), and what
an archive may unpack to by the store; this module decides whose archive may be restored where.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from airfit.storage import DocumentStore, archive_scope


class ArchiveRefusedError(ValueError):
    """The archive cannot be imported for this user; nothing was changed."""


def archive_filename(user_id: str) -> str:
    """A download name that says whose data it is and when it was taken."""
    return f"airfit-{user_id}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.zip"


def _archive_owner(archive: bytes) -> str | None:
    try:
        return archive_scope(archive)
    except ValueError as exc:
        raise ArchiveRefusedError(str(exc)) from exc


class BackupService:
    """Export and restore of a user's documents (the HTTP routes and `airfit export|import`)."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    async def export(self, user_id: str, *, include_secrets: bool = False) -> bytes:
        """A zip archive of every document of the user; credentials only with `include_secrets`."""
        return await self.store.export_scope(user_id, include_secrets=include_secrets)

    async def restore(
        self, user_id: str, archive: bytes, *, any_owner: bool = False, include_secrets: bool = False
    ) -> list[str]:
        """Replace all of the user's documents with an archive; returns the documents restored.

        Unless `any_owner` (the administrator's `airfit import`), only the user's own archive is accepted:
        restoring someone else's export into your account is not something a request can do by accident.
        Credentials in the archive (a Hevy key) are restored only with `include_secrets` (the administrator's
        command); over HTTP a key is set by `PUT /hevy/key`, which checks it, and the user keeps their own.
        Any refusal changes nothing.
        """
        if not any_owner:
            owner = await asyncio.to_thread(_archive_owner, archive)
            if owner != user_id:
                raise ArchiveRefusedError(f"archive holds the data of {owner!r}, not of {user_id!r}")
        try:
            return await self.store.import_scope(user_id, archive, include_secrets=include_secrets)
        except ValueError as exc:
            raise ArchiveRefusedError(str(exc)) from exc
