"""The scorers, on hand-made predictions: perfect, empty, and the cases in between."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.evals.gold import Gold
from coach.evals.scoring import (
    Counts,
    intervals,
    match,
    overlap,
    owner_ok,
    score_meeting,
    summarise,
)
from coach.models import ActionItem, Decision, Evidence, Flag, Report, Transcript, Turn


def _gold(**over: object) -> Gold:
    data = {
        "transcript": "x.txt",
        "date": "2026-03-02",
        "roles": {"Ana Silva": "CMO", "Ben Cole": "CIO"},
        "action_items": [
            {
                "quote": "I'll send you the vendor's security pack tomorrow",
                "owner": "Ana Silva",
                "owner_alternatives": ["CMO"],
                "due": "2026-03-03",
            }
        ],
        "decisions": [],
        "flags": {
            "required": ["late_involvement"],
            "optional": ["data_governance"],
            "forbidden": [
                "team_balance",
                "ceo_support",
                "communication_gap",
                "tech_ownership",
                "shared_kpis",
                "roadmap_misalignment",
                "incubator_missed",
            ],
        },
    }
    data.update(over)
    return Gold.model_validate(data)


def _ev(t: Transcript, turn: int, quote: str) -> Evidence:
    return Evidence(turn=turn, speaker=t.turns[turn].speaker, quote=quote)


def _action(
    t: Transcript,
    owner: str | None = "Ana Silva",
    due: str | None = "2026-03-03",
    turn: int = 2,
    quote: str = "I'll send you the vendor's security pack tomorrow.",
) -> ActionItem:
    return ActionItem(
        id="A1",
        description="Send the pack",
        owner=owner,
        due=dt.date.fromisoformat(due) if due else None,
        evidence=[_ev(t, turn, quote)],
        confidence=0.9,
    )


def _flag(t: Transcript, category: str) -> Flag:
    return Flag(
        id="F1",
        category=category,
        severity="high",
        title="t",
        summary="s",  # type: ignore[arg-type]
        evidence=[_ev(t, 1, "Security hasn't seen it.")],
        conversation="c",
        confidence=0.8,
    )


def test_perfect_prediction_scores_one(design_transcript: Transcript) -> None:
    report = Report(
        action_items=[_action(design_transcript)],
        flags=[_flag(design_transcript, "late_involvement")],
    )
    metrics = summarise([score_meeting("m", report, _gold(), design_transcript)])
    for name in (
        "action_items.f1",
        "action_items.owner_accuracy",
        "action_items.due_accuracy",
        "flags.precision",
        "flags.recall",
        "decisions.f1",
    ):
        assert metrics[name] == 1.0, name
    assert metrics["evidence.dropped"] == 0.0


def test_empty_prediction_scores_zero_recall(design_transcript: Transcript) -> None:
    metrics = summarise([score_meeting("m", Report(), _gold(), design_transcript)])
    assert metrics["action_items.recall"] == 0.0
    assert metrics["action_items.f1"] == 0.0
    assert metrics["flags.recall"] == 0.0
    assert metrics["action_items.owner_accuracy"] == 0.0


def test_forbidden_flag_counts_against_precision_and_optional_is_neutral(
    design_transcript: Transcript,
) -> None:
    report = Report(
        flags=[
            _flag(design_transcript, c)
            for c in ("late_involvement", "data_governance", "shared_kpis")
        ]
    )
    s = score_meeting("m", report, _gold(), design_transcript)
    assert (s.flags.tp, s.flags.fp, s.flags.fn) == (1, 1, 0)
    assert s.detail["flag_detail"]["optional_flagged"] == ["data_governance"]


def test_wrong_owner_and_due_are_counted_on_a_matched_item(design_transcript: Transcript) -> None:
    report = Report(action_items=[_action(design_transcript, owner="Ben Cole", due="2026-03-06")])
    s = score_meeting("m", report, _gold(), design_transcript)
    assert s.actions.tp == 1
    assert (s.owner_right, s.due_right) == (0, 0)
    assert s.detail["action_mistakes"][0]["owner"] == ["Ben Cole", "Ana Silva"]


def test_matching_is_one_to_one(design_transcript: Transcript) -> None:
    twice = [_action(design_transcript), _action(design_transcript)]
    s = score_meeting("m", Report(action_items=twice), _gold(), design_transcript)
    assert (s.actions.tp, s.actions.fp, s.actions.fn) == (1, 1, 0)


def test_prediction_in_another_turn_without_overlap_is_a_false_positive(
    design_transcript: Transcript,
) -> None:
    item = _action(design_transcript, turn=0, quote="We signed the webinar platform last week")
    s = score_meeting("m", Report(action_items=[item]), _gold(), design_transcript)
    assert (s.actions.tp, s.actions.fp, s.actions.fn) == (0, 1, 1)


def test_optional_gold_item_is_neither_rewarded_nor_punished(design_transcript: Transcript) -> None:
    gold = _gold(
        action_items=[
            {
                "quote": "I'll send you the vendor's security pack tomorrow",
                "owner": "Ana Silva",
                "due": "2026-03-03",
                "optional": True,
            }
        ]
    )
    with_it = score_meeting(
        "m", Report(action_items=[_action(design_transcript)]), gold, design_transcript
    )
    without = score_meeting("m", Report(), gold, design_transcript)
    assert (with_it.actions.tp, with_it.actions.fp, with_it.actions.fn) == (0, 0, 0)
    assert (without.actions.tp, without.actions.fp, without.actions.fn) == (0, 0, 0)


def test_unverified_quote_counts_as_dropped(design_transcript: Transcript) -> None:
    bad = Decision(
        id="D1", description="x", evidence=[_ev(design_transcript, 0, "words nobody said")]
    )
    report = Report(action_items=[_action(design_transcript)], decisions=[bad])
    metrics = summarise([score_meeting("m", report, _gold(), design_transcript)])
    assert metrics["evidence.dropped"] == 0.5


def test_quotes_the_grounding_step_dropped_are_counted(design_transcript: Transcript) -> None:
    report = Report(action_items=[_action(design_transcript)])
    report.engine.quotes_checked, report.engine.quotes_dropped = 4, 3
    metrics = summarise([score_meeting("m", report, _gold(), design_transcript)])
    assert metrics["evidence.dropped"] == 0.75


def test_same_turn_without_shared_words_is_not_a_match() -> None:
    t = Transcript(
        turns=[
            Turn(
                speaker="Ana Silva",
                text="I'll send the security pack tomorrow. Separately, the launch date is fixed.",
            )
        ]
    )
    elsewhere = _action(t, turn=0, quote="Separately, the launch date is fixed.")
    on_it = _action(t, turn=0, quote="I'll send the security pack tomorrow.")
    gold = _gold(
        action_items=[
            {"quote": "I'll send the security pack tomorrow", "owner": "Ana Silva", "due": None}
        ]
    )
    miss = score_meeting("m", Report(action_items=[elsewhere]), gold, t)
    hit = score_meeting("m", Report(action_items=[on_it]), gold, t)
    assert (miss.actions.tp, miss.actions.fp, miss.actions.fn) == (0, 1, 1)
    assert (hit.actions.tp, hit.actions.fp, hit.actions.fn) == (1, 0, 0)


def test_flag_counts_only_with_a_quote_in_a_gold_evidence_turn(
    design_transcript: Transcript,
) -> None:
    flags = _gold().flags.model_dump()
    right = _gold(flags={**flags, "evidence": {"late_involvement": ["Security hasn't seen it."]}})
    wrong = _gold(flags={**flags, "evidence": {"late_involvement": ["We signed the webinar"]}})
    report = Report(flags=[_flag(design_transcript, "late_involvement")])  # cites turn 1
    hit = score_meeting("m", report, right, design_transcript)
    miss = score_meeting("m", report, wrong, design_transcript)
    assert (hit.flags.tp, hit.flags.fp, hit.flags.fn) == (1, 0, 0)
    assert (miss.flags.tp, miss.flags.fp, miss.flags.fn) == (0, 1, 1)
    assert miss.detail["flag_detail"]["wrong_evidence"] == ["late_involvement"]


def test_optional_flags_are_reported_apart_not_counted_correct(
    design_transcript: Transcript,
) -> None:
    report = Report(flags=[_flag(design_transcript, "data_governance")])
    s = score_meeting("m", report, _gold(), design_transcript)
    assert (s.flags.tp, s.flags.fp, s.flags.fn) == (0, 0, 1)
    assert summarise([s])["flags.optional_per_meeting"] == 1.0


def test_bootstrap_intervals_bracket_the_estimate(design_transcript: Transcript) -> None:
    good = score_meeting(
        "a", Report(action_items=[_action(design_transcript)]), _gold(), design_transcript
    )
    empty = score_meeting("b", Report(), _gold(), design_transcript)
    scores = [good, empty, good, empty, good]
    metrics, ranges = summarise(scores), intervals(scores, resamples=300)
    lo, hi = ranges["action_items.recall"]
    assert lo <= metrics["action_items.recall"] <= hi
    assert lo < hi  # meetings disagree, so the interval has width
    assert intervals([good, good], resamples=50)["action_items.recall"] == (1.0, 1.0)


@pytest.mark.parametrize(
    ("predicted", "ok"),
    [
        ("Ana Silva", True),
        ("ana silva", True),
        ("Ana", True),
        ("CMO", True),
        ("Ben Cole", False),
        ("Ana Smith", False),
        (None, False),
    ],
)
def test_owner_matching(predicted: str | None, ok: bool) -> None:
    assert owner_ok(predicted, _gold().action_items[0]) is ok


def test_unowned_gold_wants_no_owner() -> None:
    gold = _gold(action_items=[{"quote": "x", "owner": None, "due": None}]).action_items[0]
    assert owner_ok(None, gold)
    assert not owner_ok("Ana Silva", gold)


def test_overlap_ignores_very_short_quotes() -> None:
    assert overlap("Sure.", "Sure.") == 0.0
    assert overlap("send the security pack", "I'll send the security pack tomorrow") == 1.0


def test_counts_prf_edge_cases() -> None:
    assert Counts().prf() == (1.0, 1.0, 1.0)
    assert Counts(tp=0, fp=2, fn=0).prf()[0] == 0.0


def test_gold_must_list_every_category_once() -> None:
    with pytest.raises(ValueError, match="exactly once"):
        _gold(flags={"required": ["late_involvement"], "optional": [], "forbidden": []})


def test_match_prefers_closest_pair(design_transcript: Transcript) -> None:
    gold = _gold(
        action_items=[
            {"quote": "Security hasn't seen it.", "owner": "Ben Cole", "due": None},
            {
                "quote": "It needs single sign-on and a data review first.",
                "owner": "Ben Cole",
                "due": None,
            },
        ]
    ).action_items
    preds = [[_ev(design_transcript, 1, "It needs single sign-on and a data review first.")]]
    assert match(preds, gold, design_transcript) == [(0, 1)]
