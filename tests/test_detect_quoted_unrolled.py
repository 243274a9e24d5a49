"""The per-line tests of the recognisers, written faster in wave 21 (issue 17: a forum post
holding a small dump), against the spellings they replace, on random lines.

Each shortcut must give what the pattern it stands for gives, on any line: a quoted field's
inside unrolled (`[^"]*(?:""[^"]*)*` for `(?:[^"]|"")*`), a line's quoted fields taken two
quotes at a time by `str.split` when no `""` is in it, a row's fields by `str.split` when each
is unquoted or quoted whole, and the `:`/`=`/`>` (key: value) and `:`/`|` (combo) searches
before the patterns that need one of them. The references below are the code before wave 21,
copied as it was.
"""

from __future__ import annotations

import random
import re

import pytest

from indexer.detect import shapes as S

_OLD_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_OLD_FIELD_RX: dict[str, re.Pattern[str]] = {}


def _old_unquote(s: str) -> str:
    if '"' not in s:
        return s
    if S._escaped(s):
        return S._QUOTED_BS.sub(lambda m: "q" if m.end() - m.start() > 2 else "", s)
    return _OLD_QUOTED.sub("q", s.replace('""', "")) if '""' in s else _OLD_QUOTED.sub("q", s)


def _old_drop_quoted(s: str) -> str:
    return S._QUOTED_BS.sub("", s) if S._escaped(s) else _OLD_QUOTED.sub("", s)


def _old_split(s: str, sep: str, base: int) -> list[tuple[str, int]]:
    if '"' not in s:
        out, o = [], base
        for v in s.split(sep):
            out.append((v, o))
            o += len(v) + 1
        return out
    if '\\"' in s and S._escaped(s):
        rx = re.compile(' *"(?:[^"\\\\]|\\\\[\\s\\S]|"")*" *|' + S._bare(sep))
    else:
        rx = _OLD_FIELD_RX.get(sep)
        if rx is None:
            rx = _OLD_FIELD_RX[sep] = re.compile(' *"(?:[^"]|"")*" *|' + S._bare(sep))
    out = []
    for m in rx.finditer(s):
        if m.start() > 0 and s[m.start() - 1] != sep and m.group(0) == "":
            continue
        out.append((m.group(0), base + m.start()))
    return out


def _old_combo_line(s: str) -> bool:
    m = S._COMBO.match(s)
    if m is None or (m.group(2) == "|" and "|" in m.group(3)) or m.group(1).isdigit() or "," in m.group(1):
        return False
    return "://" not in s and not s.lstrip().startswith(("http", "www."))


# quotes, every separator, spaces, backslashes (the escaped reading), doubled quotes and the
# shapes a row's cells have
_PIECES = [
    '"',
    '"',
    '"',
    ",",
    ";",
    "|",
    "\t",
    " ",
    " ",
    "a",
    "é",
    "\\",
    '""',
    "x@y.fr",
    "06 12",
    ":",
    "=",
    ">",
    "->",
    "Nom",
    "http",
    "12",
]


def _lines(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 24))))
    # rows made of whole fields: the shortcut's own case, quoted or not, and its near misses
    for _ in range(n):
        sep = rng.choice(S._SEPS)
        cells = []
        for _ in range(rng.randint(1, 7)):
            v = rng.choice(["Dupont", "Jean", "x@y.fr", "06 12 34 56 78", "", "12, rue X", 'a"b', " "])
            q = rng.random()
            cells.append(f'"{v}"' if q < 0.5 else f' "{v}" ' if q < 0.6 else v)
        out.append(sep.join(cells))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unquote_and_drop_quoted_as_the_old_patterns(seed: int) -> None:
    for s in _lines(seed, 4000):
        assert S._unquote(s) == _old_unquote(s), s
        assert S._drop_quoted(s) == _old_drop_quoted(s), s
        assert S._QUOTED.sub("q", s) == _OLD_QUOTED.sub("q", s), s


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_split_as_the_old_pattern(seed: int) -> None:
    for s in _lines(seed, 3000):
        for sep in S._SEPS:
            assert S._split(s, sep, 7) == _old_split(s, sep, 7), (s, sep)


@pytest.mark.parametrize("seed", [7, 8])
def test_kv_and_combo_searches_first_change_nothing(seed: int) -> None:
    for s in _lines(seed, 4000) + ["📞 06 12 34 56 78", " 🏠 12 rue X", "Nom -> Dupont", "a=>b", "login:pw"]:
        got, old = S._kv_match(s), S._KV.match(s)
        if not (s[:1] >= "\u2600" or s.lstrip()[:1] >= "\u2600"):  # (an emoji's label is read apart)
            assert (got is None) == (old is None) and (got is None or got.groups() == old.groups()), s
        assert S._combo_line(s) == _old_combo_line(s), s


def test_create_table_column_pattern_as_re2() -> None:
    """`records._COLDEF` in Python `re` finds the column RE2 found, on random column lines
    (non-ASCII letters, `\\v`, which RE2's `\\s` leaves out, quotes and brackets)."""
    import re2

    from indexer._re2fast import match as re2_match
    from indexer.detect import records

    old = re2.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+[\[\"]?\w")  # (a type in brackets: SQL Server's `[nvarchar]`)
    pieces = ["`", '"', "[", "]", " ", "\t", "\v", "\f", "\r", "nom", "é", "ß", "_", "1", "id", "INT", ",", "(", ")"]
    rng = random.Random(9)
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    lines += ["  `nome` varchar(255) DEFAULT NULL,", "  PRIMARY KEY (`id`)", "\t[Prénom] TEXT", "  id\vINT",
              "\t[Email] [nvarchar](255) NULL,"]
    for s in lines:
        m, o = records._COLDEF.match(s), re2_match(old, s)
        assert (m is None) == (o is None) and (m is None or m.group(1) == o.group(1)), repr(s)
