"""Property tests: any text or bytes give a Transcript or an InputError, never anything else."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.errors import InputError
from coach.models import Transcript
from coach.transcripts import load_transcript, parse_text

# Pieces of every format, so that random text often looks almost like a transcript.
PIECES = [
    "WEBVTT\n",
    "\n\n",
    "\n",
    "NOTE ",
    "-->",
    " --> ",
    "00:00:01.000",
    "00:00:02,500",
    "0:0:5.230",
    "1:02",
    "10:02:33",
    "<v Dana Whitfield>",
    "<v.loud ",
    "</v>",
    "<i>",
    "&amp;",
    ">> ",
    "Dana Whitfield: ",
    "Dana Whitfield (CMO): ",
    "SPEAKER_00: ",
    "Note: ",
    "Title: ",
    "Date: 2024-03-14",
    "[00:01:02] ",
    "[Dana] ",
    "(01:02) ",
    "Dana  0:14\n",
    '{"segments": [',
    '{"speaker": "A", "text": "hi", "start": 1, "end": 2}',
    '[{"text": ',
    "]",
    "}",
    "[",
    "{",
    '"',
    ":",
    " ",
    "\t",
    "\r\n",
    "\r",
    "\x1b[31m",
    "\x1b]0;t\x07",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\x00",
    "\ud800",
    "é",
    "1",
    "a",
    "We signed it.",
]

texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=30).map("".join),
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


docx_like = st.builds(
    lambda body: _zip({"word/document.xml": body}),
    st.one_of(
        st.binary(max_size=200),
        texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
        texts.map(
            lambda s: (
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>"
                + s.replace("&", "&amp;").replace("<", "&lt;")
                + "</w:t></w:r></w:p></w:body></w:document>"
            ).encode("utf-8", "surrogatepass")
        ),
    ),
)

blobs = st.one_of(
    st.binary(),
    texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
    texts.map(lambda s: s.encode("utf-16", "surrogatepass")),
    st.binary().map(lambda b: b"PK\x03\x04" + b),
    docx_like,
)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(transcript: Transcript) -> None:
    assert isinstance(transcript, Transcript)
    assert transcript.turns
    for turn in transcript.turns:
        assert turn.speaker and turn.speaker == turn.speaker.strip()
        assert turn.text and turn.text == turn.text.strip()
        turn.speaker.encode("utf-8")
        turn.text.encode("utf-8")
    transcript.model_dump_json()


@SETTINGS
@given(texts)
def test_parse_text_returns_or_raises_input_error(text: str) -> None:
    try:
        transcript = parse_text(text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    _valid(transcript)


@SETTINGS
@given(blobs, st.sampled_from([None, "t.txt", "t.vtt", "t.srt", "t.json", "t.docx"]))
def test_load_transcript_returns_or_raises_input_error(data: bytes, name: str | None) -> None:
    try:
        transcript = load_transcript(data, name=name)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    _valid(transcript)


words = st.text(
    alphabet=st.one_of(st.characters(categories=("L", "N", "Zs")), st.sampled_from(".,!?'-")),
    min_size=1,
).filter(lambda s: s.strip())


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from(["Dana Whitfield", "Raj Patel", "SPEAKER_01"]), words), min_size=1
    )
)
def test_written_turns_round_trip(turns: list[tuple[str, str]]) -> None:
    """`Name: text` lines come back as those turns, consecutive lines of one speaker joined."""
    expected: list[tuple[str, str]] = []
    for name, text in turns:
        text = " ".join(text.split())
        if expected and expected[-1][0] == name:
            expected[-1] = (name, f"{expected[-1][1]} {text}")
        else:
            expected.append((name, text))
    transcript = parse_text("\n".join(f"{name}: {text}" for name, text in turns))
    assert [(t.speaker, t.text) for t in transcript.turns] == expected
