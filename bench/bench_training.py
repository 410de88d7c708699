"""Training benchmark: a full Hevy import of three years of workouts, then every training endpoint.

    uv run python bench/bench_training.py [--weeks 156] [--seconds 4]

The AirFit server runs as a subprocess pinned to core 0; the fake Hevy server runs in this process (core 1);
the load generator (`loadgen.py`) runs in separate processes on core 1. Prints the import time, req/s and
requests per CPU-second of the server process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from tests.fakes.hevy import running_fake_hevy  # noqa: E402

from harness import generated_workouts, pinned_server, server_env  # noqa: E402
from loadgen import pin, run_load  # noqa: E402

KEY = "bench000-0000-4000-8000-000000000001"
ENDPOINTS = [
    "/hevy/set-tracker?days=7",
    "/hevy/lift-progress?top_n=6",
    "/hevy/recent-workouts?limit=7",
    "/training/exercises?limit=20&sort_by=frequency",
    "/training/exercises?limit=20&sort_by=most_improved&days=90",
    "/training/strength-history?exercise=Bench%20Press%20(Barbell)&days=365",
    "/nutrition/training-day",
]


def _measure(server: psutil.Process, url: str, seconds: float, note: str = "") -> None:
    """Load one URL; also report requests per CPU-second of the server, which stays meaningful when other
    work shares the machine (the wall-clock rate then understates what one free core would do)."""
    before = sum(server.cpu_times()[:2])
    result = run_load(url, seconds=seconds, cpus={1})
    used = sum(server.cpu_times()[:2]) - before
    per_cpu = result.requests / used if used else 0.0
    print(f"{result.row()}  | {per_cpu:6.0f} req per server CPU-s{note}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    pin({1})
    # Ending yesterday: the generator stamps workouts up to 20:00 UTC of its end date, and Hevy's change feed
    # has no workouts from the future.
    workouts = generated_workouts(args.weeks, end=(datetime.now(UTC) - timedelta(days=1)).date().isoformat())
    with tempfile.TemporaryDirectory() as tmp, running_fake_hevy() as fake:
        fake.add_account(KEY, workouts)
        data_dir = Path(tmp) / "data"
        env = server_env(data_dir, "brian", AIRFIT_DEFAULT_USER="brian", HEVY_BASE_URL=fake.url)
        stored = subprocess.run(
            [sys.executable, "-m", "airfit", "users", "hevy-key", "brian", "--no-verify"],
            input=f"{KEY}\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if stored.returncode != 0:
            raise SystemExit(stored.stderr)
        with pinned_server(env) as server:
            began = time.perf_counter()
            result = httpx2.post(f"{server.url}/training/sync?full=true", timeout=120).json()
            elapsed = time.perf_counter() - began
            pages = len(fake.requests("/v1/workouts"))
            print(f"workouts generated: {len(workouts)} ({args.weeks} weeks), Hevy pages fetched: {pages}")
            print(f"full import: {elapsed:.2f} s  -> {result}")
            for path in ENDPOINTS:
                _measure(server.process, server.url + path, args.seconds)
            _measure(server.process, server.url + "/health", args.seconds, "  (framework reference)")


if __name__ == "__main__":
    main()
