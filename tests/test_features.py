"""Named features: documented, and each earns its place on several development meetings."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.engines.offline import meeting_context
from coach.engines.offline.features import FEATURES, around, neighbour_tokens, rules_fired
from coach.engines.offline.flags import category_features, resolved
from coach.engines.offline.model import load_weights
from coach.evals.gold import load_dataset
from coach.evals.scoring import spans
from coach.pipeline import prepare
from tests.conftest import ROOT

DEVELOPMENT = [ROOT / "evals" / "datasets" / d for d in ("core", "dev-a", "dev-b")] + [
    ROOT / "train" / "meetings"
]


def _firings() -> dict[str, dict[str, set[str]]]:
    """feature -> {"action+", "action-", "decision+", "decision-"} -> meetings where it fired so."""
    out: dict[str, dict[str, set[str]]] = {n: {} for n in FEATURES}
    for folder in DEVELOPMENT:
        for m in load_dataset(Path(folder)):
            roles = m.gold.roles if m.gold.roles_given else None
            transcript, meeting, _ = prepare(m.transcript_path, roles=roles, date=m.gold.date)
            ctx = meeting_context(transcript, meeting)
            a = [sp for g in m.gold.action_items for q in g.anchors for sp in spans(q, transcript)]
            d = [sp for g in m.gold.decisions for q in g.anchors for sp in spans(q, transcript)]
            for u in ctx.units:
                is_a = any(t == u.turn and s < u.end and u.start < e for t, s, e in a)
                is_d = any(t == u.turn and s < u.end and u.start < e for t, s, e in d)
                for f in rules_fired(u, ctx):
                    slot = out[f.removeprefix("r=")]
                    slot.setdefault("action+" if is_a else "action-", set()).add(m.name)
                    slot.setdefault("decision+" if is_d else "decision-", set()).add(m.name)
    return out


FIRINGS = _firings()


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_every_rule_says_what_it_detects(name: str) -> None:
    doc = FEATURES[name].doc
    assert doc and doc[0].isupper() and doc.rstrip().endswith((".", '"')), name


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_every_rule_fires_rightly_in_two_development_meetings(name: str) -> None:
    """Right means: on an anchor when the model weighs the rule for items, off one when against.

    A rule both item models weigh at zero must still earn its place in the objection model.
    """
    weights = load_weights()
    firings = FIRINGS[name]
    key = f"r={name}"
    if weights.action.weight(key) == 0 and weights.decision.weight(key) == 0:
        assert weights.objection is not None and weights.objection.weight(key) != 0, (
            f"{name} weighs nothing in any model: delete it"
        )
        return
    right = set()
    for model, kind in ((weights.action, "action"), (weights.decision, "decision")):
        w = model.weight(f"r={name}")
        if w > 0:
            right |= firings.get(f"{kind}+", set())
        elif w < 0:
            right |= firings.get(f"{kind}-", set())
    assert len(right) >= 2, f"{name} fires rightly in {sorted(right)} only"


def test_neighbour_words_are_read_from_the_reply_and_the_turn_answered() -> None:
    """A turn's last unit sees the reply's first words; a turn's first unit, what it answers."""
    text = (
        "Dana: The numbers are in. How about we hold the launch until March?\n"
        "Raj: Fine by me. I'll tell the vendor.\n"
        "Lee: Is the budget still there?\n"
    )
    transcript, meeting, _ = prepare(text)
    ctx = meeting_context(transcript, meeting)
    first, proposal, fine, tell, _question = ctx.units
    assert neighbour_tokens(first, ctx) == []  # neither last in its turn nor answering one
    assert neighbour_tokens(proposal, ctx) == ["nx:fine", "nx:by"]
    assert neighbour_tokens(fine, ctx) == ["pv:how", "pv:about", "pv:<q>"]
    assert neighbour_tokens(tell, ctx) == ["nx:is", "nx:the", "nx:<q>"]
    assert around(["nx:fine", "pv:zebra", "pv:<q>"], frozenset({"fine"})) == [
        "nx=fine",
        "pv=<w>",
        "pv=<q>",
    ]


def test_a_matter_said_to_be_in_hand_is_read_as_resolved_unless_negated() -> None:
    """The flag model's resolution signal: handled topics are not gaps, 'not approved' is no handling."""
    text = (
        "Dana: The consent audit passed last month and the processing agreement is in place.\n"
        "Raj: Security hasn't approved the new tool.\n"
        "Lee: We signed the vendor contract last week.\n"
    )
    transcript, meeting, _ = prepare(text)
    ctx = meeting_context(transcript, meeting)
    audit, tool, contract = ctx.units
    assert resolved(audit)
    assert "r=resolved" in category_features(audit, ctx)
    assert not resolved(tool)  # negated: the gap itself
    assert not resolved(contract)  # signed without IT is late involvement, not handling


def test_a_present_tense_promise_needs_a_time_in_it_or_just_after_it() -> None:
    """'I send it Friday' and 'I ask Marek. Today.' promise; 'I think so' and 'I sent it' do not."""
    from coach.engines.offline.features import present_promise

    text = (
        "Ewa: I send the invitation to all of you today.\n"
        "Jonas: Okay. I ask Marek about the export. Today.\n"
        "Ewa: I think the export is slow on Fridays.\n"
        "Jonas: I sent the invitation yesterday.\n"
        "Ewa: We publish the brief.\n"
    )
    transcript, meeting, _ = prepare(text)
    ctx = meeting_context(transcript, meeting)
    by_text = {u.quote: u for u in ctx.units}
    assert present_promise(by_text["I send the invitation to all of you today."], ctx)
    assert present_promise(by_text["I ask Marek about the export."], ctx)
    assert not present_promise(by_text["I think the export is slow on Fridays."], ctx)
    assert not present_promise(by_text["I sent the invitation yesterday."], ctx)
    assert not present_promise(by_text["We publish the brief."], ctx)  # no time said
