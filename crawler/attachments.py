"""Turn a downloaded attachment into files for the indexer, refusing archive bombs.

Caps (from `attachments:` in the source YAML): bytes per file, total uncompressed bytes of an
archive, number of files, nesting depth. Declared sizes are checked first (a zip's central
directory), then enforced again while decompressing, in bounded chunks, because declared sizes
can lie and gzip has none worth trusting. A bomb raises `ArchiveBombError` before anything
beyond the cap is inflated; the caller logs it and moves on.

One bad member loses nothing else: when the caller collects them (`skipped`), a member that
cannot be read (encrypted, corrupt, an archive nested past `max_nesting` or declaring more than
the caps, a workbook's sheet of entity declarations) is set aside with its reason and the other
members are read; past `max_files` such members, or once the byte budget is spent, the rest of
the archive is not read. An archive of which nothing could be read still raises.
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import re
import struct
import sys
import tarfile
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from loguru import logger

from crawler import CrawlerError
from crawler.databases import SECONDS as DATABASE_SECONDS
from crawler.databases import DatabaseCapError, DatabaseError, sqlite_tables
from crawler.documents import PDF_SECONDS, DocumentCapError, DocumentError, docx_texts, odt_texts, pdf_pages
from crawler.rar import member_label
from crawler.rtf import SECONDS as RTF_SECONDS
from crawler.rtf import RtfCapError, RtfError, rtf_text
from crawler.spreadsheets import SpreadsheetCapError, SpreadsheetError, _safe_name, join_sheets, ods_tables, xlsx_tables
from indexer.redact import mask_text

if TYPE_CHECKING:
    from crawler._sevenzip import CountedMember, CountedMembers
    from crawler.rar import RarMember as _RarMember
from vigie.config.schema import IMAGE_TYPES, AttachmentLimits

__all__ = ["ARCHIVE_TYPES", "MAX_PASSWORDS", "UNPACKED_TYPES", "ArchiveBombError", "AttachmentError", "ExtractedFile",
           "archive_by_bytes", "content_kind", "file_kind",
           "LinesTooLong", "expand_attachment", "extension_of", "long_lines_said", "long_lines_text"]

_CHUNK = 64 * 1024
# central directory bytes allowed per file of attachments.max_files (an entry is 46 bytes, its
# name and extra fields; real archives stay far below this, directories included)
_DIRECTORY_BYTES_PER_FILE = 1024
# zip members zipfile decompresses with an output bound (its read size): stored and deflated.
# bzip2 and LZMA members it inflates a whole read chunk at a time (a few kB of bzip2 are
# gigabytes, allocated before any cap is looked at): those are decompressed here, bounded.
_BOUNDED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_OWN_METHODS = (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
# what `_expand` opens (a .tar.gz is a gz, then a tar)
_ARCHIVES = ("zip", "7z", "rar", "gz", "tgz", "tar", "bz2", "xz")
ARCHIVE_TYPES = frozenset(_ARCHIVES)  # (what a paste's links may point at: crawler.spiders.paste)
# spreadsheets (Excel, OpenDocument): zips of XML read as one table per sheet (`crawler.spreadsheets`)
_WORKBOOKS = ("xlsx", "xlsm", "ods")
# documents (Word, OpenDocument text, PDF) read as text, a file per part or page (`crawler.documents`)
_DOCUMENTS = ("docx", "odt", "pdf")
# SQLite databases read as one table per table (`crawler.databases`), by their header whatever their name
# (`.db` too); a file named so that lacks the header is refused as what it is (encrypted, corrupt), but
# a `.db` (Thumbs.db, a Berkeley DB) which is read as the file it is
_DATABASES = ("sqlite", "sqlite3", "db3")
_DATABASE_NAMES = frozenset({*_DATABASES, "db"})
# RTF documents read as text, tables as rows (`crawler.rtf`)
_RTF = ("rtf",)
# parts a workbook's or a document's zip may hold per file of attachments.max_files (a sheet is its XML,
# often its rels and a drawing): a workbook of 1,000 sheets (12 years of monthly sheets and more) was
# refused whole as a bomb, its first sheets too; its sheets past max_files are set aside now, counted
_PARTS_PER_FILE = 20
# seconds the RAR readers of one attachment may take in all (each is stopped at RAR_SECONDS), as PDFs'
_RAR_SECONDS_PER_ATTACHMENT = 60.0
# the types `expand_attachment` opens rather than passes on as they are
UNPACKED_TYPES = frozenset(_ARCHIVES + _WORKBOOKS + _DOCUMENTS + _DATABASES + _RTF)
# pages of a PDF read at most, per file of attachments.max_files (2,000 by default); a PDF that
# declares more is refused before a page is read
_PAGES_PER_FILE = 20
# seconds the PDF readers of one attachment may take in all: each is stopped at PDF_SECONDS, and an
# archive of 100 PDFs that each hang would otherwise hold the crawl (whose event loop waits on them)
# for over half an hour; the PDFs left when it is spent are set aside, counted
_PDF_SECONDS_PER_ATTACHMENT = 60.0
# CPU seconds the in-process readers (SQLite's, RTF's) of one attachment may take in all: each file is
# stopped at its reader's SECONDS, and an archive of 100 crafted databases would otherwise hold the
# crawl for 100 times that (attacker's review round 18); the files left when it is spent are set aside
_READER_SECONDS_PER_ATTACHMENT = 60.0
# an .xz names its decoder's memory need in its header: more than this is refused (xz -9: ~65 MB)
_XZ_MEMLIMIT = 128 * 1024 * 1024
# compressed streams in one .bz2/.xz at most (pbzip2 writes one per 900 kB block: ~220 for the
# default 200 MB cap)
_STREAMS_MAX = 4096
_NOT_ZERO = re.compile(rb"[^\0]")
# entries of a tar (directories and links included) read at most, per file of attachments.max_files
_TAR_ENTRIES_PER_FILE = 10
# candidate passwords tried per encrypted archive at most, each once (`expand_attachment(passwords=)`)
MAX_PASSWORDS = 4
_PASSWORD_CHARS = 128
# the zip method number of WinZip's AES encryption (APPNOTE 4.4.5): its members are read by pyzipper
_ZIP_AES = 99
# what the archive and XML readers raise on corrupt input beyond their own error types (a seek before
# the start, a short struct, a missing member, a cut stream); never our caps' errors, which are
# AttachmentErrors already, nor MemoryError
_PARSER_ERRORS = (ValueError, LookupError, EOFError, OSError, RuntimeError, NotImplementedError, struct.error,
                  zlib.error, lzma.LZMAError, tarfile.TarError, zipfile.BadZipFile)


class AttachmentError(CrawlerError):
    """An attachment could not be turned into files (corrupt archive, unsupported type)."""


class ArchiveBombError(AttachmentError):
    """An archive exceeds a cap (size, count, nesting): skipped, never expanded."""


class LinesTooLong(AttachmentError):
    """A file read in part only: lines longer than the detector reads (`Limits.max_line_chars`),
    of which only the head is read. Set aside with the parts that could not be read, so that the
    crawl counts it (`refused: lines_too_long`) as `vigie scan` says it (exit 1); the file itself
    is still read."""


@dataclass(frozen=True)
class ExtractedFile:
    filename: str  # "outer.zip/inner/clients.csv" for archive members
    data: bytes


def extension_of(filename: str) -> str:
    """`base.sql.gz` -> `gz`; `` for no extension."""
    name = filename.rsplit("/", 1)[-1].lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


class _GiveUp(Exception):  # internal: never leaves expand_attachment
    """Too many members set aside, or the byte budget spent: the rest of the archive is not read."""


class _Passwords:
    """The candidate passwords of one encrypted archive: each is tried once (on the first encrypted
    member it is needed for); the one that opens a member is tried first on the next ones. Never
    logged: which candidate opened the archive is said by its rank only."""

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        self.count = len(candidates)
        self.untried = list(candidates)
        self.found: str | None = None
        self.aes: zipfile.ZipFile | None = None  # pyzipper's reading of the zip, for its WinZip AES members

    def to_try(self) -> list[str]:
        return [self.found] if self.found is not None else list(self.untried)

    def failed(self, password: str) -> None:
        if password in self.untried:
            self.untried.remove(password)

    def opened(self, password: str) -> None:
        if self.found is None:
            self.found = password
            self.untried = []
            logger.debug("{}: encrypted; opened with the password candidate {} of {} given beside it",
                         mask_text(self.name), self.candidates.index(password) + 1, self.count)

    def refusal(self, where: str, what: str = "encrypted; cannot be extracted", after: str = "") -> AttachmentError:
        """The counted failure of an archive (or member) no candidate opened; `after`, what else is
        known (a candidate that passed the check bytes and then failed)."""
        said = (f"none of the {self.count} password(s) given beside it opened it" if self.count
                else "no password was given beside it")
        return AttachmentError(f"{where}: {what} ({said}{after})")


class _Budget:
    def __init__(self, limits: AttachmentLimits, skipped: list[AttachmentError] | None = None,
                 passwords: Sequence[str] = ()) -> None:
        self.limits = limits
        self.passwords = tuple(passwords)
        self.total = 0
        self.files = 0
        self.skipped = skipped
        self.pdf_seconds = _PDF_SECONDS_PER_ATTACHMENT  # left for this attachment's PDF readers
        self.rar_seconds = _RAR_SECONDS_PER_ATTACHMENT  # left for its RAR readers
        self.reader_seconds = _READER_SECONDS_PER_ATTACHMENT  # left for its SQLite and RTF readers (CPU)

    def reader_time(self, name: str) -> float:
        """The CPU seconds the next in-process reader may take, or the refusal once they are spent."""
        if self.reader_seconds < 1:
            raise AttachmentError(f"{name}: not read: this attachment's databases and documents took the "
                                  f"{_READER_SECONDS_PER_ATTACHMENT:.0f} CPU seconds their readers may take in all")
        return self.reader_seconds

    def skip(self, exc: AttachmentError) -> None:
        """Set one member aside (see the module docstring); give up on the rest past the caps."""
        assert self.skipped is not None
        self.skipped.append(exc)
        if self.total > self.limits.max_uncompressed_bytes:
            raise _GiveUp
        if len(self.skipped) > self.limits.max_files:
            self.skipped.append(ArchiveBombError(
                f"more than {self.limits.max_files} members could not be read (attachments.max_files); "
                "the rest of the archive was not read"))
            raise _GiveUp

    def spend(self, n: int, where: str) -> None:
        self.total += n
        if self.total > self.limits.max_uncompressed_bytes:
            raise ArchiveBombError(
                f"{where}: more than {self.limits.max_uncompressed_bytes} bytes once decompressed "
                "(attachments.max_uncompressed_bytes); refused without expanding further")

    def count(self, where: str) -> None:
        self.files += 1
        if self.files > self.limits.max_files:
            raise ArchiveBombError(f"{where}: more than {self.limits.max_files} files (attachments.max_files)")


def expand_attachment(filename: str, data: bytes, limits: AttachmentLimits,
                      skipped: list[AttachmentError] | None = None,
                      passwords: Sequence[str] = ()) -> list[ExtractedFile]:
    """Files to index from one downloaded attachment (the file itself, or an archive's members).

    Raises `ArchiveBombError` when a cap is exceeded, `AttachmentError` when it is corrupt.
    With `skipped` (a list the caller logs and counts), a member that cannot be read is added
    to it and the others are read; it raises only when nothing could be read.
    `passwords`: candidates for an encrypted zip (ZipCrypto or WinZip AES) or 7z (not RAR: libarchive
    decrypts none), as posted beside it (the first `MAX_PASSWORDS`, each tried once per archive); what
    they decrypt is within the same caps. They are never logged: an archive opened is said at DEBUG
    by the candidate's rank.
    """
    if len(data) > limits.max_bytes:
        raise ArchiveBombError(f"{filename}: {len(data)} bytes > attachments.max_bytes={limits.max_bytes}")
    candidates = list(dict.fromkeys(p for p in passwords if p and len(p) <= _PASSWORD_CHARS))[:MAX_PASSWORDS]
    budget = _Budget(limits, skipped, candidates)
    out: list[ExtractedFile] = []
    try:
        _expand(filename, data, limits, budget, 0, out)
    except _GiveUp:
        pass
    except _PARSER_ERRORS as exc:
        # the standard library's readers fail on hostile bytes in ways their documentation does not
        # list (zipfile: "negative seek value" on a forged header offset, found by tests/fuzz.py):
        # each is this attachment's corruption, counted and logged by the caller as one
        raise AttachmentError(f"{filename}: corrupt, cannot be unpacked ({type(exc).__name__}: {exc})") from exc
    if skipped and not out:
        raise skipped[0]
    if skipped is not None:
        for f in out:
            said = long_lines_said(f.data, f.filename)
            if said is not None:
                skipped.append(LinesTooLong(f"{f.filename}: {said}"))
    return out


def long_lines_said(data: bytes, filename: str | None = None) -> str | None:
    """What to say of a file's lines longer than the detector reads (`Limits.max_line_chars`
    characters, SQL INSERT lines aside), None when it has none: `vigie scan` and the crawl say it
    in the same words. A file over `DEFAULT_THRESHOLD_BYTES` is detected in chunks, its raw lines
    cut as `indexer.detect.parallel` cuts them; a smaller one in one `detect()` call, which cuts
    the lines of its decoded text (an HTML page's once its tags are stripped)."""
    from indexer.decode import Limits, decode
    from indexer.detect.caps import json_past_cap
    from indexer.detect.parallel import DEFAULT_THRESHOLD_BYTES, StreamStats, chunks

    cap = Limits().max_line_chars
    if not _has_long_run(data, cap):  # bytes: a line of more characters has at least as many
        return None
    if len(data) > DEFAULT_THRESHOLD_BYTES or json_past_cap(data):  # (read in chunks: `caps.json_past_cap`)
        stats = StreamStats()
        for _ in chunks([data], stats=stats):
            pass
        return long_lines_text(stats.long_lines, stats.bytes_skipped) if stats.long_lines else None
    from indexer.detect.records import _LONG_JSON_RECORDS, is_long_json_records, long_json_unread

    text = decode(data, filename=filename)
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    long = [ln for ln in text.split("\n") if len(ln) > cap and ln.lstrip()[:6].upper() not in ("INSERT", "REPLAC")]
    # a one-line JSON export is read whole, record by record (as the stream's chunks cut it): said
    # only for the objects past those `detect()` reads of one line
    json_lines = [ln for ln in long if is_long_json_records(ln)]
    unread = sum(long_json_unread(ln) for ln in json_lines)
    long = [ln for ln in long if not is_long_json_records(ln)] if json_lines else long
    said = [long_lines_text(len(long), sum(len(ln[cap:].encode("utf-8", "replace")) for ln in long))] if long else []
    if unread:
        said.append(f"a one-line JSON value of more than {_LONG_JSON_RECORDS:,} objects: {unread:,} object(s) "
                    "past those were not read")
    return "; ".join(said) or None


def long_lines_text(count: int, bytes_skipped: int) -> str:
    from indexer.decode import Limits

    return (f"{count} line(s) longer than {Limits().max_line_chars:,} characters: only the head of each was "
            f"read ({bytes_skipped:,} bytes not read)")


def _has_long_run(data: bytes, cap: int) -> bool:
    """Whether `data` has more than `cap` bytes without a line feed: a window of `cap` + 1 bytes
    from a line's start at a time, found in C (no copy, linear)."""
    pos = 0
    while len(data) - pos > cap:
        last = data.rfind(b"\n", pos, pos + cap + 1)
        if last < 0:
            return True
        pos = last + 1
    return False


def _guarded(budget: _Budget, where: str, step: Callable[[], None]) -> None:
    """Run one member's `step`; when the caller collects them, a member that fails is set aside
    (`_Budget.skip`) rather than failing the archive."""
    if budget.skipped is None:
        step()
        return
    try:
        step()
    except AttachmentError as exc:
        budget.skip(exc)
    except _PARSER_ERRORS as exc:
        budget.skip(AttachmentError(f"{where}: corrupt, cannot be unpacked ({type(exc).__name__}: {exc})"))


# What a file's first bytes say it is (its magic number), whatever its name says: a seller renames a
# zip `photo.jpg` or gzips `clients.txt`, and a file named for a format it is not (a CSV called
# `.pdf`) was refused as corrupt: each hid a whole dump (wave 24's blind probe, set 4c).
_MAGIC = ((b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"),
          (b"\x1f\x8b\x08", "gz"), (b"\xfd7zXZ\x00", "xz"), (b"%PDF-", "pdf"), (b"SQLite format 3\x00", "sqlite"),
          (b"{\\rtf", "rtf"))
_BZIP2 = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")  # a block's magic, or an empty stream's end
# the formats that are zips inside: a zip named so is read as its name says
_ZIP_FORMATS = frozenset({*_WORKBOOKS, "docx", "odt"})
# ...when it holds one of their parts: OOXML's `[Content_Types].xml`, `xl/` or `word/` parts, ODF's
# `mimetype`, manifest or `content.xml` (member names: never compressed, in the local headers and
# the central directory)
_ZIP_FORMAT_MARK = re.compile(rb"\[Content_Types\]\.xml|xl/|word/|META-INF/manifest\.xml|mimetype|content\.xml")
# bytes a text file does not hold (a NUL, control characters but tab, line ends, form feed, escape)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")
_OPENED = UNPACKED_TYPES | IMAGE_TYPES  # (what a text named so would be refused as, images too)


def content_kind(name: str, data: bytes) -> str:
    """The format to read `data` as: the one its magic number says when that differs from its name's
    extension (a zip named .jpg is a zip, an .xlsx is a zip and stays an .xlsx, a gzip named .txt
    is a gzip), a JPEG or other file with a zip appended (a polyglot: zip readers find the archive
    from its end) a zip, a file named for a format it opens that holds text (a CSV named .pdf)
    "txt", else its name's extension."""
    ext = extension_of(name)
    head = data[:16]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "zip" and ext in _ZIP_FORMATS and _ZIP_FORMAT_MARK.search(data) is not None:
                return ext
            if kind == "gz" and ext == "tgz":
                return ext
            return kind
    if _BZIP2.match(head):
        return "bz2"
    if data[257:262] == b"ustar":
        return "tar"
    if ext == "pdf" and b"%PDF-" in data[:1024]:  # (readers allow bytes before the header)
        return ext
    if ext not in _ARCHIVES and b"PK\x05\x06" in data[-65_558:] and b"PK\x03\x04" in data:
        return "zip"  # (zipfile opens an archive after a prefix: what `copy /b img.jpg+x.zip` gives)
    if ext in _OPENED:
        sample = data[:4096]
        if sample and len(sample.translate(None, _CONTROL)) >= 0.98 * len(sample) and b"\x00" not in sample:
            return "txt"
    return ext


def archive_by_bytes(data: bytes) -> str | None:
    """The archive or PDF `data` is by its magic number (zip, 7z, rar, gz, bz2, tar; a zip appended
    to another file too), whatever it is served or named as; None for anything else: a raw paste
    or a page answered as `text/html` or `text/plain` with an archive's bytes is read as the archive
    (`crawler.spiders.paste`), and never decoded as text on its way there (`CharsetMiddleware`)."""
    if data[:5] == b"%PDF-":
        return "pdf"
    kind = content_kind("", data)
    return kind if kind in ARCHIVE_TYPES else None


def file_kind(path: Path) -> str:
    """`content_kind` of a file on disk from its head and its tail (where a zip appended to another
    file keeps its directory), without reading the rest: `vigie scan` decides so whether to unpack
    a file or stream it as text."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        size = fh.seek(0, os.SEEK_END)
        if size <= len(head):
            return content_kind(path.name, head)
        fh.seek(max(len(head), size - 65_558))
        return content_kind(path.name, head + fh.read())


def _renamed(name: str, kind: str) -> str:
    """`name` as the format it was found to be, for what is read from it (a gzip's inner name)."""
    return name if extension_of(name) == kind else f"{name}.{kind}"


def _expand(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
            out: list[ExtractedFile], whole: bool = False) -> None:
    """`whole`: `data` is what a compressed file (.gz, .bz2, .xz) held, read whatever its name says, as
    the attachment itself would be (`clients.gz` holds `clients`, a name of no type)."""
    ext = content_kind(name, data)
    if ext != extension_of(name) and ext != "txt" and not (ext == "sqlite" and extension_of(name) in _DATABASE_NAMES):
        if ext not in limits.extensions:
            # the operator's list says which readers run (each is attack surface: libarchive for RAR,
            # a PDF parser); a hostile site naming a RAR `clients.csv` does not choose one it left out
            raise AttachmentError(f"{name}: a {ext} file by its bytes, a type not in attachments.extensions; "
                                  "not read")
        name = _renamed(name, ext)
    if ext in _ARCHIVES:
        if depth >= limits.max_nesting + 1:
            raise ArchiveBombError(f"{name}: archives nested deeper than attachments.max_nesting={limits.max_nesting}")
        if ext == "zip":
            _expand_zip(name, data, limits, budget, depth, out)
        elif ext == "7z":
            _expand_7z(name, data, limits, budget, depth, out)
        elif ext == "rar":
            _expand_rar(name, data, limits, budget, depth, out)
        elif ext == "tar":
            _expand_tar(name, data, limits, budget, depth, out)
        else:  # one compressed file: base.sql.gz -> base.sql, dump.tgz -> dump.tar, x.csv.bz2, y.tar.xz
            inner_name = name[: -len(".tgz")] + ".tar" if ext == "tgz" else name[: -len(ext) - 1]
            inner = _gunzip(name, data, budget) if ext in ("gz", "tgz") else _unpack_stream(name, data, budget, ext)
            # a compressed tar is one archive, not one inside another (max_nesting: 0 reads a .tar.gz), when
            # it holds a tar: `x.tar.gz` holding a gzip was its own `x.tar.gz` again at the same depth, a
            # chain of them (or a gzip quine) past attachments.max_nesting, to Python's recursion limit
            tar = extension_of(inner_name) == "tar" and content_kind(inner_name, inner) == "tar"
            _expand(inner_name, inner, limits, budget, depth + (not tar), out, whole=True)
        return
    if ext not in limits.extensions and depth > 0 and ext != "txt" and not whole:
        return  # archive members of other types are skipped, not indexed
    if ext in IMAGE_TYPES:
        return  # an image that hides no archive (`content_kind` found none): no text to read
    if ext in _WORKBOOKS:
        _expand_workbook(name, data, limits, budget, out)
        return
    if ext == "pdf":
        _expand_pdf(name, data, limits, budget, depth, out)
        return
    if ext in _DOCUMENTS:
        _expand_document(name, data, limits, budget, out)
        return
    if ext in _DATABASES:
        _expand_sqlite(name, data, limits, budget, out)
        return
    if ext in _RTF:
        _expand_rtf(name, data, limits, budget, out)
        return
    budget.count(name)
    out.append(ExtractedFile(name, data))


def _gunzip(name: str, data: bytes, budget: _Budget) -> bytes:
    """A .gz file: its members one after another, as gzip(1) reads them (`cat a.gz b.gz`, pigz
    -i and bgzip write several; only the first used to be read, the rest of the dump silently
    lost), within the budget and at most `_STREAMS_MAX` members (an empty member is ~20 bytes
    the budget never sees). Bytes after a member that do not start another (zero padding) are
    ignored, as gzip(1) does; a member cut short keeps what it gave, as before."""
    parts: list[bytes] = []
    view = memoryview(data)
    pos = members = 0
    try:
        while pos < len(data):
            members += 1
            if members > _STREAMS_MAX:
                raise ArchiveBombError(f"{name}: more than {_STREAMS_MAX} gzip members; refused")
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            end = None
            for start in range(pos, len(data), _CHUNK):
                stop = min(start + _CHUNK, len(data))
                chunk = decomp.decompress(view[start:stop], _CHUNK)
                budget.spend(len(chunk), name)
                parts.append(chunk)
                while decomp.unconsumed_tail and not decomp.eof:
                    chunk = decomp.decompress(decomp.unconsumed_tail, _CHUNK)
                    budget.spend(len(chunk), name)
                    parts.append(chunk)
                if decomp.eof:
                    end = stop - len(decomp.unused_data)
                    break
            if end is None or data[end:end + 2] != b"\x1f\x8b":
                break
            pos = end
    except zlib.error as exc:
        raise AttachmentError(f"{name}: not a valid gzip file ({exc})") from exc
    return b"".join(parts)


def _end_records(data: bytes) -> tuple[int, int, int] | None:
    """(where the central directory ends, its size, its offset) as the end record states them, found
    where zipfile looks for it (at the end, else the last signature in the trailing 64 kB comment; the
    zip64 record just before its locator, where the directory then ends); None when there is none."""
    end = len(data) - 22
    if not (end >= 0 and data[end:end + 4] == b"PK\x05\x06" and data[-2:] == b"\0\0"):
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65536 - 22))
    if end < 0 or end + 22 > len(data):
        return None
    size, offset = struct.unpack_from("<LL", data, end + 12)
    z64 = end - 20 - 56
    if z64 >= 0 and data[end - 20:end - 16] == b"PK\x06\x07" and data[z64:z64 + 4] == b"PK\x06\x06":
        size, offset = struct.unpack_from("<QQ", data, z64 + 40)  # more than 65,535 entries
        end = z64
    return end, size, offset


def _directory_size(data: bytes) -> int:
    """The size of the central directory as the end record states it (`_end_records`); 0 when there
    is none (ZipFile then says what is wrong)."""
    found = _end_records(data)
    return found[1] if found is not None else 0


_CD_ENTRY = struct.Struct("<4s16xLLHHH8xL")  # a central directory entry's fixed 46 bytes, the fields read here


def _without_empty_entries(name: str, data: bytes) -> bytes | None:
    """`data` (a zip whose central directory is too big for `attachments.max_files`) with its
    directory rewritten without its empty entries and directories, None when it has none to drop
    (or is a zip64, or its directory cannot be walked: the caller refuses it as before).

    Why: 100,000 empty files beside one dump made the directory too big, and the zip was refused
    whole as a bomb, the dump with it: padding an archive with empty entries hid what it held.
    An empty entry holds nothing to read (zipfile reads a member up to its declared size), a
    directory neither; the members kept are found at the same offsets (the bytes before the
    directory are unchanged). Walked with `struct`, linear: 100,000 entries in ~0.1 s."""
    found = _end_records(data)
    if found is None:
        return None
    end, size, offset = found
    start = end - size
    if start < 0 or offset >= 0xFFFFFFFF:
        return None
    kept: list[bytes] = []
    dropped = 0
    view = memoryview(data)
    pos = start
    while pos + 46 <= end:
        sig, packed, unpacked, n, extra, comment, _ = _CD_ENTRY.unpack_from(data, pos)
        if sig != b"PK\x01\x02":
            return None
        length = 46 + n + extra + comment
        if unpacked == 0 and packed <= 2:  # (a deflated empty file is 2 bytes)
            dropped += 1
        else:
            kept.append(bytes(view[pos:pos + length]))
        pos += length
    if not dropped or not kept or pos != end or len(kept) > 0xFFFF:  # (nothing but empties: refused as before)
        return None
    directory = b"".join(kept)
    logger.info("{}: {} empty entries and directories not counted against attachments.max_files", name, dropped)
    return (data[:start] + directory
            + struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, len(kept), len(kept), len(directory), offset, 0))


