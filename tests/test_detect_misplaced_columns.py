"""E-mails under another column's header, and header names whose role word is not the first or
the last: a dump whose header lost a column (every value shifted by one), a column named
`Adresse e-mail` (read as a street before), a label such as `Adresse :` in front of an e-mail.
The address was lost, or kept as a postal address; it must come out as the e-mail it is,
whatever column it sits in. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.columns import role_of
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5a" * 32, version=1)

PEOPLE = [
    ("Martin", "Claire", "claire.martin@exemple.fr", "06 12 34 56 78"),
    ("Bernard", "Hugo", "hugo.bernard@exemple.org", "07 81 23 45 67"),
    ("Petit", "Inès", "ines.petit@exemple.net", "06 98 76 54 32"),
    ("Durand", "Marc", "m.durand@exemple.com", "01 45 67 89 10"),
    ("Leroy", "Sarah", "sarah.leroy@exemple.fr", "06 11 22 33 44"),
    ("Moreau", "Paul", "paul.moreau@exemple.org", "07 55 66 77 88"),
]
EMAILS = {p[2] for p in PEOPLE}


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


@pytest.mark.parametrize("header", ["Adresse", "Ville", "Code postal", "Téléphone", "IBAN", "Date de naissance",
                                    "NIR", "Numéro de carte", "SIRET", "Prénom", "Nom complet", "Pays"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_emails_under_another_columns_header_are_emails(header: str, sep: str) -> None:
    text = sep.join(["Nom", "Prénom", header]) + "\n" + "\n".join(sep.join(p[:3]) for p in PEOPLE) + "\n"
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    # not a postal address, a name or any other type made of an e-mail
    for f in frags:
        for i in f.identifiers:
            assert i.type == "email" or "@" not in i.value, (i.type, header)


def test_a_header_missing_one_column_keeps_the_emails() -> None:
    # the export dropped the `Prénom` header: each value sits one column left of its name
    text = "Nom;Email;Téléphone\n" + "\n".join(f"{p[0]};{p[1]};{p[2]};{p[3]}" for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS


@pytest.mark.parametrize("header", ["Adresse e-mail", "Adresse mail pro", "E-mail professionnel",
                                    "adresse_email_secondaire", "Courriel du patient"])
def test_header_names_holding_an_email_word_are_email_columns(header: str) -> None:
    assert role_of(header) == "email"
    text = f"Nom;Prénom;{header};Téléphone portable\n" + "\n".join(";".join(p) for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    assert len(_values(frags, "phone")) == len(PEOPLE)
    assert not _values(frags, "address")


@pytest.mark.parametrize(("header", "role"), [
    ("Date de naissance du patient", "dob"), ("N° de téléphone portable", "phone"),
    ("Code postal domicile", "postcode"),
    ("adresse_facturation", "street"), ("tel_domicile", "phone"), ("email_client", "email"),
    # a lone word inside a longer name does not type it; generic words never do
    ("statut_mail_envoye", None), ("id_patient", None), ("user_name_display", None),
])
def test_role_of_longer_header_names(header: str, role: str | None) -> None:
    assert role_of(header) == role


def test_a_label_naming_a_postal_address_in_front_of_an_email() -> None:
    text = "\n\n".join(f"Nom : {p[0]} {p[1]}\nAdresse : {p[2]}\nTéléphone : {p[3]}" for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    assert not any("@" in v for v in _values(frags, "address"))


def test_an_email_shaped_password_stays_a_secret() -> None:
    # a password column is never read for identifiers: its value is masked, not surfaced
    text = "email;password\n" + "\n".join(f"{p[2]};{p[1].lower()}@{p[0].lower()}.fr" for p in PEOPLE)
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == EMAILS
    assert len(_values(frags, "credential")) == len(PEOPLE)
