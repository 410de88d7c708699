"""Workouts from Hevy's and Strong's CSV exports join the history Hevy's API builds, and count once.

The same generated workouts go to a fake Hevy account (synced over its API) and into a Hevy CSV written by
`airfit.demo.csv_exports`; both users live in Pacific/Honolulu (UTC-10), where the file's morning wall-clock
times read as UTC would fall on the previous local date, so reading them in any other zone shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest

from airfit.demo.csv_exports import strong_exercise, with_traps, write_hevy_csv, write_strong_csv
from airfit.imports.strong_names import HEVY_NAME
from airfit.training.models import WORKOUTS
from tests.fakes.hevy import FakeHevy, generated_workouts
from tests.import_jobs.jobs import imported
from tests.live import LiveServer, stored
from tests.training.conftest import connect

ZONE = "Pacific/Honolulu"
KEY = "33333333-cccc-4ccc-8ccc-jonathan0003"


@pytest.fixture
def workouts() -> list[dict[str, Any]]:
    return with_traps(generated_workouts(10, seed=4), seed=4)


@pytest.fixture
def live(
    hevy_server: Callable[..., LiveServer], fake_hevy: FakeHevy, workouts: list[dict[str, Any]]
) -> LiveServer:
    fake_hevy.add_account(KEY, workouts)
    server = hevy_server()
    for user in ("david", "jonathan"):
        with server.client(user) as client:
            client.patch("/me", json={"timezone": ZONE}).raise_for_status()
    return server


def _hevy_csv(tmp_path: Path, workouts: list[dict[str, Any]], unit: str = "kg") -> Path:
    path = tmp_path / "workouts.csv"
    write_hevy_csv(path, workouts, zone=ZoneInfo(ZONE), unit=unit)  # type: ignore[arg-type]
    return path


def _views(client: httpx2.Client) -> dict[str, Any]:
    """Everything the strength views answer: the exercise list (all of it) and each exercise's history."""
    listing = client.get("/training/exercises", params={"limit": 500}).json()
    listing.pop("last_sync")  # when each history was stored, not what it holds
    histories = {
        e["name"]: client.get(
            "/training/strength-history", params={"exercise": e["name"], "days": 3650}
        ).json()
        for e in listing["exercises"]
    }
    return {"exercises": listing, "history": histories}


def test_the_api_and_the_csv_give_the_same_strength_history(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]]
) -> None:
    assert connect(live, "jonathan", KEY)["status"] == "success"
    path = _hevy_csv(tmp_path, workouts)
    with live.client("david") as david, live.client("jonathan") as jonathan:
        job = imported(david, path, "hevy-csv")
        assert job["status"] == "done", job
        report = job["report"]
        assert report["workouts"]["added"] == len(workouts)
        assert report["parsed"]["workouts"] == len(workouts)
        assert (
            f"times have no zone in this file: read as wall-clock times in {ZONE}"
            in report["parsed"]["notes"]
        )
        from_csv, from_api = _views(david), _views(jonathan)
        assert len(from_api["exercises"]["exercises"]) >= 10
        assert from_csv == from_api
        # The set tracker, the workout list and the daily workout blocks agree too.
        for url in ("/hevy/set-tracker?days=365", "/hevy/recent-workouts?limit=100"):
            csv_answer, api_answer = david.get(url).json(), jonathan.get(url).json()
            csv_answer.pop("last_sync", None), api_answer.pop("last_sync", None)
            for answer in (csv_answer, api_answer):
                for workout in answer.get("workouts", []):
                    workout.pop("id")  # Hevy's ids against the file's own
            assert csv_answer == api_answer
        days = {
            d["date"] for d in jonathan.get("/insights/snapshots", params={"days": 120}).json()["snapshots"]
        }
        assert days == {
            d["date"] for d in david.get("/insights/snapshots", params={"days": 120}).json()["snapshots"]
        }


