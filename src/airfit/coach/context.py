"""The data context the coach sees with every message: the caller's stored data plus what the app sends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, tzinfo

from airfit.coach.models import FoodLine, NutritionContext
from airfit.health.summaries import body_comp_text, weekly_summary_text
from airfit.insights.service import insights_text
from airfit.state import AppState
from airfit.training.summaries import recent_workouts_text, set_tracker_text

logger = logging.getLogger(__name__)

Section = Callable[[AppState, str], Awaitable[str]]


async def _recent_workouts(state: AppState, user_id: str) -> str:
    return await recent_workouts_text(state, user_id, limit=5)


DATA_SECTIONS: list[Section] = [
    insights_text,
    weekly_summary_text,
    body_comp_text,
    set_tracker_text,
    _recent_workouts,
]
"""The stored-data blocks of every chat, in prompt order."""

WORKOUT_SECTIONS: set[Section] = {set_tracker_text, _recent_workouts}
"""Blocks `GET /chat/context?include_hevy=false` leaves out."""
INSIGHT_SECTIONS: set[Section] = {insights_text}
"""Blocks `GET /chat/context?include_insights=false` leaves out."""

# Keys the app really sends (contract M9), with the original server's names as aliases.
HEALTH_LABELS = {
    "steps_today": "Steps today",
    "steps": "Steps today",
    "active_calories_today": "Active calories today",
    "active_calories": "Active calories today",
    "sleep_last_night": "Sleep last night",
    "sleep_hours": "Sleep last night",
    "resting_heart_rate": "Resting heart rate",
    "resting_hr": "Resting heart rate",
    "weight_lbs": "Weight",
    "recent_workouts": "Recent workouts",
}
UNITS = {"Sleep last night": "hours", "Resting heart rate": "bpm", "Weight": "lbs"}
DATE_KEYS = {"Weight": ("weight_date",), "Resting heart rate": ("resting_hr_date",)}
QUALITY_KEYS = ("quality_flags", "quality_score", "is_baseline_excluded")


async def data_sections(state: AppState, user_id: str, sections: list[Section] | None = None) -> list[str]:
    """The non-empty stored-data blocks; one failing block is logged and left out, never a 500."""
    chosen = DATA_SECTIONS if sections is None else sections
    results = await asyncio.gather(*(section(state, user_id) for section in chosen), return_exceptions=True)
    blocks = []
    for section, result in zip(chosen, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("Chat context block %s failed for %s", section.__name__, user_id, exc_info=result)
        elif result and result.strip():
            blocks.append(result.strip())
    return blocks


def data_age(stamp: str, today: date, tz: tzinfo) -> str:
    """How old a reading is ("yesterday", "3 days ago", "2 weeks ago", "Mar 04"); "" if unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    day = moment.astimezone(tz).date() if moment.tzinfo else moment.date()
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if days < 30:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks > 1 else ''} ago"
    return f"{day:%b %d}"


def _with_unit(label: str, value: str) -> str:
    unit = UNITS.get(label)
    text = value.strip()
    if unit and text.replace(".", "", 1).isdigit():
        return f"{text} {unit}"
    return text


def format_health_context(health: dict[str, str], tz: tzinfo) -> str:
    """The app's `health_context` as prompt lines, under the keys it really sends."""
    today = datetime.now(tz).date()
    lines = ["Here is the user's current health data:"]
    flags = health.get("quality_flags", "").strip()
    if flags:
        lines.append(f"[Data quality note: {flags}]")
    dated = {key for keys in DATE_KEYS.values() for key in keys}
    seen: set[str] = set()
    for key, value in health.items():
        if key in dated or key in QUALITY_KEYS or not value.strip():
            continue
        label = HEALTH_LABELS.get(key, key.replace("_", " ").title())
        if label in seen:
            continue
        seen.add(label)
        line = f"- {label}: {_with_unit(label, value)}"
        for date_key in DATE_KEYS.get(label, ()):
            age = data_age(health.get(date_key, ""), today, tz) if health.get(date_key) else ""
            if age and age != "today":
                line += f" (as of {age})"
        lines.append(line)
    return "\n".join(lines) if len(lines) > 1 else ""


def _food_lines(entries: list[FoodLine]) -> list[str]:
    return [f"  - {e.name or 'food'}: {e.calories} cal, {e.protein}g protein" for e in entries]


def format_nutrition_context(nutrition: NutritionContext) -> str:
    """The app's `nutrition_context` as prompt lines."""
    lines = [
        "Here is what the user has eaten today:",
        f"- Total calories: {nutrition.total_calories}",
        f"- Total protein: {nutrition.total_protein}g",
        f"- Total carbs: {nutrition.total_carbs}g",
        f"- Total fat: {nutrition.total_fat}g",
        f"- Logged {nutrition.entry_count} food entries today",
    ]
    if nutrition.entries:
        lines += ["Food logged today:", *_food_lines(nutrition.entries)]
    if nutrition.recent_entries:
        lines += ["Food from the last few days:", *_food_lines(nutrition.recent_entries)]
    return "\n".join(lines)


def build_prompt(blocks: list[str], message: str) -> str:
    """Fresh context first, then the user's message (the raw message when there is no context)."""
    if not blocks:
        return message
    return "\n\n".join(blocks) + f"\n\nUser message: {message}"
