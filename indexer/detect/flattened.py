"""A dump whose line ends were lost, read one record a line again.

A paste site that folds a post's lines, a chat that sends a file as one message, a copy through a
one-line form field or a hostile seller's "anti-scraper" flattening leave a whole table on one
line: `nom;prenom;email;tel;naissance;DUPONT;Jean;jean@x.fr;0612...;14/03/1980;MARTIN;...` (the
records glued by the cell delimiter itself), or with each record's end glued to the next one's
start by a space or a tab (`...;14/03/1980 MARTIN;Marie;...`). No reader saw rows in it: a line of
many cells under no header (the `;` form gave nothing at all, the spaced form lost every birth).
`glued.split_glued` cuts a line holding two records glued in their middle field; this reads a
line holding many.

The records are found by their period: the cells holding an e-mail address (else a date) recur
every `d` cells, the same `d` from the first to the last. Records glued by the delimiter are `d`
cells each; records glued by a space or a tab are `d + 1` fields, the last and the first of two
neighbours in one cell: the one column of the period whose every cell holds the glue, cut at its
first glue (a date, a phone or an address' last word ends a record; a name with a space in it,
`LE BIHAN`, starts one). A line that is JSON, XML or HTML (its own readers know its records), or
whose period is ambiguous, is left as it is. The fragments keep the input's line numbers. The same
for both engines: the text is rewritten before either reads it.
"""

from __future__ import annotations

import re

from indexer.detect.linemap import LineMap

__all__ = ["FEW_STARTS", "MIN_LINE", "may_hold", "records", "reflow"]

MIN_LINE = 200  # a record or two fit on a shorter line: nothing was lost there
FEW_STARTS = 4  # a flattened table is one start line (a title, a word of thanks: a few)
_MAX_LINE = 1_000_000  # (`Limits.max_line_chars`: the engine scans longer lines in slices)
_MAX_CELLS = 200_000
_MIN_RECORDS = 3
_FEW_LINES = 16
_MAX_PERIOD = 40
_SEPARATORS = (";", "|", "\t", ",")
_GLUES = ("\t", " ")
_EMAIL = re.compile(r"[^\s@;,|<>\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,8}[A-Za-z]{2,24}")
_DATE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}")
# lines their own readers know (JSON, XML, HTML, SQL statements and tuples) are never read here:
# their marks, each a C search (a regex tried at each of a 10 kB INSERT's positions cost more than
# the rest of a dump post's detection)
_STRUCTURED = ("{", "[", "<", "),", "VALUES", "values")


def _structured(line: str) -> bool:
    return any(mark in line for mark in _STRUCTURED)


def may_hold(text: str) -> bool:
    """Whether `text` may hold a flattened dump: a few lines (a post: the table and a word or two
    around it), or long lines on average (two C scans). A dump read one record a line is neither."""
    if len(text) < MIN_LINE:
        return False
    lines = text.count("\n")
    return lines <= _FEW_LINES or lines * MIN_LINE < len(text)


def _period(anchors: list[int]) -> int | None:
    """The one gap between consecutive anchor cells, or None when they do not recur alike."""
    if len(anchors) < _MIN_RECORDS:
        return None
    gap = anchors[1] - anchors[0]
    if not 2 <= gap <= _MAX_PERIOD:
        return None
    for a, b in zip(anchors[1:], anchors[2:], strict=False):
        if b - a != gap:
            return None
    return gap


def _anchors(cells: list[str], mails: bool) -> list[int]:
    """The cells holding an address (`mails`), else those that are a date."""
    if mails:
        return [i for i, c in enumerate(cells) if "@" in c and _EMAIL.search(c) is not None]
    return [i for i, c in enumerate(cells) if _DATE.fullmatch(c.strip()) is not None]


def _glued_column(cells: list[str], first: int, last: int, period: int) -> tuple[int, str] | None:
    """The column (mod `period`) whose every cell between the anchors `first` and `last` holds a
    glue, and that glue: the cells where one record ends and the next starts; None when no column
    or more than one column is so (an address column beside the glued one: ambiguous)."""
    found: list[tuple[int, str]] = []
    for glue in _GLUES:
        for r in range(period):
            cols = [cells[i] for i in range(first + (r - first) % period, last, period)]
            if len(cols) >= _MIN_RECORDS - 1 and all(glue in c.strip() for c in cols):
                found.append((r, glue))
        if found:
            break
    return found[0] if len(found) == 1 else None


def records(line: str) -> list[str] | None:
    """The records of one flattened line, one a string, or None when it holds no such table."""
    if not MIN_LINE <= len(line) <= _MAX_LINE:
        return None
    # (a row of a dump read one a line holds an address or two and a date or three: C counts and
    # one search rule most of them out before any split; a dump post's long rows paid ~0.9% more)
    at = line.count("@")
    if (at < _MIN_RECORDS if at else len(_DATE.findall(line)) < _MIN_RECORDS) or _structured(line):
        return None
    counts = [(line.count(s), s) for s in _SEPARATORS]
    count, sep = max(counts)
    if count < 2 * _MIN_RECORDS or count >= _MAX_CELLS:
        return None
    cells = line.split(sep)
    while cells and not cells[-1].strip():  # (a trailing delimiter)
        cells.pop()
    anchors = _anchors(cells, at > 0)
    period = _period(anchors)
    if period is None:
        return None
    # n records glued by a space or a tab are n * (period + 1) fields in n * period + 1 cells (the
    # glued ones hold two); glued by the delimiter, n * period cells: an address column whose
    # every cell holds a space is no glue then
    glued = None
    if sep not in _GLUES and len(cells) % period == 1:
        glued = _glued_column(cells, anchors[0], anchors[-1], period)
    rows: list[list[str]] = []
    row: list[str] = []
    if glued is None:  # glued by the delimiter: `period` cells a record, from the line's start
        if len(cells) < period * _MIN_RECORDS:
            return None
        rows = [cells[i : i + period] for i in range(0, len(cells), period)]
    else:
        col, glue = glued
        for i, c in enumerate(cells):
            if i % period == col % period and glue in c.strip():
                body = c.strip(" \t")
                head, _, tail = body.partition(glue)
                row.append(head)
                rows.append(row)
                row = [tail.strip(" \t|")]
            else:
                row.append(c)
        rows.append(row)
        if len(rows) < _MIN_RECORDS:
            return None
    return [sep.join(r) for r in rows if any(c.strip() for c in r)]


def reflow(text: str) -> tuple[str, list[int], list[int]] | None:
    """`text` with each flattened line read back one record a line (`LineMap.result()`: each new
    line's written line), or None when no line is one."""
    lines = text.split("\n")
    lengths = list(map(len, lines))  # (C loops: most texts asked have no long line)
    if max(lengths) < MIN_LINE:
        return None
    found = {k: rows for k, n in enumerate(lengths) if n >= MIN_LINE and (rows := records(lines[k])) is not None}
    if not found:
        return None
    new = LineMap()
    for k, line in enumerate(lines):
        for row in found.get(k, (line,)):
            new.add(row, k)
    return new.result()
