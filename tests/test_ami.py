"""The AMI scorer: recall within two turns, one prediction per gold item, a fixed split by team."""

from __future__ import annotations

import json
from pathlib import Path

from coach.evals import ami
from coach.models import Evidence, Report


def _ev(turn: int) -> list[Evidence]:
    return [Evidence(turn=turn, speaker="x", quote="x")]


def test_recall_allows_two_turns_and_pairs_one_to_one() -> None:
    gold = [{10}, {11}, {40}]
    assert ami.recalled([_ev(12)], gold) == 1  # one prediction recalls one item
    assert ami.recalled([_ev(12), _ev(9)], gold) == 2
    assert ami.recalled([_ev(13)], [{10}]) == 0  # three turns away
    assert ami.recalled([], gold) == 0


def test_validation_fifth_is_whole_teams_and_fixed() -> None:
    ids = [f"{s}{x}" for s in ("ES2002", "ES2003", "IS1000", "IS1001", "TS3003") for x in "abcd"]
    val = ami.validation_series(ids)
    assert val == {"IS1000"}  # the third team in sorted order
    assert ami.validation_series(list(reversed(ids))) == val


def test_scoring_a_meeting_from_files(tmp_path: Path) -> None:
    lines = [
        "Project Manager: Okay so um let's start.",
        "Marketing Expert: Right.",
        "Project Manager: So you're gonna look at the the market research for next time.",
        "Industrial Designer: Yeah.",
        "Project Manager: And we decided on a yellow case.",
    ]
    (tmp_path / "ES2099a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = {
        "action_items": [
            {"evidence": [{"text": "you're gonna look at the the market research", "start": 5.0}]}
        ],
        "decisions": [{"evidence": [{"text": "we decided on a yellow case", "start": 9.0}]}],
        "stats": {"duration_sec": 10.0},
    }
    (tmp_path / "ES2099a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    [meeting] = ami.load(tmp_path, ["ES2099a"])
    assert meeting.actions == [{2}] and meeting.decisions == [{4}]
    report = Report.model_validate(
        {
            "action_items": [
                {
                    "id": "A1",
                    "description": "d",
                    "evidence": [{"turn": 3, "speaker": "s", "quote": "Yeah."}],
                    "confidence": 0.5,
                }
            ]
        }
    )
    s = ami.score(meeting, report)
    assert (s.actions_found, s.actions_predicted, s.decisions_found) == (1, 1, 0)
    assert ami.summary([s])["actions.recall"] == 1.0
