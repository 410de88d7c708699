"""The web client as a daily tool, at phone and desktop size: a first run without an LLM, units, the offline
queue (entries kept through an outage and a killed browser, stored exactly once), a screen that recovers when
the server returns, and dates in the user's zone rather than the browser's."""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import zipfile
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import psutil
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from airfit.units import KG_PER_LB
from tests.live import RestartableServer, make_settings, restartable_server, thread_server
from tests.web.chromium import CHROMIUM
from tests.web.conftest import DESKTOP, LAUNCH_ARGS, PHONE, go, watched_page

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
MADRID = ZoneInfo("Europe/Madrid")
# Marks the page; a reload would lose it, so finding it later proves nothing was reloaded.
MARK = "window.__kept = 'yes'"


@contextlib.contextmanager
def _context(browser: Browser, size: dict[str, int], **options: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=size, **options)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


def _pick(page: Page, user: str) -> None:
    page.get_by_role("button", name=user).click()
    expect(page.get_by_test_id("today-calories")).to_be_visible()


def _signed_in(context: BrowserContext, url: str, user: str) -> Page:
    """A page signed in as `user` on Today, marked (see MARK)."""
    page = watched_page(context)
    page.goto(url)
    _pick(page, user)
    page.evaluate(MARK)
    return page


def _entries(server: RestartableServer, user: str, day: str | None = None) -> list[dict[str, Any]]:
    with server.client(user) as client:
        answer = client.get("/log", params={"date": day} if day else {})
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


@SIZES
def test_a_new_users_first_run_to_a_meal_and_a_weight_in_kg_without_an_llm(
    browser: Browser, tmp_path: Path, size: dict[str, int]
) -> None:
    settings = make_settings(tmp_path / "data", users="newbie", default_user="newbie")
    with thread_server(settings) as server, _context(browser, size) as context:
        page = watched_page(context)
        page.goto(server.url)
        _pick(page, "newbie")
        checklist = page.get_by_test_id("first-run")
        expect(checklist).to_contain_text("5 steps left")

        checklist.get_by_role("link", name="Choose your units and time zone").click()
        units = page.locator("#units")
        expect(units.get_by_role("heading", name="Units and time zone")).to_be_focused()
        units.get_by_label("kilograms (kg)").check()
        units.get_by_label("kilojoules (kJ)").check()
        units.get_by_label("centimetres (cm)").check()
        units.get_by_role("textbox", name=re.compile("^Time zone")).fill("Europe/Madrid")
        units.get_by_role("button", name="Save", exact=True).click()
        expect(units.get_by_role("status")).to_contain_text("Saved")
        targets = page.locator("#targets")
        targets.locator("#tg-training_day-calories").fill("10880")
        targets.locator("#tg-training_day-protein").fill("150")
        targets.locator("#tg-rest_day-calories").fill("9200")
        targets.locator("#tg-rest_day-protein").fill("140")
        targets.get_by_role("button", name="Save targets").click()
        expect(targets.get_by_role("status")).to_contain_text("Saved")

        go(page, "Today")
        expect(checklist).to_contain_text("3 steps left")
        expect(page.get_by_test_id("today-calories")).to_contain_text("kJ")
        checklist.get_by_role("link", name="Log a first meal").click()
        expect(page.get_by_role("heading", name="Log food and weight")).to_be_visible()
        # No LLM: one plain sentence, no estimate button, no setup text meant for whoever runs the server.
        expect(page.get_by_test_id("no-estimate")).to_be_visible()
        expect(page.get_by_text("Estimate it from a description")).to_have_count(0)
        expect(page.get_by_text(re.compile("AIRFIT_|OPENAI_"))).to_have_count(0)
        page.get_by_label("Meal", exact=True).fill("Porridge")
        page.get_by_label("Energy (kJ)").fill("1500")
        page.get_by_label("Protein (g)").fill("12")
        page.get_by_role("button", name="Log meal").click()
        entries = page.get_by_test_id("log-entries")
        expect(entries).to_contain_text("Porridge: 1,500 kJ, 12 g protein")
        page.get_by_label("Weight (kg)").fill("68")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(entries).to_contain_text("68.0 kg")

        go(page, "Today")
        expect(page.get_by_test_id("today-weight")).to_have_text("68.0")
        expect(page.get_by_test_id("today-calories")).to_contain_text("1,500")
        expect(checklist).to_contain_text("2 steps left")

        go(page, "Coach")
        expect(page.get_by_test_id("no-llm")).to_be_visible()
        page.get_by_label("Your name").fill("Nina")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_label("Your name")).to_have_count(0)
        expect(page.get_by_label("Name", exact=True)).to_have_value("Nina")
        assert page.errors == []  # type: ignore[attr-defined]

    # Stored as the server keeps everything: lbs and whole kcal.
    with thread_server(settings) as again, again.client("newbie") as client:
        stored = client.get("/log").json()["entries"]
        profile = client.get("/profile").json()
    assert [e["calories"] for e in stored if e["kind"] == "food"] == [359]
    assert [e["weight_lbs"] for e in stored if e["kind"] == "body"] == [round(68 / KG_PER_LB, 3)]
    assert profile["training_day_targets"]["calories"] == 2600  # 10,880 kJ
    assert profile["onboarding_complete"] is True


