"""The import graph of the `airfit` package, read from the source with `ast` (nothing is imported).

Used by the layering test and by `bench/import_graph.py`, which prints the figures.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
STATE_MODULES = ("airfit.state", "airfit.services")
"""The state container (before the refactor) and the composition root (after it)."""


@dataclass(frozen=True)
class Edge:
    """One `import` statement of one module; `typing_only` when under `if TYPE_CHECKING:`."""

    source: str
    target: str
    typing_only: bool


def module_name(path: Path) -> str:
    """`src/airfit/llm/cli.py` -> `airfit.llm.cli` (a package is named by its `__init__`)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted((SRC / "airfit").rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, known: set[str]) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, typing_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # `from airfit.llm import cli` names a module; `from airfit.llm.cli import run_tool` does not.
                candidate = f"{node.module}.{alias.name}"
                found.append((candidate if candidate in known else node.module, typing_only))
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def edges() -> list[Edge]:
    """Every import of one `airfit` module by another."""
    known = modules()
    result = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, typing_only in _imports(tree, set(known)):
            if target in known and target != name:
                result.append(Edge(name, target, typing_only))
    return result


def importers(targets: tuple[str, ...] = STATE_MODULES) -> set[str]:
    """Modules that import any of `targets`."""
    return {e.source for e in edges() if e.target in targets}


def package_of(module: str) -> str:
    """`airfit.llm.cli` -> `airfit.llm`; a top-level module (`airfit.config`) is its own package."""
    return ".".join(module.split(".")[:2])


def route_modules() -> dict[str, Path]:
    """Modules that define HTTP routes (they create an `APIRouter`)."""
    found = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "APIRouter":
                found[name] = path
                break
    return found


def cycles(*, include_typing: bool = True, packages: bool = False) -> list[list[str]]:
    """Strongly connected groups of more than one module (import circles), largest first; with
    `packages`, of packages (an import between two modules is one between their packages)."""
    name_of = package_of if packages else (lambda module: module)
    graph: dict[str, set[str]] = {name_of(name): set() for name in modules()}
    for edge in edges():
        source, target = name_of(edge.source), name_of(edge.target)
        if source != target and (include_typing or not edge.typing_only):
            graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    # Iterative Tarjan: recursion depth would follow the longest import chain.
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups, key=len, reverse=True)
