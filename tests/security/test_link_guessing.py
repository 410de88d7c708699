"""Wrong personal links are guesses at a secret: counted per client with the wrong sign-in codes (on disk),
five per ten minutes, then a 429; concurrent guesses cannot slip past; nobody else's phone is locked out.

Clients are told apart by address: on Linux the whole 127.0.0.0/8 range is the loopback interface.
"""

from __future__ import annotations

import asyncio

import httpx2

from airfit.storage import SERVER_SCOPE
from airfit.users.models import LINK_LENGTH
from airfit.users.signin import MAX_FAILURES_PER_CLIENT, SIGNIN_ATTEMPTS
from tests.cli.run import ok
from tests.live import LiveServer, stored

WRONG = "a" * LINK_LENGTH


def _from(live: LiveServer, address: str) -> httpx2.Client:
    return httpx2.Client(base_url=live.url, transport=httpx2.HTTPTransport(local_address=address), timeout=30)


def _path(live: LiveServer, user: str) -> str:
    url = ok(live.settings, "users", "link", user, AIRFIT_PUBLIC_URL=live.url).strip()
    return url.removeprefix(live.url)


def test_wrong_links_from_one_client_are_limited_and_nobody_else_is(live_server: LiveServer) -> None:
    davids = _path(live_server, "david")
    with _from(live_server, "127.0.0.2") as guesser:
        statuses = [guesser.get(f"/p/{WRONG}/health").status_code for _ in range(8)]
        assert statuses == [401] * MAX_FAILURES_PER_CLIENT + [429] * (8 - MAX_FAILURES_PER_CLIENT)
        limited = guesser.get(f"{davids}/me")
        # A right link from a client that used up its guesses is refused too, as a right sign-in code is.
        assert limited.status_code == 429
        assert 0 < int(limited.headers["Retry-After"]) <= 600
    with _from(live_server, "127.0.0.3") as phone:
        assert phone.get(f"{davids}/me").json()["user_id"] == "david"


def test_300_concurrent_wrong_links_count_at_most_5(live_server: LiveServer) -> None:
    async def guess_all() -> list[int]:
        limits = httpx2.Limits(max_connections=100)
        async with httpx2.AsyncClient(base_url=live_server.url, limits=limits, timeout=60) as client:
            answers = await asyncio.gather(*(client.get(f"/p/{WRONG}/me") for _ in range(300)))
        return [a.status_code for a in answers]

    statuses = asyncio.run(guess_all())
    assert statuses.count(401) == MAX_FAILURES_PER_CLIENT
    assert statuses.count(429) == 300 - MAX_FAILURES_PER_CLIENT
    attempts = stored(live_server.settings, SERVER_SCOPE, SIGNIN_ATTEMPTS)
    assert [len(times) for times in attempts.clients.values()] == [MAX_FAILURES_PER_CLIENT]


def test_wrong_codes_and_wrong_links_count_together(live_server: LiveServer) -> None:
    with _from(live_server, "127.0.0.4") as guesser:
        for _ in range(MAX_FAILURES_PER_CLIENT):
            assert guesser.post("/signin/code", json={"code": "AAAA-AAAA"}).status_code == 401
        assert guesser.get(f"/p/{WRONG}/me").status_code == 429


def test_right_links_write_nothing(live_server: LiveServer) -> None:
    path = _path(live_server, "brian")
    with live_server.client() as phone:
        for _ in range(20):
            assert phone.get(f"{path}/me").status_code == 200
    assert stored(live_server.settings, SERVER_SCOPE, SIGNIN_ATTEMPTS).clients == {}
