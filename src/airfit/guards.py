"""What a request must be before anything answers it: for this server, by a known name, not from another site.

Pure ASGI middlewares in front of every route and every static file (`app.create_app` adds them in order):

- `SecurityHeaders`: every response, error or file, carries a Content-Security-Policy (`default-src 'self'`,
  no inline script, no framing), `nosniff`, `Referrer-Policy: no-referrer` and `Cross-Origin-Resource-Policy`.
- `RequestHeadGuard`: at most `MAX_HEADERS` header lines and `MAX_HEAD_BYTES` of them (431), and a Host the
  server knows (400). A hostile
  name resolving first to the attacker and then to this server (DNS rebinding) makes a page same-origin
  with it; the Host header is the one thing that tells such a request apart. IP literals cannot be rebound
  and are always served (the iOS app's fallback address is one, docs/ios-contract.md § Addressing).
- `CrossSiteGuard`: a state-changing request (POST, PUT, PATCH, DELETE) from a browser must come from this
  server's own pages and carry `X-AirFit-Client` (the web client's header), a bearer token or a personal link
  in its path (`airfit.paths`: a secret, which a page on another site cannot know); the first two cannot be
  added by a page on another site without a CORS preflight, which this server never grants (it sends no
  CORS headers at all). Browsers mark every request with `Sec-Fetch-Site` (older ones a cross-origin POST with
  `Origin`); the iOS app and command-line clients send neither, carry no ambient credential a page could
  borrow, and pass (docs/ios-contract.md § Identity: the app's body-less POSTs have no Content-Type, no
  Origin). Whoever sends it, a body must be of its route's declared type (415 otherwise), so no form or
  `text/plain` body ever reaches a route.

They look only at the path (without a personal prefix, which `airfit.paths.PersonalPaths` takes off before
them) and at headers, never at the body.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airfit.config import Settings
from airfit.errors import safe_text
from airfit.limits import JSON_TYPE, refuse
from airfit.paths import path_identity

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; "
    # Preact and uPlot set element styles through the CSSOM (`element.style`), which CSP does not govern, so
    # no inline style attribute or <style> element needs 'unsafe-inline'.
    "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # No other origin may embed a response (an <img> or <script> pointing at /export, say).
    (b"cross-origin-resource-policy", b"same-origin"),
)
_SECURITY_NAMES = {name for name, _ in SECURITY_HEADERS}

MAX_HEADERS = 100
"""Header lines per request (431 beyond): a browser sends about 20."""
MAX_HEAD_BYTES = 16 * 1024
"""Largest request line plus headers (431 beyond): a browser's are under 2 KiB; this server sets no cookie.
The protocol refuses a head still incomplete at this size (`airfit.serving`); a larger one that arrived whole
in one read is refused here."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CLIENT_HEADER = "x-airfit-client"
"""Sent by the web client on every request; a page on another site cannot add it without a preflight."""
_LOGGED_HOSTS_LIMIT = 64


class SecurityHeaders:
    """Add the security headers to every response (replacing any a route set itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SECURITY_NAMES]
                message = {**message, "headers": [*kept, *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _host_name(value: str) -> str:
    """The name (or address) of a Host header: without the port, brackets or a trailing dot, lower-case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def local_name() -> str:
    """This machine's short host name with `.local`, which Bonjour answers on most home networks."""
    return f"{socket.gethostname().lower().split('.')[0]}.local"


def machine_names() -> set[str]:
    """The names this machine answers to without any configuration (no DNS lookup: it may hang)."""
    full = socket.gethostname().lower().rstrip(".")
    return {"localhost", full, full.split(".")[0], local_name()}


def public_names(settings: Settings) -> set[str]:
    """The host names in `AIRFIT_PUBLIC_URL`."""
    hosts = (urlsplit(url).hostname for url in settings.public_urls)
    return {host.lower().rstrip(".") for host in hosts if host}


@dataclass(frozen=True)
class HostRule:
    """Which Host headers are served."""

    names: frozenset[str]
    suffixes: tuple[str, ...] = ()
    any_host: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> HostRule:
        """`AIRFIT_ALLOWED_HOSTS` (else localhost and the machine's names) and `AIRFIT_PUBLIC_URL`'s names."""
        listed = [h.strip().lower().rstrip(".") for h in settings.allowed_hosts.split(",") if h.strip()]
        names = set(listed) if listed else machine_names()
        names |= public_names(settings)
        suffixes = tuple(name for name in names if name.startswith("."))
        return cls(frozenset(names - set(suffixes) - {"*"}), suffixes, any_host="*" in names)

    def allows(self, host_header: str) -> bool:
        """Whether a request with this Host header is for this server."""
        name = _host_name(host_header)
        if self.any_host or _is_ip(name) or name in self.names:
            return True
        if name == "localhost" or name.endswith(".localhost"):
            # Always the loopback interface (RFC 6761), never a name an attacker can point elsewhere.
            return "localhost" in self.names
        return any(name.endswith(suffix) for suffix in self.suffixes)


