"""The `coach` command line: a thin layer over the library that maps errors to exit codes."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from coach import __version__
from coach.errors import CoachError, InputError, ProviderError
from coach.io import check_writable, output_names, prepare_folder, read_source, write_atomic
from coach.llm.limiter import Cancelled, Limiter
from coach.resources import is_installed_data
from coach.sanitize import for_terminal

# Only click and a few small modules load before click parses the command line: `coach --help`
# starts about as fast as click itself. The models (pydantic), the pipeline, the renderers
# (jinja2), rich and the LLM client load inside the commands that need them.
if TYPE_CHECKING:
    import datetime as dt

    from coach.engines.llm import Estimate
    from coach.models import Report, Transcript

    Loaded = tuple[str, Transcript, list[str]]  # source, transcript, loader warnings

# The report formats (coach.render.FORMATS, which a test keeps in step; not imported from there,
# since coach.render loads the models).
FORMATS: tuple[str, ...] = ("text", "md", "json", "jsonl", "html", "csv")

F = TypeVar("F", bound=Callable[..., Any])

# Limiters of the command running now: Ctrl-C cancels them so no queued request starts.
_RUNNING: list[Limiter] = []


def fail(message: str, code: int) -> None:
    """One line on stderr, then exit with the documented code."""
    click.echo(f"coach: error: {for_terminal(message)}", err=True)
    sys.exit(code)


# The warning lines this command printed: each is printed once, whether the library logged it or
# a report carries it.
_WARNED: set[str] = set()
_WARNED_LOCK = threading.Lock()


def warn_once(text: str, say: Callable[[str], None] | None = None) -> None:
    """Print `coach: warning: TEXT` on stderr (or through `say`) unless it was printed already."""
    with _WARNED_LOCK:
        if text in _WARNED:
            return
        _WARNED.add(text)
    line = f"coach: warning: {for_terminal(text)}"
    if say is None:
        click.echo(line, err=True)
    else:
        say(line)


class _WarningLines(logging.Handler):
    """The library's warnings (an unwritable cache, a very long run) as stderr lines, each once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        """Print `coach: warning: ...` unless this command already printed the same line."""
        try:
            text = record.getMessage()
        except Exception:
            self.handleError(record)
            return
        warn_once(text)


def _first_sigint(signum: int, frame: Any) -> None:
    # From now on a second Ctrl-C ends the process at once, with no traceback from shutdown.
    signal.signal(signal.SIGINT, _second_sigint)
    raise KeyboardInterrupt


def _second_sigint(signum: int, frame: Any) -> None:
    os._exit(130)


def _interrupted() -> None:
    """Cancel what is running, say so in one line, exit 130; requests in flight are abandoned."""
    for limiter in _RUNNING:
        limiter.cancel()
    if threading.current_thread() is threading.main_thread():
        # Python restores the default SIGINT action while it shuts down, and a Ctrl-C then would
        # kill the process by signal; ignored, the exit code stays 130. Shutdown is quick: the
        # workers are daemon threads and nothing waits for them.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    click.echo("coach: interrupted", err=True)
    sys.exit(130)


def clean_errors(func: F) -> F:
    """Turn every CoachError (and any surprise) into one stderr line and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.getsignal(signal.SIGINT) if main_thread else None
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, _first_sigint)
        lines = _WarningLines()
        logger = logging.getLogger("coach")
        logger.addHandler(lines)
        propagate, logger.propagate = logger.propagate, False
        _RUNNING.clear()
        with _WARNED_LOCK:
            _WARNED.clear()
        try:
            return func(*args, **kwargs)
        except CoachError as exc:
            fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`coach ... | head`): stop quietly, as other CLI tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except (KeyboardInterrupt, Cancelled):
            _interrupted()
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("COACH_DEBUG"):
                raise
            fail(
                f"internal error ({type(exc).__name__}: {exc}); rerun with COACH_DEBUG=1 and report it",
                70,
            )
        finally:
            logger.removeHandler(lines)
            logger.propagate = propagate
            if previous is not None and signal.getsignal(signal.SIGINT) is _first_sigint:
                signal.signal(signal.SIGINT, previous)  # not interrupted: put it back

    return wrapper  # type: ignore[return-value]


def emit(text: str, out: Path | None) -> None:
    """Print to stdout, or write the file atomically."""
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


def provider_options(func: F) -> F:
    """The options every command that runs an engine shares: it gets `provider`, and the rest as
    `engine`, a dict of `coach.analyze` keywords."""
    options = [
        click.option(
            "--provider",
            envvar="COACH_PROVIDER",
            default="offline",
            show_default=True,
            type=click.Choice(["offline", "openai", "replay"]),
            help="Engine that reads the meeting.",
        ),
        click.option(
            "--model", envvar="COACH_MODEL", default=None, help="Model name for LLM providers."
        ),
        click.option(
            "--base-url",
            envvar="OPENAI_BASE_URL",
            default=None,
            help="OpenAI-compatible server URL.",
        ),
        click.option(
            "--timeout", type=click.FloatRange(min=1), default=None, help="Seconds per LLM request."
        ),
        click.option(
            "--no-cache", is_flag=True, help="Do not read or write the LLM response cache."
        ),
        click.option(
            "--record",
            type=click.Path(path_type=Path),
            default=None,
            help="Save LLM exchanges here.",
        ),
        click.option(
            "--cassettes",
            type=click.Path(path_type=Path),
            default=None,
            help="Recorded exchanges for --provider replay.",
        ),
        click.option(
            "--redact/--no-redact",
            default=None,
            help="Mask names, e-mails, phone, card, IBAN and SSN numbers in what an LLM provider is "
            "sent; the report keeps the real words [default: on when the server is not this machine].",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 64),
            default=4,
            show_default=True,
            help="LLM requests in flight at once, over all parts and meetings of the run.",
        ),
    ]

    @functools.wraps(func)
    def bundled(
        *args: Any,
        model: str | None,
        base_url: str | None,
        timeout: float | None,
        no_cache: bool,
        record: Path | None,
        cassettes: Path | None,
        redact: bool | None,
        concurrency: int,
        **kwargs: Any,
    ) -> Any:
        # The command gets them once, as `coach.analyze` keywords.
        engine = {
            "model": model,
            "base_url": base_url,
            "timeout": timeout,
            "cache": not no_cache,
            "record": record,
            "cassettes": cassettes,
            "redact": redact,
            "concurrency": concurrency,
        }
        return func(*args, engine=engine, **kwargs)

    wrapped: Any = bundled
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
}


def _suffix(fmt: str) -> str:
    """The file extension of a report format: txt for text, the format's name otherwise."""
    return "txt" if fmt == "text" else fmt


