"""CSV records whose quoted cell holds a blank line (`indexer.detect.multiline`): a patient
export's notes with a paragraph break (`Dupont;Jean;...;"Patient suivi.\\n\\nVIH positif"`). Each
record is one logical record: the table is one fragment under its header's names, every
identifier is found as in the same table without the breaks, and the article 9 flag is raised.
Prose with quoted speech across paragraphs, an unclosed quote, a quoted forum dump stay lines;
the sparse prefilter's windows and the parallel cutter never cut such a record; both engines
agree. Synthetic data only (names from a fixed list, example.fr addresses, 06 numbers)."""

from __future__ import annotations

import random
import time

import pytest

from indexer import engine
from indexer.decode import decode
from indexer.detect import _LIMITS, Tokenizer, detect, detect_text
from indexer.detect import chunking as PAR
from indexer.detect import prefilter as P
from indexer.detect.multiline import MAX_BLANK_LINES, MAX_RECORD_LINES, join_quoted_cells
from indexer.detect.parallel import detect_here
from indexer.tokens import MatchKey
from tests.corpus.generate import make_prose_post
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x27" * 32, version=2)

_PEOPLE = [("Dupont", "Jean"), ("Martin", "Paul"), ("Durand", "Chloé"), ("Moreau", "Inès"), ("Girard", "Louis"),
           ("Benali", "Karim"), ("Lefèvre", "Élodie"), ("Diallo", "Fatou")]
_PARAS = [
    ["Patient suivi depuis 2019.", "VIH positif, traitement ARV bien toléré."],
    ["Consultation du 12 mars ; RAS.", "Diabète de type 1, insuline.", "Prochain bilan en juin."],
    ["Patiente enceinte, 2e trimestre.", "Allergie : pénicilline"],
    ['Dit ""ne plus venir"".', "À rappeler."],
]


def _ascii(s: str) -> str:
    return s.lower().translate(str.maketrans("éèêëïîç", "eeeeiic"))


def _table(sep: str = ";", header: bool = True, nl: str = "\n", gap: int = 1, rows: int = 6, seed: int = 0,
           broken: set[int] | None = None, flat: bool = False) -> str:
    """An export with a notes column whose cells hold paragraphs `gap` blank lines apart (in the
    records of `broken`, all when None); `flat` joins the paragraphs with a space instead."""
    r = random.Random(seed)
    out = [sep.join(["nom", "prenom", "email", "telephone", "notes", "ville"])] if header else []
    for k in range(rows):
        last, first = _PEOPLE[(k + seed) % len(_PEOPLE)]
        paras = r.choice(_PARAS)
        cut = not flat and (broken is None or k in broken)
        note = (nl * (gap + 1)).join(paras) if cut else " ".join(paras)
        out.append(sep.join([last, first, f"{_ascii(first)}.{_ascii(last)}{k}@example.fr",
                             f"06 12 34 {seed % 100:02d} {k:02d}", f'"{note}"', "Lyon"]))
    return nl.join(out)


def _found(frags: list) -> list[tuple[str, str]]:
    return sorted((i.type, i.value) for f in frags for i in f.identifiers)


def _shape(frags: list) -> list[tuple[str, int, int]]:
    return [(f.kind, f.start_line, f.end_line) for f in frags]


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_six_records_with_a_paragraph_break_are_one_table(sep: str, nl: str) -> None:
    """The brief's case: one fragment over the whole table, the 6 emails, 6 phones and the
    names under the header, the health flag, as for the same table without the breaks."""
    text = _table(sep, nl=nl, seed=len(sep))
    flat = _table(sep, nl=nl, seed=len(sep), flat=True)
    lines = text.count("\n") + 1
    assert lines > flat.count("\n") + 6
    frags = detect(text.encode(), key=KEY)
    assert _shape(frags) == [("csv", 1, lines)]
    f = frags[0]
    assert _found(frags) == _found(detect(flat.encode(), key=KEY))
    assert sum(i.type == "email" for i in f.identifiers) == 6
    assert sum(i.type == "phone" for i in f.identifiers) == 6
    assert sum(i.type == "name" for i in f.identifiers) >= 6  # the header's names reach every record
    assert any(s.category == "health" for s in f.sensitive)
    assert f.delimiter == sep
    for i in f.identifiers:  # spans are offsets in the fragment's text, the input's text
        if i.type == "email":
            assert f.text[i.start:i.end].lower() == i.value


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_records_without_a_header_confirm_each_other(sep: str) -> None:
    text = _table(sep, header=False, seed=3)
    frags = detect(text.encode(), key=KEY)
    assert _shape(frags) == [("csv", 1, text.count("\n") + 1)]
    assert _found(frags) == _found(detect(_table(sep, header=False, seed=3, flat=True).encode(), key=KEY))
    assert sum(i.type == "email" for i in frags[0].identifiers) == 6
    assert any(s.category == "health" for s in frags[0].sensitive)


