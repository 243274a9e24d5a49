"""One Hyperscan pass over the bytes the crawler already has: where can a fragment be at all?

One compiled database (block mode, byte semantics), one scan, reports:
- EVENT: a superset of the engine's seed lines that matter (`seeds._PAIR_RE2`, a seed line
  next to a non-blank line, and `seeds._SPECIAL_RE2`, a seed line that may start a fragment
  alone), one alternation: Hyperscan runs it several times faster than the same branches as
  separate patterns;
- STATEMENT: the first INSERT/REPLACE/CREATE/COPY line (after quote marks and spaces): those
  read across blank lines (an INSERT to its `;`, COPY to `\\.`, CREATE tables for later INSERTs);
- BAD: bytes that are not UTF-8 (`decode()` would pick another code page);
- GATE: what `decode()` or the engine would change first (NUL, CR, a UTF-8 BOM, maybe HTML).

`detect_many(items)` (many posts: a crawl's items, a thread page's posts) scans them all at
once; an item with no EVENT holds no fragment and is never decoded (most forum posts), an
item with an EVENT and no GATE goes to `seeds.candidate_starts` on its bytes, and only those
with a start are decoded and detected (`detect()`, unchanged). Same lists as `detect()` item by
item: tests/test_prefilter.py compares them.

`prefilter(b)` / `run()` do the same for one big input by *windows*: only the paragraphs around
the engine's start lines are decoded and detected, bounded by a blank line that no recogniser
reads across. Every recogniser stops at a blank line except the key: value one
(`shapes._kv`, `shapes.block_start`: up to two blank lines between `key: value` lines) and
`seeds.alone_is_nothing`, which looks 3 lines up, and no record is read across one except a
CSV record whose quoted cell holds it (`multiline`: "notes.\n\nVIH positif", joined into one
line before any recogniser runs, from a line with an odd number of quotes at most
`multiline.MAX_RECORD_LINES` - 1 lines above to a line with a quote as far below); so a blank
line is a boundary when none of the 3 lines on either side can be a `key: value` (or quoted)
line and it cannot be inside such a cell (`_in_cell`). From the first statement's
paragraph on, the rest goes to the engine whole. The result equals the full engine's (same
test, fuzzed posts and sparse pages), and `indexer.detect.parallel` cuts big inputs on the same
boundaries; `detect()` takes this way for bytes of `WINDOWED_MIN_BYTES` or more (a thread page, a file):
on 1 MB of sparse posts it runs ~4.7x fewer instructions than the engine over all of it.

Without the `hyperscan` module (or on a CPU it does not support) `available()` is False,
`detect_many` calls `detect()` per item, and `reason()` says why (`vigie doctor` shows it).
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import re2
from loguru import logger

from indexer import engine as _engine
from indexer.decode import _BOMS, _HTML_SNIFF, Limits
from indexer.detect import lone as _lone
from indexer.detect import seeds as _seeds
from indexer.detect import stream_spaced as _stream_spaced
from indexer.detect._hyperscan import CompiledOnce
from indexer.detect.multiline import MAX_RECORD_LINES
from indexer.detect.seeds import candidate_starts
from indexer.detect.shapes import _KV
from indexer.models import Fragment
from indexer.tokens import MatchKey

__all__ = ["WINDOWED_MIN_BYTES", "Windows", "available", "detect_many", "native_scan", "prefilter", "raw_scan",
           "reason", "run", "scan_batch", "status"]

try:  # optional: the wheel bundles the library (x86-64 with SSSE3 at least)
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the install
    _hs = None  # type: ignore[assignment]

# ------------------------------------------------------------------ patterns (bytes, like RE2's)
_WS = rb"\t\n\x0c\r "  # RE2's \s
_SEEDC = rb"(?:@|%40|\d(?:[ ./%+-]?\d){7}|[\[({] ?[aA][tT] ?[\])}])"  # what makes a seed line (seeds._SEEDC)
_NB = rb"[^ \t\n\-_=*~#+]"  # a character that makes a line non-blank for seeds._PAIR (not a rule)
_R = rb"[ \t\-_=*~#+]*" + _NB  # a line start up to its first such character
_CP = rb"[ \t>]*(?:\d+[.)\]][ \t]+)?[^" + _WS + rb":|;]+[:|][^" + _WS + rb"]"  # a combo line's start
_OPEN = rb"(?:MSH\||COPY |CREATE |INSERT |REPLACE )"
_PW = _seeds._PW.encode()  # a password's label at a line's start
_SP = rb"(?:[:=>{\[@]|MSH\||(?i:insert|replac|create|copy)|\xc4\xb1|\xc5\xbf)"  # seeds._SP
# One expression (Hyperscan runs an alternation far faster than the same branches as separate
# patterns here), a superset of seeds._PAIR and seeds._SPECIAL: a seed line with a non-blank
# line below or above (the pair), a seed line with one of _SP (special), a line that starts
# like a combo line or a statement (both). Each branch ends inside the line(s) it is about.
_EVENT = (rb"(?:" + _SEEDC + rb"[^\n]*\n" + _R + rb"|" + _NB + rb"[^\n]*\n[^\n]*" + _SEEDC
          + rb"|" + _SP + rb"[^\n]*" + _SEEDC + rb"|" + _SEEDC + rb"[^\n]*" + _SP
          + rb"|^" + _CP + rb"|^" + _OPEN + rb"|^" + _PW + rb")")
# `recognise` strips quote marks and then any Unicode space (non-ASCII bytes stand for those),
# then wants one of I i R r C c and `t[:6].upper()` a keyword ("ı" and "ſ" upper-case to I, S)
_S = rb"(?:[sS]|\xc5\xbf)"
_STATEMENT = (rb"^(?:[\t\x0b\x0c\r \x1c-\x1f>]|[\x80-\xff])*"
              rb"(?:[iI][nN]" + _S + rb"[eE][rR][tT]|[rR][eE][pP][lL][aA][cC]"
              rb"|[cC][rR][eE][aA][tT][eE]|[cC][oO][pP][yY] )")
# not UTF-8 (so that `bytes.decode("utf-8")` would fail): a stray continuation byte, a lead
# byte without its continuations, bytes never used, overlong forms, surrogates, > U+10FFFF
_CONT = rb"[\x80-\xbf]"
_BAD_UTF8 = [
    rb"\A" + _CONT, rb"[\x00-\x7f]" + _CONT,
    rb"[\xc0-\xdf]" + _CONT + _CONT, rb"[\xe0-\xef]" + _CONT + rb"{3}", rb"[\xf0-\xf7]" + _CONT + rb"{4}",
    rb"[\xc0-\xdf][^\x80-\xbf]", rb"[\xe0-\xef]" + _CONT + rb"?[^\x80-\xbf]",
    rb"[\xf0-\xf7]" + _CONT + rb"{0,2}[^\x80-\xbf]",
    rb"[\xc0-\xdf]\z", rb"[\xe0-\xef]" + _CONT + rb"?\z", rb"[\xf0-\xf7]" + _CONT + rb"{0,2}\z",
    rb"[\xc0\xc1\xf5-\xff]", rb"\xe0[\x80-\x9f]", rb"\xed[\xa0-\xbf]", rb"\xf0[\x80-\x8f]", rb"\xf4[\x90-\xbf]",
]
# what `decode()` and the engine would change before the seed scan: NULs, CRs, maybe HTML
_GATES = [rb"\x00", rb"\r", rb"<(?:[!a-zA-Z]|[\x80-\xff])", rb"(?:\A|\n)\xef\xbb\xbf"]
EVENT, STATEMENT, BAD, GATE = 1, 3, 4, 5
GATE_BIT = 2  # in `scan_batch` codes

def _compile() -> Any:
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    alt = b"|".join
    exprs = [_EVENT, _STATEMENT, b"(?:" + alt(_BAD_UTF8) + b")", b"(?:" + alt(_GATES) + b")"]
    ml = _hs.HS_FLAG_MULTILINE
    db.compile(expressions=exprs, ids=[EVENT, STATEMENT, BAD, GATE], elements=len(exprs),
               flags=[ml, ml | _hs.HS_FLAG_SINGLEMATCH, 0, 0])
    return db


_COMPILED = CompiledOnce(_compile)


def _db() -> Any:
    """The compiled database, built once per process (spawned pool workers build their own)."""
    return _COMPILED.db() if _hs is not None else None


def available() -> bool:
    """Whether the one-pass prefilter runs here (else `detect()` takes the full way)."""
    return _db() is not None


def reason() -> str:
    """Why the prefilter is off, for `vigie doctor` ("" when it is on)."""
    if _hs is None:
        return "the hyperscan module is not installed (pip install hyperscan): detection decodes and scans all text"
    _db()
    return f"hyperscan could not compile the seed patterns here ({_COMPILED.why})" if _COMPILED.why else ""


def status() -> str:
    """One line for `vigie doctor`: whether the one-scan prefilter runs, and if not, why."""
    if available():
        version = getattr(_hs, "__version__", "?")
        return f"hyperscan {version}: one scan for many posts (indexer.detect.prefilter)"
    return "off, every post is decoded and scanned by the engine: " + reason()


def _scratch() -> Any:
    return _COMPILED.scratch()


@dataclass(slots=True)
class Windows:
    """What the scan found: `full` (hand the whole input to the engine) or the byte ranges
    [start, end) to decode, each with its first line number; `tail` is a range that runs to
    the end of the input from the first statement line's paragraph on."""

    full: str = ""  # why the whole input goes to the engine ("" if not)
    ranges: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, first line)
    events: int = 0


