"""coach: coaching CMO, CIO and CTO teams from their meeting transcripts."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public names load on first use (PEP 562), so `coach --help` and `import coach.cli` do not
# pay for pydantic, the models and the pipeline before click has parsed anything.
_LAZY = {
    "CoachError": "coach.errors",
    "InputError": "coach.errors",
    "ProviderError": "coach.errors",
    "ActionItem": "coach.models",
    "Decision": "coach.models",
    "Evidence": "coach.models",
    "Flag": "coach.models",
    "Governance": "coach.models",
    "Report": "coach.models",
    "Transcript": "coach.models",
    "Turn": "coach.models",
    "analyze": "coach.pipeline",
    "load_transcript": "coach.transcripts",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used, then keep the value."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'coach' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
