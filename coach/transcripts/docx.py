"""Microsoft Teams' .docx transcript download, read with the standard library only.

The paragraphs of `word/document.xml` become lines; those lines are then read like a text
transcript: `Name   0:03` header blocks (current layout, as Otter), `0:0:0.0 --> 0:0:5.230` /
name / text cues (older layout), or anything else the text readers know. Title and date come
from the lines before the first turn. XML with a DOCTYPE or entity declarations is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

from coach.errors import InputError
from coach.sanitize import clean_text
from coach.transcripts.blocks import otter_header, parse_blocks, zoom_header
from coach.transcripts.cues import ARROW, cues_to_turns, scan_cues
from coach.transcripts.decode import binary_error
from coach.transcripts.detect import sniff
from coach.transcripts.jsonsegments import parse_json
from coach.transcripts.meta import read_preamble
from coach.transcripts.plain import parse_plain
from coach.transcripts.turns import Parsed

DOCUMENT = "word/document.xml"
MAX_XML = 64 * 2**20
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _T, _TAB, _BR, _CR = (_W + t for t in ("p", "t", "tab", "br", "cr"))
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20


def _document_xml(data: bytes, label: str) -> bytes:
    # zipfile raises many exception types on damaged archives (BadZipFile, EOFError,
    # zlib.error, struct.error, NotImplementedError, RuntimeError for encryption...), so
    # anything it raises here means "not a readable .docx".
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo(DOCUMENT)
            except KeyError:
                raise binary_error(
                    label, f"a zip archive without {DOCUMENT}, so not a .docx"
                ) from None
            if info.file_size > MAX_XML:
                raise InputError(
                    f"{label}: {DOCUMENT} unpacks to {info.file_size // 2**20} MiB, over the "
                    f"{MAX_XML // 2**20} MiB limit; save a shorter transcript"
                )
            with archive.open(info) as handle:
                xml = handle.read(MAX_XML + 1)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"{label} is a damaged .docx or zip archive ({type(exc).__name__}); "
            "download the transcript again or save it as .txt"
        ) from None
    if len(xml) > MAX_XML:
        raise InputError(f"{label}: {DOCUMENT} is over the {MAX_XML // 2**20} MiB limit")
    return xml


def paragraphs(data: bytes, label: str = "the input") -> list[str]:
    """The text of each `w:p` in document order (a `w:br` starts a new line; tabs kept)."""
    xml = _document_xml(data, label)
    # Without NUL bytes, UTF-16 markup (either byte order, BOM or not) reads as ASCII too.
    if _DECLARATION.search(xml.replace(b"\x00", b"") if b"\x00" in xml else xml):
        raise InputError(
            f"{label}: {DOCUMENT} declares a DOCTYPE or entities, which coach refuses to expand; "
            "save the transcript again from Word or Teams"
        )
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    open_paragraphs: list[list[str]] = []
    lines: list[str] = []
    try:
        for offset in range(0, max(len(xml), 1), _CHUNK):
            parser.feed(xml[offset : offset + _CHUNK])
            _collect(parser, open_paragraphs, lines)
        parser.close()
        _collect(parser, open_paragraphs, lines)
    except ET.ParseError as exc:
        raise InputError(
            f"{label}: {DOCUMENT} is not well-formed XML ({exc}); "
            "download the transcript again or save it as .txt"
        ) from None
    return lines


def _collect(
    parser: ET.XMLPullParser[ET.Element], stack: list[list[str]], lines: list[str]
) -> None:
    for item in parser.read_events():
        event, elem = item[0], item[-1]
        if not isinstance(elem, ET.Element):
            continue  # namespace events, which were not asked for
        tag = elem.tag
        if event == "start":
            if tag == _P:
                stack.append([])
            continue
        if tag == _P:
            if stack:
                lines.extend("".join(stack.pop()).split("\n"))
        elif stack:
            if tag == _T and elem.text:
                stack[-1].append(elem.text)
            elif tag == _TAB:
                stack[-1].append("\t")
            elif tag in (_BR, _CR):
                stack[-1].append("\n")
        elem.clear()


def parse_docx(data: bytes, name: str | None = None) -> Parsed:
    label = name or "the input"
    lines = [clean_text(line) for line in paragraphs(data, label)]
    text = "\n".join(lines)
    kind = sniff(text)
    if kind in ("srt", "vtt"):
        first = next((i for i, line in enumerate(lines) if ARROW in line), len(lines))
        cues = scan_cues(lines, vtt=kind == "vtt", unit="paragraph", what="Teams .docx")
        parsed = cues_to_turns(cues)
        parsed.title, parsed.date, _ = read_preamble(lines[:first], free=True)
        return parsed
    if kind == "otter":
        return parse_blocks(lines, otter_header)
    if kind == "zoom":
        return parse_blocks(lines, zoom_header, rebase_clock=True)
    if kind == "json":
        return parse_json(text)
    return parse_plain(text)
