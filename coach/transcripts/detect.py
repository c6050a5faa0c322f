"""Which format a text is in, from its content; the file name only breaks ties.

WEBVTT header -> vtt; a JSON opening (`{`, `[{`, `[]`) -> json; otherwise the first few hundred
non-empty lines vote: cue timing lines (`-->`), Zoom headers (`[Name] 10:02:33`), Otter
headers (`Name  0:14`) and `Name:` lines. Binary kinds (docx) are recognised from bytes.
"""

from __future__ import annotations

import re

from coach.transcripts.blocks import otter_header, zoom_header
from coach.transcripts.cues import ARROW, looks_like_timing
from coach.transcripts.plain import read_line

ZIP_MAGIC = b"PK\x03\x04"
_SAMPLE_LINES = 400
_NON_SPACE = re.compile(r"\S")


def _extension(name: str | None) -> str:
    if not name or "." not in name:
        return ""
    return "." + name.rsplit(".", 1)[1].lower()


def sniff(text: str, name: str | None = None) -> str:
    """One of `vtt`, `srt`, `json`, `zoom`, `otter`, `plain` (the default)."""
    ext = _extension(name)
    m = _NON_SPACE.search(text)
    if m is None:
        return "plain"
    head = text[m.start() : m.start() + 64]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{") or (ext == ".json" and head[0] in '["-0123456789tfn'):
        return "json"
    if head.startswith("["):
        after = head[1:].lstrip()[:1]
        if after in ("{", "[", "]", '"', ""):
            return "json"
    votes = {"cue": 0, "zoom": 0, "otter": 0, "plain": 0}
    seen = 0
    for raw in text[m.start() :].split("\n", _SAMPLE_LINES * 4)[: _SAMPLE_LINES * 4]:
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > _SAMPLE_LINES:
            break
        if ARROW in line and "0" <= line[0] <= "9":
            votes["cue"] += 1  # a broken one too: the cue reader will say which line
        elif looks_like_timing(line):
            votes["cue"] += 1  # a mangled arrow: the cue reader reports it
        elif zoom_header(line) is not None:
            votes["zoom"] += 1
        elif otter_header(line) is not None:
            votes["otter"] += 1
        else:
            info = read_line(line)
            if info is not None and info.label is not None:
                votes["plain"] += 1
    best = max(votes, key=votes.__getitem__)  # ties go to the earlier, more specific kind
    if votes[best] == 0:
        return "plain"
    if best == "cue":
        return "vtt" if ext == ".vtt" else "srt"
    return best
