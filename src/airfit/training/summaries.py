"""Training text blocks for the coach's prompts: recent workouts and the week's working sets per muscle.

Both read stored data only; they never call Hevy, so a chat turn costs no Hevy request.
"""

from __future__ import annotations

from datetime import date, tzinfo

from airfit.storage import DocumentStore
from airfit.training.models import WORKOUTS, Workout, WorkoutExercise, WorkoutsDoc
from airfit.training.muscles import ZONES, status_of
from airfit.training.strength import load_text, local_date
from airfit.training.views import muscle_sets, newest_first, window_start
from airfit.units import STORED, Units
from airfit.users.service import UserService, local_today

SET_TRACKER_DAYS = 7
MAX_EXERCISES_PER_WORKOUT = 6
# Notes are the user's own words going into a prompt: one line, bounded, quoted.
MAX_NOTE_CHARS = 200
_STATUS_ORDER = {"below": 0, "at_floor": 1, "in_zone": 2, "above": 3}


def _note(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_NOTE_CHARS]


def _when(day: date, today: date) -> str:
    delta = (today - day).days
    if delta <= 0:
        return "Today"
    if delta == 1:
        return "Yesterday"
    return f"{delta} days ago"


def _exercise_line(exercise: WorkoutExercise, units: Units) -> str:
    working = exercise.working_sets
    reps = sum(s.reps or 0 for s in working)
    heaviest = max((s.weight_kg or 0.0 for s in working), default=0.0)
    shown = load_text(heaviest, units).replace(" ", "")
    load = f"{len(working)}×{shown}" if heaviest > 0 else f"{len(working)} sets"
    line = f"  - {exercise.title}: {load}, {reps} reps"
    note = _note(exercise.notes)
    return f"{line} [{note}]" if note else line


def _workout_block(workout: Workout, tz: tzinfo, today: date, units: Units) -> list[str]:
    lines = [f"\n{workout.title} ({_when(local_date(workout, tz), today)}, {workout.duration_minutes}min):"]
    description = _note(workout.description)
    if description:
        lines.append(f'  Notes: "{description}"')
    lines.extend(_exercise_line(e, units) for e in workout.exercises[:MAX_EXERCISES_PER_WORKOUT])
    return lines


def format_recent_workouts(
    doc: WorkoutsDoc, tz: tzinfo, today: date, limit: int, units: Units = STORED
) -> str:
    """The Hevy block of the chat context, loads in the user's units; "" when nothing is stored."""
    workouts = newest_first(doc)[:limit]
    if not workouts:
        return ""
    lines = ["Recent workouts from Hevy:"]
    for workout in workouts:
        lines.extend(_workout_block(workout, tz, today, units))
    return "\n".join(lines)


def format_set_tracker(doc: WorkoutsDoc, tz: tzinfo, today: date) -> str:
    """`Rolling 7-day training volume: chest 12 (at minimum), ...`; "" when there is nothing to say."""
    counts = muscle_sets(list(doc.workouts.values()), tz, window_start(today, SET_TRACKER_DAYS))
    entries = []
    for muscle, zone in ZONES.items():
        status = status_of(counts[muscle], zone)
        if counts[muscle] == 0 and status == "below":
            continue
        text = {
            "in_zone": "good",
            "below": f"below min {zone.min}",
            "at_floor": "at minimum",
            "above": f"above max {zone.max}",
        }[status]
        entries.append((_STATUS_ORDER[status], muscle, f"{muscle} {counts[muscle]} ({text})"))
    if not entries:
        return ""
    return f"Rolling {SET_TRACKER_DAYS}-day training volume: " + ", ".join(e[2] for e in sorted(entries))


async def _context(
    store: DocumentStore, users: UserService, user_id: str
) -> tuple[WorkoutsDoc, tzinfo, date]:
    doc = await store.read(user_id, WORKOUTS)
    tz = await users.timezone_of(user_id)
    return doc, tz, local_today(tz)


async def recent_workouts_text(
    *, store: DocumentStore, users: UserService, user_id: str, limit: int = 5
) -> str:
    """The user's latest stored workouts as prompt text."""
    doc, tz, today = await _context(store, users, user_id)
    return format_recent_workouts(doc, tz, today, limit, await users.units_of(user_id))


async def set_tracker_text(*, store: DocumentStore, users: UserService, user_id: str) -> str:
    """The user's rolling 7-day working sets per muscle as one prompt line."""
    doc, tz, today = await _context(store, users, user_id)
    return format_set_tracker(doc, tz, today)
