"""`POST /chat/stream`: a chat turn as server-sent events, memory markers removed as the text arrives.

The turn is `Coach.chat` itself (same lock, history, learning); only its answer is also handed out piece by
piece. A marker can be split anywhere across pieces (`<mem` + `ory:tone>...`), so text that could still
turn out to be the start of one is held until it is clearly not, and a marker is dropped once it is closed.
Markers never reach the client; the stored reply and the learned memories come from the whole raw answer,
exactly as for `POST /chat`.

Events: `delta` (`{"text": ...}`) any number of times, then exactly one `done` carrying the `POST /chat`
response. A client that goes away cancels the turn, and nothing of it is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson

from airfit.coach.memory import MARKER, strip_markers
from airfit.coach.models import ChatRequest

if TYPE_CHECKING:
    from airfit.coach.service import Coach

OPENING = "<memory:"


class MarkerFilter:
    """Feed raw chunks in; get back the text that is safe to show now."""

    def __init__(self) -> None:
        self.raw = ""
        """Everything fed so far, markers included (for storing and learning)."""
        self._pending = ""

    def feed(self, chunk: str) -> str:
        """The visible text this chunk completes ("" when all of it may still belong to a marker)."""
        self.raw += chunk
        self._pending += chunk
        shown: list[str] = []
        while True:
            start = self._pending.find(OPENING)
            if start == -1:
                keep = _partial_opening(self._pending)
                shown.append(self._pending[: len(self._pending) - keep])
                self._pending = self._pending[len(self._pending) - keep :]
                break
            shown.append(self._pending[:start])
            self._pending = self._pending[start:]
            marker = MARKER.match(self._pending)
            if marker is None:
                break
            self._pending = self._pending[marker.end() :]
        return "".join(shown)

    def finish(self) -> str:
        """What is left once the answer is complete: held text that was no marker after all."""
        rest, self._pending = self._pending, ""
        return strip_markers(rest) if rest.strip() else rest


def _partial_opening(text: str) -> int:
    """How many characters at the end of `text` could be the beginning of `<memory:`."""
    for size in range(min(len(OPENING) - 1, len(text)), 0, -1):
        if OPENING.startswith(text[-size:]):
            return size
    return 0


def event(name: str, data: dict[str, Any]) -> bytes:
    """One server-sent event (the JSON has no newlines, so it is one `data:` line)."""
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def chat_events(coach: Coach, *, user_id: str, request: ChatRequest) -> AsyncIterator[bytes]:
    """The turn's answer as `delta` events while it is written, then one `done` event."""
    pieces: asyncio.Queue[str | None] = asyncio.Queue()
    shown = MarkerFilter()

    def on_text(chunk: str) -> None:
        visible = shown.feed(chunk)
        if visible:
            pieces.put_nowait(visible)

    turn = asyncio.create_task(coach.chat(user_id=user_id, request=request, on_text=on_text))
    turn.add_done_callback(lambda _: pieces.put_nowait(None))
    try:
        while (piece := await pieces.get()) is not None:
            yield event("delta", {"text": piece})
        reply, _ = turn.result()
        rest = shown.finish() if reply.success else ""
        if rest:
            yield event("delta", {"text": rest})
        yield event("done", reply.model_dump(mode="json"))
    finally:
        # The client went away (or the turn failed): the turn must not go on without anyone listening.
        if not turn.done():
            turn.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await turn
