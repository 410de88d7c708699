"""The long-run picture of a user: trends at several time scales, goal progress, plateaus, weekly patterns.

Pure functions of the stored days; the insight detectors and the coach's context both read the same
`Picture`, so what the coach says and what the insights say cannot disagree.

Method (the bench `bench/bench_detectors.py` measures its false alarms and power):
- Trends: a Theil–Sen line through daily readings (4 and 13 weeks) or weekly medians (52 weeks), tested
  with its robust, autocorrelation-aware standard error, backed by Mann–Kendall (`robust.theil_sen`); it
  must be significant after a Bonferroni split of `ALPHA` over every metric and scale, and the change over the
  span is at least the metric's meaningful change. Per metric and direction the scale with the clearest
  evidence (largest |z|) is reported. Weekly medians make one mis-weigh irrelevant and a week without
  readings is just a missing point.
- Plateau: after a significant, meaningful trend over the 13 weeks before, the last 3-8 weeks changed less
  than the meaningful amount and the slope fell significantly (a one-sided test of the difference of the two
  slopes). With daily noise, three or four flat weeks are often too few to be sure; six usually are.
- Goal: the current weight (median of the last week's readings) against the profile's target, at the rate of
  the reported weight trend.
- Patterns: weekend against weekday means over the last 12 weeks (Welch's t-test, Bonferroni over the
  metrics tested) with a minimum practical difference.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from airfit import units as u
from airfit.health.models import DailySnapshot
from airfit.insights.robust import RobustFit, t_critical, theil_sen, welch, z_critical

ALPHA = 0.001
"""Family-wise false-alarm rate of one evaluation of each detector family (calibrated by the bench)."""
HORIZON_DAYS = 364


@dataclass(frozen=True)
class Metric:
    """A daily series the long-run detectors follow, with the smallest change worth telling."""

    key: str
    label: str
    unit: str
    """The unit of a quantity nobody chooses (h, bpm, %); see `quantity`."""
    min_change: float
    value: Callable[[DailySnapshot], float | None]
    digits: int = 1
    quantity: u.Quantity | None = None
    """Mass or energy: shown in the reader's units rather than in `unit`."""
    plural: bool = False
    """The label reads as a plural ("calories are")."""

    def show(self, value: float, units: u.Units, *, signed: bool = False, finer: int = 0) -> str:
        """A value as the reader reads it, e.g. "182.4 lbs", "82.7 kg", "+1.5%" or "7.1 h"; `finer` adds
        decimals (for rates such as "0.35 kg/week")."""
        if self.quantity is not None:
            places = u.conversion(self.quantity, units).digits + finer
            return u.text(value, self.quantity, units, digits=places, signed=signed)
        sign = "+" if signed else ""
        return f"{value:{sign},.{self.digits + finer}f} {self.unit}".replace(" %", "%")

    @property
    def verb(self) -> str:
        """`is` or `are`, agreeing with the label."""
        return "are" if self.plural else "is"


def _weight(s: DailySnapshot) -> float | None:
    return s.health.weight_lbs or None


def _body_fat(s: DailySnapshot) -> float | None:
    return s.health.body_fat_pct or None


def _lean(s: DailySnapshot) -> float | None:
    weight, fat = s.health.weight_lbs, s.health.body_fat_pct
    if weight and fat and 0 < fat < 100:
        return weight * (1 - fat / 100)
    return s.health.lean_mass_lbs or None


def _logged(s: DailySnapshot) -> bool:
    return s.nutrition.calories > 0


def _calories(s: DailySnapshot) -> float | None:
    return float(s.nutrition.calories) if _logged(s) else None


def _protein(s: DailySnapshot) -> float | None:
    return float(s.nutrition.protein) if _logged(s) and s.nutrition.protein > 0 else None


def _recovery_ok(s: DailySnapshot) -> bool:
    return not s.health.is_baseline_excluded


def _sleep(s: DailySnapshot) -> float | None:
    if not _recovery_ok(s) or "incomplete_sleep" in s.health.quality_flags:
        return None
    return s.health.sleep_hours or None


def _resting_hr(s: DailySnapshot) -> float | None:
    return float(s.health.resting_hr) if _recovery_ok(s) and s.health.resting_hr else None


def _hrv(s: DailySnapshot) -> float | None:
    return s.health.hrv_ms if _recovery_ok(s) and s.health.hrv_ms else None


