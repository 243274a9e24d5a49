"""Article 9, round 8: what real project text still flagged after the project records (wave 28, task P).

tests/corpus/real_text_sweep.py over 285 MB of this machine's documents left 7 flagged fragments once
copyright files and changelogs were read as a project's records (tests/test_detect_precision_round8.py):
a man page's and a copyright file's authors with a middle initial ("Rickard E. Faith (faith@...)": the
surname rule of round 7 wanted the first name right before the term) and FSF copyright assignments
("Assigns past and future changes to FSF"). Texts here are synthetic rewrites, several variants each,
with the same words still flagged where they are a person's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.article9 import scan_article9
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x39" * 32, version=2)


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        require_native()
    try:
        engine.set_engine(request.param)
        yield request.param
    finally:
        engine.set_engine(None)


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
