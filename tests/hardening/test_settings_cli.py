"""Empty settings, secrets in exports, read-only commands (issue 11, items 10, 11 and 12)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from airfit.config import Settings
from tests.live import LiveServer, make_settings, process_server, run_cli

ZIP = {"Content-Type": "application/zip"}
KEY = "hevy-sekrit-0123456789"


@pytest.mark.parametrize("value", ["", "   "])
def test_item10_empty_hevy_key_is_no_key(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("HEVY_API_KEY", value)
    monkeypatch.setenv("AIRFIT_PORT", "")
    monkeypatch.setenv("OPENAI_API_KEY", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.hevy_api_key is None
    assert settings.openai_api_key is None
    assert settings.port == 8080


def test_item10_empty_values_in_dotenv_are_unset(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HEVY_API_KEY=\nAIRFIT_DEFAULT_USER=\nAIRFIT_USERS=amy\n")
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.hevy_api_key is None
    assert settings.effective_default_user == "amy"
    assert Settings(_env_file=None, default_user="none").effective_default_user is None  # type: ignore[call-arg]


def test_item10_server_with_empty_hevy_key_is_not_configured(data_dir: Path) -> None:
    with process_server(make_settings(data_dir), HEVY_API_KEY="") as (live, _), live.client() as c:
        assert c.get("/health").json()["hevy_configured"] is False
        assert c.get("/hevy/status").json()["configured"] is False


def _zip_names(archive: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return set(zf.namelist())


def test_item11_exports_leave_secrets_out_unless_asked(
    server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    stored = run_cli(server.settings, "users", "hevy-key", "brian", "--no-verify", input=f"{KEY}\n")
    assert stored.returncode == 0, stored.stderr
    secrets = data_dir / "brian" / "secrets.json"
    assert KEY.encode() in secrets.read_bytes()
    with server.client("brian") as c:
        archive = c.get("/export").content
    assert "documents/secrets.json" not in _zip_names(archive)
    assert KEY.encode() not in archive
    plain, full = tmp_path / "plain.zip", tmp_path / "full.zip"
    result = run_cli(server.settings, "export", "brian", str(plain))
    assert result.returncode == 0, result.stderr
    assert "without secrets" in result.stdout
    assert "documents/secrets.json" not in _zip_names(plain.read_bytes())
    assert run_cli(server.settings, "export", "brian", str(full), "--include-secrets").returncode == 0
    assert "documents/secrets.json" in _zip_names(full.read_bytes())
    # Importing an archive without secrets keeps the key the user has.
    with server.client("brian") as c:
        assert c.post("/import", content=archive, headers=ZIP).status_code == 200
        assert c.get("/hevy/status").json()["configured"] is True
    assert KEY.encode() in secrets.read_bytes()


def test_item12_read_only_commands_write_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    settings = make_settings(empty, users="")
    for args in (("users", "list"), ("users", "token", "list", "default")):
        result = run_cli(settings, *args)
        assert "Traceback" not in result.stderr
    assert list(empty.rglob("*")) == []


def test_item12_users_list_still_lists_registered_users(start_server: Callable[..., LiveServer]) -> None:
    live = start_server()
    result = run_cli(live.settings, "users", "list")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["brian", "david", "jonathan"]


def test_cli_hevy_key_that_cannot_be_a_header_is_refused(settings: Settings, data_dir: Path) -> None:
    result = run_cli(settings, "users", "hevy-key", "brian", "--no-verify", input="clé\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not (data_dir / "brian" / "secrets.json").exists()
