"""Records that span several lines: a CSV cell quoted across line breaks.

Exports of patient files, tickets or CRM notes quote their free-text cells, and those cells hold
line breaks ("Suivi VIH.\\nTraitement en cours"). Read line by line, such a record is a row cut
in two or three: the pieces have the wrong number of fields, the table breaks into several
fragments at every such record, the header's column names are lost for all but the first piece,
and the rows under a broken one are read without their names. An analyst gets five alerts for
one table, and the names and dates of birth in four of them go unseen.

`join_quoted_cells` gives the engine logical lines instead: a physical line that ends inside a
quoted cell is joined (with its line breaks kept) to the lines that close that cell. The engine
then sees one record per logical line, and every offset stays an offset in the original text.
Only what a table confirms is joined: the joined record must have the fields of the row above
it (a header or another record) or below it, so prose with an unclosed quote stays lines.
"""

from __future__ import annotations

from indexer.detect.shapes import _fits, _sig

__all__ = ["MAX_RECORD_LINES", "join_quoted_cells", "logical_starts"]

# The physical lines one record may span (a cell with a paragraph or two of notes). Bounded, so
# that one unclosed quote costs at most this many lines' worth of looking ahead.
MAX_RECORD_LINES = 32

_SEPS = "\t;|,"


def _ends_quoted(s: str, inside: bool) -> bool:
    """Whether line `s`, entered inside a quoted cell or not, ends inside one. CSV quoting as
    `shapes._split` reads it: a quote opens a cell only at the start of a field (the line's start
    or after a separator, spaces between allowed); inside, `""` is a quote and a lone `"`
    closes it. A quote elsewhere (`15" screen`) is a character. One `find` per quote."""
    i = 0
    while True:
        q = s.find('"', i)
        if q < 0:
            return inside
        if inside:
            if s.startswith('""', q):
                i = q + 2
                continue
            inside = False
        else:
            p = q - 1
            while p >= 0 and s[p] == " ":
                p -= 1
            inside = p < 0 or s[p] in _SEPS
        i = q + 1


def _same_table(record: str, neighbour: str | None, record_is_below: bool) -> bool:
    """The joined record and the line beside it are rows of one delimited table: the same
    separator, and the lower one fits the upper one's field counts (as `shapes._runs` reads a
    run)."""
    if neighbour is None:
        return False
    rs, ns = _sig(record), _sig(neighbour)
    if rs is None or ns is None or rs[0] != ns[0]:
        return False
    return _fits(record, ns) if record_is_below else _fits(neighbour, rs)


def join_quoted_cells(raw: list[str], lines: list[str],
                      max_chars: int) -> tuple[list[str], list[str], list[int]] | None:
    """(raw, lines, first physical line of each logical line + the physical count) with every
    confirmed multi-line record joined, or None when there is none (the common case: a line
    with an odd number of quotes is what makes one worth a look).

    `raw` and `lines` are `_detect_text`'s physical lines with and without forum quote
    prefixes; a record is joined only across lines without one (a quoted dump's rows are
    already read one by one) and without a blank line, and at most `MAX_RECORD_LINES` lines or
    `max_chars` characters long."""
    n = len(lines)
    odd = [k for k, s in enumerate(lines) if s.count('"') & 1]
    if not odd:
        return None
    cands: list[tuple[int, int]] = []  # (first, last) physical lines of each record to join
    end = -1
    for a in odd:
        if a <= end or not _ends_quoted(lines[a], False):
            continue
        size = len(lines[a])
        b = a + 1
        closed = False
        while b < n and b - a < MAX_RECORD_LINES:
            s = lines[b]
            size += len(s) + 1
            if (raw[b] is not s and raw[b] != s) or not s.strip() or size > max_chars:
                break  # a quote prefix, a blank line, a record too long: no record here
            if not _ends_quoted(s, True):
                closed = True
                break
            b += 1
        if closed:
            cands.append((a, b))
            end = b
    # each record must fit the row beside it: a line, or the record joined there (the rows of a
    # chunk cut from a big export have no header above them, only each other)
    spans: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(cands):
        record = "\n".join(lines[a:b + 1])
        if k > 0 and cands[k - 1][1] == a - 1:
            above: str | None = "\n".join(lines[cands[k - 1][0]:a])
        else:
            above = lines[a - 1] if a > 0 else None
        if k + 1 < len(cands) and cands[k + 1][0] == b + 1:
            below: str | None = "\n".join(lines[b + 1:cands[k + 1][1] + 1])
        else:
            below = lines[b + 1] if b + 1 < n else None
        if _same_table(record, above, True) or _same_table(record, below, False):
            spans.append((a, b))
    if not spans:
        return None
    same = raw is lines
    out_raw: list[str] = []
    out_lines: list[str] = out_raw if same else []
    phys: list[int] = []
    k = 0
    for a, b in spans:
        out_raw.extend(raw[k:a])
        phys.extend(range(k, a))
        out_raw.append("\n".join(raw[a:b + 1]))
        if not same:
            out_lines.extend(lines[k:a])
            out_lines.append(lines[a] + "\n" + "\n".join(raw[a + 1:b + 1]))
        phys.append(a)
        k = b + 1
    out_raw.extend(raw[k:])
    if not same:
        out_lines.extend(lines[k:])
    phys.extend(range(k, n))
    phys.append(n)
    return out_raw, out_lines, phys


def logical_starts(starts: list[tuple[int, int]], phys: list[int]) -> list[tuple[int, int]]:
    """`candidate_starts`' (seed line, floor) pairs, physical, as logical lines: the record
    that holds each; sorted and without repeats, as the engine's loop expects them."""
    from bisect import bisect_right

    out: list[tuple[int, int]] = []
    for st, floor in starts:
        pair = (bisect_right(phys, st) - 1, bisect_right(phys, floor) - 1)
        if not out or out[-1][0] != pair[0]:
            out.append(pair)
        elif pair[1] > out[-1][1]:
            out[-1] = pair
    return out
