"""A table written one record a column (labels down the first column), read one record a row.

A sheet laid out as index cards side by side (`Nom | Roussel | Lambert | ...`, then `Email | ...`),
a page's table turned a quarter (a leak site's "fiche" with one person a column), a report
transposed in a spreadsheet before export: read as rows, each line was one field of everyone and
no line a record (wave 25's blind probe set 5: nothing found in either the page or the sheet).
`rows` turns such a block back: three or more adjacent lines with the same delimiter (a tab, `;`,
`|` or `,`) and the same number of cells (three or more: two records at least), whose first cells
are field names (`columns.role_of` knows at least two of them, and half of them) and whose other
cells are not (a usual header row followed by its rows has a value, not a field name, first on
its second line). The block becomes its header (the first cells) and one row per column.

Asked by `detect_text` only of a text in which no fragment was found (a dump read as rows has its
fragments: it pays nothing). The same for both engines: the text is rewritten before either reads
it; fragments keep the input's line numbers (each row maps to the block's lines).
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.detect.columns import role_of

__all__ = ["rows"]

_DELIMS = ("\t", ";", "|", ",")
_MIN_LINES = 3
_MIN_CELLS = 3
_MAX_LABEL = 40
_MAX_LINES = 200  # lines of a block (a card's fields: a few dozen at most)


def _cells(line: str, d: str) -> list[str]:
    return [c.strip() for c in line.strip().strip(d).split(d)]


def _label(cell: str) -> bool:
    return 0 < len(cell) <= _MAX_LABEL and cell[0].isalpha() and role_of(cell) is not None


def _block(lines: Sequence[str], k: int) -> tuple[int, str, int] | None:
    """(end line, delimiter, cells) of a transposed block starting at line `k`, or None."""
    line = lines[k]
    for d in _DELIMS:
        if d not in line:
            continue
        head = _cells(line, d)
        n = len(head)
        if n < _MIN_CELLS or not _label(head[0]):
            continue
        j = k + 1
        while j < len(lines) and j - k < _MAX_LINES:
            c = _cells(lines[j], d) if d in lines[j] else []
            if len(c) != n or not c[0] or not c[0][0].isalpha() or len(c[0]) > _MAX_LABEL:
                break
            j += 1
        if j - k < _MIN_LINES:
            continue
        firsts = [_cells(lines[m], d)[0] for m in range(k, j)]
        known = sum(1 for f in firsts if role_of(f) is not None)
        if known < 2 or known * 2 < len(firsts):
            continue
        # a usual header then its rows: the second line's other cells are labels too, or its
        # first cell is a value; here every line but the first must not be a header row
        if sum(1 for c in _cells(lines[k + 1], d)[1:] if _label(c)) * 2 >= n - 1:
            continue
        return j, d, n
    return None


def rows(lines: Sequence[str]) -> tuple[str, list[int], list[int]] | None:
    """The text of `lines` with its transposed blocks read one record a row, and each line's first
    and last line in `lines` (0-based), or None when there is none."""
    out: list[str] = []
    tops: list[int] = []
    ends: list[int] = []
    k, n = 0, len(lines)
    found = False
    while k < n:
        got = _block(lines, k) if lines[k][:1].isalpha() or lines[k][:1] in " |" else None
        if got is None:
            out.append(lines[k])
            tops.append(k)
            ends.append(k)
            k += 1
            continue
        j, d, cells = got
        found = True
        grid = [_cells(lines[m], d) for m in range(k, j)]
        out.append(d.join(r[0] for r in grid))
        tops.append(k)
        ends.append(j - 1)
        for c in range(1, cells):
            out.append(d.join(r[c] for r in grid))
            tops.append(k)
            ends.append(j - 1)
        k = j
    if not found:
        return None
    return "\n".join(out), tops, ends
