"""A self-contained HTML page (no scripts, no external assets), autoescaped by Jinja2."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from coach.models import Report


@cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("coach.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def render_html(report: Report) -> str:
    """The report as one HTML page."""
    return _template().render(r=report)
