"""CSV whose quoted cells escape their quotes with a backslash (`"Dupont \\"Jo\\""`), as MySQL's
`SELECT ... INTO OUTFILE ... ENCLOSED BY '"' ESCAPED BY '\\\\'`, PHP's fputcsv with an escape
character and hand-rolled exporters write them, next to RFC 4180 files (`"Dupont ""Jo"" Jean"`, and
`"C:\\"` a legal cell holding `C:\\`) that must read as they always did. Read as RFC 4180, the
`\\"` closed the cell: the row split into one field more and every later column shifted (the
emails were lost). `shapes._escaped` picks the reading per line; `split.rs` is the core's twin.
Synthetic data only (Faker fr_FR, made-up numbers)."""

from __future__ import annotations

import csv
import io
import random
import re
import time
from collections.abc import Callable, Iterator

import pytest
from faker import Faker

from indexer import engine
from indexer.detect import detect
from indexer.detect.extract import clean
from indexer.detect.shapes import _escaped, _fits, _sig, _split, _unquote
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, require_native

KEY = MatchKey(b"\x11" * 32, version=3)


def _people(n: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(last name with a nickname in quotes, first name, email, mobile) of n made-up people."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    out = []
    for k in range(n):
        last, first = fake.last_name(), fake.first_name()
        nick = f'"{first[:3]}"'
        last = f"{last} {nick}" if k % 3 != 1 else last
        first = f"{nick} {first}" if k % 3 == 1 else first  # the quotes at a cell's start
        email = f"{fake.user_name()}{k}@example.fr"
        out.append((last, first, email, f"06{12345678 + 1111 * k + seed:08d}"[:10]))
    return out


def _mysql(v: str | None) -> str:
    """One cell as MySQL's INTO OUTFILE writes it with ENCLOSED BY '"' ESCAPED BY '\\\\'."""
    if v is None:
        return "\\N"
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _table(people: list[tuple[str, str, str, str]], sep: str, header: bool) -> str:
    lines = [sep.join(["nom", "prenom", "email", "telephone"])] if header else []
    lines += [sep.join([_mysql(last), _mysql(first), email, phone]) for last, first, email, phone in people]
    return "\n".join(lines) + "\n"


def _found(frags: list[Fragment], t: str) -> list[str]:
    return sorted(i.value for f in frags for i in f.identifiers if i.type == t)


@pytest.fixture
def both() -> Iterator[Callable[[str], list[Fragment]]]:
    """`detect` on the Python engine and on the core, which must agree byte for byte (fragments,
    spans, tokens, excerpts, flags); the reference's fragments."""
    require_native()

    def run(text: str) -> list[Fragment]:
        engine.set_engine("python")
        ref = detect(text.encode(), key=KEY)
        engine.set_engine("native")
        got = detect(text.encode(), key=KEY)
        assert_same_fragments(ref, got, text[:200])
        return ref

    try:
        yield run
    finally:
        engine.set_engine(None)


@pytest.mark.parametrize("header", [True, False], ids=["header", "headerless"])
@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_six_rows_with_escaped_quotes_give_every_identifier(sep: str, header: bool) -> None:
    """The lead's probe: names and phones were found, the emails lost (the columns shifted)."""
    people = _people(6, seed=len(sep) * 7 + header)
    text = _table(people, sep, header)
    assert text.count('\\"') >= 8  # the rows do escape quotes
    frags = detect(text.encode(), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, 6 + header)]
    assert _found(frags, "email") == sorted(p[2].lower() for p in people)
    assert _found(frags, "phone") == sorted(f"+33{p[3][1:]}" for p in people)
    if header:  # the names are read under their own columns (a nickname's quotes are no field)
        names = _found(frags, "name")
        assert len(names) == 6
        assert all('"' not in n and "\\" not in n for n in names)


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_both_engines_agree_on_escaped_tables(both: Callable[[str], list[Fragment]], sep: str) -> None:
    for header in (True, False):
        people = _people(8, seed=ord(sep) + header)
        frags = both(_table(people, sep, header))
        assert len(_found(frags, "email")) == 8
    # rows of both readings in one block, `\N` cells, Windows paths ending a cell
    rows = ["id,nom,email,chemin,telephone"]
    for k, (last, _, email, phone) in enumerate(_people(10, seed=5)):
        path = "C:\\Users\\" if k % 2 else "D:\\partage\\"
        rows.append(",".join([str(k), _mysql(last), email if k % 4 else "\\N", _mysql(path), phone]))
    frags = both("\n".join(rows))
    assert len(_found(frags, "email")) == 7 and len(_found(frags, "phone")) == 10


