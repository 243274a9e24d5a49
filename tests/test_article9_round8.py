"""Article 9, round 8: what real project text still flagged after the project records (wave 28, task P).

tests/corpus/real_text_sweep.py over 285 MB of this machine's documents left 7 flagged fragments once
copyright files and changelogs were read as a project's records (tests/test_detect_precision_round8.py):
a man page's and a copyright file's authors with a middle initial ("Rickard E. Faith (faith@...)": the
surname rule of round 7 wanted the first name right before the term) and FSF copyright assignments
("Assigns past and future changes to FSF"). Texts here are synthetic rewrites, several variants each,
with the same words still flagged where they are a person's.
"""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.article9 import scan_article9
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x39" * 32, version=2)



# a surname the row's own address spells, behind a first name and one or two initials
SURNAMES = {
    "roff_faith": '.\\" Copyright 1995-2000 Denis Angel (denis@exemple-ods.com)\n'
    '.\\" Copyright 1995 Rickard E. Faith (faith@cs.exemple-unc.edu)\n.\\"    Redone for glibc 2.2\n'
    '.\\" Copyright 2000 Jakob Brun (jakob@exemple-redhat.com)\n',
    "two_initials_gay": "Authors:\n  Anna M. J. Gay <gay@exemple-univ.fr>\n  Bruno Dias <bruno.dias@exemple-univ.fr>\n"
    "  Carla Roy <carla.roy@exemple-univ.fr>\n",
    "initial_catholique": "Contributeurs : Paul E. Catholique <paul.catholique@gmail.com>, "
    "Lise Moreau <lise.moreau@free.fr>, Yves Tanguy <yves.tanguy@orange.fr>\n",
    "modified_by_faith": '.\\" Modified Sun Jul 25 11:05:58 1993 by Rik T. Faith (faith@exemple-unc.edu)\n'
    '.\\" Modified Sat Feb 10 16:18:03 1996 by Urs Tanner (urs@exemple-escape.de)\n',
}
# a copyright assignment's record: FSF is the Free Software Foundation
ASSIGNMENTS = {
    "assigns_changes": "LIBEXEMPLE Simon Jacquet       2002-10-25\n"
    "Assigns past and future changes to FSF (cipher/{md4,crc}.c, CTR mode,\nself test improvements)\n"
    "sjacquet@exemple-josef.org\n",
    "assigned": "EXEMPLE  Nora Vidal   2004-03-11\nChanges assigned to FSF (lib/parse.c).\n"
    "nora.vidal@exemple-dev.org\n",
    "assignment_of": "Future changes: assignment of the tests to FSF, signed by Hugo Lenoir "
    "<hugo.lenoir@exemple-dev.org> and Ines Roy <ines.roy@exemple-dev.org>.\n",
}
# the same words that ARE a person's: kept
KEPT = {
    "faith_said_of_a_person": ("Cible : Marie A. Faith, née le 12/03/1980, mail marie.faith@gmail.com, "
                               "tel 06 12 34 56 78. Religion : Christian faith, pratiquante.", "religion"),
    "gay_not_in_address": ("Cible : Anna M. Dubois, née le 02/05/1990, mail anna.dubois@gmail.com, "
                           "tel 06 23 45 67 89. Orientation : gay, en couple avec sa compagne.", "sexual_orientation"),
    "fsf_in_a_profile": ("Cible : Claire Martin, née le 11/09/1988, mail claire.martin@free.fr, "
                         "tel 06 34 56 78 90. Profil de rencontre : FSF, cherche femme.", "sexual_orientation"),
}


@pytest.mark.parametrize("name", sorted(SURNAMES))
def test_a_surname_behind_an_initial_flags_nothing(name: str) -> None:
    assert scan_article9(SURNAMES[name]) == []


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_a_copyright_assignment_flags_nothing(name: str) -> None:
    assert scan_article9(ASSIGNMENTS[name]) == []


@pytest.mark.parametrize("name", sorted(KEPT))
def test_the_same_words_of_a_person_flag(eng: str, name: str) -> None:
    text, cat = KEPT[name]
    assert cat in {f.category for f in scan_article9(text)}
    assert cat in {s.category for f in detect(text, key=KEY) for s in f.sensitive}