def _open_zip(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget,
              what: str = "files") -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The zip and its members, once its directory and declared sizes are within the caps."""
    # ZipFile builds an object per entry before the file count can be checked: 300,000 empty
    # entries (26 MB) took 8 s of CPU and 150 MB to refuse
    per = _PARTS_PER_FILE if what == "parts" else 1
    opened = data
    if _directory_size(data) > limits.max_files * per * _DIRECTORY_BYTES_PER_FILE:
        opened = _without_empty_entries(name, data) or data
    _refuse_directory(name, "a central directory", _directory_size(opened), limits, what, per)
    try:
        archive = zipfile.ZipFile(io.BytesIO(opened))
    except zipfile.BadZipFile as exc:
        raise AttachmentError(f"{name}: not a valid zip file ({exc})") from exc
    members = [i for i in archive.infolist() if not i.is_dir()]
    try:
        _refuse_declared(name, len(members), sum(i.file_size for i in members), limits, budget, what, per)
    except ArchiveBombError:
        archive.close()
        raise
    return archive, members


def _refuse_directory(name: str, kind: str, size: int, limits: AttachmentLimits, what: str = "files",
                      per: int = 1) -> None:
    """An archive's directory (a zip's central one, a 7z header) of more bytes than
    `attachments.max_files` entries (`per` entries each) need is refused before its reader builds an
    object per entry."""
    if size > limits.max_files * per * _DIRECTORY_BYTES_PER_FILE:
        raise ArchiveBombError(f"{name}: {kind} of {size} bytes, more than {_of_max_files(limits, per)} {what} "
                               "need; refused without reading it")


def _of_max_files(limits: AttachmentLimits, per: int) -> str:
    return (f"attachments.max_files={limits.max_files}" if per == 1
            else f"{limits.max_files * per} ({per} per file of attachments.max_files={limits.max_files})")


def _refuse_declared(name: str, count: int, declared: int, limits: AttachmentLimits, budget: _Budget,
                     what: str = "files", per: int = 1) -> None:
    """An archive that declares more members or uncompressed bytes than the caps allow is refused
    before anything is inflated (what is inflated is counted again: sizes can lie)."""
    if count > limits.max_files * per:
        raise ArchiveBombError(f"{name}: declares {count} {what} > {_of_max_files(limits, per)}")
    if budget.total + declared > limits.max_uncompressed_bytes:
        raise ArchiveBombError(
            f"{name}: declares {declared} uncompressed bytes > attachments.max_uncompressed_bytes="
            f"{limits.max_uncompressed_bytes}; refused without expanding")


def _member(archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, where: str, budget: _Budget,
            keys: _Passwords | None = None) -> bytes:
    """One member's bytes, each decompressed chunk counted against the budget; an encrypted one
    with the archive's candidate passwords (`keys`)."""
    if info.flag_bits & 0x1:
        return _encrypted_member(archive, info, where, budget, keys)
    if info.compress_type in _OWN_METHODS:
        return _inflate_bounded(data, info, where, budget)
    if info.compress_type not in _BOUNDED_METHODS:
        raise AttachmentError(f"{where}: compressed with zip method {info.compress_type}, which "
                              "Vigie does not read (stored, deflated, bzip2 and LZMA members are read)")
    try:
        with archive.open(info) as fh:
            return _read_counted(fh, where, budget)  # enforced while inflating: sizes can lie
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
        raise AttachmentError(f"{where}: cannot be extracted ({exc})") from exc


