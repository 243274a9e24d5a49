"""The whole-text rewrites of `indexer.detect.spaced` on big inputs, region by region.

Rows a blank line apart (`spaced.compact`) and rows whose cells ':' separates
(`spaced.colon_rows`) are read by rewriting the text before the seed scan; both split the
whole text into lines, which on a 1 MB page of posts cost more than the detection itself
(wave 24: bench.instructions pages 185M -> 698M), so they ran only on texts under 256 KB read
whole. A bigger input (a file, an attachment, `vigie scan`, each 2 MB chunk of
`parallel.detect_stream`, a page's windows) lost such a dump whole. Here each rewrite runs
only on the *regions* around the matches of its first look (one regular-expression search
over the input, from a literal), each region cut where the rewrite cannot read across, so
the result is the whole text's: linear time (each region is read once), memory of one copy.

Where a region is cut:
- rows a blank line apart: a run of one-line records one or two separator lines apart never
  holds two adjacent non-separator lines nor three separator lines in a row, and `compact`
  looks at most three lines past a row; a region starts at the first line of such a pair (or
  triple) above its match and ends at the last of one below, so every line inside has the
  same neighbours it has in the whole text (`_edges`);
- ':' rows: a line without a ':' is in no run and is no header (a header has the rows'
  colons): a region is the lines around a match that all hold a ':'.
`regions(bytes)` gives the same regions in bytes, for `prefilter.run`, whose windows must hold
them whole (a window around a start line alone would hold one row).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial

import re2

from indexer.detect import spaced as _spaced

__all__ = ["BIG_TEXT", "colon_in", "colon_rows", "compact", "regions"]

BIG_TEXT = 256 * 1024  # characters: from here `_detect_text` rewrites region by region

_SEP_LINE, _SEED = _spaced._SEP_LINE, _spaced._SEED
# The first look, in two steps over the input's bytes. A row here has a shape `spaced._keys`
# gives (a seed, and a ';', '|' or tab, a '{', no space, only a phone's characters, a ':' with no
# ': ' nor '. ' in the line, or a ',' with no ', ' nor '. '): `compact`'s own look (`spaced._RUN`:
# a seed and a ':' or ',') matched every one-line post of a page ("Prix: 50$, contact: tox"),
# and a row that has no shape is in no run. RE2 first (linear, ~1.5 ms a MB: Python's `re` took
# 18 ms a MB for `spaced._RUN_B`, a search from every blank line), a superset without
# lookarounds; then each of its rare matches is confirmed by Python's `re`, the exact rule.
_KEYROW = (
    rb"(?=[^\n]*[@0-9])(?:(?=[^\n]*[;|\t{])|(?=[^\s]++(?:\n|$))|(?=[0-9+ .()\-\r]++(?:\n|$))"
    rb"|(?=[^\n]*:)(?![^\n]*(?:: |\. ))|(?=[^\n]*,)(?![^\n]*(?:, |\. )))[^\n]*+"
)
_SEP_B = _spaced._SEP_B
_RUN_B = re.compile(
    rb"\n(?:"
    + _SEP_B
    + rb"\n){1,2}(?=[^\n]*+\n(?:"
    + _SEP_B
    + rb"\n){1,2})"
    + _KEYROW
    + rb"\n(?:"
    + _SEP_B
    + rb"\n){1,2}"
    + _KEYROW
)
_ROW_RE2 = (
    rb"(?:"
    + rb"|".join(
        [
            rb"[^\n]*(?:[@0-9][^\n]*[;|\t{]|[;|\t{][^\n]*[@0-9])[^\n]*",  # a seed and a delimiter, any order
            rb"[^\s]*[@0-9][^\s]*(?:\n|$)",  # a token
            rb"[0-9+ .()\-\r]*[0-9][0-9+ .()\-\r]*(?:\n|$)",  # a phone
            rb"(?:[^:.\n]|[:.][^ \n])*:[^ \n](?:[^:.\n]|[:.][^ \n])*(?:\n|$)",  # ':' never before a space
            rb"(?:[^,.\n]|[,.][^ \n])*,[^ \n](?:[^,.\n]|[,.][^ \n])*(?:\n|$)",  # ',' never before a space
        ]
    )
    + rb")"
)
_OPTIONS = re2.Options()
_OPTIONS.encoding = re2.Options.Encoding.LATIN1  # bytes, as `prefilter`'s RE2 patterns
_RUN_RE2 = re2.compile(
    rb"\n(?:" + _SEP_B + rb"\n){1,2}" + _ROW_RE2 + rb"\n?(?:" + _SEP_B + rb"\n){1,2}" + _ROW_RE2, _OPTIONS
)
_COLON_SEEN = _spaced._COLON_SEEN
_COLON_SEEN_B = re.compile(_COLON_SEEN.pattern.encode())
_COLON_RE2 = re2.compile(_COLON_SEEN.pattern.encode())  # (UTF-8: its repeats count characters, as `re`'s)


_S, _N, _X = 0, 1, 2  # a separator line, a line, a line with no '@' nor digit (a header, prose)


def _kind(t: str | bytes, s: int, e: int) -> int:
    """Line t[s:e] for `spaced.compact`: a separator line (empty, spaces, a `#`...), a line that
    may be a row (an '@' or a digit), or one that may not (`_X`)."""
    if s >= e:
        return _S
    ln = t[s:e]
    text = ln if isinstance(ln, str) else ln.decode("utf-8", "replace")
    if _SEP_LINE.fullmatch(text) is not None:
        return _S
    return _N if _SEED.search(text) is not None else _X


def _edges(t: str | bytes, ls: int, nl: str | bytes) -> tuple[int, int]:
    """The region [start, end) around the line starting at `ls` (see the module docstring):
    `start` a line start, `end` a line's end (its "\n" or the end of `t`)."""
    n = len(t)

    def up(s: int) -> tuple[int, int] | None:  # the line above the one starting at s, and its kind
        if s <= 0:
            return None
        ps = t.rfind(nl, 0, s - 1) + 1  # type: ignore[arg-type]
        return ps, _kind(t, ps, s - 1)

    def down(e: int) -> tuple[int, int, int] | None:  # the line below the one ending at e
        if e >= n:
            return None
        e2 = t.find(nl, e + 1)  # type: ignore[arg-type]
        e2 = n if e2 < 0 else e2
        return e + 1, e2, _kind(t, e + 1, e2)

    # up: stop at two lines in a row that are not separators, at the top of three separator
    # lines, or at a line without a seed between two separator lines (a run's header or prose
    # between runs: `spaced._shared` starts a new stretch there)
    e0 = t.find(nl, ls)  # type: ignore[arg-type]
    e0 = n if e0 < 0 else e0
    k0 = _kind(t, ls, e0)
    below1, below2 = k0, -1
    s, start = ls, 0
    cur = up(s)
    while cur is not None:
        ps, k = cur
        above = up(ps)
        if (
            (k != _S and below1 != _S)
            or (k == _S and below1 == _S and below2 == _S)
            or (k == _X and below1 == _S and (above is None or above[1] == _S))
        ):
            start = ps
            break
        below1, below2 = k, below1
        s, cur = ps, above
    # down: the same, mirrored; a line without a seed is left out (the next region's first line)
    above1, above2 = k0, -1
    prev_end, end = e0, n
    nxt = down(e0)
    while nxt is not None:
        s2, e2, k = nxt
        below = down(e2)
        if (k != _S and above1 != _S) or (k == _S and above1 == _S and above2 == _S):
            end = e2
            break
        if k == _X and above1 == _S and (below is None or below[2] == _S):
            end = prev_end
            break
        above1, above2 = k, above1
        prev_end, nxt = e2, below
    return start, end


