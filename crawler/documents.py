"""Documents (Word .docx, OpenDocument .odt, PDF) read as text for the detector.

A medical software vendor's dump holds consultation reports, prescriptions and letters as often
as tables. Read as the zip or the PDF it is, such a document gives the detector nothing (its text
is deflated XML, or a PDF's compressed content streams); read here, each part is the text a
person sees, named after where it came from, as a workbook's sheets are (`book.xlsx/Patients.tsv`):

- `letter.docx/document.txt` (the body), `letter.docx/header1.txt`, `footer1.txt`,
  `footnotes.txt`, `endnotes.txt`, `comments.txt`: one line per paragraph, a table's rows as
  tab-separated lines (a cell's paragraphs joined by a space, a cell quoted as CSV quotes it when
  it needs to), so the detector reads a table of patients as the table it is;
- `letter.odt/content.txt` and `letter.odt/headers.txt` (headers and footers, from styles.xml);
- `report.pdf/page-3.txt`: one file per page with text (a scanned page has none).

The .docx and .odt parts are XML from an attacker inside a zip: the caller opens the zip within
the archive caps (`crawler.attachments`), and they are parsed as the spreadsheets' are
(`crawler.spreadsheets`: defusedxml, no entities, no DTD, incrementally, paragraphs let go of
once read), refused past `MAX_DEPTH` nested elements. A PDF is read by PDFium in a process of its
own (`crawler._pdf_worker`, see `pdf_pages`): a crash, a hang or a memory bomb there is this
document's failure, said and counted by the caller, never the crawl's.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from crawler._pdf_worker import ERRORS
from crawler._room import TextRoom
from crawler.spreadsheets import _events, _local, _ods_inline, _ods_rows, _quote
from vigie.core.process import child_env, memory_file, reader_stopped

__all__ = ["DOCUMENT_SECONDS", "MAX_DEPTH", "PDF_MEMORY_BYTES", "PDF_SECONDS", "DocumentCapError", "DocumentError",
           "PdfText", "docx_texts", "odt_texts", "pdf_pages"]

# nested elements a document part may have (Word nests tables in cells a few levels deep; 100,000
# levels is an attack on whoever walks the tree)
MAX_DEPTH = 256
# CPU seconds a .docx or .odt may take to read, its parts together (this thread's CPU time, so a
# busy machine does not cut an honest document short): the parser and the walk here read ~200,000
# elements a second, and 200 MB of one-letter runs (within attachments.max_uncompressed_bytes)
# took ~45 s, the crawl's thread held; a 500-page report reads in under a second. Past it: refused
# as a bomb, counted (`DocumentCapError`), the text read so far not kept
DOCUMENT_SECONDS = 20.0
_EVERY = 4096  # parse events between two looks at the clock
# one PDF's reader: wall-clock seconds (CPU seconds too, through RLIMIT_CPU) and address space
PDF_SECONDS = 20
PDF_MEMORY_BYTES = 512 * 1024 * 1024  # the reader and PDFium take about 28 MiB for text
_RECORD = struct.Struct(">cII")  # `crawler._pdf_worker`'s records: kind, page, length


class DocumentError(ValueError):
    """A document that cannot be read (corrupt, encrypted, nested too deep, its reader crashed)."""


class DocumentCapError(DocumentError):
    """A document over a cap (pages, text): refused, counted as a bomb is."""


# ------------------------------------------------------------------------------------ .docx
_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_DOCX_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")


def docx_texts(where: str, read: Callable[[str], bytes | None], parts: list[str],
               seconds: float | None = None) -> Iterator[tuple[str, bytes]]:
    """(part name, its UTF-8 text) for the body, headers, footers and notes of a Word document
    whose zip holds `parts`; `read(path)` gives a part's bytes (bounded by the caller) or None.
    `seconds`: CPU seconds for all its parts (`DOCUMENT_SECONDS`), past which `DocumentCapError`."""
    deadline = time.thread_time() + (DOCUMENT_SECONDS if seconds is None else seconds)
    wanted = [(m.group(1), p) for p in parts if (m := _DOCX_PARTS.fullmatch(p))]
    if not any(name == "document" for name, _ in wanted):
        raise DocumentError(f"{where}: no word/document.xml; not a Word document")
    wanted.sort(key=lambda np: (next(k for k, o in enumerate(_DOCX_ORDER) if np[0].startswith(o)), len(np[0]), np[0]))
    for name, part in wanted:
        data = read(part)
        if data is None:
            continue
        text = _text(_docx_lines(data, f"{where}/{part}", deadline))
        if text is not None:
            yield f"{name}.txt", text


class _Cell:
    __slots__ = ("paragraphs",)

    def __init__(self) -> None:
        self.paragraphs: list[str] = []


@dataclass
class _Table:
    rows: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # the row being read


def _run_text(p: Element) -> str:
    """A paragraph's text as shown: its runs' `w:t`, tabs, line breaks (not deleted text, not
    field codes)."""
    out: list[str] = []
    for el in p.iter():
        name = _local(el.tag)
        if name == "t":
            out.append(el.text or "")
        elif name in ("tab", "ptab"):
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _in_time(where: str, deadline: float | None) -> None:
    if deadline is not None and time.thread_time() > deadline:
        raise DocumentCapError(f"{where}: more than {DOCUMENT_SECONDS:.0f} CPU seconds to read (millions of tiny "
                               "elements: a document bomb?); refused, the rest not read")


def _docx_lines(data: bytes, where: str, deadline: float | None = None) -> Iterator[str]:
    """The part's paragraphs, one a line, and its tables' rows, tab-separated; a table nested in
    a cell becomes that cell's text. Past `deadline` (`time.thread_time`): `DocumentCapError`."""
    stack: list[Element] = []
    containers: list[_Cell | _Table] = []  # open cells and tables, innermost last

    def emit(line: str) -> str | None:
        if containers and isinstance(containers[-1], _Cell):
            containers[-1].paragraphs.append(line)
            return None
        return line

    for k, (event, el) in enumerate(_events(data, where, ("start", "end"))):
        if not k % _EVERY:
            _in_time(where, deadline)
        name = _local(el.tag)
        if event == "start":
            stack.append(el)
            if len(stack) > MAX_DEPTH:
                raise DocumentError(f"{where}: nested deeper than {MAX_DEPTH} elements; not read")
            if name == "tbl":
                containers.append(_Table())
            elif name == "tc":
                containers.append(_Cell())
            continue
        stack.pop()
        line: str | None = None
        if name == "p":
            line = emit(_run_text(el))
        elif name == "tc" and containers and isinstance(containers[-1], _Cell):
            cell = containers.pop()
            assert isinstance(cell, _Cell)
            if containers and isinstance(containers[-1], _Table):
                containers[-1].cells.append(" ".join(" ".join(cell.paragraphs).split()))
        elif name == "tr" and containers and isinstance(containers[-1], _Table):
            table = containers[-1]
            while table.cells and not table.cells[-1]:
                table.cells.pop()
            if table.cells:
                table.rows.append("\t".join(_quote(c) for c in table.cells))
            table.cells = []
        elif name == "tbl" and containers and isinstance(containers[-1], _Table):
            done = containers.pop()
            assert isinstance(done, _Table)
            if containers and isinstance(containers[-1], _Cell):
                containers[-1].paragraphs.extend(done.rows)
            else:
                yield from done.rows
                yield ""  # a table is a block of its own
        else:
            continue
        el.clear()  # read: let go of it (memory stays a paragraph, not the document)
        if stack:  # ...and of the parent's children read so far: the parser runs a chunk ahead of the
            del stack[-1][:]  # events, so `el` was seldom its parent's last child (5,000,000 kept: 685 MB)
        if line is not None:
            yield line