def _encrypted_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: _Budget,
                      keys: _Passwords | None) -> bytes:
    """An encrypted member (ZipCrypto: zipfile decrypts it as it inflates; WinZip AES: pyzipper, a
    fork of zipfile, does; either way the output is counted and bounded as an unencrypted member's),
    with each candidate not yet tried on this archive. A wrong password is told by the check bytes
    (ZipCrypto's one byte lets 1 in 256 through: then by the inflater or the CRC, and the bytes it
    made are taken off the budget again; the next candidates are still tried). A bomb stops at the
    cap whichever password made it."""
    if keys is None or not keys.count:
        raise AttachmentError(f"{where}: encrypted; cannot be extracted (no password was given beside it)")
    reader = archive
    wrong: tuple[type[Exception], ...] = (RuntimeError, zipfile.BadZipFile, zlib.error, EOFError)
    if info.compress_type == _ZIP_AES:
        import pyzipper  # type: ignore[import-untyped]  # here: only an AES zip needs it

        wrong += (pyzipper.BadZipFile,)  # its own class: a bad HMAC (a wrong key, or altered bytes) too
        try:
            if keys.aes is None:
                keys.aes = pyzipper.AESZipFile(archive.fp)  # the same BytesIO, read by pyzipper (it seeks per read)
            reader = keys.aes
            info = reader.getinfo(info.filename)  # its method is the one under the encryption
        except pyzipper.BadZipFile as exc:
            raise AttachmentError(f"{where}: corrupt, cannot be unpacked (BadZipFile: {exc})") from exc
    if info.compress_type not in _BOUNDED_METHODS:
        raise AttachmentError(f"{where}: encrypted and compressed with zip method {info.compress_type}, which "
                              "Vigie does not read encrypted (stored and deflated members are)")
    checked: tuple[str, Exception] | None = None  # the first candidate that passed the check bytes, and how it failed
    for password in keys.to_try():
        spent = budget.total
        try:
            fh = reader.open(info, pwd=password.encode("utf-8"))
        except wrong:  # refused by the check bytes
            keys.failed(password)
            continue
        try:
            with fh:
                body = _read_counted(fh, where, budget)
        except wrong as exc:  # past the check, failed by the inflater, the CRC or AES's HMAC
            budget.total = spent
            keys.failed(password)
            checked = checked or (password, exc)
            continue
        keys.opened(password)
        return body
    if checked is not None:
        # None did better. Either that candidate is wrong and passed the check by chance (ZipCrypto's
        # one check byte lets 1 wrong password in 256 through: CI met it) or it is right and the
        # member corrupt; nothing tells which, so the refusal says both. It stays the one tried on
        # the next members: if it is right, they open with it.
        keys.opened(checked[0])
        rank = keys.candidates.index(checked[0]) + 1
        raise keys.refusal(where, after=f"; candidate {rank} passed the check bytes, then failed "
                                        f"({type(checked[1]).__name__}: {checked[1]}): a wrong password "
                                        "or a corrupt member")
    raise keys.refusal(where)