def _steps(s: DailySnapshot) -> float | None:
    return float(s.health.steps) if s.health.steps else None


WEIGHT = Metric("weight", "weight", "lbs", 2.0, _weight, quantity=u.Quantity.MASS)
BODY_FAT = Metric("body_fat", "body fat", "%", 1.0, _body_fat)
LEAN_MASS = Metric("lean_mass", "lean mass", "lbs", 2.0, _lean, quantity=u.Quantity.MASS)
CALORIES = Metric(
    "calories", "calories", "kcal", 150.0, _calories, digits=0, quantity=u.Quantity.ENERGY, plural=True
)
PROTEIN = Metric("protein", "protein", "g", 15.0, _protein, digits=0)
SLEEP = Metric("sleep", "sleep", "h", 0.4, _sleep)
RESTING_HR = Metric("resting_hr", "resting heart rate", "bpm", 3.0, _resting_hr)
HRV = Metric("hrv", "HRV", "ms", 5.0, _hrv)
STEPS = Metric("steps", "steps", "steps", 2000.0, _steps, digits=0, plural=True)
TREND_METRICS = (WEIGHT, BODY_FAT, LEAN_MASS, CALORIES, PROTEIN, SLEEP, RESTING_HR, HRV)


@dataclass(frozen=True)
class Scale:
    """A look-back window: daily points (`bin_days` 1) or weekly medians (7), and the fewest points to fit."""

    weeks: int
    bin_days: int
    min_points: int

    @property
    def name(self) -> str:
        """E.g. "13 weeks"."""
        return f"{self.weeks} weeks"


SCALES = (Scale(4, 1, 10), Scale(13, 1, 30), Scale(52, 7, 26))
TREND_TESTS = len(TREND_METRICS) * len(SCALES)
Z_TREND = z_critical(ALPHA, TREND_TESTS)


def trend_critical(df: float) -> float:
    """The |t| a trend's slope must reach: two-sided, Bonferroni over every metric and scale."""
    return t_critical(ALPHA, df, TREND_TESTS)


Points = list[tuple[int, float]]
"""(day ordinal, value), oldest first: integer days keep the arithmetic cheap."""


@dataclass(frozen=True)
class TrendFinding:
    """A fitted trend of one metric at one scale."""

    metric: Metric
    scale: Scale
    fit: RobustFit
    """x in days from `start`."""
    start: date
    end: date
    readings: int
    shown: list[tuple[date, float]]
    """The points fitted (daily readings or weekly medians), oldest first."""

    @property
    def per_week(self) -> float:
        """Change per week."""
        return self.fit.slope * 7

    @property
    def span_days(self) -> int:
        """Days from the first to the last reading fitted."""
        return (self.end - self.start).days

    @property
    def total(self) -> float:
        """Change over the span, from the fitted line."""
        return self.fit.slope * self.span_days

    @property
    def start_value(self) -> float:
        """The fitted value at the first point."""
        return self.fit.intercept

    @property
    def end_value(self) -> float:
        """The fitted value at the last point."""
        return self.fit.at(self.span_days)

    @property
    def direction(self) -> str:
        """ "up" or "down"."""
        return "down" if self.fit.slope < 0 else "up"

    @property
    def clear(self) -> bool:
        """Significant after the multiple-comparison split, and large enough to matter."""
        significant = abs(self.fit.evidence) >= trend_critical(self.fit.df)
        return significant and abs(self.total) >= self.metric.min_change


def series(days: Mapping[date, DailySnapshot], today: date, metric: Metric) -> Points:
    """The metric's readings of the last `HORIZON_DAYS` days up to today, oldest first."""
    first = today.toordinal() - HORIZON_DAYS + 1
    out = []
    for day, snapshot in days.items():
        ordinal = day.toordinal()
        if first <= ordinal <= today.toordinal() and (value := metric.value(snapshot)) is not None:
            out.append((ordinal, value))
    out.sort()
    return out