@SIZES
def test_a_kg_users_68_kg_is_68_kg_everywhere(browser: Browser, tmp_path: Path, size: dict[str, int]) -> None:
    settings = make_settings(tmp_path / "data", users="kate", default_user="kate")
    with thread_server(settings) as server, _context(browser, size) as context:
        with server.client("kate") as kate:
            kate.patch("/me", json={"units": {"mass": "kg"}}).raise_for_status()
        page = watched_page(context)
        page.goto(server.url)
        _pick(page, "kate")
        go(page, "Log")
        page.get_by_label("Weight (kg)").fill("68")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_test_id("log-entries")).to_contain_text("68.0 kg")
        go(page, "Today")
        expect(page.get_by_test_id("today-weight")).to_have_text("68.0")
        go(page, "Trends")
        expect(page.get_by_test_id("current-weight")).to_have_text("68.0")
        page.get_by_text("Table: Weight and its trend").click()
        expect(page.get_by_test_id("ch-weight-table").locator("tbody tr").first).to_contain_text("68.0")
        with server.client("kate") as kate:
            coach = kate.get("/chat/context").json()["data_context"]
            archive = kate.get("/export").content
    assert "Weight: 68.0 kg" in coach
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        context_store = json.loads(zf.read("documents/context_store.json"))
    assert manifest["units"]["mass"].startswith("lb")
    (day,) = context_store["data"]["snapshots"].values()
    assert round(day["health"]["weight_lbs"] * KG_PER_LB, 1) == 68.0


def test_today_shows_an_entry_that_lands_after_it_loaded(browser: Browser, tmp_path: Path) -> None:
    # The weight's request is held until Today has loaded without it; once it lands, Today reads the day
    # again.
    settings = make_settings(tmp_path / "data", users="kate", default_user="kate")
    with thread_server(settings) as server, _context(browser, DESKTOP) as context:
        with server.client("kate") as kate:
            kate.patch("/me", json={"units": {"mass": "kg"}}).raise_for_status()
        page = watched_page(context)
        held: list[Route] = []
        page.route("**/log/body", lambda route: held.append(route))
        page.goto(server.url)
        _pick(page, "kate")
        go(page, "Log")
        page.get_by_label("Weight (kg)").fill("68")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_test_id("pending-entry")).to_contain_text("68.0 kg")
        go(page, "Today")
        expect(page.get_by_test_id("today-pending")).to_be_visible()
        expect(page.get_by_test_id("today-weight")).to_have_text("–")
        assert len(held) == 1
        held[0].continue_()
        expect(page.get_by_test_id("today-weight")).to_have_text("68.0")
        expect(page.get_by_test_id("today-pending")).to_have_count(0)
        assert page.errors == []  # type: ignore[attr-defined]