class _Stop(Exception):
    pass


def _events(b: bytes, most: int = -1) -> tuple[list[int], int, bool]:
    """(end offsets of event matches, end of the first statement line's match or -1, not UTF-8).
    With `most` >= 0 the scan stops at event `most` + 1: a caller that hands an input with more
    events than that to the engine whole (`prefilter`'s quick exit: a dense dump) needs no more
    of them, nor the rest of the scan (a Python call per event: ~7% of the dense time, issue 17)."""
    ends: list[int] = []
    stmt = [-1]
    bad = [False]
    add = ends.append

    def on(i: int, _f: int, to: int, _fl: int, _c: object) -> bool | None:
        if i == EVENT:
            add(to)
            if len(ends) == most + 1:  # never true when most < 0
                return True  # stop: more events than the caller reads
        elif i == STATEMENT:
            stmt[0] = to
        elif i == BAD:
            bad[0] = True
            return True  # stop: the input goes the full way
        return None  # GATE: the caller has looked at NULs, CRs and HTML itself

    try:
        _db().scan(b, match_event_handler=on, scratch=_scratch())
    except _hs.ScanTerminated:
        pass
    return ends, stmt[0], bad[0]


def scan_batch(items: Sequence[bytes]) -> list[int]:
    """For each item: 0 if it can hold no fragment, else EVENT and/or GATE bits (GATE: not
    UTF-8, a NUL, a CR, a UTF-8 BOM or maybe HTML, which `decode()` or the engine would change).
    One scan over all of them, three blank lines apart: no event pattern spans a blank line,
    so each event belongs to the item it ends in (a cut UTF-8 sequence: the item before)."""
    n = len(items)
    if n == 0:
        return []
    starts = [0] * n
    o = 0
    for k, it in enumerate(items):
        starts[k] = o
        o += len(it) + 3
    code = [0] * n

    def on(i: int, _f: int, to: int, _fl: int, _c: object) -> None:
        if i != STATEMENT:
            code[bisect_right(starts, to - 1) - 1] |= EVENT if i == EVENT else GATE_BIT

    _db().scan(b"\n\n\n".join(items), match_event_handler=on, scratch=_scratch())
    return code


