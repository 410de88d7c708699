"""The iOS app on the wire: exactly the headers URLSession sends (docs/ios-contract.md § Identity), URLs built
the way the app builds them (§ Addressing, § Query strings), and every call the app makes.

No identity, no Origin, no `Sec-Fetch-*`; `Content-Type: application/json` only on a request with a JSON
body (a body-less POST or DELETE has none). Tests replay every call the app makes through this client to
show the server's guards let the unmodified app through, on any base URL a person may type into the app
(a personal URL among them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx2
import orjson

from tests import ios

URLSESSION_HEADERS = {
    "Accept": "*/*",
    "Accept-Language": "en-GB,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br",
    "User-Agent": "AirFit/1 CFNetwork/1496.0.7 Darwin/23.5.0",
    "Connection": "keep-alive",
}
# What Foundation leaves unescaped in a path component, and in a query item (where `+` stays literal and `&`
# is escaped, docs/ios-contract.md § Query strings).
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_QUERY_SAFE = "!$'()*+,;=:@-._~/?"


def app_url(base: str, path: str, query: Mapping[str, Any] | None = None) -> str:
    """The URL the app requests: `baseURL.appendingPathComponent(path)` (the base's path kept, one slash
    between unless the base ends with one), then `URLComponents.queryItems` on top."""
    parts = urlsplit(base.strip())
    component = quote(path.lstrip("/"), safe=_PATH_SAFE)
    joined = parts.path + component if parts.path.endswith("/") else f"{parts.path}/{component}"
    items = "&".join(
        f"{quote(k, safe=_QUERY_SAFE)}={quote(str(v), safe=_QUERY_SAFE)}" for k, v in (query or {}).items()
    )
    return urlunsplit((parts.scheme, parts.netloc, joined, items, ""))


class IosApp:
    """A client that sends what the app sends and nothing else, to the server URL typed into it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx2.Client(headers=URLSESSION_HEADERS, timeout=60)

    def __enter__(self) -> IosApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, *, json: Any = None, raw: bytes | None = None, **params: Any
    ) -> httpx2.Response:
        """One call: `json` (or `raw` bytes, as `POST /profile/import` posts an export) goes out with
        `Content-Type: application/json`; without either, no body and no Content-Type."""
        body = raw if raw is not None else (orjson.dumps(json) if json is not None else None)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        url = app_url(self.base_url, path, params)
        return self.http.request(method, url, content=body, headers=headers)


DAY = {"date": "2025-06-01", "calories": 2100, "protein": 150, "carbs": 200, "fat": 70}
DAY |= {"nutrition_entries": 3, "steps": 9000, "active_calories": 500, "weight_lbs": 180}
CORRECTION = {"original_name": "eggs", "original_calories": 140, "original_protein": 12, "original_carbs": 1}
CORRECTION |= {"original_fat": 10, "correction": "three eggs"}


def _model(model: ios.Kind) -> Callable[[Any], None]:
    return lambda body: ios.decode(body, model)


@dataclass(frozen=True)
class AppCall:
    """One call of the app: what it sends, and how it decodes the answer (None: it reads the status only)."""

    method: str
    path: str
    json: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    decode: Callable[[Any], None] | None = None

    def send(self, app: IosApp) -> httpx2.Response:
        """Send it as the app does."""
        return app.call(self.method, self.path, json=self.json, **self.params)


def app_calls(*, day: Mapping[str, Any] = DAY, name: str = "Brian") -> list[AppCall]:
    """Every call the app makes (docs/ios-contract.md), in a sync pass's order where it has one; `day` is the
    day it syncs and `name` the profile's."""
    return [
        AppCall("GET", "/health", decode=_model(ios.SERVER_STATUS)),
        AppCall("GET", "/status", decode=_model(ios.STATUS)),
        AppCall("POST", "/insights/sync", json={"days": [day]}, decode=_model(ios.SYNC)),
        AppCall("GET", "/insights/context", params={"range": "week"}, decode=_model(ios.CONTEXT)),
        AppCall("GET", "/health/body-metrics", params={"days": 30}, decode=_model(ios.BODY_METRICS)),
        AppCall("POST", "/hevy/sync", decode=_model(ios.HEVY_SYNC)),
        AppCall("GET", "/hevy/set-tracker", params={"days": 7}, decode=_model(ios.SET_TRACKER)),
        AppCall("GET", "/hevy/lift-progress", params={"top_n": 6}, decode=_model(ios.LIFT_PROGRESS)),
        AppCall("GET", "/hevy/recent-workouts", params={"limit": 7}, decode=_model(ios.RECENT_WORKOUTS)),
        AppCall(
            "GET",
            "/training/exercises",
            params={"limit": 20, "sort_by": "frequency"},
            decode=_model(ios.EXERCISES),
        ),
        AppCall(
            "GET",
            "/training/strength-history",
            params={"exercise": "Curl + Press", "days": 365},
            decode=_model(ios.STRENGTH_HISTORY),
        ),
        AppCall("POST", "/training/sync", params={"full": "false"}, decode=_model(ios.TRAINING_SYNC)),
        AppCall("GET", "/nutrition/training-day", decode=_model(ios.TRAINING_DAY)),
        AppCall("POST", "/nutrition/parse", json={"food_text": "two eggs"}, decode=_model(ios.PARSE)),
        AppCall("POST", "/nutrition/correct", json=CORRECTION, decode=_model(ios.CORRECT)),
        AppCall(
            "POST",
            "/nutrition/status",
            json={"calories": 1200, "protein": 90, "carbs": 100, "fat": 40, "is_training_day": False},
            decode=_model(ios.FEEDBACK),
        ),
        AppCall("POST", "/sync/memories", json={"type": "remember", "contents": ["likes mornings"]}),
        AppCall("GET", "/profile", decode=ios.decode_profile),
        AppCall(
            "POST",
            "/profile/sync",
            json=ios.server_profile_export(name=name, goals=["strength"], onboarding_complete=True),
        ),
        AppCall(
            "PATCH",
            "/profile/item",
            json={"category": "goals", "old_value": "strength", "new_value": "power"},
        ),
        AppCall("GET", "/insights", params={"limit": 10}, decode=_model(ios.INSIGHT_LIST)),
        AppCall("POST", "/insights/generate", json={"days": 90, "force": False}, decode=_model(ios.GENERATE)),
        AppCall("POST", "/insights/missing/discuss", json={"message": "why?"}, decode=_model(ios.DISCUSS)),
        AppCall("POST", "/chat", json={"message": "hello"}, decode=_model(ios.CHAT)),
        AppCall("GET", "/chat/context", decode=_model(ios.CHAT_CONTEXT)),
        AppCall("POST", "/chat/process-conversation", json={"user_message": "hi", "ai_response": "hey"}),
        AppCall("POST", "/chat/onboarding", json={"message": ""}, decode=_model(ios.ONBOARDING)),
        AppCall("POST", "/profile/finalize-onboarding", decode=_model(ios.FINALIZE)),
        AppCall(
            "POST",
            "/tools/execute",
            json={"name": "query_nutrition", "arguments": {"days": 7}},
            decode=_model(ios.TOOL),
        ),
        AppCall("DELETE", "/chat/session"),
    ]
