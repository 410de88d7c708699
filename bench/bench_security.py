"""What the security guards cost and save: attacks without a sign-in, and ordinary requests per second.

Prints, against `airfit serve`:
- a 1 MB (and a 16 MB) header line: the answer, the seconds until it, the server's CPU seconds, and how long
  `GET /health` takes meanwhile;
- a 64 MiB JSON body without a token (token mode): the answer, seconds, server CPU seconds;
- 300 concurrent wrong sign-in codes from one client: how many were checked (401) and refused (429);
- `GET /me` per second with keep-alive clients (the guards, identity before the body, h11's parser).
`--src DIR` runs the server from another source tree (a checkout of an older commit, for before/after).

    uv run python bench/bench_security.py [--src ../old/src] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx2

from harness import PinnedServer, pinned_server, server_env
from loadgen import run_load


def _cpu(server: PinnedServer) -> float:
    times = server.process.cpu_times()
    return float(times.user + times.system)


def _health_seconds(url: str) -> float:
    started = time.perf_counter()
    try:
        httpx2.get(f"{url}/health", timeout=30)
    except httpx2.TransportError:
        return float("nan")
    return time.perf_counter() - started


def _raw(server: PinnedServer, head: bytes, body: bytes = b"") -> tuple[str, float, float, float]:
    """Send a request by hand; (status line, seconds to the answer, server CPU seconds, /health seconds)."""
    cpu = _cpu(server)
    health: list[float] = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        started = time.perf_counter()

        def send() -> None:
            with contextlib.suppress(OSError):  # the server may answer and close before it has all
                sock.sendall(head + body)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        health.append(_health_seconds(server.url))
        try:
            answer = sock.recv(200)
        except OSError as exc:
            answer = f"connection closed ({type(exc).__name__})".encode()
        took = time.perf_counter() - started
        sender.join(120)
    line = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "connection closed"
    return line, took, _cpu(server) - cpu, health[0]


def _headers(server: PinnedServer, megabytes: int) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (megabytes * 2**20) + b"\r\n\r\n"
    line, took, cpu, health = _raw(server, head)
    print(f"{megabytes} MB header line        {line:<38} {took:6.2f} s  server CPU {cpu:5.2f} s  "
          f"/health meanwhile {health * 1000:6.0f} ms")  # fmt: skip


def _unsigned_body(server: PinnedServer) -> None:
    unit = b"12345678901234567890123,"
    body = b'{"days": [' + unit * ((64 * 2**20 - 20) // len(unit)) + b"1]}"
    head = (
        "POST /insights/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    line, took, cpu, _ = _raw(server, head, body)
    print(f"64 MiB JSON, no token       {line:<38} {took:6.2f} s  server CPU {cpu:5.2f} s")


def _wrong_codes(server: PinnedServer) -> None:
    async def guess() -> list[int]:
        limits = httpx2.Limits(max_connections=100)
        async with httpx2.AsyncClient(base_url=server.url, limits=limits, timeout=120) as client:
            sent = [client.post("/signin/code", json={"code": "AAAA-AAAA"}) for _ in range(300)]
            return [answer.status_code for answer in await asyncio.gather(*sent)]

    started = time.perf_counter()
    statuses = asyncio.run(guess())
    took = time.perf_counter() - started
    counts = ", ".join(f"{statuses.count(s)} x {s}" for s in sorted(set(statuses)))
    print(f"300 concurrent wrong codes  {counts:<38} {took:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, help="run the server from this source tree")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the requests-per-second run")
    args = parser.parse_args()
    overrides = {"PYTHONPATH": str(args.src.resolve())} if args.src else {}
    with tempfile.TemporaryDirectory(prefix="airfit-bench-security-") as tmp:
        data = Path(tmp) / "data"
        big = str(80 * 2**20)
        token_env = server_env(
            data, "brian", AIRFIT_AUTH="token", AIRFIT_MAX_SYNC_BODY_BYTES=big, **overrides
        )
        with pinned_server(token_env) as server:
            _headers(server, 1)
            _headers(server, 16)
            _unsigned_body(server)
        with pinned_server(server_env(data, "brian", **overrides)) as server:
            _wrong_codes(server)
            load = run_load(f"{server.url}/me", headers={"X-User-ID": "brian"}, seconds=args.seconds)
            print(f"GET /me, keep-alive         {load.rps:8.0f} req/s  p50 {load.p50_ms:.1f} ms  "
                  f"p99 {load.p99_ms:.1f} ms ({load.tool})")  # fmt: skip


if __name__ == "__main__":
    main()
