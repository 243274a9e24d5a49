"""Chatter lines between a dump's rows, set aside so that the rows read as one dump.

A thread's reply quoted inside a sample, a seller's "up" or "merci bro" pasted every few rows, a
buyer's question between two lines of a stealer record: each such line cut the dump into pieces
that each had too few rows to be a dump (a combo's last two rows, a dox's facts three by three, a
stealer record's `Username:` apart from its `Password:`: wave 25's blind probe set 5 lost most of
them). A chatter line here is short words a person writes (letters, no digit, no `@`, none of a
row's delimiters `: ; | = tab`) standing between two rows of one kind: two `label: value` lines,
two rows of the same delimiter, or a record's rule line and a labelled line. A line with no
delimiter between two plain values (a name in a one-field-a-line record, a city under its street)
is a row's, not chatter: never set aside.

`may_join` looks, cheaply, whether a text's fragments (or, with none, its seed lines) border such
a line; only then does `detect_text` read the text again without its chatter lines (`drop`),
keeping that reading when it finds more identifiers. The same for both engines: the text is
rewritten before either reads it; fragments keep the input's line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["drop", "may_join"]

_MAX_CHATTER = 80  # characters of a chatter line
_MAX_RUN = 2  # chatter lines in a row
_MAX_ANCHORS = 64  # seed lines looked at when no fragment was found
_RULE = frozenset(" \t-_=*~#+═─━")
_NOT_CHATTER = re.compile(r"[0-9@:;|=\t<>{}\[\]/\\]")
_LABEL = re.compile(r"\A[ \t]*[^\W\d_][\w .°'()/-]{0,39}?[ \t]*[:=][ \t]*\S")
_DELIMS = ("\t", ";", "|", ",", ":")
_LETTER = re.compile(r"[^\W\d_]")


def _kind(line: str) -> str | None:
    """What kind of row `line` is: "rule", "label", a delimiter, or None (blank, or no row)."""
    st = line.strip()
    if not st:
        return None
    if len(st) >= 3 and _RULE.issuperset(st):
        return "rule"
    if _LABEL.match(line) is not None and "@" not in line.split(":", 1)[0].split("=", 1)[0]:
        return "label"
    for d in _DELIMS:
        if d in st:
            return d
    return None


def _chatter(line: str) -> bool:
    st = line.strip()
    return (0 < len(st) <= _MAX_CHATTER and _NOT_CHATTER.search(st) is None and _LETTER.search(st) is not None
            and not _RULE.issuperset(st))


def _joins(above: str, below: str, between: Sequence[str]) -> bool:
    """Whether the chatter lines `between` stand between two rows of one kind."""
    b = _kind(below)
    if b is None:
        return False
    a = _kind(above)
    if a is None or (a != b and {a, b} != {"rule", "label"}) or a == b == "rule":
        return False
    # (a comma in chatter is a sentence's; between comma rows, it is a row's)
    return not (a == "," and any("," in x for x in between))


def _borders(lines: Sequence[str], k: int, step: int) -> bool:
    """Whether chatter lines (1 to `_MAX_RUN`) follow line `k` in direction `step`, then a row of
    line `k`'s kind."""
    n = len(lines)
    j = k + step
    # (most fragments end at a blank line or the text's end, or have one above them, or a line with a
    # digit or a delimiter beside them: one search, no more)
    if not 0 <= j + step < n or not lines[j + step] or not 0 < len(lines[j]) <= _MAX_CHATTER + 8 \
            or _NOT_CHATTER.search(lines[j]) is not None:
        return False
    run: list[str] = []
    while 0 <= j < n and len(run) < _MAX_RUN:
        line = lines[j]
        if not line or len(line) > _MAX_CHATTER + 8 or not _chatter(line):
            break
        run.append(line)
        j += step
    if not run or not 0 <= j < n or not lines[j]:
        return False
    return _joins(lines[k], lines[j], run)


def may_join(lines: Sequence[str], frags: Sequence[Any], seeds: Iterable[tuple[int, int]]) -> bool:
    """Whether a chatter line borders one of the fragments `frags` (their 1-based `start_line`
    and `end_line`) or, with none, one of the first `_MAX_ANCHORS` `seeds` (a seed's line first),
    a row of its kind beyond it. (Asked of every text with a fragment: a line's look first.)"""
    if frags:
        n = len(lines)
        for f in frags:
            below, above = f.end_line, f.start_line - 2  # (the lines beside it, 0-based)
            if (below < n and lines[below] and _borders(lines, below - 1, 1)) or (
                    above >= 0 and lines[above] and _borders(lines, above + 1, -1)):
                return True
        return False
    for m, (k, _) in enumerate(seeds):
        if m >= _MAX_ANCHORS:
            break
        if _borders(lines, k, 1) or _borders(lines, k, -1):
            return True
    return False


def drop(lines: Sequence[str], raw: Sequence[str]) -> tuple[str, list[int]] | None:
    """The text of `raw` without its chatter lines (`lines`: the same lines, quote prefixes set
    aside, where chatter is judged) and each kept line's line in it (0-based), or None."""
    n = len(lines)
    kept: list[int] = []
    k = 0
    dropped = False
    while k < n:
        if kept and _chatter(lines[k]):
            j = k
            while j < n and j - k < _MAX_RUN and _chatter(lines[j]):
                j += 1
            if j < n and _joins(lines[kept[-1]], lines[j], lines[k:j]) and kept[-1] == k - 1:
                dropped = True
                k = j
                continue
        kept.append(k)
        k += 1
    if not dropped:
        return None
    return "\n".join(raw[k] for k in kept), kept
