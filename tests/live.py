"""Real servers for end-to-end tests (uvicorn on 127.0.0.1, in a thread or in its own process), and what they
leave behind: their stored documents, and background work to wait for."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx2
import uvicorn

from airfit.app import create_app
from airfit.config import Settings
from airfit.serving import uvicorn_config
from airfit.storage import Document, DocumentStore, decode_document

START_TIMEOUT = 20.0
M = TypeVar("M")


def wait_for(check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Until `check()` holds: background work a request started (learning, bookkeeping) has finished."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "background work did not finish"
        time.sleep(0.05)


def stored(data: Settings | Path, user: str, doc: Document[M]) -> M:
    """A user's (or the server scope's) document as it is on disk now, in the data directory of `data`; its
    empty model when there is none.

    Read past any server's cache and lock, changing nothing (a corrupt file raises), and without an event
    loop, so async tests use it too.
    """
    root = data.data_dir if isinstance(data, Settings) else data
    try:
        raw = DocumentStore(root).path(user, doc).read_bytes()
    except FileNotFoundError:
        return doc.model()
    return decode_document(doc, raw)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test server: no .env, no scheduler unless asked, users brian/david/jonathan."""
    fields: dict[str, Any] = {
        "data_dir": data_dir,
        "host": "127.0.0.1",
        "port": 0,
        "users": "brian,david,jonathan",
        "default_user": "brian",
        "scheduler": False,
        "providers": "",
        "timezone": "UTC",
    }
    fields.update(overrides)
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


@dataclass
class LiveServer:
    """A running server and how to talk to it."""

    url: str
    settings: Settings

    def client(self, user: str | None = None, *, token: str | None = None, **kw: Any) -> httpx2.Client:
        """An HTTP client acting as `user` (X-User-ID) and/or with a Bearer token."""
        headers = dict(kw.pop("headers", {}))
        if user is not None:
            headers["X-User-ID"] = user
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return httpx2.Client(base_url=self.url, headers=headers, timeout=kw.pop("timeout", 30.0), **kw)

    def async_client(self, user: str | None = None, **kw: Any) -> httpx2.AsyncClient:
        """An async HTTP client acting as `user`."""
        headers = dict(kw.pop("headers", {}))
        if user is not None:
            headers["X-User-ID"] = user
        return httpx2.AsyncClient(base_url=self.url, headers=headers, timeout=kw.pop("timeout", 30.0), **kw)


@contextmanager
def thread_server(settings: Settings, *, port: int = 0) -> Iterator[LiveServer]:
    """Serve `create_app(settings)` with uvicorn in a background thread (on `port`, else any free one);
    stops on exit."""
    config = uvicorn_config(
        create_app(settings), settings, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class RestartableServer:
    """A real server on a fixed port that a test stops and starts again: an outage the clients live through.

    Each start is a new app (new services, the same data directory), as a restarted `airfit serve` is.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._running: contextlib.ExitStack | None = None

    def start(self) -> None:
        """Serve (again) on the same port."""
        assert self._running is None, "already running"
        stack = contextlib.ExitStack()
        stack.enter_context(thread_server(self.settings, port=self.port))
        self._running = stack

    def stop(self) -> None:
        """Stop serving: connections are refused until `start`."""
        if self._running is not None:
            self._running.close()
            self._running = None

    def client(self, user: str | None = None) -> httpx2.Client:
        """An HTTP client acting as `user` (X-User-ID)."""
        return LiveServer(url=self.url, settings=self.settings).client(user)


@contextmanager
def restartable_server(settings: Settings) -> Iterator[RestartableServer]:
    """A `RestartableServer`, started; stopped on exit whatever state the test left it in."""
    server = RestartableServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment that makes `airfit serve` (or any airfit command) use these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFIT_")}
    env.update(
        AIRFIT_DATA_DIR=str(settings.data_dir),
        AIRFIT_USERS=settings.users,
        AIRFIT_DEFAULT_USER="none" if settings.default_user == "" else (settings.default_user or ""),
        AIRFIT_AUTH=str(settings.auth),
        AIRFIT_PROVIDERS=settings.providers,
        AIRFIT_SCHEDULER="true" if settings.scheduler else "false",
        AIRFIT_TIMEZONE=settings.timezone or "UTC",
    )
    env.update(extra)
    return env


@contextmanager
def process_server(
    settings: Settings, *, log_path: str | None = None, **extra_env: str
) -> Iterator[tuple[LiveServer, subprocess.Popen[bytes]]]:
    """Run `airfit serve` as a real child process; terminated (then killed) on exit. Its log goes to
    `log_path` when given (to read while it runs)."""
    port = free_port()
    env = server_env(settings, AIRFIT_HOST="127.0.0.1", AIRFIT_PORT=str(port), **extra_env)
    live = LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    # A file, not a pipe: nobody reads the log while the server runs, and a full pipe would stall it.
    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "airfit", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            wait_healthy(live.url, proc, log=log)
            yield live, proc
        finally:
            stop_process(proc)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Ask a server process to exit; kill it if it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def wait_healthy(
    url: str,
    proc: subprocess.Popen[bytes],
    *,
    log: IO[bytes] | None = None,
    seconds: float = START_TIMEOUT,
    what: str = "server process",
) -> None:
    """Until `{url}/health` answers 200; fails (with the tail of `log`) if `proc` exits or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited at start: {_tail(log)}")
        try:
            if httpx2.get(f"{url}/health", timeout=2.0).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {seconds:.0f} s: {_tail(log)}")
        time.sleep(0.05)


def _tail(log: IO[bytes] | None) -> str:
    if log is None:
        return "(no log)"
    log.seek(0)
    return log.read().decode(errors="replace")[-2000:]


def run_cli(
    settings: Settings, *args: str, input: str | None = None, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run the `airfit` command in a subprocess against the same data directory."""
    return subprocess.run(
        [sys.executable, "-m", "airfit", *args],
        env=server_env(settings, **extra_env),
        capture_output=True,
        text=True,
        input=input,
        timeout=60,
    )
