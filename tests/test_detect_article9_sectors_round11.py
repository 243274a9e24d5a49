# ruff: noqa: E501  (a register's row is kept on one line, as it was exported)
"""Article 9 round 11 (wave 31): the sectors' own words blind probe set 10/10c found unread. Each case the
probe showed once is written again here with other people, separators, languages and shapes, so that the
fix holds for the class.

Recall (each flags its category, and only it):
- a list of the people of a rite, a pilgrimage or a chaplaincy (a Hajj or Umrah group's pilgrims, a
  diocesan pilgrimage's registrations, a catechism class, a bar/bat mitzvah class, a school's chaplaincy):
  the title over the table names the rite and its header names people (`nobody.title_flags`): religion;
- sick leave and its pay in a payslip's or a payroll export's words ("Absence maladie", "IJSS subrogées",
  "statutory sick pay"), a disability allowance in a benefits office's export (AEEH, "PCH aide humaine",
  Personal Independence Payment): health;
- who one seeks said in a moderator's or a profile's prose ("homme qui cherche des hommes", "woman looking
  for women"): sexual orientation.

Precision (the same words about no one): a travel agency's public Hajj offer, a pilgrimage's price list
("Nom du forfait": a thing's name), a diocese's calendar of confirmations (its parishes' mailboxes), a
payroll package's field documentation, a benefits office's leaflet, a PE teacher's circular, a dating site's
welcome text.

Each recall case was missed before this round (checked with the change stashed, both engines: the title's
flags and the lexicon are read in Python for both, the core searching the same lexicon); `detect_many`
(the crawl's road) gives what `detect` does, and the engines' fragments are equal.

Left out (reported to the lead): an inmate roster whose only identifiers are births (`DOB` month first, no
phone or mail) gives nothing: a list of births alone is no leak by design (`shapes.py`), so its
"Religious preference" column is not read either."""

from __future__ import annotations

import json

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.tokens import MatchKey
from tests.blind_probe_harness import grouped, spaced_nir
from tests.native_core import assert_same_fragments, both_engines, require_native
from tests.test_detect_blind_probe_set10 import PEOPLE  # (synthetic people with valid NIRs and IBANs)

KEY = MatchKey(b"\x6b" * 32, version=1)

_P = [
    ("Karima", "Bensaïd", "karima.bensaid@gmail.com", "06 52 18 74 30", "12/03/1968"),
    ("Gaël", "Le Floc'h", "gael.lefloch29@orange.fr", "07 81 45 26 93", "30/07/1981"),
    ("Noémie", "Azoulay", "noemie.azoulay@free.fr", "06 27 93 50 61", "05/12/1976"),
    ("Idriss", "Kanté", "idriss.kante@outlook.fr", "06 38 60 17 42", "19/09/1990"),
]


def _rows(fmt: str) -> str:
    """One row a person: `fmt` names {first} {last} {email} {phone} {compact} {dob} {k}."""
    return "\n".join(
        fmt.format(first=f, last=ln, email=e, phone=p, compact=p.replace(" ", ""), dob=d, k=k)
        for k, (f, ln, e, p, d) in enumerate(_P)
    )


# ---------------------------------------------------------------- religion: a rite's or a pilgrimage's people

RELIGION = {
    "umrah_pilgrims_manifest_en_pipes": (
        "Umrah Ramadan 2027 — pilgrims manifest (group 3)\n"
        "Name | Passport | Email | Mobile\n" + _rows("{first} {last} | 2{k}CK4471{k} | {email} | {phone}")
    ),
    "hajj_group_fr_commas": (
        "Voyage Hajj 2027, groupe A (départ Lyon)\n"
        "Nom,Prénom,Né(e) le,Téléphone,Email\n" + _rows("{last},{first},{dob},{compact},{email}")
    ),
    "diocesan_pilgrimage_registrations": (
        "Pèlerinage diocésain à Lourdes — juillet 2027 — inscriptions\n"
        "Nom;Prénom;Portable;Courriel;Né(e) le;Hébergement\n" + _rows("{last};{first};{phone};{email};{dob};hôtel {k}")
    ),
    "catechism_class_children_and_parents": (
        "Catéchisme CE2 — paroisse Saint-Martin — année 2026-2027\n"
        "Enfant;Parent;Portable parent;Mail parent\n" + _rows("Léo {last};{first} {last};{phone};{email}")
    ),
    "bat_mitzvah_class_en_tabs": (
        "Beth Shalom — bar and bat mitzvah class 5787\n"
        "Student\tParent\tPhone\tEmail\n" + _rows("Maya {last}\t{first} {last}\t{phone}\t{email}")
    ),
    "muslim_chaplaincy_rota_en": (
        "University Muslim chaplaincy — Friday prayer volunteers\n"
        "Name,Email,Mobile\n" + _rows("{first} {last},{email},{compact}")
    ),
}

