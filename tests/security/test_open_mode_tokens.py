"""Tokens minted in open mode without a credential are refused in token mode until an admin trusts them.

In open mode anyone on the network can act as anyone (`X-User-ID`), so a token they mint for themselves
proves nothing; before this, such a token made that person the user for good once the server switched to
token mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.live import LiveServer, run_cli


def test_an_open_mode_token_is_refused_in_token_mode_until_trusted(
    start_live_server: Callable[..., LiveServer], caplog: pytest.LogCaptureFixture
) -> None:
    open_server = start_live_server()
    with open_server.client("david") as anyone:
        minted = anyone.post("/me/tokens", json={"name": "planted"}).json()
    assert minted["unconfirmed"] is True
    with open_server.client(token=minted["token"]) as c:
        assert c.get("/me").status_code == 200  # open mode: it works as any request would
    listed = run_cli(open_server.settings, "users", "token", "list").stdout
    assert f"{minted['id']}  david  planted" in listed
    assert "unconfirmed" in listed

    caplog.set_level(logging.WARNING)
    token_server = start_live_server(auth="token")
    assert any("airfit users token trust" in r.getMessage() for r in caplog.records)
    with token_server.client(token=minted["token"]) as c:
        refused = c.get("/me")
        assert refused.status_code == 401
        assert "airfit users token trust" in refused.json()["detail"]
        assert c.post("/profile/sync", json={"name": "Mallory"}).status_code == 401

    trusted = run_cli(token_server.settings, "users", "token", "trust", minted["id"])
    assert trusted.returncode == 0, trusted.stderr
    with token_server.client(token=minted["token"]) as c:
        assert c.get("/me").json()["user_id"] == "david"
    assert "unconfirmed" not in run_cli(token_server.settings, "users", "token", "list").stdout


def test_tokens_minted_with_a_credential_are_not_marked(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server()
    admin = run_cli(live.settings, "users", "token", "create", "brian", "--name", "cli").stdout.strip()
    with live.client(token=admin) as c:
        by_token = c.post("/me/tokens", json={"name": "from a token"}).json()
    code = run_cli(live.settings, "users", "login-code", "david").stdout.strip()
    with live.client() as anon:
        by_code = anon.post("/signin/code", json={"code": code}).json()
    assert by_token["unconfirmed"] is False
    assert by_code["unconfirmed"] is False
    assert "unconfirmed" not in run_cli(live.settings, "users", "token", "list").stdout


def test_trusting_an_unknown_token_fails(live_server: LiveServer) -> None:
    result = run_cli(live_server.settings, "users", "token", "trust", "nope")
    assert result.returncode != 0
    assert "nope" in result.stderr
