"""Daily health and nutrition totals shaped exactly like the iOS app's `POST /insights/sync` days.

A `Person` sets the levels, noise and weekly rhythm; effects change them from a chosen date. Each metric's
level moves by a rate per week (the person's own, plus any `Trend` in force, or none during a `Plateau`);
a reading is the level plus the weekend offset, noise and any `Anomaly`. Every day draws the same random
numbers in the same order whatever the effects, so data with an effect injected differs from the data
without it by that effect alone.

Encoding follows the app's (docs/ios-contract.md § Daily sync): the Int counters are always present (0
when nothing was logged), nil optionals are left out, a whole Double such as 1.0 is sent as 1,
`bedtime_consistency` is never sent.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

METRICS = (
    "weight_lbs",
    "body_fat_pct",
    "calories",
    "protein",
    "steps",
    "sleep_hours",
    "resting_hr",
    "hrv_ms",
)
"""The metrics effects can act on."""

HRV_BASELINE_DAYS = 30
HRV_BASELINE_MIN = 7
MISWEIGH_LBS = (3.0, 8.0)
"""Size range of the occasional wrong weigh-in (clothes on, another scale, a shifted foot)."""


@dataclass(frozen=True)
class Trend:
    """`metric` changes by `per_week` a week from `start` (inclusive) until `end` (exclusive, None: on)."""

    metric: str
    start: date
    per_week: float
    end: date | None = None


@dataclass(frozen=True)
class Plateau:
    """`metric` stops changing from `start` until `end`: every trend, the person's own included, pauses."""

    metric: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Anomaly:
    """`delta` added to `metric`'s readings for `days` days from `start` (one day: a single odd reading).

    A weight anomaly always produces a reading on its days, so an injected mis-weigh is never skipped.
    """

    metric: str
    start: date
    delta: float
    days: int = 1


@dataclass(frozen=True)
class Gap:
    """`days` days from `start` with no sync at all (phone lost, holiday): those dates are absent."""

    start: date
    days: int


Effect = Trend | Plateau | Anomaly | Gap


@dataclass(frozen=True)
class Person:
    """Levels, noise and habits of one simulated person (the defaults: a steady, active adult)."""

    weight_lbs: float = 185.0
    weight_per_week: float = 0.0
    weight_noise: float = 0.6
    weight_carryover: float = 0.5
    """Correlation of one day's water-weight swing with the next (real scale readings are not independent)."""
    misweigh_rate: float = 0.01
    body_fat_pct: float = 20.0
    body_fat_per_week: float = 0.0
    body_fat_noise: float = 0.4
    weigh_in_rate: float = 0.7
    calories: float = 2300.0
    calories_sd: float = 300.0
    protein: float = 160.0
    protein_sd: float = 22.0
    log_rate: float = 0.92
    """Share of days with food logged; the rest send all-zero nutrition, as the app does."""
    steps: float = 8500.0
    steps_sd: float = 2500.0
    sleep_hours: float = 7.2
    sleep_sd: float = 0.6
    resting_hr: float = 56.0
    resting_hr_sd: float = 2.0
    hrv_ms: float = 55.0
    hrv_sd: float = 8.0
    bedtime_minutes: int = 23 * 60
    weekend: Mapping[str, float] = field(
        default_factory=lambda: {"calories": 450.0, "protein": -15.0, "steps": -1500.0, "sleep_hours": 0.6}
    )
    """Saturday and Sunday offsets per metric."""
    missing_rate: float = 0.02
    watch_off_rate: float = 0.03


FLAT = Person(weekend={})
"""Realistic noise, gaps and zero days, but no trend and no weekly rhythm: detectors should find nothing."""


def _rates(person: Person) -> dict[str, float]:
    rates = dict.fromkeys(METRICS, 0.0)
    rates["weight_lbs"] = person.weight_per_week
    rates["body_fat_pct"] = person.body_fat_per_week
    return rates


def _levels(person: Person) -> dict[str, float]:
    return {
        "weight_lbs": person.weight_lbs,
        "body_fat_pct": person.body_fat_pct,
        "calories": person.calories,
        "protein": person.protein,
        "steps": person.steps,
        "sleep_hours": person.sleep_hours,
        "resting_hr": person.resting_hr,
        "hrv_ms": person.hrv_ms,
    }


