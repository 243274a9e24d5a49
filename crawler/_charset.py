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
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding

__all__ = ["BROWSER_CODECS", "page_encoding"]

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
