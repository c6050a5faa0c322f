"""Chunking: turn boundaries, budgets, overlap, and turns too big for one chunk."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.chunking import Chunk, chunk_turns, default_render, split_turn
from coach.models import Turn
from coach.tokens import counter_for


def words(s: str) -> int:
    """A deterministic stand-in for a tokenizer."""
    return len(s.split())


def size(i: int, t: Turn) -> int:
    return words(default_render(i, t))


def make_turns(n: int, per_turn: int = 3) -> list[Turn]:
    return [Turn(speaker=f"S{i % 3}", text=" ".join(["w"] * per_turn)) for i in range(n)]


def units(chunks: list[Chunk]) -> list[list[tuple[int, Turn]]]:
    return [list(zip(c.indices, c.turns, strict=True)) for c in chunks]


def test_empty() -> None:
    assert chunk_turns([], 100, words) == []


def test_one_chunk_when_everything_fits() -> None:
    turns = make_turns(5)
    (chunk,) = chunk_turns(turns, 1000, words)
    assert chunk.turns == tuple(turns)
    assert (chunk.index, chunk.first_turn, chunk.last_turn) == (0, 0, 4)
    assert [chunk.turn_index(k) for k in range(5)] == [0, 1, 2, 3, 4]


def test_overlap_of_two() -> None:
    turns = make_turns(10)  # each renders as 5 words
    chunks = chunk_turns(turns, 20, words, overlap=2)
    assert [c.indices for c in chunks] == [(0, 1, 2, 3), (2, 3, 4, 5), (4, 5, 6, 7), (6, 7, 8, 9)]
    assert [c.index for c in chunks] == [0, 1, 2, 3]


def test_no_overlap() -> None:
    chunks = chunk_turns(make_turns(6), 10, words, overlap=0)
    assert [c.indices for c in chunks] == [(0, 1), (2, 3), (4, 5)]


def test_always_advances_by_one_new_turn() -> None:
    # Only one turn fits per chunk: an overlap of 2 cannot hold, yet every chunk moves on.
    chunks = chunk_turns(make_turns(4), 6, words, overlap=2)
    assert [c.indices for c in chunks] == [(0,), (1,), (2,), (3,)]


def test_overlap_shrinks_to_leave_room() -> None:
    turns = [Turn(speaker="A", text="x " * n) for n in (2, 2, 2, 10)]  # sizes 5, 5, 5, 13
    chunks = chunk_turns(turns, 18, words, overlap=2)
    assert [c.indices for c in chunks] == [(0, 1, 2), (2, 3)]


def test_big_turn_is_split_on_sentences() -> None:
    text = "One two three. Four five six. Seven eight nine. Ten eleven twelve."
    turns = [Turn(speaker="A", text="hi"), Turn(speaker="B", text=text, start=3.0)]
    chunks = chunk_turns(turns, 9, words, overlap=0)
    pieces = [t for c in chunks for t in c.turns if t.speaker == "B"]
    assert [p.text for p in pieces] == [
        "One two three. Four five six.",
        "Seven eight nine. Ten eleven twelve.",
    ]
    assert all(p.start == 3.0 for p in pieces)
    assert [c.indices for c in chunks] == [(0,), (1,), (1,)]
    assert chunks[1].turn_index(0) == 1 and chunks[2].first_turn == 1


def test_long_sentence_is_split_on_words_then_characters() -> None:
    turn = Turn(speaker="A", text="a b c d e f g h")
    pieces = split_turn(0, turn, 5, words)
    assert [p.text for p in pieces] == ["a b c", "d e f", "g h"]
    long_word = Turn(speaker="A", text="x" * 50)
    by_chars = split_turn(0, long_word, 10, len)  # "[0] A: " + "\n" is 8 characters
    assert "".join(p.text for p in by_chars) == "x" * 50
    assert all(len(default_render(0, p)) <= 10 for p in by_chars)


def test_budget_too_small() -> None:
    with pytest.raises(ValueError, match="budget"):
        chunk_turns([Turn(speaker="A", text="hello")], 2, words)
    with pytest.raises(ValueError):
        chunk_turns(make_turns(2), 0, words)
    with pytest.raises(ValueError):
        chunk_turns(make_turns(2), 10, words, overlap=-1)


def test_custom_render() -> None:
    turns = make_turns(4)
    chunks = chunk_turns(turns, 6, words, overlap=0, render=lambda i, t: t.text)
    assert [c.indices for c in chunks] == [(0, 1), (2, 3)]


def test_three_hour_meeting() -> None:
    count = counter_for("gpt-4").count
    sentence = "So we will have to look at the rollout plan again before the board meets."
    turns = [
        Turn(speaker=f"Speaker {i % 5}", text=f"{sentence} Item {i}.", start=i * 4.3)
        for i in range(2500)
    ]
    assert sum(len(t.text.split()) for t in turns) > 30_000
    chunks = chunk_turns(turns, 8000, count)
    assert 4 <= len(chunks) < 20
    assert {i for c in chunks for i in c.indices} == set(range(2500))
    assert all(
        sum(count(default_render(i, t)) for i, t in zip(c.indices, c.turns, strict=True)) <= 8000
        for c in chunks
    )


# --- properties -------------------------------------------------------------------------------

_ids = itertools.count()


def _turn(sentences: list[int]) -> Turn:
    # Unique words make every unit distinguishable, so overlaps can be checked by equality.
    text = " ".join(" ".join(f"w{next(_ids)}" for _ in range(n)) + "." for n in sentences)
    return Turn(speaker="Sp", text=text)


turn_lists = st.lists(st.lists(st.integers(1, 12), min_size=1, max_size=5).map(_turn), max_size=30)


@settings(max_examples=200, deadline=None)
@given(turns=turn_lists, budget=st.integers(4, 40), overlap=st.integers(0, 3))
def test_chunking_properties(turns: list[Turn], budget: int, overlap: int) -> None:
    chunks = chunk_turns(turns, budget, words, overlap=overlap)
    expected = [(i, p) for i, t in enumerate(turns) for p in split_turn(i, t, budget, words)]
    if not turns:
        assert chunks == []
        return
    assert {i for c in chunks for i in c.indices} == set(range(len(turns)))
    for c in chunks:
        assert list(c.indices) == sorted(c.indices)
        assert c.first_turn == c.indices[0] and c.last_turn == c.indices[-1]
        assert all(size(i, t) <= budget for i, t in zip(c.indices, c.turns, strict=True))
        assert sum(size(i, t) for i, t in zip(c.indices, c.turns, strict=True)) <= budget
    # Pieces are verbatim parts of their turn.
    for i, p in expected:
        assert p.text in turns[i].text
    # Removing each chunk's overlap rebuilds the unit sequence exactly; each overlap is the
    # largest (up to `overlap`) that leaves room for the next new unit.
    seq = units(chunks)
    rebuilt = list(seq[0])
    ends = [len(rebuilt)]  # position after each chunk's last unit in the unit sequence
    for a, b in itertools.pairwise(seq):
        k = next(j for j in range(min(len(a), len(b)), -1, -1) if a[len(a) - j :] == b[:j])
        assert k < len(b)  # at least one new unit
        new_size = size(*b[k])
        want = max(
            j
            for j in range(min(overlap, len(a) - 1) + 1)
            if sum(size(*u) for u in a[len(a) - j :]) + new_size <= budget
        )
        assert k == want
        rebuilt += b[k:]
        ends.append(len(rebuilt))
    assert rebuilt == expected
    # Greedy: a chunk stops only when the next unit would not fit.
    for chunk, end in zip(seq[:-1], ends[:-1], strict=True):
        assert sum(size(*u) for u in chunk) + size(*expected[end]) > budget
