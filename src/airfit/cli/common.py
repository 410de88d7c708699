"""Helpers shared by the command groups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from pydantic import ValidationError

from airfit.config import Settings
from airfit.services import Services, build_services

T = TypeVar("T")


def load_settings() -> Settings:
    """Settings from the environment, with a readable error instead of a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(f"invalid settings: {problems}") from exc


def run_with_services(work: Callable[[Services], Awaitable[T]], *, ensure_users: bool = True) -> T:
    """Run async work against the configured data directory (safe beside a running server).

    The configured users are registered first (as the server does at start) unless `ensure_users` is
    False: read-only commands pass False, so they write nothing at all.
    """

    async def runner() -> T:
        services = build_services(load_settings())
        if ensure_users:
            await services.users.ensure(services.settings.initial_users)
        return await work(services)

    return asyncio.run(runner())
