"""Renderers: every format carries the report, and transcript text cannot inject markup or formulas."""

from __future__ import annotations

import csv
import io
import json

from coach import analyze
from coach.render import render

HOSTILE = (
    'Dana: I\'ll send the =HYPERLINK("http://x") sheet | <script>alert(1)</script> by Friday.\n'
    "Raj: Someone should check the **DPA** [link](http://evil).\n"
    "Dana: Thanks.\n"
    "Mei: =SUM(A1:A9) is the total I'll send you by Friday.\n"
)


def report():  # type: ignore[no-untyped-def]
    return analyze(HOSTILE, date="2026-03-02", roles="Dana=CMO,Raj=CIO")


def test_json_round_trips_to_the_same_report() -> None:
    r = report()
    assert json.loads(render(r, "json"))["action_items"][0]["due"] == "2026-03-06"


def test_html_escapes_transcript_text() -> None:
    html = render(report(), "html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html


def test_markdown_escapes_table_and_link_syntax() -> None:
    md = render(report(), "md")
    quote = next(line for line in md.splitlines() if "HYPERLINK" in line and "script" in line)
    assert "\\|" in quote and "\\<script\\>" in quote  # no table column, no tag
    assert "[link](http://evil)" not in md
    assert "**Open:** 1 without an owner, 1 without a date." in md


def test_csv_neutralises_formulas() -> None:
    r = report()
    # An LLM may quote from the start of a cell-like line; the renderer must defuse it either way.
    mei = next(a for a in r.action_items if a.owner == "Mei")
    quote = mei.evidence[0].model_copy(update={"quote": "=SUM(A1:A9) is the total"})
    r.action_items[r.action_items.index(mei)] = mei.model_copy(update={"evidence": [quote]})
    rows = list(csv.DictReader(io.StringIO(render(r, "csv"))))
    actions = rows  # the CSV holds action items only
    assert actions[0]["owner"] == "Dana" and actions[0]["due"] == "2026-03-06"
    formula = next(r for r in actions if "SUM" in r["quote"])
    assert formula["quote"].startswith("'=SUM")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_text_calls_out_open_items() -> None:
    text = render(report(), "text")
    assert "NO OWNER" in text and "1 without an owner" in text


def test_offline_reports_end_by_saying_what_read_them() -> None:
    from coach import analyze
    from coach.models import OFFLINE_NOTE
    from coach.render import render

    report = analyze("Dana: I'll send the deck Friday.\nRaj: Thanks.", date="2026-03-02")
    assert OFFLINE_NOTE in report.warnings  # JSON carries it
    for fmt in ("text", "md"):
        out = render(report, fmt).rstrip("\n")
        assert out.splitlines()[-1].strip("*") == OFFLINE_NOTE
        assert out.count(OFFLINE_NOTE) == 1  # not repeated under the warnings
