"""What other parts of the server (coach, insights) read about a user's days: windows, trends and the text
blocks injected into chat.
"""

from __future__ import annotations

from datetime import date

from airfit.health.aggregates import context_summary
from airfit.health.models import (
    CONTEXT_STORE,
    BodyCompTrends,
    DailySnapshot,
    Direction,
    MetricTrend,
    PeriodTrends,
)
from airfit.health.windows import last_days
from airfit.profile.models import PROFILE
from airfit.storage import DocumentStore
from airfit.units import STORED, Quantity, Units, text
from airfit.users.service import UserService

WEEK_DAYS = 7
MONTHLY = (30, 10)  # window in days, EMA period
YEARLY = (365, 21)
MIN_TREND_READINGS = 3
# A change smaller than this is "stable" (lbs for weight and lean mass, points for body fat).
WEIGHT_THRESHOLD = 0.5
BODY_FAT_THRESHOLD = 0.3
YEARLY_MENTION_LBS = 2.0


async def recent_snapshots(
    *, store: DocumentStore, users: UserService, user_id: str, days: int
) -> list[DailySnapshot]:
    """The user's stored snapshots of exactly `days` local days ending today, oldest first."""
    context = await store.read(user_id, CONTEXT_STORE)
    today = await users.today(user_id)
    return last_days(days, today=today).snapshots(context)


def compute_ema(values: list[float], period: int) -> list[float]:
    """Exponential moving average seeded with the first value (`k = 2 / (period + 1)`)."""
    k = 2 / (period + 1)
    ema: list[float] = []
    for value in values:
        ema.append(value if not ema else value * k + ema[-1] * (1 - k))
    return ema


def _direction(change: float, threshold: float) -> Direction:
    if change < -threshold:
        return "losing"
    if change > threshold:
        return "gaining"
    return "stable"


def _trend(values: list[float], period: int, threshold: float) -> tuple[MetricTrend, float] | None:
    """The trend of an oldest-first series, and its unrounded current EMA."""
    if len(values) < MIN_TREND_READINGS:
        return None
    current = compute_ema(values, period)[-1]
    change = round(current - values[0], 1)
    trend = MetricTrend(
        current=round(current, 1),
        start=round(values[0], 1),
        change=change,
        direction=_direction(change, threshold),
        readings=len(values),
    )
    return trend, current


def _lean(weight_lbs: float, body_fat_pct: float) -> float:
    return weight_lbs * (1 - body_fat_pct / 100)


def _period_trends(snapshots: list[DailySnapshot], ema_period: int) -> PeriodTrends:
    weights = [s.health.weight_lbs for s in snapshots if s.health.weight_lbs]
    fats = [s.health.body_fat_pct for s in snapshots if s.health.body_fat_pct]
    weight = _trend(weights, ema_period, WEIGHT_THRESHOLD)
    body_fat = _trend(fats, ema_period, BODY_FAT_THRESHOLD)
    trends = PeriodTrends(weight=weight[0] if weight else None, body_fat=body_fat[0] if body_fat else None)
    # The start must come from one day that has both readings: the first weight and the first body fat may
    # be days apart.
    aligned = [
        _lean(s.health.weight_lbs, s.health.body_fat_pct)
        for s in snapshots
        if s.health.weight_lbs and s.health.body_fat_pct
    ]
    if weight and body_fat and aligned:
        current = _lean(weight[1], body_fat[1])
        change = round(current - aligned[0], 1)
        trends.lean_mass = MetricTrend(
            current=round(current, 1),
            start=round(aligned[0], 1),
            change=change,
            direction=_direction(change, WEIGHT_THRESHOLD),
            readings=len(aligned),
        )
    return trends


