"""Cross-site requests: a page on another origin cannot change anything; the iOS app and the web client can.

A browser lets any page send "simple" requests (no preflight): a POST with no body, or a `text/plain`, form or
multipart body, `mode: "no-cors"`. Browsers mark them (`Sec-Fetch-Site`, `Origin`); the iOS app sends neither
(docs/ios-contract.md § Identity). So a state-changing request from a browser needs the web client's
`X-AirFit-Client` header (or a bearer token), which a page can only add with a preflight this server never
grants, and a body must be of its route's declared type (`/import`: `application/zip`; others: JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from tests.ios_app import IosApp
from tests.live import LiveServer, run_cli

ATTACKER = {"Origin": "http://attacker.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
WEB_CLIENT = {"X-AirFit-Client": "web", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}
DAY = {"date": "2025-06-01", "calories": 2100, "protein": 150, "carbs": 200, "fat": 70}
CORRECTION = {"original_name": "eggs", "original_calories": 140, "original_protein": 12, "original_carbs": 1}
CORRECTION |= {"original_fat": 10, "correction": "three eggs"}
DAY |= {"nutrition_entries": 3, "steps": 9000, "active_calories": 500, "weight_lbs": 180}


def _name(live: LiveServer) -> str | None:
    with live.client("brian") as c:
        return c.get("/profile").json()["name"]


def test_a_no_cors_text_plain_import_from_another_site_changes_nothing(live_server: LiveServer) -> None:
    with live_server.client("brian") as brian:
        assert brian.post("/profile/sync", json={"name": "Mallory"}).status_code == 200
        archive = brian.get("/export").content
        assert brian.post("/profile/sync", json={"name": "Brian"}).status_code == 200
    with httpx2.Client(base_url=live_server.url, timeout=30) as page:
        forged = page.post("/import", content=archive, headers={**ATTACKER, "Content-Type": "text/plain"})
        assert forged.status_code == 403
        # An older browser that sends only Origin is refused the same way.
        old = page.post("/import", content=archive, headers={"Origin": "http://attacker.example"})
        assert old.status_code == 403
    assert _name(live_server) == "Brian"
    assert "access-control-allow-origin" not in {k.lower() for k in forged.headers}


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("POST", "/hevy/sync", None, None),
        ("POST", "/training/sync", None, None),
        ("POST", "/profile/finalize-onboarding", None, None),
        ("DELETE", "/profile", None, None),
        ("DELETE", "/chat/session", None, None),
        ("POST", "/profile/sync", b"name=Mallory", "application/x-www-form-urlencoded"),
        ("POST", "/profile/sync", b'{"name": "Mallory"}', "text/plain"),
        ("POST", "/sync/memories", b"--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"),
    ],
)
def test_simple_requests_from_another_site_are_refused(
    live_server: LiveServer, method: str, path: str, body: bytes | None, content_type: str | None
) -> None:
    headers = {**ATTACKER, **({"Content-Type": content_type} if content_type else {})}
    with httpx2.Client(base_url=live_server.url, timeout=30) as page:
        answer = page.request(method, path, content=body, headers=headers)
    assert answer.status_code == 403, answer.text
    assert "cross-site" in answer.json()["detail"]


def test_a_same_origin_browser_request_needs_the_client_header(live_server: LiveServer) -> None:
    with httpx2.Client(base_url=live_server.url, timeout=30) as page:
        bare = {"Sec-Fetch-Site": "same-origin", "X-User-ID": "brian"}
        refused = page.post("/profile/sync", json={"name": "Bare"}, headers=bare)
        assert refused.status_code == 403
        assert "X-AirFit-Client" in refused.json()["detail"]
        served = page.post(
            "/profile/sync", json={"name": "Web"}, headers={**WEB_CLIENT, "X-User-ID": "brian"}
        )
        assert served.status_code == 200
        # A lying header does not help a page on another site.
        forged = page.post("/hevy/sync", headers={**ATTACKER, "X-AirFit-Client": "web", "X-User-ID": "brian"})
        assert forged.status_code == 403
    assert _name(live_server) == "Web"


def test_a_bearer_token_is_enough_for_a_browser(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(auth="token")
    token = run_cli(live.settings, "users", "token", "create", "brian", "--name", "t").stdout.strip()
    with live.client(token=token) as c:
        answer = c.post("/profile/sync", json={"name": "T"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200


def test_bodies_must_be_of_the_declared_type(live_server: LiveServer) -> None:
    with live_server.client("brian") as c:
        archive = c.get("/export").content
        as_text = c.post("/import", content=archive, headers={"Content-Type": "text/plain"})
        assert as_text.status_code == 415
        as_json = c.post("/import", content=archive, headers={"Content-Type": "application/json"})
        assert as_json.status_code == 415
        assert (
            c.post("/import", content=archive, headers={"Content-Type": "application/zip"}).status_code == 200
        )
        form = c.post(
            "/profile/sync", content=b"name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert form.status_code == 415
        assert "application/json" in form.json()["detail"]


def test_no_cors_headers_ever(live_server: LiveServer) -> None:
    with httpx2.Client(base_url=live_server.url, timeout=30) as page:
        preflight = page.options(
            "/profile/sync",
            headers={
                "Origin": "http://attacker.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-airfit-client, content-type",
            },
        )
        read = page.get("/me", headers={"Origin": "http://attacker.example"})
    for answer in (preflight, read):
        assert not [k for k in answer.headers if k.lower().startswith("access-control-")]


def _ios_calls() -> list[tuple[str, str, dict[str, Any]]]:
    """Every call the app makes (docs/ios-contract.md), with the body it sends."""
    return [
        ("GET", "/health", {}),
        ("GET", "/status", {}),
        ("POST", "/insights/sync", {"json": {"days": [DAY]}}),
        ("GET", "/insights/context", {"range": "week"}),
        ("GET", "/health/body-metrics", {"days": 30}),
        ("POST", "/hevy/sync", {}),
        ("GET", "/hevy/set-tracker", {"days": 7}),
        ("GET", "/hevy/lift-progress", {"top_n": 6}),
        ("GET", "/hevy/recent-workouts", {"limit": 7}),
        ("GET", "/training/exercises", {"limit": 20, "sort_by": "frequency"}),
        ("GET", "/training/strength-history", {"exercise": "Curl + Press", "days": 365}),
        ("POST", "/training/sync", {"full": "false"}),
        ("GET", "/nutrition/training-day", {}),
        ("POST", "/nutrition/parse", {"json": {"food_text": "two eggs"}}),
        ("POST", "/nutrition/correct", {"json": CORRECTION}),
        ("POST", "/nutrition/status", {"json": {"calories": 1200, "protein": 90, "carbs": 100, "fat": 40}}),
        ("POST", "/sync/memories", {"json": {"type": "remember", "contents": ["likes mornings"]}}),
        ("GET", "/profile", {}),
        (
            "POST",
            "/profile/sync",
            {"json": {"name": "Brian", "goals": ["strength"], "onboarding_complete": True}},
        ),
        (
            "PATCH",
            "/profile/item",
            {"json": {"category": "goals", "old_value": "strength", "new_value": "power"}},
        ),
        ("GET", "/insights", {"limit": 10}),
        ("POST", "/insights/generate", {"json": {"days": 90, "force": False}}),
        ("POST", "/insights/missing/discuss", {"json": {"message": "why?"}}),
        ("POST", "/chat", {"json": {"message": "hello"}}),
        ("GET", "/chat/context", {}),
        ("POST", "/chat/process-conversation", {"json": {"user_message": "hi", "ai_response": "hey"}}),
        ("POST", "/chat/onboarding", {"json": {"message": ""}}),
        ("POST", "/profile/finalize-onboarding", {}),
        ("POST", "/tools/execute", {"json": {"name": "query_nutrition", "arguments": {"days": 7}}}),
        ("DELETE", "/chat/session", {}),
    ]


def test_every_call_of_the_ios_app_passes_as_it_is_sent(live_server: LiveServer) -> None:
    with IosApp(live_server.url) as app:
        for method, path, spec in _ios_calls():
            spec = dict(spec)
            answer = app.call(method, path, json=spec.pop("json", None), **spec)
            assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
        # The profile export goes back as raw bytes with the JSON type (§ Profile), and an insight it engages
        # with is looked up (a missing one is the route's 404, not a guard's refusal).
        export = app.call("GET", "/profile/export").content
        assert app.call("POST", "/profile/import", raw=export).status_code == 200
        assert app.call("POST", "/insights/missing/engage", action="viewed").status_code == 404
        assert app.call("DELETE", "/profile").status_code == 200