def _matches(t: str | bytes, look: re.Pattern[str] | re.Pattern[bytes], pos: int) -> Iterator[tuple[int, int]]:
    while True:
        m = look.search(t, pos)  # type: ignore[arg-type]
        if m is None:
            return
        yield m.start(), m.end()
        pos = max(m.end(), pos + 1)


def _confirmed(b: bytes, pos: int) -> Iterator[tuple[int, int]]:
    """The matches of `_RUN_B` in `b` from `pos`: RE2's superset, each confirmed by `_RUN_B`
    over it and the three lines after it (the exact match may begin a row lower)."""
    n = len(b)
    while pos < n:
        m = _RUN_RE2.search(b, pos)
        if m is None:
            return
        end = m.end()
        for _ in range(4):
            end = b.find(b"\n", end + 1)
            if end < 0:
                end = n
                break
        x = _RUN_B.search(b, m.start(), end)
        if x is not None:
            yield x.start(), x.end()
            pos = x.end()
        else:
            pos = max(m.end(), m.start() + 1)


def _spans(
    t: str | bytes,
    found: Callable[[int], Iterator[tuple[int, int]]],
    edges: Callable[[str | bytes, int], tuple[int, int]],
) -> list[tuple[int, int]]:
    """The regions around the matches `found(pos)` gives from `pos`, in order, overlapping ones
    merged (a match inside a region is not looked for: the search goes on from its end)."""
    out: list[tuple[int, int]] = []
    nl: str | bytes = "\n" if isinstance(t, str) else b"\n"
    pos = 0
    while True:
        m = next(found(pos), None)
        if m is None:
            return out
        ms, me = m
        ls = t.rfind(nl, 0, max(ms, me - 1)) + 1  # type: ignore[arg-type]  # (its last line)
        s, e = edges(t, ls)
        if out and s <= out[-1][1]:
            s = out[-1][0]
            out.pop()
        out.append((s, e))
        pos = max(e, me, pos + 1)


