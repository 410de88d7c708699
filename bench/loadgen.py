"""A small HTTP load generator for the benchmarks, run in processes separate from the server.

Uses `wrk` when it is installed (Debian: `apt-get install wrk`); otherwise several worker processes with
keep-alive `http.client` connections. Either way the load runs on the CPUs given (by default the second core),
so a server pinned to core 0 is measured on one core of its own. Every run is bounded in time.

    python bench/loadgen.py http://127.0.0.1:8080/insights/context?range=quarter -H X-User-ID:brian -d 5
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    """What one load run measured."""

    url: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    tool: str

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        """One line for a results table."""
        return (
            f"{self.rps:9.0f} req/s  p50 {self.p50_ms:6.2f} ms  p99 {self.p99_ms:6.2f} ms  "
            f"errors {self.errors:<4d} [{self.tool}]  {self.url}"
        )


def pin(cpus: set[int]) -> None:
    """Restrict the calling process to `cpus` (best effort: ignored where affinity is unsupported)."""
    available = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    chosen = cpus & available
    if chosen and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, chosen)


def _worker(
    url: str, headers: dict[str, str], seconds: float, cpus: set[int], barrier: Any, queue: Any
) -> None:
    pin(cpus)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    # Start together: spawned workers take a while to import, and the window must be the same for all.
    barrier.wait(timeout=60)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.close()
    queue.put((latencies, errors, time.monotonic() - deadline + seconds))


def _python_load(
    url: str, headers: dict[str, str], seconds: float, connections: int, cpus: set[int]
) -> LoadResult:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    barrier = ctx.Barrier(connections)
    procs = [
        ctx.Process(target=_worker, args=(url, headers, seconds, cpus, barrier, queue))
        for _ in range(connections)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 90) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    elapsed = max(r[2] for r in results)
    latencies = sorted(lat for lats, _, _ in results for lat in lats)
    errors = sum(r[1] for r in results)
    p50 = statistics.median(latencies) * 1000 if latencies else 0.0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0
    return LoadResult(url, len(latencies), errors, elapsed, p50, p99, f"python x{connections}")


_WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(m?s)")
_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def _wrk_load(
    url: str, headers: dict[str, str], seconds: float, connections: int, cpus: set[int]
) -> LoadResult:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 30, check=True, preexec_fn=lambda: pin(cpus)
    ).stdout
    total = _WRK_TOTAL.search(out)
    if total is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    elapsed = float(total.group(2)) / (1000 if total.group(3) == "ms" else 1)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {m.group(1): float(m.group(2)) * scale[m.group(3)] for m in _WRK_LATENCY.finditer(out)}
    errors_match = _WRK_ERRORS.search(out)
    errors = int(errors_match.group(1)) if errors_match else 0
    ok = int(total.group(1)) - errors
    return LoadResult(url, ok, errors, elapsed, latency.get("50", 0.0), latency.get("99", 0.0), "wrk")


def run_load(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: float = 5.0,
    connections: int = 16,
    cpus: set[int] | None = None,
    tool: str = "auto",
) -> LoadResult:
    """Load `url` with GETs for `seconds` from separate processes on `cpus` (default: core 1)."""
    headers = headers or {}
    cpus = cpus or {1}
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk") is not None):
        return _wrk_load(url, headers, seconds, connections, cpus)
    # Python clients are slow: a few processes with one keep-alive connection each keep one core busy.
    return _python_load(url, headers, seconds, min(connections, 4), cpus)


def main() -> None:
    """Command-line entry: load one URL and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("-H", "--header", action="append", default=[], help="Name:Value")
    parser.add_argument("-d", "--seconds", type=float, default=5.0)
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    headers = dict(h.split(":", 1) for h in args.header)
    print(
        run_load(
            args.url, headers=headers, seconds=args.seconds, connections=args.connections, tool=args.tool
        ).row()
    )


if __name__ == "__main__":
    main()
