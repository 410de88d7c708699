"""Caller resolution as an attacker would probe it: forged, missing, malformed and mismatched identity."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.live import LiveServer, run_cli


def test_header_less_request_acts_as_default_user(live_server: LiveServer) -> None:
    with live_server.client() as c:
        me = c.get("/me").json()
    assert me["user_id"] == "brian"
    assert me["via"] == "default"


def test_x_user_id_selects_registered_user(live_server: LiveServer) -> None:
    with live_server.client("david") as c:
        me = c.get("/me").json()
    assert (me["user_id"], me["via"]) == ("david", "header")


@pytest.mark.parametrize(
    "bad_id",
    [
        "../brian",
        "..",
        "brian/../david",
        "",
        "Brian",
        "b" * 33,
        "brïan",
        "david%2F..",
        "_server",
        "1abc",
        "bri an",
        "brian;david",
    ],
)
def test_malformed_user_id_is_400(live_server: LiveServer, bad_id: str) -> None:
    with live_server.client() as c:
        response = c.get("/me", headers={"X-User-ID": bad_id.encode("utf-8")})
    assert response.status_code == 400
    assert "detail" in response.json()


def test_unknown_user_is_404_json(live_server: LiveServer) -> None:
    with live_server.client("mallory") as c:
        response = c.get("/me")
    assert response.status_code == 404
    assert response.json()["detail"] == "unknown user 'mallory'"


def test_no_default_user_requires_header(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(default_user="none")
    with live.client() as c:
        response = c.get("/me")
    assert response.status_code == 400
    assert response.json()["detail"] == "X-User-ID header required"


def _token(live: LiveServer, user: str, *extra: str) -> str:
    result = run_cli(live.settings, "users", "token", "create", user, "--name", "test", *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_token_identifies_its_owner(live_server: LiveServer) -> None:
    token = _token(live_server, "david")
    with live_server.client(token=token) as c:
        me = c.get("/me").json()
    assert (me["user_id"], me["via"], me["admin"]) == ("david", "token", False)


def test_forged_and_revoked_tokens_are_401(live_server: LiveServer) -> None:
    token = _token(live_server, "david")
    prefix, token_id, secret = token.split("_", 2)
    forged = f"{prefix}_{token_id}_{'A' * len(secret)}"
    with live_server.client(token=forged) as c:
        assert c.get("/me").status_code == 401
    with live_server.client(token="garbage") as c:
        assert c.get("/me").status_code == 401
    with live_server.client(headers={"Authorization": f"Basic {token}"}) as c:
        assert c.get("/me").status_code == 401
    assert run_cli(live_server.settings, "users", "token", "revoke", token_id).returncode == 0
    with live_server.client(token=token) as c:
        response = c.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_header_disagreeing_with_token_is_403(live_server: LiveServer) -> None:
    token = _token(live_server, "david")
    with live_server.client("brian", token=token) as c:
        assert c.get("/me").status_code == 403
    with live_server.client("david", token=token) as c:
        assert c.get("/me").status_code == 200


def test_token_mode_refuses_everything_but_health_without_token(
    start_live_server: Callable[..., LiveServer],
) -> None:
    live = start_live_server(auth="token")
    with live.client() as c:
        assert c.get("/health").status_code == 200
        assert c.get("/me").status_code == 401
        assert c.get("/status").status_code == 401
    with live.client("brian") as c:
        assert c.get("/me").status_code == 401
    token = _token(live, "jonathan")
    with live.client(token=token) as c:
        assert c.get("/me").json()["user_id"] == "jonathan"


def test_token_records_last_use_without_storing_secret(live_server: LiveServer) -> None:
    token = _token(live_server, "david")
    with live_server.client(token=token) as c:
        assert c.get("/me").status_code == 200
    tokens_file = live_server.settings.data_dir / "_server" / "tokens.json"
    assert token.split("_", 2)[2] not in tokens_file.read_text()
    assert oct(tokens_file.stat().st_mode & 0o777) == "0o600"
    listing = run_cli(live_server.settings, "users", "token", "list", "david").stdout
    for _ in range(50):
        if "never" not in listing:
            break
        listing = run_cli(live_server.settings, "users", "token", "list", "david").stdout
    assert "last used never" not in listing


def test_admin_endpoints_need_admin_token(live_server: LiveServer) -> None:
    user_token = _token(live_server, "david")
    admin_token = _token(live_server, "brian", "--admin")
    with live_server.client() as c:
        assert c.get("/admin/users").status_code == 401
    with live_server.client(token=user_token) as c:
        assert c.get("/admin/users").status_code == 403
    with live_server.client(token=admin_token) as c:
        assert [u["id"] for u in c.get("/admin/users").json()] == ["brian", "david", "jonathan"]
        created = c.post("/admin/users", json={"id": "emma", "timezone": "Europe/Berlin"})
        assert created.status_code == 200
        assert c.post("/admin/users", json={"id": "emma"}).status_code == 409
        assert c.post("/admin/users", json={"id": "../etc"}).status_code == 400
        new = c.post("/admin/users/emma/tokens", json={"name": "phone"}).json()
        assert c.get("/admin/users/emma/tokens").json()[0]["name"] == "phone"
        assert "token" not in c.get("/admin/users/emma/tokens").json()[0]
    with live_server.client(token=new["token"]) as c:
        assert c.get("/me").json()["user_id"] == "emma"
    with live_server.client(token=admin_token) as c:
        assert c.delete(f"/admin/tokens/{new['id']}").status_code == 200
        assert c.delete("/admin/users/emma").status_code == 200
        assert c.delete("/admin/users/emma").status_code == 404
    with live_server.client(token=new["token"]) as c:
        assert c.get("/me").status_code == 401
    with live_server.client("emma") as c:
        assert c.get("/me").status_code == 404
