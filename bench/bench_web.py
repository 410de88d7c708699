"""The web client in Chromium against `airfit serve` holding three years of one user's days.

Prints, over several cold loads (a fresh browser profile each, so nothing is cached):
- Today: time from navigation start to the first frame with the user's data (the app's `airfit:today` user
  timing mark, read from the Performance API);
- Trends, year view (weekly averages with the days as faint dots), opened cold at `#/trends?range=year`: time
  to the last of its charts drawn (`airfit:chart` marks);
- Trends, month view opened cold, then the time to redraw all charts after choosing the Year view;
- bytes on the wire (Resource Timing `transferSize`, headers included) for the first load of Today, and for
  every screen visited once; the client's static files, raw and gzipped (each file as the server sends it).

    uv run python bench/bench_web.py            # 5 cold loads of each screen
    uv run python bench/bench_web.py --runs 10

The server is pinned to CPU 0 (bench/harness.py); the browser runs on the other CPUs.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.chromium import CHROMIUM, QUIET_ARGS  # noqa: E402

from airfit.web import STATIC_DIR  # noqa: E402
from harness import SERVER_CPU, generated_days, pinned_server, server_env  # noqa: E402

DAYS = 3 * 365
TRENDS_CHARTS = 5
SCREENS = ["trends", "training", "coach", "food", "insights", "settings"]
USER = "brian"


def _mark(page: Page, name: str, count: int = 1) -> float:
    """Milliseconds from navigation start to the `count`-th mark called `name` (waits for it).

    Polled from here because `wait_for_function` compiles its predicate with `eval`, which the client's
    Content-Security-Policy forbids; the mark's own time is read, so polling adds nothing to the figure.
    """
    deadline = time.monotonic() + 30
    while True:
        marks: list[float] = page.evaluate(f"performance.getEntriesByName('{name}').map(e => e.startTime)")
        if len(marks) >= count:
            return float(marks[count - 1])
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {count} {name!r} marks after 30 s")
        page.wait_for_timeout(10)


def _bytes(page: Page) -> int:
    """Bytes transferred for the document and every resource so far (headers included)."""
    return int(
        page.evaluate(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".reduce((sum, e) => sum + (e.transferSize || 0), 0)"
        )
    )


def _fresh_page(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_init_script(f"localStorage.setItem('airfit.identity', JSON.stringify({{user: '{USER}'}}))")
    return context, context.new_page()


def _today(browser: Browser, url: str) -> tuple[float, int]:
    context, page = _fresh_page(browser)
    page.goto(f"{url}/#/today")
    painted = _mark(page, "airfit:today")
    sent = _bytes(page)
    context.close()
    return painted, sent


def _year(browser: Browser, url: str) -> float:
    context, page = _fresh_page(browser)
    page.goto(f"{url}/#/trends?range=year")
    painted = _mark(page, "airfit:chart", TRENDS_CHARTS)
    context.close()
    return painted


def _trends(browser: Browser, url: str) -> tuple[float, float]:
    context, page = _fresh_page(browser)
    page.goto(f"{url}/#/trends")
    painted = _mark(page, "airfit:chart", TRENDS_CHARTS)
    start = float(page.evaluate("performance.now()"))
    page.get_by_role("button", name="Year").click()
    redrawn = _mark(page, "airfit:chart", 2 * TRENDS_CHARTS) - start
    context.close()
    return painted, redrawn


def _all_screens(browser: Browser, url: str) -> int:
    context, page = _fresh_page(browser)
    page.goto(f"{url}/#/today")
    _mark(page, "airfit:today")
    for screen in SCREENS:
        page.evaluate(f"location.hash = '#/{screen}'")
        page.wait_for_load_state("networkidle")
    sent = _bytes(page)
    context.close()
    return sent


def _on_disk() -> tuple[int, int]:
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.endswith((".LICENSE", ".txt"))]
    raw = sum(p.stat().st_size for p in files)
    zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return raw, zipped


def _summary(label: str, values: list[float], unit: str = "ms") -> str:
    return (
        f"{label:<38} median {statistics.median(values):7.0f} {unit}   "
        f"min {min(values):7.0f}   max {max(values):7.0f}"
    )


def main() -> int:
    """Fill a server with three years of days, then measure cold loads in Chromium."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each screen")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="airfit-bench-web-") as tmp:
        env = server_env(Path(tmp), USER)
        with pinned_server(env) as server:
            days = generated_days(DAYS)
            with httpx2.Client(base_url=server.url, headers={"X-User-ID": USER}, timeout=120) as client:
                client.post("/insights/sync", json={"days": days}).raise_for_status()
            # The browser on the CPUs the server does not use.
            others = set(range(os.cpu_count() or 1)) - {SERVER_CPU}
            if others and hasattr(os, "sched_setaffinity"):
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(0, others)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=QUIET_ARGS)
                _today(browser, server.url)  # warms the server's caches and Chromium itself
                today = [_today(browser, server.url) for _ in range(args.runs)]
                year = [_year(browser, server.url) for _ in range(args.runs)]
                trends = [_trends(browser, server.url) for _ in range(args.runs)]
                everything = _all_screens(browser, server.url)
                browser.close()
    raw, zipped = _on_disk()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"web client, {DAYS} days of data, {args.runs} cold loads each (fresh browser profile)")
    print(f"machine load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
    print(_summary("Today: first frame with data", [t for t, _ in today]))
    print(_summary("Trends (year, weekly): all charts drawn", year))
    print(_summary("Trends (month): all charts drawn", [t for t, _ in trends]))
    print(_summary("Trends: switch to year, charts redrawn", [r for _, r in trends]))
    print(f"{'Today first load on the wire':<38} {statistics.median([b for _, b in today]) / 1024:7.1f} KB")
    print(f"{'every screen once, on the wire':<38} {everything / 1024:7.1f} KB")
    print(f"{'static files (all served files)':<38} {raw / 1024:7.1f} KB raw, {zipped / 1024:.1f} KB gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
