"""The HTML report in a real browser: Playwright for Python driving Debian's chromium.

Playwright's own browser download is not reachable from CI, so the test launches the system
chromium through `executable_path` (COACH_CHROMIUM, else /usr/lib/chromium/chromium, else
`chromium` on PATH). Without playwright or chromium the tests skip with the reason, so the plain
`python -m pytest` works on any machine; .ci/run installs both and sets COACH_REQUIRE_BROWSER=1,
which turns that skip into a failure. Screenshots go to COACH_TEST_OUTPUT (CI:
build/test-output), else to pytest's tmp_path.

docs/report.png is made by this file too: `python tests/test_browser.py docs/report.png`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach import analyze, load_transcript
from coach.models import Report
from coach.render.html import render_html

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "leadership-sync.txt"
ROLES = "Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO"
ACTIVE = re.compile(r"\bis-active\b")
# As root, in a sandbox with no network but the package registries: no sandbox, no background
# connections (each would be refused), a fresh profile (Playwright makes one).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("COACH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"COACH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """Debian's chromium: COACH_CHROMIUM, the binary behind the wrapper, or `chromium` on PATH."""
    given = os.environ.get("COACH_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[browser]')")
    executable = find_chromium()
    if executable is None:
        _unavailable("no chromium found (apt-get install chromium, or set COACH_CHROMIUM)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def example() -> Report:
    return analyze(load_transcript(EXAMPLE), roles=ROLES)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    folder = os.environ.get("COACH_TEST_OUTPUT")
    if not folder:
        return tmp_path
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def page(browser: Any, example: Report, tmp_path: Path) -> Iterator[Any]:
    path = tmp_path / "report.html"
    path.write_text(render_html(example, load_transcript(EXAMPLE)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    # Every request but the file itself is a failure: the page must be self-contained.
    pg.on(
        "request",
        lambda r: None if r.url == path.as_uri() else problems.append(f"request {r.url}"),
    )
    pg.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.goto(path.as_uri())
    yield pg
    context.close()
    assert problems == [], problems  # no CSP violation, script error or outside request


def test_clicking_a_flag_highlights_its_quotes(page: Any, example: Report, output: Path) -> None:
    from playwright.sync_api import expect

    flag = example.flags[0]
    card = page.locator(f"#flag-{flag.id}")
    card.locator("h3").click()
    expect(card).to_have_attribute("aria-current", "true")
    expect(card.locator("button.show")).to_have_attribute("aria-pressed", "true")

    active = page.locator("mark.q.is-active")
    expect(active.first).to_be_visible()
    texts = active.all_inner_texts()
    for ev in flag.evidence:
        assert ev.quote in " ".join(texts)
        turn = page.locator(f"#turn-{ev.turn + 1}")
        expect(turn).to_have_class(ACTIVE)
    expect(active.first).to_be_in_viewport()
    # Only this flag's words: a turn none of its quotes is in stays plain.
    other = {ev.turn for ev in flag.evidence}
    quiet = next(i for i in range(example.meeting.turns) if i not in other)
    expect(page.locator(f"#turn-{quiet + 1}")).not_to_have_class(ACTIVE)
    # The highlight really shows: the active mark's background is the active colour.
    colour = active.first.evaluate("m => getComputedStyle(m).backgroundColor")
    plain = page.locator("mark.q:not(.is-active)").first.evaluate(
        "m => getComputedStyle(m).backgroundColor"
    )
    assert colour != plain
    expect(page.locator("#status")).to_contain_text("highlighted in the transcript")
    page.screenshot(path=str(output / "report-flag-selected.png"))
    assert (output / "report-flag-selected.png").stat().st_size > 10_000


def test_keyboard_selects_an_action_item_and_escape_clears(page: Any, example: Report) -> None:
    from playwright.sync_api import expect

    item = next(a for a in example.action_items if len(a.evidence) > 1)
    row = page.locator(f"#action-{item.id}")
    for _ in range(200):  # Tab from the top until the row has the focus: it is in the tab order
        page.keyboard.press("Tab")
        if row.evaluate("r => document.activeElement === r"):
            break
    else:
        pytest.fail(f"Tab never reached action {item.id}")
    page.keyboard.press("Enter")
    active = page.locator("mark.q.is-active")
    expect(active).to_have_count(len(item.evidence))
    assert active.all_inner_texts() == [ev.quote for ev in item.evidence]
    expect(active.first).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(page.locator("mark.q.is-active")).to_have_count(0)
    expect(row).not_to_have_attribute("aria-current", "true")


def test_a_quote_link_highlights_that_quote_only(page: Any, example: Report) -> None:
    from playwright.sync_api import expect

    flag = next(f for f in example.flags if len(f.evidence) > 1)
    last = len(flag.evidence)
    page.locator(f'a[data-quote="{flag.id}-q{last}"]').click()
    active = page.locator("mark.q.is-active")
    expect(active).to_have_count(1)
    assert active.inner_text() == flag.evidence[-1].quote
    expect(active).to_be_in_viewport()


def test_print_hides_controls_and_expands_the_transcript(page: Any) -> None:
    from playwright.sync_api import expect

    page.locator("#findings article.card").first.click()
    page.emulate_media(media="print")
    expect(page.locator("button.show").first).to_be_hidden()
    expect(page.locator("#select-hint")).to_be_hidden()
    pane = page.locator("#transcript")
    assert pane.evaluate("p => getComputedStyle(p).overflowY") == "visible"
    assert pane.evaluate("p => getComputedStyle(p).maxHeight") == "none"
    assert pane.evaluate("p => p.scrollHeight <= p.clientHeight + 1")  # nothing scrolled away
    assert page.pdf()[:4] == b"%PDF"  # prints (and printing drops the selection)
    expect(page.locator("mark.q.is-active")).to_have_count(0)


def screenshot_example(out: Path) -> None:
    """docs/report.png: the example meeting through the offline engine, flag F2 selected."""
    from playwright.sync_api import sync_playwright

    transcript = load_transcript(EXAMPLE)
    page_file = out.with_suffix(".tmp.html")
    page_file.write_text(render_html(analyze(transcript, roles=ROLES), transcript), "utf-8")
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            pg = b.new_page(viewport={"width": 1360, "height": 940})
            pg.goto(page_file.resolve().as_uri())
            pg.click("#flag-F2 h3")
            pg.evaluate("window.scrollTo(0, 0)")
            pg.wait_for_timeout(800)  # the smooth scroll inside the transcript pane
            pg.screenshot(path=str(out))
            b.close()
    finally:
        page_file.unlink()


if __name__ == "__main__":
    import sys

    screenshot_example(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report.png"))


def test_the_series_page_draws_its_charts(browser: Any, tmp_path: Path, output: Path) -> None:
    """coach track status as HTML: both SVG charts render, with nothing fetched or blocked."""
    from coach.render.series import render_status
    from coach.track.series import add, status
    from coach.track.store import Store

    folder = EXAMPLE.parent.parent / "evals" / "series" / "dev" / "larkfield-bank-weekly"
    with Store(tmp_path / "s.db") as store:
        for n in range(1, 5):
            path = folder / f"m{n}.txt"
            transcript = load_transcript(path)
            assert transcript.date is not None
            add(store, "larkfield", file=path.name, data=path.read_bytes(), transcript=transcript,
                report=None, day=transcript.date,
                analyze=lambda t, d, o: analyze(t, date=d, open_commitments=o))  # fmt: skip
        page_html = render_status(status(store, "larkfield", transcript.date), "html")
    path = tmp_path / "series.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("request", lambda r: None if r.url == path.as_uri() else problems.append(r.url))
    pg.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.goto(path.as_uri())
    boxes = [svg.bounding_box() for svg in pg.query_selector_all("svg")]
    assert len(boxes) == 2 and all(b and b["width"] > 150 and b["height"] > 60 for b in boxes)
    assert pg.locator("svg polyline").count() == 2  # open and closed over time
    pg.screenshot(path=str(output / "series-status.png"), full_page=True)
    context.close()
    assert problems == [], problems