def _mysql_split(line: str, sep: str) -> list[str]:
    return [clean(v, o)[0] for v, o in _split(line, sep, 0)]


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_cells_read_as_the_writer_wrote_them(sep: str) -> None:
    # the fields as written, their quotes stripped: a value keeps its cell's length, so that the
    # spans of what is found in it and the excerpt's masks cover the cell (`shapes._split`)
    cases: list[tuple[list[str], list[str]]] = [
        (['"Dupont \\"Jo\\""', "Jean"], ['Dupont \\"Jo\\"', "Jean"]),          # quotes at the end
        (['"\\"Jo\\" Dupont"', "Jean"], ['\\"Jo\\" Dupont', "Jean"]),          # at the start
        ([f'"a\\"{sep}b"', "c"], [f'a\\"{sep}b', "c"]),                         # next to a separator
        ([f'"a{sep}\\"b\\""', "c"], [f'a{sep}\\"b\\"', "c"]),
        (['"C:\\\\Users\\\\"', '"Dupont \\"Jo\\""'], ["C:\\\\Users\\\\", 'Dupont \\"Jo\\"']),  # `\\` ends it
        (['"a\\\\\\"b"', "c"], ['a\\\\\\"b', "c"]),                         # `\\` then `\"`
        (['"5\\" écran"', "\\N", '""'], ['5\\" écran', "\\N", ""]),             # an odd count of quotes
        ([' "x \\"y\\"" ', "z"], ['x \\"y\\"', "z"]),                           # spaces around the quotes
    ]
    for cells, want in cases:
        line = sep.join(cells)
        assert _escaped(line), line
        assert _mysql_split(line, sep) == want, line
        sig = _sig(line)  # the fields counted as the split gives them (trailing empty ones apart)
        assert sig is not None and sig[0] == sep and sig[2] == len(cells) - 1, line
    for line in (sep.join(['"Dupont \\"Jo\\""', "Jean", "x@y.fr"]), sep.join(['"\\"A\\"\\"B\\""', "", "x"])):
        assert _fits(line, (sep, 2, 2)) and not _fits(line, (sep, 3, 3))


def _rfc_split(s: str, sep: str) -> list[tuple[str, int]]:
    """The RFC 4180 reading `_split` gave every line before backslash escapes were read (the
    specification here: a well-formed RFC 4180 line must still read this way), the text as
    written (`""` kept since cells keep their length, tests/test_detect_doubled_quotes.py)."""
    rx = re.compile(' *"(?:[^"]|"")*" *|[^' + ("\\t" if sep == "\t" else re.escape(sep)) + "]*")
    return [(m.group(0), m.start()) for m in rx.finditer(s)
            if not (m.start() > 0 and s[m.start() - 1] != sep and m.group(0) == "")]


_TRICKY = ["C:\\", "C:\\Users\\", '5" écran', 'Dupont "Jo"', "a\\", "\\", '"', "\\\"", "x, y; z\tw",
           "\\N", "", " padded ", "a\\\\b", 'fin\\"', '"début']


def _values(r: random.Random, n: int) -> list[str]:
    return [r.choice(_TRICKY) + r.choice(["", "é", "x@y.fr", "0612345678"]) for _ in range(n)]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_rfc4180_lines_read_as_before(sep: str) -> None:
    """RFC 4180 writers (`csv.writer`, doubled quotes): every line reads as it did, and gives the
    values written, backslashes and `"C:\\"` included."""
    r = random.Random(ord(sep))
    for _ in range(3000):
        vals = _values(r, r.randint(1, 6))
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="", quoting=r.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
                   ).writerow(vals)
        line = buf.getvalue()
        assert not _escaped(line), line
        assert _split(line, sep, 0) == _rfc_split(line, sep), line
        assert len(_split(line, sep, 0)) == len(vals), line


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_backslash_writers_give_their_fields(sep: str) -> None:
    """MySQL's writer, and Python's csv.writer with `doublequote=False, escapechar='\\\\'` (PHP's
    fputcsv escapes the same way): every row splits into the fields written. A line that is also
    well-formed RFC 4180 (its only `\\"` after an escaped backslash, `"C:\\\\"`) keeps its RFC 4180
    values (same fields, backslashes doubled); every other line gives the values written."""
    r = random.Random(ord(sep) + 1)
    escaped = 0
    for k in range(3000):
        vals = [v.strip() or "v" for v in _values(r, r.randint(1, 6))]
        if k % 2:
            line = sep.join(_mysql(v) for v in vals)
        else:
            buf = io.StringIO()
            csv.writer(buf, delimiter=sep, lineterminator="", quoting=csv.QUOTE_ALL, doublequote=False,
                       escapechar="\\").writerow(vals)
            line = buf.getvalue()
        got = _mysql_split(line, sep)
        assert len(got) == len(vals), line
        if _escaped(line):
            escaped += 1
            assert [_unescape(v) for v in got] == vals, line
        else:
            assert '\\"' not in line.replace("\\\\", "") and _split(line, sep, 0) == _rfc_split(line, sep), line
        assert _sig(line) is None or _unquote(line).count(sep) == len(vals) - 1, line
    assert escaped > 1000


def _unescape(v: str) -> str:
    """`\\"` and `\\\\` as the one character they stand for, left to right."""
    return re.sub(r'\\([\\"])', r"\1", v)


