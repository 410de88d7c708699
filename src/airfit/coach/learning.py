"""Learning about the user from conversations: profile facts, the coach's persona, a one-line summary,
behaviour patterns.

Every call here is stateless: on the user's chat session it would become part of the conversation the
coach replays. Its answer is validated into a pydantic model, and the profile is changed only inside a
short store transaction after the LLM has answered, so a slow LLM never holds the profile and a malformed
answer changes nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from airfit.coerce import Integer, Number, Text, TextList
from airfit.config import CallKind
from airfit.llm.budget import estimate_tokens, message_tokens
from airfit.llm.router import LLMRouter
from airfit.llm.structured import ask_structured
from airfit.profile.models import ProfileInsight, UserProfile
from airfit.profile.service import ProfileService

EXTRACT_SYSTEM = (
    "You extract durable facts about a person from one exchange with their fitness coach. Only include "
    "what the USER said or clearly confirmed; null or [] when unknown; never repeat known items. Reply "
    "with only a JSON object with the keys: identity{name,age,height,occupation}, "
    "current_state{weight_lbs,body_fat_pct}, phase{current_phase (cut|bulk|maintain|recomp),phase_context}, "
    "new_goals[], new_constraints[], new_preferences[], new_context[], new_life_context[], "
    "new_relationship_notes[], training{days_per_week,style[],favorite_activities[]}, "
    "nutrition_targets{calories,protein}, communication_style, insights[]."
)


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Identity(_Part):
    """Who the user is."""

    name: Text = None
    age: Integer = Field(None, ge=10, le=110)
    height: Text = None
    occupation: Text = None


class CurrentState(_Part):
    """Body measurements mentioned in the exchange."""

    weight_lbs: Number = Field(None, ge=50, le=1000)
    body_fat_pct: Number = Field(None, ge=2, le=70)


class Phase(_Part):
    """Training phase."""

    current_phase: Text = None
    phase_context: Text = None


class Training(_Part):
    """Training habits."""

    days_per_week: Text = None
    style: TextList = Field(default_factory=list)
    favorite_activities: TextList = Field(default_factory=list)


class NutritionTargets(_Part):
    """Daily targets the user stated."""

    calories: Integer = Field(None, ge=800, le=10000)
    protein: Integer = Field(None, ge=20, le=600)


class ProfileExtraction(_Part):
    """What one exchange taught about the user."""

    identity: Identity = Field(default_factory=Identity)
    current_state: CurrentState = Field(default_factory=CurrentState)
    phase: Phase = Field(default_factory=Phase)
    new_goals: TextList = Field(default_factory=list)
    new_constraints: TextList = Field(default_factory=list)
    new_preferences: TextList = Field(default_factory=list)
    new_context: TextList = Field(default_factory=list)
    new_life_context: TextList = Field(default_factory=list)
    new_relationship_notes: TextList = Field(default_factory=list)
    training: Training = Field(default_factory=Training)
    nutrition_targets: NutritionTargets = Field(default_factory=NutritionTargets)
    communication_style: Text = None
    insights: TextList = Field(default_factory=list)


def _append(target: list[str], items: list[str]) -> bool:
    new = [item for item in items if item not in target]
    target.extend(new)
    return bool(new)


def _set(profile: UserProfile, field: str, value: object) -> bool:
    if value is None or getattr(profile, field) == value:
        return False
    setattr(profile, field, value)
    return True


def merge_extraction(profile: UserProfile, found: ProfileExtraction, *, today: str) -> bool:
    """Apply an extraction: scalars overwrite when known, lists gain new items; True if anything changed."""
    scalars = {
        "name": found.identity.name,
        "age": found.identity.age,
        "height": found.identity.height,
        "occupation": found.identity.occupation,
        "current_weight_lbs": found.current_state.weight_lbs,
        "current_body_fat_pct": found.current_state.body_fat_pct,
        "current_phase": found.phase.current_phase,
        "phase_context": found.phase.phase_context,
        "training_days_per_week": found.training.days_per_week,
        "communication_style": found.communication_style,
    }
    changed = [_set(profile, field, value) for field, value in scalars.items()]
    lists = {
        "goals": found.new_goals,
        "constraints": found.new_constraints,
        "preferences": found.new_preferences,
        "context": found.new_context,
        "life_context": found.new_life_context,
        "relationship_notes": found.new_relationship_notes,
        "training_style": found.training.style,
        "favorite_activities": found.training.favorite_activities,
    }
    changed += [_append(getattr(profile, field), items) for field, items in lists.items()]
    targets = profile.training_day_targets.model_copy()
    for macro in ("calories", "protein"):
        value = getattr(found.nutrition_targets, macro)
        if value is not None and getattr(targets, macro) != value:
            setattr(targets, macro, value)
            changed.append(True)
    profile.training_day_targets = targets
    known = {i.insight for i in profile.insights}
    fresh = [ProfileInsight(date=today, insight=text) for text in found.insights if text not in known]
    if fresh:
        profile.insights = [*profile.insights, *fresh]
        changed.append(True)
    return any(changed)


def _extraction_prompt(profile: UserProfile, user_text: str, reply: str) -> str:
    known = {
        "goals": profile.goals,
        "constraints": profile.constraints,
        "preferences": profile.preferences,
    }
    known_lines = "\n".join(f"Known {k}: {'; '.join(v) or '(none)'}" for k, v in known.items())
    return (
        f"{known_lines}\n\n<exchange>\nUser: {user_text}\nCoach: {reply}\n</exchange>\n\n"
        "Extract only NEW information as the JSON object."
    )


async def learn_profile(
    profiles: ProfileService, router: LLMRouter, user_id: str, user_text: str, reply: str
) -> bool:
    """Learn profile facts from one exchange; True if the profile changed. Nothing is stored on failure.

    Nobody waits for it: it gives way to the user's next message (and to everyone else's calls)."""
    profile = await profiles.get(user_id)
    answer = await ask_structured(
        router,
        ProfileExtraction,
        _extraction_prompt(profile, user_text, reply),
        kind=CallKind.PROFILE,
        system_prompt=EXTRACT_SYSTEM,
        background=True,
    )
    if answer.value is None:
        return False
    today = datetime.now(UTC).date().isoformat()
    found = answer.value

    def merge(current: UserProfile) -> tuple[bool, bool]:
        changed = merge_extraction(current, found, today=today)
        return changed, changed

    return await profiles.amend(user_id, merge)


PERSONALITY_SYSTEM = (
    "You write the persona section of a fitness coach's system prompt for one specific person. Use only "
    "the facts given. Shape: 'You are [NAME]'s AI fitness coach with the personality of [...]', then "
    "'PERSONALITY:' with 4 bullets and 'STYLE:' with 4 bullets. Plain text, no code fence."
)
SUMMARY_SYSTEM = (
    "Describe this person in 3 to 6 words as short sentences separated by periods, e.g. "
    "'Engineer. Runner. Building strength.' Reply with only those words."
)
FENCE = re.compile(r"^```[\w-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


def _facts(profile: UserProfile) -> list[str]:
    facts = [
        ("Name", profile.name),
        ("Age", profile.age),
        ("Occupation", profile.occupation),
        ("Goals", "; ".join(profile.goals)),
        ("Phase", " - ".join(p for p in (profile.current_phase, profile.phase_context) if p)),
        ("Life context", "; ".join(profile.life_context)),
        ("Constraints", "; ".join(profile.constraints)),
        ("Relationship notes", "; ".join(profile.relationship_notes)),
        ("Communication style", profile.communication_style),
        ("Preferences", "; ".join(profile.preferences)),
        ("Training style", "; ".join(profile.training_style)),
    ]
    return [f"{label}: {value}" for label, value in facts if value not in (None, "")]


def unfence(text: str) -> str:
    """The text inside a whole-answer code fence (language tag dropped), else the text itself."""
    match = FENCE.match(text.strip())
    return (match.group(1) if match else text).strip()


async def synthesize_personality(router: LLMRouter, profile: UserProfile) -> tuple[str | None, str | None]:
    """The coach's persona text and an error; (None, None) when there are no facts to build it from."""
    facts = _facts(profile)
    if not facts:
        return None, None
    result = await router.complete("\n".join(facts), kind=CallKind.PROFILE, system_prompt=PERSONALITY_SYSTEM)
    if not result.success:
        return None, result.error
    text = unfence(result.text)
    return (text or None), (None if text else "empty personality")


