"""Import layering: one composition root, `llm` a leaf, no import circles, each package importable alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.imports import SRC, cycles, edges, importers, modules, route_modules

COMPOSITION_ROOT = "airfit.services"
ENTRY_POINTS = ("airfit.app", "airfit.cli")
"""The server and the command line: the only modules that may compose the services."""
LLM_MUST_NOT_IMPORT = ("airfit.tools", "airfit.coach", "airfit.services", "airfit.app", "airfit.deps")


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def test_the_import_graph_is_read() -> None:
    # Guards the tests below against passing on an empty graph.
    assert "airfit.llm.router" in modules()
    assert any(e.source == "airfit.app" and e.target == COMPOSITION_ROOT for e in edges())


def test_only_entry_points_import_the_composition_root() -> None:
    assert "airfit.state" not in modules(), "the old state container is back"
    outside = sorted(m for m in importers((COMPOSITION_ROOT,)) if not _under(m, ENTRY_POINTS))
    assert outside == [], f"only {ENTRY_POINTS} may import {COMPOSITION_ROOT}"


def test_llm_is_a_leaf() -> None:
    bad = sorted(
        f"{e.source} -> {e.target}"
        for e in edges()
        if _under(e.source, ("airfit.llm",)) and _under(e.target, LLM_MUST_NOT_IMPORT)
    )
    assert bad == []


def test_no_import_circles() -> None:
    # TYPE_CHECKING imports count too: a circle hidden from the interpreter is still a circle to a reader.
    assert cycles(include_typing=True) == []


def test_no_package_circles() -> None:
    # A circle between packages (coach <-> insights, config <-> llm) hides from the module-level test when
    # different modules of the two packages import each other.
    assert cycles(include_typing=True, packages=True) == []


def test_routes_never_reach_the_store() -> None:
    # A route asks its domain's service, which owns the documents and the rules around them.
    found = route_modules()
    assert {"airfit.profile.routes", "airfit.status.routes"} <= found.keys()
    bad = sorted(
        f"{e.source} -> {e.target}" for e in edges() if e.source in found and e.target == "airfit.storage"
    )
    assert bad == []
    mentions = sorted(name for name, path in found.items() if "StoreDep" in path.read_text(encoding="utf-8"))
    assert mentions == []


PACKAGES = sorted(p.name for p in (SRC / "airfit").iterdir() if (p / "__init__.py").is_file())


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_alone(package: str) -> None:
    # A fresh interpreter that imports only this package's modules (whatever they pull in themselves).
    names = sorted(m for m in modules() if _under(m, (f"airfit.{package}",)))
    code = "; ".join(f"import {name}" for name in names)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
