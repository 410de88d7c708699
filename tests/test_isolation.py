"""The plan's testing checklist as a matrix: every user × every read endpoint sees only that user's data.

Three users are given distinctive data through the real write paths (profile sync, daily sync, their own Hevy
accounts on a fake Hevy server); then every read endpoint is asked as every user, by header and by token, and
each answer must carry the caller's markers and none of anyone else's.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from airfit.services import build_services
from tests.fakes.hevy import FakeHevy, generated_workouts, running_fake_hevy
from tests.ios import server_profile_export
from tests.live import LiveServer, make_settings, thread_server

USERS = ("brian", "david", "jonathan")
HEVY_KEYS = {"brian": "11111111-aaaa-4aaa-8aaa-brian0000001", "david": "22222222-bbbb-4bbb-8bbb-david0000002"}
WEIGHTS = {"brian": 181.37, "david": 192.74, "jonathan": 207.93}

READERS = [
    "/me",
    "/status",
    "/profile",
    "/profile/export",
    "/insights/context?range=week",
    "/insights/context?range=quarter",
    "/health/body-metrics?days=30",
    "/insights/snapshots?days=30",
    "/hevy/status",
    "/hevy/set-tracker?days=30",
    "/hevy/lift-progress?top_n=6",
    "/hevy/recent-workouts?limit=10",
    "/training/exercises?limit=20",
    "/training/strength-history?exercise=Bench%20Press%20(Barbell)&days=365",
    "/nutrition/training-day",
    "/chat/context",
    "/insights?limit=50",
    "/insights/data-preview?days=30",
    "/scheduler/status",
    "/export",
]
TOOL_CALLS = [
    {"name": "query_workouts", "arguments": {"days": 90}},
    {"name": "query_nutrition", "arguments": {"days": 30, "include_meals": True}},
    {"name": "query_body_comp", "arguments": {"days": 90}},
    {"name": "query_recovery", "arguments": {"days": 30}},
    {"name": "query_insights", "arguments": {"limit": 10}},
]


@dataclass
class World:
    """A running server with three users' data, and what identifies each user's data."""

    live: LiveServer
    tokens: dict[str, str]
    markers: dict[str, list[str]]


def _days(user: str) -> list[dict[str, object]]:
    today = datetime.now(UTC).date()
    return [
        {
            "date": (today - timedelta(days=i)).isoformat(),
            "calories": 2000 + i,
            "protein": 150,
            "carbs": 200,
            "fat": 70,
            "nutrition_entries": 3,
            "steps": 9000,
            "active_calories": 500,
            "weight_lbs": WEIGHTS[user],
            "body_fat_pct": 18.0,
        }
        for i in range(10)
    ]


def _marker(user: str) -> str:
    return f"marker-{user}-q7z"


def _populate(live: LiveServer, fake: FakeHevy) -> dict[str, list[str]]:
    markers: dict[str, list[str]] = {}
    for user in USERS:
        with live.client(user) as c:
            synced = c.post(
                "/profile/sync",
                json=server_profile_export(
                    name=f"Name {_marker(user)}", goals=[f"goal {_marker(user)}"], onboarding_complete=True
                ),
            )
            assert synced.status_code == 200, synced.text
            assert c.post("/insights/sync", json={"days": _days(user)}).status_code == 200
            markers[user] = [_marker(user), f"{WEIGHTS[user]}"]
            # Statistical insights need no LLM; they are built from (and may quote) the user's own data.
            assert c.post("/scheduler/trigger-insights?force=true").status_code == 200
            if user in HEVY_KEYS:
                assert c.put("/hevy/key", json={"api_key": HEVY_KEYS[user]}).status_code == 200
                assert c.post("/training/sync?full=true").json()["status"] == "success"
                newest = sorted(
                    fake.accounts[HEVY_KEYS[user]].workouts.values(), key=lambda w: w["start_time"]
                )
                markers[user] += [w["id"] for w in newest[-3:]]
    return markers


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Three populated users on one server (built once for the whole matrix)."""
    with running_fake_hevy() as fake:
        fake.add_account(HEVY_KEYS["brian"], generated_workouts(4, seed=1))
        fake.add_account(HEVY_KEYS["david"], generated_workouts(4, seed=7))
        settings = make_settings(
            tmp_path_factory.mktemp("iso"), hevy_base_url=fake.url, hevy_retry_delay=0.01
        )
        with thread_server(settings) as live:
            yield World(live, _tokens(live), _populate(live, fake))