def test_the_files_times_are_read_in_the_users_zone(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]], data_dir: Path
) -> None:
    path = _hevy_csv(tmp_path, workouts)
    with live.client("david") as david, live.client("brian") as brian:
        assert imported(david, path, "hevy-csv")["status"] == "done"
        assert imported(brian, path, "hevy-csv")["status"] == "done"  # brian's zone is the server's, UTC
    lifted = sorted(datetime.fromisoformat(w["start_time"]) for w in workouts)
    in_honolulu = sorted(w.start_time for w in stored(data_dir, "david", WORKOUTS).workouts.values())
    in_utc = sorted(w.start_time for w in stored(data_dir, "brian", WORKOUTS).workouts.values())
    assert in_honolulu == lifted
    # The same wall-clock times read in UTC are ten hours earlier: the zone is what makes them right.
    assert in_utc == [moment - timedelta(hours=10) for moment in lifted]


def test_a_workout_from_both_the_api_and_a_file_counts_once(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]], data_dir: Path
) -> None:
    path = _hevy_csv(tmp_path, workouts)
    with live.client("jonathan") as jonathan:
        # The file first (a Hevy user without Pro), then the API key: the API's copies replace the file's.
        first = imported(jonathan, path, "hevy-csv")["report"]["workouts"]
        assert (first["added"], first["from_hevy"]) == (len(workouts), 0)
        before = _views(jonathan)
        assert connect(live, "jonathan", KEY)["status"] == "success"
        doc = stored(data_dir, "jonathan", WORKOUTS)
        assert len(doc.workouts) == len(workouts)
        assert all(w.source is None for w in doc.workouts.values())
        assert _views(jonathan) == before
        count = jonathan.get("/hevy/recent-workouts", params={"limit": 100}).json()["workouts"]
        assert len(count) == len(workouts)
        # The file again, after the API: nothing added, every workout already there from Hevy's API.
        again = imported(jonathan, path, "hevy-csv")["report"]["workouts"]
        assert again == {
            "added": 0,
            "updated": 0,
            "same": 0,
            "from_hevy": len(workouts),
            "stored": len(workouts),
        }
        assert _views(jonathan) == before


def test_a_full_hevy_import_keeps_the_workouts_only_a_file_had(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]], data_dir: Path
) -> None:
    older = with_traps(generated_workouts(4, seed=9, end="2024-01-31"), seed=9)  # not in the Hevy account
    path = _hevy_csv(tmp_path, older)
    with live.client("jonathan") as jonathan:
        assert imported(jonathan, path, "hevy-csv")["status"] == "done"
        assert connect(live, "jonathan", KEY)["status"] == "success"
        jonathan.post("/training/sync", params={"full": "true"}).raise_for_status()
    doc = stored(data_dir, "jonathan", WORKOUTS)
    assert sum(w.source == "hevy-csv" for w in doc.workouts.values()) == len(older)
    assert len(doc.workouts) == len(older) + len(workouts)


def test_importing_the_same_file_again_changes_nothing(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]], data_dir: Path
) -> None:
    path = _hevy_csv(tmp_path, workouts)
    files = [
        data_dir / "david" / f"{name}.json" for name in ("hevy_workouts", "exercise_store", "context_store")
    ]
    with live.client("david") as david:
        dry = imported(david, path, "hevy-csv", dry_run="true")
        assert dry["report"]["workouts"]["added"] == len(workouts)
        assert not any(f.exists() for f in files)  # a dry run writes nothing
        assert imported(david, path, "hevy-csv")["report"]["workouts"]["added"] == len(workouts)
        before = [f.read_bytes() for f in files]
        again = imported(david, path, "hevy-csv")["report"]["workouts"]
        assert again["same"] == len(workouts)
        assert again["added"] == again["updated"] == 0
        assert [f.read_bytes() for f in files] == before
        # An edit in Hevy, exported again: that workout is updated, the rest stay as they were.
        edited = [dict(w) for w in workouts]
        edited[0] = {**edited[0], "exercises": edited[0]["exercises"][:1]}
        assert imported(david, _hevy_csv(tmp_path, edited), "hevy-csv")["report"]["workouts"]["updated"] == 1


