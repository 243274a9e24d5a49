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

__all__ = ["drop", "may_join"]

_MAX_CHATTER = 80  # characters of a chatter line
_MAX_RUN = 2  # chatter lines in a row
_MAX_ANCHORS = 64  # seed lines looked at when no fragment was found
_RULE = frozenset(" \t-_=*~#+═─━")
_NOT_CHATTER = re.compile(r"[0-9@:;|=\t<>{}\[\]/\\]")
_LABEL = re.compile(r"\A[ \t]*[^\W\d_][\w .°'()/-]{0,39}?[ \t]*[:=][ \t]*\S")
_DELIMS = ("\t", ";", "|", ",", ":")


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
    return (0 < len(st) <= _MAX_CHATTER and _NOT_CHATTER.search(st) is None and any(c.isalpha() for c in st)
            and not _RULE.issuperset(st))


def _joins(above: str | None, below: str | None, between: Sequence[str]) -> bool:
    """Whether the chatter lines `between` stand between two rows of one kind."""
    if above is None or below is None:
        return False
    a, b = _kind(above), _kind(below)
    if a is None or b is None:
        return False
    if a != b and {a, b} != {"rule", "label"}:
        return False
    if a == b == "rule":
        return False
    # (a comma in chatter is a sentence's; between comma rows, it is a row's)
    return not (a == "," and any("," in x for x in between))


def _borders(lines: Sequence[str], k: int, step: int) -> bool:
    """Whether chatter lines (1 to `_MAX_RUN`) follow line `k` in direction `step`, then a row of
    line `k`'s kind."""
    n = len(lines)
    j = k + step
    run: list[str] = []
    while 0 <= j < n and len(run) < _MAX_RUN and _chatter(lines[j]):
        run.append(lines[j])
        j += step
    if not run or not 0 <= j < n:
        return False
    return _joins(lines[k], lines[j], run)


def may_join(lines: Sequence[str], spans: Iterable[tuple[int, int]], seeds: Iterable[int]) -> bool:
    """Whether a chatter line borders one of the fragments' `spans` (0-based first and last lines)
    or, with no span, one of the first `_MAX_ANCHORS` seed lines, a row of its kind beyond it."""
    any_span = False
    for first, last in spans:
        any_span = True
        if _borders(lines, last, 1) or _borders(lines, first, -1):
            return True
    if any_span:
        return False
    for m, k in enumerate(seeds):
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
