"""Plain transcripts: `Name: text` lines, optionally stamped.

Stamps: `[00:01:02] Dana: text`, `00:01:02 Dana: text`, `(01:02) Dana: text`,
`Dana [00:01:02]: text`, and a range `[00:01:02 - 00:01:09]`. A line without an accepted
label continues the previous turn; a line that is only a stamp is skipped. `Title:` and `Date:`
lines before the first turn give the title and date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from coach.transcripts.labels import choose_labels, split_label
from coach.transcripts.meta import meta_field
from coach.transcripts.timecodes import parse_range
from coach.transcripts.turns import Parsed, TurnBuilder

_SEPARATORS = ("- ", "– ", "— ", "| ")


@dataclass(slots=True)
class Line:
    body: str  # the line without its leading stamp
    label: str | None = None
    text: str = ""
    start: float | None = None
    end: float | None = None


def leading_stamp(s: str) -> tuple[tuple[float, float | None] | None, str]:
    """Split `[00:01:02] rest`, `(01:02) rest` or `00:01:02 rest` into (stamp, rest)."""
    stamp = None
    rest = s
    if s[0] in "[(":
        j = s.find("]" if s[0] == "[" else ")", 1, 40)
        if j > 0:
            stamp = parse_range(s[1:j])
            rest = s[j + 1 :]
    elif "0" <= s[0] <= "9":
        token, *tail = s.split(None, 1)
        if ":" in token:
            stamp = parse_range(token)
            rest = tail[0] if tail else ""
    if stamp is None:
        return None, s
    rest = rest.lstrip()
    if rest.startswith(_SEPARATORS):
        rest = rest[2:].lstrip()
    return stamp, rest


def read_line(raw: str) -> Line | None:
    """The parts of one line, or None for a blank one."""
    s = raw.strip()
    if not s:
        return None
    stamp, body = leading_stamp(s)
    line = Line(body)
    if stamp is not None:
        line.start, line.end = stamp
    if not body:
        return line
    found = split_label(body)
    if found is None and stamp is not None and s[0] not in "[(":
        return Line(s)  # "10:30 works for me": a bare time in running text, not a stamp
    if found is not None:
        line.label, line.text, inner = found
        if inner is not None and stamp is None:
            line.start, line.end = inner
    return line


def parse_plain(text: str) -> Parsed:
    lines = [read_line(raw) for raw in text.split("\n")]
    counts = Counter(line.label for line in lines if line is not None and line.label)
    speakers = choose_labels(counts)
    builder = TurnBuilder()
    title = date = None
    before = 0
    speaker: str | None = None
    texts: list[str] = []
    start: float | None = None
    end: float | None = None
    for line in lines:
        if line is None:
            continue
        if line.label is not None and line.label in speakers:
            if speaker is not None:
                builder.add(speaker, " ".join(texts), start, end)
            speaker, texts, start, end = line.label, [line.text], line.start, line.end
        elif speaker is None:
            field = meta_field(line.body) if line.label else None
            if field is not None:
                title = title or field[1]
                date = date or field[2]
            elif line.body:
                before += 1
        elif line.body:
            texts.append(line.body)
    if speaker is not None:
        builder.add(speaker, " ".join(texts), start, end)
    warnings = []
    if before and builder.current is not None:
        warnings.append(f"ignored {before} line(s) before the first speaker turn")
    return builder.result(title=title, date=date, warnings=warnings)
