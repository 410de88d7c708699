"""Statistical insights: deterministic detectors over a user's stored days, no LLM needed.

Each detector compares recent data with the user's own history and speaks only when the change is both
large in absolute terms and unlikely to be noise (a t- or z-statistic of at least 3-4), so steady data
produces nothing. Every finding carries a fingerprint (detector and direction) used for deduplication.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from airfit.health.models import DailySnapshot
from airfit.insights.models import Insight, InsightCategory, InsightSource, SupportingData
from airfit.profile.models import UserProfile
from airfit.training.models import ExerciseStore, Performance
from airfit.training.strength import to_lbs

TREND_DAYS = 28
TREND_MIN_POINTS = 8
TREND_MIN_SPAN_DAYS = 14
TREND_MIN_T = 4.0
WEIGHT_MIN_SLOPE_PER_WEEK = 0.5
BODY_FAT_MIN_SLOPE_PER_WEEK = 0.2

COMPLIANCE_RECENT_DAYS = 14
COMPLIANCE_PRIOR_DAYS = 28
COMPLIANCE_MIN_RECENT = 7
COMPLIANCE_MIN_PRIOR = 14
COMPLIANCE_MIN_SHIFT = 0.3
COMPLIANCE_MIN_Z = 3.0
STREAK_MIN_DAYS = 14

BASELINE_DAYS = 28
ANOMALY_RECENT_DAYS = 3
BASELINE_MIN_POINTS = 14
ANOMALY_MIN_Z = 3.0
SLEEP_MIN_DROP_HOURS = 0.75
HRV_MIN_DROP_FRACTION = 0.10
RHR_MIN_RISE_BPM = 3.0

PR_RECENT_DAYS = 7
PR_MIN_EARLIER_SESSIONS = 3
PR_MAX_LISTED = 3

VOLUME_RECENT_DAYS = 14
VOLUME_PRIOR_DAYS = 28
VOLUME_MIN_PRIOR_WORKOUTS = 4
VOLUME_MIN_CHANGE = 0.4

MAX_VALUES = 10


@dataclass(frozen=True)
class Context:
    """What every detector looks at: the user's days (oldest first) keyed by date, and their targets."""

    days: dict[date, DailySnapshot]
    today: date
    now: datetime
    protein_target: float
    calorie_target: float
    target_weight: float | None
    exercises: ExerciseStore

    def between(self, first_ago: int, last_ago: int) -> list[tuple[date, DailySnapshot]]:
        """Days from `first_ago` days before today through `last_ago` days before today, oldest first."""
        out = []
        for offset in range(first_ago, last_ago - 1, -1):
            day = self.today - timedelta(days=offset)
            snapshot = self.days.get(day)
            if snapshot is not None:
                out.append((day, snapshot))
        return out


Detector = Callable[[Context], list[Insight]]


def _insight(
    ctx: Context,
    *,
    category: InsightCategory,
    tier: int,
    title: str,
    body: str,
    importance: float,
    confidence: float,
    fingerprint: str,
    data: SupportingData,
    actions: Sequence[str] = (),
) -> Insight:
    return Insight(
        created_at=ctx.now,
        category=category,
        tier=tier,
        title=title,
        body=body,
        importance=importance,
        confidence=confidence,
        supporting_data=data,
        suggested_actions=list(actions),
        source=InsightSource.STATISTICAL,
        fingerprint=fingerprint,
    )


def _confidence(statistic: float, threshold: float) -> float:
    """0.6 at the threshold, approaching 0.95 as the evidence doubles."""
    return round(min(0.95, 0.6 + 0.35 * (abs(statistic) - threshold) / threshold), 2)


