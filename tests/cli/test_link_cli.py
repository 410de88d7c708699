"""`airfit users link USER`: the whole personal URL alone on standard output, on the host people reach the
server by (`AIRFIT_PUBLIC_URL`, `AIRFIT_HOST`, else this machine's LAN address, found without traffic; with
no network at all, its `.local` name); listed and revoked with the tokens."""

from __future__ import annotations

import ipaddress
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable

import httpx2
import pytest

from airfit.config import Settings
from airfit.users.models import LINK_LENGTH
from tests.cli.run import ok, refused
from tests.live import LiveServer, server_env

LINK = rf"/p/[a-hjkmnp-z2-9]{{{LINK_LENGTH}}}"


def test_the_url_is_alone_on_its_line_on_the_public_url(settings: Settings) -> None:
    out = ok(
        settings,
        "users",
        "link",
        "david",
        "--name",
        "David's iPhone",
        AIRFIT_PUBLIC_URL="https://fit.example.net/",
    )
    assert re.fullmatch(rf"https://fit\.example\.net{LINK}\n", out), out
    listed = ok(settings, "users", "token", "list", "david")
    assert re.fullmatch(r"[0-9a-f]{12}  david  David's iPhone  link  last used never\n", listed), listed


def test_the_address_the_server_listens_on(settings: Settings) -> None:
    out = ok(settings, "users", "link", "brian", AIRFIT_HOST="10.1.2.3", AIRFIT_PORT="9000")
    assert re.fullmatch(rf"http://10\.1\.2\.3:9000{LINK}\n", out), out


def test_else_an_address_of_this_machine_that_is_not_loopback(settings: Settings) -> None:
    out = ok(settings, "users", "link", "brian", AIRFIT_HOST="0.0.0.0")
    match = re.fullmatch(rf"http://([0-9.]+):8080{LINK}\n", out)
    assert match, out
    address = ipaddress.ip_address(match[1])
    assert not address.is_loopback
    with socket.socket() as sock:
        sock.bind((match[1], 0))  # only an address of this machine can be bound


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux's unshare")
def test_without_any_network_the_machines_local_name(settings: Settings) -> None:
    # A network namespace of its own: only a loopback interface, no route anywhere.
    result = subprocess.run(
        ["unshare", "--net", sys.executable, "-m", "airfit", "users", "link", "brian"],
        env=server_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    name = socket.gethostname().split(".")[0].lower()
    assert re.fullmatch(rf"http://{re.escape(name)}\.local:8080{LINK}\n", result.stdout), result.stdout


def test_refusals_create_nothing(settings: Settings) -> None:
    assert "unknown user 'mallory'" in refused(settings, "users", "link", "mallory")
    assert "AIRFIT_PUBLIC_URL" in refused(settings, "users", "link", "brian", AIRFIT_PORT="0")
    assert ok(settings, "users", "token", "list") == ""


def test_a_link_revoked_by_the_command_stops_at_once(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(auth="token")
    url = ok(live.settings, "users", "link", "jonathan", AIRFIT_PUBLIC_URL=live.url).strip()
    link_id = ok(live.settings, "users", "token", "list", "jonathan").split()[0]
    with httpx2.Client(timeout=30) as phone:
        assert phone.get(f"{url}/me").status_code == 200
        assert f"revoked {link_id}" in ok(live.settings, "users", "token", "revoke", link_id)
        assert phone.get(f"{url}/me").status_code == 401