def _expand_zip(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
                out: list[ExtractedFile]) -> None:
    archive, members = _open_zip(name, data, limits, budget)
    keys = _Passwords(name, budget.passwords)
    with archive:
        for info in members:
            member_name = f"{name}/{member_label(info.filename)}"
            if extension_of(info.filename) not in limits.extensions:
                continue

            def step(info: zipfile.ZipInfo = info, member_name: str = member_name) -> None:
                _expand(member_name, _member(archive, data, info, member_name, budget, keys), limits, budget,
                        depth + 1, out)
            _guarded(budget, member_name, step)


def _part_reader(archive: zipfile.ZipFile, data: bytes, infos: dict[str, zipfile.ZipInfo], name: str,
                 budget: _Budget) -> Callable[[str], bytes | None]:
    """How a workbook's or a document's reader gets one of its zip's parts (None: not there),
    read within the budget as an archive's member is."""
    def read(part: str) -> bytes | None:
        info = infos.get(part)
        return None if info is None else _member(archive, data, info, f"{name}/{part}", budget)
    return read


def _expand_workbook(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget,
                     out: list[ExtractedFile]) -> None:
    """A spreadsheet's sheets, each as a tab-separated table (`crawler.spreadsheets`): the
    parts it needs are read within the same caps as an archive's members, and each sheet
    counts as a file and its table's bytes against the budget."""
    archive, members = _open_zip(name, data, limits, budget, what="parts")
    with archive:
        infos = {i.filename: i for i in members}
        read = _part_reader(archive, data, infos, name, budget)

        def skip(exc: SpreadsheetError) -> None:  # (a sheet whose text passes the budget: counted as a bomb)
            budget.skip((ArchiveBombError if isinstance(exc, SpreadsheetCapError) else AttachmentError)(str(exc)))

        def room() -> int:  # a sheet's text is refused as it is built past this, not once built
            return max(0, limits.max_uncompressed_bytes - budget.total)
        on_skip = skip if budget.skipped is not None else None
        tables = (ods_tables(name, read, on_skip, room) if extension_of(name) == "ods"
                  else xlsx_tables(name, read, list(infos), on_skip, room))
        try:
            read_sheets: list[tuple[str, bytes]] = []
            for sheet, table in tables:
                where = f"{name}/{sheet}.tsv"
                if budget.files >= limits.max_files and read_sheets and budget.skipped is not None:
                    budget.skipped.append(ArchiveBombError(
                        f"{name}: more than {limits.max_files} sheets with rows (attachments.max_files): the first "
                        f"{len(read_sheets)} read, from {sheet!r} on not read"))
                    break
                budget.count(where)
                budget.spend(len(table), where)
                read_sheets.append((sheet, table))
            for (sheet, table), (_, alone) in zip(join_sheets(read_sheets), read_sheets, strict=True):
                where = f"{name}/{sheet}.tsv"
                if table is not alone:  # a sheet read with the rows its key points to (`join_sheets`)
                    budget.spend(len(table) - len(alone), where)
                out.append(ExtractedFile(where, table))
        except SpreadsheetCapError as exc:
            raise ArchiveBombError(str(exc)) from exc
        except SpreadsheetError as exc:
            raise AttachmentError(str(exc)) from exc


