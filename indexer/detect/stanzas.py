"""Records written one field a line, a blank line between records, read as rows.

A lookup tool's output, a sheet pasted column by column or a seller's "one person per paragraph"
puts each record's values one under the other (a name, an address, a phone, a date, a NIR), with no
label and no delimiter, and a blank line before the next record. Read line by line each value stood
alone (a phone alone, a date alone: no record, wave 25's blind probe set 5 lost the whole dump).
`rows` reads such paragraphs ("stanzas") as the rows they are, their values joined by `;`, when
three or more paragraphs in a row have the same number of lines (3 to 15) and agree line by line on
what each line holds (an address with an `@`, mostly digits, or words), with at least one position
of an identifier's kind (an `@`, or digits). A paragraph with a delimiter (`;`, `|`, a tab) or a
`label: value` line is a row or a dox already and is left as written. The rows are then read as any
header-less rows are (a date beside a name and an address is a birth: `columns`). The same for both
engines: the text is rewritten before either reads it; fragments keep the input's line numbers.
"""

from __future__ import annotations

import re

__all__ = ["MIN_STANZAS", "rows"]

MIN_STANZAS = 3
_MIN_LINES, _MAX_LINES = 3, 15
_MAX_VALUE = 120
# the first look: among the text's first `_LOOK_PARAGRAPHS` paragraphs ("\n\n" apart: a blank line
# holding spaces is not looked past), `MIN_STANZAS` in a row of 3-15 lines with no delimiter and a
# digit or an `@` (C searches on each; the pattern it replaced, tried at every blank line, cost a
# dump post ~250,000 instructions: bench.instructions dump_posts +15%)
_LOOK_PARAGRAPHS = 32
_MAX_PARAGRAPH = _MAX_LINES * (_MAX_VALUE + 1)
_ID = re.compile(r"[0-9@]")
_LABEL = re.compile(r"\A[ \t]*[^\W\d_][\w .°'()/-]{0,39}?[ \t]*[:=][ \t]*\S")
_BAD = re.compile(r"[;|\t:=]")


def _class(line: str) -> str | None:
    """What a stanza's line holds: "@", "9" (mostly digits), "a" (words); None: not a value."""
    st = line.strip()
    if not st or len(st) > _MAX_VALUE or _BAD.search(st) is not None or _LABEL.match(st) is not None:
        return None
    if "@" in st:
        return "@"
    digits = sum(c.isdigit() for c in st)
    return "9" if digits * 2 >= len(st.replace(" ", "")) and digits >= 4 else "a"


def _paragraphs(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) of each run of non-blank lines."""
    out: list[tuple[int, int]] = []
    k, n = 0, len(lines)
    while k < n:
        if not lines[k].strip():
            k += 1
            continue
        j = k
        while j < n and lines[j].strip():
            j += 1
        out.append((k, j))
        k = j
    return out


def _shape(lines: list[str], first: int, end: int) -> tuple[str, ...] | None:
    if not _MIN_LINES <= end - first <= _MAX_LINES:
        return None
    out: list[str] = []
    for k in range(first, end):
        c = _class(lines[k])
        if c is None:
            return None
        out.append(c)
    return tuple(out)


def _looks(text: str) -> bool:
    pos = seen = run = 0
    n = len(text)
    while seen < _LOOK_PARAGRAPHS:
        e = text.find("\n\n", pos)
        end = n if e < 0 else e
        while pos < end and text[pos] == "\n":
            pos += 1
        if pos < end:
            seen += 1
            # (a paragraph longer than 15 lines of 120 characters is no stanza: not counted)
            if end - pos <= _MAX_PARAGRAPH and _MIN_LINES - 1 <= text.count("\n", pos, end) <= _MAX_LINES - 1 \
                    and _BAD.search(text, pos, end) is None and _ID.search(text, pos, end) is not None:
                run += 1
                if run >= MIN_STANZAS:
                    return True
            else:
                run = 0
        if e < 0:
            return False
        pos = e + 2
    return False


def rows(text: str) -> tuple[str, list[int], list[int]] | None:
    """`text` with its runs of stanzas read as rows (see the module), each line's first and last
    line in `text` (0-based), or None when there is no such run."""
    if not _looks(text):
        return None
    lines = text.split("\n")
    paras = _paragraphs(lines)
    shapes = [_shape(lines, a, b) for a, b in paras]
    runs: list[tuple[int, int]] = []  # (first, end) paragraph indexes of a run
    i = 0
    while i < len(paras):
        s = shapes[i]
        j = i + 1
        if s is not None and ("@" in s or "9" in s):
            while j < len(paras) and shapes[j] == s:
                j += 1
            if j - i >= MIN_STANZAS:
                runs.append((i, j))
        i = j
    if not runs:
        return None
    out: list[str] = []
    tops: list[int] = []
    ends: list[int] = []
    k = 0
    for a, b in runs:
        first = paras[a][0]
        out.extend(lines[k:first])
        tops.extend(range(k, first))
        ends.extend(range(k, first))
        for p in range(a, b):
            top, end = paras[p]
            out.append(";".join(x.strip() for x in lines[top:end]))
            tops.append(top)
            ends.append(end - 1)
        k = paras[b - 1][1]
    out.extend(lines[k:])
    tops.extend(range(k, len(lines)))
    ends.extend(range(k, len(lines)))
    return "\n".join(out), tops, ends
