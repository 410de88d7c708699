"""`airfit users ...` run as a user would: real subprocesses against a real data directory."""

from __future__ import annotations

import asyncio
import hashlib
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest

from airfit.cli import main
from airfit.config import Settings
from airfit.services import build_services
from airfit.storage import SERVER_SCOPE, DocumentStore
from airfit.users.models import TOKENS
from tests.cli.run import ok, refused
from tests.live import process_server, run_cli, stored
from tests.storage.workers import COUNTER


async def register_initial_users(settings: Settings) -> None:
    """What any `airfit` command does first, without paying for a process."""
    await build_services(settings).users.ensure(settings.initial_users)


def test_help_mentions_every_command_and_setting(settings: Settings) -> None:
    top = ok(settings, "--help")
    for name in main.commands:
        assert f"  {name} " in top
    for field in Settings.model_fields.values():
        assert field.alias in top
    users_help = ok(settings, "users", "--help")
    for name in ("list", "add", "remove", "timezone", "token"):
        assert f"  {name} " in users_help


def test_user_lifecycle_keeps_unknown_keys_and_removed_data(settings: Settings, data_dir: Path) -> None:
    asyncio.run(register_initial_users(settings))
    registry_file = data_dir / "_server" / "users.json"
    registry = orjson.loads(registry_file.read_bytes())
    registry["data"]["household"] = "the Smiths"
    registry["data"]["users"]["brian"]["nickname"] = "B"
    registry_file.write_bytes(orjson.dumps(registry))

    assert ok(settings, "users", "add", "emma", "--timezone", "Europe/Berlin") == "added emma\n"
    assert (
        ok(settings, "users", "timezone", "emma", "America/New_York") == "emma: timezone America/New_York\n"
    )
    listing = ok(settings, "users", "list")
    assert [line.split()[0] for line in listing.splitlines()] == ["brian", "david", "emma", "jonathan"]
    assert "timezone=America/New_York" in listing

    saved = orjson.loads(registry_file.read_bytes())["data"]
    assert saved["household"] == "the Smiths"
    assert saved["users"]["brian"]["nickname"] == "B"
    assert saved["users"]["emma"]["timezone"] == "America/New_York"

    async def write_emma() -> None:
        async with DocumentStore(data_dir).transaction("emma", COUNTER) as counter:
            counter.count = 42

    asyncio.run(write_emma())
    emma_file = data_dir / "emma" / "t_counter.json"
    emma_bytes = emma_file.read_bytes()
    emma_token = asyncio.run(build_services(settings).users.create_token("emma", "phone"))

    declined = run_cli(settings, "users", "remove", "emma", input="n\n")
    assert (declined.returncode, declined.stderr) == (1, "Aborted!\n")
    assert emma_file.read_bytes() == emma_bytes
    removed = ok(settings, "users", "remove", "emma", "--yes")
    assert removed.startswith("removed emma; data kept in ")
    (kept,) = (data_dir / ".removed").iterdir()
    assert kept.name.startswith("emma-")
    assert (kept / "t_counter.json").read_bytes() == emma_bytes
    assert not emma_file.exists()
    assert "emma" not in orjson.loads(registry_file.read_bytes())["data"]["users"]
    assert emma_token.id not in stored(data_dir, SERVER_SCOPE, TOKENS).tokens


BAD_COMMANDS = {
    "add-path-trick": (("users", "add", "../etc"), "user ids are 1-32 characters"),
    "add-existing": (("users", "add", "david"), "user 'david' already exists"),
    "add-bad-zone": (
        ("users", "add", "emma", "--timezone", "Mars/Olympus"),
        "unknown time zone 'Mars/Olympus'",
    ),
    "timezone-unknown-user": (("users", "timezone", "mallory", "UTC"), "unknown user 'mallory'"),
    "remove-unknown-user": (("users", "remove", "mallory", "--yes"), "unknown user 'mallory'"),
    "token-for-unknown-user": (
        ("users", "token", "create", "mallory", "--name", "x"),
        "unknown user 'mallory'",
    ),
    "revoke-unknown-token": (("users", "token", "revoke", "deadbeef"), "no token 'deadbeef'"),
}


@pytest.mark.parametrize(("args", "message"), BAD_COMMANDS.values(), ids=BAD_COMMANDS.keys())
def test_bad_ids_and_unknown_users_are_clear_errors(
    settings: Settings, data_dir: Path, args: tuple[str, ...], message: str
) -> None:
    asyncio.run(register_initial_users(settings))
    before = {p: p.read_bytes() for p in (data_dir / "_server").glob("*.json")}
    assert message in refused(settings, *args)
    assert {p: p.read_bytes() for p in (data_dir / "_server").glob("*.json")} == before
    assert not (data_dir / "etc").exists()
    assert not (data_dir / "x").exists()


def test_token_secret_is_shown_once_and_stored_as_digest(settings: Settings, data_dir: Path) -> None:
    created = run_cli(settings, "users", "token", "create", "david", "--name", "iphone")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    prefix, token_id, secret = token.split("_", 2)
    assert prefix == "afk"
    assert f"token id {token_id}" in created.stderr
    asyncio.run(build_services(settings).users.create_token("brian", "admin", admin=True))

    listing = ok(settings, "users", "token", "list")
    assert secret not in listing
    (david_line,) = [line for line in listing.splitlines() if line.startswith(token_id)]
    assert david_line.split() == [token_id, "david", "iphone", "user", "last", "used", "never"]
    assert " brian  admin  admin " in listing
    assert ok(settings, "users", "token", "list", "david").splitlines() == [david_line]

    tokens_file = data_dir / "_server" / "tokens.json"
    on_disk = tokens_file.read_text()
    assert secret not in on_disk
    assert (
        orjson.loads(on_disk)["data"]["tokens"][token_id]["digest"]
        == hashlib.sha256(secret.encode()).hexdigest()
    )
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600

    assert ok(settings, "users", "token", "revoke", token_id) == f"revoked {token_id} (david, iphone)\n"
    assert token_id not in orjson.loads(tokens_file.read_bytes())["data"]["tokens"]


def test_cli_and_server_writing_tokens_at_once_lose_nothing(settings: Settings, data_dir: Path) -> None:
    asyncio.run(register_initial_users(settings))
    admin = asyncio.run(build_services(settings).users.create_token("brian", "admin", admin=True)).token
    http_ids: list[str] = []
    stop = threading.Event()
    with process_server(settings) as (live, _):

        def create_over_http() -> None:
            with live.client(token=admin) as client:
                for i in range(2000):
                    if stop.is_set():
                        return
                    response = client.post("/admin/users/david/tokens", json={"name": f"http-{i}"})
                    assert response.status_code == 200, response.text
                    http_ids.append(response.json()["id"])

        with ThreadPoolExecutor(max_workers=3) as pool:
            http = pool.submit(create_over_http)
            cli_tokens = list(
                pool.map(
                    lambda i: ok(settings, "users", "token", "create", "david", "--name", f"cli-{i}"),
                    range(3),
                )
            )
            stop.set()
            http.result()

    cli_ids = [t.strip().split("_")[1] for t in cli_tokens]
    assert len(http_ids) >= 10, "the server wrote too little to overlap with the CLI"
    table = stored(data_dir, SERVER_SCOPE, TOKENS)
    names = {record.name for record in table.tokens.values()}
    assert set(table.tokens) == {admin.split("_")[1], *cli_ids, *http_ids}
    assert {f"cli-{i}" for i in range(3)} <= names