class RequestHeadGuard:
    """Refuse a request with too many or too large headers (431) or for a host the server does not know
    (400)."""

    def __init__(self, app: ASGIApp, *, hosts: HostRule) -> None:
        self.app = app
        self.hosts = hosts
        self._logged: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope["headers"]) > MAX_HEADERS:
            await refuse(send, 431, {"detail": f"more than {MAX_HEADERS} request headers"})
            return
        size = len(scope.get("raw_path") or b"") + sum(len(k) + len(v) + 4 for k, v in scope["headers"])
        if size > MAX_HEAD_BYTES:
            await refuse(send, 431, {"detail": f"request headers larger than {MAX_HEAD_BYTES} bytes"})
            return
        host = Headers(scope=scope).get("host")
        if host is not None and not self.hosts.allows(host):
            name = safe_text(_host_name(host))[:100]
            if name not in self._logged and len(self._logged) < _LOGGED_HOSTS_LIMIT:
                self._logged.add(name)
                logger.warning(
                    "Refused requests for host %r: add it to AIRFIT_ALLOWED_HOSTS if it is ours", name
                )
            detail = f"unknown host {name!r}: a server reached by this name lists it in AIRFIT_ALLOWED_HOSTS"
            await refuse(send, 400, {"detail": detail})
            return
        await self.app(scope, receive, send)


FILE_TYPES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/xml",
        "text/xml",
        "text/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
    }
)
"""What browsers and tools call the files an import takes (a zip, an XML export, a CSV); never one of the
types a page may send cross-site without asking (`text/plain`, form types)."""


@dataclass(frozen=True)
class BodyTypes:
    """The content types each route's body may have: JSON unless listed, by exact path or by path prefix."""

    by_path: Mapping[str, frozenset[str]] = field(default_factory=dict)
    by_prefix: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def problem(self, path: str, content_type: str) -> str | None:
        """Why a body of `content_type` is not accepted at `path`, or None when it is."""
        wanted = self.by_path.get(path) or next(
            (types for prefix, types in self.by_prefix.items() if path.startswith(prefix)), None
        )
        if wanted is None:
            return None if JSON_TYPE.match(content_type) else "this route takes application/json"
        media = content_type.split(";", 1)[0].strip().lower()
        if media in wanted or (not media and wanted is FILE_TYPES):
            return None  # a file sent with no type is just bytes, as HTTP reads an untyped body
        return f"this route takes {' or '.join(sorted(wanted))}"


def _has_body(headers: Headers) -> bool:
    length = headers.get("content-length", "").strip()
    return "transfer-encoding" in headers or (length.isdigit() and int(length) > 0)


_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PORT = re.compile(r":(\d+)$")


def _origin_matches_host(origin: str, host: str | None) -> bool:
    parts = urlsplit(origin)
    if host is None or parts.hostname is None:
        return False
    origin_port = str(parts.port) if parts.port else _DEFAULT_PORTS.get(parts.scheme, "")
    match = _PORT.search(host) if not host.endswith("]") else None
    host_port = match.group(1) if match else _DEFAULT_PORTS.get(parts.scheme, "")
    return _host_name(host) == parts.hostname.lower() and origin_port == host_port


def cross_site_problem(headers: Headers, *, link: bool = False) -> str | None:
    """Why a state-changing request must be refused as cross-site, or None when it may go on (`link`: its path
    carries a personal link, a credential like a bearer token)."""
    fetch_site = headers.get("sec-fetch-site")
    origin = headers.get("origin")
    if fetch_site is None and origin is None:
        return None  # not from a browser: the iOS app, curl, scripts
    if fetch_site is not None:
        # Set by the browser itself, never by a page; trusted over Origin, which a proxy's Host may not match.
        if fetch_site.strip().lower() != "same-origin":
            return f"cross-site request refused ({safe_text(fetch_site)[:20]})"
    elif origin is not None and not _origin_matches_host(origin, headers.get("host")):
        return "cross-site request refused (Origin is not this server)"
    if CLIENT_HEADER not in headers and "authorization" not in headers and not link:
        return "a browser's state-changing request needs the X-AirFit-Client header or a bearer token"
    return None


class CrossSiteGuard:
    """Refuse state-changing requests a page on another site could have sent (403), and bodies of the wrong
    type (415)."""

    def __init__(self, app: ASGIApp, *, body_types: BodyTypes) -> None:
        self.app = app
        self.body_types = body_types
        self._logged: set[tuple[str, str, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        in_path = path_identity(scope)
        problem = cross_site_problem(headers, link=in_path is not None and in_path.kind == "link")
        if problem is not None:
            self._log(scope["method"], scope["path"], headers.get("origin") or "(no Origin)")
            await refuse(send, 403, {"detail": problem})
            return
        if _has_body(headers):
            wrong = self.body_types.problem(scope["path"], headers.get("content-type", ""))
            if wrong is not None:
                await refuse(send, 415, {"detail": wrong})
                return
        await self.app(scope, receive, send)

    def _log(self, method: str, path: str, origin: str) -> None:
        # Once per origin and route: a page that someone in the household opened is trying something.
        key = (method, safe_text(path)[:100], safe_text(origin)[:100])
        if key not in self._logged and len(self._logged) < _LOGGED_HOSTS_LIMIT:
            self._logged.add(key)
            logger.warning("Refused a cross-site %s %s from %s", *key)