def _format_from(out: Path) -> str:
    """The format an output file's extension names (`-o report.md` means Markdown).

    An extension that names no format is an InputError, not a silent fall back to text.
    """
    found = _EXTENSIONS.get(out.suffix.casefold())
    if found is None:
        what = f"the extension {out.suffix!r} names no format" if out.suffix else "no extension"
        known = " ".join(sorted({".txt", ".md", ".json", ".jsonl", ".html", ".csv"}))
        raise InputError(f"-o {out}: {what}; end the name with {known}, or pass --format")
    return found


def check_provider(provider: str, cassettes: Path | None) -> None:
    """Catch a replay run with nothing to replay before any work starts."""
    if provider == "replay" and (cassettes is None or not cassettes.is_dir()):
        where = f" ({cassettes} is not a folder)" if cassettes is not None else ""
        raise InputError(f"--provider replay needs --cassettes DIR with recorded answers{where}")


# --- help: every command's help ends with examples, the environment it reads and its exit codes ---

_ENVIRONMENT = {
    "COACH_PROVIDER": "the default --provider (offline)",
    "COACH_MODEL": "the default --model",
    "OPENAI_API_KEY": "the key for --provider openai; never printed, logged or stored",
    "OPENAI_BASE_URL": "the default --base-url",
    "COACH_CACHE_DIR": "where LLM answers and batch state are kept (coach doctor shows it)",
    "COACH_CHUNK_TOKENS": "transcript tokens per LLM request (12000)",
    "COACH_BATCH_POLL": "seconds before the first look at a batch (5), doubling to 60",
    "COACH_TRACK_DB": "the series store of coach track (default: series.db in the user data folder)",
    "NO_COLOR": "set: no colour in text on a terminal",
    "COACH_DEBUG": "set: a traceback instead of exit 70 on an internal error",
}

_EXIT_CODES = {
    0: "success",
    1: "the eval fell below its baseline",
    2: "bad input or usage, one line on stderr (several files: one line a bad file, the "
    "others still written)",
    3: "the provider failed after retries (auth, network, refusal)",
    70: "a bug in coach; please report it",
    130: "interrupted (Ctrl-C)",
}


def _epilog(examples: list[str], environment: list[str], codes: list[int]) -> str:
    """Examples, environment variables and exit codes, laid out as written (click's \\b)."""
    width = max(len(name) for name in environment)
    sections = [
        ["Examples:", *(f"  {line}" for line in examples)],
        [
            "Environment variables:",
            *(f"  {name.ljust(width)}  {_ENVIRONMENT[name]}" for name in environment),
        ],
        ["Exit codes:", *(f"  {code:<3}  {_EXIT_CODES[code]}" for code in codes)],
    ]
    return "\n\n".join("\b\n" + "\n".join(lines) for lines in sections)