def _active(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day < end)


def _daily_rate(metric: str, base: float, effects: Sequence[Effect], day: date) -> float:
    if any(isinstance(e, Plateau) and e.metric == metric and _active(e.start, e.end, day) for e in effects):
        return 0.0
    extra = sum(
        e.per_week
        for e in effects
        if isinstance(e, Trend) and e.metric == metric and _active(e.start, e.end, day)
    )
    return (base + extra) / 7


def _anomaly(metric: str, effects: Sequence[Effect], day: date) -> float | None:
    hits = [
        e.delta
        for e in effects
        if isinstance(e, Anomaly) and e.metric == metric and e.start <= day < e.start + timedelta(days=e.days)
    ]
    return sum(hits) if hits else None


def _in_gap(effects: Sequence[Effect], day: date) -> bool:
    return any(isinstance(e, Gap) and e.start <= day < e.start + timedelta(days=e.days) for e in effects)


def wire(value: float, digits: int) -> float | int:
    """A Double as Swift's JSONEncoder writes it: rounded, and whole values without a fraction."""
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass
class _Draws:
    """Every random number one day uses, drawn in a fixed order so effects never shift the stream."""

    weight_shock: float
    weighed: float
    misweigh: float
    misweigh_size: float
    body_fat: float
    logged: float
    calories: float
    protein: float
    fat_share: float
    entries: int
    steps: float
    active: float
    missing: float
    watch_off: float
    sleep: float
    incomplete: float
    efficiency: float
    deep: float
    rem: float
    onset: float
    resting_hr: float
    hrv: float

    @classmethod
    def of(cls, rnd: random.Random) -> _Draws:
        return cls(
            weight_shock=rnd.gauss(0, 1),
            weighed=rnd.random(),
            misweigh=rnd.random(),
            misweigh_size=rnd.uniform(*MISWEIGH_LBS) * rnd.choice((-1, 1)),
            body_fat=rnd.gauss(0, 1),
            logged=rnd.random(),
            calories=rnd.gauss(0, 1),
            protein=rnd.gauss(0, 1),
            fat_share=rnd.uniform(0.25, 0.35),
            entries=rnd.randint(2, 7),
            steps=rnd.gauss(0, 1),
            active=rnd.gauss(0, 1),
            missing=rnd.random(),
            watch_off=rnd.random(),
            sleep=rnd.gauss(0, 1),
            incomplete=rnd.random(),
            efficiency=rnd.gauss(0, 1),
            deep=rnd.uniform(0.12, 0.20),
            rem=rnd.uniform(0.18, 0.25),
            onset=rnd.gauss(0, 1),
            resting_hr=rnd.gauss(0, 1),
            hrv=rnd.gauss(0, 1),
        )


def as_date(value: date | str | None) -> date:
    """An end date given as a date, an ISO string, or None for today (UTC)."""
    if value is None:
        return datetime.now(UTC).date()
    return date.fromisoformat(value) if isinstance(value, str) else value


def _check_metrics(effects: Sequence[Effect]) -> None:
    for effect in effects:
        metric = getattr(effect, "metric", None)
        if metric is not None and metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; one of {', '.join(METRICS)}")


