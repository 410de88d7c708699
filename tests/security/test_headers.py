"""Every response, API or file, answer or refusal, carries the security headers (and no CORS header)."""

from __future__ import annotations

import httpx2
import pytest

from airfit.guards import CONTENT_SECURITY_POLICY
from tests.live import LiveServer


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/", {}, 200),
        ("GET", "/js/app.js", {}, 200),
        ("GET", "/docs", {}, 200),
        ("GET", "/docs.js", {}, 200),
        ("GET", "/health", {}, 200),
        ("GET", "/me", {"X-User-ID": "brian"}, 200),
        ("GET", "/me", {"X-User-ID": "nobody"}, 404),
        ("GET", "/no/such/file.txt", {}, 404),
        ("GET", "/me", {"Host": "evil.example"}, 400),
        ("POST", "/hevy/sync", {"Sec-Fetch-Site": "cross-site"}, 403),
    ],
)
def test_security_headers_on_every_response(
    live_server: LiveServer, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    with httpx2.Client(base_url=live_server.url, timeout=30) as client:
        answer = client.request(method, path, headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    assert len(answer.headers.get_list("x-content-type-options")) == 1
    assert not [k for k in answer.headers if k.lower().startswith("access-control-")]
