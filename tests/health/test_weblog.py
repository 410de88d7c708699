"""Food and body readings logged in the web client, combined with the phone's daily totals.

The rule (`airfit.health.logbook`): meals add to the phone's totals, a web weight or body-fat reading wins
over the phone's for its date, and neither side ever erases the other, in whichever order they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.health.days import ios_day
from tests.inproc import app_server
from tests.live import LiveServer, make_settings

TODAY = datetime.now(UTC).date()  # the test server's zone is UTC
FAR = TODAY + timedelta(days=2)
BODY_DATE = ["body", "date"]


def _context_today(client: httpx2.Client) -> dict[str, Any]:
    return client.get("/insights/context", params={"range": "week"}).json()["daily_nutrition"][-1]


def test_phone_then_web_then_phone_again_counts_each_meal_once(server: LiveServer) -> None:
    with server.client("brian") as brian:
        brian.post("/insights/sync", json={"days": [ios_day(TODAY, calories=1500, protein=100)]})
        logged = brian.post("/log/food", json={"name": "shake", "calories": 300, "protein": 40, "carbs": 20})
        assert logged.status_code == 200, logged.text
        assert logged.json()["nutrition"]["calories"] == 1800
        assert logged.json()["nutrition"]["entry_count"] == 5
        # The phone logs another meal of its own and re-sends its (new) totals: the web meal stays.
        brian.post("/insights/sync", json={"days": [ios_day(TODAY, calories=2000, protein=130)]})
        day = brian.get("/log").json()
        assert day["phone"]["nutrition"]["calories"] == 2000
        assert day["nutrition"]["calories"] == 2300
        assert day["nutrition"]["protein"] == 170
        assert [e["name"] for e in day["entries"]] == ["shake"]
        # Every other reader sees the combined day too.
        assert _context_today(brian)["calories"] == 2300
        # An all-zero phone sync (nothing logged on the phone) keeps both parts.
        brian.post(
            "/insights/sync",
            json={"days": [ios_day(TODAY, calories=0, protein=0, carbs=0, fat=0, nutrition_entries=0)]},
        )
        assert brian.get("/log").json()["nutrition"]["calories"] == 2300


def test_web_first_then_phone_sync_keeps_the_web_entry(server: LiveServer) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    with server.client("david") as david:
        david.post("/log/food", json={"name": "toast", "calories": 250, "carbs": 40, "date": yesterday})
        david.post("/log/body", json={"weight_lbs": 170.4, "date": yesterday})
        david.post(
            "/insights/sync",
            json={"days": [ios_day(TODAY - timedelta(days=1), calories=1000, weight_lbs=172.0)]},
        )
        day = david.get("/log", params={"date": yesterday}).json()
        assert day["nutrition"]["calories"] == 1250
        assert day["weight_lbs"] == 170.4  # the web reading wins for its date
        assert day["phone"]["weight_lbs"] == 172.0  # the phone's is kept
        history = david.get("/health/body-metrics", params={"days": 7}).json()["weight_history"]
        assert {"date": yesterday, "value": 170.4} in history
        # Deleting the web entries shows the phone's values again, exactly.
        for entry in day["entries"]:
            david.delete(f"/log/{yesterday}/{entry['id']}").raise_for_status()
        day = david.get("/log", params={"date": yesterday}).json()
        assert day["entries"] == []
        assert day["nutrition"]["calories"] == 1000
        assert day["weight_lbs"] == 172.0


def test_a_web_weight_on_a_day_the_phone_never_synced(server: LiveServer) -> None:
    with server.client("brian") as brian:
        brian.post("/log/body", json={"weight_lbs": 181.0, "body_fat_pct": 17.5}).raise_for_status()
        brian.post("/log/body", json={"weight_lbs": 180.2}).raise_for_status()
        day = brian.get("/log").json()
        assert day["weight_lbs"] == 180.2  # the newest web reading
        assert day["body_fat_pct"] == 17.5
        current = brian.get("/health/body-metrics", params={"days": 1}).json()["current"]
        assert current["weight_lbs"] == 180.2


def test_entries_are_private_and_validated(server: LiveServer) -> None:
    with server.client("brian") as brian, server.client("david") as david:
        entry = brian.post("/log/food", json={"name": "rice", "calories": 400}).json()["entries"][0]
        assert david.get("/log").json()["entries"] == []
        assert david.delete(f"/log/{TODAY.isoformat()}/{entry['id']}").status_code == 404
        assert brian.post("/log/body", json={}).status_code == 422
        assert brian.post("/log/food", json={"name": "x", "calories": -1}).status_code == 422
        future = (TODAY + timedelta(days=5)).isoformat()
        assert brian.post("/log/food", json={"name": "x", "calories": 1, "date": future}).status_code == 422
        assert brian.get("/log", params={"date": "2026-02-30"}).status_code == 422


def test_a_replayed_entry_is_stored_once_even_after_a_restart(data_dir: Path) -> None:
    meal = {"name": "porridge", "calories": 320, "protein": 12, "idempotency_key": "k-porridge-0001"}
    settings = make_settings(data_dir)
    with app_server(settings) as live, live.client("david") as david, live.client("brian") as brian:
        first = david.post("/log/food", json=meal)
        assert first.status_code == 200
        assert first.json()["replayed"] is False
        again = david.post("/log/food", json=meal)
        assert again.json()["replayed"] is True
        assert again.json()["entry"]["id"] == first.json()["entry"]["id"]
        # The same key with something else in it is a conflict, never a second entry.
        assert david.post("/log/food", json={**meal, "calories": 999}).status_code == 409
        # Keys are per user: brian may use the same key for his own entry.
        assert brian.post("/log/food", json=meal).json()["replayed"] is False
    with app_server(settings) as restarted, restarted.client("david") as david:
        assert david.post("/log/food", json=meal).json()["replayed"] is True
        day = david.get("/log").json()
        assert [e["name"] for e in day["entries"]] == ["porridge"]
        assert day["nutrition"]["calories"] == 320


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda c: c.get("/log", params={"date": "0001-01-01"}), ["query", "date"]),
        (lambda c: c.get("/log", params={"date": "1899-12-31"}), ["query", "date"]),
        (lambda c: c.get("/log", params={"date": "2026-02-30"}), ["query", "date"]),
        (lambda c: c.post("/log/food", json={"name": "x", "calories": 1, "date": "0001-01-01"}), BODY_DATE),
        (lambda c: c.post("/log/body", json={"weight_lbs": 150, "date": FAR.isoformat()}), BODY_DATE),
        (lambda c: c.get("/log", params={"date": FAR.isoformat()}), ["query", "date"]),
        (lambda c: c.delete(f"/log/{FAR.isoformat()}/abc"), ["path", "day"]),
        (lambda c: c.delete("/log/1000-01-01/abc"), ["path", "day"]),
    ],
)
def test_dates_before_1900_or_after_tomorrow_are_a_422_naming_the_field(
    server: LiveServer, call: Callable[[httpx2.Client], httpx2.Response], where: list[str]
) -> None:
    with server.client("brian") as brian:
        response = call(brian)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    with server.client("brian") as brian:
        assert brian.get("/log", params={"date": tomorrow}).status_code == 200
        assert brian.get("/log", params={"date": "1900-01-01"}).status_code == 200


def test_recent_and_favourite_meals_are_kept_per_user(server: LiveServer) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    with server.client("brian") as brian, server.client("david") as david:
        brian.post("/log/food", json={"name": "toast", "calories": 250, "date": yesterday}).raise_for_status()
        brian.post("/log/food", json={"name": "Skyr", "calories": 150, "protein": 20}).raise_for_status()
        brian.post("/log/food", json={"name": "skyr ", "calories": 150, "protein": 20}).raise_for_status()
        brian.post("/log/body", json={"weight_lbs": 180}).raise_for_status()
        meals = brian.get("/log/meals").json()
        assert [m["name"] for m in meals["recent"]] == ["skyr ", "toast"]  # newest first, once each
        assert meals["favourites"] == []
        kept = brian.post("/log/meals/favourites", json={"name": "Skyr", "calories": 150, "protein": 20})
        assert kept.status_code == 200
        again = brian.post("/log/meals/favourites", json={"name": "skyr", "calories": 150, "protein": 20})
        favourites = again.json()["favourites"]
        assert [(m["name"], m["protein"]) for m in favourites] == [("Skyr", 20)]
        assert david.get("/log/meals").json() == {"recent": [], "favourites": []}
        assert david.delete(f"/log/meals/favourites/{favourites[0]['id']}").status_code == 404
        gone = brian.delete(f"/log/meals/favourites/{favourites[0]['id']}")
        assert gone.json()["favourites"] == []
        assert brian.post("/log/meals/favourites", json={"name": "", "calories": 1}).status_code == 422


def test_the_overview_says_how_far_a_user_has_come(server: LiveServer) -> None:
    with server.client("jonathan") as jonathan:
        empty = jonathan.get("/log/overview").json()
        assert empty == {"phone_synced_at": None, "first_date": None, "days": 0, "meals_logged": False}
        jonathan.post("/log/body", json={"weight_lbs": 160}).raise_for_status()
        assert jonathan.get("/log/overview").json()["meals_logged"] is False
        three_days_ago = ios_day(TODAY - timedelta(days=3))
        jonathan.post("/insights/sync", json={"days": [three_days_ago]}).raise_for_status()
        seen = jonathan.get("/log/overview").json()
        assert seen["phone_synced_at"] is not None
        assert seen["first_date"] == (TODAY - timedelta(days=3)).isoformat()
        assert seen["days"] == 2
        assert seen["meals_logged"] is True
