"""Two records on one line are read one a line: a dump pasted two rows a line.

A seller's paste, a chat's message width or a sheet copied two columns of records at a time puts
two (or more) records on each line: JSON objects one after the other (`{...}    {...}`, or glued
`{...}{...}`), combos apart by spaces (`a@x.fr:pw1    b@y.fr:pw2`), delimited rows glued by a
` | `, a tab or spaces (`ROUSSEL;Inès;...;2840... | LAMBERT;Hugo;...`). Each line was one
record to the readers: the second record's fields fell under the first's columns or in no
column at all (wave 25's blind probe set 5: the `;` rows glued by ` | ` gave nothing, combos two a
line nothing). `split_glued` cuts such lines where one record ends and the next starts, only
where every piece is a record of the same kind: each a JSON object that parses, each token an
`email:password`, or a delimited row whose glue stands in its middle field, both halves as many
fields, on most of the text's lines of that width. The fragments keep the input's line numbers.
The same for both engines: the text is rewritten before either reads it.
"""

from __future__ import annotations

import json
import re

__all__ = ["LOOK_BYTES", "NEEDLES", "may_hold", "split_glued"]

# the first look (`firstlook.looks`, and `may_hold` under `LOOK_BYTES`): a JSON object's end then
# another's start, an address's combo then spaces and another address, a delimited row's value,
# a glue (` | `, a tab, two spaces or more), another value, the row's delimiter again
NEEDLES = (  # (for Hyperscan: unbounded repeats compile ~10x faster than bounded ones)
    rb"\}[ \t]*\{\"",
    rb"@[^\s:@;|]+:\S+[ \t]+[^\s@:;|]+@",
    # (rows: a number ends the first row's last field, ` | ` or four spaces, a value then its
    # delimiter starts the next; a tab or two spaces as the glue cost a dense dump 1.5%: left)
    rb"[0-9](?: \| | {4,})[^\s;,|]+[;,|]",
)
# the first two for Python's `re` under `LOOK_BYTES`, bounded: linear on any line
_LOOK = [
    re.compile(r"\}[ \t]*\{\""),
    re.compile(r"@[^\s:@;|]{1,128}:\S{1,128}[ \t]+[^\s@:;|]{1,128}@"),
]
_JSON_CUT = re.compile(r"\}[ \t]*(?=\{\")")
_COMBO = re.compile(r"\A[^\s@:;|]{1,128}@[^\s@:;|]{1,253}\.[A-Za-z]{2,24}[:;|]\S{1,256}\Z")
_GLUE = re.compile(r" \| |\t| {2,}")
_MAX_TRIES = 8  # failed JSON cuts a line (an object holding `} {"` in a string): bounded work
_MAX_LINE = 64 * 1024
_MIN_ROWS = 2  # delimited lines cut, at the least
# a text under this many bytes is cut only where `may_hold` looks (JSON objects, combos): rows glued
# in a text this small, two lines at most, are read as they are (`firstlook.SMALL` was this until
# wave 27 lowered it; the scan's bit alone decides from here up)
LOOK_BYTES = 512


def may_hold(text: str) -> bool:
    """Whether `text` may hold glued records (the first look's patterns, for a small text; each
    after a C search for what it needs: most posts hold none)."""
    if "}" in text and _LOOK[0].search(text) is not None:
        return True
    # (rows glued in a text this small: two lines at most, left to be read as they are; the
    # pattern's search from every delimiter cost ~90,000 instructions a post)
    return "@" in text and ":" in text and _LOOK[1].search(text) is not None


def _json_pieces(line: str) -> list[str] | None:
    """The JSON objects `line` is, one after the other (two or more), or None."""
    out: list[str] = []
    start = 0
    tries = 0
    for m in _JSON_CUT.finditer(line):
        piece = line[start : m.start() + 1].strip()
        try:
            ok = isinstance(json.loads(piece), dict)
        except ValueError:
            ok = False
        if ok:
            out.append(piece)
            start = m.end()
        else:
            tries += 1
            if tries >= _MAX_TRIES:
                return None
    rest = line[start:].strip()
    if not out:
        return None
    try:
        if not isinstance(json.loads(rest), dict):
            return None
    except ValueError:
        return None
    return out + [rest]


def _combo_pieces(line: str) -> list[str] | None:
    tokens = line.split()
    if len(tokens) < 2 or not all(_COMBO.fullmatch(t) for t in tokens):
        return None
    return tokens


def _worth(half: str) -> bool:
    """Whether half a line may be a record: an `@` or six digits."""
    return "@" in half or sum(map(str.isdigit, half)) >= 6


def _row_cut(line: str) -> tuple[str, int, int] | None:
    """(delimiter, its count, where the glue is) of a line that is two delimited rows glued in
    its middle field (both halves as many fields, three or more each), or None."""
    best = None
    for sep in (";", ",", "|"):
        c = line.count(sep)
        if c >= 4 and c % 2 == 0 and (best is None or c > best[1]):
            best = (sep, c)
    if best is None:
        return None
    sep, c = best
    at = -1
    for _ in range(c // 2):
        at = line.index(sep, at + 1)
    end = line.index(sep, at + 1)
    field = line[at + 1 : end]
    glues = list(_GLUE.finditer(field))
    if len(glues) != 1:
        return None
    g = glues[0]
    if not field[: g.start()].strip() or not field[g.end() :].strip():
        return None
    cut = at + 1 + g.start()
    # a record each (HTML links ` | ` apart are none), of values, not prose (its spaces) nor bytes
    if not (_worth(line[:cut]) and _worth(line[cut:])) or line.count(" ") - len(g.group()) > c or "\x00" in line:
        return None
    return sep, c, cut


def split_glued(text: str) -> tuple[str, list[int]] | None:
    """`text` with each line of glued records cut into one line a record, and for each line of
    the result its 0-based line in `text`; None when no line is."""
    lines = text.split("\n")
    cuts: dict[int, list[str]] = {}
    rows: dict[tuple[str, int], list[tuple[int, int]]] = {}
    widths: dict[tuple[str, int], int] = {}
    for k, line in enumerate(lines):
        if len(line) > _MAX_LINE:
            continue
        t = line.lstrip()
        if t[:1] == "{" and "}" in t:
            pieces = _json_pieces(line)
            if pieces is not None:
                cuts[k] = pieces
            continue
        if "@" in line and ":" in line:
            pieces = _combo_pieces(line)
            if pieces is not None:
                cuts[k] = pieces
                continue
        for sep in (";", ",", "|"):
            if sep in line:
                c = line.count(sep)
                widths[(sep, c)] = widths.get((sep, c), 0) + 1
        cut = _row_cut(line)
        if cut is not None:
            rows.setdefault(cut[:2], []).append((k, cut[2]))
    for shape, found in rows.items():
        # most lines of that delimiter count are two rows glued in the middle
        if len(found) >= _MIN_ROWS and len(found) * 3 >= widths.get(shape, 0) * 2:
            for k, at in found:
                g = _GLUE.match(lines[k], at)
                assert g is not None
                cuts[k] = [lines[k][:at], lines[k][g.end() :]]
    if not cuts:
        return None
    out: list[str] = []
    src: list[int] = []
    for k, line in enumerate(lines):
        pieces = cuts.get(k)
        if pieces is None:
            out.append(line)
            src.append(k)
        else:
            out.extend(pieces)
            src.extend([k] * len(pieces))
    return "\n".join(out), src
