"""Chat sessions per `user_id:provider` in `_server/sessions.json`, and each user's recent turns.

Sessions survive restarts. Reading one never changes it (`GET /status` must not mutate anything); only a
successful conversation turn records use.
"""

from __future__ import annotations

import uuid

from airfit.llm.models import CHAT_HISTORY, SESSIONS, SessionRecord, Turn, utcnow
from airfit.storage import SERVER_SCOPE, DocumentStore

HISTORY_LIMIT = 40
"""Turns kept per user (20 exchanges); the oldest are dropped first."""


def session_key(user_id: str, provider: str) -> str:
    """The key of one user's session with one provider."""
    return f"{user_id}:{provider}"


async def get_session(store: DocumentStore, user_id: str, provider: str) -> SessionRecord | None:
    """The stored session, or None; never creates or changes anything."""
    book = await store.read(SERVER_SCOPE, SESSIONS)
    return book.sessions.get(session_key(user_id, provider))


async def latest_session(store: DocumentStore, user_id: str) -> SessionRecord | None:
    """The user's most recently used session with any provider (read only)."""
    book = await store.read(SERVER_SCOPE, SESSIONS)
    prefix = f"{user_id}:"
    mine = [record for key, record in book.sessions.items() if key.startswith(prefix)]
    return max(mine, key=lambda r: r.last_used) if mine else None


async def current_session(store: DocumentStore, user_id: str, provider: str) -> SessionRecord:
    """The user's session with a provider, or a fresh unsaved one; stored only once a turn succeeds."""
    existing = await get_session(store, user_id, provider)
    return existing if existing is not None else new_session(provider)


def new_session(provider: str) -> SessionRecord:
    """A session id not yet known to the provider (started with --session-id)."""
    return SessionRecord(session_id=str(uuid.uuid4()), provider=provider)


async def record_turn(store: DocumentStore, user_id: str, provider: str, session_id: str | None) -> None:
    """Count a successful conversation turn on the session that answered it."""
    key = session_key(user_id, provider)
    async with store.transaction(SERVER_SCOPE, SESSIONS) as book:
        record = book.sessions.get(key)
        if record is None or (session_id is not None and record.session_id != session_id):
            record = SessionRecord(session_id=session_id or str(uuid.uuid4()), provider=provider)
            book.sessions[key] = record
        record.started = True
        record.message_count += 1
        record.last_used = utcnow()


async def clear_sessions(store: DocumentStore, user_id: str) -> bool:
    """Forget every session and the turn history of one user; True if there was anything to clear."""
    prefix = f"{user_id}:"
    async with store.transaction(SERVER_SCOPE, SESSIONS) as book:
        mine = [key for key in book.sessions if key.startswith(prefix)]
        for key in mine:
            del book.sessions[key]
    had_history = await store.delete(user_id, CHAT_HISTORY)
    return bool(mine) or had_history


async def recent_turns(store: DocumentStore, user_id: str, limit: int = 12) -> list[Turn]:
    """The user's last turns, oldest first."""
    history = await store.read(user_id, CHAT_HISTORY)
    return list(history.turns[-limit:])


def exchange(
    user_text: str, reply: str, *, prompt: str | None = None, answer: str | None = None
) -> list[Turn]:
    """One question and its answer, as the history keeps them: as shown to the user, and as the model saw
    them (`prompt`, `answer`) where that differs."""
    return [
        Turn(role="user", content=user_text, sent=prompt if prompt != user_text else None),
        Turn(role="assistant", content=reply, sent=answer if answer != reply else None),
    ]


async def append_turns(store: DocumentStore, user_id: str, turns: list[Turn]) -> None:
    """Add turns to the user's history, dropping the oldest beyond the limit."""
    async with store.transaction(user_id, CHAT_HISTORY) as history:
        history.turns.extend(turns)
        del history.turns[:-HISTORY_LIMIT]
