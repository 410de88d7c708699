"""Wrong sign-in codes are counted at once, per client and per named user, on disk; no one else is locked out.

Clients are told apart by address: on Linux the whole 127.0.0.0/8 range is the loopback interface, so a
client bound to 127.0.0.2 is another client of the same server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx2

from airfit.storage import SERVER_SCOPE
from airfit.users.signin import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USER, SIGNIN_ATTEMPTS
from tests.live import LiveServer, run_cli, stored

WRONG = "AAAA-AAAA"


def _from(live: LiveServer, address: str) -> httpx2.Client:
    transport = httpx2.HTTPTransport(local_address=address)
    return httpx2.Client(base_url=live.url, transport=transport, timeout=30)


def _code(live: LiveServer, user: str) -> str:
    return run_cli(live.settings, "users", "login-code", user).stdout.strip()


def test_300_concurrent_wrong_codes_from_one_client_count_at_most_5(live_server: LiveServer) -> None:
    async def guess_all() -> list[int]:
        limits = httpx2.Limits(max_connections=100)
        async with httpx2.AsyncClient(base_url=live_server.url, limits=limits, timeout=60) as client:
            answers = await asyncio.gather(
                *(client.post("/signin/code", json={"code": WRONG}) for _ in range(300))
            )
        return [a.status_code for a in answers]

    statuses = asyncio.run(guess_all())
    assert statuses.count(401) <= MAX_FAILURES_PER_CLIENT
    assert statuses.count(429) >= 300 - MAX_FAILURES_PER_CLIENT
    assert set(statuses) <= {401, 429}
    attempts = stored(live_server.settings, SERVER_SCOPE, SIGNIN_ATTEMPTS)
    assert [len(times) for times in attempts.clients.values()] == [MAX_FAILURES_PER_CLIENT]


def test_one_clients_wrong_codes_never_lock_out_another_clients_valid_code(live_server: LiveServer) -> None:
    with _from(live_server, "127.0.0.2") as guesser:
        statuses = [guesser.post("/signin/code", json={"code": WRONG}).status_code for _ in range(30)]
    assert statuses.count(401) == MAX_FAILURES_PER_CLIENT
    assert statuses.count(429) == 30 - MAX_FAILURES_PER_CLIENT
    with _from(live_server, "127.0.0.3") as member:
        made = member.post("/signin/code", json={"code": _code(live_server, "david")})
    assert made.status_code == 200, made.text
    assert made.json()["user_id"] == "david"


def test_the_limits_survive_a_restart(start_live_server: Callable[..., LiveServer]) -> None:
    first = start_live_server()
    with first.client() as anon:
        for _ in range(MAX_FAILURES_PER_CLIENT):
            assert anon.post("/signin/code", json={"code": WRONG}).status_code == 401
    again = start_live_server()
    with again.client() as anon:
        limited = anon.post("/signin/code", json={"code": _code(again, "brian")})
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 600


def test_a_named_user_is_limited_across_clients_and_only_for_that_name(live_server: LiveServer) -> None:
    clients = -(-MAX_FAILURES_PER_USER // MAX_FAILURES_PER_CLIENT)
    for n in range(clients):
        with _from(live_server, f"127.0.1.{n + 1}") as guesser:
            for _ in range(MAX_FAILURES_PER_CLIENT):
                guesser.post("/signin/code", json={"code": WRONG, "user": "david"})
    with _from(live_server, "127.0.2.1") as fresh:
        named = fresh.post("/signin/code", json={"code": _code(live_server, "david"), "user": "david"})
        assert named.status_code == 429
        # Another person's sign-in is untouched, and a code that belongs to someone else is wrong when named.
        brian = fresh.post("/signin/code", json={"code": _code(live_server, "brian"), "user": "brian"})
        assert brian.status_code == 200
        mismatch = fresh.post("/signin/code", json={"code": _code(live_server, "jonathan"), "user": "brian"})
        assert mismatch.status_code == 401
