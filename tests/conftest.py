"""Fixtures: isolated settings, real servers on 127.0.0.1, and generated data (`airfit.demo`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from airfit.config import Settings
from tests.fakes.clis import FakeClis
from tests.fakes.openai_server import FakeOpenAI, fake_openai_server
from tests.live import LiveServer, make_settings, thread_server


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's AIRFIT_* variables or LLM keys."""
    for name in list(os.environ):
        if name.startswith(("AIRFIT_", "HEVY_", "OPENAI_", "ANTHROPIC_")) or name in ("CLI_TIMEOUT",):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Test settings: brian, david and jonathan; brian is the default user."""
    return make_settings(data_dir)


@pytest.fixture
def start_server(data_dir: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start real servers with setting overrides; all stop when the test ends."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> LiveServer:
            return stack.enter_context(thread_server(make_settings(data_dir, **overrides)))

        yield start


@pytest.fixture
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """A real server with the default test settings."""
    return start_server()


@pytest.fixture
def fake_clis(tmp_path: Path) -> FakeClis:
    """Fake claude/gemini/codex executables (real subprocesses) in their own directory."""
    return FakeClis.install(tmp_path / "bin")


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A local OpenAI-compatible server on 127.0.0.1."""
    with fake_openai_server() as fake:
        yield fake
