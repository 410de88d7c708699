"""`GET /docs` and `GET /openapi.json`: the API reference, readable with no internet.

FastAPI's default page loads Swagger UI from a CDN and is blank offline (a home server often is); this one
is a single self-contained HTML file shipped in the package, which reads `openapi.json` from the same server.
Identity follows the server's rule: in token mode both need a Bearer token like every other route, and
`AIRFIT_DOCS=false` removes them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

PAGE = Path(__file__).parent / "page.html"


def docs_router(openapi: Callable[[], dict[str, Any]]) -> APIRouter:
    """The two routes, serving the document `openapi()` builds."""
    router = APIRouter(include_in_schema=False)
    page = PAGE.read_text(encoding="utf-8")

    @router.get("/openapi.json")
    async def openapi_document() -> JSONResponse:
        """The OpenAPI document of this server."""
        return JSONResponse(openapi())

    @router.get("/docs")
    async def docs_page() -> HTMLResponse:
        """The reference page (no external scripts, styles or fonts)."""
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    return router
