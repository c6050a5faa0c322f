"""Mask personal data in transcript text before it leaves the machine.

Masks e-mail addresses, IBANs (mod-97 checked), payment cards (Luhn checked), US social
security numbers and phone numbers. The patterns prefer shapes that numbers in business talk
do not take ("$1,250,000", "Q3 2026", "10:30", "2.0.1", "ticket 4521", "2025-2026"), so that
the analysis still sees the figures that matter. Every pattern is bounded or anchored at the
start of a run, so matching stays linear on long turns.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from coach.models import Transcript

# No letter, digit, sign or currency just before a number: it would make it part of something else.
_NB = r"(?<![\w+$£€¥.,/-])"
# ...nor just after it (a decimal or thousands part, a time, a range, a word).
_NA = r"(?![\w-]|[.,:/]\d)"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?!\w)")
_CARD = re.compile(_NB + r"\d(?:[ -]?\d){12,18}" + _NA)
_SSN = re.compile(_NB + r"\d{3}-\d{2}-\d{4}" + _NA)
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}" + _NA)
_PHONE_US = re.compile(
    _NB + r"(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}" + _NA
)  # (415) 555-0199, 415-555-0199, 1 415 555 0199
_PHONE_NATIONAL = re.compile(_NB + r"\(?0\d{1,4}\)?(?:[ -]?\d{2,8}){1,4}" + _NA)  # 020 7946 0958
_PHONE_LOCAL = re.compile(_NB + r"[2-9]\d{2}-\d{4}" + _NA)  # 555-0199


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def luhn_ok(number: str) -> bool:
    """True if the digits of `number` pass the Luhn check used by payment cards."""
    total = 0
    for k, ch in enumerate(reversed(_digits(number))):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """True if `iban` (spaces allowed) has a valid length and mod-97 check digits."""
    s = iban.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _iban(m: re.Match[str]) -> str:
    # The pattern may run on into a following capitalised word or number; drop trailing groups
    # until the checksum holds.
    groups = m.group().split(" ")
    for k in range(len(groups), 0, -1):
        if iban_ok("".join(groups[:k])):
            rest = " ".join(groups[k:])
            return "[iban]" + (" " + rest if rest else "")
    return m.group()


def _card(m: re.Match[str]) -> str:
    # As with phones, a following number may have been swallowed: try shorter runs of groups.
    parts = re.split(r"(?<=\d)(?=[ -])", m.group())
    for k in range(len(parts), 0, -1):
        head = "".join(parts[:k])
        if 13 <= len(_digits(head)) <= 19 and luhn_ok(head):
            return "[card]" + "".join(parts[k:])
    return m.group()


def _phone(lo: int, hi: int) -> Callable[[re.Match[str]], str]:
    # The pattern may swallow a number that follows ("020 7946 0958 2026"); drop trailing
    # groups until the digit count is that of a phone number.
    def sub(m: re.Match[str]) -> str:
        parts = re.split(r"(?<=\d)(?=[ .-])", m.group())
        for k in range(len(parts), 0, -1):
            if lo <= len(_digits("".join(parts[:k]))) <= hi:
                return "[phone]" + "".join(parts[k:])
        return m.group()

    return sub


def _local(m: re.Match[str]) -> str:
    # "500-1000" is a range, not a phone number: skip when both parts are round.
    head, tail = m.group().split("-")
    return m.group() if head.endswith("0") and tail.endswith("00") else "[phone]"


def redact_text(text: str) -> str:
    """Mask e-mails, IBANs, card numbers, SSNs and phone numbers in `text`."""
    text = _EMAIL.sub("[email]", text)
    text = _IBAN.sub(_iban, text)  # before cards: an IBAN's digits may pass Luhn
    text = _CARD.sub(_card, text)
    text = _SSN.sub("[ssn]", text)
    text = _PHONE_INTL.sub(_phone(8, 15), text)  # E.164 allows at most 15 digits
    text = _PHONE_US.sub("[phone]", text)
    text = _PHONE_NATIONAL.sub(_phone(9, 12), text)
    return _PHONE_LOCAL.sub(_local, text)


def redact_transcript(t: Transcript) -> Transcript:
    """A copy of `t` with every turn's text redacted; speakers and metadata unchanged."""
    turns = [turn.model_copy(update={"text": redact_text(turn.text)}) for turn in t.turns]
    return t.model_copy(update={"turns": turns}, deep=True)
