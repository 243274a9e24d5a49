"""Phones written with the country code in parentheses (`(+33) 6 12 34 56 78`, as many sites and
signatures write them): free text read `+33` and `6 12 34 56 78` apart and found no phone. Both
engines read the whole number now. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.scan import scan
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x41" * 32, version=1)


@pytest.mark.parametrize(("text", "phone"), [
    ("(+33) 6 12 34 56 78", "+33612345678"),
    ("(+33)6 12 34 56 78", "+33612345678"),
    ("(+33) 6.12.34.56.78", "+33612345678"),
    ("(+44) 20 7946 0958", "+442079460958"),
])
def test_free_text_reads_the_whole_number(text: str, phone: str) -> None:
    found: list[tuple[str, str, int, int]] = []
    scan(f"joindre au {text}, merci", found, 0)
    assert [(t, c, s) for t, c, s, _ in found] == [("phone", phone, 11)]


@pytest.mark.parametrize("text", ["(+33) 1", "(+1) 2 3", "(+33) 6 12 34"])
def test_too_short_is_no_phone(text: str) -> None:
    found: list[tuple[str, str, int, int]] = []
    scan(text, found, 0)
    assert found == []


def test_a_dump_of_such_numbers_gives_each_one() -> None:
    rows = [f"Martin{k};Claire;claire{k}@exemple.fr;(+33) 6 12 34 56 7{k}" for k in range(6)]
    frags = detect("nom;prenom;email;notes\n" + "\n".join(rows), key=KEY)
    assert sorted(i.value for f in frags for i in f.identifiers if i.type == "phone") == [
        f"+3361234567{k}" for k in range(6)]
