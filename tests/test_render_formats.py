"""Renderers on a Report built by hand: the summary, turn numbering, time stamps, CSV columns,
several reports on one output, the agenda, colour only when asked, and no glued quotes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest

from coach.errors import InputError
from coach.models import (
    OFFLINE_NOTE,
    ActionItem,
    Coverage,
    Decision,
    EngineInfo,
    Evidence,
    Flag,
    Governance,
    Meeting,
    Objection,
    Participant,
    Report,
)
from coach.render import FORMATS, render, render_many
from coach.render.csvout import COLUMNS

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Turn start times, indexed like Evidence.turn; turn 3 has none.
STARTS = [4.0, 11.0, 19.0, None, 65.5, 3725.0]

PACK = 'Fine, I\'ll send you the "security pack",\nfirst thing tomorrow.'


def ev(turn: int, speaker: str, quote: str) -> Evidence:
    return Evidence(turn=turn, speaker=speaker, quote=quote)


def crafted(title: str = "Q3 sync") -> Report:
    ana, ben = "Ana Silva", "Ben Cole"
    return Report(
        meeting=Meeting(
            title=title,
            date=dt.date(2026, 3, 2),
            participants=[
                Participant(name=ana, role="CMO", turns=3, words=60, share=0.6, questions=1),
                Participant(name=ben, role="CIO", label="SPEAKER_01", turns=3, words=40, share=0.4),
            ],
            turns=6,
            words=100,
            duration_s=3730.0,
        ),
        flags=[
            Flag(
                id="F1",
                category="late_involvement",
                severity="high",
                title="Platform signed before IT saw it",
                summary="Marketing signed a platform that security has not reviewed.",
                parties=[ana, ben],
                evidence=[
                    ev(0, ana, "We signed the webinar platform last week"),
                    ev(1, ben, "Security hasn't seen it."),
                ],
                conversation="How do we bring IT in while a tool is still being explored?",
                confidence=0.8,
            ),
            Flag(
                id="F2",
                category="shared_kpis",
                severity="medium",
                title="No shared measure",
                summary="Each side is judged on its own numbers.",
                parties=[ben],
                evidence=[ev(4, ben, "We measure different things.")],
                conversation="Which measures will we both be judged on?",
                confidence=0.6,
            ),
        ],
        action_items=[
            ActionItem(
                id="A1",
                description="Send the vendor's security pack to Ben",
                owner=ana,
                due=dt.date(2026, 3, 3),
                due_text="tomorrow",
                evidence=[ev(2, ana, PACK)],
                confidence=0.9,
                strength="firm",
            ),
            ActionItem(
                id="A2",
                description="Check whether the integration needs an API key",
                evidence=[ev(3, ben, "Someone should check whether it needs an API key.")],
                confidence=0.5,
                strength="tentative",
            ),
            ActionItem(
                id="A3",
                description="Turn the review around",
                owner=ben,
                due=dt.date(2026, 3, 6),
                due_text="by Friday",
                evidence=[
                    ev(2, ana, "Can you turn the review around?"),
                    ev(4, ben, "By Friday, if legal signs off."),
                ],
                confidence=0.7,
                strength="conditional",
                condition="legal signs off",
                requested_by=ana,
            ),
            ActionItem(
                id="A4",
                description="Look at the data retention settings",
                owner=ben,
                evidence=[ev(5, ben, "I could take a look at retention at some point.")],
                confidence=0.4,
                strength="tentative",
            ),
        ],
        decisions=[
            Decision(
                id="D1",
                description="New tools go through an intake review with IT before signature",
                evidence=[ev(4, ana, "From now on every new tool goes through intake.")],
                decided_by=ana,
                gaps=["no review date"],
            )
        ],
        objections=[
            Objection(
                id="O1",
                speaker=ben,
                role="CIO",
                evidence=[ev(1, ben, "It needs single sign-on first.")],
                answered=False,
            ),
            Objection(
                id="O2",
                speaker=ben,
                role="CIO",
                evidence=[ev(4, ben, "That's not on our roadmap.")],
                answered=True,
                response=ev(5, ana, "We'll fund it from the campaign budget."),
            ),
        ],
        governance=[
            Governance(
                id="G1",
                title="Tool intake review with IT before signature",
                rationale="A short review while a tool is still being chosen.",
                addresses=["F1"],
                owner_role="CIO",
                framework="three steps #1",
                priority="high",
            )
        ],
        coverage={
            "late_involvement": Coverage(state="flagged", turns=[0, 1]),
            "shared_kpis": Coverage(state="flagged", turns=[4]),
            "data_governance": Coverage(state="discussed", turns=[1]),
            "ceo_support": Coverage(state="absent"),
        },
        engine=EngineInfo(provider="offline", model="offline-2"),
        warnings=["2 quote(s) dropped: not in the transcript", OFFLINE_NOTE],
    )


SUMMARY = (
    "2 flags (1 high, 1 medium); "
    "4 action items (1 without an owner, 2 without a date, 2 tentative); "
    "1 decision; 2 objections (1 unanswered)"
)


# --- formats and summary ----------------------------------------------------------------------


def test_formats_include_jsonl_and_ignore_case() -> None:
    assert set(FORMATS) == {"text", "md", "json", "jsonl", "html", "csv"}
    r = crafted()
    assert json.loads(render(r, "JSON")) == json.loads(render(r, "json"))
    line = render(r, "JsonL")
    assert line.endswith("\n") and line.count("\n") == 1
    assert Report.model_validate_json(line) == r
    assert render(r, "MD") == render(r, "md")
    with pytest.raises(InputError, match="unknown format"):
        render(r, "yaml")


def test_summary_line_comes_first_with_the_counts() -> None:
    r = crafted()
    assert render(r, "text").splitlines()[0] == SUMMARY
    coloured = ANSI.sub("", render(r, "text", color=True, width=400))
    assert coloured.splitlines()[0] == SUMMARY
    md = render(r, "md").splitlines()
    assert md[0] == "# Q3 sync"
    assert md[2] == f"**Summary:** {SUMMARY}"


def test_summary_of_an_empty_report() -> None:
    first = render(Report(), "text").splitlines()[0]
    assert first == "0 flags; 0 action items; 0 decisions; 0 objections"


# --- colour -----------------------------------------------------------------------------------


def test_plain_text_has_no_escape_codes_and_no_box_drawing() -> None:
    text = render(crafted(), "text", color=False)
    assert "\x1b" not in text
    assert not re.search("[\u2500-\u259f]", text)  # box drawing and blocks


def test_colour_is_ansi_and_says_the_same_words() -> None:
    r = crafted()
    coloured = render(r, "text", color=True, width=120)
    assert "\x1b[" in coloured
    assert "\x1b[1;31m[high]" in coloured  # severity in colour
    assert "NO OWNER" in coloured and "NO DATE" in coloured
    plain = ANSI.sub("", coloured)
    for needle in ("Platform signed before IT saw it", "We measure different things.", "A4"):
        assert needle in plain


def test_colour_never_interprets_transcript_text() -> None:
    r = crafted()
    hostile = (
        r.flags[0]
        .evidence[0]
        .model_copy(update={"quote": "[bold red]loud[/bold red] \x1b]0;pwned\x07 :smile:"})
    )
    r.flags[0].evidence[0] = hostile
    coloured = render(r, "text", color=True, width=200)
    assert "[bold red]loud[/bold red]" in coloured  # rich markup shown, not applied
    assert "pwned" not in coloured  # the OSC sequence went whole
    assert "\x1b]" not in coloured and "\x07" not in coloured
    assert ":smile:" in coloured  # no emoji substitution


# --- turns and time stamps --------------------------------------------------------------------


def test_human_formats_number_turns_from_one_and_json_from_zero() -> None:
    r = crafted()
    text = render(r, "text")
    md = render(r, "md")
    assert "(Ana Silva, turn 1)" in text
    assert "(*Ana Silva*, turn 1)" in md
    assert "turn 0" not in text and "turn 0" not in md
    assert "flagged (turns 1, 2)" in text
    assert "| flagged | 1, 2 |" in md
    rows = list(csv.DictReader(io.StringIO(render(r, "csv"))))
    assert rows[0]["turn"] == "3" and rows[2]["turn"] == "3, 5"
    data = json.loads(render(r, "json"))
    assert data["flags"][0]["evidence"][0]["turn"] == 0
    assert data["coverage"]["late_involvement"]["turns"] == [0, 1]


def test_time_stamps_where_the_source_has_them() -> None:
    r = crafted()
    for fmt in ("text", "md"):
        out = render(r, fmt, starts=STARTS)
        assert "turn 1, 00:04" in out and "turn 2, 00:11" in out
        assert "turn 4)" in out  # turn 4 has no start: no stamp
        assert "turn 6, 1:02:05" in out
    coloured = ANSI.sub("", render(r, "text", color=True, width=200, starts=STARTS))
    assert "turn 1, 00:04" in coloured


# --- schema-2 fields and readable names -------------------------------------------------------


def test_text_shows_the_schema_2_fields() -> None:
    text = render(crafted(), "text")
    assert "A3 [conditional] Turn the review around" in text
    assert "if: legal signs off; asked by: Ana Silva" in text
    assert "decided by: Ana Silva; gaps: no review date" in text
    assert "O1 Ben Cole (CIO): UNANSWERED" in text
    assert 'answer: "We\'ll fund it from the campaign budget." (Ana Silva, turn 6)' in text
    assert "Ana Silva (CMO, 60%)" in text and "Ben Cole (CIO, 40%, was SPEAKER_01)" in text
    assert "OBJECTIONS (2, 1 unanswered)" in text


def test_categories_have_readable_names() -> None:
    r = crafted()
    for fmt in ("text", "md"):
        out = render(r, fmt)
        assert "Bringing IT in from the start" in out
        assert "Shared success measures" in out
        for cid in ("late_involvement", "shared_kpis", "data_governance", "ceo_support"):
            assert cid not in out, (fmt, cid)


# --- warnings and the offline note ------------------------------------------------------------


def test_warnings_stay_out_of_human_formats_unless_asked() -> None:
    r = crafted()
    for fmt in ("text", "md"):
        out = render(r, fmt)
        assert "quote(s) dropped" not in out
        assert out.rstrip("\n").splitlines()[-1].strip("*") == OFFLINE_NOTE
        asked = render(r, fmt, warnings=True)
        assert "quote(s) dropped" in asked
        assert asked.count(OFFLINE_NOTE) == 1
        assert asked.rstrip("\n").splitlines()[-1].strip("*") == OFFLINE_NOTE
    assert json.loads(render(r, "json"))["warnings"] == r.warnings


# --- CSV --------------------------------------------------------------------------------------


def test_csv_is_action_items_only_with_the_agreed_columns() -> None:
    r = crafted()
    out = render(r, "csv", source="q3.vtt")
    assert out.splitlines()[0] == ",".join(COLUMNS)
    assert COLUMNS == [
        "id",
        "summary",
        "owner",
        "due",
        "due_text",
        "strength",
        "source",
        "meeting_date",
        "quote",
        "turn",
    ]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["id"] for row in rows] == ["A1", "A2", "A3", "A4"]
    first = rows[0]
    assert first["quote"] == PACK  # commas, quotes and a newline survive
    assert first["summary"] == "Send the vendor's security pack to Ben"
    assert (first["owner"], first["due"], first["due_text"]) == (
        "Ana Silva",
        "2026-03-03",
        "tomorrow",
    )
    assert (first["strength"], first["source"], first["meeting_date"]) == (
        "firm",
        "q3.vtt",
        "2026-03-02",
    )
    assert rows[1]["owner"] == "" and rows[1]["due"] == ""
    assert rows[2]["quote"] == "Can you turn the review around?\nBy Friday, if legal signs off."
    assert render(r, "csv").splitlines()[1].split(",")[6] == ""  # no source: empty cell


def test_csv_of_a_report_without_actions_is_the_header() -> None:
    assert render(Report(), "csv") == ",".join(COLUMNS) + "\n"


# --- several reports --------------------------------------------------------------------------


def two() -> list[tuple[str, Report]]:
    return [("a.vtt", crafted("First")), ("b.txt", crafted("Second"))]


def test_many_as_json_is_one_array() -> None:
    data = json.loads(render_many(two(), "json"))
    assert isinstance(data, list) and len(data) == 2
    assert [Report.model_validate(d).meeting.title for d in data] == ["First", "Second"]
    assert json.loads(render_many([], "json")) == []


def test_many_as_jsonl_is_one_object_per_line() -> None:
    lines = render_many(two(), "jsonl").splitlines()
    assert len(lines) == 2
    assert [Report.model_validate_json(line).meeting.title for line in lines] == ["First", "Second"]


def test_many_as_csv_has_one_header_and_the_source() -> None:
    out = render_many(two(), "csv")
    assert out.count("id,summary,owner") == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["source"] for row in rows] == ["a.vtt"] * 4 + ["b.txt"] * 4


def test_many_as_text_and_markdown_have_a_heading_per_file() -> None:
    text = render_many(two(), "text")
    assert [line for line in text.splitlines() if line.startswith("==>")] == [
        "==> a.vtt <==",
        "==> b.txt <==",
    ]
    assert text.count(SUMMARY) == 2
    coloured = ANSI.sub("", render_many(two(), "text", color=True, width=300))
    assert coloured.count("==> a.vtt <==") == 1 and coloured.count("==> b.txt <==") == 1
    md = render_many(two(), "md", starts=[STARTS, None])
    tops = [line for line in md.splitlines() if re.match(r"# ", line)]
    assert tops == ["# a.vtt", "# b.txt"]
    assert "## First" in md and "## Second" in md and "### Agenda for the next meeting" in md
    assert md.count("turn 1, 00:04") >= 1 and md.split("# b.txt")[1].count("00:04") == 0


def test_many_refuses_html_and_mismatched_starts() -> None:
    with pytest.raises(ValueError):
        render_many(two(), "html")
    with pytest.raises(ValueError):
        render_many(two(), "text", starts=[STARTS])


# --- the agenda -------------------------------------------------------------------------------


def agenda(md: str) -> list[str]:
    section = md.split("## Agenda for the next meeting\n\n", 1)[1].split("\n\n", 1)[0]
    return section.splitlines()


def test_agenda_lists_what_the_meeting_left_open() -> None:
    points = agenda(render(crafted(), "md"))
    refs = [re.match(r"- \*\*(\w+)\*\*", p).group(1) for p in points]  # type: ignore[union-attr]
    # A1 is firm, owned and dated; O2 was answered.
    assert refs == ["F1", "F2", "A2", "A3", "A4", "O1"]
    f1, _, a2, a3, a4, o1 = points
    assert "(Ana Silva and Ben Cole)" in f1
    assert "How do we bring IT in while a tool is still being explored?" in f1
    assert 'Who owns "Check whether the integration needs an API key"?' in a2
    assert a3.startswith("- **A3** Ben Cole,") and '"legal signs off"' in a3
    assert a4.startswith("- **A4** Ben Cole, by when?")
    assert "Ben Cole (CIO)" in o1 and "It needs single sign-on first." in o1


def test_agenda_of_a_closed_meeting_says_so() -> None:
    r = crafted()
    r = r.model_copy(
        update={
            "flags": [],
            "objections": [],
            "action_items": [r.action_items[0]],
        }
    )
    assert agenda(render(r, "md")) == ["Nothing left open."]


# --- quotes -----------------------------------------------------------------------------------


def test_no_two_quotes_share_a_line() -> None:
    r = crafted()
    quotes = [e.quote.splitlines()[0] for f in r.flags for e in f.evidence]
    quotes += [e.quote.splitlines()[0] for a in r.action_items for e in a.evidence]
    for fmt in ("text", "md"):
        for line in render(r, fmt, starts=STARTS).splitlines():
            if "Agenda" in line or line.startswith("- **O"):
                continue
            assert sum(q in line for q in quotes) <= 1, (fmt, line)
    # the attribution closes each quote's line: speaker, then a line break, then the next quote
    text = render(r, "text")
    assert '(Ana Silva, turn 1)\n    "Security hasn\'t seen it."' in text


# --- start-up cost ----------------------------------------------------------------------------


def test_plain_rendering_imports_neither_rich_nor_jinja2() -> None:
    code = (
        "import sys\n"
        "from coach.models import Report\n"
        "from coach.render import render, render_many\n"
        "for fmt in ('text', 'md', 'json', 'jsonl', 'csv'):\n"
        "    render(Report(), fmt)\n"
        "    render_many([('a', Report())], fmt)\n"
        "print(sorted(m for m in ('rich', 'jinja2') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_said_date_without_a_meeting_date_is_not_missing() -> None:
    r = crafted()
    r.meeting.date = None
    r.action_items[0] = r.action_items[0].model_copy(update={"due": None})  # "tomorrow"
    text = render(r, "text")
    assert "2 without a date" in text.splitlines()[0]  # A2 and A4 only
    assert 'owner: Ana Silva; due: "tomorrow"' in text
    assert '· due "tomorrow" ·' in render(r, "md")
    r.meeting.date = dt.date(2026, 3, 2)  # with a meeting date, an unresolved phrase is vague
    assert "3 without a date" in render(r, "text").splitlines()[0]
