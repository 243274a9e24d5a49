"""Lines cut at a fixed width are read joined: a dump that a mail client or `fold -w` wrapped.

A hard wrap cuts every line at exactly W characters (64 and 76 are a mail client's and base64's
widths, `fold` takes any) without a marker, in the middle of a value: an e-mail, a phone or a
NIR falls in two, a CSV row becomes two or three lines none of which has the row's fields, and a
JSON line is no JSON any more (wave 25's blind probe set 5: JSON lines at 64 columns gave
nothing, CSV rows 4 of 33). The cut is told by its shape: the text's longest line is W long,
several lines are exactly W long, and the line after each is the rest of the record. `unfold`
joins each line of exactly W characters with the line below it (a record cut in more than two
pieces: each piece but the last is W long), and keeps the result only when the joined records
are rows and the pieces were not: most of them the same delimiter the same number of times, a
JSON object, a SQL tuple. A text whose lines are W long and the same shape already (a fixed-width
table, a base64 block: read by `unveil`) stays as it is. The same for both engines: the text is
rewritten before either reads it; the fragments keep the input's line numbers.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["unfold"]

_SAMPLE = 16  # lines of the first look (a wrap cuts a dump's first lines as the others)
_MIN_W, _MAX_W = 40, 200  # the widths a wrap cuts at
_MANY = 3  # lines cut at W: fewer are each checked against the rows around them (`_few`)
_AROUND = 4  # the rows `_few` compares with, each side
_MAX_PIECES = 40  # a record cut in more pieces is no wrapped row (a joined line stays bounded)
_B64 = re.compile(r"[A-Za-z0-9+/=_\-]*")


def _shape(s: str) -> tuple[str, int] | None:
    """A joined record's delimiter (the most frequent of TAB ; | ,, twice at least) and count."""
    best: tuple[str, int] | None = None
    for sep in ("\t", ";", "|", ","):
        c = s.count(sep)
        if c >= 2 and (best is None or c > best[1]):
            best = (sep, c)
    return best


def _closed(s: str) -> bool:
    """Whether a joined record is a JSON object or a SQL tuple (its `,` or `;` after it)."""
    t = s.rstrip(" ;,")
    return len(t) > 1 and ((t[0] == "{" and t[-1] == "}") or (t[0] == "(" and t[-1] == ")"))


def _second(kv: tuple[object, int]) -> int:
    return kv[1]


def _whole(cut: str, nxt: str) -> bool:
    """Whether the line after a cut one is a record of its own: both JSON objects' starts, or
    both the same delimiter as many times (rows of the longest length, not a wrap)."""
    c = cut.lstrip()[:1]
    if c and c in "{(":
        return nxt.lstrip()[:1] == c
    shape = _shape(cut)
    return shape is not None and shape == _shape(nxt)


def _few(lines: list[str], lens: list[int], w: int, k: int, j: int) -> bool:
    """Whether the record of `lines[k:j+1]` (one cut, in two pieces) is a row of the rows around
    it: joined, it has their delimiter as many times as most of them (up to `_AROUND` lines each
    side, not cut), and its last piece is a value's end (no space, none of that count)."""
    if j != k + 1 or " " in lines[j] or "=" in lines[j] or sum(map(str.isalnum, lines[j][:8])) < 2:
        # (a value's rest: not a statement's end, `\\.` or `);`, nor a base64 block's last line
        # `5kaBHQEAAA==` that `unveil` left under the rows it decoded from the lines above)
        return False
    near = [
        lines[x]
        for x in range(max(0, k - _AROUND), min(len(lens), j + 1 + _AROUND))
        if x not in (k, j) and lens[x] != w and lines[x].strip()
    ]
    if len(near) < 2:
        return False
    counts: dict[tuple[str, int] | None, int] = {}  # (a dict: a Counter's construction cost more than the rest)
    for x in near:
        sh = _shape(x)
        counts[sh] = counts.get(sh, 0) + 1
    top, count = max(counts.items(), key=_second)
    if top is None or count * 3 < len(near) * 2:
        return False
    sep, seps = top
    return (lines[k] + lines[j]).count(sep) == seps and lines[j].count(sep) < seps


