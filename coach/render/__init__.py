"""Turn a Report into text, Markdown, JSON, JSON Lines, HTML or CSV.

Each renderer is imported when asked for: the HTML one needs jinja2 and the coloured text
needs rich; a JSON run needs neither.

Human formats (text, md, csv) number turns from 1 and, given `starts` (each turn's start in
seconds, indexed like `Evidence.turn`), show "turn 7, 01:02"; the JSON keeps the 0-based index.
Text and Markdown leave the report's warnings out unless `warnings=True` (the CLI prints them
on stderr); they end with the offline engine's note when the report carries it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from coach.errors import InputError
from coach.models import Report

FORMATS: tuple[str, ...] = ("text", "md", "json", "jsonl", "html", "csv")

Starts = Sequence[float | None]


def _format(fmt: str) -> str:
    chosen = fmt.strip().lower()
    if chosen not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return chosen


def render(
    report: Report,
    fmt: str,
    *,
    source: str | None = None,
    color: bool = False,
    width: int | None = None,
    starts: Starts | None = None,
    warnings: bool = False,
    **extra: Any,
) -> str:
    """The report in one of FORMATS (any case).

    `source` fills the CSV's source column; `color` (text only) gives ANSI colour, for a
    terminal; `width` wraps text output (default 100); `starts` adds time stamps to turn
    references in text and Markdown; `warnings` adds a warnings section to text and Markdown.
    Any other keyword goes to the HTML renderer, and is ignored by the other formats.
    """
    chosen = _format(fmt)
    if chosen == "json":
        return report.model_dump_json(indent=2) + "\n"
    if chosen == "jsonl":
        return report.model_dump_json() + "\n"
    if chosen == "text":
        from coach.render.text import render_text

        return render_text(report, color=color, width=width, starts=starts, warnings=warnings)
    if chosen == "md":
        from coach.render.markdown import render_markdown

        return render_markdown(report, starts=starts, warnings=warnings)
    if chosen == "csv":
        from coach.render.csvout import render_csv

        return render_csv(report, source=source)
    from coach.render.html import render_html

    return str(render_html(report, **extra))


def render_many(
    items: list[tuple[str, Report]],
    fmt: str,
    *,
    color: bool = False,
    width: int | None = None,
    starts: Sequence[Starts | None] | None = None,
    warnings: bool = False,
) -> str:
    """Several reports, (source name, report) in input order, as one standard output.

    json: one JSON array of reports; jsonl: one report per line; csv: one header, then every
    report's rows with its source; text and md: a heading naming each source, then its report.
    `starts`, when given, has one entry per item (that transcript's turn starts, or None).
    html has no single-stream form (the CLI writes one file per report): ValueError.
    """
    chosen = _format(fmt)
    if starts is not None and len(starts) != len(items):
        raise ValueError(f"starts has {len(starts)} entries for {len(items)} reports")
    if chosen == "json":
        if not items:
            return "[]\n"
        body = ",\n".join(textwrap.indent(r.model_dump_json(indent=2), "  ") for _, r in items)
        return "[\n" + body + "\n]\n"
    if chosen == "jsonl":
        return "".join(r.model_dump_json() + "\n" for _, r in items)
    if chosen == "csv":
        from coach.render.csvout import render_csv_many

        return render_csv_many(items)
    each = list(starts) if starts is not None else None
    if chosen == "text":
        from coach.render.text import render_text_many

        return render_text_many(items, color=color, width=width, starts=each, warnings=warnings)
    if chosen == "md":
        from coach.render.markdown import render_markdown_many

        return render_markdown_many(items, starts=each, warnings=warnings)
    raise ValueError("html has one page per report; render each with render() instead")
