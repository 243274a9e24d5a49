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

__all__ = ["CountedMember", "CountedMembers"]


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