# -- trends ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """An ordinary least-squares line through (day offset, value) points."""

    slope: float
    intercept: float
    t: float

    def at(self, x: float) -> float:
        """The fitted value at day offset `x`."""
        return self.intercept + self.slope * x


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """OLS fit with the slope's t-statistic; None when there is no spread in x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if n < 3 or sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    se = math.sqrt(residual / (n - 2) / sxx)
    t = math.inf if se == 0 and slope != 0 else (slope / se if se else 0.0)
    return Fit(slope, intercept, t)


def _trend(
    ctx: Context,
    *,
    metric: str,
    label: str,
    unit: str,
    value: Callable[[DailySnapshot], float | None],
    min_slope_per_week: float,
    target: float | None,
) -> list[Insight]:
    points = [(d, v) for d, s in ctx.between(TREND_DAYS - 1, 0) if (v := value(s))]
    if len(points) < TREND_MIN_POINTS or (points[-1][0] - points[0][0]).days < TREND_MIN_SPAN_DAYS:
        return []
    xs = [float((d - points[0][0]).days) for d, _ in points]
    fit = fit_line(xs, [v for _, v in points])
    if fit is None or abs(fit.slope * 7) < min_slope_per_week or abs(fit.t) < TREND_MIN_T:
        return []
    start, end = fit.at(0), fit.at(xs[-1])
    direction = "down" if fit.slope < 0 else "up"
    weeks = xs[-1] / 7
    body = (
        f"Your {label} readings trend {direction} about {abs(fit.slope * 7):.1f} {unit} a week: "
        f"from {start:.1f} to {end:.1f} {unit} over the last {xs[-1]:.0f} days ({len(points)} readings)."
    )
    if target is not None:
        body += f" Your target is {target:g} {unit}."
    shown = points[-MAX_VALUES:]
    return [
        _insight(
            ctx,
            category=InsightCategory.TREND,
            tier=2,
            title=f"{label.capitalize()} {direction} {abs(end - start):.1f} {unit} in {weeks:.0f} weeks",
            body=body,
            importance=0.7,
            confidence=_confidence(fit.t, TREND_MIN_T),
            fingerprint=f"{metric}_trend:{direction}",
            data=SupportingData(
                metric=metric,
                values=[round(v, 1) for _, v in shown],
                dates=[d.isoformat() for d, _ in shown],
                current_value=round(end, 1),
                previous_value=round(start, 1),
                change_pct=round((end - start) / start * 100, 1) if start else None,
                target=target,
                trend_slope=round(fit.slope * 7, 2),
            ),
        )
    ]


def weight_trend(ctx: Context) -> list[Insight]:
    """A clear weight trend over the last four weeks."""
    return _trend(
        ctx,
        metric="weight",
        label="weight",
        unit="lbs",
        value=lambda s: s.health.weight_lbs,
        min_slope_per_week=WEIGHT_MIN_SLOPE_PER_WEEK,
        target=ctx.target_weight,
    )


def body_fat_trend(ctx: Context) -> list[Insight]:
    """A clear body-fat trend over the last four weeks."""
    return _trend(
        ctx,
        metric="body_fat",
        label="body fat",
        unit="%",
        value=lambda s: s.health.body_fat_pct,
        min_slope_per_week=BODY_FAT_MIN_SLOPE_PER_WEEK,
        target=None,
    )


# -- nutrition compliance -------------------------------------------------------------------------------


def _tracked(days: Sequence[tuple[date, DailySnapshot]]) -> list[tuple[date, DailySnapshot]]:
    return [(d, s) for d, s in days if s.nutrition.calories > 0]


def _two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    pooled = (hits_a + hits_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0
    return (hits_a / n_a - hits_b / n_b) / se


def _compliance(
    ctx: Context, *, metric: str, label: str, target: float, hit: Callable[[DailySnapshot], bool]
) -> list[Insight]:
    recent = _tracked(ctx.between(COMPLIANCE_RECENT_DAYS - 1, 0))
    prior = _tracked(ctx.between(COMPLIANCE_RECENT_DAYS + COMPLIANCE_PRIOR_DAYS - 1, COMPLIANCE_RECENT_DAYS))
    found: list[Insight] = []
    streak = _streak(ctx, hit)
    if streak >= STREAK_MIN_DAYS:
        found.append(
            _insight(
                ctx,
                category=InsightCategory.MILESTONE,
                tier=2,
                title=f"{streak}-day {label} streak",
                body=f"You hit your {label} target ({target:g}) on each of the last {streak} tracked days.",
                importance=0.6,
                confidence=0.95,
                fingerprint=f"{metric}_streak",
                data=SupportingData(metric=metric, current_value=streak, target=target),
            )
        )
    if len(recent) < COMPLIANCE_MIN_RECENT or len(prior) < COMPLIANCE_MIN_PRIOR:
        return found
    recent_hits = sum(hit(s) for _, s in recent)
    prior_hits = sum(hit(s) for _, s in prior)
    now_rate, before_rate = recent_hits / len(recent), prior_hits / len(prior)
    z = _two_proportion_z(recent_hits, len(recent), prior_hits, len(prior))
    if abs(now_rate - before_rate) < COMPLIANCE_MIN_SHIFT or abs(z) < COMPLIANCE_MIN_Z:
        return found
    direction = "down" if now_rate < before_rate else "up"
    verb = "fell" if direction == "down" else "rose"
    found.append(
        _insight(
            ctx,
            category=InsightCategory.TREND if direction == "up" else InsightCategory.NUDGE,
            tier=2 if direction == "down" else 3,
            title=f"{label.capitalize()} target hits {verb} to {now_rate:.0%}",
            body=(
                f"You hit your {label} target ({target:g}) on {recent_hits} of {len(recent)} tracked days in "
                f"the last two weeks, against {before_rate:.0%} of days in the four weeks before."
            ),
            importance=0.75 if direction == "down" else 0.55,
            confidence=_confidence(z, COMPLIANCE_MIN_Z),
            fingerprint=f"{metric}_compliance:{direction}",
            data=SupportingData(
                metric=metric,
                values=[float(getattr(s.nutrition, metric)) for _, s in recent][-MAX_VALUES:],
                dates=[d.isoformat() for d, _ in recent][-MAX_VALUES:],
                current_value=round(now_rate * 100),
                previous_value=round(before_rate * 100),
                target=target,
            ),
            actions=[f"Plan tomorrow's meals around your {label} target"] if direction == "down" else [],
        )
    )
    return found


def _streak(ctx: Context, hit: Callable[[DailySnapshot], bool]) -> int:
    """Consecutive tracked days hitting the target, ending at the latest tracked day (today or yesterday)."""
    tracked = _tracked(ctx.between(COMPLIANCE_RECENT_DAYS + COMPLIANCE_PRIOR_DAYS, 0))
    if not tracked or (ctx.today - tracked[-1][0]).days > 1:
        return 0
    count, expected = 0, tracked[-1][0]
    for day, snapshot in reversed(tracked):
        if day != expected or not hit(snapshot):
            break
        count += 1
        expected = day - timedelta(days=1)
    return count


def protein_compliance(ctx: Context) -> list[Insight]:
    """Protein ≥ 90 % of target: streaks and clear shifts in how often it is hit."""
    return _compliance(
        ctx,
        metric="protein",
        label="protein",
        target=ctx.protein_target,
        hit=lambda s: s.nutrition.protein >= 0.9 * ctx.protein_target,
    )


def calorie_compliance(ctx: Context) -> list[Insight]:
    """Calories within ±10 % of target: streaks and clear shifts."""
    return _compliance(
        ctx,
        metric="calories",
        label="calorie",
        target=ctx.calorie_target,
        hit=lambda s: 0.9 * ctx.calorie_target <= s.nutrition.calories <= 1.1 * ctx.calorie_target,
    )


# -- recovery anomalies ---------------------------------------------------------------------------------


def _usable(snapshot: DailySnapshot) -> bool:
    return not snapshot.health.is_baseline_excluded


def _readings(
    ctx: Context, value: Callable[[DailySnapshot], float | None]
) -> tuple[list[float], list[tuple[date, float]]]:
    """(baseline values of the four weeks before, recent points) on days not excluded from baselines."""
    baseline = [
        v
        for _, s in ctx.between(BASELINE_DAYS + ANOMALY_RECENT_DAYS - 1, ANOMALY_RECENT_DAYS)
        if _usable(s) and (v := value(s))
    ]
    recent = [(d, v) for d, s in ctx.between(ANOMALY_RECENT_DAYS - 1, 0) if _usable(s) and (v := value(s))]
    return baseline, recent


def _z(recent_mean: float, baseline: Sequence[float], n: int) -> float:
    """How many standard errors the mean of n recent readings lies from the baseline mean."""
    sd = statistics.stdev(baseline)
    return 0.0 if sd == 0 else (recent_mean - statistics.fmean(baseline)) / (sd / math.sqrt(n))


def _recovery(
    ctx: Context,
    *,
    metric: str,
    value: Callable[[DailySnapshot], float | None],
    bad_direction: int,
    big_enough: Callable[[float, float], bool],
    title: Callable[[float, float], str],
    body: Callable[[float, float], str],
    actions: Sequence[str],
) -> list[Insight]:
    baseline, recent = _readings(ctx, value)
    if len(baseline) < BASELINE_MIN_POINTS or len(recent) < 2:
        return []
    recent_mean, baseline_mean = statistics.fmean(v for _, v in recent), statistics.fmean(baseline)
    z = _z(recent_mean, baseline, len(recent))
    if z * bad_direction < ANOMALY_MIN_Z or not big_enough(recent_mean, baseline_mean):
        return []
    return [
        _insight(
            ctx,
            category=InsightCategory.ANOMALY,
            tier=1,
            title=title(recent_mean, baseline_mean),
            body=body(recent_mean, baseline_mean),
            importance=0.8,
            confidence=_confidence(z, ANOMALY_MIN_Z),
            fingerprint=f"{metric}_anomaly",
            data=SupportingData(
                metric=metric,
                values=[round(v, 1) for _, v in recent],
                dates=[d.isoformat() for d, _ in recent],
                current_value=round(recent_mean, 1),
                previous_value=round(baseline_mean, 1),
                change_pct=round((recent_mean - baseline_mean) / baseline_mean * 100, 1),
            ),
            actions=actions,
        )
    ]


def sleep_anomaly(ctx: Context) -> list[Insight]:
    """The last nights' sleep far below the user's own four-week baseline."""
    return _recovery(
        ctx,
        metric="sleep",
        value=lambda s: None if "incomplete_sleep" in s.health.quality_flags else s.health.sleep_hours,
        bad_direction=-1,
        big_enough=lambda now, base: base - now >= SLEEP_MIN_DROP_HOURS,
        title=lambda now, base: f"Sleep down {base - now:.1f} h from your usual",
        body=lambda now, base: (
            f"You averaged {now:.1f} h of sleep over the last few nights, against your usual {base:.1f} h."
        ),
        actions=["Protect an earlier bedtime tonight", "Keep today's training light if you feel flat"],
    )


def hrv_anomaly(ctx: Context) -> list[Insight]:
    """HRV far below the user's own baseline."""
    return _recovery(
        ctx,
        metric="hrv",
        value=lambda s: s.health.hrv_ms,
        bad_direction=-1,
        big_enough=lambda now, base: (base - now) / base >= HRV_MIN_DROP_FRACTION,
        title=lambda now, base: f"HRV {(base - now) / base:.0%} below your baseline",
        body=lambda now, base: (
            f"Your HRV averaged {now:.0f} ms over the last few days, against a baseline of {base:.0f} ms. "
            "That usually means accumulated fatigue, stress, illness or short sleep."
        ),
        actions=["Favour an easy or rest day", "Check sleep and hydration"],
    )


