"""What every benchmark needs: the data generators, a free port, and `airfit serve` pinned to one CPU.

The generators are the package's own (`airfit.demo`), so a fresh clone runs every bench. The server
runs as a subprocess on `SERVER_CPU` with its log in a temporary file (a pipe nobody reads would stall it
once full) and is always stopped on leaving the block.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from airfit import demo

REPO = Path(__file__).resolve().parents[1]
# The benches reuse the test suite's process helpers rather than keeping copies of them.
sys.path.insert(0, str(REPO))
from tests.live import free_port, stop_process, wait_healthy  # noqa: E402

SERVER_CPU = 0
START_TIMEOUT = 30.0
LOG_TAIL = 3000


def generated_days(count: int, seed: int = 1, end: str | None = None) -> list[dict[str, Any]]:
    """`count` generated days (`airfit.demo`), one per date, oldest first, ending `end` (default today)."""
    return demo.days(count, seed, end, person=demo.Person(missing_rate=0))


def generated_workouts(weeks: int, seed: int = 1, end: str | None = None) -> list[dict[str, Any]]:
    """`weeks` of generated Hevy workouts (`airfit.demo`), newest first, ending `end` (default today)."""
    return demo.workouts(weeks, seed, end)


def server_env(data_dir: Path, users: str, **overrides: str) -> dict[str, str]:
    """Environment for an `airfit` command: this one without AIRFIT_/HEVY_ settings, plus a bench's own.

    Defaults: no LLM providers, no scheduler, UTC, log level warning; `overrides` replace or add variables.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFIT_", "HEVY_"))}
    env.update(
        AIRFIT_DATA_DIR=str(data_dir),
        AIRFIT_USERS=users,
        AIRFIT_PROVIDERS="",
        AIRFIT_SCHEDULER="false",
        AIRFIT_TIMEZONE="UTC",
        AIRFIT_LOG_LEVEL="warning",
    )
    env.update(overrides)
    return env


@dataclass(frozen=True)
class PinnedServer:
    """A running `airfit serve`: where it listens, its process (for CPU and memory figures), its log."""

    url: str
    port: int
    process: psutil.Process
    log_path: Path

    def log(self) -> str:
        """Everything the server has logged so far."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def pinned_server(
    env: Mapping[str, str], *, port: int | None = None, cpu: int = SERVER_CPU
) -> Iterator[PinnedServer]:
    """`python -m airfit serve` with `env` on 127.0.0.1, pinned to `cpu`, once it answers `GET /health`.

    The port is a free one unless given. If the block raises, the tail of the server's log goes to stderr.
    The server is terminated (killed if it lingers) on leaving the block, whatever happens.
    """
    port = port or free_port()
    env = {**env, "AIRFIT_HOST": "127.0.0.1", "AIRFIT_PORT": str(port)}
    with tempfile.TemporaryDirectory(prefix="airfit-bench-log-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "airfit", "serve"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                preexec_fn=lambda: _pin(cpu),
            )
        server = PinnedServer(f"http://127.0.0.1:{port}", port, psutil.Process(proc.pid), log_path)
        try:
            wait_healthy(server.url, proc, seconds=START_TIMEOUT)
            yield server
        except BaseException:
            print(server.log()[-LOG_TAIL:], file=sys.stderr)
            raise
        finally:
            stop_process(proc)


def _pin(cpu: int) -> None:
    # Not loadgen.pin: that stays within the caller's CPUs, so a bench already pinned to the load CPU would
    # leave its server beside the load generator.
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {cpu})


@dataclass(frozen=True)
class Run:
    """One measured process: wall time, its own peak RSS, what it printed."""

    name: str
    seconds: float
    peak_mb: float
    output: str


# Started by a small process of its own, so a measured process's peak RSS never includes a copy of this
# (large) one made while it was being started.
MEASURE = """
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "seconds": seconds, "peak_kb": peak}, out)
"""


def measure(name: str, command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `command` to its end; wall time and the process's own peak RSS (exits on failure)."""
    with tempfile.TemporaryDirectory() as scratch:
        figures = Path(scratch) / "figures.json"
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, str(figures), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        result = json.loads(figures.read_text())
    if result["code"] != 0:
        raise SystemExit(f"{name} failed ({result['code']}):\n{done.stdout[-3000:]}")
    return Run(name, result["seconds"], result["peak_kb"] / 1024, done.stdout)
