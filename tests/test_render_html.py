"""The HTML report, read as a parsed page (no browser): self-contained, escaped, quotes attributed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coach import analyze, load_transcript
from coach.frameworks import load_frameworks
from coach.models import (
    CATEGORIES,
    ActionItem,
    Decision,
    Evidence,
    Flag,
    Meeting,
    Objection,
    Participant,
    Report,
    Transcript,
    Turn,
)
from coach.render import render
from coach.render.html import clock, length, render_html

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "leadership-sync.txt"
ROLES = "Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO"
VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col"}


# --- a small DOM over html.parser -------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        out = [self]
        for c in self.children:
            if isinstance(c, Node):
                out.extend(c.iter())
        return out

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.iter()[1:]
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.attrs.get("class", "").split())
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.at = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag: str) -> None:
        at: Node | None = self.at
        while at is not None and at.tag != tag:
            at = at.parent
        assert at is not None and at.parent is not None, f"stray </{tag}>"
        self.at = at.parent

    def handle_data(self, data: str) -> None:
        self.at.children.append(data)


def parse(page: str) -> Node:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.at is builder.root, f"unclosed <{builder.at.tag}>"
    return builder.root


def by_id(root: Node) -> dict[str, Node]:
    ids: dict[str, Node] = {}
    for n in root.iter():
        if "id" in n.attrs:
            assert n.attrs["id"] not in ids, f"duplicate id {n.attrs['id']}"
            ids[n.attrs["id"]] = n
    return ids


# --- reports --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[Report, Transcript]:
    transcript = load_transcript(EXAMPLE)
    return analyze(transcript, roles=ROLES), transcript


@pytest.fixture(scope="module")
def page(example: tuple[Report, Transcript]) -> str:
    return render_html(*example)


HOSTILE_TURNS = [
    Turn(speaker="Ana Silva", text="We signed the webinar platform last week.", start=4.0),
    Turn(
        speaker="Ben <b>Cole</b>",
        text="Signed? <script>alert('x')</script> Security hasn't seen it. <img src=x onerror=alert(1)>",
        start=11.0,
    ),
    Turn(
        speaker="Ana Silva",
        text="Fine. I'll send you the vendor's security pack tomorrow.",
        start=3725.0,
    ),
]


def hostile() -> tuple[Report, Transcript]:
    """A hand-made schema-2 report over a transcript that tries to inject markup."""
    t = Transcript(turns=HOSTILE_TURNS)
    ev = [
        Evidence(turn=0, speaker="Ana Silva", quote="We signed the webinar platform last week."),
        Evidence(turn=1, speaker="Ben <b>Cole</b>", quote="<script>alert('x')</script>"),
        Evidence(turn=1, speaker="Ben <b>Cole</b>", quote="Security hasn't seen it."),
        Evidence(
            turn=2, speaker="Ana Silva", quote="I'll send you the vendor's security pack tomorrow."
        ),
    ]
    report = Report(
        meeting=Meeting(
            title="Sync <i>week</i>",
            date=dt.date(2026, 3, 2),
            turns=3,
            words=30,
            duration_s=3730,
            participants=[
                Participant(
                    name="Ana Silva", role="CMO", turns=2, words=16, share=0.53, questions=0
                ),
                Participant(
                    name="Ben <b>Cole</b>", role="CIO", turns=1, words=14, share=0.47, questions=1
                ),
            ],
        ),
        flags=[
            Flag(
                id="F1",
                category="late_involvement",
                severity="high",
                title="Platform signed before IT saw it",
                summary="Signed first, <u>asked</u> later.",
                parties=["Ana Silva", "Ben <b>Cole</b>"],
                evidence=ev[:3],
                conversation="How do we bring IT in while a tool is still being explored?",
                confidence=0.8,
            ),
            Flag(
                id="F2",
                category="data_governance",
                severity="low",
                title="Security review pending",
                summary="Security has not reviewed it.",
                evidence=[ev[2]],
                conversation="Which review comes first?",
                confidence=0.5,
            ),
        ],
        action_items=[
            ActionItem(
                id="A1",
                description="Send the vendor's security pack to Ben",
                owner="Ana Silva",
                due=dt.date(2026, 3, 3),
                due_text="tomorrow",
                evidence=[ev[3]],
                confidence=0.9,
                strength="conditional",
                condition="if legal clears the NDA",
                requested_by="Ben <b>Cole</b>",
            ),
            ActionItem(
                id="A2",
                description="Check single sign-on",
                evidence=[ev[1], ev[2]],
                confidence=0.6,
            ),
        ],
        decisions=[
            Decision(
                id="D1",
                description="Go live on the 20th",
                evidence=[ev[0]],
                gaps=["no decider", "no review date"],
            )
        ],
        objections=[
            Objection(
                id="O1",
                speaker="Ben <b>Cole</b>",
                role="CIO",
                evidence=[ev[2]],
                answered=True,
                response=ev[3],
            ),
            Objection(id="O2", speaker="Ben <b>Cole</b>", role="CIO", evidence=[ev[1]]),
        ],
    )
    return report, t


# --- self-contained ---------------------------------------------------------------------------


def test_the_page_loads_nothing_from_anywhere(page: str) -> None:
    root = parse(page)
    for n in root.iter():
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = n.attrs.get(name, "")
            assert not re.match(r"\s*(https?:)?//", value, re.I), f"<{n.tag} {name}={value!r}>"
            if name == "href" and name in n.attrs:
                assert value.startswith("#"), f"only in-page links, not {value!r}"
        assert n.tag not in {"link", "img", "iframe", "object", "embed"}
    assert not root.find_all("script", None) or all(
        "src" not in s.attrs for s in root.find_all("script")
    )
    css = root.find("style").text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_the_csp_allows_exactly_the_inline_script(page: str) -> None:
    root = parse(page)
    scripts = root.find_all("script")
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].text().encode()).digest()).decode()
    csp = next(m.attrs["content"] for m in root.find_all("meta") if m.attrs.get("http-equiv"))
    assert "default-src 'none'" in csp
    assert f"script-src 'sha256-{digest}'" in csp


def test_without_the_transcript_there_is_no_pane_and_no_script(
    example: tuple[Report, Transcript],
) -> None:
    report, _ = example
    page = render(report, "html")  # the render(report, fmt) entry point keeps working
    root = parse(page)
    assert "transcript" not in by_id(root)
    assert not root.find_all("script")
    assert "script-src 'none'" in page
    assert not root.find_all("button")
    # quotes are still attributed, turns numbered from 1, without links or times
    caption = root.find("figcaption").text()
    first = report.flags[0].evidence[0]
    assert caption == f"{first.speaker}, turn {first.turn + 1}"


# --- escaping ---------------------------------------------------------------------------------


def test_transcript_text_is_escaped() -> None:
    report, transcript = hostile()
    page = render_html(report, transcript)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>Cole</b>" not in page and "<i>week</i>" not in page and "<u>asked</u>" not in page
    assert "&lt;script&gt;alert(" in page
    root = parse(page)
    assert len(root.find_all("script")) == 1  # only the page's own
    assert not root.find_all("img") and not root.find_all("b") and not root.find_all("u")
    turn = by_id(root)["turn-2"]
    assert "<script>alert('x')</script>" in turn.text()  # shown as text, not run
    assert "Ben <b>Cole</b>" in turn.find("span", "speaker").text()


# --- content ----------------------------------------------------------------------------------


def test_each_quote_is_its_own_block_and_attributed(
    page: str, example: tuple[Report, Transcript]
) -> None:
    report, transcript = example
    root = parse(page)
    ids = by_id(root)
    items = [*report.flags, *report.action_items, *report.decisions]
    for item in items:
        figures = [
            f
            for f in root.find_all("figure", "quote")
            if f.attrs["data-quote"].startswith(f"{item.id}-q")
        ]
        assert len(figures) == len(item.evidence), item.id
        for figure, ev in zip(figures, item.evidence, strict=True):
            assert figure.find("blockquote").text().strip() == ev.quote
            stamp = clock(transcript.turns[ev.turn].start)
            assert figure.find("figcaption").text() == f"{ev.speaker}, turn {ev.turn + 1} ({stamp})"
    # the old defect: two quotes glued, the speaker of one running into the text of the next
    a4 = ids["action-A4"]
    assert len(a4.find_all("figure", "quote")) == 2
    text = re.sub(r"\s+", " ", a4.text())
    assert "(Dana Whitfield)Sure" not in text and "turn 9 (01:13)Sure" not in text


def test_category_titles_not_ids(page: str, example: tuple[Report, Transcript]) -> None:
    report, _ = example
    fw = load_frameworks()
    root = parse(page)
    visible = root.find("body").text()
    for cid in CATEGORIES:
        assert cid not in page, f"category id {cid} in the page"
        assert fw.category(cid).title in visible  # every one in the coverage table
    for flag in report.flags:
        card = by_id(root)[f"flag-{flag.id}"]
        assert fw.category(flag.category).framework in card.text()


def test_turns_are_numbered_from_one_with_their_time(
    page: str, example: tuple[Report, Transcript]
) -> None:
    _, transcript = example
    root = parse(page)
    turns = root.find("ol", "turns").find_all("li", "turn")
    assert len(turns) == len(transcript.turns)
    assert [t.attrs["id"] for t in turns] == [f"turn-{i}" for i in range(1, len(turns) + 1)]
    first = turns[0]
    assert first.find("span", "turn-n").text() == "1"
    assert first.find("span", "time").text() == "00:04"
    assert first.find("span", "speaker").text() == "Dana Whitfield"
    # the transcript pane holds every word of every turn, in order
    for t, turn in zip(turns, transcript.turns, strict=True):
        assert t.find("p", "turn-text").text() == turn.text


def test_every_quote_links_to_its_marked_words(
    page: str, example: tuple[Report, Transcript]
) -> None:
    report, _ = example
    root = parse(page)
    ids = by_id(root)
    links = [a for a in root.find_all("a") if "data-quote" in a.attrs]
    expected = sum(
        len(i.evidence)
        for i in [*report.flags, *report.action_items, *report.decisions, *report.objections]
    ) + sum(1 for o in report.objections if o.response is not None)
    assert len(links) == expected
    for flag in report.flags:
        for n, ev in enumerate(flag.evidence, 1):
            link = next(a for a in links if a.attrs["data-quote"] == f"{flag.id}-q{n}")
            target = link.attrs["href"].lstrip("#")
            assert target == f"turn-{ev.turn + 1}" and target in ids
            marks = [
                m
                for m in ids[target].find_all("mark")
                if f"{flag.id}-q{n}" in m.attrs["data-quotes"].split()
            ]
            assert "".join(m.text() for m in marks) == ev.quote
            assert all(flag.id in m.attrs["data-items"].split() for m in marks)


def test_quotes_shared_by_two_findings_mark_both() -> None:
    report, transcript = hostile()
    root = parse(render_html(report, transcript))
    shared = [
        m for m in by_id(root)["turn-2"].find_all("mark") if m.text() == "Security hasn't seen it."
    ]
    assert len(shared) == 1
    assert set(shared[0].attrs["data-items"].split()) == {"F1", "F2", "A2", "O1"}


def test_summary_line_and_schema_2_fields() -> None:
    report, transcript = hostile()
    root = parse(render_html(report, transcript))
    ids = by_id(root)
    line = re.sub(r"\s+", " ", root.find("p", "summary-line").text())
    assert "2 misalignment flags (1 high, 1 low)" in line
    assert "2 action items (1 without an owner, 1 without a date)" in line
    assert "1 decision" in line
    assert "1 of 2 objections unanswered" in line
    # flags: severity badge, readable category, parties, conversation
    f1 = ids["flag-F1"]
    assert f1.find("span", "badge").text() == "High"
    assert "Bringing IT in from the start" in f1.text()
    assert "Ana Silva, Ben <b>Cole</b>" in f1.find("p", "parties").text()
    assert "How do we bring IT in" in f1.find("div", "next").text()
    # action items: missing owner and date stand out, strength, condition and requester show
    a1, a2 = ids["action-A1"], ids["action-A2"]
    assert "open" not in a1.attrs["class"].split() and "open" in a2.attrs["class"].split()
    assert [m.text() for m in a2.find_all("span", "missing")] == ["No owner", "No date"]
    assert a1.find("span", "strength").text() == "Conditional"
    assert "if legal clears the NDA" in a1.text() and "Ben <b>Cole</b>" in a1.text()
    assert a1.find("time").attrs["datetime"] == "2026-03-03"
    # decisions with their gaps; objections answered or not, with the response
    assert [g.text() for g in ids["decision-D1"].find_all("span", "gap")] == [
        "no decider",
        "no review date",
    ]
    o1, o2 = ids["objection-O1"], ids["objection-O2"]
    assert "Answered" in o1.text() and "Unanswered" in o2.text()
    assert "Taken up by" in o1.text() and "Ana Silva, turn 3 (1:02:05)" in o1.text()
    # participants with their share
    shares = [
        r.find("span", "share").text().strip()
        for r in root.find("table", "participants").find_all("tr")[1:]
    ]
    assert shares == ["53%", "47%"]
    assert "1 h 02 min" in root.find("p", "meta").text()


def test_findings_are_focusable_and_labelled(page: str) -> None:
    root = parse(page)
    ids = by_id(root)
    items = [n for n in root.iter() if "data-item" in n.attrs]
    assert items
    for n in items:
        assert n.attrs.get("tabindex") == "0"
        assert n.attrs["aria-labelledby"] in ids
        assert n.attrs["aria-describedby"] == "select-hint" and "select-hint" in ids
    assert all(b.attrs.get("aria-controls") == "transcript" for b in root.find_all("button"))
    status = ids["status"]
    assert status.attrs["role"] == "status" and status.attrs["aria-live"] == "polite"


def test_print_stylesheet_hides_controls_and_expands_the_transcript(page: str) -> None:
    css = parse(page).find("style").text()
    printed = css[css.index("@media print") :]
    assert ".show" in printed and "display: none" in printed
    assert "max-height: none" in printed and "overflow: visible" in printed


def test_clock_and_length() -> None:
    assert clock(None) is None
    assert clock(4.9) == "00:04"
    assert clock(84) == "01:24"
    assert clock(3725) == "1:02:05"
    assert length(111) == "1 min 51 s" and length(45) == "45 s"
    assert length(47 * 60 + 10) == "47 min" and length(3730) == "1 h 02 min"


def test_a_transcript_that_does_not_match_the_report_still_renders() -> None:
    report, _ = hostile()
    short = Transcript(turns=HOSTILE_TURNS[:1])
    root = parse(render_html(report, short))
    ids = by_id(root)
    assert "turn-1" in ids and "turn-2" not in ids
    for a in root.find_all("a"):
        assert a.attrs["href"].lstrip("#") in ids  # no link to a turn that is not there


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa(page: str) -> None:
    css = parse(page).find("style").text()
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    white = "#ffffff"
    pairs = [
        (var["text"], white),
        (var["muted"], white),
        (var["muted"], var["soft"]),
        (var["accent"], white),
        (var["accent"], var["soft"]),
        (var["text"], var["mark"]),
        (var["text"], var["mark-active"]),  # an active quote, a pressed "Show in transcript"
        *((var[f"{s}-fg"], var[f"{s}-bg"]) for s in ("high", "medium", "low", "ok")),
    ]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg)
