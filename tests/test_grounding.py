"""Grounding: verbatim quotes stay, near-misses are repaired, inventions never reach the report."""

from __future__ import annotations

from coach.grounding import find_verbatim, ground_evidence, ground_items
from coach.models import Decision, Evidence, Transcript


def test_exact_quote_is_kept(design_transcript: Transcript) -> None:
    ev = Evidence(turn=1, speaker="Ben Cole", quote="Security hasn't seen it.")
    kept, dropped = ground_evidence([ev], design_transcript)
    assert kept == [ev] and dropped == 0


def test_curly_apostrophes_and_spacing_are_repaired_to_the_exact_span(
    design_transcript: Transcript,
) -> None:
    ev = Evidence(turn=1, speaker="Ben Cole", quote="Security  hasn\u2019t seen it")
    kept, _ = ground_evidence([ev], design_transcript)
    assert kept[0].quote == "Security hasn't seen it"
    assert kept[0].quote in design_transcript.turns[1].text


def test_quote_in_another_turn_is_moved_there_with_its_speaker(
    design_transcript: Transcript,
) -> None:
    ev = Evidence(turn=0, speaker="Ana Silva", quote="It needs single sign-on")
    kept, _ = ground_evidence([ev], design_transcript)
    assert (kept[0].turn, kept[0].speaker) == (1, "Ben Cole")


def test_invented_quote_is_dropped_and_item_without_evidence_is_warned(
    design_transcript: Transcript,
) -> None:
    invented = Decision(
        id="D1",
        description="Buy it",
        evidence=[Evidence(turn=0, speaker="Ana Silva", quote="We will buy it now")],
    )
    partly = Decision(
        id="D2",
        description="Review first",
        evidence=[
            Evidence(turn=1, speaker="Ben Cole", quote="a data review first"),
            Evidence(turn=1, speaker="Ben Cole", quote="never said this"),
        ],
    )
    kept, warnings = ground_items([invented, partly], design_transcript, "decision")
    assert [d.id for d in kept] == ["D2"]
    assert [e.quote for e in kept[0].evidence] == ["a data review first"]
    assert any("Buy it" in w and "dropped" in w for w in warnings)
    assert any("1 quote(s)" in w for w in warnings)


def test_find_verbatim_rejects_blank_and_paraphrase() -> None:
    assert find_verbatim("   ", "anything") is None
    assert find_verbatim("we bought the tool", "we signed the tool") is None
    assert find_verbatim("the tool...", "we signed the tool today") == "the tool"


def test_quotes_that_are_not_verbatim_fold_each_turn_once() -> None:
    from coach.grounding import TurnIndex
    from coach.models import ActionItem, Evidence, Transcript, Turn

    words = " ".join(f"word{i}" for i in range(20_000))
    transcript = Transcript(turns=[Turn(speaker="Ana", text=words), Turn(speaker="Ben", text="ok")])
    paraphrased = [
        ActionItem(
            id="",
            description=f"item {k}",
            evidence=[Evidence(turn=0, speaker="Ana", quote=f"word{k}  word{k + 1} and more")],
            confidence=0.5,
        )
        for k in range(50)
    ]
    spaced = ActionItem(
        id="",
        description="spacing drift",
        evidence=[Evidence(turn=1, speaker="Ana", quote="word7\n word8")],
        confidence=0.5,
    )
    index = TurnIndex(transcript)
    kept, warnings = ground_items([*paraphrased, spaced], transcript, "action item", index=index)
    # Turn 0 once, not once per quote; "ok" lacks the quotes' words, so it is never folded.
    assert index.folds == 1
    assert [e.quote for item in kept for e in item.evidence] == ["word7 word8"]
    assert len(warnings) == 50


def test_typographic_drift_is_found_in_a_long_turn_past_the_word_check() -> None:
    from coach.grounding import find_verbatim

    text = "So \u201cthe plan\u201d \u2014 honestly \u2014 is that I\u2019ll   send it Friday."
    assert find_verbatim('"the plan" - honestly - is that I\'ll send it', text) == (
        "the plan\u201d \u2014 honestly \u2014 is that I\u2019ll   send it"
    )
    assert find_verbatim("is that I'll mail it", text) is None