def _expand_document(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget,
                     out: list[ExtractedFile]) -> None:
    """A Word or OpenDocument text's parts as text (`crawler.documents`), read from its zip within
    the same caps as an archive's members; the document counts as one file, its text against the
    budget."""
    archive, members = _open_zip(name, data, limits, budget, what="parts")
    with archive:
        infos = {i.filename: i for i in members}
        read = _part_reader(archive, data, infos, name, budget)
        budget.count(name)
        def room() -> int:  # an .odt's repeated table cells: refused as its text is built past this
            return max(0, limits.max_uncompressed_bytes - budget.total)
        texts = (odt_texts(name, read, room) if extension_of(name) == "odt"
                 else docx_texts(name, read, list(infos)))
        try:
            for part, text in texts:
                where = f"{name}/{part}"
                budget.spend(len(text), where)
                out.append(ExtractedFile(where, text))
        except DocumentCapError as exc:
            raise ArchiveBombError(str(exc)) from exc
        except (DocumentError, SpreadsheetError) as exc:
            raise AttachmentError(str(exc)) from exc


def _expand_pdf(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
                out: list[ExtractedFile]) -> None:
    """A PDF's pages with text, `NAME/page-3.txt`, read in a process of its own (`crawler.documents.
    pdf_pages`) within the budget's bytes and `_PAGES_PER_FILE` pages per file of max_files. A reader
    that stopped part way (a crash, a time-out, the text cap) keeps the pages it read when the
    caller collects the parts set aside (the rest is one of them); else the PDF is refused whole.

    The files a PDF embeds (its attachments: a leak's CSV behind a one-page cover) are read as an
    archive's members are, `NAME/clients.csv`, one level deeper (a PDF is refused its embedded files
    past `attachments.max_nesting`, as an archive would be), within the same caps."""
    budget.count(name)
    if budget.pdf_seconds < 1:
        raise AttachmentError(f"{name}: not read: this attachment's PDFs took the {_PDF_SECONDS_PER_ATTACHMENT:.0f} s "
                              "their readers may take in all")
    max_pages = limits.max_files * _PAGES_PER_FILE
    started = time.monotonic()
    try:
        read = pdf_pages(name, data, max_pages=max_pages, seconds=min(PDF_SECONDS, int(budget.pdf_seconds)),
                         max_text=max(0, limits.max_uncompressed_bytes - budget.total),
                         max_files=max(1, limits.max_files - budget.files))
    finally:
        budget.pdf_seconds -= time.monotonic() - started
    error: AttachmentError | None = None
    if read.error is not None:
        error = (ArchiveBombError if isinstance(read.error, DocumentCapError) else AttachmentError)(
            f"{read.error} (at most {max_pages} pages: {_PAGES_PER_FILE} per file of attachments.max_files, "
            f"{limits.max_uncompressed_bytes} bytes of text: attachments.max_uncompressed_bytes)"
            if isinstance(read.error, DocumentCapError) and "embeds" not in str(read.error)
            else f"{read.error} (attachments.max_files)" if isinstance(read.error, DocumentCapError)
            else str(read.error))
        if not (read.pages or read.files) or budget.skipped is None:
            raise error
    for page, text in read.pages:
        where = f"{name}/page-{page}.txt"
        budget.spend(len(text), where)
        out.append(ExtractedFile(where, text))
    if read.files and depth >= limits.max_nesting + 1:
        too_deep = ArchiveBombError(f"{name}: a PDF embedding {len(read.files)} file(s), nested deeper than "
                                    f"attachments.max_nesting={limits.max_nesting}; its embedded files not read")
        if budget.skipped is None:
            raise too_deep
        budget.skip(too_deep)
    else:
        for embedded, body in read.files:
            where = f"{name}/{member_label(embedded)}"

            def step(where: str = where, body: bytes = body) -> None:
                budget.spend(len(body), where)
                _expand(where, body, limits, budget, depth + 1, out)
            _guarded(budget, where, step)
    if error is not None:
        budget.skip(error)