def _spaced_edges(t: str | bytes, ls: int) -> tuple[int, int]:
    return _edges(t, ls, "\n" if isinstance(t, str) else b"\n")


def _colon_edges(t: str | bytes, ls: int, mark: str = ":") -> tuple[int, int]:
    """The lines around line `ls` that all hold a ':' (or `mark`)."""
    nl, colon = ("\n", mark) if isinstance(t, str) else (b"\n", mark.encode())
    n = len(t)
    s = ls
    while s > 0:
        ps = t.rfind(nl, 0, s - 1) + 1  # type: ignore[arg-type]
        if t.find(colon, ps, s - 1) < 0:  # type: ignore[arg-type]
            break
        s = ps
    e = t.find(nl, ls)  # type: ignore[arg-type]
    e = n if e < 0 else e
    while e < n:
        e2 = t.find(nl, e + 1)  # type: ignore[arg-type]
        e2 = n if e2 < 0 else e2
        if t.find(colon, e + 1, e2) < 0:  # type: ignore[arg-type]
            break
        e = e2
    return s, e


def compact(text: str, data: bytes) -> tuple[str, list[int]] | None:
    """`spaced.compact(text)` read region by region (see the module docstring): the text
    without the separator lines of its runs, and each kept line's 0-based number in `text`.
    `data` is `text` in UTF-8 (the regions are looked for in its bytes: the same lines)."""
    spans = _spans(data, partial(_confirmed, data), _spaced_edges)
    if not spans:
        return None
    lines = text.split("\n")
    drop: set[int] = set()
    line = last = 0
    for s, e in spans:
        line += data.count(b"\n", last, s)
        last = s
        got = _spaced.compact("\n".join(lines[line : line + data.count(b"\n", s, e) + 1]))
        if got is not None:
            kept = set(got[1])
            drop.update(line + k for k in range(data.count(b"\n", s, e) + 1) if k not in kept)
    if not drop:
        return None
    kept_lines = [k for k in range(len(lines)) if k not in drop]
    return "\n".join(lines[k] for k in kept_lines), kept_lines


def colon_rows(text: str, data: bytes | None = None) -> str | None:
    """`spaced.colon_rows(text)` read region by region (the same length: lines and offsets stay);
    `data`: `text` in UTF-8, when at hand."""
    if data is not None and _COLON_RE2.search(data) is None:  # (RE2 on the bytes: ~3x Python's search)
        return None
    return _same_length(text, _spans(text, partial(_matches, text, _COLON_SEEN), _colon_edges), _spaced.colon_rows)


def _same_length(text: str, spans: list[tuple[int, int]], rewrite: Callable[[str], str | None]) -> str | None:
    parts: list[str] = []
    last = 0
    for s, e in _merged(spans):
        got = rewrite(text[s:e])
        if got is not None:
            parts += [text[last:s], got]
            last = e
    if not parts:
        return None
    parts.append(text[last:])
    return "".join(parts)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def regions(data: bytes) -> list[tuple[int, int]]:
    """The byte ranges of `data` (LF line ends) that hold rows a blank line apart, in order:
    where `prefilter.run` must detect whole, with the rewrites (its windows around start lines
    hold none of them: each row stands alone, no start). ':' rows are adjacent lines, inside
    the windows around their start lines (`colon_in`)."""
    return _spans(data, partial(_confirmed, data), _spaced_edges)


def colon_in(data: bytes, s: int, e: int) -> bool:
    """Whether data[s:e] (a window) may hold ':' rows (`spaced.colon_rows`'s first look)."""
    return _COLON_SEEN_B.search(data, s, e) is not None
