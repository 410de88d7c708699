"""A bounded cache of serialized responses, valid while the documents they were computed from are unchanged.

The document store hands out the same model object until the file changes, so "unchanged" is an identity
check on the source documents. Entries hold only weak references to them: the cache never keeps an old
version of someone's data alive. A key includes the user, so no user can be served another's entry.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from pydantic import BaseModel

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@dataclass
class _Entry:
    sources: tuple[weakref.ref[BaseModel], ...]
    body: bytes

    def matches(self, sources: tuple[BaseModel, ...]) -> bool:
        return len(sources) == len(self.sources) and all(
            ref() is doc for ref, doc in zip(self.sources, sources, strict=True)
        )


class ResponseCache:
    """Response bodies by `(user, query)` key, least recently used evicted beyond `max_bytes`."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable, sources: tuple[BaseModel, ...]) -> bytes | None:
        """The body stored under `key` if it was computed from exactly these document objects."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry.matches(sources):
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.body

    def put(self, key: Hashable, sources: tuple[BaseModel, ...], body: bytes) -> None:
        """Remember `body` as computed from `sources`."""
        if len(body) > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = _Entry(tuple(weakref.ref(doc) for doc in sources), body)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)

    def __len__(self) -> int:
        return len(self._entries)
