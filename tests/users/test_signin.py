"""One-time sign-in codes, the open-mode user picker, and self-service tokens, over real HTTP and the CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from airfit.storage import DocumentStore
from airfit.users.service import UserService
from airfit.users.signin import MAX_FAILURES_PER_CLIENT, SignInCodes
from tests.live import LiveServer, run_cli


def _code(server: LiveServer, user: str) -> str:
    """A code printed by the real CLI (a separate process, as an admin would run it)."""
    result = run_cli(server.settings, "users", "login-code", user)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _issue(server: LiveServer, user: str) -> str:
    """A code issued in this process on the same data directory (quicker than the CLI)."""
    store = DocumentStore(server.settings.data_dir)
    return asyncio.run(SignInCodes(store, UserService(store)).issue(user)).code


def test_a_code_from_the_cli_signs_in_once_as_its_user(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(auth="token")
    code = _code(server, "david")
    with server.client() as anon:
        made = anon.post("/signin/code", json={"code": code.lower().replace("-", " ")})
        assert made.status_code == 200, made.text
        token = made.json()["token"]
        assert made.json()["user_id"] == "david"
        assert made.json()["name"] == "web: browser"
        assert anon.get("/me", headers={"Authorization": f"Bearer {token}"}).json()["user_id"] == "david"
        # Single use.
        assert anon.post("/signin/code", json={"code": code}).status_code == 401
        # The picker lists nobody in token mode, and says so.
        options = anon.get("/signin/options").json()
        assert options == {"auth": "token", "picker": False, "users": []}


async def test_an_expired_code_is_refused(data_dir: Path) -> None:
    store = DocumentStore(data_dir)
    users = UserService(store)
    await users.ensure(["brian"])
    codes = SignInCodes(store, users)
    issued = await codes.issue("brian", ttl=timedelta(seconds=-1))
    assert await codes.exchange(issued.code, client="x", token_name="t") is None
    fresh = await codes.issue("brian")
    assert (await codes.exchange(fresh.code, client="x", token_name="t")) is not None


def test_wrong_codes_are_rate_limited_even_a_right_one_after(server: LiveServer) -> None:
    code = _issue(server, "brian")
    with server.client() as anon:
        for _ in range(MAX_FAILURES_PER_CLIENT):
            assert anon.post("/signin/code", json={"code": "AAAA-AAAA"}).status_code == 401
        limited = anon.post("/signin/code", json={"code": code})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0


def test_a_code_of_a_removed_user_is_worthless(server: LiveServer) -> None:
    code = _issue(server, "jonathan")
    assert run_cli(server.settings, "users", "remove", "jonathan", "--yes").returncode == 0
    with server.client() as anon:
        assert anon.post("/signin/code", json={"code": code}).status_code == 401


def test_unknown_user_gets_no_code(server: LiveServer) -> None:
    result = run_cli(server.settings, "users", "login-code", "nobody")
    assert result.returncode != 0
    assert "nobody" in result.stderr


def test_picker_lists_ids_and_profile_names_and_can_be_turned_off(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server()
    with server.client("david") as david:
        assert david.post("/profile/sync", json={"name": "Dave"}).status_code == 200
    with server.client() as anon:
        options = anon.get("/signin/options").json()
    assert options["picker"] is True
    assert {"id": "david", "name": "Dave"} in options["users"]
    assert {"id": "brian", "name": "brian"} in options["users"]
    hidden = start_server(user_picker=False)
    with hidden.client() as anon:
        assert anon.get("/signin/options").json() == {"auth": "open", "picker": False, "users": []}


@pytest.mark.parametrize("auth", ["open", "token"])
def test_own_tokens_list_create_revoke_and_never_anothers(
    start_server: Callable[..., LiveServer], auth: str
) -> None:
    server = start_server(auth=auth)
    with server.client() as anon:
        brian = anon.post("/signin/code", json={"code": _issue(server, "brian")}).json()["token"]
        david = anon.post("/signin/code", json={"code": _issue(server, "david")}).json()["token"]
    with server.client(token=brian) as b, server.client(token=david) as d:
        assert b.post("/me/tokens", json={"name": "x", "admin": True}).status_code == 422
        made = b.post("/me/tokens", json={"name": "laptop"})
        assert made.status_code == 200
        assert made.json()["scope"] == "user"
        mine = {t["id"] for t in b.get("/me/tokens").json()}
        assert made.json()["id"] in mine
        assert len(mine) == 2
        davids = d.get("/me/tokens").json()
        assert len(davids) == 1
        assert davids[0]["user_id"] == "david"
        # David cannot revoke (or even confirm the existence of) brian's token.
        assert d.delete(f"/me/tokens/{made.json()['id']}").status_code == 404
        assert b.delete(f"/me/tokens/{made.json()['id']}").status_code == 200
        # Revoking the token in use signs that browser out.
        me = b.get("/me").json()["token_id"]
        assert b.delete(f"/me/tokens/{me}").status_code == 200
        assert b.get("/me").status_code == 401