# ---------------------------------------------------------------- health: sick leave and disability, as payroll and benefits say them

HEALTH = {
    "payslip_sick_leave_other_company": "\f".join(
        f"""BULLETIN DE SALAIRE — Période du 01/10/2026 au 31/10/2026
Employeur : Boulangeries Ar Bara SAS — 4 rue de Siam 29200 Brest
Salarié : {p.last.upper()} {p.first}                  Matricule : 01{300 + k}
N° de sécurité sociale : {spaced_nir(p.nir)}        Date d'entrée : 1{k}/09/2021
Emploi : Vendeuse        Coefficient : 160
Salaire de base                    151,67 h     12,10       1 835,21
Absence pour maladie du 0{k + 4}/10 au 1{k + 2}/10        -38,00 h     12,10        -459,80
IJ maladie subrogées                                             318,40
Net à payer avant impôt                                        1 288,15
Payé par virement le 31/10/2026 sur {grouped(p.iban)}"""
        for k, p in enumerate(PEOPLE[30:33])
    ),
    "payroll_export_ijss_column": (
        "Matricule;Nom;Prénom;Mail;Rubrique;Montant\n" + _rows("00{k}31;{last};{first};{email};IJSS subrogées;{k}12,40")
    ),
    "uk_payroll_statutory_sick_pay": (
        "Employee,Email,Pay element,Days,Amount\n" + _rows("{first} {last},{email},Statutory Sick Pay,{k},23.{k}0")
    ),
    "benefits_export_aeeh_pch": (
        "Allocataire|Mail|Portable|Droit ouvert|Montant\n"
        + _rows("{first} {last}|{email}|{phone}|" + "AEEH 2e catégorie|{k}49,70")
        + "\nRose Marec|rose.marec@laposte.net|06 71 30 88 12|PCH aide humaine|1 204,12"
    ),
    "uk_benefits_pip_claimants": (
        "Claimant;Email;Mobile;Award\n" + _rows("{first} {last};{email};{phone};Personal Independence Payment (daily living)")
    ),
}

# ---------------------------------------------------------------- sexual orientation: who one seeks, in prose

ORIENTATION = {
    "moderation_notes_fr_other_phrasing": (
        "[modo] file du 05/12\n"
        "- profil « zebulon56 » (karima.bensaid@gmail.com, 06 52 18 74 30, née le 12/03/1968) : femme qui cherche une femme, photo floue à refaire.\n"
        "- profil « gael_bzh » (gael.lefloch29@orange.fr, 07 81 45 26 93, né le 30/07/1981) : homme cherchant des hommes, rien à signaler.\n"
        "- profil « noemie_a » (noemie.azoulay@free.fr, 06 27 93 50 61, née le 05/12/1976) : pseudo à changer."
    ),
    "moderation_notes_en": (
        "Moderation queue, 5 Dec\n"
        "#12 noemie.azoulay@free.fr (DOB 05/12/1976, +33 6 27 93 50 61): woman looking for women, bio mentions her employer — asked to edit.\n"
        "#13 idriss.kante@outlook.fr (DOB 19/09/1990, +33 6 38 60 17 42): man looking for men, fake photo reported.\n"
        "#14 karima.bensaid@gmail.com (DOB 12/03/1968, +33 6 52 18 74 30): spam links, banned."
    ),
    "dox_fr_profile_quoted": (
        "Idriss KANTÉ, né le 19/09/1990, 06 38 60 17 42, idriss.kante@outlook.fr : sur son profil il se présente comme "
        "un homme qui aime les hommes."
    ),
}

# ---------------------------------------------------------------- a DNA-ancestry export: genetic and ethnic origin ("Ashkenazi Jewish" a region)

ANCESTRY = {
    "ancestry_json_maternal_haplogroup": json.dumps(
        [
            {"kit": f"B7{k}0{k}1", "name": f"{f} {ln}", "email": e, "maternal_haplogroup": ["H1c", "U5b", "K1a"][k],
             "ethnicity_estimates": {"Ashkenazi Jewish": 54, "Eastern European": 46} if k == 2 else {"French": 80, "Breton": 20}}
            for k, (f, ln, e, p, d) in enumerate(_P[:3])
        ],
        ensure_ascii=False,
    ),
    "ancestry_csv_paternal_haplogroup": (
        "Kit,Name,Email,Paternal haplogroup,Ethnicity estimate\n"
        + _rows("A{k}77{k}31,{first} {last},{email},R-M269,Sephardic Jewish 3{k}% / Iberian 6{k}%")
    ),
    "ancestry_pipes_y_dna": (
        "kit | email | mobile | Y-DNA haplogroup | ethnicity estimate\n"
        + _rows("K{k}{k}12 | {email} | {phone} | E-M81 | North African 7{k}%, Ashkenazi Jewish 2{k}%")
    ),
}

