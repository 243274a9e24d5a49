# ruff: noqa: E501  (a dump's line is kept whole, as it is pasted)
"""Article 9 and precision, round 10: blind sets 8 and 7's precision and prose misses, by class (wave 30, helper I).

- a NIR written with a WRONG key (`1 44 05 31 540 728 (94)`, `[..]`, `clé ..`) is no NIR, never "the body and
  its right key" (the lead's decision, wave 29); the same shapes with the right key, or with no key at all under
  a NIR column, are NIRs;
- a company's directory of service lines (a `Service`/`Department`/`Unité` column, switchboards, extensions,
  faxes; no person named) holds no one's phone (its units' mailboxes are still found, as since wave 25); a directory of NAMED staff (a `Nom` or
  `Interlocuteur` column, `Mme X` in a row, a mobile, a person's address) is personal data and is kept;
- one person's identifiers in a private note or letter that tells of them as a patient (`X (x@y, 06 ...) est
  suivi au CSAPA`, a referral letter's `Je vous adresse M. X, né le ...`, a sick note's `Assuré : X`, NIR and
  birth) is a dox with its health flag; a job advert, a leaflet's helpline, a practitioner's card and a press
  article about a public figure's illness stay clean;
- an address the reader would start inside its local part (`ZOË.LEROY@x.fr` read as `LEROY@x.fr`, a local
  part opening with a dot, `.maelys@free.fr`) is no address; the same addresses written whole are kept.

Every test runs on both engines (`eng`); the NIR's written key is read by the compiled core's scan too.
"""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import nir, spaced_nir
from tests.native_core import assert_engines_agree

KEY = MatchKey(b"\x30" * 32, version=2)

# synthetic NIRs (valid in form only): a man born 05/1944 in the Gironde, a woman 12/1961, a Corsican woman 02/1995
_GOOD = [nir("1440533154072"), nir("2611287742523"), nir("295022A753569")]
_BAD = [g[:13] + f"{(int(g[13:]) + 7) % 97 or 1:02d}" for g in _GOOD]


def found(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers}


def types(text: str) -> set[str]:
    return {t for t, _ in found(text)}


def cats(text: str) -> set[str]:
    return {s.category for f in detect(text, key=KEY) for s in f.sensitive}


def _paren(v: str) -> str:
    return f"{spaced_nir(v)[:-3]} ({v[13:]})"


# ---------------------------------------------------------------- precision: a NIR with a wrong written key

