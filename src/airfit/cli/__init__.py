"""The `airfit` command: serve, users, export, import, doctor, migrate, demo, import-from."""

from __future__ import annotations

import logging

import click

from airfit import __version__
from airfit.cli.data import doctor, export_user, import_user
from airfit.cli.demo import demo
from airfit.cli.hevy import hevy_key
from airfit.cli.imports import import_from
from airfit.cli.mcp import mcp
from airfit.cli.migrate import migrate
from airfit.cli.serve import serve
from airfit.cli.users import users
from airfit.config import settings_help

EPILOG = (
    "\b\nSettings (environment variables, also read from ./.env):\n"
    + settings_help()
    + "\n\n\b\nQuick start:\n  uv run airfit serve    (data in ./data, port 8080;"
    " requests without identity act as the default user)"
)


@click.group(
    epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120}
)
@click.version_option(__version__, prog_name="airfit")
def main() -> None:
    """AirFit server: a self-hosted, multi-user AI fitness coach for a household."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # The HTTP client logs every outgoing request (each LLM and Hevy call) at INFO: noise, written on the
    # event loop.
    logging.getLogger("httpx2").setLevel(logging.WARNING)


main.add_command(serve)
main.add_command(users)
users.add_command(hevy_key)
main.add_command(export_user)
main.add_command(import_user)
main.add_command(doctor)
main.add_command(mcp)
main.add_command(migrate)
main.add_command(demo)
main.add_command(import_from)
