"""py7zr's side of reading a 7z attachment (crawler.attachments._expand_7z): the writers py7zr
decompresses members into, in memory and counted against the attachment's budget.

A module of its own so that py7zr (and the AES module it loads, whose cffi parses C declarations
at import: ~0.2 s of CPU) is imported only when a 7z archive is read, not by every `vigie`
process that imports the crawler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import py7zr.archiveinfo
import py7zr.compressor
import py7zr.io

if TYPE_CHECKING:
    from crawler.attachments import _Budget

__all__ = ["MAX_PPMD_MEMORY", "CountedMember", "CountedMembers", "bound_dictionaries", "header_refusal"]


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


def _memory(coder: dict[str, object]) -> int:
    """What one coder allocates once its decompressor is made: an LZMA or LZMA2 dictionary (as
    cut), a PPMd model; 0 for the filters (BCJ, Delta), AES and the coders of small fixed state."""
    method, props = coder.get("method"), coder.get("properties") or b""
    assert isinstance(props, bytes)
    if method in (_LZMA, _PPMD) and len(props) == 5:
        return int.from_bytes(props[1:5], "little")
    if method == _LZMA2 and len(props) == 1 and props[0] <= 40:
        return (2 | (props[0] & 1)) << (props[0] // 2 + 11)
    return 0


def bound_dictionaries(archive: py7zr.SevenZipFile) -> str | None:
    """Bound what `archive`'s coders allocate, or say why it is refused (None when it is not).

    - The dictionary each LZMA or LZMA2 coder asks for is cut to what its folder unpacks (at least
      4 kB): liblzma allocates the dictionary whole at the size the header names (4 GB for LZMA,
      1.5 GB for LZMA2), for a member of a few bytes; a crawl under its address-space limit
      (`service.crawl_memory_limit_bytes`, 2 GB) died of MemoryError on a 171-byte 7z. A coder
      never reads further back than its own output, so the smaller dictionary decodes the same bytes.
    - PPMd's model cannot be cut: a model larger than `MAX_PPMD_MEMORY` is refused.
    - A folder whose coders together need more than `MAX_PPMD_MEMORY` or twice what the folder
      unpacks (an LZMA2 dictionary's size is rounded up), whichever is more, is refused: a chain of
      four PPMd coders of 256 MB each (7-Zip writes it when asked; no one does) asked for 1 GB, and
      an inner coder's output written larger than its folder's left its dictionary uncut.
    - Only one folder's coders are held at a time (`_OneAtATime`): py7zr kept every folder's
      decompressor to the end of the extraction, so a 7z of nine members of one folder each, every
      folder a 256 MB PPMd model, held 2.3 GB, and when pyppmd's allocation then failed under the
      crawl's address-space limit it freed twice and aborted the whole crawl process."""
    info = archive.header.main_streams.unpackinfo if archive.header.main_streams is not None else None
    folders = (info.folders if info is not None else None) or []
    for folder in folders:
        unpacked = max(4096, max(folder.unpacksizes or [0]))
        need = 0
        for coder in folder.coders:
            method, props = coder.get("method"), coder.get("properties") or b""
            if method == _LZMA and len(props) == 5 and int.from_bytes(props[1:5], "little") > unpacked:
                coder["properties"] = props[:1] + unpacked.to_bytes(4, "little")
            elif method == _LZMA2 and len(props) == 1 and props[0] > _lzma2_code(unpacked):
                coder["properties"] = bytes([_lzma2_code(unpacked)])
            elif method == _PPMD and len(props) == 5 and int.from_bytes(props[1:5], "little") > MAX_PPMD_MEMORY:
                return (f"a PPMd model of {int.from_bytes(props[1:5], 'little')} bytes, more than "
                        f"{MAX_PPMD_MEMORY} read")
            need += _memory(coder)
        if need > max(MAX_PPMD_MEMORY, 2 * max(4096, folder.get_unpack_size())):
            return (f"a folder whose {len(folder.coders)} coders need {need} bytes of memory to unpack "
                    f"{folder.get_unpack_size()} bytes")
    if len(folders) > 1:
        _OneAtATime.hold(folders)
    return None


def header_refusal(coders: list[tuple[bytes, bytes]], unpacked: int) -> str | None:
    """Why an encoded header whose coders are `coders` (codec id, properties: read from the bytes
    before py7zr opens the archive, `attachments._header_size_7z`) and which unpacks to `unpacked`
    bytes is refused, or None: its coders may need what a folder's may (`bound_dictionaries`).
    py7zr unpacks the header while opening the archive, before its folders can be looked at: an
    LZMA dictionary there failed with MemoryError (round 17), a PPMd model of 1.5 or 4 GB aborted
    the process (pyppmd's double free once its allocation failed under the crawl's limit)."""
    need = sum(_memory({"method": method, "properties": props}) for method, props in coders)
    if need > max(MAX_PPMD_MEMORY, 2 * max(4096, unpacked)):
        return f"an encoded header whose coders need {need} bytes of memory to unpack {unpacked} bytes"
    return None


class _OneAtATime(py7zr.archiveinfo.Folder):
    """A 7z folder whose decompressor, when made, releases every other folder's of its archive:
    py7zr unpacks the folders one after another and reads a folder's members in a row, so the
    folders released are done with (see `bound_dictionaries`)."""

    __slots__ = ()
    _peers: ClassVar[list[py7zr.archiveinfo.Folder]] = []

    @classmethod
    def hold(cls, folders: list[py7zr.archiveinfo.Folder]) -> None:
        """Make each of `folders` (one archive's) release the others' decompressors."""
        own = type("_OneAtATimeOf", (cls,), {"__slots__": (), "_peers": folders})
        for folder in folders:
            folder.__class__ = own

    def get_decompressor(self, packsize: int, reset: bool = False) -> py7zr.compressor.SevenZipDecompressor:
        if self.decompressor is None or reset:
            for other in self._peers:
                if other is not self:
                    other.decompressor = None
        return super().get_decompressor(packsize, reset)
