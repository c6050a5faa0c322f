"""Turn a Report into text, Markdown, JSON, HTML or CSV."""

from __future__ import annotations

from importlib import import_module

from coach.errors import InputError
from coach.models import Report

# Each renderer is imported when asked for: the HTML one needs jinja2, a JSON run does not.
_RENDERERS = {
    "text": ("coach.render.text", "render_text"),
    "md": ("coach.render.markdown", "render_markdown"),
    "json": None,
    "html": ("coach.render.html", "render_html"),
    "csv": ("coach.render.csvout", "render_csv"),
}
FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def render(report: Report, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt not in _RENDERERS:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    where = _RENDERERS[fmt]
    if where is None:
        return report.model_dump_json(indent=2) + "\n"
    module, name = where
    renderer = getattr(import_module(module), name)
    return str(renderer(report))
