"""No function in the server's source runs over 60 lines: a longer one holds more than one job to name."""

from __future__ import annotations

import ast

from tests.imports import SRC

MAX_LINES = 60


def _lengths() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                name = f"{path.relative_to(SRC)}:{node.lineno} {node.name}"
                found[name] = node.end_lineno - node.lineno + 1
    return found


def test_functions_are_read_from_every_module() -> None:
    # Guards the test below against passing on an empty tree.
    assert any(name.startswith("airfit/services.py:") for name in _lengths())


def test_no_function_runs_over_60_lines() -> None:
    long = {name: lines for name, lines in _lengths().items() if lines > MAX_LINES}
    assert long == {}, f"split these into functions with one job each: {long}"
