"""The offline engine: deterministic rules over the framework file; no network, no key."""

from __future__ import annotations

from coach.engines import Findings
from coach.engines.offline.commitments import find_action_items
from coach.engines.offline.decisions import find_decisions
from coach.engines.offline.flags import find_flags
from coach.engines.offline.people import People
from coach.models import EngineInfo, Meeting, Transcript

ENGINE_VERSION = "offline-1"


class OfflineEngine:
    """Rules for commitments, due dates, decisions and framework signals."""

    def run(self, transcript: Transcript, meeting: Meeting) -> tuple[Findings, EngineInfo]:
        """Analyse one meeting without leaving the machine."""
        people = People(meeting)
        flags, discussed = find_flags(transcript, people)
        findings = Findings(
            flags=flags,
            action_items=find_action_items(transcript, people, meeting.date),
            decisions=find_decisions(transcript),
            discussed=discussed,
        )
        if meeting.date is None and any(a.due_text for a in findings.action_items):
            findings.warnings.append(
                "no meeting date: due dates are left unresolved; pass --date YYYY-MM-DD"
            )
        return findings, EngineInfo(provider="offline", model=ENGINE_VERSION)
