"""One owner per stored document: exactly one module writes each document (read from the source with `ast`).

A write is a document-store call that changes a document: `transaction(scope, DOC)`, `replace(scope, DOC,
...)` or `delete(scope, DOC)`, where `DOC` is the registered document's constant. Writes of many documents at
once (a user's whole scope, raw files) have their owners too: `BULK_OWNERS`.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.imports import modules

WRITES = {"transaction", "replace", "delete"}
BULK_OWNERS = {
    "import_scope": {"airfit.backup.service"},
    "move_scope_aside": {"airfit.users.service"},
    "delete_scope": {"airfit.users.service"},
    "restore_corrupt": {"airfit.cli.data"},
    "recover_interrupted_imports": {"airfit.services", "airfit.cli.data"},
    "write_atomic": {"airfit.migration", "airfit.cli.data"},
    "make_private_tree": {"airfit.migration"},
}
"""The document store's writers of whole scopes or raw files -> the only modules that use them."""


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


def bulk_writers() -> dict[str, set[str]]:
    """Each bulk writer of the store -> the modules that call it or pass it on (e.g. to a thread)."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, path in modules().items():
        if name == "airfit.storage":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            used = (
                node.attr
                if isinstance(node, ast.Attribute)
                else node.id
                if isinstance(node, ast.Name)
                else None
            )
            if used in BULK_OWNERS:
                found[used].add(name)
    return found


def test_the_bulk_writers_are_found() -> None:
    assert {"import_scope", "delete_scope", "write_atomic"} <= bulk_writers().keys()


def test_each_bulk_writer_has_its_owners_only() -> None:
    found = bulk_writers()
    assert dict(found) == {name: BULK_OWNERS[name] for name in found}