def test_excerpt_masks_and_spans_cover_the_written_cells(both: Callable[[str], list[Fragment]]) -> None:
    """A cell keeps its length: a phone in a note after escaped quotes is masked where it stands,
    and a name or a password holding `\\"` is masked whole (no last letters left in the clear)."""
    rows = ["nom,email,notes,mot_de_passe"]
    for k, (last, _, email, phone) in enumerate(_people(6, seed=23)):
        note = f'dit "urgent", rappeler au {phone} "vite"'
        rows.append(",".join([_mysql(last + ' "Bob"'), email, _mysql(note), _mysql(f'p"w,{k}"Zq')]))
    text = "\n".join(rows)
    frags = both(text)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, 7)]
    f = frags[0]
    phones = [i for i in f.identifiers if i.type == "phone"]
    assert len(phones) == 6
    for i in phones:
        assert i.start is not None and i.end is not None
        assert f.text[i.start:i.end].isdigit() and f"+33{f.text[i.start + 1:i.end]}" == i.value
    assert len([i for i in f.identifiers if i.type == "credential"]) == 6
    for secret in ("Bob", "Zq", "w,"):
        assert secret not in f.excerpt, (secret, f.excerpt)


def test_mysql_null_marker_is_an_empty_cell(both: Callable[[str], list[Fragment]]) -> None:
    rows = ["nom;prenom;email;telephone"]
    for k, (last, first, email, phone) in enumerate(_people(6, seed=11)):
        rows.append(";".join([_mysql(last), _mysql(first) if k % 2 else "\\N", "\\N" if k == 2 else email,
                              "\\N" if k == 4 else phone]))
    frags = both("\n".join(rows))
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, 7)]
    assert len(_found(frags, "email")) == 5 and len(_found(frags, "phone")) == 5
    assert "\\N" in frags[0].excerpt  # a null is no value: nothing to mask


def test_split_and_run_end_agree_with_the_core() -> None:
    """Random lines of quotes, backslashes and separators: the core's split and run scan are the
    reference's, in both readings."""
    native = require_native()
    r = random.Random(17)
    parts = ['"', '""', "\\", '\\"', "\\\\", "a", "é", " ", "x1", "\u20ac", ";", ",", "\t", "|"]
    lines = []
    for k in range(20000):
        sep = r.choice(";,\t|")
        if k % 2:
            s = "".join(r.choice(parts) for _ in range(r.randint(0, 16)))
        else:  # cells, most of them quoted: lines well-formed in one reading or both, or nearly
            cells = ["".join(r.choice(parts) for _ in range(r.randint(0, 5))) for _ in range(r.randint(1, 5))]
            s = sep.join(_mysql(c) if r.random() < 0.8 else c for c in cells)
        base = r.randint(0, 50)
        with engine.reference_only():  # (`_split` itself asks the core on the native engine)
            want = _split(s, sep, base)
        assert native.split_row(s, sep, base) == want, repr(s)
        lines.append(s)
    n_escaped = sum(map(_escaped, lines))
    assert n_escaped > 3000  # both readings are exercised
    for k in range(0, len(lines) - 8, 8):
        block = [s for s in lines[k:k + 8] if s.strip()]
        if not block or (sig := _sig(block[0])) is None:
            continue
        j = 1
        while j < len(block) and block[j].strip() and _fits(block[j], sig):
            j += 1
        assert native.run_end(block, 1, *sig) == j, block


_HOSTILE = {
    "open_escapes": '"' + '\\"' * 200_000,
    "backslashes": "\\" * 400_000 + '"',
    "backslash_run_then_quotes": '"' + "\\" * 200_001 + '"' * 3 + ",x",
    "escaped_separators": '"a\\",' * 100_000,
    "escaped_one_cell": 'x;"' + '\\",' * 100_000 + '"',
    "escaped_cells": ('"a\\"b",' * 60_000) + "x@y.fr",
    "pairs_and_escapes": '"' + '\\"",' * 100_000 + '"',
    "alternating": '"\\"' * 100_000,
    "windows_paths": '"C:\\\\",' * 50_000,
    "spaced_quotes": ', "\\"' * 100_000,
}


@pytest.mark.parametrize("name", sorted(_HOSTILE))
def test_hostile_lines_stay_linear(name: str) -> None:
    line = _HOSTILE[name]
    # CPU time, as the other detection timing tests: the wall clock counts the other workers' turns
    # (the slowest case, 0.34 s of CPU, took 4.3 s of wall clock on this 2-core host under load 18)
    t0 = time.thread_time()
    for sep in ",;\t":
        _split(line, sep, 0)
    _unquote(line)
    detect(line, key=KEY)
    detect(("nom,email\n" + line + "\n") * 3, key=KEY)
    assert time.thread_time() - t0 < 8.0


def test_doubling_a_hostile_table_roughly_doubles_time() -> None:
    def t(n: int) -> float:
        text = "nom,email,tel\n" + ('"Dupont \\"Jo\\", ' + "\\\\" * 20 + '",a@b.fr,0612345678\n') * n
        t0 = time.thread_time()  # CPU time: a ratio of wall clocks measures the load between the two calls
        frags = detect(text, key=KEY)
        assert sum(len(f.identifiers) for f in frags) >= 2 * n
        return time.thread_time() - t0
    t(200)
    small, big = t(2000), t(8000)
    assert big < 8 * small + 0.1, (small, big)
