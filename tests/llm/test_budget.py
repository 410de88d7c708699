"""Token estimates and trimming by priority: what gives way first when a prompt is over budget."""

from __future__ import annotations

from airfit.llm.budget import Block, estimate_tokens, fit, message_tokens
from airfit.llm.models import Turn


def test_estimate_counts_digits_and_symbols_and_errs_high_on_numbers() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("2026-11-29") == 10
    assert estimate_tokens("protein") == 2
    numbers = "W 183.4 | P 165g | C 2400 kcal | S 7.2h\n" * 20
    assert estimate_tokens(numbers) > len(numbers) / 4


def _turns(count: int) -> list[Turn]:
    return [
        Turn(role="user" if i % 2 == 0 else "assistant", content=f"turn {i} " + "x" * 200)
        for i in range(count)
    ]


def _blocks() -> list[Block]:
    return [
        Block("insights", "insight " * 100, priority=40),
        Block("weekly", "weekly " * 100, priority=50),
        Block("workouts", "workout " * 100, priority=10),
    ]


def test_everything_kept_within_budget() -> None:
    fitted = fit(100_000, fixed=["system", "hello"], blocks=_blocks(), history=_turns(6))
    assert fitted.dropped == []
    assert [b.name for b in fitted.blocks] == ["insights", "weekly", "workouts"]
    assert len(fitted.history) == 6
    assert not fitted.over


def test_oldest_exchanges_go_first_then_lowest_priority_blocks_in_order() -> None:
    blocks, history = _blocks(), _turns(8)
    full = fit(100_000, fixed=["s", "m"], blocks=blocks, history=history).tokens
    per_turn = message_tokens(history[0].content)
    # Room for five of the eight turns: only history goes, the oldest first and whole exchanges, cut to
    # half of its room at once so that the next turns can repeat this beginning.
    fitted = fit(full - 3 * per_turn, fixed=["s", "m"], blocks=blocks, history=history)
    assert fitted.history == history[6:]
    assert [b.name for b in fitted.blocks] == ["insights", "weekly", "workouts"]
    assert fitted.dropped == ["history:6"]
    # Far less room: history down to the last exchange, then the workouts block, then insights.
    tight = fit(full - 6 * per_turn - blocks[2].tokens - 10, fixed=["s", "m"], blocks=blocks, history=history)
    assert tight.history == history[6:]
    assert [b.name for b in tight.blocks] == ["weekly"]
    assert tight.dropped[:2] == ["workouts", "insights"]
    assert tight.tokens <= tight.budget


def test_fixed_parts_are_never_dropped_and_over_is_reported() -> None:
    fitted = fit(300, fixed=["system " * 400, "the question"], blocks=_blocks(), history=_turns(4))
    assert fitted.blocks == []
    assert fitted.history == []
    assert fitted.over