def resting_hr_anomaly(ctx: Context) -> list[Insight]:
    """Resting heart rate far above the user's own baseline."""
    return _recovery(
        ctx,
        metric="resting_hr",
        value=lambda s: float(s.health.resting_hr) if s.health.resting_hr else None,
        bad_direction=1,
        big_enough=lambda now, base: now - base >= RHR_MIN_RISE_BPM,
        title=lambda now, base: f"Resting heart rate up {now - base:.0f} bpm",
        body=lambda now, base: (
            f"Your resting heart rate averaged {now:.0f} bpm over the last few days, against your usual "
            f"{base:.0f} bpm."
        ),
        actions=["Favour an easy or rest day"],
    )


# -- training -------------------------------------------------------------------------------------------


def new_prs(ctx: Context) -> list[Insight]:
    """Exercises whose best estimated 1RM this week beats every earlier session (from the exercise store)."""
    cutoff = ctx.today - timedelta(days=PR_RECENT_DAYS - 1)
    prs: list[tuple[str, Performance, float]] = []
    for name, history in ctx.exercises.exercises.items():
        before = [p for p in history.performances if p.date < cutoff]
        recent = [p for p in history.performances if cutoff <= p.date <= ctx.today]
        if len(before) < PR_MIN_EARLIER_SESSIONS or not recent:
            continue
        best_before = max(p.e1rm for p in before)
        best = max(recent, key=lambda p: p.e1rm)
        if best.e1rm > best_before > 0:
            prs.append((name, best, best_before))
    if not prs:
        return []
    prs.sort(key=lambda p: p[1].e1rm / p[2], reverse=True)
    shown = prs[:PR_MAX_LISTED]
    listed = ", ".join(f"{name} {p.best_weight_lbs:.0f} lbs x {p.best_reps}" for name, p, _ in shown)
    top_name, top, top_before = shown[0]
    week = ctx.today.isocalendar()
    more = f" and {len(prs) - 1} more" if len(prs) > 1 else ""
    return [
        _insight(
            ctx,
            category=InsightCategory.MILESTONE,
            tier=2,
            title=f"New PR{'s' if len(prs) > 1 else ''}: {top_name}{more}",
            body=f"Best estimated one-rep maxes yet this week: {listed}.",
            importance=0.65,
            confidence=0.9,
            fingerprint=f"pr:{week.year}-W{week.week:02d}",
            data=SupportingData(
                metric="e1rm",
                current_value=round(top.e1rm, 1),
                previous_value=round(top_before, 1),
                change_pct=round((top.e1rm / top_before - 1) * 100, 1),
            ),
        )
    ]


