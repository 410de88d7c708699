"""Moving the original single-user server's data directory into one user's directory (`airfit migrate`).

That server kept everything flat in one directory. Each file moves into the user's
directory in its legacy, un-enveloped shape; the document that owns it converts it on first load through its
version-0 migration. Two files are reshaped here because their content changes owner:
- `context_store.json` also held the insights: they move out into `insights.json` as `{"insights": [...]}`;
- `sessions.json` is keyed `default:<provider>`: the keys become `<user>:<provider>` in the household's
  `_server/sessions.json`, merged with any sessions already there (those win).
- `memories/` (Markdown) becomes entries of the user's `memories.json` at once, so an export taken right
  after the migration holds them; the Markdown files are kept beside it for reference.
Insights keep their history: they are marked `migrated`, which the 60-day expiry never removes. Naive
timestamps of the original are read as UTC everywhere (`airfit.coerce.as_utc`). Everything written or copied
is owner-only (0600 files, 0700 directories).

Safe to repeat: every legacy entry found is copied to `<data>/.backup/` before anything changes; a target
that already holds exactly what would be written counts as done (so a run interrupted after writing but
before removing the source finishes cleanly), and one holding something else is a conflict, reported and
left alone.
Once everything has moved, the source holds no legacy entries and another run finds nothing to do.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from airfit.coach.legacy import read_legacy_memories
from airfit.coach.memory import MEMORIES, MemoryBook
from airfit.storage import (
    SERVER_SCOPE,
    CorruptDocumentError,
    decode_document,
    encode_document,
    make_private_tree,
    registered_documents,
    write_atomic,
)

# Source name in the original directory -> document name in the user's directory (moved verbatim).
VERBATIM_FILES = {
    "profile.json": "profile.json",
    "exercise_history.json": "exercise_store.json",
    "scheduler_state.json": "scheduler_state.json",
}
CONTEXT_FILE = "context_store.json"
INSIGHTS_FILE = "insights.json"
SESSIONS_FILE = "sessions.json"
MEMORIES_DIR = "memories"
MEMORIES_FILE = "memories.json"
LEGACY_SESSION_USER = "default"
BACKUP_DIR = ".backup"


class StepState(StrEnum):
    """What a step still has to do."""

    PENDING = "pending"
    DONE = "done"
    CONFLICT = "conflict"


@dataclass
class Step:
    """One legacy entry and where its content goes."""

    source: Path
    writes: dict[Path, bytes]
    state: StepState
    description: str
    directory_target: Path | None = None

    def __post_init__(self) -> None:
        if self.state is StepState.CONFLICT and self.writes:
            self.description += ": the target already holds different data; left in place"


@dataclass
class MigrationPlan:
    """Everything `airfit migrate` would do, computed without changing anything."""

    source: Path
    data_dir: Path
    user_id: str
    steps: list[Step] = field(default_factory=list)

    @property
    def actionable(self) -> list[Step]:
        """Steps that will change something (conflicts are left alone)."""
        return [s for s in self.steps if s.state is not StepState.CONFLICT]

    @property
    def conflicts(self) -> list[Step]:
        """Steps whose target already holds different data."""
        return [s for s in self.steps if s.state is StepState.CONFLICT]


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)


def _state(writes: dict[Path, bytes]) -> StepState:
    existing = [path for path in writes if path.exists()]
    if not existing:
        return StepState.PENDING
    if len(existing) == len(writes) and all(path.read_bytes() == writes[path] for path in existing):
        return StepState.DONE
    return StepState.CONFLICT


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _verbatim_step(source: Path, target: Path, data_dir: Path) -> Step:
    writes = {target: source.read_bytes()}
    state = _state(writes)
    return Step(source, writes, state, f"move {source.name} -> {_relative(target, data_dir)}")


def _context_step(source: Path, user_dir: Path, data_dir: Path) -> Step:
    raw = source.read_bytes()
    try:
        legacy = orjson.loads(raw)
    except orjson.JSONDecodeError:
        legacy = None
    if not isinstance(legacy, dict):
        # Unreadable: moved as is, so the store keeps it aside as corrupt and `airfit doctor` shows it.
        return _verbatim_step(source, user_dir / CONTEXT_FILE, data_dir)
    insights = legacy.pop("insights", None)
    writes = {user_dir / CONTEXT_FILE: _dumps(legacy)}
    count = len(insights) if isinstance(insights, list) else 0
    if count:
        # Marked, so the 60-day expiry and the 200-insight cap never remove the user's history.
        marked = [{**item, "migrated": True} if isinstance(item, dict) else item for item in insights or []]
        writes[user_dir / INSIGHTS_FILE] = _dumps({"insights": marked})
    targets = " + ".join(_relative(p, data_dir) for p in writes)
    kept = f"{count} insights, kept whatever their age; dismiss them in the app" if count else "0 insights"
    label = f"split {source.name} -> {targets} ({kept})"
    return Step(source, writes, _state(writes), label)


def _rekeyed_sessions(legacy: dict[str, Any], user_id: str) -> dict[str, Any]:
    prefix = f"{LEGACY_SESSION_USER}:"
    return {
        (f"{user_id}:{key.removeprefix(prefix)}" if key.startswith(prefix) else key): value
        for key, value in legacy.items()
    }


def _union(existing: Any, incoming: Any) -> Any:
    """`existing` with the keys only `incoming` has added, recursively; existing values always win."""
    if not isinstance(existing, dict) or not isinstance(incoming, dict):
        return existing
    merged = dict(existing)
    for key, value in incoming.items():
        merged[key] = _union(merged[key], value) if key in merged else value
    return merged


def _merged_sessions(target: Path, rekeyed: dict[str, Any]) -> bytes | None:
    """The household's sessions file with the migrated sessions added, or None if it cannot be merged."""
    incoming = _dumps(rekeyed)
    if not target.exists():
        return incoming
    current = target.read_bytes()
    try:
        parsed = orjson.loads(current)
    except orjson.JSONDecodeError:
        return None
    enveloped = isinstance(parsed, dict) and "data" in parsed and isinstance(parsed.get("version"), int)
    if not enveloped:
        return _dumps(_union(parsed, rekeyed)) if isinstance(parsed, dict) else None
    doc = registered_documents().get(SESSIONS_FILE.removesuffix(".json"))
    if doc is None:
        return None
    try:
        existing = decode_document(doc, current)
        added = decode_document(doc, incoming).model_dump(mode="json")
    except CorruptDocumentError:
        return None
    merged = doc.model.model_validate(_union(existing.model_dump(mode="json"), added))
    return current if merged == existing else encode_document(doc, merged)


