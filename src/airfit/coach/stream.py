"""A streamed reply as the user may see it: memory markers held back and removed as the text arrives.

A marker can be split anywhere across chunks (`<mem` + `ory:tone>...`), so text that could still turn out
to be the start of one is held until it is clearly not, and a marker is dropped once it is closed. Markers
never reach the client; the stored reply and the learned memories come from the whole raw answer, exactly
as for `POST /chat`.
"""

from __future__ import annotations

from airfit.coach.memory import MARKER, strip_markers

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
