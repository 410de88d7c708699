"""Three people, three unmodified iPhones, token mode: each phone's server URL is its owner's personal URL
(`airfit users link`), and the app, which sends no identity, acts as that person.

Every call the app makes (tests/ios_app.py) passes through two personal URLs at once, for two users, with the
URLs built as the app builds them and each answer decoded with the app's rules (tests/ios.py); what one phone
syncs never shows through the other, and without a personal URL the app gets nothing but the probe.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from tests import ios
from tests.cli.run import ok
from tests.fakes.hevy import running_fake_hevy
from tests.ios_app import DAY, IosApp, app_calls
from tests.live import LiveServer
from tests.training.workouts import workout

CALORIES = {"brian": 2111, "david": 1777}
CURL_KG = {"brian": 50, "david": 30}
"""Each user's day and lift: numbers that belong to one of them only."""
HEVY_KEYS = {"brian": "11111111-aaaa-4aaa-8aaa-brian0000001", "david": "22222222-bbbb-4bbb-8bbb-david0000002"}
LB_PER_KG = 2.20462


def _link(live: LiveServer, user: str) -> str:
    url = ok(live.settings, "users", "link", user, "--name", f"{user}'s iPhone", AIRFIT_PUBLIC_URL=live.url)
    assert url.count("\n") == 1  # the URL alone on its line
    return url.strip()


def _phone(user: str, base_url: str) -> dict[str, Any]:
    """One phone's whole repertoire through its server URL; what it then reads back."""
    today = datetime.now(UTC).date().isoformat()
    day = {**DAY, "date": today, "calories": CALORIES[user]}
    with IosApp(base_url) as app:
        for call in app_calls(day=day, name=user.title()):
            answer = call.send(app)
            assert answer.status_code == 200, f"{user}: {call.method} {call.path}: {answer.text[:200]}"
            if call.decode is not None:
                call.decode(answer.json())
            if call.path == "/training/strength-history":
                # The literal `+` of the app's query string, through the prefix: the stored exercise.
                assert answer.json()["exercise"] == "Curl + Press"
                assert [p["weight_lbs"] for p in answer.json()["history"]] == [
                    round(CURL_KG[user] * LB_PER_KG, 1)
                ]
        export = app.call("GET", "/profile/export").content
        imported = app.call("POST", "/profile/import", raw=export)
        ios.decode(imported.json(), ios.PROFILE_IMPORT)
        assert app.call("POST", "/insights/missing/engage", action="viewed").status_code == 404
        return {
            "context": app.call("GET", "/insights/context", range="week").json(),
            "profile": app.call("GET", "/profile").json(),
            "me": app.call("GET", "/me").json(),
        }


def test_every_call_of_the_app_through_two_personal_urls_at_once(
    start_live_server: Callable[..., LiveServer],
) -> None:
    with running_fake_hevy() as hevy:
        live = start_live_server(auth="token", hevy_base_url=hevy.url, hevy_retry_delay=0.01)
        # As people type them: one as printed, one with a trailing slash (the app does not double it).
        urls = {"brian": _link(live, "brian"), "david": _link(live, "david") + "/"}
        yesterday = datetime.now(UTC) - timedelta(days=1)
        for user, url in urls.items():
            curls = [("Curl + Press", [("normal", CURL_KG[user], 8)])]
            hevy.add_account(HEVY_KEYS[user], [workout(f"w-{user}", yesterday, curls)])
            # The person connects Hevy once (the web client, here through the same URL); the app never does.
            with httpx2.Client(base_url=url, timeout=60) as web:
                assert web.put("/hevy/key", json={"api_key": HEVY_KEYS[user]}).status_code == 200
                assert web.post("/training/sync").json()["workouts_processed"] == 1
        with ThreadPoolExecutor(max_workers=2) as pool:
            seen = dict(zip(urls, pool.map(_phone, urls, urls.values()), strict=True))
    for user, other in (("brian", "david"), ("david", "brian")):
        assert seen[user]["me"]["user_id"] == user
        assert seen[user]["me"]["via"] == "link"
        assert seen[user]["profile"]["name"] == user.title()
        calories = [d["calories"] for d in seen[user]["context"]["daily_nutrition"]]
        assert CALORIES[user] in calories
        assert CALORIES[other] not in calories
    with IosApp(live.url) as plain:
        # The same app given the bare server URL: the probe answers, nothing else does.
        assert plain.call("GET", "/health").json() == {"status": "ok"}
        assert plain.call("GET", "/status").status_code == 401
        assert plain.call("POST", "/insights/sync", json={"days": [DAY]}).status_code == 401
