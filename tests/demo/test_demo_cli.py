"""`airfit demo` end to end: a real subprocess writes the household, a real server shows it."""

from __future__ import annotations

from pathlib import Path

from airfit.config import Settings
from tests.cli.run import ok, refused
from tests.live import LiveServer

DEMO = ("demo-alex", "demo-sam")


def _files(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


def test_demo_household_shows_in_a_running_server_refreshes_and_goes(
    server: LiveServer, settings: Settings, data_dir: Path
) -> None:
    with server.client("brian") as brian:
        assert brian.post(
            "/insights/sync", json={"days": [{"date": "2025-01-01", "calories": 2000}]}
        ).is_success
    brian_before = _files(data_dir / "brian")

    created = ok(settings, "demo")
    for user in DEMO:
        assert f"created {user}: " in created
    for user in DEMO:
        with server.client(user) as c:
            me = c.get("/me").json()
            assert me["user_id"] == user
            insights = c.get("/insights", params={"limit": 20}).json()
            assert insights, user
            metrics = c.get("/health/body-metrics", params={"days": 365}).json()
            assert len(metrics["weight_history"]) > 200
            context = c.get("/insights/context", params={"range": "quarter"}).json()
            assert context["period_days"] > 80
            exercises = c.get("/training/exercises", params={"limit": 50}).json()
            assert len(exercises["exercises"]) >= 10
            assert c.get("/hevy/recent-workouts", params={"limit": 7}).json()["workouts"]
            profile = c.get("/profile").json()
            assert "(demo)" in profile["name"]
    listed = ok(settings, "users", "list")
    assert all(f"{user}  created" in listed and "(demo" in listed for user in DEMO)
    assert "brian  created" in listed.replace("(demo", "")

    refreshed = ok(settings, "demo", "--years", "1")
    assert all(f"refreshed {user}: " in refreshed for user in DEMO)
    with server.client("demo-sam") as c:
        assert len(c.get("/health/body-metrics", params={"days": 1000}).json()["weight_history"]) < 300
    assert not (data_dir / ".removed").exists()

    removed = ok(settings, "demo", "--remove")
    assert removed.strip() == "removed demo-alex, demo-sam"
    for user in DEMO:
        assert not (data_dir / user).exists()
        with server.client(user) as c:
            assert c.get("/insights").status_code == 404
    assert "demo" not in ok(settings, "users", "list")
    assert _files(data_dir / "brian") == brian_before
    assert ok(settings, "demo", "--remove").strip() == "there were no demo users"


def test_demo_refuses_a_real_user_with_a_demo_id_and_changes_nothing(
    settings: Settings, data_dir: Path
) -> None:
    ok(settings, "users", "add", "demo-sam")
    before = _files(data_dir)

    message = refused(settings, "demo")
    assert "demo-sam" in message
    assert "real" in message
    assert "nothing was changed" in message
    assert _files(data_dir) == before

    assert ok(settings, "demo", "--remove").strip() == "there were no demo users"
    assert _files(data_dir) == before


def test_remove_takes_only_demo_users(settings: Settings) -> None:
    ok(settings, "demo", "--years", "1")
    ok(settings, "users", "add", "demo-extra")
    removed = ok(settings, "demo", "--remove")
    assert removed.strip() == "removed demo-alex, demo-sam"
    assert "demo-extra  created" in ok(settings, "users", "list")
