"""coach: coaching CMO, CIO and CTO teams from their meeting transcripts."""

from __future__ import annotations

__version__ = "0.1.0"

from coach.errors import CoachError, InputError, ProviderError
from coach.models import (
    ActionItem,
    Decision,
    Evidence,
    Flag,
    Governance,
    Report,
    Transcript,
    Turn,
)
from coach.pipeline import analyze
from coach.transcripts import load_transcript

__all__ = [
    "ActionItem",
    "CoachError",
    "Decision",
    "Evidence",
    "Flag",
    "Governance",
    "InputError",
    "ProviderError",
    "Report",
    "Transcript",
    "Turn",
    "__version__",
    "analyze",
    "load_transcript",
]
