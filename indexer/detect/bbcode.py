"""A BBCode table: a forum post's source (a paste of it, a quoted post, a board that shows BBCode
as typed), a row a line, each cell in `[td]...[/td]` (`[th]` in the header row), often inside a
`[spoiler]` or `[hide]` of a sale post:

    [spoiler=sample][table]
    [tr][th]Nom[/th][th]Email[/th][th]Tel[/th][/tr]
    [tr][td]Fournier[/td][td]alice.fournier@laposte.net[/td][td]06 13 70 37 01[/td][/tr]

Read as a table: the header row's names give the columns' roles (as a CSV header's); without
one, the cells are read as free text, and most rows must give an identifier.
"""

from __future__ import annotations

import re

from indexer.detect.base import Ctx, Spec, header_flags
from indexer.detect.columns import STRONG_ROLES, role_of
from indexer.detect.extract import Sink, extract_record

__all__ = ["bbcode_row", "bbcode_table"]

# a row's line: its `[tr]` after other tags' openings or closings (`[table]`, `[spoiler=x]`, `[/hide]`)
_ROW = re.compile(r"(?i)\A[ \t]*+(?:\[/?[a-z]{1,10}+(?:=[^\]\n]{0,60}+)?\][ \t]*+){0,4}?\[tr\]")
_CELL = re.compile(r"(?i)\[(t[dh])(?:=[^\]\n]{0,20}+)?\]([^\[]*+(?:\[(?!/t[dh]\])[^\[]*+)*+)\[/t[dh]\]")
_MAX_ROWS_UNTYPED = 0.5  # the share of rows a header-less table needs with an identifier


def bbcode_row(s: str) -> bool:
    """Whether a line is a BBCode table's row (`[tr]` after other tags at most)."""
    return "[" in s and _ROW.match(s) is not None


def _cells(s: str, base: int) -> tuple[list[tuple[str, int]], bool]:
    """A row's cells with their columns (offset `base`), and whether they are header cells."""
    cells = []
    head = True
    for m in _CELL.finditer(s):
        cells.append((m.group(2), base + m.start(2)))
        head = head and m.group(1).lower() == "th"
    return cells, head and bool(cells)


_TAG = re.compile(r"\[/?[a-zA-Z]{1,10}+(?:=[^\]\n]{0,60}+)?\]")


def _plain(v: str) -> str:
    """A header cell's name without its formatting tags (`[b]Nom[/b]`)."""
    return _TAG.sub("", v).strip() if "[" in v else v.strip()


def _name_cell(v: str) -> bool:
    t = _plain(v)
    return 0 < len(t) <= 40 and "@" not in t and not any(c.isdigit() for c in t)


def bbcode_table(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """The BBCode table whose first row is line `i` (see the module docstring)."""
    lines = ctx.lines
    j = i
    while j < len(lines) and bbcode_row(lines[j]):
        j += 1
    first_cells, is_head = _cells(lines[i], 0)
    roles: list[str | None] | None = None
    # a header in `[td]` cells: names only (no digit, no @), two of them or more known
    is_head = is_head or (len(first_cells) >= 2 and all(_name_cell(v) for v, _ in first_cells)
                          and sum(role_of(_plain(v)) is not None for v, _ in first_cells) >= 2)
    if is_head:
        roles = [role_of(_plain(v)) for v, _ in first_cells]
        if not any(r in STRONG_ROLES or r == "dob" for r in roles):
            roles = None
    body = i + (1 if is_head else 0)
    rows = j - body
    if rows < 1 or (roles is None and rows < 2):
        return max(j, i + 1), None
    head = [_plain(v) for v, _ in first_cells] if is_head else []

    def fill(sink: Sink, offs: list[int]) -> int:
        if head:
            header_flags(sink, head, offs[0])
        hit = 0
        for k in range(body, j):
            cells, _ = _cells(lines[k], offs[k - i])
            hit += extract_record(cells, roles, sink) > 0
        return hit

    fill.accept = lambda hits: hits >= max(1, _MAX_ROWS_UNTYPED * rows)  # type: ignore[attr-defined]
    return j, ("csv" if roles is not None else "separated_run", i, j - 1, fill)
