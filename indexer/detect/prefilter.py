"""One pass over the bytes the crawler already has: where can a fragment be at all?

`detect()` on bytes first asks `prefilter(data)`. One Hyperscan scan (block mode, one compiled
database, byte semantics) reports, at the end of each line:

- a *pair*: a seed line (an @, a run of 8+ digits, a `login:password` line, a statement or
  MSH| opener) next to another non-blank line: `seeds._PAIR_RE2`, the same pattern;
- a *special* seed line, one that can start a fragment on its own: `seeds._SPECIAL_RE2`;
- a *statement* line (INSERT, REPLACE, CREATE, COPY after quote marks and spaces): these read
  across blank lines (an INSERT runs to its `;`, COPY to `\\.`, CREATE tables serve later
  INSERTs), so from the first one on the rest of the input is handed to the engine as is;
- a byte sequence that is not UTF-8 (then `decode()` would pick another code page: the
  input goes the full way).

Nothing reported (most forum posts): no fragment, and the text is never decoded. Otherwise
only *windows* are decoded and given to the engine: the paragraphs around the reported lines,
bounded by a blank line that no recogniser reads across. Every recogniser stops at a blank
line except the key: value one (`shapes._kv`, `shapes.block_start`), which bridges up to two
blank lines between `key: value` lines, and `seeds.alone_is_nothing`, which looks 3 lines up
for one. So a blank line is a boundary when none of the 3 lines on either side can be a
`key: value` line (or a quoted one); the window's fragments are then exactly the whole
text's fragments in those lines, line numbers shifted. tests/test_prefilter.py checks this
byte for byte against the full engine on the corpus, sparse pages and fuzzed posts.

Patterns are those of `seeds`, translated for Hyperscan's byte mode: RE2's `\\s` is
`[\\t\\n\\f\\r ]` (Hyperscan's also has \\v, so it is spelled out) and every pattern ends with
`[^\\n]*$`, so each line is reported once per pattern, not once per byte. Hyperscan reports
every match; the events are a superset of what RE2's leftmost matches would start from.

Without the `hyperscan` module (or on a CPU it does not support) `available()` is False and
`detect()` takes the full way, as before (`vigie doctor` says which).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.decode import _BOMS, _HTML_SNIFF, Limits
from indexer.detect.shapes import _KV
from indexer.models import Fragment

__all__ = ["Windows", "available", "prefilter", "raw_scan", "reason", "run"]

try:  # optional: the wheel bundles the library (x86-64 with SSSE3 at least)
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the install
    _hs = None  # type: ignore[assignment]

# ------------------------------------------------------------------ patterns (bytes, like RE2's)
_WS = rb"\t\n\x0c\r "  # RE2's \s
_SEEDC = rb"(?:@|\d(?:[ ./-]?\d){7})"
_COMBO = rb"[ \t>]*(?:\d+[.)\]][ \t]+)?[^" + _WS + rb":|;]+[:|][^" + _WS + rb"]+[ \t]*"
_SEED_LINE = (rb"(?:[^\n]*" + _SEEDC + rb"[^\n]*|" + _COMBO
              + rb"|(?:MSH\||COPY |CREATE |INSERT |REPLACE )[^\n]*)")
_FULL_LINE = rb"[^\n]*[^ \t\n\-_=*~#+][^\n]*"
_PAIR = rb"^(?:" + _SEED_LINE + rb"\n" + _FULL_LINE + rb"|" + _FULL_LINE + rb"\n" + _SEED_LINE + rb")[^\n]*$"
_SP = rb"(?:[:=>{\[]|MSH\||(?i:insert|replac|create|copy)|\xc4\xb1|\xc5\xbf)"
_SPECIAL = (rb"^(?:[^\n]*(?:" + _SP + rb"[^\n]*" + _SEEDC + rb"|" + _SEEDC + rb"[^\n]*" + _SP + rb")[^\n]*"
            rb"|" + _COMBO + rb"|(?:MSH\||COPY |CREATE |INSERT |REPLACE )[^\n]*)$")
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
PAIR, SPECIAL, STATEMENT, BAD = 1, 2, 3, 4

_DB = None
_LOCAL = threading.local()  # Hyperscan scratch space is per thread
_LOCK = threading.Lock()
_WHY = ""


def _db() -> Any:
    """The compiled database, built once per process (spawned pool workers build their own)."""
    global _DB, _WHY
    if _DB is None and _hs is not None and not _WHY:
        with _LOCK:
            if _DB is None:
                try:
                    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
                    exprs = [_PAIR, _SPECIAL, _STATEMENT, *_BAD_UTF8]
                    ids = [PAIR, SPECIAL, STATEMENT] + [BAD] * len(_BAD_UTF8)
                    ml = _hs.HS_FLAG_MULTILINE
                    flags = [ml, ml, ml | _hs.HS_FLAG_SINGLEMATCH] + [_hs.HS_FLAG_SINGLEMATCH] * len(_BAD_UTF8)
                    db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=flags)
                    _DB = db
                except Exception as e:
                    _WHY = f"hyperscan could not compile the seed patterns here ({type(e).__name__}: {e})"
    return _DB


def available() -> bool:
    """Whether the one-pass prefilter runs here (else `detect()` takes the full way)."""
    return _db() is not None


def reason() -> str:
    """Why the prefilter is off, for `vigie doctor` ("" when it is on)."""
    if _hs is None:
        return "the hyperscan module is not installed (pip install hyperscan): detection decodes and scans all text"
    _db()
    return _WHY


def _scratch() -> Any:
    s = getattr(_LOCAL, "scratch", None)
    if s is None:
        s = _LOCAL.scratch = _hs.Scratch(_db())
    return s


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


def _events(b: bytes) -> tuple[list[int], int, bool]:
    """(line-end offsets of pair/special lines, offset of the first statement line or -1, bad)."""
    ends: list[int] = []
    stmt = [-1]
    bad = [False]
    add = ends.append

    def on(i: int, _f: int, to: int, _fl: int, _c: object) -> bool | None:
        if i <= SPECIAL:
            add(to)
            return None
        if i == STATEMENT:
            stmt[0] = to
            return None
        bad[0] = True
        return True  # stop: the input goes the full way

    try:
        _db().scan(b, match_event_handler=on, scratch=_scratch())
    except _hs.ScanTerminated:
        pass
    return ends, stmt[0], bad[0]


_BLANK = re.compile(rb"[ \t\x0b\x0c\r]*\Z")


def _is_blank(b: bytes, s: int, e: int) -> bool:
    return _BLANK.match(b, s, e) is not None


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


def _boundary(b: bytes, s: int, e: int, n: int) -> bool:
    """Whether the blank line b[s:e] separates what is above it from what is below it."""
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


def prefilter(b: bytes) -> Windows:
    """Scan `b` once and say which parts of it the engine must see (see the module docstring).
    `b` is the input as `detect()` got it; the caller has checked the cases this does not
    cover (not bytes, BOM, UTF-16, NULs, CR, HTML, over `max_bytes`)."""
    ends, stmt, bad = _events(b)
    if bad:
        return Windows(full="not UTF-8")
    w = Windows(events=len(ends) + (stmt >= 0))
    if not ends and stmt < 0:
        return w
    n = len(b)
    ends.sort()
    limit = n + 1  # an event at n: the last line, without a final "\n"
    if stmt >= 0:
        limit = _up(b, stmt, n)  # from this paragraph on, everything goes to the engine
    last_end = -1
    line = 0
    counted = 0
    for p in ends:
        if p <= last_end or p >= limit:
            continue
        s = max(_up(b, p, n), last_end + 1)
        e = _down(b, p, n)
        if e > limit:
            e = limit - 1 if limit > 0 else 0
        line += b.count(b"\n", counted, s)
        counted = s
        w.ranges.append((s, e, line))
        last_end = e
    if stmt >= 0:
        s = max(limit, last_end + 1)
        line += b.count(b"\n", counted, s)
        w.ranges.append((s, n, line))
    return w


def html_head(b: bytes) -> bool:
    """Whether `decode()` could see HTML in the first 4096 characters (a superset: 16 kB)."""
    head = b[:16384]
    return b"<" in head and _HTML_SNIFF.search(head.decode("utf-8", "replace")) is not None


def raw_scan(b: bytes) -> int:
    """Hyperscan alone on `b`, events collected as `prefilter` does: the practical limit."""
    return len(_events(b)[0])


_TABLE_EXT = (".csv", ".tsv", ".txt")


def run(data: bytes, detect_text: Callable[..., list[Fragment]], tokenizer: Any, filename: str | None,
        content_type: str | None, limits: Limits, max_share: float = 0.5) -> list[Fragment] | None:
    """`detect()` on bytes through the prefilter: the same fragments, or None when this input
    must take the full way (see `prefilter`: not UTF-8, a BOM, NULs, HTML, over `max_bytes`).
    `detect_text` and `tokenizer` are the engine's (passed in: the engine imports this module).
    When windows would cover more than `max_share` of the input the full way is as fast: None."""
    if len(data) > limits.max_bytes or b"\x00" in data or any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if (content_type and "html" in content_type.lower()) or (
            filename and filename.lower().endswith((".html", ".htm", ".xhtml"))) or html_head(data):
        return None
    if b"\r" in data:  # what the engine does to the text, on the bytes (UTF-8 keeps CR and LF)
        data = data.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    w = prefilter(data)
    if w.full:
        return None
    if not w.ranges:
        return []
    if sum(e - s for s, e, _ in w.ranges) > max_share * len(data):
        return None  # mostly windows (a page of dumps, key: value lines everywhere): no gain
    table = filename is not None and filename.lower().endswith(_TABLE_EXT)
    if table and any(0 < line <= 2 for _, _, line in w.ranges):
        return None  # `shapes._runs` reads "the first 3 lines of a table file": keep it simple
    out: list[Fragment] = []
    n_ids = 0
    for s, e, line in w.ranges:
        lim = limits
        if out:
            lim = replace(limits, max_fragments=limits.max_fragments - len(out),
                          max_identifiers=limits.max_identifiers - n_ids)
        frags = detect_text(data[s:e].decode("utf-8"), key=tokenizer.key, filename=filename if line == 0 else None,
                            limits=lim, tokenizer=tokenizer)
        for f in frags:
            f.start_line += line
            f.end_line += line
            n_ids += len(f.identifiers)
        out += frags
        if len(out) >= limits.max_fragments or n_ids >= limits.max_identifiers:
            break
    return out
