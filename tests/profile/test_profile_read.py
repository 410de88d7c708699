"""`GET /profile` as both of the app's decoders read it, for empty, full and badly stored profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.ios import decode_profile
from tests.live import LiveServer


def _store_raw(data_dir: Path, user: str, payload: Any, *, envelope: bool = True) -> None:
    """Write a profile file directly, as an old server, a hand edit or an import might have left it."""
    directory = data_dir / user
    directory.mkdir(exist_ok=True)
    body = {"key": "profile", "version": 1, "data": payload} if envelope else payload
    (directory / "profile.json").write_bytes(orjson.dumps(body))


def test_empty_profile_decodes_and_hides_unknowns(server: LiveServer) -> None:
    with server.client("david") as c:
        response = c.get("/profile")
    assert response.status_code == 200
    body = response.json()
    decode_profile(body)
    assert body["name"] is None
    assert body["communication_style"] == ""
    assert (body["protein_target"], body["calorie_target_training"], body["calorie_target_rest"]) == (
        None,
        None,
        None,
    )
    assert body["has_profile"] is False
    assert body["onboarding_complete"] is False
    assert body["recent_insights"] == []
    assert body["insights_count"] == 0


def test_full_profile_carries_phase_persona_and_integer_targets(server: LiveServer, data_dir: Path) -> None:
    insights = [{"date": f"2025-06-0{i}", "insight": f"fact {i}", "source": "chat"} for i in range(1, 8)]
    _store_raw(
        data_dir,
        "brian",
        {
            "name": "Sam Rivers",
            "summary": "Lifter. Cook. Cut.",
            "current_phase": "cut",
            "phase_context": "Leaning out for summer",
            "personality_notes": "Direct, dry humour.",
            "communication_style": "blunt",
            "training_day_targets": {"calories": 2450.6, "protein": "170-181", "carbs": "300", "fat": 70},
            "rest_day_targets": {"calories": "2100", "protein": 170},
            "goals": ["Bench 100 kg"],
            "insights": insights,
            "onboarding_complete": True,
        },
    )
    with server.client() as c:
        body = c.get("/profile").json()
    decode_profile(body)
    assert body["summary"] == "Lifter. Cook. Cut."
    assert (body["current_phase"], body["goal_phase"], body["phase_context"]) == (
        "cut",
        "cut",
        "Leaning out for summer",
    )
    assert body["personality_notes"] == "Direct, dry humour."
    assert body["communication_style"] == "blunt"
    assert (body["protein_target"], body["calorie_target_training"], body["calorie_target_rest"]) == (
        176,
        2451,
        2100,
    )
    assert body["insights_count"] == 7
    assert [i["insight"] for i in body["recent_insights"]] == [f"fact {i}" for i in range(3, 8)]
    assert body["has_profile"] is True


NASTY_PROFILES: list[Any] = [
    {
        "name": "",
        "age": "thirty-ish",
        "height": 180,
        "goals": "get strong",
        "constraints": None,
        "preferences": [None, 3, "", "oats", "oats", {"x": 1}],
        "training_days_per_week": 5,
        "training_style": "powerlifting",
        "communication_style": None,
        "personality_notes": "",
        "current_weight_lbs": "182 lbs",
        "current_body_fat_pct": 0,
        "training_day_targets": None,
        "rest_day_targets": ["not", "a", "dict"],
        "insights": [{"insight": 5}, {"date": None, "insight": "sleeps late"}, "junk", None],
        "created_at": "yesterday-ish",
        "updated_at": 12345,
        "onboarding_complete": "yes",
        "summary": ["a", "list"],
        "phase_context": {"nested": True},
        "some_future_key": {"kept": True},
    },
    {"training_day_targets": {"protein": "lots", "calories": "2,400 kcal"}, "insights": "many"},
    {"training_day_targets": {"protein": 1e308, "calories": -5}, "age": 1e30},
]


@pytest.mark.parametrize("payload", NASTY_PROFILES)
def test_badly_stored_values_never_break_the_response(
    server: LiveServer, data_dir: Path, payload: dict[str, Any]
) -> None:
    _store_raw(data_dir, "brian", payload)
    with server.client() as c:
        response = c.get("/profile")
    assert response.status_code == 200, response.text
    decode_profile(response.json())


def test_nasty_values_are_coerced_sensibly(server: LiveServer, data_dir: Path) -> None:
    _store_raw(data_dir, "brian", NASTY_PROFILES[0])
    with server.client() as c:
        body = c.get("/profile").json()
    assert body["name"] is None
    assert body["age"] is None
    assert body["height"] == "180"
    assert body["goals"] == ["get strong"]
    assert body["constraints"] == []
    assert body["preferences"] == ["3", "oats"]
    assert body["training_days_per_week"] == "5"
    assert body["training_style"] == ["powerlifting"]
    assert body["communication_style"] == ""
    assert body["current_weight_lbs"] == 182.0
    assert body["current_body_fat_pct"] is None
    assert body["recent_insights"] == [{"date": "", "insight": "sleeps late", "source": "chat"}]
    assert body["onboarding_complete"] is True


def test_legacy_unenveloped_profile_with_nulls_is_read(server: LiveServer, data_dir: Path) -> None:
    _store_raw(
        data_dir,
        "brian",
        {
            "name": "Sam",
            "age": 0,
            "current_weight_lbs": 0.0,
            "goals": None,
            "communication_style": "",
            "training_day_targets": {},
            "created_at": "2025-01-02T08:00:00.123456",
            "updated_at": None,
            "onboarding_complete": True,
        },
        envelope=False,
    )
    with server.client() as c:
        body = c.get("/profile").json()
    decode_profile(body)
    assert (body["name"], body["age"], body["current_weight_lbs"], body["goals"]) == ("Sam", None, None, [])


@pytest.mark.parametrize("raw", [b"[1, 2, 3]", b"{not json", b'{"key":"profile","version":1,"data":"x"}'])
def test_unreadable_profile_is_kept_aside_and_response_still_decodes(
    server: LiveServer, data_dir: Path, raw: bytes
) -> None:
    (data_dir / "brian").mkdir(exist_ok=True)
    (data_dir / "brian" / "profile.json").write_bytes(raw)
    with server.client() as c:
        response = c.get("/profile")
    assert response.status_code == 200
    decode_profile(response.json())
    kept = list((data_dir / "brian").glob("profile.json.corrupt.*"))
    assert [p.read_bytes() for p in kept] == [raw]
