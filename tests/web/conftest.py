"""Browser tests: Debian's Chromium driven by Playwright, against real servers on 127.0.0.1.

One browser for the package's tests; each test opens its own contexts. Screenshots go
to `tests/web/out/` (ignored by git). `airfit.lan` resolves to 127.0.0.1 inside the browser only, to test a
plain-HTTP LAN origin (not a secure context, unlike loopback).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from tests.fakes.openai_server import FakeOpenAI, Rule, fake_openai_server
from tests.live import LiveServer, make_settings, thread_server
from tests.web.chromium import CHROMIUM, QUIET_ARGS

LAN_HOST = "airfit.lan"
OUT = Path(__file__).parent / "out"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Numbers that belong to one user only, so seeing them anywhere in the other's session is a leak.
MARKERS = {
    "brian": {"calories": 2111, "steps": 12345, "weight": 181.3, "name": "Brian"},
    "david": {"calories": 1777, "steps": 6789, "weight": 154.7, "name": "David"},
}
MEAL = {
    "name": "Oatmeal with berries",
    "calories": 350,
    "protein": 12,
    "carbs": 60,
    "fat": 7,
    "confidence": "high",
    "components": [
        {"name": "Oats", "calories": 300, "protein": 10, "carbs": 54, "fat": 6},
        {"name": "Berries", "calories": 50, "protein": 2, "carbs": 6, "fat": 1},
    ],
}
INSIGHTS = {
    "insights": [
        {
            "category": "trend",
            "tier": 2,
            "title": "Protein is steady",
            "body": "You reached your protein on most days this month.",
            "importance": 0.8,
            "confidence": 0.8,
            "suggested_actions": ["Keep a protein source at breakfast"],
        },
        {
            "category": "nudge",
            "tier": 3,
            "title": "Sleep dips midweek",
            "body": "Wednesday nights are your shortest.",
            "importance": 0.6,
            "confidence": 0.7,
        },
    ]
}
COACH_REPLY = "Great question: aim for 0.8 g of protein per pound."


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
"""The two sizes every screen is tried at."""


# Generous: two cores are shared with other work, and a slow machine must not fail a correct page.
expect.set_options(timeout=15_000)

LAUNCH_ARGS = [*QUIET_ARGS, f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (Playwright cannot download browsers here), quiet and offline.

    Package-scoped rather than pytest-playwright's session-wide browser: while Playwright's sync API runs, its
    event loop counts as running in this thread, so every later `asyncio.run` in the same worker would fail.
    """
    if not Path(CHROMIUM).exists():
        # The README's test command must pass on a machine with only Python; CI (which installs Chromium in
        # .ci/run) must never skip the browser tests silently.
        message = f"{CHROMIUM} is missing: `apt-get install chromium` runs the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _days(user: str, count: int = 120) -> list[dict[str, Any]]:
    marker = MARKERS[user]
    today = datetime.now(UTC).date()
    days = []
    for back in range(count):
        days.append(
            {
                "date": (today - timedelta(days=back)).isoformat(),
                "calories": marker["calories"] if back == 0 else 1900 + (back * 37) % 400,
                "protein": 140 + back % 20,
                "carbs": 200,
                "fat": 65,
                "nutrition_entries": 3,
                "steps": marker["steps"] if back == 0 else 7000 + (back * 211) % 4000,
                "weight_lbs": round(marker["weight"] + back * 0.03 + (back % 3) * 0.2, 1),
                "body_fat_pct": round(18 + back * 0.01, 1),
                "sleep_hours": 7 + (back % 4) * 0.25,
                "resting_hr": 55,
                "hrv_ms": 60,
            }
        )
    return days


def seed(server: LiveServer, user: str, *, token: str | None = None) -> None:
    """Give `user` distinct daily data, a profile name, and the deterministic insights it leads to."""
    headers = {"Authorization": f"Bearer {token}"} if token else {"X-User-ID": user}
    with httpx2.Client(base_url=server.url, headers=headers, timeout=60) as client:
        client.post("/insights/sync", json={"days": _days(user)}).raise_for_status()
        client.post("/profile/sync", json={"name": MARKERS[user]["name"]}).raise_for_status()
        client.post("/insights/generate", json={"force": True}).raise_for_status()


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAI]:
    """The LLM: parses one meal, answers chat, and fails on request."""
    with fake_openai_server() as fake:
        fake.rules = [
            Rule(match="Extract only NEW information", reply="{}"),
            Rule(match="oatmeal", reply=json.dumps(MEAL)),
            Rule(match="Return your insights as JSON", reply=json.dumps(INSIGHTS)),
            Rule(match="make it fail", status=500, reply="upstream exploded"),
        ]
        fake.default = Rule(reply=COACH_REPLY)
        yield fake


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory, fake_llm: FakeOpenAI) -> Iterator[LiveServer]:
    """Open mode, brian and david with their own data, the fake LLM."""
    settings = make_settings(
        tmp_path_factory.mktemp("web-open"),
        users="brian,david",
        allowed_hosts=LAN_HOST,
        **fake_llm.settings(),
    )
    with thread_server(settings) as server:
        seed(server, "brian")
        seed(server, "david")
        yield server


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no stored identity), light scheme, desktop size."""
    ctx = browser.new_context(viewport=DESKTOP, color_scheme="light")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def csp_violations(errors: list[str]) -> Callable[[ConsoleMessage], None]:
    """A console listener collecting what the Content-Security-Policy blocked (Chromium logs each)."""

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            errors.append(message.text)

    return listen


def watched_page(context: BrowserContext) -> Page:
    """A new page that records its uncaught script errors and anything the CSP blocked in `page.errors`
    (tests assert it stays empty)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", csp_violations(errors))
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page that fails the test on any uncaught script error or anything the CSP blocked."""
    return watched_page(context)


def pick(page: Page, user: str) -> None:
    """Sign in through the open-mode picker and wait for Today."""
    page.get_by_role("button", name=MARKERS[user]["name"]).click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_test_id("today-calories")).to_be_visible()


HEADINGS = {"Log": "Log food and weight"}
"""Screens whose heading is not their name in the navigation bar."""


def go(page: Page, screen: str, *, loads: bool = True) -> None:
    """Open a screen from the navigation bar (on a phone, the rarer screens are under "More"); unless told
    it cannot (`loads`), wait for its own heading (the screen left behind had one too)."""
    nav = page.get_by_role("navigation", name="Screens")
    link = nav.get_by_role("link", name=screen, exact=True)
    if not link.is_visible():
        nav.get_by_role("button", name="More").click()
    link.click()
    if loads:
        heading = HEADINGS.get(screen, screen)
        expect(page.get_by_role("heading", level=1, name=heading, exact=True)).to_be_visible()


def shoot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under tests/web/out/, and what fits on the screen as a small JPEG (the
    README's pictures in docs/ are copies of some of these)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(OUT / f"{name}.jpg"), type="jpeg", quality=75)
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # From the page's own origin: the Content-Security-Policy refuses inline and foreign scripts.
        page.route("**/__axe.min.js", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
        page.add_script_tag(url="__axe.min.js")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
