"""The browser client: static files (ES modules, no build step) served by the server itself at `/`.

The API's routes are added before this mount, so they always win; what is left is the client's files. They are
sent gzipped to browsers that accept it and revalidated on every load (`no-cache`: a 304 costs one small round
trip on a home network, and an upgraded server never leaves an old module in the browser's cache).
"""

from __future__ import annotations

from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"


class ClientFiles(StaticFiles):
    """`StaticFiles` that asks browsers to revalidate (the security headers are `airfit.guards`')."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file's response with the client's caching header."""
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        return response


def client_app() -> GZipMiddleware:
    """The ASGI app serving the client (`index.html` at `/`), gzip-compressed."""
    return GZipMiddleware(ClientFiles(directory=STATIC_DIR, html=True), minimum_size=512, compresslevel=6)
