"""RAR archives (RAR 4 and RAR 5), read safely: the headers here, the members by libarchive in a process of its own.

Leak dumps are posted as `.rar` more often than anything else. Three readers exist in Python:
`rarfile` and `unrar` run or load RARLAB's UnRAR (non-free, not in Debian main; Debian's
`unrar-free` is a RAR 2 reader and 7-Zip's Debian build has no RAR codec), so they cannot be
installed from Debian and PyPI alone; `libarchive-c` binds libarchive (Debian's `libarchive13`),
which reads RAR 4 and RAR 5 (since 3.4) but decrypts neither. libarchive it is.

libarchive is C parsing bytes an attacker chose: it runs in `crawler._rar_worker`, limited and
alone, one process per archive (see there), and everything it sends back is checked here again.
Before it starts, this module walks the archive's block headers itself (`rar_listing`: Python,
bounds-checked, each header's CRC checked), which tells what libarchive 3.6 does not:

- the entry count and declared sizes, refused past the caps before anything is decompressed;
- an archive whose headers are encrypted (`rar -hp`), refused as such without starting anything;
- the members encrypted one by one (libarchive 3.6 hands a RAR 5 member's ciphertext back as
  its data, saying nothing), which are never asked for;
- each member's CRC32, which libarchive does not check for a stored member: a member whose bytes
  do not match it is set aside as corrupt.

Members come back through a pipe a chunk at a time (`rar_read`), each chunk counted by the
caller's `spend` as it arrives (a cap reached there stops the worker at once); the worker's time
is bounded by the clock and by RLIMIT_CPU. A member's name is a label (`member_label`), never a
path: nothing is written anywhere.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Literal

from crawler._rar_worker import ERRORS, RECORD
from vigie.core.process import child_env, memory_file, reader_stopped

__all__ = ["RAR_MEMORY_BYTES", "RAR_SECONDS", "RarCapError", "RarEncryptedError", "RarEntry", "RarError",
           "RarListing", "RarMember", "RarRead", "is_rar", "member_label", "rar_listing", "rar_read", "rar_support"]

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
# one archive's reader: wall-clock seconds (CPU seconds too, through RLIMIT_CPU) and address space
# (the archive itself, in memory once, and libarchive's window: RAR 5 allows up to 4 GB, libarchive
# 3.6 refuses a window over 64 MB)
RAR_SECONDS = 30
RAR_MEMORY_BYTES = 768 * 1024 * 1024
# the worker's command, its limits appended (a module name: `python -I` runs it from the installed package)
_WORKER = [sys.executable, "-I", "-m", "crawler._rar_worker"]
_HEADER_MAX = 2 * 1024 * 1024  # RAR 5: "header size must not exceed 2 MB"
_RECORD_MAX = 1024 * 1024  # a worker's record read at most (its chunks are 64 kB; more is not the worker we wrote)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # and the bidi overrides


class RarError(ValueError):
    """A RAR archive that cannot be read (corrupt, cut short, its reader crashed or was stopped)."""


class RarCapError(RarError):
    """A RAR archive over a cap (entries, bytes): refused, counted as a bomb is."""


class RarEncryptedError(RarError):
    """A RAR archive whose headers are encrypted, or libarchive reported encryption: not read."""


@dataclass(frozen=True)
class RarEntry:
    """One file header of the archive, as its bytes state it (none of it trusted beyond a label)."""

    ordinal: int  # rank among the archive's file headers, from 0: the worker's numbering too
    name: str
    size: int  # declared unpacked size; -1: unknown
    crc: int | None  # declared CRC32 of the unpacked data
    kind: Literal["file", "dir", "link"]
    encrypted: bool


@dataclass(frozen=True)
class RarListing:
    version: Literal[4, 5]
    entries: list[RarEntry]
    encrypted_headers: bool = False


@dataclass(frozen=True)
class RarMember:
    ordinal: int
    name: str  # as libarchive decoded it: pass it through `member_label` before showing or using it
    data: bytes
    crc: int  # CRC32 of `data`, computed here as it came


@dataclass
class RarRead:
    """What the worker read: whole members in order, the members it could not read (ordinal,
    why), and why it stopped before the end (None when it read all it was asked for)."""

    members: list[RarMember] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    error: RarError | None = None


def is_rar(data: bytes) -> bool:
    return data.startswith((RAR5_SIGNATURE, RAR4_SIGNATURE))


def member_label(name: str) -> str:
    """A member's name as Vigie shows and labels it (`dump.rar/base/patients.csv`): `/` for `\\`,
    no `..`, `.` or empty part (so no absolute name either), no control character."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return _CONTROL.sub("?", "/".join(parts))[:1024] or "unnamed"


