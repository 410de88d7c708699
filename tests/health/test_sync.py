"""`POST /insights/sync` end to end: iOS payloads, the absent-key rule, validation, isolation, concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from airfit.health.models import CONTEXT_STORE, MAX_SYNC_DAYS, DailySnapshot, WorkoutDay
from airfit.storage import DocumentStore
from tests.health.days import ios_day, ios_week
from tests.live import LiveServer, stored

TODAY = datetime.now(UTC).date()  # the test servers run with AIRFIT_TIMEZONE=UTC


def _snapshots(live_server: LiveServer, user: str) -> dict[str, Any]:
    """The user's stored days, as JSON."""
    context = stored(live_server.settings, user, CONTEXT_STORE)
    return {d: s.model_dump(mode="json") for d, s in context.snapshots.items()}


def test_ios_week_syncs_and_answers_the_contract_shape(live_server: LiveServer) -> None:
    week = ios_week(TODAY)
    assert all("bedtime_consistency" not in d and d["quality_score"] == 1 for d in week)
    with live_server.client() as c:
        response = c.post("/insights/sync", json={"days": week})
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "synced", "dates_synced": [d["date"] for d in week], "count": 7}
    assert type(body["count"]) is int
    snapshot = _snapshots(live_server, "brian")[TODAY.isoformat()]
    assert snapshot["health"]["quality_score"] == 1.0
    assert snapshot["health"]["weight_lbs"] == 180.0
    assert snapshot["health"]["bedtime_consistency"] is None
    assert snapshot["health"]["quality_flags"] == []
    assert snapshot["nutrition"]["entry_count"] == 4
    assert snapshot["sources_synced"] == ["nutrition", "health"]


def test_absent_keys_never_wipe_stored_values(live_server: LiveServer) -> None:
    day = TODAY - timedelta(days=1)
    with live_server.client("david") as c:
        assert c.post(
            "/insights/sync", json={"days": [ios_day(day, bedtime_consistency="stable")]}
        ).is_success
        # A partial HealthKit read: no weight, no sleep, no HRV; the Int fields come as 0.
        partial = ios_day(
            day,
            calories=0,
            protein=0,
            carbs=0,
            fat=0,
            nutrition_entries=0,
            steps=0,
            active_calories=0,
            weight_lbs=None,
            body_fat_pct=None,
            sleep_hours=None,
            hrv_ms=None,
            resting_hr=64,
            quality_flags=["no_sleep_data"],
        )
        assert c.post("/insights/sync", json={"days": [partial]}).is_success
    snapshot = _snapshots(live_server, "david")[day.isoformat()]
    assert snapshot["nutrition"] == {
        "calories": 2100,
        "protein": 150,
        "carbs": 220,
        "fat": 70,
        "entry_count": 4,
    }
    health = snapshot["health"]
    assert (health["steps"], health["active_calories"]) == (8000, 450)
    assert (health["weight_lbs"], health["body_fat_pct"], health["sleep_hours"]) == (182.0, 18.5, 7.25)
    assert health["bedtime_consistency"] == "stable"
    assert health["resting_hr"] == 64  # a present value overwrites
    assert health["quality_flags"] == ["no_sleep_data"]


def test_new_nutrition_totals_overwrite_the_old_ones(live_server: LiveServer) -> None:
    with live_server.client() as c:
        c.post("/insights/sync", json={"days": [ios_day(TODAY)]}).raise_for_status()
        c.post("/insights/sync", json={"days": [ios_day(TODAY, calories=900, protein=0, steps=120)]})
    snapshot = _snapshots(live_server, "brian")[TODAY.isoformat()]
    assert (snapshot["nutrition"]["calories"], snapshot["nutrition"]["protein"]) == (900, 0)
    assert snapshot["health"]["steps"] == 120


def test_sync_keeps_the_workout_block(live_server: LiveServer) -> None:
    store = DocumentStore(live_server.settings.data_dir)

    async def add_workout() -> None:
        async with store.transaction("brian", CONTEXT_STORE) as context:
            context.snapshots[TODAY.isoformat()] = DailySnapshot(
                date=TODAY.isoformat(),
                workout=WorkoutDay(workout_count=1, total_volume_kg=5000.0, workout_titles=["Push"]),
                sources_synced=["hevy"],
            )

    asyncio.run(add_workout())
    with live_server.client() as c:
        c.post("/insights/sync", json={"days": [ios_day(TODAY)]}).raise_for_status()
    snapshot = _snapshots(live_server, "brian")[TODAY.isoformat()]
    assert snapshot["workout"]["workout_count"] == 1
    assert snapshot["workout"]["workout_titles"] == ["Push"]
    assert snapshot["sources_synced"] == ["hevy", "nutrition", "health"]