_LLM_ENVIRONMENT = [
    "COACH_PROVIDER",
    "COACH_MODEL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "COACH_CACHE_DIR",
    "COACH_CHUNK_TOKENS",
]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    epilog=_epilog(
        [
            "coach analyze meeting.vtt --roles 'Dana=CMO,Raj=CIO' --date 2026-11-17",
            "coach analyze q1/*.vtt -o reports/ --format html",
            "coach analyze meeting.txt --format json -o - | jq .flags",
            "coach eval",
            "coach COMMAND --help",
        ],
        list(_ENVIRONMENT),
        [0, 1, 2, 3, 70, 130],
    ),
)
@click.version_option(__version__, prog_name="coach")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Coach CMO, CIO and CTO teams from their meeting transcripts."""
    if ctx.invoked_subcommand is None:  # bare `coach`: the help, and success
        click.echo(ctx.get_help())


@main.command(
    epilog=_epilog(
        [
            "coach analyze meeting.vtt --date 2026-11-17 --roles 'Dana=CMO,Raj=CIO'",
            "coach analyze -                       # paste, then Ctrl-D",
            "coach analyze meeting.docx -o meeting.md --title 'Q3 planning'",
            "coach analyze a.vtt b.vtt --format json > reports.json   # one JSON array",
            "coach analyze week/*.vtt --format csv -o week.csv        # one header, a source column",
            "coach analyze week/*.vtt -o reports/ --format html --skip-existing",
            "coach analyze meeting.vtt --provider openai --dry-run",
        ],
        [*_LLM_ENVIRONMENT, "NO_COLOR", "COACH_DEBUG"],
        [0, 2, 3, 70, 130],
    )
)
@click.argument("paths", nargs=-1)
@provider_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    default=None,
    help="Output format, in any case [default: from the -o file's extension, else text].",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(),
    default=None,
    help="Write here: a file (its extension gives the format), - for standard output, or a "
    "folder for one report a transcript (an existing folder, a path ending in /, or, with "
    "several transcripts, a name without extension).",
)
@click.option(
    "--skip-existing",
    is_flag=True,
    help="With -o DIR: leave out transcripts whose report is already there (resume a run).",
)
@click.option("--roles", default=None, help='Speaker roles, e.g. "Dana=CMO,Raj=CIO".')
@click.option(
    "--date", "meeting_date", default=None, help="Meeting date, YYYY-MM-DD (resolves 'by Friday')."
)
@click.option(
    "--title", default=None, help="Meeting title [default: the one the transcript gives, if any]."
)
@click.option(
    "--speakers",
    default=None,
    help='Names for diarisation labels, e.g. "SPEAKER_00=Sam Ortiz,SPEAKER_03=Lee Park" '
    "[default: the names speakers introduce themselves with].",
)
@click.option("--dry-run", is_flag=True, help="Print the token and cost estimate; call nothing.")
@click.option(
    "--max-cost",
    type=click.FloatRange(min=0),
    default=None,
    metavar="USD",
    help="Refuse, before any request, a run whose worst case costs more (all transcripts together).",
)
@clean_errors
def analyze(
    paths: tuple[str, ...],
    provider: str,
    engine: dict[str, Any],
    fmt: str | None,
    out: str | None,
    skip_existing: bool,
    roles: str | None,
    meeting_date: str | None,
    title: str | None,
    speakers: str | None,
    dry_run: bool,
    max_cost: float | None,
) -> None:
    """Analyse transcripts: a file, several files, or - (or nothing) for standard input.

    Several transcripts make one document on standard output (a JSON array, JSON lines, one CSV
    with a source column, a heading a meeting in text and Markdown), or one report each in
    -o DIR. A bad file is reported by name and the others still run; the exit code is then 2.
    Warnings go to standard error.
    """
    from coach.dates import parse_meeting_date
    from coach.parallel import ordered
    from coach.pipeline import analyze as run
    from coach.roles import parse_roles
    from coach.speakers import parse_speakers
    from coach.transcripts import load_transcript_with_warnings

    check_provider(provider, engine["cassettes"])
    parsed_speakers = parse_speakers(speakers)
    sources = list(paths) or ["-"]
    many = len(sources) > 1
    target = Path(out) if out is not None and out != "-" else None  # `-o -` is standard output
    to_stdout = target is None
    folder = target is not None and (
        target.is_dir()
        or str(out).endswith(("/", os.sep))  # as typed: Path() drops the slash
        or (many and not target.exists() and not target.suffix)
    )
    chosen = fmt or (_format_from(target) if target is not None and not folder else "text")
    # Several transcripts without a folder make one document, on standard output or in -o FILE.
    if many and not folder and chosen == "html":
        raise InputError(
            "several transcripts in HTML need a folder: -o DIR writes one page a transcript"
        )
    if skip_existing and not folder:
        raise InputError("--skip-existing needs -o DIR (a folder of reports to resume)")
    parsed_roles = parse_roles(roles)
    parsed_date = parse_meeting_date(meeting_date)
    names: list[Path | None] = [None] * len(sources)
    if folder:
        assert target is not None
        if not dry_run:  # a dry run writes nothing, not even the folder
            prepare_folder(target, "-o")
        elif target.exists() and not target.is_dir():
            raise InputError(f"-o {target} is a file, not a folder")
        names = [target / name for name in output_names(sources, _suffix(chosen))]
    elif target is not None:
        check_writable(target)

    failures: list[CoachError] = []

    def failed(source: str, exc: CoachError, say: Callable[[str], None]) -> None:
        """Several transcripts: one stderr line naming the bad one; the run goes on."""
        if not many:
            raise exc
        failures.append(exc)
        message = str(exc) if source in str(exc) else f"{source}: {exc}"
        say(f"coach: error: {for_terminal(message)}")

    pending = list(range(len(sources)))
    if skip_existing:
        done = {i for i in pending if (path := names[i]) is not None and path.exists()}
        pending = [i for i in pending if i not in done]
        if done:
            click.echo(
                f"coach: skipped {len(done)} transcript(s) whose report is already in {target}",
                err=True,
            )
    # Every transcript is read before any request: a bad file costs nothing.
    loaded: list[Loaded] = []
    destinations: list[Path | None] = []
    echo = functools.partial(click.echo, err=True)
    for i in pending:
        try:
            data, name = read_source(sources[i])
            transcript, warnings = load_transcript_with_warnings(data, name=name)
        except InputError as exc:
            failed(sources[i], exc, echo)
            continue
        loaded.append((sources[i], transcript, warnings))
        destinations.append(names[i])
    costs = provider == "openai"  # replayed answers and the offline engine cost nothing
    if loaded and (dry_run or (costs and max_cost is not None)):
        figures = _estimates(
            loaded,
            provider,
            engine["model"],
            parsed_roles,
            parsed_date,
            engine["base_url"],
            engine["redact"],
            title,
        )
        if dry_run:
            _print_dry_run(figures, many, json_form=chosen in ("json", "jsonl"))
        if costs and max_cost is not None and figures:
            from coach.pipeline import check_budget

            check_budget(functools.reduce(lambda a, b: a + b, (f for _, f in figures)), max_cost)
    if dry_run or not loaded:
        _exit_for(failures)
        return
    limiter = Limiter(engine["concurrency"])  # one for every request of this run
    _RUNNING.append(limiter)

    def one(item: Loaded) -> tuple[Loaded, Report | CoachError]:
        _, transcript, warnings = item
        try:
            report = run(
                transcript,
                provider=provider,
                roles=parsed_roles,
                date=parsed_date,
                title=title,
                speakers=parsed_speakers,
                limiter=limiter,
                **engine,
            )
        except CoachError as exc:
            if not many:
                raise
            return item, exc  # reported in input order; the other meetings go on
        report.warnings[:0] = warnings
        return item, report

    terminal = to_stdout and sys.stdout.isatty()
    look = _Look(
        color=chosen == "text" and terminal and not os.environ.get("NO_COLOR"),
        # A narrow terminal wraps narrower; a wide one keeps lines short enough to read.
        width=min(shutil.get_terminal_size().columns, 100) if terminal else None,
        # On standard output the warnings went to stderr already; a file keeps them as a record.
        warnings=not to_stdout,
    )
    # Meetings side by side for an LLM (the limiter bounds the requests); the offline engine is
    # CPU-bound and gains nothing from threads. Reports come back, and are written, in input order.
    workers = engine["concurrency"] if provider != "offline" else 1
    collected: list[tuple[str, Transcript, Report]] = []
    with _Progress(len(loaded) if many else 0) as progress:
        results = ordered(one, loaded, workers, on_interrupt=limiter.cancel)
        for (item, result), destination in zip(results, destinations, strict=True):
            source, transcript, _ = item
            progress.advance(source)
            if isinstance(result, CoachError):
                failed(source, result, progress.say)
                continue
            _say_warnings(result, source if many else None, progress.say)
            if destination is None:
                collected.append((_label(source), transcript, result))
                continue
            try:  # -o DIR: each report is written as soon as it is ready
                emit(look.render(result, chosen, _label(source), transcript), destination)
            except InputError as exc:
                failed(source, exc, progress.say)
    if collected:
        if many:
            text = look.render_many(collected, chosen)
        else:
            text = look.render(collected[0][2], chosen, *collected[0][:2])
        emit(text, target)
    _exit_for(failures)


class _Look(NamedTuple):
    """How `coach analyze` renders its reports (coach.render loads here, not at start-up)."""

    color: bool
    width: int | None
    warnings: bool

    def render(self, report: Report, fmt: str, source: str, transcript: Transcript) -> str:
        """One report; HTML gets the transcript to show beside the findings."""
        from coach.render import render

        extra: dict[str, Any] = {"transcript": transcript} if fmt == "html" else {}
        return render(
            report,
            fmt,
            source=source,
            color=self.color,
            width=self.width,
            starts=_starts(transcript),
            warnings=self.warnings,
            **extra,
        )

    def render_many(self, items: list[tuple[str, Transcript, Report]], fmt: str) -> str:
        """Several reports as one document: a JSON array, JSON lines, one CSV, headed sections."""
        from coach.render import render_many

        try:
            return render_many(
                [(source, report) for source, _, report in items],
                fmt,
                color=self.color,
                width=self.width,
                starts=[_starts(transcript) for _, transcript, _ in items],
                warnings=self.warnings,
            )
        except ValueError as exc:  # html: one page a transcript, hence a folder
            raise InputError(str(exc)) from None


def _starts(transcript: Transcript) -> list[float | None] | None:
    """Each turn's start in seconds (for "turn 7, 01:02"), or None when the source has no times."""
    starts = [turn.start for turn in transcript.turns]
    return starts if any(s is not None for s in starts) else None


