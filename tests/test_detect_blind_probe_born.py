"""A person introduced by name and birth ("Anaïs Moreau, née le 30/05/1988", "- Jean-Pierre
LEFEVRE, né le 15 mars 1985, 06 ...", "Patient : M. LEFEVRE Jean-Pierre, né le 15/03/1985, NIR
...") as doxes, member lists and medical letters write one: a blind probe of leak samples (a
held-out set written apart from the code) found the name and the date of birth missed, and a
dox headed by such a line found nothing at all. On the engine VIGIE_ENGINE names. All values
are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x60" * 32, version=1)


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


CASES: dict[str, tuple[str, list[str], set[tuple[str, str]]]] = {
    "dox_headed_by_a_birth": (
        "Anaïs Moreau, née le 30/05/1988 à Boulogne.\nTel: 06 55 44 33 22\n"
        "Adresse: 8 avenue Victor Hugo 92100 Boulogne-Billancourt\n",
        ["dox"],
        {("name", "anais moreau"), ("dob", "1988-05-30"), ("phone", "+33655443322"),
         ("address", "8 avenue victor hugo 92100 boulogne billancourt")}),
    "list_of_people": (
        "Liste adhérents:\n- Jean-Pierre LEFEVRE, né le 15 mars 1985, 06 12 34 56 78\n"
        "- Élodie MARTIN, née le 23 janvier 1992, 07 81 23 45 67\n"
        "- François DUBOIS, né(e) le 2.12.1977, f.dubois@exemple.fr\n",
        ["separated_run"],
        {("name", "jean lefevre pierre"), ("name", "elodie martin"), ("name", "dubois francois"),
         ("dob", "1985-03-15"), ("dob", "1992-01-23"), ("dob", "1977-12-02"),
         ("phone", "+33612345678"), ("phone", "+33781234567"), ("email", "f.dubois@exemple.fr")}),
    "medical_letter": (
        "Patient : M. LEFEVRE Jean-Pierre, né le 15/03/1985, NIR 1 85 03 75 115 123 32, tél 06 12 34 56 78.\n"
        "Motif : contrôle post-opératoire.\n",
        ["dox"],
        {("name", "jean lefevre pierre"), ("dob", "1985-03-15"), ("nir", "185037511512332"),
         ("phone", "+33612345678")}),
    "name_label_with_a_birth": (
        "Nom : Sophie ROUSSEAU, née le 19/07/1978\nPortable : 06 33 22 11 00\nMail : sophie.r@exemple.fr\n",
        ["dox"],
        {("name", "rousseau sophie"), ("dob", "1978-07-19"), ("phone", "+33633221100"),
         ("email", "sophie.r@exemple.fr")}),
}


@pytest.mark.parametrize("name", CASES)
def test_people_introduced_by_name_and_birth(name: str) -> None:
    text, kinds, want = CASES[name]
    frags = detect("infos:\n\n" + text + "\nfin\n", key=KEY)
    assert [f.kind for f in frags] == kinds
    assert _found(frags) == want


NOTHING = {
    # no identifier besides the births: a list of births is no leak
    "births_only": ("Anniversaires du club :\n- Jean MARTIN, né le 12 mars 1971, 12345678 points\n"
                    "- Marie DURAND, née le 3 mai 1980, 23456789 points\n"),
    # a public figure's biography beside an office's number: no labelled detail of the person
    "biography": "Emmanuel Exemple, né le 21 décembre 1977 à Amiens, est un homme politique.\n"
                 "Son cabinet : 01 42 92 81 00\n",
    # lower case: prose, not a person's record
    "prose": "il est né le 15/03/1985 et habite à Lyon, appelez le 06 12 34 56 78\nou le 06 98 76 54 32\n",
    # a birth before 1900 is no date of birth
    "historical": "- Victor HUGO, né le 26 février 1802, 06 12 34 56 78\n- Émile ZOLA, né le 2 avril 1840, "
                  "06 98 76 54 32\n",
}


@pytest.mark.parametrize("name", NOTHING)
def test_no_name_or_birth_without_a_persons_record(name: str) -> None:
    frags = detect(NOTHING[name], key=KEY)
    assert not {(t, v) for t, v in _found(frags) if t in ("name", "dob")}
