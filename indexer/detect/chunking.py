"""Big inputs cut into chunks on record boundaries, for `detect()` calls in a process pool.

`chunks` reads an input in blocks (`blocks`: a path, a binary file or an iterator of bytes;
memory stays bounded by the chunks in flight, never the file) and cuts chunks of about
`chunk_bytes`, each with the input line it starts at (`parallel.detect_stream` detects them on
every core and puts the fragments back in order).

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

- a line longer than `Limits.max_line_chars` characters reaches `chunks` kept to its head
  (`blocks`), but for two kinds of line that one pass reads whole. An INSERT/REPLACE line
  (mysqldump writes a table's rows on one line) is cut between two rows, each later piece given
  the statement's head up to `VALUES`. A one-line JSON export (its head opens an array of
  objects, bare or under a wrapper key: `detect()` reads it record by record) is cut between two
  records of that array (`json_stream.JsonCut`), each piece a valid JSON line again (closed by
  `]` or `]}`, each later piece reopened by `[` or `{"data":[`): every record is read, on the
  line's number; one that cannot be cut (a record bigger than two chunks, a malformed or deep
  line) keeps its head, or once cut the rest is skipped, counted in `StreamStats`.

CR LF and lone-CR line ends are counted as the engine counts them (`_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indexer.decode import Limits
from indexer.detect.blocks import LINE_END, StreamStats, blocks, char_count, head_end, is_insert, prefix_of
from indexer.detect.json_stream import HEAD, JsonCut, opens_records
from indexer.detect.multiline import MAX_RECORD_LINES, _ends_quoted
from indexer.detect.prefilter import _boundary, _in_cell, _is_blank, _no_kv_near

__all__ = ["DEFAULT_CHUNK_BYTES", "Chunk", "StreamStats", "chunks"]

# A chunk is one `detect()` call with its own `Limits` (time cap 20 s): dense records run at
# ~1 MB/s per core in the pure-Python engine, so chunks stay well under the cap, and small
# enough that every core has several.
DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024
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
        if _is_blank(b, s, e) and _cut_here(b, s, e, n) and _closed(b, s):
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


def _cut_here(b: bytes, s: int, e: int, n: int) -> bool:
    """`prefilter._boundary` for a chunk's end: its in-cell test (`_in_cell`, a superset: a line
    above with an odd number of quotes, a quote below) made exact where it said maybe, by walking
    the quotes as the joiner does (`multiline._ends_quoted`). A table whose last row has a cell
    over two lines has such a line above the blank line after it, and the next table a quote:
    no boundary was found there, the cut fell before that row (`_record_end`), and the row, alone
    at the next chunk's start, was read as nothing (the single pass read it in its table)."""
    if _boundary(b, s, e, n):
        return True
    return _no_kv_near(b, s, e, n) and _in_cell(b, s, e, n) and not _cell_open_at(b, s)


def _cell_open_at(b: bytes, s: int) -> bool:
    """Whether a quoted cell the joiner could read across may still be open at offset `s` (a
    line's start): some line of the `MAX_RECORD_LINES` - 1 above ends inside one and no line
    after it closes it (walks merge: one that is inside at a line goes on as any other would).
    A CR among them: open (lone-CR line ends, as `_in_cell` takes them)."""
    lo = s
    for _ in range(MAX_RECORD_LINES - 1):
        if lo <= 0:
            break
        lo = b.rfind(b"\n", 0, lo - 1) + 1
    if b.find(b"\r", lo, s) >= 0:
        return True
    inside = False
    ls = lo
    while ls < s:
        le = b.find(b"\n", ls, s)
        le = s if le < 0 else le
        line = b[ls:le].decode("utf-8", "replace")
        inside = (inside and _ends_quoted(line, True)) or _ends_quoted(line, False)
        ls = le + 1
    return inside


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
    json_cut: JsonCut | None = None  # the long one-line JSON export being cut between its records
    skipping = False  # the rest of a JSON line that could not be cut: skipped to its end, counted
    for block in blocks(source, stats, cap):
        buf += block
        while True:
            if skipping:
                m = LINE_END.search(buf)
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
                if json_cut is None and not head and not is_insert(b[:64]) \
                        and opens_records(b[:min(HEAD, cap)]):
                    json_cut = JsonCut()
                insert = json_cut is None and (bool(head) or is_insert(b[:64]))
                if json_cut is not None:
                    at = json_cut.cut(b, chunk_bytes)
                    if at is None:  # no record boundary in reach (one record of megabytes, malformed)
                        c = head_end(b, cap, cap) if not json_cut.pieces else 0
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


def _count_unread_json(data: bytes, cap: int, stats: StreamStats) -> None:
    """Counts the lines of a chunk that `detect()` will keep to their head: `_bounded` passed on
    every line that opens like a JSON export, but one that does not end like one (`]`, `}`) and
    ended within reach of `chunks` (so was not cut between records) is not read whole. A few ms
    a chunk, C-level splits; only chunks longer than the cap are looked at."""
    for ln in data.split(b"\n"):
        if len(ln) > cap and char_count(ln) > cap and not is_insert(ln[:64]) \
                and opens_records(ln[:min(HEAD, cap)]) and ln.strip().rstrip(b",")[-1:] not in (b"]", b"}"):
            stats.long_lines += 1
            stats.bytes_skipped += len(ln) - prefix_of(ln, cap)


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


