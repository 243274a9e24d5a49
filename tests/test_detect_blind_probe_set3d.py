"""Blind probe, set 3, fourth batch: article 9 phrasings, French and English, each in a dump's notes
column and in a prose dox, with near misses and negations that must not flag.

Written apart from the detector like set 3 (whose people and scoring it reuses). Negations that reveal
nothing about the person ("religion non renseignée", "prefers not to say") must not flag. A negative test
result written as a note ("VIH négatif") flags health, as a laboratory table's does in set 3: GDPR's
recital 35 counts a test result as health data (decided in wave 23, indexer/article9_lexicon/README.md).
Affirmations that reveal a belief or a health state by a practice ("messe tous les dimanches", "uses a
wheelchair", "vacciné contre la grippe": vaccination status is health data) must flag.
"""

from __future__ import annotations

import re

import pytest

from tests.test_detect_blind_probe_set3 import STRICT, A, B, D, fr_date, fr_spaced, ids
from tests.test_detect_blind_probe_set3b import _found_in

PHRASES: dict[str, frozenset[str]] = {
    p: frozenset(c.split()) if c else frozenset()
    for p, c in [
        ("messe tous les dimanches à Saint-Sulpice", "religion"),
        ("porte le voile", "religion"),
        ("va à la synagogue le samedi", "religion"),
        ("goes to the mosque every Friday", "religion"),
        ("is a Jehovah's Witness", "religion"),
        ("bouddhiste", "religion"),
        ("attends AA meetings weekly", "health"),
        ("on dialysis three times a week", "health"),
        ("a fait une tentative de suicide en 2022", "health"),
        ("en ALD pour un cancer du sein", "health"),
        ("sourd, parle en LSF", "health"),
        ("vacciné contre la grippe", "health"),
        ("uses a wheelchair", "health"),
        ("en fauteuil roulant", "health"),
        ("had an abortion in 2021", "health"),
        ("prend la pilule", "health"),
        ("PrEP", "health"),
        ("délégué syndical FO", "trade_union"),
        ("member of Unison", "trade_union"),
        ("militant au PCF", "political_opinion"),
        ("Labour party activist", "political_opinion"),
        ("married to his husband Paul", "sexual_orientation"),
        ("lesbienne", "sexual_orientation"),
        ("a fait son coming out en 2020", "sexual_orientation"),
        ("swinger, into BDSM", "sex_life"),
        ("d'origine algérienne", "ethnic_origin"),
        ("Rom, vit en caravane", "ethnic_origin"),
        ("black British", "ethnic_origin"),
        ("Irish Traveller", "ethnic_origin"),
        ("porteur de la mutation BRCA1", "genetic health"),  # (a disease risk: wave 31)
        ("23andMe results: APOE4 carrier", "genetic"),
        ("empreinte rétinienne enregistrée", "biometric"),
        ("fingerprint enrolled for door access", "biometric"),
        # near misses and negations: no flag
        ("travaille à l'hôpital Necker comme comptable", ""),
        ("fan de Queen, surtout Freddie Mercury", ""),
        ("supporter du PSG", ""),
        ("syndic de copropriété", ""),
        ("parti en vacances jusqu'au 15", ""),
        ("docteur en chimie", ""),
        ("greffier au tribunal", ""),
        ("works at the Catholic University as IT admin", ""),
        ("gay friendly bar owner", ""),
        # (wave 23, helper J: a negative test result is a test result, health data by recital 35; decided
        # with the lead's brief, indexer/article9_lexicon/README.md; these two expected no flag before)
        ("VIH négatif", "health"),
        ("tested negative for HIV", "health"),
        ("religion non renseignée", ""),
        ("orientation non communiquée", ""),
        ("prefers not to say", ""),
    ]
}


def _slug(phrase: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower().encode("ascii", "ignore").decode()).strip("_")[:40]


CASES: dict[str, tuple[str, frozenset[tuple[str, str]], frozenset[str]]] = {}
for _p, _cats in PHRASES.items():
    CASES[f"{_slug(_p)}-notes"] = (
        "nom;email;telephone;notes\n" + "\n".join(f"{p.last};{p.email};{fr_spaced(p.mobile)};{_p}" for p in (A, B)),
        ids(A, B, fields="email mobile"),
        _cats,
    )
    CASES[f"{_slug(_p)}-dox"] = (
        f"Dox: {D.first} {D.last}, né le {fr_date(D.dob)}, tel {fr_spaced(D.mobile)}, mail {D.email}. Info: {_p}.",
        ids(D, fields="email mobile dob"),
        _cats,
    )

# Found on both engines alike (2026-12-04, wave 23); one reason each, as seen from outside.
MISSED: frozenset[str] = frozenset(
    {
        # (wave 23, helper J: AA meetings, flu vaccination, "uses a wheelchair", deafness and "Rom" in a
        # dox's "Info:" now flag; tests/test_article9_round3.py)
    }
)


def _score(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str], set[str]]:
    text, want, cats = CASES[name]
    found, got = _found_in([(text, None)])
    return want - found, {x for x in found if x[0] in STRICT and x not in want}, set(cats - got), got - cats


def test_cases_are_well_formed() -> None:
    assert len(CASES) == 2 * len(PHRASES) and MISSED <= set(CASES)


@pytest.mark.parametrize("name", sorted(set(CASES) - MISSED))
def test_phrase(name: str) -> None:
    missed, false, missed_cats, false_cats = _score(name)
    problems = {
        "missed": sorted(missed),
        "false": sorted(false),
        "missed art. 9": sorted(missed_cats),
        "false art. 9": sorted(false_cats),
    }
    assert not any(problems.values()), problems


@pytest.mark.parametrize("name", sorted(MISSED))
def test_missed(name: str) -> None:
    """Left as found (listed above): when one passes, move it out of MISSED."""
    assert any(_score(name))


def main() -> None:
    ctp = cfn = cfp = 0
    for name, (_t, _w, cats) in sorted(CASES.items()):
        missed, false, mc, fc = _score(name)
        ctp, cfn, cfp = ctp + len(cats - mc), cfn + len(mc), cfp + len(fc)
        if missed or false or mc or fc:
            print(f"{name}: missed {sorted(missed)} false {sorted(false)} art9 missed {sorted(mc)} false {sorted(fc)}")
    print(
        f"article 9: recall {ctp}/{ctp + cfn} = {ctp / (ctp + cfn):.3f}, "
        f"precision {ctp}/{ctp + cfp} = {ctp / (ctp + cfp):.3f}"
    )


if __name__ == "__main__":
    main()