def unfold(text: str, lines: list[str] | None = None) -> tuple[str, list[int], list[int]] | None:
    """`text` with its hard-wrapped records joined, and for each line of the result the 0-based
    numbers of its first and last lines in `text` (`lines`: its lines, when split already); None
    when the text is no wrapped dump."""
    head = text.split("\n", _SAMPLE) if lines is None else lines
    lens = list(map(len, head[:_SAMPLE]))  # (split: the last item holds the rest when there is more)
    w = max(lens)
    if not _MIN_W <= w <= _MAX_W:
        return None
    k = lens.index(w)
    c = lens.count(w)
    if k + 1 >= len(lens):
        return None
    if c < _MANY:  # one or two cuts in the first lines: rows' (the cheap tests first)
        if " " in head[k + 1] or not head[k + 1] or _whole(head[k], head[k + 1]) or not _few(head, lens, w, k, k + 1):
            return None
    elif c * 3 < sum(1 for n in lens if n > w // 2) or _whole(head[k], head[k + 1]):
        return None  # (most long lines cut, the line after the first cut no record of its own: below)
    if lines is None:
        lines = text.split("\n") if len(head) > _SAMPLE else head
    lens = list(map(len, lines))
    if max(lens) != w:  # a longer line below: no wrap at w
        return None
    cut = [k for k, n in enumerate(lens) if n == w]
    if sum(1 for k in cut if _B64.fullmatch(lines[k])) * 2 >= len(cut):
        return None  # (a base64 block, a PEM key: `unveil` reads them)
    if len(cut) < _MANY and not all(k + 1 < len(lines) and _few(lines, lens, w, k, k + 1) for k in cut):
        return None  # (a few cuts: each a row's, see below)
    if len(cut) >= _MANY and len(cut) * 3 < sum(1 for n in lens if n > w // 2):
        return None  # (a wrap cuts most long lines; words wrapped at W leave few exactly W long)
    out: list[str] = []
    first: list[int] = []
    last: list[int] = []
    multi: list[str] = []
    tails: list[int] = []
    n = len(lines)
    k = 0
    while k < n:
        j = k
        while lens[j] == w and j + 1 < n and lines[j + 1].strip() and j - k < _MAX_PIECES - 1:
            j += 1
        if j > k:
            rec = "".join(lines[k : j + 1])
            multi.append(rec)
            tails.append(j)
            out.append(rec)
        else:
            out.append(lines[k])
        first.append(k)
        last.append(j)
        k = j + 1
    if len(multi) < _MANY:  # a few rows cut among whole ones (76 columns, rows of 70 to 80): `_few`
        # (many cut lines in a few records: lines of W one after another, a log's or a listing's)
        return ("\n".join(out), first, last) if multi and len(cut) < _MANY else None
    # the joined records are rows, and their first pieces were not
    closed = sum(1 for r in multi if _closed(r))
    if closed * 3 >= len(multi) * 2:  # JSON objects, SQL tuples: the cut lines were not
        return None if sum(1 for k in cut if _closed(lines[k])) * 3 >= len(cut) else ("\n".join(out), first, last)
    shapes = Counter(_shape(r) for r in multi)
    ((top, count),) = shapes.most_common(1)
    if top is None or count * 3 < len(multi) * 2:
        return None
    # a record's last piece is the rest of its row, not a row (a table whose rows are all W
    # long has each row joined to the next: its last pieces are rows); the lines not cut (a
    # header, short rows) have the joined records' count (rows of the longest length joined to
    # the next row have twice theirs)
    sep, seps = top
    rows = sum(1 for k in tails if lines[k].count(sep) >= seps)
    if rows * 3 >= len(multi):
        return None
    ends = set(tails)
    counts = Counter(lines[x].count(sep) for x in range(n) if lens[x] != w and x not in ends and sep in lines[x])
    if counts and counts.most_common(1)[0][0] != seps:
        return None
    return "\n".join(out), first, last