_BLANK_BYTES = b" \t\x0b\x0c\r"


def _is_blank(b: bytes, s: int, e: int) -> bool:
    # no regex: a `[...]*\Z` searched over a long run of spaces is quadratic (test_linear_patterns)
    return not b[s:e].strip(_BLANK_BYTES)


def _kv_like(b: bytes, s: int, e: int) -> bool:
    """Whether line b[s:e] could be a `key: value` line for `shapes._kv` (a quoted one counts)."""
    if b.find(b">", s, e) >= 0:
        return True
    if b.find(b":", s, e) < 0 and b.find(b"=", s, e) < 0:
        return False
    return _KV.match(b[s:e].decode("utf-8", "replace")) is not None


def _line_bounds(b: bytes, s: int, n: int, count: int, up: bool) -> list[tuple[int, int]]:
    """Up to `count` lines above (up) or below the line starting at s (excluded)."""
    out: list[tuple[int, int]] = []
    if up:
        e = s - 1
        while len(out) < count and e >= 0:
            ps = b.rfind(b"\n", 0, e) + 1
            out.append((ps, e))
            e = ps - 1
    else:
        ps = b.find(b"\n", s)
        while len(out) < count and ps >= 0:
            st = ps + 1
            ps = b.find(b"\n", st)
            out.append((st, n if ps < 0 else ps))
    return out


