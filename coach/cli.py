"""The `coach` command line: a thin layer over the library that maps errors to exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from coach import __version__
from coach.errors import CoachError, InputError
from coach.io import check_writable, prepare_folder, read_source, write_atomic
from coach.llm.limiter import Cancelled, Limiter
from coach.render import FORMATS, render
from coach.sanitize import for_terminal

if TYPE_CHECKING:  # the CLI imports the library lazily, for a quick start-up
    from coach.engines.llm import Estimate
    from coach.models import Report, Transcript

    Loaded = tuple[str, Transcript, list[str]]  # source, transcript, loader warnings

F = TypeVar("F", bound=Callable[..., Any])

# Limiters of the command running now: Ctrl-C cancels them so no queued request starts.
_RUNNING: list[Limiter] = []


def fail(message: str, code: int) -> None:
    """One line on stderr, then exit with the documented code."""
    click.echo(f"coach: error: {for_terminal(message)}", err=True)
    sys.exit(code)


class _WarningLines(logging.Handler):
    """The library's warnings (an unwritable cache, a very long run) as stderr lines, each once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        """Print `coach: warning: ...` unless this command already printed the same line."""
        try:
            text = record.getMessage()
        except Exception:
            self.handleError(record)
            return
        if text in self.seen:  # handle() holds the handler's lock around emit()
            return
        self.seen.add(text)
        click.echo(f"coach: warning: {for_terminal(text)}", err=True)


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
    """The options every command that runs an engine shares."""
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
    for option in reversed(options):
        func = option(func)
    return func


_EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
}


def _format_from(out: Path | None) -> str:
    """`-o report.md` means Markdown; anything else, or no file, means text."""
    return _EXTENSIONS.get(out.suffix.casefold(), "text") if out is not None else "text"


def check_provider(provider: str, cassettes: Path | None) -> None:
    """Catch a replay run with nothing to replay before any work starts."""
    if provider == "replay" and (cassettes is None or not cassettes.is_dir()):
        where = f" ({cassettes} is not a folder)" if cassettes is not None else ""
        raise InputError(f"--provider replay needs --cassettes DIR with recorded answers{where}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
def main() -> None:
    """Coach CMO, CIO and CTO teams from their meeting transcripts."""


@main.command()
@click.argument("paths", nargs=-1)
@provider_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="Output format [default: from the -o file's extension, else text].",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write here (a folder when several transcripts are given).",
)
@click.option("--roles", default=None, help='Speaker roles, e.g. "Dana=CMO,Raj=CIO".')
@click.option(
    "--date", "meeting_date", default=None, help="Meeting date, YYYY-MM-DD (resolves 'by Friday')."
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
    model: str | None,
    base_url: str | None,
    fmt: str | None,
    out: Path | None,
    roles: str | None,
    meeting_date: str | None,
    timeout: float | None,
    no_cache: bool,
    record: Path | None,
    cassettes: Path | None,
    dry_run: bool,
    max_cost: float | None,
    redact: bool | None,
    concurrency: int,
) -> None:
    """Analyse a transcript (a file, several files, or - / nothing for standard input)."""
    from coach.dates import parse_meeting_date
    from coach.parallel import ordered
    from coach.pipeline import analyze as run
    from coach.roles import parse_roles
    from coach.transcripts import load_transcript_with_warnings

    check_provider(provider, cassettes)
    if out is not None and str(out) == "-":
        out = None  # `-o -` is standard output
    chosen = fmt or _format_from(out)
    parsed_roles = parse_roles(roles)
    parsed_date = parse_meeting_date(meeting_date)
    sources = list(paths) or ["-"]
    many = len(sources) > 1
    if out is not None and many:
        if not out.is_dir():
            raise InputError(
                f"-o {out} must be an existing folder when several transcripts are given"
            )
    elif out is not None:
        check_writable(out)
    # Every transcript is read before any request: a bad file costs nothing.
    loaded: list[Loaded] = []
    for source in sources:
        data, name = read_source(source)
        transcript, warnings = load_transcript_with_warnings(data, name=name)
        loaded.append((source, transcript, warnings))
    costs = provider == "openai"  # replayed answers and the offline engine cost nothing
    if dry_run or (costs and max_cost is not None):
        figures = _estimates(loaded, provider, model, parsed_roles, parsed_date, base_url, redact)
        if dry_run:
            _print_dry_run(figures, many, json_form=chosen == "json")
        if costs and max_cost is not None and figures:
            from coach.pipeline import check_budget

            check_budget(functools.reduce(lambda a, b: a + b, (f for _, f in figures)), max_cost)
        if dry_run:
            return
    limiter = Limiter(concurrency)  # one for every request of this run
    _RUNNING.append(limiter)

    def one(item: Loaded) -> tuple[str, Report]:
        source, transcript, warnings = item
        report = run(
            transcript,
            provider=provider,
            model=model,
            roles=parsed_roles,
            date=parsed_date,
            base_url=base_url,
            timeout=timeout,
            cache=not no_cache,
            record=record,
            cassettes=cassettes,
            redact=redact,
            concurrency=concurrency,
            limiter=limiter,
        )
        report.warnings[:0] = warnings
        return source, report

    # Meetings side by side for an LLM (the limiter bounds the requests); the offline engine is
    # CPU-bound and gains nothing from threads. Reports come back, and are written, in input order.
    workers = concurrency if provider != "offline" else 1
    for source, report in ordered(one, loaded, workers, on_interrupt=limiter.cancel):
        text = render(report, chosen)
        if many and out is not None:
            emit(text, out / f"{Path(source).stem}.{'txt' if chosen == 'text' else chosen}")
        else:
            emit(text, out)


