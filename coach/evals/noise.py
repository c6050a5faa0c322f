"""Deterministic speech-to-text noise: the same meeting as a machine transcriber might write it.

Fillers, repeated words, dropped punctuation and lower-cased sentence starts are added per turn
from a seeded generator, so `coach eval --noise 7` is the same run every time. Gold quotes are
carried through the same edits, so they still point at the words they annotated.
"""

from __future__ import annotations

import random
import re

from coach.evals.gold import Gold
from coach.models import Transcript

FILLERS = ("um", "uh", "you know", "like", "I mean", "sort of", "uh")
P_FILLER = 0.07
P_REPEAT = 0.05
P_DROP_PUNCT = 0.7
P_LOWER_START = 0.8

_TOKEN = re.compile(r"\S+")
_TRAILING = re.compile(r"[.,!?;:]+$")


class NoisyTurn:
    """A turn's noised text with a map from original character offsets to noised ones."""

    def __init__(self, text: str, rng: random.Random) -> None:
        out: list[str] = []
        length = 0
        self.at = [0] * (len(text) + 1)  # original offset -> noised offset
        pos = 0
        sentence_start = True
        for m in _TOKEN.finditer(text):
            gap = text[pos : m.start()]
            for i in range(pos, m.start()):
                self.at[i] = length
            if out and gap:
                out.append(" ")
                length += 1
            word = m.group()
            if out and rng.random() < P_FILLER:
                filler = rng.choice(FILLERS) + " "
                out.append(filler)
                length += len(filler)
            core = word
            punct = _TRAILING.search(word)
            ends_sentence = bool(punct and re.search(r"[.!?]", punct.group()))
            if punct and rng.random() < P_DROP_PUNCT:
                core = word[: punct.start()] or word
            if (
                sentence_start
                and core[:1].isupper()
                and not _keeps_capital(core)
                and rng.random() < P_LOWER_START
            ):
                core = core[:1].lower() + core[1:]
            if rng.random() < P_REPEAT and core[:1].isalpha():
                bare = _TRAILING.sub("", core)
                out.append(bare + " ")
                length += len(bare) + 1
            for i in range(m.start(), m.end()):
                self.at[i] = length + min(i - m.start(), len(core))
            out.append(core)
            length += len(core)
            pos = m.end()
            sentence_start = ends_sentence
        for i in range(pos, len(text) + 1):
            self.at[i] = length
        self.text = "".join(out)

    def span(self, start: int, end: int) -> str:
        """The noised text of the original span [start, end)."""
        return self.text[self.at[start] : self.at[end]].strip(" ,")


def _keeps_capital(word: str) -> bool:
    """'I', "I'll" and acronyms keep their capitals in machine transcripts too."""
    bare = re.sub(r"\W", "", word)
    return word.startswith(("I ", "I'", "I\u2019")) or word == "I" or bare.isupper()


def add_noise(transcript: Transcript, gold: Gold, seed: int) -> tuple[Transcript, Gold]:
    """The transcript with speech-to-text noise, and the gold with its quotes carried over."""
    noisy = [
        NoisyTurn(t.text, random.Random(f"{seed}:{i}")) for i, t in enumerate(transcript.turns)
    ]
    turns = [
        t.model_copy(update={"text": n.text}) for t, n in zip(transcript.turns, noisy, strict=True)
    ]

    def carry(quote: str) -> str:
        for original, n in zip(transcript.turns, noisy, strict=True):
            at = original.text.find(quote)
            if at >= 0:
                return n.span(at, at + len(quote)) or quote
        return quote  # not in the transcript: scoring reports it as before

    data = gold.model_dump(mode="json")
    for key in ("action_items", "decisions"):
        for item in data[key]:
            item["quote"] = carry(item["quote"])
            item["also"] = [carry(q) for q in item["also"]]
    for obj in data.get("objections") or []:
        obj["quote"] = carry(obj["quote"])
        if obj.get("response"):
            obj["response"] = carry(obj["response"])
    data["flags"]["evidence"] = {
        c: [carry(q) for q in qs] for c, qs in data["flags"]["evidence"].items()
    }
    for trap in data["traps"]:
        trap["quote"] = carry(trap["quote"])
    return transcript.model_copy(update={"turns": turns}), Gold.model_validate(data)
