"""The process that unpacks a RAR archive: `python -I -m crawler._rar_worker MEMORY SECONDS`.

A RAR from a leak forum is hostile input to libarchive, a C parser (fuzzed by OSS-Fuzz, yet its
RAR readers have had their memory-safety bugs: CVE-2019-18408, a use-after-free; CVE-2024-26256, a
heap overflow): a crash, a hang or a memory bomb there would take the crawl down if it ran in the
crawl's process.
So it runs here, alone, started by `crawler.rar.rar_read` for one archive. It limits itself before
it reads a byte of the archive (address space, CPU seconds, no core dump, no debugger, killed
with its parent, no file opened once libarchive is loaded: it needs none, the archive is in
memory), gets no secret (its environment is `vigie.core.process.child_env`'s), and writes what it
decompresses to its standard output (a pipe) as it goes, a chunk at a time: the parent counts
each chunk against the attachment's budget as it comes and stops this process at the cap.
Nothing is ever written to a file; a member's name is only ever sent, never used as a path.

Standard input: a 4-byte big-endian length, that many bytes of JSON (`ordinals`: the entries to
read, by their rank among the archive's file headers, as `crawler.rar.rar_listing` numbered
them; `max_bytes`: the most bytes to decompress in all), then the archive.

Output records: a kind byte, a 4-byte length, the payload:
`F` a member starts (4-byte ordinal + its name, UTF-8), `D` a chunk of its data, `Z` it ended
whole, `S` it could not be read (4-byte ordinal + libarchive's message; the next is tried),
`X` the archive could not be read further (a kind byte, see `ERRORS`, + a message), `K` the end,
read whole. Only the standard library, libarchive-c and `vigie.core.process` are imported.
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import sys
import zlib
from typing import Any

from vigie.core.process import confine_reader, limit_reader

__all__ = ["ERRORS", "RECORD", "main"]

# what the worker says when it stops: a refusal by a cap (the parent counts it as a bomb), an
# archive libarchive cannot read (corrupt, truncated, a format it does not know), one it cannot
# decrypt, or a libarchive that cannot be loaded here
ERRORS = {b"C": "cap", b"U": "unreadable", b"E": "encrypted", b"M": "missing"}
RECORD = struct.Struct(">cI")  # kind, payload length
_CHUNK = 64 * 1024
_NAME_BYTES = 4096  # a member's name sent at most (a label, never a path)


def _say(kind: bytes, payload: bytes = b"") -> None:
    sys.stdout.buffer.write(RECORD.pack(kind, len(payload)) + payload)
    sys.stdout.buffer.flush()


def _load() -> Any:
    """libarchive-c's ffi module, on Debian's libarchive13 by its soname (no `ldconfig` run by
    ctypes' find_library: nothing is started from here), else where find_library finds it."""
    if not os.environ.get("LIBARCHIVE"):
        os.environ["LIBARCHIVE"] = "libarchive.so.13"
    try:
        import libarchive.ffi as ffi  # type: ignore[import-untyped]
    except OSError:
        del os.environ["LIBARCHIVE"]
        import libarchive.ffi as ffi
    import ctypes

    ffi.ffi("entry_is_data_encrypted", [ctypes.c_void_p], ctypes.c_int)
    ffi.get_read_format_function("rar")
    ffi.get_read_format_function("rar5")  # RAR 5 since libarchive 3.4 (Debian 12: 3.6.2)
    return ffi


def _name(ffi: Any, entry: Any) -> bytes:
    wide = ffi.entry_pathname_w(entry)
    if wide is not None:
        return str(wide).encode("utf-8", "replace")[:_NAME_BYTES]
    raw = ffi.entry_pathname(entry)
    return bytes(raw or b"")[:_NAME_BYTES]


def _read(ffi: Any, data: bytearray, ordinals: set[int], max_bytes: int) -> None:
    import ctypes

    from libarchive.exception import ArchiveError  # type: ignore[import-untyped]

    archive = ffi.read_new()
    try:
        ffi.get_read_format_function("rar")(archive)  # RAR only: a .rar that is something else is refused
        ffi.get_read_format_function("rar5")(archive)
        ffi.get_read_filter_function("none")(archive)
        buf = (ctypes.c_char * len(data)).from_buffer(data)  # no copy: libarchive reads the bytearray
        entry = ffi.entry_new()
        try:
            ffi.read_open_memory(archive, buf, len(data))
            _members(ffi, archive, entry, ordinals, max_bytes, ArchiveError)
        finally:
            ffi.entry_free(entry)
    except ArchiveError as exc:
        message = str(getattr(exc, "msg", None) or exc)
        kind = b"E" if "ncrypt" in message else b"U"
        _say(b"X", kind + message.encode("utf-8", "replace")[:1000])
        return
    finally:
        ffi.read_free(archive)
    _say(b"K")


def _members(ffi: Any, archive: Any, entry: Any, ordinals: set[int], max_bytes: int,
             error: type[Exception]) -> None:
    import ctypes

    block = ctypes.c_void_p()
    size = ctypes.c_size_t()
    offset = ctypes.c_longlong()
    total = 0
    ordinal = -1
    while ordinals:
        if ffi.read_next_header2(archive, entry) == 1:  # ARCHIVE_EOF
            return
        ordinal += 1
        if ordinal not in ordinals:
            continue
        ordinals.discard(ordinal)
        regular = ffi.entry_filetype(entry) == 0o100000 and not ffi.entry_hardlink(entry)
        if not regular:
            continue  # a link or a directory where a file was listed: nothing to read
        name = _name(ffi, entry)
        if ffi.entry_is_data_encrypted(entry):
            _say(b"S", struct.pack(">I", ordinal) + b"encrypted; libarchive cannot decrypt RAR")
            continue
        _say(b"F", struct.pack(">I", ordinal) + name)
        crc = 0
        try:
            while ffi.read_data_block(archive, ctypes.byref(block), ctypes.byref(size), ctypes.byref(offset)) != 1:
                if not size.value:
                    continue
                total += size.value
                if total > max_bytes:
                    _say(b"X", b"C" + f"more than {max_bytes} bytes once decompressed".encode())
                    return
                for start in range(0, size.value, _CHUNK):
                    n = min(_CHUNK, size.value - start)
                    piece = ctypes.string_at(block.value + start, n)  # type: ignore[operator]
                    crc = zlib.crc32(piece, crc)
                    _say(b"D", piece)
        except error as exc:
            if getattr(exc, "retcode", -30) == -30:  # ARCHIVE_FATAL: nothing further can be read
                raise
            _say(b"S", struct.pack(">I", ordinal) + str(getattr(exc, "msg", exc)).encode("utf-8", "replace")[:1000])
            continue
        _say(b"Z", struct.pack(">I", crc))


def main(argv: list[str]) -> int:
    memory, seconds = (int(a) for a in argv[:2])
    limit_reader(memory, seconds, 0)  # no file written: its output is a pipe
    try:
        ffi = _load()
    except (OSError, ImportError, ValueError, AttributeError) as exc:
        _say(b"X", b"M" + f"libarchive cannot be loaded ({type(exc).__name__}: {exc})".encode("utf-8", "replace"))
        return 0
    # libarchive is loaded: nothing else is opened from here on (the archive is read from memory),
    # by count and, where the kernel has Landlock, at all (a descriptor closed no longer makes room)
    confine_reader()  # (before the count: Landlock's own ruleset takes a descriptor for a moment)
    resource.setrlimit(resource.RLIMIT_NOFILE, (3, 3))
    if argv[2:] == ["--version"]:
        _say(b"K", str(ffi.version_number()).encode())
        return 0
    stdin = io.FileIO(0, closefd=False)  # (unbuffered: read into the bytearray below)
    (length,) = struct.unpack(">I", stdin.read(4))
    params = json.loads(stdin.read(length))
    # the archive, from the memory file `crawler.rar` made, into a bytearray that libarchive reads in place
    data = bytearray(max(0, os.fstat(0).st_size - 4 - length))
    got = 0
    with memoryview(data) as view:
        while got < len(data) and (n := stdin.readinto(view[got:])):
            got += n
    del data[got:]
    _read(ffi, data, {int(o) for o in params["ordinals"]}, int(params["max_bytes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
