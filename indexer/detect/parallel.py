"""Big inputs on every core: split on record boundaries, detect in a process pool, in order.

A leak attached to a post can be gigabytes (a combo list of 100M lines, a hospital export).
`detect_stream` reads it in blocks (a path, a binary file or an iterator of bytes: memory
stays bounded by `workers x chunk`, never the file), cuts chunks of about `chunk_bytes`, and
runs `detect()` on each in a `ProcessPoolExecutor` (spawn-safe: the workers import this
module afresh; the match key reaches them once, through the pool's initializer, and is never
logged). Fragments come back in input order with line numbers of the whole input.

Where a chunk is cut decides whether the result equals one pass over the whole input:
- at a *boundary* (a blank line with no `key: value` line within 3 lines on either side, the
  rule `prefilter` uses for its windows, and no SQL/COPY statement left open above it) no
  recogniser reads across, so the chunks' fragments are exactly the single pass's;
- `CREATE TABLE` column lists, which later header-less INSERTs read, are carried to the next
  chunks (prepended, then their lines taken off again);
- an input with no boundary in a chunk's reach (a combo list is one block of records) is cut
  at the last line end: a fragment longer than a chunk then comes out as consecutive
  fragments, each at most a chunk. One pass could not hold it anyway (`Limits.max_bytes`
  cuts an input at 64 MB).

- a line longer than `Limits.max_line_chars` characters (one pass reads only its head) is kept
  to that head, ended at its last separator (space , ; | tab) when one is in its last tenth,
  and the rest skipped to the line end, counted in `StreamStats` (`vigie scan` says it and
  exits 1): a 200 MB line with no record boundary never goes to a worker. An INSERT/REPLACE
  line (read whole by one pass: mysqldump writes a table's rows on one line) is cut between
  two rows instead, each later piece given the statement's head up to `VALUES`. A one-line
  JSON export (its head opens an array of objects, bare or under a wrapper key: `detect()`
  reads it record by record) is cut between two records of that array, each piece a valid
  JSON line again (closed by `]` or `]}`, each later piece reopened by `[` or `{"data":[`):
  every record is read, on the line's number; one that cannot be cut (a record bigger than two
  chunks, a malformed or deep line) keeps its head, or once cut the rest is skipped, counted.

Each chunk is decoded by `detect()`: an input in one byte-oriented encoding throughout (UTF-8,
cp1252) reads the same. UTF-16/32 input (a BOM, or `decode`'s NUL test on the first 4 KiB) is
turned into UTF-8 as it streams, and NULs are dropped from every block when the first 64 KiB
hold one (what one pass's `decode` does): neither is held whole any more. CR LF and lone-CR
line ends are counted as the engine counts them.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO, NamedTuple

from loguru import logger

from indexer import engine as _engine
from indexer.decode import _BOMS, Limits, _utf16_without_bom
from indexer.detect.prefilter import _boundary, _is_blank
from indexer.models import Fragment, SensitiveFlag, Severity
from indexer.tokens import MatchKey

__all__ = ["DEFAULT_CHUNK_BYTES", "DEFAULT_POOL_MIN_BYTES", "DEFAULT_THRESHOLD_BYTES", "Chunk", "chunks", "DetectPool",
           "detect_items", "detect_stream", "make_pool", "PackedFragment", "pack", "StreamStats", "unpack"]

DEFAULT_THRESHOLD_BYTES = 8 * 1024 * 1024  # inputs above this go through the pool
DEFAULT_POOL_MIN_BYTES = 1024 * 1024  # a batch of items under this is detected without starting the pool
# A chunk is one `detect()` call with its own `Limits` (time cap 20 s): dense records run at
# ~1 MB/s per core in the pure-Python engine, so chunks stay well under the cap, and small
# enough that every core has several.
DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024
_READ = 1 << 20
# a statement that reads across blank lines: INSERT/REPLACE to its ";", COPY to "\."
_OPEN = re.compile(rb"(?im)^[ \t>]*(?:insert|replace|copy)\b")
_CREATE = re.compile(rb"(?im)^[ \t>]*create[ \t]+table\b[^\n]*\n(?:[^\n]*\n){0,498}?[ \t]*\)[^\n]*")


@dataclass(slots=True)
class Chunk:
    """A piece of the input: its bytes, the input line it starts at, the CREATE TABLE
    statements seen above it (prepended when it is detected, three blank lines between) and,
    for a later piece of one long INSERT line, the statement's head up to `VALUES` (prepended
    on the same line)."""

    data: bytes
    first_line: int
    prelude: bytes = b""
    head: bytes = b""


@dataclass(slots=True)
class StreamStats:
    """What `chunks` met on its way, for a caller that must say it (`vigie scan` on stderr,
    with exit 1, when part of an input was not read)."""

    bytes_read: int = 0  # of the source, as read
    chunks: int = 0
    long_lines: int = 0  # lines over `Limits.max_line_chars` (not INSERT/REPLACE, nor a JSON export cut
    # between its records): their head read
    bytes_skipped: int = 0  # those lines' bytes past their head: not read
    transcoded: str | None = None  # UTF-16/32 input, read as UTF-8 (its encoding)
    nuls_dropped: bool = False  # NULs in the first 64 KiB: dropped throughout (as `decode` does)

    @property
    def complete(self) -> bool:
        """Whether every byte of the input was read."""
        return not self.long_lines


def _closed(b: bytes, cut: int) -> bool:
    """Whether no INSERT/COPY statement above `cut` can still be running at it."""
    last = None
    for m in _OPEN.finditer(b, 0, cut):
        last = m
    if last is None:
        return True
    tail = b[last.start():cut].rstrip()
    return tail.endswith(b";") or tail.endswith(b"\\.")


def _cut(b: bytes, target: int) -> int:
    """Where to end the chunk taken from the front of `b` (a length); see the module docstring."""
    n = len(b)
    e = b.rfind(b"\n", 0, n)  # the last complete line: never cut inside one
    lo = target // 2
    tries = 0
    while e > lo and tries < 10_000:
        tries += 1
        s = b.rfind(b"\n", 0, e) + 1  # line [s, e)
        if _is_blank(b, s, e) and _boundary(b, s, e, n) and _closed(b, s):
            return s  # the chunk ends with the "\n" before the blank line
        e = s - 1
    last = b.rfind(b"\n", 0, target)  # no boundary: the last line end before the target size
    if last < 0:
        last = b.rfind(b"\n", 0, n)
    if last < 0:  # lines that end in a lone CR (HL7, old Mac exports)
        last = b.rfind(b"\r", 0, n)
    if last < 0:
        return 0  # no line end at all: the caller decides
    return _record_end(b, last) + 1


_JSON_CLOSE = (b"}", b"},")  # a pretty-printed JSON record's last line, spaces aside


def _record_end(b: bytes, last: int) -> int:
    """A line end at or before `last` (within `_RECORD_LOOKBACK` lines) that cuts no record the
    engine joins across lines: outside a quoted CSV cell (an even number of quotes above it,
    counted once and then line by line) and, in a pretty-printed JSON value, after a record's
    closing `}`. `last` itself when none is better: a combo list or a plain CSV is cut where
    it was."""
    quotes = b.count(b'"', 0, last)
    json_like = b.rfind(b"{", max(0, last - 4096), last) >= 0
    e = last
    for _ in range(_RECORD_LOOKBACK):
        s = b.rfind(b"\n", 0, e) + 1  # the line [s, e) ends at e
        if not quotes & 1 and (not json_like or b[s:e].strip(b" \t\r") in _JSON_CLOSE):
            return e
        if s == 0:
            break
        quotes -= b.count(b'"', s, e)
        e = s - 1
    return last


_RECORD_LOOKBACK = 64  # lines (a record of `multiline.MAX_RECORD_LINES` fits, and a JSON record)


def _blocks(source: str | Path | BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            yield from iter(lambda: fh.read(_READ), b"")
    elif hasattr(source, "read"):
        yield from iter(lambda: source.read(_READ), b"")
    else:
        yield from source


_NUL_LOOK = 65536  # `decode` drops NULs when its text's first 64 Ki characters hold one


def _normalised(blocks: Iterable[bytes], stats: StreamStats) -> Iterator[bytes]:
    """The blocks as the chunks' `decode()` reads them alike: UTF-16/32 (a BOM, or NULs on one
    side of the first 4 KiB, `decode`'s test) turned into UTF-8 as it streams (a chunk of UTF-16
    cut anywhere would decode as something else), and NULs dropped throughout when the first
    64 KiB hold one (one pass drops them all then; a file of NULs is nothing, not 128 MB of
    lines)."""
    it = iter(blocks)
    head = b""
    for block in it:  # enough to decide (one block of a file is 1 MiB)
        stats.bytes_read += len(block)
        head += block
        if len(head) >= 4 * _NUL_LOOK:
            break
    enc = None
    skip = 0
    for bom, name in _BOMS:
        if head.startswith(bom):
            enc, skip = name, (0 if name == "utf-8" else len(bom))
            break
    if enc is None:
        enc = _utf16_without_bom(head[:4096])
    if enc == "utf-8":
        enc = None  # the chunk's decode() takes the BOM off itself
    rest: Iterator[bytes] = _counted(it, stats)
    if enc is not None:
        stats.transcoded = enc
        rest = _transcoded(head[skip:], rest, enc)
        head = next(rest, b"")
    drop = b"\x00" in head[: 4 * _NUL_LOOK] and "\x00" in head[: 4 * _NUL_LOOK].decode("utf-8", "replace")[:_NUL_LOOK]
    stats.nuls_dropped = drop
    for block in _chain(head, rest):
        if drop:
            block = block.replace(b"\x00", b"")
        if block:
            yield block


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _counted(blocks: Iterator[bytes], stats: StreamStats) -> Iterator[bytes]:
    for block in blocks:
        stats.bytes_read += len(block)
        yield block


def _transcoded(first: bytes, rest: Iterator[bytes], enc: str) -> Iterator[bytes]:
    dec = codecs.getincrementaldecoder(enc)(errors="replace")
    yield dec.decode(first).encode("utf-8", "surrogatepass")
    for block in rest:
        yield dec.decode(block).encode("utf-8", "surrogatepass")
    yield dec.decode(b"", final=True).encode("utf-8", "surrogatepass")


_NON_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)
_LINE_END = re.compile(rb"[\r\n]")
_SEPARATORS = (b" ", b",", b";", b"|", b"\t")


def _chars(b: bytes) -> int:
    """Characters in UTF-8 bytes (the bytes that begin one); a byte each in cp1252, never fewer."""
    return len(b) - len(bytes(b).translate(None, _NON_CONTINUATION))


def _prefix_of(b: bytes, chars: int) -> int:
    """The length of the longest prefix of `b` with at most `chars` characters (UTF-8 counted)."""
    pos = min(len(b), chars)
    while pos < len(b):
        got = _chars(b[:pos])
        if got >= chars:
            break
        pos = min(len(b), pos + chars - got)
    while pos > 0 and _chars(b[:pos]) > chars:
        pos -= 1
    while 0 < pos < len(b) and 0x80 <= b[pos] < 0xC0:  # never inside a character
        pos -= 1
    return pos


def _head_end(seg: bytes, chars: int, max_chars: int) -> int:
    """Where the head of a line over `max_chars` ends in `seg` (its part with `chars` characters
    left under the cap): to its last whole value when a separator ends one in the cap's last tenth."""
    keep = _prefix_of(seg, chars)
    window = seg[:keep]
    cut = max(window.rfind(sep, max(0, keep - max_chars // 10)) for sep in _SEPARATORS)
    return cut if cut > 0 else keep


def _exempt(line_head: bytes) -> bool:
    """A line `detect()` reads whole however long (it cuts others at `max_line_chars`)."""
    return line_head.lstrip()[:6].upper() in (b"INSERT", b"REPLAC")


def _bounded(blocks: Iterable[bytes], max_chars: int, stats: StreamStats) -> Iterator[bytes]:
    """The blocks with every line over `max_chars` characters (INSERT/REPLACE aside, which
    `chunks` cuts between rows) kept to its head, counted in `stats`: one pass reads such a
    line's head only, and a line of 200 MB (no record boundary) no longer goes to a worker
    whole. The head ends at the last separator (space , ; | tab) before the cap when one is
    in its last tenth, so that a separated list's head is a list of whole values.

    Per block, not per line: only a line that spans blocks can be over the cap (a block is
    at most `max_chars` bytes here), so the inner lines are passed on without a look."""
    step = max(1, min(_READ, max_chars))
    run = 0  # characters of the current line so far (emitted or not)
    line_head = b""  # its first bytes (INSERT?)
    skipping = False
    for big in blocks:
        for off in range(0, len(big), step):
            block = big[off:off + step]
            m = _LINE_END.search(block)
            seg = block if m is None else block[:m.start()]
            if seg:
                if len(line_head) < _JSON_HEAD:
                    line_head += seg[:_JSON_HEAD - len(line_head)]
                if skipping:
                    stats.bytes_skipped += len(seg)
                    seg = b""
                else:
                    n = _chars(seg)
                    if run + n > max_chars and not _exempt(line_head) \
                            and not _json_records_line(line_head[:min(_JSON_HEAD, max_chars)]):
                        keep = _head_end(seg, max_chars - run, max_chars)
                        stats.long_lines += 1
                        stats.bytes_skipped += len(seg) - keep
                        seg = seg[:keep]
                        skipping = True
                    run += n
                if seg:
                    yield seg
            if m is None:
                continue
            last = max(block.rfind(b"\n"), block.rfind(b"\r"))
            yield block[m.start():last + 1]  # line ends and whole lines (each under the cap)
            tail = block[last + 1:]
            skipping = False
            run = _chars(tail)
            line_head = tail[:_JSON_HEAD]
            if tail:
                yield tail


def chunks(source: str | Path | BinaryIO | Iterable[bytes], chunk_bytes: int = DEFAULT_CHUNK_BYTES, *,
           stats: StreamStats | None = None, max_line_chars: int | None = None) -> Iterator[Chunk]:
    """The input cut into chunks of about `chunk_bytes` (see the module docstring), read lazily;
    what was met on the way (long lines, a transcoded encoding) is counted in `stats`."""
    stats = stats if stats is not None else StreamStats()
    cap = max_line_chars or Limits().max_line_chars
    buf = bytearray()
    line = 0
    prelude: list[bytes] = []
    head = b""  # what the next piece of the long line being cut is given before it (INSERT or JSON)
    hold = 0  # a line end is needed before a cut: no cut below this many bytes
    json_cut: _JsonCut | None = None  # the long one-line JSON export being cut between its records
    skipping = False  # the rest of a JSON line that could not be cut: skipped to its end, counted
    for block in _bounded(_normalised(_blocks(source), stats), cap, stats):
        buf += block
        while True:
            if skipping:
                m = _LINE_END.search(buf)
                if m is None:
                    stats.bytes_skipped += len(buf)
                    buf.clear()
                    break
                stats.bytes_skipped += m.start()
                del buf[:m.start()]
                skipping = False
            if len(buf) < max(2 * chunk_bytes, hold):
                break
            b = bytes(buf[: max(2 * chunk_bytes, hold)])
            c = _cut(b, chunk_bytes)
            piece = b""
            tail = b""  # the brackets that close a JSON piece
            if c <= 0:  # no line end in reach: a long INSERT or JSON line (others were kept to their head)
                if json_cut is None and not head and not _exempt(b[:64]) \
                        and _json_records_line(b[:min(_JSON_HEAD, cap)]):
                    json_cut = _JsonCut()
                insert = json_cut is None and (bool(head) or _exempt(b[:64]))
                if json_cut is not None:
                    at = json_cut.cut(b, chunk_bytes)
                    if at is None:  # no record boundary in reach (one record of megabytes, malformed)
                        c = _head_end(b, cap, cap) if not json_cut.pieces else 0
                        piece = b[:c]  # its head when nothing of it was read yet
                        stats.long_lines += 1
                        skipping = True
                    else:
                        piece, c = b[:at[0]], at[1]
                        tail = json_cut.closers
                else:
                    row = _row_cut(b, chunk_bytes) if insert else None
                    if row is not None:  # up to a row's ")", the next piece from its "("
                        piece, c = b[:row[0]] + b";", row[1]
                    elif not insert:
                        hold = len(b) + chunk_bytes  # the head of a long line (at most `cap`): its end is near
                        break
                    else:  # one value of megabytes in an INSERT: cut in it (outside a character)
                        c = len(b) - 4
                        while c > 1 and 0x80 <= b[c] < 0xC0:
                            c -= 1
            hold = 0
            data = piece + tail if (piece or skipping) else b[:c]
            if not piece and len(data) > cap:
                _count_unread_json(data, cap, stats)
            if data:
                stats.chunks += 1
                yield Chunk(data, line, b"".join(prelude), head)
            prelude += [m.group(0) + b"\n" for m in _CREATE.finditer(data)]
            line += _lines(data)
            if skipping:
                head, json_cut = b"", None
            elif json_cut is not None and piece:
                head = json_cut.opener
            elif piece and not head:
                m = _INSERT_HEAD.match(b)
                head = m.group(0) if m else b""
            elif not piece:
                head, json_cut = b"", None
            del buf[:c]
    if buf and not skipping:
        if len(buf) > cap:
            _count_unread_json(bytes(buf), cap, stats)
        stats.chunks += 1
        yield Chunk(bytes(buf), line, b"".join(prelude), head)


# --------------------------------------------------------- a one-line JSON export, cut between records
# An API's export written as ONE line (`[{...}, ...]`, or `{"data": [...]}`): `detect()` reads
# such a line record by record however long (`records.is_long_json_records`), but a line of
# 50 MB or 2 GB cannot be one chunk. It is cut between two records of its first array of
# objects (a `}` and the next `{` with only a comma between, at that array's level): each piece
# ends with the brackets that close what is open there (`]`, `]}`), and each later piece is
# given the openers again, with their keys (`[`, `{"data":[`): each piece is a valid JSON line
# holding whole records, on the line's line number. One token scan (strings passed over in C, a
# bracket a step), each byte scanned at most twice; containers deeper than `_JSON_STACK` are
# counted, not kept; a mismatched bracket or an unterminated string ends the scan (a cut before
# it is still taken). No cut in reach: the line's head is kept (as any long line's, counted),
# or, once pieces were cut, the rest of the line is skipped and counted.
_JSON_HEAD = 65_536  # as `records._LONG_JSON_HEAD`: how far into the line its first array of objects starts
_JSON_LINE_ARRAY = re.compile(rb"\[\s*+\{")
_JSON_BRACKET = re.compile(rb'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+(?:([\[\]{}])|"|\Z)', re.S)
# (the look-behind: a run of blanks is read from its start only, not again from each of its bytes,
# which made the pattern quadratic on a long run of blanks: tests/test_linear_patterns.py)
_JSON_OBJECT_NEXT = re.compile(rb"(?<!\s)\s*+\{")
_JSON_KEY_BEFORE = re.compile(rb'"(?:[^"\\]|\\.){0,256}"\s*:\s*\Z', re.S)
_JSON_LEVELS = 16  # the records' array is at most this deep
_JSON_STACK = 64  # containers kept; deeper ones counted only
_OPEN_OBJ, _OPEN_ARR, _CLOSE_OBJ = ord("{"), ord("["), ord("}")


def _json_records_line(line_head: bytes) -> bool:
    """A line `detect()` reads record by record (its head opens an array of objects: bare, or
    under a wrapper key), which `chunks` cuts between records rather than to its head."""
    t = line_head.lstrip()
    return t[:1] in (b"[", b"{") and _JSON_LINE_ARRAY.search(t) is not None


def _count_unread_json(data: bytes, cap: int, stats: StreamStats) -> None:
    """Counts the lines of a chunk that `detect()` will keep to their head: `_bounded` passed on
    every line that opens like a JSON export, but one that does not end like one (`]`, `}`) and
    ended within reach of `chunks` (so was not cut between records) is not read whole. A few ms
    a chunk, C-level splits; only chunks longer than the cap are looked at."""
    for ln in data.split(b"\n"):
        if len(ln) > cap and _chars(ln) > cap and not _exempt(ln[:64]) \
                and _json_records_line(ln[:min(_JSON_HEAD, cap)]) and ln.strip().rstrip(b",")[-1:] not in (b"]", b"}"):
            stats.long_lines += 1
            stats.bytes_skipped += len(ln) - _prefix_of(ln, cap)


@dataclass(slots=True)
class _JsonCut:
    """The state of a long JSON line being cut: the containers open at its records' level (each
    as the text that reopens it: `[`, `{"data":[`), and how many pieces were cut."""

    stack: tuple[tuple[int, bytes], ...] = ()
    pieces: int = 0

    @property
    def opener(self) -> bytes:
        return b"".join(o for _, o in self.stack)

    @property
    def closers(self) -> bytes:
        return b"".join(b"}" if k == _OPEN_OBJ else b"]" for k, _ in reversed(self.stack))

    def cut(self, b: bytes, target: int) -> tuple[int, int] | None:
        """(end of the piece, start of the next) in `b` (the line from its start, or from a record
        of the records' array): after the last record that ends by `target`, else after the first
        one past it (the scan stops there: each byte is scanned about once)."""
        stack: list[tuple[int, bytes]] = list(self.stack)
        level = len(stack) if self.pieces else 0  # the records' array is stack[level - 1]; 0: none yet
        deeper = 0
        closed = -1  # the end of the record just closed at the records' level (the last bracket)
        best = last = None
        for m in _JSON_BRACKET.finditer(b):
            if m.start(1) < 0:
                break  # an unterminated string (or `b`'s end): nothing past it is known
            p = m.start(1)
            c = b[p]
            if c == _OPEN_OBJ or c == _OPEN_ARR:
                if deeper or len(stack) >= _JSON_STACK:
                    deeper += 1
                    closed = -1
                    continue
                if level and len(stack) == level and c == _OPEN_OBJ and closed >= 0 \
                        and b[closed:p].strip() == b",":
                    last = (closed, p, tuple(stack))
                    if p > target:
                        break  # the first record past `target`: the cut is before it, or here
                    best = last
                opener = b"{" if c == _OPEN_OBJ else b"["
                if not level and stack and stack[-1][0] == _OPEN_OBJ:  # (a wrapper: its key reopens it)
                    k = _JSON_KEY_BEFORE.search(b, max(0, p - 300), p)
                    opener = (k.group(0) if k else b'"":') + opener
                stack.append((c, opener))
                if not level and c == _OPEN_ARR and len(stack) <= _JSON_LEVELS and _JSON_OBJECT_NEXT.match(b, p + 1):
                    level = len(stack)
                closed = -1
                continue
            if deeper:
                deeper -= 1
                closed = -1
                continue
            if not stack or (stack[-1][0] == _OPEN_OBJ) != (c == _CLOSE_OBJ):
                break  # a mismatched bracket
            stack.pop()
            closed = p + 1 if level and len(stack) == level and c == _CLOSE_OBJ else -1
            if level and len(stack) < level:
                level = 0  # the records' array closed: a later one may be cut
        at = best or last
        if at is None:
            return None
        self.stack = at[2]
        self.pieces += 1
        return at[0], at[1]


# the head of an INSERT line, matched at its start only (the look-behind keeps a search over a long
# run of blanks from re-reading the run from each of its characters: linear, as every pattern)
_INSERT_HEAD = re.compile(rb"(?is)(?<![ \t>])[ \t>]*(?:insert|replace)\b.{0,4096}?\bvalues\s*")
_ROW = re.compile(rb"\)\s*,\s*\(")


def _row_cut(b: bytes, target: int) -> tuple[int, int] | None:
    """Where an INSERT line with no line end in `b` can be cut: after the ")" of the last row
    that ends before `target` (else in `b`), the next piece from the next row's "("; None when
    there is none (one value of megabytes: held until its line ends)."""
    for end in (target, len(b)):
        last = None
        for m in _ROW.finditer(b, 0, end):
            last = m
        if last is not None:
            return last.start() + 1, last.end() - 1
    return None


def _lines(b: bytes) -> int:
    """Line ends in b as the engine counts them (CR LF, CR CR LF and a lone CR are one each)."""
    if b"\r" not in b:
        return b.count(b"\n")
    return b.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")


# ------------------------------------------------------------------------------------ workers
_KEY: MatchKey | None = None


def _init(key: bytes, version: int, parent: int) -> None:
    """In each worker: the key, and an exit when the parent process (pid `parent`) is gone, even
    killed by SIGKILL, so that a killed crawl leaves no detection process behind holding the key.

    Not PR_SET_PDEATHSIG: Linux sends it when the *thread* that spawned the worker ends, and the
    pool spawns its workers from whichever thread submits first. A crawl that first detected a
    big attachment on a thread that later ended had its workers killed under it: the pool broke,
    or, at the end of a crawl, a worker killed while holding the task queue's lock left the
    other waiting for it forever and `vigie crawl` never exited."""
    global _KEY
    _KEY = MatchKey(key, version)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="vigie-parent-watch", daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Polls the parent pid (a dead parent's orphans are re-parented); exits within `every` s."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


# ------------------------------------------------------------------------- across the pipe
# A fragment's identifiers cross the pool's pipe as columns, not as objects: pickling 130 000
# `Identifier`s one by one (a 2 MB chunk of a combo list) took 1.0 s in the worker and 0.95 s in
# the parent, more than the 0.65 s of detecting them, so the parent could not keep two workers
# busy. As columns (the type names repeat and are pickled once; the 16-byte tokens as one
# bytes) the worker's side takes 0.17 s, and the parent rebuilds the objects in the compiled
# core (0.12 s with unpickling; 0.38 s with the Python engine's slot-filling constructor).
_TOKEN_BYTES = 16


class PackedFragment(NamedTuple):
    """A `Fragment` with its identifiers as columns (what crosses the pool's pipe)."""

    kind: str
    start_line: int
    end_line: int
    text: str
    sensitive: list[SensitiveFlag]
    severity: Severity
    excerpt: str
    delimiter: str | None
    size: int  # how many identifiers
    types: list[str]
    values: list[str]
    tokens: bytes | list[bytes]  # one bytes when every token has the usual 16 bytes
    versions: int | list[int]  # one int when they are all the same (always, within one detection)
    starts: list[int | None]
    ends: list[int | None]
    networks: list[str | None] | None  # None when no identifier has one (most fragments)
    countries: list[str | None] | None


def _optional(values: list[str | None]) -> list[str | None] | None:
    return values if any(v is not None for v in values) else None


def pack(frags: list[Fragment]) -> list[PackedFragment]:
    """`frags` in the form that crosses a process boundary cheaply (`unpack` reverses it)."""
    out: list[PackedFragment] = []
    for f in frags:
        idents = f.identifiers
        toks = [i.token for i in idents]
        versions = [i.key_version for i in idents]
        out.append(PackedFragment(
            f.kind, f.start_line, f.end_line, f.text, f.sensitive, f.severity, f.excerpt, f.delimiter, len(idents),
            [i.type for i in idents], [i.value for i in idents],
            b"".join(toks) if all(len(t) == _TOKEN_BYTES for t in toks) else toks,
            versions[0] if versions and versions.count(versions[0]) == len(versions) else versions,
            [i.start for i in idents], [i.end for i in idents],
            _optional([i.network for i in idents]), _optional([i.country for i in idents])))
    return out


def unpack(packed: list[PackedFragment]) -> list[Fragment]:
    """The fragments `pack` was given, equal field by field."""
    from indexer.detect import _new_identifier

    core = _engine.core()
    native = getattr(core, "identifiers", None)  # the compiled core fills the slots itself (issue 17)
    out: list[Fragment] = []
    for p in packed:
        if native is not None:
            idents = native(p.types, p.values, p.tokens, p.versions, p.starts, p.ends, p.networks, p.countries)
            out.append(Fragment(p.kind, p.start_line, p.end_line, p.text, idents, p.sensitive, p.severity,
                                p.excerpt, p.delimiter))
            continue
        n = p.size
        toks = p.tokens
        if isinstance(toks, bytes):
            toks = [toks[k:k + _TOKEN_BYTES] for k in range(0, n * _TOKEN_BYTES, _TOKEN_BYTES)]
        versions = repeat(p.versions, n) if isinstance(p.versions, int) else p.versions
        networks = repeat(None, n) if p.networks is None else p.networks
        countries = repeat(None, n) if p.countries is None else p.countries
        idents = list(map(_new_identifier, p.types, p.values, toks, versions, p.starts, p.ends, networks, countries))
        out.append(Fragment(p.kind, p.start_line, p.end_line, p.text, idents, p.sensitive, p.severity, p.excerpt,
                            p.delimiter))
    return out


def _detect_chunk(ch: Chunk, filename: str | None, limits: Limits | None) -> list[PackedFragment]:
    return pack(_detect_chunk_frags(ch, filename, limits))


def _detect_chunk_frags(ch: Chunk, filename: str | None, limits: Limits | None) -> list[Fragment]:
    from indexer.detect import detect

    if _KEY is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("detection worker started without its match key (use detect_stream)")
    pad = 0
    data = ch.head + ch.data
    if ch.prelude:
        data = ch.prelude + b"\n\n\n" + data
        pad = ch.prelude.count(b"\n") + 3
    frags = detect(data, key=_KEY, filename=filename if ch.first_line == 0 else None, limits=limits)
    out = []
    for f in frags:
        if f.start_line <= pad:
            continue  # nothing comes from a CREATE TABLE, but be exact about it
        f.start_line += ch.first_line - pad
        f.end_line += ch.first_line - pad
        out.append(f)
    return out


class DetectPool(ProcessPoolExecutor):
    """A process pool that knows its size (for the in-flight bounds)."""

    def __init__(self, workers: int, key: MatchKey) -> None:
        super().__init__(max_workers=workers, mp_context=get_context("spawn"), initializer=_init,
                         initargs=(key.key, key.version, os.getpid()))
        self.workers = workers


def make_pool(key: MatchKey, workers: int | None = None) -> DetectPool:
    """A pool of spawned detection processes (default: one per core) holding `key`, sent once
    through the initializer (pickled over the pool's pipe, never logged: `MatchKey` hides it
    from repr). The caller shuts it down."""
    if not workers:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return DetectPool(workers, key)


def _detect_items(items: list[tuple[bytes | str, str | None]], limits: Limits | None) -> list[list[PackedFragment]]:
    from indexer.detect.prefilter import detect_many

    if _KEY is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("detection worker started without its match key (use make_pool)")
    return [pack(fs) for fs in detect_many([d for d, _ in items], key=_KEY, filenames=[f for _, f in items],
                                           limits=limits)]


def detect_items(pool: DetectPool, items: list[tuple[bytes | str, str | None]], *,
                 limits: Limits | None = None, batch_bytes: int = 1 << 20,
                 batch_items: int = 256) -> Iterator[list[Fragment]]:
    """`detect(data, filename=...)` for each (data, filename), on the pool's processes (batches
    of about `batch_bytes` or `batch_items`, each through `prefilter.detect_many`), yielded in
    order as the batches finish. At most twice as many batches as processes are in flight."""
    workers = pool.workers
    pending: deque[Future[list[list[PackedFragment]]]] = deque()
    batch: list[tuple[bytes | str, str | None]] = []
    size = 0
    for it in items:
        batch.append(it)
        size += len(it[0])
        if size >= batch_bytes or len(batch) >= batch_items:
            pending.append(pool.submit(_detect_items, batch, limits))
            batch, size = [], 0
            while len(pending) >= 2 * workers:
                yield from map(unpack, pending.popleft().result())
    if batch:
        pending.append(pool.submit(_detect_items, batch, limits))
    while pending:
        yield from map(unpack, pending.popleft().result())


def detect_stream(source: str | Path | BinaryIO | Iterable[bytes], *, key: MatchKey, filename: str | None = None,
                  workers: int | None = None, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                  limits: Limits | None = None, pool: DetectPool | None = None,
                  stats: StreamStats | None = None) -> Iterator[Fragment]:
    """Fragments of a big input, in order, detected on `workers` processes (default: every
    core), or on `pool` (from `make_pool` with the same key). At most `2 x workers` chunks are
    in flight, so memory does not grow with the input. `stats` (when given) counts what was
    read and what was not (a line over `limits.max_line_chars`: its head only)."""
    own = pool is None
    if pool is None:
        pool = make_pool(key, workers)
    workers = pool.workers
    try:
        pending: deque[Future[list[PackedFragment]]] = deque()
        n = 0
        for ch in chunks(source, chunk_bytes, stats=stats,
                         max_line_chars=(limits or Limits()).max_line_chars):
            pending.append(pool.submit(_detect_chunk, ch, filename, limits))
            n += 1
            while len(pending) >= 2 * workers:
                yield from unpack(pending.popleft().result())
        while pending:
            yield from unpack(pending.popleft().result())
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    logger.debug("big input detected in {} chunks on {} processes", n, workers)
