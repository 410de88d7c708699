"""Concurrent profile edits from two users: nothing lost, nothing crossing between users."""

from __future__ import annotations

import asyncio

from tests.ios import decode_profile, server_profile_export
from tests.live import LiveServer

EDITS = 30


async def _edits(live_server: LiveServer, user: str) -> None:
    async with live_server.async_client(user) as c:
        seeded = await c.post(
            "/profile/sync", json=server_profile_export(patterns=[f"p{i}" for i in range(EDITS)])
        )
        assert seeded.status_code == 200

        async def one(i: int) -> None:
            sync = c.post("/profile/sync", json=server_profile_export(goals=[f"{user} goal {i}"]))
            patch = c.patch(
                "/profile/item",
                json={"category": "patterns", "old_value": f"p{i}", "new_value": f"{user} q{i}"},
            )
            responses = await asyncio.gather(sync, patch)
            assert [r.status_code for r in responses] == [200, 200]

        await asyncio.gather(*(one(i) for i in range(EDITS)))


def test_concurrent_syncs_and_item_edits_from_two_users_lose_nothing(live_server: LiveServer) -> None:
    async def both() -> None:
        await asyncio.gather(_edits(live_server, "brian"), _edits(live_server, "david"))

    asyncio.run(both())
    for user in ("brian", "david"):
        with live_server.client(user) as c:
            body = c.get("/profile").json()
        decode_profile(body)
        assert sorted(body["goals"]) == sorted(f"{user} goal {i}" for i in range(EDITS))
        assert body["patterns"] == [f"{user} q{i}" for i in range(EDITS)]


def test_one_users_profile_calls_never_reach_another(live_server: LiveServer) -> None:
    with live_server.client("brian") as c:
        c.post(
            "/profile/sync", json=server_profile_export(name="Brian", goals=["B"], onboarding_complete=True)
        )
    before = live_server.client("brian").get("/profile/export").json()["profile"]
    with live_server.client("david") as c:
        assert c.get("/profile").json()["name"] is None
        c.post("/profile/sync", json=server_profile_export(name="David", goals=["D"]))
        c.patch("/profile/item", json={"category": "goals", "old_value": "D", "new_value": "D2"})
        assert c.patch("/profile/item", json={"category": "goals", "old_value": "B"}).status_code == 404
        c.post("/profile/import", json={"version": 1, "profile": {"name": "Imported"}})
        c.post("/profile/import-seed", json={"identity": {"name": "Seeded"}})
        c.delete("/profile")
    with live_server.client("brian") as c:
        after = c.get("/profile/export").json()["profile"]
    assert after == before