def _sessions_step(source: Path, data_dir: Path, user_id: str) -> Step:
    target = data_dir / SERVER_SCOPE / SESSIONS_FILE
    where = _relative(target, data_dir)
    label = f"re-key {source.name} ({LEGACY_SESSION_USER}:* -> {user_id}:*) into {where}"
    try:
        legacy = orjson.loads(source.read_bytes())
    except orjson.JSONDecodeError:
        legacy = None
    merged = None
    if isinstance(legacy, dict):
        merged = _merged_sessions(target, _rekeyed_sessions(legacy, user_id))
    if merged is None:
        note = f"{label}: cannot be merged (unreadable or unknown shape); left in place"
        return Step(source, {}, StepState.CONFLICT, note)
    current = target.read_bytes() if target.exists() else None
    return Step(source, {target: merged}, StepState.DONE if merged == current else StepState.PENDING, label)


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(a / d, b / d) for d in compared.common_dirs)


def _memories_step(source: Path, user_dir: Path, data_dir: Path) -> Step:
    target = user_dir / MEMORIES_DIR
    document = user_dir / MEMORIES_FILE
    label = f"move {MEMORIES_DIR}/ -> {_relative(target, data_dir)}/"
    if target.exists() and not (target.is_dir() and _same_tree(source, target)):
        return Step(source, {}, StepState.CONFLICT, f"{label}: it already exists; left in place", target)
    try:
        book = decode_document(MEMORIES, document.read_bytes()) if document.exists() else MemoryBook()
    except CorruptDocumentError:
        note = f"{label}: {_relative(document, data_dir)} cannot be read; left in place"
        return Step(source, {}, StepState.CONFLICT, note, target)
    writes: dict[Path, bytes] = {}
    if not book.legacy_imported:
        entries = read_legacy_memories(source, datetime.now(UTC).date())
        imported = book.model_copy(update={"entries": entries + book.entries, "legacy_imported": True})
        writes[document] = encode_document(MEMORIES, imported)
        label += f" and its {len(entries)} entries into {_relative(document, data_dir)}"
    state = StepState.PENDING if writes or not target.exists() else StepState.DONE
    return Step(source, writes, state, label, directory_target=target)


def plan_migration(*, data_dir: Path, source: Path, user_id: str) -> MigrationPlan:
    """What migrating `source` into `user_id` would do (blocking; reads files, changes nothing)."""
    plan = MigrationPlan(source=source, data_dir=data_dir, user_id=user_id)
    user_dir = data_dir / user_id
    for name, target in VERBATIM_FILES.items():
        if (source / name).is_file():
            plan.steps.append(_verbatim_step(source / name, user_dir / target, data_dir))
    if (source / CONTEXT_FILE).is_file():
        plan.steps.append(_context_step(source / CONTEXT_FILE, user_dir, data_dir))
    if (source / SESSIONS_FILE).is_file():
        plan.steps.append(_sessions_step(source / SESSIONS_FILE, data_dir, user_id))
    if (source / MEMORIES_DIR).is_dir():
        plan.steps.append(_memories_step(source / MEMORIES_DIR, user_dir, data_dir))
    return plan


def _backup(plan: MigrationPlan) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = plan.data_dir / BACKUP_DIR / f"migration-{stamp}"
    target.mkdir(mode=0o700, parents=True)
    for step in plan.steps:
        if step.directory_target is not None:
            shutil.copytree(step.source, target / step.source.name, symlinks=True)
        else:
            shutil.copy2(step.source, target / step.source.name)
    make_private_tree(target)
    return target


def _copy_dir(source: Path, target: Path) -> None:
    staging = target.with_name(f".{target.name}.migrating")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, symlinks=True)
    make_private_tree(staging)
    staging.replace(target)


def _apply(step: Step) -> None:
    if step.state is StepState.PENDING:
        for path, payload in step.writes.items():
            write_atomic(path, payload)
        if step.directory_target is not None and not step.directory_target.exists():
            step.directory_target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _copy_dir(step.source, step.directory_target)
    # The source goes only once its content is in place.
    if step.directory_target is not None:
        shutil.rmtree(step.source)
    else:
        step.source.unlink()


def run_migration(plan: MigrationPlan) -> Path | None:
    """Back up every legacy entry, then carry out the plan's non-conflicting steps (blocking).

    Returns the backup directory, or None when there was nothing to do.
    """
    if not plan.actionable:
        return None
    backup = _backup(plan)
    for step in plan.actionable:
        _apply(step)
    return backup
