"""Benchmark of the health endpoints: a big sync and cached summary reads under load.

Starts `python -m airfit serve` pinned to CPU 0 with a temporary data directory and three users, loads
three years of days into each (`gen_days.py 1095`), times the sync, then drives
`GET /insights/context?range=quarter` and `GET /health/body-metrics?days=365` from a load generator pinned
to CPU 1 (wrk when installed, else Python processes with keep-alive connections). Prints req/s, latency
p50/p99 and the server's RSS.

usage: uv run python bench/bench_health.py [--duration 10] [--days 1095] [--python]
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import psutil

REPO = Path(__file__).resolve().parents[1]
USERS = ("alice", "bob", "carol")
SERVER_CPU, LOAD_CPU = 0, 1
CONNECTIONS = 32
PY_WORKERS = 4
START_TIMEOUT = 30.0
ENDPOINTS = ("/insights/context?range=quarter", "/health/body-metrics?days=365")


@dataclass
class LoadResult:
    """What one load run measured."""

    tool: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


def _pin(cpu: int) -> Callable[[], None]:
    cpus = {cpu % (os.cpu_count() or 1)}
    return lambda: os.sched_setaffinity(0, cpus)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gen_days_path() -> Path:
    # shared/ sits beside the clone (CI, /work/main) or beside a folder of worktrees.
    for folder in REPO.parents:
        candidate = folder / "shared" / "bench" / "gen_days.py"
        if candidate.is_file():
            return candidate
    raise SystemExit("shared/bench/gen_days.py not found beside the repository")


def _load_generator_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_days", _gen_days_path())
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load gen_days.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _request(port: int, method: str, path: str, user: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"X-User-ID": user, "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """`airfit serve` on one CPU; returns once it answers `GET /health`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFIT_")}
    env.update(
        AIRFIT_DATA_DIR=str(data_dir),
        AIRFIT_USERS=",".join(USERS),
        AIRFIT_HOST="127.0.0.1",
        AIRFIT_PORT=str(port),
        AIRFIT_PROVIDERS="",
        AIRFIT_SCHEDULER="false",
        AIRFIT_TIMEZONE="UTC",
        AIRFIT_LOG_LEVEL="warning",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "airfit", "serve"],
        env=env,
        preexec_fn=_pin(SERVER_CPU),
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start")
        try:
            if _request(port, "GET", "/health", USERS[0])[0] == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def load_days(port: int, n_days: int) -> list[tuple[str, float]]:
    """Sync `n_days` days for each user in one request each; returns (user, seconds)."""
    gen = _load_generator_module()
    timings = []
    for seed, user in enumerate(USERS, start=1):
        body = json.dumps({"days": gen.days(n_days, seed)}).encode()
        started = time.perf_counter()
        status, reply = _request(port, "POST", "/insights/sync", user, body)
        elapsed = time.perf_counter() - started
        if status != 200 or json.loads(reply)["count"] != n_days:
            raise SystemExit(f"sync for {user} failed: {status} {reply[:200]!r}")
        timings.append((user, elapsed))
    return timings


_WRK_SCRIPT = """
local users = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "%s", {["X-User-ID"] = users[(i %% #users) + 1]})
end
"""


def _wrk_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(port: int, path: str, duration: float) -> LoadResult:
    """Drive `path` with wrk (one thread, keep-alive connections) rotating the three users."""
    users = ", ".join(f'"{u}"' for u in USERS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % (users, path))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration:.0f}s", "--latency", "-s", script.name,
             f"http://127.0.0.1:{port}"],
            preexec_fn=_pin(LOAD_CPU), capture_output=True, text=True, check=True, timeout=duration + 30,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return LoadResult("wrk", total, errors, rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"))


def _py_worker(port: int, path: str, user: str, deadline: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    _pin(LOAD_CPU)()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    errors = 0
    while time.time() < deadline:
        started = time.perf_counter()
        conn.request("GET", path, headers={"X-User-ID": user})
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    conn.close()
    queue.put((latencies, errors))


def run_python(port: int, path: str, duration: float) -> LoadResult:
    """Drive `path` from several processes, each with one keep-alive connection, for `duration` seconds."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    started = time.time()
    deadline = started + duration
    workers = [
        multiprocessing.Process(target=_py_worker, args=(port, path, USERS[i % len(USERS)], deadline, queue))
        for i in range(PY_WORKERS)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=duration + 30) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    elapsed = time.time() - started
    latencies = sorted(lat for lats, _ in results for lat in lats)
    errors = sum(err for _, err in results)
    p = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return LoadResult("python", len(latencies), errors, len(latencies) / elapsed, p[49] * 1000, p[98] * 1000)


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
    use_wrk = shutil.which("wrk") is not None and not args.python
    data_dir = Path(tempfile.mkdtemp(prefix="airfit-bench-"))
    port = _free_port()
    proc = start_server(data_dir, port)
    try:
        syncs = load_days(port, args.days)
        for path in ENDPOINTS:
            for user in USERS:
                status, _ = _request(port, "GET", path, user)
                if status != 200:
                    raise SystemExit(f"GET {path} as {user}: {status}")
        runner = run_wrk if use_wrk else run_python
        loads = [(path, runner(port, path, args.duration)) for path in ENDPOINTS]
        rss_mb = psutil.Process(proc.pid).memory_info().rss / 1e6
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
    _print_table(args.days, syncs, loads, rss_mb)


def _print_table(
    days: int, syncs: list[tuple[str, float]], loads: list[tuple[str, LoadResult]], rss: float
) -> None:
    print(f"\nPOST /insights/sync, {days} days in one request (server on CPU {SERVER_CPU})")
    for user, seconds in syncs:
        print(f"  {user:<8} {seconds * 1000:8.1f} ms")
    header = f"{'endpoint':<36} {'tool':<7} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8}"
    print(f"\n{header} {'p99 ms':>8}")
    for path, r in loads:
        print(
            f"{'GET ' + path:<36} {r.tool:<7} {r.requests:>9} {r.errors:>7} {r.rps:>9.0f} "
            f"{r.p50_ms:>8.2f} {r.p99_ms:>8.2f}"
        )
    print(f"\nserver RSS after the benchmark: {rss:.1f} MB")


if __name__ == "__main__":
    main()
