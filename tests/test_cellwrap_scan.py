"""`cellwrap.bare`'s wrapper scan, rewritten for speed (wave 28), gives what the first version gave.

The first version's pattern began with `(?:(?<=[;,\\t|\\n])|^)`, so `re` tried it at every position
of a text (12.6 ms on the dense mix's 440 kB SQL dump, whose `,'395 rue ...,` literals make it
ask); the pattern now starts with the wrappers' first characters. `_reference_bare` below is the
first version, kept whole as the specification: the two must agree on every text, the corpus's
dumps, the round 7 shapes' exports and random texts made of the characters the pattern reads.
No engine is involved (`bare` runs before either), so one run covers both.
"""

from __future__ import annotations

import random
import re

import pytest

from indexer.detect import cellwrap
from tests.corpus.generate import make_dump

_REF = re.compile(
    r"(?:(?<=[;,\t|\n])|^)(?:(')(?=[+0-9][^'\n;,\t|]{0,40}+(?:[;,\t|\n]|$))"
    r"|(=\")(?=[+0-9][^\"\n]{0,40}+\"(?:[;,\t|\n]|$))[^\"\n]{0,40}+(\")"
    r"|(\"[^\"\n<>;,\t|]{1,80}+\"[ \t]{0,4}+<)[^\s<>@]{1,64}+@[^\s<>;,\t|]{1,255}+(>))",
    re.MULTILINE,
)


def _reference_bare(text: str) -> str | None:
    if "'" not in text and '"' not in text:
        return None
    spans: list[tuple[int, int]] = []
    lines: dict[int, list[int]] = {}
    other = 0
    for m in _REF.finditer(text):
        if m.start(1) >= 0:
            lines.setdefault(text.rfind("\n", 0, m.start()) + 1, []).append(m.start(1))
            continue
        other += 1
        spans += [(m.start(g), m.end(g)) for g in (2, 3, 4, 5) if m.start(g) >= 0]
    if other < 3:
        spans = []
    marks = [a for top, at in lines.items()
             if text.count("'", top, cellwrap._line_end(text, top)) == len(at) for a in at]
    if len(marks) >= 3:
        spans += [(a, a + 1) for a in marks]
    if not spans:
        return None
    spans.sort()
    out: list[str] = []
    last = 0
    for a, b in spans:
        out += [text[last:a], " " * (b - a)]
        last = b
    out.append(text[last:])
    return "".join(out)


def _spans(rx: re.Pattern[str], text: str, new: bool) -> list[tuple[tuple[int, int], ...]]:
    out = []
    for m in rx.finditer(text):
        g = [m.span(k) for k in range(1, 6)]
        if new and g[3][0] >= 0:  # (the new group 4 starts after the quote the match starts with)
            g[3] = (m.start(), g[3][1])
        out.append(tuple(g))
    return out


EXPORTS = [
    # Excel's apostrophe and formula, display names: three separators, French and English heads
    "nom;date_naissance;telephone\nRoussel;'17/02/1984;'0681548454\nMartin;'03/11/1990;'0612345678\n"
    "Petit;'21/06/1975;'+33612345678\n",
    'name,birthdate,phone\nSmith,="1984-02-17",="0681548454"\nJones,="1990-11-03",="+447700900123"\n'
    'Brown,="1975-06-21",="0612345678"\n',
    'email\t"Inès Roussel" <ines.roussel@gmail.com>\t06 81 54 84 54\n"Jo Martin"  <jo.m@free.fr>\tx\n'
    '"Zoé|Petit" <z@x.fr>\n|"A B" <a@b.c>|"C, D" <c@d.e>|\n',
    # SQL: closed literals (the lines must stay as written), a literal holding a comma then a number
    "INSERT INTO t VALUES ('Wise','395 Jillian Ferry, 69534 Robinsonville','0681548454');\n" * 5,
    # a formula whose inside holds an apostrophe after a delimiter; a display name's address with one
    '="06,\'12";="07,\'5";="+33 6";x\n"N" <a,\'5b@x.fr>;"M" <m@x.fr>;"O" <o@x.fr>\n',
    "'0612;'0613\n'0614;'0615\n;'99\n'1'\n",
    "",
    "no wrapper here at all, 0612345678\n",
]


@pytest.mark.parametrize("text", EXPORTS)
def test_exports_as_the_first_version(text: str) -> None:
    assert _spans(cellwrap._WRAPPED, text, True) == _spans(_REF, text, False)
    assert cellwrap.bare(text) == _reference_bare(text)


@pytest.mark.parametrize("kind", ["csv", "sql_insert", "pg_copy", "combo", "jsonl", "separated_run"])
def test_corpus_dumps_as_the_first_version(kind: str) -> None:
    text, _ = make_dump(kind, 300, faker_seed=1003)
    assert _spans(cellwrap._WRAPPED, text, True) == _spans(_REF, text, False)
    assert cellwrap.bare(text) == _reference_bare(text)


def test_random_texts_as_the_first_version() -> None:
    """Texts of the characters the patterns read (delimiters, quotes, `=`, `<`, `@`, digits, a
    letter, an accent, a space): every branch, every lookbehind's edge (a text's first character,
    a wrapper right after another), 60,000 of them."""
    rng = random.Random(28)
    # single characters, and pieces that make the formula and display-name branches likely
    alpha = list("';,\t|\n=\"<>@ 0123+ab.é") + ['="', '="06', '" <', '"Jo M" <', "a@b.fr>", "'06", "@x"] * 2
    found = [0, 0, 0]  # texts with an apostrophe, a formula, a display name matched
    for _ in range(60_000):
        text = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 30)))
        want = _spans(_REF, text, False)
        assert _spans(cellwrap._WRAPPED, text, True) == want, repr(text)
        assert cellwrap.bare(text) == _reference_bare(text), repr(text)
        for k, g in enumerate((0, 1, 3)):
            found[k] += any(m[g][0] >= 0 for m in want)
    assert min(found) > 100, found  # (the random texts do reach each branch)