def _label(source: str) -> str:
    """How a transcript is named in several reports' one document: its path, or stdin."""
    return "stdin" if source == "-" else source


def _exit_for(failures: list[CoachError]) -> None:
    """After a run of several transcripts: exit 2 if any was bad, 3 if only providers failed."""
    if not failures:
        return
    provider_only = all(isinstance(exc, ProviderError) for exc in failures)
    sys.exit(ProviderError.exit_code if provider_only else InputError.exit_code)


def _say_warnings(report: Report, source: str | None, say: Callable[[str], None]) -> None:
    """Each of the report's warnings as a `coach: warning:` line on stderr, naming the file when
    there are several; the offline engine's standing note stays in the report only."""
    from coach.models import OFFLINE_NOTE

    prefix = f"{source}: " if source is not None else ""
    for warning in report.warnings:
        if warning != OFFLINE_NOTE:
            warn_once(prefix + warning, say)


class _Progress:
    """A progress bar on stderr for a run of several transcripts when stderr is a terminal.

    While it shows, `say` prints lines above it; otherwise `say` is a plain stderr line. rich is
    imported only when the bar shows.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.total > 1 and sys.stderr is not None and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            console = Console(stderr=True)
            if console.is_terminal:
                self.bar = Progress(console=console, transient=True)
                self.task = self.bar.add_task("analysing", total=self.total)
                self.bar.start()
        return self

    def say(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(line, err=True)

    def advance(self, source: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=for_terminal(Path(source).name))

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _estimates(
    loaded: list[Loaded],
    provider: str,
    model: str | None,
    roles: Mapping[str, str],
    date: dt.date | None,
    base_url: str | None,
    redact: bool | None,
    title: str | None = None,
) -> list[tuple[str, Estimate]]:
    """Each transcript's dry-run figures, planned exactly as a run would plan them."""
    if provider == "offline":
        return []
    from coach.pipeline import estimate

    return [
        (
            source,
            estimate(
                transcript,
                provider=provider,
                model=model,
                roles=roles,
                date=date,
                base_url=base_url,
                redact=redact,
                title=title,
            ),
        )
        for source, transcript, _ in loaded
    ]