# ----------------------------------------------------------------------------------- headers
class _Reader:
    def __init__(self, data: bytes | memoryview, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise RarError("a header is cut short")
        self.pos += n
        return bytes(self.data[self.pos - n:self.pos])

    def vint(self) -> int:
        value = 0
        for shift in range(0, 70, 7):
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
        raise RarError("a number in a header is too long")

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])


def rar_listing(data: bytes, max_entries: int) -> RarListing:
    """The archive's file headers (RAR 4 or RAR 5), each header's CRC checked; `RarCapError`
    past `max_entries` headers, `RarError` when it is not a RAR this reads. A header cut short
    ends the listing there (what came before is still read; libarchive says what is wrong)."""
    if data.startswith(RAR5_SIGNATURE):
        return _listing5(data, max_entries)
    if data.startswith(RAR4_SIGNATURE):
        return _listing4(data, max_entries)
    raise RarError("no RAR 4 or RAR 5 signature at its start")


def _listing5(data: bytes, max_entries: int) -> RarListing:
    entries: list[RarEntry] = []
    pos = len(RAR5_SIGNATURE)
    view = memoryview(data)
    while pos < len(data):
        r = _Reader(view, pos)
        try:
            crc = r.u32()
            size = r.vint()
        except RarError:
            break
        if size == 0 or size > _HEADER_MAX:
            raise RarError(f"a header of {size} bytes at offset {pos}; corrupt")
        start = r.pos
        if start + size > len(data):
            break  # cut short: libarchive says so
        if zlib.crc32(view[pos + 4:start + size]) != crc:
            raise RarError(f"header CRC error at offset {pos}; corrupt")
        h = _Reader(view, start, start + size)
        kind, flags = h.vint(), h.vint()
        extra = h.vint() if flags & 0x0001 else 0
        body = h.vint() if flags & 0x0002 else 0
        if kind == 4:  # archive encryption header: every header after it is encrypted
            return RarListing(5, entries, encrypted_headers=True)
        if kind == 5:  # end of archive
            break
        if kind == 2:
            if len(entries) >= max_entries:
                raise RarCapError(f"more than {max_entries} entries")
            entries.append(_file5(h, len(entries), start + size - extra, start + size))
        pos = start + size + body
    return RarListing(5, entries)


def _file5(h: _Reader, ordinal: int, extra_start: int, end: int) -> RarEntry:
    file_flags = h.vint()
    size = h.vint()
    h.vint()  # attributes
    if file_flags & 0x0002:
        h.take(4)  # modification time
    crc = h.u32() if file_flags & 0x0004 else None
    h.vint()  # compression information
    h.vint()  # host OS
    name = h.take(h.vint()).decode("utf-8", "replace")
    encrypted = link = False
    x = _Reader(h.data, max(h.pos, extra_start), end)
    while x.pos < end:
        record_size = x.vint()
        record_end = x.pos + record_size
        if record_size == 0 or record_end > end:
            raise RarError("an extra record beyond its header; corrupt")
        record = x.vint()
        encrypted |= record == 0x01
        link |= record == 0x05  # a file system redirection: a symbolic or hard link, a junction, a copy
        x.pos = record_end
    kind: Literal["file", "dir", "link"] = "dir" if file_flags & 0x0001 else "link" if link else "file"
    return RarEntry(ordinal, name, -1 if file_flags & 0x0008 else size, crc, kind, encrypted)


def _listing4(data: bytes, max_entries: int) -> RarListing:
    entries: list[RarEntry] = []
    pos = len(RAR4_SIGNATURE)
    while pos + 7 <= len(data):
        crc, kind, flags, size = struct.unpack_from("<HBHH", data, pos)
        if size < 7:
            raise RarError(f"a header of {size} bytes at offset {pos}; corrupt")
        if pos + size > len(data):
            break
        if kind in (0x73, 0x74) and zlib.crc32(memoryview(data)[pos + 2:pos + size]) & 0xFFFF != crc:
            raise RarError(f"header CRC error at offset {pos}; corrupt")
        add = 0
        if kind == 0x73 and flags & 0x0080:  # MHD_PASSWORD: the headers after this one are encrypted
            return RarListing(4, entries, encrypted_headers=True)
        if kind == 0x7B:
            break
        if kind == 0x74:
            if len(entries) >= max_entries:
                raise RarCapError(f"more than {max_entries} entries")
            entry, add = _file4(data, pos, flags, size, len(entries))
            entries.append(entry)
        elif flags & 0x8000 and pos + 11 <= len(data):
            add = struct.unpack_from("<I", data, pos + 7)[0]
        pos += size + add
    return RarListing(4, entries)


