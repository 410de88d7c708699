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


def run_with_state(work: Callable[[AppState], Awaitable[T]], *, read_only: bool = False) -> T:
    """Run async work against the configured data directory (safe beside a running server).

    A command that changes data first registers AIRFIT_USERS, as the server does at start; a `read_only`
    one writes nothing at all, not even that.
    """

    async def runner() -> T:
        state = build_state(load_settings())
        if not read_only:
            await state.users.ensure(state.settings.initial_users)
        return await work(state)

    return asyncio.run(runner())
