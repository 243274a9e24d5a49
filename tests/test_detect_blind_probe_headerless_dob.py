"""A header-less dump's date column is no date of birth by its values alone, but beside a NIR
column whose numbers give the same year and month of birth it is (a miss of a blind probe of
leak samples, a held-out set written apart from the code). On the engine VIGIE_ENGINE names.
All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5e" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


N1, N2, N3, N4 = "185037511512332", "292016912345669", "177121305508704", "288059205032193"

HEADERLESS = {
    "semicolons_spaced_nirs": (";", [
        ("Martin", "Elodie", "23/01/1992", "2 92 01 69 123 456 69", "07 81 23 45 67"),
        ("Dubois", "Marc", "02/12/1977", "1 77 12 13 055 087 04", "06 98 76 54 32"),
        ("Moreau", "Anais", "30/05/1988", "2 88 05 92 050 321 93", "06 55 44 33 22"),
        ("Lefevre", "Jean", "15/03/1985", "1 85 03 75 115 123 32", "06 12 34 56 78")]),
    "tabs_iso_dates": ("\t", [
        ("Martin", "Elodie", "1992-01-23", N2, "07 81 23 45 67"),
        ("Dubois", "Marc", "1977-12-02", N3, "06 98 76 54 32"),
        ("Moreau", "Anais", "1988-05-30", N4, "06 55 44 33 22"),
        ("Lefevre", "Jean", "1985-03-15", N1, "06 12 34 56 78")]),
}


@pytest.mark.parametrize("name", HEADERLESS)
def test_a_headerless_date_column_agreeing_with_the_nirs_is_the_date_of_birth(name: str) -> None:
    sep, rows = HEADERLESS[name]
    frags = detect("\n".join(sep.join(r) for r in rows), key=KEY)
    assert len(frags) == 1
    got = _found(frags)
    assert {v for t, v in got if t == "dob"} == {"1992-01-23", "1977-12-02", "1988-05-30", "1985-03-15"}
    assert {v for t, v in got if t == "nir"} == {N1, N2, N3, N4}


def test_a_headerless_date_column_that_disagrees_with_the_nirs_is_no_date_of_birth() -> None:
    # the dates of a visit: not the year and month the NIRs give
    rows = [("Martin", "Elodie", "12/02/2024", N2, "07 81 23 45 67"),
            ("Dubois", "Marc", "13/02/2024", N3, "06 98 76 54 32"),
            ("Moreau", "Anais", "14/02/2024", N4, "06 55 44 33 22")]
    frags = detect("\n".join(";".join(r) for r in rows), key=KEY)
    assert len(frags) == 1
    assert not any(t == "dob" for t, _ in _found(frags))
