"""`airfit doctor`, `airfit export` and `airfit import` run as a user would, on real files."""

from __future__ import annotations

import asyncio
import stat
import zipfile
from pathlib import Path

import orjson

from airfit.config import Settings
from airfit.services import build_services
from airfit.storage import DocumentStore
from tests.cli.run import ok, refused
from tests.live import run_cli
from tests.storage.files import make_zip, manifest, snapshot
from tests.storage.workers import BLOB, COUNTER, Blob

CORRUPT_PREFIX = "tokens.json.corrupt."


async def create_token(settings: Settings, name: str) -> None:
    """What the running server does when a token is created over HTTP."""
    state = build_services(settings)
    await state.users.ensure(settings.initial_users)
    await state.users.create_token("david", name)


def test_doctor_lists_restores_and_cleans(settings: Settings, data_dir: Path) -> None:
    asyncio.run(create_token(settings, "before"))
    tokens_file = data_dir / "_server" / "tokens.json"
    good_table = tokens_file.read_bytes()
    tokens_file.write_bytes(b'{"key":"tokens","version":1,"data":{"tokens":')

    damaged_read = run_cli(settings, "users", "token", "list")
    assert damaged_read.returncode == 0, damaged_read.stderr
    assert damaged_read.stdout == ""
    assert "airfit doctor" in damaged_read.stderr
    (moved,) = (data_dir / "_server").glob(f"{CORRUPT_PREFIX}*")
    assert moved.read_bytes() == b'{"key":"tokens","version":1,"data":{"tokens":'

    leftover = data_dir / "_server" / ".tokens.json.k3j4h5.tmp"
    leftover.write_bytes(b'{"key":"tok')
    listing = ok(settings, "doctor")
    assert f"_server/tokens.json: moved aside as {moved.name} at " in listing
    assert "1 leftover temp files (harmless; --clean removes them)" in listing
    assert "still cannot be read" in refused(settings, "doctor", "--restore", moved.name)
    assert moved.read_bytes() == b'{"key":"tokens","version":1,"data":{"tokens":'

    # The owner repairs the moved-aside copy by hand; meanwhile a new token was written.
    moved.write_bytes(good_table)
    asyncio.run(create_token(settings, "after"))
    assert ok(settings, "doctor", "--restore", moved.name) == f"restored {tokens_file}\n"
    assert tokens_file.read_bytes() == good_table
    assert [t["name"] for t in orjson.loads(good_table)["data"]["tokens"].values()] == ["before"]
    (displaced,) = (data_dir / "_server").glob(f"{CORRUPT_PREFIX}*")
    assert b'"name":"after"' in displaced.read_bytes()

    assert "removed 1 leftover temp files" in ok(settings, "doctor", "--clean")
    assert not leftover.exists()
    assert tokens_file.read_bytes() == good_table


def test_doctor_refuses_to_restore_a_document_it_does_not_know_if_not_json(
    settings: Settings, data_dir: Path
) -> None:
    notes = data_dir / "brian" / "notes.json.corrupt.20240101T000000000000Z"
    notes.parent.mkdir(mode=0o700)
    notes.write_bytes(b"\x00garbage")
    assert "still cannot be read" in refused(settings, "doctor", "--restore", notes.name)
    assert notes.read_bytes() == b"\x00garbage"
    assert not (data_dir / "brian" / "notes.json").exists()


async def populate(data_dir: Path) -> None:
    store = DocumentStore(data_dir)
    async with store.transaction("brian", COUNTER) as counter:
        counter.count = 3
        counter.note = "brian's ✓"
    await store.replace("brian", BLOB, Blob(label="brian", body="y" * 20_000))


def test_export_import_round_trip_and_refusals(settings: Settings, data_dir: Path, tmp_path: Path) -> None:
    asyncio.run(populate(data_dir))
    (data_dir / "brian" / "legacy_notes.json").write_bytes(b'{"kept": true}')
    original = snapshot(data_dir / "brian")
    archive = tmp_path / "brian.zip"

    assert ok(settings, "export", "brian", str(archive)).startswith(f"exported brian to {archive} (")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as zf:
        assert orjson.loads(zf.read("manifest.json"))["documents"] == [
            "legacy_notes.json",
            "t_blob.json",
            "t_counter.json",
        ]

    (data_dir / "brian" / "t_counter.json").write_bytes(b"overwritten")
    (data_dir / "brian" / "t_blob.json").unlink()
    imported = ok(settings, "import", "brian", str(archive))
    assert imported == "imported 3 documents into brian: legacy_notes.json, t_blob.json, t_counter.json\n"
    assert snapshot(data_dir / "brian") == original

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[:-100])
    trick = tmp_path / "trick.zip"
    trick.write_bytes(make_zip({"manifest.json": manifest("../x.json"), "documents/../x.json": b"{}"}))
    for bad, message in [
        (truncated, "archive is damaged"),
        (trick, "unexpected document name '../x.json'"),
    ]:
        assert message in refused(settings, "import", "brian", str(bad))
        assert snapshot(data_dir / "brian") == original
    assert "unknown user 'mallory'" in refused(settings, "import", "mallory", str(archive))
    assert "user ids are" in refused(settings, "export", "../brian", str(tmp_path / "m.zip"))
    assert "cannot write" in refused(settings, "export", "brian", str(archive / "inside-a-file.zip"))
    assert not (tmp_path / "m.zip").exists()


def test_import_failing_mid_swap_keeps_previous_data(
    settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    asyncio.run(populate(data_dir))
    archive = tmp_path / "brian.zip"
    archive.write_bytes(asyncio.run(DocumentStore(data_dir).export_scope("brian")))
    (data_dir / "brian" / "t_counter.json").write_bytes(b'{"key":"t_counter","version":1,"data":{"count":9}}')
    before = snapshot(data_dir / "brian")
    # A file where the old data would be moved aside: the swap fails after the new data was staged.
    (data_dir / ".trash").write_bytes(b"in the way")

    assert "cannot import into brian" in refused(settings, "import", "brian", str(archive))
    assert snapshot(data_dir / "brian") == before
    assert list((data_dir / ".staging").iterdir()) == []
