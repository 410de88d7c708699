"""`airfit migrate` on an original single-user data directory, through the real CLI, then a real server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from airfit.config import Settings
from airfit.health.models import CONTEXT_STORE
from airfit.storage import decode_document
from tests.ios import decode_profile
from tests.live import LiveServer, run_cli

# A single-user server's files, written the way its dataclasses serialised them.
LEGACY_PROFILE: dict[str, Any] = {
    "name": "Sam Rivers",
    "age": 41,
    "height": "5'11\"",
    "occupation": "",
    "current_weight_lbs": 184.5,
    "current_body_fat_pct": 0.0,
    "goals": ["Bench 100 kg", "Sleep 7 h"],
    "target_weight_lbs": 0.0,
    "target_body_fat_pct": 15.0,
    "current_phase": "cut",
    "phase_context": "",
    "phase_started": "",
    "life_context": ["Two kids"],
    "relationship_notes": ["Likes puns"],
    "training_days_per_week": "4",
    "training_style": ["Upper/lower"],
    "favorite_activities": [],
    "training_day_targets": {"calories": 2600, "protein": 175, "carbs": "320-340", "fat": "65-70"},
    "rest_day_targets": {},
    "nutrition_guidelines": [],
    "constraints": ["Bad left knee"],
    "context": [],
    "preferences": [],
    "communication_style": "",
    "personality_notes": "Dry humour, no fluff.",
    "hevy_quirks": [],
    "patterns": [],
    "insights": [{"date": "2025-05-01T09:00:00.123456", "insight": "Trains before work", "source": "chat"}],
    "summary": "",
    "created_at": "2025-01-03T10:11:12.131415",
    "updated_at": "2025-06-01T20:00:00.000001",
    "onboarding_complete": True,
}


def _snapshot(day: str) -> dict[str, Any]:
    return {
        "date": day,
        "nutrition": {
            "calories": 2310,
            "protein": 171,
            "carbs": 250,
            "fat": 70,
            "entry_count": 4,
            "protein_per_lb": None,
            "caloric_balance": None,
        },
        "health": {
            "steps": 10234,
            "active_calories": 612,
            "weight_lbs": 184.2,
            "body_fat_pct": None,
            "lean_mass_lbs": None,
            "sleep_hours": 7.1,
            "resting_hr": 55,
            "hrv_ms": 48.5,
            "vo2_max": None,
            "sleep_efficiency": 0.91,
            "sleep_deep_pct": 0.18,
            "sleep_core_pct": 0.55,
            "sleep_rem_pct": 0.22,
            "sleep_onset_minutes": 1390,
            "hrv_baseline_ms": 50.2,
            "hrv_deviation_pct": -3.4,
            "bedtime_consistency": "stable",
            "quality_score": 0.9,
            "quality_flags": [],
            "is_baseline_excluded": False,
        },
        "workout": {
            "workout_count": 1,
            "total_duration_minutes": 64,
            "total_volume_kg": 6120.5,
            "exercises": [
                {"name": "Bench Press (Barbell)", "sets": 5, "total_reps": 30, "max_weight_kg": 90.0},
                {"name": "Pull Up", "sets": 4, "total_reps": 36, "max_weight_kg": 0.0},
            ],
            "workout_titles": ["Upper A"],
        },
        "last_updated": f"{day}T21:00:00.000001",
        "sources_synced": ["nutrition", "health", "hevy"],
    }


LEGACY_INSIGHTS = [
    {
        "id": f"6f1c0a8e-0000-4000-8000-00000000000{i}",
        "created_at": "2025-06-01T06:00:00.000001",
        "category": "trend",
        "tier": 2,
        "title": f"Protein streak {i}",
        "body": "Seven days over target.",
        "supporting_data": {"metric": "protein", "values": [170, 172]},
        "importance": 0.8,
        "confidence": 0.7,
        "novelty": 1.0,
        "actionability": 0.5,
        "suggested_actions": ["Keep it up"],
        "conversation_context": "compact data",
        "surfaced_at": None,
        "engagement": None,
        "dismissed_at": None,
        "user_feedback": None,
    }
    for i in range(3)
]
LEGACY_CONTEXT = {
    "snapshots": {day: _snapshot(day) for day in ("2025-05-31", "2025-06-01")},
    "insights": LEGACY_INSIGHTS,
    "last_sync": "2025-06-01T21:00:00.000001",
    "version": 1,
}
LEGACY_EXERCISES = {
    "exercises": {
        "Bench Press (Barbell)": {
            "performances": [
                {
                    "date": "2025-06-01",
                    "best_weight_lbs": 198.5,
                    "best_reps": 5,
                    "total_sets": 5,
                    "e1rm": 231.6,
                }
            ],
            "current_pr": {"weight_lbs": 198.5, "reps": 5, "date": "2025-06-01", "e1rm": 231.6},
            "workout_count": 1,
        }
    },
    "exercise_ranking": ["Bench Press (Barbell)"],
    "last_sync": "2025-06-01T21:05:00.000001",
    "version": 1,
}
LEGACY_SESSION = {
    "session_id": "0d6c5b8e-1111-4222-8333-444455556666",
    "provider": "claude",
    "created_at": "2025-05-01T08:00:00.000001",
    "last_used": "2025-06-01T20:00:00.000001",
    "message_count": 212,
    "last_topic": None,
}
LEGACY_SESSIONS = {
    "default:claude": LEGACY_SESSION,
    "default:gemini": {**LEGACY_SESSION, "provider": "gemini"},
}
LEGACY_SCHEDULER = {
    "last_insight_generation": "2025-06-01T18:00:00.000001",
    "last_hevy_sync": "2025-06-01T20:00:00.000001",
    "last_pattern_analysis": None,
    "last_exercise_history_sync": "2025-06-01T20:00:00.000001",
    "last_memory_consolidation": None,
    "insights_generated_today": 41,
    "generation_error": None,
    "insight_generation_interval_hours": 6,
    "hevy_sync_interval_hours": 1,
    "exercise_history_sync_interval_hours": 1,
    "memory_consolidation_interval_hours": 168,
}
MEMORIES = {
    "index.md": "# Memory Index\nLast updated: 2025-06-01T20:00:00\n## Quick Reference\n",
    "relationship.md": "# Relationship Memory\n## Callbacks\n\n### Jun 01 - Callback\n- legs\n",
    "session_notes/2025-06-01.md": "\n- [remember] knee felt fine\n",
}


def _write_legacy(directory: Path) -> dict[str, bytes]:
    """The original server's files in `directory`; returns each file's exact bytes by relative path."""
    files = {
        "profile.json": orjson.dumps(LEGACY_PROFILE, option=orjson.OPT_INDENT_2),
        "context_store.json": orjson.dumps(LEGACY_CONTEXT, option=orjson.OPT_INDENT_2),
        "exercise_history.json": orjson.dumps(LEGACY_EXERCISES, option=orjson.OPT_INDENT_2),
        "sessions.json": orjson.dumps(LEGACY_SESSIONS, option=orjson.OPT_INDENT_2),
        "scheduler_state.json": orjson.dumps(LEGACY_SCHEDULER, option=orjson.OPT_INDENT_2),
        **{f"memories/{name}": text.encode() for name, text in MEMORIES.items()},
    }
    for name, payload in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(payload)
    return files


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def _migrate(settings: Settings, *args: str) -> Any:
    return run_cli(settings, "migrate", *args)


def test_dry_run_prints_the_plan_and_changes_nothing(settings: Settings, data_dir: Path) -> None:
    _write_legacy(data_dir)
    before = _tree(data_dir)
    result = _migrate(settings, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "dry run" in result.stdout
    for expected in (
        "move profile.json -> brian/profile.json",
        "split context_store.json -> brian/context_store.json + brian/insights.json (3 insights, kept",
        "move exercise_history.json -> brian/exercise_store.json",
        "move scheduler_state.json -> brian/scheduler_state.json",
        "re-key sessions.json (default:* -> brian:*) into _server/sessions.json",
        "move memories/ -> brian/memories/",
    ):
        assert expected in result.stdout
    assert _tree(data_dir) == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted({name.split("/")[0] for name in before})


def test_migration_moves_everything_with_a_backup_and_is_idempotent(
    settings: Settings, data_dir: Path
) -> None:
    originals = _write_legacy(data_dir)
    result = _migrate(settings)
    assert result.returncode == 0, result.stderr
    user = data_dir / "brian"
    assert (user / "profile.json").read_bytes() == originals["profile.json"]
    assert (user / "exercise_store.json").read_bytes() == originals["exercise_history.json"]
    assert (user / "scheduler_state.json").read_bytes() == originals["scheduler_state.json"]
    context = orjson.loads((user / "context_store.json").read_bytes())
    assert "insights" not in context
    assert context["snapshots"] == LEGACY_CONTEXT["snapshots"]
    migrated = [{**insight, "migrated": True} for insight in LEGACY_INSIGHTS]
    assert orjson.loads((user / "insights.json").read_bytes()) == {"insights": migrated}
    assert _tree(user / "memories") == {
        k.removeprefix("memories/"): v for k, v in originals.items() if "/" in k
    }
    sessions = orjson.loads((data_dir / "_server" / "sessions.json").read_bytes())
    assert sessions == {
        "brian:claude": LEGACY_SESSION,
        "brian:gemini": {**LEGACY_SESSION, "provider": "gemini"},
    }
    assert not [name for name in originals if (data_dir / name).exists()]
    (backup,) = (data_dir / ".backup").iterdir()
    assert _tree(backup) == originals
    after = _tree(data_dir)
    again = _migrate(settings)
    assert again.returncode == 0, again.stderr
    assert "Nothing to migrate" in again.stdout
    assert _tree(data_dir) == after


def test_from_path_into_a_named_user(settings: Settings, data_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-server-data"
    old.mkdir()
    originals = _write_legacy(old)
    result = _migrate(settings, "--from", str(old), "--user", "david")
    assert result.returncode == 0, result.stderr
    assert (data_dir / "david" / "profile.json").read_bytes() == originals["profile.json"]
    assert set(orjson.loads((data_dir / "_server" / "sessions.json").read_bytes())) == {
        "david:claude",
        "david:gemini",
    }
    assert _tree(old) == {}
    assert not (data_dir / "brian").exists()


def test_conflicting_target_is_left_alone_and_reported(settings: Settings, data_dir: Path) -> None:
    originals = _write_legacy(data_dir)
    (data_dir / "brian").mkdir()
    (data_dir / "brian" / "profile.json").write_bytes(b'{"name": "Someone else"}')
    result = _migrate(settings)
    assert result.returncode == 1
    assert "left in place" in result.stdout + result.stderr
    assert (data_dir / "profile.json").read_bytes() == originals["profile.json"]
    assert (data_dir / "brian" / "profile.json").read_bytes() == b'{"name": "Someone else"}'
    assert (data_dir / "brian" / "exercise_store.json").exists()
    assert not (data_dir / "exercise_history.json").exists()


def test_interrupted_run_finishes_cleanly(settings: Settings, data_dir: Path) -> None:
    originals = _write_legacy(data_dir)
    # As if a run had written the profile and died before removing the source.
    (data_dir / "brian").mkdir()
    (data_dir / "brian" / "profile.json").write_bytes(originals["profile.json"])
    result = _migrate(settings)
    assert result.returncode == 0, result.stderr
    assert "already in place" in result.stdout
    assert not (data_dir / "profile.json").exists()


def test_sessions_merge_with_existing_household_sessions(settings: Settings, data_dir: Path) -> None:
    _write_legacy(data_dir)
    (data_dir / "_server").mkdir()
    theirs = {"david:claude": {**LEGACY_SESSION, "session_id": "david-session"}}
    (data_dir / "_server" / "sessions.json").write_bytes(orjson.dumps(theirs))
    assert _migrate(settings).returncode == 0
    sessions = orjson.loads((data_dir / "_server" / "sessions.json").read_bytes())
    assert set(sessions) == {"david:claude", "brian:claude", "brian:gemini"}
    assert sessions["david:claude"]["session_id"] == "david-session"


def test_migrated_data_is_served(
    settings: Settings, data_dir: Path, start_live_server: Callable[..., LiveServer]
) -> None:
    _write_legacy(data_dir)
    assert _migrate(settings).returncode == 0
    live = start_live_server()
    with live.client() as c:
        profile = c.get("/profile").json()
        archive = c.get("/export").content
        restored = c.post("/import", content=archive, headers={"Content-Type": "application/zip"})
    decode_profile(profile)
    assert (profile["name"], profile["age"], profile["current_body_fat_pct"]) == ("Sam Rivers", 41, None)
    assert (profile["occupation"], profile["communication_style"], profile["goal_phase"]) == (None, "", "cut")
    assert (profile["protein_target"], profile["calorie_target_training"]) == (175, 2600)
    assert profile["recent_insights"] == LEGACY_PROFILE["insights"]
    assert profile["onboarding_complete"] is True
    assert restored.status_code == 200, restored.text
    # Archives hold the JSON documents only; an import keeps the memories directory as it is.
    assert _tree(data_dir / "brian" / "memories") == {
        k.removeprefix("memories/"): v.encode() for k, v in MEMORIES.items()
    }
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert "documents/context_store.json" in zf.namelist()
    with live.client("david") as c:
        assert c.get("/profile").json()["name"] is None


def test_legacy_context_store_converts_snapshots_and_drops_insights() -> None:
    store = decode_document(CONTEXT_STORE, orjson.dumps(LEGACY_CONTEXT))
    day = store.snapshots["2025-06-01"]
    assert day.nutrition.calories == 2310
    assert day.health.resting_hr == 55
    assert [(e.name, e.sets, e.working_sets, e.total_reps) for e in day.workout.exercises] == [
        ("Bench Press (Barbell)", 5, 5, 30),
        ("Pull Up", 4, 4, 36),
    ]
    assert "insights" not in store.model_dump()
    assert "protein_per_lb" not in day.nutrition.model_dump()


@pytest.mark.parametrize(
    "nasty",
    [
        {"snapshots": {"2025-06-01": {"health": {"steps": "9k", "resting_hr": 57.6}, "nutrition": None}}},
        {
            "snapshots": {
                "2025-06-01": {"workout": {"exercises": [{"sets": 3}, "x", {"name": "Row", "sets": "4"}]}}
            }
        },
        {"snapshots": {"not-a-date": {}, "2025-06-01": "x"}, "last_sync": "yesterday"},
        {"snapshots": None, "insights": None},
    ],
)
def test_legacy_context_store_with_bad_values_still_loads(nasty: dict[str, Any]) -> None:
    store = decode_document(CONTEXT_STORE, orjson.dumps(nasty))
    for day in store.snapshots.values():
        assert isinstance(day.health.steps, int)
        assert all(e.name for e in day.workout.exercises)
