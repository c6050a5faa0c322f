"""The normalised view: cleaned words for detection, verbatim spans for quotes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coach.engines.offline.normalize import clean, split_units, tokenize


def test_fillers_stutters_and_false_starts_are_removed_from_the_words() -> None:
    words = [
        t.text
        for t in clean(tokenize("Um so I'll- we'll we'll send the the uh pack, you know, tomorrow"))
    ]
    assert words == ["so", "we'll", "send", "the", "pack", "tomorrow"]


def test_unpunctuated_speech_is_cut_where_a_new_thought_starts() -> None:
    text = (
        "yeah so I guess I'll uh I'll get that over to you by thursday and um we we need the consent "
        "piece sorted before launch so can you check with legal"
    )
    quotes = [u.quote for u in split_units(0, "x", text)]
    assert "I'll uh I'll get that over to you by thursday" in quotes[1]
    assert quotes[-1] == "so can you check with legal"
    assert len(quotes) >= 3


def test_punctuated_speech_is_cut_at_sentences_not_inside_a_clause() -> None:
    units = split_units(0, "x", "The total I'll send you is ready. Can you check it? Yes.")
    assert [u.quote for u in units] == [
        "The total I'll send you is ready.",
        "Can you check it?",
        "Yes.",
    ]
    assert [u.question for u in units] == [False, True, False]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_every_unit_quote_is_the_exact_slice_of_its_turn(text: str) -> None:
    for u in split_units(3, "x", text):
        assert u.quote == text[u.start : u.end]
        assert u.turn == 3 and u.quote.strip() == u.quote
