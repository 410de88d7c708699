"""Settings, "Connect the AirFit iPhone app": a personal address shown once with its QR code, which decodes
back to the address; copying falls back to selecting the text where the page is no secure context (a plain
HTTP LAN name); the phone is listed and disconnected there, and its address stops working at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
import zxingcpp
from playwright.sync_api import Browser, Page, expect

from tests.live import LiveServer
from tests.web.conftest import DESKTOP, LAN_HOST, pick, shoot, watched_page
from tests.web.pixels import grey


def _decode_qr(png: bytes) -> str:
    pixels, width, height = grey(png)
    found = zxingcpp.read_barcode(memoryview(pixels).cast("B", (height, width)), formats=zxingcpp.QRCode)
    assert found is not None, "no QR code in the picture"
    return str(found.text)


@contextmanager
def _iphone_section(browser: Browser, origin: str, user: str, **options: Any) -> Iterator[Page]:
    """A fresh browser profile signed in as `user` on `origin`, at Settings' iPhone section."""
    context = browser.new_context(viewport=DESKTOP, **options)
    context.set_default_timeout(15_000)
    try:
        page = watched_page(context)
        page.goto(f"{origin}/")
        pick(page, user)
        page.goto(f"{origin}/#/settings?s=iphone")
        yield page
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_the_address_its_qr_code_and_disconnecting_the_phone(
    browser: Browser, open_server: LiveServer
) -> None:
    port = open_server.url.rsplit(":", 1)[1]
    with _iphone_section(browser, f"http://{LAN_HOST}:{port}", "brian") as page:
        section = page.locator("#iphone")
        section.get_by_label("Phone's name").fill("Brian's iPhone")
        section.get_by_role("button", name="Create its address").click()

        url = section.get_by_test_id("link-url").input_value()
        assert re.fullmatch(rf"http://{LAN_HOST}:{port}/p/[a-z2-9]{{18}}", url), url
        assert _decode_qr(section.get_by_test_id("link-qr").screenshot()) == url
        expect(section.get_by_text('Tap "Scan QR Code"')).to_be_visible()

        # A plain-HTTP LAN origin has no clipboard API: the address is selected for the person to copy.
        section.get_by_role("button", name="Copy").click()
        expect(section.get_by_text("Selected: press Ctrl+C")).to_be_visible()
        selected = page.evaluate(
            "() => { const f = document.querySelector('[data-testid=link-url]');"
            " return [f.selectionStart, f.selectionEnd, document.activeElement === f]; }"
        )
        assert selected == [0, len(url), True]
        shoot(page, "settings-iphone")

        address = url.replace(LAN_HOST, "127.0.0.1")
        with httpx2.Client(timeout=30) as phone:
            assert phone.get(f"{address}/me").json()["user_id"] == "brian"
            row = section.get_by_role("listitem").filter(has_text="Brian's iPhone")
            expect(row).to_be_visible()
            # Listed once: with the phones, not with the access tokens.
            expect(page.locator("#tokens").get_by_text("Brian's iPhone")).to_have_count(0)
            page.once("dialog", lambda dialog: dialog.accept())
            row.get_by_role("button", name="Disconnect Brian's iPhone").click()
            expect(section.get_by_text("No phone connected yet.")).to_be_visible()
            assert phone.get(f"{address}/me").status_code == 401


def test_where_the_page_is_a_secure_context_copy_writes_the_clipboard(
    browser: Browser, open_server: LiveServer
) -> None:
    # 127.0.0.1 is a secure context: the clipboard API is there (once the browser allows it).
    allowed = ["clipboard-read", "clipboard-write"]
    with _iphone_section(browser, open_server.url, "david", permissions=allowed) as page:
        section = page.locator("#iphone")
        section.get_by_role("button", name="Create its address").click()
        url = section.get_by_test_id("link-url").input_value()
        section.get_by_role("button", name="Copy").click()
        expect(section.get_by_text("Copied.")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == url
