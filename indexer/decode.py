"""Bytes in, text out: encoding detection, UTF-16 without BOM, HTML reduced to lines.

HTML is turned into text by `indexer.html_text` (the model the crawler uses too). Why line
structure matters: fragments are found line by line (separator counts, `INSERT`,
`COPY … \\.`), so `<br>`, `<p>`, `<pre>`, `<tr>` and blockquotes must become line breaks, and
table cells tabs, or an HTML-rendered dump would collapse into one line.

Caps: input beyond `max_bytes` is cut (and logged), charset detection looks at a sample only
(charset-normalizer is the slow part), and HTML is read as a tree only up to `max_html_bytes`
and `max_html_elements` (counted from its bytes first: a dense 8 MB file made 1.6 million
elements, 1.9 GB); past either, regex tag stripping a chunk at a time keeps the text linear-time
in bounded memory, as a crawl reads a page past `limits.max_page_elements`.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from loguru import logger

from indexer import IndexerError
from indexer.html_text import MAX_TREE_ELEMENTS, count_start_tags
from indexer.html_text import html_to_text as _html_to_text

__all__ = ["DecodeError", "Limits", "decode", "decode_keeping_utf8", "guessed_encoding", "html_to_text",
           "html_too_dense", "looks_like_html", "text_of"]


class DecodeError(IndexerError, ValueError):
    """Input that cannot be turned into text at all."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-call caps that keep CPU and memory bounded on hostile input."""

    max_bytes: int = 64 * 1024 * 1024  # input beyond this is ignored
    max_seconds: float = 20.0  # detection stops (with what it has) after this much CPU time
    max_line_chars: int = 1_000_000  # longer lines are scanned in slices of this size
    max_html_bytes: int = 8 * 1024 * 1024  # above this, tags are stripped by regex
    max_html_elements: int = MAX_TREE_ELEMENTS  # above this many (counted), too; 0: no ceiling
    charset_sample: int = 256 * 1024
    max_fragments: int = 10_000
    max_identifiers: int = 5_000_000


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(sample: bytes) -> str | None:
    """Mostly-ASCII UTF-16 text has a NUL in every other byte; that side tells the endianness."""
    if len(sample) < 4 or 0 not in sample:  # no NUL at all: neither side can be 40% NULs
        return None
    even = sample[0::2]
    odd = sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _utf16_start(data: bytes) -> tuple[int, str] | None:
    """UTF-16 without a BOM in the first 4 KiB (`_utf16_without_bom`): where it starts and its
    byte order. A file can switch to it past a head of text in UTF-8 (an export appended to a
    header, two files concatenated): read whole as UTF-16, that head was lost (its bytes paired
    into CJK characters). So it starts past such a head when there is one before its first NUL: 8
    bytes or more of valid UTF-8 with a space or a line break in it (UTF-16 text before its first
    NUL is CJK or the like, whose byte pairs are rarely valid UTF-8, spaces rarer still). A UTF-16
    file from its first byte starts at 0."""
    first_nul = data.find(b"\0", 0, 4096)
    if first_nul < 0:
        return None
    # ASCII in UTF-16-LE is `c\0`: it started a byte before its first NUL; in UTF-16-BE `\0c`, at it.
    # Either reads the other shifted by a byte (the same text, but for the last byte): the one that
    # leaves an even number of bytes is the one that ends where the data does
    found = [(start, enc) for start, enc in ((first_nul - 1, "utf-16-le"), (first_nul, "utf-16-be"))
             if start >= 8 and _utf16_without_bom(data[start:start + 4096]) == enc
             and _TEXT_SPACE.search(data, 0, start) and _is_utf8(data[:start])]
    if found:
        return min(found, key=lambda found: (len(data) - found[0]) % 2)
    whole = _utf16_without_bom(data[:4096])
    return (0, whole) if whole else None


_TEXT_SPACE = re.compile(rb"[ \t\r\n]")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_UTF8_BAD_RATIO = 20  # UTF-8 with bad bytes: at least this many multibyte characters' extra bytes per bad one


