"""A directory: a person's name, then a number written with spaces (`Claire Martin : 06 12 34 56
78`). Cut at single spaces the number was five cells of two digits that typed nothing, and such a
list gave nothing at all (written `0612345678` it was read). Now each line gives the number and
the name. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name, canon_phone
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.fixtures.identifiers import iban_fr

KEY = MatchKey(b"\x37" * 32, version=1)

PEOPLE = [("Claire Martin", "06 12 34 56 70"), ("Jean de la Tour", "06 12 34 56 71"),
          ("Sophie Lefèvre", "+33 6 12 34 56 72"), ("Karim Ben Salah", "07.61.34.56.73"),
          ("Anne-Marie Dubois", "06-12-34-56-74"), ("Lucas Petit", "(+33) 6 12 34 56 75")]


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


PHONES = {canon_phone(p) for _, p in PEOPLE}
NAMES = {canon_name(n) for n, _ in PEOPLE}


@pytest.mark.parametrize("sep", [" : ", ": ", " - ", " – ", " ", "  ", " = "])
def test_a_directory_gives_each_name_and_number(sep: str) -> None:
    text = "l'annuaire du cabinet :\n\n" + "\n".join(f"{n}{sep}{p}" for n, p in PEOPLE) + "\n\nvoilà"
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("separated_run", 3, 8)]
    assert _values(frags, "phone") == PHONES
    assert _values(frags, "name") == NAMES
    assert not any(p in frags[0].excerpt or n in frags[0].excerpt for n, p in PEOPLE)


def test_bulleted_and_numbered_directories() -> None:
    for mark in ("- ", "* ", "1. "):
        frags = detect("\n".join(f"{mark}{n} : {p}" for n, p in PEOPLE), key=KEY)
        assert _values(frags, "phone") == PHONES and _values(frags, "name") == NAMES, mark


@pytest.mark.parametrize("text", [
    # a service's numbers, not people's
    "Le standard : 01 23 45 67 89\nService Client : 01 98 76 54 32\nUrgences Nuit : 06 12 34 56 78\n"
    "Fax Bureau : 01 11 22 33 44",
    # two lines only
    "Claire Martin : 06 12 34 56 70\nJean Dupont : 06 12 34 56 71",
    # words after the number: prose, not a directory
    "\n".join(f"{n} : {p} le soir seulement" for n, p in PEOPLE),
    # numbers that are no identifier (order numbers, versions)
    "\n".join(f"Commande Web : 1{k} 234 567" for k in range(6)),
    # one name over and over: a call log, not a directory
    "\n".join(f"Claire Martin : 06 12 34 56 7{k}" for k in range(6)),
])
def test_lines_that_are_no_directory_give_nothing(text: str) -> None:
    assert detect("bonjour\n\n" + text + "\n\nmerci", key=KEY) == []


def test_a_directory_of_ibans_gives_each_iban_and_name() -> None:
    ibans = [iban_fr(f"123456789{k:02d}") for k in range(len(PEOPLE))]
    spaced = [" ".join(x[i:i + 4] for i in range(0, len(x), 4)) for x in ibans]
    for sep in (" : ", " - "):
        frags = detect("\n".join(f"{n}{sep}{i}" for (n, _), i in zip(PEOPLE, spaced, strict=True)), key=KEY)
        assert _values(frags, "iban") == set(ibans), sep
        assert _values(frags, "name") == NAMES, sep