def _room(where: str, left: int | None) -> TextRoom:
    """An .odt part's room (`crawler._room`): a table cell can be repeated 100 x 100 times
    (`number-columns-repeated`, `number-rows-repeated`)."""
    return TextRoom(where, left, DocumentCapError, "a table cell repeated many times over", "not read")


def _row_size(row: list[str]) -> int:
    return sum(map(len, row)) + len(row)


def _text(lines: Iterator[str], room: TextRoom | None = None) -> bytes | None:
    """The lines as UTF-8 text, None when they hold no text at all."""
    if room is not None:
        lines = _counted(lines, room)
    text = "\n".join(lines).strip("\n")
    return (text + "\n").encode("utf-8", "surrogatepass") if text.strip() else None


def _counted(lines: Iterator[str], room: TextRoom) -> Iterator[str]:
    for line in lines:
        room.take(len(line) + 1)
        yield line


# ------------------------------------------------------------------------------------- .odt
def odt_texts(where: str, read: Callable[[str], bytes | None],
              room: Callable[[], int] | None = None, seconds: float | None = None) -> Iterator[tuple[str, bytes]]:
    """(part name, its UTF-8 text): the body of an OpenDocument text (content.xml: paragraphs,
    headings, lists, tables as tab-separated rows) and its headers and footers (styles.xml).
    `room()`: the characters a part's text may take, asked at each part (past it,
    `DocumentCapError`, before the text is built); `seconds` as `docx_texts`'."""
    deadline = time.thread_time() + (DOCUMENT_SECONDS if seconds is None else seconds)
    content = read("content.xml")
    if content is None:
        raise DocumentError(f"{where}: no content.xml; not an OpenDocument text")
    for part, name in (("content.xml", "content"), ("styles.xml", "headers")):
        data = content if part == "content.xml" else read(part)
        if data is None:
            continue
        counter = _room(f"{where}/{part}", None if room is None else room())
        text = _text(_odt_lines(data, f"{where}/{part}", counter, deadline), counter)
        if text is not None:
            yield f"{name}.txt", text


