"""Decode a JSON answer the way the iOS app's `JSONDecoder` would (IOS_CONTRACT §2.2).

A schema maps keys to a type or a nested schema; `Opt(...)` marks an optional key. Ints must be integral
numbers (never bools or 12.5), Doubles accept ints, a missing or null required key fails, and so does a
present optional value of the wrong type. Extra keys are ignored, as in Swift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opt:
    """An optional (`T?`) field."""

    kind: Any


@dataclass(frozen=True)
class ListOf:
    """`[T]`."""

    kind: Any


@dataclass(frozen=True)
class MapOf:
    """`[String: T]`."""

    kind: Any


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def decode(value: Any, kind: Any, path: str = "$") -> None:
    """Raise AssertionError naming the path where the app's decoder would fail."""
    if isinstance(kind, Opt):
        if value is not None:
            decode(value, kind.kind, path)
        return
    assert value is not None, f"{path}: null for a required value"
    if kind is int:
        assert _is_number(value), f"{path}: not a number"
        assert float(value).is_integer(), f"{path}: {value} does not fit in Int"
    elif kind is float:
        assert _is_number(value), f"{path}: not a number"
    elif kind is str:
        assert isinstance(value, str), f"{path}: not a string"
    elif kind is bool:
        assert isinstance(value, bool), f"{path}: not a bool"
    elif isinstance(kind, ListOf):
        assert isinstance(value, list), f"{path}: not an array"
        for i, item in enumerate(value):
            decode(item, kind.kind, f"{path}[{i}]")
    elif isinstance(kind, MapOf):
        assert isinstance(value, dict), f"{path}: not an object"
        for key, item in value.items():
            decode(item, kind.kind, f"{path}.{key}")
    else:
        assert isinstance(value, dict), f"{path}: not an object"
        for key, sub in kind.items():
            if key not in value:
                assert isinstance(sub, Opt), f"{path}.{key}: missing"
                continue
            decode(value[key], sub, f"{path}.{key}")


PR = {"weight_lbs": float, "reps": int, "date": str, "e1rm": float}
SET_TRACKER = {
    "window_days": int,
    "muscle_groups": MapOf({"current": int, "min": int, "max": int, "status": str}),
    "last_sync": Opt(str),
}
LIFT_PROGRESS = {
    "lifts": ListOf(
        {
            "name": str,
            "workout_count": int,
            "current_pr": {"weight_lbs": float, "reps": int, "date": str},
            "history": ListOf({"date": str, "weight_lbs": float}),
        }
    )
}
RECENT_WORKOUTS = {
    "workouts": ListOf(
        {
            "id": str,
            "title": str,
            "date": str,
            "days_ago": int,
            "duration_minutes": int,
            "exercises": ListOf(str),
            "total_volume_lbs": float,
        }
    )
}
EXERCISES = {
    "exercises": ListOf(
        {
            "name": str,
            "workout_count": int,
            "current_pr": Opt(PR),
            "recent_trend": ListOf(float),
            "improvement": Opt(float),
        }
    ),
    "last_sync": Opt(str),
}
STRENGTH_HISTORY = {
    "exercise": str,
    "history": ListOf({"date": str, "e1rm": float, "weight_lbs": float, "reps": int}),
    "current_pr": Opt(PR),
    "trend": Opt(float),
}
TRAINING_SYNC = {"status": str, "workouts_processed": int, "exercises_updated": int, "error": Opt(str)}
HEVY_SYNC = {"status": str}
TRAINING_DAY = {"is_training_day": bool, "workout_name": Opt(str)}
