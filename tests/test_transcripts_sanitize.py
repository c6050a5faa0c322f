"""clean_text and for_terminal: nothing that can steer a terminal or hide text gets through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.sanitize import clean_text, for_terminal


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain text", "plain text"),
        ("keep\ttabs\nand newlines", "keep\ttabs\nand newlines"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;38;5;196mbold\x1b[m", "bold"),
        ("\x9b31mc1 csi", "c1 csi"),
        ("\x1b]0;evil title\x07after", "after"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1bPdevice control\x1b\\x", "x"),
        ("\x1b]unterminated osc", "unterminated osc"),
        ("\x1bc reset", " reset"),
        ("\x1b(B charset", " charset"),
        ("nul\x00 bell\x07 bs\x08 cr\r del\x7f c1\x85\x9f", "nul bell bs cr del c1"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zerowidth"),
        ("bidi \u202ereversed\u202c \u2066iso\u2069 \u200e\u200f\u061c", "bidi reversed iso "),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("Ana-María O’Neil — 東京 🙂", "Ana-María O’Neil — 東京 🙂"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_for_terminal_escapes_what_is_left() -> None:
    assert for_terminal("ok\tline\nnext") == "ok\tline\nnext"
    assert for_terminal("\x1b[2Jwipe") == "wipe"
    assert for_terminal("soft\xadhyphen") == "soft\\xadhyphen"
    assert for_terminal("line\u2028sep") == "line\\u2028sep"
    assert for_terminal("private \ue000 use") == "private \\ue000 use"
    assert for_terminal("plane 16 \U00100000") == "plane 16 \\U00100000"
    assert for_terminal("no\u00a0break space") == "no\u00a0break space"
    assert for_terminal("Dana 🙂 東京") == "Dana 🙂 東京"


@given(st.text())
def test_clean_text_leaves_nothing_dangerous(s: str) -> None:
    out = clean_text(s)
    assert clean_text(out) == out
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in out)
    assert not any(c in out for c in "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e")
    assert not any(c in out for c in "\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    out.encode("utf-8")


@given(st.text())
def test_for_terminal_is_printable(s: str) -> None:
    out = for_terminal(s)
    assert all(c in "\n\t" or c.isprintable() or c.isspace() for c in out)
    out.encode("utf-8")
