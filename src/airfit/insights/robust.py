"""Robust statistics for the long-run detectors: pure functions on plain numbers, no I/O.

- `theil_sen`: the median of pairwise slopes, with a standard error from the (outlier-clipped) spread of
  the residuals, inflated by the lag-1 autocorrelation of those residuals (day-to-day water weight is not
  independent noise), and the Mann–Kendall statistic over the same pairs. One wild reading moves neither
  the slope nor the error estimate.
- `welch`: two-sample t statistic with Welch–Satterthwaite degrees of freedom.
- `z_critical` / `t_critical`: two-sided critical values, used with a Bonferroni split of the error rate
  over every test a detector family runs.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MAD_TO_SD = 1.4826
"""Median absolute deviation of normal noise times this is its standard deviation."""
THEIL_SEN_EFFICIENCY = 0.91
"""Asymptotic efficiency of Theil–Sen against least squares under normal noise (variance 1/0.91 of it)."""
MAX_AUTOCORRELATION = 0.8
WINSOR = 3.0
WINSOR_SCALE = 2.5
EXACT = 1e-9
KENDALL_GUARD = 2.576
"""Two-sided 1 % for the Mann–Kendall check that backs a slope test."""


@dataclass(frozen=True)
class RobustFit:
    """A Theil–Sen line through (x, y) and how sure we are of its slope."""

    slope: float
    intercept: float
    se: float
    n: int
    span: float
    """max(x) - min(x)."""
    df: float = math.inf
    """Degrees of freedom of the spread estimate (points less two); autocorrelation widens `se` instead."""
    kendall_z: float = 0.0
    """Mann–Kendall trend statistic, with the same autocorrelation correction."""

    @property
    def evidence(self) -> float:
        """The slope's t statistic when the rank test agrees (Mann–Kendall significant at 1 %), else 0.

        The slope test has the power (a rank statistic saturates with few points); the rank test guards
        against a spread that happens to be underestimated.
        """
        if self.slope == 0 or self.kendall_z * self.slope <= 0 or abs(self.kendall_z) < KENDALL_GUARD:
            return 0.0
        return self.z

    @property
    def z(self) -> float:
        """Slope over its standard error (0 for a flat line, infinite for a perfect non-flat one)."""
        if self.slope == 0:
            return 0.0
        return math.copysign(math.inf, self.slope) if self.se == 0 else self.slope / self.se

    def at(self, x: float) -> float:
        """The fitted value at `x`."""
        return self.intercept + self.slope * x


def _lag1(residuals: Sequence[float], xs: Sequence[float], step: float, scale: float) -> float:
    """Lag-1 autocorrelation of residuals at neighbouring x (`step` apart), winsorized; 0 if unknown."""
    if scale <= 0:
        return 0.0
    clipped = [max(-WINSOR * scale, min(WINSOR * scale, r)) for r in residuals]
    pairs = [(clipped[i], clipped[i + 1]) for i in range(len(xs) - 1) if abs(xs[i + 1] - xs[i] - step) < 1e-9]
    if len(pairs) < 3:
        return 0.0
    mean = statistics.fmean(clipped)
    variance = statistics.fmean((c - mean) ** 2 for c in clipped)
    if variance == 0:
        return 0.0
    covariance = statistics.fmean((a - mean) * (b - mean) for a, b in pairs)
    return covariance / variance


def theil_sen(xs: Sequence[float], ys: Sequence[float], *, step: float = 1.0) -> RobustFit | None:
    """The robust line through the points (x ascending), or None with fewer than 3 points or no spread in x.

    `step` is the regular spacing of x (1 for daily values, 7 for weekly ones): residuals of points that far
    apart give the autocorrelation that widens the standard error (by sqrt((1 + r) / (1 - r)), r in [0, 0.8]).
    """
    n = len(xs)
    if n < 3 or n != len(ys):
        return None
    mean_x = statistics.fmean(xs)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slopes = [(ys[j] - ys[i]) / (xs[j] - xs[i]) for i in range(n) for j in range(i + 1, n) if xs[j] != xs[i]]
    slope = statistics.median(slopes)
    # Mann–Kendall S: ups minus downs over the same pairs (x ascending, so a pair's slope has their sign).
    kendall = sum(1 for s in slopes if s > 0) - sum(1 for s in slopes if s < 0)
    intercept = statistics.median(y - slope * x for x, y in zip(xs, ys, strict=True))
    residuals = [y - intercept - slope * x for x, y in zip(xs, ys, strict=True)]
    scale = _robust_scale(residuals)
    if scale <= EXACT * max(1.0, max(abs(y) for y in ys)):
        # The points lie on the line up to rounding: no noise, and no autocorrelation to find in rounding.
        scale = 0.0
    # The lag-1 estimate from a short series is biased low by about (1 + 3r) / n; add it back.
    raw = _lag1(residuals, xs, step, scale)
    rho = min(MAX_AUTOCORRELATION, max(0.0, raw + (1 + 3 * raw) / n))
    inflation = math.sqrt((1 + rho) / (1 - rho))
    se = scale / math.sqrt(sxx) / math.sqrt(THEIL_SEN_EFFICIENCY) * inflation
    # Without a tie correction the variance is too large when values tie, which only makes it stricter.
    kendall_sd = math.sqrt(n * (n - 1) * (2 * n + 5) / 18) * inflation
    kendall_z = (kendall - math.copysign(1, kendall)) / kendall_sd if kendall else 0.0
    return RobustFit(
        slope=slope,
        intercept=intercept,
        se=se,
        n=n,
        span=xs[-1] - xs[0],
        df=max(1.0, n - 2.0),
        kendall_z=kendall_z,
    )


def _robust_scale(residuals: Sequence[float]) -> float:
    """Standard deviation of the residuals with each clipped at 2.5 robust SDs (MAD-based).

    The MAD alone is robust but wobbles with twenty points; the clipped SD is nearly as efficient as the
    plain one and one wild reading still counts for no more than 2.5 SDs.
    """
    center = statistics.median(residuals)
    mad = MAD_TO_SD * statistics.median(abs(r - center) for r in residuals)
    limit = WINSOR_SCALE * mad if mad > 0 else math.inf
    clipped = [max(-limit, min(limit, r)) for r in residuals]
    return math.sqrt(sum(r * r for r in clipped) / max(1, len(clipped) - 2))


@dataclass(frozen=True)
class Welch:
    """Two-sample comparison: difference of means (a - b), its t statistic and degrees of freedom."""

    difference: float
    t: float
    df: float


def welch(a: Sequence[float], b: Sequence[float]) -> Welch | None:
    """Welch's t-test of mean(a) - mean(b); None with fewer than two values on a side or no variance."""
    if len(a) < 2 or len(b) < 2:
        return None
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    if va + vb == 0:
        return None
    difference = statistics.fmean(a) - statistics.fmean(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if va and vb else len(a) + len(b) - 2
    return Welch(difference=difference, t=difference / math.sqrt(va + vb), df=df)


def z_critical(alpha: float, tests: int = 1) -> float:
    """Two-sided normal critical value for error rate `alpha` split (Bonferroni) over `tests` tests."""
    return statistics.NormalDist().inv_cdf(1 - alpha / (2 * max(1, tests)))


def t_critical(alpha: float, df: float, tests: int = 1) -> float:
    """Two-sided Student t critical value (Cornish–Fisher expansion around the normal one, df >= 1)."""
    z = z_critical(alpha, tests)
    df = max(1.0, df)
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
