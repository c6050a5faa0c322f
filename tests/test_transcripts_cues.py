"""WebVTT and SubRip: dialects, speakers inside cues, and broken timings."""

from __future__ import annotations

import pytest

from coach.errors import InputError
from coach.transcripts import parse_text


def pairs(text: str, **kwargs: str) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in parse_text(text, **kwargs).turns]


def test_voice_tags_with_classes_and_several_voices_per_cue() -> None:
    text = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:04.000\n"
        "<v.loud Dana Whitfield>We ship Monday.</v>\n<v Raj Patel>We <i>don't</i>.</v>\n\n"
        "00:00:04.000 --> 00:00:06.000\n"
        "<v Raj Patel>Not without &quot;sign-off&quot; &amp; a review.\n"
    )
    assert pairs(text) == [
        ("Dana Whitfield", "We ship Monday."),
        ("Raj Patel", 'We don\'t. Not without "sign-off" & a review.'),
    ]


def test_voice_role_goes_to_roles() -> None:
    transcript = parse_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana Whitfield (CIO)>Hello.</v>\n"
    )
    assert transcript.speakers == ["Dana Whitfield"]
    assert transcript.roles == {"Dana Whitfield": "CIO"}


def test_header_metadata_style_and_note_blocks_are_skipped() -> None:
    text = (
        "WEBVTT - Leadership sync\nKind: captions\nLanguage: en\n\n"
        "STYLE\n::cue { color: yellow }\n\n"
        "NOTE This is a comment\nspanning two lines\n\n"
        "intro\n00:00:01.000 --> 00:00:03.000 align:start position:10%\n<v Dana>Hello.</v>\n\n"
        "NOTE Confidence: 0.91\n"
        "00:00:03.000 --> 00:00:05.000\n<v Raj>Hi.</v>\n"
    )
    transcript = parse_text(text)
    assert [(t.speaker, t.text, t.start, t.end) for t in transcript.turns] == [
        ("Dana", "Hello.", 1.0, 3.0),
        ("Raj", "Hi.", 3.0, 5.0),
    ]


def test_zoom_cloud_cues_without_a_name_continue_the_speaker() -> None:
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nDana Whitfield: One.\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\nTwo.\n\n"
        "3\n00:00:03.000 --> 00:00:04.000\nRaj Patel: Three.\n"
    )
    assert pairs(text) == [("Dana Whitfield", "One. Two."), ("Raj Patel", "Three.")]


def test_first_cue_without_a_name_is_unknown() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n\n"
        "00:00:02.000 --> 00:00:03.000\nDana: Hi.\n"
    )
    assert pairs(text) == [("Unknown", "Hello."), ("Dana", "Hi.")]


def test_hours_are_optional_in_vtt() -> None:
    (turn,) = parse_text("WEBVTT\n\n01:02.500 --> 01:04.000\n<v Dana>Hi.</v>\n").turns
    assert (turn.start, turn.end) == (62.5, 64.0)


def test_broadcast_numbers_unnamed_speakers_in_order() -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000 line:85%\nWELCOME BACK.\n\n"
        "00:00:02.000 --> 00:00:04.000 line:85%\n>> THANKS FOR HAVING ME.\n>> GLAD YOU'RE HERE.\n\n"
        "00:00:04.000 --> 00:00:06.000 line:85%\n>> ANCHOR: BACK TO YOU.\nAND GOOD NIGHT.\n"
    )
    assert pairs(text) == [
        ("Speaker 1", "WELCOME BACK."),
        ("Speaker 2", "THANKS FOR HAVING ME."),
        ("Speaker 3", "GLAD YOU'RE HERE."),
        ("ANCHOR", "BACK TO YOU. AND GOOD NIGHT."),
    ]


def test_srt_variants() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50\n"
        '{\\an8}<font color="#fff">Dana: Hi.</font>\n'
        "2\n00:00:02,000 --> 00:00:03,000\nRaj: Hello.\n\nStill Raj.\n\n"
        "00:00:03,000 --> 00:00:04,000\nDana: Bye.\n"
    )
    assert pairs(text) == [("Dana", "Hi."), ("Raj", "Hello. Still Raj."), ("Dana", "Bye.")]


