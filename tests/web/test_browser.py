"""The web client in a real browser against a real server: sign-in, isolation, logging, chat and insights."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from airfit.demo.apple_health import write_export
from airfit.demo.csv_exports import write_strong_csv
from tests.fakes.hevy import generated_workouts, running_fake_hevy
from tests.live import LiveServer, run_cli
from tests.web.conftest import COACH_REPLY, LAN_HOST, MARKERS, go, pick, shoot

# Records the page's text after every batch of DOM changes, so a value shown for a single frame is caught.
WATCH = """
window.__seen = [];
new MutationObserver(() => window.__seen.push(document.body ? document.body.innerText : ""))
  .observe(document, {subtree: true, childList: true, characterData: true});
"""


def _fmt(n: int) -> str:
    return f"{n:,}"


def test_each_user_sees_only_their_own_numbers_even_while_switching(
    open_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    context.add_init_script(WATCH)
    page.goto(open_server.url)
    pick(page, "brian")
    brian, david = MARKERS["brian"], MARKERS["david"]
    expect(page.get_by_test_id("today-calories")).to_contain_text(_fmt(brian["calories"]))
    expect(page.get_by_test_id("today-steps")).to_have_text(_fmt(brian["steps"]))
    expect(page.get_by_test_id("who")).to_have_text("Brian")
    # A reload keeps the identity (it is dropped only on a 401).
    page.reload()
    expect(page.get_by_test_id("today-steps")).to_have_text(_fmt(brian["steps"]))
    # Open a slower screen, then switch while its requests may still be in flight.
    go(page, "Trends")
    page.get_by_role("button", name="Switch user").click()
    pick(page, "david")
    expect(page.get_by_test_id("today-steps")).to_have_text(_fmt(david["steps"]))
    go(page, "Trends")
    expect(page.get_by_test_id("current-weight")).to_have_text(str(david["weight"]))
    go(page, "Log")
    expect(page.get_by_test_id("log-total")).to_have_text(_fmt(david["calories"]))
    seen = page.evaluate("window.__seen")
    # Everything rendered after the picker was left: david's session only.
    last_picker = max(i for i, text in enumerate(seen) if "Who are you?" in text)
    after = seen[last_picker + 1 :]
    assert any(_fmt(david["steps"]) in text for text in after)
    for text in after:
        assert _fmt(brian["steps"]) not in text
        assert _fmt(brian["calories"]) not in text
        assert "Brian" not in text
    assert page.errors == []  # type: ignore[attr-defined]


def test_log_a_meal_and_a_weight_and_see_today_and_the_chart_change(
    open_server: LiveServer, page: Page
) -> None:
    page.goto(open_server.url)
    pick(page, "brian")
    before = MARKERS["brian"]["calories"]
    go(page, "Log")
    # With an LLM, the estimate fills the form for review; the meal is logged from the form.
    page.get_by_text("Estimate it from a description").click()
    page.get_by_label("What did you eat?").fill("A bowl of oatmeal with berries")
    page.get_by_role("button", name="Estimate", exact=True).click()
    expect(page.get_by_test_id("parsed")).to_contain_text("Oatmeal with berries")
    expect(page.get_by_label("Meal", exact=True)).to_have_value("Oatmeal with berries")
    expect(page.get_by_label("Energy (kcal)")).to_have_value("350")
    page.get_by_role("button", name="Log meal").click()
    expect(page.get_by_test_id("log-total")).to_have_text(_fmt(before + 350))
    go(page, "Today")
    expect(page.get_by_test_id("today-calories")).to_contain_text(_fmt(before + 350))

    go(page, "Log")
    page.get_by_label("Weight (lbs)").fill("177.7")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved for")).to_be_visible()
    page.get_by_text("Table: Weight, last 30 days").click()
    expect(page.get_by_test_id("ch-weight-table").locator("tbody tr").first).to_contain_text("177.7")
    go(page, "Today")
    expect(page.get_by_test_id("today-weight")).to_have_text("177.7")
    assert page.errors == []  # type: ignore[attr-defined]


def test_chat_announces_replies_keeps_text_on_failure_and_history_on_reload(
    open_server: LiveServer, page: Page
) -> None:
    page.goto(open_server.url)
    pick(page, "david")
    go(page, "Coach")
    box = page.get_by_label("Message the coach")
    box.fill("How much protein do I need?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("chat-live")).to_have_text(f"Coach: {COACH_REPLY}")
    expect(box).to_have_value("")
    # A failed LLM call shows the server's error and keeps what was typed.
    box.fill("Please make it fail")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("openai")
    expect(box).to_have_value("Please make it fail")
    page.reload()
    expect(page.get_by_test_id("chat-log")).to_contain_text("How much protein do I need?")
    expect(page.get_by_test_id("chat-log")).to_contain_text(COACH_REPLY)
    assert page.errors == []  # type: ignore[attr-defined]


def test_engage_and_dismiss_an_insight(open_server: LiveServer, page: Page) -> None:
    page.goto(open_server.url)
    pick(page, "brian")
    go(page, "Insights")
    cards = page.get_by_test_id("insight")
    expect(cards.first).to_be_visible()
    count = cards.count()
    title = cards.first.get_by_role("heading").inner_text()
    cards.first.get_by_role("button", name=re.compile("^Agree")).click()
    expect(cards.first.get_by_role("status")).to_contain_text("agree")
    cards.first.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(cards).to_have_count(count - 1)
    expect(page.get_by_role("heading", name=title)).to_have_count(0)


def test_server_unreachable_shows_a_banner_and_retries_without_losing_anything(
    open_server: LiveServer, page: Page
) -> None:
    page.goto(open_server.url)
    pick(page, "david")
    go(page, "Log")
    page.get_by_text("Estimate it from a description").click()
    page.get_by_label("What did you eat?").fill("oatmeal")
    page.route(re.compile(r".*/(nutrition/parse|health)$"), lambda route: route.abort())
    page.get_by_role("button", name="Estimate", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="cannot be reached")).to_be_visible()
    expect(page.get_by_label("What did you eat?")).to_have_value("oatmeal")
    # Still signed in: a network error never drops the identity.
    expect(page.get_by_test_id("who")).to_have_text("David")
    page.unroute(re.compile(r".*/(nutrition/parse|health)$"))
    page.get_by_role("button", name="Retry now").click()
    expect(page.get_by_role("status").filter(has_text="tries again")).to_have_count(0)
    page.get_by_role("button", name="Estimate", exact=True).click()
    expect(page.get_by_test_id("parsed")).to_contain_text("Oatmeal with berries")


def test_a_plain_http_lan_origin_works_without_a_secure_context(open_server: LiveServer, page: Page) -> None:
    port = open_server.url.rsplit(":", 1)[1]
    page.goto(f"http://{LAN_HOST}:{port}/")
    assert page.evaluate("window.isSecureContext") is False
    pick(page, "david")
    expect(page.get_by_test_id("today-steps")).to_have_text(_fmt(MARKERS["david"]["steps"]))
    go(page, "Trends")
    expect(page.locator(".uplot").first).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_token_mode_code_sign_in_and_revocation(
    start_live_server: Callable[..., LiveServer], page: Page
) -> None:
    server = start_live_server(auth="token", users="brian,david")
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Who are you?")).to_have_count(0)
    page.get_by_label("Code", exact=True).fill("WRON-GCOD")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("wrong, used or expired", re.IGNORECASE))

    def sign_in_with_code() -> None:
        code = run_cli(server.settings, "users", "login-code", "david").stdout.strip()
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        expect(page.get_by_test_id("who")).to_have_text("david")

    sign_in_with_code()
    # An admin revokes the token elsewhere: the next request brings the browser back to sign-in.
    token_id = run_cli(server.settings, "users", "token", "list", "david").stdout.split()[0]
    assert run_cli(server.settings, "users", "token", "revoke", token_id).returncode == 0
    page.get_by_role("navigation", name="Screens").get_by_role("link", name="Trends").click()
    expect(page.get_by_role("heading", name="Sign in to AirFit")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("invalid or revoked token", re.IGNORECASE))
    sign_in_with_code()
    # Revoking this browser's own token signs it out, with a message.
    go(page, "Settings")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Revoke token web")).click()
    expect(page.get_by_role("heading", name="Sign in to AirFit")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("revoked")
    assert page.evaluate("localStorage.getItem('airfit.identity')") is None


def test_connect_hevy_sync_and_see_strength_history(
    start_live_server: Callable[..., LiveServer], page: Page
) -> None:
    key = "33333333-cccc-4ccc-8ccc-web000000003"
    with running_fake_hevy() as hevy:
        hevy.add_account(key, generated_workouts(8, seed=3))
        server = start_live_server(users="brian,david", hevy_base_url=hevy.url, hevy_retry_delay=0.01)
        page.goto(server.url)
        page.get_by_role("button", name="brian").click()
        go(page, "Training")
        expect(page.get_by_text("Not connected.")).to_be_visible()
        page.get_by_label("Hevy API key").fill("44444444-dddd-4ddd-8ddd-wrong0000004")
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_role("alert")).to_contain_text("Hevy rejected this API key")
        page.get_by_label("Hevy API key").fill(key)
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_text("Connected.", exact=False).first).to_be_visible()
        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_role("status").filter(has_text="Synced:")).to_be_visible()
        expect(page.get_by_label("Exercise")).not_to_have_value("")
        expect(page.locator(".uplot").first).to_be_visible()
        page.get_by_role("button", name="Test key").click()
        expect(page.get_by_role("status").filter(has_text="The key works.")).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_keyboard_alone_signs_in_and_moves_between_screens_with_visible_focus(
    open_server: LiveServer, page: Page
) -> None:
    page.goto(open_server.url)
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Brian" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("today-steps")).to_have_text(_fmt(MARKERS["brian"]["steps"]))
    # Skip link first, then the brand, then the controls and the screens.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Trends":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Trends", level=1)).to_be_visible()


def test_import_an_apple_health_export_from_settings(
    start_live_server: Callable[..., LiveServer], page: Page, tmp_path: Path
) -> None:
    export = tmp_path / "export.zip"
    write_export(export, days=30, zipped=True, filler_per_day=400)
    server = start_live_server(users="brian,david")
    page.goto(server.url)
    page.get_by_role("button", name="david").click()
    go(page, "Settings")
    card = page.get_by_role("region", name="Import from another app")
    expect(card.get_by_label("App")).to_have_value("apple-health")
    card.get_by_label("Health export").set_input_files(str(export))
    card.get_by_role("button", name="Preview").click()
    report = card.locator("#import-report")
    expect(report).to_contain_text("Preview: nothing was changed yet.")
    expect(report).to_contain_text("Would add 30 days")
    card.get_by_role("button", name="Import it").click()
    expect(report).to_contain_text("Imported.")
    expect(report).to_contain_text("Added 30 days")
    expect(report.get_by_role("row", name=re.compile("^Steps 30"))).to_be_visible()
    expect(report).to_contain_text("David’s Apple Watch (watch)")
    expect(report).to_contain_text("Unreadable records skipped: not a number (weight_lbs)")
    shoot(page, "settings-apple-health-import")
    # The same file again: nothing new, said so.
    card.get_by_label("Health export").set_input_files(str(export))
    card.get_by_role("button", name="Preview").click()
    expect(report).to_contain_text("Would add 0 days, fill gaps on 0, 30 already complete.")
    # Not an export: the server's reason, shown.
    bad = tmp_path / "notes.xml"
    bad.write_text("hello")
    card.get_by_label("Health export").set_input_files(str(bad))
    card.get_by_role("button", name="Preview").click()
    expect(card.get_by_role("alert")).to_contain_text("neither a zip nor an XML file")
    assert page.errors == []  # type: ignore[attr-defined]


def test_preview_then_import_a_strong_export_and_a_scale_file_from_settings(
    start_live_server: Callable[..., LiveServer], page: Page, tmp_path: Path
) -> None:
    strong = tmp_path / "strong.csv"
    write_strong_csv(strong, generated_workouts(6, seed=2), zone=UTC, unit="lb")
    scale = tmp_path / "scale.csv"
    scale.write_text("Date,Weight (kg)\n03/04/2025,80\n04/03/2025,81\n")
    server = start_live_server(users="brian,david")
    page.goto(server.url)
    page.get_by_role("button", name="david").click()
    go(page, "Settings")
    card = page.get_by_role("region", name="Import from another app")
    card.get_by_label("App").select_option("strong-csv")
    card.get_by_label("Strong export").set_input_files(str(strong))
    card.get_by_role("button", name="Preview").click()
    # The file does not say its unit: the server's reason, with what to choose.
    expect(card.get_by_role("alert")).to_contain_text("give --unit kg or --unit lb")
    card.get_by_label("Weight unit").select_option("lb")
    card.get_by_role("button", name="Preview").click()
    report = card.locator("#import-report")
    expect(report).to_contain_text("Preview: nothing was changed yet.")
    expect(report).to_contain_text(re.compile(r"Would add (\d+) of \1 workouts"))
    expect(report).to_contain_text("Exercise names kept as they are: Standing Calf Raise.")
    expect(report).to_contain_text("weights in lb (--unit lb)")
    shoot(page, "settings-strong-import-preview")
    with server.client("david") as david:
        assert david.get("/hevy/recent-workouts").json()["workouts"] == []  # a preview changes nothing
    card.get_by_role("button", name="Import it").click()
    expect(report).to_contain_text("Imported.")
    with server.client("david") as david:
        assert david.get("/hevy/recent-workouts").json()["workouts"] != []
    go(page, "Training")
    expect(page.locator("li", has_text="Bench Press (Barbell)").first).to_be_visible()  # the recent workouts
    # A scale file whose dates leave the order open: refused, then read with the order chosen.
    go(page, "Settings")
    card.get_by_label("App").select_option("weight-csv")
    card.get_by_label("Scale export").set_input_files(str(scale))
    card.get_by_role("button", name="Preview").click()
    expect(card.get_by_role("alert")).to_contain_text(
        "give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY"
    )
    card.get_by_label("Dates").select_option("DD/MM/YYYY")
    card.get_by_role("button", name="Preview").click()
    expect(report).to_contain_text("Would add 2 days")
    card.get_by_role("button", name="Import it").click()
    expect(report).to_contain_text("Added 2 days")
    assert page.errors == []  # type: ignore[attr-defined]
