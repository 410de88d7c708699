"""Workouts in the shapes of the public Hevy API (`GET /v1/workouts` items, `GET /v1/workouts/events`).

A push/pull/legs program on the lifter's training days, with double progression (reps climb to the top of
the range, then the weight goes up, more slowly as the lifter gets stronger), a deload week every few weeks,
ramped warm-up sets before the main lifts, accessory pairs done as supersets, the odd drop set or set to
failure, cardio finishers, and the life of a real log: some workouts are edited hours or days after saving
and some are deleted. `PR` and `Stall` inject a record or a stall on a chosen date.
"""

from __future__ import annotations

import copy
import hashlib
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from airfit.demo.days import as_date

ROUND_KG = 2.5


@dataclass(frozen=True)
class Lift:
    """One exercise of the program; `start_kg` None is a bodyweight lift."""

    title: str
    start_kg: float | None
    increment_kg: float
    reps: tuple[int, int]
    sets: int
    warmups: int = 0


BENCH = Lift("Bench Press (Barbell)", 70, 2.5, (5, 8), 3, warmups=3)
OHP = Lift("Overhead Press (Barbell)", 45, 2.5, (5, 8), 3, warmups=2)
INCLINE = Lift("Incline Bench Press (Dumbbell)", 24, 2, (8, 12), 3)
LATERAL = Lift("Lateral Raise (Dumbbell)", 8, 1, (12, 15), 3)
PUSHDOWN = Lift("Triceps Pushdown", 25, 2.5, (10, 15), 3)
DEADLIFT = Lift("Deadlift (Barbell)", 120, 5, (3, 5), 3, warmups=3)
PULL_UP = Lift("Pull Up", None, 0, (5, 10), 3)
ROW = Lift("Bent Over Row (Barbell)", 60, 2.5, (6, 10), 3, warmups=1)
CURL = Lift("Bicep Curl (Dumbbell)", 12, 1, (8, 12), 3)
FACE_PULL = Lift("Face Pull", 20, 2.5, (12, 15), 3)
SQUAT = Lift("Squat (Barbell)", 95, 2.5, (5, 8), 3, warmups=3)
RDL = Lift("Romanian Deadlift (Barbell)", 80, 2.5, (6, 10), 3, warmups=1)
LEG_PRESS = Lift("Leg Press", 140, 5, (8, 12), 3)
LEG_EXTENSION = Lift("Leg Extension (Machine)", 45, 2.5, (10, 15), 3)
CALF_RAISE = Lift("Standing Calf Raise", 60, 5, (10, 15), 3)

PROGRAM: dict[str, tuple[tuple[Lift, ...], ...]] = {
    "Push": ((BENCH,), (OHP,), (INCLINE, LATERAL), (PUSHDOWN,)),
    "Pull": ((DEADLIFT,), (PULL_UP,), (ROW,), (CURL, FACE_PULL)),
    "Legs": ((SQUAT,), (RDL,), (LEG_PRESS,), (LEG_EXTENSION, CALF_RAISE)),
}
"""Each day is a list of blocks; a block of two lifts is a superset."""
LIFTS = {lift.title: lift for day in PROGRAM.values() for block in day for lift in block}
CARDIO = "Treadmill"


@dataclass(frozen=True)
class PR:
    """On the first session of `exercise` on or after `on`, a top set beating the best so far by `factor`."""

    exercise: str
    on: date
    factor: float = 1.08


@dataclass(frozen=True)
class Stall:
    """No progress (weights and reps held) from `start` until `end` for `exercise`, or every lift if None."""

    start: date
    end: date | None = None
    exercise: str | None = None


@dataclass(frozen=True)
class Lifter:
    """Habits of one simulated lifter."""

    strength: float = 1.0
    """Multiplier of the program's starting weights."""
    weekdays: tuple[int, ...] = (0, 1, 3, 5)
    skip_rate: float = 0.1
    hour: int = 18
    deload_every_weeks: int = 8
    edit_rate: float = 0.05
    delete_rate: float = 0.02
    cardio_rate: float = 0.2
    effects: Sequence[PR | Stall] = field(default_factory=tuple)


@dataclass
class _LiftState:
    weight: float
    target_reps: int
    best_e1rm: float = 0.0


def template_id(title: str) -> str:
    """A stable Hevy-style exercise template id (8 upper-case hex digits) for a title."""
    return hashlib.sha256(title.encode()).hexdigest()[:8].upper()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _round_kg(kg: float) -> float:
    return round(round(kg / ROUND_KG) * ROUND_KG, 1)


def _e1rm(weight: float, reps: int) -> float:
    return weight * (1 + reps / 30)


