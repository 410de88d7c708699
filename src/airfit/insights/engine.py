"""Generating insights: statistical detectors first, then the LLM, both stored deduplicated.

A user's generations never overlap (their "insights" lock), so two runs cannot both pass deduplication against
the same stale titles. The LLM call happens outside any transaction; its answer is
validated into pydantic models (`ask_structured`: retried once when invalid), and otherwise nothing is
stored and the failure is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from airfit.cache import ResponseCache
from airfit.coerce import paragraphs
from airfit.config import CallKind
from airfit.health.models import CONTEXT_STORE, DailySnapshot
from airfit.health.summaries import weekly_summary_text
from airfit.health.windows import last_days
from airfit.insights import compact, stats
from airfit.insights.discuss import Discussant, data_context
from airfit.insights.discuss import build_prompt as discussion_prompt
from airfit.insights.models import (
    DiscussResponse,
    EngageAction,
    Feedback,
    Insight,
    InsightCategory,
    InsightSource,
)
from airfit.insights.service import (
    InsightNotFoundError,
    add_insights,
    engage,
    get_insight,
    listing_json,
    recent_titles,
)
from airfit.llm.budget import message_tokens
from airfit.llm.router import LLMRouter
from airfit.llm.structured import ask_structured
from airfit.locks import UserLocks
from airfit.profile.models import PROFILE, UserProfile
from airfit.storage import DocumentStore
from airfit.training.models import EXERCISE_STORE, ExerciseStore
from airfit.units import STORED, Units, instruction
from airfit.users.service import UserService

SYSTEM_PROMPT = "You are an expert fitness coach and data analyst. Respond only with valid JSON."
INSIGHT_PROMPT = """Analyse this person's fitness data and find what they would not notice themselves.

Look for:
- correlations across domains (sleep vs training, protein vs weight, steps vs recovery);
- trends over weeks, anomalies against their own baseline, milestones worth celebrating;
- nudges: one concrete thing to do differently.
Be specific: cite the numbers and dates. Give 3 to 7 insights. Skip anything already given below.

