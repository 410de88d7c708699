"""Debian's Chromium as the browser tests and `bench/bench_web.py` start it (Playwright downloads none)."""

CHROMIUM = "/usr/bin/chromium"
QUIET_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""No sandbox (containers), no GPU, and nothing that reaches the network by itself."""
