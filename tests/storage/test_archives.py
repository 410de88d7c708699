"""`export_scope` / `import_scope`: exact round trips, and hostile or broken archives that change nothing."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from airfit.storage import DocumentStore, StorageError, encode_document
from tests.live import make_settings, thread_server
from tests.storage.files import make_zip, manifest, snapshot
from tests.storage.workers import BLOB, COUNTER, Blob, Counter


async def populate(store: DocumentStore, scope: str, count: int) -> None:
    async with store.transaction(scope, COUNTER) as counter:
        counter.count = count
        counter.note = f"{scope} ünïcode ✓"
    await store.replace(scope, BLOB, Blob(label=scope, body="x" * 5000))


@pytest.fixture
def store(data_dir: Path) -> DocumentStore:
    return DocumentStore(data_dir)


async def test_round_trip_restores_every_document_byte_identically(
    store: DocumentStore, data_dir: Path
) -> None:
    await populate(store, "brian", 3)
    # A legacy file no document kind claims yet, and a moved-aside corrupt copy, travel along unchanged.
    (data_dir / "brian" / "legacy_notes.json").write_bytes(b'{"free": ["form", 1.5, null]}')
    (data_dir / "brian" / "t_counter.json.corrupt.20240101T000000000000Z").write_bytes(b"{broken")
    original = snapshot(data_dir / "brian")

    archive = await store.export_scope("brian")

    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 999
    await store.delete("brian", BLOB)
    (data_dir / "brian" / "added_later.json").write_bytes(b"{}")
    imported = await store.import_scope("brian", archive)

    assert imported == ["legacy_notes.json", "t_blob.json", "t_counter.json"]
    assert snapshot(data_dir / "brian") == original
    assert (await store.read("brian", COUNTER)).count == 3
    assert (await DocumentStore(data_dir).read("brian", BLOB)).label == "brian"


async def test_archive_moves_between_users(store: DocumentStore, data_dir: Path) -> None:
    await populate(store, "brian", 3)
    await populate(store, "david", 8)
    await store.import_scope("david", await store.export_scope("brian"))
    assert snapshot(data_dir / "david") == snapshot(data_dir / "brian")
    assert (await store.read("david", COUNTER)).count == 3


async def test_every_export_can_be_imported_again(store: DocumentStore, data_dir: Path) -> None:
    await populate(store, "brian", 4)
    # A hand-dropped file with a name no document can have is left out rather than poisoning the archive.
    (data_dir / "brian" / "Notes From Phone.json").write_bytes(b"{}")
    imported = await store.import_scope("david", await store.export_scope("brian"))
    assert imported == ["t_blob.json", "t_counter.json"]


GOOD_COUNTER = encode_document(COUNTER, Counter(count=1))


def flip_byte(archive: bytes) -> bytes:
    """One bit pattern changed in the middle of the first document's compressed bytes (not in a header
    field a reader may ignore, such as a timestamp)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        first = zf.infolist()[0]
    name_and_extra = int.from_bytes(archive[first.header_offset + 26 : first.header_offset + 30], "little")
    name_len, extra_len = name_and_extra & 0xFFFF, name_and_extra >> 16
    middle = first.header_offset + 30 + name_len + extra_len + first.compress_size // 2
    return archive[:middle] + bytes([archive[middle] ^ 0xFF]) + archive[middle + 1 :]


