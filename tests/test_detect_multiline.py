"""Records whose quoted cells span several lines (`indexer.detect.multiline`): a patient export's
notes, a ticket's body. One table must stay one fragment with its header's names, and every
identifier must be found as if the cells had no line breaks. Synthetic data only."""

from __future__ import annotations

import random

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.multiline import MAX_BLANK_LINES, MAX_RECORD_LINES, join_quoted_cells, logical_starts
from indexer.tokens import MatchKey
from tests.native_core import both_engines, require_native

KEY = MatchKey(b"\x11" * 32, version=3)

_FIRST = ["Jean", "Élodie", "Paul", "Chloé", "Karim", "Inès", "Louis", "Fatou"]
_LAST = ["Dupont", "Martin", "Durand", "Lefèvre", "Benali", "Moreau", "Girard", "Diallo"]
_NOTES = [
    "Suivi VIH depuis 2019.\nTraitement ARV bien toléré.\nProchain bilan en mars",
    "RAS",
    "Patiente enceinte, 2e trimestre.\nAllergie pénicilline",
    'Dit ""ne plus venir"" ;\nà rappeler au 06 11 22 33 44',
    "",
]


def _nir(sex: int, k: int) -> str:
    body = f"{sex}{85 + k % 10:02d}{(k % 12) + 1:02d}75{100 + k:03d}{200 + k:03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def _table(n: int, sep: str = ";", seed: int = 0, breaks: bool = True, header: bool = True) -> str:
    r = random.Random(seed)
    rows = [sep.join(["nom", "prenom", "date_naissance", "email", "telephone", "nir", "notes"])] if header else []
    for k in range(n):
        first, last = r.choice(_FIRST), r.choice(_LAST)
        note = r.choice(_NOTES)
        if not breaks:
            note = note.replace("\n", " ")
        rows.append(sep.join([
            last, first, f"{1 + k % 28:02d}/{1 + k % 12:02d}/19{60 + k % 40}",
            f"{first.lower().replace('é', 'e').replace('è', 'e')}.{last.lower().replace('è', 'e')}{k}@example.fr",
            f"06 12 34 {k // 100 % 100:02d} {k % 100:02d}", _nir(1 + k % 2, k), f'"{note}"']))
    return "\n".join(rows)


def _found(frags) -> list[tuple[str, str]]:
    return sorted((i.type, i.value) for f in frags for i in f.identifiers)


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_a_table_with_notes_across_lines_is_one_fragment_with_every_identifier(sep: str) -> None:
    text = _table(40, sep, seed=len(sep) + ord(sep))
    flat = _table(40, sep, seed=len(sep) + ord(sep), breaks=False)
    assert text.count("\n") > flat.count("\n") + 10  # the notes do span lines
    frags = detect(text.encode(), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, text.count("\n") + 1)]
    # the same identifiers as the table without line breaks: names under the header included,
    # for the rows below a broken record too
    assert _found(frags) == _found(detect(flat.encode(), key=KEY))
    assert sum(i.type == "name" for i in frags[0].identifiers) >= 40
    # spans are offsets in the fragment's text, which is the input's text
    f = frags[0]
    assert f.text == text
    for i in f.identifiers:
        if i.type == "email":
            assert f.text[i.start:i.end].lower() == i.value
    assert any(s.category == "health" for s in f.sensitive)


def test_headerless_rows_with_notes_across_lines_are_joined_too() -> None:
    text = _table(30, ";", seed=5, header=False)
    flat = _table(30, ";", seed=5, header=False, breaks=False)
    frags = detect(text.encode(), key=KEY)
    assert len(frags) == 1 and frags[0].end_line == text.count("\n") + 1
    assert _found(frags) == _found(detect(flat.encode(), key=KEY))


def test_line_numbers_count_the_text_lines_around_joined_records() -> None:
    intro = "Voici l'export complet,\nbonne lecture\n\n"
    text = intro + _table(12, ";", seed=9) + "\n\nSuite demain."
    f, = detect(text, key=KEY)
    assert f.start_line == 4
    assert f.end_line == 3 + _table(12, ";", seed=9).count("\n") + 1
    assert text.split("\n")[f.end_line - 1] == _table(12, ";", seed=9).split("\n")[-1]


