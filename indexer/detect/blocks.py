"""A big input read as the blocks its chunks are cut from: decoded alike, long lines kept to their head.

`chunking` cuts these blocks into chunks, and each chunk is decoded by `detect()`: an input in one
byte-oriented encoding throughout (UTF-8, cp1252) reads the same. UTF-16/32 input (a BOM, or
`decode`'s NUL test on the first 4 KiB) is turned into UTF-8 as it streams, and NULs are dropped
from every block when the first 64 KiB hold one (what one pass's `decode` does): neither is held
whole any more.

A line longer than `Limits.max_line_chars` characters (one pass reads only its head) is kept to
that head, ended at its last separator (space , ; | tab) when one is in its last tenth, and the
rest skipped to the line end, counted in `StreamStats` (`vigie scan` says it and exits 1): a
200 MB line with no record boundary never goes to a worker. An INSERT/REPLACE line and a one-line
JSON export are passed on whole: `chunking` cuts them between their rows or records.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indexer.decode import _BOMS, _utf16_start
from indexer.detect.json_stream import HEAD, opens_records

__all__ = ["LINE_END", "StreamStats", "blocks", "char_count", "head_end", "is_insert", "prefix_of"]

_READ = 1 << 20


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


def blocks(source: str | Path | BinaryIO | Iterable[bytes], stats: StreamStats, max_line_chars: int) -> Iterator[bytes]:
    """The input's blocks (a path, a binary file or an iterator of bytes, read lazily) as the
    chunks' `decode()` reads them alike, every line over `max_line_chars` characters kept to its
    head (see the module docstring); what was met on the way is counted in `stats`."""
    return _bounded(_normalised(_read(source), stats), max_line_chars, stats)


def _read(source: str | Path | BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
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
    plain = b""  # a head of UTF-8 text before UTF-16 (`_utf16_start`): passed on as it is
    if enc is None and (utf16 := _utf16_start(head)) is not None:
        skip, enc = utf16
        plain = head[:skip]
    if enc == "utf-8":
        enc = None  # the chunk's decode() takes the BOM off itself
    rest: Iterator[bytes] = _counted(it, stats)
    if enc is not None:
        stats.transcoded = enc
        rest = _transcoded(head[skip:], rest, enc)
        head = plain + next(rest, b"")
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
LINE_END = re.compile(rb"[\r\n]")
_SEPARATORS = (b" ", b",", b";", b"|", b"\t")


def char_count(b: bytes) -> int:
    """Characters in UTF-8 bytes (the bytes that begin one); a byte each in cp1252, never fewer."""
    return len(b) - len(bytes(b).translate(None, _NON_CONTINUATION))


def prefix_of(b: bytes, chars: int) -> int:
    """The length of the longest prefix of `b` with at most `chars` characters (UTF-8 counted)."""
    pos = min(len(b), chars)
    while pos < len(b):
        got = char_count(b[:pos])
        if got >= chars:
            break
        pos = min(len(b), pos + chars - got)
    while pos > 0 and char_count(b[:pos]) > chars:
        pos -= 1
    while 0 < pos < len(b) and 0x80 <= b[pos] < 0xC0:  # never inside a character
        pos -= 1
    return pos


def head_end(seg: bytes, chars: int, max_chars: int) -> int:
    """Where the head of a line over `max_chars` ends in `seg` (its part with `chars` characters
    left under the cap): to its last whole value when a separator ends one in the cap's last tenth."""
    keep = prefix_of(seg, chars)
    window = seg[:keep]
    cut = max(window.rfind(sep, max(0, keep - max_chars // 10)) for sep in _SEPARATORS)
    return cut if cut > 0 else keep


def is_insert(line_head: bytes) -> bool:
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
            m = LINE_END.search(block)
            seg = block if m is None else block[:m.start()]
            if seg:
                if len(line_head) < HEAD:
                    line_head += seg[:HEAD - len(line_head)]
                if skipping:
                    stats.bytes_skipped += len(seg)
                    seg = b""
                else:
                    n = char_count(seg)
                    if run + n > max_chars and not is_insert(line_head) \
                            and not opens_records(line_head[:min(HEAD, max_chars)]):
                        keep = head_end(seg, max_chars - run, max_chars)
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
            run = char_count(tail)
            line_head = tail[:HEAD]
            if tail:
                yield tail
