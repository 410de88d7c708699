"""`airfit users hevy-key` and the legacy exercise-history file, through real subprocesses and servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from airfit.training.models import SECRETS
from tests.fakes.hevy import FakeHevy
from tests.live import LiveServer, make_settings, run_cli, stored
from tests.training.conftest import DAVID_KEY


def test_cli_sets_key_from_stdin_and_removes_it(fake_hevy: FakeHevy, data_dir: Path) -> None:
    settings = make_settings(data_dir)
    rejected = run_cli(settings, "users", "hevy-key", "david", input="wrong\n", HEVY_BASE_URL=fake_hevy.url)
    assert rejected.returncode != 0
    assert "rejected" in rejected.stderr
    assert not (data_dir / "david" / "secrets.json").exists()

    set_key = run_cli(
        settings, "users", "hevy-key", "david", input=f"{DAVID_KEY}\n", HEVY_BASE_URL=fake_hevy.url
    )
    assert set_key.returncode == 0, set_key.stderr
    assert f"{len(fake_hevy.accounts[DAVID_KEY].workouts)} workouts" in set_key.stdout
    assert DAVID_KEY not in set_key.stdout + set_key.stderr
    saved = stored(data_dir, "david", SECRETS).hevy_api_key
    assert saved is not None
    assert saved.get_secret_value() == DAVID_KEY

    removed = run_cli(settings, "users", "hevy-key", "david", "--remove")
    assert removed.returncode == 0, removed.stderr
    assert stored(data_dir, "david", SECRETS).hevy_api_key is None

    offline = run_cli(
        settings, "users", "hevy-key", "david", "--no-verify", input="k\n", HEVY_BASE_URL="http://127.0.0.1:9"
    )
    assert offline.returncode == 0, offline.stderr


LEGACY = {
    "exercises": {
        "Bench Press (Barbell)": {
            "performances": [
                {
                    "date": "2025-01-06",
                    "best_weight_lbs": 185.0,
                    "best_reps": 5,
                    "total_sets": 4,
                    "e1rm": 215.8,
                },
                {
                    "date": "2025-01-13",
                    "best_weight_lbs": 190.0,
                    "best_reps": 5,
                    "total_sets": 4,
                    "e1rm": 221.7,
                },
                {"date": "garbage", "best_weight_lbs": 1, "best_reps": 1, "total_sets": 1, "e1rm": 1},
            ],
            "current_pr": {"weight_lbs": 190.0, "reps": 5, "date": "2025-01-13", "e1rm": 221.7},
            "workout_count": 2,
        },
        "Broken": "not an object",
    },
    "exercise_ranking": ["Bench Press (Barbell)", "Broken"],
    "last_sync": "2025-01-13T19:02:11.123456",
    "version": 1,
}


def test_legacy_exercise_history_is_read(start_server: Callable[..., LiveServer], data_dir: Path) -> None:
    (data_dir / "brian").mkdir()
    (data_dir / "brian" / "exercise_store.json").write_text(json.dumps(LEGACY))
    live = start_server()
    with live.client("brian") as c:
        listed = c.get("/training/exercises").json()
        history = c.get(
            "/training/strength-history", params={"exercise": "Bench Press (Barbell)", "days": 3650}
        )
    assert [e["name"] for e in listed["exercises"]] == ["Bench Press (Barbell)"]
    assert listed["exercises"][0]["current_pr"]["e1rm"] == 221.7
    assert [p["date"] for p in history.json()["history"]] == ["2025-01-06", "2025-01-13"]