def _file4(data: bytes, pos: int, flags: int, size: int, ordinal: int) -> tuple[RarEntry, int]:
    if size < 32:
        raise RarError(f"a file header of {size} bytes at offset {pos}; corrupt")
    pack, unpacked, host, crc, _time, _version, _method, name_size, attr = struct.unpack_from(
        "<IIBIIBBHI", data, pos + 7)
    at = pos + 32
    if flags & 0x0100:  # 64-bit sizes
        if size < 40:
            raise RarError(f"a file header of {size} bytes at offset {pos}; corrupt")
        high_pack, high_unpacked = struct.unpack_from("<II", data, at)
        pack, unpacked, at = pack | high_pack << 32, unpacked | high_unpacked << 32, at + 8
    if at + name_size > pos + size:
        raise RarError(f"a file name beyond its header at offset {pos}; corrupt")
    # a Unicode name (0x0200) is UTF-8, or the legacy name, a NUL and RAR's encoding of the Unicode one
    # (libarchive decodes it; here the legacy part is enough for the extension)
    raw, nul, _ = data[at:at + name_size].partition(b"\0")
    name = raw.decode("utf-8" if flags & 0x0200 and not nul else "cp437", "replace")
    kind: Literal["file", "dir", "link"] = (
        "dir" if flags & 0x00E0 == 0x00E0 else "link" if host == 3 and attr & 0o170000 == 0o120000 else "file")
    return RarEntry(ordinal, name, unpacked, crc, kind, bool(flags & 0x0004)), pack


# ------------------------------------------------------------------------------------ worker
def rar_read(where: str, data: bytes, ordinals: Collection[int], *, spend: Callable[[int, str], None],
             max_bytes: int, seconds: float = RAR_SECONDS, memory_bytes: int | None = None) -> RarRead:
    """The members `ordinals` (`rar_listing`'s) of the archive `data`, decompressed by libarchive in
    a process of its own (`crawler._rar_worker`), within `max_bytes` in all, `seconds` of time (wall
    clock and CPU) and `memory_bytes` of address space (`RAR_MEMORY_BYTES`). `spend(n, label)` is called for each chunk
    as it arrives, before the next is read: what it raises (a cap) stops the worker and goes to the
    caller. A worker that crashes, hangs or says nonsense is stopped; what it read whole before
    is kept, and `error` says why the rest was not read."""
    params = json.dumps({"ordinals": sorted(ordinals), "max_bytes": max_bytes}).encode()
    stdin = memory_file("vigie-rar-in", struct.pack(">I", len(params)), params, data)
    try:
        memory = RAR_MEMORY_BYTES if memory_bytes is None else memory_bytes
        cmd = [*_WORKER, str(memory), str(max(1, int(seconds)))]
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=child_env(), close_fds=True)
    finally:
        os.close(stdin)
    read = RarRead()
    try:
        _Session(where, set(ordinals), spend, read).run(proc, time.monotonic() + seconds, seconds)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    return read


