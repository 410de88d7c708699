"""Request bodies: a size limit per route, refused before they are read, and JSON that the store can keep.

`RequestGuard` is a pure ASGI middleware in front of every route:
- A body larger than its route's limit is a 413: at once when `Content-Length` says so (nothing is read), else
  as soon as the streamed bytes pass the limit. Limits come from the settings (`AIRFIT_MAX_BODY_BYTES`,
  `AIRFIT_MAX_SYNC_BODY_BYTES`, `AIRFIT_MAX_IMPORT_BYTES`, `AIRFIT_MAX_UPLOAD_BYTES`), so memory per request
  is bounded by them (an upload under `/imports/` is streamed to disk, never held).
- A JSON body must be interoperable JSON (RFC 8259 without the extensions Python's parser accepts): `NaN`,
  `Infinity`, numbers that overflow a double and lone UTF-16 surrogates are a 422 before any route sees them.
  Such values cannot be stored or answered as JSON, and a route must not have to check for them.
- An integer must fit what the store reads back (64 bits, `storage.StoredInt`): anything wider is a 422
  naming the field, for every route, so no model can accept a number that would make its document unreadable.
- JSON nested deeper than `MAX_JSON_DEPTH` is a 422, found by counting brackets before anything walks the
  value recursively (the exact integer check, the models, the store's encoder).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import orjson
from pydantic import StringConstraints
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airfit.errors import safe_text
from airfit.storage import INT64_MAX, INT64_MIN

MESSAGE_CHARS = 20_000
"""Longest message to the coach accepted (longer: 422); far above anything typed, far below argv limits."""
MessageText = Annotated[str, StringConstraints(max_length=MESSAGE_CHARS)]

JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;|$)", re.IGNORECASE)
# A 64-bit integer has at most 19 digits: only a body with a longer run of digits needs the exact check.
_LONG_DIGITS = re.compile(rb"\d{19}")
MAX_JSON_DEPTH = 32
"""Nesting of arrays and objects in a request body: the app's deepest body has 4 levels."""
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
"""A JSON string, escapes included (unrolled: one step per run of plain characters, not per character)."""
THREAD_FROM_BYTES = 64 * 1024
"""A body at least this large is checked in a worker thread, off the event loop (5 MB take about 0.1 s)."""
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count); iterative."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_issue(body: bytes) -> dict[str, Any] | None:
    """Why a JSON request body cannot be accepted (as one 422 issue), or None when it can."""
    if json_depth(body) > MAX_JSON_DEPTH:
        return {
            "type": "json_too_deep",
            "loc": ["body"],
            "msg": f"JSON nested more than {MAX_JSON_DEPTH} levels deep",
            "ctx": {"max_depth": MAX_JSON_DEPTH},
        }
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return {
            "type": "json_invalid",
            "loc": ["body", exc.pos],
            "msg": "JSON decode error",
            "ctx": {"error": safe_text(exc.msg)},
        }
    if _LONG_DIGITS.search(body):
        # orjson reads integers beyond 64 bits as floats; the standard parser keeps them exact.
        for path, number in _integers(json.loads(body), ["body"]):
            if number > INT64_MAX:
                return _bound_issue(path, "less_than_equal", "le", INT64_MAX)
            if number < INT64_MIN:
                return _bound_issue(path, "greater_than_equal", "ge", INT64_MIN)
    return None


def _integers(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], int]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integers(item, [*path, safe_text(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _integers(item, [*path, index])


def _bound_issue(path: list[str | int], kind: str, name: str, bound: int) -> dict[str, Any]:
    word = "less" if name == "le" else "greater"
    return {
        "type": kind,
        "loc": path,
        "msg": f"Input should be {word} than or equal to {bound} (the largest integer the server stores)",
        "ctx": {name: str(bound)},
    }


@dataclass(frozen=True)
class BodyLimits:
    """The largest body each route accepts, in bytes."""

    default: int
    by_path: Mapping[str, int] = field(default_factory=dict)
    uploads: Mapping[str, int] = field(default_factory=dict)
    """Routes under these path prefixes take a file as their body (`/imports/`): their limit, and the body
    is passed on as a stream whatever its declared type, never gathered to be checked as JSON."""

    def upload(self, path: str) -> int | None:
        """The limit of the upload route at `path`, or None when it is not one."""
        return next((limit for prefix, limit in self.uploads.items() if path.startswith(prefix)), None)

    def for_path(self, path: str) -> int:
        """The limit of the route at `path`: its exact path, else its upload prefix, else the default."""
        exact = self.by_path.get(path)
        if exact is not None:
            return exact
        upload = self.upload(path)
        return self.default if upload is None else upload


class _TooLarge(Exception):
    pass


class RequestGuard:
    """Enforce body limits and well-formed JSON before the application reads a request."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await refuse(send, 413, {"detail": f"request body larger than {limit} bytes"})
            return
        if JSON_TYPE.match(headers.get("content-type", "")) and self.limits.upload(scope["path"]) is None:
            await self._json(scope, receive, send, limit)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await refuse(send, 413, {"detail": f"request body larger than {limit} bytes"})

    async def _json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await refuse(send, 413, {"detail": f"request body larger than {limit} bytes"})
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        issue = None
        if len(body) >= THREAD_FROM_BYTES:
            issue = await asyncio.to_thread(json_issue, body)
        elif body:
            issue = json_issue(body)
        if issue is not None:
            await refuse(send, 422, {"detail": [issue]})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def refuse(send: Send, status: int, content: object, headers: Mapping[str, str] | None = None) -> None:
    """Answer `status` with a JSON body (and `headers`) and close the connection; nothing of the request body
    is read."""
    payload = orjson.dumps(content)
    extra = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