def _in_cell(b: bytes, s: int, e: int, n: int) -> bool:
    """Whether the blank line b[s:e] may be inside a CSV cell quoted across blank lines, which
    `multiline.join_quoted_cells` would join: such a record starts on a line with an odd
    number of quotes and ends on a line with a quote, less than `MAX_RECORD_LINES` lines
    apart. A superset (the joiner's other tests are left to it): a few `find`s where no quote
    is near, and then one count per line above (lines as "\n" ends them: with CRs there are
    more engine lines, never fewer)."""
    lo = s
    for _ in range(MAX_RECORD_LINES - 1):
        if lo <= 0:
            break
        lo = b.rfind(b"\n", 0, lo - 1) + 1
    if lo >= s or b.find(b'"', lo, s) < 0:
        return False
    hi = e
    for _ in range(MAX_RECORD_LINES - 1):
        if hi >= n:
            break
        nx = b.find(b"\n", hi + 1)
        hi = n if nx < 0 else nx
    if b.find(b'"', e, hi) < 0:
        return False
    ls = lo
    while ls < s:
        le = b.find(b"\n", ls, s)
        le = s if le < 0 else le
        # (a CR inside the line: lone-CR line ends, which `indexer.detect.parallel` meets
        # before the engine splits them; its parts may be odd: kept, a superset)
        if b.count(b'"', ls, le) & 1 or b.find(b"\r", ls, le - 1) >= 0:
            return True
        ls = le + 1
    return False


def _boundary(b: bytes, s: int, e: int, n: int) -> bool:
    """Whether the blank line b[s:e] separates what is above it from what is below it: no
    `key: value` line near it, and inside no quoted cell (`_in_cell`)."""
    if not _no_kv_near(b, s, e, n):
        return False
    return not _in_cell(b, s, e, n)


def _no_kv_near(b: bytes, s: int, e: int, n: int) -> bool:
    """Whether none of the 3 lines above and below the blank line b[s:e] can be a `key: value` line."""
    lo = s
    for _ in range(3):  # the 3 lines above and below, as one slice first: most hold no ":=>"
        if lo <= 0:
            break
        lo = b.rfind(b"\n", 0, lo - 1) + 1
    hi = e
    for _ in range(3):
        if hi >= n:
            break
        nx = b.find(b"\n", hi + 1)
        hi = n if nx < 0 else nx
    if b.find(b":", lo, hi) < 0 and b.find(b"=", lo, hi) < 0 and b.find(b">", lo, hi) < 0:
        return True
    for ls, le in _line_bounds(b, s, n, 3, True):
        if _kv_like(b, ls, le):
            return False
    for ls, le in _line_bounds(b, s, n, 3, False):
        if _kv_like(b, ls, le):
            return False
    return True


def _up(b: bytes, pos: int, n: int) -> int:
    """Start of the window holding offset pos: the line after the nearest boundary above."""
    s = b.rfind(b"\n", 0, pos) + 1
    while s > 0:
        e = s - 1
        ps = b.rfind(b"\n", 0, e) + 1
        if _is_blank(b, ps, e) and _boundary(b, ps, e, n):
            return s
        s = ps
    return 0


def _down(b: bytes, pos: int, n: int) -> int:
    """End of the window holding offset pos: the "\\n" before the nearest boundary below."""
    e = b.find(b"\n", pos)
    while e >= 0:
        s = e + 1
        ne = b.find(b"\n", s)
        le = n if ne < 0 else ne
        if _is_blank(b, s, le) and _boundary(b, s, le, n):
            return e
        e = ne
    return n


