"""Make untrusted text safe to store and to print.

`clean_text` removes what should never reach a report or a terminal: ANSI/OSC escape sequences,
control characters (other than newline and tab), zero-width characters and bidirectional
controls. `for_terminal` also shows any remaining non-printable character as an escape.
"""

from __future__ import annotations

import re
import unicodedata

# Escape sequences, 7-bit and 8-bit forms. Every repetition is over a class that stops at the
# next introducer, so matching is linear whatever the input.
_ESCAPES = re.compile(
    # CSI: ESC [ (or 0x9B), parameter bytes, intermediate bytes, one final byte
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    # OSC, DCS, SOS, PM, APC: a string ended by BEL or ST; unterminated ones are left to the
    # control-character pass, which removes the introducer
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    # any other escape: ESC, intermediate bytes, one final byte
    r"|\x1b[ -/]*[0-~]"
)

_DROP = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A)]
    + list(range(0x7F, 0xA0))
    + [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]  # zero-width
    + [0x202A, 0x202B, 0x202C, 0x202D, 0x202E]  # embeddings and overrides
    + [0x2066, 0x2067, 0x2068, 0x2069]  # isolates
    + [0x200E, 0x200F, 0x061C]  # marks
)
_DROP_TABLE = dict.fromkeys(_DROP)

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(s: str) -> str:
    """Remove escape sequences, control, zero-width and bidi characters; keep newline and tab.

    Lone surrogates (possible from JSON `\\ud800` escapes) become U+FFFD so the text can always
    be encoded as UTF-8.
    """
    if "\x1b" in s or not s.isascii():
        s = _ESCAPES.sub("", s)
    s = s.translate(_DROP_TABLE)
    if not s.isascii():
        s = _SURROGATES.sub("\ufffd", s)
    return s


def _visible(ch: str) -> str:
    if ch in "\n\t" or ch.isprintable() or unicodedata.category(ch) == "Zs":
        return ch  # Unicode spaces (no-break, thin...) print harmlessly
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def for_terminal(s: str) -> str:
    """`clean_text`, then show any remaining non-printable character as `\\xNN` / `\\uNNNN`.

    Newlines and tabs are kept; use it on transcript text and speaker names before printing.
    """
    s = clean_text(s)
    if s.isprintable():
        return s
    return "".join(_visible(ch) for ch in s)