Categories: correlation, trend, anomaly, milestone, nudge. Tier 1 = most important, 5 = least."""
OUTPUT_INSTRUCTIONS = """Return your insights as JSON, nothing else:
{"insights": [{"category": "correlation|trend|anomaly|milestone|nudge", "tier": 1-5,
  "title": "at most 8 words", "body": "2-3 sentences", "importance": 0-1, "confidence": 0-1,
  "suggested_actions": ["..."],
  "supporting_data": {"metric": "protein|weight|calories|sleep|steps|volume",
    "values": [5-10 numbers, oldest first], "current_value": 0, "previous_value": 0, "change_pct": 0,
    "target": 0, "trend_slope": 0}}]}"""
PROMPT_TITLES = 10
MAX_LLM_INSIGHTS = 10
NO_LLM = "No LLM provider is configured; only the statistical insights ran."
ALREADY_RUNNING = "An insight generation is already running for you; its insights appear when it ends."
MIN_PROMPT_DAYS = 7
"""Days the LLM is shown however small the prompt budget."""
LLM_BUDGET = 100.0
"""Seconds for the LLM part, both attempts together (the app waits 120 s for `POST /insights/generate`)."""


class LLMSupportingData(BaseModel):
    """`supporting_data` as the LLM must give it: numbers are numbers (strings like "0.8" are accepted)."""

    model_config = ConfigDict(extra="ignore")

    metric: str | None = None
    values: list[float] = Field(default_factory=list)
    current_value: float | None = None
    previous_value: float | None = None
    change_pct: float | None = None
    target: float | None = None
    trend_slope: float | None = None


class LLMInsight(BaseModel):
    """One insight as the LLM must return it; anything outside these bounds invalidates the answer."""

    model_config = ConfigDict(extra="ignore")

    category: InsightCategory
    tier: int = Field(ge=1, le=5)
    title: str = Field(min_length=3, max_length=120)
    body: str = Field(min_length=10, max_length=2000)
    importance: float = Field(ge=0, le=1)
    confidence: float = Field(ge=0, le=1)
    suggested_actions: list[str] = Field(default_factory=list, max_length=10)
    supporting_data: LLMSupportingData = Field(default_factory=LLMSupportingData)

    @field_validator("category", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("title", mode="after")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("body", mode="after")
    @classmethod
    def _paragraphs(cls, value: str) -> str:
        return paragraphs(value)


class LLMInsightBatch(BaseModel):
    """The whole answer: `{"insights": [...]}`."""

    insights: list[LLMInsight] = Field(max_length=MAX_LLM_INSIGHTS)


def to_insight(item: LLMInsight, now: datetime) -> Insight:
    """A validated LLM insight as a stored one."""
    return Insight(
        created_at=now,
        category=item.category,
        tier=item.tier,
        title=item.title,
        body=item.body,
        importance=item.importance,
        confidence=item.confidence,
        supporting_data=item.supporting_data.model_dump(exclude_none=True),
        suggested_actions=item.suggested_actions,
        source=InsightSource.LLM,
    )


def build_prompt(
    data_text: str, statistical: Sequence[Insight], titles: Sequence[str], units: Units = STORED
) -> str:
    """The insight prompt: instructions (in the reader's units), already-given titles, the verified
    statistical findings, the data."""
    parts = [INSIGHT_PROMPT]
    if unit_line := instruction(units):
        parts.append(unit_line)
    if titles:
        listed = "\n".join(f"- {t}" for t in titles)
        parts.append(f"ALREADY GIVEN (do NOT repeat these or near-duplicates):\n{listed}")
    if statistical:
        found = "\n".join(f"- [{i.category.value}] {i.title}: {i.body}" for i in statistical)
        parts.append(f"VERIFIED STATISTICAL FINDINGS (build on them; do not restate them):\n{found}")
    parts += [data_text, OUTPUT_INSTRUCTIONS]
    return "\n\n".join(parts)


def fit_prompt(
    days: Sequence[DailySnapshot],
    profile: UserProfile,
    statistical: Sequence[Insight],
    titles: Sequence[str],
    budget: int,
    units: Units = STORED,
) -> str:
    """The insight prompt within `budget` tokens: the oldest days give way first, down to
    `MIN_PROMPT_DAYS`."""
    shown = list(days)
    while True:
        prompt = build_prompt(compact.format_all_data(shown, profile), statistical, titles, units)
        size = message_tokens(SYSTEM_PROMPT) + message_tokens(prompt)
        if size <= budget or len(shown) <= MIN_PROMPT_DAYS:
            return prompt
        shown = shown[max(1, len(shown) // 5) :]


@dataclass
class GenerationResult:
    """What one generation run did, for the endpoint and the scheduler status."""

    success: bool
    added: list[Insight] = field(default_factory=list)
    statistical: int = 0
    token_estimate: int = 0
    provider: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class UserData:
    """One user's days in the analysed window, profile and local date."""

    days: list[DailySnapshot]
    all_days: list[DailySnapshot]
    profile: UserProfile
    exercises: ExerciseStore
    today: date
    units: Units


async def load_user_data(*, store: DocumentStore, users: UserService, user_id: str, days: int) -> UserData:
    """Read what the engine analyses, with "today" in the user's own time zone."""
    today = await users.today(user_id)
    context = await store.read(user_id, CONTEXT_STORE)
    profile = await store.read(user_id, PROFILE)
    exercises = await store.read(user_id, EXERCISE_STORE)
    ordered = [context.snapshots[k] for k in sorted(context.snapshots)]
    window = last_days(days, today=today).snapshots(context)
    return UserData(window, ordered, profile, exercises, today, await users.units_of(user_id))


class InsightEngine:
    """Generates, and lists, every user's insights; holds no user's data beyond a response cache."""

    def __init__(
        self,
        store: DocumentStore,
        users: UserService,
        llm: LLMRouter,
        discussant: Discussant,
        *,
        locks: UserLocks | None = None,
        cache: ResponseCache | None = None,
    ) -> None:
        self.store = store
        self.users = users
        self.llm = llm
        self.discussant = discussant
        self.locks = locks or UserLocks()
        self.cache = cache or ResponseCache()

    def is_running(self, user_id: str) -> bool:
        """Whether a generation for this user is in progress."""
        return self.locks.locked(user_id, "insights")

    async def user_data(self, *, user_id: str, days: int) -> UserData:
        """What a generation over the last `days` days analyses (also the data preview)."""
        return await load_user_data(store=self.store, users=self.users, user_id=user_id, days=days)

    async def listing_json(self, *, user_id: str, category: InsightCategory | None, limit: int) -> bytes:
        """The user's live insights, best first, as the `GET /insights` JSON array."""
        return await listing_json(
            store=self.store, cache=self.cache, user_id=user_id, category=category, limit=limit
        )

    async def statistical(self, *, user_id: str) -> list[Insight]:
        """Run the detectors over all of the user's days and store what is new."""
        data = await self.user_data(user_id=user_id, days=1)
        found = stats.detect(
            data.all_days, profile=data.profile, today=data.today, exercises=data.exercises, units=data.units
        )
        return await add_insights(self.store, user_id, found)

    async def generate(
        self, *, user_id: str, days: int = 90, background: bool = False, force: bool = True
    ) -> GenerationResult:
        """Statistical insights, then LLM insights over the last `days` days; stores only valid results.

        While one of the user's generations runs, another waits for it and then runs too (`force`), or
        returns at once saying so. A `background` generation (the scheduler's) gives way to LLM calls
        somebody is waiting for."""
        if not force and self.is_running(user_id):
            return GenerationResult(success=False, error=ALREADY_RUNNING)
        async with self.locks.lock(user_id, "insights"):
            return await self._generate(user_id, days=days, background=background)

    async def _generate(self, user_id: str, *, days: int, background: bool) -> GenerationResult:
        data = await self.user_data(user_id=user_id, days=days)
        now = datetime.now(UTC)
        found = stats.detect(
            data.all_days,
            profile=data.profile,
            today=data.today,
            exercises=data.exercises,
            now=now,
            units=data.units,
        )
        added = await add_insights(self.store, user_id, found, now=now)
        result = GenerationResult(success=True, added=list(added), statistical=len(added))
        if not data.days:
            return result
        data_text = compact.format_all_data(data.days, data.profile)
        result.token_estimate = compact.token_estimate(data_text)
        if not self.llm.available():
            result.success, result.error = False, NO_LLM
            return result
        titles = await recent_titles(self.store, user_id, limit=PROMPT_TITLES)
        budget = self.llm.settings.prompt_budget(CallKind.INSIGHTS)
        prompt = fit_prompt(data.days, data.profile, found, titles, budget, data.units)
        answer = await ask_structured(
            self.llm,
            LLMInsightBatch,
            prompt,
            kind=CallKind.INSIGHTS,
            system_prompt=SYSTEM_PROMPT,
            budget=LLM_BUDGET,
            background=background,
        )
        result.provider = answer.result.provider
        if answer.value is None:
            result.success = False
            result.error = f"No LLM insights stored: {answer.error or 'no answer'}"
            return result
        batch = [to_insight(i, now) for i in answer.value.insights]
        result.added += await add_insights(self.store, user_id, batch)
        return result

    async def engage(
        self, *, user_id: str, insight_id: str, action: EngageAction, feedback: Feedback | None = None
    ) -> None:
        """Record what the user did with one of their insights; raises InsightNotFoundError."""
        await engage(self.store, user_id, insight_id, action=action, feedback=feedback)

    async def discuss(self, *, user_id: str, insight_id: str, message: str) -> DiscussResponse:
        """The coach's answer about one of the user's insights, on their own conversation; an unknown id is
        `success: false`. A discussed insight is marked so."""
        try:
            insight = await get_insight(self.store, user_id, insight_id)
        except InsightNotFoundError:
            return DiscussResponse(
                response="",
                provider="none",
                success=False,
                insight_title="Unknown",
                error="Insight not found",
            )
        data = await data_context(self.store, self.users, user_id, insight)
        weekly = await weekly_summary_text(store=self.store, users=self.users, user_id=user_id)
        prompt = discussion_prompt(insight, data, weekly, message)
        result = await self.discussant.discuss(user_id=user_id, prompt=prompt, user_text=message)
        if result.success:
            await engage(self.store, user_id, insight.id, action=EngageAction.DISCUSSED)
        return DiscussResponse(
            response=result.text if result.success else "",
            provider=result.provider,
            success=result.success,
            insight_title=insight.title,
            error=result.error,
        )
