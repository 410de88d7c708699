"""The demo household: two people with years of generated data, to see the product before a phone syncs.

Everything is written through the owning services' public functions (the user registry, the health sync,
the training import, the profile seed, the statistical insights), exactly as real data would arrive. Demo
users are flagged in the registry; nothing here ever changes a user without that flag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from airfit.demo.days import Anomaly, Effect, Person, Trend, days
from airfit.demo.workouts import PR, Lifter, workouts
from airfit.health.models import DailySyncData
from airfit.health.service import HealthService
from airfit.insights.engine import InsightEngine
from airfit.profile.models import SeedProfile
from airfit.profile.service import ProfileService
from airfit.training.models import Workout
from airfit.training.service import TrainingService
from airfit.users.service import NotDemoUserError, UserService


class DemoServices(Protocol):
    """The services a demo household goes in through: the same paths a phone's and Hevy's data take."""

    @property
    def users(self) -> UserService: ...
    @property
    def profiles(self) -> ProfileService: ...
    @property
    def health(self) -> HealthService: ...
    @property
    def training(self) -> TrainingService: ...
    @property
    def insights(self) -> InsightEngine: ...


DEFAULT_YEARS = 3
MAX_YEARS = 5


@dataclass(frozen=True)
class Member:
    """One demo person: who they are, how their data is generated, and what happened to them when."""

    user_id: str
    seed: int
    person: Person
    lifter: Callable[[date], Lifter]
    effects: Callable[[date, date], Sequence[Effect]]
    """(first day, today) -> the changes in their data."""
    profile: SeedProfile


def _alex_effects(first: date, today: date) -> list[Effect]:
    bulk_end = first + timedelta(weeks=52)
    cut_start, cut_end = today - timedelta(weeks=26), today - timedelta(weeks=7)
    return [
        Trend("weight_lbs", first, 0.25, bulk_end),
        Trend("body_fat_pct", first, 0.03, bulk_end),
        Trend("weight_lbs", cut_start, -0.8, cut_end),
        Trend("body_fat_pct", cut_start, -0.12, cut_end),
        Trend("calories", cut_start, -60, cut_start + timedelta(weeks=6)),
    ]


def _sam_effects(_first: date, today: date) -> list[Effect]:
    year_ago = today - timedelta(weeks=52)
    last_nights = today - timedelta(days=2)
    return [
        Trend("weight_lbs", year_ago, -0.35),
        Trend("body_fat_pct", year_ago, -0.08),
        Anomaly("sleep_hours", last_nights, -3.0, days=3),
        Anomaly("hrv_ms", last_nights, -20, days=3),
    ]


HOUSEHOLD: tuple[Member, ...] = (
    Member(
        user_id="demo-alex",
        seed=101,
        person=Person(
            weight_lbs=176, body_fat_pct=17, calories=2500, protein=175, weekend={"calories": 550.0}
        ),
        lifter=lambda today: Lifter(effects=(PR("Bench Press (Barbell)", today - timedelta(days=4)),)),
        effects=_alex_effects,
        profile=SeedProfile.model_validate(
            {
                "identity": {
                    "name": "Alex (demo)",
                    "age": 34,
                    "occupation": "Nurse",
                    "summary": "Demo user.",
                },
                "body_composition": {"target_weight_lbs": 165, "target_body_fat_pct": 15},
                "goals": ["Bench 120 kg", "Finish the cut at 15% body fat"],
                "phase": {"current": "cut", "context": "Six-month cut after a year of slow bulking"},
                "training": {"days_per_week": "4", "style": ["Push/pull/legs"]},
                "nutrition": {
                    "training_day": {"calories": 2300, "protein": 180},
                    "rest_day": {"calories": 2100, "protein": 180},
                },
                "communication_style": "Direct, numbers first",
            }
        ),
    ),
    Member(
        user_id="demo-sam",
        seed=202,
        person=Person(
            weight_lbs=172,
            body_fat_pct=28,
            calories=1900,
            calories_sd=250,
            protein=115,
            sleep_hours=6.9,
            hrv_ms=42,
            hrv_sd=6,
            resting_hr=61,
            steps=10500,
            weekend={"calories": 300.0, "protein": -15.0, "steps": 2500.0, "sleep_hours": 0.8},
        ),
        lifter=lambda today: Lifter(strength=0.55, weekdays=(0, 2, 4), hour=7),
        effects=_sam_effects,
        profile=SeedProfile.model_validate(
            {
                "identity": {
                    "name": "Sam (demo)",
                    "age": 41,
                    "occupation": "Architect",
                    "summary": "Demo user.",
                },
                "body_composition": {"target_weight_lbs": 150, "target_body_fat_pct": 22},
                "goals": ["Lose 20 lb steadily", "Sleep seven hours"],
                "phase": {"current": "cut", "context": "A slow, steady year-long cut"},
                "training": {"days_per_week": "3", "style": ["Full body, early mornings"]},
                "nutrition": {
                    "training_day": {"calories": 1900, "protein": 130},
                    "rest_day": {"calories": 1750, "protein": 130},
                },
            }
        ),
    ),
)
DEMO_IDS = tuple(m.user_id for m in HOUSEHOLD)


@dataclass(frozen=True)
class Installed:
    """What was written for one demo user."""

    user_id: str
    days: int
    workouts: int
    insights: list[str]
    refreshed: bool


async def refuse_real_users(services: DemoServices) -> None:
    """Raise NotDemoUserError naming every demo id that is taken by a real user (before anything changes)."""
    taken = []
    for user_id in DEMO_IDS:
        record = await services.users.get(user_id)
        if record is not None and not record.demo:
            taken.append(user_id)
    if taken:
        names = ", ".join(taken)
        raise NotDemoUserError(
            f"{names} already exist{'s' if len(taken) == 1 else ''} as real (non-demo) user"
            f"{'' if len(taken) == 1 else 's'}; the demo household was not created and nothing was changed"
        )


async def install(services: DemoServices, *, years: int = DEFAULT_YEARS) -> list[Installed]:
    """Create the demo household, or regenerate it (ending today) if it exists; never touches real users."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be between 1 and {MAX_YEARS}")
    await refuse_real_users(services)
    return [await _install(services, member, years) for member in HOUSEHOLD]


