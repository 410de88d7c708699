"""`GET /insights/context`, `GET /health/body-metrics`, `GET /insights/snapshots` end to end."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from airfit.profile.models import PROFILE, MacroTargets, UserProfile
from airfit.storage import DocumentStore
from tests.health.days import generated_days, ios_day, ios_week
from tests.live import LiveServer

INT_KEYS = (
    "period_days",
    "nutrition_days",
    "avg_calories",
    "avg_protein",
    "avg_carbs",
    "avg_fat",
    "avg_steps",
    "total_workouts",
)
OPTIONAL_FLOAT_KEYS = (
    "avg_weight",
    "weight_change",
    "avg_sleep",
    "protein_compliance",
    "calorie_compliance",
)


def _today() -> date:
    return datetime.now(UTC).date()  # the test servers run with AIRFIT_TIMEZONE=UTC


def _dates(end: date, n: int) -> list[str]:
    return [(end - timedelta(days=n - 1 - i)).isoformat() for i in range(n)]


def _check_context_shape(body: dict[str, Any]) -> None:
    for key in INT_KEYS:
        assert type(body[key]) is int, key
    assert type(body["avg_volume_per_workout"]) in (int, float)
    for key in OPTIONAL_FLOAT_KEYS:
        assert key in body
        assert body[key] is None or type(body[key]) in (int, float), key
    for point in body["daily_nutrition"] or []:
        assert set(point) == {"date", "calories", "protein", "carbs", "fat"}
        assert all(type(point[k]) is int for k in ("calories", "protein", "carbs", "fat"))
    for point in body["daily_health"] or []:
        assert set(point) == {"date", "sleep_hours", "weight_lbs", "steps", "active_calories"}
        assert type(point["steps"]) is int
        assert type(point["active_calories"]) is int


@pytest.fixture
def three_months(server: LiveServer) -> LiveServer:
    """brian with 120 generated days ending today, plus one day in the future."""
    days = generated_days(120, end=_today())
    days.append(ios_day(_today() + timedelta(days=1), calories=9999))
    with server.client() as c:
        c.post("/insights/sync", json={"days": days}).raise_for_status()
    return server


@pytest.mark.parametrize(("range_name", "n"), [("week", 7), ("month", 30), ("quarter", 90)])
def test_context_window_is_exactly_n_local_days(three_months: LiveServer, range_name: str, n: int) -> None:
    with three_months.client() as c:
        response = c.get("/insights/context", params={"range": range_name})
    assert response.status_code == 200
    body = response.json()
    _check_context_shape(body)
    assert body["period_days"] == n
    assert [p["date"] for p in body["daily_nutrition"]] == _dates(_today(), n)
    assert [p["date"] for p in body["daily_health"]] == _dates(_today(), n)


def test_context_defaults_to_a_week(three_months: LiveServer) -> None:
    with three_months.client() as c:
        assert c.get("/insights/context").json()["period_days"] == 7


def test_context_averages_are_whole_numbers_and_weight_change_is_newest_minus_oldest(
    server: LiveServer,
) -> None:
    week = ios_week(_today())  # today weighs 180, six days ago 186
    week[0]["calories"] = 2001  # totals that do not divide evenly
    with server.client() as c:
        c.post("/insights/sync", json={"days": week}).raise_for_status()
        body = c.get("/insights/context", params={"range": "week"}).json()
    _check_context_shape(body)
    assert body["avg_calories"] == round(sum(d["calories"] for d in week) / 7)
    assert body["weight_change"] == -6.0
    assert body["avg_weight"] == 183.0
    assert body["nutrition_days"] == 7


def test_empty_context_has_null_series_and_zero_averages(server: LiveServer) -> None:
    with server.client("jonathan") as c:
        body = c.get("/insights/context", params={"range": "month"}).json()
    _check_context_shape(body)
    assert body["daily_nutrition"] is None
    assert body["daily_health"] is None
    assert (body["period_days"], body["avg_calories"], body["avg_steps"]) == (0, 0, 0)
    assert body["avg_volume_per_workout"] == 0
    assert body["protein_compliance"] is None


def test_compliance_uses_the_users_own_targets(server: LiveServer) -> None:
    targets = MacroTargets(protein=200, calories="2900-3100")
    store = DocumentStore(server.settings.data_dir)
    asyncio.run(store.replace("david", PROFILE, UserProfile(training_day_targets=targets)))
    # 190 g protein hits 200 (>= 90 %); 2000 kcal misses 3000 but would hit the default 2200.
    week = [ios_day(_today() - timedelta(days=i), protein=190, calories=2000) for i in range(7)]
    results = {}
    for user in ("david", "jonathan"):
        with server.client(user) as c:
            c.post("/insights/sync", json={"days": week}).raise_for_status()
            results[user] = c.get("/insights/context").json()
    assert (results["david"]["protein_compliance"], results["david"]["calorie_compliance"]) == (1.0, 0.0)
    assert (results["jonathan"]["protein_compliance"], results["jonathan"]["calorie_compliance"]) == (
        1.0,
        1.0,
    )


def test_windows_follow_each_users_time_zone(server: LiveServer) -> None:
    zones = {"david": "Pacific/Kanton", "jonathan": "Pacific/Honolulu"}  # UTC+13 and UTC-10
    utc_today = _today()
    days = [ios_day(utc_today + timedelta(days=offset), calories=3000 + offset) for offset in range(-10, 3)]
    for user, zone in zones.items():
        with server.client(user) as c:
            c.patch("/me", json={"timezone": zone}).raise_for_status()
            c.post("/insights/sync", json={"days": days}).raise_for_status()
    for user, zone in zones.items():
        with server.client(user) as c:
            for _ in range(2):  # a local midnight may pass between the request and the check
                before = datetime.now(ZoneInfo(zone)).date()
                body = c.get("/insights/context", params={"range": "week"}).json()
                if before == datetime.now(ZoneInfo(zone)).date():
                    break
        assert [p["date"] for p in body["daily_nutrition"]] == _dates(before, 7), user


def test_body_metrics_histories_oldest_first_with_30_day_trends(server: LiveServer) -> None:
    today = _today()
    days = [
        ios_day(today - timedelta(days=i), weight_lbs=150 + i, body_fat_pct=20 + i / 10 if i % 2 else None)
        for i in range(45)
    ]
    days.append({"date": (today - timedelta(days=50)).isoformat(), "body_fat_pct": 30})  # no weight: dropped
    with server.client() as c:
        c.post("/insights/sync", json={"days": days}).raise_for_status()
        body = c.get("/health/body-metrics", params={"days": 40}).json()
    weights = body["weight_history"]
    assert [p["date"] for p in weights] == _dates(today, 40)
    assert weights[-1] == {"date": today.isoformat(), "value": 150.0}
    # Body fat (so lean mass) exists on odd days only: the latest is yesterday, 151 lb at 20.1 %.
    assert body["current"] == {"weight_lbs": 150.0, "body_fat_pct": 20.1, "lean_mass_lbs": 120.6}
    assert [p["date"] for p in body["body_fat_history"]] == [p["date"] for p in body["lean_mass_history"]]
    assert body["lean_mass_history"][-1] == {"date": (today - timedelta(days=1)).isoformat(), "value": 120.6}
    # Last 30 days: weight 179 -> 150, body fat 22.9 -> 20.1, lean mass 138.0 -> 120.6.
    assert body["trends"] == {
        "weight_change_30d": -29.0,
        "body_fat_change_30d": -2.8,
        "lean_mass_change_30d": -17.4,
    }


def test_body_metrics_without_data_has_empty_containers(server: LiveServer) -> None:
    with server.client("jonathan") as c:
        response = c.get("/health/body-metrics")
    assert response.status_code == 200
    assert response.json() == {
        "current": {"weight_lbs": None, "body_fat_pct": None, "lean_mass_lbs": None},
        "weight_history": [],
        "body_fat_history": [],
        "lean_mass_history": [],
        "trends": {"weight_change_30d": None, "body_fat_change_30d": None, "lean_mass_change_30d": None},
    }


def test_cached_summary_follows_new_data(server: LiveServer) -> None:
    with server.client() as c:
        c.post("/insights/sync", json={"days": [ios_day(_today(), weight_lbs=200)]}).raise_for_status()
        assert c.get("/health/body-metrics").json()["current"]["weight_lbs"] == 200.0
        assert c.get("/insights/context").json()["avg_weight"] == 200.0
        c.post("/insights/sync", json={"days": [ios_day(_today(), weight_lbs=190)]}).raise_for_status()
        assert c.get("/health/body-metrics").json()["current"]["weight_lbs"] == 190.0
        assert c.get("/insights/context").json()["avg_weight"] == 190.0


def test_users_never_see_each_others_summaries(server: LiveServer) -> None:
    with server.client("david") as c:
        c.post("/insights/sync", json={"days": [ios_day(_today(), weight_lbs=222)]}).raise_for_status()
        assert c.get("/health/body-metrics").json()["current"]["weight_lbs"] == 222.0
    with server.client("jonathan") as c:
        assert c.get("/health/body-metrics").json()["weight_history"] == []
        assert c.get("/insights/context").json()["daily_nutrition"] is None
        assert c.get("/insights/snapshots").json() == {"count": 0, "snapshots": []}


def test_snapshots_list_exact_window(three_months: LiveServer) -> None:
    with three_months.client() as c:
        body = c.get("/insights/snapshots", params={"days": 30}).json()
    assert body["count"] == 30
    assert [s["date"] for s in body["snapshots"]] == _dates(_today(), 30)
    first = body["snapshots"][0]
    assert set(first) == {"date", "nutrition", "health", "workout", "sources_synced"}
    assert set(first["workout"]) == {"count", "volume_kg"}
    assert type(first["nutrition"]["calories"]) is int


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/health/body-metrics", {"days": 0}),
        ("/health/body-metrics", {"days": "many"}),
        ("/insights/snapshots", {"days": -1}),
    ],
)
def test_bad_window_is_422_naming_days(server: LiveServer, path: str, params: dict[str, Any]) -> None:
    with server.client() as c:
        response = c.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "days"]


@pytest.mark.parametrize("path", ["/insights/context", "/health/body-metrics", "/insights/snapshots"])
def test_unknown_user_is_404(server: LiveServer, path: str) -> None:
    with server.client("mallory") as c:
        assert c.get(path).status_code == 404
