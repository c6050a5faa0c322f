"""The offline engine on small hand-written meetings: commitments, decisions, flags, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from coach import analyze
from coach.models import Report

MONDAY = "2026-03-02"


def run(text: str, roles: str | None = None, date: str | None = MONDAY) -> Report:
    return analyze(text, roles=roles, date=date)


def owners(report: Report) -> list[str | None]:
    return [a.owner for a in report.action_items]


def test_first_person_commitment_resolves_owner_and_due() -> None:
    r = run(
        "Ana Silva: Fine. I'll send you the vendor's security pack tomorrow.\nBen Cole: Thanks."
    )
    (item,) = r.action_items
    assert item.owner == "Ana Silva"
    assert item.due == dt.date(2026, 3, 3) and item.due_text == "tomorrow"
    assert "security pack" in item.description


def test_accepted_request_belongs_to_the_person_who_accepted() -> None:
    r = run(
        "Dana: Raj, can you pull the churn list for the board?\nRaj: Sure, I'll have it Thursday.\nDana: Great."
    )
    (item,) = r.action_items
    assert item.owner == "Raj"
    assert item.due == dt.date(2026, 3, 5)
    assert [e.turn for e in item.evidence] == [0, 1]


def test_request_nobody_accepts_is_not_an_action() -> None:
    r = run(
        "Dana: Raj, can you pull the churn list for the board?\nRaj: Honestly I can't this week, we're in a freeze."
    )
    assert r.action_items == []


@pytest.mark.parametrize(
    "line",
    [
        "Raj: I won't have time to review the vendor contract before the offsite.",
        "Raj: We could maybe look at a customer data platform someday.",
        "Raj: I sent the deck to legal on Monday.",
        "Raj: If budget ever appears we might build a proper attribution model someday.",
        "Raj: Let me be honest with you about the timeline.",
        "Raj: We'll circle back on that.",
    ],
)
def test_refusals_hypotheticals_past_and_talk_are_not_actions(line: str) -> None:
    assert run(f"Dana: Okay.\n{line}\nDana: Noted.").action_items == []


def test_someone_should_is_an_unowned_task() -> None:
    r = run("Ben: Someone should check whether the DPA covers the new vendor.\nAna: Good point.")
    (item,) = r.action_items
    assert item.owner is None and "DPA" in item.description


def test_volunteer_takes_an_unowned_task() -> None:
    r = run(
        "Ben: Someone should check whether the DPA covers the new vendor.\nAna: I can do that, by Friday."
    )
    (item,) = r.action_items
    assert item.owner == "Ana" and item.due == dt.date(2026, 3, 6)


def test_named_assignment_and_joint_owner() -> None:
    r = run(
        "Lead: Action item for Priya: draft the consent banner copy by end of the month.\n"
        "Priya: Ok.\n"
        "Omar: Priya and I will pair on the tag audit next week.\n"
        "Lead: Good."
    )
    assert owners(r) == ["Priya", "Priya"]
    assert r.action_items[0].due == dt.date(2026, 3, 31)
    assert r.action_items[1].due == dt.date(2026, 3, 13)


def test_a_request_is_dated_by_the_answer_of_the_one_asked() -> None:
    r = run(
        "Dana Reyes: Raj, can you get the consent screen translated for the app?\n"
        "Raj Patel: The agency is slow, so realistically the twelfth of March.\n"
        "Dana Reyes: Fine. Mia, the launch list is yours to finish.\n"
        "Mia Chen: Before that I need the copy, but sure.\n",
        roles="Dana Reyes=CMO,Raj Patel=CTO,Mia Chen=marketing",
    )
    dated = [(a.owner, a.due) for a in r.action_items if a.owner == "Raj Patel"]
    assert dated == [("Raj Patel", dt.date(2026, 3, 12))]


def test_without_a_meeting_date_due_text_is_kept_and_date_left_empty() -> None:
    r = run("Ana: I'll send the pack by Friday.\nBen: Thanks.", date=None)
    (item,) = r.action_items
    assert item.due is None and item.due_text == "by Friday"
    assert any("--date" in w for w in r.warnings)


def test_decisions_said_outright_and_agreed_to() -> None:
    r = run(
        "Dana: Let's agree that from now on any new tool goes through an intake review with IT.\n"
        "Raj: Agreed.\n"
        "Dana: How about we move the launch to the 20th?\n"
        "Raj: Deal.\n"
        "Dana: Should we go with Braze?\n"
        "Raj: Let's think about it.\n"
        "Dana: The board decided last month to freeze hiring."
    )
    texts = [d.description for d in r.decisions]
    assert len(texts) == 2
    assert "intake review" in texts[0]
    assert "launch to the 20th" in texts[1]


@pytest.mark.parametrize(
    ("reply", "settle"),
    [
        ("Lock it. I'll tell the platform team today.", "Lock it."),
        ("Okay, then this is agreed.", "Okay, then this is agreed."),
    ],
)
def test_a_terse_settle_takes_the_proposal_before_it(reply: str, settle: str) -> None:
    """A terse "Lock it." or "then this is agreed" settles the proposal: one decision, the settler's."""
    r = run(
        "Dana Reyes: The supplier can't make the first. How about we move the spring launch to the "
        "ninth of April?\n"
        f"Raj Patel: {reply}\n",
        roles="Dana Reyes=CMO,Raj Patel=CTO",
    )
    assert len(r.decisions) == 1
    d = r.decisions[0]
    assert d.decided_by == "Raj Patel"
    assert [e.quote for e in d.evidence] == [
        "How about we move the spring launch to the ninth of April?",
        settle,
    ]


