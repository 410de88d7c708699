"""`GET /export` and `POST /import`: the caller's whole data, restored exactly or not at all."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import orjson
import pytest

from tests.ios import server_profile_export
from tests.live import LiveServer, run_cli

ZIP = {"Content-Type": "application/zip"}


def _documents(data_dir: Path, user: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data_dir / user).glob("*.json"))}


def _populate(live_server: LiveServer, data_dir: Path, user: str) -> None:
    with live_server.client(user) as c:
        sync = server_profile_export(name=user.title(), goals=[f"{user} goal"], onboarding_complete=True)
        assert c.post("/profile/sync", json=sync).status_code == 200
    snapshot = {
        "date": "2025-06-01",
        "nutrition": {"calories": 2100, "protein": 160},
        "health": {"steps": 9000},
    }
    context = {"key": "context_store", "version": 1, "data": {"snapshots": {"2025-06-01": snapshot}}}
    (data_dir / user / "context_store.json").write_bytes(orjson.dumps(context))
    (data_dir / user / "insights.json").write_bytes(orjson.dumps({"insights": [{"id": "1", "title": user}]}))


def _export(live_server: LiveServer, user: str) -> bytes:
    with live_server.client(user) as c:
        response = c.get("/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"airfit-{user}-" in disposition
    return response.content


def _import(live_server: LiveServer, user: str, archive: bytes) -> tuple[int, dict]:
    with live_server.client(user) as c:
        response = c.post("/import", content=archive, headers=ZIP)
    return response.status_code, response.json()


def test_export_wipe_import_restores_every_document_byte_for_byte(
    live_server: LiveServer, data_dir: Path
) -> None:
    _populate(live_server, data_dir, "brian")
    before = _documents(data_dir, "brian")
    assert set(before) == {"profile.json", "context_store.json", "insights.json"}
    archive = _export(live_server, "brian")
    with live_server.client("brian") as c:
        c.delete("/profile")
        c.post("/profile/sync", json=server_profile_export(name="Changed", goals=["other"]))
    (data_dir / "brian" / "insights.json").unlink()
    (data_dir / "brian" / "stray.json").write_bytes(b"{}")
    code, body = _import(live_server, "brian", archive)
    assert code == 200
    assert body == {"status": "imported", "user_id": "brian", "documents": sorted(before)}
    assert _documents(data_dir, "brian") == before
    with live_server.client("brian") as c:
        assert c.get("/profile").json()["name"] == "Brian"


def _rebuilt(archive: bytes, name: str, payload: bytes) -> bytes:
    """The archive with one document replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, payload if item.filename == f"documents/{name}" else src.read(item))
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "empty", "invalid_json_document", "invalid_profile", "other_users_archive"],
)
def test_bad_archive_is_refused_and_changes_nothing(
    live_server: LiveServer, data_dir: Path, damage: str
) -> None:
    _populate(live_server, data_dir, "brian")
    _populate(live_server, data_dir, "david")
    archive = _export(live_server, "brian")
    bad = {
        "truncated": archive[: len(archive) // 2],
        "garbage": b"not a zip at all",
        "empty": b"",
        "invalid_json_document": _rebuilt(archive, "insights.json", b"{torn"),
        "invalid_profile": _rebuilt(archive, "profile.json", b'{"key":"profile","version":1,"data":[1]}'),
        "other_users_archive": _export(live_server, "david"),
    }[damage]
    before = {user: _documents(data_dir, user) for user in ("brian", "david")}
    code, body = _import(live_server, "brian", bad)
    assert code == 400
    assert body["detail"]
    assert {user: _documents(data_dir, user) for user in ("brian", "david")} == before


def test_export_holds_only_the_callers_data(live_server: LiveServer, data_dir: Path) -> None:
    _populate(live_server, data_dir, "brian")
    with zipfile.ZipFile(io.BytesIO(_export(live_server, "david"))) as zf:
        manifest = orjson.loads(zf.read("manifest.json"))
        contents = b"".join(zf.read(name) for name in zf.namelist())
    assert manifest["scope"] == "david"
    assert manifest["documents"] == []
    assert b"brian" not in contents.lower()


def test_cli_archive_imports_over_http_and_back(
    live_server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    _populate(live_server, data_dir, "jonathan")
    before = _documents(data_dir, "jonathan")
    file = tmp_path / "jonathan.zip"
    result = run_cli(live_server.settings, "export", "jonathan", str(file))
    assert result.returncode == 0, result.stderr
    (data_dir / "jonathan" / "profile.json").unlink()
    code, _ = _import(live_server, "jonathan", file.read_bytes())
    assert code == 200
    assert _documents(data_dir, "jonathan") == before
    file.write_bytes(_export(live_server, "jonathan"))
    (data_dir / "jonathan" / "context_store.json").unlink()
    result = run_cli(live_server.settings, "import", "jonathan", str(file))
    assert result.returncode == 0, result.stderr
    assert _documents(data_dir, "jonathan") == before
