"""The functions the coach and insights call: windows, EMA body-composition trends and chat text blocks."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from airfit.health.models import CONTEXT_STORE, DailySnapshot, HealthDay, NutritionDay, WorkoutDay
from airfit.health.summaries import (
    body_comp_text,
    compute_body_comp_trends,
    compute_ema,
    format_body_comp,
    recent_snapshots,
    weekly_summary_text,
)
from airfit.services import Services, build_services
from tests.live import make_settings

END = date(2025, 6, 30)


def _day(d: date, **health: float | None) -> DailySnapshot:
    return DailySnapshot(date=d.isoformat(), health=HealthDay(**health))


def _losing_month(end: date = END) -> list[DailySnapshot]:
    """30 days from 190 lb / 25 % to 180 lb / 22 %, oldest first."""
    return [
        _day(end - timedelta(days=29 - i), weight_lbs=190 - i * 10 / 29, body_fat_pct=25 - i * 3 / 29)
        for i in range(30)
    ]


def test_ema_is_seeded_with_the_first_value() -> None:
    assert compute_ema([10.0, 20.0, 20.0], 3) == [10.0, 15.0, 17.5]


def test_losing_weight_is_reported_as_losing_with_a_negative_change() -> None:
    """190 -> 180 lb is a loss: a series read backwards would call it a gain."""
    trends = compute_body_comp_trends(_losing_month())
    weight = trends.monthly.weight
    assert weight is not None
    assert weight.direction == "losing"
    assert weight.change < 0
    assert weight.start == 190.0
    assert 180 < weight.current < 185  # the EMA lags the newest reading, never overshoots it
    assert weight.readings == 30
    assert trends.monthly.body_fat is not None
    assert trends.monthly.body_fat.direction == "losing"


def test_input_order_does_not_change_the_trend() -> None:
    month = _losing_month()
    assert compute_body_comp_trends(list(reversed(month))) == compute_body_comp_trends(month)


def test_lean_mass_starts_from_a_day_with_both_readings() -> None:
    month = [
        _day(END - timedelta(days=4), weight_lbs=200),  # weight only: cannot start lean mass
        _day(END - timedelta(days=3), body_fat_pct=20),  # body fat only
        _day(END - timedelta(days=2), weight_lbs=190, body_fat_pct=20),
        _day(END - timedelta(days=1), weight_lbs=190, body_fat_pct=20),
        _day(END, weight_lbs=190, body_fat_pct=20),
    ]
    lean = compute_body_comp_trends(month).monthly.lean_mass
    assert lean is not None
    assert lean.start == 152.0  # 190 * 0.8, not 200 * 0.8
    assert lean.readings == 3


def test_fewer_than_three_readings_give_no_trend() -> None:
    trends = compute_body_comp_trends(
        [_day(END, weight_lbs=180), _day(END - timedelta(days=1), weight_lbs=181)]
    )
    assert trends.monthly.weight is None
    assert trends.monthly.lean_mass is None
    assert format_body_comp(trends) == ""


def test_windows_end_at_today_not_at_the_last_reading() -> None:
    month = _losing_month()
    assert compute_body_comp_trends(month, today=END + timedelta(days=60)).monthly.weight is None
    assert compute_body_comp_trends(month, today=END + timedelta(days=60)).yearly.weight is not None


def test_body_comp_text_for_a_loss() -> None:
    year = [
        _day(END - timedelta(days=300 - i), weight_lbs=200 - i * 10 / 270, body_fat_pct=25)
        for i in range(270)
    ]
    text = format_body_comp(compute_body_comp_trends(year + _losing_month()))
    monthly, yearly = text.split("\n")
    assert monthly.startswith("Monthly body comp trends: weight losing (-")
    assert "lbs, now 18" in monthly
    assert "body fat losing (-" in monthly
    assert yearly.startswith("Yearly trend: -")
    assert yearly.endswith("lbs over the year")


@pytest.fixture
async def state(tmp_path: Path) -> Services:
    app_state = build_services(make_settings(tmp_path / "data"))
    await app_state.users.ensure(["brian", "david"])
    return app_state


async def _store(state: Services, user: str, snapshots: list[DailySnapshot]) -> None:
    async with state.store.transaction(user, CONTEXT_STORE) as context:
        context.snapshots.update({s.date: s for s in snapshots})


async def test_recent_snapshots_are_exactly_n_days_oldest_first(state: Services) -> None:
    today = await state.users.today("brian")
    await _store(state, "brian", [_day(today - timedelta(days=i), weight_lbs=180) for i in range(-1, 20)])
    found = await recent_snapshots(store=state.store, users=state.users, user_id="brian", days=7)
    assert [s.date for s in found] == [(today - timedelta(days=6 - i)).isoformat() for i in range(7)]
    assert await recent_snapshots(store=state.store, users=state.users, user_id="david", days=7) == []


async def test_weekly_summary_text(state: Services) -> None:
    today = await state.users.today("brian")
    week = [
        DailySnapshot(
            date=(today - timedelta(days=i)).isoformat(),
            nutrition=NutritionDay(calories=2000, protein=150),
            health=HealthDay(weight_lbs=180 + i, sleep_hours=7.5),
            workout=WorkoutDay(workout_count=1 if i % 2 else 0),
        )
        for i in range(8)  # the 8th day is outside the week
    ]
    await _store(state, "brian", week)
    assert await weekly_summary_text(store=state.store, users=state.users, user_id="brian") == (
        "This week's summary:\n"
        "- Nutrition: avg 2,000 kcal, 150g protein (7 days tracked)\n"
        "- Weight: 183.0 lbs (↓6.0 lbs this week)\n"
        "- Sleep: avg 7.5h\n"
        "- Workouts: 3 sessions"
    )
    assert await weekly_summary_text(store=state.store, users=state.users, user_id="david") == ""


async def test_body_comp_text_reads_the_users_own_days(state: Services) -> None:
    today = await state.users.today("brian")
    await _store(state, "brian", _losing_month(today))
    text = await body_comp_text(store=state.store, users=state.users, user_id="brian")
    assert text.startswith("Monthly body comp trends: weight losing (-")
    assert await body_comp_text(store=state.store, users=state.users, user_id="david") == ""
