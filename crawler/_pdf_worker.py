"""The process that reads a PDF's text: `python -I -m crawler._pdf_worker PAGES TEXT MEMORY SECONDS OUTPUT [FILES]`.

A PDF from a leak site is hostile input to PDFium, a C++ parser (Chromium's, fuzzed without
end, yet a crash or a hang in it would take the crawl down with it if it ran there). So it runs
here, alone, started by `crawler.documents.pdf_pages` for one document: it limits itself before
it reads a byte of the PDF (address space, CPU seconds, no core dump, no other process may
attach to it, killed when its parent dies), gets no secret (its environment is
`vigie.core.process.child_env`'s), reads the PDF from its standard input and writes each page's
text to its standard output as it goes, so that what it read before a crash or a time-out is
not lost. The parent also bounds how much it reads back and how long it waits.

Output records: `P` + page number (1-based, 4 bytes) + length (4 bytes) + the page's UTF-8 text;
`F` + the embedded file's number (1-based) + length + its name's length (2 bytes), its UTF-8 name
and its bytes (a PDF's attachments, `/EmbeddedFiles`: where a leak hides its CSV behind a cover
page; at most FILES of them, their bytes within TEXT with the pages' text); at the end, or
instead, an error record: a kind (in `ERRORS`) + 0 + length + a UTF-8 message.
Only the standard library, pypdfium2 and `vigie.core.process` are imported.
"""

from __future__ import annotations

import struct
import sys

from vigie.core.process import confine_reader, limit_reader

__all__ = ["ERRORS", "main"]

# what the worker says instead of (or after) pages: a refusal by a cap (the parent counts it as
# a bomb), a document PDFium cannot open, or one that needs a password
ERRORS = {b"C": "cap", b"U": "unreadable", b"K": "encrypted"}
_HEADER = struct.Struct(">cII")  # record kind, page number (0 for an error), length


def _say(kind: bytes, page: int, payload: bytes) -> None:
    sys.stdout.buffer.write(_HEADER.pack(kind, page, len(payload)) + payload)
    sys.stdout.buffer.flush()


def main(argv: list[str]) -> int:
    max_pages, max_text, memory, seconds, output_bytes = (int(a) for a in argv[:5])
    max_files = int(argv[5]) if len(argv) > 5 else 0
    limit_reader(memory, seconds, output_bytes)  # its output is a memory file: bounded where written
    data = sys.stdin.buffer.read()
    import pypdfium2 as pdfium

    # PDFium is loaded: from here on no file is opened (a font PDFium would look for on the
    # system is replaced by its own), no connection made (round 9 of the attacker's review);
    # the codec pypdfium2 reads a page's text with is imported first (Python imports read files)
    "".encode("utf-16-le").decode("utf-16-le")
    confine_reader()

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            _say(b"K", 0, b"encrypted with a password; cannot be read")
        else:
            _say(b"U", 0, f"not a PDF PDFium can open ({exc})".encode())
        return 0
    pages = len(doc)
    if pages > max_pages:
        _say(b"C", 0, f"declares {pages} pages > {max_pages}; refused without reading it".encode())
        return 0
    total = 0
    for n in range(pages):
        page = doc[n]
        textpage = page.get_textpage()
        text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
        textpage.close()
        page.close()
        body = text.encode("utf-8", "surrogatepass")
        total += len(body)
        if total > max_text:
            _say(b"C", 0, f"more than {max_text} bytes of text once read; the rest was not read".encode())
            return 0
        if body.strip():
            _say(b"P", n + 1, body)
    count = doc.count_attachments() if max_files else 0
    for n in range(count):
        if n >= max_files:
            _say(b"C", 0, f"embeds {count} files > {max_files}; the first {max_files} read".encode())
            return 0
        attachment = doc.get_attachment(n)
        name = attachment.get_name().encode("utf-8", "replace")[:1024]
        try:
            data = bytes(attachment.get_data())
        except pdfium.PdfiumError:  # (an embedded file with no stream, or one PDFium cannot decode)
            continue
        total += len(data)
        if total > max_text:
            _say(b"C", 0, f"more than {max_text} bytes of text and embedded files once read; the rest was not "
                          "read".encode())
            return 0
        _say(b"F", n + 1, struct.pack(">H", len(name)) + name + data)
    doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
