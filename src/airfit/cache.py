"""The response-cache policy every domain uses: a serialized answer is valid while the documents it was
computed from are unchanged (and, for answers that also depend on the clock, for at most `ttl` seconds).

The document store hands out the same model object until the file changes, so "unchanged" is an identity
check on the source documents. Entries hold only weak references to them: the cache never keeps an old
version of someone's data alive. A key includes the user, so no user can be served another's entry; each
service owns its own cache, so keys of different services never meet. Anything else a response depends on
(the user's local day, time zone, query parameters) belongs in the key.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from pydantic import BaseModel

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@dataclass
class _Entry:
    sources: tuple[weakref.ref[BaseModel], ...]
    body: bytes
    expires: float | None

    def matches(self, sources: tuple[BaseModel, ...], clock: float) -> bool:
        if self.expires is not None and clock >= self.expires:
            return False
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
        """The body stored under `key` if computed from exactly these document objects and still fresh."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry.matches(sources, time.monotonic()):
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.body

    def put(
        self, key: Hashable, sources: tuple[BaseModel, ...], body: bytes, *, ttl: float | None = None
    ) -> None:
        """Remember `body` as computed from `sources` (for at most `ttl` seconds when given)."""
        if len(body) > self.max_bytes:
            return
        self._drop(key)
        expires = None if ttl is None else time.monotonic() + ttl
        self._entries[key] = _Entry(tuple(weakref.ref(doc) for doc in sources), body, expires)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def body(
        self,
        key: Hashable,
        sources: tuple[BaseModel, ...],
        compute: Callable[[], bytes],
        *,
        ttl: float | None = None,
    ) -> bytes:
        """The cached body, or `compute()` stored under `key` and returned."""
        body = self.get(key, sources)
        if body is None:
            body = compute()
            self.put(key, sources, body, ttl=ttl)
        return body

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)

    def __len__(self) -> int:
        return len(self._entries)
