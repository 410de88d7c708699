"""The document store on real files: envelopes, migrations, corrupt files, modes, caching, transactions."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from airfit.storage import STAT_TTL_SECONDS, Document, DocumentStore
from tests.storage.workers import COUNTER, Counter, forkserver, increment


@pytest.fixture
def store(data_dir: Path) -> DocumentStore:
    return DocumentStore(data_dir)


def counter_file(data_dir: Path, scope: str = "brian") -> Path:
    return data_dir / scope / "t_counter.json"


def put(path: Path, payload: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def envelope(data: Any, version: int = 1, key: str = "t_counter") -> bytes:
    return orjson.dumps({"key": key, "version": version, "data": data})


async def test_envelope_round_trip(store: DocumentStore, data_dir: Path) -> None:
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 7
        counter.note = "héllo"
    stored = orjson.loads(counter_file(data_dir).read_bytes())
    assert stored == {"key": "t_counter", "version": 1, "data": {"count": 7, "note": "héllo"}}
    assert await DocumentStore(data_dir).read("brian", COUNTER) == Counter(count=7, note="héllo")


async def test_missing_file_reads_as_empty_model_and_creates_nothing(
    store: DocumentStore, data_dir: Path
) -> None:
    assert await store.read("david", COUNTER) == Counter()
    assert await asyncio.to_thread(os.listdir, data_dir) == []


async def test_unknown_keys_are_tolerated_and_kept_on_rewrite(store: DocumentStore, data_dir: Path) -> None:
    path = put(counter_file(data_dir), envelope({"count": 1, "from_newer_app": {"x": [1, 2]}}))
    assert (await store.read("brian", COUNTER)).count == 1
    async with store.transaction("brian", COUNTER) as counter:
        counter.count += 1
    assert orjson.loads(path.read_bytes())["data"] == {
        "count": 2,
        "note": "",
        "from_newer_app": {"x": [1, 2]},
    }


class Sets(BaseModel):
    count: int = 0
    unit: str = "reps"
    history: list[int] = []


def from_legacy(original: dict[str, Any]) -> dict[str, Any]:
    """A migrated document is `{"counter": n}`, without an envelope."""
    return {"count": original["counter"]}


def add_unit(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "unit": "sets"}


# Version 2 -> 3 only added the optional `history`, so it needs no function.
SETS = Document("t_sets", Sets, version=3, migrations={0: from_legacy, 1: add_unit})


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (orjson.dumps({"counter": 5}), Sets(count=5, unit="sets")),
        (envelope({"count": 6}, version=1, key="t_sets"), Sets(count=6, unit="sets")),
        (envelope({"count": 7, "unit": "laps"}, version=2, key="t_sets"), Sets(count=7, unit="laps")),
        (envelope({"count": 8, "history": [1]}, version=3, key="t_sets"), Sets(count=8, history=[1])),
    ],
    ids=["legacy-v0", "v1", "v2", "current"],
)
async def test_migrations_bring_old_files_to_the_current_schema(
    store: DocumentStore, data_dir: Path, stored: bytes, expected: Sets
) -> None:
    path = put(data_dir / "brian" / "t_sets.json", stored)
    assert await store.read("brian", SETS) == expected
    async with store.transaction("brian", SETS) as sets:
        assert sets == expected
        sets.count += 1
    rewritten = orjson.loads(path.read_bytes())
    assert (rewritten["version"], rewritten["data"]["count"]) == (3, expected.count + 1)


CORRUPT_CASES = {
    "truncated-json": envelope({"count": 3, "note": "x" * 50})[:-9],
    "binary-garbage": b"\x00\xff\xfe garbage \x00",
    "empty-file": b"",
    "wrong-field-type": envelope({"count": "many"}),
    "data-not-an-object": envelope([1, 2, 3]),
    "newer-schema": envelope({"count": 3, "field_we_do_not_know": 1}, version=2),
    "no-envelope-no-legacy-migration": orjson.dumps({"count": 3}),
}


@pytest.mark.parametrize("raw", CORRUPT_CASES.values(), ids=CORRUPT_CASES.keys())
async def test_unreadable_file_is_moved_aside_once_and_never_overwritten(
    store: DocumentStore, data_dir: Path, caplog: pytest.LogCaptureFixture, raw: bytes
) -> None:
    path = put(counter_file(data_dir), raw)
    with caplog.at_level(logging.ERROR, logger="airfit.storage"):
        results = await asyncio.gather(*(store.read("brian", COUNTER) for _ in range(10)))
        assert results == [Counter()] * 10
        async with store.transaction("brian", COUNTER) as counter:
            assert counter == Counter()
            counter.count = 1
        assert (await store.read("brian", COUNTER)).count == 1
    assert len(caplog.records) == 1
    assert "airfit doctor" in caplog.records[0].getMessage()

    (moved,) = store.corrupt_files()
    assert (moved.scope, moved.original) == ("brian", path)
    assert moved.path.name.startswith("t_counter.json.corrupt.")
    assert moved.path.name in caplog.records[0].getMessage()
    assert moved.path.read_bytes() == raw
    assert orjson.loads(path.read_bytes())["data"]["count"] == 1
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, moved.path.name])


async def test_transaction_alone_moves_corrupt_file_aside(store: DocumentStore, data_dir: Path) -> None:
    path = put(counter_file(data_dir), b"{not json")
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 5
    (moved,) = store.corrupt_files("brian")
    assert moved.path.read_bytes() == b"{not json"
    assert orjson.loads(path.read_bytes())["data"]["count"] == 5


def modes(root: Path) -> dict[str, str]:
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


async def test_every_file_is_0600_and_every_directory_0700(tmp_path: Path) -> None:
    root = tmp_path / "fresh" / "data"
    store = DocumentStore(root)
    for scope in ("brian", "david", "jonathan", "_server"):
        async with store.transaction(scope, COUNTER) as counter:
            counter.count = 1
    counter_file(root, "jonathan").write_bytes(b"corrupted in place")
    async with store.transaction("jonathan", COUNTER):
        pass
    await store.import_scope("david", await store.export_scope("brian"))
    await store.move_scope_aside("brian")

    found = modes(root)
    assert any(name.startswith(".removed/brian-") for name in found)
    assert any(".corrupt." in name for name in found)
    for name, mode in found.items():
        expected = "0o700" if (root / name).is_dir() else "0o600"
        assert mode == expected, f"{name} is {mode}"


async def test_write_by_another_process_is_seen_after_the_stat_ttl(
    store: DocumentStore, data_dir: Path
) -> None:
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 1
    assert (await store.read("brian", COUNTER)).count == 1
    ctx = forkserver()
    go = ctx.Event()
    go.set()
    other = ctx.Process(target=increment, args=(str(data_dir), "brian", 1, go))
    other.start()
    await asyncio.to_thread(other.join, 30)
    assert other.exitcode == 0
    await asyncio.sleep(STAT_TTL_SECONDS)
    assert (await store.read("brian", COUNTER)).count == 2


async def test_raising_transaction_saves_nothing(store: DocumentStore, data_dir: Path) -> None:
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 1
    path = counter_file(data_dir)
    before, before_stat = path.read_bytes(), path.stat()
    seen = await store.read("brian", COUNTER)

    async def abandon() -> None:
        async with store.transaction("brian", COUNTER) as counter:
            counter.count = 99
            raise RuntimeError("abandon")

    with pytest.raises(RuntimeError, match="abandon"):
        await abandon()

    after = path.stat()
    assert path.read_bytes() == before
    assert (after.st_ino, after.st_mtime_ns) == (before_stat.st_ino, before_stat.st_mtime_ns)
    assert seen.count == 1
    assert (await store.read("brian", COUNTER)).count == 1
    assert (await DocumentStore(data_dir).read("brian", COUNTER)).count == 1


async def test_unchanged_transaction_does_not_write(store: DocumentStore, data_dir: Path) -> None:
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 3
    path = counter_file(data_dir)
    before = path.stat()
    await asyncio.sleep(0.02)
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 3
    async with store.transaction("brian", COUNTER):
        pass
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
