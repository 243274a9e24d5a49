"""Two notations the free-text scanner (`indexer.detect.scan`, and its port in
rust/vigie_native/src/scan.rs) reads, on both engines: French phone numbers written with slashes
(`06/12/34/56/78`, `+33 6/12/34/56/78`) and IBANs in lower or mixed case (`fr76 3000 ...`,
`Fr7630...`), in the values no header or label types (a dox's "Notes:", an untyped CSV column).

What must stay out: dates and other slash-separated numbers (three groups, a group of four, a
longer path of groups), a lowercase IBAN-shaped run that fails mod 97. The typed paths (a
`phone` or `iban` column, a `tel:` label) already read these forms through `ids.canon_phone` and
`ids.canon_iban`; they are checked here too so that a regression there shows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.scan import Found, scan
from indexer.tokens import MatchKey
from tests.native_core import require_native

KEY = MatchKey(b"\x11" * 32, version=3)

# a dox with enough labelled fields to be one; the free text goes in its "Notes:" value
DOX = ("Nom: Jean Dupont\nEmail: jean.dupont@example.com\nTelephone: 06 98 76 54 32\n"
       "Adresse: 3 rue de la Paix, 75002 Paris\nNotes: {}\nVille: Lyon\n")
# a CSV whose third column no header types
CSV = ("name,email,notes\nJean,jean@example.com,{}\nPaul,paul@example.com,rien\n"
       "Luc,luc@example.com,rien a signaler\n")


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        require_native()
    try:
        engine.set_engine(request.param)
        yield request.param
    finally:
        engine.set_engine(None)  # back to what VIGIE_ENGINE says


def _ids(text: str, kind: str) -> list[tuple[str, str]]:
    """(value, token) of the identifiers of type `kind` detected in `text`."""
    return [(i.value, i.token) for f in detect(text, key=KEY) for i in f.identifiers if i.type == kind]


def _values(text: str, kind: str) -> set[str]:
    return {v for v, _ in _ids(text, kind)}


def _scan(s: str) -> list[Found]:
    out: list[Found] = []
    scan(s, out)
    return out


@pytest.mark.parametrize(("note", "e164"), [
    ("rappeler au 06/12/34/56/78 le soir", "+33612345678"),
    ("fixe 01/45/67/89/10.", "+33145678910"),
    ("(bureau: 04/78/12/34/56)", "+33478123456"),
    ("pro +33 6/12/34/56/78 ou perso", "+33612345678"),
    ("pro 0033 6/12/34/56/78", "+33612345678"),
])
def test_slash_phones_in_a_dox_note(eng: str, note: str, e164: str) -> None:
    assert e164 in _values(DOX.format(note), "phone")


def test_slash_phone_in_an_untyped_column(eng: str) -> None:
    assert "+33612345678" in _values(CSV.format("tel 06/12/34/56/78 apres 18h"), "phone")


def test_slash_phone_same_token_as_spaced(eng: str) -> None:
    slash = _ids(CSV.format("tel 06/12/34/56/78"), "phone")
    spaced = _ids(CSV.format("tel 06 12 34 56 78"), "phone")
    assert slash and slash == spaced


def test_slash_phone_spans_in_the_scanner(eng: str) -> None:
    s = "appelle 06/12/34/56/78, ou le +33 1/45/67/89/10"
    assert _scan(s) == [("phone", "+33612345678", 8, 22), ("phone", "+33145678910", 30, 47)]


@pytest.mark.parametrize("note", [
    "ne le 12/05/1990 a Lyon",                      # a date: three groups
    "ne le 12/05/90",                               # a short date
    "dossier 2024/06/12/34/56/78",                  # a path of groups: the phone shape is inside a longer one
    "voir /archive/06/12/34/56/78/ pour le reste",   # a URL path
    "https://example.com/a/06/12/34/56/78",
    "06/12/34/56/78/90",                            # six groups
    "ratio 1/2, version 1.2/3.4, 3/4 du total",    # fractions, versions
    "01/02/2003 au 04/05/2006",                     # dates
    "06/12/34/56/7",                                # one digit short
    "030/12345678 (Berlin)",                        # the area/number notation of other countries: left out
    "0475/12 34 56",
])
def test_slashes_that_are_not_phones(eng: str, note: str) -> None:
    assert _values(DOX.format(note), "phone") == {"+33698765432"}  # the labelled one only
    assert [f for f in _scan(note) if f[0] == "phone"] == []


IBAN_FR = "FR7630006000011234567890189"
IBAN_BE = "BE68539007547034"


@pytest.mark.parametrize(("note", "iban"), [
    ("virement sur fr76 3000 6000 0112 3456 7890 189 svp", IBAN_FR),
    ("compte Fr7630006000011234567890189", IBAN_FR),
    ("be68 5390 0754 7034 pour le loyer", IBAN_BE),  # a lowercase four-letter word after it
    ("iban: fR76 3000 6000 0112 3456 7890 189.", IBAN_FR),
    ("nl91 abna 0417 1643 00 (pro)", "NL91ABNA0417164300"),
])
def test_lower_and_mixed_case_ibans_in_a_dox_note(eng: str, note: str, iban: str) -> None:
    assert iban in _values(DOX.format(note), "iban")


def test_lowercase_iban_same_token_as_uppercase(eng: str) -> None:
    lower = _ids(CSV.format("iban fr76 3000 6000 0112 3456 7890 189"), "iban")
    upper = _ids(CSV.format("iban FR76 3000 6000 0112 3456 7890 189"), "iban")
    assert lower and lower == upper


def test_uppercase_iban_before_a_word(eng: str) -> None:
    """The uppercase form is read as before, followed by any word."""
    assert IBAN_BE in _values(DOX.format("BE68 5390 0754 7034 pour toi"), "iban")


@pytest.mark.parametrize("note", [
    "fr76 3000 6000 0112 3456 7890 188",  # one digit off: mod 97 fails
    "be68 5390 0754 7035 pour toi",
    "ab12 cdef 3456 ghij 7890",          # the shape, no country, no checksum
    "ref xy99 1234 5678 9012 3",
])
def test_lowercase_iban_shapes_failing_the_check(eng: str, note: str) -> None:
    assert _values(DOX.format(note), "iban") == set()
    assert [f for f in _scan(note) if f[0] == "iban"] == []


def test_lowercase_shape_does_not_hide_the_number_after_it(eng: str) -> None:
    """A two-letter, two-digit word before a phone is read as an IBAN candidate; when it is
    none, the number after it is still read."""
    assert _scan("id42 0612345678") == [("phone", "+33612345678", 5, 15)]
    assert _scan("cp75 4111 1111 1111 1111") == [("card", "4111111111111111", 5, 24)]


def test_hex_hash_before_a_short_word(eng: str) -> None:
    out: list[Found] = []
    h = "ab12" + "c" * 28
    scan(h + " ok", out, 0, "hash")
    assert [f[0] for f in out] == ["password_hash"]


def test_typed_columns_read_both_forms(eng: str) -> None:
    text = ("nom,telephone,iban\nJean,06/12/34/56/78,fr76 3000 6000 0112 3456 7890 189\n"
            "Paul,01/45/67/89/10,be68 5390 0754 7034\nLuc,06/98/76/54/32,Fr7630006000011234567890189\n")
    assert _values(text, "phone") == {"+33612345678", "+33145678910", "+33698765432"}
    assert _values(text, "iban") == {IBAN_FR, IBAN_BE}


@pytest.mark.parametrize(("cell", "iban"), [
    ("de89370400440532013000", "DE89370400440532013000"),      # only hex characters: a hex id's look
    ("ad1200012030200359100100", "AD1200012030200359100100"),
    ("fr7630006000011234567890189", IBAN_FR),
])
def test_lowercase_iban_alone_in_an_untyped_column(eng: str, cell: str, iban: str) -> None:
    assert _values(CSV.format(cell), "iban") == {iban}