def test_a_choice_named_and_settled_in_one_breath_is_a_decision() -> None:
    r = run(
        "Dana Reyes: We could run the pilot in Leeds or in Bristol. Bristol has the cleaner data.\n"
        "Raj Patel: Then Bristol it is.\n"
        "Dana Reyes: That's the way it is with pilots, someone always complains.\n",
        roles="Dana Reyes=CMO,Raj Patel=CTO",
    )
    assert [e.quote for d in r.decisions for e in d.evidence] == ["Then Bristol it is."]


def test_another_voice_taking_up_a_decision_is_its_evidence_not_a_second_decision() -> None:
    """A short "that's how we work from now on" after a rule joins it; a new matter does not."""
    r = run(
        "Dana Reyes: From now on every new marketing tool goes through an intake review with IT.\n"
        "Raj Patel: Fine, that's how we'll work from now on.\n"
        "Mia Chen: And we move the Leeds webinar to the ninth of April, that's decided.\n",
        roles="Dana Reyes=CMO,Raj Patel=CTO,Mia Chen=marketing",
    )
    assert [[e.quote for e in d.evidence] for d in r.decisions] == [
        [
            "From now on every new marketing tool goes through an intake review with IT.",
            "Fine, that's how we'll work from now on.",
        ],
        ["And we move the Leeds webinar to the ninth of April, that's decided."],
    ]


BRAZE = "Right, we're going with Braze for the spring launch."
WEBINAR = "And the Leeds webinar moves to the ninth of April, that's decided."


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        # one aside between two units of one decision: still one decision
        (
            f"{BRAZE} I know it wasn't everyone's first pick. That's decided, Braze it is.",
            [[BRAZE, "That's decided, Braze it is."]],
        ),
        # further apart in a long turn: two decisions
        (
            f"{BRAZE} I know it wasn't everyone's first pick. The pricing was a stretch for us. "
            f"Honestly the demo was rough in places. {WEBINAR}",
            [[BRAZE], [WEBINAR]],
        ),
    ],
)
def test_decision_units_of_one_turn_merge_across_one_aside(
    turn: str, expected: list[list[str]]
) -> None:
    r = run(f"Dana Reyes: {turn}\nRaj Patel: Okay.\n", roles="Dana Reyes=CMO,Raj Patel=CTO")
    assert [[e.quote for e in d.evidence] for d in r.decisions] == expected


MISALIGNED = """\
Dana Whitfield: We signed the contract for the new webinar platform last week and it goes live on the 30th.
Raj Patel: Signed? This is the first I'm hearing of it. Security hasn't seen it and it needs a data protection review.
Dana Whitfield: We couldn't wait for the usual six-week review, the summit date is fixed.
Raj Patel: This keeps happening. Marketing buys a tool and my team finds out when the invoice lands.
Marcus Lee: Nobody told us it needs the CRM integration, and that's not on our roadmap this quarter.
"""


def test_late_involvement_is_flagged_with_both_sides_quoted() -> None:
    r = run(MISALIGNED, roles="Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO")
    flag = next(f for f in r.flags if f.category == "late_involvement")
    assert {"Dana Whitfield", "Raj Patel"} <= set(flag.parties)
    assert {e.speaker for e in flag.evidence} >= {"Dana Whitfield", "Raj Patel"}
    assert r.coverage["late_involvement"].state == "flagged"
    gov = [g for g in r.governance if flag.id in g.addresses]
    assert gov and gov[0].framework == "three steps #1"


