"""The iOS decoder emulator itself: it fails where `docs/ios-contract.md` (§ Decoding, § Dates) says the app
fails, and where the contract asks the server for more (integers for Int)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.ios import INSIGHT, LIFT_PROGRESS, ONBOARDING, PARSE, PROFILE, SET_TRACKER, STATUS, decode

STATUS_OK = {"status": "ok", "available_providers": ["claude"], "session_id": None}
ONBOARDING_OK = {"response": "Hi", "session_id": "s1", "profile_completeness": None}
LIFT = {
    "name": "Squat",
    "workout_count": 3,
    "current_pr": {"weight_lbs": 315, "reps": 5, "date": "2026-01-05"},
    "history": [{"date": "2026-01-05", "weight_lbs": 315.5}],
}
PROFILE_OK = {
    **{key: [] for key in ("goals", "constraints", "preferences", "context", "patterns", "recent_insights")},
    "communication_style": "",
    "insights_count": 0,
    "has_profile": False,
    "onboarding_complete": False,
}
INSIGHT_OK = {
    "id": "i1",
    "category": "trend",
    "tier": 2,
    "title": "t",
    "body": "b",
    "importance": 1,
    "created_at": "2026-01-05T10:00:00Z",
}


def test_well_formed_bodies_decode() -> None:
    decode(STATUS_OK, STATUS)  # an absent or null optional is nil
    decode({**STATUS_OK, "message_count": 3, "unknown": [1]}, STATUS)  # unknown keys are ignored
    decode(ONBOARDING_OK, ONBOARDING)
    decode({"lifts": [LIFT]}, LIFT_PROGRESS)  # a Double takes a JSON integer
    decode(INSIGHT_OK, INSIGHT)
    decode({**INSIGHT_OK, "supporting_data": "anything", "suggested_actions": None}, INSIGHT)
    decode({"window_days": 7, "muscle_groups": {}, "last_sync": None}, SET_TRACKER)
    decode(PROFILE_OK, PROFILE)


@pytest.mark.parametrize(
    ("body", "model", "where"),
    [
        ({"available_providers": []}, STATUS, "$.status"),  # required key missing
        ({**STATUS_OK, "status": None}, STATUS, "$.status"),  # required key null
        ({**STATUS_OK, "message_count": "3"}, STATUS, "$.message_count"),  # optional, but of the wrong type
        ({**STATUS_OK, "message_count": 3.0}, STATUS, "$.message_count"),  # the server sends integers
        ({**STATUS_OK, "message_count": 3.5}, STATUS, "$.message_count"),  # does not fit in Int
        ({**STATUS_OK, "message_count": 2**63}, STATUS, "$.message_count"),  # wider than a Swift Int
        ({**STATUS_OK, "message_count": True}, STATUS, "$.message_count"),  # a Bool is no Int
        # One bad element fails the whole response.
        ({**STATUS_OK, "available_providers": ["a", 1]}, STATUS, "$.available_providers[1]"),
        ({**STATUS_OK, "available_providers": "a"}, STATUS, "$.available_providers"),
        ({**ONBOARDING_OK, "profile_completeness": {}}, ONBOARDING, "$.profile_completeness.has_name"),
        ({**ONBOARDING_OK, "session_id": None}, ONBOARDING, "$.session_id"),
        ({"success": 1}, PARSE, "$.success"),  # 0/1 are no Bool
        ({"success": True, "components": [{"name": "x"}]}, PARSE, "$.components[0].calories"),
        ({"lifts": [{**LIFT, "current_pr": None}]}, LIFT_PROGRESS, "$.lifts[0].current_pr"),
        (
            {"lifts": [{**LIFT, "history": [{"date": "2026-01-05T07:00:00+00:00", "weight_lbs": 1}]}]},
            LIFT_PROGRESS,
            "$.lifts[0].history[0].date",
        ),
        (
            {"lifts": [{**LIFT, "history": [{"date": "2026-02-30", "weight_lbs": 1}]}]},
            LIFT_PROGRESS,
            "$.lifts[0].history[0].date",
        ),
        ({**INSIGHT_OK, "created_at": "2026-01-05T10:00:00.123Z"}, INSIGHT, "$.created_at"),
        ({**INSIGHT_OK, "category": "gossip"}, INSIGHT, "$.category"),
        ({**INSIGHT_OK, "tier": 6}, INSIGHT, "$.tier"),
        ({**INSIGHT_OK, "importance": float("nan")}, INSIGHT, "$.importance"),
        ({**INSIGHT_OK, "suggested_actions": [None]}, INSIGHT, "$.suggested_actions[0]"),
        (
            {"window_days": 7, "muscle_groups": {"chest": {"current": 1}}},
            SET_TRACKER,
            "$.muscle_groups.chest.min",
        ),
        ({"window_days": 7, "muscle_groups": []}, SET_TRACKER, "$.muscle_groups"),
        ({**PROFILE_OK, "communication_style": None}, PROFILE, "$.communication_style"),
        (
            {**PROFILE_OK, "recent_insights": [{"date": "", "insight": "x"}]},
            PROFILE,
            "$.recent_insights[0].source",
        ),
    ],
)
def test_the_app_would_fail(body: Any, model: Any, where: str) -> None:
    with pytest.raises(AssertionError, match=f"^{re.escape(where)}:"):
        decode(body, model)
