"""Labelled fields on one line with only a space or a comma between them (`Nom: Martin Claire
Email: c@x.fr Tel: 06...`, `nom=X email=Y`, `nom: X, email: Y`), as doxes, "fullz" lists and
logged form fields write them. Read as one key: value line before, a whole line of them gave
nothing. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.shapes import _pairs
from indexer.identifiers import canon_name
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x3c" * 32, version=1)

PEOPLE = [
    ("Martin", "Claire", "claire.martin@exemple.fr", "06 12 34 56 78", "12/03/1985"),
    ("Bernard", "Hugo", "hugo.bernard@exemple.org", "07 81 23 45 67", "01/11/1972"),
    ("Petit", "Inès", "ines.petit@exemple.net", "06 98 76 54 32", "23/06/1990"),
    ("Durand", "Marc", "m.durand@exemple.com", "01 45 67 89 10", "30/01/1964"),
    ("Leroy", "Sarah", "sarah.leroy@exemple.fr", "06 11 22 33 44", "15/08/2001"),
    ("Moreau", "Paul", "paul.moreau@exemple.org", "07 55 66 77 88", "04/04/1958"),
]
EMAILS = {p[2] for p in PEOPLE}
PHONES = {"+33" + p[3].replace(" ", "")[1:] for p in PEOPLE}
NAMES = {canon_name(f"{p[1]} {p[0]}") for p in PEOPLE}

FORMATS = {
    "spaces": "Nom: {0} Prénom: {1} Email: {2} Tel: {3} Date de naissance: {4}",
    "commas": "nom: {0}, prenom: {1}, email: {2}, telephone: {3}, ddn: {4}",
    "space_before_colon": "Nom : {0} Prénom : {1} Adresse e-mail : {2} Téléphone : {3} Né le : {4}",
    "equals": "nom={0} prenom={1} email={2} tel={3} dob={4}",
    "bullet": "[+] Last name: {0} First name: {1} Mail: {2} Phone: {3} DOB: {4}",
}


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS.keys())
def test_a_person_per_line_with_space_separated_labels(fmt: str) -> None:
    text = "Voici la liste, servez-vous :\n\n" + "\n".join(fmt.format(*p) for p in PEOPLE) + "\n\nBonne journée."
    frags = detect(text, key=KEY)
    assert len(frags) == 1 and frags[0].kind == "dox", [(f.kind, f.start_line) for f in frags]
    assert _values(frags, "email") == EMAILS
    assert _values(frags, "phone") == PHONES
    assert len(_values(frags, "dob")) == len(PEOPLE)
    assert _values(frags, "name") == NAMES  # each name alone: not "claire date de martin"


def test_multi_word_labels_are_taken_whole() -> None:
    pairs = _pairs("Nom: Martin Claire Date de naissance: 12/03/1985 Adresse e-mail: c.m@exemple.fr Tel: 0612345678")
    assert pairs is not None
    assert [(label, value) for label, value, _ in pairs] == [
        ("Nom", "Martin Claire"), ("Date de naissance", "12/03/1985"), ("Adresse e-mail", "c.m@exemple.fr"),
        ("Tel", "0612345678")]


def test_a_name_ending_like_a_label_keeps_its_words() -> None:
    # `Martin Tel` is no label, `Tel` is: the name keeps "Jean Martin"
    pairs = _pairs("Nom: Jean Martin Tel: 06 12 34 56 78 Email: jm@exemple.fr")
    assert pairs is not None
    assert [v for _, v, _ in pairs] == ["Jean Martin", "06 12 34 56 78", "jm@exemple.fr"]


def test_colons_inside_values_stay_in_them() -> None:
    pairs = _pairs("URL: https://mail.exemple.fr/login Login: bob@exemple.fr Password: a:b=c Heure: 12:30")
    assert pairs is not None
    assert [(label, value) for label, value, _ in pairs] == [
        ("URL", "https://mail.exemple.fr/login"), ("Login", "bob@exemple.fr"), ("Password", "a:b=c Heure: 12:30")]


def test_article9_notes_beside_the_fields_are_flagged() -> None:
    text = "\n".join(f"Nom: {p[0]} {p[1]} Email: {p[2]} Tel: {p[3]} Notes: VIH positif, sous ARV" for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    assert {s.category for f in frags for s in f.sensitive} == {"health"}


@pytest.mark.parametrize("line", [
    "Note: rendez-vous à 12:30 demain, le mail: voir plus haut",
    "Attention: ceci n'est pas un dump, juste une remarque: merci",
    "Prix: 50$ Livraison: 3 jours",
    "Voici le contact: jean Email: voir MP",
])
def test_prose_with_colons_is_no_labelled_line_of_a_person(line: str) -> None:
    assert detect("\n".join([line] * 6), key=KEY) == []


def test_one_line_needs_a_name_and_two_anchors() -> None:
    # a signature (`Email: ... Tel: ...`) is not a leak; a person with two anchors is a dox
    assert detect("Email: contact@exemple.fr Tel: 01 45 67 89 10", key=KEY) == []
    frags = detect("Nom: Claire Martin Email: claire.martin@exemple.fr Tel: 06 12 34 56 78", key=KEY)
    assert len(frags) == 1 and frags[0].kind == "dox"
