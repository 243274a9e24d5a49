"""Dates of birth a blind probe of leak samples (a held-out set written apart from the code) found
missed:

- a two-digit year (`15.03.85`, `09/05/04`), as old medical and accounting software exports
  them, under a date of birth header: read in the latest century that does not put it after
  this year;
- a time after the date with fractions of a second or a zone (`1985-03-15T00:00:00.000Z`,
  `...+01:00`), as JSON exports write a date;
- MongoDB's extended JSON, which wraps a value in a `$` key (`"birthDate": {"$date": "..."}`,
  `"tel": {"$numberLong": "33612345678"}`): the value had no role.

Both engines read these the same way (the compiled core's `canon_dob` and JSON walk are ports).
All values are synthetic."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest

from indexer import identifiers as ids
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import require_native

KEY = MatchKey(b"\x5f" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _century(yy: int) -> int:
    return 2000 + yy if 2000 + yy <= date.today().year else 1900 + yy


@pytest.mark.parametrize(("raw", "want"), [
    ("15.03.85", "1985-03-15"), ("15/03/85", "1985-03-15"), ("2-12-77", "1977-12-02"), ("15.3.85", "1985-03-15"),
    ("09/05/04", f"{_century(4)}-05-09"), ("03/15/85", "1985-03-15"), ("15/03/85 10:22", "1985-03-15"),
    ("31/02/85", None), ("15/03/198", None), ("15/03/19850", None), ("150385", None),
    ("1978-07-19T00:00:00.000Z", "1978-07-19"), ("1978-07-19T00:00:00Z", "1978-07-19"),
    ("1978-07-19T00:00:00+01:00", "1978-07-19"), ("1978-07-19T00:00+0100", "1978-07-19"),
    ("1978-07-19T00:00:00.", None), ("1978-07-19T00:00:00.1234567890", None), ("1978-07-19T00:00:00Z1", None),
    ("1978-07-19T00:00:00+1", None), ("0085-03-15", None), ("00850315", None),
])
def test_canon_dob(raw: str, want: str | None) -> None:
    assert ids.canon_dob(raw) == want


def test_the_core_reads_dates_as_the_reference_does() -> None:
    native = require_native()
    d = date.today()
    today = (ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day))
    r = random.Random(29)
    seeds = ["15.03.85", "09/05/04", "1.2.03", "31-12-99", "1978-07-19T00:00:00.000Z", "1978-07-19T23:59:59+01:00",
             "1978-07-19 00:00:00.5Z", "19780719T00:00-0130", "15/03/85 10:22:33.123456789"]
    alphabet = "0123456789./-: TZ+z"
    values = list(seeds)
    for _ in range(4000):
        chars = list(r.choice(seeds))
        for _ in range(r.randint(1, 3)):
            if chars and r.random() < 0.5:
                chars[r.randrange(len(chars))] = r.choice(alphabet)
            elif chars and r.random() < 0.5:
                del chars[r.randrange(len(chars))]
            else:
                chars.insert(r.randint(0, len(chars)), r.choice(alphabet))
        values.append("".join(chars))
    decided = 0
    for v in values:
        got = native.canon("dob", v, today)
        if got == "\0defer":
            continue
        assert got == ids.canon_dob(v), v
        decided += 1
    assert decided > 1500  # the rest hold a letter the core leaves to the reference


ROWS = [("Lefevre", "Jean", "15.03.85", "06 12 34 56 78", "1985-03-15"),
        ("Dubois", "Marc", "02.12.77", "06 98 76 54 32", "1977-12-02"),
        ("Moreau", "Anais", "30.05.88", "06 55 44 33 22", "1988-05-30")]


def test_two_digit_years_under_a_date_of_birth_header() -> None:
    text = "nom;prenom;ddn;tel\n" + "\n".join(";".join(r[:4]) for r in ROWS)
    frags = detect(text, key=KEY)
    assert len(frags) == 1
    assert {v for t, v in _found(frags) if t == "dob"} == {r[4] for r in ROWS}


def test_mongo_extended_json() -> None:
    lines = [json.dumps({"_id": {"$oid": f"65f1c0ffee0000000000000{k}"}, "lastName": r[0], "firstName": r[1],
                         "birthDate": {"$date": f"{r[4]}T00:00:00.000Z"},
                         "phone": {"$numberLong": "33" + r[3].replace(" ", "")[1:]},
                         "createdAt": {"$date": f"2024-03-1{k}T10:00:00.000Z"}}) for k, r in enumerate(ROWS)]
    frags = detect("\n".join(lines), key=KEY)
    assert len(frags) == 1
    assert _found(frags) == {("dob", "1985-03-15"), ("dob", "1977-12-02"), ("dob", "1988-05-30"),
                             ("phone", "+33612345678"), ("phone", "+33698765432"), ("phone", "+33655443322"),
                             ("name", "jean lefevre"), ("name", "dubois marc"), ("name", "anais moreau")}


def test_mongo_pretty_printed_export() -> None:
    text = json.dumps([{"_id": {"$oid": f"65f1c0ffee0000000000000{k}"}, "nom": r[0], "prenom": r[1],
                        "date_naissance": {"$date": f"{r[4]}T00:00:00Z"}, "email": f"{r[1].lower()}@exemple.fr"}
                       for k, r in enumerate(ROWS)], indent=2)
    frags = detect(text, key=KEY)
    assert len(frags) == 1
    assert {v for t, v in _found(frags) if t == "dob"} == {r[4] for r in ROWS}


def test_a_dollar_key_under_no_role_stays_untyped() -> None:
    # a record's creation date is no date of birth, wrapped or not
    lines = [json.dumps({"nom": r[0], "email": f"{r[1].lower()}@exemple.fr", "created": {"$date": f"{r[4]}T10:00:00Z"}})
             for r in ROWS]
    frags = detect("\n".join(lines), key=KEY)
    assert len(frags) == 1
    assert not any(t == "dob" for t, _ in _found(frags))
