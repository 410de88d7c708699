"""Version 0 of `context_store.json`: the file of the single-user server that `airfit migrate` moves in.

It held `{snapshots, insights, last_sync, version}` with dataclass defaults and no type checks.
Insights now live in their own document (`airfit migrate` moves them out; any left here are dropped), and
every snapshot value is coerced into the current model's types, so one bad value cannot make the whole
store unreadable.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from airfit.coerce import Flag, Integer, Number, Text, TextList

_INTEGER: TypeAdapter[int | None] = TypeAdapter(Integer)
_NUMBER: TypeAdapter[float | None] = TypeAdapter(Number)
_TEXT: TypeAdapter[str | None] = TypeAdapter(Text)
_TEXTS: TypeAdapter[list[str]] = TypeAdapter(TextList)
_FLAG: TypeAdapter[bool] = TypeAdapter(Flag)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Field kinds of the legacy snapshot blocks: "int" (0 when unknown), "int?", "float", "float?", "str?",
# "[str]", "bool". `protein_per_lb` and `caloric_balance` were never computed and are not carried over.
NUTRITION = {"calories": "int", "protein": "int", "carbs": "int", "fat": "int", "entry_count": "int"}
HEALTH = {
    "steps": "int",
    "active_calories": "int",
    "weight_lbs": "float?",
    "body_fat_pct": "float?",
    "lean_mass_lbs": "float?",
    "sleep_hours": "float?",
    "resting_hr": "int?",
    "hrv_ms": "float?",
    "vo2_max": "float?",
    "sleep_efficiency": "float?",
    "sleep_deep_pct": "float?",
    "sleep_core_pct": "float?",
    "sleep_rem_pct": "float?",
    "sleep_onset_minutes": "int?",
    "hrv_baseline_ms": "float?",
    "hrv_deviation_pct": "float?",
    "bedtime_consistency": "str?",
    "quality_score": "float?",
    "quality_flags": "[str]",
    "is_baseline_excluded": "bool",
}
WORKOUT = {"workout_count": "int", "total_duration_minutes": "int", "total_volume_kg": "float"}
EXERCISE = {"sets": "int", "total_reps": "int", "max_weight_kg": "float"}


def _value(kind: str, raw: Any) -> Any:
    value: float | None
    if kind.startswith("int"):
        value = _INTEGER.validate_python(raw)
    elif kind.startswith("float"):
        value = _NUMBER.validate_python(raw)
    elif kind == "str?":
        return _TEXT.validate_python(raw)
    elif kind == "[str]":
        return _TEXTS.validate_python(raw)
    else:
        return _FLAG.validate_python(raw)
    if value is None and not kind.endswith("?"):
        return 0
    return value


def _block(spec: dict[str, str], raw: Any) -> dict[str, Any]:
    source = raw if isinstance(raw, dict) else {}
    return {name: _value(kind, source[name]) for name, kind in spec.items() if name in source}


def _exercise(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or _TEXT.validate_python(raw.get("name")) is None:
        return None
    exercise = {"name": _TEXT.validate_python(raw["name"]), **_block(EXERCISE, raw)}
    # Migrated blocks counted every set, warm-ups included, and kept no working-set count: that count is the
    # best figure there is.
    exercise["working_sets"] = exercise.get("sets", 0)
    return exercise


def _workout(raw: Any) -> dict[str, Any]:
    workout = _block(WORKOUT, raw)
    if isinstance(raw, dict):
        exercises = raw.get("exercises")
        converted = [_exercise(e) for e in exercises] if isinstance(exercises, list) else []
        workout["exercises"] = [e for e in converted if e is not None]
        workout["workout_titles"] = _TEXTS.validate_python(raw.get("workout_titles"))
    return workout


def _snapshot(day: str, raw: dict[str, Any]) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "date": day,
        "nutrition": _block(NUTRITION, raw.get("nutrition")),
        "health": _block(HEALTH, raw.get("health")),
        "workout": _workout(raw.get("workout")),
        "sources_synced": _TEXTS.validate_python(raw.get("sources_synced")),
    }
    if _is_timestamp(raw.get("last_updated")):
        snapshot["last_updated"] = raw["last_updated"]
    return snapshot


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def legacy_context_store(data: Any) -> Any:
    """Version 0 -> 1 of `context_store.json`. Anything that is not an object is returned for the store to
    keep aside as unreadable."""
    if not isinstance(data, dict):
        return data
    snapshots = data.get("snapshots")
    converted = {
        day: _snapshot(day, raw)
        for day, raw in (snapshots.items() if isinstance(snapshots, dict) else [])
        if _DATE.fullmatch(day) and isinstance(raw, dict)
    }
    result: dict[str, Any] = {"snapshots": converted}
    if _is_timestamp(data.get("last_sync")):
        result["last_sync"] = data["last_sync"]
    return result
