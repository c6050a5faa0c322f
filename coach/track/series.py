"""A series over time: add a meeting (analyse, link, record), and say where the series stands."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from coach.errors import InputError
from coach.models import (
    OFFLINE_NOTE,
    ActionItem,
    Category,
    Evidence,
    OpenCommitment,
    Report,
    StatusUpdate,
    Transcript,
)
from coach.track.linking import link, same_commitment
from coach.track.models import (
    HistoryEntry,
    MadeIn,
    RecurringFlag,
    SeriesDecision,
    SeriesMeeting,
    SeriesStatus,
    TrackedCommitment,
)
from coach.track.store import CommitmentRow, MeetingRow, Store, UpdateRow

# analyze(transcript, date=, open_commitments=) -> Report: the pipeline, with the run's options bound.
Analyze = Callable[[Transcript, dt.date, list[OpenCommitment]], Report]


@dataclass
class Added:
    """What `add` did with one meeting."""

    file: str
    skipped: bool = False
    commitments: int = 0
    updates: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def digest(data: bytes) -> str:
    """The content hash that makes adding the same transcript twice a no-op."""
    return hashlib.sha256(data).hexdigest()


def _evidence(text: str) -> list[Evidence]:
    return [Evidence.model_validate(e) for e in json.loads(text)]


def _quote(row: CommitmentRow) -> str | None:
    found = _evidence(row.evidence)
    return found[0].quote if found else None


@dataclass
class _State:
    status: str = "open"  # open | done | dropped
    due: dt.date | None = None
    history: list[tuple[dt.date, UpdateRow]] = field(default_factory=list)


def _states(
    commitments: list[CommitmentRow], updates: list[UpdateRow], dates: dict[int, dt.date]
) -> dict[int, _State]:
    """Each commitment's status and due date after every update, in meeting order."""
    states = {c.id: _State(due=c.due) for c in commitments}
    for u in sorted(updates, key=lambda u: (dates[u.meeting_id], u.meeting_id)):
        state = states.get(u.commitment_id)
        if state is None:
            continue
        state.history.append((dates[u.meeting_id], u))
        if u.status in ("done", "dropped"):
            state.status = u.status
        elif u.status == "slipped":
            state.status = "open"
            state.due = u.new_due or state.due
    return states


def open_before(
    store: Store, series: str, day: dt.date
) -> list[tuple[CommitmentRow, OpenCommitment]]:
    """The series' commitments still open when a meeting on `day` starts."""
    dates = {mid: date for mid, date, _, _ in store.headers(series)}
    earlier = {mid for mid, date in dates.items() if date < day}
    commitments = [c for c in store.commitments(series) if c.meeting_id in earlier]
    updates = [u for u in store.updates(series) if u.meeting_id in earlier]
    states = _states(commitments, updates, dates)
    return [
        (
            c,
            OpenCommitment(
                id=c.label,
                description=c.description,
                owner=c.owner,
                due=states[c.id].due,
                quote=_quote(c),
            ),
        )
        for c in commitments
        if states[c.id].status == "open"
    ]


def _restated(item: ActionItem, candidates: list[OpenCommitment]) -> OpenCommitment | None:
    quote = " ".join(e.quote for e in item.evidence)
    for c in candidates:
        if same_commitment(c, item.owner, f"{item.description} {quote}"):
            return c
    return None