def _print_dry_run(figures: list[tuple[str, Estimate]], many: bool, *, json_form: bool) -> None:
    """The estimate in words, or as `{requests, input_tokens, output_tokens_max, cost_usd_max, model}`."""
    if not figures:  # the offline engine
        if json_form:
            empty = {"requests": 0, "input_tokens": 0, "output_tokens_max": 0}
            click.echo(json.dumps({**empty, "cost_usd_max": 0.0, "model": None}))
        else:
            click.echo("dry run: the offline engine makes no calls and costs nothing.")
        return
    total = functools.reduce(lambda a, b: a + b, (f for _, f in figures))
    if json_form:
        click.echo(json.dumps(total.summary()))
        return
    if not many:
        click.echo(total.describe())
        return
    for source, found in figures:
        click.echo(f"{for_terminal(source)}: {found.describe()}")
    click.echo(f"all {len(figures)} transcripts: {total.describe()}")


@main.command(
    epilog=_epilog(
        [
            "coach parse meeting.vtt",
            "coach parse meeting.docx --format json -o turns.json",
            "pbpaste | coach parse - --format json",
        ],
        ["COACH_DEBUG"],
        [0, 2, 70],
    )
)
@click.argument("path", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"], case_sensitive=False),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write here; - is standard output.",
)
@clean_errors
def parse(path: str | None, fmt: str, out: Path | None) -> None:
    """Print the normalised transcript (turns with speaker, text, start, end)."""
    from coach.transcripts import load_transcript_with_warnings

    if out is not None and str(out) == "-":
        out = None  # `-o -` is standard output
    if out is not None:
        check_writable(out)
    data, name = read_source(path)
    transcript, warnings = load_transcript_with_warnings(data, name=name)
    for warning in warnings:
        warn_once(warning)
    if fmt == "json":
        emit(transcript.model_dump_json(indent=2) + "\n", out)
        return
    lines = []
    for i, turn in enumerate(transcript.turns):
        stamp = f"[{_clock(turn.start)}] " if turn.start is not None else ""
        lines.append(f"{i:>4} {stamp}{for_terminal(turn.speaker)}: {for_terminal(turn.text)}")
    emit("\n".join(lines) + "\n", out)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@main.command(
    name="eval",
    epilog=_epilog(
        [
            "coach eval                                   # offline engine, the shipped core set",
            "coach eval --dataset evals/datasets/dev-a --markdown summary.md",
            "coach eval --provider openai --record cassettes/ --save-reports reports/",
            "coach eval --provider replay --cassettes cassettes/",
            "coach eval --predictions reports/            # re-score saved reports, no calls",
        ],
        [*_LLM_ENVIRONMENT, "COACH_BATCH_POLL", "COACH_DEBUG"],
        [0, 1, 2, 3, 70, 130],
    ),
)
@provider_options
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder of transcripts and gold files [default: the core dataset shipped with coach].",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the JSON report here.",
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write a Markdown summary here.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Compare with this baseline [default: baselines/<dataset>/<provider>.json beside the "
    "dataset's datasets/ folder, else evals/baselines/<dataset>/<provider>.json here, when it "
    "exists; the core dataset's ship with coach].",
)
@click.option(
    "--update-baseline", is_flag=True, help="Write this run's figures as the new baseline."
)
@click.option(
    "--save-reports",
    type=click.Path(path_type=Path),
    default=None,
    help="Save each meeting's report here.",
)
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    default=None,
    help="Score reports saved earlier with --save-reports instead of running an engine.",
)
@click.option(
    "--noise",
    "noise_seed",
    type=int,
    default=None,
    metavar="SEED",
    help="Also score the dataset with deterministic speech-to-text noise (fillers, repeats, "
    "no punctuation) and report it beside the clean figures.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Offline engine: print each named feature's hits, precision and what removing it costs.",
)
@click.option(
    "--batch",
    "use_batch",
    is_flag=True,
    help="--provider openai: send the dataset as one Batch API batch (about half price, results "
    "within 24 h), wait for it, then score.",
)
@clean_errors
def eval_command(
    provider: str,
    engine: dict[str, Any],
    dataset: Path | None,
    report_path: Path | None,
    markdown_path: Path | None,
    baseline_path: Path | None,
    update_baseline: bool,
    save_reports: Path | None,
    predictions: Path | None,
    noise_seed: int | None,
    explain: bool,
    use_batch: bool,
) -> None:
    """Run the eval suite, compare with the baseline, exit 1 on a regression."""
    from rich.console import Console
    from rich.progress import Progress

    from coach.evals import runner

    for target in (report_path, markdown_path):
        if target is not None:
            check_writable(target)
    if save_reports is not None:
        prepare_folder(save_reports, "--save-reports")
    dataset = dataset if dataset is not None else _core_dataset()
    if explain:
        _explain(provider, dataset, markdown_path)
        return
    check_provider(provider, engine["cassettes"])
    explicit = baseline_path is not None
    if baseline_path is None:
        baseline_path = _default_baseline(dataset, provider)
        if update_baseline and is_installed_data(baseline_path):
            raise InputError(
                f"the baseline shipped with coach ({baseline_path}) is not updated in place; "
                "pass --baseline PATH to write a new one"
            )
    baseline = None
    # A baseline named on the command line must exist unless this run is the one creating it.
    if baseline_path.exists() or (explicit and not update_baseline):
        baseline = runner.load_baseline(baseline_path)
    limiter = Limiter(engine["concurrency"])  # one for every request of the whole eval
    _RUNNING.append(limiter)
    if use_batch:
        if provider != "openai":
            fail("--batch needs --provider openai", 2)
        if predictions is not None or noise_seed is not None:
            fail(
                "--batch runs the engine on the clean transcripts; drop --predictions and --noise",
                2,
            )
        batch = {k: v for k, v in engine.items() if k != "cassettes"}  # no replay for a batch
        collected = _eval_batch(dataset, limiter=limiter, **batch)
        analyze_one = runner.collected_analyzer(collected)
    elif predictions is not None:
        if noise_seed is not None:
            fail("--noise needs an engine; saved reports were made from the clean transcripts", 2)
        analyze_one = runner.saved_reports_analyzer(predictions)
    else:
        analyze_one = runner.engine_analyzer(provider, limiter=limiter, **engine)
    # Meetings side by side only where requests wait on a server; the offline engine and saved
    # reports are CPU-bound.
    cpu_bound = provider == "offline" or predictions is not None or use_batch
    workers = 1 if cpu_bound else engine["concurrency"]
    meetings = len(list(dataset.glob("*.gold.json"))) if dataset.is_dir() else 0
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("evaluating", total=meetings * (1 if noise_seed is None else 2))
        result = runner.run_eval(
            dataset,
            analyze_one,
            provider=provider,
            model=engine["model"],
            progress=lambda name: bar.update(task, advance=1, description=name),
            save_reports=save_reports,
            noise_seed=noise_seed,
            concurrency=workers,
            on_interrupt=limiter.cancel,
        )
    if baseline is not None:
        result.baseline = baseline.metrics
        result.regressions = runner.compare(result, baseline)
    if report_path is not None:
        write_atomic(report_path, runner.dump(result))
    summary = runner.markdown_summary(result)
    if markdown_path is not None:
        write_atomic(markdown_path, summary)
    click.echo(summary, nl=False)
    if update_baseline:
        baseline_path.parent.mkdir(parents=True, exist_ok=True)  # a new dataset's first baseline
        write_atomic(
            baseline_path, runner.new_baseline(result, baseline).model_dump_json(indent=2) + "\n"
        )
        click.echo(f"baseline written to {baseline_path}", err=True)
        return
    if result.regressions:
        fail("eval fell below the baseline: " + "; ".join(result.regressions), 1)


