"""Profile export/import round trips, and seeding from the nested seed format (body or seed file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ios import PROFILE_IMPORT, decode, decode_profile, server_profile_export
from tests.live import LiveServer

JSON = {"Content-Type": "application/json"}
EXAMPLE_SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-profile.json"


def _export(server: LiveServer, user: str | None = None) -> bytes:
    with server.client(user) as c:
        response = c.get("/profile/export")
    assert response.status_code == 200
    return response.content


def _profile_bytes(export: bytes) -> bytes:
    """The `profile` object of an export, re-serialised in its received key order."""
    return json.dumps(json.loads(export)["profile"], separators=(",", ":")).encode()


def _rich_profile(server: LiveServer) -> None:
    with server.client() as c:
        assert (
            c.post("/profile/import-seed", content=EXAMPLE_SEED.read_bytes(), headers=JSON).status_code == 200
        )
        c.post(
            "/profile/sync",
            json=server_profile_export(goals=["Run a 5k"], relationship_notes="Hates burpees", age=39),
        )


def test_export_import_export_round_trips_exactly(server: LiveServer) -> None:
    _rich_profile(server)
    first = _export(server)
    with server.client() as c:
        assert c.delete("/profile").status_code == 200
        response = c.post("/profile/import", content=first, headers=JSON)
    assert response.status_code == 200
    result = response.json()
    decode(result, PROFILE_IMPORT)
    assert result == {
        "success": True,
        "name": "Alex Example",
        "goals_count": 3,
        "has_personality": True,
        "error": None,
    }
    second = _export(server)
    assert _profile_bytes(second) == _profile_bytes(first)
    envelope = json.loads(second)
    assert envelope["version"] == 1
    assert envelope["exported_at"]


def test_import_moves_a_profile_between_users_without_touching_others(server: LiveServer) -> None:
    _rich_profile(server)
    exported = _export(server, "brian")
    with server.client("jonathan") as c:
        assert c.post("/profile/import", content=exported, headers=JSON).json()["success"] is True
    assert _profile_bytes(_export(server, "jonathan")) == _profile_bytes(exported)
    assert json.loads(_export(server, "david"))["profile"]["name"] is None


def test_import_of_an_original_server_export_is_coerced(server: LiveServer) -> None:
    original = {
        "version": 1,
        "exported_at": "2025-05-01T10:00:00.000001",
        "profile": {"name": "Sam", "age": 0, "training_days_per_week": 5, "insights": [{"insight": "x"}]},
    }
    with server.client() as c:
        result = c.post("/profile/import", json=original).json()
        body = c.get("/profile").json()
    assert result["success"] is True
    decode_profile(body)
    assert (body["age"], body["training_days_per_week"], body["recent_insights"][0]["source"]) == (
        None,
        "5",
        "chat",
    )


def test_import_of_another_version_is_a_200_failure_and_changes_nothing(server: LiveServer) -> None:
    _rich_profile(server)
    before = _export(server)
    with server.client() as c:
        response = c.post("/profile/import", json={"version": 2, "profile": {"name": "Other"}})
    assert response.status_code == 200
    decode(response.json(), PROFILE_IMPORT)
    assert response.json()["success"] is False
    assert "version" in response.json()["error"]
    assert _profile_bytes(_export(server)) == _profile_bytes(before)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"profile": {}}, "version"), ({"version": 1}, "profile"), ({"version": 1, "profile": [1]}, "profile")],
)
def test_import_without_version_or_profile_is_422(server: LiveServer, body: Any, field: str) -> None:
    with server.client() as c:
        response = c.post("/profile/import", json=body)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def test_import_seed_maps_every_section(server: LiveServer) -> None:
    with server.client("david") as c:
        response = c.post("/profile/import-seed", content=EXAMPLE_SEED.read_bytes(), headers=JSON)
        body = c.get("/profile").json()
        profile = c.get("/profile/export").json()["profile"]
    assert response.status_code == 200
    assert response.json() == {
        "status": "imported",
        "name": "Alex Example",
        "onboarding_complete": True,
        "has_coaching_persona": True,
    }
    decode_profile(body)
    assert body["summary"] == "Consistent lifter. Busy parent. Recomp."
    assert (body["protein_target"], body["calorie_target_training"], body["calorie_target_rest"]) == (
        170,
        2500,
        2200,
    )
    assert profile["phase_started"] == "2025-01-06"
    assert profile["training_day_targets"]["carbs"] == "260-280"
    assert profile["hevy_quirks"] == ["Warm-up sets are logged as normal sets", "Count working sets only"]
    assert profile["personality_notes"].startswith("You are a calm")


@pytest.mark.parametrize(
    "seed",
    [
        {},
        {"identity": None, "phase": None, "goals": None, "nutrition": None, "communication_style": None},
        {
            "identity": {"name": None, "age": "?"},
            "training": {"style": None},
            "nutrition": {"training_day": None},
        },
    ],
)
def test_import_seed_missing_or_null_keys_become_defaults(server: LiveServer, seed: dict[str, Any]) -> None:
    with server.client() as c:
        response = c.post("/profile/import-seed", json=seed)
        body = c.get("/profile").json()
        profile = c.get("/profile/export").json()["profile"]
    assert response.status_code == 200
    decode_profile(body)
    assert body["onboarding_complete"] is True
    assert profile["goals"] == []
    assert profile["training_style"] == []
    assert profile["training_day_targets"] == {"calories": None, "protein": None, "carbs": None, "fat": None}


def test_import_seed_with_a_malformed_section_is_422(server: LiveServer) -> None:
    with server.client() as c:
        response = c.post("/profile/import-seed", json={"identity": "Sam"})
    assert response.status_code == 422
    assert "identity" in str(response.json()["detail"])


def test_seed_endpoint_reads_the_configured_file(start_server: Callable[..., LiveServer]) -> None:
    live = start_server(seed_file=EXAMPLE_SEED)
    with live.client("jonathan") as c:
        response = c.post("/profile/seed")
        body = c.get("/profile").json()
    assert response.status_code == 200
    assert body["name"] == "Alex Example"
    with live.client("brian") as c:
        assert c.get("/profile").json()["name"] is None


def test_seed_without_configured_file_is_a_clear_error(server: LiveServer) -> None:
    with server.client() as c:
        response = c.post("/profile/seed")
    assert response.status_code == 409
    assert "AIRFIT_SEED_FILE" in response.json()["detail"]


@pytest.mark.parametrize("content", [None, b"{broken", b'{"identity": "x"}'])
def test_seed_file_unreadable_or_invalid_is_500_and_changes_nothing(
    start_server: Callable[..., LiveServer], tmp_path: Path, content: bytes | None
) -> None:
    seed = tmp_path / "seed.json"
    if content is not None:
        seed.write_bytes(content)
    live = start_server(seed_file=seed)
    with live.client() as c:
        c.post("/profile/sync", json=server_profile_export(name="Kept"))
        response = c.post("/profile/seed")
        name = c.get("/profile").json()["name"]
    assert response.status_code == 500
    assert "seed.json" in response.json()["detail"]
    assert name == "Kept"