def add(
    store: Store,
    series: str,
    *,
    file: str,
    data: bytes,
    transcript: Transcript | None,
    report: Report | None,
    day: dt.date,
    analyze: Analyze,
) -> Added:
    """Analyse (unless a saved report is given), link to the series' open commitments, record it.

    The analysis runs outside the write transaction (an LLM run can take minutes); the
    transaction then checks the content hash again, so two processes adding the same meeting
    record it once.
    """
    key = digest(data)
    if store.has(series, key):
        return Added(file, skipped=True)
    earlier = open_before(store, series, day)
    offered = [oc for _, oc in earlier]
    if report is None:
        assert transcript is not None
        report = analyze(transcript, day, offered)
    # The offline note is for a single report's reader; a series says it once in its status.
    added = Added(file, warnings=[w for w in report.warnings if w != OFFLINE_NOTE])
    if transcript is None and earlier:
        added.warnings.append(
            f"{file}: a saved report has no transcript, so what it says about earlier commitments "
            "is not read"
        )
    with store.transaction() as db:
        if store.has(series, key):
            return Added(file, skipped=True)
        later = any(date > day for _, date, _, _ in store.headers(series))
        meeting_id = store.add_meeting(
            db, series, date=day, file=file, digest=key, report=report, transcript=transcript
        )
        if later:
            # An older meeting arrived late: what it promised changes what the later ones closed,
            # so the series' commitments are rebuilt in date order (their numbers may change).
            _rebuild(store, series)
            mine = [c for c in store.commitments(series) if c.meeting_id == meeting_id]
            added.commitments = len(mine)
        else:
            updates = report.updates
            fresh = open_before(store, series, day)
            if [row.id for row, _ in fresh] != [row.id for row, _ in earlier]:
                # Another process changed the series while this meeting was analysed: its word on
                # the commitments open now is read again, offline, inside this transaction.
                earlier = fresh
                updates = (
                    link(transcript, report.meeting, [oc for _, oc in fresh])
                    if transcript is not None
                    else []
                )
                added.warnings.append(
                    f"{file}: the series changed while this meeting was analysed; what it says "
                    "about earlier commitments was read again by the offline engine"
                )
            _record(store, series, meeting_id, report, updates, earlier, added)
    return added


def _record(
    store: Store,
    series: str,
    meeting_id: int,
    report: Report,
    updates: list[StatusUpdate],
    earlier: list[tuple[CommitmentRow, OpenCommitment]],
    added: Added,
) -> None:
    """A meeting's new commitments, and its word on earlier ones (inside the transaction)."""
    rows = {oc.id: row for row, oc in earlier}
    offered = [oc for _, oc in earlier]
    spoken: dict[str, StatusUpdate] = {}
    for update in updates:
        if update.commitment in rows:  # not an id the model made up
            spoken[update.commitment] = update
    for item in report.action_items:
        again = _restated(item, offered)
        if again is None:
            store.add_commitment(store.db, series, meeting_id, item)
            added.commitments += 1
            continue
        # Promised again: the same commitment, moved if the date moved.
        if again.id in spoken and spoken[again.id].status != "open":
            continue
        moved = item.due is not None and (again.due is None or item.due > again.due)
        spoken[again.id] = StatusUpdate(
            commitment=again.id,
            status="slipped" if moved else "open",
            new_due=item.due if moved else None,
            new_due_text=item.due_text if moved else None,
            evidence=item.evidence,
            confidence=item.confidence,
        )
    for cid, update in spoken.items():
        store.add_update(store.db, rows[cid].id, meeting_id, update)
        added.updates[update.status] = added.updates.get(update.status, 0) + 1


def _rebuild(store: Store, series: str) -> None:
    """Replay the series in date order, commitments numbered afresh. Status talk is read again
    offline, except where an LLM read a meeting: its word on a commitment it was shown is kept."""
    made = {c.id: (c.meeting_id, c.description) for c in store.commitments(series)}
    provider = {m.id: m.report.engine.provider for m in store.meetings(series)}
    kept = {
        (u.meeting_id, made[u.commitment_id]): u
        for u in store.updates(series)
        if provider.get(u.meeting_id, "offline") != "offline"
    }
    store.clear_commitments(series)
    for m in store.meetings(series):
        earlier = open_before(store, series, m.date)
        offered = [oc for _, oc in earlier]
        transcript = store.transcript(m.id)
        updates = link(transcript, m.report.meeting, offered) if transcript is not None else []
        if provider[m.id] != "offline":
            ids = {(row.meeting_id, row.description): oc.id for row, oc in earlier}
            said = {
                ids[key]: row
                for (meeting_id, key), row in kept.items()
                if meeting_id == m.id and key in ids
            }
            updates = [u for u in updates if u.commitment not in said]
            updates += [
                StatusUpdate(
                    commitment=cid,
                    status=row.status,  # type: ignore[arg-type]
                    new_due=row.new_due,
                    evidence=_evidence(row.evidence),
                )
                for cid, row in said.items()
            ]
        _record(store, series, m.id, m.report, updates, earlier, Added(m.file))


