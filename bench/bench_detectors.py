"""False alarms, power and speed of the statistical detectors, on the package's generated data (in process).

1. False alarms: for each seed, a flat person (realistic noise, mis-weighs, gaps, zero days; no trend and no
   weekly rhythm) with two years of history; every detector runs on every day of the second year, and the
   findings go through the insight store's own deduplication (`insights.service.is_duplicate`, 14 days).
   What gets stored is what a user would see: the bench prints stored insights per user-year.
2. Power: each realistic effect is injected (`airfit.demo` effects) into flat data for several seeds and the
   detectors run once, on the last day; the bench prints how often the expected finding is there, and any
   finding the effect does not explain (counted as a false alarm too).
3. Speed: every detector over three years of one user's days (the demo person, with workouts), median and
   worst of repeated runs.

usage: uv run python bench/bench_detectors.py [--seeds 20] [--power-seeds 10] [--step 1] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from airfit import demo
from airfit.health.models import DailySnapshot, HealthDay, NutritionDay
from airfit.insights.models import Insight
from airfit.insights.service import is_duplicate, recent
from airfit.insights.stats import detect
from airfit.profile.models import MacroTargets, UserProfile
from airfit.training.models import Workout
from airfit.training.strength import build_exercise_store, workout_days

END = date(2025, 6, 30)
HEALTH_KEYS = set(HealthDay.model_fields)
PROFILE = UserProfile(
    training_day_targets=MacroTargets(protein=160, calories=2300),
    rest_day_targets=MacroTargets(protein=160, calories=2300),
    target_weight_lbs=170,
)


def snapshots(days: Sequence[dict[str, Any]]) -> list[DailySnapshot]:
    """Sync-payload days as stored snapshots."""
    out = []
    for day in days:
        nutrition = NutritionDay(
            calories=day["calories"],
            protein=day["protein"],
            carbs=day["carbs"],
            fat=day["fat"],
            entry_count=day["nutrition_entries"],
        )
        health = HealthDay(**{k: v for k, v in day.items() if k in HEALTH_KEYS})
        out.append(DailySnapshot(date=day["date"], nutrition=nutrition, health=health))
    return out


def _until(snaps: Sequence[DailySnapshot], day: date) -> list[DailySnapshot]:
    key = day.isoformat()
    return [s for s in snaps if s.date <= key]


def false_alarms(seeds: int, step: int) -> tuple[list[int], Counter[str], float]:
    """Stored insights per simulated user-year on flat data, the fingerprints, and seconds spent."""
    per_year: list[int] = []
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    for seed in range(1, seeds + 1):
        snaps = snapshots(demo.days(730, 1000 + seed, END, person=demo.FLAT))
        stored: list[Insight] = []
        first = END - timedelta(days=364)
        for offset in range(0, 365, step):
            today = first + timedelta(days=offset)
            now = datetime.combine(today, clock(12), UTC)
            found = detect(_until(snaps, today), profile=PROFILE, today=today, now=now)
            window = recent(stored, now)
            for insight in found:
                if not is_duplicate(insight, window):
                    stored.append(insight)
                    window.insert(0, insight)
                    kinds[insight.fingerprint or insight.title] += 1
        per_year.append(len(stored))
    return per_year, kinds, time.perf_counter() - started


@dataclass(frozen=True)
class Scenario:
    """An injected effect and the findings that it explains (fingerprint prefixes); `expect` must appear."""

    name: str
    expect: str
    explains: tuple[str, ...]
    effects: Callable[[date], list[Any]] = lambda end: []
    person: demo.Person = demo.FLAT
    target_weight: float = 170


WEIGHT_FAMILY = ("weight_", "lean_mass_", "goal_progress:")


def _weeks(end: date, n: int) -> date:
    return end - timedelta(weeks=n)


SCENARIOS = (
    Scenario(
        "weight -0.35 lb/week for a year",
        "weight_trend:down",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 52), -0.35)],
        target_weight=150,
    ),
    Scenario(
        "same, with a 10 lb mis-weigh and a week without readings",
        "weight_trend:down",
        WEIGHT_FAMILY,
        lambda e: [
            demo.Trend("weight_lbs", _weeks(e, 52), -0.35),
            demo.Gap(e - timedelta(days=20), 7),
            demo.Anomaly("weight_lbs", e - timedelta(days=2), 10),
        ],
        target_weight=150,
    ),
    Scenario(
        "weight +0.5 lb/week for 13 weeks",
        "weight_trend:up",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 13), 0.5)],
    ),
    Scenario(
        "weight -1.5 lb/week for 4 weeks",
        "weight_trend:down",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 4), -1.5)],
    ),
    Scenario(
        "body fat -0.1 %/week for 26 weeks",
        "body_fat_trend:down",
        ("body_fat_", "lean_mass_"),
        lambda e: [demo.Trend("body_fat_pct", _weeks(e, 26), -0.1)],
    ),
    Scenario(
        "calories -70 kcal/week for 8 weeks",
        "calories_trend:down",
        ("calories_",),
        lambda e: [demo.Trend("calories", _weeks(e, 8), -70)],
    ),
    Scenario(
        "protein +4 g/week for 8 weeks (subtle: 1.5 daily SDs)",
        "protein_trend:up",
        ("protein_",),
        lambda e: [demo.Trend("protein", _weeks(e, 8), 4)],
    ),
    Scenario(
        "sleep -0.08 h/week for 13 weeks (subtle: 1.7 daily SDs)",
        "sleep_trend:down",
        ("sleep_",),
        lambda e: [demo.Trend("sleep_hours", _weeks(e, 13), -0.08)],
    ),
    Scenario(
        "resting HR +0.35 bpm/week for 13 weeks",
        "resting_hr_trend:up",
        ("resting_hr_",),
        lambda e: [demo.Trend("resting_hr", _weeks(e, 13), 0.35)],
    ),
    Scenario(
        "HRV -0.8 ms/week for 13 weeks (subtle: 1.3 daily SDs)",
        "hrv_trend:down",
        ("hrv_",),
        lambda e: [demo.Trend("hrv_ms", _weeks(e, 13), -0.8)],
    ),
    Scenario(
        "protein +6 g/week for 8 weeks",
        "protein_trend:up",
        ("protein_",),
        lambda e: [demo.Trend("protein", _weeks(e, 8), 6)],
    ),
    Scenario(
        "sleep -0.12 h/week for 13 weeks",
        "sleep_trend:down",
        ("sleep_",),
        lambda e: [demo.Trend("sleep_hours", _weeks(e, 13), -0.12)],
    ),
    Scenario(
        "HRV -1.5 ms/week for 13 weeks",
        "hrv_trend:down",
        ("hrv_",),
        lambda e: [demo.Trend("hrv_ms", _weeks(e, 13), -1.5)],
    ),
    Scenario(
        "weight -1 lb/week for 16 weeks, then 4 weeks flat",
        "weight_plateau",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 20), -1.0, _weeks(e, 4))],
        target_weight=150,
    ),
    Scenario(
        "weight -1 lb/week for 16 weeks, then 6 weeks flat",
        "weight_plateau",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 22), -1.0, _weeks(e, 6))],
        target_weight=150,
    ),
    Scenario(
        "weight -0.5 lb/week for 26 weeks toward a target",
        "goal_progress:toward",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 26), -0.5)],
        target_weight=160,
    ),
    Scenario(
        "weight +0.5 lb/week for 20 weeks, target below",
        "goal_progress:away",
        WEIGHT_FAMILY,
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 20), 0.5)],
    ),
    Scenario(
        "weekend calories +450 kcal",
        "calories_weekend:higher",
        ("calories_",),
        person=replace(demo.FLAT, weekend={"calories": 450.0}),
    ),
    Scenario(
        "weekend sleep +0.7 h",
        "sleep_weekend:higher",
        ("sleep_",),
        person=replace(demo.FLAT, weekend={"sleep_hours": 0.7}),
    ),
    Scenario(
        "weekend steps -3000",
        "steps_weekend:lower",
        ("steps_",),
        person=replace(demo.FLAT, weekend={"steps": -3000.0}),
    ),
    Scenario(
        "weight -0.35 lb/week for a year: never a plateau",
        "weight_trend:down",
        ("weight_trend", "lean_mass_", "goal_progress:"),
        lambda e: [demo.Trend("weight_lbs", _weeks(e, 52), -0.35)],
        target_weight=150,
    ),
    Scenario(
        "a 10 lb mis-weigh yesterday (expect nothing)",
        "",
        (),
        lambda e: [demo.Anomaly("weight_lbs", e - timedelta(days=1), 10)],
    ),
)


def power(seeds: int) -> list[tuple[Scenario, int, Counter[str]]]:
    """For each scenario: seeds where the expected finding appeared, and the unexplained findings."""
    results = []
    for scenario in SCENARIOS:
        hits, unexplained = 0, Counter[str]()
        for seed in range(1, seeds + 1):
            days = demo.days(730, 2000 + seed, END, person=scenario.person, effects=scenario.effects(END))
            profile = PROFILE.model_copy(update={"target_weight_lbs": scenario.target_weight})
            found = detect(snapshots(days), profile=profile, today=END)
            prints = {i.fingerprint or i.title for i in found}
            hits += not scenario.expect or scenario.expect in prints
            for fingerprint in prints:
                if not scenario.explains or not fingerprint.startswith(scenario.explains):
                    unexplained[fingerprint] += 1
        results.append((scenario, hits, unexplained))
    return results


def speed(runs: int) -> tuple[float, float, int]:
    """Median and worst milliseconds of every detector over three years of one demo user."""
    days = demo.days(1095, 1, END)
    raw = demo.workouts(156, 1, END - timedelta(days=1))
    workouts = [Workout.model_validate(w) for w in raw]
    snaps = snapshots(days)
    blocks = workout_days(workouts, UTC)
    for snap in snaps:
        if snap.date in blocks:
            snap.workout = blocks[snap.date]
    exercises = build_exercise_store(workouts, UTC, datetime.now(UTC))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        detect(snaps, profile=PROFILE, today=END, exercises=exercises)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), len(snaps)


def _print_speed(runs: int) -> None:
    median, worst, n_days = speed(runs)
    print(
        f"speed: every detector over {n_days} days + 3 years of workouts: median {median:.1f} ms, "
        f"worst {worst:.1f} ms ({runs} runs)"
    )


def _print_power(seeds: int) -> None:
    results = power(seeds)
    print(f"\npower ({seeds} seeds each, detectors run on the last day):")
    total_unexplained = 0
    for scenario, hits, unexplained in results:
        extra = sum(unexplained.values())
        total_unexplained += extra
        listed = ", ".join(f"{k} x{v}" for k, v in unexplained.most_common()) or "none"
        target = scenario.expect or "nothing"
        print(f"  {hits:>2}/{seeds} {scenario.name}: {target}; unexplained: {listed}")
    print(f"  unexplained findings: {total_unexplained} in {len(results) * seeds} evaluations")


def _print_false_alarms(seeds: int, step: int) -> None:
    per_year, kinds, seconds = false_alarms(seeds, step)
    mean = statistics.fmean(per_year)
    print(
        f"\nfalse alarms on flat data: {mean:.2f} stored insights per user-year (max {max(per_year)}, "
        f"{sum(per_year)} over {seeds} user-years, evaluated every {step} day(s), {seconds:.0f} s)"
    )
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="simulated flat user-years")
    parser.add_argument("--power-seeds", type=int, default=10, help="seeds per injected effect")
    parser.add_argument("--step", type=int, default=1, help="days between evaluations in the flat years")
    parser.add_argument("--runs", type=int, default=30, help="timed runs over three years")
    parser.add_argument("--only", choices=("speed", "power", "false-alarms"), help="run one part")
    args = parser.parse_args()
    if args.only in (None, "speed"):
        _print_speed(args.runs)
    if args.only in (None, "power"):
        _print_power(args.power_seeds)
    if args.only in (None, "false-alarms"):
        _print_false_alarms(args.seeds, args.step)


if __name__ == "__main__":
    main()