def compute_body_comp_trends(snapshots: list[DailySnapshot], *, today: date | None = None) -> BodyCompTrends:
    """Monthly and yearly EMA trends of weight, body fat and lean mass.

    The series run oldest to newest whatever order `snapshots` come in (backwards, a loss would read as a
    gain). Windows end at `today`, else at the newest date.
    """
    ordered = sorted(snapshots, key=lambda s: s.date)
    if not ordered:
        return BodyCompTrends()
    end = today or date.fromisoformat(ordered[-1].date)
    periods = {}
    for name, (days, ema_period) in (("monthly", MONTHLY), ("yearly", YEARLY)):
        window = last_days(days, today=end)
        start, stop = window.start.isoformat(), window.end.isoformat()
        periods[name] = _period_trends([s for s in ordered if start <= s.date <= stop], ema_period)
    return BodyCompTrends(**periods)


def _part(
    label: str, trend: MetricTrend | None, units: Units | None, *, with_current: bool = True
) -> str | None:
    """One trend: a mass in the user's `units`, else a body-fat percentage."""
    if trend is None or trend.change == 0:
        return None

    def show(value: float, signed: bool = False) -> str:
        if units is None:
            return f"{value:{'+' if signed else ''}.1f}%"
        return text(value, Quantity.MASS, units, signed=signed)

    now = f", now {show(trend.current)}" if with_current else ""
    return f"{label} {trend.direction} ({show(trend.change, signed=True)}{now})"


def format_body_comp(trends: BodyCompTrends, units: Units = STORED) -> str:
    """The chat lines for body-composition trends, in the user's units ("" when there is nothing to say)."""
    monthly = trends.monthly
    parts = [
        _part("weight", monthly.weight, units),
        _part("body fat", monthly.body_fat, None),
        _part("lean mass", monthly.lean_mass, units, with_current=False),
    ]
    lines = []
    if any(parts):
        lines.append("Monthly body comp trends: " + ", ".join(p for p in parts if p))
    yearly = trends.yearly.weight
    if yearly is not None and abs(yearly.change) >= YEARLY_MENTION_LBS:
        lines.append(f"Yearly trend: {text(yearly.change, Quantity.MASS, units, signed=True)} over the year")
    return "\n".join(lines)


async def body_comp_text(*, store: DocumentStore, users: UserService, user_id: str) -> str:
    """The body-composition lines of the coach's context for this user."""
    context = await store.read(user_id, CONTEXT_STORE)
    today = await users.today(user_id)
    snapshots = last_days(YEARLY[0], today=today).snapshots(context)
    units = await users.units_of(user_id)
    return format_body_comp(compute_body_comp_trends(snapshots, today=today), units)


async def weekly_summary_text(*, store: DocumentStore, users: UserService, user_id: str) -> str:
    """ "This week's summary" over the last 7 local days ("" when no line has data)."""
    snapshots = await recent_snapshots(store=store, users=users, user_id=user_id, days=WEEK_DAYS)
    profile = await store.read(user_id, PROFILE)
    summary = context_summary(
        snapshots, protein_target=profile.protein_target, calorie_target=profile.calorie_target
    )
    units = await users.units_of(user_id)
    lines = []
    if summary.nutrition_days:
        days = "day" if summary.nutrition_days == 1 else "days"
        lines.append(
            f"- Nutrition: avg {text(summary.avg_calories, Quantity.ENERGY, units)}, {summary.avg_protein}g "
            f"protein ({summary.nutrition_days} {days} tracked)"
        )
    if summary.avg_weight:
        change = summary.weight_change or 0.0
        moved = f" ({'↓' if change < 0 else '↑'}{text(abs(change), Quantity.MASS, units)} this week)"
        lines.append(f"- Weight: {text(summary.avg_weight, Quantity.MASS, units)}{moved if change else ''}")
    if summary.avg_sleep:
        lines.append(f"- Sleep: avg {summary.avg_sleep}h")
    if summary.total_workouts:
        lines.append(f"- Workouts: {summary.total_workouts} sessions")
    return "\n".join(["This week's summary:", *lines]) if lines else ""