# ---------------------------------------------------------------- the same words about no one

NEGATIVES = {
    "hajj_public_offer": """Hajj 2027 — nos formules (départ Paris CDG)
Formule;Prix;Départ;Retour;Hôtel à La Mecque
Essentiel;6 900 €;12/05/2027;02/06/2027;Hilton Makkah (800 m)
Confort;8 450 €;12/05/2027;02/06/2027;Swissôtel Al Maqam
Renseignements et inscriptions : contact@alsafa-voyages.fr — 06 12 34 56 78""",
    "pilgrimage_price_list_named_packages": """Lourdes 2027 — pèlerinage diocésain — tarifs
Nom du forfait;Prix;Dates;Contact
Malades et hospitaliers;420 €;15/07 au 20/07;pelerinages@diocese-quimper.fr
Jeunes;180 €;16/07 au 20/07;pelerinages@diocese-quimper.fr""",
    "diocese_confirmations_calendar": """Diocèse de Quimper — calendrier des confirmations 2027
Date;Paroisse;Heure;Célébrant;Contact
12/04/2027;Saint-Louis;10h30;Mgr Dognin;secretariat.stlouis@diocese-quimper.fr
19/04/2027;Saint-Corentin;11h00;P. Le Gall;accueil.stcorentin@diocese-quimper.fr""",
    "payroll_software_field_list": """Logiciel PaieFacile — rubriques d'absence (documentation)
Code;Libellé;Description
ABS_MAL;Absence maladie;heures d'absence pour maladie, déduites du brut
IJSS;IJSS subrogées;indemnités journalières versées par l'employeur et remboursées par la CPAM
SSP;Statutory sick pay;UK module only
Support : support@paiefacile.fr""",
    "caf_leaflet": """L'AEEH (allocation d'éducation de l'enfant handicapé) aide les familles à assumer les frais liés au handicap de leur enfant.
La PCH aide humaine peut s'y ajouter. Demande auprès de la MDPH de votre département.
Pour toute question : contact@caf-exemple.fr ou 06 12 34 56 78.""",
    "pe_teacher_circular": """Madame, Monsieur,
Toute dispense d'EPS doit être justifiée par un certificat médical. En cas d'absence maladie prolongée, merci de prévenir la vie scolaire.
M. Kerouredan, professeur d'EPS — eps.kerouredan@ac-rennes.fr""",
    "ancestry_company_faq": """How is my ethnicity estimate calculated? We compare your DNA with reference panels: Ashkenazi Jewish,
Iberian, North African... Your paternal haplogroup is shown for male testers only.
Questions: support@adn-origines.example.fr""",
    "dating_site_welcome": """Vous êtes un homme qui cherche des hommes, une femme qui cherche des femmes ? Notre site est ouvert à tous.
Contact : support@rencontres-exemple.fr""",
}


def _flags(data: str | bytes) -> set[str]:
    return {s.category for f in detect(data, key=KEY) for s in f.sensitive}


def _types(data: str) -> set[str]:
    return {i.type for f in detect(data, key=KEY) for i in f.identifiers}


_ALL = {
    **{k: (v, {"religion"}) for k, v in RELIGION.items()},
    **{k: (v, {"health"}) for k, v in HEALTH.items()},
    **{k: (v, {"sexual_orientation"}) for k, v in ORIENTATION.items()},
    **{k: (v, {"genetic", "ethnic_origin"}) for k, v in ANCESTRY.items()},
}


@pytest.mark.parametrize("name", sorted(_ALL))
def test_the_sectors_words_say_the_category(name: str) -> None:
    text, cats = _ALL[name]
    assert _flags(text) == cats
    assert _types(text) & {"email", "nir", "iban"}  # (read as a list of people: their identifiers are found)


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_the_same_words_about_no_one(name: str) -> None:
    assert _flags(NEGATIVES[name]) == set()


def test_the_crawls_road_reads_them() -> None:
    texts = [*NEGATIVES.values(), *(t for t, _ in _ALL.values())]
    many = detect_many([t.encode() for t in texts], key=KEY)
    assert list(many) == [detect(t, key=KEY) for t in texts]


def test_engines_agree() -> None:
    require_native()
    try:
        for name, text in [*NEGATIVES.items(), *((k, v[0]) for k, v in _ALL.items())]:
            for data in (text, text.replace("\n", "\r\n").encode()):
                ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                assert_same_fragments(ref, got, f"{name} {type(data).__name__}")
    finally:
        engine.set_engine(None)
