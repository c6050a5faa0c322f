"""Bytes in: BOMs, UTF-16/32, CRLF and CR, the Windows-1252 fallback, and binary refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import InputError
from coach.transcripts import load_transcript, load_transcript_with_warnings
from coach.transcripts.decode import decode

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
TEXT_FIXTURES = sorted(
    p.name for p in FIXTURES.iterdir() if p.suffix in (".txt", ".vtt", ".srt", ".json")
)

VARIANTS = {
    "utf-8-bom": lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    "utf-16-le-bom": lambda s: b"\xff\xfe" + s.encode("utf-16-le"),
    "utf-16-be-bom": lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    "utf-32-le-bom": lambda s: b"\xff\xfe\x00\x00" + s.encode("utf-32-le"),
    "utf-32-be-bom": lambda s: b"\x00\x00\xfe\xff" + s.encode("utf-32-be"),
    "crlf": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda s: s.replace("\n", "\r").encode("utf-8"),
    "utf-16-crlf": lambda s: s.replace("\n", "\r\n").encode("utf-16"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("filename", TEXT_FIXTURES)
def test_encodings_and_line_ends_read_the_same(filename: str, variant: str) -> None:
    original = (FIXTURES / filename).read_text(encoding="utf-8")
    expected = load_transcript(original.encode("utf-8"), name=filename)
    transcript, warnings = load_transcript_with_warnings(VARIANTS[variant](original), name=filename)
    assert transcript == expected
    assert warnings == []


def test_utf16_without_bom_is_read_with_a_warning() -> None:
    data = "Dana Whitfield: Café at nine.\nRaj Patel: Fine.\n".encode("utf-16-le")
    transcript, warnings = load_transcript_with_warnings(data, name="t.txt")
    assert transcript.turns[0].text == "Café at nine."
    assert warnings == ["t.txt has no byte-order mark; read it as UTF-16-LE"]


def test_windows_1252_fallback_warns() -> None:
    data = "Dana Müller: We’re “aligned” – mostly.\nRaj Patel: Good.\n".encode("cp1252")
    transcript, warnings = load_transcript_with_warnings(data, name="notes.txt")
    assert transcript.turns[0].speaker == "Dana Müller"
    assert transcript.turns[0].text == "We’re “aligned” – mostly."
    assert len(warnings) == 1
    assert warnings[0].startswith("notes.txt is not valid UTF-8 (first bad byte at offset 6)")
    assert "Windows-1252" in warnings[0]


def test_undefined_cp1252_bytes_do_not_crash() -> None:
    transcript = load_transcript(b"Dana: odd \x81\x8d\x8f\x90\x9d bytes\n")
    assert transcript.turns[0].text == "odd \ufffd\ufffd\ufffd\ufffd\ufffd bytes"


def test_bad_utf16_is_replaced_with_a_warning() -> None:
    data = b"\xff\xfe" + "Dana: hi ".encode("utf-16-le") + b"\x00\xd8" + "ok".encode("utf-16-le")
    transcript, warnings = load_transcript_with_warnings(data)
    assert transcript.turns[0].text.startswith("hi")
    assert "not valid UTF-16" in warnings[0]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an old Word .doc"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"PK\x05\x06" + b"\x00" * 18, "an empty zip archive"),
        (b"\x00\x00\x00\x20ftypisom", "an audio or video file"),
        (b"ID3\x04\x00", "an audio or video file"),
        (b"Dana: hi\x00there", "it contains NUL bytes"),
        (bytes(range(1, 9)) * 20, "many control bytes"),
    ],
)
def test_binary_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(InputError) as caught:
        load_transcript(data, name="upload.bin")
    message = str(caught.value)
    assert message.startswith(f"upload.bin looks like a binary file ({what}")
    assert "\n" not in message


def test_rtf_gets_its_own_advice() -> None:
    with pytest.raises(InputError, match=r"is an RTF document; save it as plain text"):
        load_transcript(b"{\\rtf1\\ansi Dana: hi}")


def test_a_few_control_bytes_in_text_are_cleaned_not_refused() -> None:
    transcript = load_transcript(b"Dana: we \x1b[1msigned\x1b[0m it\x07.\nRaj: ok\x0c\n" * 3)
    assert transcript.turns[0].text.startswith("we signed it.")


def test_decode_contract() -> None:
    assert decode(b"a\r\nb\rc\n") == ("a\nb\nc\n", [])
    assert decode(b"\xef\xbb\xbfhi") == ("hi", [])
    assert decode(b"") == ("", [])
