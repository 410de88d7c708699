"""Scale readings and food logs from CSV files fill the days' gaps by the Apple Health import's rule.

Files from `airfit.demo.csv_exports` over the last weeks (the test server's zone is UTC), uploaded over
HTTP, then read back through the day log and the summaries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from airfit.demo.csv_exports import write_nutrition_csv, write_scale_csv
from tests.health.days import ios_day
from tests.import_jobs.jobs import imported
from tests.live import LiveServer

TODAY = datetime.now(UTC).date()
DAYS = 30


@pytest.mark.parametrize("style", ["withings", "renpho", "openscale", "plain"])
def test_each_dates_latest_reading_fills_the_day(server: LiveServer, tmp_path: Path, style: str) -> None:
    path = tmp_path / f"{style}.csv"
    truth = write_scale_csv(path, days=DAYS, end=TODAY, style=style)  # type: ignore[arg-type]
    params = {"unit": "kg"} if style == "openscale" else {}
    with server.client("david") as david:
        job = imported(david, path, "weight-csv", **params)
        assert job["status"] == "done", job
        report = job["report"]
        assert report["days_added"] == len(truth)
        assert "several readings on a date: the latest wins, field by field" in report["parsed"]["notes"]
        for day, expected in truth.items():
            log = david.get("/log", params={"date": day}).json()
            assert log["weight_lbs"] == pytest.approx(expected.weight_lbs, abs=0.011), day
            assert log["body_fat_pct"] == pytest.approx(expected.body_fat_pct, abs=0.051), day
            if expected.lean_mass_lbs:
                assert log["health"]["lean_mass_lbs"] == pytest.approx(expected.lean_mass_lbs, abs=0.011), day
        weights = david.get("/health/body-metrics", params={"days": DAYS}).json()["weight_history"]
        assert len(weights) == len(truth)


def test_the_latest_reading_wins_not_the_first_nor_the_last_row(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "scale.csv"
    # Written newest row first and out of time order: the morning reading is the file's last row.
    path.write_text(
        "Date,Weight (kg),Fat (%)\n"
        f"{TODAY} 21:10:00,80.0,20.0\n"
        f"{TODAY} 07:05:00,81.5,\n"
        f"{TODAY} 12:00:00,,19.0\n"
        f"{TODAY} 06:00:00,82.0,21.0\n"
    )
    with server.client("david") as david:
        assert imported(david, path, "weight-csv")["status"] == "done"
        log = david.get("/log", params={"date": TODAY.isoformat()}).json()
    assert log["weight_lbs"] == pytest.approx(80.0 * 2.2046226, abs=0.01)
    assert log["body_fat_pct"] == 20.0


def test_readings_the_phone_or_the_web_stored_are_kept(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "withings.csv"
    truth = write_scale_csv(path, days=DAYS, end=TODAY, style="withings")
    synced, typed = sorted(truth)[-1], sorted(truth)[-2]
    with server.client("david") as david:
        phone = ios_day(datetime.fromisoformat(synced).date(), weight_lbs=199.5)
        phone.pop("body_fat_pct")
        david.post("/insights/sync", json={"days": [phone]}).raise_for_status()
        david.post("/log/body", json={"weight_lbs": 177.7, "date": typed}).raise_for_status()
        report = imported(david, path, "weight-csv")["report"]
        day = david.get("/log", params={"date": synced}).json()
        assert day["weight_lbs"] == 199.5
        assert day["body_fat_pct"] == pytest.approx(truth[synced].body_fat_pct, abs=0.051)  # a gap: filled
        assert david.get("/log", params={"date": typed}).json()["weight_lbs"] == 177.7
        changed = {d["date"]: d for d in report["days_changed"]}
        assert "weight_lbs" in changed[synced]["kept"]
        assert "weight_lbs" in changed[typed]["kept"]
        assert report["groups"]["weight_lbs"]["kept"] == 2


@pytest.mark.parametrize("style", ["myfitnesspal", "cronometer"])
def test_a_food_log_gives_each_dates_totals(server: LiveServer, tmp_path: Path, style: str) -> None:
    path = tmp_path / f"{style}.csv"
    truth = write_nutrition_csv(path, days=DAYS, end=TODAY, style=style)  # type: ignore[arg-type]
    with server.client("david") as david:
        job = imported(david, path, "nutrition-csv")
        assert job["status"] == "done", job
        assert job["report"]["groups"]["nutrition"]["filled"] == len(truth)
        assert (
            f"{'MyFitnessPal' if style == 'myfitnesspal' else 'Cronometer'} export"
            in job["report"]["parsed"]["notes"]
        )
        for day, expected in truth.items():
            nutrition = david.get("/log", params={"date": day}).json()["nutrition"]
            assert (nutrition["calories"], nutrition["protein"], nutrition["carbs"], nutrition["fat"]) == (
                expected.calories,
                expected.protein,
                expected.carbs,
                expected.fat,
            ), day
            assert nutrition["entry_count"] == expected.meals
        week = david.get("/insights/context", params={"range": "week"}).json()
        shown = {point["date"]: point["calories"] for point in week["daily_nutrition"]}
        assert all(shown[d] == truth[d].calories for d in shown if d in truth)


def test_meals_the_phone_or_the_web_stored_are_kept(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "mfp.csv"
    truth = write_nutrition_csv(path, days=DAYS, end=TODAY)
    synced, logged = sorted(truth)[-1], sorted(truth)[-2]
    with server.client("david") as david:
        day = ios_day(datetime.fromisoformat(synced).date(), calories=1800)
        david.post("/insights/sync", json={"days": [day]}).raise_for_status()
        david.post("/log/food", json={"name": "soup", "calories": 420, "date": logged}).raise_for_status()
        report = imported(david, path, "nutrition-csv")["report"]
        assert david.get("/log", params={"date": synced}).json()["nutrition"]["calories"] == 1800
        assert david.get("/log", params={"date": logged}).json()["nutrition"]["calories"] == 420
    assert report["groups"]["nutrition"] == {"filled": len(truth) - 2, "kept": 2, "same": 0}


@pytest.mark.parametrize("source", ["weight-csv", "nutrition-csv"])
def test_a_second_import_changes_nothing(
    server: LiveServer, tmp_path: Path, data_dir: Path, source: str
) -> None:
    path = tmp_path / "file.csv"
    if source == "weight-csv":
        write_scale_csv(path, days=DAYS, end=TODAY - timedelta(days=1))
    else:
        write_nutrition_csv(path, days=DAYS, end=TODAY - timedelta(days=1))
    stored = data_dir / "david" / "context_store.json"
    with server.client("david") as david:
        dry = imported(david, path, source, dry_run="true")["report"]
        assert not stored.exists()
        first = imported(david, path, source)["report"]
        before = stored.read_bytes()
        second = imported(david, path, source)["report"]
        assert stored.read_bytes() == before
    assert {k: dry[k] for k in ("days_added", "groups")} == {k: first[k] for k in ("days_added", "groups")}
    assert (second["days_added"], second["days_filled"]) == (0, 0)
    assert second["days_kept"] == first["days_added"]
