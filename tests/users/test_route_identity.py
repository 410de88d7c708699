"""Identity per router: in token mode every route refuses a request without a token, except the public ones.

The routes are enumerated from the app itself, so a route added later is covered without editing this test.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from airfit.app import PUBLIC_PATHS, create_app
from airfit.config import AuthMode, Settings
from airfit.services import build_services
from tests.inproc import asgi_client
from tests.live import make_settings

PARAM = re.compile(r"\{[^}]+\}")


def _routes(settings: Settings) -> list[tuple[str, str]]:
    app = create_app(settings)
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue  # the web client's static files: public by design
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            found.append((method, context.path))
    return found


@pytest.fixture
def token_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"auth": AuthMode.TOKEN})


def test_the_enumeration_finds_the_routes(token_settings: Settings) -> None:
    routes = _routes(token_settings)
    assert len(routes) > 50
    assert ("GET", "/docs") in routes
    assert ("GET", "/openapi.json") in routes
    assert ("POST", "/chat") in routes


async def test_every_route_but_the_public_ones_refuses_no_token(token_settings: Settings) -> None:
    routes = _routes(token_settings)
    allowed = []
    async with asgi_client(token_settings) as client:
        for method, path in routes:
            if path in PUBLIC_PATHS:
                continue
            response = await client.request(method, PARAM.sub("x", path))
            if response.status_code != 401:
                allowed.append(f"{method} {path}: {response.status_code}")
    assert allowed == []


async def test_public_routes_answer_without_a_token(token_settings: Settings) -> None:
    async with asgi_client(token_settings) as client:
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/signin/options")).status_code == 200
    assert {"/health", "/signin/options", "/signin/code"} == PUBLIC_PATHS


async def test_docs_are_offline_and_follow_the_identity_rule(token_settings: Settings) -> None:
    users = build_services(token_settings).users
    await users.ensure(token_settings.initial_users)
    token = (await users.create_token("david", "docs")).token
    async with asgi_client(token_settings) as client:
        bearer = {"Authorization": f"Bearer {token}"}
        page = await client.get("/docs", headers=bearer)
        script = await client.get("/docs.js", headers=bearer)
        spec = await client.get("/openapi.json", headers=bearer)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    # Self-contained: nothing is loaded from another host.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page.text)
    assert '<script src="docs.js">' in page.text
    assert 'fetch("openapi.json"' in script.text
    assert spec.status_code == 200
    assert "/chat" in spec.json()["paths"]


async def test_docs_are_public_in_open_mode_and_can_be_turned_off(data_dir) -> None:  # type: ignore[no-untyped-def]
    async with asgi_client(make_settings(data_dir, default_user="")) as client:
        assert (await client.get("/docs")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
    async with asgi_client(make_settings(data_dir, docs=False)) as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 404
