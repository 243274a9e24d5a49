"""Article 9 round 4: what blind probe set 4b (wave 24) left unflagged, written again with other
people, languages and layouts so that the lexicon holds for the class and not the probe's one
phrase; each with near misses that must stay clean:

- a diagnosis code alone (`B20`, `Z21`) under a diagnosis-code column (`code_diag`, `ICD-10 code`);
- a treatment told by its device or its monitoring: insulin pens beside a brand, a lithaemia,
  a pacemaker or a defibrillator worn (not a race's pace-setter, not a lithium battery);
- an alcohol detox (not a "digital detox");
- a sex-chromosome syndrome (Klinefelter): health beside genetic;
- "escorting" done by a person in French (sex life; not escorting a convoy);
- a street named Gay (an address, not an orientation).

Decisions are in indexer/article9_lexicon/README.md (round 4). Each positive failed on the
previous commit on both engines (article 9 reads the fragment's text in Python for both, and the
column names through the same `HEADER_CATEGORIES`); `test_engines_agree` compares the engines'
fragments whole."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x3c" * 32, version=1)

_ROWS_FR = [
    ("Roussel", "Hugo", "hugo.roussel@orange.fr", "0611223344", "12/03/1971"),
    ("Lambert", "Chloé", "chloe.lambert@free.fr", "0678901234", "05/11/1988"),
    ("Garnier", "Paul", "paul.garnier@sfr.fr", "0645678912", "23/07/1964"),
]
_ROWS_EN = [
    ("Hughes", "Oliver", "oliver.hughes@btinternet.com", "+447700900123", "1971-03-12"),
    ("Clarke", "Amelia", "amelia.clarke@gmail.com", "+447700900456", "1988-11-05"),
    ("Wright", "Harry", "harry.wright@outlook.com", "+447700900789", "1964-07-23"),
]


def _csv(head: str, notes: list[str], rows: list[tuple[str, ...]], sep: str = ";") -> str:
    lines = [head]
    for r, n in zip(rows, notes, strict=True):
        lines.append(sep.join((*r, n)))
    return "\n".join(lines) + "\n"


def _fr(col: str, *notes: str) -> str:
    return _csv(f"nom;prenom;email;telephone;date_naissance;{col}", list(notes), _ROWS_FR)


def _en(col: str, *notes: str) -> str:
    return _csv(f"last,first,email,phone,dob,{col}", list(notes), _ROWS_EN, ",")


# name -> (text, category expected, or None: the category that must NOT be flagged)
POSITIVES: dict[str, tuple[str, str]] = {
    "icd_code_alone_code_diag": (_fr("code_diag", "B20", "Z21", "F20"), "health"),
    "icd_code_alone_en_header": (_en("ICD-10 code", "B24", "F31", "E10"), "health"),
    "insulin_pens_brand_fr": (_fr("notes", "RAS", "stylo Humalog, glycémie avant repas", "RAS"), "health"),
    "insulin_pen_brand_en": (_en("notes", "n/a", "n/a", "NovoRapid pen at lunch and blood sugar x4 daily"), "health"),
    "lithaemia_fr": (_fr("notes", "lithémie le 3 du mois", "RAS", "RAS"), "health"),
    "lithium_level_en": (_en("notes", "n/a", "lithium level checked monthly", "n/a"), "health"),
    "pacemaker_worn_fr": (_fr("notes", "RAS", "porte un pacemaker et un holter", "RAS"), "health"),
    "defibrillator_fr": (_fr("notes", "RAS", "RAS", "porte un défibrillateur depuis 2022"), "health"),
    "alcohol_detox_fr": (_fr("notes", "désintox à l'alcool en 2023", "RAS", "RAS"), "health"),
    "alcohol_detox_en": (_en("notes", "n/a", "alcohol detox last spring", "n/a"), "health"),
    "klinefelter_fr": (_fr("notes", "syndrome de Klinefelter", "RAS", "RAS"), "health"),
    "escorting_fr": (_fr("notes", "RAS", "faisait de l'escorting pendant ses études", "RAS"), "sex_life"),
}
NEGATIVES: dict[str, tuple[str, str]] = {
    "street_gay_en": (_en("delivery_notes", "Gay Street back door", "Gay Road, flat 2", "ring twice"),
                      "sexual_orientation"),
    "rue_gay_lussac_fr": (_fr("adresse", "12 rue Gay-Lussac", "3 place Carnot", "8 rue Victor Hugo"),
                          "sexual_orientation"),
    "lithium_battery": (_fr("article", "pile lithium CR2032", "batterie lithium 18650", "RAS"), "health"),
    "race_pacemaker": (_fr("role", "pacemaker du semi-marathon", "bénévole", "RAS"), "health"),
    "digital_detox": (_fr("notes", "cure de désintox numérique", "RAS", "RAS"), "health"),
    "escorting_convoy_en": (_en("notes", "escorting the convoy", "n/a", "n/a"), "sex_life"),
    "insulin_pen_catalogue": (
        "ref;designation;prix\n1021;stylo bille bleu;1.20\n1022;stylo feutre noir;2.10\n1023;stylo plume;8.90\n",
        "health",
    ),
}


def _cats(text: str) -> set[str]:
    return {s.category for f in detect(text, key=KEY) for s in f.sensitive}


def _has_ids(text: str) -> bool:
    return any(f.identifiers for f in detect(text, key=KEY))


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, cat = POSITIVES[name]
    assert cat in _cats(text)


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    text, cat = NEGATIVES[name]
    assert "@" not in text or _has_ids(text)  # a dump is read: the negative is not vacuous
    assert cat not in _cats(text)


def test_engines_agree() -> None:
    require_native()
    try:
        for name, (text, _) in {**POSITIVES, **NEGATIVES}.items():
            ref, got = both_engines(text.encode(), KEY)
            assert_same_fragments(ref, got, name)
    finally:
        engine.set_engine(None)
