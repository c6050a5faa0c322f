"""A series' status as text, Markdown, JSON or one self-contained HTML page with SVG charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    pass

from coach.models import CATEGORIES, Category
from coach.render._common import category_title
from coach.track.models import SeriesStatus, TrackedCommitment

_CATEGORY_COLOURS = (
    "#0550ae", "#bc4c00", "#116329", "#8250df", "#a40e26", "#7a4100", "#1b7c83", "#6e7781", "#bf3989",
)  # fmt: skip


def render_status(status: SeriesStatus, fmt: str) -> str:
    """The status in text, md, json or html."""
    if fmt == "json":
        return status.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        return _html(status)
    return _markdown(status) if fmt == "md" else _text(status)


def _day(d: dt.date | None) -> str:
    return d.isoformat() if d else "no date"


def _owner(c: TrackedCommitment) -> str:
    return c.owner or "nobody"


def _closed_in(c: TrackedCommitment) -> str:
    last = next((h for h in reversed(c.history) if h.status == c.status), None)
    return f"{c.status} {_day(last.date)}" if last else c.status


def _slips(c: TrackedCommitment) -> int:
    return sum(1 for h in c.history if h.status == "slipped")


@dataclass
class _Sections:
    open: list[TrackedCommitment]
    closed: list[TrackedCommitment]


def _split(status: SeriesStatus) -> _Sections:
    return _Sections(
        [c for c in status.commitments if c.status == "open"],
        [c for c in status.commitments if c.status != "open"],
    )


# Offline status talk is matched by wording: say so, as single reports end with OFFLINE_NOTE.
OFFLINE_SERIES_NOTE = (
    "Meetings read by the offline engine: what later meetings said about earlier commitments is "
    "matched by their wording and can be wrong; check the quotes, or add meetings with "
    "--provider openai for the fuller reading."
)


def _note(status: SeriesStatus) -> str | None:
    return OFFLINE_SERIES_NOTE if any(m.provider == "offline" for m in status.meetings) else None


def _headline(status: SeriesStatus) -> str:
    parts = _split(status)
    overdue = sum(c.overdue for c in parts.open)
    unresolved = sum(not r.resolved for r in status.recurring_flags)
    return (
        f"{len(status.meetings)} meeting(s); {len(parts.open)} open commitment(s), {overdue} overdue; "
        f"{len(parts.closed)} closed; {unresolved} recurring dispute(s) unresolved"
    )


def _text(status: SeriesStatus) -> str:
    parts = _split(status)
    lines = [f"{status.series}: status on {status.today.isoformat()}", _headline(status), ""]
    lines.append("Open commitments")
    for c in parts.open or []:
        late = "OVERDUE " if c.overdue else ""
        slipped = f", slipped {_slips(c)}x" if _slips(c) else ""
        lines.append(f"  {late}{c.id} {c.description} ({_owner(c)}, due {_day(c.due)}{slipped})")
        lines.append(f"      made {_day(c.made_in.date)} in {c.made_in.file}")
    if not parts.open:
        lines.append("  none")
    lines += ["", "Closed"]
    for c in parts.closed:
        lines.append(f"  {c.id} {c.description} ({_owner(c)}): {_closed_in(c)}")
        said = next((h for h in reversed(c.history) if h.status == c.status), None)
        if said and said.evidence:
            lines.append(f'      "{said.evidence[0].quote}" ({said.evidence[0].speaker})')
    if not parts.closed:
        lines.append("  none")
    lines += ["", "Recurring flags"]
    for r in status.recurring_flags:
        state = "resolved" if r.resolved else "unresolved"
        lines.append(
            f"  {category_title(r.category)}: {len(r.meetings)} meetings "
            f"({', '.join(_day(d) for d in r.meetings)}), {state}"
        )
    if not status.recurring_flags:
        lines.append("  none")
    if status.decisions:
        lines += ["", "Decisions"]
        lines += [f"  {_day(d.date)}  {d.description}" for d in status.decisions]
    if note := _note(status):
        lines += ["", note]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(status: SeriesStatus) -> str:
    parts = _split(status)
    out = [
        f"# {_md(status.series)}: status on {status.today.isoformat()}",
        "",
        _headline(status),
        "",
    ]
    out += ["## Open commitments", ""]
    if parts.open:
        out += [
            "| | id | commitment | owner | due | slipped | made |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in parts.open:
            out.append(
                f"| {'**overdue**' if c.overdue else ''} | {c.id} | {_md(c.description)} | {_md(_owner(c))} "
                f"| {_day(c.due)} | {_slips(c) or ''} | {_day(c.made_in.date)} |"
            )
    else:
        out.append("None.")
    out += ["", "## Closed", ""]
    for c in parts.closed:
        said = next((h for h in reversed(c.history) if h.status == c.status), None)
        quote = f': "{_md(said.evidence[0].quote)}"' if said and said.evidence else ""
        out.append(f"- {c.id} {_md(c.description)} ({_md(_owner(c))}): {_closed_in(c)}{quote}")
    if not parts.closed:
        out.append("None.")
    out += ["", "## Recurring flags", ""]
    for r in status.recurring_flags:
        state = "resolved" if r.resolved else "**unresolved**"
        out.append(
            f"- {category_title(r.category)}: {', '.join(_day(d) for d in r.meetings)} ({state})"
        )
    if not status.recurring_flags:
        out.append("None.")
    if status.decisions:
        out += ["", "## Decisions", ""]
        out += [f"- {_day(d.date)}: {_md(d.description)}" for d in status.decisions]
    if note := _note(status):
        out += ["", f"*{note}*"]
    return "\n".join(out) + "\n"


# --- HTML ---------------------------------------------------------------------------------------


def flags_chart(status: SeriesStatus) -> Markup:
    """Flags per category per meeting: one column of squares a meeting, one row a category."""
    rows = [
        c for c in CATEGORIES if any(c in _flagged(status, i) for i in range(len(status.meetings)))
    ]
    cell, row, left, top = 48, 26, 190, 40
    width = left + cell * max(1, len(status.meetings)) + 10
    height = top + row * max(1, len(rows)) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="flags-title">',
        '<title id="flags-title">Flags per category in each meeting</title>',
    ]
    for i, m in enumerate(status.meetings):
        x = left + i * cell + cell // 2
        parts.append(
            f'<text x="{x}" y="{top - 8}" font-size="10" text-anchor="middle">{escape(_short(m.date))}</text>'
        )
    for r, category in enumerate(rows):
        y = top + r * row
        parts.append(
            f'<text x="{left - 8}" y="{y + row // 2 + 4}" font-size="11" text-anchor="end">'
            f"{escape(category_title(category))}</text>"
        )
        colour = _CATEGORY_COLOURS[CATEGORIES.index(category)]
        for i in range(len(status.meetings)):
            n = _flagged(status, i).get(category, 0)
            fill = colour if n else "#f6f8fa"
            label = f"{category_title(category)}, {_short(status.meetings[i].date)}: {n} flag(s)"
            parts.append(
                f'<rect x="{left + i * cell + 4}" y="{y + 2}" width="{cell - 8}" height="{row - 4}" '
                f'rx="3" fill="{fill}" stroke="#d0d7de"><title>{escape(label)}</title></rect>'
            )
    if not rows:
        parts.append(
            f'<text x="{left}" y="{top + 16}" font-size="12">No flags in this series.</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def commitments_chart(status: SeriesStatus) -> Markup:
    """Open against closed commitments after each meeting: two lines."""
    points = _counts_over_time(status)
    w, h, pad = 520, 200, 36
    top = max([1, *(o + c for o, c in points)])
    n = max(1, len(points) - 1)

    def xy(i: int, v: int) -> str:
        return f"{pad + i * (w - 2 * pad) / n:.1f},{h - pad - v * (h - 2 * pad) / top:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" aria-labelledby="commit-title">',
        '<title id="commit-title">Open and closed commitments after each meeting</title>',
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#d0d7de"/>',
    ]
    for name, idx, colour in (("open", 0, "#bc4c00"), ("closed", 1, "#116329")):
        line = " ".join(xy(i, p[idx]) for i, p in enumerate(points))
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        for i, p in enumerate(points):
            x, y = xy(i, p[idx]).split(",")
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3.5" fill="{colour}"><title>{name}: {p[idx]} '
                f"after {escape(_short(status.meetings[i].date))}</title></circle>"
                f'<text x="{x}" y="{float(y) - 7:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{colour}">{p[idx]}</text>'
            )
    for i, m in enumerate(status.meetings):
        x = xy(i, 0).split(",")[0]
        parts.append(
            f'<text x="{x}" y="{h - pad + 16}" font-size="10" text-anchor="middle">{escape(_short(m.date))}</text>'
        )
    parts.append(f'<text x="{pad}" y="14" font-size="11" fill="#bc4c00">open</text>')
    parts.append(
        f'<text x="{pad + 44}" y="14" font-size="11" fill="#116329">closed (done or dropped)</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(d: dt.date | None) -> str:
    return f"{d.day} {d:%b}" if d else "?"


def _flagged(status: SeriesStatus, i: int) -> dict[Category, int]:
    return status.meetings[i].flags


def _counts_over_time(status: SeriesStatus) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in status.meetings:
        made = [
            c for c in status.commitments if c.made_in.date and m.date and c.made_in.date <= m.date
        ]
        closed = sum(
            1
            for c in made
            if any(
                h.status in ("done", "dropped") and h.date and m.date and h.date <= m.date
                for h in c.history
            )
        )
        out.append((len(made) - closed, closed))
    return out


def _html(status: SeriesStatus) -> str:
    from coach.render.html import asset, template

    parts = _split(status)
    return template("series.html.j2").render(
        s=status,
        headline=_headline(status),
        open=parts.open,
        closed=parts.closed,
        closed_in=_closed_in,
        slips=_slips,
        title=category_title,
        flags_chart=flags_chart(status),
        commitments_chart=commitments_chart(status),
        css=Markup(asset("report.css")),
        note=_note(status),
    )