@dataclass(frozen=True)
class HevyHistory:
    """Everything that happened in a Hevy account, oldest first: `(when, event)` in the events feed's shape.

    An event is `{"type": "updated", "workout": {...}}` (a save or an edit) or
    `{"type": "deleted", "id": ..., "deleted_at": ...}`.
    """

    events: tuple[tuple[datetime, dict[str, Any]], ...]

    def workouts(self, at: datetime | None = None) -> list[dict[str, Any]]:
        """The account's workouts as of `at` (default: the end), newest first as Hevy pages them."""
        current: dict[str, dict[str, Any]] = {}
        for moment, event in self.events:
            if at is not None and moment > at:
                break
            if event["type"] == "deleted":
                current.pop(event["id"], None)
            else:
                current[event["workout"]["id"]] = event["workout"]
        ordered = sorted(current.values(), key=lambda w: str(w["start_time"]), reverse=True)
        return copy.deepcopy(ordered)

    def feed(self, since: datetime) -> list[dict[str, Any]]:
        """`/v1/workouts/events` after `since`, newest first."""
        return [copy.deepcopy(e) for moment, e in reversed(self.events) if moment > since]

    def deleted_ids(self) -> list[str]:
        """Ids of the workouts that were deleted."""
        return [e["id"] for _, e in self.events if e["type"] == "deleted"]

    def edited_ids(self) -> list[str]:
        """Ids of the workouts saved more than once."""
        seen: dict[str, int] = {}
        for _, event in self.events:
            if event["type"] == "updated":
                wid = event["workout"]["id"]
                seen[wid] = seen.get(wid, 0) + 1
        return [wid for wid, count in seen.items() if count > 1]


