"""The project's data generators in `shared/bench/`, which sits beside the clone (CI, the main checkout)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


@cache
def generator(name: str) -> ModuleType:
    """Import `shared/bench/<name>.py` (gen_days or gen_workouts) by path."""
    for base in REPO.parents:
        path = base / "shared" / "bench" / f"{name}.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                break
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise RuntimeError(
        f"shared/bench/{name}.py was not found in any folder above {REPO}: the tests and benchmarks need the "
        "project's shared/ folder beside the checkout (CI provides it)"
    )