def test_aligned_meeting_gets_no_flags() -> None:
    r = run(
        "Dana: The pilot numbers look good, and Raj's team was in from day one.\n"
        "Raj: Yes, security signed off in the first week, no surprises.\n"
        "Dana: I'll send the summary to the CEO tomorrow.\n"
        "Raj: Great, and we review the shared scorecard together next month.",
        roles="Dana=CMO,Raj=CIO",
    )
    assert r.flags == [] and r.governance == []


def test_every_quote_is_a_verbatim_slice_of_its_turn() -> None:
    r = run(
        MISALIGNED + "Raj Patel: I'll draft the intake checklist by Friday.\n",
        roles="Dana Whitfield=CMO",
    )
    text = [t for t in MISALIGNED.splitlines()] + [
        "Raj Patel: I'll draft the intake checklist by Friday."
    ]
    for item in [*r.flags, *r.action_items, *r.decisions]:
        for ev in item.evidence:
            assert ev.quote in text[ev.turn]


def test_roles_come_from_introductions_when_not_given() -> None:
    r = run(
        "Lena: Morning all, for the new folks, I'm Lena, I run IT.\nOmar: And I'm Omar, the CMO.\nLena: Let's start."
    )
    roles = {p.name: p.role for p in r.meeting.participants}
    assert roles == {"Lena": "CIO", "Omar": "CMO"}


def test_coverage_lists_the_turns_behind_each_state() -> None:
    r = run(MISALIGNED, roles="Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO")
    flagged = r.coverage["late_involvement"]
    flag = next(f for f in r.flags if f.category == "late_involvement")
    assert {e.turn for e in flag.evidence} <= set(flagged.turns)
    for cov in r.coverage.values():
        assert cov.turns == sorted(set(cov.turns))
        if cov.state == "absent":
            assert cov.turns == []
        if cov.state == "discussed":
            # One topic word is not a discussion: it takes two signal turns or more.
            assert len(cov.turns) >= 2


def test_participants_share_the_words_and_count_questions() -> None:
    r = run(MISALIGNED, roles="Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO")
    people = {p.name: p for p in r.meeting.participants}
    assert sum(p.share for p in people.values()) == pytest.approx(1.0, abs=1e-3)
    assert people["Raj Patel"].share > people["Marcus Lee"].share
    assert people["Raj Patel"].questions == 1  # "Signed?"
    assert people["Dana Whitfield"].questions == 0


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("Declan, put the retention rule in the design pack by Thursday.", "Declan"),
        ("Ok, Declan, tell the account managers too.", "Declan"),
        ("Declan, I'll need you to add us as owners on the account.", "Declan"),
        ("It's your call. Tell us by Thursday.", "Declan"),
        ("You decide whether the flag goes in, and let me know.", "Declan"),
        ("Declan, I'll also need the consent screen in both languages.", "Declan"),
        ("Declan, I need to check the pack myself first.", "Aoife"),  # the speaker's own task
        ("Declan, the pack looks fine.", "Aoife"),  # a name, then no order: the speaker's own line
        # A name, then a question or "you": the one named is asked
        ("Declan, can we get the retention rule into the next release?", "Declan"),
        ("Declan, I would ask you to bring the plan to the committee.", "Declan"),
        ("Declan, you and Priya take the scorecard to the board.", "Declan"),
        ("Declan, I'll walk you through the pack tomorrow.", "Aoife"),
        ("Declan, the pack is on my laptop whenever you want to see it.", "Aoife"),
    ],
)
def test_the_person_addressed_owns_an_order_or_a_handed_over_choice(line: str, owner: str) -> None:
    """A name said first and then an order, or "you decide" / "your call", hands the task over."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _owner
    from coach.pipeline import prepare

    transcript, meeting, _ = prepare(f"Declan: The pack is nearly there.\nAoife: {line}\n")
    ctx = meeting_context(transcript, meeting)
    unit = next(u for u in ctx.units if u.speaker == "Aoife")
    assert _owner(unit, ctx)[0] == owner


@pytest.mark.parametrize(
    ("transcript", "owner"),
    [
        # Second-language English asks with a bare "you": the one named is asked, by full name too
        (
            "Li Wei: The rehearsal is Thursday.\nChen Yuhan: Li Wei, you join the rehearsal?\n",
            "Li Wei",
        ),
        ("Tom: Go-live is close.\nDana: Okay. Tom, you own the go live on the eleventh?\n", "Tom"),
        # Speech-to-text without the comma and the capital
        (
            "Marta: the offer rules are open\nLucia: marta you prepare the offer rules for arjun\n",
            "Marta",
        ),
        (
            "Marta: the offer rules are open\nLucia: so marta you know i prepare them myself\n",
            "Lucia",
        ),
        ("Marta: the offer rules are open\nLucia: market you prepare them\n", "Lucia"),
    ],
)
def test_a_bare_you_after_a_name_asks_the_one_named(transcript: str, owner: str) -> None:
    """ "Li Wei, you join the rehearsal?" / "marta you prepare the offer rules": they own it."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _owner
    from coach.pipeline import prepare

    parsed, meeting, _ = prepare(transcript)
    ctx = meeting_context(parsed, meeting)
    unit = ctx.units[-1]
    assert _owner(unit, ctx)[0] == owner


