"""Relationship memory per user (`<user>/memories.json`).

The coach marks things worth remembering with `<memory:type>…</memory:type>`; the iOS app syncs the markers
it extracted itself. Entries are kept as a JSON document; the prompt gets the consolidated summary plus the
NEWEST entries that fit its budget (what was said lately matters most; the oldest are in the summary).
Weekly consolidation folds week-old entries into a validated summary, keeps the previous summary, and
removes only the entries it folded in, so anything added while the LLM was thinking survives.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal, TypeGuard

from pydantic import BaseModel, Field, StringConstraints

from airfit.config import CallKind
from airfit.llm.budget import estimate_tokens, message_tokens
from airfit.llm.models import utcnow
from airfit.llm.router import LLMRouter
from airfit.llm.structured import ask_structured
from airfit.storage import Document, DocumentStore, register

MemoryType = Literal["remember", "callback", "tone", "thread"]
MEMORY_TYPES: tuple[str, ...] = ("remember", "callback", "tone", "thread")


def is_memory_type(kind: str) -> TypeGuard[MemoryType]:
    """Whether `kind` is one of the coach's marker types."""
    return kind in MEMORY_TYPES


MARKER = re.compile(r"<memory:(\w+)>(.*?)</memory:\1>", re.DOTALL)
UNCLOSED = re.compile(r"<memory:\w+>(?:(?!</memory:).)*\Z", re.DOTALL)
"""A marker opened and never closed, at the end (an answer cut off by its token limit)."""
ENTRY_CHARS = 500
ENTRY_LIMIT = 400
"""Entries kept between consolidations; beyond it the oldest go first."""
PROMPT_CHARS = 3000
"""Budget of the memory block in the system prompt; the newest entries are kept."""
CONSOLIDATE_AFTER = timedelta(days=7)
CONSOLIDATE_MIN_CHARS = 500
PREVIOUS_KEPT = 3

Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class MemoryEntry(BaseModel):
    """One remembered thing."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    type: MemoryType
    text: str
    created_at: datetime = Field(default_factory=utcnow)
    source: Literal["chat", "app", "legacy"] = "chat"


class RelationshipSummary(BaseModel):
    """The consolidated relationship memory, as the LLM must return it (and as stored)."""

    callbacks: list[Item] = Field(default_factory=list, max_length=20)
    what_works: list[Item] = Field(default_factory=list, max_length=15)
    what_doesnt_work: list[Item] = Field(default_factory=list, max_length=15)
    active_threads: list[Item] = Field(default_factory=list, max_length=15)
    memorable: list[Item] = Field(default_factory=list, max_length=20)
    consolidated_at: datetime = Field(default_factory=utcnow)

    def is_empty(self) -> bool:
        """True when no section holds anything."""
        return not any(
            (self.callbacks, self.what_works, self.what_doesnt_work, self.active_threads, self.memorable)
        )


class MemoryBook(BaseModel):
    """Everything remembered about one user's relationship with the coach."""

    entries: list[MemoryEntry] = Field(default_factory=list)
    summary: RelationshipSummary | None = None
    previous_summaries: list[RelationshipSummary] = Field(default_factory=list)
    legacy_imported: bool = False


MEMORIES = register(Document("memories", MemoryBook))


class ConsolidationResult(BaseModel):
    """What one consolidation run did."""

    consolidated: bool = False
    archived: int = 0
    error: str | None = None


def extract_markers(text: str) -> list[tuple[MemoryType, str]]:
    """The non-empty markers of known types, in order (unknown types and empty markers are ignored)."""
    found: list[tuple[MemoryType, str]] = []
    for kind, content in MARKER.findall(text):
        body = " ".join(content.split())[:ENTRY_CHARS]
        if is_memory_type(kind) and body:
            found.append((kind, body))
    return found


def strip_markers(text: str) -> str:
    """The reply as the user sees it: every marker (and an unclosed one at the end) removed, runs of blank
    lines collapsed."""
    return re.sub(r"\n{3,}", "\n\n", UNCLOSED.sub("", MARKER.sub("", text))).strip()


async def add_memories(
    store: DocumentStore, user_id: str, items: list[tuple[MemoryType, str]], *, source: str = "chat"
) -> int:
    """Store entries for one user; returns how many were new.

    An entry already kept (same type and text) is not added again: the app sends a whole pass again when
    any part of it failed, and a reply may repeat a note."""
    if not items:
        return 0
    async with store.transaction(user_id, MEMORIES) as book:
        kept = {(entry.type, entry.text) for entry in book.entries}
        fresh = [item for item in dict.fromkeys(items) if item not in kept]
        for kind, text in fresh:
            book.entries.append(MemoryEntry(type=kind, text=text, source=source))
        del book.entries[:-ENTRY_LIMIT]
    return len(fresh)


async def add_legacy_entries(store: DocumentStore, user_id: str, entries: list[MemoryEntry]) -> int:
    """Put the original server's entries before the user's own, once; returns how many were added."""
    async with store.transaction(user_id, MEMORIES) as book:
        if book.legacy_imported:
            return 0
        book.entries = entries + book.entries
        book.legacy_imported = True
    return len(entries)


