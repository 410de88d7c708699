"""The data context the coach sees with every message: the caller's stored data plus what the app sends."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal, Protocol

from airfit.cache import ResponseCache
from airfit.coach.models import FoodLine, NutritionContext
from airfit.health.models import CONTEXT_STORE
from airfit.health.summaries import body_comp_text, weekly_summary_text
from airfit.insights.models import INSIGHTS
from airfit.insights.picture import long_run_text
from airfit.insights.service import insights_text
from airfit.llm.budget import Block
from airfit.profile.models import PROFILE
from airfit.storage import SERVER_SCOPE, Document, DocumentStore
from airfit.training.models import WORKOUTS
from airfit.training.summaries import recent_workouts_text, set_tracker_text
from airfit.units import STORED, Quantity, Units, text
from airfit.users.models import USERS, UserRegistry
from airfit.users.service import UserService, local_today

logger = logging.getLogger(__name__)


class Render(Protocol):
    """Computes one block's text from the user's stored documents."""

    async def __call__(self, *, store: DocumentStore, users: UserService, user_id: str) -> str: ...


Kind = Literal["data", "workouts", "insights"]


@dataclass(frozen=True)
class Section:
    """One stored-data block of the chat context, and the user's documents it is computed from."""

    name: str
    render: Render
    sources: tuple[Document[Any], ...]
    kind: Kind = "data"
    priority: int = 0
    """When a prompt is over budget, blocks of lower priority are left out first."""


async def _insights(*, store: DocumentStore, users: UserService, user_id: str) -> str:
    del users
    return await insights_text(store=store, user_id=user_id)


DATA_SECTIONS: list[Section] = [
    Section("insights", _insights, (INSIGHTS,), kind="insights", priority=40),
    Section("weekly_summary", weekly_summary_text, (CONTEXT_STORE, PROFILE), priority=50),
    Section("body_comp", body_comp_text, (CONTEXT_STORE,), priority=30),
    Section("long_run", long_run_text, (CONTEXT_STORE, PROFILE), priority=45),
    Section("set_tracker", set_tracker_text, (WORKOUTS,), kind="workouts", priority=20),
    Section("recent_workouts", recent_workouts_text, (WORKOUTS,), kind="workouts", priority=10),
]
"""The stored-data blocks of every chat, in prompt order."""
MEMORY_PRIORITY = 60
"""The relationship memory outlasts every stored-data block when a chat prompt is trimmed."""
PROFILE_PRIORITY = 70
"""What is known about the user is the last block to give way."""

# Keys the app really sends (docs/ios-contract.md § Coach), with the older key names accepted as aliases.
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
UNITS = {"Sleep last night": "hours", "Resting heart rate": "bpm"}
QUANTITIES = {"Weight": Quantity.MASS, "Active calories today": Quantity.ENERGY}
"""Values the app sends in lbs and kcal (docs/ios-contract.md § Coach), told in the user's units."""
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
DATE_KEYS = {"Weight": ("weight_date",), "Resting heart rate": ("resting_hr_date",)}
QUALITY_KEYS = ("quality_flags", "quality_score", "is_baseline_excluded")


class DataContext:
    """Renders the stored-data blocks of a user's chat context, each cached until its documents change."""

    def __init__(
        self, store: DocumentStore, users: UserService, *, cache: ResponseCache | None = None
    ) -> None:
        self.store = store
        self.users = users
        self.cache = cache or ResponseCache()

    async def blocks(self, *, user_id: str, kinds: set[Kind] | None = None) -> list[str]:
        """The non-empty blocks (of `kinds`, else all); a failing block is logged and skipped, never a 500."""
        return [block.text for block in await self.prompt_blocks(user_id=user_id, kinds=kinds)]

    async def prompt_blocks(self, *, user_id: str, kinds: set[Kind] | None = None) -> list[Block]:
        """The same blocks, named and with their priority, for a prompt that may have to leave some out."""
        chosen = [s for s in DATA_SECTIONS if kinds is None or s.kind in kinds]
        today = await self.users.today(user_id)
        registry = await self.store.read(SERVER_SCOPE, USERS)
        results = await asyncio.gather(
            *(self._cached(user_id, section, today, registry) for section in chosen), return_exceptions=True
        )
        blocks = []
        for section, result in zip(chosen, results, strict=True):
            if isinstance(result, BaseException):
                logger.error("Chat context block %s failed for %s", section.name, user_id, exc_info=result)
            elif result.strip():
                blocks.append(Block(section.name, result.strip(), section.priority))
        return blocks

    async def _cached(self, user_id: str, section: Section, today: date, registry: UserRegistry) -> str:
        """A block as last rendered, while its documents, the user registry and the local day are unchanged.

        Rendering walks up to a year of days; a chat would otherwise redo it for every message.
        """
        sources = (registry, *[await self.store.read(user_id, doc) for doc in section.sources])
        key = (user_id, section.name, today)
        cached = self.cache.get(key, sources)
        if cached is not None:
            return cached.decode()
        text = await section.render(store=self.store, users=self.users, user_id=user_id)
        self.cache.put(key, sources, text.encode())
        return text


def data_age(stamp: str, today: date, tz: tzinfo) -> str:
    """How old a reading is ("yesterday", "3 days ago", "2 weeks ago", "Mar 04"); "" if unreadable."""
    try:
        moment = datetime.fromisoformat(stamp)
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


def _with_unit(label: str, value: str, units: Units) -> str:
    shown = value.strip()
    if not _NUMBER.fullmatch(shown):
        return shown
    if (quantity := QUANTITIES.get(label)) is not None:
        return text(float(shown), quantity, units)
    unit = UNITS.get(label)
    return f"{shown} {unit}" if unit else shown


def format_health_context(health: dict[str, str], tz: tzinfo, units: Units = STORED) -> str:
    """The app's `health_context` as prompt lines, under the keys it really sends, in the user's units."""
    today = local_today(tz)
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
        line = f"- {label}: {_with_unit(label, value, units)}"
        for date_key in DATE_KEYS.get(label, ()):
            age = data_age(health.get(date_key, ""), today, tz) if health.get(date_key) else ""
            if age and age != "today":
                line += f" (as of {age})"
        lines.append(line)
    return "\n".join(lines) if len(lines) > 1 else ""


def _food_lines(entries: list[FoodLine], units: Units) -> list[str]:
    return [
        f"  - {e.name or 'food'}: {text(e.calories, Quantity.ENERGY, units)}, {e.protein}g protein"
        for e in entries
    ]


def format_nutrition_context(nutrition: NutritionContext, units: Units = STORED) -> str:
    """The app's `nutrition_context` as prompt lines, energy in the user's unit."""
    lines = [
        "Here is what the user has eaten today:",
        f"- Total energy: {text(nutrition.total_calories, Quantity.ENERGY, units)}",
        f"- Total protein: {nutrition.total_protein}g",
        f"- Total carbs: {nutrition.total_carbs}g",
        f"- Total fat: {nutrition.total_fat}g",
        f"- Logged {nutrition.entry_count} food entries today",
    ]
    if nutrition.entries:
        lines += ["Food logged today:", *_food_lines(nutrition.entries, units)]
    if nutrition.recent_entries:
        lines += ["Food from the last few days:", *_food_lines(nutrition.recent_entries, units)]
    return "\n".join(lines)


def build_prompt(blocks: list[str], message: str) -> str:
    """Fresh context first, then the user's message (the raw message when there is no context)."""
    if not blocks:
        return message
    return "\n\n".join(blocks) + f"\n\nUser message: {message}"