def test_who_answers_a_question_put_to_someone_by_name_takes_it_on() -> None:
    """ "Declan, can someone on your side...?" / (Priya) "I'll do it.": Priya owns it."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _owner
    from coach.pipeline import prepare

    transcript, meeting, _ = prepare(
        "Aoife: Declan, can someone on your side get me a real number for the interface?\n"
        "Priya: Yes, I'll pull it from the tracker.\n"
        "Declan: Thanks Priya.\n"
    )
    ctx = meeting_context(transcript, meeting)
    unit = next(u for u in ctx.units if u.speaker == "Aoife")
    assert _owner(unit, ctx)[0] == "Priya"


@pytest.mark.parametrize(
    ("line", "reply", "owner"),
    [
        ("Ok, send me the exact number of seats.", "Sure, I'll mail it today.", "Priya"),
        ("And I'd like the vendor's answer in writing.", "Yes, let me chase them.", "Priya"),
        ("Can we get the load test results?", "Of course, I can share them.", "Priya"),
        ("I'll send the deck on Friday.", "Sure, I can review it.", "Aoife"),  # the speaker's own
        ("We bring the study in two weeks.", "Okay, I'll read it then.", "Aoife"),
    ],
)
def test_a_need_with_no_doer_is_owned_by_who_takes_it_on(line: str, reply: str, owner: str) -> None:
    """ "Send me the number." / "Sure, I'll mail it today.": the one who answers owns it."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _owner
    from coach.pipeline import prepare

    transcript, meeting, _ = prepare(f"Aoife: {line}\nPriya: {reply}\n")
    ctx = meeting_context(transcript, meeting)
    unit = next(u for u in ctx.units if u.speaker == "Aoife")
    assert _owner(unit, ctx)[0] == owner


