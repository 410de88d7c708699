"""Migration losses and legacy timestamps (issue 11, items 6-9 and 12), and the whole move to a new machine:
migrate the original server's files, export, import elsewhere (another host zone), every answer identical.
"""

from __future__ import annotations

import io
import stat
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from airfit.config import Settings
from airfit.health.models import CONTEXT_STORE
from airfit.insights.models import INSIGHTS, Insight
from airfit.insights.service import prune
from airfit.llm.models import SessionRecord
from airfit.scheduler.models import JobRecord
from airfit.storage import decode_document
from airfit.training.models import EXERCISE_STORE
from tests.live import make_settings, process_server, run_cli, stored
from tests.test_migration import LEGACY_INSIGHTS, _write_legacy

ZIP = {"Content-Type": "application/zip"}
PARAGRAPHS = "First paragraph.\n\nSecond paragraph:\n- one\n- two"


def _legacy_with_paragraphs(directory: Path) -> dict[str, bytes]:
    files = _write_legacy(directory)
    context = orjson.loads(files["context_store.json"])
    context["insights"][0]["body"] = PARAGRAPHS
    (directory / "context_store.json").write_bytes(orjson.dumps(context))
    return files


def test_item6_export_right_after_migrate_holds_the_memories(settings: Settings, data_dir: Path) -> None:
    _write_legacy(data_dir)
    assert run_cli(settings, "migrate").returncode == 0
    exported = data_dir.parent / "brian.zip"
    result = run_cli(settings, "export", "brian", str(exported))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(exported) as zf:
        memories = orjson.loads(zf.read("documents/memories.json"))["data"]
    texts = {entry["text"] for entry in memories["entries"]}
    assert {"legs", "knee felt fine"} <= texts
    assert memories["legacy_imported"] is True


def test_item7_migrated_insights_are_kept_and_reported(settings: Settings, data_dir: Path) -> None:
    _write_legacy(data_dir)
    result = run_cli(settings, "migrate")
    assert result.returncode == 0, result.stderr
    assert "3 insights, kept whatever their age" in result.stdout
    migrated = stored(data_dir, "brian", INSIGHTS).insights
    assert all(i.migrated for i in migrated)
    # The first insight run prunes: migrated insights, a year and more old, survive it.
    now = datetime.now(UTC)
    fresh = Insight(title="new one", created_at=now)
    expired = Insight(title="old generated", created_at=now - timedelta(days=61))
    kept = prune([*migrated, fresh, expired], now)
    assert {i.title for i in kept} == {*(i["title"] for i in LEGACY_INSIGHTS), "new one"}


def test_item8_paragraph_breaks_survive_reading() -> None:
    insight = Insight.model_validate(
        {"title": "  A   title ", "body": "First  paragraph. \n\n\n\nSecond:\n- one"}
    )
    assert insight.title == "A title"
    assert insight.body == "First paragraph.\n\nSecond:\n- one"


@pytest.fixture
def host_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process runs as if on a host in Los Angeles (UTC-7/-8)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("host_zone")
def test_item9_naive_legacy_times_are_utc_everywhere() -> None:
    naive = "2025-06-01T21:00:00"
    expected = datetime(2025, 6, 1, 21, tzinfo=UTC)
    insight = Insight.model_validate({"title": "t", "created_at": naive, "dismissed_at": naive})
    assert insight.created_at == expected
    assert insight.dismissed_at == expected
    exercises = decode_document(EXERCISE_STORE, orjson.dumps({"exercises": {}, "last_sync": naive}))
    assert exercises.last_sync == expected
    context = decode_document(
        CONTEXT_STORE,
        orjson.dumps({"snapshots": {"2025-06-01": {"last_updated": naive}}, "last_sync": naive}),
    )
    assert context.last_sync == expected
    assert context.snapshots["2025-06-01"].last_updated == expected
    session = SessionRecord.model_validate(
        {"session_id": "s", "provider": "claude", "created_at": naive, "last_used": naive}
    )
    assert session.created_at == expected
    assert JobRecord.model_validate({"last_run": naive}).last_run == expected


def _modes(root: Path) -> set[tuple[str, int]]:
    return {
        ("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in [root, *root.rglob("*")]
    }


def test_item12_migrated_memories_are_private(settings: Settings, data_dir: Path) -> None:
    _write_legacy(data_dir)
    for path in (data_dir / "memories").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert run_cli(settings, "migrate").returncode == 0
    assert _modes(data_dir / "brian" / "memories") == {("dir", 0o700), ("file", 0o600)}
    (backup,) = (data_dir / ".backup").iterdir()
    assert _modes(backup) == {("dir", 0o700), ("file", 0o600)}


# Every GET the app and the coach's tools read the migrated data through.
ANSWERS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/profile", None),
    ("GET", "/insights?limit=200", None),
    ("GET", "/insights/context?range=week", None),
    ("GET", "/insights/context?range=quarter", None),
    ("GET", "/insights/snapshots?days=3660", None),
    ("GET", "/health/body-metrics?days=3660", None),
    ("GET", "/training/exercises?limit=500&sort_by=frequency", None),
    ("GET", "/training/strength-history?exercise=Bench%20Press%20(Barbell)&days=3650", None),
    ("GET", "/hevy/lift-progress", None),
    ("GET", "/chat/context", None),
    ("GET", "/tools/schemas", None),
    ("POST", "/tools/execute", {"name": "query_insights", "arguments": {"limit": 10}}),
    ("POST", "/tools/execute", {"name": "query_nutrition", "arguments": {"days": 3650}}),
    ("POST", "/tools/execute", {"name": "query_body_comp", "arguments": {"days": 3650}}),
    ("POST", "/tools/execute", {"name": "query_recovery", "arguments": {"days": 3650}}),
]


def _answers(settings: Settings, zone: str) -> tuple[dict[str, Any], bytes]:
    with process_server(settings, TZ=zone) as (live, _), live.client() as c:
        answers = {}
        for method, path, body in ANSWERS:
            response = c.request(method, path, json=body)
            assert response.status_code == 200, (path, response.text)
            answers[f"{method} {path} {body}"] = response.json()
        archive = c.get("/export").content
    return answers, archive


def test_migrated_server_moves_to_another_machine_with_every_answer_identical(tmp_path: Path) -> None:
    old = tmp_path / "old-server"
    old.mkdir()
    _legacy_with_paragraphs(old)
    first = make_settings(tmp_path / "first", users="brian")
    second = make_settings(tmp_path / "second", users="brian")
    migrated = run_cli(first, "migrate", "--from", str(old), TZ="Asia/Tokyo")
    assert migrated.returncode == 0, migrated.stderr
    before, archive = _answers(first, "Asia/Tokyo")
    assert len(before["GET /insights?limit=200 None"]) == len(LEGACY_INSIGHTS)
    assert PARAGRAPHS in {i["body"] for i in before["GET /insights?limit=200 None"]}
    assert "knee felt fine" in before["GET /chat/context None"]["memory_context"]
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert "documents/memories.json" in zf.namelist()
    path = tmp_path / "brian.zip"
    path.write_bytes(archive)
    imported = run_cli(second, "import", "brian", str(path), TZ="America/Los_Angeles")
    assert imported.returncode == 0, imported.stderr
    after, _ = _answers(second, "America/Los_Angeles")
    assert after == before