class _Session:
    """The parent's side of one worker: its records parsed as they come, each checked (the worker
    reads hostile bytes in C: what it says is not trusted either)."""

    def __init__(self, where: str, ordinals: set[int], spend: Callable[[int, str], None], read: RarRead) -> None:
        self.where = where
        self.ordinals = ordinals
        self.spend = spend
        self.read = read
        self.current: tuple[int, str, list[bytes]] | None = None
        self.crc = 0
        self.said: tuple[str, str] | None = None  # the worker's X record: (kind, message)
        self.done = False

    def run(self, proc: subprocess.Popen[bytes], deadline: float, seconds: float) -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        buf = bytearray()
        stopped: str | None = None
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    stopped = f"the RAR reader took more than {seconds:.0f} s and was stopped"
                    break
                if not sel.select(left):
                    continue
                try:
                    chunk = os.read(fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not chunk:
                    break
                buf += chunk
                pos = self.records(buf)
                del buf[:pos]
                if self.said is not None or self.done:
                    break
        if stopped is None:  # its output closed: it ends now, or is stopped at the deadline (never waited on for ever)
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                stopped = f"the RAR reader took more than {seconds:.0f} s and was stopped"
        if stopped is not None:
            proc.kill()
        code = proc.wait()
        if self.said is not None:
            kind, message = self.said
            cls = {"cap": RarCapError, "encrypted": RarEncryptedError}.get(kind, RarError)
            self.read.error = cls(message if kind != "missing" else
                                  f"{message}: install Debian's libarchive13 and the Python package libarchive-c")
        elif not self.done:
            self.read.error = RarError(stopped or reader_stopped("RAR reader", code, seconds))

    def records(self, buf: bytearray) -> int:
        pos = 0
        while pos + RECORD.size <= len(buf):
            kind, length = RECORD.unpack_from(buf, pos)
            if length > _RECORD_MAX:
                raise RarError(f"{self.where}: the RAR reader sent a record of {length} bytes; stopped")
            if pos + RECORD.size + length > len(buf):
                break
            payload = bytes(buf[pos + RECORD.size:pos + RECORD.size + length])
            pos += RECORD.size + length
            self.record(kind, payload)
            if self.said is not None or self.done:
                break
        return pos

    def record(self, kind: bytes, payload: bytes) -> None:
        if kind == b"D" and self.current is not None:
            label = f"{self.where}/{member_label(self.current[1])}"
            self.spend(len(payload), label)  # a cap raises here: the worker is stopped by rar_read
            self.current[2].append(payload)
            self.crc = zlib.crc32(payload, self.crc)
        elif kind == b"F" and self.current is None and len(payload) >= 4:
            ordinal = struct.unpack_from(">I", payload)[0]
            self.expect(ordinal)
            self.current = (ordinal, payload[4:].decode("utf-8", "replace"), [])
            self.crc = 0
        elif kind == b"Z" and self.current is not None:
            ordinal, name, parts = self.current
            self.read.members.append(RarMember(ordinal, name, b"".join(parts), self.crc))
            self.current = None
        elif kind == b"S" and self.current is None and len(payload) >= 4:
            ordinal = struct.unpack_from(">I", payload)[0]
            self.expect(ordinal)
            self.read.failed.append((ordinal, payload[4:].decode("utf-8", "replace")))
        elif kind == b"X" and len(payload) >= 1:
            self.said = (ERRORS.get(payload[:1], "unreadable"), payload[1:].decode("utf-8", "replace"))
        elif kind == b"K" and self.current is None:
            self.done = True
        else:
            raise RarError(f"{self.where}: the RAR reader sent a record out of place ({kind!r}); stopped")

    def expect(self, ordinal: int) -> None:
        if ordinal not in self.ordinals:
            raise RarError(f"{self.where}: the RAR reader sent entry {ordinal}, not asked for; stopped")
        self.ordinals.discard(ordinal)


def rar_support(seconds: float = 20) -> tuple[bool, str]:
    """Whether RAR attachments can be read here (for `vigie doctor`), and what says so: the worker
    started as a crawl starts it, reading a small RAR 5 archive and a RAR 4 one."""
    said = []
    for version, sample in ((5, _PROBE5), (4, _PROBE4)):
        read = rar_read("probe.rar", sample, [0], spend=lambda n, where: None, max_bytes=1024, seconds=seconds)
        if read.error is not None:
            return False, str(read.error)
        if [m.data for m in read.members] != [b"vigie\n"]:
            return False, f"libarchive read a RAR {version} probe wrong"
        said.append(f"RAR {version}")
    return True, " and ".join(said) + " read by libarchive in a limited process; an encrypted RAR is not read"


# `vigie_kit.rar`'s rar5/rar4 of one stored member `probe.txt` = b"vigie\n": what `rar_support` reads
_PROBE5 = bytes.fromhex("526172211a070100c51a333203010000e465692f180202060406a48302aa1333e100010970726f62652e7478"
                        "7476696769650a19b23a3503050000")
_PROBE4 = bytes.fromhex("526172211a0700cf907300000d00000000000000242b7400802900060000000600000003aa1333e10088845d"
                        "1d300900a481000070726f62652e74787476696769650ac43d7b00400700")
