"""Long-run detectors: multi-scale trends, plateaus, goal progress, weekend patterns, the coach block."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from airfit import demo
from airfit.insights.models import Insight
from airfit.insights.picture import describe_days, long_run_text
from airfit.insights.robust import theil_sen, welch
from airfit.insights.stats import detect
from airfit.profile.models import MacroTargets, UserProfile
from airfit.storage import DocumentStore
from airfit.users.service import UserService
from tests.insights.data import flat_days, snapshot, store_days, store_profile

TODAY = date(2025, 6, 30)
PROFILE = UserProfile(training_day_targets=MacroTargets(protein=160, calories=2300))


def _weeks(n: int) -> date:
    return TODAY - timedelta(weeks=n)


def _days(effects: list[Any], person: demo.Person = demo.FLAT, seed: int = 3) -> list[dict[str, Any]]:
    return demo.days(730, seed, TODAY, person=person, effects=effects)


def _found(days: list[dict[str, Any]], profile: UserProfile = PROFILE) -> dict[str, Insight]:
    return {i.fingerprint or "": i for i in detect([snapshot(d) for d in days], profile=profile, today=TODAY)}


def test_theil_sen_ignores_a_wild_point_and_never_divides_by_zero() -> None:
    xs = [float(x) for x in range(20)]
    ys = [100 - 0.5 * x + (0.3 if x % 2 else -0.3) for x in xs]
    clean = theil_sen(xs, ys)
    ys[10] += 40
    wild = theil_sen(xs, ys)
    assert clean is not None
    assert wild is not None
    assert wild.slope == pytest.approx(clean.slope, abs=0.05)
    assert theil_sen([1.0, 2.0], [3.0, 4.0]) is None
    assert theil_sen([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]) is None
    flat = theil_sen(xs, [7.0] * 20)
    assert flat is not None
    assert flat.z == 0
    assert flat.evidence == 0
    assert welch([1.0], [2.0, 3.0]) is None
    assert welch([2.0, 2.0], [2.0, 2.0]) is None


def test_a_slow_year_long_cut_is_found_at_the_year_scale() -> None:
    found = _found(_days([demo.Trend("weight_lbs", _weeks(52), -0.35)]))
    weight = found["weight_trend:down"]
    assert weight.supporting_data.trend_slope == pytest.approx(-0.35, abs=0.08)
    assert "readings" in weight.body
    assert re.search(r"in 5\d weeks", weight.title)
    assert "lean_mass_trend:down" not in found, "lean mass is told inside the weight insight"
    assert "Lean mass moved" in weight.body


def test_one_mis_weigh_makes_no_trend_and_a_week_without_readings_breaks_none() -> None:
    assert _found(_days([demo.Anomaly("weight_lbs", TODAY - timedelta(days=1), 10)])) == {}
    gap = [demo.Trend("weight_lbs", _weeks(52), -0.35), demo.Gap(TODAY - timedelta(days=20), 7)]
    assert "weight_trend:down" in _found(_days(gap))


def test_a_fast_recent_change_is_reported_at_the_short_scale() -> None:
    found = _found(_days([demo.Trend("weight_lbs", _weeks(4), -1.5)], seed=4))
    weight = found["weight_trend:down"]
    assert weight.supporting_data.trend_slope == pytest.approx(-1.5, abs=0.5)
    assert "in 4 weeks" in weight.title


def test_nutrition_and_recovery_trends_have_their_own_fingerprints() -> None:
    effects = [
        demo.Trend("calories", _weeks(10), -80),
        demo.Trend("resting_hr", _weeks(13), 0.5),
    ]
    found = _found(_days(effects, seed=5))
    assert {"calories_trend:down", "resting_hr_trend:up"} <= set(found)


def test_goal_progress_toward_with_a_date_and_away() -> None:
    toward = _found(
        _days([demo.Trend("weight_lbs", _weeks(26), -0.5)]),
        PROFILE.model_copy(update={"target_weight_lbs": 160}),
    )["goal_progress:toward"]
    assert toward.title.startswith("On track for 160.0 lbs around ")
    assert toward.supporting_data.target == 160
    eta = re.search(r"around (\d{4}-\d\d-\d\d)", toward.body)
    assert eta is not None
    # About 12 lbs to go at about half a pound a week: roughly half a year out.
    assert 120 < (date.fromisoformat(eta.group(1)) - TODAY).days < 260
    away = _found(
        _days([demo.Trend("weight_lbs", _weeks(20), 0.5)]),
        PROFILE.model_copy(update={"target_weight_lbs": 170}),
    )
    assert "goal_progress:away" in away


def test_a_plateau_after_a_clear_loss() -> None:
    effects = [demo.Trend("weight_lbs", _weeks(20), -1.0, _weeks(4))]
    profile = PROFILE.model_copy(update={"target_weight_lbs": 150})
    found = _found(_days(effects, seed=2), profile)
    plateau = found["weight_plateau"]
    assert plateau.title.startswith("Weight steady for ")
    assert "Your target is 150.0 lbs" in plateau.body
    assert "goal_progress:toward" not in found, "no finishing date while progress has stalled"


def test_weekend_patterns_need_a_real_difference() -> None:
    found = _found(_days([], person=demo.Person()))
    assert "calories_weekend:higher" in found
    assert found["calories_weekend:higher"].title == "Calories higher on weekends"
    assert not [k for k in _found(_days([])) if "weekend" in k]


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_few_readings_no_profile_no_targets_are_fine(n: int) -> None:
    days = [snapshot(d) for d in flat_days(n, 1, TODAY)] if n else []
    for profile in (UserProfile(), PROFILE.model_copy(update={"target_weight_lbs": 170})):
        assert detect(days, profile=profile, today=TODAY) == []
        text = describe_days(days, today=TODAY, target_weight=profile.target_weight_lbs)
        assert text == "" or "no clear trend yet" in text


def test_the_coach_block_says_what_the_insights_say(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    effects = [demo.Trend("weight_lbs", today - timedelta(weeks=26), -0.5)]
    days = demo.days(730, 6, today, person=demo.Person(), effects=effects)
    profile = PROFILE.model_copy(update={"target_weight_lbs": 160})
    store_days(tmp_path, "brian", [snapshot(d) for d in days])
    store_profile(tmp_path, "brian", profile)
    store = DocumentStore(tmp_path)
    text = asyncio.run(
        long_run_text(store=store, users=UserService(store, default_timezone="UTC"), user_id="brian")
    )
    found = {i.fingerprint: i for i in detect([snapshot(d) for d in days], profile=profile, today=today)}
    weight = found["weight_trend:down"]
    assert text.startswith("Long-run picture")
    assert f"weight down {abs(weight.supporting_data.trend_slope or 0):.2f} lbs/week" in text
    assert "target weight 160.0 lbs" in text
    assert "calories" in text
    assert "pattern: calories" in text
    assert "calories_weekend:higher" in found
