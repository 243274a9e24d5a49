"""A writer of small RAR archives (RAR 4 and RAR 5) for the tests: stored members only.

RARLAB's `rar`, the only program that writes RAR, is non-free and not packaged here; leak dumps
still come as `.rar` more often than anything else. So the tests write their own, after RARLAB's
technical notes ("RAR 5.0 archive format" and "RAR version 4.00 - Technical information"):

- RAR 5: the 8-byte signature, then blocks of `header CRC32 | header size (vint) | type | flags
  | [extra area size] | [data size] | fields | extra area`, the CRC over everything from the size
  on; vints are 7 bits a byte, low first, the high bit saying another byte follows. A main header,
  a file header per member (its data, stored: method 0, right after it), an end of archive.
- RAR 4: the 7-byte marker, an archive header (0x73), a file header (0x74) per member, each block
  `HEAD_CRC (the low 16 bits of the CRC32 of the rest) | type | flags | size | ...`, and an end of
  archive block (0x7B); stored members are method 0x30.

Stored members are enough to test what Vigie does with a RAR (its members, names, links, caps,
CRCs, encryption flags): what a compressed member expands to is libarchive's business, and the
caps count bytes as they come out whatever the method. What a hostile archive lies about is
said per member (`declared_size`, `crc`, `encrypted`) or per archive (`encrypted_headers`); the
encrypted parts are random bytes under the right flags, not a real cipher (nothing reads them).
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["RAR4_SIGNATURE", "RAR5_SIGNATURE", "RarEntry", "rar4", "rar5", "vint"]

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
_DOS_TIME = (2026 - 1980) << 25 | 12 << 21 | 4 << 16 | 17 << 11  # 2026-12-04 17:00:00, a RAR 4 FTIME


@dataclass(frozen=True)
class RarEntry:
    """One entry: a file (its bytes stored), a directory, or a link to `target`.

    `declared_size`: the unpacked size the header states (the data's own by default; -1 in RAR 5:
    "unknown", the flag that says it). `crc`: the data CRC32 stated (the data's own by default).
    `encrypted`: flagged as encrypted (RAR 5: an encryption record; RAR 4: flag 0x04 and a salt),
    its data random bytes."""

    name: str
    data: bytes = b""
    kind: Literal["file", "dir", "symlink", "hardlink"] = "file"
    target: str = ""
    declared_size: int | None = None
    crc: int | None = None
    encrypted: bool = False


def vint(value: int) -> bytes:
    """RAR 5's variable-length integer."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _block5(kind: int, fields: bytes, *, extra: bytes = b"", data: bytes | None = None, flags: int = 0) -> bytes:
    flags |= (0x0001 if extra else 0) | (0x0002 if data is not None else 0)
    body = vint(kind) + vint(flags)
    if extra:
        body += vint(len(extra))
    if data is not None:
        body += vint(len(data))
    body += fields + extra
    header = vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(header)) + header + (data or b"")


def _record(kind: int, payload: bytes) -> bytes:
    """One record of an extra area: its size (from the type on), type, data."""
    inner = vint(kind) + payload
    return vint(len(inner)) + inner


def rar5(entries: Sequence[RarEntry], *, encrypted_headers: bool = False, solid: bool = False) -> bytes:
    """A RAR 5 archive of `entries`. `encrypted_headers`: an archive encryption header (as
    `rar -hp` writes) followed by what would be the encrypted headers (random bytes)."""
    out = bytearray(RAR5_SIGNATURE)
    if encrypted_headers:
        # version 0 (AES-256), flags 0x0001 (a password check follows), KDF count, salt, check value
        out += _block5(4, vint(0) + vint(1) + bytes([15]) + os.urandom(16) + os.urandom(12))
        out += os.urandom(16) + os.urandom(96)  # an IV and a header's worth of ciphertext
        return bytes(out)
    out += _block5(1, vint(0x0004 if solid else 0))  # main archive header: archive flags
    for e in entries:
        out += _file5(e)
    out += _block5(5, vint(0))  # end of archive: not a volume
    return bytes(out)


