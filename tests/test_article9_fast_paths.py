"""The article 9 scan's shortcuts (issue 17, wave 20) give the flags the full reading gives: a
term under a column that says it is not about the person (a name column) is dropped before its
negation and cues are read, and a clause's start is found by one search. All data synthetic."""

from __future__ import annotations

import random

import pytest

from indexer import article9 as A


def _flags(text: str) -> list[tuple[str, str, int | None]]:
    return [(f.category, f.evidence, f.start) for f in A.scan_article9(text)]


def test_a_term_under_a_name_column_is_dropped_before_its_context_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = A._negated

    def negated(lex: object, low: str, start: int, end: int, clause_start: int) -> bool:
        read.append(start)
        return real(lex, low, start, end, clause_start)  # type: ignore[arg-type]

    monkeypatch.setattr(A, "_negated", negated)
    # the same term in two columns of the same shape: a surname (nothing), a note (a religion)
    assert _flags("prenom;nom;ville\nJean;Chrétien;Lyon\nLuc;Martin;Paris") == []
    assert read == []  # the name column decided: neither negation nor cue was read
    assert _flags("notes;nom;ville\nchrétien;Martin;Lyon\nRAS;Durand;Paris") == [("religion", "chrétien", 16)]
    assert read == [16]
    assert _flags("Il est chrétien.") == [("religion", "chrétien", 7)]  # no column: read as prose


def _clause_start_by_rfind(low: str, look: int, start: int) -> int:
    """The clause's start as the scan computed it before wave 20 (one `rfind` per clause end)."""
    return max(look, *(low.rfind(c, look, start) + 1 for c in A._CLAUSE_END))


def test_clause_start_by_one_search_is_the_last_clause_end() -> None:
    rng = random.Random(9)
    alphabet = "abc de" + A._CLAUSE_END + "]["
    for _ in range(5000):
        low = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        start = rng.randint(0, len(low))
        look = rng.randint(0, start)
        got = A._clause_start(low, look, start)
        assert got == _clause_start_by_rfind(low, look, start), (low, look, start)

