"""Speech-to-text noise for evals: deterministic, noisy, and gold quotes carried along."""

from __future__ import annotations

import itertools
import random

from coach.evals.gold import load_dataset
from coach.evals.noise import NoisyTurn, add_noise
from coach.evals.scoring import anchor_turns
from coach.transcripts import load_transcript
from tests.conftest import DATASET

TEXT = "Okay. I'll send the pack tomorrow, Dana. Then we review it on Friday! Right?"


def test_same_seed_same_noise_other_seed_other_noise() -> None:
    a = NoisyTurn(TEXT, random.Random("1:0")).text
    b = NoisyTurn(TEXT, random.Random("1:0")).text
    c = [NoisyTurn(TEXT, random.Random(f"{s}:0")).text for s in range(2, 12)]
    assert a == b
    assert any(x != a for x in c)


def test_noise_adds_fillers_repeats_drops_punctuation_and_lowers_starts() -> None:
    outs = [NoisyTurn(TEXT * 3, random.Random(f"{s}:0")).text for s in range(20)]
    joined = " ".join(outs)
    assert any(f" {f} " in joined for f in ("um", "uh", "you know", "like", "I mean"))
    assert sum(o.count(".") for o in outs) < 20 * 3 * 2  # fewer full stops than the source
    assert " then we" in joined or "then we" in joined  # a sentence start lower-cased
    words = joined.split()
    assert any(w == v for w, v in itertools.pairwise(words) if w.isalpha())


def test_span_maps_original_offsets_into_the_noised_text() -> None:
    for seed in range(30):
        n = NoisyTurn(TEXT, random.Random(f"{seed}:0"))
        at = TEXT.index("send the pack")
        span = n.span(at, at + len("send the pack"))
        assert span in n.text
        assert "send" in span and "pack" in span


def test_every_gold_anchor_survives_noise_in_its_turn() -> None:
    for m in load_dataset(DATASET)[:6]:
        clean = load_transcript(m.transcript_path)
        noisy, gold = add_noise(clean, m.gold, seed=5)
        assert len(noisy.turns) == len(clean.turns)
        assert any(a.text != b.text for a, b in zip(clean.turns, noisy.turns, strict=True))
        for before, after in zip(m.gold.action_items, gold.action_items, strict=True):
            assert anchor_turns(after.quote, noisy) == anchor_turns(before.quote, clean)
