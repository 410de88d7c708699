"""Import jobs over HTTP: whose they are, one at a time, interrupted ones, refusals and the upload limit."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from airfit.config import Settings
from airfit.demo.apple_health import write_export
from airfit.imports.models import IMPORT_JOBS, ImportJob, ReadOptions
from airfit.imports.service import INTERRUPTED
from airfit.imports.sources import Importer
from airfit.services import build_services
from airfit.storage import DocumentStore
from tests.import_jobs.jobs import imported, upload
from tests.live import LiveServer, process_server, wait_for


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.xml"
    write_export(path, days=5)
    return path


def _store_job(settings: Settings, user: str, job: ImportJob) -> None:
    """A job record as another process (or an earlier run of this one) left it."""

    async def put() -> None:
        async with DocumentStore(settings.data_dir).transaction(user, IMPORT_JOBS) as jobs:
            jobs.jobs.insert(0, job)

    asyncio.run(put())


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not the server (the `airfit import-from` of another terminal, say)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_an_upload_is_a_file_type_or_untyped_never_json_or_a_form(server: LiveServer, export: Path) -> None:
    body = export.read_bytes()
    with server.client("david") as david:
        for refused in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
            answer = david.post("/imports/apple-health", content=body, headers={"Content-Type": refused})
            assert answer.status_code == 415, answer.text
        assert david.get("/imports").json() == {"jobs": []}
        typed = david.post("/imports/apple-health", content=body, headers={"Content-Type": "text/xml"})
        assert typed.status_code == 202, typed.text


def test_a_job_is_its_owners_only(server: LiveServer, export: Path) -> None:
    with server.client("david") as david, server.client("brian") as brian:
        job = imported(david, export)
        assert job["status"] == "done"
        assert brian.get(f"/imports/{job['id']}").status_code == 404
        assert brian.get(f"/imports/{job['id']}").json() == brian.get("/imports/0000").json()
        assert brian.get("/imports").json() == {"jobs": []}
        listed = david.get("/imports").json()["jobs"]
        assert [j["id"] for j in listed] == [job["id"]]
        assert listed[0]["file_name"] == "export.xml"
        # The list leaves out each report's per-date detail; the job itself has it.
        assert listed[0]["report"]["days_changed"] == []
        assert len(job["report"]["days_changed"]) == 5
        assert listed[0]["report"]["days_added"] == job["report"]["days_added"] == 5


def test_an_unknown_source_is_a_404_naming_the_known_ones(server: LiveServer) -> None:
    with server.client("david") as david:
        answer = david.post("/imports/fitbit", content=b"<x/>")
        assert answer.status_code == 404
        assert "apple-health" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4", "neither a zip nor an XML"),
        (b"PK\x03\x04 not really a zip", "zip is damaged"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><HealthData/>', "entities"),
    ],
)
def test_a_file_that_is_not_an_export_is_a_400_and_leaves_nothing(
    server: LiveServer, data_dir: Path, content: bytes, reason: str
) -> None:
    with server.client("david") as david:
        answer = david.post("/imports/apple-health", content=content)
        assert answer.status_code == 400
        assert reason in answer.json()["detail"]
        assert david.get("/imports").json() == {"jobs": []}
    assert list((data_dir / ".scratch" / "david").iterdir()) == []


def test_one_import_at_a_time_per_user(
    server: LiveServer, export: Path, other_process: subprocess.Popen[bytes]
) -> None:
    running = ImportJob(source="apple-health", status="running", runner="command", pid=other_process.pid)
    _store_job(server.settings, "david", running)
    with server.client("david") as david, server.client("brian") as brian:
        refused = upload(david, export)
        assert refused.status_code == 409
        assert "already" in refused.json()["detail"]
        # Refused before the body is even looked at: not a 400 for a body that is no export.
        assert david.post("/imports/apple-health", content=b"%PDF").status_code == 409
        assert imported(brian, export)["status"] == "done"  # other users never wait
        other_process.kill()
        other_process.wait(timeout=10)
        # The process is gone: its job reads as failed, and the user may import again.
        gone = david.get(f"/imports/{running.id}").json()
        assert gone["status"] == "failed"
        assert "interrupted: the command stopped" in gone["error"]
        assert imported(david, export)["status"] == "done"
        assert david.get(f"/imports/{running.id}").json()["status"] == "failed"


def test_a_job_cut_short_by_a_restart_is_reported_failed(
    start_server: Callable[..., LiveServer], settings: Settings, data_dir: Path
) -> None:
    # The in-process server runs in this process: a job recorded with this pid that it is not running was
    # left by an earlier run of the server.
    reading = ImportJob(source="apple-health", status="running", pid=os.getpid(), progress=0.4)
    saving = ImportJob(source="apple-health", status="running", pid=os.getpid(), saving=True)
    _store_job(settings, "david", reading)
    _store_job(settings, "jonathan", saving)
    leftover = data_dir / ".scratch" / "david" / f"{os.getpid()}-abc.upload"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half an upload")
    server = start_server()
    with server.client("david") as david, server.client("jonathan") as jonathan:
        job = david.get(f"/imports/{reading.id}").json()
        assert job["status"] == "failed"
        assert (
            job["error"] == "interrupted: the server stopped before the import finished; nothing was changed"
        )
        assert "may have been saved" in jonathan.get(f"/imports/{saving.id}").json()["error"]
    assert not leftover.exists()


def test_progress_only_grows_and_ends_at_one(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_export(path, days=20, filler_per_day=3000)
    with server.client("david") as david:
        answer = upload(david, path)
        seen: list[float] = []

        def over() -> bool:
            job = david.get(f"/imports/{answer.json()['id']}").json()
            seen.append(job["progress"])
            return bool(job["status"] == "done")

        wait_for(over, 60)
        assert seen == sorted(seen)
        assert seen[-1] == 1.0
        job = david.get(f"/imports/{answer.json()['id']}").json()
        assert job["file_bytes"] == path.stat().st_size
        assert job["report"]["parsed"]["skipped"]["HKQuantityTypeIdentifierHeartRate"] == 20 * 3000


def test_an_upload_is_kept_owner_only_while_it_waits(settings: Settings) -> None:
    async def receive() -> Path:
        async def body() -> AsyncIterator[bytes]:
            for _ in range(3):
                yield b"x" * 700_000

        return await build_services(settings).imports._receive("david", body())

    path = asyncio.run(receive())
    assert path.stat().st_size == 2_100_000
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent == settings.data_dir / ".scratch" / "david"


def test_an_upload_over_the_limit_is_a_413_before_or_while_it_is_read(
    start_live_server: Callable[..., LiveServer], data_dir: Path, export: Path
) -> None:
    server = start_live_server(max_upload_bytes=4096)
    body = export.read_bytes()
    assert len(body) > 4096
    with server.client("david") as david:
        declared = david.post("/imports/apple-health", content=body)
        assert declared.status_code == 413

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(body), 1024):
                yield body[start : start + 1024]

        streamed = david.post("/imports/apple-health", content=chunks())
        assert streamed.status_code == 413
        assert david.get("/imports").json() == {"jobs": []}
        # Other routes keep their own limits: a small JSON body is fine, the upload limit is not theirs.
        assert david.post("/insights/sync", json={"days": []}).status_code == 200
        # A typed file has the upload's limit too.
        labelled = david.post("/imports/apple-health", content=chunks(), headers={"Content-Type": "text/xml"})
        assert labelled.status_code == 413
    assert list((data_dir / ".scratch" / "david").iterdir()) == []


def test_a_server_killed_mid_import_reports_it_failed_after_restart(
    settings: Settings, data_dir: Path, tmp_path: Path, export: Path
) -> None:
    big = tmp_path / "big.xml"
    write_export(big, days=100, filler_per_day=3000)  # seconds of reading: the kill lands mid-import
    with process_server(settings) as (live, proc), live.client("david") as david:
        answer = upload(david, big)
        assert answer.status_code == 202
        job_id = answer.json()["id"]
        proc.kill()
        proc.wait(timeout=10)
    assert not (data_dir / "david" / "context_store.json").exists()
    with process_server(settings) as (live, _), live.client("david") as david:
        job = david.get(f"/imports/{job_id}").json()
        assert job["status"] == "failed"
        assert job["error"] == INTERRUPTED.format(runner="server")
        assert list((data_dir / ".scratch" / "david").iterdir()) == []  # its upload is gone
        assert imported(david, export)["status"] == "done"  # and the user may import again


def test_cancelling_a_job_stops_its_reading_thread(settings: Settings) -> None:
    # What a server stopping mid-import does to the job's task: the thread reading the file must stop
    # too (threads cannot be cancelled), or the process would wait for it to read to the end.
    ended = threading.Event()

    def endless(_path: Path, _work: Path, progress: Callable[[float], None], _options: Any) -> Any:
        try:
            while True:
                progress(0.5)
                time.sleep(0.01)
        finally:
            ended.set()

    reader = Importer("endless", parse=endless, check=lambda _path, _options: None)

    async def cancel_while_reading() -> None:
        imports = build_services(settings).imports
        options = ReadOptions(zone=UTC)
        task = asyncio.create_task(imports._read("david", "job", reader, Path("in"), Path("work"), options))
        await asyncio.sleep(0.3)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_reading())
    assert ended.wait(10)
