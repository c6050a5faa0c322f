"""WebVTT in all the dialects coach meets.

Teams (GUID cue ids, `<v Name>text</v>`), Zoom cloud (numbered cues, `Name: text`, some cues
without a name), Microsoft Stream (`NOTE Confidence: ...` and `NOTE duration:...` blocks,
`<v Name>`), and broadcast captions (cue settings, no names, `>>` marks a new speaker).
"""

from __future__ import annotations

from coach.transcripts.cues import cues_to_turns, scan_cues
from coach.transcripts.turns import Parsed


def parse_vtt(text: str) -> Parsed:
    return cues_to_turns(scan_cues(text.split("\n"), vtt=True, what="WebVTT"))
