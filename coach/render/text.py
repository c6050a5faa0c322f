"""The report a person reads in a terminal: coloured with `rich` on a TTY, plain text otherwise.

Both forms say the same words in the same order. The plain form has no escape codes and no
box drawing, one finding per line and one quote per line, so it reads in a pipe and greps
well. The coloured form adds severity colours and a table of action items where a missing
owner or date stands out. `rich` is imported only for the coloured form.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.models import OFFLINE_NOTE, ActionItem, Evidence, Report
from coach.render._common import (
    Starts,
    category_framework,
    category_title,
    clock,
    counts,
    open_gaps,
    plural,
    summary_parts,
    turn_label,
    turn_numbers,
    turn_word,
    undated,
)
from coach.sanitize import for_terminal

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["open_gaps", "render_text", "render_text_many"]

DEFAULT_WIDTH = 100

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
STRENGTH_STYLE = {"firm": "green", "conditional": "magenta", "tentative": "yellow"}
GAP = "bold red"
HEADING = "bold underline"
QUOTE = "italic"
DIM = "dim"

Seg = tuple[str, str]  # (text, rich style; "" for none)


@dataclass
class _Line:
    """One line of output; the plain form wraps it at the width unless `wrap` is off."""

    segs: list[Seg]
    indent: int = 0
    wrap: bool = True
    hang: int = 0  # extra indent of the plain form's continuation lines


@dataclass
class _Actions:
    """The action items: a table in colour, a block per item in plain text."""

    items: list[ActionItem]
    starts: Starts | None
    date: dt.date | None  # the meeting's: an unresolved due date means something else without one


@dataclass
class _Doc:
    blocks: list[_Line | _Actions] = field(default_factory=list)

    def line(self, *segs: Seg | str, indent: int = 0, wrap: bool = True, hang: int = 0) -> None:
        parts = [(s, "") if isinstance(s, str) else s for s in segs]
        self.blocks.append(_Line([p for p in parts if p[0]], indent, wrap, hang))

    def blank(self) -> None:
        self.blocks.append(_Line([]))


def _t(text: str) -> str:
    """Transcript or model text, made safe for a terminal and kept on one line."""
    return " ".join(for_terminal(text).split())


def _quote(ev: Evidence, starts: Starts | None) -> list[Seg]:
    return [
        (f'"{_t(ev.quote)}"', QUOTE),
        (f" ({_t(ev.speaker)}, {turn_label(ev.turn, starts)})", DIM),
    ]


def _summary(report: Report) -> list[Seg]:
    segs: list[Seg] = []
    for i, (head, details) in enumerate(summary_parts(report)):
        if i:
            segs.append(("; ", ""))
        segs.append((head, "bold"))
        if details:
            segs.append((" (", ""))
            for j, (text, kind) in enumerate(details):
                if j:
                    segs.append((", ", ""))
                style = SEVERITY_STYLE.get(kind) or STRENGTH_STYLE.get(kind) or GAP
                segs.append((text, style))
            segs.append((")", ""))
    return segs


def _owner(a: ActionItem) -> Seg:
    return (_t(a.owner), "") if a.owner else ("NO OWNER", GAP)


def _due(a: ActionItem, meeting_date: dt.date | None, sep: str = " ") -> list[Seg]:
    said = f'{sep}("{_t(a.due_text)}")' if a.due_text else ""
    if a.due is not None:
        return [(a.due.isoformat(), ""), (said, DIM)]
    if undated(a, meeting_date):
        return [("NO DATE", GAP), (said, DIM)]
    return [(f'"{_t(a.due_text or "")}"', "")]  # said, but no meeting date to resolve it


def _terms(a: ActionItem, lead: str = "") -> list[Seg]:
    """The condition and who asked, when there are any: 'if: ...; asked by: ...'."""
    segs: list[Seg] = []
    if a.condition:
        segs += [("if: ", DIM), (_t(a.condition), STRENGTH_STYLE["conditional"])]
    if a.requested_by:
        segs += [(("; " if segs else "") + "asked by: ", DIM), (_t(a.requested_by), "")]
    return [(lead, ""), *segs] if segs and lead else segs


def _build(report: Report, starts: Starts | None, warnings: bool) -> _Doc:
    doc = _Doc()
    m = report.meeting
    c = counts(report)
    doc.line(*_summary(report), wrap=False)
    doc.line(
        (_t(m.title or "Meeting"), "bold"),
        f" ({m.date.isoformat() if m.date else 'date unknown'})",
    )
    length = f", {clock(m.duration_s)}" if m.duration_s is not None else ""
    people = ", ".join(
        f"{_t(p.name)} ({p.role}, {round(p.share * 100)}%"
        + (f", was {_t(p.label)}" if p.label else "")
        + ")"
        for p in m.participants
    )
    doc.line(f"{m.turns} turns, {m.words} words{length}" + (f"; {people}" if people else ""))

    doc.blank()
    doc.line((f"MISALIGNMENT FLAGS ({c.flags})", HEADING))
    for f in report.flags:
        doc.line(
            (f.id, "bold"),
            " ",
            (f"[{f.severity}]", SEVERITY_STYLE[f.severity]),
            " ",
            (_t(f.title), "bold"),
            indent=2,
            hang=2,
        )
        category = category_title(f.category)
        framework = category_framework(f.category)
        if category != f.title:
            where = f" ({framework})" if framework else ""
            doc.line(("category: ", DIM), category + where, indent=4)
        elif framework:
            doc.line(("framework: ", DIM), framework, indent=4)
        doc.line(_t(f.summary), indent=4)
        if f.parties:
            doc.line(("parties: ", DIM), ", ".join(_t(p) for p in f.parties), indent=4)
        for ev in f.evidence:
            doc.line(*_quote(ev, starts), indent=4, wrap=False)
        doc.line(("next conversation: ", DIM), _t(f.conversation), indent=4, hang=2)

    doc.blank()
    doc.line((f"ACTION ITEMS ({c.actions})", HEADING))
    if report.action_items:
        doc.blocks.append(_Actions(report.action_items, starts, m.date))

    doc.blank()
    doc.line((f"DECISIONS ({c.decisions})", HEADING))
    for d in report.decisions:
        doc.line((d.id, "bold"), " ", _t(d.description), indent=2, hang=2)
        terms: list[Seg] = []
        if d.decided_by:
            terms += [("decided by: ", DIM), (_t(d.decided_by), "")]
        if d.review_date:
            terms += [
                ("; " if terms else "", ""),
                ("review: ", DIM),
                (d.review_date.isoformat(), ""),
            ]
        if d.gaps:
            terms += [("; " if terms else "", ""), ("gaps: ", DIM), (", ".join(d.gaps), GAP)]
        if terms:
            doc.line(*terms, indent=4)
        for ev in d.evidence:
            doc.line(*_quote(ev, starts), indent=4, wrap=False)

    if report.objections:
        doc.blank()
        open_ = f", {c.unanswered} unanswered" if c.unanswered else ""
        doc.line((f"OBJECTIONS ({c.objections}{open_})", HEADING))
        for o in report.objections:
            role = f" ({o.role})" if o.role != "other" else ""
            status: Seg = ("answered", "green") if o.answered else ("UNANSWERED", GAP)
            doc.line((o.id, "bold"), f" {_t(o.speaker)}{role}: ", status, indent=2)
            for ev in o.evidence:
                doc.line(*_quote(ev, starts), indent=4, wrap=False)
            if o.response is not None:
                doc.line(("answer: ", DIM), *_quote(o.response, starts), indent=4, wrap=False)

    doc.blank()
    doc.line((f"GOVERNANCE SUGGESTIONS ({len(report.governance)})", HEADING))
    for g in report.governance:
        doc.line(
            (g.id, "bold"),
            " ",
            (f"[{g.priority}]", SEVERITY_STYLE[g.priority]),
            " ",
            (_t(g.title), "bold"),
            (
                f"  (owner: {g.owner_role}; {_t(g.framework)}; addresses {', '.join(g.addresses)})",
                DIM,
            ),
            indent=2,
            hang=2,
        )
        doc.line(_t(g.rationale), indent=4)

    if report.coverage:
        doc.blank()
        doc.line(("COVERAGE", HEADING))
        titles = {cid: category_title(cid) for cid in report.coverage}
        pad = max(len(t) for t in titles.values())
        for cid, cov in report.coverage.items():
            state_style = {"flagged": "red", "discussed": "green"}.get(cov.state, DIM)
            where = f" ({turn_word(cov.turns)} {turn_numbers(cov.turns)})" if cov.turns else ""
            doc.line(
                titles[cid].ljust(pad + 2),
                (cov.state, state_style),
                (where, DIM),
                indent=2,
                wrap=False,
            )

    shown = [w for w in report.warnings if w != OFFLINE_NOTE] if warnings else []
    if shown:
        doc.blank()
        doc.line(("WARNINGS", HEADING))
        for w in shown:
            doc.line(f"- {_t(w)}", indent=2)

    e = report.engine
    doc.blank()
    doc.line(
        (
            f"engine: {_t(e.provider)}{' ' + _t(e.model) if e.model else ''}, "
            f"{plural(e.calls, 'call')}, {e.input_tokens}+{e.output_tokens} tokens, "
            f"${e.cost_usd:.4f}, {e.elapsed_s:.3f}s",
            DIM,
        )
    )
    if OFFLINE_NOTE in report.warnings:
        doc.line((OFFLINE_NOTE, DIM), wrap=False)
    return doc


# --- plain ------------------------------------------------------------------------------------


def _plain_line(line: _Line, width: int) -> list[str]:
    text = "".join(s for s, _ in line.segs)
    pad = " " * line.indent
    if not text:
        return [""]
    if not line.wrap:
        return [pad + text]
    return textwrap.wrap(
        text,
        width,
        initial_indent=pad,
        subsequent_indent=pad + " " * line.hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [pad]


def _plain_actions(block: _Actions, width: int) -> list[str]:
    out: list[str] = []
    for a in block.items:
        head = _Line([(f"{a.id} [{a.strength}] ", ""), (_t(a.description), "")], indent=2, hang=2)
        out += _plain_line(head, width)
        terms = [
            ("owner: ", ""),
            _owner(a),
            ("; due: ", ""),
            *_due(a, block.date),
            *_terms(a, "; "),
        ]
        out += _plain_line(_Line(terms, indent=4), width)
        for ev in a.evidence:
            out += _plain_line(_Line(_quote(ev, block.starts), indent=4, wrap=False), width)
    return out


def _plain(doc: _Doc, width: int) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, _Actions):
            out += _plain_actions(block, width)
        else:
            out += _plain_line(block, width)
    return "\n".join(out) + "\n"


# --- colour -----------------------------------------------------------------------------------


def _console(width: int) -> tuple[Console, io.StringIO]:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    return console, buf


def _print_doc(console: Console, doc: _Doc) -> None:
    from rich import box
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    for block in doc.blocks:
        if isinstance(block, _Actions):
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
            table.add_column("id", style="bold", no_wrap=True)
            table.add_column("action", ratio=1)
            table.add_column("owner", max_width=20)
            table.add_column("due", max_width=14)
            table.add_column("strength", no_wrap=True)
            for a in block.items:
                action = Text(_t(a.description))
                terms = _terms(a)
                if terms:
                    action.append("\n")
                    action.append_text(Text.assemble(*terms))
                for ev in a.evidence:
                    action.append("\n")
                    action.append_text(Text.assemble(*_quote(ev, block.starts)))
                table.add_row(
                    a.id,
                    action,
                    Text.assemble(_owner(a)),
                    Text.assemble(*_due(a, block.date, "\n")),
                    Text(a.strength, style=STRENGTH_STYLE[a.strength]),
                )
            console.print(Padding(table, (0, 0, 0, 2), expand=False))
            continue
        text = Text.assemble(*block.segs) if block.segs else Text("")
        console.print(
            Padding(text, (0, 0, 0, block.indent), expand=False) if block.indent else text
        )


def _coloured(doc: _Doc, width: int) -> str:
    console, buf = _console(width)
    _print_doc(console, doc)
    return "\n".join(line.rstrip(" ") for line in buf.getvalue().split("\n"))


# --- entry points -----------------------------------------------------------------------------


def render_text(
    report: Report,
    *,
    color: bool = False,
    width: int | None = None,
    starts: Starts | None = None,
    warnings: bool = False,
) -> str:
    """The report for a terminal: the summary line first, then flags, actions, decisions,
    objections, governance and coverage; the offline engine's note last.

    `color` gives ANSI colour through rich (the caller decides: a TTY and no NO_COLOR);
    otherwise plain text. `warnings` adds the report's warnings as a section (the CLI prints
    them on stderr instead).
    """
    doc = _build(report, starts, warnings)
    size = width or DEFAULT_WIDTH
    return _coloured(doc, size) if color else _plain(doc, size)


def file_heading(source: str) -> str:
    """The line that opens one file's report when several share standard output."""
    return f"==> {_t(source)} <=="


def render_text_many(
    items: list[tuple[str, Report]],
    *,
    color: bool = False,
    width: int | None = None,
    starts: list[Starts | None] | None = None,
    warnings: bool = False,
) -> str:
    """Several reports, each under a heading naming its source."""
    parts: list[str] = []
    for i, (source, report) in enumerate(items):
        body = render_text(
            report,
            color=color,
            width=width,
            starts=starts[i] if starts else None,
            warnings=warnings,
        )
        if color:
            from rich.text import Text

            console, buf = _console(width or DEFAULT_WIDTH)
            console.print(Text(file_heading(source), style="bold reverse"))
            heading = buf.getvalue()
        else:
            heading = file_heading(source) + "\n"
        parts.append(heading + "\n" + body)
    return "\n".join(parts)
