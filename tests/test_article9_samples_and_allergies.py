"""Genetic data written as a sample taken (`ADN prélevé`, `prélèvement d'ADN`, `DNA swab`) and
allergies written without `à` (`allergie pénicilline`, `allergie aux arachides`): a patient
export's notes write them so, and neither was flagged. The brand sense of "ADN" stays unflagged."""

from __future__ import annotations

import pytest

from indexer.article9 import scan_article9


@pytest.mark.parametrize(("text", "category"), [
    ("ADN prélevé le 03/03/2024", "genetic"),
    ("prélèvement d'ADN effectué", "genetic"),
    ("échantillon d'ADN conservé", "genetic"),
    ("analyse ADN en cours", "genetic"),
    ("DNA swab taken at intake", "genetic"),
    ("allergie pénicilline", "health"),
    ("allergie aux arachides", "health"),
    ("allergique aux AINS", "health"),
    ("allergie alimentaire sévère", "health"),
])
def test_flagged(text: str, category: str) -> None:
    assert category in {f.category for f in scan_article9(text)}


@pytest.mark.parametrize("text", ["l'ADN de la marque", "c'est dans notre ADN", "pas d'allergie aux arachides"])
def test_not_flagged(text: str) -> None:
    assert scan_article9(text) == []
