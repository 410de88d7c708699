"""Hevy sync end to end: a real server, a fake Hevy on 127.0.0.1, real files."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airfit.health.models import CONTEXT_STORE
from airfit.training.models import EXERCISE_STORE, SECRETS, WORKOUTS
from tests.fakes.hevy import FakeHevy
from tests.ios import EXERCISES, HEVY_SYNC, TRAINING_SYNC, decode
from tests.live import LiveServer, stored
from tests.training.conftest import BRIAN_KEY, DAVID_KEY, connect


def test_full_import_stores_every_workout_and_derived_data(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    live = hevy_server()
    result = connect(live, "brian", BRIAN_KEY)
    decode(result, TRAINING_SYNC)
    expected = len(fake_hevy.accounts[BRIAN_KEY].workouts)
    workouts = stored(data_dir, "brian", WORKOUTS)
    assert set(workouts.workouts) == set(fake_hevy.accounts[BRIAN_KEY].workouts)
    assert workouts.sync.import_complete is True
    assert all(int(h.params["pageSize"]) <= 10 for h in fake_hevy.requests("/v1/workouts"))
    exercises = stored(data_dir, "brian", EXERCISE_STORE).exercises
    assert "Bench Press (Barbell)" in exercises
    assert "Pull Up" not in exercises  # bodyweight only: no e1RM to track
    context = stored(data_dir, "brian", CONTEXT_STORE).snapshots
    workout_days = [d for d, s in context.items() if "hevy" in s.sources_synced]
    assert sum(context[d].workout.workout_count for d in workout_days) == expected
    with live.client("brian") as c:
        status = c.get("/hevy/status").json()
    assert status["configured"]
    assert status["key_source"] == "user"
    assert status["workouts_stored"] == expected
    assert status["last_error"] is None


def test_secrets_file_is_private_and_key_never_returned(
    hevy_server: Callable[..., LiveServer], data_dir: Path
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    secrets = data_dir / "brian" / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    key = stored(data_dir, "brian", SECRETS).hevy_api_key
    assert key is not None
    assert key.get_secret_value() == BRIAN_KEY
    with live.client("brian") as c:
        for path in ("/hevy/status", "/health", "/status"):
            assert BRIAN_KEY not in c.get(path).text
        assert BRIAN_KEY not in c.post("/hevy/key/test").text


def test_users_never_see_each_others_workouts(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    connect(live, "david", DAVID_KEY)
    brian_ids = set(fake_hevy.accounts[BRIAN_KEY].workouts)
    david_ids = set(fake_hevy.accounts[DAVID_KEY].workouts)
    assert set(stored(data_dir, "david", WORKOUTS).workouts) == david_ids
    with live.client("david") as c:
        recent = c.get("/hevy/recent-workouts", params={"limit": 100}).json()["workouts"]
    assert {w["id"] for w in recent} <= david_ids
    assert not {w["id"] for w in recent} & brian_ids
    keys_used = {h.api_key for h in fake_hevy.hits}
    assert keys_used == {BRIAN_KEY, DAVID_KEY}
    with live.client("jonathan") as c:
        assert c.get("/hevy/recent-workouts").json() == {"workouts": []}
        assert c.post("/training/sync").json()["status"] == "not_configured"
        assert c.get("/hevy/status").json()["configured"] is False


def _heaviest(workout: dict[str, Any], title: str) -> dict[str, Any]:
    exercise = next(e for e in workout["exercises"] if e["title"] == title)
    return max((s for s in exercise["sets"] if s["type"] != "warmup"), key=lambda s: s["weight_kg"] or 0)


def test_incremental_sync_applies_edits_and_deletions(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    with live.client("brian") as c:
        pr_before = c.get("/training/strength-history", params={"exercise": "Bench Press (Barbell)"}).json()
    pr_day = pr_before["current_pr"]["date"]
    record_workout = next(
        w
        for w in fake_hevy.accounts[BRIAN_KEY].workouts.values()
        if w["start_time"][:10] == pr_day
        and any(e["title"] == "Bench Press (Barbell)" for e in w["exercises"])
    )
    # Edit: the record set was mistyped; make it light. Delete: another workout disappears.
    edited = fake_hevy.workout(BRIAN_KEY, record_workout["id"])
    for exercise in edited["exercises"]:
        for s in exercise["sets"]:
            if s["weight_kg"]:
                s["weight_kg"] = 5.0
    edited["title"] = "Push Day (light)"
    fake_hevy.put_workout(BRIAN_KEY, edited)
    victim = next(w for w in fake_hevy.accounts[BRIAN_KEY].workouts.values() if w["id"] != edited["id"])
    fake_hevy.delete_workout(BRIAN_KEY, victim["id"])
    workout_pages_before = len(fake_hevy.requests("/v1/workouts"))

    with live.client("brian") as c:
        result = c.post("/hevy/sync").json()
        decode(result, HEVY_SYNC)
        assert result["status"] == "success"
        pr_after = c.get("/training/strength-history", params={"exercise": "Bench Press (Barbell)"}).json()
        recent = c.get("/hevy/recent-workouts", params={"limit": 100}).json()["workouts"]
    assert len(fake_hevy.requests("/v1/workouts")) == workout_pages_before  # events feed only
    assert pr_after["current_pr"]["e1rm"] < pr_before["current_pr"]["e1rm"]
    assert pr_after["current_pr"]["date"] != pr_day
    titles = {w["id"]: w["title"] for w in recent}
    assert titles[edited["id"]] == "Push Day (light)"
    assert victim["id"] not in titles
    assert set(stored(data_dir, "brian", WORKOUTS).workouts) == set(fake_hevy.accounts[BRIAN_KEY].workouts)
    victim_day = victim["start_time"][:10]
    others = [
        w for w in fake_hevy.accounts[BRIAN_KEY].workouts.values() if w["start_time"][:10] == victim_day
    ]
    snapshot = stored(data_dir, "brian", CONTEXT_STORE).snapshots[victim_day]
    assert snapshot.workout.workout_count == len(others)
    assert ("hevy" in snapshot.sources_synced) == bool(others)


def test_interrupted_import_resumes_without_duplicates(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    live = hevy_server()
    fake_hevy.break_from_page(4)
    with live.client("brian") as c:
        assert c.put("/hevy/key", json={"api_key": BRIAN_KEY}).status_code == 200
        first = c.post("/training/sync").json()
        assert first["status"] == "unavailable"
        partial = stored(data_dir, "brian", WORKOUTS)
        assert len(partial.workouts) == 30
        assert partial.sync.import_complete is False
        status = c.get("/hevy/status").json()
        assert status["last_error"]
        assert not status["import_complete"]

        fake_hevy.break_from_page(None)
        second = c.post("/training/sync").json()
    assert second["status"] == "success"
    resumed_pages = [int(h.params["page"]) for h in fake_hevy.requests("/v1/workouts")]
    assert resumed_pages.count(1) == 1  # the second run resumed, it did not start over
    assert sorted(stored(data_dir, "brian", WORKOUTS).workouts) == sorted(
        fake_hevy.accounts[BRIAN_KEY].workouts
    )
    context = stored(data_dir, "brian", CONTEXT_STORE).snapshots
    total = sum(s.workout.workout_count for s in context.values())
    assert total == len(fake_hevy.accounts[BRIAN_KEY].workouts)


def test_hevy_down_keeps_serving_stored_data(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    with live.client("brian") as c:
        before = c.get("/training/exercises").json()
        fake_hevy.fail_next(50, status=503)
        synced = c.post("/hevy/sync")
        assert synced.status_code == 200
        assert synced.json()["status"] == "unavailable"
        after = c.get("/training/exercises").json()
        status = c.get("/hevy/status").json()
        assert c.post("/insights/sync-hevy").status_code == 503
    decode(after, EXERCISES)
    assert after == before
    assert after["exercises"]
    assert "503" in status["last_error"]
    assert status["last_error_at"]
    assert status["last_success_at"] is not None


def test_rate_limit_is_retried_after_the_servers_delay(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    fake_hevy.fail_next(2, status=429, retry_after="1")
    with live.client("brian") as c:
        result = c.post("/hevy/sync").json()
    assert result["status"] == "success"
    hits = fake_hevy.requests("/v1/workouts/events")[-3:]
    assert hits[1].at - hits[0].at >= 0.95
    assert hits[2].at - hits[1].at >= 0.95


def test_key_validation(
    hevy_server: Callable[..., LiveServer], start_server: Callable[..., LiveServer], fake_hevy: FakeHevy
) -> None:
    count = len(fake_hevy.accounts[DAVID_KEY].workouts)
    live = hevy_server()
    with live.client("david") as c:
        rejected = c.put("/hevy/key", json={"api_key": "not-a-key"})
        assert rejected.status_code == 400
        assert "rejected" in rejected.json()["detail"]
        assert c.get("/hevy/status").json()["configured"] is False
        assert c.post("/hevy/key/test").status_code == 404
        assert c.put("/hevy/key", json={}).status_code == 422
        assert c.put("/hevy/key", json={"api_key": DAVID_KEY}).status_code == 200
        assert c.post("/hevy/key/test").json() == {"status": "valid", "valid": True, "workout_count": count}
        assert c.delete("/hevy/key").json()["status"] == "removed"
        assert c.get("/hevy/status").json()["configured"] is False
    unreachable = start_server(hevy_base_url="http://127.0.0.1:9", hevy_retry_delay=0.01)
    with unreachable.client("david") as c:
        response = c.put("/hevy/key", json={"api_key": DAVID_KEY})
    assert response.status_code == 503
    assert "detail" in response.json()


def test_server_wide_key_serves_only_the_default_user(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy
) -> None:
    live = hevy_server(hevy_api_key=BRIAN_KEY)
    with live.client() as c:
        assert c.get("/health").json()["hevy_configured"] is True
    with live.client("brian") as c:
        assert c.get("/hevy/status").json()["key_source"] == "server"
        assert c.post("/training/sync").json()["status"] == "success"
    with live.client("david") as c:
        assert c.post("/training/sync").json()["status"] == "not_configured"
        assert c.get("/hevy/recent-workouts").json() == {"workouts": []}
    assert {h.api_key for h in fake_hevy.hits} == {BRIAN_KEY}
    plain = hevy_server()
    with plain.client() as c:
        assert c.get("/health").json()["hevy_configured"] is False


def test_concurrent_syncs_of_one_user_run_once(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    import concurrent.futures

    live = hevy_server()
    with live.client("brian") as c:
        c.put("/hevy/key", json={"api_key": BRIAN_KEY})

    def sync(_: int) -> dict[str, Any]:
        with live.client("brian") as c:
            return c.post("/training/sync").json()  # type: ignore[no-any-return]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(sync, range(4)))
    assert all(r["status"] == "success" for r in results)
    pages = [int(h.params["page"]) for h in fake_hevy.requests("/v1/workouts")]
    assert pages.count(1) == 1
    assert len(stored(data_dir, "brian", WORKOUTS).workouts) == len(fake_hevy.accounts[BRIAN_KEY].workouts)


def test_full_resync_drops_workouts_hevy_no_longer_has(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, data_dir: Path
) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    account = fake_hevy.accounts[BRIAN_KEY]
    gone = sorted(account.workouts)[0]
    # Removed without an event (e.g. older than the feed keeps): only a full import can notice.
    del account.workouts[gone]
    with live.client("brian") as c:
        result = c.post("/training/sync", params={"full": "true"}).json()
    assert result["status"] == "success"
    assert gone not in stored(data_dir, "brian", WORKOUTS).workouts


def test_events_cursor_moves_forward(hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy) -> None:
    live = hevy_server()
    connect(live, "brian", BRIAN_KEY)
    with live.client("brian") as c:
        c.post("/hevy/sync")
    since = datetime.fromisoformat(fake_hevy.requests("/v1/workouts/events")[-1].params["since"])
    assert datetime.now(UTC) - since < timedelta(minutes=15)
