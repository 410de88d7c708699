"""The URL -> module table of `src/airfit/ARCHITECTURE.md`, built from the app's own routes.

`uv run python -m tests.route_map` prints the table; `--write` puts it into ARCHITECTURE.md between its
markers (`tests/test_route_map.py` fails while the two differ).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from fastapi.routing import APIRoute, iter_route_contexts

from airfit.app import create_app
from airfit.config import Settings

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "airfit"
ARCHITECTURE = PACKAGE / "ARCHITECTURE.md"
START = "<!-- route-map:start -->"
END = "<!-- route-map:end -->"


@dataclass(frozen=True)
class Route:
    """One API route as the app serves it."""

    path: str
    methods: frozenset[str]
    module: str
    """The module of the function that answers it, e.g. `airfit.health.routes`."""


def api_routes(settings: Settings | None = None) -> list[Route]:
    """Every API route of an app (the default settings unless given; nothing is started or written)."""
    app = create_app(settings or Settings(data_dir=Path("unused")))
    return [
        Route(
            context.path,
            frozenset(context.methods or ()) - {"HEAD"},
            context.original_route.endpoint.__module__,
        )
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
    ]


def table() -> str:
    """One row per path: its methods and the module that answers it."""
    rows: dict[str, tuple[set[str], str]] = {}
    for route in api_routes():
        module = Path(str(sys.modules[route.module].__file__)).relative_to(PACKAGE).as_posix()
        methods, _ = rows.setdefault(route.path, (set(), module))
        methods.update(route.methods)
        if rows[route.path][1] != module:
            raise AssertionError(f"{route.path} is answered by two modules")
    lines = ["| path | methods | module |", "| --- | --- | --- |"]
    for path in sorted(rows):
        methods, module = rows[path]
        lines.append(f"| `{path}` | {' '.join(sorted(methods))} | `{module}` |")
    return "\n".join(lines)


def documented() -> str:
    """The table as ARCHITECTURE.md holds it."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return text[text.index(START) + len(START) : text.index(END)].strip()


def write() -> None:
    """Put the current table into ARCHITECTURE.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    ARCHITECTURE.write_text(f"{head}{START}\n{table()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        sys.stdout.write(table() + "\n")