@pytest.mark.parametrize(
    ("day", "field"),
    [
        ({"date": "2024-02-30"}, "date"),
        ({"date": "2024-2-3"}, "date"),
        ({"date": "20240203"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": 20240203}, "date"),
        ({"date": "2024-02-03", "calories": "2100"}, "calories"),
        ({"date": "2024-02-03", "calories": 2100.5}, "calories"),
        ({"date": "2024-02-03", "steps": -5}, "steps"),
        ({"date": "2024-02-03", "weight_lbs": "180 lbs"}, "weight_lbs"),
        ({"date": "2024-02-03", "resting_hr": True}, "resting_hr"),
        ({"date": "2024-02-03", "is_baseline_excluded": "no"}, "is_baseline_excluded"),
        ({"date": "2024-02-03", "quality_flags": "no_hrv_data"}, "quality_flags"),
        ({"calories": 2100}, "date"),
    ],
)
def test_bad_day_is_422_naming_the_field(live_server: LiveServer, day: dict[str, Any], field: str) -> None:
    with live_server.client() as c:
        response = c.post("/insights/sync", json={"days": [ios_day(TODAY), day]})
    assert response.status_code == 422
    locations = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "days", 1, field] in locations
    assert _snapshots(live_server, "brian") == {}  # nothing of a rejected batch is stored


@pytest.mark.parametrize("body", [{}, {"day": []}, {"days": "2024-01-01"}, []])
def test_missing_or_malformed_days_is_422(live_server: LiveServer, body: Any) -> None:
    with live_server.client() as c:
        response = c.post("/insights/sync", json=body)
    assert response.status_code == 422
    assert any(e["loc"][:2] == ["body", "days"] or e["loc"] == ["body"] for e in response.json()["detail"])


def test_oversized_batch_is_422(live_server: LiveServer) -> None:
    start = date(2000, 1, 1)
    days = [{"date": (start + timedelta(days=i)).isoformat()} for i in range(MAX_SYNC_DAYS + 1)]
    with live_server.client() as c:
        response = c.post("/insights/sync", json={"days": days})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "days"]


def test_unknown_user_is_404(live_server: LiveServer) -> None:
    with live_server.client("mallory") as c:
        response = c.post("/insights/sync", json={"days": [ios_day(TODAY)]})
    assert response.status_code == 404
    assert not (live_server.settings.data_dir / "mallory").exists()


async def test_concurrent_syncs_of_three_users_all_land_without_leaks(live_server: LiveServer) -> None:
    users = ("brian", "david", "jonathan")
    first = TODAY - timedelta(days=49)
    clients = {user: live_server.async_client(user) for user in users}

    async def sync(user: str, index: int) -> int:
        day = ios_day(first + timedelta(days=index), calories=1000 * (users.index(user) + 1) + index)
        return (await clients[user].post("/insights/sync", json={"days": [day]})).status_code

    try:
        statuses = await asyncio.gather(*(sync(user, i) for i in range(50) for user in users))
        assert statuses == [200] * 150
        for n, user in enumerate(users, start=1):
            listed = (await clients[user].get("/insights/snapshots", params={"days": 60})).json()
            assert listed["count"] == 50
            assert [s["date"] for s in listed["snapshots"]] == [
                (first + timedelta(days=i)).isoformat() for i in range(50)
            ]
            assert [s["nutrition"]["calories"] for s in listed["snapshots"]] == [
                1000 * n + i for i in range(50)
            ]
    finally:
        await asyncio.gather(*(c.aclose() for c in clients.values()))


@pytest.mark.parametrize(
    "day",
    [
        ios_day(TODAY),
        {
            "date": TODAY.isoformat(),
            **dict.fromkeys(
                ("calories", "protein", "carbs", "fat", "nutrition_entries", "steps", "active_calories"), 0
            ),
            "is_baseline_excluded": True,
        },
        ios_day(TODAY, quality_flags=["watch_likely_off", "no_hrv_data"], bedtime_consistency="irregular"),
        {**ios_day(TODAY), "future_field": {"nested": 1}},
    ],
    ids=["full", "no-data-day", "flags", "unknown-key"],
)
def test_every_ios_day_shape_decodes(live_server: LiveServer, day: dict[str, Any]) -> None:
    with live_server.client() as c:
        response = c.post("/insights/sync", json={"days": [day]})
    assert response.status_code == 200
    assert response.json()["dates_synced"] == [TODAY.isoformat()]
    snapshot = _snapshots(live_server, "brian")[TODAY.isoformat()]
    assert snapshot["health"]["is_baseline_excluded"] is day["is_baseline_excluded"]
    assert "future_field" not in snapshot


def test_empty_batch_is_a_no_op(live_server: LiveServer) -> None:
    with live_server.client() as c:
        response = c.post("/insights/sync", json={"days": []})
    assert response.status_code == 200
    assert response.json() == {"status": "synced", "dates_synced": [], "count": 0}
