"""Turn a Report into text, Markdown, JSON, HTML or CSV."""

from __future__ import annotations

from collections.abc import Callable

from coach.errors import InputError
from coach.models import Report
from coach.render.csvout import render_csv
from coach.render.html import render_html
from coach.render.markdown import render_markdown
from coach.render.text import render_text

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "md": render_markdown,
    "json": lambda r: r.model_dump_json(indent=2) + "\n",
    "html": render_html,
    "csv": render_csv,
}


def render(report: Report, fmt: str) -> str:
    """The report in one of FORMATS."""
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}") from None
