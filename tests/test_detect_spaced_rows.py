"""Header-less rows whose columns are apart by single spaces (`Claire Martin - c.m@x.fr - 06 12 34
56 78`): a value written with spaces, a phone above all, was cut into cells of two digits that
type nothing, and lost while the e-mail beside it was found. The untyped cells of a row are read
as the text they were. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x6d" * 32, version=1)

PEOPLE = [(f"Claire Martin{k}", f"claire.martin{k}@exemple.fr", f"06 1{k} 23 45 6{k}") for k in range(6)]
EMAILS = {p[1] for p in PEOPLE}
PHONES = {"+33" + p[2].replace(" ", "")[1:] for p in PEOPLE}

ROWS = {
    "dashes": "{0} - {1} - {2}",
    "spaces": "{0} {1} {2}",
    "slashes": "{0} / {1} / {2}",
    "phone_first": "{2} {1} {0}",
    "international": "{0} {1} +33 {3}",
}


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_spaced_values_beside_a_typed_column_are_found(row: str) -> None:
    text = "\n".join(row.format(*p, p[2][1:]) for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert len(frags) == 1 and frags[0].kind == "csv"
    assert _values(frags, "email") == EMAILS
    assert _values(frags, "phone") == PHONES


def test_the_names_beside_them_stay_masked_in_the_excerpt() -> None:
    frags = detect("\n".join(ROWS["dashes"].format(*p) for p in PEOPLE), key=KEY)
    assert frags and "Martin" not in frags[0].excerpt and "Claire" not in frags[0].excerpt
    assert "06 1" not in frags[0].excerpt


def test_numbers_that_are_no_phone_stay_nothing() -> None:
    # order numbers and amounts written with spaces beside an e-mail: the e-mails only
    text = "\n".join(f"{p[1]} commande 12 34{k} 1 250 EUR" for k, p in enumerate(PEOPLE))
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    assert {i.type for f in frags for i in f.identifiers} == {"email"}
