"""A real llama.cpp server (xllamacpp) with SmolLM2 on 127.0.0.1, in its own process.

Its own process so that a test can kill it mid-call, and so that it stops by itself when its parent goes
away: it serves until its stdin closes (the parent holds the other end) or it is sent SIGTERM.

    python -m tests.realmodel.server --model PATH --port PORT [--threads 1] [--ctx 4096]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tests.live import free_port, stop_process, wait_healthy

REPO = Path(__file__).resolve().parents[2]
MODEL_ALIAS = "smollm2"
START_TIMEOUT = 60.0
CONTEXT = 4096


def serve(model: Path, port: int, threads: int, ctx: int) -> None:
    """Serve until stdin closes or SIGTERM arrives (temperature 0: the same prompt, the same answer)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = ctx
    params.n_parallel = 1
    params.use_jinja = True
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.sampling.temp = 0.0
    params.model_alias = {MODEL_ALIAS}
    _serving = xllamacpp.Server(params)  # serves while this reference lives
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    # At once, not through the server's destructor: that waits for a generation under way (a background
    # learning call at the end of a test session) to write all its tokens, 10 s and more on one thread.
    # The model server keeps nothing worth a clean stop.
    os._exit(0)


@dataclass
class LlamaServer:
    """A running model server: its OpenAI-compatible base URL and its process."""

    url: str
    proc: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        """The `/v1` base URL an OpenAI client takes."""
        return f"{self.url}/v1"

    def wait_idle(self, seconds: float = 120.0, *, quiet: float = 1.5) -> bool:
        """Until no slot has been processing for `quiet` seconds (background learning also asks the model,
        in calls a few milliseconds apart); False on timeout."""
        deadline = time.monotonic() + seconds
        idle_since: float | None = None
        while time.monotonic() < deadline:
            slots = httpx2.get(f"{self.url}/slots", timeout=10).json()
            if any(slot.get("is_processing") for slot in slots):
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= quiet:
                return True
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        self.proc.kill()
        self.proc.wait(timeout=10)


@contextmanager
def llama_server(model: Path, *, threads: int = 1, ctx: int = CONTEXT) -> Iterator[LlamaServer]:
    """Start the server on a free port, wait for `/health`, stop it on exit (its log shown if it fails)."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.realmodel.server", "--model", str(model), "--port", str(port)]
    argv += ["--threads", str(threads), "--ctx", str(ctx)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=log, stderr=log, cwd=REPO)
        live = LlamaServer(url=f"http://127.0.0.1:{port}", proc=proc)
        try:
            wait_healthy(live.url, proc, log=log, seconds=START_TIMEOUT, what="the model server")
            yield live
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            if proc.poll() is None:
                stop_process(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ctx", type=int, default=CONTEXT)
    args = parser.parse_args()
    serve(args.model, args.port, args.threads, args.ctx)


if __name__ == "__main__":
    main()
