"""One owner per stored document: exactly one module writes each document (read from the source with `ast`).

A write is a document-store call that changes a document: `transaction(scope, DOC)`, `replace(scope, DOC,
...)` or `delete(scope, DOC)`, where `DOC` is the registered document's constant.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.imports import modules

WRITES = {"transaction", "replace", "delete"}


def writers() -> dict[str, set[str]]:
    """Document constant -> the modules that write it."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, path in modules().items():
        if name == "airfit.storage":
            continue  # the store itself, which every write goes through
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id.isupper()
            ):
                found[node.args[1].id].add(name)
    return found


def test_the_writers_are_found() -> None:
    # Guards the test below against passing because nothing was recognised.
    found = writers()
    assert {"PROFILE", "CONTEXT_STORE", "MEMORIES", "INSIGHTS", "SESSIONS", "WORKOUTS"} <= found.keys()


def test_each_document_has_exactly_one_writer() -> None:
    shared = {doc: sorted(mods) for doc, mods in writers().items() if len(mods) > 1}
    assert shared == {}, "each stored document is written by one module; others call it"
