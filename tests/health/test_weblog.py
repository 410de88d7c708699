"""Food and body readings logged in the web client, combined with the phone's daily totals.

The rule (`airfit.health.logbook`): meals add to the phone's totals, a web weight or body-fat reading wins
over the phone's for its date, and neither side ever erases the other, in whichever order they arrive.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from tests.health.days import ios_day
from tests.live import LiveServer

TODAY = datetime.now(UTC).date()  # the test server's zone is UTC


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
