"""py7zr's side of reading a 7z attachment (crawler.attachments._expand_7z): the writers py7zr
decompresses members into, in memory and counted against the attachment's budget.

A module of its own so that py7zr (and the AES module it loads, whose cffi parses C declarations
at import: ~0.2 s of CPU) is imported only when a 7z archive is read, not by every `vigie`
process that imports the crawler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import py7zr.io

if TYPE_CHECKING:
    from crawler.attachments import _Budget

__all__ = ["MAX_PPMD_MEMORY", "CountedMember", "CountedMembers", "bound_dictionaries"]


class CountedMember(py7zr.io.Py7zIO):
    """Where py7zr writes one decompressed 7z member: in memory, each chunk counted against the
    budget as it comes, so a bomb stops at the cap whatever the archive's headers declared."""

    def __init__(self, where: str, budget: _Budget) -> None:
        self.where = where
        self.budget = budget
        self.parts: list[bytes] = []
        self.length = 0

    def write(self, s: bytes | bytearray) -> int:
        self.budget.spend(len(s), self.where)
        self.parts.append(bytes(s))
        self.length += len(s)
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""  # py7zr reads back only what a caller's writer kept; ours is read through `data`

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.length

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.length

    def data(self) -> bytes:
        return b"".join(self.parts)


class CountedMembers(py7zr.io.WriterFactory):
    def __init__(self, name: str, budget: _Budget) -> None:
        self.name = name
        self.budget = budget
        self.members: dict[str, CountedMember] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        member = self.members[filename] = CountedMember(f"{self.name}/{filename}", self.budget)
        return member


_LZMA, _LZMA2, _PPMD = b"\x03\x01\x01", b"\x21", b"\x03\x04\x01"
# PPMd's model memory cannot be cut (the decoder must restart its model where the encoder did):
# an archive asking for more is refused. 7-Zip's -mx=9 asks for 192 MB; its ceiling is ~4 GB.
MAX_PPMD_MEMORY = 256 * 1024 * 1024


def _lzma2_code(size: int) -> int:
    """The smallest LZMA2 dictionary-size code (0..40) whose size is at least `size`."""
    for code in range(40):
        if (2 | (code & 1)) << (code // 2 + 11) >= size:
            return code
    return 40


def bound_dictionaries(archive: py7zr.SevenZipFile) -> str | None:
    """Cut the dictionary each LZMA or LZMA2 coder of `archive` asks for to what its folder unpacks
    (at least 4 kB): liblzma allocates the dictionary whole at the size the header names (4 GB for
    LZMA, 1.5 GB for LZMA2), for a member of a few bytes; a crawl under its address-space limit
    (`service.crawl_memory_limit_bytes`, 2 GB) died of MemoryError on a 171-byte 7z. A coder never
    reads further back than its own output, so the smaller dictionary decodes the same bytes.
    What is refused instead (a PPMd model larger than `MAX_PPMD_MEMORY`), said; None when none."""
    info = archive.header.main_streams.unpackinfo if archive.header.main_streams is not None else None
    for folder in (info.folders if info is not None else None) or ():
        unpacked = max(4096, max(folder.unpacksizes or [0]))
        for coder in folder.coders:
            method, props = coder.get("method"), coder.get("properties") or b""
            if method == _LZMA and len(props) == 5 and int.from_bytes(props[1:5], "little") > unpacked:
                coder["properties"] = props[:1] + unpacked.to_bytes(4, "little")
            elif method == _LZMA2 and len(props) == 1 and props[0] > _lzma2_code(unpacked):
                coder["properties"] = bytes([_lzma2_code(unpacked)])
            elif method == _PPMD and len(props) == 5 and int.from_bytes(props[1:5], "little") > MAX_PPMD_MEMORY:
                return (f"a PPMd model of {int.from_bytes(props[1:5], 'little')} bytes, more than "
                        f"{MAX_PPMD_MEMORY} read")
    return None