def _core_dataset() -> Path:
    """The core dataset: shipped in the wheel, or the checkout's evals/datasets/core."""
    from coach.resources import core_dataset

    found = core_dataset()
    if found is None:
        raise InputError(
            "the core eval dataset is not installed with coach; pass --dataset DIR "
            "(e.g. evals/datasets/core in a checkout)"
        )
    return found


def _default_baseline(dataset: Path, provider: str) -> Path:
    """Where a dataset's baseline is: `<evals>/baselines/<name>/<provider>.json` beside the
    dataset's `<evals>/datasets/` folder (the shipped core set's ships with it), else
    `evals/baselines/<name>/<provider>.json` under the current folder. The first that exists,
    else the first candidate (where --update-baseline writes a new one)."""
    folder = dataset.resolve()
    name = f"{provider}.json"
    candidates = []
    if folder.parent.name == "datasets":
        candidates.append(folder.parent.parent / "baselines" / folder.name / name)
    candidates.append(Path("evals") / "baselines" / folder.name / name)
    return next((c for c in candidates if c.exists()), candidates[0])


def _explain(provider: str, dataset: Path, markdown_path: Path | None) -> None:
    """Feature hits, precision and ablation cost on a dataset (offline engine only)."""
    from rich.console import Console
    from rich.progress import Progress

    from coach.engines.offline.features import FEATURES
    from coach.evals import explain
    from coach.evals.gold import load_dataset

    if provider != "offline":
        fail("--explain describes the offline engine's features; use --provider offline", 2)
    load_dataset(dataset)  # a missing or broken dataset is reported before any work
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("explaining", total=len(FEATURES) + 1)
        rows = explain.explain(dataset, lambda name: bar.update(task, advance=1, description=name))
    text = explain.markdown(rows, dataset)
    if markdown_path is not None:
        write_atomic(markdown_path, text)
    click.echo(text, nl=False)


# --- the Batch API -----------------------------------------------------------------------------------


_BATCH_EXAMPLES = [
    "id=$(coach batch submit week/*.vtt --roles 'Dana=CMO,Raj=CIO')",
    'coach batch status "$id"',
    'coach batch collect "$id" -o reports/ --wait --format md',
]


