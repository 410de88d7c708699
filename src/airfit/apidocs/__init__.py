"""`GET /docs` and `GET /openapi.json`: the API reference, readable with no internet.

FastAPI's default page loads Swagger UI from a CDN and is blank offline (a home server often is); this one
is a small HTML page with its script and style beside it (`/docs.js`, `/docs.css`: files, never inline, as
the Content-Security-Policy allows), shipped in the package, which reads `openapi.json` from the same server.
Identity follows the server's rule: in token mode both need a Bearer token like every other route, and
`AIRFIT_DOCS=false` removes them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

HERE = Path(__file__).parent
PAGE = HERE / "page.html"


def docs_router() -> APIRouter:
    """The routes: the page, its script and style, and the app's OpenAPI document (`app.openapi()`).

    No route holds the app itself: FastAPI keeps the callables it has inspected in bounded caches, and one
    that held the app would keep a whole application alive in any process that builds several (the tests).
    """
    router = APIRouter(include_in_schema=False)
    page = PAGE.read_text(encoding="utf-8")
    script = (HERE / "docs.js").read_bytes()
    style = (HERE / "docs.css").read_bytes()

    @router.get("/openapi.json")
    async def openapi_document(request: Request) -> JSONResponse:
        """The OpenAPI document of this server."""
        return JSONResponse(request.app.openapi())

    @router.get("/docs")
    async def docs_page() -> HTMLResponse:
        """The reference page (no external scripts, styles or fonts)."""
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    @router.get("/docs.js")
    async def docs_script() -> Response:
        """The page's script: renders `openapi.json` as plain HTML."""
        return Response(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @router.get("/docs.css")
    async def docs_style() -> Response:
        """The page's style."""
        return Response(style, media_type="text/css", headers={"Cache-Control": "no-cache"})

    return router
