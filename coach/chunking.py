"""Split a long transcript into overlapping chunks that fit a token budget.

Chunks break only between turns. A turn too large for the budget on its own is cut into pieces
(on sentence, then word, then character boundaries); each piece is a `Turn` with the same
speaker and timestamps whose text is a verbatim substring of the original, so quotes found in a
piece are still quotes of the whole turn. Pieces keep their turn's global index, which is why a
chunk stores its indices rather than deriving them from `first_turn`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.models import Turn

Render = Callable[[int, Turn], str]


def default_render(i: int, turn: Turn) -> str:
    """How a turn appears in a prompt: its global index, speaker and text."""
    return f"[{i}] {turn.speaker}: {turn.text}\n"


@dataclass(frozen=True)
class Chunk:
    """Consecutive turns (or pieces of turns) sent together; `indices` are global turn indices."""

    index: int
    first_turn: int
    turns: tuple[Turn, ...]
    indices: tuple[int, ...]

    @property
    def last_turn(self) -> int:
        """Global index of the chunk's last turn."""
        return self.indices[-1]

    def turn_index(self, k: int) -> int:
        """Global index of the chunk's k-th turn; pieces of one turn share an index."""
        return self.indices[k]


# Sentence ends: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_WORD_END = re.compile(r"\s+")


def _spans(text: str, start: int, end: int, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    # Units of text[start:end], each running up to (and including) the separator that ends it.
    out: list[tuple[int, int]] = []
    pos = start
    for m in sep.finditer(text, start, end):
        if m.end() > pos and m.start() > pos:
            out.append((pos, m.end()))
            pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _split(
    text: str, start: int, end: int, fits: Callable[[str], bool], level: int
) -> list[tuple[int, int]]:
    # Greedy: grow a piece unit by unit while it fits; a unit that alone is too big goes one
    # level finer (sentence -> word -> character).
    if level == 2:
        return _split_chars(text, start, end, fits)
    units = _spans(text, start, end, _SENTENCE_END if level == 0 else _WORD_END)
    pieces: list[tuple[int, int]] = []
    cur: int | None = None  # start of the open piece
    cur_end = start
    for u0, u1 in units:
        if cur is not None and fits(text[cur:u1].strip()):
            cur_end = u1
            continue
        if cur is not None:
            pieces.append((cur, cur_end))
        if fits(text[u0:u1].strip()):
            cur, cur_end = u0, u1
        else:
            pieces.extend(_split(text, u0, u1, fits, level + 1))
            cur = None
    if cur is not None:
        pieces.append((cur, cur_end))
    return pieces


def _split_chars(
    text: str, start: int, end: int, fits: Callable[[str], bool]
) -> list[tuple[int, int]]:
    # Binary search for the longest prefix that fits; token counts grow with length.
    pieces: list[tuple[int, int]] = []
    while start < end:
        lo, hi = start + 1, end
        if not fits(text[start:lo].strip()):
            raise ValueError("budget too small for even one character of a turn")
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(text[start:mid].strip()):
                lo = mid
            else:
                hi = mid - 1
        pieces.append((start, lo))
        start = lo
    return pieces


def split_turn(
    i: int, turn: Turn, budget: int, count: Callable[[str], int], render: Render = default_render
) -> list[Turn]:
    """Cut a turn into pieces whose rendering each fits `budget`; one piece if it already fits."""

    def fits(piece: str) -> bool:
        return count(render(i, turn.model_copy(update={"text": piece}))) <= budget

    if fits(turn.text):
        return [turn]
    spans = _split(turn.text, 0, len(turn.text), fits, 0)
    pieces = [turn.text[a:b].strip() for a, b in spans]
    # A whitespace-only turn strips to nothing; keep it as one empty piece so its index survives.
    return [turn.model_copy(update={"text": p}) for p in pieces if p] or [
        turn.model_copy(update={"text": ""})
    ]


def chunk_turns(
    turns: Sequence[Turn],
    budget: int,
    count: Callable[[str], int],
    overlap: int = 2,
    render: Render | None = None,
) -> list[Chunk]:
    """Pack turns greedily into chunks of at most `budget` tokens that share `overlap` turns.

    The overlap is counted in units (a turn, or a piece of a split turn) and shrinks when the
    shared units plus the next new one would not fit; every chunk adds at least one new unit.
    Raises ValueError if `budget` < 1, `overlap` < 0, or a turn's prefix alone exceeds `budget`.
    """
    if budget < 1:
        raise ValueError("budget must be at least 1")
    if overlap < 0:
        raise ValueError("overlap must not be negative")
    rend = render or default_render
    units: list[tuple[int, Turn]] = [
        (i, piece)
        for i, turn in enumerate(turns)
        for piece in split_turn(i, turn, budget, count, rend)
    ]
    sizes = [count(rend(i, t)) for i, t in units]

    chunks: list[Chunk] = []
    start = 0
    while start < len(units):
        end, used = start, 0
        while end < len(units) and used + sizes[end] <= budget:
            used += sizes[end]
            end += 1
        end = max(end, start + 1)  # unreachable guard: every unit fits on its own
        part = units[start:end]
        chunks.append(
            Chunk(
                index=len(chunks),
                first_turn=part[0][0],
                turns=tuple(t for _, t in part),
                indices=tuple(i for i, _ in part),
            )
        )
        if end == len(units):
            break
        # Step back over up to `overlap` units, keeping room for the next new unit.
        nxt, used = end, sizes[end]
        while nxt > max(end - overlap, start + 1) and used + sizes[nxt - 1] <= budget:
            nxt -= 1
            used += sizes[nxt]
        start = nxt
    return chunks
