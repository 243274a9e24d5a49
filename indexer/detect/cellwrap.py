"""Cells an export wraps to keep them text, read as the values they hold.

Excel keeps a number as text two ways when a sheet is saved as CSV by hand: a leading apostrophe
(`'0681548454`, `'17/02/1984`: the number keeps its 0, the date is not converted) or a text
formula (`="0681548454"`). A mail client's export writes an address with its display name,
`"Inès Roussel" <ines.roussel@gmail.com>`, whose quotes are no CSV quoting. Read as written, a
wrapped date was no date of birth under its `date_naissance` column, and a display name's
quotes cut the row's cells anew (the phone column after it was lost). `bare(text)` writes each
such wrapper as spaces, the same length (lines and offsets stay, as `spaced.colon_rows`): the
cell is then its value between blanks, which a cell's reading strips. A quote closed in the same
cell (an SQL literal, `'1984-02-17',`), an apostrophe inside a word, or a formula that is no
quoted number are left as written.

Asked where `firstlook.CELL_WRAPPED` says a wrapper may be (or in a text under its first look's
size), before the engines read the text: the same text for both.
"""

from __future__ import annotations

import re

__all__ = ["NEEDLES", "bare"]

# the first look's patterns (Hyperscan, on the UTF-8 bytes): supersets of where `_WRAPPED` matches
NEEDLES = (
    rb"[;,\t|\n]'[+0-9][^'\n;,\t|]{0,40}[;,\t|\n]",
    rb"=\"[+0-9][^\"\n]{0,40}\"",
    rb"\" <[^ <>@\n]{1,64}@",
)

# after a delimiter or at a line's start: an apostrophe before a number or a date that runs to the
# cell's end (group 1: the apostrophe); `="` and `"` around a number or a date (groups 2 and 3); a
# display name in quotes before `<address>` (the match's start to group 4's end: the name in its
# quotes and the `<`; group 5: the `>`). Bounded repeats and one-character lookbehinds: linear on any line.
# Each branch begins with its wrapper's first character, and "after a delimiter or at a line's
# start" is a negative lookbehind read after it (no character before it but a delimiter or
# nothing; `\n` is a delimiter, so that is MULTILINE's `^`): the pattern then starts with the set
# `['="]`, which `re` skips to in C; as `(?:(?<=[;,\t|\n])|^)(...)` first, every position of the
# text was tried (a 440 kB SQL dump, whose literals make it ask: 12.6 -> 4.4 ms, wave 28).
_WRAPPED = re.compile(
    r"'(?<![^;,\t|\n]')(?<=('))(?=[+0-9][^'\n;,\t|]{0,40}+(?:[;,\t|\n]|$))"
    r"|=\"(?<![^;,\t|\n]=\")(?<=(=\"))(?=[+0-9][^\"\n]{0,40}+\"(?:[;,\t|\n]|$))[^\"\n]{0,40}+(\")"
    r"|\"(?<![^;,\t|\n]\")([^\"\n<>;,\t|]{1,80}+\"[ \t]{0,4}+<)[^\s<>@]{1,64}+@[^\s<>;,\t|]{1,255}+(>)",
    re.MULTILINE,
)
_MIN = 3  # wrapped cells of one kind: one or two are no export's habit


def _line_end(text: str, top: int) -> int:
    end = text.find("\n", top)
    return len(text) if end < 0 else end


def bare(text: str) -> str | None:
    """`text` with its cells' wrappers made spaces (see the module), or None when it holds fewer
    than `_MIN` of them."""
    if "'" not in text and '"' not in text:
        return None
    spans: list[tuple[int, int]] = []
    lines: dict[int, list[int]] = {}  # a line's start: its apostrophes before a cell's number
    other = 0
    for m in _WRAPPED.finditer(text):
        if m.start(1) >= 0:
            lines.setdefault(text.rfind("\n", 0, m.start()) + 1, []).append(m.start(1))
            continue
        other += 1
        if m.start(2) >= 0:
            spans += [m.span(2), m.span(3)]
        else:  # (group 4 starts after the name's first quote, which the match starts with)
            spans += [(m.start(), m.end(4)), m.span(5)]
    if other < _MIN:
        spans = []
    # a line whose every apostrophe is one (a line with a closed literal, `'…','06815`, is SQL cut)
    marks = [a for top, at in lines.items() if text.count("'", top, _line_end(text, top)) == len(at) for a in at]
    if len(marks) >= _MIN:
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