class _Generator:
    def __init__(self, lifter: Lifter, seed: int) -> None:
        self.lifter = lifter
        self.rnd = random.Random(seed)
        self.lifts = {title: _LiftState(self.start_kg(lift), lift.reps[0]) for title, lift in LIFTS.items()}
        self.pending_prs = [e for e in lifter.effects if isinstance(e, PR)]
        for pr in self.pending_prs:
            if pr.exercise not in LIFTS:
                raise ValueError(f"unknown exercise {pr.exercise!r}; one of {', '.join(LIFTS)}")

    def start_kg(self, lift: Lift) -> float:
        return _round_kg(lift.start_kg * self.lifter.strength) if lift.start_kg else 0.0

    def stalled(self, title: str, day: date) -> bool:
        return any(
            isinstance(e, Stall)
            and (e.exercise is None or e.exercise == title)
            and e.start <= day
            and (e.end is None or day < e.end)
            for e in self.lifter.effects
        )

    def sets(self, lift: Lift, day: date, deload: bool) -> list[dict[str, Any]]:
        rnd, state = self.rnd, self.lifts[lift.title]
        weight = _round_kg(state.weight * 0.85) if deload and lift.start_kg else state.weight
        target = lift.reps[0] if deload else state.target_reps
        out: list[dict[str, Any]] = []
        for fraction, reps in list(zip((0.4, 0.6, 0.8), (10, 5, 3), strict=True))[3 - lift.warmups :]:
            out.append(_set(len(out), "warmup", _round_kg(weight * fraction), reps))
        achieved = []
        for k in range(lift.sets):
            miss = rnd.random() < 0.15 + 0.1 * k
            reps = max(1, target - (1 if miss else 0) + (1 if rnd.random() < 0.1 else 0))
            achieved.append(reps)
            kind = "normal"
            roll = rnd.random()
            if k == lift.sets - 1 and lift.start_kg and roll < 0.08:
                kind = "failure"
            out.append(_set(len(out), kind, weight if lift.start_kg else None, reps, rnd.choice(RPES)))
        if lift.start_kg and not lift.warmups and rnd.random() < 0.1:
            out.append(_set(len(out), "dropset", _round_kg(weight * 0.7), lift.reps[1]))
        pr = next((p for p in self.pending_prs if p.exercise == lift.title and p.on <= day), None)
        if pr is not None and lift.start_kg:
            self.pending_prs.remove(pr)
            top = _round_kg(state.best_e1rm * pr.factor / (1 + lift.reps[0] / 30) + ROUND_KG / 2)
            out.append(_set(len(out), "normal", top, lift.reps[0], 9.5))
        for item in out:
            if item["weight_kg"] and item["reps"] and item["type"] != "warmup":
                state.best_e1rm = max(state.best_e1rm, _e1rm(item["weight_kg"], item["reps"]))
        self.progress(lift, day, deload, achieved)
        return out

    def progress(self, lift: Lift, day: date, deload: bool, achieved: list[int]) -> None:
        rnd, state = self.rnd, self.lifts[lift.title]
        # Drawn every session, whether or not it is used, so effects never shift the random stream.
        chance = rnd.random()
        if deload or self.stalled(lift.title, day):
            return
        if min(achieved) >= lift.reps[1]:
            start = self.start_kg(lift) or 1.0
            # Strength comes ever more slowly: the heavier the bar relative to the start, the rarer a jump.
            if not lift.start_kg or chance < 1 / (1 + 3 * max(0.0, state.weight / start - 1)):
                state.weight = round(state.weight + lift.increment_kg, 1) if lift.start_kg else 0.0
                state.target_reps = lift.reps[0]
        elif chance < 0.6:
            state.target_reps = min(lift.reps[1], state.target_reps + 1)

    def workout(self, day: date, kind: str, number: int, first: date) -> dict[str, Any]:
        rnd, lifter = self.rnd, self.lifter
        deload = (
            lifter.deload_every_weeks > 0 and ((day - first).days // 7 + 1) % lifter.deload_every_weeks == 0
        )
        start = datetime.combine(day, time(lifter.hour), UTC) + timedelta(minutes=rnd.randint(-90, 90))
        exercises: list[dict[str, Any]] = []
        superset = 0
        for block in PROGRAM[kind]:
            group = superset if len(block) > 1 else None
            superset += len(block) > 1
            for lift in block:
                exercises.append(
                    {
                        "index": len(exercises),
                        "title": lift.title,
                        "notes": rnd.choice(("", "", "felt strong", "left shoulder tight", "slow bar speed")),
                        "exercise_template_id": template_id(lift.title),
                        "superset_id": group,
                        "sets": self.sets(lift, day, deload),
                    }
                )
        if rnd.random() < lifter.cardio_rate:
            minutes = rnd.randint(10, 25)
            exercises.append(
                {
                    "index": len(exercises),
                    "title": CARDIO,
                    "notes": None,
                    "exercise_template_id": template_id(CARDIO),
                    "superset_id": None,
                    "sets": [
                        {
                            "index": 0,
                            "type": "normal",
                            "weight_kg": None,
                            "reps": None,
                            "distance_meters": round(minutes * rnd.uniform(140, 190)),
                            "duration_seconds": minutes * 60,
                            "rpe": None,
                            "custom_metric": None,
                        }
                    ],
                }
            )
        total_sets = sum(len(e["sets"]) for e in exercises)
        end = start + timedelta(minutes=round(total_sets * rnd.uniform(2.0, 2.8)))
        return {
            "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "title": f"{kind} Day" + (" (deload)" if deload else ""),
            "description": "" if number % 5 else "Program week " + str((day - first).days // 7 + 1),
            "start_time": _stamp(start),
            "end_time": _stamp(end),
            "updated_at": _stamp(end),
            "created_at": _stamp(end),
            "exercises": exercises,
        }


RPES = (None, None, 7, 7.5, 8, 8.5, 9)


def _set(
    index: int, kind: str, weight: float | None, reps: int | None, rpe: float | None = None
) -> dict[str, Any]:
    return {
        "index": index,
        "type": kind,
        "weight_kg": weight,
        "reps": reps,
        "distance_meters": None,
        "duration_seconds": None,
        "rpe": rpe,
        "custom_metric": None,
    }


def _edit(workout: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The workout as corrected later: a miscounted set fixed, or a note added."""
    edited = copy.deepcopy(workout)
    exercise = rnd.choice(edited["exercises"])
    working = [s for s in exercise["sets"] if s["type"] == "normal" and s["reps"]]
    if working:
        working[-1]["reps"] += 1
    else:
        exercise["notes"] = "edited afterwards"
    return edited


def hevy_history(
    weeks: int, seed: int = 1, end: date | str | None = None, *, lifter: Lifter | None = None
) -> HevyHistory:
    """`weeks` of training ending on `end` (default today), edits and deletions up to that day's end.

    Workouts start around the lifter's hour on `end` too; end on yesterday when that could lie in the future.
    """
    lifter = lifter or Lifter()
    last = as_date(end)
    horizon = datetime.combine(last + timedelta(days=1), time(), UTC)
    first = last - timedelta(weeks=weeks)
    gen = _Generator(lifter, seed)
    events: list[tuple[datetime, dict[str, Any]]] = []
    day, number = first, 0
    kinds = list(PROGRAM)
    while day <= last:
        skip = gen.rnd.random() < lifter.skip_rate
        if day.weekday() in lifter.weekdays and not skip:
            workout = gen.workout(day, kinds[number % len(kinds)], number, first)
            number += 1
            saved = datetime.fromisoformat(workout["created_at"])
            events.append((saved, {"type": "updated", "workout": workout}))
            roll, delay = gen.rnd.random(), timedelta(minutes=gen.rnd.randint(10, 3 * 24 * 60))
            later = saved + delay
            if roll < lifter.delete_rate and later < horizon:
                events.append((later, {"type": "deleted", "id": workout["id"], "deleted_at": _stamp(later)}))
            elif roll < lifter.delete_rate + lifter.edit_rate and later < horizon:
                edited = _edit(workout, gen.rnd)
                edited["updated_at"] = _stamp(later)
                events.append((later, {"type": "updated", "workout": edited}))
        day += timedelta(days=1)
    events.sort(key=lambda pair: pair[0])
    return HevyHistory(tuple(events))


def workouts(
    weeks: int, seed: int = 1, end: date | str | None = None, *, lifter: Lifter | None = None
) -> list[dict[str, Any]]:
    """The workouts left at the end of `hevy_history(...)`, newest first (what `GET /v1/workouts` pages)."""
    return hevy_history(weeks, seed, end, lifter=lifter).workouts()
