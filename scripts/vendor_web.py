"""Refresh the web client's vendored libraries at pinned versions (a developer tool, never run by the server).

Uses the ordinary npm client (`npm pack NAME@VERSION` in a temporary directory), so whichever registry npm is
configured for is used; nothing here names a registry host. Each library's licence file is kept beside it.

    uv run python scripts/vendor_web.py          # rewrite the vendored files
    uv run python scripts/vendor_web.py --check  # exit 1 if the committed files differ from the pinned ones
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_VENDOR = ROOT / "src" / "airfit" / "web" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "web" / "vendor"


def _strip_source_map(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL"))


def _relative_preact(text: str) -> str:
    # Browsers resolve only relative or absolute module specifiers without an import map.
    return _strip_source_map(text).replace('from"preact"', 'from"./preact.js"')


def _uplot_module(text: str) -> str:
    # The minified build is an IIFE assigning `var uPlot`; exporting it makes it an ES module (the ESM
    # build is not minified and is three times the size).
    return text.rstrip() + "\nexport default uPlot;\n"


@dataclass
class Package:
    """One npm package: which of its files to keep, under which name, after which transformation."""

    name: str
    version: str
    target: Path
    files: dict[str, str]
    licence: str = "LICENSE"
    transform: dict[str, Callable[[str], str]] = field(default_factory=dict)


PACKAGES = [
    Package(
        "preact",
        "11.2.0",
        WEB_VENDOR,
        {"dist/preact.mjs": "preact.js", "hooks/dist/hooks.mjs": "hooks.js"},
        transform={"preact.js": _strip_source_map, "hooks.js": _relative_preact},
    ),
    Package("htm", "3.1.1", WEB_VENDOR, {"dist/htm.module.js": "htm.js"}),
    Package(
        "uplot",
        "1.6.32",
        WEB_VENDOR,
        {"dist/uPlot.iife.min.js": "uplot.js", "dist/uPlot.min.css": "uplot.min.css"},
        transform={"uplot.js": _uplot_module},
    ),
    # For the accessibility audit in the browser tests only; never served.
    Package("axe-core", "4.14.1", TEST_VENDOR, {"axe.min.js": "axe.min.js"}),
]


def _fetch(package: Package, workdir: Path) -> dict[Path, bytes]:
    subprocess.run(
        ["npm", "pack", f"{package.name}@{package.version}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    archive = next(workdir.glob(f"{package.name}-{package.version}.tgz"))
    out: dict[Path, bytes] = {}
    with tarfile.open(archive) as tar:
        wanted = {f"package/{src}": dst for src, dst in package.files.items()}
        wanted[f"package/{package.licence}"] = f"{package.name}.LICENSE"
        for member in tar.getmembers():
            dst = wanted.get(member.name)
            if dst is None:
                continue
            extracted = tar.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if dst in package.transform:
                data = package.transform[dst](data.decode()).encode()
            out[package.target / dst] = data
        missing = set(wanted.values()) - {p.name for p in out}
        if missing:
            raise SystemExit(f"{package.name}@{package.version}: missing {sorted(missing)}")
    return out


def _versions_file(packages: list[Package]) -> dict[Path, bytes]:
    by_dir: dict[Path, list[str]] = {}
    for p in packages:
        by_dir.setdefault(p.target, []).append(f"{p.name}@{p.version}")
    return {d / "VERSIONS.txt": ("\n".join(lines) + "\n").encode() for d, lines in by_dir.items()}


def main() -> int:
    """Fetch every pinned package and write (or compare) its files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    wanted: dict[Path, bytes] = _versions_file(PACKAGES)
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            wanted.update(_fetch(package, Path(tmp)))
    differ = [p for p, data in wanted.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for path in differ:
            print(f"differs: {path.relative_to(ROOT)}")
        return 1 if differ else 0
    for path, data in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}  {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
