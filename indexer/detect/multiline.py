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

A cell may hold paragraphs ("Patient suivi.\\n\\nVIH positif": a blank line inside the quotes).
Prose with quoted speech has the same shape (`Il a dit, "Bonjour.` ... blank line ... `Merci."`),
and a false join there would hide the lines between (an email list quoted in a post) from the
line recognisers, so a record across a blank line needs more than one that is not:
- it is looked for only where no record without a blank line was found (those are joined as
  before, and a record across a blank line never overlaps one);
- at most `MAX_BLANK_LINES` blank lines, within the same `MAX_RECORD_LINES`;
- its cell is a CSV field at both ends: the opening quote follows a separator (or starts the
  line), the closing one is followed by the same separator or ends the line (spaces aside),
  and that separator is the record's own;
- the record has at least three fields, and fits the row beside it as any other record;
- none of its other fields is a phrase of more than `_MAX_WORDS` words or ends a sentence;
- no two adjacent lines inside it carry an @ or 8 digits (a list between two paragraphs);
- with commas (prose has them, its lines fit each other's counts), the record also carries an
  @ or 8 digits (an email, a phone, a date of birth) outside its cell.
"""

from __future__ import annotations

import re

from indexer.detect.shapes import _fits, _sig, _unquote

__all__ = ["MAX_BLANK_LINES", "MAX_RECORD_LINES", "join_quoted_cells", "logical_starts"]

# The physical lines one record may span (a cell with a paragraph or two of notes). Bounded, so
# that one unclosed quote costs at most this many lines' worth of looking ahead.
MAX_RECORD_LINES = 32
# The blank lines one record may hold (a note of a few paragraphs; some exports double them).
MAX_BLANK_LINES = 8

_SEPS = "\t;|,"
_SEED = re.compile(r"@|\d(?:[ ./-]?\d){7}")  # `seeds._SEEDC`: what makes a line worth reading
_MAX_WORDS = 5  # words with a letter in one field beside a cell of paragraphs ("Jean-Marc de la Tour")


def _ends_quoted(s: str, inside: bool) -> bool:
    """Whether line `s`, entered inside a quoted cell or not, ends inside one. CSV quoting as
    `shapes._split` reads it: a quote opens a cell only at the start of a field (the line's start
    or after a separator, spaces between allowed); inside, `""` is a quote and a lone `"`
    closes it. A quote elsewhere (`15" screen`) is a character. One `find` per quote."""
    return _walk_quotes(s, inside)[0]


def _open_sep(s: str) -> str | None:
    """The separator before the quote that opens the cell `s` ends in (spaces aside), "" when
    that quote starts the line; None when `s` does not end inside a cell (the caller knows it
    does). The last quote that opens a cell is the one."""
    inside, at, _ = _walk_quotes(s, False)
    return at if inside else None


def _walk_quotes(s: str, inside: bool) -> tuple[bool, str | None, int]:
    """(whether `s` ends inside a quoted cell, the separator before the last quote that opened
    one: "" at the line's start, None if none did; where that quote stands, -1 if none)."""
    i = 0
    at: str | None = None
    pos = -1
    while True:
        q = s.find('"', i)
        if q < 0:
            return inside, at, pos
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
            if inside:
                at, pos = (s[p] if p >= 0 else ""), q
        i = q + 1


def _close_sep(s: str) -> str | None:
    """What follows the quote that closes the cell line `s` is entered in: a separator, "" for
    the line's end (spaces aside), None for anything else (`Merci." dit-il`: prose)."""
    i = 0
    while True:
        q = s.find('"', i)
        if q < 0:
            return None
        if s.startswith('""', q):
            i = q + 2
            continue
        rest = s[q + 1:].lstrip(" ")
        if not rest:
            return ""
        return rest[0] if rest[0] in _SEPS else None


def _cell_at_both_ends(first: str, last: str, record: str) -> bool:
    """The paragraph record's guard (see the module docstring): its cell opens after the record's
    separator (or at the line's start) and closes before it (or at the line's end), not both at
    the line's ends; the record has at least three fields and the others are not prose."""
    sig = _sig(record)
    if sig is None or sig[1] < 2:
        return False
    a, b = _open_sep(first), _close_sep(last)
    if a is None or b is None or (a == "" and b == ""):
        return False
    if a not in ("", sig[0]) or b not in ("", sig[0]):
        return False
    # prose has separators too (commas above all), and its lines fit each other's counts: no
    # field beside the cell is a phrase or ends a sentence (`merci.", dit-il.`), and a comma
    # record carries what a dump's record does, an @ or 8 digits (an email, a phone, a date of
    # birth), outside its cell
    rest = _unquote(record)
    if sig[0] == "," and _SEED.search(rest) is None:
        return False
    for f in rest.split(sig[0]):
        f = f.strip()
        if f[-1:] in (".", "!", "?") or sum(any(c.isalpha() for c in w) for w in f.split()) > _MAX_WORDS:
            return False
    return True


def _hides_a_list(lines: list[str], a: int, b: int) -> bool:
    """Whether two adjacent lines inside the record (its first and last aside) both carry an @ or
    8 digits: a list pasted between two paragraphs of prose whose quote looks like a cell's, which
    joined would be read as one cell's text. A note's paragraphs are prose (one phone in it is)."""
    prev = False
    for k in range(a + 1, b):
        cur = _SEED.search(lines[k]) is not None
        if cur and prev:
            return True
        prev = cur
    return False


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


def _walk(raw: list[str], lines: list[str], a: int, stop: int, max_chars: int,
          max_blank: int) -> tuple[int, int]:
    """(the line that closes the cell line `a` opens, the blank lines before it), or (-1, 1)
    when a blank line past `max_blank` ends the look, (-1, 0) when none closes it before line
    `stop`, a quote prefix, `MAX_RECORD_LINES` lines or `max_chars` characters."""
    size = len(lines[a])
    blanks = 0
    b = a + 1
    while b < stop and b - a < MAX_RECORD_LINES:
        s = lines[b]
        size += len(s) + 1
        if (raw[b] is not s and raw[b] != s) or size > max_chars:
            break  # a quote prefix, a record too long: no record here
        if not s.strip():
            blanks += 1
            if blanks > max_blank:
                return -1, 1
        elif not _ends_quoted(s, True):
            return b, blanks
        b += 1
    return -1, 0


def _records(raw: list[str], lines: list[str], odd: list[int],
             max_chars: int) -> tuple[list[tuple[int, int]], list[int]]:
    """The records to join without a blank line, (first, last physical line) in order (a line
    inside one opens none), and the lines whose cell a blank line left open."""
    cands: list[tuple[int, int]] = []
    at_blank: list[int] = []
    end = -1
    n = len(lines)
    for a in odd:
        if a <= end or not _ends_quoted(lines[a], False):
            continue
        b, blank = _walk(raw, lines, a, n, max_chars, 0)
        if b >= 0:
            cands.append((a, b))
            end = b
        elif blank:
            at_blank.append(a)
    return cands, at_blank


def _paragraph_records(raw: list[str], lines: list[str], opened: list[int], plain: list[tuple[int, int]],
                       max_chars: int) -> list[tuple[int, int]]:
    """The records across blank lines, from the lines whose cell `_records` saw a blank line
    left open: each ends before the next record without one starts, and passes
    `_cell_at_both_ends` (a quote that does not is no record and hides no line after it)."""
    out: list[tuple[int, int]] = []
    n = len(lines)
    pi = 0  # the next record without a blank line (none holds an `opened` line)
    end = -1
    for a in opened:
        if a <= end:
            continue
        while pi < len(plain) and plain[pi][0] < a:
            pi += 1
        stop = plain[pi][0] if pi < len(plain) else n
        b, blanks = _walk(raw, lines, a, stop, max_chars, MAX_BLANK_LINES)
        if b >= 0 and not _hides_a_list(lines, a, b) and _cell_at_both_ends(lines[a], lines[b],
                                                                           "\n".join(lines[a:b + 1])):
            out.append((a, b))
            end = b
    return out


# A cell holding a file of its own (an export of a paste site's or a forum's posts: `1,seller,"<a
# combo list or a mysqldump>"`): joined, the whole dump was one field of one record and nothing in it
# was read. Its lines are read as lines instead: the cell's opening quote and what stands before it
# are set aside as a quote prefix is (`lines[a]` a suffix of `raw[a]`: offsets stay the text's), its
# closing quote and its doubled quotes read as blanks (the same length). A dump is this many lines
# of the cell, each with an @ or 8 digits.
_DUMP_LINES = 3


def _holds_a_dump(lines: list[str], a: int, b: int) -> bool:
    if b - a - 1 < _DUMP_LINES:
        return False
    n = 0
    for k in range(a + 1, b):
        n += _SEED.search(lines[k]) is not None
    return n >= _DUMP_LINES


def _opening_quote(s: str) -> int:
    """Where the quote that opens the cell line `s` ends in stands (`_walk_quotes`' reading), or -1."""
    inside, _, pos = _walk_quotes(s, False)
    return pos if inside else -1


def _closing_quote(s: str) -> int:
    """Where the quote that closes the cell line `s` is entered in stands, or -1."""
    i = 0
    while True:
        q = s.find('"', i)
        if q < 0 or not s.startswith('""', q):
            return q
        i = q + 2


def _open_cells(lines: list[str], cells: list[tuple[int, int]]) -> None:
    """The cells `cells` (first, last line) hold read as their lines, in `lines` (see above)."""
    for a, b in cells:
        q = _opening_quote(lines[a])
        c = _closing_quote(lines[b])
        if q < 0 or c < 0:
            continue
        lines[a] = lines[a][q + 1 :].replace('""', ' "')
        for k in range(a + 1, b):
            if '""' in lines[k]:
                lines[k] = lines[k].replace('""', ' "')
        lines[b] = lines[b][:c].replace('""', ' "') + " " + lines[b][c + 1 :]


def join_quoted_cells(raw: list[str], lines: list[str],
                      max_chars: int) -> tuple[list[str], list[str], list[int]] | None:
    """(raw, lines, first physical line of each logical line + the physical count) with every
    confirmed multi-line record joined, or None when there is none (the common case: a line
    with an odd number of quotes is what makes one worth a look).

    `raw` and `lines` are `_detect_text`'s physical lines with and without forum quote
    prefixes; a record is joined only across lines without one (a quoted dump's rows are
    already read one by one), at most `MAX_RECORD_LINES` lines or `max_chars` characters
    long; across a blank line only as the module docstring says."""
    n = len(lines)
    odd = [k for k, s in enumerate(lines) if s.count('"') & 1]
    if not odd:
        return None
    cands, opened = _records(raw, lines, odd, max_chars)
    if opened:  # a cell a blank line left open: a record of paragraphs?
        para = _paragraph_records(raw, lines, opened, cands, max_chars)
        if para:
            cands = sorted(cands + para)
    # each record must fit the row beside it: a line, or the record joined there (the rows of a
    # chunk cut from a big export have no header above them, only each other)
    spans: list[tuple[int, int]] = []
    dumps: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(cands):
        if _holds_a_dump(lines, a, b):
            dumps.append((a, b))
            continue
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
    if dumps:
        if lines is raw:
            lines = raw[:]
        _open_cells(lines, dumps)
    if not spans:
        return (raw, lines, [*range(n + 1)]) if dumps else None
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
