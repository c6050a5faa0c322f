"""Timed cues, shared by WebVTT, SubRip and the older Teams .docx layout.

`scan_cues` finds `start --> end` lines and the text under each, tolerating missing blank
lines; `cues_to_turns` reads speakers from voice tags (`<v Dana>`), `Name:` prefixes, broadcast
`>>` markers, or (older Teams .docx) a name on the first line of each cue.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from coach.errors import InputError
from coach.transcripts.labels import choose_labels, is_stop, shape_ok, split_label
from coach.transcripts.timecodes import parse_timestamp
from coach.transcripts.turns import Parsed, TurnBuilder, squash

ARROW = "-->"
_TAG = re.compile(r"<([^<>\n]{0,200})>")
_ASS_TAG = re.compile(r"\{\\[^{}\n]{0,80}\}")
_VTT_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass(slots=True)
class Cue:
    start: float
    end: float
    lines: list[str]


def _show(line: str) -> str:
    line = squash(line)
    return repr(line if len(line) <= 60 else line[:57] + "...")


def _broken(where: str, what: str, line: str) -> InputError:
    return InputError(
        f"{where}: broken {what} cue timing {_show(line)}; "
        "expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm' — fix that line or re-export the file"
    )


def read_timing(line: str, where: str, what: str) -> tuple[float, float]:
    """(start, end) of a `start --> end [settings]` line; InputError naming `where` if broken."""
    left, _, right = line.partition(ARROW)
    parts = right.split()
    start = parse_timestamp(left.strip())
    end = parse_timestamp(parts[0]) if parts else None
    if start is None or end is None:
        raise _broken(where, what, line)
    if end < start:
        raise InputError(
            f"{where}: {what} cue ends before it starts ({_show(line)}); fix or remove that cue"
        )
    return start, end


def looks_like_timing(line: str) -> bool:
    """A timing line with a mangled arrow, e.g. `00:00:01,000 -> 00:00:04,000`."""
    tokens = line.split()
    if not 2 <= len(tokens) <= 8 or parse_timestamp(tokens[0]) is None:
        return False
    arrow = tokens[1]
    if parse_timestamp(arrow) is None and any(ch.isalnum() for ch in arrow):
        return False
    return any(parse_timestamp(t) is not None for t in tokens[1:3])


def _is_index(line: str) -> bool:
    return line.isascii() and line.isdigit()


def scan_cues(lines: list[str], *, vtt: bool, unit: str = "line", what: str = "SRT") -> list[Cue]:
    """Cues in order. With `vtt`, the WEBVTT header and NOTE/STYLE/REGION blocks are skipped.

    A non-blank line just before a timing line is its cue id when it starts a block or is a
    number. Errors name the 1-based `unit` (line or paragraph) of the bad timing.
    """
    cues: list[Cue] = []
    first = 0
    if vtt and lines and lines[0].lstrip().startswith("WEBVTT"):
        first = 1
        while first < len(lines) and lines[first].strip() and ARROW not in lines[first]:
            first += 1
    block_start = True  # the previous line was blank (or there was none)
    skipping = False  # inside a NOTE/STYLE/REGION block
    after_index = False
    last_index = -1  # where the last text line of the current cue came from
    last_started_block = False
    for idx in range(first, len(lines)):
        line = lines[idx].strip()
        if not line:
            block_start, skipping, after_index = True, False, False
            continue
        if ARROW in line and "0" <= line[0] <= "9":
            start, end = read_timing(line, f"{unit} {idx + 1}", what)
            if (
                cues
                and last_index == idx - 1
                and (last_started_block or _is_index(cues[-1].lines[-1]))
            ):
                cues[-1].lines.pop()  # that line was this cue's id
            cues.append(Cue(start, end, []))
            block_start = skipping = after_index = False
            continue
        if skipping:
            continue
        if (block_start or after_index) and looks_like_timing(line):
            raise _broken(f"{unit} {idx + 1}", what, line)
        if block_start and vtt and line.startswith(_VTT_BLOCKS):
            word = line.split(None, 1)[0]
            if word in _VTT_BLOCKS:
                skipping, block_start = True, False
                continue
        after_index = block_start and _is_index(line)
        if cues:
            cues[-1].lines.append(line)
            last_index, last_started_block = idx, block_start
        block_start = False
    return cues


def _segments(payload: str) -> list[tuple[str | None, str]]:
    """Split a cue's text at voice tags: [(voice name or None, text with tags removed)]."""
    out: list[tuple[str | None, str]] = []
    voice: str | None = None
    pieces: list[str] = []
    pos = 0
    for m in _TAG.finditer(payload):
        pieces.append(payload[pos : m.start()])
        pos = m.end()
        tag = m.group(1).strip()
        if tag[:1] == "v" and (len(tag) == 1 or tag[1] in " \t."):
            out.append((voice, "".join(pieces)))
            pieces = []
            rest = tag[1:]
            if rest.startswith("."):  # <v.loud Dana>
                rest = rest.partition(" ")[2]
            voice = rest.strip() or None
        elif tag == "/v":
            out.append((voice, "".join(pieces)))
            pieces = []
    pieces.append(payload[pos:])
    out.append((voice, "".join(pieces)))
    return [(v, html.unescape(_ASS_TAG.sub("", t))) for v, t in out if t.strip()]