def _decode_bytes(data: bytes, limits: Limits) -> str:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    utf16 = _utf16_start(data)
    if utf16 is not None:
        start, enc16 = utf16
        head = _decode_bytes(data[:start], limits) if start else ""  # (no NUL in it: not UTF-16)
        return head + data[start:].decode(enc16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    enc = guessed_encoding(data, limits)
    try:
        return data.decode(enc, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def guessed_encoding(data: bytes, limits: Limits = Limits()) -> str:
    """The codec text with no BOM and no declared charset is read in (`decode` and the crawl's
    undeclared pages and pastes alike, `crawler._charset`): UTF-8 when it is (or when it is UTF-8
    with a few bad bytes, read as U+FFFD), else windows-1252 for Western text, else what
    charset-normalizer guesses (its cp1252 siblings read as cp1252)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    # UTF-8 with a few bad bytes (a file cut or spliced, a stray byte in a cell): UTF-8 still, the
    # bad bytes as U+FFFD. Read on as cp1252 or whatever charset-normalizer guessed, one bad byte in
    # a 30 MB UTF-8 CSV made every accented name mojibake (`Hélène` read as Shift-JIS: `Hﾃｩlﾃｨne`).
    # Text in a one-byte code page has next to no valid multibyte sequence and a bad one at each
    # accented letter: it goes on below.
    lax = data.decode("utf-8", errors="replace")
    bad = lax.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # (not those the file itself holds)
    if bad * _UTF8_BAD_RATIO <= len(data) - len(lax):  # bytes the valid multibyte characters take beyond one each
        return "utf-8"
    # Western European exports (the bulk of French dumps) are cp1252; charset detection on short
    # French text sometimes guesses a CJK code page, so cp1252 wins when it decodes cleanly into
    # Latin letters and typographic punctuation.
    sample = data[: limits.charset_sample]
    try:
        latin = sample.decode("cp1252")
    except UnicodeDecodeError:
        latin = None
    if latin is not None:
        high = [ch for ch in latin if ord(ch) > 127]
        ok = sum(1 for ch in high if ch.isalpha() or ch in "’‘“”«»–—…€°·•œŒ")
        letters = sum(1 for ch in latin if ch.isalpha()) or 1
        # in French or Spanish text accented letters are a minority; in cp1251/KOI8 Cyrillic
        # mis-read as cp1252 nearly every letter is "accented"
        if not high or (ok >= 0.9 * len(high) and len(high) <= 0.35 * letters):
            return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    enc = best.encoding if best is not None else "cp1252"
    # charset-normalizer often names a sibling of cp1252 for French text; cp1252 is a superset
    # of latin-1 for printable characters and is what Windows exports use.
    if enc in ("latin_1", "iso8859_15", "iso8859_1", "cp1250", "cp1257"):
        enc = "cp1252"
    return enc


# Python `re`: an alternation of literals after "<", linear; RE2's wrapper would cost more here
# (`<dl>`, headings and `<svg>`: a leak site's sample cards and drawn rows; not `<section>`, an XML
# record's name too: an HL7 CDA document read as a page lost its structure)
_HTML_SNIFF = re.compile(r"<(?:!doctype html|html|body|br|p|div|pre|table|blockquote|span|a|ul|ol|li|dl|h[1-6]|svg)"
                         r"[\s/>]", re.I)


_XHTML = re.compile(r"<(?:!doctype html|html)[\s>]", re.I)


def looks_like_html(text: str, filename: str | None = None, content_type: str | None = None) -> bool:
    if _declared_html(filename, content_type):
        # (a text with no tag at all is its own text, whatever it is called: a raw paste served as
        # text/html, a CSV saved as .html; read as a page, its lines collapsed into one)
        return "<" in text
    head = text[:4096]
    if "<" not in head:
        return False
    # an XML document (an export whose records may well be `<p>` or `<a>` elements) keeps its
    # tags: detection reads its elements. XHTML is still HTML.
    named_xml = filename is not None and filename.lower().endswith(".xml")
    if named_xml or head.lstrip("\ufeff \t\r\n").startswith("<?xml"):
        return _XHTML.search(head) is not None
    return _HTML_SNIFF.search(head) is not None


def html_to_text(html: str, limits: Limits = Limits(), keep_lines: bool = False) -> str:
    """Text with one line per `<br>`/block, table cells tab-separated, `<pre>`/`<code>` kept
    verbatim: `indexer.html_text`, the model the crawler uses too (so crawl and scan agree);
    pages above `max_html_bytes` are stripped by a linear regex pass instead. `keep_lines`: the
    text's own line breaks are kept too (see `decode`)."""
    return _html_to_text(html, max_tree_chars=limits.max_html_bytes, max_elements=limits.max_html_elements,
                         keep_lines=keep_lines)


def _declared_html(filename: str | None, content_type: str | None) -> bool:
    return bool((content_type and "html" in content_type.lower())
                or (filename and filename.lower().endswith((".html", ".htm", ".xhtml"))))


def html_too_dense(data: bytes, filename: str | None = None, content_type: str | None = None,
                   limits: Limits = Limits()) -> str | None:
    """Why `decode` will read this file's HTML with the tag stripper rather than as a tree (too
    big or too many elements), or None: for a caller that counts such files (a crawl counts them
    as `pages_too_dense`). Bytes in an encoding that does not write tags as ASCII does (UTF-16)
    are decoded first; others are counted as they are, stopping past the ceiling."""
    head = data[:4096]
    ascii_tags = not (_utf16_without_bom(head) or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    sample = head.decode("utf-8", "replace") if ascii_tags else _decode_bytes(head, limits)
    if not looks_like_html(sample, filename, content_type):
        return None
    if not ascii_tags:
        data = _decode_bytes(data[: limits.max_bytes], limits).encode("utf-8", "surrogatepass")
    if len(data) > limits.max_html_bytes:
        return f"HTML of {len(data)} bytes, more than {limits.max_html_bytes} read as a tree"
    ceiling = limits.max_html_elements
    if ceiling and count_start_tags(data, stop_above=ceiling).weight > ceiling:
        return f"HTML of more than {ceiling} elements, too many for a tree"
    return None


def text_of(data: bytes, limits: Limits = Limits()) -> str:
    """A file's text as detection reads its bytes (a BOM, UTF-16 without one, UTF-8, cp1252 or
    a sampled charset), without NULs and with its markup kept: the `vigie crawl -o` body of a
    file. A NUL carries nothing a reader can use, and JSON writes each as six characters: a
    decompression bomb's member of 128 MiB of zeros made 768 MB of `-o` file."""
    text = _decode_bytes(data, limits)
    return _without_nuls(text) if "\x00" in text else text


# NULs between two characters of a line: a field separator (`find -print0`, a C program's
# fixed-width fields, a dump whose `;` a tool wrote as NULs), read as a tab: dropped, they glued
# the fields (`1953` and `emilie.perrin@sfr.fr` made the address `1953emilie.perrin@sfr.fr`)
_NUL_BETWEEN = re.compile(r"(?<=[^\x00\s])\x00+(?=[^\x00\s])")


def _without_nuls(text: str) -> str:
    """`text` without its NULs: those between two characters of a line are a tab (see above),
    the others (padding at a line's end, runs alone) are dropped."""
    return _NUL_BETWEEN.sub("\t", text).replace("\x00", "")


def decode(data: bytes | str, *, filename: str | None = None, content_type: str | None = None,
           limits: Limits = Limits()) -> str:
    """Text of a post or a file, ready for line-based fragment detection."""
    if isinstance(data, bytes):
        if len(data) > limits.max_bytes:
            logger.warning("input of {} bytes cut to {} bytes", len(data), limits.max_bytes)
            data = data[: limits.max_bytes]
        text = _decode_bytes(data, limits)
    elif isinstance(data, str):
        text = data if len(data) <= limits.max_bytes else data[: limits.max_bytes]
    else:
        raise DecodeError(f"cannot decode {type(data).__name__}; pass bytes or str")
    if "\x00" in text[:65536]:
        text = _without_nuls(text)
    if looks_like_html(text, filename, content_type):
        # HTML seen in the text, not declared by a name or a type: markup may be one line of a
        # plain-text dump (an `ok<br>` put there to hide it, a snippet pasted under a CSV), so the
        # text's own line breaks stay line breaks; a page read so keeps its markup's lines too
        # A text declared HTML that shows no element a page has (its `<` are an address's, a
        # comparison's) is read so too.
        page = _declared_html(filename, content_type) and _HTML_SNIFF.search(text[:65536]) is not None
        inner = _json_pages(text, limits) if not page and text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else None
        text = inner if inner is not None else html_to_text(text, limits, keep_lines=not page)
    return text


_MAX_JSON_PAGES = 1000  # HTML strings of one JSON document read as pages


def _json_pages(text: str, limits: Limits) -> str | None:
    """A JSON document whose strings hold HTML (a leak site's or a forum's API: `{"html": "<table>
    ..."}`), as its reader sees it: the document with those strings emptied, then each page's text,
    a blank line apart; None when `text` is not one JSON value (it is then read as HTML, as before).
    Read as HTML whole, the escapes stayed in the page's text (`N\\u00e9(e) le`: a column name lost)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    pages: list[str] = []
    todo: list[Any] = [value]
    while todo and len(pages) < _MAX_JSON_PAGES:  # (iterative: a deep document is no recursion here)
        node = todo.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            if isinstance(v, str):
                if "<" in v and _HTML_SNIFF.search(v[:65536]) is not None and len(pages) < _MAX_JSON_PAGES:
                    pages.append(html_to_text(v, limits))
                    node[k] = ""
            elif isinstance(v, (dict, list)):
                todo.append(v)
    if not pages:
        return None
    try:
        head = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None
    return "\n\n".join([head, *pages])


def decode_keeping_utf8(data: bytes | str, *, filename: str | None = None, content_type: str | None = None,
                        limits: Limits = Limits()) -> tuple[str, bytes | None]:
    """`decode(data, ...)`, and `data` itself when the text is exactly its UTF-8: detection scans
    the text's UTF-8 bytes, and encoding a dump's text back (~11 instructions a character beyond
    Latin-1) gave the bytes it was decoded from. Taken only on the plain road through `decode`:
    bytes within `max_bytes`, no BOM, no NUL (so no UTF-16 and nothing to drop), strict UTF-8, not
    HTML; any other input is `decode`'s alone (tests/test_decode_keeping_utf8.py compares them)."""
    if (isinstance(data, bytes) and len(data) <= limits.max_bytes and not data.startswith(_BOM_PREFIXES)
            and b"\x00" not in data):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if not looks_like_html(text, filename, content_type):
                return text, data
    return decode(data, filename=filename, content_type=content_type, limits=limits), None


_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
