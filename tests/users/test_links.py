"""Personal URLs: `/p/<link>/…` acts as the link's owner like a non-admin token of theirs, in either mode;
`/u/<id>/…` like `X-User-ID`. Revocation, who may revoke, bad input, and how the URLs the app builds from
what a person types (trailing and double slashes, `%2F`) are answered."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx2
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from airfit.app import create_app
from airfit.config import AuthMode, Settings
from airfit.services import build_services
from airfit.users.models import LINK_LENGTH
from tests.cli.run import ok
from tests.ios_app import IosApp, app_url
from tests.live import LiveServer, make_settings

PARAM = re.compile(r"\{[^}]+\}")
UNKNOWN = "a" * LINK_LENGTH
WEB = {"X-AirFit-Client": "web", "Sec-Fetch-Site": "same-origin"}


def _link(live: LiveServer, user: str, name: str = "iPhone") -> str:
    """A personal URL made with `airfit users link`, on the test server's address."""
    return ok(live.settings, "users", "link", user, "--name", name, AIRFIT_PUBLIC_URL=live.url).strip()


def _token(live: LiveServer, user: str) -> str:
    return ok(live.settings, "users", "token", "create", user, "--name", "laptop").strip()


def test_a_link_acts_as_its_owner_like_a_non_admin_token(
    start_live_server: Callable[..., LiveServer],
) -> None:
    live = start_live_server(auth="token")
    url = _link(live, "david", "David's iPhone")
    assert re.fullmatch(rf"{live.url}/p/[a-hjkmnp-z2-9]{{{LINK_LENGTH}}}", url)
    with httpx2.Client(timeout=30) as phone:
        me = phone.get(f"{url}/me").json()
        assert (me["user_id"], me["via"], me["admin"]) == ("david", "link", False)
        # The app's connection check gets every key of the status screen; without the link only the probe.
        assert set(phone.get(f"{url}/health").json()) >= {"status", "providers", "hevy_configured", "version"}
        assert phone.get(f"{live.url}/health").json() == {"status": "ok"}
        assert phone.get(f"{url}/admin/users").status_code == 403
        # A link is no bearer token, whatever its id.
        as_bearer = {"Authorization": f"Bearer afk_{me['token_id']}_{url.rsplit('/', 1)[1]}"}
        assert phone.get(f"{live.url}/me", headers=as_bearer).status_code == 401
    listed = ok(live.settings, "users", "token", "list")
    assert f"{me['token_id']}  david  David's iPhone  link  last used" in listed


@dataclass
class _Household:
    """David's phone link and laptop token, and Brian's laptop token, made before the server starts."""

    link_id: str
    link: str
    david: dict[str, str]
    brian: dict[str, str]


async def _household(settings: Settings) -> _Household:
    users = build_services(settings).users
    await users.ensure(settings.initial_users)
    info, link = await users.create_link("david", "David's iPhone")
    tokens = {user: (await users.create_token(user, "laptop")).token for user in ("david", "brian")}
    bearer = {user: {"Authorization": f"Bearer {token}"} for user, token in tokens.items()}
    return _Household(info.id, link, bearer["david"], bearer["brian"])


@asynccontextmanager
async def _app(settings: Settings) -> AsyncIterator[Callable[[str], httpx2.AsyncClient]]:
    """The app with its lifespan; clients from distinct loopback addresses (each a client of its own)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):

        def client(address: str) -> httpx2.AsyncClient:
            transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 1234))
            return httpx2.AsyncClient(transport=transport, base_url="http://localhost")

        yield client


def _everything(settings: Settings) -> list[tuple[str, str]]:
    """Every route of the app (path parameters filled), the client's files, and a path that is nothing."""
    found = [("GET", "/"), ("GET", "/js/app.js"), ("GET", "/no/such/thing"), ("POST", "/no/such/thing")]
    for context in iter_route_contexts(create_app(settings).routes):
        if isinstance(context.original_route, APIRoute):
            found += [
                (m, PARAM.sub("x", context.path)) for m in sorted(set(context.methods or ()) - {"HEAD"})
            ]
    return found


