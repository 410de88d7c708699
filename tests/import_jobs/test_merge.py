"""Imported history fills gaps in the daily snapshots and never replaces what the phone or the web stored.

Through the HTTP API (`POST /imports/apple-health`), on exports generated to end today (the test server's
zone is UTC), then read back through every reader: the day log, the summaries, the snapshot list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from airfit.demo.apple_health import ExportTruth, write_export
from tests.health.days import ios_day
from tests.import_jobs.jobs import finished, imported, upload
from tests.live import LiveServer

TODAY = datetime.now(UTC).date()
DAYS = 10


def _export(tmp_path: Path) -> tuple[Path, ExportTruth]:
    path = tmp_path / "export.zip"
    return path, write_export(path, days=DAYS, end=TODAY, zipped=True)


def test_imported_days_reach_every_reader(server: LiveServer, tmp_path: Path) -> None:
    path, truth = _export(tmp_path)
    with server.client("david") as david:
        job = imported(david, path)
        assert job["status"] == "done", job
        assert job["progress"] == 1.0
        report = job["report"]
        assert report["days_added"] == DAYS
        assert report["groups"]["steps"] == {"filled": DAYS, "kept": 0, "same": 0}
        for day, expected in truth.days.items():
            log = david.get("/log", params={"date": day}).json()
            assert abs(log["health"]["steps"] - expected.steps) < 1
            assert log["health"]["sleep_hours"] == pytest.approx(expected.sleep_hours)
            assert log["nutrition"]["protein"] == expected.protein
            if expected.weight_lbs is not None:
                assert log["weight_lbs"] == pytest.approx(expected.weight_lbs)
            assert log["workout"]["workout_count"] == expected.workouts
        week = david.get("/insights/context", params={"range": "week"}).json()
        shown = {point["date"]: point for point in week["daily_nutrition"]}
        assert shown[TODAY.isoformat()]["calories"] == round(truth.days[TODAY.isoformat()].calories)
        assert week["avg_steps"] > 5000
        weights = david.get("/health/body-metrics", params={"days": DAYS}).json()["weight_history"]
        assert len(weights) == sum(1 for t in truth.days.values() if t.weight_lbs is not None)
        listed = david.get("/insights/snapshots", params={"days": DAYS}).json()["snapshots"]
        assert all("apple-health" in day["sources_synced"] for day in listed)
        # Nobody else's days changed.
        with server.client("brian") as brian:
            assert brian.get("/insights/snapshots", params={"days": DAYS}).json()["count"] == 0


def test_what_the_phone_or_the_web_stored_is_kept(server: LiveServer, tmp_path: Path) -> None:
    path, truth = _export(tmp_path)
    synced, meal, weighed = (TODAY - timedelta(days=n) for n in (1, 2, 3))
    with server.client("david") as david:
        phone = ios_day(synced, steps=4321, weight_lbs=199.5, sleep_hours=6.5, calories=1800)
        phone.pop("body_fat_pct")
        david.post("/insights/sync", json={"days": [phone]}).raise_for_status()
        david.post("/log/food", json={"name": "soup", "calories": 420, "date": meal.isoformat()})
        david.post("/log/body", json={"weight_lbs": 177.7, "date": weighed.isoformat()}).raise_for_status()

        report = imported(david, path)["report"]
        day = david.get("/log", params={"date": synced.isoformat()}).json()
        assert day["health"]["steps"] == 4321
        assert day["weight_lbs"] == 199.5
        assert day["health"]["sleep_hours"] == 6.5
        assert day["health"]["sleep_deep_pct"] == 0.15  # the phone's night stays whole, not mixed
        assert day["nutrition"]["calories"] == 1800
        # What the phone did not send is filled: it never sends lean mass, and this day it sent no body fat.
        expected = truth.days[synced.isoformat()]
        assert expected.lean_mass_lbs is not None
        assert day["health"]["lean_mass_lbs"] == pytest.approx(expected.lean_mass_lbs)
        assert day["body_fat_pct"] == pytest.approx(expected.body_fat_pct)
        changed = {d["date"]: d for d in report["days_changed"]}
        assert {"steps", "weight_lbs", "sleep", "nutrition"} <= set(changed[synced.isoformat()]["kept"])
        assert {"lean_mass_lbs", "body_fat_pct"} <= set(changed[synced.isoformat()]["filled"])

        soup = david.get("/log", params={"date": meal.isoformat()}).json()
        assert soup["nutrition"]["calories"] == 420  # the web meal alone: imported meals did not join it
        assert "nutrition" in changed[meal.isoformat()]["kept"]
        assert soup["health"]["steps"] > 0  # the rest of that day was filled

        scale = david.get("/log", params={"date": weighed.isoformat()}).json()
        assert scale["weight_lbs"] == 177.7
        assert scale["phone"]["weight_lbs"] is None  # the import did not slip a reading under the web's

        # A later phone sync of an imported day wins over the import, like over any stored value.
        imported_day = TODAY - timedelta(days=5)
        david.post("/insights/sync", json={"days": [ios_day(imported_day, steps=1234)]}).raise_for_status()
        assert david.get("/log", params={"date": imported_day.isoformat()}).json()["health"]["steps"] == 1234


def test_a_second_import_changes_nothing(server: LiveServer, tmp_path: Path, data_dir: Path) -> None:
    path, _ = _export(tmp_path)
    stored = data_dir / "david" / "context_store.json"
    with server.client("david") as david:
        first = imported(david, path)["report"]
        before = stored.read_bytes()
        second = imported(david, path)["report"]
        assert stored.read_bytes() == before
    assert (second["days_added"], second["days_filled"], second["days_kept"]) == (0, 0, DAYS)
    assert all(counts["filled"] == counts["kept"] == 0 for counts in second["groups"].values())
    assert {name: c["same"] for name, c in second["groups"].items()} == {
        name: c["filled"] for name, c in first["groups"].items()
    }


def test_a_dry_run_reports_the_same_and_writes_nothing(
    server: LiveServer, tmp_path: Path, data_dir: Path
) -> None:
    path, _ = _export(tmp_path)
    with server.client("david") as david:
        david.post("/insights/sync", json={"days": [ios_day(TODAY)]}).raise_for_status()
        stored = data_dir / "david" / "context_store.json"
        before = stored.read_bytes()
        dry = imported(david, path, dry_run="true")["report"]
        assert stored.read_bytes() == before
        real = imported(david, path)["report"]
    assert dry["dry_run"] is True
    assert real["dry_run"] is False
    for key in ("days_added", "days_filled", "days_kept", "groups", "days_changed"):
        assert dry[key] == real[key]


def test_a_truncated_file_fails_and_changes_nothing(
    server: LiveServer, tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / "export.xml"
    write_export(path, days=DAYS, end=TODAY, truncate_at=0.8)
    with server.client("david") as david:
        david.post("/insights/sync", json={"days": [ios_day(TODAY)]}).raise_for_status()
        stored = data_dir / "david" / "context_store.json"
        before = stored.read_bytes()
        answer = upload(david, path)
        assert answer.status_code == 202  # its start is a fine export: only the end tells
        job = finished(david, answer.json()["id"])
        assert job["status"] == "failed"
        assert "truncated" in job["error"]
        assert job["report"] is None
        assert stored.read_bytes() == before
    assert list((data_dir / ".scratch" / "david").iterdir()) == []