def _expand_sqlite(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget,
                   out: list[ExtractedFile]) -> None:
    """A SQLite database's tables, each as a tab-separated table under its column names
    (`crawler.databases`: read locked down, from a private copy in memory); each table counts as a
    file and its text against the budget. Tables it could not read (past the caps, corrupt) are set
    aside, counted, when the caller collects them and some were read; else the file is refused."""
    left_seconds, started = budget.reader_time(name), time.thread_time()
    try:
        read = sqlite_tables(name, data, max_tables=max(1, limits.max_files - budget.files),
                             room=max(0, limits.max_uncompressed_bytes - budget.total),
                             seconds=min(DATABASE_SECONDS, left_seconds))
    except DatabaseError as exc:
        raise AttachmentError(str(exc)) from exc
    finally:
        budget.reader_seconds -= time.thread_time() - started
    for table, text in read.tables:
        where = f"{name}/{_safe_name(table)}.tsv"
        budget.count(where)
        budget.spend(len(text), where)
        out.append(ExtractedFile(where, text))
    left = [(ArchiveBombError if isinstance(e, DatabaseCapError) else AttachmentError)(str(e)) for e in read.left]
    if left and (budget.skipped is None or not read.tables):
        raise left[0]
    for refusal in left:
        budget.skip(refusal)


def _expand_rtf(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, out: list[ExtractedFile]) -> None:
    """An RTF document's text, `NAME/document.txt` (`crawler.rtf`: tables as rows of cells), counted as
    one file, its text against the budget."""
    budget.count(name)
    left_seconds, started = budget.reader_time(name), time.thread_time()
    try:
        text = rtf_text(name, data, room=max(0, limits.max_uncompressed_bytes - budget.total),
                        seconds=min(RTF_SECONDS, left_seconds))
    except RtfCapError as exc:
        raise ArchiveBombError(str(exc)) from exc
    except RtfError as exc:
        raise AttachmentError(str(exc)) from exc
    finally:
        budget.reader_seconds -= time.thread_time() - started
    where = f"{name}/document.txt"
    budget.spend(len(text), where)
    out.append(ExtractedFile(where, text))


def _raw_member(data: bytes, info: zipfile.ZipInfo, where: str) -> memoryview:
    """A member's compressed bytes, where its local header says they start (APPNOTE 4.3.7)."""
    if info.flag_bits & 0x1:
        raise AttachmentError(f"{where}: encrypted; cannot be extracted")
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise AttachmentError(f"{where}: no local file header where the central directory says; corrupt zip")
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    if start + info.compress_size > len(data):
        raise AttachmentError(f"{where}: the zip is cut short ({info.compress_size} compressed bytes declared)")
    return memoryview(data)[start:start + info.compress_size]


_Decompressor = bz2.BZ2Decompressor | lzma.LZMADecompressor


def _decompressor(info: zipfile.ZipInfo, raw: memoryview) -> tuple[_Decompressor, memoryview]:
    if info.compress_type == zipfile.ZIP_BZIP2:
        return bz2.BZ2Decompressor(), raw
    # LZMA in a zip (APPNOTE 5.8.8): a 2-byte version, a 2-byte properties size, the properties,
    # then a raw LZMA1 stream (as zipfile reads it)
    if len(raw) < 4:
        raise ValueError("no LZMA header")
    props_len = struct.unpack_from("<H", raw, 2)[0]
    props = bytes(raw[4:4 + props_len])
    lzma1 = lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)  # type: ignore[attr-defined]
    # the dictionary is allocated whole, at the size the archive asks for (up to 4 GB, and a raw
    # stream takes no memory limit); a member never reads further back than its own size
    lzma1["dict_size"] = min(lzma1["dict_size"], max(4096, info.file_size))
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma1]), raw[4 + props_len:]


def _drain(decomp: _Decompressor, stream: memoryview, where: str, budget: _Budget,
           left: int) -> tuple[list[bytes], int | None]:
    """Decompress `stream` at most `_CHUNK` bytes at a time, each counted against the budget
    before the next, and no more than `left` bytes. Returns the pieces and, when the compressed
    stream ended, the offset in `stream` just past its end (a next stream may follow)."""
    parts: list[bytes] = []
    for start in range(0, len(stream), _CHUNK):
        piece: bytes | memoryview = stream[start:start + _CHUNK]
        fed = len(piece)
        while left > 0:
            chunk = decomp.decompress(piece, min(_CHUNK, left))
            piece = b""
            budget.spend(len(chunk), where)
            parts.append(chunk)
            left -= len(chunk)
            if decomp.eof or decomp.needs_input:
                break
        if decomp.eof:
            return parts, start + fed - len(decomp.unused_data)
        if left <= 0:
            break
    return parts, None


def _inflate_bounded(data: bytes, info: zipfile.ZipInfo, where: str, budget: _Budget) -> bytes:
    """A bzip2 or LZMA member, decompressed within the budget and no further than its declared
    size (as zipfile does for deflated members); its CRC is then checked."""
    raw = _raw_member(data, info, where)
    try:
        decomp, stream = _decompressor(info, raw)
        parts, _ = _drain(decomp, stream, where, budget, info.file_size)
    except (OSError, lzma.LZMAError, ValueError, EOFError) as exc:
        raise AttachmentError(f"{where}: cannot be extracted ({exc})") from exc
    out = b"".join(parts)
    if zlib.crc32(out) != info.CRC:
        raise AttachmentError(f"{where}: CRC mismatch once decompressed (corrupt or truncated member)")
    return out