@pytest.mark.parametrize("gap", [2, 3, MAX_BLANK_LINES // len(_PARAS[1])])
def test_several_blank_lines_and_paragraphs_in_one_cell(gap: int) -> None:
    text = _table(";", gap=gap, seed=1, nl="\r\n")
    frags = detect(text.encode(), key=KEY)
    assert _shape(frags) == [("csv", 1, text.count("\n") + 1)]
    assert _found(frags) == _found(detect(_table(";", seed=1, flat=True).encode(), key=KEY))


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("which", ["first", "last", "middle"])
def test_a_blank_line_in_the_first_or_last_record_only(which: str, header: bool) -> None:
    k = {"first": 0, "last": 5, "middle": 2}[which]
    text = _table(";", header=header, seed=2, broken={k})
    frags = detect(text.encode(), key=KEY)
    assert _shape(frags) == [("csv", 1, text.count("\n") + 1)], which
    assert _found(frags) == _found(detect(_table(";", header=header, seed=2, flat=True).encode(), key=KEY))


def test_a_dump_pasted_in_a_forum_post_with_prose_around_it() -> None:
    intro = ('Salut à tous,\n\nvoici l\'export du cabinet, comme promis "tout frais".\n'
             "Je le mets en clair pour ceux qui n'ont pas de compte.\n\n")
    table = _table(";", seed=4)
    outro = '\n\nBonne lecture, et dites "merci" en passant.\n\nPS : d\'autres arrivent demain.'
    text = intro + table + outro
    first = intro.count("\n") + 1
    frags = detect(text.encode(), key=KEY)
    assert _shape(frags) == [("csv", first, first + table.count("\n"))]
    assert _found(frags) == _found(detect(_table(";", seed=4, flat=True).encode(), key=KEY))
    assert frags[0].text == table


def _speech(lines_between: list[str]) -> str:
    return "\n".join(['Il a répondu, "je vous envoie tout demain.', "", *lines_between,
                      'Merci à vous," a-t-il conclu, content.', "À plus, les amis"])


def test_a_stray_quote_in_prose_does_not_join_paragraphs() -> None:
    """Quoted speech across a paragraph, an unclosed quote before a blank line: the lines in
    between (an email list here) are still read line by line, as without the quote."""
    emails = [f"{_ascii(f)}.{_ascii(n)}@example.fr" for n, f in _PEOPLE[:5]]
    cases = [
        _speech(emails + [""]),
        # an unclosed quote, then a list, then prose with commas: no cell closes cleanly
        "\n".join(['Bon, voilà, "le fichier arrive', "", *emails, "", "Merci, bonne journée, à demain"]),
        # the closing line ends with the quote (a CSV cell's end), but the record has 2 fields
        "\n".join(['Il a dit, "voici la liste', "", *emails, "", 'fin de la liste"', "ok, merci"]),
        # quotes and fields like a record's, but a list between its paragraphs: no note holds one
        "\n".join(["sujet;auteur;message;date", 'Re: export;Marc;"voici la liste', "", *emails, "",
                   'bonne journée";hier']),
        # an unclosed quote at the file's end: nothing to join, nothing swallowed
        "\n".join(["Liste :", *emails, "", 'Et le reste, "bientôt', "", "promis"]),
    ]
    for text in cases:
        lines = text.split("\n")
        assert join_quoted_cells(lines, lines, 1 << 20) is None, text
        frags = detect(text.encode(), key=KEY)
        assert _found(frags) == _found(detect(text.replace('"', "").encode(), key=KEY)), text
        assert {v for t, v in _found(frags) if t == "email"} == set(emails), text


def test_an_unclosed_quote_in_the_last_record_does_not_swallow_what_follows() -> None:
    table = _table(";", seed=6)
    cut = table + '\nRoux;Marc;marc.roux9@example.fr;06 12 34 06 09;"Patient vu.\n\nà suivre'
    after = "\n\nnom;prenom;email\nNoel;Anne;anne.noel@example.fr\nPetit;Luc;luc.petit@example.fr"
    frags = detect((cut + after).encode(), key=KEY)
    found = {v for t, v in _found(frags) if t == "email"}
    assert {f"{_ascii(f)}.{_ascii(n)}{k}@example.fr" for k, (n, f) in enumerate(_PEOPLE[6:] + _PEOPLE[:4])} <= found
    assert {"anne.noel@example.fr", "luc.petit@example.fr"} <= found
    assert frags[0].start_line == 1 and frags[0].end_line >= table.count("\n") + 1
    assert frags[-1].end_line == (cut + after).count("\n") + 1


def test_a_quoted_forum_dump_is_not_joined_across_its_quote_prefixes() -> None:
    table = _table(";", seed=7)
    quoted = "\n".join(">" if not ln.strip() else "> " + ln for ln in table.split("\n"))
    raw = quoted.split("\n")
    assert join_quoted_cells(raw, [ln[2:] for ln in raw], 1 << 20) is None


def test_records_past_the_bounds_are_not_joined() -> None:
    head = "nom;prenom;email;notes;ville"
    row = 'Martin;Paul;paul.martin@example.fr;"RAS";Lyon'
    opened = 'Dupont;Jean;jean.dupont@example.fr;"ligne un'
    for middle, joined in (([""] * MAX_BLANK_LINES, True), ([""] * (MAX_BLANK_LINES + 1), False),
                           ([""] + ["x"] * (MAX_RECORD_LINES - 3), True),
                           ([""] + ["x"] * (MAX_RECORD_LINES - 2), False)):
        lines = [head, opened, *middle, 'ligne deux";Paris', row]
        got = join_quoted_cells(lines, lines, 1 << 20)
        assert (got is not None) == joined, len(middle)
        if joined:
            assert got[0][1] == "\n".join(lines[1:-1])
    # a closing quote followed by prose, or by another separator than the record's: no record
    for closing in ('ligne deux" dit-il;Paris', 'ligne deux",Paris'):
        lines = [head, opened, "", closing, row]
        assert join_quoted_cells(lines, lines, 1 << 20) is None, closing


def test_a_record_without_a_blank_line_keeps_its_place() -> None:
    """Records joined without a blank line are found first: a quote left open above them and
    closed below them across a blank line is no record (it would hide theirs)."""
    lines = ['Alors, bon, "voici', "", "nom;prenom;email;notes", 'Dupont;Jean;jean@example.fr;"ligne un',
             'ligne deux"', 'Martin;Paul;paul@example.fr;"RAS"']
    raw, _, phys = join_quoted_cells(lines, lines, 1 << 20)
    assert raw == lines[:3] + ["\n".join(lines[3:5]), lines[5]] and phys == [0, 1, 2, 3, 5, 6]


def test_hostile_open_quotes_and_blank_lines_stay_linear() -> None:
    """Lines that each open a quote, blank lines between: each is looked ahead a bounded number
    of lines (twice at most: without, then across blank lines)."""
    for unit in ('a;b;"c\n\n', 'a;b;"c\n\n\n\n\n\n\n\n\n\nx"\n', '"\n\n', ';"' * 50 + "\n\n" + 'x";' * 50 + "\n"):
        small, big = (unit * 2_000).encode(), (unit * 16_000).encode()
        t0 = time.process_time()
        detect(small, key=KEY)
        t1 = time.process_time()
        detect(big, key=KEY)
        t2 = time.process_time()
        assert t2 - t1 < 20 * max(t1 - t0, 0.02), (unit[:20], t1 - t0, t2 - t1)


# ------------------------------------------------------------------ prefilter and parallel cuts
def _page(seed: int) -> tuple[bytes, list[str]]:
    """A thread page over `WINDOWED_MIN_BYTES`: prose posts, two exports with paragraph notes
    (one with a header, one without), each blank line inside a cell far from any other."""
    r = random.Random(seed)
    posts = [make_prose_post(61_000 + seed * 1000 + i) for i in range(1200)]
    tables = [_table(";", seed=seed, gap=2), _table(",", header=False, seed=seed + 1)]
    for t in tables:
        posts.insert(r.randrange(100, len(posts) - 100), t)
    return "\n\n".join(posts).encode(), tables


def test_prefilter_windows_never_cut_a_record_of_paragraphs() -> None:
    if not P.available():
        pytest.skip("hyperscan not installed: " + P.reason())
    b, tables = _page(1)
    assert len(b) >= P.WINDOWED_MIN_BYTES
    want = detect_text(decode(b), key=KEY)
    assert [f.text for f in want if f.kind == "csv"] == tables
    got = P.run(b, detect_text, Tokenizer(KEY), None, None, _LIMITS, max_share=1.0)
    assert got is not None and got == want  # the windows were taken, and gave the same fragments
    assert detect(b, key=KEY) == want
    # no blank line inside a record is a boundary
    for t in map(str.encode, tables):
        at = b.index(t)
        s = b.find(b"\n\n", at, at + len(t)) + 1
        assert 0 < s and not P._boundary(b, s, s, len(b))


def test_parallel_chunks_never_cut_a_record_of_paragraphs() -> None:
    b, tables = _page(2)
    pieces = list(PAR.chunks([b], chunk_bytes=8 * 1024))
    assert len(pieces) > 10
    for t in tables:
        assert any(t.encode() in c.data for c in pieces), "a record of paragraphs was cut between chunks"
    # a chunk's end searched from inside a table, whose blank lines come first on the way up
    for t in map(str.encode, tables):
        at = b.index(t)
        head = b[:at + len(t)]
        cut = PAR._cut(head, len(head) - 100)
        assert cut <= at, "the chunk would end inside a record"


def _last_row_broken(tag: int, rows: int, cell_lines: int) -> str:
    """A table whose LAST row has a notes cell over `cell_lines` + 1 lines (no blank line in it)."""
    out = ["nom;prenom;email;telephone;notes;ville"]
    for k in range(rows):
        note = "\n".join(["Patient suivi."] + ["Diabète de type 1."] * cell_lines) if k == rows - 1 else "RAS"
        out.append(f'Dupont{k};Jean;c{tag}x{k}@example.fr;06 12 34 {tag % 100:02d} {k:02d};"{note}";Lyon')
    return "\n".join(out)


@pytest.mark.parametrize(("rows", "cell_lines"), [(3, 2), (10, 5), (40, 5), (40, 20)])
def test_a_tables_last_row_across_lines_is_not_cut_from_it(rows: int, cell_lines: int) -> None:
    """Tables of a post whose last row's cell spans lines, prose between them: the blank line
    after such a table was no boundary for the cutter (`prefilter._in_cell` saw the row's odd
    line above it and the next table's quotes below), a chunk's end fell before that row, and
    the row, alone at the next chunk's start, was read as nothing: its address and phone lost
    in a streamed file, though one pass reads them (wave 23). Now cut at that blank line. Each
    case lost a row at one chunk size at least of those here before."""
    b = ("\n\nblabla du forum\n\n".join(_last_row_broken(t, rows, cell_lines) for t in range(12)) + "\n").encode()
    want = {f"c{t}x{k}@example.fr" for t in range(12) for k in range(rows)}
    assert {i.value for f in detect(b, key=KEY) for i in f.identifiers if i.type == "email"} == want
    for chunk in (512, 768, 1024, 2048):
        streamed = list(detect_here([b], key=KEY, chunk_bytes=chunk))
        assert {i.value for f in streamed for i in f.identifiers if i.type == "email"} == want, chunk


# ------------------------------------------------------------------ both engines
def test_both_engines_agree_byte_for_byte() -> None:
    require_native()
    cases = []
    for sep in (";", ",", "\t"):
        for header in (True, False):
            for nl in ("\n", "\r\n"):
                cases.append(_table(sep, header=header, nl=nl, gap=1 + len(cases) % 3, seed=len(cases)))
    cases += [_table(";", broken={0}, seed=9), _table(";", header=False, broken={5}, seed=10),
              _speech([f"{_ascii(f)}.{_ascii(n)}@example.fr" for n, f in _PEOPLE] + [""]),
              "Intro, \"voir\"\n\n" + _table(";", seed=11) + "\n\nFin, \"merci\""]
    try:
        for k, text in enumerate(cases):
            ref, got = both_engines(text.encode(), KEY)
            assert ref, k
            assert_same_fragments(ref, got, f"case {k}")
        b, _ = _page(3)
        ref, got = both_engines(b, KEY)
        assert_same_fragments(ref, got, "page")
    finally:
        engine.set_engine(None)
