"""Strength calculations over stored workouts: e1RM, PRs, daily bests and trends.

Everything here is a pure function of the stored workouts and the user's time zone, so a sync can rebuild
the derived documents from scratch: an edited or deleted workout corrects PRs downward.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from airfit.health.models import WorkoutDay
from airfit.health.models import WorkoutExercise as DayExercise
from airfit.training.models import (
    ExerciseHistory,
    ExerciseStore,
    Performance,
    PersonalRecord,
    Workout,
    WorkoutSet,
)
from airfit.units import Quantity, Units, text

# Exact pounds per kilogram: 2.205 drifts by 0.02 %, enough to flip a PR by 0.1 lb.
KG_TO_LB = 2.20462
RANKING_SIZE = 20
# One rule for the exercise list's `improvement` and the chart's `trend`, so the two never disagree:
# an OLS slope needs a few points spread over at least two weeks to mean anything.
MIN_TREND_POINTS = 4
MIN_TREND_SPAN_DAYS = 14


def e1rm(weight_lbs: float, reps: int) -> float:
    """Epley estimated one-rep max in lbs: 0 without weight or reps, the weight itself for a single."""
    if weight_lbs <= 0 or reps <= 0:
        return 0.0
    if reps == 1:
        return round(weight_lbs, 1)
    return round(weight_lbs * (1 + reps / 30), 1)


def to_lbs(weight_kg: float | None) -> float:
    """Kilograms (None for bodyweight) to pounds."""
    return (weight_kg or 0.0) * KG_TO_LB


def load_text(weight_kg: float | None, units: Units, *, digits: int | None = None) -> str:
    """A training load (stored in kg, as Hevy sends it) as the reader reads it ("176 lbs", "80.0 kg")."""
    return text(to_lbs(weight_kg), Quantity.MASS, units, digits=digits)


def local_date(workout: Workout, tz: tzinfo) -> date:
    """The user's calendar date of a workout's start: the one rule every view uses."""
    return workout.start_time.astimezone(tz).date()


def working_volume_kg(workout: Workout) -> float:
    """Sum of weight x reps over working sets (warm-ups and bodyweight sets add nothing)."""
    return sum((s.weight_kg or 0.0) * (s.reps or 0) for e in workout.exercises for s in e.working_sets)


@dataclass
class _DayBest:
    weight_lbs: float = 0.0
    reps: int = 0
    e1rm: float = 0.0
    sets: int = 0

    def add(self, item: WorkoutSet) -> None:
        self.sets += 1
        weight, reps = to_lbs(item.weight_kg), item.reps or 0
        estimate = e1rm(weight, reps)
        if (estimate, weight) > (self.e1rm, self.weight_lbs):
            self.weight_lbs, self.reps, self.e1rm = weight, reps, estimate


def build_exercise_store(workouts: Iterable[Workout], tz: tzinfo, synced_at: datetime) -> ExerciseStore:
    """Per exercise and local date, the best working set of all that day's workouts, plus PRs and ranking.

    Exercises only ever done with bodyweight (no load) have no e1RM and are not tracked here; their sets
    still count in the set tracker and workout summaries.
    """
    days: dict[str, dict[date, _DayBest]] = defaultdict(lambda: defaultdict(_DayBest))
    for workout in workouts:
        day = local_date(workout, tz)
        for exercise in workout.exercises:
            for item in exercise.working_sets:
                days[exercise.title][day].add(item)
    exercises: dict[str, ExerciseHistory] = {}
    for name, by_day in days.items():
        performances = [
            Performance(
                date=day,
                best_weight_lbs=round(best.weight_lbs, 1),
                best_reps=best.reps,
                total_sets=best.sets,
                e1rm=best.e1rm,
            )
            for day, best in sorted(by_day.items())
            if best.e1rm > 0
        ]
        if performances:
            exercises[name] = ExerciseHistory(
                performances=performances,
                current_pr=personal_record(performances),
                workout_count=len(performances),
            )
    return ExerciseStore(exercises=exercises, exercise_ranking=ranking(exercises), last_sync=synced_at)


def personal_record(performances: list[Performance]) -> PersonalRecord | None:
    """The highest e1RM (the earliest day on a tie: when the record was set)."""
    if not performances:
        return None
    best = max(performances, key=lambda p: (p.e1rm, -p.date.toordinal()))
    return PersonalRecord(
        weight_lbs=best.best_weight_lbs, reps=best.best_reps, date=best.date, e1rm=best.e1rm
    )


def ranking(exercises: dict[str, ExerciseHistory]) -> list[str]:
    """The most frequently trained exercises, ties by name."""
    ordered = sorted(exercises.items(), key=lambda kv: (-kv[1].workout_count, kv[0]))
    return [name for name, _ in ordered[:RANKING_SIZE]]


def trend_per_month(performances: list[Performance]) -> float | None:
    """OLS slope of e1RM against days, in lbs per 30 days; None below the evidence threshold."""
    if len(performances) < MIN_TREND_POINTS:
        return None
    first = performances[0].date
    xs = [(p.date - first).days for p in performances]
    if xs[-1] - xs[0] < MIN_TREND_SPAN_DAYS:
        return None
    ys = [p.e1rm for p in performances]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    denominator = sum((x - mean_x) ** 2 for x in xs)
    if denominator == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator
    return round(slope * 30, 1)


def workout_days(workouts: Iterable[Workout], tz: tzinfo) -> dict[str, WorkoutDay]:
    """The daily `workout` blocks of the context store, by local `YYYY-MM-DD` (working sets' volume)."""
    by_day: dict[str, list[Workout]] = defaultdict(list)
    for workout in workouts:
        by_day[local_date(workout, tz).isoformat()].append(workout)
    return {day: _workout_day(sorted(items, key=lambda w: w.start_time)) for day, items in by_day.items()}


def _workout_day(workouts: list[Workout]) -> WorkoutDay:
    exercises = []
    for workout in workouts:
        for exercise in workout.exercises:
            working = exercise.working_sets
            exercises.append(
                DayExercise(
                    name=exercise.title,
                    sets=len(exercise.sets),
                    working_sets=len(working),
                    total_reps=sum(s.reps or 0 for s in working),
                    max_weight_kg=max((s.weight_kg or 0.0 for s in working), default=0.0),
                )
            )
    return WorkoutDay(
        workout_count=len(workouts),
        total_duration_minutes=sum(w.duration_minutes for w in workouts),
        total_volume_kg=round(sum(working_volume_kg(w) for w in workouts), 1),
        exercises=exercises,
        workout_titles=[w.title for w in workouts],
    )