@pytest.mark.parametrize(("owner", "due"), [(None, None), ("Aoife", dt.date(2026, 6, 9))])
def test_a_task_nobody_takes_gets_a_due_date_only_from_its_own_words(
    owner: str | None, due: dt.date | None
) -> None:
    """The date after "someone needs to tell support" is the news; after "I'll tell", a deadline."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _due
    from coach.pipeline import prepare

    text = "Aoife: Someone needs to tell support. The launch moved to the ninth of June.\n"
    transcript, meeting, _ = prepare(text, date=dt.date(2026, 5, 4))
    ctx = meeting_context(transcript, meeting)
    turns = [t.text for t in transcript.turns]
    found = _due(ctx.units[:1], ctx, turns, meeting.date, owner)
    assert (found.date if found else None) == due


def test_a_tied_restatement_joins_the_earlier_item_whatever_the_word_order() -> None:
    """The tie must not be broken by a set's hash order, or reports differ from run to run."""
    from coach.engines.offline.actions import _restates

    index: dict[tuple[str | None, str], list[int]] = {}
    for n, words in enumerate((["alpha", "bravo"], ["charlie", "delta"])):
        for w in words:
            index.setdefault(("Dana", w), []).append(n)
    for order in (["alpha", "bravo", "charlie", "delta"], ["charlie", "delta", "alpha", "bravo"]):
        assert _restates(dict.fromkeys(order).keys(), "Dana", index, [2, 2]) == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "first", "then", "continues"),
    [
        # a fragment with no doer, or a bare hedge, finishes the item just taken on
        (
            "Ana: I'll draft the one-pager for the board. Maybe by Thursday, it depends on QA.",
            [0],
            1,
            True,
        ),
        ("Ana: Let me check whether the flag can go into the segment. No promises.", [0], 1, True),
        # a second task with its own doer is a second item
        (
            "Ana: I'll strip it out of the templates tonight. And I'll rescan the finder tomorrow.",
            [0],
            1,
            False,
        ),
        # a short yes to an ask, then the ask spelled out: one item; something else: two
        (
            "Ben: Ana, can you send Vikram the journey deck?\nAna: Yes. I'll send Vikram the journey deck on Monday.",
            [0, 1],
            2,
            True,
        ),
        (
            "Ben: Ana, can you send Vikram the journey deck?\nAna: Yes. I'll also book the creators for the twentieth.",
            [0, 1],
            2,
            False,
        ),
        # the one asked says yes in their own words in the next turn
        (
            "Ben: Luis, you'll carry it into the planning templates?\nLuis: Yes, I'll roll it in when finance sends them.",
            [0],
            1,
            True,
        ),
        (
            "Ben: Luis, you'll carry it into the planning templates?\nLuis: I'll book the room for Friday.",
            [0],
            1,
            False,
        ),
    ],
)
def test_what_goes_on_with_the_item_just_taken_is_not_a_new_item(
    text: str, first: list[int], then: int, continues: bool
) -> None:
    """Restated or hedged, one commitment is one item: the second line joins the first's evidence."""
    from coach.engines.offline import meeting_context
    from coach.engines.offline.actions import _continues
    from coach.models import ActionItem, Evidence
    from coach.pipeline import prepare

    transcript, meeting, _ = prepare(text + "\n")
    ctx = meeting_context(transcript, meeting)
    units = [ctx.units[i] for i in first]
    owner = ctx.units[then].speaker
    item = ActionItem(
        id="",
        description="x",
        owner=owner,
        evidence=[Evidence(turn=u.turn, speaker=u.speaker, quote=u.quote) for u in units],
        confidence=0.9,
    )
    assert _continues(ctx.units[then], owner, [item], [units]) is continues
    assert _continues(ctx.units[then], "Somebody Else", [item], [units]) is False


def test_a_decision_restated_with_more_detail_a_few_turns_later_is_one_decision() -> None:
    """The chair's "Decided then: ..." after the table agreed is the same decision, not a second."""
    opening = (
        "Dana: Okay, so we go with the smaller vendor for the loyalty emails.\n"
        "Raj: Fine by me, I'll tell procurement.\nLee: What about the SMS part?\nRaj: Next quarter.\n"
    )
    same = run(
        opening + "Dana: Decided then: the smaller vendor runs the loyalty emails from June, "
        "SMS stays with the old vendor.\nLee: Good."
    )
    assert [[e.turn for e in d.evidence] for d in same.decisions] == [[0, 4]]
    other = run(
        opening + "Dana: And we move the spring sale launch to the ninth of April.\nLee: Good."
    )
    assert len(other.decisions) == 2


def test_the_agreement_to_the_last_part_of_a_decision_settles_all_of_it() -> None:
    """A rule said in two sentences and agreed to in the next turn is one decision, not two."""
    r = run(
        "Dana: Then from today, no new marketing software on corporate cards. Everything goes "
        "through the IT intake, with a light route for small tools.\n"
        "Raj: That's the rule from today. Agreed.\nLee: Good."
    )
    (decision,) = r.decisions
    assert [e.turn for e in decision.evidence] == [0, 0, 1, 1]


def test_a_follow_up_with_its_own_deadline_is_its_own_item() -> None:
    """ "I'll have it removed by Friday" after Monday's task is a second task; the same date is not."""
    second = run(
        "Ana: I'll send the revised tag plan to the agency on Monday.\nBen: And the old pixel?\n"
        "Ana: I'll have it removed from the checkout pages by Friday.\nBen: Thanks."
    )
    assert [a.due for a in second.action_items] == [dt.date(2026, 3, 9), dt.date(2026, 3, 6)]
    same = run(
        "Ana: I'll send the revised tag plan to the agency on Monday.\nBen: Great.\n"
        "Ana: I'll get it over to them first thing Monday.\nBen: Thanks."
    )
    assert [a.due for a in same.action_items] == [dt.date(2026, 3, 9)]
