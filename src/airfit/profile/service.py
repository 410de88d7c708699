"""One user's profile: the views the iOS app decodes, item edits, sync, export/import and seeds.

`ProfileService` is the only writer of the profile document. Every change is a short read-modify-write
inside `store.transaction(user_id, PROFILE)`, so concurrent edits (the app's sync, item edits, background
learning from chat) never overwrite each other; other domains change a profile through `amend`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

import orjson
from pydantic import ValidationError

from airfit.profile.models import (
    EDITABLE_CATEGORIES,
    PROFILE,
    ProfileExport,
    ProfileImportResponse,
    ProfileItemResult,
    ProfileItemUpdate,
    ProfileResponse,
    ProfileSyncRequest,
    SeedProfile,
    SeedResponse,
    TargetsUpdate,
    UserProfile,
)
from airfit.storage import DocumentStore

EXPORT_VERSION = 1
RECENT_INSIGHTS = 5

# What `GET /profile` sends as `communication_style` while the server knows none. The app's full decoder
# requires a string, and the memory-sync decoder copies any string over the device's own value
# (`server ?? local`), so no string is harmless. "" is the least harmful: both sides read it as "not set"
# (an invented default would look like the user's choice, be pushed back by `/profile/sync` and get stored
# as theirs, whereas `/profile/sync` treats "" as absent), and once the app has synced its profile the
# server returns the user's real style.
UNKNOWN_COMMUNICATION_STYLE = ""

_SCALARS = (
    "name",
    "age",
    "height",
    "occupation",
    "current_weight_lbs",
    "current_body_fat_pct",
    "target_weight_lbs",
    "target_body_fat_pct",
    "current_phase",
    "phase_context",
    "communication_style",
    "personality_notes",
    "training_days_per_week",
)
_LISTS = (
    "goals",
    "life_context",
    "constraints",
    "preferences",
    "favorite_activities",
    "patterns",
    "nutrition_guidelines",
    "relationship_notes",
    "training_style",
)


class UnknownCategoryError(ValueError):
    """`PATCH /profile/item` named a category that is not an editable list."""


class ItemNotFoundError(LookupError):
    """`PATCH /profile/item` named a value the list does not hold."""


class SeedFileError(Exception):
    """The configured seed file is unreadable or not a seed."""


class SeedNotConfiguredError(LookupError):
    """`POST /profile/seed` without `AIRFIT_SEED_FILE`."""


T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


# A target outside this range is a typo or garbage; sent as null it cannot overflow the app's Int.
_TARGET_RANGE = (1, 100_000)


def _whole(value: float | None) -> int | None:
    if value is None or not _TARGET_RANGE[0] <= value <= _TARGET_RANGE[1]:
        return None
    return round(value)


def profile_response(profile: UserProfile) -> ProfileResponse:
    """The `GET /profile` view of a stored profile."""
    return ProfileResponse(
        name=profile.name,
        summary=profile.summary,
        age=profile.age,
        height=profile.height,
        occupation=profile.occupation,
        current_weight_lbs=profile.current_weight_lbs,
        current_body_fat_pct=profile.current_body_fat_pct,
        target_weight_lbs=profile.target_weight_lbs,
        target_body_fat_pct=profile.target_body_fat_pct,
        goals=profile.goals,
        current_phase=profile.current_phase,
        phase_context=profile.phase_context,
        goal_phase=profile.current_phase,
        life_context=profile.life_context,
        training_days_per_week=profile.training_days_per_week,
        training_style=profile.training_style,
        favorite_activities=profile.favorite_activities,
        training_day_targets=profile.training_day_targets,
        rest_day_targets=profile.rest_day_targets,
        # Null rather than the server's default targets: the memory sync would copy a default over the
        # target the user set on the device.
        protein_target=_whole(profile.training_day_targets.value("protein")),
        calorie_target_training=_whole(profile.training_day_targets.value("calories")),
        calorie_target_rest=_whole(profile.rest_day_targets.value("calories")),
        nutrition_guidelines=profile.nutrition_guidelines,
        constraints=profile.constraints,
        preferences=profile.preferences,
        context=profile.context,
        patterns=profile.patterns,
        communication_style=profile.communication_style or UNKNOWN_COMMUNICATION_STYLE,
        personality_notes=profile.personality_notes,
        insights_count=len(profile.insights),
        recent_insights=profile.insights[-RECENT_INSIGHTS:],
        has_profile=profile.onboarding_complete or profile.name is not None,
        onboarding_complete=profile.onboarding_complete,
    )


def profile_from_seed(seed: SeedProfile) -> UserProfile:
    """A complete profile built from the nested seed format."""
    hevy = seed.hevy_integration
    return UserProfile(
        name=seed.identity.name,
        age=seed.identity.age,
        height=seed.identity.height,
        occupation=seed.identity.occupation,
        summary=seed.identity.summary,
        current_weight_lbs=seed.body_composition.current_weight_lbs,
        current_body_fat_pct=seed.body_composition.current_body_fat_pct,
        target_weight_lbs=seed.body_composition.target_weight_lbs,
        target_body_fat_pct=seed.body_composition.target_body_fat_pct,
        goals=seed.goals,
        current_phase=seed.phase.current,
        phase_context=seed.phase.context,
        phase_started=seed.phase.started,
        training_days_per_week=seed.training.days_per_week,
        training_style=seed.training.style,
        favorite_activities=seed.training.favorite_activities,
        training_day_targets=seed.nutrition.training_day,
        rest_day_targets=seed.nutrition.rest_day,
        nutrition_guidelines=seed.nutrition.guidelines,
        life_context=seed.life_context,
        constraints=seed.constraints,
        preferences=seed.preferences,
        context=seed.context,
        relationship_notes=seed.relationship_notes,
        communication_style=seed.communication_style,
        personality_notes=seed.coaching_persona,
        hevy_quirks=[text for text in (hevy.quirk, hevy.set_counting) if text],
        onboarding_complete=seed.onboarding_complete,
        updated_at=_now(),
    )


async def read_seed_file(path: Path) -> SeedProfile:
    """The household's seed file (`AIRFIT_SEED_FILE`); raises SeedFileError saying what is wrong."""
    try:
        raw = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise SeedFileError(f"seed file {path.name} cannot be read: {exc.strerror or exc}") from exc
    try:
        return SeedProfile.model_validate(orjson.loads(raw))
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise SeedFileError(f"seed file {path.name} is not a valid profile seed: {exc}") from exc