@pytest.mark.parametrize("auth", [AuthMode.TOKEN, AuthMode.OPEN])
async def test_a_revoked_link_is_a_401_everywhere_and_only_its_owner_revokes_it(
    settings: Settings, auth: AuthMode
) -> None:
    settings = settings.model_copy(update={"auth": auth})
    home = await _household(settings)
    link_id, link = home.link_id, home.link
    async with _app(settings) as client, client("127.0.0.1") as c:
        mallory = await c.delete(f"/me/tokens/{link_id}", headers=home.brian)
        assert mallory.status_code == 404
        assert link_id not in [t["id"] for t in (await c.get("/me/tokens", headers=home.brian)).json()]
        listed = (await c.get("/me/tokens", headers=home.david)).json()
        assert {"id": link_id, "kind": "link", "name": "David's iPhone"}.items() <= next(
            t for t in listed if t["id"] == link_id
        ).items()
        assert (await c.get(f"/p/{link}/me")).json()["user_id"] == "david"
        revoked = await c.delete(f"/me/tokens/{link_id}", headers=home.david)
        assert revoked.status_code == 200
        answers = {}
        for n, (method, path) in enumerate(_everything(settings)):
            # Five wrong links per client, then the limiter's 429: each request from an address of its own.
            async with client(f"127.0.{n // 5}.{n % 5 + 1}") as phone:
                answers[f"{method} {path}"] = (await phone.request(method, f"/p/{link}{path}")).status_code
    assert len(answers) > 60
    assert {k: v for k, v in answers.items() if v != 401} == {}


async def test_a_wrong_link_never_tells_which_paths_exist(settings: Settings) -> None:
    link = (await _household(settings)).link
    async with _app(settings) as client, client("127.0.0.1") as c:
        assert (await c.get(f"/p/{UNKNOWN}/me")).status_code == 401
        assert (await c.get(f"/p/{UNKNOWN}/no/such/thing")).status_code == 401
        assert (await c.get(f"/p/{link}/no/such/thing")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/p/short/me",
        f"/p/{'A' * LINK_LENGTH}/me",
        f"/p/{'a' * (LINK_LENGTH - 1)}/me",
        f"/p/{'a' * (LINK_LENGTH - 1)}0/me",  # 0 and 1 are not in the alphabet (look-alikes of o and l)
        f"/p/{'a' * (LINK_LENGTH - 1)}%61/me",  # an encoded letter is no letter
        f"/p/{UNKNOWN}%2F/me",  # an encoded slash inside the link
        f"/p%2F{UNKNOWN}/me",  # ... or in the prefix
        "/p//me",
        "/u/Brian/me",
        "/u/brian%2F..%2Fdavid/me",
    ],
)
async def test_malformed_personal_urls_are_400(settings: Settings, path: str) -> None:
    async with _app(settings) as client, client("127.0.0.1") as c:
        answer = await c.get(path)
    assert answer.status_code == 400, answer.text
    assert "detail" in answer.json()


