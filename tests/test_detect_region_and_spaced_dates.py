"""Two identifier readings the blind probe set 7b showed wrong on both engines (wave 29, lead):

- a row that names its country (`pays`, `country` column) reads its local phone number in that
  country first: Luxembourg's and Portugal's nine digits are theirs, not Switzerland's, a Swiss
  `061 234 56 78` is Swiss; a number written the French way (ten digits, whole or in pairs) stays
  French unless the row's country writes its own numbers so (Monaco's `06 40 87 21 53` is +377).
  A number invalid in the row's country keeps the column's reading; rows without a country are
  read as before.
- a date whose separators an OCR'd or typed form spaced (`27 / 11 / 1942`) is a date; a blank on
  one side only is not read as a separator.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.identifiers import canon_dob
from indexer.tokens import MatchKey
from tests.native_core import assert_finds, native_engine

KEY = MatchKey(b"r" * 32)
PHONE = frozenset({"phone"})


@pytest.fixture(params=["python", "native"], scope="module")
def on_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        yield from (request.param for _ in native_engine())
    else:
        engine.set_engine("python")
        try:
            yield "python"
        finally:
            engine.set_engine(None)


ROWS = {
    "pipe": ("client|pays|email|tel", "|"),
    "semicolon": ("nom;pays;courriel;telephone", ";"),
    "csv_country_en": ("name,country,email,phone", ","),
}


def _table(header: str, sep: str, rows: list[tuple[str, str, str, str]]) -> str:
    return "\n".join([header, *(sep.join(r) for r in rows)]) + "\n"


@pytest.mark.parametrize("layout", sorted(ROWS))
def test_a_rows_country_reads_its_local_number_first(on_engine: str, layout: str) -> None:
    header, sep = ROWS[layout]
    rows = [
        ("Louis Rainier", "MC", "louis.rainier@monaco-mail.mc", "06 40 87 21 53"),
        ("Chantal Kieffer", "LU", "chantal.kieffer@pt.lu", "621 345 678"),
        ("Joao Ferreira", "PT", "joao.ferreira@sapo.pt", "912 345 678"),
        ("Marc Dubois", "FR", "marc.dubois@orange.fr", "06 12 34 56 78"),
        ("Anna Keller", "CH", "anna.keller@bluewin.ch", "061 234 56 78"),
        ("Lucie Marchal", "BE", "lucie.marchal@skynet.be", "0470 12 34 56"),
    ]
    assert_finds(_table(header, sep, rows), {
        ("phone", "+377640872153"), ("phone", "+352621345678"), ("phone", "+351912345678"),
        ("phone", "+33612345678"), ("phone", "+41612345678"), ("phone", "+32470123456")}, PHONE, KEY)


def test_a_number_invalid_in_the_rows_country_keeps_the_columns_reading(on_engine: str) -> None:
    # customers abroad who kept their French mobile: 06... is no Belgian or Luxembourg number
    rows = [
        ("Paul Girard", "BE", "paul.girard@free.fr", "06 71 22 33 44"),
        ("Eva Roux", "LU", "eva.roux@laposte.net", "07 81 22 33 45"),
        ("Hugo Petit", "FR", "hugo.petit@orange.fr", "06 12 34 56 79"),
        ("Inès Moreau", "FR", "ines.moreau@sfr.fr", "01 42 68 53 00"),
    ]
    assert_finds(_table(*ROWS["pipe"], rows), {
        ("phone", "+33671223344"), ("phone", "+33781223345"), ("phone", "+33612345679"),
        ("phone", "+33142685300")}, PHONE, KEY)


def test_a_number_written_the_french_way_stays_french_in_a_country_that_writes_otherwise(on_engine: str) -> None:
    # 03 91 73 74 99 is also a Magdeburg number and 06 96 64 76 36 a Moroccan mobile: written in
    # France's pairs (or as ten digits) they are France's, whatever a foreign row's country says
    rows = [
        ("Klaus Weber", "DE", "klaus.weber@gmx.de", "03.91.73.74.99"),
        ("Paolo Ricci", "IT", "paolo.ricci@libero.it", "09 75 27 12 84"),
        ("Yasmine Alaoui", "MA", "yasmine.alaoui@menara.ma", "06 96 64 76 36"),
        ("Sven Olsen", "DE", "sven.olsen@web.de", "0690422489"),
        ("Anna Keller", "CH", "anna.keller@bluewin.ch", "061 234 56 78"),
    ]
    assert_finds(_table(*ROWS["pipe"], rows), {
        ("phone", "+33391737499"), ("phone", "+33975271284"), ("phone", "+596696647636"),
        ("phone", "+590690422489"), ("phone", "+41612345678")}, PHONE, KEY)


def test_rows_without_a_country_column_stay_french(on_engine: str) -> None:
    text = "\n".join(["nom;email;telephone",
                      "Louis Rainier;louis.rainier@orange.fr;06 40 87 21 53",
                      "Chantal Kieffer;chantal.kieffer@free.fr;06 21 34 56 78",
                      "Joao Ferreira;joao.ferreira@sfr.fr;07 56 12 34 78"]) + "\n"
    assert_finds(text, {("phone", "+33640872153"), ("phone", "+33621345678"), ("phone", "+33756123478")},
                 PHONE, KEY)


@pytest.mark.parametrize(("raw", "iso"), [
    ("27 / 11 / 1942", "1942-11-27"), ("1942 - 11 - 27", "1942-11-27"), ("27 . 11 . 1942", "1942-11-27"),
    ("3 / 2 / 1961", "1961-02-03"), ("27 / 11 / 42", "1942-11-27"), ("27 / 11 / 1942 00:00", "1942-11-27"),
    ("27/11/1942", "1942-11-27"),
])
def test_spaced_separators_make_a_date(on_engine: str, raw: str, iso: str) -> None:
    assert canon_dob(raw) == iso


@pytest.mark.parametrize("raw", ["27 /11/ 1942", "27  /  11  /  1942", "27 / 13 / 1942", "31 / 02 / 1985",
                                 "27 / 11 / 1899", "2 / 3", "12 - 15 - 2030", "1 / 2 / 3 / 4"])
def test_spaced_separators_read_no_more_than_the_date_would(on_engine: str, raw: str) -> None:
    assert canon_dob(raw) is None


def test_an_ocrd_forms_spaced_birth_date_is_found(on_engine: str) -> None:
    form = ("BULLETIN D'ADHESION - MUTUELLE SANTE\n"
            "Nom : LEFEVRE            Prénom : Odette\n"
            "Date de naissance : 27 / 11 / 1942\n"
            "Adresse : 14 rue des Tilleuls 59000 Lille\n"
            "Téléphone : 06 31 42 53 64\n"
            "Email : odette.lefevre@orange.fr\n")
    assert_finds(form, {("dob", "1942-11-27"), ("phone", "+33631425364"), ("email", "odette.lefevre@orange.fr")},
                 frozenset({"dob", "phone", "email"}), KEY)
