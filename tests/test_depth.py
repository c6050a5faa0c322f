"""Coaching depth in the offline engine: how firm promises are, conditions, requests, decision gaps,
objections, and the eval metrics that score them."""

from __future__ import annotations

import datetime as dt

import pytest

from coach import analyze
from coach.engines.offline.strength import find_condition, strength_of, without_condition
from coach.evals.gold import Gold
from coach.evals.scoring import score_meeting, summarise
from coach.models import CATEGORIES, Report
from coach.transcripts import load_transcript

MONDAY = "2026-03-02"
ROLES = "Dana=CMO,Raj=CIO,Lee=CTO"


def run(text: str) -> Report:
    return analyze(text, roles=ROLES, date=MONDAY)


@pytest.mark.parametrize(
    ("text", "condition", "rest"),
    [
        (
            "I'll finish the audit, provided the logs arrive Monday.",
            "provided the logs arrive Monday",
            "I'll finish the audit.",
        ),
        (
            "If finance approves, I'll send the PO Friday.",
            "If finance approves",
            "I'll send the PO Friday.",
        ),
        (
            "as long as legal signs off i'll push it live thursday",
            "as long as legal signs off",
            "i'll push it live thursday",
        ),
    ],
)
def test_condition_is_found_and_cut_out(text: str, condition: str, rest: str) -> None:
    found = find_condition(text)
    assert found is not None and found[0] == condition
    assert without_condition(text, found) == rest


@pytest.mark.parametrize(
    "text",
    [
        "I'll see if I can get to it.",
        "I'll do it if possible.",
        "We meet once a week.",
        "Even if it slips, fine.",
    ],
)
def test_hedges_and_frequencies_are_not_conditions(text: str) -> None:
    assert find_condition(text) is None


def test_strength_rules() -> None:
    assert strength_of("i'll send it friday", "Raj", True, None) == "firm"
    assert strength_of("i'll send it", "Raj", False, None) == "tentative"  # no time
    assert strength_of("i'll send it friday", None, True, None) == "tentative"  # no owner
    assert strength_of("i'll try to send it friday", "Raj", True, None) == "tentative"
    assert strength_of("i'll send it friday", "Raj", True, "if legal agrees") == "conditional"
    # A hedge outweighs a condition: "I could look once the launch is out" is not a promise yet.
    assert strength_of("i could look", "Raj", False, "once the launch is out") == "tentative"


def test_items_carry_strength_condition_and_who_asked() -> None:
    r = run(
        "Dana: Raj, can you pull the churn list for the board by Thursday?\n"
        "Raj: Sure, provided finance sends the export, I'll have it Thursday.\n"
        "Lee: I'll send the load test results tomorrow.\n"
        "Dana: Lovely.\n"
        "Lee: I could maybe take a look at the tagging at some point.\n"
        "Raj: Thanks."
    )
    by_owner = {a.owner: a for a in r.action_items}
    churn = by_owner["Raj"]
    assert churn.strength == "conditional" and churn.requested_by == "Dana"
    assert churn.condition == "provided finance sends the export"
    assert "provided" not in churn.description and "finance" not in churn.description
    firm = next(a for a in r.action_items if "load test" in a.description)
    assert firm.strength == "firm" and firm.due == dt.date(2026, 3, 3) and firm.requested_by is None
    soft = next(a for a in r.action_items if "tagging" in a.description)
    assert soft.strength == "tentative" and soft.condition is None


def test_decisions_name_who_decided_and_what_they_lack() -> None:
    r = run(
        "Dana: How about we move the launch to the 20th?\n"
        "Raj: Deal.\n"
        "Lee: From now on every new tool goes through the architecture review, and we review "
        "the rule on the 30th against a target of zero unapproved tools.\n"
        "Dana: Fine by me."
    )
    assert len(r.decisions) == 2
    launch, rule = r.decisions
    assert launch.decided_by == "Raj"
    assert rule.decided_by == "Lee"  # who announced it; "Fine by me" adds evidence only
    assert {"no review date", "no success measure"} <= set(launch.gaps)
    assert rule.review_date == dt.date(2026, 3, 30)
    assert "no review date" not in rule.gaps and "no success measure" not in rule.gaps