def test_a_file_in_pounds_gives_the_same_history_to_the_tenth(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]]
) -> None:
    with live.client("david") as david, live.client("jonathan") as jonathan:
        assert imported(david, _hevy_csv(tmp_path, workouts, "kg"), "hevy-csv")["status"] == "done"
        job = imported(jonathan, _hevy_csv(tmp_path, workouts, "lb"), "hevy-csv")
        assert "weights in lb (weight_lbs column)" in job["report"]["parsed"]["notes"]
        kg, lb = _views(david)["history"], _views(jonathan)["history"]
        assert kg.keys() == lb.keys()
        for name, history in kg.items():
            for a, b in zip(history["history"], lb[name]["history"], strict=True):
                assert a["date"] == b["date"]
                assert a["weight_lbs"] == pytest.approx(b["weight_lbs"], abs=0.11)
                assert a["e1rm"] == pytest.approx(b["e1rm"], abs=0.11)


def test_strong_workouts_join_the_same_history_under_hevys_names(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]]
) -> None:
    path = tmp_path / "strong.csv"
    # A European phone: semicolons, decimal commas, a 12-hour clock; weights in the app's unit (lb).
    write_strong_csv(
        path, workouts, zone=ZoneInfo(ZONE), unit="lb", delimiter=";", decimal_comma=True, twelve_hour=True
    )
    with live.client("david") as david, live.client("jonathan") as jonathan:
        refused = jonathan.post("/imports/strong-csv", content=path.read_bytes())
        assert refused.status_code == 400
        assert "--unit kg or --unit lb" in refused.json()["detail"]
        job = imported(jonathan, path, "strong-csv", unit="lb")
        assert job["status"] == "done", job
        report = job["report"]
        assert report["workouts"]["added"] == len(workouts)
        assert report["parsed"]["skipped"]["rest timer rows"] > 0
        assert "Standing Calf Raise" in report["parsed"]["unmapped"]  # kept, and said so
        assert "semicolon-separated" in report["parsed"]["notes"][0]
        assert imported(david, _hevy_csv(tmp_path, workouts), "hevy-csv")["status"] == "done"
        hevy, strong = _views(david)["history"], _views(jonathan)["history"]

        def named(hevy_title: str) -> str:
            # Under Strong's name in the file, back to Hevy's by the table (the generator's "Leg Press" is
            # Strong's name of Hevy's "Leg Press (Machine)").
            written = strong_exercise(hevy_title)
            return HEVY_NAME.get(written, written)

        assert named("Leg Press") == "Leg Press (Machine)"
        assert set(strong) == {named(name) for name in hevy}
        for name, history in hevy.items():
            theirs = strong[named(name)]
            assert [p["date"] for p in theirs["history"]] == [p["date"] for p in history["history"]]
            for a, b in zip(history["history"], theirs["history"], strict=True):
                assert a["e1rm"] == pytest.approx(b["e1rm"], abs=0.11)


def test_a_workout_starting_at_the_same_minute_under_another_title_is_another_workout(
    live: LiveServer, tmp_path: Path, workouts: list[dict[str, Any]]
) -> None:
    renamed = [{**w, "title": w["title"] + " (renamed)"} for w in workouts[:2]]
    with live.client("david") as david:
        imported(david, _hevy_csv(tmp_path, workouts[:2]), "hevy-csv")
        report = imported(david, _hevy_csv(tmp_path, renamed), "hevy-csv")["report"]["workouts"]
    assert (report["added"], report["stored"]) == (2, 4)


def test_recent_workouts_show_the_file_workouts_in_the_users_dates(live: LiveServer, tmp_path: Path) -> None:
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=5, minute=30, second=0, microsecond=0)
    workout = {
        "id": "x",
        "title": "Late lift",
        "description": "",
        "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=50)).isoformat(),
        "exercises": [
            {
                "title": "Squat (Barbell)",
                "notes": "",
                "superset_id": None,
                "sets": [{"index": 0, "type": "normal", "weight_kg": 100.0, "reps": 5, "rpe": 8}],
            }
        ],
    }
    with live.client("david") as david:
        assert imported(david, _hevy_csv(tmp_path, [workout]), "hevy-csv")["status"] == "done"
        shown = david.get("/hevy/recent-workouts").json()["workouts"][0]
    # 05:30 UTC is 19:30 the day before in Honolulu.
    assert shown["date"] == (start.astimezone(ZoneInfo(ZONE))).date().isoformat()
    assert shown["duration_minutes"] == 50
    assert shown["total_volume_lbs"] == pytest.approx(500 * 2.20462, abs=0.1)
