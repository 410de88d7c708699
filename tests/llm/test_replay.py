"""Which earlier turns a chat prompt repeats: the start stays put between cuts, so prefix caches hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from airfit.llm.budget import fit
from airfit.llm.models import Turn
from airfit.llm.replay import HISTORY_TURNS, ReplayWindows

START = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def _exchange(n: int, words: int = 40) -> list[Turn]:
    at = START + timedelta(minutes=n)
    return [
        Turn(role="user", content=f"question {n} " + "word " * words, at=at),
        Turn(role="assistant", content=f"answer {n} " + "word " * words, at=at + timedelta(seconds=1)),
    ]


def _conversation(exchanges: int) -> list[Turn]:
    return [turn for n in range(exchanges) for turn in _exchange(n)]


def test_a_short_conversation_is_replayed_whole() -> None:
    windows = ReplayWindows()
    turns = _conversation(3)
    assert windows.window("brian", turns) == turns


def test_the_window_starts_where_the_last_prompt_started_until_too_many_turns_follow() -> None:
    windows = ReplayWindows()
    turns = _conversation(4)
    windows.replayed("brian", turns[2:])
    assert windows.window("brian", turns) == turns[2:]
    longer = _conversation(HISTORY_TURNS // 2 + 2)
    windows.replayed("brian", longer[:2])
    # The remembered start slid out of the last HISTORY_TURNS turns: cut to the last half of them at once.
    assert windows.window("brian", longer[-HISTORY_TURNS:]) == longer[-HISTORY_TURNS // 2 :]


def test_each_users_start_is_their_own_and_a_forgotten_turn_is_ignored() -> None:
    windows = ReplayWindows()
    turns = _conversation(4)
    windows.replayed("brian", turns[4:])
    assert windows.window("david", turns) == turns
    assert windows.window("brian", _conversation(2)) == _conversation(2)[:4]  # start not among them


def test_a_window_never_starts_with_an_answer() -> None:
    windows = ReplayWindows()
    turns = _conversation(HISTORY_TURNS)
    assert windows.window("brian", turns[1 : HISTORY_TURNS + 1])[0].role == "user"


@pytest.mark.parametrize("budget", [900, 1100], ids=["budget-cuts", "turn-limit-cuts"])
def test_a_long_conversation_keeps_its_prefix_on_most_turns_and_always_fits(budget: int) -> None:
    """Thirty exchanges under a budget that holds five of them (or under the turn limit): a window sliding
    by one exchange a turn would change the prompt's beginning on every turn once it is full."""
    windows = ReplayWindows()
    turns: list[Turn] = []
    previous: list[Turn] | None = None
    kept_prefix = 0
    for n in range(30):
        window = windows.window("brian", turns[-HISTORY_TURNS:])
        fitted = fit(budget, fixed=["system " * 200, f"question {n}"], blocks=[], history=window)
        windows.replayed("brian", fitted.history)
        assert not fitted.over
        if previous is not None and fitted.history[: len(previous)] == previous:
            kept_prefix += 1
        previous = fitted.history + _exchange(n)
        turns += _exchange(n)
    assert kept_prefix >= 20