@main.group(
    invoke_without_command=True,
    epilog=_epilog(
        _BATCH_EXAMPLES,
        [
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "COACH_MODEL",
            "COACH_CACHE_DIR",
            "COACH_BATCH_POLL",
            "COACH_DEBUG",
        ],
        [0, 2, 3, 70, 130],
    ),
)
@click.pass_context
def batch(ctx: click.Context) -> None:
    """Many meetings through the provider's Batch API: about half the price, results within 24 h."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _batch_server_options(func: F) -> F:
    """Where the batch lives: the server and how long to wait for one answer."""
    func = click.option(
        "--timeout", type=click.FloatRange(min=1), default=None, help="Seconds per request."
    )(func)
    return click.option(
        "--base-url",
        default=None,
        help="OpenAI-compatible server URL [default: the one the batch was submitted to].",
    )(func)


@batch.command(
    "submit",
    epilog=_epilog(
        [_BATCH_EXAMPLES[0], "coach batch submit a.vtt b.vtt --model gpt-4.1 --date 2026-11-17"],
        [
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "COACH_MODEL",
            "COACH_CACHE_DIR",
            "COACH_CHUNK_TOKENS",
            "COACH_DEBUG",
        ],
        [0, 2, 3, 70, 130],
    ),
)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--model", envvar="COACH_MODEL", default=None, help="Model name [default: gpt-4.1-mini]."
)
@click.option(
    "--base-url", envvar="OPENAI_BASE_URL", default=None, help="OpenAI-compatible server URL."
)
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Seconds per request.")
@click.option(
    "--redact/--no-redact",
    default=None,
    help="Mask personal data in what is sent, as `coach analyze` does [default: on when the "
    "server is not this machine].",
)
@click.option("--roles", default=None, help='Speaker roles, e.g. "Dana=CMO,Raj=CIO".')
@click.option("--date", "meeting_date", default=None, help="Meeting date, YYYY-MM-DD.")
@click.option("--title", default=None, help="Meeting title.")
@clean_errors
def batch_submit(
    paths: tuple[str, ...],
    model: str | None,
    base_url: str | None,
    timeout: float | None,
    redact: bool | None,
    roles: str | None,
    meeting_date: str | None,
    title: str | None,
) -> None:
    """Submit transcripts as one batch (one request a part) and print the batch id."""
    from coach import batching
    from coach.dates import parse_meeting_date
    from coach.llm.pricing import BATCH_PRICES_AS_OF
    from coach.roles import parse_roles

    parsed_roles = parse_roles(roles) if roles else None
    iso = parse_meeting_date(meeting_date)
    items = [batching.BatchItem(Path(p), roles=parsed_roles, date=iso, title=title) for p in paths]
    done = batching.submit(items, model=model, base_url=base_url, timeout=timeout, redact=redact)
    state = done.state
    click.echo(
        f"coach: batch {state.batch_id}: {state.requests} request(s) for {len(state.meetings)} "
        f"meeting(s) to {state.model}, at most ${done.max_cost_usd:.4f} at batch prices as of "
        f"{BATCH_PRICES_AS_OF}; collect with: coach batch collect {state.batch_id} -o DIR --wait",
        err=True,
    )
    click.echo(state.batch_id)


@batch.command(
    "status",
    epilog=_epilog(
        [_BATCH_EXAMPLES[1], 'coach batch status "$id" --format json'],
        ["OPENAI_API_KEY", "COACH_CACHE_DIR", "COACH_DEBUG"],
        [0, 2, 3, 70],
    ),
)
@click.argument("batch_id")
@_batch_server_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
)
@clean_errors
def batch_status(batch_id: str, base_url: str | None, timeout: float | None, fmt: str) -> None:
    """Show where a batch is: its status and request counts."""
    from coach import batching

    found, state = batching.status(batch_id, base_url=base_url, timeout=timeout)
    if fmt == "json":
        summary = found.summary()
        summary["meetings"] = len(state.meetings) if state is not None else None
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(for_terminal(found.describe()))
    if state is not None:
        click.echo(
            f"submitted {state.created}: {len(state.meetings)} meeting(s), {state.requests} "
            f"request(s) to {state.model}"
        )
    for line in found.errors:
        click.echo(f"error: {for_terminal(line)}")


@batch.command(
    "collect",
    epilog=_epilog(
        [_BATCH_EXAMPLES[2], 'coach batch collect "$id" -o reports/   # once it has finished'],
        [
            "OPENAI_API_KEY",
            "COACH_CACHE_DIR",
            "COACH_BATCH_POLL",
            "COACH_CHUNK_TOKENS",
            "COACH_DEBUG",
        ],
        [0, 2, 3, 70, 130],
    ),
)
@click.argument("batch_id")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the reports, one a meeting.",
)
@click.option("--wait", "wait_for_it", is_flag=True, help="Wait until the batch has finished.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    default="json",
    show_default=True,
    help="Report format.",
)
@_batch_server_options
@click.option("--no-cache", is_flag=True, help="Do not read or write the LLM response cache.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests in flight at once for answers asked again synchronously.",
)
@clean_errors
def batch_collect(
    batch_id: str,
    out: Path,
    wait_for_it: bool,
    fmt: str,
    base_url: str | None,
    timeout: float | None,
    no_cache: bool,
    concurrency: int,
) -> None:
    """Download a finished batch's answers, validate and ground them, and write one report a meeting.

    Parts the batch did not answer, and answers that do not validate, are asked again
    synchronously; the reports' warnings count them.
    """
    from coach import batching
    from coach.render import render

    prepare_folder(out, "-o")
    limiter = Limiter(concurrency)
    _RUNNING.append(limiter)
    if wait_for_it:
        batching.verify(batch_id)  # a changed transcript is refused now, not after the wait
        hint = f"coach batch collect {batch_id} -o {out} --wait"
        _wait_for_batch(batch_id, base_url, timeout, hint)
    collection = batching.collect(
        batch_id,
        base_url=base_url,
        timeout=timeout,
        cache=not no_cache,
        concurrency=concurrency,
        limiter=limiter,
    )
    extension = _suffix(fmt)
    failed = []
    for item in collection.meetings:
        if item.report is None:
            failed.append(f"{Path(item.source).name}: {item.error}")
            continue
        emit(render(item.report, fmt, warnings=True), out / f"{item.name}.{extension}")
    for line in collection.warnings:
        warn_once(line)
    if failed:
        written = len(collection.meetings) - len(failed)
        raise ProviderError(
            f"{len(failed)} of {len(collection.meetings)} meeting(s) failed ({written} report(s) "
            f"written to {out}): " + "; ".join(failed)
        )
    click.echo(f"coach: {collection.describe()}; reports in {out}", err=True)


def _wait_for_batch(batch_id: str, base_url: str | None, timeout: float | None, hint: str) -> None:
    """Poll with backoff and a progress bar on stderr; on Ctrl-C, say how to collect later."""
    from rich.console import Console
    from rich.progress import Progress

    from coach import batching

    console = Console(stderr=True)
    try:
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task(f"batch {batch_id}", total=None)

            def show(found: Any) -> None:
                bar.update(
                    task,
                    total=found.total or None,
                    completed=found.completed + found.failed,
                    description=f"batch {found.status}",
                )

            batching.wait(batch_id, base_url=base_url, timeout=timeout, on_update=show)
    except (KeyboardInterrupt, Cancelled):
        click.echo(
            f"coach: the batch keeps running on the server; collect it later with: {hint}",
            err=True,
        )
        raise


def _eval_batch(
    dataset: Path,
    *,
    model: str | None,
    base_url: str | None,
    timeout: float | None,
    cache: bool,
    record: Path | None,
    redact: bool | None,
    concurrency: int,
    limiter: Limiter,
) -> dict[str, Any]:
    """Submit the dataset's meetings as one batch, wait, collect: each meeting's report or error."""
    from coach import batching
    from coach.evals import runner
    from coach.evals.gold import load_dataset

    meetings = load_dataset(dataset)
    done = batching.submit(
        runner.batch_items(meetings), model=model, base_url=base_url, timeout=timeout, redact=redact
    )
    batch_id = done.state.batch_id
    click.echo(
        f"coach: batch {batch_id}: {done.state.requests} request(s) for {len(meetings)} meeting(s)",
        err=True,
    )
    hint = (
        f"coach batch collect {batch_id} -o reports/ --wait, then coach eval --predictions reports/"
    )
    _wait_for_batch(batch_id, base_url, timeout, hint)
    collection = batching.collect(
        batch_id,
        base_url=base_url,
        timeout=timeout,
        cache=cache,
        record=record,
        concurrency=concurrency,
        limiter=limiter,
    )
    for line in collection.warnings:
        warn_once(line)
    click.echo(f"coach: {collection.describe()}", err=True)
    return {m.name: m.report if m.report is not None else m.error for m in collection.meetings}


@main.command(
    epilog=_epilog(
        ["coach schema", "coach schema -o report.schema.json"], ["COACH_DEBUG"], [0, 2, 70]
    )
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write here; - is standard output.",
)
@clean_errors
def schema(out: Path | None) -> None:
    """Print the report's JSON Schema."""
    if out is not None and str(out) == "-":
        out = None
    if out is not None:
        check_writable(out)
    from coach.models import Report

    emit(json.dumps(Report.model_json_schema(), indent=2) + "\n", out)