def _summary_lines(summary: RelationshipSummary) -> list[str]:
    sections = [
        ("Inside jokes & callbacks", summary.callbacks),
        ("What works", summary.what_works),
        ("What doesn't work", summary.what_doesnt_work),
        ("Active threads", summary.active_threads),
        ("Memorable exchanges", summary.memorable),
    ]
    lines: list[str] = []
    for title, items in sections:
        if items:
            lines.append(f"{title}:")
            lines.extend(f"- {item}" for item in items)
    return lines


def memory_text(book: MemoryBook, budget: int = PROMPT_CHARS, *, said_since: datetime | None = None) -> str:
    """The memory block for the system prompt: the summary, then the newest entries that fit.

    Notes the coach itself wrote since `said_since` (the start of the conversation the model is sent again)
    are left out: the model sees them in its own earlier replies, and the block stays the same from turn to
    turn, so the model server's prefix cache holds.
    """
    entries = [
        entry
        for entry in book.entries
        if said_since is None or entry.source != "chat" or entry.created_at < said_since
    ]
    parts: list[str] = []
    if book.summary is not None and not book.summary.is_empty():
        parts.append("\n".join(_summary_lines(book.summary)))
    used = sum(len(p) for p in parts)
    recent: list[str] = []
    for entry in reversed(entries):
        line = f"- [{entry.type}] {entry.created_at:%b %d}: {entry.text}"
        if used + len(line) + 1 > budget:
            break
        recent.append(line)
        used += len(line) + 1
    if recent:
        parts.append("Recent notes:\n" + "\n".join(reversed(recent)))
    return "\n\n".join(parts)


async def memory_context(store: DocumentStore, user_id: str, *, said_since: datetime | None = None) -> str:
    """The user's memory block (empty when nothing is remembered); see `memory_text` for `said_since`."""
    return memory_text(await store.read(user_id, MEMORIES), said_since=said_since)


CONSOLIDATE_SYSTEM = (
    "You maintain a fitness coach's relationship memory about one person. Merge the current summary and "
    "the new notes into a compact summary. Keep what matters for future conversations, drop duplicates "
    "and stale details, and never invent anything. Reply with only a JSON object with the list keys "
    "callbacks, what_works, what_doesnt_work, active_threads, memorable (short strings, at most 15 each)."
)


def _consolidation_prompt(summary: RelationshipSummary | None, entries: list[MemoryEntry]) -> str:
    current = "\n".join(_summary_lines(summary)) if summary else "(none yet)"
    notes = "\n".join(f"- [{e.type}] {e.created_at:%Y-%m-%d}: {e.text}" for e in entries)
    return (
        f"CURRENT SUMMARY:\n{current}\n\nNEW NOTES (older than a week):\n{notes}\n\nReturn the merged JSON."
    )


def _fitting(
    entries: list[MemoryEntry], summary: RelationshipSummary | None, budget: int
) -> list[MemoryEntry]:
    """The oldest entries whose prompt fits the budget; the others wait for the next consolidation."""
    used = message_tokens(CONSOLIDATE_SYSTEM) + message_tokens(_consolidation_prompt(summary, []))
    kept: list[MemoryEntry] = []
    for entry in sorted(entries, key=lambda e: e.created_at):
        cost = estimate_tokens(f"- [{entry.type}] {entry.created_at:%Y-%m-%d}: {entry.text}") + 1
        if used + cost > budget and kept:
            break
        kept.append(entry)
        used += cost
    return kept


async def consolidate(
    store: DocumentStore, router: LLMRouter, user_id: str, *, now: datetime | None = None
) -> ConsolidationResult:
    """Fold the user's week-old entries into the summary (the weekly job, which gives way to chats)."""
    cutoff = (now or utcnow()) - CONSOLIDATE_AFTER
    book = await store.read(user_id, MEMORIES)
    old = [e for e in book.entries if e.created_at < cutoff]
    if not old:
        return ConsolidationResult()
    size = sum(len(e.text) for e in old) + len(
        "\n".join(_summary_lines(book.summary or RelationshipSummary()))
    )
    if size < CONSOLIDATE_MIN_CHARS:
        # Too little to be worth an LLM call; the entries stay and stay in the prompt.
        return ConsolidationResult()
    old = _fitting(old, book.summary, router.settings.prompt_budget(CallKind.MEMORY))
    answer = await ask_structured(
        router,
        RelationshipSummary,
        _consolidation_prompt(book.summary, old),
        kind=CallKind.MEMORY,
        system_prompt=CONSOLIDATE_SYSTEM,
        background=True,
    )
    if answer.value is None:
        return ConsolidationResult(error=answer.error)
    if answer.value.is_empty():
        return ConsolidationResult(error="the model returned an empty summary; memory left unchanged")
    folded = {e.id for e in old}
    async with store.transaction(user_id, MEMORIES) as current:
        if current.summary is not None:
            current.previous_summaries = [current.summary, *current.previous_summaries][:PREVIOUS_KEPT]
        current.summary = answer.value.model_copy(update={"consolidated_at": utcnow()})
        current.entries = [e for e in current.entries if e.id not in folded]
    return ConsolidationResult(consolidated=True, archived=len(folded))