def _names_first(cues: list[list[tuple[str | None, str]]]) -> bool:
    """Whether each cue opens with a line that is only a speaker name (older Teams .docx)."""
    if not cues:
        return False
    hits = 0
    names: set[str] = set()
    for segments in cues:
        if len(segments) != 1 or segments[0][0] is not None:
            continue
        lines = [s for s in segments[0][1].split("\n") if s.strip()]
        if len(lines) >= 2 and ":" not in lines[0] and shape_ok(lines[0].strip()):
            hits += 1
            names.add(lines[0].strip())
    return hits * 5 >= len(cues) * 4 and len(names) <= max(3, len(cues) // 3)


def _spoken(line: str) -> str:
    """A caption line without its `>>` marker and speaker label, for comparing lines."""
    line = line.lstrip(">").strip()
    found = split_label(line)
    if found is not None and not is_stop(found[0]):
        line = found[1]
    return squash(line)


def cues_to_turns(cues: list[Cue], *, names_first: bool | None = None) -> Parsed:
    """Turns from cues; `names_first` None means detect the older Teams layout."""
    segmented = [_segments("\n".join(cue.lines)) for cue in cues]
    if names_first is None:
        names_first = _names_first(segmented)
    broadcast = not names_first and any(
        line.lstrip().startswith(">>")
        for segs in segmented
        for _, t in segs
        for line in t.split("\n")
    )
    counts: Counter[str] = Counter()
    if not names_first:
        for segs in segmented:
            for _, text in segs:
                for line in text.split("\n"):
                    found = split_label(line.strip().lstrip(">").strip())
                    if found is not None:
                        counts[found[0]] += 1
    speakers = choose_labels(counts)
    builder = TurnBuilder()
    numbered = 0
    previous_last = ""

    def new_number() -> str:
        nonlocal numbered
        numbered += 1
        return f"Speaker {numbered}"

    for cue, segs in zip(cues, segmented, strict=True):
        for voice, text in segs:
            lines = [line.strip() for line in text.split("\n") if line.strip()]
            if names_first and voice is None and len(lines) >= 2:
                builder.add(lines[0], " ".join(lines[1:]), cue.start, cue.end)
                continue
            rolled_up = (
                broadcast
                and len(lines) >= 2
                and not lines[0].startswith(">>")
                and _spoken(lines[0]) == previous_last
            )
            if rolled_up:
                lines = lines[1:]  # roll-up captions repeat the previous cue's last line
            if lines:
                previous_last = _spoken(lines[-1])
            for line in lines:
                speaker = voice
                if broadcast and line.startswith(">>"):
                    line = line.lstrip(">").strip()
                    found = split_label(line)
                    if found is not None and not is_stop(found[0]):
                        speaker, line = found[0], found[1]
                    elif voice is None:
                        speaker = new_number()
                elif voice is None:  # a voice tag names the speaker; "Me: ..." inside it is speech
                    found = split_label(line)
                    if found is not None and found[0] in speakers:
                        speaker, line = found[0], found[1]
                if speaker is None and broadcast and builder.current is None:
                    speaker = new_number()
                builder.add(speaker, line, cue.start, cue.end)
    return builder.result()