def _file5(e: RarEntry) -> bytes:
    name = e.name.encode("utf-8", "surrogateescape")
    data = os.urandom(max(16, len(e.data) + 15 & ~15)) if e.encrypted else e.data
    unknown = e.declared_size == -1
    size = len(e.data) if e.declared_size is None or unknown else e.declared_size
    # file flags: a directory, the CRC32 present, the unpacked size unknown
    file_flags = (0x0001 if e.kind == "dir" else 0) | 0x0004 | (0x0008 if unknown else 0)
    crc = zlib.crc32(e.data) if e.crc is None else e.crc
    mode = {"dir": 0o40755, "symlink": 0o120777}.get(e.kind, 0o100644)
    fields = (vint(file_flags) + vint(0 if unknown else size) + vint(mode) + struct.pack("<I", crc)
              + vint(0)  # compression information: version 0, not solid, method 0 (stored), 128 KB dictionary
              + vint(1)  # host OS: Unix
              + vint(len(name)) + name)
    extra = b""
    if e.encrypted:  # version 0, flags 0x0001 (check value present), KDF count, salt, IV, check value
        extra += _record(0x01, vint(0) + vint(1) + bytes([15]) + os.urandom(16) + os.urandom(16) + os.urandom(12))
    if e.kind in ("symlink", "hardlink"):  # file system redirection: 1 Unix symlink, 4 hard link
        target = e.target.encode("utf-8")
        extra += _record(0x05, vint(1 if e.kind == "symlink" else 4) + vint(0) + vint(len(target)) + target)
    return _block5(2, fields, extra=extra, data=b"" if e.kind in ("dir", "symlink", "hardlink") else data)


def _block4(kind: int, flags: int, fields: bytes, data: bytes = b"") -> bytes:
    if data or kind == 0x74:
        flags |= 0x8000  # ADD_SIZE (a file's PACK_SIZE) follows
    rest = struct.pack("<BHH", kind, flags, 7 + len(fields)) + fields
    return struct.pack("<H", zlib.crc32(rest) & 0xFFFF) + rest + data


def rar4(entries: Sequence[RarEntry], *, encrypted_headers: bool = False, solid: bool = False) -> bytes:
    """A RAR 4 archive (the format of RAR 2.9 to 4.x) of `entries`. `encrypted_headers`: the archive
    header's MHD_PASSWORD flag (0x0080, `rar -hp`), the rest random bytes."""
    flags = (0x0080 if encrypted_headers else 0) | (0x0008 if solid else 0)
    out = bytearray(RAR4_SIGNATURE)
    out += _block4(0x73, flags, struct.pack("<HI", 0, 0))
    if encrypted_headers:
        out += os.urandom(8) + os.urandom(128)  # a salt, then encrypted headers
        return bytes(out)
    for e in entries:
        out += _file4(e)
    out += _block4(0x7B, 0x4000, b"")
    return bytes(out)


def _file4(e: RarEntry) -> bytes:
    name = e.name.encode("utf-8", "surrogateescape")
    data = e.target.encode("utf-8") if e.kind == "symlink" else e.data
    if e.encrypted:
        data = os.urandom(max(16, len(data) + 15 & ~15))
    size = len(e.data if e.kind != "symlink" else data) if e.declared_size is None else e.declared_size
    if e.kind == "hardlink":
        raise ValueError("RAR 4 has no hard links")
    flags = 0x0004 | 0x0400 if e.encrypted else 0  # encrypted, with a salt
    flags |= 0x00E0 if e.kind == "dir" else 0  # the dictionary bits all set: a directory
    if any(b >= 0x80 for b in name):
        flags |= 0x0200  # a Unicode name: here the UTF-8 name with no encoded part (as RAR writes a plain one)
    high = b""
    if size >= 1 << 32 or len(data) >= 1 << 32:
        flags |= 0x0100
        high = struct.pack("<II", len(data) >> 32, size >> 32)
    crc = zlib.crc32(e.data if e.kind != "symlink" else data) if e.crc is None else e.crc
    mode = {"dir": 0o40755, "symlink": 0o120777}.get(e.kind, 0o100644)
    fields = (struct.pack("<IIBIIBBHI", len(data) & 0xFFFFFFFF, size & 0xFFFFFFFF, 3, crc, _DOS_TIME, 29, 0x30,
                          len(name), mode)
              + high + name + (os.urandom(8) if e.encrypted else b""))
    return _block4(0x74, flags, fields, data)
