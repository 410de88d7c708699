"""Helpers for the import tests: uploading a file and waiting for its job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2

from tests.live import wait_for

DONE = ("done", "failed")


KINDS = {".zip": "application/zip", ".csv": "text/csv"}


def upload(client: httpx2.Client, path: Path, source: str = "apple-health", **params: Any) -> httpx2.Response:
    """`POST /imports/{source}` with the file as the body, as the web client sends it."""
    return client.post(
        f"/imports/{source}",
        content=path.read_bytes(),
        headers={"Content-Type": KINDS.get(path.suffix, "application/xml")},
        params={"filename": path.name, **params},
    )


def finished(client: httpx2.Client, job_id: str, seconds: float = 60.0) -> dict[str, Any]:
    """The job once it is done or failed."""
    last: dict[str, Any] = {}

    def over() -> bool:
        nonlocal last
        answer = client.get(f"/imports/{job_id}")
        assert answer.status_code == 200, answer.text
        last = answer.json()
        return last["status"] in DONE

    wait_for(over, seconds)
    return last


def imported(
    client: httpx2.Client, path: Path, source: str = "apple-health", **params: Any
) -> dict[str, Any]:
    """Upload and wait: the finished job."""
    answer = upload(client, path, source, **params)
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "queued"
    return finished(client, answer.json()["id"])
