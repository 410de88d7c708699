"""The one registry of per-user locks: every domain serialises one user's work of one kind through it.

A lock is named by the user and a purpose ("chat", "learning", "memory", "insights", "job:hevy_sync"...),
so one user's kinds of work never wait on each other unless they share a purpose, and other users never
wait at all. Locks are created on first use and kept (a household has few users and few purposes).
"""

from __future__ import annotations

import asyncio


class UserLocks:
    """asyncio locks by `(user_id, purpose)`."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def lock(self, user_id: str, purpose: str) -> asyncio.Lock:
        """The lock that serialises `user_id`'s work of this purpose."""
        return self._locks.setdefault((user_id, purpose), asyncio.Lock())

    def locked(self, user_id: str, purpose: str) -> bool:
        """Whether that work is in progress right now (never creates a lock)."""
        lock = self._locks.get((user_id, purpose))
        return lock is not None and lock.locked()