def test_prose_with_an_unclosed_quote_is_not_joined() -> None:
    lines = ['Il a écrit, "je reviens', "demain avec les fichiers", 'et il a dit" puis rien.', "fin"]
    assert join_quoted_cells(lines, lines, 4096) is None
    # a quote that is not at a field's start opens nothing (`15" screen`)
    rows = ["nom;taille;prix", 'Ecran;15" mat;120', "Ecran;17;150", 'Tablette;10" ;300']
    assert join_quoted_cells(rows, rows, 4096) is None


def test_records_are_not_joined_across_quote_prefixes_many_blank_lines_or_past_the_bounds() -> None:
    head = "nom;prenom;email;notes"
    opened = 'Dupont;Jean;jean.dupont@example.fr;"ligne un'
    closing = 'ligne deux"'
    row = 'Martin;Paul;paul.martin@example.fr;"RAS"'
    ok = [head, opened, closing, row]
    assert join_quoted_cells(ok, ok, 4096) is not None
    raw = [head, opened, "> " + closing, row]  # a forum quote's prefix on the second line
    assert join_quoted_cells(raw, [head, opened, closing, row], 4096) is None
    blank = [head, opened, "", closing, row]  # a paragraph break in the cell: one record
    assert join_quoted_cells(blank, blank, 4096)[0][1] == "\n".join(blank[1:4])
    blanks = [head, opened, *[""] * (MAX_BLANK_LINES + 1), closing, row]  # more blank lines than a note holds
    assert join_quoted_cells(blanks, blanks, 4096) is None
    assert join_quoted_cells(ok, ok, len(opened) + 3) is None  # the record is longer than allowed
    long = [head, opened, *["suite"] * MAX_RECORD_LINES, closing, row]
    assert join_quoted_cells(long, long, 1 << 20) is None


def test_records_without_a_header_fit_each_other() -> None:
    """A chunk cut from a big export starts on a record, without its header: consecutive
    records confirm each other."""
    lines = ['Nom1;Jean;"suivi', "RAS\";a1@example.fr;0612345601", 'Nom2;Jean;"suivi', "RAS\";a2@example.fr;0612345602"]
    raw, _, phys = join_quoted_cells(lines, lines, 4096)
    assert raw == [lines[0] + "\n" + lines[1], lines[2] + "\n" + lines[3]] and phys == [0, 2, 4]
    text = "\n".join(lines[2:] + lines) + "\n" + "\n".join(lines)
    f, = detect(text, key=KEY)
    assert {i.value for i in f.identifiers if i.type == "email"} == {"a1@example.fr", "a2@example.fr"}


def test_joined_lines_map_back_to_the_text() -> None:
    lines = ["a;b;c", '1;2;"x', "y", 'z"', "4;5;6", '7;8;"p', 'q"']
    raw, got, phys = join_quoted_cells(lines, lines, 4096)
    assert got is raw
    assert raw == ["a;b;c", '1;2;"x\ny\nz"', "4;5;6", '7;8;"p\nq"']
    assert phys == [0, 1, 4, 5, 7]
    assert "\n".join(raw) == "\n".join(lines)
    assert logical_starts([(1, 0), (2, 0), (3, 0), (4, 0), (6, 5)], phys) == [(1, 0), (2, 0), (3, 3)]


def test_hostile_quote_runs_are_looked_ahead_a_bounded_number_of_lines() -> None:
    """Quotes opened and never closed: each opening line is looked ahead of at most
    MAX_RECORD_LINES lines, and nothing is joined. Lines that each open a quote pair up (the
    second one's quote closes the first's cell): what a CSV reader makes of them too."""
    never = (['a;b;"c'] + ["x;y;z"] * (MAX_RECORD_LINES + 1)) * 300
    assert join_quoted_cells(never, never, 1 << 20) is None
    pairs = ['a;b;"c'] * 6
    raw, _, phys = join_quoted_cells(pairs, pairs, 4096)
    assert raw == ['a;b;"c\na;b;"c'] * 3 and phys == [0, 2, 4, 6]


def test_both_engines_agree_on_multiline_records() -> None:
    require_native()
    try:
        for seed, sep in enumerate([";", ",", "\t", "|"]):
            for header in (True, False):
                ref, got = both_engines(_table(25, sep, seed=seed, header=header).encode(), KEY)
                assert ref and ref == got, (sep, header)
    finally:
        engine.set_engine(None)
