"""The response cache: identity-based validity, per-key isolation, byte bound, no retained documents."""

from __future__ import annotations

import gc
import weakref

from airfit.cache import ResponseCache
from airfit.health.models import ContextStore
from airfit.profile.models import UserProfile


def test_entry_is_valid_only_for_the_same_document_objects() -> None:
    cache = ResponseCache()
    context, profile = ContextStore(), UserProfile()
    cache.put(("brian", "context", 7), (context, profile), b"one")
    assert cache.get(("brian", "context", 7), (context, profile)) == b"one"
    assert cache.get(("brian", "context", 7), (ContextStore(), profile)) is None
    assert cache.get(("brian", "context", 7), (context, profile)) is None  # a stale entry is dropped
    assert cache.get(("david", "context", 7), (context, profile)) is None


def test_cache_is_bounded_in_bytes_least_recently_used_first() -> None:
    cache = ResponseCache(max_bytes=10)
    doc = ContextStore()
    cache.put("a", (doc,), b"12345")
    cache.put("b", (doc,), b"12345")
    assert cache.get("a", (doc,)) == b"12345"
    cache.put("c", (doc,), b"12345")
    assert cache.get("b", (doc,)) is None
    assert cache.get("a", (doc,)) == b"12345"
    cache.put("huge", (doc,), b"x" * 11)
    assert cache.get("huge", (doc,)) is None
    assert len(cache) == 2


def test_cache_does_not_keep_documents_alive() -> None:
    cache = ResponseCache()
    doc = ContextStore()
    ref = weakref.ref(doc)
    cache.put("k", (doc,), b"{}")
    del doc
    gc.collect()
    assert ref() is None
