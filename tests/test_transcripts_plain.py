"""Plain transcripts: which `Label:` prefixes are speakers, stamps, roles, title and date."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.errors import InputError
from coach.transcripts import load_transcript_with_warnings, parse_text
from coach.transcripts.meta import parse_date
from coach.transcripts.timecodes import parse_timestamp


def speakers(text: str) -> list[str]:
    return [turn.speaker for turn in parse_text(text).turns]


@pytest.mark.parametrize(
    "label",
    [
        "SPEAKER_00",
        "Speaker 1",
        "Dr. Raj Patel",
        "Ana-María O'Neil",
        "Dana",
        "Q",
        "Jean-Luc de la Tour",
    ],
)
def test_accepted_labels(label: str) -> None:
    transcript = parse_text(f"{label}: We signed it.\nOther Person: Good.")
    assert transcript.turns[0].speaker == label
    assert transcript.turns[0].text == "We signed it."


@pytest.mark.parametrize(
    "line",
    [
        "See https://example.com/notes for the deck.",
        "The plan we agreed on last week: ship in October.",
        "10:30 works for everyone?",
        "Ratio 3:1 in favour.",
        "1. First item: the budget.",
        "This is a very long prefix that goes on and on and on: then text",
    ],
)
def test_rejected_prefixes_continue_the_turn(line: str) -> None:
    transcript = parse_text(f"Dana Whitfield: Opening remark.\n{line}\nRaj Patel: Reply.")
    assert [t.speaker for t in transcript.turns] == ["Dana Whitfield", "Raj Patel"]
    assert transcript.turns[0].text == f"Opening remark. {line}"


def test_common_word_once_does_not_steal_a_turn() -> None:
    lines = []
    for i in range(6):
        lines.append(f"Dana Whitfield: Point {i} from marketing.")
        lines.append(f"Raj Patel: Response {i} from IT.")
    lines.insert(5, "Note: we decided to wait.")
    lines.insert(8, "Budget: it is over by ten percent.")
    lines.insert(9, "Pricing: unchanged.")
    transcript = parse_text("\n".join(lines))
    assert set(transcript.speakers) == {"Dana Whitfield", "Raj Patel"}
    joined = " ".join(t.text for t in transcript.turns)
    assert "Note: we decided to wait." in joined
    assert "Pricing: unchanged." in joined


def test_one_off_full_name_is_a_speaker() -> None:
    text = (
        "Dana Whitfield: Welcome.\nRaj Patel: Thanks.\nDana Whitfield: Let's start.\n"
        "Priya Raman: I only have one thing to say.\nRaj Patel: Noted."
    )
    assert "Priya Raman" in speakers(text)


def test_short_transcripts_accept_single_names() -> None:
    assert speakers("Dana: hi") == ["Dana"]
    assert speakers("Dana: hi\nRaj: hello") == ["Dana", "Raj"]


def test_stop_words_are_never_speakers() -> None:
    with pytest.raises(InputError, match="no speaker turns"):
        parse_text("Note: nothing was decided.\nAction items: none.")


def test_label_line_with_text_below() -> None:
    transcript = parse_text("Dana Whitfield:\nWe signed it.\nIt's done.\n\nRaj Patel:\nOkay.")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Dana Whitfield", "We signed it. It's done."),
        ("Raj Patel", "Okay."),
    ]


def test_consecutive_lines_of_one_speaker_join() -> None:
    transcript = parse_text("Dana: One.\nDana: Two.\nRaj: Three.\nDana: Four.")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Dana", "One. Two."),
        ("Raj", "Three."),
        ("Dana", "Four."),
    ]


def test_roles_are_stripped_and_recorded() -> None:
    transcript = parse_text(
        "Dana Whitfield (cmo): We launch in May.\n"
        "Raj Patel (CIO): Not without a review.\n"
        "Lee Chan (guest): Can I add something?\n"
        "Dana Whitfield: Go ahead."
    )
    assert transcript.speakers == ["Dana Whitfield", "Raj Patel", "Lee Chan (guest)"]
    assert transcript.roles == {"Dana Whitfield": "CMO", "Raj Patel": "CIO"}
    assert transcript.turns[-1].speaker == "Dana Whitfield"


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("[00:01:02] Dana: text", 62.0, None),
        ("[01:02:03.500] Dana: text", 3723.5, None),
        ("00:01:02 Dana: text", 62.0, None),
        ("(01:02) Dana: text", 62.0, None),
        ("Dana [00:01:02]: text", 62.0, None),
        ("Dana (1:02): text", 62.0, None),
        ("[00:01:02 - 00:01:09] Dana: text", 62.0, 69.0),
        ("[0:0:5.230] Dana: text", 5.23, None),
        ("**Dana:** text", None, None),
        ("**Dana**: text", None, None),
    ],
)
def test_stamps(line: str, start: float | None, end: float | None) -> None:
    (turn,) = parse_text(line).turns
    assert (turn.speaker, turn.text) == ("Dana", "text")
    assert turn.start == pytest.approx(start) if start is not None else turn.start is None
    assert turn.end == end


def test_stamp_only_lines_are_skipped_and_bare_times_in_text_kept() -> None:
    transcript = parse_text("00:05:00\nDana: We meet at\n10:30 tomorrow.\n00:06:00\nRaj: Fine.")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Dana", "We meet at 10:30 tomorrow."),
        ("Raj", "Fine."),
    ]


def test_title_and_date_lines() -> None:
    transcript = parse_text(
        "Title: Weekly leadership sync\nDate: March 14, 2024\nAttendees: Dana, Raj\n\n"
        "Dana: Morning.\nRaj: Morning."
    )
    assert transcript.title == "Weekly leadership sync"
    assert transcript.date == dt.date(2024, 3, 14)
    assert transcript.speakers == ["Dana", "Raj"]


def test_title_and_date_only_at_the_top() -> None:
    transcript = parse_text("Dana: Morning.\nDate: 2024-03-14\nRaj: Morning.")
    assert transcript.date is None
    assert transcript.turns[0].text == "Morning. Date: 2024-03-14"


def test_no_guessing_of_title_or_date() -> None:
    transcript = parse_text("Leadership sync 14 March 2024\n\nDana: Morning.\nRaj: Hi.")
    assert transcript.title is None
    assert transcript.date is None


def test_lines_before_the_first_turn_are_reported() -> None:
    transcript, warnings = load_transcript_with_warnings("Some heading\n\nDana: Morning.\nRaj: Hi.")
    assert transcript.speakers == ["Dana", "Raj"]
    assert warnings == ["ignored 1 line(s) before the first speaker turn"]


def test_text_and_names_are_cleaned() -> None:
    transcript = parse_text("Da\u200bna: We \x1b[31msigned\x1b[0m it.\u202e\nRaj\u2066: ok\x07")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Dana", "We signed it."),
        ("Raj", "ok"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-14", dt.date(2024, 3, 14)),
        ("March 14, 2024, 2:03PM", dt.date(2024, 3, 14)),
        ("Thursday, 14 March 2024", dt.date(2024, 3, 14)),
        ("Mar 14th 2024 at 10:00 am", dt.date(2024, 3, 14)),
        ("14/03/2024", dt.date(2024, 3, 14)),
        ("3/14/2024", dt.date(2024, 3, 14)),
        ("2024/03/14", dt.date(2024, 3, 14)),
        ("03/04/2024", None),  # March 4 or 3 April: never guess
        ("3/14/24", None),
        ("March 2024", None),
        ("Budget review March 14, 2024", None),
        ("February 30, 2024", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("token", "seconds"),
    [
        ("00:01:02", 62.0),
        ("1:02:03", 3723.0),
        ("01:02", 62.0),
        ("75:30", 4530.0),
        ("0:0:5.230", 5.23),
        ("00:00:01,500", 1.5),
        ("00:00:01.5", 1.5),
        ("00:61:00", None),
        ("00:00:60", None),
        ("1:2:3:4", None),
        ("12", None),
        ("a:bc", None),
        ("00:00:01.", None),
        ("１:２３", None),
    ],
)
def test_parse_timestamp(token: str, seconds: float | None) -> None:
    result = parse_timestamp(token)
    if seconds is None:
        assert result is None
    else:
        assert result == pytest.approx(seconds)