class ChatSessions(Protocol):
    """What the profile needs of the chat layer: a coach that spoke with the old profile starts afresh."""

    async def clear_sessions(self, user_id: str) -> bool:
        """Forget the user's chat sessions and history; True if there was anything."""
        ...


class ProfileService:
    """Every user's profile: the only writer of the profile document, and the rules around it."""

    def __init__(
        self, store: DocumentStore, sessions: ChatSessions, *, seed_file: Path | None = None
    ) -> None:
        self.store = store
        self.sessions = sessions
        self.seed_file = seed_file

    async def get(self, user_id: str) -> UserProfile:
        """The user's stored profile (an empty one if there is none)."""
        return await self.store.read(user_id, PROFILE)

    async def view(self, user_id: str) -> ProfileResponse:
        """The `GET /profile` view of the user's profile."""
        return profile_response(await self.get(user_id))

    async def name_of(self, user_id: str) -> str | None:
        """The name the user gave, if any."""
        return (await self.get(user_id)).name

    async def amend(self, user_id: str, change: Callable[[UserProfile], tuple[T, bool]]) -> T:
        """Apply `change` to the stored profile in one short transaction (what the coach learns goes in here).

        `change` edits the profile it is given and returns its result and whether it changed anything;
        `updated_at` is stamped when it did.
        """
        async with self.store.transaction(user_id, PROFILE) as profile:
            result, changed = change(profile)
            if changed:
                profile.updated_at = _now()
        return result

    async def clear(self, user_id: str) -> None:
        """Forget the user's profile and the chat sessions that knew it."""
        await self.store.delete(user_id, PROFILE)
        await self.sessions.clear_sessions(user_id)

    async def update_item(self, user_id: str, update: ProfileItemUpdate) -> ProfileItemResult:
        """Replace one item of an editable list in place, or delete it when no new value is given."""
        if update.category not in EDITABLE_CATEGORIES:
            raise UnknownCategoryError(
                f"unknown category {update.category!r}; editable: {', '.join(EDITABLE_CATEGORIES)}"
            )
        old = update.old_value.strip()
        async with self.store.transaction(user_id, PROFILE) as profile:
            items = list(getattr(profile, update.category))
            if old not in items:
                raise ItemNotFoundError(f"{update.category} has no item {update.old_value!r}")
            index = items.index(old)
            if update.new_value is None:
                del items[index]
            else:
                items[index] = update.new_value
            setattr(profile, update.category, items)
            profile.updated_at = _now()
        return ProfileItemResult(
            status="deleted" if update.new_value is None else "updated", category=update.category
        )

    async def set_targets(self, user_id: str, update: TargetsUpdate) -> ProfileResponse:
        """Change the training-day and rest-day targets (what the update sends), in one write."""
        async with self.store.transaction(user_id, PROFILE) as profile:
            if update.training_day is not None:
                profile.training_day_targets = update.training_day.applied_to(profile.training_day_targets)
            if update.rest_day is not None:
                profile.rest_day_targets = update.rest_day.applied_to(profile.rest_day_targets)
            profile.updated_at = _now()
        return profile_response(profile)

    async def sync(self, user_id: str, request: ProfileSyncRequest) -> datetime:
        """Merge the app's copy of the profile into the stored one; returns the new `updated_at`.

        Scalars: a sent, non-blank value replaces the stored one; absent or blank leaves it (the app omits
        nil and echoes the "" that `GET /profile` sends for an unknown style).
        Lists: the union, stored items first, then the app's new ones. The app never receives the server's
        lists (its memory-sync decoder reads none of them), so its arrays never hold what the coach learned
        from chat: replacing would wipe those on every push, and an empty array is just "nothing new".
        Removing an item is what `PATCH /profile/item` is for.
        `onboarding_complete`: written only when the key is sent, so a partial client cannot un-complete it.
        """
        incoming = UserProfile.model_validate(request.model_dump(exclude_unset=True, exclude_none=True))
        async with self.store.transaction(user_id, PROFILE) as profile:
            for name in _SCALARS:
                value = getattr(incoming, name)
                if value is not None:
                    setattr(profile, name, value)
            for name in _LISTS:
                added = getattr(incoming, name)
                if added:
                    setattr(profile, name, [*getattr(profile, name), *added])
            if request.onboarding_complete is not None:
                profile.onboarding_complete = request.onboarding_complete
            profile.updated_at = updated = _now()
        return updated

    async def export(self, user_id: str) -> ProfileExport:
        """The whole stored profile in the `/profile/export` envelope."""
        return ProfileExport(
            version=EXPORT_VERSION,
            exported_at=_now().isoformat(),
            profile=(await self.get(user_id)).model_dump(mode="json"),
        )

    async def restore(self, user_id: str, export: ProfileExport) -> ProfileImportResponse:
        """Replace the profile with an exported one, exactly as exported (its `updated_at` included).

        The coach then starts a fresh session: the old one speaks with the old persona."""
        if export.version != EXPORT_VERSION:
            return ProfileImportResponse(
                success=False,
                error=f"unsupported export version {export.version} (expected {EXPORT_VERSION})",
            )
        profile = UserProfile.model_validate(export.profile)
        await self._replace(user_id, profile)
        return ProfileImportResponse(
            success=True,
            name=profile.name,
            goals_count=len(profile.goals),
            has_personality=profile.personality_notes is not None,
        )

    async def apply_seed(self, user_id: str, seed: SeedProfile) -> SeedResponse:
        """Replace the user's profile with one built from a seed."""
        profile = profile_from_seed(seed)
        await self._replace(user_id, profile)
        return SeedResponse(
            status="imported",
            name=profile.name,
            onboarding_complete=profile.onboarding_complete,
            has_coaching_persona=profile.personality_notes is not None,
        )

    async def apply_seed_file(self, user_id: str) -> SeedResponse:
        """Replace the user's profile with the household's seed file (`AIRFIT_SEED_FILE`)."""
        if self.seed_file is None:
            raise SeedNotConfiguredError("no seed file configured: set AIRFIT_SEED_FILE to a profile seed")
        return await self.apply_seed(user_id, await read_seed_file(self.seed_file))

    async def _replace(self, user_id: str, profile: UserProfile) -> None:
        await self.store.replace(user_id, PROFILE, profile)
        await self.sessions.clear_sessions(user_id)
