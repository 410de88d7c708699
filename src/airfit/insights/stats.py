"""Statistical insights: deterministic detectors over a user's stored days, no LLM needed.

Each detector compares recent data with the user's own history and speaks only when the change is both
large in absolute terms and unlikely to be noise (a t- or z-statistic of at least 3-4), so steady data
produces nothing. The long-run detectors (trends at 4, 13 and 52 weeks, plateaus, goal progress, weekend
patterns) turn `longrun.Picture` into insights; the coach's context describes the same picture. Every
finding carries a fingerprint (detector and direction) used for deduplication.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from airfit.health.models import DailySnapshot
from airfit.insights import longrun
from airfit.insights.models import Insight, InsightCategory, InsightSource, SupportingData
from airfit.profile.models import UserProfile
from airfit.training.models import ExerciseStore, Performance
from airfit.training.strength import load_text, to_lbs
from airfit.units import STORED, Quantity, Units, text

COMPLIANCE_RECENT_DAYS = 14
COMPLIANCE_PRIOR_DAYS = 28
COMPLIANCE_MIN_RECENT = 7
COMPLIANCE_MIN_PRIOR = 14
COMPLIANCE_MIN_SHIFT = 0.3
COMPLIANCE_MIN_Z = 3.5
STREAK_MIN_DAYS = 14
STREAK_HISTORY_DAYS = 56
STREAK_MAX_CHANCE = 0.001

BASELINE_DAYS = 28
ANOMALY_RECENT_DAYS = 3
BASELINE_MIN_POINTS = 14
ANOMALY_MIN_Z = 5.0
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
    units: Units = STORED
    """The units the insights are written in (the user's)."""

    @cached_property
    def long_run(self) -> longrun.Picture:
        """Trends, plateaus, goal progress and patterns, computed once per evaluation."""
        return longrun.picture(self.days, today=self.today, target_weight=self.target_weight)

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


# -- long-run trends, plateaus, goal progress and weekly patterns (computed in `longrun`) ---------------


def _trend_insight(ctx: Context, trend: longrun.TrendFinding, lean: longrun.TrendFinding | None) -> Insight:
    metric = trend.metric
    units = ctx.units
    weeks = max(1, round(trend.span_days / 7))
    body = (
        f"Your {metric.label} {metric.verb} trending {trend.direction} about "
        f"{metric.show(abs(trend.per_week), units, finer=1)} a week: from "
        f"{metric.show(trend.start_value, units)} to {metric.show(trend.end_value, units)} over the last "
        f"{trend.span_days} days ({trend.readings} readings; a robust fit, so one odd reading or a missing "
        "week does not change it)."
    )
    target = ctx.target_weight if metric is longrun.WEIGHT else None
    if target is not None:
        body += f" Your target is {metric.show(target, units)}."
    if lean is not None:
        body += f" Lean mass moved {lean.metric.show(lean.total, units, signed=True)} over the last "
        body += f"{lean.scale.name}."
    shown = trend.shown[-MAX_VALUES:]
    start = trend.start_value
    return _insight(
        ctx,
        category=InsightCategory.TREND,
        tier=2,
        title=f"{metric.label[0].upper()}{metric.label[1:]} {trend.direction} "
        f"{metric.show(abs(trend.total), units)} in {weeks} weeks",
        body=body,
        importance=0.7,
        confidence=_confidence(trend.fit.evidence, longrun.Z_TREND),
        fingerprint=f"{metric.key}_trend:{trend.direction}",
        data=SupportingData(
            metric=metric.key,
            values=[round(v, 1) for _, v in shown],
            dates=[d.isoformat() for d, _ in shown],
            current_value=round(trend.end_value, 1),
            previous_value=round(start, 1),
            change_pct=round(trend.total / start * 100, 1) if start else None,
            target=target,
            trend_slope=round(trend.per_week, 2),
        ),
    )


def long_run_trends(ctx: Context) -> list[Insight]:
    """Clear trends of weight, body composition, nutrition and recovery at the scale with the best evidence.

    Lean mass follows from weight and body fat; when either of those has a trend, the lean-mass change is
    told in that insight instead of one of its own.
    """
    picture = ctx.long_run
    composition = any(t.metric in (longrun.WEIGHT, longrun.BODY_FAT) for t in picture.trends)
    lean = picture.trend_of(longrun.LEAN_MASS)
    found = []
    for trend in picture.trends:
        if trend.metric is longrun.LEAN_MASS and composition:
            continue
        beside = lean if trend.metric in (longrun.WEIGHT, longrun.BODY_FAT) else None
        found.append(_trend_insight(ctx, trend, beside))
    return found


def plateaus(ctx: Context) -> list[Insight]:
    """Weight or body fat holding still for three weeks or more after a clear trend."""
    found = []
    for plateau in ctx.long_run.plateaus:
        metric = plateau.metric
        weeks = plateau.days // 7
        body = f"Your {longrun.plateau_sentence(plateau, ctx.units)}."
        if metric is longrun.WEIGHT and ctx.target_weight is not None:
            body += f" Your target is {metric.show(ctx.target_weight, ctx.units)}."
        found.append(
            _insight(
                ctx,
                category=InsightCategory.NUDGE,
                tier=2,
                title=f"{metric.label[0].upper()}{metric.label[1:]} steady for {weeks} weeks",
                body=body,
                importance=0.7,
                confidence=0.8,
                fingerprint=f"{metric.key}_plateau",
                data=SupportingData(
                    metric=metric.key,
                    current_value=round(plateau.level, 1),
                    trend_slope=round(plateau.prior.slope * 7, 2),
                    target=ctx.target_weight if metric is longrun.WEIGHT else None,
                ),
                actions=["Compare your recent intake with your targets", "Decide whether to hold or adjust"],
            )
        )
    return found


def goal_progress(ctx: Context) -> list[Insight]:
    """Progress toward the profile's target weight: reached, on track (with a date), or moving away."""
    goal = ctx.long_run.goal
    if goal is None or goal.status in ("stalled", "unclear"):
        return []
    target = longrun.WEIGHT.show(goal.target, ctx.units)
    if goal.status == "reached":
        category, title, importance = InsightCategory.MILESTONE, f"Target weight {target} reached", 0.8
    elif goal.status == "away":
        category, title, importance = InsightCategory.NUDGE, "Weight trend moving away from your target", 0.75
    else:
        when = f"around {goal.eta:%b %d, %Y}" if goal.eta else "at a slow pace"
        category, title, importance = InsightCategory.TREND, f"On track for {target} {when}", 0.7
    return [
        _insight(
            ctx,
            category=category,
            tier=2,
            title=title,
            body=f"Your {longrun.goal_sentence(goal, ctx.units)}.",
            importance=importance,
            confidence=_confidence(goal.trend.fit.evidence, longrun.Z_TREND) if goal.trend else 0.9,
            fingerprint=f"goal_progress:{goal.status}",
            data=SupportingData(
                metric="weight",
                current_value=round(goal.current, 1),
                target=goal.target,
                trend_slope=round(goal.per_week, 2) if goal.per_week is not None else None,
            ),
        )
    ]


def weekly_patterns(ctx: Context) -> list[Insight]:
    """Nutrition, sleep or steps that differ clearly between weekends and weekdays."""
    found = []
    for pattern in ctx.long_run.patterns:
        metric = pattern.metric
        higher = "higher" if pattern.difference > 0 else "lower"
        found.append(
            _insight(
                ctx,
                category=InsightCategory.CORRELATION,
                tier=3,
                title=f"{metric.label[0].upper()}{metric.label[1:]} {higher} on weekends",
                body=f"Your {longrun.pattern_sentence(pattern, ctx.units)}.",
                importance=0.55,
                confidence=_confidence(pattern.t, longrun.PATTERN_Z),
                fingerprint=f"{metric.key}_weekend:{higher}",
                data=SupportingData(
                    metric=metric.key,
                    current_value=round(pattern.weekend, 1),
                    previous_value=round(pattern.weekday, 1),
                    change_pct=round(pattern.difference / pattern.weekday * 100, 1)
                    if pattern.weekday
                    else None,
                ),
            )
        )
    return found


# -- nutrition compliance -------------------------------------------------------------------------------


def _tracked(days: Sequence[tuple[date, DailySnapshot]]) -> list[tuple[date, DailySnapshot]]:
    return [(d, s) for d, s in days if s.nutrition.calories > 0]


def _two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    pooled = (hits_a + hits_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0
    return (hits_a / n_a - hits_b / n_b) / se


@dataclass(frozen=True)
class _Target:
    """A daily nutrition target as the compliance detectors read it."""

    metric: str
    label: str
    value: float
    shown: str
    hit: Callable[[DailySnapshot], bool]


def _compliance(ctx: Context, target: _Target) -> list[Insight]:
    found = [_compliance_streak(ctx, target), _compliance_shift(ctx, target)]
    return [insight for insight in found if insight is not None]


def _compliance_streak(ctx: Context, target: _Target) -> Insight | None:
    """The target hit on each of the last tracked days, a run unlikely at the user's usual hit rate."""
    streak = _streak(ctx, target.hit)
    if streak < STREAK_MIN_DAYS or _streak_chance(ctx, target.hit, streak) > STREAK_MAX_CHANCE:
        return None
    return _insight(
        ctx,
        category=InsightCategory.MILESTONE,
        tier=2,
        title=f"{streak}-day {target.label} streak",
        body=(
            f"You hit your {target.label} target ({target.shown}) on each of the last {streak} tracked days."
        ),
        importance=0.6,
        confidence=0.95,
        fingerprint=f"{target.metric}_streak",
        data=SupportingData(metric=target.metric, current_value=streak, target=target.value),
    )


def _compliance_shift(ctx: Context, target: _Target) -> Insight | None:
    """How often the target is hit in the last two weeks against the four before, when clearly different."""
    recent = _tracked(ctx.between(COMPLIANCE_RECENT_DAYS - 1, 0))
    prior = _tracked(ctx.between(COMPLIANCE_RECENT_DAYS + COMPLIANCE_PRIOR_DAYS - 1, COMPLIANCE_RECENT_DAYS))
    if len(recent) < COMPLIANCE_MIN_RECENT or len(prior) < COMPLIANCE_MIN_PRIOR:
        return None
    recent_hits = sum(target.hit(s) for _, s in recent)
    prior_hits = sum(target.hit(s) for _, s in prior)
    now_rate, before_rate = recent_hits / len(recent), prior_hits / len(prior)
    z = _two_proportion_z(recent_hits, len(recent), prior_hits, len(prior))
    if abs(now_rate - before_rate) < COMPLIANCE_MIN_SHIFT or abs(z) < COMPLIANCE_MIN_Z:
        return None
    down = now_rate < before_rate
    return _insight(
        ctx,
        category=InsightCategory.NUDGE if down else InsightCategory.TREND,
        tier=2 if down else 3,
        title=f"{target.label.capitalize()} target hits {'fell' if down else 'rose'} to {now_rate:.0%}",
        body=(
            f"You hit your {target.label} target ({target.shown}) on {recent_hits} of {len(recent)} tracked "
            f"days in the last two weeks, against {before_rate:.0%} of days in the four weeks before."
        ),
        importance=0.75 if down else 0.55,
        confidence=_confidence(z, COMPLIANCE_MIN_Z),
        fingerprint=f"{target.metric}_compliance:{'down' if down else 'up'}",
        data=SupportingData(
            metric=target.metric,
            values=[float(getattr(s.nutrition, target.metric)) for _, s in recent][-MAX_VALUES:],
            dates=[d.isoformat() for d, _ in recent][-MAX_VALUES:],
            current_value=round(now_rate * 100),
            previous_value=round(before_rate * 100),
            target=target.value,
        ),
        actions=[f"Plan tomorrow's meals around your {target.label} target"] if down else [],
    )


def _streak_chance(ctx: Context, hit: Callable[[DailySnapshot], bool], streak: int) -> float:
    """How likely a streak this long is at the user's usual hit rate (the eight weeks before it).

    A streak is news only when it beats the user's habit: someone who hits the target three days in four
    gets a 14-day streak every few months by chance alone.
    """
    before = _tracked(ctx.between(streak + STREAK_HISTORY_DAYS, streak + 1))
    rate = sum(hit(s) for _, s in before) / len(before) if len(before) >= COMPLIANCE_MIN_PRIOR else 0.5
    return float(rate**streak)


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
        _Target(
            metric="protein",
            label="protein",
            value=ctx.protein_target,
            shown=f"{ctx.protein_target:g} g",
            hit=lambda s: s.nutrition.protein >= 0.9 * ctx.protein_target,
        ),
    )


def calorie_compliance(ctx: Context) -> list[Insight]:
    """Calories within ±10 % of target: streaks and clear shifts."""
    return _compliance(
        ctx,
        _Target(
            metric="calories",
            label="calorie",
            value=ctx.calorie_target,
            shown=text(ctx.calorie_target, Quantity.ENERGY, ctx.units),
            hit=lambda s: 0.9 * ctx.calorie_target <= s.nutrition.calories <= 1.1 * ctx.calorie_target,
        ),
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
    """How many standard errors the mean of n recent readings lies from the baseline mean (both uncertain)."""
    sd = statistics.stdev(baseline)
    se = sd * math.sqrt(1 / n + 1 / len(baseline))
    return 0.0 if se == 0 else (recent_mean - statistics.fmean(baseline)) / se


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
    listed = ", ".join(
        f"{name} {text(p.best_weight_lbs, Quantity.MASS, ctx.units, digits=0)} x {p.best_reps}"
        for name, p, _ in shown
    )
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
                f"You lifted about {load_text(now_weekly, ctx.units, digits=0)} a week over the last two "
                f"weeks, against {load_text(before_weekly, ctx.units, digits=0)} a week in the four weeks "
                "before."
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
    long_run_trends,
    plateaus,
    goal_progress,
    weekly_patterns,
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
    units: Units = STORED,
) -> list[Insight]:
    """Every statistical finding in the user's days (and exercise store), best first, written in `units`."""
    ctx = Context(
        days=longrun.by_date(snapshots),
        today=today,
        now=now or datetime.now(UTC),
        protein_target=profile.protein_target,
        calorie_target=profile.calorie_target,
        target_weight=profile.target_weight_lbs,
        exercises=exercises or ExerciseStore(),
        units=units,
    )
    found = [insight for detector in DETECTORS for insight in detector(ctx)]
    return sorted(found, key=lambda i: i.score, reverse=True)