def _unpack_stream(name: str, data: bytes, budget: _Budget, ext: str) -> bytes:
    """A .bz2 or .xz file, streams one after another (pbzip2 and multi-threaded xz write
    several), within the budget; an .xz asking for more than `_XZ_MEMLIMIT` is refused, and so
    is a file of more than `_STREAMS_MAX` streams (empty streams expand to nothing, so the budget
    never sees them: 50 MB of 14-byte bzip2 streams were millions of decompressors)."""
    parts: list[bytes] = []
    view = memoryview(data)
    pos = streams = 0
    try:
        while pos < len(data):
            streams += 1
            if streams > _STREAMS_MAX:
                raise ArchiveBombError(f"{name}: more than {_STREAMS_MAX} compressed streams; refused")
            decomp: _Decompressor = (bz2.BZ2Decompressor() if ext == "bz2"
                                     else lzma.LZMADecompressor(lzma.FORMAT_AUTO, memlimit=_XZ_MEMLIMIT))
            got, end = _drain(decomp, view[pos:], name, budget, sys.maxsize)
            parts += got
            if end is None:
                raise AttachmentError(f"{name}: the compressed stream is cut short")
            pos += end
            if ext == "xz":  # stream padding: zero bytes between and after xz streams
                nonzero = _NOT_ZERO.search(data, pos)
                pos = nonzero.start() if nonzero else len(data)
    except (OSError, lzma.LZMAError, ValueError, EOFError) as exc:
        raise AttachmentError(f"{name}: not a valid {ext} file ({exc})") from exc
    return b"".join(parts)


def _read_counted(fh: IO[bytes], where: str, budget: _Budget) -> bytes:
    """All of `fh`, a chunk at a time, each counted against the budget before the next is read
    (what a file object expands to is only known as it is read)."""
    parts: list[bytes] = []
    while chunk := fh.read(_CHUNK):
        budget.spend(len(chunk), where)
        parts.append(chunk)
    return b"".join(parts)


_7Z_SIGNATURE = b"7z\xbc\xaf\x27\x1c"