def test_older_teams_layout_as_text() -> None:
    text = (
        "0:0:0.0 --> 0:0:5.230\nDana Whitfield\nOkay, let's start.\n\n"
        "0:0:5.230 --> 0:0:9.100\nRaj Patel\nSure.\n\n"
        "0:0:9.100 --> 0:0:12.0\nDana Whitfield\nFirst item.\n"
    )
    transcript = parse_text(text)
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Dana Whitfield", "Okay, let's start."),
        ("Raj Patel", "Sure."),
        ("Dana Whitfield", "First item."),
    ]
    assert transcript.turns[0].end == pytest.approx(5.23)


def test_two_line_subtitles_are_not_mistaken_for_names() -> None:
    cues = [
        ("Dana: So the plan", "is to ship in May."),
        ("we need the review", "before that."),
        ("Raj: I can do it", "next week."),
        ("if marketing sends", "the pack."),
    ]
    text = "\n\n".join(
        f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i + 1},000\n{a}\n{b}" for i, (a, b) in enumerate(cues)
    )
    assert pairs(text) == [
        ("Dana", "So the plan is to ship in May. we need the review before that."),
        ("Raj", "I can do it next week. if marketing sends the pack."),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHi.\n", 3),
        ("WEBVTT\n\nNOTE x\n\n1\n00:00:01.000 --> \nHi.\n", 6),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nDana: Hi.\n\n"
            "2\n00:00:02,000 -> 00:00:03,000\nRaj: Hi.\n",
            6,
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nDana: Hi.\n\n"
            "2\n00:00:02,000 --> 00:99:03,000\nRaj: Hi.\n",
            6,
        ),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nHi.\n", 3),
    ],
)
def test_broken_timings_name_the_line(text: str, line: int) -> None:
    with pytest.raises(InputError, match=rf"^line {line}: ") as caught:
        parse_text(text)
    assert "cue" in str(caught.value)


def test_vtt_without_cues_has_no_turns() -> None:
    with pytest.raises(InputError, match="no speaker turns"):
        parse_text("WEBVTT\n\nNOTE nothing here\n")


def test_arrows_in_text_are_text() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nDana: costs --> up\n"
    assert pairs(srt) == [("Dana", "costs --> up")]
    assert pairs("Dana: costs --> up\nRaj: fine") == [("Dana", "costs --> up"), ("Raj", "fine")]


def test_a_colon_inside_a_voiced_cue_is_speech() -> None:
    # A recap read out in a Teams cue: the voice tag names the speaker, "Me:" is what she said.
    text = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:04.000\n"
        "<v Dana Whitfield>So the list goes out in\nMay. Me: the exec summary.</v>\n\n"
        "00:00:04.000 --> 00:00:06.000\n"
        "<v Raj Patel>Budget: flat.</v>\n"
    )
    assert pairs(text) == [
        ("Dana Whitfield", "So the list goes out in May. Me: the exec summary."),
        ("Raj Patel", "Budget: flat."),
    ]


def test_a_sentence_break_before_a_colon_is_not_a_name() -> None:
    # Zoom cues name the speaker as "Name: text"; a one-off "May. Me:" is two sentences, not a name.
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDana Whitfield: We ship in May.\n\n"
        "2\n00:00:04.000 --> 00:00:06.000\nRaj Patel: Fine by me.\n\n"
        "3\n00:00:06.000 --> 00:00:08.000\nRaj Patel: The order is set for\nMay. Me: the summary.\n\n"
        "4\n00:00:08.000 --> 00:00:09.000\nDr. Ana Lima: Agreed.\n"
    )
    assert pairs(text) == [
        ("Dana Whitfield", "We ship in May."),
        ("Raj Patel", "Fine by me. The order is set for May. Me: the summary."),
        ("Dr. Ana Lima", "Agreed."),
    ]
