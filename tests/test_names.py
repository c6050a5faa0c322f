"""One place for who is who: labels, first names, roles, function words and "you"."""

from __future__ import annotations

from coach.names import Roster, match_label, same_person

LABELS = ["Dana Whitfield", "Raj Patel", "Raj Iyer", "Mei Tanaka"]


def test_first_name_resolves_only_when_it_names_one_speaker() -> None:
    r = Roster(LABELS, {"Dana Whitfield": "CMO", "Mei Tanaka": "CTO"})
    assert r.lookup("dana") == "Dana Whitfield"
    assert r.lookup("Raj") is None  # two Rajs
    assert r.lookup("raj  patel") == "Raj Patel"
    assert match_label("MEI", LABELS) == "Mei Tanaka"


def test_functions_and_roles_resolve_to_their_leader_in_the_room() -> None:
    r = Roster(LABELS, {"Dana Whitfield": "CMO", "Mei Tanaka": "CTO"})
    assert r.function_owner("engineering") == "Mei Tanaka"
    assert r.function_owner("the CMO") is None  # only bare role words
    assert r.function_owner("cmo") == "Dana Whitfield"
    assert r.function_owner("IT") == "it"  # no CIO in the room: the role itself
    assert r.resolve("Dana") == "Dana Whitfield" and r.resolve("the agency") == "the agency"


def test_you_is_the_person_named_else_the_neighbouring_speaker() -> None:
    r = Roster(LABELS)
    assert r.addressee("Dana Whitfield", "Mei, can you send it?", "Raj Patel", None) == "Mei Tanaka"
    assert (
        r.addressee("Dana Whitfield", "can you send it?", "Raj Patel", "Mei Tanaka") == "Raj Patel"
    )
    assert r.addressee("Dana Whitfield", "Mei and Dana, can you?", None, None) == "Mei Tanaka"


def test_same_person_allows_first_names_but_not_different_full_names() -> None:
    assert same_person("Ana", "Ana Silva") and same_person("ana silva", "Ana Silva")
    assert not same_person("Ana Smith", "Ana Silva") and not same_person("", "Ana")