BAD_ARCHIVES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (lambda good: good[: len(good) // 2], "damaged"),
    "bit-flipped": (flip_byte, "damaged"),
    "not-a-zip": (lambda good: b"PK\x03\x04 this is not a zip file at all", "damaged"),
    "empty-file": (lambda good: b"", "damaged"),
    "no-manifest": (lambda good: make_zip({"documents/t_counter.json": GOOD_COUNTER}), "damaged"),
    "manifest-not-json": (lambda good: make_zip({"manifest.json": b"{nope"}), "damaged"),
    "manifest-is-a-list": (lambda good: make_zip({"manifest.json": b"[1, 2]"}), "not an AirFit user archive"),
    "manifest-wrong-format": (
        lambda good: make_zip({"manifest.json": manifest(format="other-app")}),
        "not an AirFit user archive",
    ),
    "manifest-newer-version": (
        lambda good: make_zip({"manifest.json": manifest(version=2)}),
        "not an AirFit user archive",
    ),
    "documents-not-a-list": (
        lambda good: make_zip({"manifest.json": manifest(documents=5)}),
        "not an AirFit user archive",
    ),
    "listed-document-missing": (
        lambda good: make_zip({"manifest.json": manifest("t_counter.json")}),
        "damaged",
    ),
    "path-trick-parent": (
        lambda good: make_zip({"manifest.json": manifest("../x.json"), "documents/../x.json": b"{}"}),
        "unexpected document name",
    ),
    "path-trick-absolute": (
        lambda good: make_zip({"manifest.json": manifest("/etc/x.json"), "documents//etc/x.json": b"{}"}),
        "unexpected document name",
    ),
    "path-trick-subdir": (
        lambda good: make_zip({"manifest.json": manifest("a/x.json"), "documents/a/x.json": b"{}"}),
        "unexpected document name",
    ),
    "invalid-registered-document": (
        lambda good: make_zip(
            {
                "manifest.json": manifest("t_counter.json"),
                "documents/t_counter.json": encode_document(COUNTER, Counter()).replace(b"0", b'"zero"'),
            }
        ),
        "t_counter.json in archive is invalid",
    ),
    "document-from-newer-server": (
        lambda good: make_zip(
            {
                "manifest.json": manifest("t_counter.json"),
                "documents/t_counter.json": GOOD_COUNTER.replace(b'"version":1', b'"version":7'),
            }
        ),
        "t_counter.json in archive is invalid",
    ),
    "unregistered-document-not-json": (
        lambda good: make_zip({"manifest.json": manifest("notes.json"), "documents/notes.json": b"\xff{"}),
        "notes.json in archive is invalid",
    ),
}


@pytest.mark.parametrize(("mangle", "message"), BAD_ARCHIVES.values(), ids=BAD_ARCHIVES.keys())
async def test_bad_archive_is_refused_and_changes_nothing(
    store: DocumentStore, data_dir: Path, mangle: Callable[[bytes], bytes], message: str
) -> None:
    await populate(store, "brian", 3)
    good = await store.export_scope("brian")
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 4
    before = snapshot(data_dir)

    with pytest.raises(ValueError, match=message):
        await store.import_scope("brian", mangle(good))

    assert snapshot(data_dir) == before
    assert not (data_dir / "x.json").exists()
    assert (await store.read("brian", COUNTER)).count == 4


STAGES = ["writing-staged-document", "moving-old-data-aside", "moving-new-data-in"]


@pytest.mark.parametrize("stage", STAGES)
async def test_failure_mid_swap_keeps_previous_data(
    store: DocumentStore, data_dir: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    await populate(store, "brian", 3)
    archive = await store.export_scope("brian")
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 4
    before = snapshot(data_dir / "brian")
    real_replace = os.replace
    user_dir = data_dir / "brian"
    staging_root = data_dir / ".staging"

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        src, dst = Path(src), Path(dst)
        if (
            (stage == "writing-staged-document" and dst.parent.parent == staging_root)
            or (stage == "moving-old-data-aside" and src == user_dir)
            or (stage == "moving-new-data-in" and src.parent == staging_root and dst == user_dir)
        ):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StorageError, match="No space left on device"):
        await store.import_scope("brian", archive)
    monkeypatch.undo()

    assert snapshot(data_dir / "brian") == before
    assert (await store.read("brian", COUNTER)).count == 4
    assert list((data_dir / ".staging").iterdir()) == []


class _Killed(BaseException):
    """Stands in for SIGKILL: nothing in the store catches it, so no cleanup code runs."""


async def test_import_killed_mid_swap_is_undone_at_next_start(
    store: DocumentStore, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await populate(store, "brian", 3)
    archive = await store.export_scope("brian")
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 4
    before = snapshot(data_dir / "brian")
    real_replace = os.replace

    def killed_between_the_renames(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src).parent == data_dir / ".staging" and Path(dst) == data_dir / "brian":
            raise _Killed
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_between_the_renames)
    with pytest.raises(_Killed):
        await store.import_scope("brian", archive)
    monkeypatch.undo()
    assert not (data_dir / "brian").exists()

    # The next server start puts the previous data back and clears the half-done import.
    with thread_server(make_settings(data_dir)):
        pass
    assert snapshot(data_dir / "brian") == before
    assert list((data_dir / ".staging").iterdir()) == []
    assert list((data_dir / ".trash").iterdir()) == []
