"""Running the `airfit` command in tests: expecting success, or a clear refusal."""

from __future__ import annotations

from airfit.config import Settings
from tests.live import run_cli


def ok(settings: Settings, *args: str, **env: str) -> str:
    """Run a command that must succeed (with `env` added to its environment); its standard output."""
    result = run_cli(settings, *args, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(settings: Settings, *args: str, **env: str) -> str:
    """Run a command that must fail the way a person can act on: one `Error:` line, no traceback.

    Returns its standard error."""
    result = run_cli(settings, *args, **env)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert "Error:" in result.stderr
    return result.stderr