def status(store: Store, series: str, today: dt.date) -> SeriesStatus:
    """Where the series stands on `today`: open commitments (overdue first), closed ones, flags."""
    meetings = store.meetings(series)
    if not meetings:
        known = store.series_names()
        hint = f"; known: {', '.join(known)}" if known else "; add meetings with coach track add"
        raise InputError(f"no series named {series!r}{hint}")
    by_id = {m.id: m for m in meetings}
    dates = {m.id: m.date for m in meetings}
    commitments = store.commitments(series)
    states = _states(commitments, store.updates(series), dates)
    tracked = [_tracked(c, states[c.id], by_id, today) for c in commitments]
    rank = {"open": 0, "done": 1, "dropped": 2}
    tracked.sort(
        key=lambda t: (
            rank[t.status],
            not t.overdue,
            t.due or dt.date.max,
            int(t.id[1:]),
        )
    )
    return SeriesStatus(
        series=series,
        today=today,
        meetings=[
            SeriesMeeting(
                date=m.date,
                title=m.title,
                file=m.file,
                flags=dict(Counter(f.category for f in m.report.flags)),
                provider=m.report.engine.provider,
            )
            for m in meetings
        ],
        commitments=tracked,
        recurring_flags=recurring_flags(meetings),
        decisions=[
            SeriesDecision(
                date=m.date,
                file=m.file,
                description=d.description,
                decided_by=d.decided_by,
                evidence=d.evidence,
            )
            for m in meetings
            for d in m.report.decisions
        ],
    )


def _tracked(
    c: CommitmentRow, state: _State, meetings: dict[int, MeetingRow], today: dt.date
) -> TrackedCommitment:
    made = meetings[c.meeting_id]
    return TrackedCommitment(
        id=c.label,
        description=c.description,
        owner=c.owner,
        due=state.due,
        status=state.status,  # type: ignore[arg-type]
        overdue=state.status == "open" and state.due is not None and state.due < today,
        made_in=MadeIn(date=made.date, file=made.file),
        evidence=_evidence(c.evidence),
        history=[
            HistoryEntry(
                date=day,
                file=meetings[u.meeting_id].file,
                status=u.status,  # type: ignore[arg-type]
                new_due=u.new_due,
                evidence=_evidence(u.evidence),
            )
            for day, u in state.history
        ],
    )


def _settled(m: MeetingRow, category: Category) -> bool:
    """The meeting decided something in the turns where it talked about the category."""
    cov = m.report.coverage.get(category)
    if cov is None:
        return False
    turns = set(cov.turns)
    return any(
        e.turn + d in turns for dec in m.report.decisions for e in dec.evidence for d in (-1, 0, 1)
    )


def recurring_flags(meetings: list[MeetingRow]) -> list[RecurringFlag]:
    """Categories flagged in two meetings or more. Resolved when the last meeting that raised one
    also decided something in the turns about it, or a later meeting discussed it unflagged."""
    found: list[RecurringFlag] = []
    seen: dict[Category, list[MeetingRow]] = {}
    for m in meetings:
        for category in dict.fromkeys(f.category for f in m.report.flags):
            seen.setdefault(category, []).append(m)
    for category, raised in seen.items():
        if len(raised) < 2:
            continue
        last = raised[-1]
        after = [m for m in meetings if (m.date, m.id) > (last.date, last.id)]
        resolved = _settled(last, category) or any(
            (cov := m.report.coverage.get(category)) is not None and cov.state == "discussed"
            for m in after
        )
        found.append(
            RecurringFlag(
                category=category,
                meetings=[m.date for m in raised],
                files=[m.file for m in raised],
                resolved=resolved,
            )
        )
    found.sort(key=lambda r: (r.resolved, -len(r.meetings), r.category))
    return found
