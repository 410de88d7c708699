"""A personal link is a secret: `airfit serve`'s log (the access log on, uvicorn's own errors, the guards'
warnings, at debug level), every answer's body and headers, `/docs` and an export never show it, whatever
the request was (served, refused by the Host check, cross-site, malformed, not HTTP at all)."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import httpx2

from tests.cli.run import ok, refused
from tests.live import make_settings, process_server

CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "http://attacker.example"}


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_no_log_line_answer_or_export_shows_a_link(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", auth="token")
    log = tmp_path / "server.log"
    env = {"AIRFIT_ACCESS_LOG": "true", "AIRFIT_LOG_LEVEL": "debug"}
    with process_server(settings, log_path=str(log), **env) as (live, _proc):
        url = ok(settings, "users", "link", "david", AIRFIT_PUBLIC_URL=live.url).strip()
        link = url.rsplit("/", 1)[1]
        path = url.removeprefix(live.url)
        port = int(live.url.rsplit(":", 1)[1])
        answers: list[httpx2.Response] = []
        with httpx2.Client(base_url=live.url, timeout=30) as c:
            answers += [
                c.get(f"{path}/health"),
                c.post(f"{path}/insights/sync", json={"days": [{"date": "2025-06-01", "steps": 5}]}),
                c.post(f"{path}/insights/sync", json={"days": "not a list"}),  # 422
                c.post(f"{path}/insights/sync", content=b"x", headers={"Content-Type": "text/plain"}),  # 415
                c.post(f"{path}/profile/sync", json={"name": "D"}, headers=CROSS_SITE),  # 403, logged
                c.get(f"{path}/no/such/thing"),  # 404
                c.get(f"{path}/me", headers={"Host": "evil.example"}),  # 400 before any identity
                c.get(f"{path}/me", headers={"X-User-ID": "brian"}),  # 403
                c.get(f"{path}%2F/me"),  # 400, malformed
                c.get(f"{path}/docs"),
                c.get(f"{path}/openapi.json"),
                c.get(f"{path}/export"),
            ]
            export = answers[-1]
            assert export.status_code == 200
            # Wrong links until the limiter answers.
            answers += [c.get(f"/p/{link[:-1]}{'b' if link[-1] != 'b' else 'c'}/me") for _ in range(6)]
        assert {a.status_code for a in answers} >= {200, 400, 401, 403, 404, 415, 422, 429}
        raw = [
            _raw(port, f"GET {path}/../me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()),
            # Not HTTP that h11 accepts (a space in the target): uvicorn's own error path.
            _raw(port, f"GET {path}/a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()),
            _raw(port, f"GET {path}/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 20000}\r\n\r\n".encode()),
        ]
    text = log.read_text()
    # What was logged: served and refused requests, with the link masked; uvicorn's and the guards' warnings.
    assert '"GET /p/.../health HTTP/1.1" 200' in text
    assert '"POST /p/.../insights/sync HTTP/1.1" 422' in text
    assert '"GET /p/.../me HTTP/1.1" 400' in text  # the unknown Host
    assert "Refused a cross-site POST /profile/sync" in text
    assert "Invalid HTTP request received" in text
    assert link not in text
    for answer in answers:
        assert link not in answer.text
        assert link not in str(answer.headers)
    for answer_bytes in raw:
        assert link.encode() not in answer_bytes
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        for member in archive.namelist():
            assert link.encode() not in archive.read(member), member


def test_the_log_level_that_would_print_every_path_is_refused(tmp_path: Path) -> None:
    # uvicorn's `trace` logs each request's whole ASGI scope, before any middleware could mask its path.
    error = refused(make_settings(tmp_path / "data"), "serve", AIRFIT_LOG_LEVEL="trace")
    assert "AIRFIT_LOG_LEVEL" in error
