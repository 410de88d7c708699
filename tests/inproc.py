"""The app in-process, through httpx2's ASGI transport: for route logic that does not need a socket.

The lifespan runs as it does under uvicorn (services built, users registered, the scheduler if enabled,
background work drained at the end), on an event loop of its own in a background thread, so these tests
exercise the same app; they only skip the socket, the HTTP parser and uvicorn's start-up. End-to-end tests
that need a real socket (isolation matrix, crash, CLI beside the server) keep using `tests.live`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2

from airfit.app import create_app
from airfit.config import Settings
from tests.live import LiveServer

BASE_URL = "http://localhost"
START_TIMEOUT = 20.0
REQUEST_TIMEOUT = 120.0


@asynccontextmanager
async def asgi_client(settings: Settings, user: str | None = None) -> AsyncIterator[httpx2.AsyncClient]:
    """An async client talking to a fresh app for `settings` on the caller's own event loop."""
    app = create_app(settings)
    headers = {"X-User-ID": user} if user is not None else {}
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
            yield client


class _LoopTransport(httpx2.BaseTransport):
    """A synchronous transport that hands each request to the app on the server's event loop."""

    def __init__(self, transport: httpx2.ASGITransport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()

        async def call() -> tuple[int, httpx2.Headers, bytes]:
            response = await self._transport.handle_async_request(request)
            # Raw bytes: the client decodes any Content-Encoding itself, as it would off a socket.
            body = b"".join([chunk async for chunk in response.aiter_raw()])
            return response.status_code, response.headers, body

        status, headers, body = asyncio.run_coroutine_threadsafe(call(), self._loop).result(REQUEST_TIMEOUT)
        return httpx2.Response(status, headers=headers, content=body)


@dataclass
class InProcessServer(LiveServer):
    """A `LiveServer` without a socket: its clients reach the app through the ASGI transport."""

    transport: _LoopTransport | None = None

    def client(self, user: str | None = None, *, token: str | None = None, **kw: Any) -> httpx2.Client:
        """A client acting as `user` (X-User-ID) and/or with a Bearer token, through the app's transport."""
        return super().client(user, token=token, transport=self.transport, **kw)


@contextmanager
def app_server(settings: Settings) -> Iterator[InProcessServer]:
    """Run `create_app(settings)` with its lifespan on a background event loop; stops on exit."""
    app = create_app(settings)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []
    stop: asyncio.Event | None = None

    async def serve() -> None:
        nonlocal stop
        stop = asyncio.Event()
        try:
            async with app.router.lifespan_context(app):
                ready.set()
                await stop.wait()
        except BaseException as exc:
            failure.append(exc)
            ready.set()
            raise

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), name="app-test", daemon=True)
    thread.start()
    if not ready.wait(START_TIMEOUT) or failure:
        raise RuntimeError(f"test app did not start: {failure}")
    transport = _LoopTransport(httpx2.ASGITransport(app=app, raise_app_exceptions=False), loop)
    try:
        yield InProcessServer(url=BASE_URL, settings=settings, transport=transport)
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)
        loop.close()
