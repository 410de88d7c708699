"""Every main screen, light and dark, desktop and phone size: no serious or critical axe-core violations, no
raw code or broken wording on the page, nothing wider than the viewport, nothing refused by a strict
Content-Security-Policy, the phone's tab bar at the bottom with the signed-in name in view, and a screenshot
of each (in tests/web/out/; the README's pictures in docs/ are copies)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.fakes.openai_server import FakeOpenAI
from tests.live import LiveServer, make_settings, run_cli, thread_server
from tests.web.conftest import DESKTOP, PHONE, axe_violations, go, pick, shoot

DEMO_USER = "demo-alex"

SCREENS = ["Today", "Trends", "Training", "Coach", "Log", "Insights", "Settings"]
# What a page must never show a person: an API code (`in_zone`, `at_floor`), a singular count with a plural
# noun, or a value that never got a number.
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
BAD_WORDING = re.compile(
    r"\b1 (?:days|entries|workouts|insights|steps|sessions|readings|exercises)\b|NaN|undefined|\bnull\b"
)
# The policy the server is to send with the page: no inline script or style, nothing from elsewhere.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def _summary(violations: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations]


def _wording(page: Page) -> list[str]:
    text = page.locator("main").inner_text()
    return RAW_CODE.findall(text) + BAD_WORDING.findall(text)


def _with_policy(route: Route) -> None:
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": POLICY})


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, fake_llm: FakeOpenAI) -> Iterator[LiveServer]:
    """The demo household of `airfit demo` (three years of days, workouts, targets, insights)."""
    settings = make_settings(tmp_path_factory.mktemp("web-demo"), users="brian", **fake_llm.settings())
    made = run_cli(settings, "demo")
    assert made.returncode == 0, made.stderr
    with thread_server(settings) as server:
        with server.client(DEMO_USER) as alex:  # a conversation to show on the Coach screen
            alex.post("/chat", json={"message": "How much protein should I eat?"}).raise_for_status()
        yield server


def _pick_demo(page: Page) -> None:
    page.get_by_role("button", name=re.compile(DEMO_USER)).click()
    expect(page.get_by_test_id("today-calories")).to_be_visible()


def _phone_layout(page: Page, label: str) -> None:
    nav = page.get_by_role("navigation", name="Screens")
    box: Any = nav.bounding_box()
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, f"{label}: the tab bar is not at the bottom"
    items = nav.locator("a:visible, button:visible")
    assert items.count() == 5, f"{label}: {items.all_inner_texts()}"
    expect(page.get_by_test_id("who")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_is_accessible_worded_and_fits_at_both_sizes(
    demo_server: LiveServer, browser: Browser, scheme: str
) -> None:
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(viewport=size, color_scheme=scheme)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_WATCH)
        context.route(re.compile(r"^http://127\.0\.0\.1:\d+/$"), _with_policy)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(demo_server.url)
        expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
        label = f"{scheme}-{name}"
        assert _summary(axe_violations(page)) == [], f"sign-in {label}"
        shoot(page, f"signin-{label}")
        _pick_demo(page)
        for screen in SCREENS:
            go(page, screen)
            page.wait_for_load_state("networkidle")
            expect(page.get_by_text("Loading…")).to_have_count(0)
            assert _summary(axe_violations(page)) == [], f"{screen} {label}"
            assert _wording(page) == [], f"{screen} {label}"
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{screen} {label} is {overflow}px wider than the screen"
            if size is PHONE:
                _phone_layout(page, f"{screen} {label}")
            shoot(page, f"{screen.lower()}-{label}")
        assert page.evaluate("window.__csp") == [], label
        assert errors == []
        context.close()


def test_theme_override_beats_the_system_setting_and_themes_the_charts(
    open_server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(open_server.url)
    pick(page, "david")
    go(page, "Trends")
    expect(page.locator(".uplot").first).to_be_visible()
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    go(page, "Settings")
    page.get_by_label("Colour theme").select_option("light")
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg
    assert light_bg == "rgb(246, 247, 245)"
    # The chart's axes are redrawn in the page's text colour.
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    context.close()