def test_objections_answered_and_left_hanging() -> None:
    r = run(
        "Dana: We go live with the new chatbot vendor on Friday.\n"
        "Raj: I'm worried nobody has reviewed where the chatbot stores customer transcripts.\n"
        "Dana: Good question, the chatbot vendor stores transcripts in Dublin and Lee checked the contract.\n"
        "Lee: I'm not comfortable with the load on the checkout API during the sale.\n"
        "Dana: Noted. Next item, the brand refresh.\n"
        "Raj: Sure."
    )
    by_speaker = {o.speaker: o for o in r.objections}
    assert by_speaker["Raj"].answered and by_speaker["Raj"].role == "CIO"
    assert by_speaker["Raj"].response is not None and by_speaker["Raj"].response.speaker == "Dana"
    assert not by_speaker["Lee"].answered and by_speaker["Lee"].response is None
    assert [o.id for o in r.objections] == ["O1", "O2"]
    for o in r.objections:  # grounded like every other quote
        assert o.evidence[0].quote in load_transcript_text(r, o.evidence[0].turn)


def load_transcript_text(r: Report, turn: int) -> str:
    lines = [
        "We go live with the new chatbot vendor on Friday.",
        "I'm worried nobody has reviewed where the chatbot stores customer transcripts.",
        "Good question, the chatbot vendor stores transcripts in Dublin and Lee checked the contract.",
        "I'm not comfortable with the load on the checkout API during the sale.",
        "Noted. Next item, the brand refresh.",
        "Sure.",
    ]
    return lines[turn]


def test_eval_scores_strength_deciders_gaps_and_objections() -> None:
    text = (
        "Dana: Raj, can you send the vendor pack by Friday?\n"
        "Raj: Sure, I'll send it Friday.\n"
        "Lee: I'm worried the pack skips the data flows.\n"
        "Dana: Noted, moving on.\n"
    )
    transcript = load_transcript(text)
    report = analyze(transcript, roles=ROLES, date=MONDAY)
    gold = Gold.model_validate(
        {
            "transcript": "x.txt",
            "date": MONDAY,
            "roles": {"Dana": "CMO", "Raj": "CIO", "Lee": "CTO"},
            "action_items": [
                {
                    "quote": "Raj, can you send the vendor pack by Friday?",
                    "also": ["Sure, I'll send it Friday."],
                    "owner": "Raj",
                    "due": "2026-03-06",
                    "strength": "tentative",  # deliberately not what the engine says
                }
            ],
            "decisions": [],
            "objections": [
                {
                    "quote": "I'm worried the pack skips the data flows.",
                    "speaker": "Lee",
                    "answered": False,
                }
            ],
            "flags": {"required": [], "optional": [], "forbidden": list(CATEGORIES)},
        }
    )
    metrics = summarise([score_meeting("m", report, gold, transcript)])
    assert metrics["action_items.strength_accuracy"] == 0.0  # the engine says firm
    assert metrics["objections.recall"] == 1.0
    assert metrics["objections.answered_accuracy"] == 1.0


def test_a_flag_notes_when_its_own_function_barely_spoke() -> None:
    from coach.models import Flag, Meeting, Participant
    from coach.participation import note_quiet_owners

    flag = Flag(
        id="F1",
        category="data_governance",
        severity="high",
        title="t",
        summary="Customer data goes to a new vendor.",
        conversation="c",
        confidence=0.9,
    )
    meeting = Meeting(
        words=1000,
        participants=[
            Participant(name="Dana", role="CMO", words=960, share=0.96),
            Participant(name="Raj", role="CIO", words=40, share=0.04),
        ],
    )
    (noted,) = note_quiet_owners([flag], meeting)
    assert noted.summary.endswith(
        "Raj (CIO) said 4% of the words in a meeting that touched their own area."
    )
    both = flag.model_copy(update={"category": "shared_kpis"})
    assert note_quiet_owners([both], meeting)[0].summary == flag.summary  # nobody's own area
    balanced = meeting.model_copy(
        update={
            "participants": [
                Participant(name="Dana", role="CMO", share=0.6),
                Participant(name="Raj", role="CIO", share=0.4),
            ]
        }
    )
    assert note_quiet_owners([flag], balanced)[0].summary == flag.summary


def test_diarisation_labels_take_introduced_names_and_given_ones() -> None:
    text = (
        "SPEAKER_00: ok we're recording um quick intros so i'm rhea castellanos cmo\n"
        "SPEAKER_01: hi, it's Colm, and as CIO I called this\n"
        "SPEAKER_02: Sam here, I look after brand\n"
        "SPEAKER_03: I'm sure we can start\n"
        "SPEAKER_04: mateus oyelaran cto\n"
        "SPEAKER_01: I'll send the access review tomorrow.\n"
    )
    r = analyze(text, date=MONDAY)
    people = {p.name: p for p in r.meeting.participants}
    assert (
        people["Rhea Castellanos"].label == "SPEAKER_00"
        and people["Rhea Castellanos"].role == "CMO"
    )
    assert people["Colm"].role == "CIO" and people["Sam"].label == "SPEAKER_02"
    assert "SPEAKER_03" in people and people["SPEAKER_03"].label is None  # "I'm sure" is no name
    assert people["Mateus Oyelaran"].role == "CTO"  # "Name, CTO" states the role too
    assert [a.owner for a in r.action_items] == ["Colm"]
    assert sum(p.share for p in people.values()) == pytest.approx(1.0, abs=1e-3)
    named = analyze(text, date=MONDAY, speakers="SPEAKER_03=Lee Park")
    assert {p.name: p.label for p in named.meeting.participants}["Lee Park"] == "SPEAKER_03"


