"""Resource limits and damaged archives (issue 11, items 4 and 5): refused early, nothing changed, no 500."""

from __future__ import annotations

import io
import random
import socket
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from tests.live import LiveServer, run_cli

JSON = {"Content-Type": "application/json"}
ZIP = {"Content-Type": "application/zip"}


def _raw_response(live_server: LiveServer, head: bytes, timeout: float = 5.0) -> bytes:
    """Send only a request head (no body) and return what the server answers within `timeout`."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        sock.sendall(b"{")
        return sock.recv(65536)


def test_item4_declared_huge_body_is_413_before_it_is_read(live_server: LiveServer) -> None:
    head = (
        b"POST /insights/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User-ID: brian\r\n"
        b"Content-Type: application/json\r\nContent-Length: 300000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = _raw_response(live_server, head)
    assert answer.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 5


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"days":[], "pad": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


@pytest.mark.parametrize(
    ("path", "content_type"), [("/profile/sync", "application/json"), ("/import", "application/zip")]
)
def test_item4_streamed_body_over_limit_is_413(
    start_live_server: Callable[..., LiveServer], path: str, content_type: str
) -> None:
    live = start_live_server(max_import_bytes=1024 * 1024)
    # No Content-Length (chunked): the bytes are counted as they arrive.
    with live.client("brian") as c:
        response = c.post(path, content=_chunks(3 * 1024 * 1024), headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert "detail" in response.json()


def test_item4_limits_are_per_route_and_configurable(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(max_body_bytes=4096, max_sync_body_bytes=4 * 1024 * 1024)
    days = [
        {"date": f"2020-01-{d:02d}", "steps": 1000 + d, "quality_flags": ["f" * 150] * 40}
        for d in range(1, 29)
    ]
    body = orjson.dumps({"days": days})
    assert len(body) > 100_000
    with live.client("brian") as c:
        assert c.post("/insights/sync", content=body, headers=JSON).status_code == 200
        assert c.post("/profile/sync", json={"name": "x" * 5000}).status_code == 413
        assert c.post("/profile/sync", json={"name": "Brian"}).status_code == 200


def test_item4_document_is_bounded(start_live_server: Callable[..., LiveServer], data_dir: Path) -> None:
    live = start_live_server(max_body_bytes=8 * 1024 * 1024)
    with live.client("brian") as c:
        assert c.post("/profile/sync", json={"name": "Brian"}).status_code == 200
        exported = c.get("/profile/export").json()
        exported["profile"]["unknown_key"] = "u" * (2 * 1024 * 1024)
        response = c.post("/profile/import", json=exported)
        assert response.status_code == 413
        assert c.get("/profile").json()["name"] == "Brian"
    assert b"uuuu" not in (data_dir / "brian" / "profile.json").read_bytes()


def _export(live_server: LiveServer, user: str = "brian") -> bytes:
    with live_server.client(user) as c:
        assert c.post("/profile/sync", json={"name": "Brian", "goals": ["lift"]}).status_code == 200
        assert (
            c.post("/insights/sync", json={"days": [{"date": "2024-03-01", "steps": 5}]}).status_code == 200
        )
        response = c.get("/export")
    assert response.status_code == 200
    return response.content


def _rebuild(archive: bytes, extra: dict[str, bytes], documents: list[str] | None = None) -> bytes:
    """The archive with members added or replaced (and the manifest listing `documents` if given)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members.update(extra)
    if documents is not None:
        manifest = orjson.loads(members["manifest.json"])
        manifest["documents"] = documents
        members["manifest.json"] = orjson.dumps(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return out.getvalue()


def _documents(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data_dir / "brian").glob("*.json"))}


def test_item4_archive_that_inflates_is_refused(live_server: LiveServer, data_dir: Path) -> None:
    archive = _export(live_server)
    before = _documents(data_dir)
    profile = b'{"key":"profile","version":1,"data":{"name":"' + b"z" * (40 * 1024 * 1024) + b'"}}'
    bomb = _rebuild(archive, {"documents/profile.json": profile})
    assert len(bomb) < 1024 * 1024
    listed = orjson.loads(zipfile.ZipFile(io.BytesIO(archive)).read("manifest.json"))["documents"]
    huge = b'"' + b"0" * (40 * 1024 * 1024) + b'"'
    unknown = _rebuild(archive, {"documents/extra.json": huge}, documents=[*listed, "extra.json"])
    many = _rebuild(archive, {f"junk/{i}": b"" for i in range(200)})
    with live_server.client("brian") as c:
        for candidate in (bomb, unknown, many):
            response = c.post("/import", content=candidate, headers=ZIP)
            assert response.status_code in (400, 413), response.text
    assert _documents(data_dir) == before


def _corrupt_member_data(archive: bytes, rng: random.Random) -> bytes:
    data = bytearray(archive)
    # Flip bytes inside the first local file's compressed data (after its 30-byte header and name).
    name_len, extra_len = struct.unpack_from("<HH", data, 26)
    start = 30 + name_len + extra_len
    size = struct.unpack_from("<I", data, 18)[0]
    for _ in range(4):
        data[start + rng.randrange(max(size, 1))] ^= 0xFF
    return bytes(data)


def _odd_method(archive: bytes) -> bytes:
    data = bytearray(archive)
    # Compression method 99 (AES) in the local header and in every central-directory entry.
    struct.pack_into("<H", data, 8, 99)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        struct.pack_into("<H", data, offset + 10, 99)
        offset = data.find(b"PK\x01\x02", offset + 4)
    return bytes(data)


def test_item5_damaged_archives_are_400_and_change_nothing(live_server: LiveServer, data_dir: Path) -> None:
    archive = _export(live_server)
    before = _documents(data_dir)
    rng = random.Random(11)
    candidates = [_corrupt_member_data(archive, rng) for _ in range(20)] + [_odd_method(archive)]
    # Random damage anywhere: every answer is a 200 (damage that missed) or a 400, never a 500.
    for _ in range(150):
        damaged = bytearray(archive)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        candidates.append(bytes(damaged))
    statuses = set()
    with live_server.client("brian") as c:
        for candidate in candidates[:21]:
            response = c.post("/import", content=candidate, headers=ZIP)
            assert response.status_code == 400, response.text
            assert _documents(data_dir) == before
        for candidate in candidates[21:]:
            statuses.add(c.post("/import", content=candidate, headers=ZIP).status_code)
    assert statuses <= {200, 400}


def test_item5_cli_import_of_damaged_archive_is_an_error_not_a_traceback(
    live_server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    archive = _export(live_server)
    before = _documents(data_dir)
    for damaged in (_corrupt_member_data(archive, random.Random(5)), _odd_method(archive)):
        path = tmp_path / "damaged.zip"
        path.write_bytes(damaged)
        result = run_cli(live_server.settings, "import", "brian", str(path))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "damaged" in result.stderr
        assert _documents(data_dir) == before


def test_the_import_limit_is_the_setting_alone(start_live_server: Callable[..., LiveServer]) -> None:
    # An archive over 64 MiB is allowed when AIRFIT_MAX_IMPORT_BYTES says so: this one reaches the archive
    # check (not a zip: 400) instead of a size refusal (413).
    live = start_live_server(max_import_bytes=80 * 1024 * 1024)
    body = b"\0" * (65 * 1024 * 1024)
    with live.client("brian", timeout=60) as c:
        response = c.post("/import", content=body, headers={"Content-Type": "application/zip"})
        assert response.status_code == 400
        bigger = body + b"\0" * (16 * 1024 * 1024)
        assert c.post("/import", content=bigger, headers=ZIP).status_code == 413