@main.command(
    epilog=_epilog(["coach frameworks", "coach frameworks --format json"], ["COACH_DEBUG"], [0, 70])
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
)
@clean_errors
def frameworks(fmt: str) -> None:
    """Show the frameworks: categories, the conversation to have, signals and governance practices."""
    from coach.frameworks import load_frameworks

    fw = load_frameworks()
    if fmt == "json":
        click.echo(fw.model_dump_json(indent=2))
        return
    for article in fw.articles:
        click.echo(f"{article.title} ({article.publisher})\n  {article.summary}\n")
    for c in fw.categories:
        click.echo(f"{c.id}  ·  {c.title}  ·  {c.framework}")
        click.echo(f"  {c.description}")
        click.echo(f"  Conversation to have: {c.conversation}")
        for p in c.governance:
            click.echo(f"  - {p.title} (owner {p.owner_role}, {p.priority})")
        click.echo("")


@main.command(
    epilog=_epilog(
        ["coach doctor", "COACH_MODEL=gpt-4.1 coach doctor"],
        ["OPENAI_API_KEY", "COACH_PROVIDER", "COACH_MODEL", "COACH_CACHE_DIR", "COACH_DEBUG"],
        [0, 70],
    )
)
@clean_errors
def doctor() -> None:
    """Check the installation: versions, framework file, token encodings, API key presence."""
    import platform

    from coach.frameworks import load_frameworks
    from coach.resources import prompts_dir

    click.echo(f"coach {__version__} on Python {platform.python_version()}")
    fw = load_frameworks()
    click.echo(f"frameworks: {len(fw.categories)} categories from {prompts_dir()}")
    from coach.llm.providers import DEFAULT_MODEL, cache_dir
    from coach.tokens import describe_encoding

    model = os.environ.get("COACH_MODEL") or DEFAULT_MODEL
    click.echo(f"token counting for {model}: {describe_encoding(model)}")
    click.echo(f"LLM response cache: {cache_dir()}")
    key = "set" if os.environ.get("OPENAI_API_KEY") else "not set (the offline engine needs none)"
    click.echo(f"OPENAI_API_KEY: {key}")
    click.echo(f"default provider: {os.environ.get('COACH_PROVIDER', 'offline')}")


def _add_track() -> None:
    # Imported here, last: the track commands reuse this module's options and error handling.
    from coach.track.cli import track

    main.add_command(track)


_add_track()

if __name__ == "__main__":  # pragma: no cover
    main()
