"""Redaction: personal data is masked; the numbers of business talk are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.models import Transcript, Turn
from coach.redact import iban_ok, luhn_ok, redact_text, redact_transcript


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail
        ("Mail ana.silva@example.co.uk today.", "Mail [email] today."),
        ("<ben+crm@corp-mail.io>", "<[email]>"),
        # phone
        ("Call +44 20 7946 0958.", "Call [phone]."),
        ("Call +1 (415) 555-0199 now", "Call [phone] now"),
        ("Ring (415) 555-0199", "Ring [phone]"),
        ("Ring 415-555-0199 or 415.555.0199", "Ring [phone] or [phone]"),
        ("Toll free 1-800-555-0199.", "Toll free [phone]."),
        ("Extension 555-0199, ask for Ana", "Extension [phone], ask for Ana"),
        ("UK office 020 7946 0958 2026 plan", "UK office [phone] 2026 plan"),
        # payment card
        ("Card 4111 1111 1111 1111 expires", "Card [card] expires"),
        ("4111-1111-1111-1111", "[card]"),
        ("amex 378282246310005.", "amex [card]."),
        ("4111 1111 1111 1111 2026", "[card] 2026"),
        # IBAN
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [iban] please"),
        ("to DE89370400440532013000.", "to [iban]."),
        ("IBAN DE89 3704 0044 0532 0130 00 IS the account", "IBAN [iban] IS the account"),
        # SSN
        ("SSN 123-45-6789.", "SSN [ssn]."),
    ],
)
def test_masks(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The budget is $1,250,000 for Q3 2026.",
        "We meet at 10:30, then 14:00-15:30.",
        "Upgrade to version 2.0.1 or v10.2.3.4",
        "See ticket 4521 and JIRA-4521.",
        "Revenue grew 12.5% to €3.4m, 1,250,000 users.",
        "FY2025-2026 plan; dates 2026-03-15 and 03/15/2026.",
        "Between 500-1000 users, maybe 1 250 000 in total.",
        "Server 192.168.1.10 on port 8080.",
        "Card-like but fails Luhn: 4111 1111 1111 1112",
        "Not an IBAN: GB00 WEST 1234 5698 7654 32",
        "Pi is 3.14159265358979 roughly.",
        "Order 12345678 shipped.",
        "no email here: ana@ or @team or a@b",
    ],
)
def test_leaves_business_numbers(text: str) -> None:
    assert redact_text(text) == text


def test_checksums() -> None:
    assert luhn_ok("4111 1111 1111 1111")
    assert not luhn_ok("4111 1111 1111 1112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32")
    assert not iban_ok("GB83 WEST 1234 5698 7654 32")


def test_redact_transcript_copies() -> None:
    original = Transcript(
        turns=[
            Turn(speaker="Ana Silva", text="Reach me at ana@example.com or 555-0199.", start=1.0),
            Turn(speaker="Ben Cole", text="Budget is $1,250,000."),
        ],
        roles={"Ana Silva": "CMO"},
        title="Sync",
    )
    red = redact_transcript(original)
    assert [t.text for t in red.turns] == [
        "Reach me at [email] or [phone].",
        "Budget is $1,250,000.",
    ]
    assert red.speakers == original.speakers
    assert (red.roles, red.title, red.turns[0].start) == ({"Ana Silva": "CMO"}, "Sync", 1.0)
    assert original.turns[0].text == "Reach me at ana@example.com or 555-0199."
    assert red.roles is not original.roles


@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]).filter(lambda c: c != "@")))
def test_text_without_digits_or_at_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


@given(st.text(alphabet="0123456789 +-().,:$@abcAB"))
def test_idempotent(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once


def test_long_input_is_linear() -> None:
    # Would take minutes with a backtracking-prone pattern; just run it.
    redact_text("a" * 200_000 + " " + "1-" * 50_000 + " " + "x.y" * 50_000)
