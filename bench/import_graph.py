"""Print the package's import-structure figures: who imports the composition root, import circles between
modules and between packages, route modules that import the document store, and functions over 60 lines.

uv run python bench/import_graph.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ast  # noqa: E402

from tests.imports import cycles, edges, importers, modules, route_modules  # noqa: E402

LONG_FUNCTION = 60


def main() -> None:
    """Print the figures."""
    print(f"modules: {len(modules())}")
    state = sorted(importers())
    print(f"modules importing the state container / composition root: {len(state)}")
    for name in state:
        print(f"  {name}")
    for label, include in (("all imports", True), ("runtime imports only", False)):
        groups = cycles(include_typing=include)
        sizes = ", ".join(str(len(g)) for g in groups) or "none"
        print(f"import circles ({label}): {len(groups)} (sizes: {sizes})")
        for group in groups:
            print("  " + " ".join(group))
    packages = cycles(packages=True)
    print(f"package circles: {len(packages)}")
    for group in packages:
        print("  " + " ".join(group))
    routes = route_modules()
    storing = sorted({e.source for e in edges() if e.source in routes and e.target == "airfit.storage"})
    print(f"route modules: {len(routes)}, importing the document store: {len(storing)}")
    for name in storing:
        print(f"  {name}")
    long = [
        (name, node.name, node.end_lineno - node.lineno + 1)
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LONG_FUNCTION
    ]
    print(f"functions over {LONG_FUNCTION} lines: {len(long)}")
    for name, function, lines in long:
        print(f"  {name}.{function}: {lines}")


if __name__ == "__main__":
    main()
