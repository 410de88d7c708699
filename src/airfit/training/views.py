"""Response bodies of the training endpoints, computed from stored documents only (pure functions)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from airfit.training.models import (
    ExercisePR,
    ExercisesResponse,
    ExerciseStore,
    HistoryPoint,
    Lift,
    LiftPoint,
    LiftPR,
    LiftProgressResponse,
    MuscleVolume,
    Performance,
    PersonalRecord,
    RecentWorkoutsResponse,
    SetTrackerResponse,
    StrengthHistoryResponse,
    TrackedExercise,
    TrainingDayResponse,
    Workout,
    WorkoutsDoc,
    WorkoutSummary,
)
from airfit.training.muscles import ZONES, muscles_for, status_of
from airfit.training.strength import KG_TO_LB, local_date, personal_record, trend_per_month, working_volume_kg

LIFT_HISTORY_POINTS = 20
RECENT_TREND_POINTS = 8
# A logged session counts as training for the nutrition targets when it is this substantial.
TRAINING_DAY_MIN_MINUTES = 20
TRAINING_DAY_MIN_EXERCISES = 3
SORTS = ("frequency", "most_improved", "least_improved")


def window_start(today: date, days: int) -> date:
    """First date of an N-day window ending today: exactly N dates."""
    return today - timedelta(days=days - 1)


def newest_first(doc: WorkoutsDoc) -> list[Workout]:
    """Stored workouts, most recent start first."""
    return sorted(doc.workouts.values(), key=lambda w: (w.start_time, w.id), reverse=True)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def muscle_sets(workouts: list[Workout], tz: tzinfo, start: date) -> dict[str, int]:
    """Working sets per muscle group for workouts on or after `start` (local dates)."""
    counts = dict.fromkeys(ZONES, 0)
    for workout in workouts:
        if local_date(workout, tz) < start:
            continue
        for exercise in workout.exercises:
            working = len(exercise.working_sets)
            for muscle in muscles_for(exercise.title):
                counts[muscle] += working
    return counts


def set_tracker(doc: WorkoutsDoc, tz: tzinfo, today: date, days: int) -> SetTrackerResponse:
    """`GET /hevy/set-tracker`: all ten groups, always."""
    counts = muscle_sets(list(doc.workouts.values()), tz, window_start(today, days))
    groups = {
        muscle: MuscleVolume(
            current=counts[muscle], min=zone.min, max=zone.max, status=status_of(counts[muscle], zone)
        )
        for muscle, zone in ZONES.items()
    }
    return SetTrackerResponse(
        window_days=days, muscle_groups=groups, last_sync=_iso(doc.sync.last_success_at)
    )


def _pr(record: PersonalRecord) -> ExercisePR:
    return ExercisePR(
        weight_lbs=record.weight_lbs, reps=record.reps, date=record.date.isoformat(), e1rm=record.e1rm
    )


def lift_progress(store: ExerciseStore, top_n: int) -> LiftProgressResponse:
    """`GET /hevy/lift-progress`: the most trained lifts, PR by e1RM like the rest of the store."""
    lifts = []
    for name in _by_frequency(store)[:top_n]:
        history = store.exercises[name]
        if history.current_pr is None:
            continue
        pr = history.current_pr
        lifts.append(
            Lift(
                name=name,
                workout_count=history.workout_count,
                current_pr=LiftPR(weight_lbs=pr.weight_lbs, reps=pr.reps, date=pr.date.isoformat()),
                history=[
                    LiftPoint(date=p.date.isoformat(), weight_lbs=p.best_weight_lbs)
                    for p in history.performances[-LIFT_HISTORY_POINTS:]
                ],
            )
        )
    return LiftProgressResponse(lifts=lifts)


def _by_frequency(store: ExerciseStore) -> list[str]:
    return sorted(store.exercises, key=lambda n: (-store.exercises[n].workout_count, n))


def recent_workouts(doc: WorkoutsDoc, tz: tzinfo, today: date, limit: int) -> RecentWorkoutsResponse:
    """`GET /hevy/recent-workouts`: newest first, local `YYYY-MM-DD` dates (docs/ios-contract.md § Dates)."""
    summaries = []
    for workout in newest_first(doc)[:limit]:
        day = local_date(workout, tz)
        summaries.append(
            WorkoutSummary(
                id=workout.id,
                title=workout.title,
                date=day.isoformat(),
                days_ago=max(0, (today - day).days),
                duration_minutes=workout.duration_minutes,
                exercises=[e.title for e in workout.exercises],
                total_volume_lbs=round(working_volume_kg(workout) * KG_TO_LB, 1),
            )
        )
    return RecentWorkoutsResponse(workouts=summaries)


def _window(performances: list[Performance], start: date | None) -> list[Performance]:
    return performances if start is None else [p for p in performances if p.date >= start]


def exercises(
    store: ExerciseStore, today: date, *, limit: int, sort_by: str, days: int | None
) -> ExercisesResponse:
    """`GET /training/exercises`; an unknown `sort_by` means frequency (the app may send one this lacks)."""
    start = window_start(today, days) if days else None
    tracked = []
    for name, history in store.exercises.items():
        points = _window(history.performances, start)
        if not points:
            continue
        pr = personal_record(points)
        tracked.append(
            TrackedExercise(
                name=name,
                workout_count=len(points),
                current_pr=_pr(pr) if pr else None,
                recent_trend=[p.e1rm for p in points[-RECENT_TREND_POINTS:]],
                improvement=trend_per_month(points),
            )
        )
    if sort_by in ("most_improved", "least_improved"):
        sign = 1.0 if sort_by == "least_improved" else -1.0
        gains = {t.name: t.improvement for t in tracked if t.improvement is not None}
        tracked = [t for t in tracked if t.name in gains]
        tracked.sort(key=lambda t: (sign * gains[t.name], t.name))
    else:
        tracked.sort(key=lambda t: (-t.workout_count, t.name))
    return ExercisesResponse(exercises=tracked[:limit], last_sync=_iso(store.last_sync))


def strength_history(store: ExerciseStore, exercise: str, today: date, days: int) -> StrengthHistoryResponse:
    """`GET /training/strength-history`: the window's daily bests, the all-time PR and the trend."""
    history = store.exercises.get(exercise)
    if history is None:
        return StrengthHistoryResponse(exercise=exercise, history=[])
    points = _window(history.performances, window_start(today, days))
    return StrengthHistoryResponse(
        exercise=exercise,
        history=[
            HistoryPoint(date=p.date.isoformat(), e1rm=p.e1rm, weight_lbs=p.best_weight_lbs, reps=p.best_reps)
            for p in points
        ],
        current_pr=_pr(history.current_pr) if history.current_pr else None,
        trend=trend_per_month(points),
    )


def training_day(doc: WorkoutsDoc, tz: tzinfo, today: date) -> TrainingDayResponse:
    """`GET /nutrition/training-day`: a substantial workout on the user's local today."""
    for workout in newest_first(doc):
        day = local_date(workout, tz)
        if day < today:
            break
        substantial = (
            workout.duration_minutes >= TRAINING_DAY_MIN_MINUTES
            or len(workout.exercises) >= TRAINING_DAY_MIN_EXERCISES
        )
        if day == today and substantial:
            return TrainingDayResponse(is_training_day=True, workout_name=workout.title)
    return TrainingDayResponse(is_training_day=False)