def _weekly(points: Points, first: int) -> Points:
    """Median of each 7-day block counted from `first`, dated at the block's middle reading."""
    blocks: dict[int, list[tuple[int, float]]] = {}
    for day, value in points:
        blocks.setdefault((day - first) // 7, []).append((day, value))
    out = []
    for _, block in sorted(blocks.items()):
        middle = block[len(block) // 2][0]
        out.append((middle, statistics.median(v for _, v in block)))
    return out


def fit_window(points: Points, first: int, last: int, bin_days: int) -> tuple[RobustFit, Points, int] | None:
    """Theil–Sen fit of the readings in [first, last] (weekly medians when `bin_days` is 7)."""
    window = [(d, v) for d, v in points if first <= d <= last]
    shown = _weekly(window, first) if bin_days == 7 else window
    if len(shown) < 3:
        return None
    fit = theil_sen([float(d - first) for d, _ in shown], [v for _, v in shown], step=bin_days)
    return None if fit is None else (fit, shown, len(window))


def fit_scale(points: Points, today: date, metric: Metric, scale: Scale) -> TrendFinding | None:
    """The metric's trend over one scale ending today, significant or not; None with too few readings."""
    first = today.toordinal() - scale.weeks * 7 + 1
    fitted = fit_window(points, first, today.toordinal(), scale.bin_days)
    if fitted is None or len(fitted[1]) < scale.min_points:
        return None
    fit, shown, readings = fitted
    # The fit's x axis starts at the window's first day; re-express it from the first point shown.
    moved = replace(fit, intercept=fit.at(float(shown[0][0] - first)))
    dated = [(date.fromordinal(d), v) for d, v in shown]
    return TrendFinding(metric, scale, moved, dated[0][0], dated[-1][0], readings, dated)


def clear_trends(points: Points, today: date, metric: Metric) -> list[TrendFinding]:
    """The clear trends of one metric: per direction, the scale with the strongest evidence."""
    best: dict[str, TrendFinding] = {}
    for scale in SCALES:
        found = fit_scale(points, today, metric, scale)
        if found is None or not found.clear:
            continue
        current = best.get(found.direction)
        if current is None or abs(found.fit.evidence) > abs(current.fit.evidence):
            best[found.direction] = found
    return sorted(best.values(), key=lambda f: abs(f.fit.evidence), reverse=True)


# -- plateaus -------------------------------------------------------------------------------------------

PLATEAU_METRICS = (WEIGHT, BODY_FAT)
PLATEAU_WINDOWS = (56, 49, 42, 35, 28, 21)
PLATEAU_PRIOR_WEEKS = 13
PLATEAU_TESTS = len(PLATEAU_METRICS) * len(PLATEAU_WINDOWS)
SLOWDOWN_ALPHA = 0.02
"""Two-sided, so 1 % one-sided that the slope really fell, split over the window lengths tried. It runs
only after a clear trend; a steady slow trend (little change in three weeks) must not look like a plateau."""


@dataclass(frozen=True)
class PlateauFinding:
    """No meaningful change for `days` days after a clear trend."""

    metric: Metric
    days: int
    level: float
    readings: int
    prior: RobustFit
    prior_weeks: int

    @property
    def prior_total(self) -> float:
        """Change over the trend before the plateau."""
        return self.prior.slope * self.prior.span


def plateau(points: Points, today: date, metric: Metric) -> PlateauFinding | None:
    """The longest recent flat stretch (3-8 weeks) that follows a clear trend, if any."""
    end = today.toordinal()
    for length in PLATEAU_WINDOWS:
        start = end - length + 1
        # The trend before comes first: it is the cheaper fit, and without it there is no plateau.
        prior = fit_window(points, start - PLATEAU_PRIOR_WEEKS * 7, start - 1, 7)
        if prior is None or len(prior[1]) < 8:
            continue
        pfit = prior[0]
        if abs(pfit.slope * pfit.span) < metric.min_change or abs(pfit.evidence) < t_critical(
            ALPHA, pfit.df, PLATEAU_TESTS
        ):
            continue
        recent = fit_window(points, start, end, 1)
        if recent is None or recent[2] < max(8, length // 3):
            continue
        rfit, shown, readings = recent
        first_week = [v for d, v in shown if d - start < 7]
        last_week = [v for d, v in shown if end - d < 7]
        if abs(rfit.slope * length) >= metric.min_change or not first_week or not last_week:
            continue
        if abs(statistics.median(last_week) - statistics.median(first_week)) >= metric.min_change:
            continue
        slowdown = (pfit.slope - rfit.slope) * (1 if pfit.slope > 0 else -1)
        spread = (pfit.se**2 + rfit.se**2) ** 0.5
        if spread == 0 or slowdown / spread < t_critical(SLOWDOWN_ALPHA, rfit.df, len(PLATEAU_WINDOWS)):
            continue
        level = statistics.median(v for _, v in shown)
        return PlateauFinding(metric, length, level, readings, pfit, PLATEAU_PRIOR_WEEKS)
    return None


# -- goal -----------------------------------------------------------------------------------------------

GOAL_REACHED_LBS = 1.5
GOAL_CURRENT_DAYS = 7
GOAL_MAX_WEEKS = 520


@dataclass(frozen=True)
class GoalProgress:
    """Where the weight stands against the profile's target, and where the trend takes it.

    `status`: reached, toward (with `eta`), away, stalled (a plateau) or unclear (no clear trend).
    """

    target: float
    current: float
    status: str
    per_week: float | None = None
    eta: date | None = None
    trend: TrendFinding | None = None

    @property
    def gap(self) -> float:
        """Target minus current (negative: weight to lose)."""
        return self.target - self.current


def goal_progress(
    points: Points, today: date, target: float | None, trend: TrendFinding | None, stalled: bool
) -> GoalProgress | None:
    """Progress toward the target weight; None without a target or a reading in the last week."""
    if target is None or target <= 0:
        return None
    recent = [v for d, v in points if today.toordinal() - d < GOAL_CURRENT_DAYS]
    if not recent:
        return None
    current = statistics.median(recent)
    gap = target - current
    if abs(gap) <= GOAL_REACHED_LBS:
        return GoalProgress(target, current, "reached")
    if stalled:
        return GoalProgress(target, current, "stalled")
    if trend is None or trend.per_week == 0:
        return GoalProgress(target, current, "unclear")
    rate = trend.per_week
    if rate * gap < 0:
        return GoalProgress(target, current, "away", rate, None, trend)
    weeks = gap / rate
    eta = today + timedelta(days=round(weeks * 7)) if weeks <= GOAL_MAX_WEEKS else None
    return GoalProgress(target, current, "toward", rate, eta, trend)


# -- weekly patterns ------------------------------------------------------------------------------------

PATTERN_DAYS = 84
PATTERN_METRICS = (
    (CALORIES, 250.0),
    (PROTEIN, 20.0),
    (SLEEP, 0.5),
    (STEPS, 2000.0),
)
PATTERN_MIN_WEEKEND, PATTERN_MIN_WEEKDAY = 6, 15
PATTERN_Z = z_critical(ALPHA, len(PATTERN_METRICS))
"""The normal-approximation bar of a weekend pattern (the test itself uses Student's t)."""


@dataclass(frozen=True)
class PatternFinding:
    """Weekend days differ from weekdays."""

    metric: Metric
    weekend: float
    weekday: float
    t: float
    weekend_days: int
    weekday_days: int

    @property
    def difference(self) -> float:
        """Weekend mean minus weekday mean."""
        return self.weekend - self.weekday


def weekend_patterns(days: Mapping[date, DailySnapshot], today: date) -> list[PatternFinding]:
    """Metrics whose weekend mean differs clearly from the weekday mean over the last twelve weeks."""
    found = []
    for metric, minimum in PATTERN_METRICS:
        weekend: list[float] = []
        weekday: list[float] = []
        for offset in range(PATTERN_DAYS):
            day = today - timedelta(days=offset)
            snapshot = days.get(day)
            if snapshot is None or (value := metric.value(snapshot)) is None:
                continue
            (weekend if day.weekday() >= 5 else weekday).append(value)
        if len(weekend) < PATTERN_MIN_WEEKEND or len(weekday) < PATTERN_MIN_WEEKDAY:
            continue
        test = welch(weekend, weekday)
        if test is None or abs(test.difference) < minimum:
            continue
        if abs(test.t) < t_critical(ALPHA, test.df, len(PATTERN_METRICS)):
            continue
        found.append(
            PatternFinding(
                metric,
                statistics.fmean(weekend),
                statistics.fmean(weekday),
                test.t,
                len(weekend),
                len(weekday),
            )
        )
    return found


# -- the whole picture ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """Everything the long-run detectors found for one user on one day."""

    today: date
    trends: list[TrendFinding]
    plateaus: list[PlateauFinding]
    goal: GoalProgress | None
    patterns: list[PatternFinding]

    def trend_of(self, metric: Metric) -> TrendFinding | None:
        """The strongest clear trend of a metric, if any."""
        return next((t for t in self.trends if t.metric is metric), None)


def picture(days: Mapping[date, DailySnapshot], *, today: date, target_weight: float | None) -> Picture:
    """Compute the long-run picture from a user's days (keyed by local date) on `today`."""
    trends: list[TrendFinding] = []
    weights: Points = []
    plateaus = []
    for metric in TREND_METRICS:
        points = series(days, today, metric)
        if metric is WEIGHT:
            weights = points
        trends += clear_trends(points, today, metric)
        if metric in PLATEAU_METRICS and (found := plateau(points, today, metric)) is not None:
            plateaus.append(found)
    weight_trend = next((t for t in trends if t.metric is WEIGHT), None)
    stalled = any(p.metric is WEIGHT for p in plateaus)
    goal = goal_progress(weights, today, target_weight, weight_trend, stalled)
    return Picture(today, trends, plateaus, goal, weekend_patterns(days, today))


def trend_sentence(trend: TrendFinding, units: u.Units) -> str:
    """E.g. "weight down 0.35 lbs/week over 52 weeks (-18.2 lbs, 190.1 → 171.9 lbs, 240 readings)"."""
    metric = trend.metric
    return (
        f"{metric.label} {trend.direction} {metric.show(abs(trend.per_week), units, finer=1)}/week "
        f"over {trend.scale.name} ({metric.show(trend.total, units, signed=True)}, "
        f"{metric.show(trend.start_value, units)} → {metric.show(trend.end_value, units)}, "
        f"{trend.readings} readings)"
    )


def goal_sentence(goal: GoalProgress, units: u.Units) -> str:
    """One line on the target weight."""
    head = f"target weight {WEIGHT.show(goal.target, units)}, now about {WEIGHT.show(goal.current, units)}"
    if goal.status == "reached":
        return f"{head}: reached"
    gap = WEIGHT.show(abs(goal.gap), units)
    if goal.status == "stalled":
        return f"{head}: {gap} to go, progress has stalled"
    if goal.status == "unclear" or goal.per_week is None:
        return f"{head}: {gap} to go, no clear trend yet"
    rate = WEIGHT.show(goal.per_week, units, signed=True, finer=1)
    if goal.status == "away":
        return f"{head}: the trend ({rate}/week) moves away from it"
    when = f"around {goal.eta.isoformat()}" if goal.eta else "in more than ten years at this rate"
    return f"{head}: {gap} to go at {rate}/week, {when}"


def plateau_sentence(found: PlateauFinding, units: u.Units) -> str:
    """One line on a plateau."""
    metric = found.metric
    return (
        f"{metric.label} steady at about {metric.show(found.level, units)} for {found.days // 7} weeks, "
        f"after {metric.show(found.prior_total, units, signed=True)} over the {found.prior_weeks} weeks "
        "before"
    )


def pattern_sentence(found: PatternFinding, units: u.Units) -> str:
    """One line on a weekend pattern."""
    metric = found.metric
    more = "higher" if found.difference > 0 else "lower"
    return (
        f"{metric.label} {metric.show(abs(found.difference), units)} {more} on weekends "
        f"({metric.show(found.weekend, units)} vs {metric.show(found.weekday, units)} on weekdays, "
        "last 12 weeks)"
    )


def describe(result: Picture, units: u.Units) -> str:
    """The coach's compact long-run block; "" when nothing is clear and there is no target."""
    lines = [f"- {trend_sentence(t, units)}" for t in result.trends]
    lines += [f"- plateau: {plateau_sentence(p, units)}" for p in result.plateaus]
    if result.goal is not None:
        lines.append(f"- {goal_sentence(result.goal, units)}")
    lines += [f"- pattern: {pattern_sentence(p, units)}" for p in result.patterns]
    if not lines:
        return ""
    header = "Long-run picture (robust trends over 4, 13 and 52 weeks; only clear findings):"
    return "\n".join([header, *lines])


def by_date(snapshots: Sequence[DailySnapshot]) -> dict[date, DailySnapshot]:
    """Snapshots keyed by their date (malformed dates skipped)."""
    out: dict[date, DailySnapshot] = {}
    for snapshot in snapshots:
        try:
            out[date.fromisoformat(snapshot.date)] = snapshot
        except ValueError:
            continue
    return out