def training_volume(ctx: Context) -> list[Insight]:
    """Weekly training volume of the last two weeks far from the four weeks before."""
    recent = ctx.between(VOLUME_RECENT_DAYS - 1, 0)
    prior = ctx.between(VOLUME_RECENT_DAYS + VOLUME_PRIOR_DAYS - 1, VOLUME_RECENT_DAYS)
    if sum(s.workout.workout_count for _, s in prior) < VOLUME_MIN_PRIOR_WORKOUTS:
        return []
    now_weekly = sum(s.workout.total_volume_kg for _, s in recent) / (VOLUME_RECENT_DAYS / 7)
    before_weekly = sum(s.workout.total_volume_kg for _, s in prior) / (VOLUME_PRIOR_DAYS / 7)
    if before_weekly <= 0:
        return []
    change = now_weekly / before_weekly - 1
    if abs(change) < VOLUME_MIN_CHANGE:
        return []
    direction = "down" if change < 0 else "up"
    return [
        _insight(
            ctx,
            category=InsightCategory.TREND,
            tier=2,
            title=f"Training volume {direction} {abs(change):.0%}",
            body=(
                f"You lifted about {to_lbs(now_weekly):,.0f} lbs a week over the last two weeks, against "
                f"{to_lbs(before_weekly):,.0f} lbs a week in the four weeks before."
            ),
            importance=0.6,
            confidence=0.8,
            fingerprint=f"volume_trend:{direction}",
            data=SupportingData(
                metric="volume",
                current_value=round(to_lbs(now_weekly)),
                previous_value=round(to_lbs(before_weekly)),
                change_pct=round(change * 100, 1),
            ),
        )
    ]


DETECTORS: tuple[Detector, ...] = (
    weight_trend,
    body_fat_trend,
    protein_compliance,
    calorie_compliance,
    sleep_anomaly,
    hrv_anomaly,
    resting_hr_anomaly,
    new_prs,
    training_volume,
)


def detect(
    snapshots: Sequence[DailySnapshot],
    *,
    profile: UserProfile,
    today: date,
    exercises: ExerciseStore | None = None,
    now: datetime | None = None,
) -> list[Insight]:
    """Every statistical finding in the user's days (and exercise store), best first."""
    days: dict[date, DailySnapshot] = {}
    for snapshot in snapshots:
        try:
            days[date.fromisoformat(snapshot.date)] = snapshot
        except ValueError:
            continue
    ctx = Context(
        days=days,
        today=today,
        now=now or datetime.now(UTC),
        protein_target=profile.protein_target,
        calorie_target=profile.calorie_target,
        target_weight=profile.target_weight_lbs,
        exercises=exercises or ExerciseStore(),
    )
    found = [insight for detector in DETECTORS for insight in detector(ctx)]
    return sorted(found, key=lambda i: i.score, reverse=True)