@SIZES
def test_entries_made_during_an_outage_arrive_once_without_a_reload(
    browser: Browser, tmp_path: Path, size: dict[str, int]
) -> None:
    settings = make_settings(tmp_path / "data")
    with restartable_server(settings) as server, _context(browser, size) as context:
        page = _signed_in(context, server.url, "brian")
        go(page, "Log")
        meal = page.get_by_label("Meal", exact=True)
        expect(meal).to_be_visible()  # the screen and its day are loaded: the outage starts after
        server.stop()
        meal.fill("Soup")
        page.get_by_label("Energy (kcal)").fill("400")
        page.get_by_role("button", name="Log meal").click()
        expect(page.get_by_role("status").filter(has_text="Kept in this browser: it is sent")).to_be_visible()
        page.get_by_label("Weight (lbs)").fill("180")
        page.get_by_role("button", name="Save", exact=True).click()
        pending = page.get_by_test_id("pending-entry")
        expect(pending).to_have_count(2)
        expect(
            page.get_by_role("status").filter(has_text="kept in this browser until it answers")
        ).to_be_visible()

        server.start()  # the page finds out by itself (it probes every 5 s) and sends both
        expect(pending).to_have_count(0, timeout=30_000)
        entries = page.get_by_test_id("log-entries")
        expect(entries).to_contain_text("Soup: 400 kcal")
        expect(entries).to_contain_text("180.0 lbs")
        assert page.evaluate("window.__kept") == "yes"
        stored = _entries(server, "brian")
        assert [e["name"] for e in stored if e["kind"] == "food"] == ["Soup"]
        assert [e["weight_lbs"] for e in stored if e["kind"] == "body"] == [180.0]

        # The server stores an entry but its answer is lost: the browser sends it again; it is stored once.
        def answer_lost(route: Any) -> None:
            request = route.request
            sent = {k: v for k, v in request.headers.items() if k.lower() in ("x-user-id", "content-type")}
            httpx2.post(request.url, content=request.post_data_buffer, headers=sent).raise_for_status()
            route.abort()

        keys: list[str] = []

        def seen(request: Any) -> None:
            if request.url.endswith("/log/food"):
                keys.append(request.post_data_json["idempotency_key"])

        page.on("request", seen)
        page.route(re.compile(r".*/log/food$"), answer_lost, times=1)
        page.get_by_label("Meal", exact=True).fill("Toast")
        page.get_by_label("Energy (kcal)").fill("250")
        page.get_by_role("button", name="Log meal").click()
        expect(entries).to_contain_text("Toast: 250 kcal")
        expect(pending).to_have_count(0)
        assert len(keys) == 2
        assert keys[0] == keys[1]  # sent twice, with one key
        assert [e["name"] for e in _entries(server, "brian") if e["kind"] == "food"] == ["Soup", "Toast"]
        assert page.errors == []  # type: ignore[attr-defined]


def _kill_browser(profile: Path) -> None:
    """SIGKILL every Chromium process of this profile: no unload, no shutdown, nothing flushed on the way."""
    flag = f"--user-data-dir={profile}"
    for process in psutil.process_iter(["cmdline"]):
        if flag in (process.info["cmdline"] or []):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signal.SIGKILL)


@SIZES
def test_entries_waiting_when_the_browser_is_killed_arrive_when_it_reopens(
    browser: Browser, tmp_path: Path, size: dict[str, int]
) -> None:
    settings = make_settings(tmp_path / "data")
    profile = tmp_path / "chromium-profile"

    def launch() -> BrowserContext:
        return browser.browser_type.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=LAUNCH_ARGS, viewport=size
        )

    with restartable_server(settings) as server:
        first = launch()
        page = first.pages[0] if first.pages else first.new_page()
        page.goto(server.url)
        _pick(page, "david")
        go(page, "Log")
        meal = page.get_by_label("Meal", exact=True)
        expect(meal).to_be_visible()
        server.stop()
        meal.fill("Kept soup")
        page.get_by_label("Energy (kcal)").fill("300")
        page.get_by_role("button", name="Log meal").click()
        expect(page.get_by_test_id("pending-entry")).to_have_count(1)
        _kill_browser(profile)
        with contextlib.suppress(Exception):
            first.close()

        server.start()
        reopened = launch()
        try:
            page = reopened.pages[0] if reopened.pages else reopened.new_page()
            # Signed in again from scratch: the waiting entry belongs to david, not to this tab.
            page.add_init_script("localStorage.removeItem('airfit.identity')")
            page.goto(server.url)
            _pick(page, "david")
            go(page, "Log")
            expect(page.get_by_test_id("log-entries")).to_contain_text("Kept soup")
            expect(page.get_by_test_id("pending-entry")).to_have_count(0)
        finally:
            reopened.close()
        assert [e["name"] for e in _entries(server, "david")] == ["Kept soup"]


