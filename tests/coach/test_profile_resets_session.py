"""Replacing or deleting a profile starts the caller's coach afresh: their chat sessions are cleared, nobody
else's: DELETE /profile, /profile/seed, /profile/import-seed and /profile/import each clear them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from tests.fakes.clis import FakeClis
from tests.live import LiveServer

EXAMPLE_SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-profile.json"


def _session(live: LiveServer, user: str) -> str | None:
    with live.client(user) as c:
        return c.get("/status").json()["session_id"]


def _chat(live: LiveServer, user: str) -> str:
    with live.client(user, timeout=60) as c:
        assert c.post("/chat", json={"message": f"hello from {user}"}).json()["success"] is True
    session = _session(live, user)
    assert session is not None
    return session


def _delete(c: httpx2.Client) -> httpx2.Response:
    return c.delete("/profile")


def _import(c: httpx2.Client) -> httpx2.Response:
    return c.post("/profile/import", json=c.get("/profile/export").json())


def _import_seed(c: httpx2.Client) -> httpx2.Response:
    return c.post("/profile/import-seed", json=json.loads(EXAMPLE_SEED.read_bytes()))


def _seed(c: httpx2.Client) -> httpx2.Response:
    return c.post("/profile/seed")


@pytest.mark.parametrize("change", [_delete, _import, _import_seed, _seed])
def test_profile_change_clears_only_the_callers_sessions(
    start_server: Callable[..., LiveServer],
    fake_clis: FakeClis,
    change: Callable[[httpx2.Client], httpx2.Response],
) -> None:
    live = start_server(seed_file=EXAMPLE_SEED, **fake_clis.settings("claude"))
    _chat(live, "brian")
    david = _chat(live, "david")
    with live.client("brian") as c:
        assert change(c).status_code == 200
    assert _session(live, "brian") is None
    assert _session(live, "david") == david


def test_refused_import_keeps_the_session(
    start_server: Callable[..., LiveServer], fake_clis: FakeClis
) -> None:
    live = start_server(**fake_clis.settings("claude"))
    brian = _chat(live, "brian")
    with live.client("brian") as c:
        result = c.post("/profile/import", json={"version": 99, "profile": {}}).json()
    assert result["success"] is False
    assert _session(live, "brian") == brian
