"""Which earlier turns a chat prompt repeats, for providers that keep no conversation of their own.

A window that slid by one exchange every turn would change the prompt right after its system part, and a
model server's prefix cache would be lost on every turn of a long conversation. Here the replayed turns
start at a remembered turn and the start moves only when it must: when more than `HISTORY_TURNS` turns
follow it (then to the last half of them), or when the prompt's budget cuts it (`airfit.llm.budget.fit`
then cuts by half of the room at once). In between, each prompt begins with the whole previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from airfit.llm.models import Turn

HISTORY_TURNS = 12
"""Earlier turns replayed at most."""


def _from_a_question(turns: list[Turn]) -> list[Turn]:
    # A history that starts with the coach's answer confuses chat templates.
    while turns and turns[0].role != "user":
        turns = turns[1:]
    return turns


class ReplayWindows:
    """Where each user's replayed turns start; kept in memory (after a restart the first turn re-cuts)."""

    def __init__(self) -> None:
        self._starts: dict[str, datetime] = {}

    def window(self, user_id: str, recent: Sequence[Turn]) -> list[Turn]:
        """The turns to replay from `recent` (the user's last `HISTORY_TURNS` turns, oldest first)."""
        turns = list(recent[-HISTORY_TURNS:])
        start = self._starts.get(user_id)
        index = next((i for i, turn in enumerate(turns) if turn.at == start), None)
        if index is not None:
            return _from_a_question(turns[index:])
        if len(turns) >= HISTORY_TURNS:
            return _from_a_question(turns[-HISTORY_TURNS // 2 :])
        return _from_a_question(turns)

    def replayed(self, user_id: str, turns: Sequence[Turn]) -> None:
        """Remember where the turns a prompt was sent with started."""
        if turns:
            self._starts[user_id] = turns[0].at
        else:
            self._starts.pop(user_id, None)
