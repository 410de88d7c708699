"""Memory markers never reach a streamed reply, wherever the chunks split them."""

from __future__ import annotations

import itertools

import pytest

from airfit.coach.memory import strip_markers
from airfit.coach.stream import MarkerFilter

REPLIES = [
    "Nice work!<memory:remember>deadlift 405</memory:remember> Keep going.",
    "<memory:tone>blunt works</memory:tone>Start. <memory:thread>knee</memory:thread>End <b>ok</b>",
    "Less than < more, <mem not a marker, a <memory:bogus>x</memory:bogus> gone",
    "Cut off here <memory:remember>half a note",
    "No markers at all, just text with a < sign.",
]


def _streamed(chunks: list[str]) -> str:
    flt = MarkerFilter()
    out = "".join(flt.feed(chunk) for chunk in chunks)
    return out + flt.finish()


@pytest.mark.parametrize("reply", REPLIES)
def test_every_two_way_and_three_way_split_shows_no_marker(reply: str) -> None:
    expected = " ".join(strip_markers(reply).split())
    cuts = range(1, len(reply))
    for a, b in itertools.chain(((a, a) for a in cuts), itertools.combinations(cuts, 2)):
        shown = _streamed([reply[:a], reply[a:b], reply[b:]])
        assert "<memory:" not in shown
        assert "</memory" not in shown
        assert " ".join(shown.split()) == expected


def test_one_character_at_a_time_and_raw_kept() -> None:
    reply = REPLIES[1]
    flt = MarkerFilter()
    shown = "".join(flt.feed(c) for c in reply) + flt.finish()
    assert "memory" not in shown
    assert flt.raw == reply


def test_text_is_released_as_soon_as_it_cannot_be_a_marker() -> None:
    flt = MarkerFilter()
    assert flt.feed("Hello <") == "Hello "
    assert flt.feed("b>") == "<b>"
    assert flt.feed(" and <memory:to") == " and "
    assert flt.feed("ne>x</memory:tone> after") == " after"
