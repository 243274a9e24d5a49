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



def _unquoted_by_char(line: str, delim: str) -> list[int]:
    """The delimiters outside quotes as the scan found them before wave 22 (a test per character)."""
    out: list[int] = []
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            out.append(i)
    return out


def test_delimiters_outside_quotes_by_split_are_the_per_character_walk() -> None:
    rng = random.Random(22)
    for _ in range(20000):
        line = "".join(rng.choice('ab",;|\t ') for _ in range(rng.randint(0, 40)))
        delim = rng.choice(A._DELIMS)
        assert A._unquoted(line, delim) == _unquoted_by_char(line, delim), (line, delim)


def test_negation_after_a_match_answers_as_its_pattern_without_it() -> None:
    """`_negated` reads the pattern after a match only when the first character after its blanks
    (and an optional ':' or '=') starts a negation word: the same answer as the pattern on random
    windows built of those words, blanks, quotes, separators and letters."""
    lex = A.lexicon()
    assert lex.neg_after_first and not lex.empty_windows_match
    words = ["non", "no", "negatif", "aucune", "none", "neant", "absent", "exclu", "faux", "nil", "nie",
             "denied", "-lussac", "nonne", "b", "diabete", "x"]
    pieces = [*words, " ", "\t", "\n", "\f", "\r", "\v", '"', "'", ":", "=", ",", "+", "(", "é", "_", "0"]
    rng = random.Random(5)
    hits = 0
    for _ in range(20000):
        after = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))[:30]
        text = "VIH" + after
        want = A.contains(lex.neg_after, after.lower())
        hits += want
        assert A._negated(lex, text, 0, 3, 0) is want, repr(after)
    assert hits > 1000  # the windows hold negations often enough for the comparison to say something


def test_a_header_cell_is_normalised_only_for_its_column() -> None:
    cols = A._Columns("Nom;Prénom;Pathologie Actuelle;\"Notes\"\nDurand;Luc;asthme;RAS")
    assert cols.cells == ["Nom", "Prénom", "Pathologie Actuelle", '"Notes"']
    assert [cols.name_at("durand;luc;asthme;ras", o) for o in (0, 7, 11, 18)] == ["nom", "prenom",
                                                                                  "pathologie_actuelle", "notes"]
    assert cols.name_at('durand;"luc; jr";asthme;ras', 17) == "pathologie_actuelle"  # a delimiter in quotes
    assert cols.name_at("durand;luc", 7) is None  # not the header's shape