def _odt_lines(data: bytes, where: str, room: TextRoom | None = None,
               deadline: float | None = None) -> Iterator[str]:
    stack: list[Element] = []
    in_cells = 0  # open table cells: their paragraphs are read with their row
    for k, (event, el) in enumerate(_events(data, where, ("start", "end"))):
        if not k % _EVERY:
            _in_time(where, deadline)
        name = _local(el.tag)
        if event == "start":
            stack.append(el)
            if len(stack) > MAX_DEPTH:
                raise DocumentError(f"{where}: nested deeper than {MAX_DEPTH} elements; not read")
            in_cells += name in ("table-cell", "covered-table-cell")
            continue
        stack.pop()
        if name in ("table-cell", "covered-table-cell"):
            in_cells -= 1
            continue
        if name == "table" and in_cells and stack:
            _table_to_paragraphs(el, stack[-1], room)
            continue
        if name == "table-row" and not in_cells:
            for row in _ods_rows(iter([el])):
                if room is not None:
                    room.fits(_row_size(row))
                yield "\t".join(_quote(" ".join(c.split())) for c in row)
        elif name in ("p", "h") and not in_cells:
            out: list[str] = []
            _ods_inline(el, out)
            yield "".join(out)
        elif name == "table" and not in_cells:
            yield ""  # a table is a block of its own
            continue
        else:
            continue
        el.clear()
        if stack:  # (as `_docx_lines`: what was read, not only `el`, which is seldom the last child)
            del stack[-1][:]


_ROW_GROUPS = ("table-header-rows", "table-rows", "table-row-group")


def _table_to_paragraphs(table: Element, parent: Element, room: TextRoom | None = None) -> None:
    """A table nested in a cell, read: in `parent`, in its place, a paragraph per row (its cells
    tab-separated), which the cell's row reads as the cell's text, as a .docx cell's nested table
    is. Its own nested tables were replaced so before it (their end comes first). Without it,
    the row read the cell's paragraphs only: the nested table's text was lost."""
    rows: list[Element] = []
    for c in table:  # its rows, in order, some in a group (`table:table-header-rows`)
        if _local(c.tag) == "table-row":
            rows.append(c)
        elif _local(c.tag) in _ROW_GROUPS:
            rows += [r for r in c if _local(r.tag) == "table-row"]
    lines: list[str] = []
    size = 0
    for row in _ods_rows(iter(rows)):
        size += _row_size(row)
        if room is not None:
            room.fits(size)  # (its rows become one cell's text: counted whole when that row is made)
        lines.append("\t".join(row))
    at = next((k for k, c in enumerate(parent) if c is table), None)
    if at is None:
        return
    parent.remove(table)
    for k, line in enumerate(lines):
        p = Element("p")
        p.text = line
        parent.insert(at + k, p)


