"""FastAPI dependency aliases: the seams every route states its needs through."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from airfit.config import Settings
from airfit.state import AppState
from airfit.storage import DocumentStore
from airfit.users.identity import require_admin, resolve_caller
from airfit.users.models import Caller

# Every dependency is `async def`: FastAPI runs a plain `def` dependency in its thread pool, a thread hop
# per request that costs more than the work itself.


def _state(request: Request) -> AppState:
    return request.app.state.airfit  # type: ignore[no-any-return]


async def get_state(request: Request) -> AppState:
    """The running server's state."""
    return _state(request)


async def get_settings(request: Request) -> Settings:
    """The server's settings."""
    return _state(request).settings


async def get_store(request: Request) -> DocumentStore:
    """The document store."""
    return _state(request).store


async def get_caller(request: Request) -> Caller:
    """The user this request acts for (see `airfit.users.identity`)."""
    return await resolve_caller(request, _state(request))


async def get_user_id(caller: Annotated[Caller, Depends(get_caller)]) -> str:
    """Just the calling user's id."""
    return caller.user_id


async def get_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold an admin token."""
    return require_admin(caller)


StateDep = Annotated[AppState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[DocumentStore, Depends(get_store)]
CallerDep = Annotated[Caller, Depends(get_caller)]
UserIdDep = Annotated[str, Depends(get_user_id)]
AdminDep = Annotated[Caller, Depends(get_admin)]