def test_dot_segments_are_400(live_server: LiveServer) -> None:
    url = _link(live_server, "brian")
    path = url.removeprefix(live_server.url)
    port = int(live_server.url.rsplit(":", 1)[1])
    # Sent as is: HTTP clients resolve `..` before sending, a hand-made request need not.
    for raw in (f"{path}/../me", f"{path}/./me", f"{path}/%2e%2e/me"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET {raw} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = sock.recv(200).decode()
        assert head.startswith("HTTP/1.1 400"), (raw, head)


async def test_a_header_identity_must_agree_with_the_path(settings: Settings) -> None:
    home = await _household(settings)
    link = home.link
    async with _app(settings) as client, client("127.0.0.1") as c:
        assert (await c.get(f"/p/{link}/me", headers={"X-User-ID": "brian"})).status_code == 403
        assert (await c.get(f"/p/{link}/me", headers={"X-User-ID": "david"})).status_code == 200
        assert (await c.get(f"/p/{link}/me", headers=home.brian)).status_code == 403
        assert (await c.get(f"/p/{link}/me", headers=home.david)).status_code == 200
        assert (await c.get(f"/p/{link}/me", headers={"Authorization": "Bearer afk_x_y"})).status_code == 401
        assert (await c.get("/u/david/me", headers={"X-User-ID": "brian"})).status_code == 403
        assert (await c.get("/u/david/me", headers=home.brian)).status_code == 403


async def test_u_is_x_user_id_in_the_path_in_open_mode_only(data_dir) -> None:  # type: ignore[no-untyped-def]
    async with _app(make_settings(data_dir)) as client, client("127.0.0.1") as c:
        me = (await c.get("/u/david/me")).json()
        assert (me["user_id"], me["via"]) == ("david", "path")
        assert (await c.get("/u/mallory/me")).status_code == 404
        synced = await c.post("/u/david/profile/sync", json={"name": "David"})
        assert synced.status_code == 200
        assert (await c.get("/profile")).json()["name"] != "David"  # the default user, brian, is untouched
    async with _app(make_settings(data_dir, auth="token")) as client, client("127.0.0.1") as c:
        for path in ("/u/david/me", "/u/david/health", "/u/david/"):
            assert (await c.get(path)).status_code == 401


def test_the_urls_the_app_builds_from_what_people_type(live_server: LiveServer) -> None:
    url = _link(live_server, "david")
    typed = [url, f"{url}/", f"{url}//", url.replace("/p/", "//p/"), f"  {url}  "]
    for base in typed:
        with IosApp(base) as app:
            assert app.call("GET", "/health").status_code == 200, base
            assert app.call("GET", "/me").json()["user_id"] == "david", base
            assert app.call("GET", "/insights/context", range="week").status_code == 200, base
    with IosApp(f"{url}%2F") as app:
        assert app.call("GET", "/health").status_code == 400
    # An encoded slash after the prefix is the route's business, as it is without a prefix.
    with httpx2.Client(timeout=30) as c:
        bare = c.get(
            app_url(live_server.url, "insights%2Fcontext", {"range": "week"}), headers={"X-User-ID": "david"}
        )
        prefixed = c.get(app_url(url, "insights%2Fcontext", {"range": "week"}))
    assert prefixed.status_code == bare.status_code
    assert prefixed.json() == bare.json()


def test_a_link_is_a_credential_a_foreign_page_cannot_have(live_server: LiveServer) -> None:
    url = _link(live_server, "brian")
    with httpx2.Client(timeout=30) as page:
        # Same origin, without the web client's header: the link, a secret, is as good as a bearer token.
        same = page.post(
            f"{url}/profile/sync", json={"name": "Phone"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert same.status_code == 200
        cross = {"Sec-Fetch-Site": "cross-site", "Origin": "http://attacker.example"}
        assert page.post(f"{url}/profile/sync", json={"name": "X"}, headers=cross).status_code == 403
        # A user id is no secret: a page could write `/u/brian` itself.
        u = page.post(
            f"{live_server.url}/u/brian/profile/sync",
            json={"name": "X"},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert u.status_code == 403
        assert page.get(f"{url}/profile").json()["name"] == "Phone"


def test_the_web_client_makes_a_link_an_open_mode_one_waits_for_trust(
    start_live_server: Callable[..., LiveServer],
) -> None:
    live = start_live_server()
    with live.client("david", headers=WEB) as web:
        made = web.post("/me/links", json={"name": "David's iPhone"})
    assert made.status_code == 200, made.text
    body = made.json()
    assert (body["kind"], body["name"], body["scope"], body["unconfirmed"]) == (
        "link",
        "David's iPhone",
        "user",
        True,
    )
    # The browser used 127.0.0.1, which a phone cannot reach: the URL has this machine's address instead.
    host = httpx2.URL(body["url"]).host
    assert host != "127.0.0.1"
    assert body["url"].endswith(f":{httpx2.URL(live.url).port}/p/{body['url'].rsplit('/', 1)[1]}")
    assert body["qr_svg"].startswith("<svg")
    path = "/p/" + body["url"].rsplit("/p/", 1)[1]
    with httpx2.Client(base_url=live.url, timeout=30) as phone:
        assert phone.get(f"{path}/me").json()["user_id"] == "david"
    token_mode = start_live_server(auth="token")
    with httpx2.Client(base_url=token_mode.url, timeout=30) as phone:
        refused = phone.get(f"{path}/me")
        assert refused.status_code == 401
        assert f"airfit users token trust {body['id']}" in refused.json()["detail"]
        ok(token_mode.settings, "users", "token", "trust", body["id"])
        assert phone.get(f"{path}/me").json()["user_id"] == "david"
