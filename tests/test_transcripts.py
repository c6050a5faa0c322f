"""Transcript ingestion: every fixture format end to end, the public API, and its errors."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from coach.errors import InputError
from coach.models import Transcript
from coach.transcripts import (
    MAX_BYTES,
    load_transcript,
    load_transcript_with_warnings,
    parse_text,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"

DANA, MARCUS, PRIYA, TOM = "Dana Whitfield", "Marcus Lee", "Priya Raman", "Tom Okafor"

# file, format, speakers by turn, start of the first turn, title, date, roles
CASES = [
    (
        "plain.txt",
        "plain",
        [DANA, MARCUS, PRIYA, MARCUS, PRIYA, TOM, DANA],
        None,
        "Q3 Leadership Sync",
        dt.date(2024, 9, 12),
        {DANA: "CEO", MARCUS: "CMO", PRIYA: "CIO", TOM: "CTO"},
    ),
    ("plain_stamped_brackets.txt", "plain", [DANA, MARCUS, PRIYA, DANA], 4.0, None, None, {}),
    ("plain_stamped_bare.txt", "plain", [DANA, TOM, PRIYA, TOM], 4.0, None, None, {}),
    ("plain_stamped_parens.txt", "plain", [DANA, TOM, PRIYA, TOM], 4.0, None, None, {}),
    ("plain_stamped_after_name.txt", "plain", [DANA, TOM, PRIYA, TOM], 4.0, None, None, {}),
    (
        "plain_diarized.txt",
        "plain",
        ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00", "SPEAKER_02"],
        None,
        None,
        None,
        {},
    ),
    ("otter.txt", "otter", [DANA, MARCUS, PRIYA, MARCUS, TOM], 2.0, "Q3 Leadership Sync", None, {}),
    ("zoom_transcript.txt", "zoom", [DANA, MARCUS, TOM], 0.0, None, None, {}),
    ("teams.vtt", "vtt", [DANA, PRIYA, MARCUS], 3.12, None, None, {PRIYA: "CIO", MARCUS: "CMO"}),
    ("zoom.vtt", "vtt", [DANA, MARCUS, TOM, MARCUS], 1.35, None, None, {}),
    ("stream.vtt", "vtt", [DANA, TOM, DANA], 0.58, None, None, {}),
    ("broadcast.vtt", "vtt", ["DANA", "Speaker 1", "Speaker 2", "DANA"], 0.0, None, None, {}),
    ("subtitles.srt", "srt", [DANA, PRIYA, TOM], 1.0, None, None, {}),
    ("whisperx.json", "json", ["SPEAKER_00", "SPEAKER_01"], 0.031, None, None, {}),
    ("segments.json", "json", [DANA, TOM, MARCUS], 0.0, None, None, {}),
    (
        "teams.docx",
        "docx",
        [DANA, MARCUS, PRIYA, TOM],
        3.0,
        "Q3 Leadership Sync",
        dt.date(2024, 9, 12),
        {},
    ),
    (
        "teams_legacy.docx",
        "docx",
        [DANA, PRIYA, MARCUS],
        0.0,
        "Data Platform Review",
        dt.date(2024, 9, 12),
        {},
    ),
]


@pytest.mark.parametrize(
    ("filename", "fmt", "speakers", "first_start", "title", "date", "roles"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_fixture(
    filename: str,
    fmt: str,
    speakers: list[str],
    first_start: float | None,
    title: str | None,
    date: dt.date | None,
    roles: dict[str, str],
) -> None:
    transcript, warnings = load_transcript_with_warnings(FIXTURES / filename)
    assert transcript.format == fmt
    assert [turn.speaker for turn in transcript.turns] == speakers
    if first_start is None:
        assert transcript.turns[0].start is None
    else:
        assert transcript.turns[0].start == pytest.approx(first_start)
    assert transcript.title == title
    assert transcript.date == date
    assert transcript.roles == roles
    assert warnings == []
    for turn in transcript.turns:
        assert turn.text and turn.text == turn.text.strip()
        assert "  " not in turn.text and "\n" not in turn.text
        assert "<" not in turn.text  # voice and style tags are gone
        assert turn.start is None or turn.end is None or turn.start <= turn.end


def test_fixture_texts_are_joined_and_clean() -> None:
    teams = load_transcript(FIXTURES / "teams.vtt")
    assert teams.turns[0].text == (
        "Okay, I think everyone's here. Let's start with the data platform question. "
        "Priya, do you want to kick off?"
    )
    assert (teams.turns[0].start, teams.turns[0].end) == (3.12, 9.01)
    assert teams.turns[2].text.endswith("one list we can segment & trust.")

    plain = load_transcript(FIXTURES / "plain.txt")
    assert plain.turns[2].text == (
        "That's the first I'm hearing about a signed contract. "
        "The data-sharing terms need a security review before anything goes live."
    )
    assert plain.turns[4].text.startswith("Note: the review queue")

    otter = load_transcript(FIXTURES / "otter.txt")
    assert otter.turns[-1].start == 3852.0  # 1:04:12
    assert "otter.ai" not in otter.turns[-1].text

    zoom = load_transcript(FIXTURES / "zoom_transcript.txt")
    assert [t.start for t in zoom.turns] == [0.0, 8.0, 32.0]  # relative to 10:02:33
    assert zoom.turns[1].text.endswith("live by November.")

    srt = load_transcript(FIXTURES / "subtitles.srt")
    assert srt.turns[1].text == "I like it, but it needs a budget owner. Ideally not IT."
    assert (srt.turns[1].start, srt.turns[1].end) == (4.8, 10.9)

    whisper = load_transcript(FIXTURES / "whisperx.json")
    assert whisper.turns[0].text == "So the question is who signs off on the analytics vendor."
    assert whisper.turns[1].text.endswith("And legal. Fine, I'll start both this week.")

    legacy = load_transcript(FIXTURES / "teams_legacy.docx")
    assert (
        legacy.turns[1].text
        == "We still have two customer databases. And nobody owns the master record."
    )
    assert legacy.turns[2].end == pytest.approx(18.4)

    broadcast = load_transcript(FIXTURES / "broadcast.vtt")
    assert broadcast.turns[0].text == "GOOD EVENING AND WELCOME TO THE QUARTERLY TOWN HALL."


def test_otter_header_date_only_when_it_has_a_year() -> None:
    body = "\n\nDana Whitfield  0:02\nMorning.\n\nRaj Patel  0:05\nHi.\n"
    dated = parse_text("Offsite\nThu, Sep 12, 2024 10:02AM • 42:18" + body)
    assert (dated.title, dated.date) == ("Offsite", dt.date(2024, 9, 12))
    undated = parse_text("Offsite\nThu, 9/12 10:02AM • 42:18" + body)
    assert (undated.title, undated.date) == ("Offsite", None)


def test_source_kinds_agree() -> None:
    path = FIXTURES / "teams.vtt"
    data = path.read_bytes()
    from_path = load_transcript(path)
    assert load_transcript(data) == from_path
    assert load_transcript(data.decode("utf-8")) == from_path
    assert parse_text(data.decode("utf-8")) == from_path
    assert isinstance(from_path, Transcript)


def test_str_is_content_not_a_path() -> None:
    with pytest.raises(InputError, match="no speaker turns"):
        load_transcript(str(FIXTURES / "plain.txt"))


def test_extension_breaks_ties() -> None:
    text = "00:00:01.000 --> 00:00:02.000\nDana: Hello there.\n"
    assert parse_text(text).format == "srt"
    assert parse_text(text, name="meeting.vtt").format == "vtt"
    # a JSON list of numbers is not a transcript either way, but .json decides how it fails
    with pytest.raises(InputError, match="JSON segment 0 is a number"):
        parse_text("[1, 2]", name="segments.json")


def test_content_beats_extension() -> None:
    data = (FIXTURES / "plain.txt").read_bytes()
    assert load_transcript(data, name="meeting.vtt").format == "plain"
    assert load_transcript(data, name="meeting.docx").format == "plain"


def test_max_bytes_is_25_mib() -> None:
    assert MAX_BYTES == 25 * 1024 * 1024


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\u200b\u200b", "\x1b[31m\x1b[0m"])
def test_empty(text: str) -> None:
    with pytest.raises(InputError, match=r"^the transcript is empty: paste or pass a file"):
        parse_text(text)


def test_empty_bytes() -> None:
    with pytest.raises(InputError, match="is empty"):
        load_transcript(b"")
    with pytest.raises(InputError, match="is empty"):
        load_transcript(b"\xef\xbb\xbf\r\n")


def test_no_turns_names_the_source() -> None:
    with pytest.raises(InputError) as caught:
        load_transcript(
            b"Just some notes without any speakers.\nAnd another line.", name="notes.txt"
        )
    message = str(caught.value)
    assert message.startswith(
        "no speaker turns found in notes.txt: expected lines like 'Name: text'"
    )
    assert "coach parse --help" in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.vtt"
    with pytest.raises(InputError, match=r"no such file: .*nope\.vtt; check the path"):
        load_transcript(missing)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory; pass a transcript file"):
        load_transcript(tmp_path)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="permissions not enforced for root"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Dana: hi\n")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match=r"cannot read .*secret\.txt"):
            load_transcript(path)
    finally:
        path.chmod(0o600)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match=r"huge\.txt is 25\.0 MiB, over the 25 MiB limit"):
        load_transcript(path)
    with pytest.raises(InputError, match="over the 25 MiB limit"):
        load_transcript(b"a" * (MAX_BYTES + 1))


def test_path_name_is_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "transcript.data"
    path.write_bytes(b"00:00:01.000 --> 00:00:02.000\n<v Dana>Hi.</v>\n")
    assert load_transcript(path).format == "srt"
    assert load_transcript(path, name="x.vtt").format == "vtt"


def test_wrong_type() -> None:
    with pytest.raises(TypeError):
        load_transcript(42)  # type: ignore[arg-type]


def test_messages_are_one_line() -> None:
    with pytest.raises(InputError) as caught:
        load_transcript(b"%PDF-1.7\n", name="bad\nname.pdf")
    assert "\n" not in str(caught.value)


# --- speed ------------------------------------------------------------------------------------


SENTENCE = "we agreed the platform launch depends on the security review and the data owner"


def _long_plain(words: int) -> str:
    sentence = SENTENCE.split()
    names = [DANA, MARCUS, PRIYA, TOM]
    lines, count, i = [], 0, 0
    while count < words:
        n = 8 + (i * 7) % 30
        lines.append(
            f"{names[i % 4]}: " + " ".join(sentence[(i + j) % len(sentence)] for j in range(n))
        )
        count += n
        i += 1
    return "\n".join(lines)


def test_ten_thousand_words_parse_in_both_layouts() -> None:
    text = _long_plain(10_000)
    vtt = "WEBVTT\n\n" + "\n\n".join(
        f"{i}\n00:{i // 60 % 60:02d}:{i % 60:02d}.000 --> 00:{i // 60 % 60:02d}:{i % 60:02d}.900\n"
        f"<v {line.split(':')[0]}>{line.split(': ', 1)[1]}</v>"
        for i, line in enumerate(text.split("\n"))
    )
    for source in (text, vtt):
        transcript = parse_text(source)
        assert len(transcript.turns) > 100
        assert sum(len(t.text.split()) for t in transcript.turns) >= 9_000
