"""The app in-process, through httpx2's ASGI transport: for route logic that does not need a socket.

The lifespan runs as it does under uvicorn (services built, users registered, background work drained), so
these tests exercise the same app; they only skip the network and the server thread. End-to-end tests that
need a real socket (isolation matrix, crash, CLI beside the server) keep using `tests.live`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2

from airfit.app import create_app
from airfit.config import Settings

BASE_URL = "http://airfit.test"


@asynccontextmanager
async def asgi_client(settings: Settings, user: str | None = None) -> AsyncIterator[httpx2.AsyncClient]:
    """An async client talking to a fresh app for `settings` (acting as `user` via X-User-ID if given)."""
    app = create_app(settings)
    headers = {"X-User-ID": user} if user is not None else {}
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
            yield client
