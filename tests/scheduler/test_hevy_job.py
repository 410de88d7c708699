"""The hourly Hevy sync job: per caller, skipped without a key, failures recorded with backoff."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes.hevy import FakeHevy
from tests.live import LiveServer
from tests.training.conftest import BRIAN_KEY, connect


def test_hevy_sync_job_for_the_caller_only(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    with live.client("brian") as brian, live.client("david") as david:
        synced = brian.post("/scheduler/trigger-hevy-sync", params={"force": "true"}).json()
        not_due = brian.post("/scheduler/trigger-hevy-sync").json()
        no_key = david.post("/scheduler/trigger-hevy-sync", params={"force": "true"}).json()
        fake_hevy.fail_next(50, status=503)
        failed = brian.post("/scheduler/trigger-hevy-sync", params={"force": "true"}).json()
        status = brian.get("/scheduler/status").json()
        theirs = david.get("/scheduler/status").json()
    assert synced["status"] == "success"
    assert not_due["status"] == "skipped"
    assert 0.9 < not_due["next_run_in_hours"] <= 1
    assert (no_key["status"], no_key["detail"]) == ("skipped", "no Hevy API key configured")
    assert failed["status"] == "error"
    job = status["jobs"]["hevy_sync"]
    assert (job["last_status"], job["consecutive_failures"]) == ("error", 1)
    assert job["last_error"]
    assert status["last_error"] == job["last_error"]
    assert status["last_hevy_sync"] == status["last_exercise_history_sync"] == job["last_success"]
    assert theirs["last_hevy_sync"] is None
    assert theirs["jobs"]["hevy_sync"]["last_status"] == "skipped"
