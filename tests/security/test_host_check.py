"""DNS rebinding: a request is served only under a name the server knows (`AIRFIT_ALLOWED_HOSTS`).

A hostile name that first resolves to the attacker and then to the server makes a page same-origin with it;
only the Host header tells such a request apart, so anything else is a 400 before a route runs.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx2
import pytest

from tests.live import LiveServer


def _get(live: LiveServer, path: str, host: str) -> httpx2.Response:
    with httpx2.Client(base_url=live.url, timeout=30) as client:
        return client.get(path, headers={"Host": host, "X-User-ID": "brian"})


@pytest.mark.parametrize("path", ["/health", "/me", "/profile", "/", "/js/api.js", "/docs"])
def test_a_foreign_host_name_is_refused_everywhere(live_server: LiveServer, path: str) -> None:
    refused = _get(live_server, path, "evil.example")
    assert refused.status_code == 400
    assert "AIRFIT_ALLOWED_HOSTS" in refused.json()["detail"]
    assert "brian" not in refused.text


def test_localhost_ip_literals_and_the_machines_own_names_are_served(live_server: LiveServer) -> None:
    port = live_server.url.rsplit(":", 1)[1]
    short = socket.gethostname().split(".")[0]
    for host in (
        f"localhost:{port}",
        "LOCALHOST",
        f"127.0.0.1:{port}",
        "192.168.86.50:8080",  # the iOS app's fallback address (docs/ios-contract.md § Addressing)
        f"[::1]:{port}",
        "[fe80::1]",
        socket.gethostname(),
        f"{short}.local:{port}",
    ):
        assert _get(live_server, "/me", host).status_code == 200, host


def test_the_public_url_and_the_allowed_hosts_setting(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(
        public_url="https://airfit.example.net, http://gym.home:8080/prefix",
        allowed_hosts="airfit.lan, .family.example",
    )
    for host in ("airfit.example.net", "gym.home:8080", "airfit.lan", "pi.family.example", "10.0.0.7:8080"):
        assert _get(live, "/me", host).status_code == 200, host
    # The list replaces the default names: localhost is now refused, as is a look-alike of an allowed name.
    for host in ("localhost", "family.example.evil.com", "airfit.lan.evil.com", "evil.example"):
        assert _get(live, "/me", host).status_code == 400, host


def test_a_star_turns_the_check_off(start_live_server: Callable[..., LiveServer]) -> None:
    live = start_live_server(allowed_hosts="*")
    assert _get(live, "/me", "anything.example").status_code == 200
