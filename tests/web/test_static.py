"""The web client's files: served at `/` beside the API (which keeps priority), compressed, within budget."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

from airfit.web import STATIC_DIR
from tests.live import LiveServer

# The first load: the page, its stylesheet and every module the Today screen imports.
FIRST_LOAD = [
    "",
    "style.css",
    "manifest.webmanifest",
    "icon.svg",
    "js/theme.js",
    "js/app.js",
    "js/api.js",
    "js/ui.js",
    "js/queue.js",
    "js/units.js",
    "js/today.js",
    "vendor/preact.js",
    "vendor/hooks.js",
    "vendor/htm.js",
]
FIRST_LOAD_GZIP_BUDGET = 120 * 1024
TOTAL_RAW_BUDGET = 300 * 1024
TOTAL_GZIP_BUDGET = 80 * 1024
"""Every file the client can load, each gzipped as the server sends it (`bench/bench_web.py` prints it)."""


def test_client_is_served_and_the_api_keeps_its_routes(server: LiveServer) -> None:
    with server.client() as anon:
        page = anon.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-cache"
        assert anon.get("/js/app.js").headers["content-type"].startswith("text/javascript")
        assert anon.get("/health").json()["status"] == "ok"
        assert anon.get("/signin/options").headers["content-type"] == "application/json"
        assert anon.get("/no/such/file").status_code == 404
        # Path tricks stay inside the client's directory.
        assert anon.get("/..%2f..%2fpyproject.toml").status_code == 404


def test_first_load_fits_its_gzip_budget_and_everything_its_raw_budget(server: LiveServer) -> None:
    gzipped = 0
    with server.client(headers={"Accept-Encoding": "gzip"}) as anon:
        for path in FIRST_LOAD:
            response = anon.get(f"/{path}")
            assert response.status_code == 200, path
            raw_length = int(response.headers.get("content-length", len(response.content)))
            gzipped += (
                raw_length
                if response.headers.get("content-encoding") == "gzip"
                else len(gzip.compress(response.content))
            )
    assert gzipped <= FIRST_LOAD_GZIP_BUDGET
    served = [p for p in STATIC_DIR.rglob("*") if p.is_file() and not p.name.endswith((".LICENSE", ".txt"))]
    assert sum(p.stat().st_size for p in served) <= TOTAL_RAW_BUDGET
    assert sum(len(gzip.compress(p.read_bytes(), 6)) for p in served) <= TOTAL_GZIP_BUDGET


def test_every_relative_import_resolves_and_nothing_needs_a_secure_context() -> None:
    for module in STATIC_DIR.rglob("*.js"):
        text = module.read_text()
        for target in re.findall(r'from\s*"(\.[^"]+)"|import\(["`](\.[^"`$]+)', text):
            path = next(t for t in target if t)
            assert (module.parent / path).resolve().is_file(), f"{module.name} imports {path}"
        for api in ("randomUUID", "navigator.clipboard", "serviceWorker", "crypto.subtle"):
            assert api not in text, f"{module.name} uses {api}, missing on a plain-HTTP LAN origin"


def test_vendored_libraries_have_their_licences() -> None:
    vendor = STATIC_DIR / "vendor"
    for name in ("preact", "htm", "uplot"):
        assert (vendor / f"{name}.LICENSE").is_file()
    script = Path(__file__).resolve().parents[2] / "scripts" / "vendor_web.py"
    text = script.read_text()
    assert "registry.npmjs" not in text
    assert subprocess.run([sys.executable, str(script), "--help"], capture_output=True).returncode == 0
