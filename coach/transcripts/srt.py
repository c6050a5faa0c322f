"""SubRip: index line, `00:00:01,000 --> 00:00:04,000`, text lines, optional `Name: ` prefix."""

from __future__ import annotations

from coach.transcripts.cues import cues_to_turns, scan_cues
from coach.transcripts.turns import Parsed


def parse_srt(text: str) -> Parsed:
    return cues_to_turns(scan_cues(text.split("\n"), vtt=False, what="SRT"))
