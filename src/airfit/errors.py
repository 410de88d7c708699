"""Error responses: a 422 handler that can always answer, and the error shapes the OpenAPI document declares.

A request-validation error names what was wrong (`loc`, `msg`, `type`, and the constraint in `ctx`) but never
echoes what was sent: the input may be a secret (`PUT /hevy/key`) or a value that cannot be encoded as JSON
(NaN, infinity, a lone surrogate), and the handler must not fail on it or write it to a log.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

# Longest text kept from one message or location part; validation messages are short, inputs are not.
MAX_TEXT = 200
MAX_ERRORS = 50


class ErrorDetail(BaseModel):
    """Every non-validation error: `{"detail": "what went wrong"}`."""

    detail: str


class ValidationIssue(BaseModel):
    """One reason a request was refused."""

    type: str
    loc: list[str | int] = Field(description="Where: `body`, `query`, `path` or `header`, then field names.")
    msg: str
    ctx: dict[str, str | int | float | bool] | None = Field(None, description="The constraint, e.g. `le`.")


class ValidationErrorResponse(BaseModel):
    """A 422: the request does not match the operation's schema (a route's own check may give one message)."""

    detail: list[ValidationIssue] | str


def safe_text(value: object) -> str:
    """`value` as text that always encodes as UTF-8 JSON (lone surrogates escaped), cut to MAX_TEXT."""
    text = value if isinstance(value, str) else repr(value)
    return text[:MAX_TEXT].encode("utf-8", "backslashreplace").decode("utf-8")[:MAX_TEXT]


def _safe_scalar(value: Any) -> str | int | float | bool | None:
    if isinstance(value, bool | int) and -(2**53) <= value <= 2**53:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str | int | float):
        return safe_text(value)
    return None


def safe_issue(error: Any) -> dict[str, Any]:
    """One pydantic/FastAPI error without its input, with every part encodable."""
    loc = [
        part if isinstance(part, int) and not isinstance(part, bool) else safe_text(part)
        for part in error.get("loc", ())
    ]
    issue: dict[str, Any] = {
        "type": safe_text(error.get("type", "value_error")),
        "loc": loc,
        "msg": safe_text(error.get("msg", "invalid value")),
    }
    ctx = error.get("ctx")
    if isinstance(ctx, dict):
        # Only plain values: `ctx["error"]` can hold a validator's exception (already in `msg`).
        safe = {safe_text(k): _safe_scalar(v) for k, v in ctx.items()}
        issue["ctx"] = {k: v for k, v in safe.items() if v is not None}
    return issue


async def request_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming each problem; never the submitted values, never a failure to encode."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return JSONResponse({"detail": [safe_issue(e) for e in errors[:MAX_ERRORS]]}, status_code=422)


def _response(description: str, model: type[BaseModel] = ErrorDetail) -> dict[str, Any]:
    return {"model": model, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _response(
        "Malformed request: bad `X-User-ID` or personal URL, no identity without a default user, a bad "
        "archive, or a `Host` not in `AIRFIT_ALLOWED_HOSTS`."
    ),
    401: _response(
        "`AIRFIT_AUTH=token` and no valid `Authorization: Bearer` token; or an unknown or revoked personal "
        "URL."
    ),
    403: _response(
        "The token or personal URL belongs to someone else than `X-User-ID` (or a token) names, or is not an "
        "admin token; or a browser's state-changing request from another site, or without `X-AirFit-Client`."
    ),
    404: _response("Unknown user (`X-User-ID`) or unknown item."),
    409: _response("Conflicts with what exists (e.g. a user id already taken)."),
    413: _response("The request body (or an archive's content) is larger than this route accepts."),
    415: _response("The body is not of the type this route takes (JSON; `/import`: `application/zip`)."),
    422: _response("The request does not match the schema.", ValidationErrorResponse),
    429: _response("Too many wrong sign-in codes or personal URLs from this client; try again later."),
    431: _response("More than 100 request headers, or more than 16 KiB of them."),
    503: _response("Storage failure, or an upstream service (Hevy) is unavailable."),
}
"""Error responses every operation can give, with their JSON shape."""
