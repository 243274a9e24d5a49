"""Tables flattened one cell a line: a Word or web table pasted as text, a PDF's table read
column cell by cell. The header's names come first, one a line (`Nom`, `Prénom`, `Date de
naissance`, `Email`), then each row's cells in the same order, one a line, the rows apart by a
blank line or not at all:

    Nom                     Nom
    Prénom                  Prénom
    Date de naissance       Email
    Email                   Lefèvre
                            Bruno
    Lefèvre                 bruno.lefevre@orange.fr
    Bruno                   Garnier
    05/03/1961              ...
    bruno.lefevre@orange.fr

Each row's cells are read under the header's roles, as a CSV row's are (`extract_record`). The
header needs three names or more, one of them a strong identifier's or a date of birth's; the
rows, as many cells as names each (rows apart by blank lines), or, without blank lines, a
multiple of them. Every cell is a short line without a field separator.
"""

from __future__ import annotations

from indexer.detect.base import Ctx, Spec, header_flags
from indexer.detect.columns import STRONG_ROLES, role_of
from indexer.detect.extract import Sink, extract_record

__all__ = ["vertical_head", "vertical_table"]

_MAX_CELL = 80  # a cell line's length: a longer line is prose, not a cell
_MIN_NAMES = 3
_MAX_NAMES = 24
_UP = 64  # how far above a start line its table's header may be
_MAX_BLANKS = 2  # blank lines between two rows
_TYPED = STRONG_ROLES | {"dob"}


def _cell(s: str) -> bool:
    """A line that may be one cell: short, no field separator, no label."""
    t = s.strip()
    return 0 < len(t) <= _MAX_CELL and "\t" not in t and ";" not in t and "|" not in t and not t.endswith(":")


def _name(s: str) -> str | None:
    t = s.strip()
    return role_of(t) if 0 < len(t) <= 40 and not any(c.isdigit() for c in t) and "@" not in t else None


def _head_at(lines: list[str], h: int) -> int:
    """How many header names start at line `h` (0 when fewer than `_MIN_NAMES` or none typed)."""
    k = 0
    typed = False
    n = len(lines)
    while h + k < n and k < _MAX_NAMES:
        r = _name(lines[h + k])
        if r is None:
            break
        typed = typed or r in _TYPED
        k += 1
    return k if k >= _MIN_NAMES and typed else 0


def vertical_head(lines: list[str], i: int, floor: int) -> int | None:
    """The header's first line of the flattened table that start line `i` (a cell) is in, or
    None: looks up over cell lines and blank lines only, at most `_UP` lines."""
    if not _cell(lines[i]):
        return None
    j = i - 1
    lo = max(floor, i - _UP)
    run = 0  # header names seen in a row, going up
    while j >= lo:
        s = lines[j]
        if not s.strip():
            if run >= _MIN_NAMES:
                break
            run = 0
        elif not _cell(s):
            break
        elif _name(s) is not None:
            run += 1
        else:
            if run >= _MIN_NAMES:
                break
            run = 0
        j -= 1
    if run < _MIN_NAMES:
        return None
    h = j + 1
    return h if _head_at(lines, h) else None


def _rows(lines: list[str], start: int, k: int) -> tuple[list[list[int]], int]:
    """The rows after a header of `k` names ending before line `start`: lists of their cells'
    line numbers, and the line after the last row. Rows apart by blank lines are `k` cells each
    (a group of another size ends the table); rows not apart are the cells that follow, `k` by
    `k` (what is left over ends it)."""
    n = len(lines)
    rows: list[list[int]] = []
    pos = end = start
    apart = False
    while pos < n:
        b = pos
        while pos < n and not lines[pos].strip():
            pos += 1
        if pos >= n or pos - b > _MAX_BLANKS:
            break
        apart = apart or pos > b
        g = pos
        while pos < n and _cell(lines[pos]):
            pos += 1
        size = pos - g
        if size == k:
            rows.append(list(range(g, pos)))
            end = pos
            continue
        if not apart and not rows and size > k:
            rows.extend(list(range(r, r + k)) for r in range(g, g + size // k * k, k))
            end = g + size // k * k
        break
    return rows, end


def vertical_table(ctx: Ctx, i: int) -> tuple[int, Spec] | None:
    """The flattened table whose header starts at line `i`, or None (see the module docstring)."""
    lines = ctx.lines
    if _name(lines[i]) is None:
        return None
    k = _head_at(lines, i)
    if not k:
        return None
    head = [lines[i + t].strip() for t in range(k)]
    roles = [role_of(h) for h in head]
    rows, end = _rows(lines, i + k, k)
    if not rows:
        return None
    first = i

    def fill(sink: Sink, offs: list[int]) -> int:
        header_flags(sink, head, offs[0])
        hit = 0
        for cells in rows:
            hit += extract_record([(lines[c], offs[c - first]) for c in cells], roles, sink) > 0
        return hit

    # most rows must give an identifier of a typed column: a list of words under names is none
    fill.accept = lambda hits: hits >= max(1, 0.5 * len(rows))  # type: ignore[attr-defined]
    return end, ("csv", i, end - 1, fill)