def _estimates(
    loaded: list[Loaded],
    provider: str,
    model: str | None,
    roles: Mapping[str, str],
    date: dt.date | None,
    base_url: str | None,
    redact: bool | None,
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


@main.command()
@click.argument("path", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None)
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
        click.echo(f"coach: warning: {for_terminal(warning)}", err=True)
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


@main.command(name="eval")
@provider_options
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    default=Path("evals/datasets/core"),
    show_default=True,
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
    help="Compare with this baseline [default: evals/baselines/<dataset>/<provider>.json when it exists].",
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
    model: str | None,
    base_url: str | None,
    dataset: Path,
    report_path: Path | None,
    markdown_path: Path | None,
    baseline_path: Path | None,
    update_baseline: bool,
    save_reports: Path | None,
    predictions: Path | None,
    noise_seed: int | None,
    explain: bool,
    use_batch: bool,
    cassettes: Path | None,
    record: Path | None,
    timeout: float | None,
    no_cache: bool,
    redact: bool | None,
    concurrency: int,
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
    if explain:
        _explain(provider, dataset, markdown_path)
        return
    check_provider(provider, cassettes)
    explicit = baseline_path is not None
    baseline_path = baseline_path or Path("evals/baselines") / dataset.name / f"{provider}.json"
    baseline = None
    # A baseline named on the command line must exist unless this run is the one creating it.
    if baseline_path.exists() or (explicit and not update_baseline):
        baseline = runner.load_baseline(baseline_path)
    limiter = Limiter(concurrency)  # one for every request of the whole eval
    _RUNNING.append(limiter)
    if use_batch:
        if provider != "openai":
            fail("--batch needs --provider openai", 2)
        if predictions is not None or noise_seed is not None:
            fail(
                "--batch runs the engine on the clean transcripts; drop --predictions and --noise",
                2,
            )
        collected = _eval_batch(
            dataset,
            model=model,
            base_url=base_url,
            timeout=timeout,
            cache=not no_cache,
            record=record,
            redact=redact,
            concurrency=concurrency,
            limiter=limiter,
        )
        analyze_one = runner.collected_analyzer(collected)
    elif predictions is not None:
        if noise_seed is not None:
            fail("--noise needs an engine; saved reports were made from the clean transcripts", 2)
        analyze_one = runner.saved_reports_analyzer(predictions)
    else:
        analyze_one = runner.engine_analyzer(
            provider,
            model=model,
            base_url=base_url,
            timeout=timeout,
            cache=not no_cache,
            record=record,
            cassettes=cassettes,
            redact=redact,
            concurrency=concurrency,
            limiter=limiter,
        )
    # Meetings side by side only where requests wait on a server; the offline engine and saved
    # reports are CPU-bound.
    workers = concurrency if provider != "offline" and predictions is None and not use_batch else 1
    meetings = len(list(dataset.glob("*.gold.json"))) if dataset.is_dir() else 0
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("evaluating", total=meetings * (1 if noise_seed is None else 2))
        result = runner.run_eval(
            dataset,
            analyze_one,
            provider=provider,
            model=model,
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


@main.group()
def batch() -> None:
    """Many meetings through the provider's Batch API: about half the price, results within 24 h."""


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


@batch.command("submit")
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


@batch.command("status")
@click.argument("batch_id")
@_batch_server_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
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


@batch.command("collect")
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
    from coach.errors import ProviderError

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
    extension = "txt" if fmt == "text" else fmt
    failed = []
    for item in collection.meetings:
        if item.report is None:
            failed.append(f"{Path(item.source).name}: {item.error}")
            continue
        emit(render(item.report, fmt), out / f"{item.name}.{extension}")
    for line in collection.warnings:
        click.echo(f"coach: warning: {for_terminal(line)}", err=True)
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
        click.echo(f"coach: warning: {for_terminal(line)}", err=True)
    click.echo(f"coach: {collection.describe()}", err=True)
    return {m.name: m.report if m.report is not None else m.error for m in collection.meetings}


@main.command()
@clean_errors
def schema() -> None:
    """Print the report's JSON Schema."""
    from coach.models import Report

    click.echo(json.dumps(Report.model_json_schema(), indent=2))


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
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


@main.command()
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


if __name__ == "__main__":  # pragma: no cover
    main()