async def _install(services: DemoServices, member: Member, years: int) -> Installed:
    existing = await services.users.get(member.user_id)
    if existing is not None:
        await services.users.remove_demo(member.user_id)
    await services.users.add(member.user_id, demo=True)
    today = await services.users.today(member.user_id)
    n_days = 365 * years
    first = today - timedelta(days=n_days - 1)
    await services.profiles.apply_seed(member.user_id, member.profile)
    generated = days(n_days, member.seed, today, person=member.person, effects=member.effects(first, today))
    synced = await services.health.sync_days(
        user_id=member.user_id, days=[DailySyncData.model_validate(d) for d in generated]
    )
    # Workouts end yesterday: today's would start in the future before the lifter's usual hour.
    raw = workouts(52 * years, member.seed, today - timedelta(days=1), lifter=member.lifter(today))
    imported = await services.training.import_workouts(
        member.user_id, [Workout.model_validate(w) for w in raw]
    )
    found = await services.insights.statistical(user_id=member.user_id)
    return Installed(
        user_id=member.user_id,
        days=synced.count,
        workouts=imported.workouts_stored,
        insights=[i.title for i in found],
        refreshed=existing is not None,
    )


async def remove(services: DemoServices) -> list[str]:
    """Delete every demo user and their generated data; returns their ids. Real users are never touched."""
    removed = []
    for user in await services.users.list():
        if user.demo:
            await services.users.remove_demo(user.id)
            removed.append(user.id)
    return removed