# -------------------------------------------------------------------------------------- PDF
@dataclass(frozen=True)
class PdfText:
    """A PDF's pages with text, (page number from 1, UTF-8 text), in order; `error` says why the
    rest, or all of it, was not read (None when it was read whole); `files`, the files it embeds
    (name as the PDF gives it, bytes) when they were asked for."""

    pages: list[tuple[int, bytes]]
    error: DocumentError | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)


def pdf_pages(where: str, data: bytes, *, max_pages: int, max_text: int, seconds: int = PDF_SECONDS,
              memory_bytes: int = PDF_MEMORY_BYTES, max_files: int = 0) -> PdfText:
    """The text of each page of a PDF, read by PDFium in a process of its own (see the module
    docstring), within `max_pages` declared pages and `max_text` bytes of text, `seconds` of time
    (wall clock and CPU) and `memory_bytes` of address space. The PDF goes in and the text comes
    back through memory files (memfd: never on disk), the text bounded where it is written (the
    reader's RLIMIT_FSIZE). `max_files`: the files it embeds read too, that many at most, their
    bytes within `max_text` with the text."""
    out_cap = max_text + (max_pages + max_files + 2) * (_RECORD.size + 1) + max_files * 1026 + 65536
    stdin = memory_file("vigie-pdf-in", data)
    stdout = os.memfd_create("vigie-pdf-out", os.MFD_CLOEXEC)
    try:
        cmd = [sys.executable, "-I", "-m", "crawler._pdf_worker", str(max_pages), str(max_text), str(memory_bytes),
               str(seconds), str(out_cap), str(max_files)]
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, env=child_env(),
                                close_fds=True)
        stopped = None
        try:
            code = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
            stopped = f"the PDF reader took more than {seconds} s and was stopped"
        size = min(os.fstat(stdout).st_size, out_cap)
        raw = os.pread(stdout, size, 0)
    finally:
        os.close(stdin)
        os.close(stdout)
    pages, said, files = _records(raw)
    if said is not None:
        kind, message = said
        error: DocumentError = (DocumentCapError if kind == "cap" else DocumentError)(f"{where}: {message}")
        return PdfText(pages, error, files)
    if stopped is None and code != 0:
        stopped = reader_stopped("PDF reader", code, seconds)
    if stopped is not None:
        read = f" after {len(pages)} page(s) with text" if pages else ""
        return PdfText(pages, DocumentError(f"{where}: {stopped}{read}; the rest of the PDF was not read"), files)
    return PdfText(pages, None, files)


def _records(raw: bytes) -> tuple[list[tuple[int, bytes]], tuple[str, str] | None, list[tuple[str, bytes]]]:
    """The worker's page records, its error record if it wrote one, and its embedded files (a record
    cut short by a crash is dropped)."""
    pages: list[tuple[int, bytes]] = []
    files: list[tuple[str, bytes]] = []
    pos = 0
    while pos + _RECORD.size <= len(raw):
        kind, page, length = _RECORD.unpack_from(raw, pos)
        body = raw[pos + _RECORD.size:pos + _RECORD.size + length]
        if len(body) < length:
            break
        pos += _RECORD.size + length
        if kind == b"P":
            pages.append((page, body))
        elif kind == b"F" and len(body) >= 2:
            size = int.from_bytes(body[:2], "big")
            files.append((body[2:2 + size].decode("utf-8", "replace"), body[2 + size:]))
        elif kind in ERRORS:
            return pages, (ERRORS[kind], body.decode("utf-8", "replace")), files
    return pages, None, files

