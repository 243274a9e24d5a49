"""Delimited dumps without a header row (issue 12, "Dumps without a header"): columns typed by
what their values validate as, reported as `csv` with their delimiter, masked like a headed CSV;
and prose that only looks tabular gives nothing. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.shapes import MIN_HEADERLESS_ROWS
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x22" * 32, version=1)

# last name, first name, email, phone, street, postcode, city (every value synthetic)
ROWS = [
    ("Dupont", "Jean", "jean.dupont@exemple.fr", "06 12 34 56 78", "12 rue de la Paix", "75002", "Paris"),
    ("Martinez", "Léa", "lea.martinez@exemple.org", "+33 7 81 23 45 67", "4 avenue Victor Hugo", "69003", "Lyon"),
    ("Petitjean", "Luc", "luc.petitjean@exemple.net", "0612345679", "7 boulevard Gambetta", "13001", "Marseille"),
    ("Rousseau", "Anaïs", "anais.r@exemple.fr", "06.12.34.56.70", "21 place du Marché", "44000", "Nantes"),
    ("Lemaire", "Noé", "noe.lemaire@exemple.com", "07 81 23 45 68", "3 impasse des Lilas", "59000", "Lille"),
]
EMAILS = {r[2] for r in ROWS}
PHONES = {"+33612345678", "+33781234567", "+33612345679", "+33612345670", "+33781234568"}
PROSE_ABOVE = "Salut à tous, voici l'extrait promis (le reste en MP) :\n"
PROSE_BELOW = "\nBonne lecture, et n'oubliez pas de noter le fil."


def values(frag: Fragment, t: str) -> set[str]:
    return {i.value for i in frag.identifiers if i.type == t}


def one(text: str) -> Fragment:
    frags = detect(text, key=KEY)
    assert len(frags) == 1, [(f.kind, f.start_line, f.end_line) for f in frags]
    return frags[0]


def _line(row: tuple[str, ...], sep: str, quoted: bool) -> str:
    return sep.join(f'"{v}"' if quoted else v for v in row)


@pytest.mark.parametrize("quoted", [False, True], ids=["bare", "quoted"])
@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_headerless_block_in_each_delimiter(sep: str, quoted: bool) -> None:
    block = "\n".join(_line(r, sep, quoted) for r in ROWS)
    f = one(PROSE_ABOVE + "\n" + block + "\n" + PROSE_BELOW)
    assert (f.kind, f.delimiter, f.start_line, f.end_line) == ("csv", sep, 3, 7)
    assert values(f, "email") == EMAILS and values(f, "phone") == PHONES
    # the street column is typed by its values: it and the postcode beside it are masked and
    # combined into an address, as under an `adresse;cp;ville` header
    assert "12 rue de la paix 75002 paris" in values(f, "address") and len(values(f, "address")) == len(ROWS)
    for last, _first, email, phone, street, postcode, city in ROWS:  # nothing readable in the excerpt
        for v in (last, email, phone, street, postcode, city):
            assert v not in f.excerpt, (v, f.excerpt)
    assert "[address]" in f.excerpt


def test_trailing_delimiter_crlf_and_empty_cells() -> None:
    """A French export: `;`, CRLF, some rows ending with `;` and some not, empty cells bare and
    quoted (`""`), an empty quoted last cell: one block, every row in it."""
    rows = [
        'Dupont;Jean;"jean.dupont@exemple.fr";06 12 34 56 78;"";',
        'Martinez;;lea.martinez@exemple.org;"+33 7 81 23 45 67";Lyon',
        '"Petitjean";"Luc";"luc.petitjean@exemple.net";;"Marseille";',
        'Rousseau;Anaïs;anais.r@exemple.fr;06.12.34.56.70;""',
        'Lemaire;Noé;"noe.lemaire@exemple.com";07 81 23 45 68;Lille;',
    ]
    f = one("Extrait :\r\n\r\n" + "\r\n".join(rows) + "\r\n\r\nfin")
    assert (f.kind, f.delimiter, f.start_line, f.end_line) == ("csv", ";", 3, 7)
    assert values(f, "email") == EMAILS
    assert values(f, "phone") == PHONES - {"+33612345679"}


def test_crlf_converted_twice_is_one_line_end() -> None:
    """`\\r\\r\\n` (a CRLF file converted again) ends a line; it is not a blank line between rows."""
    block = "\r\r\n".join(_line(r, "|", False) for r in ROWS)
    f = one("Voici:\r\r\n" + block + "\r\r\n")
    assert (f.kind, f.start_line, f.end_line) == ("csv", 2, 6) and values(f, "email") == EMAILS


def test_national_phones_are_read_in_the_other_rows_country() -> None:
    """A phone column without a header: the +32 numbers of some rows make it Belgian, so
    `0470 12 34 57` is +32 470..., not the French landline 04 70 12 34 57."""
    rows = ["Peeters;Jan;jan.peeters@voorbeeld.be;+32 470 12 34 56",
            "Janssens;An;an.janssens@voorbeeld.be;0470 12 34 57",
            "Maes;Tom;tom.maes@voorbeeld.be;+32 471 98 76 54",
            "Jacobs;Els;els.jacobs@voorbeeld.be;0472 11 22 33"]
    f = one("\n".join(rows))
    assert values(f, "phone") == {"+32470123456", "+32470123457", "+32471987654", "+32472112233"}


def test_national_ids_are_typed_by_their_values() -> None:
    """A column of Spanish DNIs (8 digits and a check letter) in a header-less dump: national ids of
    Spain, each validated; a wrong check letter is not one."""
    rows = ["García|Ana|12345678Z|ana.garcia@ejemplo.es", "López|Juan|87654321X|juan.lopez@ejemplo.es",
            "Martín|Eva|11223344B|eva.martin@ejemplo.es", "Ruiz|Pau|55667788A|pau.ruiz@ejemplo.es"]
    f = one("\n".join(rows))
    assert values(f, "national_id") == {"ES:12345678Z", "ES:87654321X", "ES:11223344B"}
    assert {i.country for i in f.identifiers if i.type == "national_id"} == {"ES"}


def test_dates_are_not_phones() -> None:
    """A date column (a valid number in some country once its separators go) is no phone. Beside
    a name column and an e-mail column, header-less, its dates (all of people aged 14 to 110) are
    births (wave 27: `NOM;Prénom;mail;17/05/1981` lists, blind probe set 6's headerless_birth_only)."""
    rows = [f"{r[0]};{r[2]};{d}" for r, d in zip(ROWS, ["1970-03-07", "15.10.1996", "08-09-1959", "1940-10-17",
                                                          "1972-12-23"], strict=True)]
    f = one("\n".join(rows))
    assert f.kind == "csv" and values(f, "email") == EMAILS
    assert values(f, "phone") == set()
    assert values(f, "dob") == {"1970-03-07", "1996-10-15", "1959-09-08", "1940-10-17", "1972-12-23"}


# --- the minimum: three rows, or two rows each holding two typed identifiers
def test_minimum_rows_boundary() -> None:
    assert MIN_HEADERLESS_ROWS == 3
    one_col = [f"{r[0]};{r[2]};{r[6]}" for r in ROWS]
    assert detect("\n".join(one_col[:2]), key=KEY) == []  # two rows, one typed column: a reply, not a dump
    f = one("\n".join(one_col[:3]))
    assert (f.kind, f.delimiter, f.end_line) == ("csv", ";", 3) and len(values(f, "email")) == 3
    two_cols = [f"{r[0]};{r[2]};{r[3]}" for r in ROWS]
    f = one("Deux lignes :\n" + "\n".join(two_cols[:2]) + "\n")
    assert (f.kind, f.start_line, f.end_line) == ("csv", 2, 3)
    assert len(values(f, "email")) == 2 and len(values(f, "phone")) == 2
    assert detect(two_cols[0], key=KEY) == []  # one row is never a block


@pytest.mark.parametrize("text", [
    # `;`-separated sentences, one of them with an email and another with a phone
    "Écrivez à contact@exemple.fr; on répond vite; merci\nOu passez nous voir; le mardi; à 10:30\n"
    "Sinon appelez; le standard; au 01 23 45 67 89\n",
    "On se voit à 10:30; ensuite on mange; puis réunion à 14:00\nJe ne peux pas; j'ai piscine; désolé pour 15:45\n"
    "Ça marche; à demain; bisous de 09:15\n",
    "10:30;11:45;14:00;16:15\n08:00;09:30;12:00;13:30\n07:45;10:00;12:30;18:00\n",
    "Versions testées: 3.11.7, 3.12.1, 3.13.0\nnginx 1.24.0, 1.25.3, 1.26.1\nopenssl 3.0.13, 3.1.5, 3.2.1\n",
    "| version | date | statut |\n| 1.2.10 | 2024-03-01 | ok |\n| 1.2.11 | 2024-04-12 | ok |\n"
    "| 1.3.0 | 2024-06-30 | ko |\n",
    "Commande 1234567890123; livrée; 49,90 €\nCommande 1234567890124; en cours; 19,90 €\n"
    "Commande 1234567890125; annulée; 9,90 €\n",
    "ouverture|fermeture|pause\n08:30|18:30|12:00-13:30\n09:00|19:00|12:30-14:00\n10:00|17:00|aucune\n",
], ids=["contact-sentences", "semicolon-sentences", "times", "versions", "version-table", "orders", "hours"])
def test_prose_that_looks_tabular_is_not_a_fragment(text: str) -> None:
    assert detect(text, key=KEY) == []


@pytest.mark.parametrize("layout", ["fixed-width", "single-space", "tab-and-spaces"])
def test_columns_apart_by_spaces(layout: str) -> None:
    """A fixed-width export or `email phone` lines: columns apart by spaces, typed by value like
    any header-less block and reported as csv with a space (or tab) as its delimiter."""
    rows = [(r[0].upper(), r[1].upper(), r[2], r[3].replace(" ", "").replace(".", "")) for r in ROWS]
    if layout == "fixed-width":  # names may hold single spaces there: only 2+ spaces part columns
        rows[0] = ("DE LA TOUR", *rows[0][1:])
        block = "\n".join(f"{a:<14}{b:<10}{c:<30}{d}" for a, b, c, d in rows)
    elif layout == "single-space":
        block = "\n".join(f"{c} {d} {a}" for a, b, c, d in rows)
    else:
        block = "\n".join(f"{c}\t{d}   {b}" for a, b, c, d in rows)
    f = one(PROSE_ABOVE + "\n" + block + "\n" + PROSE_BELOW)
    assert (f.kind, f.delimiter, f.start_line, f.end_line) == ("csv", "\t" if "tab" in layout else " ", 3, 7)
    assert values(f, "email") == EMAILS and values(f, "phone") == PHONES
    for _last, _first, email, phone in rows:
        assert email not in f.excerpt and phone not in f.excerpt


@pytest.mark.parametrize("text", [
    # lines of prose, each with an address or a number, as many words by chance or not
    "écrivez à jean.dupont@exemple.fr pour les ventes\nou bien à eva.martin@exemple.fr pour le support\n"
    "et appelez le 06 12 34 56 78 sinon\n",
    "mail jean.dupont@exemple.fr\nmail eva.martin@exemple.fr\nvoir le site\n",
    "Build 1234567890 passed in 12 s\nBuild 1234567891 failed in 14 s\nBuild 1234567892 passed in 11 s\n",
])
def test_prose_lines_apart_by_spaces_are_not_a_fragment(text: str) -> None:
    assert detect(text, key=KEY) == []

