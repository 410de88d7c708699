"""How a route is handed a service: `provided(ServiceType)`, a FastAPI dependency.

The composition root builds every service once and the app publishes them by type (`publish`). A domain's
routes module declares the aliases it uses next to its routes, e.g.
`HealthDep = Annotated[HealthService, Depends(provided(HealthService))]`, so this module knows no domain
and no route can reach a service it did not ask for. The caller's identity comes from
`airfit.users.identity` (`CallerDep`, `UserIdDep`, `AdminDep`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import cache
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request

from airfit.config import Settings

T = TypeVar("T")

REGISTRY = "provided"
"""The `app.state` attribute holding the published services, keyed by their type."""


def publish(state: Any, services: Iterable[object]) -> None:
    """Make each of `services` available to `provided(type(service))` on an app's `state`."""
    setattr(state, REGISTRY, {type(service): service for service in services})


@cache
def provided(cls: type[T]) -> Callable[[Request], Awaitable[T]]:
    """The dependency that hands a route the server's one instance of `cls`.

    `async def`: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request that
    costs more than the lookup. Cached, so every route asking for a type shares one dependency, which
    FastAPI then resolves once per request.
    """

    async def get(request: Request) -> T:
        return cast(T, getattr(request.app.state, REGISTRY)[cls])

    get.__name__ = f"provided_{cls.__name__}"
    return get


SettingsDep = Annotated[Settings, Depends(provided(Settings))]
