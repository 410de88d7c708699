"""Training benchmark: a full Hevy import of three years of workouts, then every training endpoint.

    uv run python bench/bench_training.py [--weeks 156] [--seconds 4]

The AirFit server runs as a subprocess pinned to core 0; the fake Hevy server runs in this process (core 1);
the load generator (`loadgen.py`) runs in separate processes on core 1. Prints the import time, req/s and
requests per CPU-second of the server process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from tests.fakes.hevy import generated_workouts, running_fake_hevy  # noqa: E402
from tests.live import free_port  # noqa: E402

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


def _env(data_dir: Path, port: int, hevy_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFIT_", "HEVY_"))}
    env.update(
        AIRFIT_DATA_DIR=str(data_dir),
        AIRFIT_USERS="brian",
        AIRFIT_DEFAULT_USER="brian",
        AIRFIT_HOST="127.0.0.1",
        AIRFIT_PORT=str(port),
        AIRFIT_SCHEDULER="false",
        AIRFIT_PROVIDERS="",
        AIRFIT_TIMEZONE="UTC",
        AIRFIT_LOG_LEVEL="warning",
        HEVY_BASE_URL=hevy_url,
    )
    return env


def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx2.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


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
    workouts = generated_workouts(args.weeks)
    with tempfile.TemporaryDirectory() as tmp, running_fake_hevy() as fake:
        fake.add_account(KEY, workouts)
        data_dir = Path(tmp) / "data"
        port = free_port()
        env = _env(data_dir, port, fake.url)
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
        proc = subprocess.Popen(
            [sys.executable, "-m", "airfit", "serve"], env=env, preexec_fn=lambda: pin({0})
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_up(url, proc)
            began = time.perf_counter()
            result = httpx2.post(f"{url}/training/sync?full=true", timeout=120).json()
            elapsed = time.perf_counter() - began
            pages = len(fake.requests("/v1/workouts"))
            print(f"workouts generated: {len(workouts)} ({args.weeks} weeks), Hevy pages fetched: {pages}")
            print(f"full import: {elapsed:.2f} s  -> {result}")
            server = psutil.Process(proc.pid)
            for path in ENDPOINTS:
                _measure(server, url + path, args.seconds)
            _measure(server, url + "/health", args.seconds, "  (framework reference)")
        finally:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    main()
