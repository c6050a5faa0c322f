"""Coaching depth on the LLM path: strength, condition, requester; decider, review date, gaps;
objections. The real `openai` SDK talks to the loopback server in tests/fake_openai.py."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from coach import analyze
from coach.engines.llm import merge
from coach.engines.offline.duedates import find_due
from coach.llm.schema import Draft
from coach.meeting import build_meeting
from coach.models import Evidence, Transcript, Turn
from tests.fake_openai import FakeOpenAI, Reply, completion, error

DATE = "2026-03-02"  # a Monday
TURNS = [
    ("Ana Silva", "We signed the webinar platform last week, it goes live on the 20th."),
    (
        "Ben Cole",
        "Signed? Security hasn't seen it. It needs single sign-on and a data review first.",
    ),
    (
        "Ana Silva",
        "Fine, I'll send you the vendor's security pack tomorrow. Can you run the review?",
    ),
    ("Ben Cole", "Sure, I'll have it done by Friday, as long as the pack arrives tomorrow."),
    ("Ana Silva", "OK, so the launch moves to the 27th, and we check in again next Wednesday."),
    ("Mei Tan", "I'm worried the sales team hasn't been told about any of this."),
    ("Ana Silva", "Noted."),
]
TEXT = "".join(f"{who}: {text}\n" for who, text in TURNS)
ROLES = {"Ana Silva": "CMO", "Ben Cole": "CIO", "Mei Tan": "marketing"}


def ev(turn: int, quote: str) -> dict[str, Any]:
    return {"turn": turn, "quote": quote}


# What a model that follows the prompt answers; names as people say them ("Ana", "ben").
ANSWER: dict[str, Any] = {
    "flags": [],
    "action_items": [
        {
            "evidence": [ev(2, "I'll send you the vendor's security pack tomorrow.")],
            "description": "Send Ben the vendor's security pack",
            "owner": "Ana",
            "requested_by": None,
            "due_text": "tomorrow",
            "condition": None,
            "strength": "firm",
            "confidence": 0.9,
        },
        {
            "evidence": [
                ev(2, "Can you run the review?"),
                ev(3, "Sure, I'll have it done by Friday, as long as the pack arrives tomorrow."),
            ],
            # The condition left in the description: code takes it out.
            "description": "Run the security review, as long as the pack arrives tomorrow",
            "owner": "ben",
            "requested_by": "Ana",
            "due_text": "by Friday",
            "condition": "as long as the pack arrives tomorrow",
            "strength": "conditional",
            "confidence": 0.9,
        },
    ],
    "decisions": [
        {
            "evidence": [ev(4, "so the launch moves to the 27th")],
            "description": "The launch moves to the 27th",
            "decided_by": "Ana",
            "review_text": "next Wednesday",
            "gaps": ["no owner", "no success measure"],
        }
    ],
    "objections": [
        {
            "evidence": ev(1, "Security hasn't seen it."),
            "speaker": "Ben",
            "response": ev(2, "I'll send you the vendor's security pack tomorrow."),
            "answered": True,
        },
        {
            "evidence": ev(5, "I'm worried the sales team hasn't been told about any of this."),
            "speaker": "Mei Tan",
            "response": None,
            "answered": False,
        },
    ],
    "discussed": ["late_involvement"],
}


def run(server: FakeOpenAI, **kw: Any):  # type: ignore[no-untyped-def]
    return analyze(
        TEXT,
        provider="openai",
        base_url=server.base_url,
        roles=ROLES,
        date=DATE,
        cache=False,
        **kw,
    )


def test_the_depth_fields_reach_the_report_resolved(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(completion(ANSWER))
    report = run(fake_openai)
    assert len(fake_openai.seen) == 1 and report.warnings == []

    pack, review = report.action_items
    assert (pack.owner, pack.strength, pack.condition, pack.requested_by) == (
        "Ana Silva",
        "firm",
        None,
        None,
    )
    assert pack.due == dt.date(2026, 3, 3)
    assert review.owner == "Ben Cole" and review.requested_by == "Ana Silva"
    assert review.strength == "conditional"
    assert review.condition == "as long as the pack arrives tomorrow"
    assert review.description == "Run the security review"  # the condition kept out of it
    assert review.due == dt.date(2026, 3, 6) and review.due_text == "by Friday"

    (decision,) = report.decisions
    assert decision.id == "D1" and decision.decided_by == "Ana Silva"
    # review_text resolved like due_text: by the offline resolver, against the meeting date
    found = find_due("next Wednesday", dt.date.fromisoformat(DATE))
    assert found is not None and decision.review_date == found.date == dt.date(2026, 3, 11)
    assert decision.gaps == ["no owner", "no success measure"]

    answered, hanging = report.objections
    assert [answered.id, hanging.id] == ["O1", "O2"]
    assert (answered.speaker, answered.role, answered.answered) == ("Ben Cole", "CIO", True)
    assert answered.evidence == [
        Evidence(turn=1, speaker="Ben Cole", quote="Security hasn't seen it.")
    ]
    assert answered.response == Evidence(
        turn=2, speaker="Ana Silva", quote="I'll send you the vendor's security pack tomorrow."
    )
    assert (hanging.speaker, hanging.role, hanging.answered) == ("Mei Tan", "marketing", False)
    assert hanging.response is None


def test_an_objection_with_an_invented_quote_is_dropped(fake_openai: FakeOpenAI) -> None:
    answer = copy.deepcopy(ANSWER)
    answer["objections"].append(
        {
            "evidence": ev(5, "Sales will walk out if we launch this."),
            "speaker": "Mei Tan",
            "response": None,
            "answered": False,
        }
    )
    fake_openai.queue(completion(answer))
    report = run(fake_openai)
    assert [o.evidence[0].turn for o in report.objections] == [1, 5]
    assert all("walk out" not in o.evidence[0].quote for o in report.objections)
    assert report.engine.quotes_dropped == 1
    assert any("objection" in w and "dropped" in w for w in report.warnings), report.warnings


def test_an_invented_response_is_dropped_and_the_objection_stays_answered(
    fake_openai: FakeOpenAI,
) -> None:
    answer = copy.deepcopy(ANSWER)
    answer["objections"][0]["response"] = ev(2, "Security can have a week to review it.")
    fake_openai.queue(completion(answer))
    first = run(fake_openai).objections[0]
    assert first.evidence[0].quote == "Security hasn't seen it."
    assert first.answered is True and first.response is None


def test_an_unanswered_objection_carries_no_response(fake_openai: FakeOpenAI) -> None:
    answer = copy.deepcopy(ANSWER)
    answer["objections"][1]["response"] = ev(6, "Noted.")  # answered false: "noted" is no answer
    fake_openai.queue(completion(answer))
    hanging = run(fake_openai).objections[1]
    assert hanging.answered is False and hanging.response is None


def test_placeholders_in_the_depth_fields_are_restored(fake_openai: FakeOpenAI) -> None:
    def placeholder_model(payload: dict[str, Any]) -> dict[str, Any]:
        user = payload["messages"][1]["content"]
        # Speaking order numbers the people: Ana 1, Ben 2, Mei 3.
        assert "- [person 1]: CMO" in user and "- [person 2]: CIO" in user
        assert "[4] [person 1]: OK, so the launch moves" in user
        answer = copy.deepcopy(ANSWER)
        review = answer["action_items"][1]
        review.update(owner="[person 2]", requested_by="[person 1]")
        review["condition"] = "as long as [person 1]'s pack arrives"
        answer["action_items"][0]["owner"] = "[person 1]"
        answer["decisions"][0]["decided_by"] = "[person 1]"
        answer["objections"][0]["speaker"] = "[person 2]"
        answer["objections"][1]["speaker"] = "[person 3]"
        answer["objections"][1]["evidence"] = ev(
            5, "I'm worried the sales team hasn't been told about any of this."
        )
        return completion(answer)

    fake_openai.default = Reply(body=placeholder_model)
    report = run(fake_openai, redact=True)
    sent = fake_openai.seen[0].json["messages"][1]["content"]
    assert "Ana" not in sent and "Ben Cole" not in sent and "Mei" not in sent
    pack, review = report.action_items
    assert pack.owner == "Ana Silva"
    assert (review.owner, review.requested_by) == ("Ben Cole", "Ana Silva")
    assert review.condition == "as long as Ana Silva's pack arrives"
    assert report.decisions[0].decided_by == "Ana Silva"
    assert [(o.speaker, o.role) for o in report.objections] == [
        ("Ben Cole", "CIO"),
        ("Mei Tan", "marketing"),
    ]
    assert report.objections[0].response is not None
    assert report.objections[0].response.speaker == "Ana Silva"
    assert not re.search(r"\[(person|name) \d+\]", report.model_dump_json())
    assert report.warnings == []


def test_a_json_mode_answer_without_the_depth_fields_gets_defaults_not_a_reask(
    fake_openai: FakeOpenAI,
) -> None:
    old = copy.deepcopy(ANSWER)  # what a server answered before the fields existed
    del old["objections"]
    for item in old["action_items"]:
        for name in ("requested_by", "condition", "strength"):
            del item[name]
    for decision in old["decisions"]:
        for name in ("decided_by", "review_text", "gaps"):
            del decision[name]
    fake_openai.queue(
        error(400, "response_format of type json_schema is not supported"), completion(old)
    )
    report = run(fake_openai)
    assert len(fake_openai.seen) == 2  # the JSON-mode fallback, then no re-ask
    assert fake_openai.seen[1].json["response_format"] == {"type": "json_object"}
    pack, review = report.action_items
    assert pack.strength == review.strength == "tentative"
    assert review.condition is None and review.requested_by is None
    assert pack.due == dt.date(2026, 3, 3)  # the fields it did send still count
    (decision,) = report.decisions
    assert decision.decided_by is None and decision.review_date is None
    # the gaps follow from what the report says: nobody named as decider, no review point
    assert decision.gaps == ["no decider", "no review date"]
    assert report.objections == []
    (left_out,) = [w for w in report.warnings if "left out" in w]
    for name in ("condition", "decided_by", "gaps", "objections", "requested_by", "strength"):
        assert name in left_out
    assert any("JSON mode" in w for w in report.warnings)


def test_a_wrong_strength_is_still_asked_again(fake_openai: FakeOpenAI) -> None:
    broken = copy.deepcopy(ANSWER)
    broken["action_items"][0]["strength"] = "definite"
    broken["decisions"][0]["gaps"] = ["no budget"]
    fake_openai.queue(completion(broken), completion(ANSWER))
    report = run(fake_openai)
    assert len(fake_openai.seen) == 2 and report.action_items[0].strength == "firm"
    reask = fake_openai.seen[1].json["messages"][-1]["content"]
    assert "action_items.0.strength" in reask and "decisions.0.gaps.0" in reask


# --- merging drafts: definitions held, repeats across parts folded --------------------------------


def _merge(*answers: dict[str, Any]):  # type: ignore[no-untyped-def]
    transcript = Transcript(turns=[Turn(speaker=who, text=text) for who, text in TURNS])
    meeting, _ = build_meeting(transcript, roles=ROLES, date=DATE)
    drafts = [Draft.model_validate(a) for a in answers]
    return merge(drafts, transcript, meeting)


def _action(turn: int, quote: str, **fields: Any) -> dict[str, Any]:
    base = {
        "evidence": [ev(turn, quote)],
        "description": "Do it",
        "owner": "Ana Silva",
        "requested_by": None,
        "due_text": None,
        "condition": None,
        "strength": "firm",
        "confidence": 0.8,
    }
    return {**base, **fields}


def test_strength_is_held_to_the_report_definitions() -> None:
    empty = {k: [] for k in ("flags", "decisions", "objections", "discussed")}
    findings = _merge(
        {
            **empty,
            "action_items": [
                _action(0, "We signed the webinar platform", owner=None),  # firm, but nobody
                _action(1, "Security hasn't seen it.", condition="if legal agrees"),
                _action(2, "Can you run the review?", strength="conditional"),  # no condition
                _action(3, "I'll have it done by Friday", due_text="by Friday"),
                _action(5, "I'm worried the sales team", due_text="  ", condition=" "),
            ],
        }
    )
    got = [(a.strength, a.condition, a.due_text) for a in findings.action_items]
    assert got == [
        ("tentative", None, None),
        ("conditional", "if legal agrees", None),
        ("tentative", None, None),
        ("firm", None, "by Friday"),
        ("firm", None, None),  # an owner and no condition: the time is the model's call
    ]


def test_decision_gaps_are_listed_once_in_order_and_agree_with_decider_and_review() -> None:
    decision = {
        "evidence": [ev(4, "so the launch moves to the 27th")],
        "description": "Launch on the 27th",
        "decided_by": "Ana",
        "review_text": "next Wednesday",
        "gaps": ["no success measure", "no decider", "no review date", "no success measure"],
    }
    undecided = {
        **decision,
        "evidence": [ev(6, "Noted.")],
        "decided_by": None,
        "review_text": None,
        "gaps": [],
    }
    empty = {k: [] for k in ("flags", "action_items", "objections", "discussed")}
    first, second = _merge({**empty, "decisions": [decision, undecided]}).decisions
    assert first.gaps == ["no success measure"] and first.decided_by == "Ana Silva"
    assert first.review_date == dt.date(2026, 3, 11)
    assert second.gaps == ["no decider", "no review date"]


def test_an_objection_repeated_by_two_parts_is_one_and_keeps_the_answer() -> None:
    concern = ev(1, "Security hasn't seen it.")
    empty = {k: [] for k in ("flags", "action_items", "decisions", "discussed")}
    # the first part ends before the answer; the second, overlapping it, sees the answer
    early = {
        **empty,
        "objections": [
            {"evidence": concern, "speaker": "Ben Cole", "response": None, "answered": False}
        ],
    }
    late = {
        **empty,
        "objections": [
            {
                "evidence": ev(1, "Signed? Security hasn't seen it."),
                "speaker": "Ben Cole",
                "response": ev(2, "I'll send you the vendor's security pack tomorrow."),
                "answered": True,
            }
        ],
    }
    (objection,) = _merge(early, late).objections
    assert objection.answered and objection.response is not None
    assert objection.response.turn == 2 and objection.evidence[0].quote == concern["quote"]
    (again,) = _merge(late, early).objections  # an answer seen first is never undone
    assert again.answered and again.response is not None


def test_an_objection_speaker_nobody_matches_is_the_speaker_of_the_quote() -> None:
    empty = {k: [] for k in ("flags", "action_items", "decisions", "discussed")}
    (objection,) = _merge(
        {
            **empty,
            "objections": [
                {
                    "evidence": ev(5, "I'm worried the sales team hasn't been told"),
                    "speaker": "the marketing lead",
                    "response": None,
                    "answered": False,
                }
            ],
        }
    ).objections
    assert (objection.speaker, objection.role) == ("Mei Tan", "marketing")
