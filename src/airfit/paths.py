"""Personal URLs: every route, page and file also answers under `/p/<link>/…` and `/u/<user id>/…`.

The iOS app's only setting is a base URL, to which it appends every path (docs/ios-contract.md § Addressing);
a base URL ending in a personal prefix therefore tells the server who is calling, though the app sends no
identity. `PersonalPaths`, a pure ASGI middleware in front of the guards, takes the prefix off the path, so
every guard, route and file sees the route's own path (and behaves as it does without a prefix), and records
what it took in the request scope (`path_identity`). What the prefix means, and whether it is accepted, is
decided by `users/identity.py` alone; this middleware answers nothing itself, so the guards keep their order
(the Host check first).

A link is a secret. The path that uvicorn's access log prints (the scope uvicorn holds) is rewritten to
`/p/.../<rest>` before anything can answer, and the scope handed on holds the path without the prefix, so
no log line, error or exception downstream can show the link; `PathIdentity`'s repr hides it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

PATH_IDENTITY = "airfit.path_identity"
"""The scope key of the `PathIdentity` a request's path carried."""
MASKED_LINK = "..."
"""What a log line shows in place of a link."""

PathKind = Literal["link", "user"]
_KINDS: dict[str, PathKind] = {"p": "link", "u": "user"}
# Leading slashes are forgiven (a base URL typed as `http://host//p/...`), as are empty segments after the
# prefix (a typed `.../p/<link>//`), so the URLs the app builds from such a base still reach their routes.
_DECODED = re.compile(r"^/+([pu])/([^/]*)(.*)$", re.DOTALL)
_RAW = re.compile(rb"^/+([pu])/([^/]*)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class PathIdentity:
    """Who a request's path says is calling: a link (`/p/<link>`) or a user id (`/u/<id>`)."""

    kind: PathKind
    value: str
    """The prefix's second segment exactly as sent: percent-encoding is kept, so an encoded slash or dot in a
    link or id makes it malformed rather than another path."""
    problem: str | None = None
    """Why the path cannot be served at all (identity answers a 400), or None."""

    def __repr__(self) -> str:
        shown = MASKED_LINK if self.kind == "link" else repr(self.value)
        return f"PathIdentity(kind={self.kind!r}, value={shown}, problem={self.problem!r})"


def path_identity(scope: Scope) -> PathIdentity | None:
    """The identity the request's path carried, if it had a personal prefix."""
    found = scope.get(PATH_IDENTITY)
    return found if isinstance(found, PathIdentity) else None


def _problem(rest: str, raw_matches: bool) -> str | None:
    if not raw_matches:
        return "a personal URL's prefix must not be percent-encoded"
    if any(segment in (".", "..") for segment in rest.split("/")):
        return "a personal URL must not contain '.' or '..' segments"
    return None


class PersonalPaths:
    """Take a personal prefix off the path and record it (`PATH_IDENTITY`); never answers by itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        decoded = _DECODED.match(scope["path"]) if scope["type"] == "http" else None
        if decoded is None:
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        raw = _RAW.match(raw_path)
        kind = _KINDS[decoded[1]]
        if raw is not None and raw[1].decode() == decoded[1]:
            value = raw[2].decode("latin-1")
            rest_raw = b"/" + raw[3].lstrip(b"/")
            # Percent-decoded as the server decodes a whole path: the rest is the route's own path.
            rest = unquote(rest_raw.decode("latin-1"))
            problem = _problem(rest, raw_matches=True)
        else:
            value = decoded[2]
            rest = "/" + decoded[3].lstrip("/")
            rest_raw = rest.encode()
            problem = _problem(rest, raw_matches=False)
        inner = {
            **scope,
            "path": rest,
            "raw_path": rest_raw,
            PATH_IDENTITY: PathIdentity(kind, value, problem),
        }
        if kind == "link":
            # The scope uvicorn logs from: its access log prints this path.
            masked = f"/p/{MASKED_LINK}{rest}"
            scope["path"] = masked
            scope["raw_path"] = masked.encode()
        await self.app(inner, receive, send)
