"""The offline engine: named features, a small learned scorer, no network, no key."""

from __future__ import annotations

from coach.engines import Findings
from coach.engines.offline.actions import find_action_items
from coach.engines.offline.decisions import decision_gaps, find_decisions
from coach.engines.offline.features import Context
from coach.engines.offline.flags import find_flags, gap_scores, tally
from coach.engines.offline.model import Weights, load_weights
from coach.engines.offline.normalize import units_of
from coach.engines.offline.objections import find_objections
from coach.models import OFFLINE_NOTE, EngineInfo, Meeting, Transcript
from coach.names import Roster

ENGINE_VERSION = "offline-2"


def meeting_context(transcript: Transcript, meeting: Meeting) -> Context:
    """The units of a meeting and who is who, as every stage of the engine reads them."""
    roster = Roster(
        [p.name for p in meeting.participants] or transcript.speakers,
        {p.name: p.role for p in meeting.participants},
    )
    return Context(units_of([(t.speaker, t.text) for t in transcript.turns]), roster)


class OfflineEngine:
    """Commitments, decisions and the nine gaps, scored by the shipped weights."""

    def __init__(self, weights: Weights | None = None) -> None:
        self.weights = weights or load_weights()

    def run(self, transcript: Transcript, meeting: Meeting) -> tuple[Findings, EngineInfo]:
        """Analyse one meeting without leaving the machine."""
        ctx = meeting_context(transcript, meeting)
        w = self.weights
        tallies = tally(ctx, w)
        flags, discussed = find_flags(ctx, w, tallies)
        findings = Findings(
            flags=flags,
            action_items=find_action_items(
                ctx, w.action, [t.text for t in transcript.turns], meeting.date, w.vocab
            ),
            decisions=find_decisions(ctx, w.decision, w.vocab, meeting_date=meeting.date),
            objections=find_objections(
                ctx, gap_scores(tallies), w.unit_threshold, model=w.objection, vocab=w.vocab
            ),
            discussed=discussed,
        )
        owned = {e.turn for a in findings.action_items if a.owner for e in a.evidence}
        findings.decisions = [
            d.model_copy(update={"gaps": decision_gaps(d, ctx, owned)}) for d in findings.decisions
        ]
        if meeting.date is None and any(a.due_text for a in findings.action_items):
            findings.warnings.append(
                "no meeting date: due dates are left unresolved; pass --date YYYY-MM-DD"
            )
        findings.warnings.append(OFFLINE_NOTE)
        return findings, EngineInfo(provider="offline", model=ENGINE_VERSION)
