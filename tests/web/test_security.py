"""In Chromium: a page on another site cannot change anything; the client and the API page run under the CSP.

The attacker's page is served by a second server on 127.0.0.1 and opened as `http://localhost:PORT`, a
different site from `http://127.0.0.1:PORT` (the AirFit server), exactly as a page on the internet that a
member of the household opens would be.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.live import LiveServer
from tests.web.conftest import go, pick

ATTACK = """<!doctype html><title>cute cats</title>
<form id="form" method="POST" action="{target}/profile/sync" enctype="text/plain">
<input name='{{"name": "Mallory", "x": "' value='"}}'></form>
<script>
async function attack() {{
  const zip = Uint8Array.from(atob("{archive}"), (c) => c.charCodeAt(0));
  const blob = new Blob([zip], {{ type: "text/plain" }});
  const sent = [
    fetch("{target}/import", {{ method: "POST", mode: "no-cors", body: blob }}),
    fetch("{target}/hevy/sync", {{ method: "POST", mode: "no-cors" }}),
  ];
  const outcomes = await Promise.allSettled(sent);
  document.title = "sent: " + outcomes.map((o) => o.status).join(",");
}}
attack();
</script>"""


@contextmanager
def attacker_site(page_html: str) -> Iterator[str]:
    """A server of its own serving one page; yields its URL under `localhost`, another site than 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_site_cannot_import_sync_or_post_a_form(
    start_live_server: Callable[..., LiveServer], page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    live = start_live_server(users="brian,david")
    with live.client("brian") as brian:
        assert brian.post("/profile/sync", json={"name": "Mallory"}).status_code == 200
        archive = brian.get("/export").content  # brian's own archive, with the name the attacker wants
        assert brian.post("/profile/sync", json={"name": "Brian"}).status_code == 200
    html = ATTACK.format(target=live.url, archive=base64.b64encode(archive).decode())
    with attacker_site(html) as url:
        page.goto(url)
        # The answers are opaque to the page, and Cross-Origin-Resource-Policy keeps even those from it.
        expect(page).to_have_title("sent: rejected,rejected")
        with page.expect_response(f"{live.url}/profile/sync") as posted:
            page.evaluate("document.getElementById('form').submit()")
    assert posted.value.status == 403
    refused = {r.getMessage() for r in caplog.records if r.name == "airfit.guards"}
    origin = url.rstrip("/")
    assert refused == {
        f"Refused a cross-site {route} from {origin}"
        for route in ("POST /import", "POST /hevy/sync", "POST /profile/sync")
    }
    with live.client("brian") as brian:
        assert brian.get("/profile").json()["name"] == "Brian"
        assert brian.get("/hevy/status").json()["last_attempt_at"] is None


def test_the_client_and_the_api_page_run_under_the_csp(open_server: LiveServer, page: Page) -> None:
    first = page.goto(open_server.url)
    assert first is not None
    assert "script-src 'self'" in first.headers["content-security-policy"]
    assert first.headers["x-content-type-options"] == "nosniff"
    pick(page, "brian")
    go(page, "Trends")
    expect(page.locator(".uplot").first).to_be_visible()
    for screen in ("Training", "Coach", "Log", "Insights", "Settings", "Today"):
        go(page, screen)
    page.goto(f"{open_server.url}/docs")
    expect(page.get_by_role("heading", name="Schemas")).to_be_visible()
    expect(page.locator("#operations details").first).to_be_visible()
    # Nothing was blocked: a CSP violation is reported on the console and collected with script errors.
    assert page.errors == []  # type: ignore[attr-defined]
