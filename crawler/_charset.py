"""A page's charset as a browser reads it, not as any codec Python knows.

Scrapy decodes a page in whatever encoding its Content-Type or its `<meta charset>` names, if
Python has a codec of that name: `utf-32`, `cp500` or `IBM037` (EBCDIC) make an ASCII page a
run of CJK or accented garbage, whose posts no selector finds (the thread was retried five
times, then counted as "no post found" and its posts lost). A browser never honours those: it
knows the labels of the WHATWG Encoding Standard only, and ignores any other. So a site shows its
readers the page and hides it from the crawler with one header. Likewise a UTF-16 (or UTF-32)
declaration for a page whose first 4 KiB hold no NUL is a lie: markup in UTF-16 writes `<` as
`<\\0`.

`page_encoding` gives the encoding such a page is read in instead, as a browser picks it (its BOM
has already won in Scrapy), the `<meta>` declaration when the header lied, else UTF-8 when the
page is valid UTF-8, else windows-1252; `CharsetMiddleware` (crawler.middlewares) applies it
and counts the page.

The other lie is the bytes': a page or a raw paste declared (or taken) as UTF-8 whose bytes are
windows-1252 (an old dump pasted whole), UTF-8 with windows-1252 lines in it (a dump pasted into
a UTF-8 page), or UTF-16 without a BOM (a Windows "Unicode" export served as text: a NUL beside
every ASCII byte, valid UTF-8 all the same). Scrapy decoded the first two with U+FFFD for every
accented letter (`séropositif`, `syndiqué` lost to detection) and the third as text with a NUL
between its characters (no identifier found in it). `repaired_text` reads each part as what it
is: UTF-8 where it is UTF-8, windows-1252 byte by byte where it is not, UTF-16 from where its
NULs start (the head before them read as UTF-8).

A page or raw paste that declares nothing (no BOM, no charset in its Content-Type, no `<meta>`) and
is not UTF-8 is a guess. Scrapy asks charset-normalizer, which ties windows-1250 with windows-1252
on Western text and picks the first: a French dump pasted as text/plain was read as Central
European (`Lefèvre` as `Lefčvre`, `à` as `ŕ`), names and addresses mangled before detection.
`guessed_page_encoding` guesses as `vigie scan` and the indexer do (`indexer.decode.guessed_encoding`:
windows-1252 when the bytes read cleanly as Western text, charset-normalizer otherwise: cp1251
Cyrillic stays cp1251), so a crawl and a scan read the same bytes alike; the page is counted
(`vigie/pages/charset_guessed`, the summary's `refused: pages_charset_guessed`).
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from indexer.decode import guessed_encoding

__all__ = ["BROWSER_CODECS", "guessed_page_encoding", "page_encoding", "repaired_text"]

# the Python codecs of the WHATWG Encoding Standard's encodings, as Scrapy (w3lib.resolve_encoding)
# names them for any of the standard's labels (`latin1` and `ascii` resolve to cp1252, `shift_jis`
# stays shift_jis...)
BROWSER_CODECS = frozenset({
    "big5hkscs", "big5", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "cp866", "cp874", "cp932", "shift_jis", "cp949", "euc_kr", "euc_jp", "gb18030", "gbk", "gb2312", "hz",
    "iso2022_jp", "iso2022_kr", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7",
    "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r", "koi8-u",
    "mac-roman", "mac-cyrillic", "utf-8", "utf-16", "utf-16-be", "utf-16-le",
    # labels a browser maps onto one of the above, should Scrapy keep them as they are
    "ascii", "iso8859-1", "iso8859-9", "iso8859-11", "tis-620",
})


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _believable(codec: str | None, body: bytes) -> bool:
    if codec not in BROWSER_CODECS:
        return False
    # markup in UTF-16 has a NUL beside each ASCII character: none in 4 KiB, it is not UTF-16
    return not codec.startswith("utf-16") or b"\0" in body[:4096]


def page_encoding(declared: str, body: bytes) -> str | None:
    """The encoding to read a page in when the one Scrapy took (`declared`: a Python codec name,
    from the page's BOM, header or meta) is none a browser would read it in; None when it is."""
    codec = _codec(declared)
    if _believable(codec, body) or (codec is not None and codec.startswith("utf-32") and body[:4] in (
            codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    meta = _codec(html_body_declared_encoding(body))
    if meta != codec and _believable(meta, body):
        return meta
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


# each byte that is no UTF-8 as its windows-1252 character (the five it leaves undefined as their
# Latin-1 code point, as browsers do), from the lone surrogate `surrogateescape` makes of it
_CP1252_OF_ESCAPE = {0xDC00 + b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0x100)}


def _utf8_else_cp1252(body: bytes) -> str:
    """`body` read as UTF-8 where it is, each other byte as windows-1252. Python's own handler
    (`surrogateescape`, in C) marks those bytes and one `translate` reads them: a handler of ours
    was called for each run of them, ~1.4 microseconds a byte on a page of them (20 MB,
    `limits.max_download_bytes`: 30 CPU-seconds in the crawl's event loop, round 17); the same text."""
    return body.decode("utf-8", "surrogateescape").translate(_CP1252_OF_ESCAPE)

_SNIFF = 4096


def _utf16_side(sample: bytes) -> str | None:
    """Mostly-ASCII UTF-16 has a NUL in every other byte, on the side its byte order says."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 16:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def repaired_text(codec: str | None, body: bytes) -> tuple[str, str] | None:
    """The text of a page Scrapy took as `codec` (a Python codec name), when its bytes are not
    what a single-byte or UTF-8 codec reads them as (see the module docstring), and what they
    were; None when they read as `codec` says (or `codec` is none of those)."""
    name = _codec(codec)
    if name is None or name.startswith(("utf-16", "utf-32")) or name not in BROWSER_CODECS:
        return None
    first_nul = body.find(b"\0", 0, _SNIFF)
    if first_nul >= 0:
        # UTF-16 from its first byte, or from where its NULs begin past a head in UTF-8 (LE's
        # `c\0` starts a byte before the first NUL, BE's `\0c` at it)
        # (either order reads the other shifted by a byte: the one ending where the body does wins)
        found = [(start, side) for start, order in ((first_nul - 1, "utf-16-le"), (first_nul, "utf-16-be"))
                 if start >= 0 and (side := _utf16_side(body[start:start + _SNIFF])) == order
                 and _utf8(body[:start])]
        if not found and (side := _utf16_side(body[:_SNIFF])) is not None:
            found = [(0, side)]
        if found:
            start, side = min(found, key=lambda f: (len(body) - f[0]) % 2)
            tail = body[start:]
            return (body[:start].decode("utf-8") + tail[: len(tail) - len(tail) % 2].decode(side, "replace"),
                    f"UTF-16 without a BOM ({side[-2:].upper()}){' after a UTF-8 head' if start else ''}")
    if name != "utf-8":
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _utf8_else_cp1252(body), f"not UTF-8 from byte {exc.start} on (read as windows-1252 there)"
    return None


def guessed_page_encoding(content_type: str, body: bytes) -> str | None:
    """The encoding an undeclared page (no BOM, no Content-Type charset, no `<meta>`; see the module
    docstring) is read in when it is not UTF-8 (and holds no NUL in its first 4 KiB: UTF-16 is
    `repaired_text`'s), as the indexer guesses it; None when nothing is guessed. `"utf-8"` means
    UTF-8 with a few bad bytes (`repaired_text` reads those as windows-1252)."""
    if read_bom(body)[0] or http_content_type_encoding(content_type) or b"\0" in body[:_SNIFF]:
        return None
    if _utf8(body) or html_body_declared_encoding(body):
        return None
    return guessed_encoding(body)
