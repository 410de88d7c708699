"""Print the package's import-structure figures: who imports the state container, and the import circles.

uv run python bench/import_graph.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.imports import cycles, importers, modules  # noqa: E402


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


if __name__ == "__main__":
    main()