@pytest.mark.parametrize("name", sorted(SURNAMES) + sorted(ASSIGNMENTS))
def test_no_fragment_flags_them(eng: str, name: str) -> None:
    text = {**SURNAMES, **ASSIGNMENTS}[name]
    assert [s for f in detect(text, key=KEY) for s in f.sensitive] == []


def test_engines_agree() -> None:
    require_native()
    try:
        for name, text in [*SURNAMES.items(), *ASSIGNMENTS.items(), *((k, v[0]) for k, v in KEPT.items())]:
            ref, got = both_engines(text.encode(), KEY)
            assert_same_fragments(ref, got, name)
    finally:
        engine.set_engine(None)


# ---------------------------------------------------------------- gender identity (blind set 7: gender_clinic_hrt)

# wave 28, the lead's decision: gender identity is not sexual orientation; its care is health
GENDER_IDENTITY = {
    "fr_notes": "notes: femme trans, en transition",
    "fr_mtf_line": "Patiente : Lou Bernard — née le 03/04/1991 — lou.bernard@gmail.com\nSuivi : transition MtF\n",
    "en_non_binary": "notes: they're non-binary",
    "en_transgender": "notes: transgender woman, out at work",
    "fr_non_binaire": "Commentaire : personne non binaire, pronom iel",
}
GENDER_CARE = {  # health, and no longer sexual orientation
    "fr_hrt": "Suivi : transition FtM, THS testostérone énanthate 250 mg/3 sem",
    "fr_dysphoria": "notes: dysphorie de genre, suivi psychiatrique",
    "en_surgery": "notes: gender-affirming surgery planned for May",
    "en_dysphoria": "notes: gender dysphoria, referred to the clinic",
}
ORIENTATION_KEPT = ["notes: gay, en couple depuis 2019", "notes: lesbienne", "notes: bisexual, out to family",
                    "notes: queer"]


@pytest.mark.parametrize("name", sorted(GENDER_IDENTITY))
def test_gender_identity_is_not_sexual_orientation(name: str) -> None:
    assert "sexual_orientation" not in {f.category for f in scan_article9(GENDER_IDENTITY[name])}


@pytest.mark.parametrize("name", sorted(GENDER_CARE))
def test_transition_care_is_health_only(name: str) -> None:
    assert {f.category for f in scan_article9(GENDER_CARE[name])} == {"health"}


@pytest.mark.parametrize("text", ORIENTATION_KEPT)
def test_orientation_words_still_flag(text: str) -> None:
    assert "sexual_orientation" in {f.category for f in scan_article9(text)}


def test_a_gender_clinics_list_is_health(eng: str) -> None:
    people = [("Lou", "Bernard", "03/04/1991", "MtF", "œstradiol patch"),
              ("Sam", "Girard", "17/09/1986", "FtM", "testostérone gel 50 mg"),
              ("Alex", "Henry", "22/12/1995", "MtF", "œstradiol gel + cyprotérone")]
    text = "\n".join(f"Patient(e) : {f} {ln} — né(e) le {d} — {f.lower()}.{ln.lower()}@gmail.com\n"
                     f"Suivi : transition {t}, THS {h}\n" for f, ln, d, t, h in people)
    cats = {s.category for f in detect(text, key=KEY) for s in f.sensitive}
    assert "health" in cats and "sexual_orientation" not in cats


# ---------------------------------------------------------------- notes in other languages (blind set 7c)

