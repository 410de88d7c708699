"""Changing the profile: item edits, deletion and the app's profile sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ios import decode_profile, server_profile_export
from tests.live import LiveServer


def _sync(server: LiveServer, body: dict[str, Any], user: str | None = None) -> dict[str, Any]:
    with server.client(user) as c:
        response = c.post("/profile/sync", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _profile(server: LiveServer, user: str | None = None) -> dict[str, Any]:
    with server.client(user) as c:
        response = c.get("/profile")
    assert response.status_code == 200
    body = response.json()
    decode_profile(body)
    return body


def test_sync_stores_the_app_payload(server: LiveServer) -> None:
    result = _sync(
        server,
        server_profile_export(
            name="Sam",
            age=34,
            height="5'11\"",
            current_weight_lbs=182,
            target_body_fat_pct=12.5,
            goals=["Bench 100 kg"],
            current_phase="cut",
            communication_style="blunt",
            personality_notes="Direct.",
            relationship_notes="Likes puns",
            training_days_per_week=4,
            training_style="Upper/lower split",
            onboarding_complete=True,
        ),
    )
    assert result["status"] == "synced"
    assert result["server_updated_at"]
    body = _profile(server)
    assert (body["name"], body["age"], body["height"]) == ("Sam", 34, "5'11\"")
    assert body["current_weight_lbs"] == 182.0
    assert body["target_body_fat_pct"] == 12.5
    assert body["training_days_per_week"] == "4"
    assert body["training_style"] == ["Upper/lower split"]
    assert (body["communication_style"], body["personality_notes"], body["goal_phase"]) == (
        "blunt",
        "Direct.",
        "cut",
    )
    assert body["onboarding_complete"] is True
    with server.client() as c:
        exported = c.get("/profile/export").json()["profile"]
    assert exported["relationship_notes"] == ["Likes puns"]


def test_sync_without_onboarding_flag_keeps_it(server: LiveServer) -> None:
    _sync(server, server_profile_export(onboarding_complete=True))
    body = server_profile_export(name="Sam")
    del body["onboarding_complete"]
    _sync(server, body)
    assert _profile(server)["onboarding_complete"] is True
    _sync(server, server_profile_export(onboarding_complete=False))
    assert _profile(server)["onboarding_complete"] is False


def test_sync_accepts_range_and_list_shapes(server: LiveServer) -> None:
    _sync(
        server,
        server_profile_export(
            training_days_per_week="4-6", relationship_notes=["a", "b"], training_style=["x", "y"]
        ),
    )
    body = _profile(server)
    assert body["training_days_per_week"] == "4-6"
    assert body["training_style"] == ["x", "y"]


def test_sync_lists_merge_and_empty_or_blank_never_clear(server: LiveServer) -> None:
    _sync(server, server_profile_export(name="Sam", goals=["A", "B"], communication_style="blunt"))
    # The app echoes the "" it was sent for an unknown style, and sends [] for lists it knows nothing of.
    _sync(server, server_profile_export(name="  ", goals=[], communication_style=""))
    body = _profile(server)
    assert (body["name"], body["goals"], body["communication_style"]) == ("Sam", ["A", "B"], "blunt")
    _sync(server, server_profile_export(goals=["B", "C"], patterns=["late eater"]))
    body = _profile(server)
    assert body["goals"] == ["A", "B", "C"]
    assert body["patterns"] == ["late eater"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", "thirty"),
        ("goals", "not a list"),
        ("onboarding_complete", "maybe"),
        ("current_weight_lbs", "x"),
    ],
)
def test_sync_with_wrong_types_is_422_naming_the_field(server: LiveServer, field: str, value: Any) -> None:
    with server.client() as c:
        response = c.post("/profile/sync", json=server_profile_export(**{field: value}))
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def test_sync_storage_failure_is_5xx(server: LiveServer, data_dir: Path) -> None:
    # A directory where the profile file should be: every read and write of it fails at the OS level.
    (data_dir / "brian" / "profile.json").mkdir(parents=True)
    with server.client() as c:
        response = c.post("/profile/sync", json=server_profile_export(name="Sam"))
    assert response.status_code == 503
    assert "storage failure" in response.json()["detail"]


def test_patch_item_updates_and_deletes(server: LiveServer) -> None:
    _sync(server, server_profile_export(goals=["A", "B", "C"], life_context=["Two kids"]))
    with server.client() as c:
        updated = c.patch("/profile/item", json={"category": "goals", "old_value": "B", "new_value": "B2"})
        deleted = c.patch("/profile/item", json={"category": "life_context", "old_value": "Two kids"})
    assert updated.status_code == 200
    assert updated.json() == {"status": "updated", "category": "goals"}
    assert deleted.json() == {"status": "deleted", "category": "life_context"}
    body = _profile(server)
    assert body["goals"] == ["A", "B2", "C"]
    assert body["life_context"] == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"category": "identity", "old_value": "A"}, 400),
        ({"category": "goals", "old_value": "missing"}, 404),
        ({"category": "goals", "old_value": "A", "new_value": "  "}, 422),
        ({"category": "goals"}, 422),
    ],
)
def test_patch_item_errors(server: LiveServer, payload: dict[str, Any], code: int) -> None:
    _sync(server, server_profile_export(goals=["A"]))
    with server.client() as c:
        response = c.patch("/profile/item", json=payload)
    assert response.status_code == code
    assert "detail" in response.json()
    assert _profile(server)["goals"] == ["A"]


def test_delete_clears_only_the_callers_profile(server: LiveServer) -> None:
    _sync(server, server_profile_export(name="Brian", onboarding_complete=True), "brian")
    _sync(server, server_profile_export(name="David", onboarding_complete=True), "david")
    with server.client("david") as c:
        first = c.delete("/profile")
        again = c.delete("/profile")
    assert (first.status_code, again.status_code) == (200, 200)
    assert _profile(server, "david")["name"] is None
    assert _profile(server, "david")["onboarding_complete"] is False
    assert _profile(server, "brian")["name"] == "Brian"


def test_targets_are_set_in_parts_and_both_ios_decoders_still_read_the_profile(server: LiveServer) -> None:
    with server.client("david") as david, server.client("brian") as brian:
        set_ = david.patch(
            "/profile/targets",
            json={"training_day": {"calories": 2600, "protein": 180}, "rest_day": {"calories": 2200}},
        )
        assert set_.status_code == 200
        david.patch("/profile/targets", json={"rest_day": {"protein": 170}}).raise_for_status()
        profile = david.get("/profile").json()
        decode_profile(profile)
        unset = {"carbs": None, "fat": None}
        assert profile["training_day_targets"] == {"calories": 2600, "protein": 180, **unset}
        assert profile["rest_day_targets"] == {"calories": 2200, "protein": 170, **unset}
        assert (profile["calorie_target_training"], profile["calorie_target_rest"]) == (2600, 2200)
        assert profile["protein_target"] == 180
        # A null clears one target; the others stay.
        david.patch("/profile/targets", json={"training_day": {"protein": None}}).raise_for_status()
        assert david.get("/profile").json()["training_day_targets"]["protein"] is None
        assert brian.get("/profile").json()["training_day_targets"]["calories"] is None


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"training_day": {"calories": 20}}, ["body", "training_day", "calories"]),
        ({"rest_day": {"protein": 5000}}, ["body", "rest_day", "protein"]),
        ({"rest_day": {"calories": "lots"}}, ["body", "rest_day", "calories"]),
        ({"weekend": {"calories": 2000}}, ["body", "weekend"]),
    ],
)
def test_targets_out_of_range_are_a_422_naming_the_field(
    server: LiveServer, body: dict[str, Any], where: list[str]
) -> None:
    with server.client("david") as david:
        response = david.patch("/profile/targets", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where