def prefilter(b: bytes, quick_exit: bool = True) -> Windows:
    """Scan `b` once and say which parts of it the engine must see (see the module docstring).
    `b` is the input as `detect()` got it; the caller has checked the cases this does not
    cover (not bytes, BOM, UTF-16, NULs, CR, HTML, over `max_bytes`). With `quick_exit`, an
    input whose windows would cover most of it anyway (a statement in its first half, or
    events all over it: a dump) is handed back at once (`full`), before `candidate_starts`."""
    most = len(b) // 256 if quick_exit else -1
    ends, stmt, bad = _events(b, most)
    if bad:
        return Windows(full="not UTF-8")
    w = Windows(events=len(ends))
    if not ends:  # no seed line that pairs or is special: the engine would find no start
        return w
    # (a scan stopped at `most` + 1 events may not have reached a later non-UTF-8 byte: `full`
    # either way, only the reason differs)
    if quick_exit and (0 <= stmt < len(b) // 2 or len(ends) > most):
        return Windows(full="dense or statements: windows would cover most of it", events=len(ends))
    starts = candidate_starts(b)  # the engine's own first step, on the bytes (no decode)
    if not starts:
        return w
    n = len(b)
    ends.sort()
    ev_lines = []  # the line each event ends on
    line = prev = 0
    for p in ends:
        line += b.count(b"\n", prev, p)
        prev = p
        ev_lines.append(line)
    limit_line = n + 1
    limit = n
    if stmt >= 0:  # from this paragraph on, everything goes to the engine
        limit = _up(b, stmt, n)
        limit_line = b.count(b"\n", 0, limit)
    covered = -1  # last line of the last window
    for k, _floor in starts:
        if k <= covered:
            continue
        if k >= limit_line:
            w.ranges.append((limit, n, limit_line))
            break
        j = bisect_left(ev_lines, k)  # walk to line k from the nearest event
        if j == len(ev_lines) or (j > 0 and k - ev_lines[j - 1] < ev_lines[j] - k):
            j -= 1
        le = ev_lines[j]
        ls = b.rfind(b"\n", 0, ends[j]) + 1
        while le < k:
            ls = b.find(b"\n", ls) + 1
            le += 1
        while le > k:
            ls = b.rfind(b"\n", 0, ls - 1) + 1
            le -= 1
        s = _up(b, ls, n)
        e = _down(b, ls, n)
        w.ranges.append((s, e, k - b.count(b"\n", s, ls)))
        covered = k + b.count(b"\n", ls, e)
    return w


def html_head(b: bytes) -> bool:
    """Whether `decode()` could see HTML in the first 4096 characters (a superset: 16 kB)."""
    head = b[:16384]
    return b"<" in head and _HTML_SNIFF.search(head.decode("utf-8", "replace")) is not None


def raw_scan(b: bytes) -> int:
    """Hyperscan alone on `b`, events collected as `prefilter` does: the practical limit."""
    return len(_events(b)[0])


_TABLE_EXT = (".csv", ".tsv", ".txt")
_EITHER = _seeds._EITHER_RE2._regexp.Match
_UNANCHORED = _seeds._UNANCHORED
_LATIN1 = re2.Options()
_LATIN1.encoding = re2.Options.Encoding.LATIN1  # byte classes (\x80-\xff) as in Hyperscan
_STATEMENT_RE2 = re2.compile(b"(?m)" + _STATEMENT, _LATIN1)._regexp.Match
WINDOWED_MIN_BYTES = 256 * 1024  # below this the scan's fixed cost is not paid back (see detect_many)


def run(data: bytes, detect_text: Callable[..., list[Fragment]], tokenizer: Any, filename: str | None,
        content_type: str | None, limits: Limits, max_share: float = 0.5) -> list[Fragment] | None:
    """`detect()` on bytes through the prefilter: the same fragments, or None when this input
    must take the full way (see `prefilter`: not UTF-8, a BOM, NULs, HTML, over `max_bytes`).
    `detect_text` and `tokenizer` are the engine's (passed in: the engine imports this module).
    When windows would cover more than `max_share` of the input the full way is as fast: None."""
    if len(data) > limits.max_bytes or b"\x00" in data or any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if _lone.may_hold(data) and _lone_inside(data):  # one person's record alone on a line (`lone`): no
        return None  # start marks it, no window would hold it (`detect()` windows no text that small)
    if (content_type and "html" in content_type.lower()) or (
            filename and filename.lower().endswith((".html", ".htm", ".xhtml"))) or html_head(data):
        return None
    if max_share < 1.0:  # two cheap RE2 looks first, where the scan would not pay
        # a statement in the first half: the rest goes whole from there, no gain. Looked for
        # before the CR rewrite below (3 passes over a CRLF page: ~5 ms/MB, the engine then
        # does its own), since None only sends the input the full way, which is always right.
        n = len(data)
        st = _STATEMENT_RE2(_UNANCHORED, data, 0, n)[0][0]
        if 0 <= st < n // 2:
            return None
    if b"\r" in data:  # what the engine does to the text, on the bytes (UTF-8 keeps CR and LF)
        data = data.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    # rows a blank line apart (each stands alone: no start line, no window): the regions the
    # engine's rewrite reads, each made a window of its own (`stream_spaced`: ~1.2 ms a MB)
    rewrites: list[tuple[int, int]] | None = None  # (looked for once the windows are known: a dense
    if max_share < 1.0:  # input goes the full way, where the engine looks for them in its text)
        n = len(data)
        if _EITHER(_UNANCHORED, data, 0, n)[0][0] < 0 and not (rewrites := _stream_spaced.regions(data)):
            # the engine's own first test: no seed that matters
            try:
                data.decode("utf-8")  # as the engine would see it: the same bytes, so the same answer
            except UnicodeDecodeError:
                return None
            return []
    w = prefilter(data, quick_exit=max_share < 1.0)
    if w.full:
        return None
    ranges = [(s, e, line, False) for s, e, line in w.ranges]
    if rewrites is None:
        rewrites = _stream_spaced.regions(data)
    if rewrites:
        ranges = _with_rewrites(data, ranges, rewrites)
    if not ranges:
        return []
    if sum(e - s for s, e, _, _ in ranges) > max_share * len(data):
        return None  # mostly windows (a page of dumps, key: value lines everywhere): no gain
    table = filename is not None and filename.lower().endswith(_TABLE_EXT)
    if table and any(0 < line <= 2 for _, _, line, _ in ranges):
        return None  # `shapes._runs` reads "the first 3 lines of a table file": keep it simple
    out: list[Fragment] = []
    n_ids = 0
    for s, e, line, rewrite in ranges:
        lim = limits
        if out:
            lim = replace(limits, max_fragments=limits.max_fragments - len(out),
                          max_identifiers=limits.max_identifiers - n_ids)
        more = {"rewrite": True} if rewrite or _stream_spaced.colon_in(data, s, e) else {}
        frags = detect_text(data[s:e].decode("utf-8"), key=tokenizer.key, filename=filename if line == 0 else None,
                            limits=lim, tokenizer=tokenizer, **more)
        for f in frags:
            f.start_line += line
            f.end_line += line
            n_ids += len(f.identifiers)
        out += frags
        if len(out) >= limits.max_fragments or n_ids >= limits.max_identifiers:
            break
    return out


def _with_rewrites(b: bytes, ranges: list[tuple[int, int, int, bool]],
                   rewrites: list[tuple[int, int]]) -> list[tuple[int, int, int, bool]]:
    """`ranges` (start, end, first line, rewrite) with a window for each rewrite's region,
    widened to the boundaries around it (`_up`, `_down`) and merged with the windows it meets:
    the engine reads the region whole, as it would read the whole input."""
    n = len(b)
    extra = [(_up(b, s, n), _down(b, e, n), -1, True) for s, e in rewrites]
    out: list[tuple[int, int, int, bool]] = []
    for s, e, line, rw in sorted(ranges + extra):
        if out and s <= out[-1][1]:
            ps, pe, pl, prw = out[-1]
            out[-1] = (ps, max(pe, e), pl, prw or rw)
        else:
            out.append((s, e, line, rw))
    last, at = 0, 0
    for k, (s, e, line, rw) in enumerate(out):
        if line < 0:
            at += b.count(b"\n", last, s)
            last = s
            out[k] = (s, e, at, rw)
        else:
            at, last = line, s
    return out


_BATCH_ITEM_MAX = 1 << 20  # bigger items go through `detect()` one by one
_BATCH_BYTES = 8 << 20  # one scan over about this much


def detect_many(items: Sequence[bytes | str], *, key: MatchKey, filenames: Sequence[str | None] | None = None,
                content_types: Sequence[str | None] | None = None,
                limits: Limits | None = None) -> list[list[Fragment]]:
    """`[detect(item) for item in items]`, the same lists, with one Hyperscan scan for many
    posts at once: a forum page's posts, a crawl's items. Items with no event (most posts) are
    done there; those with one go to `seeds.candidate_starts` on their bytes (the engine's first
    step), and only those with a start are decoded and detected, or that `unveil` may rewrite
    (`_veiled`). Without Hyperscan, or for items that are text, big, HTML by name or type:
    `detect()` each.

    The cyclic garbage collector is paused for the call, as `detect()` pauses it: the result
    holds one list per item (76k lists for 20 MB of forum posts), whose allocation ran ~100
    young collections and about one full collection per 20 MB, and a full collection walks every
    object of the process (with bench.detect's 1M-token set in memory, ~66 ms: it halved the
    sparse rate, wave 24). The lists hold no cycles; the previous state is restored on the way out."""
    was = gc.isenabled()
    gc.disable()
    try:
        return _detect_many(items, key, filenames, content_types, limits)
    finally:
        if was:
            gc.enable()


def _detect_many(items: Sequence[bytes | str], key: MatchKey, filenames: Sequence[str | None] | None,
                 content_types: Sequence[str | None] | None, limits: Limits | None) -> list[list[Fragment]]:
    from indexer.detect import detect

    lim = limits or Limits()
    scan = native_scan()
    if scan is not None:
        try:
            return _detect_many_native(scan, items, key, filenames, content_types, lim, detect)
        except BaseException as exc:
            if not _engine.is_core_panic(exc):
                raise
            # the compiled scan crashed (a bug in it): each item alone, where `detect` falls
            # back to the reference engine if the core crashes again (and logs it)
            _engine.count_core_panic()
            logger.error("the compiled sparse scan crashed on a batch of {} items ({}): they are detected one "
                         "by one; a bug to report", len(items), type(exc).__name__)
            fn, ct = filenames or [None] * len(items), content_types or [None] * len(items)
            return [detect(it, key=key, filename=fn[k], content_type=ct[k], limits=lim) for k, it in enumerate(items)]
    out: list[list[Fragment]] = [[] for _ in items]
    fn = filenames or [None] * len(items)
    ct = content_types or [None] * len(items)
    batch: list[int] = []
    size = 0
    on = available()
    for k, it in enumerate(items):
        f, c = fn[k], ct[k]
        if (not on or not isinstance(it, bytes) or len(it) > _BATCH_ITEM_MAX or (c and "html" in c.lower())
                or (f and f.lower().endswith((".html", ".htm", ".xhtml")))):
            out[k] = detect(it, key=key, filename=f, content_type=c, limits=lim)
            continue
        batch.append(k)
        size += len(it)
        if size >= _BATCH_BYTES:
            _run_batch(items, batch, out, key, fn, ct, lim, detect)
            batch, size = [], 0
    if batch:
        _run_batch(items, batch, out, key, fn, ct, lim, detect)
    return out


def _veiled(items: Sequence[bytes | str], left: list[int]) -> list[int]:
    """Of the items the one-pass scan found nothing in (`left`), those `detect()` would still
    read: a sample in base64 or hex, digits in full width, an address cut by zero-width spaces
    (`unveil`) has no event until it is unveiled, and `detect_many` returns what `detect()`
    does. One search over them all (`unveil.veiled_among`)."""
    from indexer.detect.unveil import veiled_among

    data = [it if isinstance(it, bytes) else it.encode("utf-8", "replace") for it in (items[k] for k in left)]
    return [left[i] for i in veiled_among(data)]


def _run_batch(items: Sequence[bytes | str], batch: list[int], out: list[list[Fragment]], key: MatchKey,
               fn: Sequence[str | None], ct: Sequence[str | None], lim: Limits,
               detect: Callable[..., list[Fragment]]) -> None:
    data = [items[k] for k in batch]
    left: list[int] = []  # nothing to start a fragment: unless unveiling gives them one
    for k, b, code in zip(batch, data, scan_batch(data), strict=True):  # type: ignore[arg-type]
        if not code or (code == EVENT and not candidate_starts(b)):  # type: ignore[arg-type]
            left.append(k)  # (bytes as the engine would see them, no gate: no start, no fragment)
            continue
        out[k] = detect(b, key=key, filename=fn[k], content_type=ct[k], limits=lim)
    for k in dict.fromkeys(_veiled(items, left) + [left[i] for i in _spaced(items, left)] + _lone_among(items, left)):
        out[k] = detect(items[k], key=key, filename=fn[k], content_type=ct[k], limits=lim)


def _lone_inside(data: bytes) -> bool:
    """Whether a small input holds a line `lone` reads as one person's record (or is no UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return bool(_lone.lone_records(text.replace("\r", "\n"), data))


def _lone_among(items: Sequence[bytes | str], left: list[int]) -> list[int]:
    """Of the items left out (`left`), those that are one person's record alone on a line
    (`lone`: a channel dripping a dump one row a post): no pair of seed lines, no start."""
    from indexer.detect.lone import MAX_TEXT, lone_records

    got = []
    for k in left:
        it = items[k]
        if len(it) > MAX_TEXT:
            continue
        b = it if isinstance(it, bytes) else it.encode("utf-8", "replace")
        if lone_records(b.decode("utf-8", "replace"), b):
            got.append(k)
    return got


def _spaced(items: Sequence[bytes | str], left: list[int]) -> list[int]:
    """Of the items left out (`left`), the positions in `left` of those whose rows are a blank
    line apart (`spaced`): every row stands alone until `detect()` reads the run, so the scan
    found no start in them."""
    from indexer.detect.spaced import spaced_among

    return spaced_among([items[k] for k in left])


# ------------------------------------------------------------------ the compiled core's scan
NATIVE_DETECT, NATIVE_CHECK = 1, 2  # vigie_native.sparse_scan codes (rust/vigie_native/src/prefilter.rs)


def native_scan() -> Callable[..., list[tuple[int, int, list[tuple[str, list[str]]]]]] | None:
    """`vigie_native.sparse_scan` when the compiled core is the engine (`VIGIE_ENGINE`), else
    None: the pure-Python engine keeps the Hyperscan (or per-post) way above."""
    mod = _engine.native_module()
    if mod is None:
        return None
    fn: Callable[..., list[tuple[int, int, list[tuple[str, list[str]]]]]] | None = getattr(mod, "sparse_scan", None)
    return fn


# whether a lone `key: value` line with this label can start a fragment (or, above one, keep it):
# the table part of `seeds.alone_is_nothing`, asked by the compiled scan
_label_names = _seeds.label_names_something


def _detect_many_native(scan: Callable[..., list[tuple[int, int, list[tuple[str, list[str]]]]]],
                        items: Sequence[bytes | str], key: MatchKey, filenames: Sequence[str | None] | None,
                        content_types: Sequence[str | None] | None, lim: Limits,
                        detect: Callable[..., list[Fragment]]) -> list[list[Fragment]]:
    """`detect_many` on the compiled core's one pass: it leaves out every post on which the
    engine would take no start line past its alone test (rust/vigie_native/src/prefilter.rs)
    and that `unveil` would not rewrite (its needles are in that pass: rust/.../veil.rs, the
    same answer as `unveil.veiled_among`), hands back the lone `key: value` seed lines whose
    label only `alone_is_nothing` can judge, and the rest is decoded and detected as `detect()`
    does it."""
    out: list[list[Fragment]] = [[] for _ in items]
    force: set[int] = set()  # HTML by name or type: decode() reads them as HTML, detect() each
    if filenames or content_types:
        fn = filenames or [None] * len(items)
        ct = content_types or [None] * len(items)
        for k in range(len(items)):
            f, c = fn[k], ct[k]
            if (c and "html" in c.lower()) or (f and f.lower().endswith((".html", ".htm", ".xhtml"))):
                force.add(k)
    else:
        fn = ct = [None] * len(items)
    seq = items if isinstance(items, list) else list(items)
    for k, code, checks in scan(seq, lim.max_line_chars, min(_BATCH_ITEM_MAX, lim.max_bytes), _label_names,
                                 _engine.today()):
        if k in force:
            continue
        if code == NATIVE_CHECK and all(_seeds.alone_is_nothing(s, above.copy) for s, above in checks):
            continue  # every seed line stands alone and is nothing: what the engine concludes
        out[k] = detect(seq[k], key=key, filename=fn[k], content_type=ct[k], limits=lim)
    for k in force:
        out[k] = detect(seq[k], key=key, filename=fn[k], content_type=ct[k], limits=lim)
    return out