class _Reader7z:
    """Just enough of the 7z format (7-Zip's 7zFormat.txt) to read how big an archive's header is
    before py7zr builds an object per entry of it: a 29 kB 7z of 200,000 empty files took 3.5 s
    and 150 MB to refuse, and its header, LZMA-compressed, grows a hundredfold in 50 MB."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos
        self.coders: list[tuple[bytes, bytes]] = []  # the encoded header's: (codec id, properties)

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ValueError("the header is cut short")
        self.pos += 1
        return self.data[self.pos - 1]

    def number(self) -> int:
        first, mask, value = self.byte(), 0x80, 0
        for i in range(8):
            if not first & mask:
                return value + ((first & (mask - 1)) << (8 * i))
            value |= self.byte() << (8 * i)
            mask >>= 1
        return value

    def skip(self, n: int) -> None:
        if n > len(self.data) - self.pos:
            raise ValueError("the header is cut short")
        self.pos += n

    def unpacked_header_size(self) -> int:
        """The size an encoded header unpacks to (its streams' declared sizes, summed)."""
        total = 0
        while (kind := self.byte()) != 0x00:  # StreamsInfo, to kEnd
            if kind == 0x06:  # kPackInfo: pack position, stream count, [sizes], [CRCs]
                self.number()
                streams = self.number()
                while (sub := self.byte()) != 0x00:
                    if sub == 0x09:
                        for _ in range(streams):
                            self.number()
                    else:  # kCRC or another attribute: nothing after it is read
                        return total
            elif kind == 0x07:  # kUnPackInfo: the folders (coders), then their output sizes
                if self.byte() != 0x0B or self.number() > 64 or self.byte() != 0:
                    raise ValueError("an encoded header this reader does not know")
                outputs = self._folders()
                if self.byte() != 0x0C:
                    raise ValueError("an encoded header without its unpacked size")
                total += sum(self.number() for _ in range(outputs))
                return total
            else:
                raise ValueError("an encoded header this reader does not know")
        return total

    def _folders(self) -> int:
        # one folder (7-Zip writes its encoded header in one): its coders and their output count
        coders = self.number()
        if not 0 < coders <= 64:
            raise ValueError("an encoded header this reader does not know")
        ins = outs = 0
        for _ in range(coders):
            flag = self.byte()
            at = self.pos
            self.skip(flag & 0x0F)  # the codec id
            method = self.data[at:self.pos]
            if flag & 0x10:
                ins += self.number()
                outs += self.number()
            else:
                ins, outs = ins + 1, outs + 1
            props = b""
            if flag & 0x20:  # the coder's properties
                length = self.number()
                at = self.pos
                self.skip(length)
                props = self.data[at:self.pos]
            self.coders.append((method, props))
        if not 0 < outs <= 64 or not 0 < ins <= 64:
            raise ValueError("an encoded header this reader does not know")
        for _ in range(outs - 1):  # bind pairs
            self.number()
            self.number()
        if ins - (outs - 1) > 1:
            for _ in range(ins - (outs - 1)):
                self.number()
        return outs


def _header_size_7z(data: bytes, coders: list[tuple[bytes, bytes]] | None = None) -> int:
    """Bytes of the 7z header (unpacked, when 7-Zip compressed it), read from the bytes; the
    caller refuses what no `max_files` files need. A header this cannot read is py7zr's to judge.
    `coders`, when given, gets the encoded header's coders (codec id, properties)."""
    if len(data) < 32 or not data.startswith(_7Z_SIGNATURE):
        return 0
    offset, size = struct.unpack_from("<QQ", data, 12)
    start = 32 + offset
    if size == 0 or start >= len(data):
        return 0
    reader = _Reader7z(data, start)
    try:
        kind = reader.byte()
        if kind == 0x01:  # kHeader: as it is
            return size
        if kind == 0x17:  # kEncodedHeader: packed, its unpacked size declared in its streams
            unpacked = reader.unpacked_header_size()
            if coders is not None:
                coders += reader.coders
            return max(size, unpacked)
    except ValueError:
        return 0
    return 0


def _expand_7z(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
               out: list[ExtractedFile]) -> None:
    """A 7z archive's regular files of the allowed types, decompressed in memory (py7zr writes to
    our counting writers: nothing reaches the disk, links are skipped). Its header's size, declared
    file count and sizes are checked first, as a zip's are; an encrypted archive is read with the
    candidate passwords given beside it, each tried once, what it decrypts counted as it comes."""
    header_coders: list[tuple[bytes, bytes]] = []
    header_size = _header_size_7z(data, header_coders)
    _refuse_directory(name, "a 7z header", header_size, limits)
    import py7zr  # here, not at import: py7zr and its AES module cost every `vigie` process ~0.2 s

    from crawler._sevenzip import header_refusal

    # (py7zr unpacks an encoded header as it opens the archive: a PPMd coder there asking for gigabytes
    # aborted the process, pyppmd's double free, before anything of ours could look at its folders)
    if (refused := header_refusal(header_coders, header_size)) is not None:
        raise ArchiveBombError(f"{name}: {refused}; refused")

    read: tuple[list[str], CountedMembers] | None
    try:
        read = _read_7z(name, data, limits, budget, None)
    except py7zr.exceptions.PasswordRequired:
        read = None
    if read is None:  # encrypted (its file names too, or only its contents)
        keys = _Passwords(name, budget.passwords)
        for password in keys.to_try():
            spent = budget.total
            try:
                read = _read_7z(name, data, limits, budget, password)
            except ArchiveBombError:  # a cap: a bomb stops at it, whichever password made it
                raise
            except Exception:  # a wrong key's garbage fails anywhere in py7zr (its CRC, a TypeError)
                budget.total = spent
                keys.failed(password)
                continue
            keys.opened(password)
            break
        else:
            raise keys.refusal(name, "an encrypted 7z archive; cannot be read")
    assert read is not None
    wanted, written = read
    for filename in wanted:
        member = written.members.get(filename)
        if member is not None:
            where = f"{name}/{member_label(filename)}"

            def step(where: str = where, member: CountedMember = member) -> None:
                _expand(where, member.data(), limits, budget, depth + 1, out)
            _guarded(budget, where, step)


def _read_7z(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget,
             password: str | None) -> tuple[list[str], CountedMembers] | None:
    """The wanted members' names and what py7zr wrote of them; None when it needs a password and
    `password` is None. A wrong password fails in py7zr (its CRC check at the latest)."""
    import py7zr

    from crawler._sevenzip import CountedMembers, bound_dictionaries

    try:  # (PasswordRequired, its file names encrypted too, is not an ArchiveError: it goes to the caller)
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r", password=password)
    except py7zr.exceptions.ArchiveError as exc:
        raise AttachmentError(f"{name}: not a valid 7z file ({exc})") from exc
    except MemoryError as exc:  # its encoded header's coder asks for more memory than the crawl has
        raise ArchiveBombError(f"{name}: its header asks for more memory than this process may take") from exc
    refused = bound_dictionaries(archive)
    if refused is not None:
        archive.close()
        raise ArchiveBombError(f"{name}: {refused}; refused")
    written = CountedMembers(name, budget)
    try:  # (py7zr's ArchiveError anywhere in its reading: the archive's own fault, said as such)
        with archive:
            if password is None and archive.needs_password():
                return None
            members = [i for i in archive.list() if i.is_file and not i.is_directory and not i.is_symlink]
            # an empty file holds nothing (150 of them beside a dump made it refused whole); nothing
            # but empty files is refused as before
            members = [i for i in members if i.uncompressed] or members
            _refuse_declared(name, len(members), sum(i.uncompressed for i in members), limits, budget)
            wanted = [i.filename for i in members if extension_of(i.filename) in limits.extensions]
            if not wanted:
                return [], written
            try:
                archive.extract(targets=wanted, factory=written)
            except py7zr.exceptions.ArchiveError as exc:
                raise AttachmentError(f"{name}: cannot be extracted ({type(exc).__name__}: {exc})") from exc
            except MemoryError as exc:  # a coder's memory past what the process may take (a filter's)
                raise ArchiveBombError(f"{name}: a member asks for more memory than this process may take") from exc
    except py7zr.exceptions.ArchiveError as exc:
        raise AttachmentError(f"{name}: not a valid 7z file ({exc})") from exc
    return wanted, written




def _expand_rar(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
                out: list[ExtractedFile]) -> None:
    """A RAR archive's (RAR 4 or 5) regular files of the allowed types (`crawler.rar`): its headers
    walked here first (entries, declared sizes and encryption checked against the caps before
    anything is decompressed), the members then decompressed by libarchive in a process of its own,
    each chunk counted against the budget as it comes back. Links and directories are skipped;
    names are labels (`member_label`). An encrypted RAR, or member, is not read (libarchive decrypts
    no RAR; the passwords posted beside it are not tried): set aside, counted, with the reason. A
    reader that stopped part way (a crash, a time-out, a corrupt member) keeps the members it read
    whole when the caller collects the parts set aside (the rest is one of them), as a PDF's."""
    from crawler.rar import RAR_SECONDS, RarCapError, RarEncryptedError, RarError, member_label, rar_listing, rar_read

    try:
        listing = rar_listing(data, limits.max_files * _TAR_ENTRIES_PER_FILE)
    except RarCapError as exc:
        raise ArchiveBombError(f"{name}: {exc} (attachments.max_files={limits.max_files}); refused") from exc
    except RarError as exc:
        raise AttachmentError(f"{name}: not a valid RAR archive ({exc})") from exc
    if listing.encrypted_headers:
        raise _rar_encrypted(name, budget, "an encrypted RAR archive (its headers too: even its file names)")
    files = [e for e in listing.entries if e.kind == "file"]
    _refuse_declared(name, len(files), sum(max(0, e.size) for e in files), limits, budget)
    wanted = {e.ordinal: e for e in files if extension_of(e.name) in limits.extensions}
    for entry in [e for e in wanted.values() if e.encrypted]:
        del wanted[entry.ordinal]
        where = f"{name}/{member_label(entry.name)}"
        _guarded(budget, where, _raising(_rar_encrypted(where, budget, "an encrypted RAR member")))
    if not wanted:
        return
    if budget.rar_seconds < 1:
        raise AttachmentError(f"{name}: not read: this attachment's RAR archives took the "
                              f"{_RAR_SECONDS_PER_ATTACHMENT:.0f} s their readers may take in all")
    started = time.monotonic()
    try:
        read = rar_read(name, data, list(wanted), spend=budget.spend,
                        max_bytes=max(0, limits.max_uncompressed_bytes - budget.total),
                        seconds=min(RAR_SECONDS, budget.rar_seconds))
    except RarError as exc:  # the worker said nonsense: stopped
        raise AttachmentError(str(exc)) from exc
    finally:
        budget.rar_seconds -= time.monotonic() - started
    for ordinal, why in read.failed:
        where = f"{name}/{member_label(wanted[ordinal].name)}"
        _guarded(budget, where, _raising(AttachmentError(f"{where}: cannot be extracted ({why})")))
    for member in read.members:
        where = f"{name}/{member_label(member.name)}"
        declared = wanted[member.ordinal].crc

        def step(where: str = where, member: _RarMember = member, declared: int | None = declared) -> None:
            if declared is not None and member.crc != declared:
                raise AttachmentError(f"{where}: CRC mismatch once extracted (corrupt or truncated member)")
            if extension_of(where) in limits.extensions:  # the name libarchive read, checked again
                _expand(where, member.data, limits, budget, depth + 1, out)
        _guarded(budget, where, step)
    if read.error is not None:
        error = (ArchiveBombError(f"{name}: {read.error} (attachments.max_uncompressed_bytes)")
                 if isinstance(read.error, RarCapError)
                 else _rar_encrypted(name, budget, f"encrypted RAR: {read.error}")
                 if isinstance(read.error, RarEncryptedError)
                 else AttachmentError(f"{name}: {read.error}"
                                      + (f" after {len(read.members)} member(s)" if read.members else "")))
        if not read.members or budget.skipped is None:
            raise error
        budget.skip(error)


def _raising(exc: AttachmentError) -> Callable[[], None]:
    """A member's step that fails with `exc`: set aside as `_guarded` sets a failed member aside."""
    def step() -> None:
        raise exc
    return step


def _rar_encrypted(where: str, budget: _Budget, what: str) -> AttachmentError:
    """An encrypted RAR (or member), not read: said so, and that a password posted beside it was not tried."""
    tried = (f"; the {len(budget.passwords)} password(s) posted beside it were not tried" if budget.passwords
             else "")
    return AttachmentError(f"{where}: {what}; not read: libarchive, Vigie's RAR reader, decrypts no RAR{tried}")


def _expand_tar(name: str, data: bytes, limits: AttachmentLimits, budget: _Budget, depth: int,
                out: list[ExtractedFile]) -> None:
    """A tar's regular files of the allowed types (its bytes were counted when decompressed;
    nothing is written to disk, names are labels only: links and devices are skipped)."""
    entries = files = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            while (member := archive.next()) is not None:
                entries += 1
                if entries > limits.max_files * _TAR_ENTRIES_PER_FILE:
                    raise ArchiveBombError(f"{name}: more than {limits.max_files * _TAR_ENTRIES_PER_FILE} entries "
                                           f"(attachments.max_files={limits.max_files}); refused")
                if member.isdir() or (member.isreg() and member.size == 0):  # (an empty file holds nothing)
                    continue
                files += 1
                if files > limits.max_files:
                    raise ArchiveBombError(f"{name}: more than {limits.max_files} files "
                                           "(attachments.max_files)")
                if not member.isreg() or extension_of(member.name) not in limits.extensions:
                    continue
                fh = archive.extractfile(member)
                if fh is None:
                    continue
                if member.issparse():
                    # a sparse member's holes are zeros tarfile makes up: 10 kB of tar were 2 GB
                    # in memory. Those bytes are new, so they count
                    body = _read_counted(fh, f"{name}/{member_label(member.name)}", budget)
                else:  # a slice of the tar itself, whose bytes were counted when it was unpacked
                    body = fh.read()
                where = f"{name}/{member_label(member.name)}"

                def step(where: str = where, body: bytes = body) -> None:
                    _expand(where, body, limits, budget, depth + 1, out)
                _guarded(budget, where, step)
    except tarfile.TarError as exc:
        raise AttachmentError(f"{name}: not a valid tar file ({exc})") from exc
