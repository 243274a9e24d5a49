"""A surname or first-name column is the person's name, whatever the header's wording.

Surnames such as "Gay", "Chrétien" or "Lesbros" and first names such as "Christian" are words of
the article 9 lexicon. Under a column that holds names they say nothing about the person; the
wave 20 dense benchmark's `nom_famille` column flagged its "Gay" and "Chrétien" rows as sexual
orientation and religion because only `nom`, `last_name` and a few others were listed.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(bytes(32))
PEOPLE = [("Gay", "Paul"), ("Chrétien", "Anne"), ("Martin", "Christian"), ("Dubois", "Marie"), ("Lesbros", "Louis")]


def _table(surname: str, first: str, extra: str = "", cell: str = "") -> str:
    head = f"{surname};{first};email;telephone{';' + extra if extra else ''}"
    rows = [f"{n};{p};{p.lower()}.{i}@exemple.fr;06 12 34 56 {i:02d}{';' + cell if extra else ''}"
            for i, (n, p) in enumerate(PEOPLE * 2)]
    return "\n".join([head, *rows]) + "\n"


def _flags(text: str, least: int = 20) -> set[tuple[str, str]]:
    frags = detect(text, key=KEY)
    assert frags and len(frags[0].identifiers) >= least, "the text must be read as a dump"
    return {(f.category, f.evidence) for frag in frags for f in frag.sensitive}


@pytest.mark.parametrize(("surname", "first"), [
    ("nom_famille", "prenom"), ("Nom de famille", "Prénom"), ("family_name", "given_names"),
    ("nom_naissance", "prenom"), ("maiden_name", "forename"), ("lname", "fname"), ("last", "first"),
    ("nom_usage", "Prénom 2"), ("customer_name", "middle_name"),
])
def test_names_under_any_name_header_flag_nothing(surname: str, first: str) -> None:
    assert _flags(_table(surname, first)) == set()


def test_a_category_column_beside_them_still_flags() -> None:
    """The names columns drop only what sits under them: the row's religion column still counts."""
    flags = _flags(_table("nom_famille", "prenom", extra="religion", cell="catholique"))
    assert ("religion", "catholique") in flags
    assert not {e for _, e in flags} & {"Gay", "Chrétien", "Christian"}


def test_a_dox_label_is_a_column_too() -> None:
    text = ("Nom de famille: Gay\nPrénom: Christian\nEmail: christian.gay@exemple.fr\n"
            "Téléphone: 06 12 34 56 78\nAdresse: 3 rue des Lilas, 69003 Lyon\n")
    (frag,) = detect(text, key=KEY)
    assert {(f.category, f.evidence) for f in frag.sensitive} == set()


def test_a_term_in_an_addresses_local_part_is_its_owners_name() -> None:
    """A combo list's "paul.gay@..." is Mr Gay's mailbox: no flag. The same word said of the
    person on the line still flags."""
    combo = "".join(f"{u}@exemple.fr:{p}\n" for u, p in [
        ("paul.gay", "hunter22"), ("luc.chretien", "azerty12"), ("marc.juif", "pass1234"),
        ("anne.musulman", "soleil99"), ("jean.dupont", "motdepasse1")])
    assert _flags(combo, least=10) == set()
    dox = ("Nom: Paul Durand\nEmail: paul.gay@exemple.fr\nTéléphone: 06 12 34 56 78\n"
           "Adresse: 3 rue des Lilas, 69003 Lyon\nInfos: gay, juif pratiquant\n")
    (frag,) = detect(dox, key=KEY)
    notes = dox.index("Infos:")
    assert {(f.category, f.evidence.lower()) for f in frag.sensitive} == {
        ("sexual_orientation", "gay"), ("religion", "juif")}
    assert all(f.start is not None and f.start > notes for f in frag.sensitive)
