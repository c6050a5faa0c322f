"""The prompts and the answer schema: a cacheable prefix, described fields, dates resolved by code.

LLM requests go through the real `openai` SDK to the loopback server in tests/fake_openai.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest

from coach import analyze
from coach.engines.offline.duedates import find_due
from coach.llm.prompts import system_prompt
from coach.llm.schema import (
    Draft,
    DraftAction,
    DraftDecision,
    DraftFlag,
    DraftObjection,
    strict_schema,
)
from coach.tokens import counter_for
from tests.fake_openai import FakeOpenAI, Reply, completion

DATE = "2026-03-02"  # a Monday
TEXT = (
    "Ana Silva: We signed the webinar platform last week, it goes live on the 20th.\n"
    "Ben Cole: Signed? Security hasn't seen it. It needs single sign-on and a data review first.\n"
    "Ana Silva: Fine. I'll send you the vendor's security pack, um, EOD.\n"
    "Ben Cole: And I'll have the review done by end of next week.\n"
    "Ana Silva: Then we launch on the 28th.\n"
)
ROLES = {"Ana Silva": "CMO", "Ben Cole": "CIO"}
EMPTY: dict[str, Any] = {
    "flags": [],
    "action_items": [],
    "decisions": [],
    "objections": [],
    "discussed": [],
}


def action(turn: int, quote: str, owner: str, due_text: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "evidence": [{"turn": turn, "quote": quote}],
        "description": quote,
        "owner": owner,
        "requested_by": None,
        "due_text": due_text,
        "condition": None,
        "strength": "firm" if due_text else "tentative",
        "confidence": 0.9,
        **extra,
    }


def run(server: FakeOpenAI, text: str = TEXT, **kw: Any):  # type: ignore[no-untyped-def]
    return analyze(
        text, provider="openai", base_url=server.base_url, roles=ROLES, date=DATE, cache=False, **kw
    )


# --- the cached prefix ----------------------------------------------------------------------


def test_system_prompt_is_byte_identical_across_meetings(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = Reply(body=completion(EMPTY))
    run(fake_openai)
    run(fake_openai, text="Dana: We need the CRM export.\nRaj: Not until legal signs.\n")
    analyze(
        "Mei: Let's regroup Tuesday.\n",
        provider="openai",
        base_url=fake_openai.base_url,
        cache=False,
    )  # no date, no roles
    systems = [s.json["messages"][0] for s in fake_openai.seen]
    assert len(systems) == 3 and all(s == systems[0] for s in systems)
    assert systems[0] == {"role": "system", "content": system_prompt()}
    users = [s.json["messages"][1]["content"] for s in fake_openai.seen]
    assert len(set(users)) == 3  # everything that varies is in the user message


def test_system_prompt_is_byte_identical_across_chunks_of_one_meeting(
    fake_openai: FakeOpenAI,
) -> None:
    from coach.engines import EngineOptions, get_engine
    from coach.meeting import build_meeting
    from coach.models import Transcript, Turn

    turns = [
        Turn(
            speaker=("Ana Silva", "Ben Cole")[i % 2],
            text=f"Point {i}: the campaign calendar and the release train collide again this quarter.",
        )
        for i in range(400)
    ]
    transcript = Transcript(turns=turns)
    fake_openai.default = Reply(body=completion(EMPTY))
    engine = get_engine(
        "openai", EngineOptions(base_url=fake_openai.base_url, cache=False, chunk_tokens=1_500)
    )
    meeting, _ = build_meeting(transcript, date=DATE)
    engine.run(transcript, meeting)
    seen = [s.json["messages"] for s in fake_openai.seen]
    assert len(seen) >= 4
    assert all(m[0] == seen[0][0] for m in seen)
    assert seen[0][0]["content"] == system_prompt()
    assert all(
        re.match(r"Meeting date: 2026-03-02\nThis is part \d+ of", m[1]["content"]) for m in seen
    )


def test_system_prompt_is_long_enough_to_cache_and_under_4000_tokens() -> None:
    counter = counter_for("gpt-4.1-mini")
    tokens = counter.count(system_prompt())
    # Providers cache prompts of 1,024 tokens or more; the prefix must stay under 4,000.
    assert 1_024 <= tokens < 4_000, tokens
    assert system_prompt() == system_prompt()  # rendered once, the same string every time


def test_system_prompt_keeps_the_rules_the_model_asked_for() -> None:
    prompt = " ".join(system_prompt().split())  # rules are looked for across line breaks
    for needle in (
        "severity, by stakes and status",
        "When two categories fit",
        "One quote may support two flags only when",
        "at least two turns",
        "even when the request named two people",
        "tentative promises",
        "let's regroup Tuesday",
        "let's set up X",
        "with no time marker",
        "naming the people",
        "fillers, repeated words, false starts",
        "code resolves due_text",
        "[person 1]",  # redaction placeholders are still explained
        "# Example",
        # coaching depth: the annotation guide's definitions, in short
        "firm when an owner, a concrete task and a time are all said, with no hedge",
        "not in the description",
        "tentative otherwise (hedged, or no time, or no owner)",
        "requested_by: for an accepted request",
        "decided_by: the speaker label of whoever settled it",
        "review_text:",
        '"no decider", "no owner"',
        '"no review date", "no success measure"',
        "a concern one participant raises about a plan, proposal or decision",
        '"noted" or "let\'s take that offline" with nothing after',
    ):
        assert needle in prompt, needle
    # The worked example's people are invented for it (no test, eval or training meeting has them).
    assert "Solveig Quist" in prompt and "Teodor Zubiri" in prompt


def test_the_worked_example_follows_the_schema_and_quotes_its_own_turns() -> None:
    example = system_prompt().split("# Example", 1)[1].split("# The meeting is data", 1)[0]
    turns = {
        int(n): text for n, text in re.findall(r"^\[(\d+)\] [^:]+: (.*)$", example, re.MULTILINE)
    }
    answer = example.split("Answer: ", 1)[1].split("\nTurns ", 1)[0]
    filled: set[str] = set()
    draft = Draft.model_validate_json(
        answer.replace("\n", " "), context={"turns": set(turns), "filled": filled}
    )
    assert not filled  # the example shows every field, none left to a default
    items = [*draft.flags, *draft.action_items, *draft.decisions]
    quotes = [e for item in items for e in item.evidence]
    quotes += [o.evidence for o in draft.objections]
    assert quotes and all(e.quote in turns[e.turn] for e in quotes)
    (flag,) = draft.flags
    assert {flag.evidence[0].turn, flag.evidence[1].turn} == {0, 1}  # voiced by both functions
    (item,) = draft.action_items
    assert len(item.evidence) == 2 and item.owner == "Teodor Zubiri"  # request and acceptance
    assert item.requested_by == "Solveig Quist"
    assert item.strength == "conditional" and item.condition
    assert item.condition in turns[3] and item.condition not in item.description
    (decision,) = draft.decisions  # the standing practice; the June proposal put off is none
    assert "June" not in decision.description and decision.decided_by == "Solveig Quist"
    assert decision.review_text is None and "no review date" in decision.gaps
    assert "no decider" not in decision.gaps
    (objection,) = draft.objections  # "Noted." with nothing after it
    assert objection.speaker == "Anouk Brandvold" and objection.evidence.turn == 4
    assert objection.answered is False and objection.response is None


def test_key_rules_are_repeated_after_the_fence(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(completion(EMPTY))
    run(fake_openai)
    user = fake_openai.seen[0].json["messages"][1]["content"]
    marker = re.findall(r"^=====TRANSCRIPT-[0-9a-f]{16}=====$", user, re.MULTILINE)[0]
    after = " ".join(user.split(marker)[-1].split())
    assert "Ana Silva" not in after  # nothing of the meeting after the fence
    for needle in (
        "The transcript has ended.",
        "character for character",
        "fillers and false",
        "the person who accepted it",
        "the first-named person",
        "Hedged promises, notes and follow-up meetings are action items",
        "due_text: the time words as said",
        "strength: firm only with an owner, a concrete task and a time",
        'a bare "noted"',
        "at least two turns",
    ):
        assert needle in after, needle


# --- the schema -----------------------------------------------------------------------------


def _objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"Draft": schema, **schema.get("$defs", {})}


def test_every_schema_field_has_a_description() -> None:
    schema = strict_schema()
    for name, obj in _objects(schema).items():
        for field, spec in obj["properties"].items():
            assert spec.get("description", "").strip(), f"{name}.{field}"
    for model in (Draft, DraftFlag, DraftAction, DraftDecision, DraftObjection):
        for field, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{field}"


def test_flag_evidence_and_rationale_come_before_the_labels() -> None:
    order = list(strict_schema()["$defs"]["DraftFlag"]["properties"])
    assert order[:4] == ["evidence", "rationale", "category", "severity"]
    assert list(DraftFlag.model_fields)[:4] == order[:4]


def test_depth_fields_come_after_the_evidence_and_what_they_are_judged_from() -> None:
    defs = strict_schema()["$defs"]
    assert list(defs["DraftAction"]["properties"]) == [
        "evidence",
        "description",
        "owner",
        "requested_by",
        "due_text",
        "condition",
        "strength",
        "confidence",
    ]
    assert list(defs["DraftDecision"]["properties"]) == [
        "evidence",
        "description",
        "decided_by",
        "review_text",
        "gaps",
    ]
    assert list(defs["DraftObjection"]["properties"]) == [
        "evidence",
        "speaker",
        "response",
        "answered",
    ]
    # strict outputs: every field required, the optional ones nullable
    for name in ("DraftAction", "DraftDecision", "DraftObjection"):
        assert defs[name]["required"] == list(defs[name]["properties"])
        assert defs[name]["additionalProperties"] is False
    assert "objections" in strict_schema()["required"]
    for nullable in ("requested_by", "condition"):
        kinds = {k.get("type") for k in defs["DraftAction"]["properties"][nullable]["anyOf"]}
        assert kinds == {"string", "null"}
    assert defs["DraftAction"]["properties"]["strength"]["enum"] == [
        "firm",
        "conditional",
        "tentative",
    ]
    assert defs["DraftDecision"]["properties"]["gaps"]["items"]["enum"] == [
        "no decider",
        "no owner",
        "no review date",
        "no success measure",
    ]


def test_the_model_is_not_asked_for_a_date() -> None:
    defs = strict_schema()["$defs"]
    props = defs["DraftAction"]["properties"]
    assert "due_text" in props and "due" not in props
    decision = defs["DraftDecision"]["properties"]
    assert "review_text" in decision and "review_date" not in decision


# --- due dates: the model copies the words, code resolves them ---------------------------------


def test_due_text_is_resolved_by_code_like_the_offline_engine(fake_openai: FakeOpenAI) -> None:
    answer = copy.deepcopy(EMPTY)
    answer["action_items"] = [
        # A model that also sends a date of its own (JSON mode, old habits): wrong, and ignored.
        action(
            2, "I'll send you the vendor's security pack, um, EOD.", "Ana", "EOD", due="2031-01-01"
        ),
        action(3, "I'll have the review done by end of next week.", "Ben Cole", "end of next week"),
        action(4, "Then we launch on the 28th.", "Ana Silva", "the 28th"),
    ]
    fake_openai.queue(completion(answer))
    report = run(fake_openai)
    meeting_date = dt.date.fromisoformat(DATE)
    got = {a.due_text: a.due for a in report.action_items}
    assert got == {
        "EOD": dt.date(2026, 3, 2),
        "end of next week": dt.date(2026, 3, 13),
        "the 28th": dt.date(2026, 3, 28),
    }
    for text, due in got.items():
        found = find_due(text, meeting_date)
        assert found is not None and found.date == due
    assert len(fake_openai.seen) == 1  # the stray "due" cost no re-ask


@pytest.mark.parametrize(
    ("due_text", "expected"),
    [("tonight", "2026-03-02"), ("prob tomorrow", "2026-03-03"), ("soon", None), (None, None)],
)
def test_unresolvable_or_missing_due_text_gives_no_date(
    fake_openai: FakeOpenAI, due_text: str | None, expected: str | None
) -> None:
    answer = copy.deepcopy(EMPTY)
    answer["action_items"] = [
        action(
            2, "I'll send you the vendor's security pack", "Ana Silva", due_text, due="2026-03-04"
        )
    ]
    fake_openai.queue(completion(answer))
    (item,) = run(fake_openai).action_items
    assert item.due == (dt.date.fromisoformat(expected) if expected else None)
    assert item.due_text == due_text


def test_without_a_meeting_date_due_text_is_kept_and_due_stays_null(
    fake_openai: FakeOpenAI,
) -> None:
    answer = copy.deepcopy(EMPTY)
    answer["action_items"] = [
        action(2, "I'll send you the vendor's security pack", "Ana Silva", "EOD")
    ]
    fake_openai.queue(completion(answer))
    report = analyze(TEXT, provider="openai", base_url=fake_openai.base_url, cache=False)
    (item,) = report.action_items
    assert item.due is None and item.due_text == "EOD"
    assert "Meeting date: unknown" in fake_openai.seen[0].json["messages"][1]["content"]


def test_a_flag_without_rationale_from_a_json_mode_server_is_accepted(
    fake_openai: FakeOpenAI,
) -> None:
    flag = {
        "category": "late_involvement",
        "severity": "high",
        "title": "Signed before security saw it",
        "summary": "s",
        "parties": ["Ana Silva", "Ben Cole"],
        "evidence": [{"turn": 1, "quote": "Security hasn't seen it."}],
        "conversation": "Ana, Ben: how is security brought in before a signature?",
        "confidence": 0.8,
    }
    fake_openai.queue(completion({**EMPTY, "flags": [flag]}))
    (got,) = run(fake_openai).flags
    assert got.category == "late_involvement" and len(fake_openai.seen) == 1
