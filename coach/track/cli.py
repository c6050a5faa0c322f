"""`coach track`: add meetings to a series, and see where the series stands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coach.cli import (
    _epilog,
    _format_from,
    check_provider,
    clean_errors,
    emit,
    fail,
    provider_options,
)
from coach.errors import CoachError, InputError
from coach.io import check_writable, read_source
from coach.sanitize import for_terminal

if TYPE_CHECKING:
    from coach.models import OpenCommitment, Report, Transcript

_STATUS_FORMATS = ("text", "json", "md", "html")
NO_SERIES = "no series yet; add meetings with: coach track add PATH... --series NAME"
_DB_HELP = "The series store (default: series.db in the user data folder; COACH_TRACK_DB)."


def _store(db: Path | None, *, create: bool = False) -> Any:
    from coach.track.store import Store, default_path

    return Store(db or default_path(), create=create)


@click.group(
    epilog=_epilog(
        [
            "coach track add week1.vtt week2.vtt --series mkt-it-weekly",
            "coach track add week3.txt --series mkt-it-weekly --date 2026-10-05",
            "coach track status --series mkt-it-weekly",
            "coach track status --series mkt-it-weekly --format html -o status.html",
            "coach track list",
            "coach track export --series mkt-it-weekly -o series.json",
        ],
        ["COACH_TRACK_DB", "COACH_PROVIDER", "OPENAI_API_KEY", "COACH_DEBUG"],
        [0, 2, 3, 70],
    )
)
def track() -> None:
    """Follow a meeting series: promises kept, slipped or dropped, and disputes that come back."""


@track.command(
    epilog=_epilog(
        [
            "coach track add week1.vtt week2.vtt week3.vtt --series mkt-it-weekly",
            "coach track add notes.txt --series mkt-it-weekly --date 2026-10-05 --roles 'Dana=CMO'",
            "coach track add saved-report.json --series mkt-it-weekly",
            "coach track add week4.vtt --series mkt-it-weekly --provider openai",
        ],
        ["COACH_TRACK_DB", "COACH_PROVIDER", "COACH_MODEL", "OPENAI_API_KEY", "COACH_DEBUG"],
        [0, 2, 3, 70, 130],
    )
)
@click.argument("paths", nargs=-1, required=True)
@click.option("--series", required=True, help="The series' name (created on first use).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=_DB_HELP)
@click.option(
    "--date",
    "meeting_date",
    default=None,
    help="Meeting date YYYY-MM-DD (one file, or all of them).",
)
@click.option("--roles", default=None, help='Who is who: "Dana=CMO,Raj=CIO".')
@click.option("--speakers", default=None, help='Name diarisation labels: "SPEAKER_00=Sam Ortiz".')
@provider_options
@clean_errors
def add(
    paths: tuple[str, ...],
    series: str,
    db: Path | None,
    meeting_date: str | None,
    roles: str | None,
    speakers: str | None,
    provider: str,
    engine: dict[str, Any],
) -> None:
    """Add transcripts (or saved report JSON files) to a series, oldest first.

    Each is analysed with what the series still has open, so its status talk ("the contract went
    back signed", "call it the 22nd", "we can forget the workshop") closes or moves those
    commitments. The same transcript twice changes nothing. A bad file is named and the others
    are still added (exit 2).
    """
    from coach.dates import parse_meeting_date
    from coach.pipeline import analyze as run
    from coach.pipeline import prepare
    from coach.roles import parse_roles
    from coach.speakers import parse_speakers
    from coach.track.series import add as add_meeting

    check_provider(provider, engine["cassettes"])
    if not series.strip():
        raise InputError("--series needs a name")
    parsed_roles = parse_roles(roles)
    parsed_speakers = parse_speakers(speakers)
    given = parse_meeting_date(meeting_date)
    failures = 0

    def bad(source: str, exc: CoachError) -> None:
        nonlocal failures
        if len(paths) == 1:
            raise exc
        failures += 1
        message = str(exc) if source in str(exc) else f"{source}: {exc}"
        click.echo(f"coach: error: {for_terminal(message)}", err=True)

    # Read and date every file first, so they go in in date order and a bad one costs nothing.
    ready: list[tuple[dt.date, int, str, bytes, Transcript | None, Report | None]] = []
    for n, source in enumerate(paths):
        try:
            data, name = read_source(source)
            transcript, report = _load(data, name or source)
            if report is not None:
                day = given or report.meeting.date
            else:
                assert transcript is not None
                _, meeting, _ = prepare(
                    transcript, roles=parsed_roles, date=given, speakers=parsed_speakers
                )
                day = meeting.date
            if day is None:
                raise InputError(f"{source}: no meeting date in the file; pass --date YYYY-MM-DD")
        except CoachError as exc:
            bad(source, exc)
            continue
        ready.append((day, n, source, data, transcript, report))
    ready.sort(key=lambda r: (r[0], r[1]))

    def analyze(transcript: Transcript, day: dt.date, offered: list[OpenCommitment]) -> Report:
        return run(
            transcript,
            provider=provider,
            roles=parsed_roles,
            date=day,
            speakers=parsed_speakers,
            open_commitments=offered,
            **engine,
        )

    with _store(db, create=True) as store:
        for day, _, source, data, transcript, report in ready:
            try:
                added = add_meeting(
                    store,
                    series,
                    file=Path(source).name if source != "-" else "stdin",
                    data=data,
                    transcript=transcript,
                    report=report,
                    day=day,
                    analyze=analyze,
                )
            except CoachError as exc:
                bad(source, exc)
                continue
            for line in dict.fromkeys(added.warnings):
                click.echo(f"coach: warning: {for_terminal(line)}", err=True)
            if added.skipped:
                click.echo(f"{source}: already in {series}, unchanged")
                continue
            moved = ", ".join(f"{n} {status}" for status, n in sorted(added.updates.items()))
            click.echo(
                f"{source}: {day.isoformat()}, {added.commitments} new commitment(s)"
                + (f"; earlier ones: {moved}" if moved else "")
            )
    if failures:
        fail(f"{failures} of {len(paths)} file(s) not added", 2)


def _load(data: bytes, name: str) -> tuple[Transcript | None, Report | None]:
    """A saved report JSON (schema 2), or a transcript in any supported format."""
    from pydantic import ValidationError

    from coach.models import Report
    from coach.transcripts import load_transcript

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") and b'"schema_version"' in head:
        try:
            return None, Report.model_validate_json(data)
        except ValidationError as exc:
            raise InputError(
                f"{name}: a report JSON that does not match schema 2 ({exc.error_count()} error(s))"
            ) from None
    return load_transcript(data, name=name), None


@track.command(
    epilog=_epilog(
        [
            "coach track status --series mkt-it-weekly",
            "coach track status --series mkt-it-weekly --today 2026-11-02 --format json",
            "coach track status --series mkt-it-weekly -o status.html",
        ],
        ["COACH_TRACK_DB", "NO_COLOR", "COACH_DEBUG"],
        [0, 2, 70],
    )
)
@click.option("--series", required=True, help="The series' name.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=_DB_HELP)
@click.option("--today", default=None, help="Judge overdue against this date (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_STATUS_FORMATS, case_sensitive=False),
    default=None,
    help="Output format [default: from -o's extension, else text].",
)
@click.option(
    "-o", "--output", "out", default=None, help="Write to this file (- is standard output)."
)
@clean_errors
def status(
    series: str, db: Path | None, today: str | None, fmt: str | None, out: str | None
) -> None:
    """Open commitments (overdue first), closed ones, recurring flags and decisions of a series."""
    from coach.dates import parse_meeting_date
    from coach.render.series import render_status
    from coach.track.series import status as series_status

    target = Path(out) if out and out != "-" else None
    chosen = (fmt or (_format_from(target) if target else "text")).lower()
    if chosen not in _STATUS_FORMATS:
        raise InputError(
            f"--format {chosen} is not available for a series; use text, json, md or html"
        )
    if target is not None:
        check_writable(target)
    day = parse_meeting_date(today) if today else dt.date.today()
    assert day is not None
    with _store(db) as store:
        found = series_status(store, series, day)
    emit(render_status(found, chosen), target)


@track.command(
    name="list",
    epilog=_epilog(
        ["coach track list", "coach track list --format json"],
        ["COACH_TRACK_DB", "COACH_DEBUG"],
        [0, 2, 70],
    ),
)
@click.option("--db", type=click.Path(path_type=Path), default=None, help=_DB_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text"
)
@clean_errors
def list_series(db: Path | None, fmt: str) -> None:
    """The series in the store and their meetings."""
    import json

    from coach.track.store import default_path

    if not (db or default_path()).exists():  # nothing tracked yet: an empty list, not an error
        click.echo("[]" if fmt.lower() == "json" else NO_SERIES)
        return
    with _store(db) as store:
        found = {
            name: [
                {"date": date.isoformat(), "title": title, "file": file}
                for _, date, title, file in store.headers(name)
            ]
            for name in store.series_names()
        }
    if fmt.lower() == "json":
        click.echo(json.dumps([{"series": k, "meetings": v} for k, v in found.items()], indent=2))
        return
    if not found:
        click.echo(NO_SERIES)
    for name, meetings in found.items():
        click.echo(f"{name}  ({len(meetings)} meeting{'s' if len(meetings) != 1 else ''})")
        for m in meetings:
            title = f"  {m['title']}" if m["title"] else ""
            click.echo(f"  {m['date']}  {m['file']}{title}")


@track.command(
    epilog=_epilog(
        ["coach track export --series mkt-it-weekly -o series.json"],
        ["COACH_TRACK_DB", "COACH_DEBUG"],
        [0, 2, 70],
    )
)
@click.option("--series", required=True, help="The series' name.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=_DB_HELP)
@click.option(
    "-o", "--output", "out", default=None, help="Write to this file (- is standard output)."
)
@clean_errors
def export(series: str, db: Path | None, out: str | None) -> None:
    """The whole series as JSON: its status and every meeting's report."""
    import json

    from coach.track.series import status as series_status

    target = Path(out) if out and out != "-" else None
    if target is not None:
        check_writable(target)
    with _store(db) as store:
        found = series_status(store, series, dt.date.today())
        reports = [
            {
                "date": m.date.isoformat(),
                "file": m.file,
                "report": json.loads(m.report.model_dump_json()),
            }
            for m in store.meetings(series)
        ]
    document = {"status": json.loads(found.model_dump_json()), "meetings": reports}
    emit(json.dumps(document, indent=2) + "\n", target)
