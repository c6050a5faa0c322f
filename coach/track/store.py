"""The series store: one SQLite file (standard library), versioned, one transaction a meeting.

Meetings keep their report and transcript as JSON, so status can be recomputed by a later coach;
items, flags, decisions and status updates also get rows of their own, for anyone with `sqlite3`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.errors import InputError
from coach.models import Evidence, Report, StatusUpdate, Transcript

SCHEMA_VERSION = 1
_MAGIC = b"SQLite format 3\x00"
# Each entry upgrades the store from the version before it; never edit one that has shipped.
_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL REFERENCES series(id),
        date TEXT NOT NULL,
        title TEXT,
        file TEXT NOT NULL,
        hash TEXT NOT NULL,
        added TEXT NOT NULL,
        provider TEXT NOT NULL,
        report TEXT NOT NULL,
        transcript TEXT,
        UNIQUE (series_id, hash)
    );
    CREATE TABLE commitments (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL REFERENCES series(id),
        number INTEGER NOT NULL,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        item TEXT NOT NULL,
        description TEXT NOT NULL,
        owner TEXT,
        due TEXT,
        strength TEXT,
        evidence TEXT NOT NULL,
        UNIQUE (series_id, number)
    );
    CREATE TABLE updates (
        id INTEGER PRIMARY KEY,
        commitment_id INTEGER NOT NULL REFERENCES commitments(id),
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        status TEXT NOT NULL CHECK (status IN ('done', 'slipped', 'dropped', 'open')),
        new_due TEXT,
        evidence TEXT NOT NULL,
        UNIQUE (commitment_id, meeting_id)
    );
    CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        category TEXT NOT NULL,
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        evidence TEXT NOT NULL
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        description TEXT NOT NULL,
        decided_by TEXT,
        evidence TEXT NOT NULL
    );
    CREATE INDEX meetings_by_series ON meetings (series_id, date);
    CREATE INDEX commitments_by_series ON commitments (series_id);
    CREATE INDEX updates_by_commitment ON updates (commitment_id);
    """,
}


@dataclass(frozen=True)
class MeetingRow:
    id: int
    date: dt.date
    title: str | None
    file: str
    report: Report


@dataclass(frozen=True)
class CommitmentRow:
    id: int
    number: int
    meeting_id: int
    description: str
    owner: str | None
    due: dt.date | None
    evidence: str  # JSON list of Evidence

    @property
    def label(self) -> str:
        """Its id in the series: C1, C2, ..."""
        return f"C{self.number}"


@dataclass(frozen=True)
class UpdateRow:
    commitment_id: int
    meeting_id: int
    status: str
    new_due: dt.date | None
    evidence: str


