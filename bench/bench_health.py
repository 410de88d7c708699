"""Benchmark of the health endpoints: a big sync and cached summary reads under load.

Starts `python -m airfit serve` pinned to CPU 0 with a temporary data directory and three users, loads
three years of days into each (`airfit.demo.days(1095)`), times the sync, then drives
`GET /insights/context?range=quarter` and `GET /health/body-metrics?days=365` from a load generator pinned
to CPU 1 (wrk when installed, else Python processes with keep-alive connections). Prints req/s, latency
p50/p99 and the server's RSS.

usage: uv run python bench/bench_health.py [--duration 10] [--days 1095] [--python]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from harness import SERVER_CPU, generated_days, pinned_server, server_env
from loadgen import LoadResult, run_load

USERS = ("alice", "bob", "carol")
LOAD_CPU = 1
CONNECTIONS_PER_USER = 12
ENDPOINTS = ("/insights/context?range=quarter", "/health/body-metrics?days=365")


def _request(port: int, method: str, path: str, user: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"X-User-ID": user, "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load_days(port: int, n_days: int) -> list[tuple[str, float]]:
    """Sync `n_days` days for each user in one request each; returns (user, seconds)."""
    timings = []
    for seed, user in enumerate(USERS, start=1):
        body = json.dumps({"days": generated_days(n_days, seed)}).encode()
        started = time.perf_counter()
        status, reply = _request(port, "POST", "/insights/sync", user, body)
        elapsed = time.perf_counter() - started
        if status != 200 or json.loads(reply)["count"] != n_days:
            raise SystemExit(f"sync for {user} failed: {status} {reply[:200]!r}")
        timings.append((user, elapsed))
    return timings


def load_endpoint(port: int, path: str, seconds: float, tool: str) -> LoadResult:
    """Load `path` as all three users at once (one load generator each, all on the load CPU); totals."""
    with ThreadPoolExecutor(len(USERS)) as pool:
        runs = list(
            pool.map(
                lambda user: run_load(
                    f"http://127.0.0.1:{port}{path}",
                    headers={"X-User-ID": user},
                    seconds=seconds,
                    connections=CONNECTIONS_PER_USER,
                    cpus={LOAD_CPU},
                    tool=tool,
                ),
                USERS,
            )
        )
    return LoadResult(
        url=path,
        requests=sum(r.requests for r in runs),
        errors=sum(r.errors for r in runs),
        seconds=max(r.seconds for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=max(r.p99_ms for r in runs),
        tool=runs[0].tool,
    )


def run(
    server: psutil.Process, port: int, days: int, seconds: float, tool: str
) -> tuple[list[tuple[str, float]], list[tuple[str, LoadResult, float]], float]:
    """Sync, warm up, load each endpoint.

    Returns the sync timings, per endpoint the load result and the CPU seconds the server used meanwhile,
    and the server's RSS in MB.
    """
    syncs = load_days(port, days)
    for path in ENDPOINTS:
        for user in USERS:
            status, _ = _request(port, "GET", path, user)
            if status != 200:
                raise SystemExit(f"GET {path} as {user}: {status}")
    loads = []
    for path in ENDPOINTS:
        before = server.cpu_times()
        result = load_endpoint(port, path, seconds, tool)
        after = server.cpu_times()
        cpu = (after.user - before.user) + (after.system - before.system)
        loads.append((path, result, cpu))
    return syncs, loads, server.memory_info().rss / 1e6


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per endpoint")
    parser.add_argument("--days", type=int, default=1095, help="days synced per user")
    parser.add_argument(
        "--python", action="store_true", help="use the Python load generator even if wrk exists"
    )
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        print("warning: one CPU only; server and load generator share it")
    tool = "python" if args.python else "auto"
    with (
        tempfile.TemporaryDirectory(prefix="airfit-bench-") as tmp,
        pinned_server(server_env(Path(tmp), ",".join(USERS))) as server,
    ):
        syncs, loads, rss_mb = run(server.process, server.port, args.days, args.duration, tool)
    _print_table(args.days, syncs, loads, rss_mb)


def _print_table(
    days: int, syncs: list[tuple[str, float]], loads: list[tuple[str, LoadResult, float]], rss: float
) -> None:
    print(f"\nPOST /insights/sync, {days} days in one request (server on CPU {SERVER_CPU})")
    for user, seconds in syncs:
        print(f"  {user:<8} {seconds * 1000:8.1f} ms")
    header = f"{'endpoint':<36} {'tool':<9} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>7}"
    print(f"\n{header} {'p99 ms':>7} {'server CPU':>10} {'req/CPU-s':>9}")
    for path, r, cpu in loads:
        print(
            f"{'GET ' + path:<36} {r.tool:<9} {r.requests:>9} {r.errors:>6} {r.rps:>7.0f} {r.p50_ms:>7.2f} "
            f"{r.p99_ms:>7.2f} {cpu / r.seconds:>9.0%} {r.requests / cpu if cpu else 0:>9.0f}"
        )
    # req/CPU-s: requests per second of CPU the server actually got; on a busy machine the server gets
    # less than its core and req/s drops, while this stays what one full core delivers.
    print(f"\nserver RSS after the benchmark: {rss:.1f} MB")
    # Other work on the machine shares the cores and lowers every figure; say how busy it was.
    print(f"load average (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
