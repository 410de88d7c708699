"""No stalls without a sign-in: against the real `airfit serve` (uvicorn as the command starts it).

A huge header line is refused at once, a body is never read or parsed before the caller is known, a
half-sent request is dropped, and the number of connections is capped with a log line that says so.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import psutil
import pytest

from tests.live import LiveServer, make_settings, process_server, wait_for


@contextmanager
def serve(data_dir: Path, **env: str) -> Iterator[tuple[LiveServer, psutil.Process, Path]]:
    """`airfit serve` in its own process; yields the server, its process and its log file."""
    settings = make_settings(data_dir, auth=env.pop("auth", "open"))
    log = data_dir.parent / "server.log"
    with process_server(settings, log_path=str(log), **env) as (live, proc):
        yield live, psutil.Process(proc.pid), log


def _connect(live: LiveServer, timeout: float = 5.0) -> socket.socket:
    host, port = live.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def _health(live: LiveServer) -> int:
    return httpx2.get(f"{live.url}/health", timeout=30).status_code


def test_a_one_megabyte_header_is_refused_at_once(data_dir: Path) -> None:
    # How fast, and what it costs the server, is bench/bench_security.py's to print.
    with serve(data_dir) as (live, _, _):
        big = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n"
        with _connect(live) as sock:
            sent = True
            try:
                sock.sendall(big)
            except (BrokenPipeError, ConnectionResetError):
                sent = False  # refused before it was all sent
            # Meanwhile the server answers everyone else.
            assert _health(live) == 200
            try:
                answer = sock.recv(4096)
            except ConnectionResetError:
                answer = b""
        assert answer.startswith(b"HTTP/1.1 431") or (answer == b"" and not sent), answer[:100]
        assert _health(live) == 200


def test_a_head_over_the_limit_is_refused_whole_or_in_pieces(data_dir: Path) -> None:
    # 20 KiB: small enough to arrive in one read, which the protocol's own limit (on heads still incomplete)
    # never sees.
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (20 * 1024) + b"\r\n\r\n"
    with serve(data_dir) as (live, _, _):
        for pieces in (1, 8):
            with _connect(live) as sock:
                size = -(-len(head) // pieces)
                for start in range(0, len(head), size):
                    sock.sendall(head[start : start + size])
                    time.sleep(0.01)
                assert sock.recv(4096).startswith(b"HTTP/1.1 431")
        assert _health(live) == 200


def test_too_many_headers_are_refused(data_dir: Path) -> None:
    with serve(data_dir) as (live, _, _):
        headers = {f"X-H{i}": "1" for i in range(150)}
        assert httpx2.get(f"{live.url}/health", headers=headers, timeout=30).status_code == 431


def test_a_huge_body_without_a_token_is_refused_before_it_is_read(data_dir: Path) -> None:
    size = 64 * 1024 * 1024
    with serve(data_dir, auth="token", AIRFIT_MAX_SYNC_BODY_BYTES=str(80 * 1024 * 1024)) as (live, proc, _):
        # Long integers make every parse of this body slow (the exact 64-bit check reads it twice).
        unit = b"12345678901234567890123,"
        body = b'{"days": [' + unit * ((size - 20) // len(unit)) + b"1]}"
        head = (
            f"POST /insights/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        cpu_before = sum(proc.cpu_times()[:2])
        sent: list[bool] = []
        with _connect(live, timeout=60) as sock:
            sock.sendall(head)

            def send_body() -> None:
                try:
                    sock.sendall(body)
                    sent.append(True)
                except OSError:  # the server answered and closed without reading it
                    sent.append(False)

            sender = threading.Thread(target=send_body, daemon=True)
            sender.start()
            answer = sock.recv(4096)
            sender.join(60)
        cpu = sum(proc.cpu_times()[:2]) - cpu_before
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        assert sent == [False], "the server read the whole body of a request it refuses"
        assert cpu < 0.5, f"the server spent {cpu:.2f} s of CPU on a request it refuses"


@pytest.mark.parametrize(
    "partial",
    [
        b"",  # connected, then silent
        b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n",  # the head never ends
        b"POST /insights/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{",  # the body stops
    ],
)
def test_a_half_sent_request_is_dropped(data_dir: Path, partial: bytes) -> None:
    with serve(data_dir, AIRFIT_REQUEST_TIMEOUT="1") as (live, _, _):
        with _connect(live, timeout=30) as sock:
            started = time.monotonic()
            sock.sendall(partial)
            answer = b""
            try:
                while chunk := sock.recv(4096):  # until the server closes the connection
                    answer += chunk
            except ConnectionResetError:
                pass
            elapsed = time.monotonic() - started
        assert elapsed > 0.8, "closed before the timeout: for another reason"
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert _health(live) == 200


def test_the_connection_cap_refuses_with_a_clear_log_line(data_dir: Path) -> None:
    with serve(data_dir, AIRFIT_MAX_CONNECTIONS="4", AIRFIT_REQUEST_TIMEOUT="60") as (live, proc, log):
        held = [_connect(live) for _ in range(4)]
        wait_for(lambda: len([c for c in proc.net_connections("tcp") if _to(c, live)]) >= 4)
        try:
            with _connect(live) as extra:
                extra.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert extra.recv(4096).startswith(b"HTTP/1.1 503")
            wait_for(lambda: "AIRFIT_MAX_CONNECTIONS=4" in log.read_text())
        finally:
            for sock in held:
                sock.close()
        wait_for(lambda: _health_ok(live))


def _to(conn: psutil._common.pconn, live: LiveServer) -> bool:
    port = int(live.url.rsplit(":", 1)[1])
    return bool(conn.laddr) and conn.laddr.port == port and conn.status == psutil.CONN_ESTABLISHED


def _health_ok(live: LiveServer) -> bool:
    try:
        return _health(live) == 200
    except httpx2.TransportError:
        return False
