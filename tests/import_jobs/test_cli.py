"""`airfit import-from` as a person runs it: beside a running server, dry runs, refusals."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from airfit.config import Settings
from airfit.demo.apple_health import write_export
from airfit.demo.csv_exports import write_strong_csv
from airfit.health.models import CONTEXT_STORE
from airfit.training.models import WORKOUTS
from tests.cli.run import ok, refused
from tests.fakes.hevy import generated_workouts
from tests.health.days import ios_day
from tests.live import LiveServer, server_env, stored

TODAY = datetime.now(UTC).date()


def test_the_command_imports_beside_a_running_server(live_server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    write_export(path, days=120, end=TODAY - timedelta(days=30), zipped=True, filler_per_day=300)
    command = subprocess.Popen(
        [sys.executable, "-m", "airfit", "import-from", "apple-health", "david", str(path)],
        env=server_env(live_server.settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    synced = []
    with live_server.client("david") as david:
        # The phone keeps syncing recent days while the command works: neither loses the other's writes.
        while command.poll() is None and len(synced) < 200:
            day = TODAY - timedelta(days=len(synced) % 20)
            david.post("/insights/sync", json={"days": [ios_day(day, steps=1000 + len(synced))]})
            synced.append(day)
        assert synced  # the phone's syncs ran while the command was reading
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        assert "Imported export.zip into david (apple-health)." in out
        assert "Days added: 120" in out
        jobs = david.get("/imports").json()["jobs"]
        assert [(j["status"], j["runner"]) for j in jobs] == [("done", "command")]
        assert jobs[0]["report"]["days_added"] == 120
        # Another sync after the command ended, then everything is there.
        david.post("/insights/sync", json={"days": [ios_day(TODAY, steps=777)]}).raise_for_status()
    context = stored(live_server.settings, "david", CONTEXT_STORE)
    imported = [d for d, s in context.snapshots.items() if "apple-health" in s.sources_synced]
    assert len(imported) == 120
    assert context.snapshots[TODAY.isoformat()].health.steps == 777
    assert {day.isoformat() for day in synced} <= set(context.snapshots)


def test_a_dry_run_prints_the_report_and_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_export(path, days=6, end=TODAY)
    out = ok(settings, "import-from", "apple-health", "david", str(path), "--dry-run")
    assert out.startswith("Imported export.xml into david (apple-health).\nDry run: nothing was changed.")
    assert "Days that would be added: 6" in out
    assert "UTC offsets seen: +01:00, -08:00" in out
    assert (
        "Records skipped as unreadable: not a number (weight_lbs) 1, unknown unit 'g/dL' (weight_lbs) 1"
        in out
    )
    assert stored(settings, "david", CONTEXT_STORE).snapshots == {}
    real = ok(settings, "import-from", "apple-health", "david", str(path))
    assert "Days added: 6" in real
    again = ok(settings, "import-from", "apple-health", "david", str(path))
    assert "Days added: 0; stored days filled: 0; days already complete: 6" in again


def test_the_command_refuses_damaged_files_and_unknown_users(settings: Settings, tmp_path: Path) -> None:
    truncated = tmp_path / "export.xml"
    write_export(truncated, days=4, end=TODAY, truncate_at=0.5)
    assert "truncated" in refused(settings, "import-from", "apple-health", "david", str(truncated))
    assert stored(settings, "david", CONTEXT_STORE).snapshots == {}
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert "neither a zip nor an XML" in refused(settings, "import-from", "apple-health", "david", str(text))
    good = tmp_path / "good.xml"
    write_export(good, days=2, end=TODAY)
    assert "nobody" in refused(settings, "import-from", "apple-health", "nobody", str(good))
    assert "fitbit" in refused(settings, "import-from", "fitbit", "david", str(good))


def test_csv_files_take_unit_and_date_format_on_the_command(settings: Settings, tmp_path: Path) -> None:
    strong = tmp_path / "strong.csv"
    write_strong_csv(strong, generated_workouts(3, seed=5), zone=UTC, unit="lb")
    assert "give --unit kg or --unit lb" in refused(
        settings, "import-from", "strong-csv", "david", str(strong)
    )
    out = ok(settings, "import-from", "strong-csv", "david", str(strong), "--unit", "lb", "--dry-run")
    assert "Dry run: nothing was changed." in out
    assert "Read as: weights in lb (--unit lb)" in out
    assert "Read as: times have no zone in this file: read as wall-clock times in UTC" in out
    assert "Exercise names kept as they are (no Hevy name known): Standing Calf Raise" in out
    assert stored(settings, "david", WORKOUTS).workouts == {}
    real = ok(settings, "import-from", "strong-csv", "david", str(strong), "--unit", "lb")
    count = len(stored(settings, "david", WORKOUTS).workouts)
    assert f"Workouts in the file: {count}; added: {count}; updated: 0; already stored: 0" in real

    scale = tmp_path / "scale.csv"
    scale.write_text("Date,Weight (kg)\n03/04/2025,80\n04/03/2025,81\n")
    message = refused(settings, "import-from", "weight-csv", "david", str(scale))
    assert "give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY" in message
    out = ok(settings, "import-from", "weight-csv", "david", str(scale), "--date-format", "MM/DD/YYYY")
    assert "Days added: 2" in out
    snapshots = stored(settings, "david", CONTEXT_STORE).snapshots
    assert snapshots["2025-03-04"].health.weight_lbs == pytest.approx(80 * 2.2046226, abs=0.01)
    assert snapshots["2025-04-03"].health.weight_lbs == pytest.approx(81 * 2.2046226, abs=0.01)
    assert "unknown date format 'dd-mm'" in refused(
        settings, "import-from", "weight-csv", "david", str(scale), "--date-format", "dd-mm"
    )
    too_long = refused(settings, "import-from", "weight-csv", "david", str(scale), "--date-format", "%d" * 30)
    assert "Invalid value for --date-format: String should have at most 40 characters" in too_long
