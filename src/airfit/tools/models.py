"""The coach's data tools: argument models, their JSON schemas, and the `/tools/*` wire models.

Arguments are validated the way an LLM (or the iOS Gemini path) actually sends them: numbers as strings
are accepted, values out of range are clamped to the documented range, unusable values are a clear
error naming the argument, and unknown arguments are refused.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from airfit.coerce import Flag
from airfit.insights.models import InsightCategory


def clamped(low: int, high: int) -> BeforeValidator:
    """A whole number from ints, floats or numeric strings, forced into [low, high]."""

    def coerce(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool):
            raise ValueError("must be a whole number, not true/false")
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ValueError(f"must be a whole number, got {value!r}") from None
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError("must be a whole number")
        return min(high, max(low, round(value)))

    return BeforeValidator(coerce)


def _name(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value.strip() or None


def _category(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().lower() in {c.value for c in InsightCategory}:
        return value.strip().lower()
    raise ValueError(f"must be one of {', '.join(c.value for c in InsightCategory)}")


Name = Annotated[str | None, BeforeValidator(_name), Field(max_length=100)]


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkoutsArgs(_Args):
    """`query_workouts`."""

    exercise: Name = None
    muscle_group: Name = None
    days: Annotated[int, clamped(1, 90)] = 14


class NutritionArgs(_Args):
    """`query_nutrition`."""

    days: Annotated[int, clamped(1, 30)] = 7
    include_meals: Flag = False


class BodyCompArgs(_Args):
    """`query_body_comp`."""

    days: Annotated[int, clamped(30, 365)] = 90


class RecoveryArgs(_Args):
    """`query_recovery`."""

    days: Annotated[int, clamped(7, 30)] = 14


class InsightsArgs(_Args):
    """`query_insights`."""

    category: Annotated[InsightCategory | None, BeforeValidator(_category)] = None
    limit: Annotated[int, clamped(1, 10)] = 5


def _integer(description: str, default: int, low: int, high: int) -> dict[str, Any]:
    return {
        "type": "integer",
        "description": f"{description} ({low}-{high}, default {default}).",
        "minimum": low,
        "maximum": high,
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "query_workouts": {
        "description": (
            "The user's workouts from Hevy in the last N days: each day's exercises with sets, reps and top "
            "weight, and personal records. Filter by an exercise name or a muscle group."
        ),
        "properties": {
            "exercise": {"type": "string", "description": "Part of an exercise name, e.g. 'bench press'."},
            "muscle_group": {
                "type": "string",
                "description": "A muscle group, e.g. 'chest', 'quads', 'back'.",
            },
            "days": _integer("How many days back", 14, 1, 90),
        },
    },
    "query_nutrition": {
        "description": (
            "The user's daily nutrition totals over the last N days: averages, targets and how many days "
            "met them. Individual meals stay on the phone; include_meals adds each day's totals."
        ),
        "properties": {
            "days": _integer("How many days back", 7, 1, 30),
            "include_meals": {"type": "boolean", "description": "Also list each day's totals."},
        },
    },
    "query_body_comp": {
        "description": "Weight and body-fat readings over the last N days: start, current, change and trend.",
        "properties": {"days": _integer("How many days back", 90, 30, 365)},
    },
    "query_recovery": {
        "description": "Sleep, HRV and resting heart rate over the last N days, with trends.",
        "properties": {"days": _integer("How many days back", 14, 7, 30)},
    },
    "query_insights": {
        "description": "The user's current AI insights, best first, optionally of one category.",
        "properties": {
            "category": {"type": "string", "enum": [c.value for c in InsightCategory]},
            "limit": _integer("How many", 5, 1, 10),
        },
    },
}


class ToolSchema(BaseModel):
    """One tool in Gemini function-calling form: `{name, description, parameters}`."""

    name: str
    description: str
    parameters: dict[str, Any]


class ToolSchemas(BaseModel):
    """`GET /tools/schemas`."""

    tools: list[ToolSchema]


class ToolRequest(BaseModel):
    """`POST /tools/execute` body (built with JSONSerialization on iOS)."""

    name: str
    arguments: Any = None


class ToolResponse(BaseModel):
    """`POST /tools/execute` answer (docs/ios-contract.md § Tools): `content` is present even on failure."""

    success: bool
    content: str
    error: str | None = None


def parameters(name: str) -> dict[str, Any]:
    """A tool's argument schema as a JSON-schema object (nothing required)."""
    return {"type": "object", "properties": SCHEMAS[name]["properties"], "required": []}
