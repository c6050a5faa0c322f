"""Teams .docx and JSON segments: layouts, shapes, and everything that must be refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from coach.errors import InputError
from coach.transcripts import load_transcript, parse_text
from coach.transcripts.docx import paragraphs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(body: str, *, name: str = "word/document.xml", raw: str | None = None) -> bytes:
    xml = (
        raw
        if raw is not None
        else f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, xml)
    return buffer.getvalue()


def p(*texts: str) -> str:
    return (
        "<w:p>"
        + "".join(f"<w:r><w:t xml:space='preserve'>{t}</w:t></w:r>" for t in texts)
        + "</w:p>"
    )


def test_fixture_script_is_reproducible(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_docx", FIXTURES / "make_docx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path / "teams.docx", module.current())
    module.write(tmp_path / "teams_legacy.docx", module.legacy())
    assert (tmp_path / "teams.docx").read_bytes() == (FIXTURES / "teams.docx").read_bytes()
    assert (tmp_path / "teams_legacy.docx").read_bytes() == (
        FIXTURES / "teams_legacy.docx"
    ).read_bytes()


def test_paragraph_text_runs_tabs_and_breaks() -> None:
    body = (
        p("Dana ", "Whitfield", "   0:03")
        + "<w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t><w:tab/><w:t>x</w:t></w:r></w:p>"
        + "<w:p><w:r><w:delText>deleted</w:delText></w:r></w:p>"
    )
    assert paragraphs(make_docx(body)) == ["Dana Whitfield   0:03", "Line one", "line two\tx", ""]


def test_docx_with_tab_between_name_and_time() -> None:
    body = (
        "<w:p><w:r><w:t>Dana Whitfield</w:t><w:tab/><w:t>0:03</w:t></w:r></w:p>"
        + p("We signed it.")
        + "<w:p><w:r><w:t>Raj Patel</w:t><w:tab/><w:t>0:09</w:t></w:r></w:p>"
        + p("Good.")
    )
    transcript = load_transcript(make_docx(body), name="sync.docx")
    assert transcript.format == "docx"
    assert [(t.speaker, t.text, t.start) for t in transcript.turns] == [
        ("Dana Whitfield", "We signed it.", 3.0),
        ("Raj Patel", "Good.", 9.0),
    ]


def test_docx_with_plain_lines() -> None:
    body = p("Title: Budget review") + p("Dana: We are over.") + p("Raj: By how much?")
    transcript = load_transcript(make_docx(body))
    assert transcript.format == "docx"
    assert transcript.title == "Budget review"
    assert transcript.speakers == ["Dana", "Raj"]


def test_docx_detected_from_content_not_name() -> None:
    data = (FIXTURES / "teams.docx").read_bytes()
    assert load_transcript(data, name="transcript.txt").format == "docx"


def test_zip_that_is_not_a_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Dana: hi")
    with pytest.raises(
        InputError,
        match=r"x\.zip looks like a binary file \(a zip archive without word/document\.xml",
    ):
        load_transcript(buffer.getvalue(), name="x.zip")


def test_damaged_zip() -> None:
    data = (FIXTURES / "teams.docx").read_bytes()
    with pytest.raises(InputError, match=r"damaged \.docx or zip archive"):
        load_transcript(data[: len(data) // 2], name="cut.docx")
    with pytest.raises(InputError, match=r"damaged \.docx or zip archive"):
        load_transcript(b"PK\x03\x04" + b"\x00" * 100)


def test_broken_xml() -> None:
    with pytest.raises(InputError, match=r"word/document\.xml is not well-formed XML \(.*line 1"):
        load_transcript(make_docx("", raw="<w:document><w:body><w:p>"))
    with pytest.raises(InputError, match="not well-formed XML"):
        load_transcript(make_docx("", raw=""))


@pytest.mark.parametrize(
    "raw",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<w:document>&lol2;</w:document>",
        '<?xml version="1.0"?><!doctype x SYSTEM "file:///etc/passwd"><x/>',
        '<?xml version="1.0"?><!ENTITY x "y"><x/>',
    ],
)
def test_doctype_and_entities_are_refused(raw: str) -> None:
    with pytest.raises(InputError, match="declares a DOCTYPE or entities"):
        load_transcript(make_docx("", raw=raw))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_doctype_is_refused_too(codec: str) -> None:
    raw = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", raw.encode(codec))
    with pytest.raises(InputError, match="DOCTYPE"):
        load_transcript(buffer.getvalue())


def test_docx_without_turns() -> None:
    with pytest.raises(InputError, match=r"no speaker turns found in empty\.docx"):
        load_transcript(make_docx(p("Just a heading")), name="empty.docx")


# --- JSON -------------------------------------------------------------------------------------


def test_json_speakers_missing_numeric_and_kept() -> None:
    segments = [
        {"text": "First words.", "start": 0, "end": 1},
        {"speaker": "SPEAKER_00", "text": "Hello.", "start": "00:00:01.500", "end": 2},
        {"speaker": None, "text": "Still me.", "start": 2, "end": 3},
        {"speaker": 2, "text": "Numbered.", "start": float("nan"), "end": -1},
        {"speaker": "", "text": "   "},
        {"start": 9},
    ]
    transcript = parse_text(json.dumps(segments))
    assert [(t.speaker, t.text, t.start, t.end) for t in transcript.turns] == [
        ("Speaker 1", "First words.", 0.0, 1.0),
        ("SPEAKER_00", "Hello. Still me.", 1.5, 3.0),
        ("Speaker 2", "Numbered.", None, None),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": "hi"}', r'JSON object has no "segments" \(its keys: text\)'),
        ('{"segments": {"a": 1}}', r'JSON "segments" is an object, not a list'),
        ('"hello"', "JSON transcript is a string"),
        ("[[1]]", "JSON segment 0 is a list, not an object"),
        ('[{"text": ["a"]}]', 'JSON segment 0 has "text" that is a list'),
        ('[{"text": "a", "speaker": {"n": 1}}]', 'JSON segment 0 has "speaker" that is an object'),
        ('[{"text": "a",\n "speaker": }]', r"invalid JSON at line 2, column 13"),
        ('{"segments": [}', r"invalid JSON at line 1, column 15"),
        ("[]", "no speaker turns"),
        ('{"segments": []}', "no speaker turns"),
    ],
)
def test_json_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_text(text, name="segments.json")


def test_json_depth_limit() -> None:
    def nested(levels: int) -> str:  # object, list, segment, then `levels` lists: 3 + levels deep
        return '{"segments": [{"text": "hi", "meta": ' + "[" * levels + "1" + "]" * levels + "}]}"

    assert parse_text(nested(17)).turns[0].text == "hi"
    with pytest.raises(InputError, match="nested deeper than 20 levels"):
        parse_text(nested(18))


def test_json_recursion_is_caught() -> None:
    with pytest.raises(InputError, match="nested deeper than 20 levels"):
        parse_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(InputError, match="nested deeper"):
        parse_text('{"a":' * 100_000 + "1" + "}" * 100_000)
