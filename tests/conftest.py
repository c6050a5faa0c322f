"""Shared fixtures: small transcripts and reports built in code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coach.models import Transcript, Turn

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "evals" / "datasets" / "core"
EXAMPLE = ROOT / "examples" / "leadership-sync.txt"


@pytest.fixture
def design_transcript() -> Transcript:
    """The three-turn example of DESIGN.md."""
    return Transcript(
        turns=[
            Turn(
                speaker="Ana Silva",
                text="We signed the webinar platform last week, it goes live on the 20th.",
                start=4.0,
            ),
            Turn(
                speaker="Ben Cole",
                text="Signed? Security hasn't seen it. It needs single sign-on and a data review first.",
                start=11.0,
            ),
            Turn(
                speaker="Ana Silva",
                text="Fine. I'll send you the vendor's security pack tomorrow.",
                start=19.0,
            ),
        ],
        date=dt.date(2026, 3, 2),
    )
