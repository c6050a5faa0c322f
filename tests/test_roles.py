"""Roles: --roles parsing, matching names to speakers, inference from introductions."""

from __future__ import annotations

import pytest

from coach.errors import InputError
from coach.meeting import build_meeting
from coach.models import Transcript, Turn
from coach.roles import infer_roles, match_speakers, parse_roles


def test_parse_roles_normalises_case_and_aliases() -> None:
    assert parse_roles("Dana=cmo, Raj = CIO,Mei=Engineering") == {
        "Dana": "CMO",
        "Raj": "CIO",
        "Mei": "technology",
    }


@pytest.mark.parametrize("bad", ["Dana", "Dana=", "=CMO", "Dana=CFO", "Dana:CMO"])
def test_bad_roles_are_input_errors_that_say_how(bad: str) -> None:
    with pytest.raises(InputError, match=r"Name=ROLE|unknown role"):
        parse_roles(bad)


def test_first_names_match_full_speaker_labels_and_unknown_names_warn() -> None:
    matched, warnings = match_speakers(
        {"dana": "CMO", "Zed": "CIO"}, ["Dana Whitfield", "Raj Patel"]
    )
    assert matched == {"Dana Whitfield": "CMO"}
    assert warnings and "Zed" in warnings[0]


def test_ambiguous_first_name_is_not_guessed() -> None:
    matched, warnings = match_speakers({"Sam": "CTO"}, ["Sam Ortiz", "Sam Lee"])
    assert matched == {} and warnings


def _t(*lines: tuple[str, str]) -> Transcript:
    return Transcript(turns=[Turn(speaker=s, text=t) for s, t in lines])


def test_roles_inferred_from_introductions() -> None:
    t = _t(
        ("Lena Fischer", "For those who don't know me, I'm Lena, I run IT."),
        ("Omar Haddad", "And as CMO I care about the launch date."),
        ("Jo Kim", "I lead demand gen for EMEA."),
        ("Pat Reyes", "I'm on it, no worries."),
    )
    roles = infer_roles(t)
    assert roles["Lena Fischer"] == "CIO"
    assert roles["Omar Haddad"] == "CMO"
    assert roles["Jo Kim"] == "marketing"
    assert "Pat Reyes" not in roles


def test_given_roles_beat_stated_and_inferred_ones() -> None:
    t = _t(("Lena Fischer", "I run IT."), ("Omar Haddad", "Hello."))
    t = t.model_copy(update={"roles": {"Omar Haddad": "CEO"}})
    meeting, _ = build_meeting(t, roles="Lena=CTO")
    roles = {p.name: p.role for p in meeting.participants}
    assert roles == {"Lena Fischer": "CTO", "Omar Haddad": "CEO"}
    assert meeting.words == 4 and meeting.turns == 2


def test_roles_from_how_others_introduce_a_speaker() -> None:
    t = _t(
        (
            "Omar Haddad",
            "Welcome. Dana from marketing is joining us, and Raj, our CIO, will take the security part.",
        ),
        ("Dana Kerr", "Thanks for having me."),
        ("Raj Patel", "Happy to."),
    )
    roles = infer_roles(t)
    assert roles == {"Dana Kerr": "marketing", "Raj Patel": "CIO"}
