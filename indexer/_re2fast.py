"""Thin, fast access to RE2 matches for the hot loops.

Why: the `google-re2` Python wrapper re-encodes the whole `str` to UTF-8 and rebuilds char
offsets in Python on every call (~6 us per match, and O(len(text)) per `search` from a
position, which makes repeated searches quadratic). Here the text is encoded once, RE2's
C++ `Match` is called on the bytes, and byte offsets are turned into char offsets
incrementally (free for ASCII text). Matching is still RE2: linear time in the input.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import re2

__all__ = ["Spans", "contains", "iter_spans", "match", "sub"]

_UNANCHORED = re2._Anchor.UNANCHORED
_ANCHOR_START = re2._Anchor.ANCHOR_START


def iter_spans(rx: re2._Regexp, text: str, anchored: bool = False,
               resume: int = 0) -> Generator[list[tuple[int, int]], int | None, None]:
    """Yield, for each non-overlapping match, [(start, end) of the match, of group 1, ...] in
    char offsets of `text`; (-1, -1) for groups that did not take part. The next search starts
    at the end of group `resume` (0: the whole match), for patterns that consume a boundary.

    A caller that finds a match too long (a candidate that turned out to be none, with a
    shorter one inside) may `send(c)` a char offset c > the match's start: the next search
    starts there instead (`send` returns [], and the loop's next step yields that match)."""
    b = text.encode("utf-8", "surrogatepass")
    n = len(b)
    match = rx._regexp.Match
    anchor = _ANCHOR_START if anchored else _UNANCHORED
    if n == len(text):  # ASCII: byte offsets are char offsets
        pos = 0
        while pos <= n:
            spans = match(anchor, b, pos, n)
            s0, e0 = spans[0]
            if s0 < 0:
                return
            sent = yield spans
            if sent is not None:
                pos = sent
                yield []  # what send() returns
                continue
            if anchored:
                return
            e = spans[resume][1] if spans[resume][0] >= 0 else e0
            pos = e if e > pos else pos + 1
        return
    last_b = last_c = 0
    pos = 0
    while pos <= n:
        spans = match(anchor, b, pos, n)
        s0, e0 = spans[0]
        if s0 < 0:
            return
        # char offset of the match start, from the previous match start (monotonic)
        last_c += len(b[last_b:s0].decode("utf-8", "surrogatepass"))
        last_b = s0
        out = []
        for s, e in spans:
            if s < 0:
                out.append((-1, -1))
            else:
                cs = last_c + len(b[s0:s].decode("utf-8", "surrogatepass"))
                out.append((cs, cs + len(b[s:e].decode("utf-8", "surrogatepass"))))
        sent = yield out
        if sent is not None:
            pos = last_b + len(text[last_c:sent].encode("utf-8", "surrogatepass"))
            yield []  # what send() returns
            continue
        if anchored:
            return
        e = spans[resume][1] if spans[resume][0] >= 0 else e0
        pos = e if e > pos else pos + 1
        while pos < n and (b[pos] & 0xC0) == 0x80:  # never restart inside a UTF-8 sequence
            pos += 1


def sub(rx: re2._Regexp, text: str, repl: Callable[[str], str]) -> str:
    """`rx.sub(lambda m: repl(m.group(0)), text)` for a pattern that never matches the empty
    string: the wrapper's `sub` builds a Match object, its offsets and a list per match in
    Python (a fifth of the time of detecting a forum post that holds a small dump went there,
    in the excerpt's safety net). Same matches: leftmost, non-overlapping, each search from the
    end of the last."""
    out: list[str] = []
    last = 0
    for spans in iter_spans(rx, text):
        st, en = spans[0]
        out.append(text[last:st])
        out.append(repl(text[st:en]))
        last = en
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


class Spans:
    """What `match` found: the groups' (start, end) in char offsets, (-1, -1) for a group that
    did not take part; `group`, `start` and `end` answer as the wrapper's match object does."""

    __slots__ = ("text", "spans")

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans

    def group(self, k: int = 0) -> str | None:
        s, e = self.spans[k]
        return None if s < 0 else self.text[s:e]

    def start(self, k: int = 0) -> int:
        return self.spans[k][0]

    def end(self, k: int = 0) -> int:
        return self.spans[k][1]

    def span(self, k: int = 0) -> tuple[int, int]:
        return self.spans[k]

    def groups(self) -> tuple[str | None, ...]:
        return tuple(self.group(k) for k in range(1, len(self.spans)))


def match(rx: re2._Regexp, text: str) -> Spans | None:
    """`rx.match(text)` (anchored at the start) without the wrapper's match object: ~2 us where
    the wrapper takes ~10 (it builds its offsets and groups in Python), for the per-line tests
    of the recognisers (a CREATE TABLE's column lines, a statement's head)."""
    b = text.encode("utf-8", "surrogatepass")
    spans = rx._regexp.Match(_ANCHOR_START, b, 0, len(b))
    if spans[0][0] < 0:
        return None
    if len(b) != len(text):  # byte offsets to char offsets
        spans = [(-1, -1) if st < 0 else (len(b[:st].decode("utf-8", "surrogatepass")),
                                          len(b[:en].decode("utf-8", "surrogatepass"))) for st, en in spans]
    return Spans(text, spans)


def contains(rx: re2._Regexp, text: str) -> bool:
    """`rx.search(text) is not None`, without building the match (the tests of a cue near an
    article 9 term, of an address in a cell)."""
    b = text.encode("utf-8", "surrogatepass")
    return bool(rx._regexp.Match(_UNANCHORED, b, 0, len(b))[0][0] >= 0)
