"""Every main screen, light and dark, desktop and phone width: no serious or critical axe-core violations,
nothing wider than the viewport, and a screenshot of each (in tests/web/out/)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fakes.openai_server import FakeOpenAI
from tests.live import LiveServer, make_settings, run_cli, thread_server
from tests.web.conftest import axe_violations, go, pick, shoot

DEMO_USER = "demo-alex"

SCREENS = ["Today", "Trends", "Training", "Coach", "Log", "Insights", "Settings"]


def _summary(violations: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations]


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


def test_every_screen_is_accessible_and_fits_in_both_themes_and_widths(
    demo_server: LiveServer, browser: Browser
) -> None:
    for scheme in ("light", "dark"):
        for width in (1100, 360):
            context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
            context.set_default_timeout(15_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(demo_server.url)
            expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
            label = f"{scheme}-{width}"
            assert _summary(axe_violations(page)) == [], f"sign-in {label}"
            shoot(page, f"signin-{label}")
            _pick_demo(page)
            for screen in SCREENS:
                go(page, screen)
                page.wait_for_load_state("networkidle")
                expect(page.get_by_text("Loading…")).to_have_count(0)
                assert _summary(axe_violations(page)) == [], f"{screen} {label}"
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{screen} {label} is {overflow}px wider than the screen"
                shoot(page, f"{screen.lower()}-{label}")
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
    page.get_by_label("Colour theme").select_option("light")
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg
    assert light_bg == "rgb(246, 247, 245)"
    # The chart's axes are redrawn in the page's text colour.
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    context.close()
