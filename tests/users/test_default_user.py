"""The default user: it exists only when configured, or once the iPhone app has synced as it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from tests.health.days import ios_week
from tests.ios import decode_profile
from tests.live import LiveServer, run_cli

TODAY = datetime.now(UTC).date()


def _fresh(start_server: Callable[..., LiveServer]) -> LiveServer:
    """A server as `airfit serve` starts with no settings at all: nobody configured."""
    return start_server(users="", default_user=None)


def test_a_fresh_server_lists_nobody_and_an_identity_less_read_says_why(
    start_server: Callable[..., LiveServer],
) -> None:
    live = _fresh(start_server)
    with live.client() as anon:
        assert anon.get("/signin/options").json()["users"] == []
        me = anon.get("/me")
        assert me.status_code == 404
        assert "first sync" in me.json()["detail"]
        assert anon.get("/health").status_code == 200
    assert "default" not in run_cli(live.settings, "users", "list").stdout


def test_the_iphone_apps_first_sync_works_out_of_the_box(start_server: Callable[..., LiveServer]) -> None:
    live = _fresh(start_server)
    # The app's pass (docs/ios-contract.md § Sync pass): probe, profile pull, then the daily sync. Only the
    # daily sync's failure would stop the pass; the profile pull of the very first pass finds nobody yet.
    with live.client() as phone:
        assert phone.get("/health").status_code == 200
        assert phone.get("/profile").status_code == 404
        synced = phone.post("/insights/sync", json={"days": ios_week(TODAY)})
        assert synced.status_code == 200
        assert synced.json()["count"] == 7
        # The next pass: everything answers, as the default user, with what the first pass stored.
        assert phone.get("/health").status_code == 200
        profile = phone.get("/profile")
        assert profile.status_code == 200
        decode_profile(profile.json())
        me = phone.get("/me").json()
        assert (me["user_id"], me["via"]) == ("default", "default")
        assert phone.get("/insights/context?range=week").json()["nutrition_days"] == 7
    with live.client() as browser:
        assert [u["id"] for u in browser.get("/signin/options").json()["users"]] == ["default"]


def test_an_identity_less_write_creates_only_the_implicit_default_user(
    start_server: Callable[..., LiveServer],
) -> None:
    # A configured default user that an administrator removed stays removed: a write does not bring it back.
    live = start_server(users="brian,david", default_user="brian")
    assert run_cli(live.settings, "users", "remove", "brian", "--yes").returncode == 0
    with live.client() as phone:
        refused = phone.post("/insights/sync", json={"days": ios_week(TODAY)})
    assert refused.status_code == 404
    assert refused.json()["detail"] == "default user 'brian' is not registered"
    with live.client() as browser:
        assert [u["id"] for u in browser.get("/signin/options").json()["users"]] == ["david"]