async def one_line_summary(router: LLMRouter, profile: UserProfile) -> str | None:
    """A one-line summary such as "Engineer. Runner. Building strength.", or None."""
    if not profile.name:
        return None
    facts = [
        profile.occupation or "",
        *profile.goals[:2],
        " - ".join(p for p in (profile.current_phase, profile.phase_context) if p),
        *profile.life_context[:2],
    ]
    result = await router.complete(
        "\n".join(f for f in facts if f), kind=CallKind.PROFILE, system_prompt=SUMMARY_SYSTEM
    )
    if not result.success:
        return None
    text = unfence(result.text).strip().strip("\"'").strip()
    if not text or len(text) > 120 or "\n" in text:
        return None
    return text if text.endswith(".") else f"{text}."


def newest_lines(text: str, budget: int) -> str:
    """The last lines of `text` that fit in `budget` tokens (older lines give way first)."""
    kept: list[str] = []
    for line in reversed(text.split("\n")):
        cost = estimate_tokens(line) + 1
        if cost > budget:
            break
        kept.append(line)
        budget -= cost
    return "\n".join(reversed(kept))


class PatternAnswer(BaseModel):
    """Behaviour patterns seen across recent conversations."""

    model_config = ConfigDict(extra="ignore")

    new_patterns: TextList = Field(default_factory=list, max_length=10)


PATTERN_SYSTEM = (
    "You look at recent conversations between a person and their fitness coach and name recurring "
    "behaviour patterns (when they train, what derails them, what motivates them). Only patterns the "
    'conversations support, none already known. Reply with only a JSON object: {"new_patterns": [...]}'
)


async def learn_patterns(
    profiles: ProfileService, router: LLMRouter, user_id: str, conversation: str
) -> tuple[list[str], str | None]:
    """Patterns from recent conversations, appended to the profile; returns (all patterns, error)."""
    profile = await profiles.get(user_id)
    known = "; ".join(profile.patterns) or "(none)"
    head = f"Known patterns: {known}\n\n<conversations>\n"
    room = router.settings.prompt_budget(CallKind.PROFILE) - message_tokens(PATTERN_SYSTEM + head)
    prompt = f"{head}{newest_lines(conversation, room)}\n</conversations>"
    answer = await ask_structured(
        router, PatternAnswer, prompt, kind=CallKind.PROFILE, system_prompt=PATTERN_SYSTEM
    )
    if answer.value is None:
        return list(profile.patterns), answer.error
    today = datetime.now(UTC).date().isoformat()
    found = answer.value.new_patterns

    def append(current: UserProfile) -> tuple[list[str], bool]:
        fresh = [p for p in found if p not in current.patterns]
        if fresh:
            current.patterns = [*current.patterns, *fresh]
            current.insights = [
                *current.insights,
                *(ProfileInsight(date=today, insight=p, source="behavior") for p in fresh),
            ]
        return list(current.patterns), bool(fresh)

    return await profiles.amend(user_id, append), None
