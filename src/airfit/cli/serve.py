"""`airfit serve`."""

from __future__ import annotations

import click

from airfit.cli.common import load_settings


@click.command()
@click.option("--host", help="Address to listen on (default: AIRFIT_HOST or 0.0.0.0).")
@click.option("--port", type=int, help="Port to listen on (default: AIRFIT_PORT or 8080).")
def serve(host: str | None, port: int | None) -> None:
    """Start the server (data in AIRFIT_DATA_DIR, default ./data)."""
    # Imported here: every other command (the MCP server above all, spawned for each claude chat) starts
    # faster without FastAPI's routers and uvicorn.
    import uvicorn

    from airfit.app import create_app
    from airfit.serving import uvicorn_config

    settings = load_settings()
    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    click.echo(
        f"AirFit server on http://{settings.host}:{settings.port}  data: {settings.data_dir.resolve()}  "
        f"auth: {settings.auth}  default user: {settings.effective_default_user or '(none)'}"
    )
    config = uvicorn_config(
        create_app(settings),
        settings,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
    )
    uvicorn.Server(config).run()
