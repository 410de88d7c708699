"""One-time import of the original server's Markdown memories.

`airfit migrate` moves the original `memories/` directory to `<data>/<user>/memories/`. The first time that
user's memory is used, its `relationship.md` entries and `session_notes/*.md` lines become entries of the
JSON memory document. The Markdown files are only read, never changed or deleted.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime
from pathlib import Path

from airfit.coach.memory import ENTRY_CHARS, MEMORIES, MemoryEntry, add_legacy_entries
from airfit.llm.models import utcnow
from airfit.storage import DocumentStore

HEADING = re.compile(r"^###\s+([A-Z][a-z]{2} \d{1,2})\s+-\s+(.+?)\s*$")
NOTE = re.compile(r"^-\s+\[(\w+)\]\s+(.+)$")
HEADING_TYPES = {"callback": "callback", "tone calibration": "tone", "active thread": "thread"}


def _heading_date(text: str, today: date) -> datetime:
    """`%b %d` without a year (the original's format): this year, or last year if that is in the future."""
    try:
        parsed = datetime.strptime(f"{text} {today.year}", "%b %d %Y").replace(tzinfo=UTC)
    except ValueError:
        return datetime(today.year, 1, 1, tzinfo=UTC)
    return parsed.replace(year=today.year - 1) if parsed.date() > today else parsed


def _relationship_entries(text: str, today: date) -> list[MemoryEntry]:
    entries: list[MemoryEntry] = []
    heading: tuple[datetime, str] | None = None
    for line in text.splitlines():
        match = HEADING.match(line.strip())
        if match:
            heading = (_heading_date(match.group(1), today), match.group(2).lower())
            continue
        if heading and line.startswith("- ") and line[2:].strip():
            kind = HEADING_TYPES.get(heading[1], "remember")
            entries.append(
                MemoryEntry(
                    type=kind, text=line[2:].strip()[:ENTRY_CHARS], created_at=heading[0], source="legacy"
                )
            )
    return entries


def _note_entries(path: Path) -> list[MemoryEntry]:
    try:
        day = datetime.strptime(path.stem, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = NOTE.match(line.strip())
        if match:
            kind = (
                match.group(1) if match.group(1) in ("remember", "callback", "tone", "thread") else "remember"
            )
            entries.append(
                MemoryEntry(
                    type=kind, text=match.group(2).strip()[:ENTRY_CHARS], created_at=day, source="legacy"
                )
            )
    return entries


def read_legacy_memories(directory: Path, today: date) -> list[MemoryEntry]:
    """Entries of an original `memories/` directory, oldest first, duplicates (same type and text) once."""
    if not directory.is_dir():
        return []
    found: list[MemoryEntry] = []
    relationship = directory / "relationship.md"
    if relationship.is_file():
        found += _relationship_entries(relationship.read_text(encoding="utf-8", errors="replace"), today)
    notes = directory / "session_notes"
    for path in sorted(notes.glob("*.md")) if notes.is_dir() else []:
        found += _note_entries(path)
    unique: dict[tuple[str, str], MemoryEntry] = {}
    for entry in sorted(found, key=lambda e: e.created_at):
        unique.setdefault((entry.type, entry.text), entry)
    return list(unique.values())


async def import_legacy_memories(store: DocumentStore, user_id: str) -> int:
    """Import the user's migrated Markdown memories once; returns how many entries were added."""
    if (await store.read(user_id, MEMORIES)).legacy_imported:
        return 0
    directory = store.scope_dir(user_id) / "memories"
    entries = await asyncio.to_thread(read_legacy_memories, directory, utcnow().date())
    return await add_legacy_entries(store, user_id, entries)