FOREIGN = {  # a note's words -> the category they say
    "de_jw": ("Bemerkung: Zeugen Jehovas – keine Bluttransfusion", "religion"),
    "de_jw_she": ("Notiz: Zeugin Jehovas, lehnt Blut ab", "religion"),
    "es_jw": ("observaciones: testigo de Jehová, rechaza transfusión", "religion"),
    "it_jw": ("note: testimone di Geova, rifiuta trasfusioni", "religion"),
    "nl_jw": ("opmerking: Jehova's getuige, geen bloed", "religion"),
    "be_fgtb": ("remarque: affilié FGTB, délégué", "trade_union"),
    "it_cgil": ("note: iscritta CGIL, delegata RSU", "trade_union"),
    "nl_fnv": ("opmerking: lid FNV, kaderlid", "trade_union"),
    "de_verdi": ("Bemerkung: ver.di-Mitglied seit 2015", "trade_union"),
    "de_igmetall": ("Bemerkung: IG Metall, Vertrauensmann", "trade_union"),
    "nl_lesbisch": ("opmerking: lesbisch, IVF-traject", "sexual_orientation"),
    "de_schwul": ("Bemerkung: schwul, PrEP", "sexual_orientation"),
    "es_lesbiana": ("observaciones: lesbiana, casada", "sexual_orientation"),
}
FOREIGN_NEGATIVES = ["Il aime Verdi et Puccini", "RSU vesting schedule: 2025", "Notiz: Betriebsrat tagt am Montag",
                     "opmerking: getuige bij de rechtbank"]


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_a_foreign_notes_words_flag(name: str) -> None:
    text, cat = FOREIGN[name]
    assert cat in {f.category for f in scan_article9(text)}


@pytest.mark.parametrize("text", FOREIGN_NEGATIVES)
def test_their_other_senses_flag_nothing(text: str) -> None:
    assert scan_article9(text) == []


def test_a_foreign_notes_column_flags_in_a_dump(eng: str) -> None:
    text = ("achternaam;voornaam;email;mobiel;opmerking\nde Wit;Lotte;lotte.dewit@ziggo.nl;+31648213790;lid FNV\n"
            "Visser;Ruben;ruben.visser@kpnmail.nl;+31619284736;Jehova's getuige, geen bloed\n"
            "Smit;Eva;eva.smit@xs4all.nl;+31630918274;lesbisch\n")
    cats = {s.category for f in detect(text, key=KEY) for s in f.sensitive}
    assert {"trade_union", "religion", "sexual_orientation"} <= cats


# ---------------------------------------------------------------- a meal order's religion (lead's decision, wave 28)

_DIET_ROWS = [("Haddad", "Yasmine", "yasmine.haddad@free.fr"), ("Levy", "Nathan", "nathan.levy@orange.fr"),
              ("Morel", "Chloé", "chloe.morel@sfr.fr")]
# a diet or meal-order column's head -> its three cells; the first two flag religion, the rest nothing
DIETS = {
    "regime_fr": ("nom;prenom;email;regime", ["halal", "casher", "standard"]),
    "regime_alimentaire": ("nom;prenom;email;regime_alimentaire", ["sans porc", "kasher", "végétarien"]),
    "meal_en": ("last,first,email,meal", ["Kosher", "vegan", "Halal"]),
    "dietary": ("last|first|email|dietary", ["gluten free", "kosher", "none"]),
    "repas_tab": ("nom\tprenom\temail\trepas", ["normal", "diabétique", "Kasher"]),
}
NO_RELIGION = {  # the same columns with no religious meal, or no person
    "pork_free": ("nom;prenom;email;regime", ["sans porc", "végétarien", "sans porc"]),
    "social_security_regime": ("nom;prenom;email;regime", ["Régime général", "Régime agricole", "MSA"]),
    "menu_of_dishes": ("plat;prix;menu", None),
}


def _diet_table(head: str, cells: list[str] | None) -> str:
    sep = next(c for c in ";,|\t" if c in head)
    if cells is None:
        return (f"{head}\nPoulet rôti{sep}12{sep}halal\nBœuf bourguignon{sep}15{sep}casher\n"
                f"Ratatouille{sep}9{sep}végétarien\n")
    return head + "\n" + "\n".join(sep.join([ln, fn, mail, cell]) for (ln, fn, mail), cell in
                                   zip(_DIET_ROWS, cells, strict=True)) + "\n"


@pytest.mark.parametrize("name", sorted(DIETS))
def test_a_religious_meal_order_is_religion(eng: str, name: str) -> None:
    frags = detect(_diet_table(*DIETS[name]), key=KEY)
    assert frags and "religion" in {s.category for f in frags for s in f.sensitive}, name


@pytest.mark.parametrize("name", sorted(NO_RELIGION))
def test_other_meals_and_regimes_are_not(eng: str, name: str) -> None:
    frags = detect(_diet_table(*NO_RELIGION[name]), key=KEY)
    assert "religion" not in {s.category for f in frags for s in f.sensitive}, name
