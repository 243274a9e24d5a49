"""Labelled lines whose label and value another separator than ':' parts, read as `label: value`.

A dox or a lookup site's card copied as text keeps its two columns apart with a tab (`Nom<TAB>Léa
Girard`), a pipe (`Né le | 23/04/1986`), dot leaders (`Email ....... x@y.fr`, doxbin's sections)
or an arrow after the colon (`DOB: ➤ 23/04/1986`); `shapes._kv` reads `label: value` lines only,
so such a block gave nothing or lost its dates and NIRs. `relabel` rewrites the separator of each
such line whose label names something (`seeds.label_names_something`: a dox's or a stealer log's
label) as a colon and spaces (`=` for a lone tab: `DOB:12/07/1984` would be a combo's line), in
a run of `_MIN_LINES` or more of them (blank lines and section titles such as `[+] Contact` between
them: a title is made spaces, as a blank line; a line of the
run whose label names nothing is rewritten too: `Sister ..... X — 06 ...`); the text keeps its
length and its lines, so offsets and line numbers stay those of the input. `detect_text` asks
only when the seed scan found a start (a text with none gives nothing either way).

Not rewritten: a line whose value holds its separator again (a TSV or pipe table's row, whose
first cell may be a label's word: `email<TAB>phone<TAB>name` is a header, not a label), fewer than
`_MIN_LINES` labelled lines, lines whose label names nothing (`Prix | 50 €`).

Linear: each pattern is anchored at a line's start (`(?m)^`), its label bounded, its repetitions
possessive (tests/test_linear_patterns.py)."""

from __future__ import annotations

import re

__all__ = ["relabel"]

_MIN_LINES = 3
_ARROWS = "➤►▶→»⇒➜➔➡"
# a label (a letter first, 40 characters at most, no separator of its own), then the separator: a
# tab, a pipe, 3+ dots (or an ellipsis), or an arrow with or without a colon before it; the value
# starts at the first non-space after it
_LINE = re.compile(
    r"\A([ \t]*+)([^\W\d_][^\t|¦│:=>.…" + _ARROWS + r"]{0,39}?)"
    r"( *+(?:\t|[|¦│]|\.{3,}+|…++|:?[ \t]*+[" + _ARROWS + r"])[ \t]*+)(?=[^\s|¦│])")
# a section's title between a dox's label lines: `[+] Contact`, `== Bank ==`, `### Family`
_TITLE = re.compile(r"\A[ \t]*+(?:\[[+*#!-]\]|[=#-]{2,}+)[ \t]*+[^\W\d_][^\n:]{0,40}\Z")
_SEPS = "\t|¦│"
# what a text needs to hold a run, each a C search (`in`: memchr; a count of them over a dense dump
# was 3 passes at ~1 byte/ns, +2.3% of bench.instructions dense): a tab, a pipe or dot leaders, or an
# arrow or `│` (UTF-8 0xE2 then 0x86, 0x87, 0x94, 0x96 or 0x9E: a literal first byte, which `re`
# looks for by memchr; `’`, `—`, `…` and `€` start with 0xE2 0x80/0x82 and are frequent in posts)
_ARROW = re.compile(rb"\xe2[\x86\x87\x94\x96\x9e]")
_LOOKS = 2  # lines holding a separator looked at first, for one whose label names something
_COL = 48  # a separator further in its line has no label before it (40 characters and spaces)
_HEAD = 65536  # bytes searched for a separator: a dox of such labels shows one in its first 64 KB


def _labelled(s: str) -> tuple[int, int] | None:
    """The separator's columns on a line `label SEP value` (see `_LINE`) whose value does not
    hold its separator again (a TSV's or a pipe table's row), else None."""
    m = _LINE.match(s)
    if m is None:
        return None
    core = m.group(3).strip(" ")
    value = s[m.end():]
    if (core[:1] in _SEPS and core[:1] in value) or (core[:1] == "." and "..." in value):
        return None
    return m.start(3), m.end(3)


def _line_at(text: str, i: int) -> tuple[str | None, int]:
    """The line holding character i (None when i is too far in it for a label before it), and
    where the next line starts."""
    ls = text.rfind("\n", max(0, i - _COL), i) + 1
    le = text.find("\n", i)
    le = len(text) if le < 0 else le
    return (text[ls:le] if ls or i <= _COL else None), le + 1


def relabel(text: str, encoded: bytes) -> str | None:
    """The text with each run's separators made `:` and spaces (see the module docstring), or
    None when it holds no such run. `encoded` is the text's UTF-8. Most texts hold no
    separator (`_ARROW` and the searches above); of the rest, the first `_LOOKS` lines that hold
    each separator must show a label that names something (a dump's rows, a code block's pipes,
    a post's ellipses do not), before the text is read line by line."""
    seps = []
    for sep, needle in (("\t", b"\t"), ("|", b"|"), ("...", b"...")):
        i = encoded.find(needle, 0, _HEAD)
        if i >= 0:
            if needle != b"..." and encoded.find(needle, i + 1, max(i + 1, encoded.find(b"\n", i))) >= 0:
                continue  # a table's row first (a dump's, a psql output's): not looked at further
            seps.append(sep)
    am = _ARROW.search(encoded, 0, _HEAD)
    if am is not None:
        seps.append(encoded[am.start():am.start() + 3].decode("utf-8", "replace"))
    if not seps:
        return None
    from indexer.detect.seeds import label_names_something  # (seeds imports the recognisers)

    def looks(sep: str) -> bool:
        pos = 0
        for _ in range(_LOOKS):
            i = text.find(sep, pos)
            if i < 0:
                return False
            s, pos = _line_at(text, i)
            if s is None:
                continue
            if sep in _SEPS and s.count(sep) > 1:
                return False  # a table's row (a dump's, a psql output's): its other lines are rows too
            m = _LINE.match(s)
            if m is not None and _labelled(s) is not None and label_names_something(m.group(2).rstrip()):
                return True
        return False

    if not any(looks(sep) for sep in seps):
        return None
    lines = text.split("\n")
    hits: dict[int, tuple[int, int, bool]] = {}  # line -> its separator's columns, its label names something
    for k, s in enumerate(lines):
        sp = _labelled(s)
        if sp is not None:
            m = _LINE.match(s)
            assert m is not None
            hits[k] = (sp[0], sp[1], label_names_something(m.group(2).rstrip()))
    if sum(h[2] for h in hits.values()) < _MIN_LINES:
        return None
    # runs of such lines, at most 2 blank or title lines apart; a run with `_MIN_LINES` labels
    # that name something is a dox's or a log's: its other lines too (`Sister ..... X — 06 ...`)
    runs: list[tuple[list[int], list[int]]] = []  # (labelled lines, title lines between them)
    last = -10
    for k in sorted(hits):
        between = range(last + 1, k)
        if runs and len(between) <= 2 and all(not lines[j].strip() or _TITLE.match(lines[j]) for j in between):
            runs[-1][0].append(k)
            runs[-1][1].extend(j for j in between if lines[j].strip())
        else:
            runs.append(([k], []))
        last = k
    runs = [r for r in runs if sum(hits[k][2] for k in r[0]) >= _MIN_LINES]
    if not runs:
        return None
    out = [*lines]
    for keep, titles in runs:
        for k in keep:
            a, b, _ = hits[k]
            # (`DOB:12/07/1984` would be a combo's line: a separator of one character is `=`)
            out[k] = lines[k][:a] + (":" + " " * (b - a - 1) if b - a > 1 else "=") + lines[k][b:]
        for j in titles:
            out[j] = " " * len(lines[j])
    return "\n".join(out)