WRONG_KEY = {
    "csv_parentheses": "Nom;N° Sécurité sociale;Ville\n" + "\n".join(f"{n};{_paren(b)};{c}" for n, b, c in zip(["DELMAS", "DA SILVA", "HUET"], _BAD, ["Toulouse", "Limoges", "Ajaccio"], strict=True)) + "\n",
    "tab_brackets": "nom\tnir\tville\n" + "\n".join(f"{n}\t{b[:13]} [{b[13:]}]\t{c}" for n, b, c in zip(["Roux", "Blanc", "Leca"], _BAD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
    "semicolon_cle": "nom;numero_secu;ville\n" + "\n".join(f"{n};{b[:13]} clé {b[13:]};{c}" for n, b, c in zip(["ROUX", "BLANC", "LECA"], _BAD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
    "pipe_key_colon_en": "name|social_security_number_fr|city\n" + "\n".join(f"{n}|{spaced_nir(b)[:-3]} key: {b[13:]}|{c}" for n, b, c in zip(["Smith", "Jones", "Brown"], _BAD, ["Lyon", "Metz", "Ajaccio"], strict=True)) + "\n",
    "csv_paren_no_space": "nom,nir,ville\n" + "\n".join(f"{n},{b[:13]}({b[13:]}),{c}" for n, b, c in zip(["Roux", "Blanc", "Leca"], _BAD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
}
RIGHT_KEY = {
    "csv_parentheses": WRONG_KEY["csv_parentheses"].replace(_paren(_BAD[0]), _paren(_GOOD[0])).replace(_paren(_BAD[1]), _paren(_GOOD[1])).replace(_paren(_BAD[2]), _paren(_GOOD[2])),
    "tab_brackets": "nom\tnir\tville\n" + "\n".join(f"{n}\t{g[:13]} [{g[13:]}]\t{c}" for n, g, c in zip(["Roux", "Blanc", "Leca"], _GOOD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
    "keyless_body_under_nir_column": "nom;nir;ville\n" + "\n".join(f"{n};{spaced_nir(g)[:-3]};{c}" for n, g, c in zip(["ROUX", "BLANC", "LECA"], _GOOD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
    "body_then_other_number": "nom;nir;ville\n" + "\n".join(f"{n};{g[:13]} (dossier 12345);{c}" for n, g, c in zip(["ROUX", "BLANC", "LECA"], _GOOD, ["Nantes", "Brest", "Bastia"], strict=True)) + "\n",
}


@pytest.mark.parametrize("name", sorted(WRONG_KEY))
def test_a_nir_with_a_wrong_written_key_is_no_nir(eng: str, name: str) -> None:
    assert "nir" not in types(WRONG_KEY[name])


@pytest.mark.parametrize("name", sorted(RIGHT_KEY))
def test_a_nir_with_its_right_key_or_none_is_found(eng: str, name: str) -> None:
    assert {x for x in found(RIGHT_KEY[name]) if x[0] == "nir"} == {("nir", g) for g in _GOOD}


# ---------------------------------------------------------------- precision: a directory of service lines

SERVICE_LINES = {
    "aligned_fr": """Annuaire interne — Menuiserie Roux (mise à jour 30/11/2026)
Service                 Ligne directe      Poste   Fax
Accueil / standard      01 44 55 60 00     200     01 44 55 60 99
Comptabilité            01 44 55 60 10     210     —
Paie / RH               01 44 55 60 20     220     —
SAV                     01 44 55 60 30     230     —""",
    "csv_units_mailboxes": "Service;Téléphone;Poste;Fax;Courriel\nAccueil;01 44 55 60 00;200;01 44 55 60 99;accueil@menuiserie-roux.fr\nComptabilité;01 44 55 60 10;210;;compta@menuiserie-roux.fr\nPaie / RH;01 44 55 60 20;220;;rh@menuiserie-roux.fr\nSAV;01 44 55 60 30;230;;sav@menuiserie-roux.fr\n",
    "markdown_en_direct_line": "Internal phone list — Harbour Freight Ltd (updated 30/11/2026)\n\n| Department | Direct line | Ext. | Fax |\n|---|---|---|---|\n| Reception | 04 91 22 30 00 | 300 | 04 91 22 30 99 |\n| Accounts | 04 91 22 30 10 | 310 | |\n| Warehouse | 04 91 22 30 40 | 340 | |\n| IT helpdesk | 04 91 22 30 50 | 350 | |\n",
    "tab_hospital_units": "Unité\tStandard\tFax\nCardiologie\t03 88 11 60 00\t03 88 11 60 01\nPneumologie\t03 88 11 62 00\t03 88 11 62 01\nUrgences\t03 88 11 67 00\t03 88 11 67 01\n",
    "pipe_nom_du_service": "Nom du service | Ligne directe | Poste\nStandard | 05 56 79 40 00 | 1\nAstreinte technique | 05 56 79 40 55 | 55\nMagasin | 05 56 79 40 60 | 60\n",
}
NAMED_STAFF = {
    "nom_column": "Nom;Service;Ligne directe;Poste\nDURAND Sophie;Comptabilité;02 40 44 12 10;110\nMARTIN Luc;Ressources humaines;02 40 44 12 20;120\nLEROY Anne;Atelier;02 40 44 12 40;140\n",
    "interlocuteur_column": "Service\tInterlocuteur\tLigne directe\nComptabilité\tSophie Durand\t02 40 44 12 10\nRH\tLuc Martin\t02 40 44 12 20\nAtelier\tAnne Leroy\t02 40 44 12 40\n",
    "civility_in_rows": "Service                     Ligne directe      Poste\nComptabilité (Mme Durand)   02 40 44 12 10     110\nRH (M. Martin)              02 40 44 12 20     120\nAtelier (M. Leroy)          02 40 44 12 40     140\n",
    "a_mobile_among_them": "Service;Ligne directe;Poste\nAstreinte;06 12 34 56 78;1\nAccueil;02 40 44 12 00;100\nComptabilité;02 40 44 12 10;110\n",
    "personal_mailboxes": "Service;Téléphone;Courriel\nAccueil;01 44 55 60 00;sophie.durand@gmail.com\nComptabilité;01 44 55 60 10;luc.martin@orange.fr\n",
    "people_landlines": "Nom;Ville;Téléphone;Fax\nDurand;Nantes;02 40 44 12 10;02 40 44 12 11\nMartin;Rennes;02 99 30 12 20;02 99 30 12 21\n",
    "named_en_direct_line": "| Name | Department | Direct line |\n|---|---|---|\n| Sophie Durand | Accounts | 04 91 22 30 10 |\n| Luc Martin | Warehouse | 04 91 22 30 40 |\n| Anne Leroy | IT | 04 91 22 30 50 |\n",
}


@pytest.mark.parametrize("name", sorted(SERVICE_LINES))
def test_a_directory_of_service_lines_holds_no_ones_phone(eng: str, name: str) -> None:
    assert "phone" not in types(SERVICE_LINES[name])


def test_a_directory_keeps_its_units_mailboxes_and_loses_its_words(eng: str) -> None:
    """(wave 25's decision, kept: a unit's mailbox is found, the words of its units are about no one)"""
    text = SERVICE_LINES["csv_units_mailboxes"]
    assert types(text) == {"email"} and cats(text) == set()
    assert found(SERVICE_LINES["aligned_fr"]) == set()


@pytest.mark.parametrize("name", sorted(NAMED_STAFF))
def test_a_directory_of_people_keeps_their_phones(eng: str, name: str) -> None:
    assert "phone" in types(NAMED_STAFF[name])


# ---------------------------------------------------------------- precision: an address whose local part the reader cannot start

CUT_LOCAL_PARTS = {
    "accented_before_dot_csv": "name,email\nZoë,ZOË.LEROY@Orange.fr\nAnaïs,anaïs.durand@free.fr\nChloé,Chloé.Martin@gmail.com\n",
    "accented_before_dot_semicolons": "nom;prenom;email;tel\nLEROY;Zoë;zoë.leroy@orange.fr;0612345678\nDURAND;Anaïs;anaïs.durand@free.fr;0623456789\nNOËL;Léa;NOËL.lea@sfr.fr;0634567890\n",
    "leading_dot_column": "email;ville\n.maelys@free.fr;Nantes\n.jean.dupont@orange.fr;Brest\n.luc@laposte.net;Lyon\n",
    "leading_dot_tabs": "nom\temail\nRoux\t.roux.paul@gmail.com\nBlanc\t.sblanc@free.fr\nLeca\t.leca@orange.fr\n",
}
WHOLE_LOCAL_PARTS = {
    "plain_ascii": ("nom;email;tel\nLEROY;zoe.leroy@orange.fr;0612345678\nDURAND;anais.durand@free.fr;0623456789\n", {"zoe.leroy@orange.fr", "anais.durand@free.fr"}),
    "ellipsis_before": ("nom;email\nDurand;...sophie.durand@free.fr\nMartin;luc.martin@free.fr\n", {"sophie.durand@free.fr", "luc.martin@free.fr"}),
    "after_a_space_or_colon": ("nom;contact\nDurand;mail: sophie.durand@free.fr\nMartin;Luc luc.martin@free.fr\n", {"sophie.durand@free.fr", "luc.martin@free.fr"}),
}


@pytest.mark.parametrize("name", sorted(CUT_LOCAL_PARTS))
def test_an_address_read_from_inside_its_local_part_is_none(eng: str, name: str) -> None:
    assert "email" not in types(CUT_LOCAL_PARTS[name])


@pytest.mark.parametrize("name", sorted(WHOLE_LOCAL_PARTS))
def test_an_address_read_whole_is_kept(eng: str, name: str) -> None:
    text, want = WHOLE_LOCAL_PARTS[name]
    assert {v for t, v in found(text) if t == "email"} == want


# ---------------------------------------------------------------- prose: one patient's identifiers in a note or a letter

_NIR_F = nir("2810469123045")
PATIENTS = {
    "csapa_fr": ("Pour info Erwan GUÉGAN (erwan.guegan@orange.fr, 06 24 45 27 55) est suivi au CSAPA de Nantes depuis deux ans, il passe tous les matins à la pharmacie chercher sa méthadone. Faites tourner.", {"email", "phone"}),
    "methadone_en": ("FYI Liam O'Connor (liam.oconnor@outlook.com, +44 7911 123456) is being treated at the methadone clinic on Church Street, he picks up his dose every morning at the pharmacy.", {"email", "phone"}),
    "hiv_birth_fr": ("Sandrine Lefort (sandrine.lefort79@free.fr), née le 03/05/1979, joignable au 06 52 18 44 90, est suivie à l'hôpital pour son VIH depuis 2015.", {"email", "phone", "dob"}),
    "referral_en": ("Dear colleague,\nI am referring Mr Paul Hensley, born 14/07/1968, phone +33 6 41 27 88 03, for management of newly diagnosed HIV infection.\nKind regards,\nDr Moreau", {"dob", "phone"}),
    "lettre_consoeur": ("Chère consœur,\nJe vous adresse Mme Rachida Benali, née le 22/11/1985, tél. 06 77 31 52 08, pour prise en charge d'un épisode dépressif majeur.\nBien à vous,\nDr Lemoine", {"dob", "phone"}),
    "arret_travail_assuree": (f"AVIS D'ARRÊT DE TRAVAIL — Volet 3 (employeur)\nAssurée : MOREAU Claire   N° d'immatriculation : {spaced_nir(_NIR_F)}\nDate de naissance : 13/04/1981\nEmployeur : SARL Boulangerie Fabre, SIRET 73282932000074\nArrêt initial du 02/09/2024 au 15/09/2024 inclus.\nÉléments d'ordre médical (volet 1) : lombosciatique, trouble anxieux généralisé.\nMédecin : Dr Girard, RPPS 10003214565\n", {"dob", "nir", "siret", "rpps"}),
}
NOT_PATIENTS = {
    "job_advert": "Le CSAPA de Nantes recrute un(e) infirmier(e) en addictologie (CDI, temps plein). Prise en charge des usagers sous méthadone. Candidatures : recrutement@csapa-nantes.fr, standard 02 40 08 33 33.",
    "leaflet_helpline": "Vous êtes suivi(e) pour une addiction ou sous traitement de substitution (méthadone, buprénorphine) ? Sida Info Service : 0 800 840 800 (appel gratuit), ou écrivez à contact@sida-info-service.org. Permanence au 01 44 93 16 16.",
    "press_public_figure": "Le chanteur Marc Lavoine a révélé être suivi pour un cancer de la prostate depuis 2023 ; il poursuit sa tournée.",
    "practitioners_card": "Dr Hélène Vasseur, addictologue au CSAPA de Nantes : consultations sur RDV au 02 40 84 61 20 ou h.vasseur@chu-nantes.fr. Prise en charge des dépendances (méthadone, alcool).",
    "hr_policy_sick_note": "Rappel RH : en cas d'arrêt de travail, transmettez le volet 3 sous 48 h à rh@transports-brunet.fr ou au 04 72 11 20 30. SIRET 44306184100005.",
}


@pytest.mark.parametrize("name", sorted(PATIENTS))
def test_a_patients_identifiers_in_a_note_are_a_dox_with_their_health(eng: str, name: str) -> None:
    text, want = PATIENTS[name]
    assert want <= types(text)
    assert "health" in cats(text)


@pytest.mark.parametrize("name", sorted(NOT_PATIENTS))
def test_care_and_news_about_no_ones_record_stay_clean(eng: str, name: str) -> None:
    assert detect(NOT_PATIENTS[name], key=KEY) == []


def test_engines_agree() -> None:
    """Both engines give the same fragments for every text of this file (LF and CRLF, text and bytes)."""
    texts = {**{f"wrong_{k}": v for k, v in WRONG_KEY.items()}, **{f"right_{k}": v for k, v in RIGHT_KEY.items()},
             **{f"units_{k}": v for k, v in SERVICE_LINES.items()}, **{f"staff_{k}": v for k, v in NAMED_STAFF.items()},
             **{f"patient_{k}": v[0] for k, v in PATIENTS.items()}, **{f"not_{k}": v for k, v in NOT_PATIENTS.items()},
             **{f"cut_{k}": v for k, v in CUT_LOCAL_PARTS.items()}, **{f"whole_{k}": v[0] for k, v in WHOLE_LOCAL_PARTS.items()}}
    assert_engines_agree(texts, KEY)
