"""Helpers shared by the command groups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from pydantic import ValidationError

from airfit.config import Settings
from airfit.state import AppState, build_state

T = TypeVar("T")


def load_settings() -> Settings:
    """Settings from the environment, with a readable error instead of a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(f"invalid settings: {problems}") from exc


def run_with_state(work: Callable[[AppState], Awaitable[T]], *, ensure_users: bool = True) -> T:
    """Run async work against the configured data directory (safe beside a running server).

    The configured users are registered first unless `ensure_users` is False.
    """

    async def runner() -> T:
        state = build_state(load_settings())
        if ensure_users:
            await state.users.ensure(state.settings.initial_users)
        return await work(state)

    return asyncio.run(runner())
