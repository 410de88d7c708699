"""`create_app(settings)`: the FastAPI application with its routers, error handlers and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from airfit import __version__
from airfit.apidocs import docs_router
from airfit.backup.routes import router as backup_router
from airfit.coach.routes import router as coach_router
from airfit.config import AuthMode, Settings
from airfit.errors import ERROR_RESPONSES, request_validation_error
from airfit.guards import FILE_TYPES, BodyTypes, CrossSiteGuard, HostRule, RequestHeadGuard, SecurityHeaders
from airfit.health.log_routes import router as web_log_router
from airfit.health.routes import router as health_router
from airfit.imports.routes import router as imports_router
from airfit.insights.routes import router as insights_router
from airfit.limits import BodyLimits, RequestGuard
from airfit.nutrition.routes import router as nutrition_router
from airfit.paths import PersonalPaths
from airfit.profile.routes import router as profile_router
from airfit.scheduler.routes import router as scheduler_router
from airfit.services import build_services
from airfit.status.routes import public_router as health_probe_router
from airfit.status.routes import router as status_router
from airfit.storage import DocumentTooLargeError, StorageError
from airfit.tools.routes import router as tools_router
from airfit.training.routes import router as training_router
from airfit.users.identity import IdentityGate, get_caller
from airfit.users.routes import router as users_router
from airfit.users.web_routes import public_router as signin_router
from airfit.users.web_routes import router as own_tokens_router
from airfit.web import client_app

logger = logging.getLogger(__name__)

# Every router requires a resolved caller (a router-level dependency, so a new route cannot forget it), except
# these: the availability probe and the browser's sign-in.
PUBLIC_ROUTERS: list[APIRouter] = [health_probe_router, signin_router]
IDENTITY = [Depends(get_caller)]

# FastAPI tries routes in order: health goes first because its summary GETs are the hottest path and its
# fixed paths (/insights/context, /insights/sync) must win over any `/insights/{id}` route.
ROUTERS: list[APIRouter] = [
    health_router,
    health_probe_router,
    status_router,
    users_router,
    profile_router,
    backup_router,
    insights_router,
    scheduler_router,
    tools_router,
    training_router,
    coach_router,
    nutrition_router,
    signin_router,
    own_tokens_router,
    web_log_router,
    imports_router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for the given settings (or the environment's)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        services.publish(app.state)
        await services.start()
        yield
        await services.close()

    app = FastAPI(
        title="AirFit server",
        version=__version__,
        summary="Self-hosted, multi-user AI fitness coach for a household.",
        description=(
            "Every path also answers under a personal URL: `/p/{link}/…` acts as the link's owner (a "
            "non-admin credential made by `airfit users link` or `POST /me/links`), `/u/{user_id}/…` as "
            "`X-User-ID` does (open mode only)."
        ),
        lifespan=lifespan,
        # Replaced by `airfit.apidocs`: FastAPI's own pages load their scripts from a CDN.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    for router in ROUTERS:
        identity = [] if router in PUBLIC_ROUTERS else IDENTITY
        app.include_router(router, responses=ERROR_RESPONSES, dependencies=identity)
    if settings.docs:
        docs_identity = IDENTITY if settings.auth is AuthMode.TOKEN else []
        app.include_router(docs_router(), dependencies=docs_identity)
    # Last: the browser client's files take whatever path no API route claimed.
    app.mount("/", client_app(), name="web")
    # Starlette runs the middleware added last first: security headers on everything; a personal URL's prefix
    # taken off the path (it refuses nothing, and hides a link from the access log before anything answers);
    # then the request head (header count, Host), then the cross-site rule (a link counts as a credential),
    # then the caller (a personal URL's too, before any body is read), then the body limits, then the routes.
    app.add_middleware(RequestGuard, limits=body_limits(settings))
    app.add_middleware(IdentityGate)
    body_types = BodyTypes(
        by_path={ARCHIVE_PATH: frozenset({"application/zip"})}, by_prefix={UPLOADS_PREFIX: FILE_TYPES}
    )
    app.add_middleware(CrossSiteGuard, body_types=body_types)
    app.add_middleware(RequestHeadGuard, hosts=HostRule.from_settings(settings))
    app.add_middleware(PersonalPaths)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(StorageError, _storage_error)
    app.add_exception_handler(DocumentTooLargeError, _too_large)
    app.add_exception_handler(Exception, _unexpected_error)
    # FastAPI's documented way to extend the schema is replacing `app.openapi`; mypy sees a method assigned.
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


ARCHIVE_PATH = "/import"
"""Where a backup archive is restored: a zip, not JSON, under its own size limit."""
UPLOADS_PREFIX = "/imports/"
"""Where other apps' files are uploaded: streamed to disk, of a file type."""


def body_limits(settings: Settings) -> BodyLimits:
    """The request-body limit of every route (README, "Limits")."""
    return BodyLimits(
        default=settings.max_body_bytes,
        by_path={"/insights/sync": settings.max_sync_body_bytes, ARCHIVE_PATH: settings.max_import_bytes},
        uploads={UPLOADS_PREFIX: settings.max_upload_bytes},
    )


# Routes anyone may call, even with AIRFIT_AUTH=token.
PUBLIC_PATHS = {
    route.path for router in PUBLIC_ROUTERS for route in router.routes if isinstance(route, APIRoute)
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document with the identity schemes: a Bearer token, `X-User-ID`, or neither (open mode)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "`airfit users token create`."},
            "userHeader": {
                "type": "apiKey",
                "in": "header",
                "name": "X-User-ID",
                "description": "Open mode only: act as this registered user.",
            },
        }
        # `{}`: no identity at all is accepted in open mode (the default user); token mode needs `bearer`.
        schema["security"] = [{}, {"bearer": []}, {"userHeader": []}]
        for path, operations in schema.get("paths", {}).items():
            if path in PUBLIC_PATHS:
                for operation in operations.values():
                    operation["security"] = []
        app.openapi_schema = schema
    return app.openapi_schema


async def _storage_error(request: Request, exc: Exception) -> JSONResponse:
    # A 200 here would make the iOS app mark unsaved data as synced (docs/ios-contract.md § Status codes).
    logger.error("Storage failure on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {"detail": f"storage failure: {exc}"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
    )


async def _too_large(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_413_CONTENT_TOO_LARGE)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal server error"}, status_code=500)