def days(
    n: int,
    seed: int = 1,
    end: date | str | None = None,
    *,
    person: Person | None = None,
    effects: Sequence[Effect] = (),
) -> list[dict[str, Any]]:
    """`n` days ending at `end` (default today), oldest first, as the iOS app sends them.

    Dates inside a `Gap`, and about `person.missing_rate` of the others, are absent.
    """
    person = person or Person()
    _check_metrics(effects)
    rnd = random.Random(seed)
    last = as_date(end)
    first = last - timedelta(days=n - 1)
    levels, rates = _levels(person), _rates(person)
    shock = 0.0
    hrv_history: list[float] = []
    out: list[dict[str, Any]] = []
    for i in range(n):
        day = first + timedelta(days=i)
        draws = _Draws.of(rnd)
        if i:
            for metric in METRICS:
                levels[metric] += _daily_rate(metric, rates[metric], effects, day - timedelta(days=1))
        carry = person.weight_carryover
        shock = carry * shock + math.sqrt(1 - carry**2) * draws.weight_shock
        if _in_gap(effects, day) or draws.missing < person.missing_rate:
            continue
        weekend = day.weekday() >= 5

        def level(metric: str, *, weekend: bool = weekend, day: date = day) -> float:
            value = levels[metric] + (person.weekend.get(metric, 0.0) if weekend else 0.0)
            return value + (_anomaly(metric, effects, day) or 0.0)

        payload: dict[str, Any] = {"date": day.isoformat()}
        payload.update(_nutrition(person, draws, level))
        steps = max(300, round(level("steps") + person.steps_sd * draws.steps))
        payload["steps"] = steps
        payload["active_calories"] = max(0, round(steps * 0.035 + 60 * draws.active))
        payload.update(
            _body(person, draws, level, shock, forced=_anomaly("weight_lbs", effects, day) is not None)
        )
        watch_off = draws.watch_off < person.watch_off_rate
        if watch_off:
            payload.update(
                quality_score=0.3,
                quality_flags=["watch_likely_off", "no_sleep_data", "no_rhr_data", "no_hrv_data"],
                is_baseline_excluded=True,
            )
        else:
            payload.update(_recovery(person, draws, level, weekend, hrv_history))
            if steps < 1500:
                payload["quality_flags"].append("minimal_activity")
        out.append(payload)
    return out


def _nutrition(person: Person, draws: _Draws, level: Any) -> dict[str, int]:
    if draws.logged >= person.log_rate:
        return dict.fromkeys(("calories", "protein", "carbs", "fat", "nutrition_entries"), 0)
    calories = max(600, round(level("calories") + person.calories_sd * draws.calories))
    protein = max(20, round(level("protein") + person.protein_sd * draws.protein))
    fat = round(calories * draws.fat_share / 9)
    carbs = max(0, round((calories - 4 * protein - 9 * fat) / 4))
    return {
        "calories": calories,
        "protein": protein,
        "carbs": carbs,
        "fat": fat,
        "nutrition_entries": draws.entries,
    }


def _body(person: Person, draws: _Draws, level: Any, shock: float, *, forced: bool) -> dict[str, Any]:
    if draws.weighed >= person.weigh_in_rate and not forced:
        return {}
    weight = level("weight_lbs") + person.weight_noise * shock
    if draws.misweigh < person.misweigh_rate and not forced:
        weight += draws.misweigh_size
    body_fat = level("body_fat_pct") + person.body_fat_noise * draws.body_fat
    return {"weight_lbs": wire(weight, 1), "body_fat_pct": wire(body_fat, 1)}


def _recovery(
    person: Person, draws: _Draws, level: Any, weekend: bool, hrv_history: list[float]
) -> dict[str, Any]:
    flags: list[str] = []
    sleep = min(11.0, max(2.5, level("sleep_hours") + person.sleep_sd * draws.sleep))
    if draws.incomplete < 0.02:
        sleep, flags = sleep * 0.5, ["incomplete_sleep"]
    efficiency = min(0.98, max(0.75, 0.9 + 0.03 * draws.efficiency))
    onset = person.bedtime_minutes + (45 if weekend else 0) + round(30 * draws.onset)
    hrv = max(8.0, level("hrv_ms") + person.hrv_sd * draws.hrv)
    payload: dict[str, Any] = {
        "sleep_hours": wire(sleep, 2),
        "resting_hr": round(level("resting_hr") + person.resting_hr_sd * draws.resting_hr),
        "hrv_ms": wire(hrv, 1),
        "sleep_efficiency": wire(efficiency, 3),
        "sleep_deep_pct": wire(draws.deep, 3),
        "sleep_core_pct": wire(efficiency - draws.deep - draws.rem, 3),
        "sleep_rem_pct": wire(draws.rem, 3),
        "sleep_onset_minutes": onset % 1440,
    }
    recent = hrv_history[-HRV_BASELINE_DAYS:]
    if len(recent) >= HRV_BASELINE_MIN:
        baseline = sum(recent) / len(recent)
        payload["hrv_baseline_ms"] = wire(baseline, 1)
        payload["hrv_deviation_pct"] = wire((hrv - baseline) / baseline * 100, 1)
    hrv_history.append(hrv)
    payload["quality_score"] = wire(0.7 if flags else 1.0, 2)
    payload["quality_flags"] = flags
    payload["is_baseline_excluded"] = False
    return payload