def _tokens(live: LiveServer) -> dict[str, str]:
    """One token per user, minted through the registry beside the running server (as the CLI does)."""

    async def mint() -> dict[str, str]:
        state = build_services(live.settings)
        return {u: (await state.users.create_token(u, "matrix")).token for u in USERS}

    return asyncio.run(mint())


def _body(response_content: bytes, path: str) -> str:
    if path == "/export":
        with zipfile.ZipFile(io.BytesIO(response_content)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return response_content.decode()


@pytest.mark.parametrize("path", READERS)
@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("via", ["header", "token"])
def test_reader_sees_only_callers_data(world: World, path: str, user: str, via: str) -> None:
    client = world.live.client(user) if via == "header" else world.live.client(token=world.tokens[user])
    with client as c:
        response = c.get(path)
    assert response.status_code == 200, response.text
    body = _body(response.content, path)
    for other in USERS:
        if other == user:
            continue
        leaked = [m for m in world.markers[other] if m in body]
        assert not leaked, f"{path} as {user} shows {other}'s data: {leaked}"


@pytest.mark.parametrize("call", TOOL_CALLS, ids=lambda c: c["name"])
@pytest.mark.parametrize("user", USERS)
def test_tools_see_only_callers_data(world: World, user: str, call: dict[str, object]) -> None:
    with world.live.client(user) as c:
        response = c.post("/tools/execute", json=call)
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    for other in (u for u in USERS if u != user):
        leaked = [m for m in world.markers[other] if m in response.json()["content"]]
        assert not leaked, f"{call['name']} as {user} shows {other}'s data: {leaked}"


@pytest.mark.parametrize("user", USERS)
def test_each_user_gets_their_own_data_back(world: World, user: str) -> None:
    with world.live.client(user) as c:
        profile = c.get("/profile").json()
        metrics = c.get("/health/body-metrics?days=30").json()
        workouts = c.get("/hevy/recent-workouts?limit=10").json()["workouts"]
    assert _marker(user) in profile["name"]
    assert metrics["current"]["weight_lbs"] == WEIGHTS[user]
    assert set(world.markers[user][2:]) <= {w["id"] for w in workouts}
    assert bool(workouts) == (user in HEVY_KEYS)


def test_another_users_id_in_paths_and_headers_is_refused(world: World) -> None:
    live = world.live
    with live.client("david", token=world.tokens["brian"]) as c:
        assert c.get("/profile").status_code == 403
    with live.client(token=world.tokens["david"]) as c:
        assert c.get("/admin/users/brian/tokens").status_code == 403
        zip_type = {"Content-Type": "application/zip"}
        assert c.post("/import", content=b"PK\x03\x04not-a-zip", headers=zip_type).status_code == 400
    with live.client(headers={"X-User-ID": "../brian"}) as c:
        assert c.get("/profile").status_code == 400


def test_user_without_workouts_sees_none_of_the_others(world: World) -> None:
    """Aggregates carry no markers, so: jonathan has no Hevy account, and every training view stays empty."""
    with world.live.client("jonathan") as c:
        tracker = c.get("/hevy/set-tracker?days=30").json()
        assert all(group["current"] == 0 for group in tracker["muscle_groups"].values())
        assert c.get("/hevy/lift-progress?top_n=6").json()["lifts"] == []
        assert c.get("/hevy/recent-workouts?limit=10").json()["workouts"] == []
        assert c.get("/training/exercises?limit=20").json()["exercises"] == []
        history = c.get("/training/strength-history?exercise=Bench%20Press%20(Barbell)&days=365").json()
        assert history["history"] == []
        assert c.get("/nutrition/training-day").json()["is_training_day"] is False
        assert c.get("/insights/context?range=quarter").json()["total_workouts"] == 0
        workouts = c.post("/tools/execute", json={"name": "query_workouts", "arguments": {"days": 90}}).json()
        assert "Bench Press" not in workouts["content"]
