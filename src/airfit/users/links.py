"""Personal URLs as a person receives them: the whole URL to give the iOS app, and the same as a QR code.

A personal URL is the server's base URL plus `/p/<link>` (`airfit.paths`; the app appends every path to it,
docs/ios-contract.md § Addressing). The base is the first URL of `AIRFIT_PUBLIC_URL` when set; else, for the
web client, the address the browser itself used unless that is this machine's loopback (a phone cannot
reach `localhost`); else the address the server listens on (`AIRFIT_HOST`, when it names one) or this
machine's LAN address, with the port the browser used (the command: `AIRFIT_PORT`).
"""

from __future__ import annotations

import io
import ipaddress
import socket
from urllib.parse import urlsplit

import segno

from airfit.config import Settings
from airfit.guards import local_name

# Finding the route to one of these sends nothing (a UDP socket is only "connected"); it tells which local
# address the machine would use on its network. The private ranges of RFC 1918, in case there is no default
# route but a local one.
_ROUTE_PROBES = ("10.255.255.255", "172.31.255.255", "192.168.255.255")
_WILDCARDS = {"", "0.0.0.0", "::"}


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _usable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def lan_address() -> str | None:
    """This machine's IPv4 address on its network, or None when it has none; found without any traffic:
    the route to a private address, else the addresses its host name resolves to locally."""
    for probe in _ROUTE_PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect((probe, 9))
            except OSError:
                continue  # no route there
            address = str(sock.getsockname()[0])
        if _usable(address):
            return address
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_DGRAM)
    except OSError:
        return None
    return next((str(info[4][0]) for info in found if _usable(str(info[4][0]))), None)


def machine_base(settings: Settings, *, port: int | None = None) -> str:
    """`http://<this machine>:<port>`: the address the server listens on if it names one, else the LAN
    address, else the host name with `.local` (which Bonjour answers on most home servers); the port is
    `port`, else `AIRFIT_PORT`."""
    port = port or settings.port
    if not port:
        raise ValueError("AIRFIT_PORT is 0 (any free port): set AIRFIT_PUBLIC_URL to the server's URL")
    listening = settings.host.strip()
    if listening not in _WILDCARDS and not _is_loopback(listening):
        host = listening
    else:
        host = lan_address() or local_name()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" if port == 80 else f"http://{shown}:{port}"


def public_base(settings: Settings, *, browser_base: str | None = None) -> str:
    """The base URL a phone reaches this server by (see the module's docstring); `browser_base` is the
    scheme, host and port the web client's request came with."""
    if settings.public_urls:
        return settings.public_urls[0].rstrip("/")
    if browser_base is None:
        return machine_base(settings)
    browser = urlsplit(browser_base)
    if not _is_loopback(browser.hostname or "localhost"):
        return browser_base.rstrip("/")
    return machine_base(settings, port=browser.port or (443 if browser.scheme == "https" else 80))


def personal_url(base: str, link: str) -> str:
    """The whole personal URL of a link on this base."""
    return f"{base.rstrip('/')}/p/{link}"


def qr_svg(text: str) -> str:
    """`text` as a QR code: SVG markup sized by its `viewBox`, dark on a white square with its quiet zone
    (readable in a dark theme too). CPU work of a few milliseconds: call it in a thread."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out, kind="svg", border=4, xmldecl=False, omitsize=True, svgclass="qr-code", dark="#000", light="#fff"
    )
    return out.getvalue().decode()