def test_a_meal_is_logged_during_an_outage_on_a_log_screen_never_opened_before(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data")
    with restartable_server(settings) as server, _context(browser, DESKTOP) as context:
        page = watched_page(context)
        # The page fetches the Log screen's code once idle, as a phone left on Today would.
        with page.expect_request_finished(lambda request: "/js/food.js" in request.url, timeout=15_000):
            page.goto(server.url)
            _pick(page, "brian")
        server.stop()
        # Looking at the page again asks who is signed in; the outage must not make it forget.
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        go(page, "Log")
        page.get_by_label("Meal", exact=True).fill("Offline soup")
        page.get_by_label("Energy (kcal)").fill("350")
        page.get_by_role("button", name="Log meal").click()
        expect(page.get_by_test_id("pending-entry")).to_have_count(1)
        server.start()
        expect(page.get_by_test_id("pending-entry")).to_have_count(0, timeout=30_000)
        expect(page.get_by_test_id("log-entries")).to_contain_text("Offline soup: 350 kcal")
        assert [e["name"] for e in _entries(server, "brian")] == ["Offline soup"]
        assert page.errors == []  # type: ignore[attr-defined]


def test_a_meal_the_server_refuses_is_shown_with_its_reason_never_as_logged(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data")
    with restartable_server(settings) as server, _context(browser, DESKTOP) as context:
        page = _signed_in(context, server.url, "brian")
        with server.client("brian") as client:
            for n in range(100):  # a day holds at most 100 entries from the browser
                client.post("/log/food", json={"name": f"Snack {n}", "calories": 10}).raise_for_status()
        go(page, "Log")
        page.get_by_label("Meal", exact=True).fill("One too many")
        page.get_by_label("Energy (kcal)").fill("100")
        page.get_by_role("button", name="Log meal").click()
        expect(page.get_by_role("alert")).to_contain_text("Not saved: One too many")
        expect(page.get_by_role("alert")).to_contain_text("At most 100 web entries per day")
        expect(page.get_by_test_id("pending-entry")).to_have_count(0)
        expect(page.get_by_label("Meal", exact=True)).to_have_value("")  # the form has said how it went
        said = " ".join(page.get_by_role("status").all_inner_texts())
        assert "Logged One too many" not in said
        assert "Kept in this browser" not in said
        assert page.errors == []  # type: ignore[attr-defined]


@SIZES
def test_a_screen_first_opened_during_an_outage_appears_when_the_server_returns(
    browser: Browser, tmp_path: Path, size: dict[str, int]
) -> None:
    settings = make_settings(tmp_path / "data")
    with restartable_server(settings) as server, _context(browser, size) as context:
        page = _signed_in(context, server.url, "brian")
        server.stop()
        go(page, "Insights", loads=False)
        expect(page.get_by_role("alert")).to_contain_text("could not be loaded")
        expect(page.get_by_role("status").filter(has_text="cannot be reached")).to_be_visible()
        server.start()
        expect(page.get_by_role("button", name="Look for new insights")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("status").filter(has_text="cannot be reached")).to_have_count(0)
        assert page.evaluate("window.__kept") == "yes"


@SIZES
def test_today_and_the_day_picker_follow_the_users_zone_not_the_browsers(
    browser: Browser, tmp_path: Path, size: dict[str, int]
) -> None:
    settings = make_settings(tmp_path / "data", users="maria", default_user="maria")
    madrid_today = datetime.now(MADRID).date()
    tomorrow = madrid_today + timedelta(days=1)
    # 05:00 in Madrid is 20:00 or 21:00 of the day before in Los Angeles, where the browser is.
    browser_now = datetime.combine(madrid_today, time(5), MADRID)
    with (
        thread_server(settings) as server,
        _context(browser, size, timezone_id="America/Los_Angeles") as context,
    ):
        with server.client("maria") as maria:
            maria.patch("/me", json={"timezone": "Europe/Madrid"}).raise_for_status()
        page = watched_page(context)
        page.clock.set_fixed_time(browser_now)
        page.goto(server.url)
        assert (
            page.evaluate("new Date().toLocaleDateString('en-CA')")
            == (madrid_today - timedelta(days=1)).isoformat()
        )
        _pick(page, "maria")
        expect(page.get_by_test_id("today-date")).to_have_attribute("data-date", madrid_today.isoformat())
        go(page, "Log")
        day = page.get_by_label("Day", exact=True)
        expect(day).to_have_value(madrid_today.isoformat())
        expect(day).to_have_attribute("max", tomorrow.isoformat())
        page.get_by_role("button", name="Next day").click()
        expect(day).to_have_value(tomorrow.isoformat())
        expect(page.get_by_role("button", name="Next day")).to_be_disabled()
        page.get_by_label("Meal", exact=True).fill("Early breakfast")
        page.get_by_label("Energy (kcal)").fill("300")
        page.get_by_role("button", name="Log meal").click()
        expect(page.get_by_test_id("log-entries")).to_contain_text("Early breakfast")
        page.get_by_role("button", name="Back to today").click()
        expect(page.get_by_text("Nothing logged in the browser on this day.")).to_be_visible()
        with server.client("maria") as maria:
            assert [
                e["name"] for e in maria.get("/log", params={"date": tomorrow.isoformat()}).json()["entries"]
            ] == ["Early breakfast"]
            too_late = maria.get("/log", params={"date": (tomorrow + timedelta(days=1)).isoformat()})
        assert too_late.status_code == 422
        assert page.errors == []  # type: ignore[attr-defined]