def default_path() -> Path:
    """The store in the user's data folder (platformdirs), unless COACH_TRACK_DB names one."""
    named = os.environ.get("COACH_TRACK_DB")
    if named:
        return Path(named)
    from platformdirs import user_data_dir

    return Path(user_data_dir("coach", appauthor=False)) / "series.db"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class Store:
    """A series store on disk; use as a context manager. `create=False` (for reading) refuses a
    missing file instead of making an empty store."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        _check_file(path)
        if not create and not path.exists():
            raise InputError(
                f"no series store at {path}; add meetings first with: coach track add PATH... --series NAME"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--db {path}: cannot create its folder ({exc.strerror})") from None
        fresh = not path.exists()
        try:
            # Autocommit mode: transactions are opened by hand, so a write takes the lock up front.
            self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
            if fresh:
                os.chmod(path, 0o600)  # meeting transcripts live here: private like the cache
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"--db {path}: not a usable coach series store ({exc})") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def _migrate(self) -> None:
        tables = {
            r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if tables and "coach_schema" not in tables:
            raise InputError(f"--db {self.path}: an SQLite database, but not a coach series store")
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS coach_schema (version INTEGER NOT NULL)")
            row = self.db.execute("SELECT max(version) FROM coach_schema").fetchone()
            version = row[0] or 0
            if version > SCHEMA_VERSION:
                raise InputError(
                    f"--db {self.path}: written by a newer coach (store version {version}); upgrade coach"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT INTO coach_schema (version) VALUES (?)", (step,))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two writers queue, not clash."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- reading ---------------------------------------------------------------------------

    def series_names(self) -> list[str]:
        """Every series, by name."""
        return [r[0] for r in self.db.execute("SELECT name FROM series ORDER BY name")]

    def series_id(self, name: str) -> int | None:
        row = self.db.execute("SELECT id FROM series WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def has(self, series: str, digest: str) -> bool:
        """Whether this content is already a meeting of the series."""
        return (
            self.db.execute(
                "SELECT 1 FROM meetings m JOIN series s ON s.id = m.series_id "
                "WHERE s.name = ? AND m.hash = ?",
                (series, digest),
            ).fetchone()
            is not None
        )

    def headers(self, series: str) -> list[tuple[int, dt.date, str | None, str]]:
        """(id, date, title, file) of the series' meetings in date order, without their reports."""
        rows = self.db.execute(
            "SELECT m.id, m.date, m.title, m.file FROM meetings m "
            "JOIN series s ON s.id = m.series_id WHERE s.name = ? ORDER BY m.date, m.id",
            (series,),
        )
        return [(r[0], dt.date.fromisoformat(r[1]), r[2], r[3]) for r in rows]

    def meetings(self, series: str) -> list[MeetingRow]:
        """The series' meetings in date order (then in the order they were added)."""
        rows = self.db.execute(
            "SELECT m.id, m.date, m.title, m.file, m.report FROM meetings m "
            "JOIN series s ON s.id = m.series_id WHERE s.name = ? ORDER BY m.date, m.id",
            (series,),
        )
        return [
            MeetingRow(
                r[0], dt.date.fromisoformat(r[1]), r[2], r[3], Report.model_validate_json(r[4])
            )
            for r in rows
        ]

    def transcript(self, meeting_id: int) -> Transcript | None:
        row = self.db.execute(
            "SELECT transcript FROM meetings WHERE id = ?", (meeting_id,)
        ).fetchone()
        return Transcript.model_validate_json(row[0]) if row and row[0] else None

    def commitments(self, series: str) -> list[CommitmentRow]:
        rows = self.db.execute(
            "SELECT c.id, c.number, c.meeting_id, c.description, c.owner, c.due, c.evidence "
            "FROM commitments c JOIN series s ON s.id = c.series_id WHERE s.name = ? ORDER BY c.number",
            (series,),
        )
        return [CommitmentRow(r[0], r[1], r[2], r[3], r[4], _date(r[5]), r[6]) for r in rows]

    def updates(self, series: str) -> list[UpdateRow]:
        rows = self.db.execute(
            "SELECT u.commitment_id, u.meeting_id, u.status, u.new_due, u.evidence FROM updates u "
            "JOIN commitments c ON c.id = u.commitment_id JOIN series s ON s.id = c.series_id "
            "WHERE s.name = ?",
            (series,),
        )
        return [UpdateRow(r[0], r[1], r[2], _date(r[3]), r[4]) for r in rows]

    # --- writing ---------------------------------------------------------------------------

    def add_meeting(
        self,
        db: sqlite3.Connection,
        series: str,
        *,
        date: dt.date,
        file: str,
        digest: str,
        report: Report,
        transcript: Transcript | None,
    ) -> int:
        """Record a meeting and its flags and decisions (inside the caller's transaction)."""
        sid = self.series_id(series)
        if sid is None:
            sid = db.execute(
                "INSERT INTO series (name, created) VALUES (?, ?)", (series, _now())
            ).lastrowid
        meeting_id = db.execute(
            "INSERT INTO meetings (series_id, date, title, file, hash, added, provider, report, "
            "transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sid,
                date.isoformat(),
                report.meeting.title,
                file,
                digest,
                _now(),
                report.engine.provider,
                report.model_dump_json(),
                transcript.model_dump_json() if transcript is not None else None,
            ),
        ).lastrowid
        assert meeting_id is not None
        for flag in report.flags:
            db.execute(
                "INSERT INTO flags (meeting_id, category, severity, title, evidence) "
                "VALUES (?, ?, ?, ?, ?)",
                (meeting_id, flag.category, flag.severity, flag.title, _evidence(flag.evidence)),
            )
        for decision in report.decisions:
            db.execute(
                "INSERT INTO decisions (meeting_id, description, decided_by, evidence) "
                "VALUES (?, ?, ?, ?)",
                (
                    meeting_id,
                    decision.description,
                    decision.decided_by,
                    _evidence(decision.evidence),
                ),
            )
        return meeting_id

    def add_commitment(
        self, db: sqlite3.Connection, series: str, meeting_id: int, item: object
    ) -> CommitmentRow:
        """A new commitment of the series, numbered after the last one."""
        from coach.models import ActionItem

        assert isinstance(item, ActionItem)
        sid = self.series_id(series)
        number = db.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM commitments WHERE series_id = ?", (sid,)
        ).fetchone()[0]
        evidence = _evidence(item.evidence)
        row_id = db.execute(
            "INSERT INTO commitments (series_id, number, meeting_id, item, description, owner, due, "
            "strength, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sid,
                number,
                meeting_id,
                item.id,
                item.description,
                item.owner,
                item.due.isoformat() if item.due else None,
                item.strength,
                evidence,
            ),
        ).lastrowid
        assert row_id is not None
        return CommitmentRow(
            row_id, number, meeting_id, item.description, item.owner, item.due, evidence
        )

    def clear_commitments(self, series: str) -> None:
        """Forget the series' commitments and updates (inside a transaction, to rebuild them)."""
        sid = self.series_id(series)
        self.db.execute(
            "DELETE FROM updates WHERE commitment_id IN (SELECT id FROM commitments WHERE series_id = ?)",
            (sid,),
        )
        self.db.execute("DELETE FROM commitments WHERE series_id = ?", (sid,))

    def add_update(
        self, db: sqlite3.Connection, commitment_id: int, meeting_id: int, update: StatusUpdate
    ) -> None:
        """What a meeting said about a commitment (one word a meeting; a repeat replaces it)."""
        db.execute(
            "INSERT OR REPLACE INTO updates (commitment_id, meeting_id, status, new_due, evidence) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                commitment_id,
                meeting_id,
                update.status,
                update.new_due.isoformat() if update.new_due else None,
                _evidence(update.evidence),
            ),
        )


def _evidence(items: Sequence[Evidence]) -> str:
    return json.dumps([e.model_dump(mode="json") for e in items])


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _check_file(path: Path) -> None:
    """A file that is not SQLite at all is refused before sqlite3 touches it."""
    if path.is_dir():
        raise InputError(f"--db {path} is a folder; name a file")
    try:
        with path.open("rb") as f:
            head = f.read(len(_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"--db {path}: cannot read it ({exc.strerror})") from None
    if head and head != _MAGIC:
        raise InputError(f"--db {path}: not an SQLite database (damaged, or some other file)")