def test_speakers_option_rejects_bad_pairs_and_warns_on_unknown_labels() -> None:
    from coach.errors import InputError

    with pytest.raises(InputError, match="LABEL=Name"):
        analyze("SPEAKER_00: hi", speakers="SPEAKER_00")
    report = analyze("SPEAKER_00: hi", speakers="SPEAKER_09=Sam")
    assert any("SPEAKER_09" in w for w in report.warnings)  # like --roles: a warning, not a stop


def test_cli_speakers_option_names_labels(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from coach.cli import main

    path = tmp_path / "m.txt"
    path.write_text("SPEAKER_00: Let's start.\nSPEAKER_01: I'll send the pack Friday.\n")
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--speakers",
            "SPEAKER_01=Lee Park",
            "--date",
            MONDAY,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [a["owner"] for a in report["action_items"]] == ["Lee Park"]
    bad = CliRunner().invoke(main, ["analyze", str(path), "--speakers", "SPEAKER_01"])
    assert bad.exit_code == 2 and "LABEL=Name" in bad.stderr


def test_descriptions_are_never_cut_and_drop_a_lead_in() -> None:
    from coach.engines.offline.text import describe

    long = (
        "I'll write up the full migration plan covering the consent records, the suppression lists, "
        "the dedupe rules for the loyalty accounts and the rollback steps for every market we serve"
    )
    assert describe(long).endswith("every market we serve")  # nothing cut
    assert describe("Let's settle it now: the launch moves to June.") == "The launch moves to June"
    assert (
        describe("I'll send it at 10:30 tomorrow.") == "Send it at 10:30 tomorrow"
    )  # a time is no lead-in


def test_the_promisers_own_time_wins_over_the_askers() -> None:
    r = run(
        "Dana: Raj, can you pull the churn list by Thursday?\n"
        "Raj: Sure, I'll have it to you Wednesday.\n"
        "Dana: Great."
    )
    (item,) = r.action_items
    assert item.owner == "Raj" and item.requested_by == "Dana"
    assert item.due == dt.date(2026, 3, 4) and item.due_text == "Wednesday"


def test_you_is_the_person_who_thanks_for_the_promise() -> None:
    r = run(
        "Dana: Security hasn't seen the contract.\n"
        "Lee: Nor has engineering.\n"
        "Raj: I'll send you the vendor's security pack tomorrow so your team can start.\n"
        "Dana: Thanks.\n"
    )
    (item,) = r.action_items
    assert item.description == "Send Dana the vendor's security pack so Dana's team can start"
    unclear = run(
        "Dana: Fine.\nRaj: I'll send you the pack tomorrow.\nLee: The CRM is down again.\n"
    )
    assert "you" in unclear.action_items[0].description.split()  # a wrong name is worse than "you"


def test_concerns_in_plain_words_are_found_by_the_learned_model() -> None:
    """No stock phrase ("I'm worried", "I'm concerned"): the objection model reads them anyway."""
    from coach.engines.offline.model import load_weights

    assert load_weights().objection is not None  # the shipped weights carry the model
    r = analyze(
        "Priya Shah: So the plan is to move all the campaign data into the new platform by March.\n"
        "Tom Reed: That can't work without a data protection review first, March is far too soon.\n"
        "Priya Shah: Right. Next item, the spring launch budget.\n"
        "Tom Reed: Sure.\n"
        "Ana Ruiz: Hang on, who checked that the agency can access customer records at all? "
        "I am really not happy about that.\n"
        "Priya Shah: Good question, Tom's team will run an access review this week before anything is shared.\n",
        roles={"Priya Shah": "CMO", "Tom Reed": "CIO", "Ana Ruiz": "marketing"},
        date="2026-03-02",
    )
    by = {o.speaker: o for o in r.objections}
    assert by["Tom Reed"].answered is False and by["Tom Reed"].response is None
    assert by["Ana Ruiz"].answered is True
    assert by["Ana Ruiz"].response is not None and "access review" in by["Ana Ruiz"].response.quote
