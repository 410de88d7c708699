"""Helpers for looking at a data directory and building archives by hand."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import orjson


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under a directory with its exact bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def make_zip(members: dict[str, bytes]) -> bytes:
    """A zip archive holding exactly these members (names are not sanitised: that is the point)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


def manifest(*documents: str, **overrides: object) -> bytes:
    """An archive manifest listing `documents`, with any field overridden."""
    fields = {"format": "airfit-user-archive", "version": 1, "scope": "brian", "documents": list(documents)}
    fields.update(overrides)
    return orjson.dumps(fields)
