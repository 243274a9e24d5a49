"""The file name a `Content-Disposition` gives, as a browser reads it (RFC 6266, RFC 5987/2231).

The crawl took the first `filename=` or `filename*=` it met, up to the first `;` or `"`, and
stripped a `UTF-8''` prefix only: what a hostile site can make of that hid a dump from the
crawler alone, the browser saving it whole.

- `filename="photo.jpg"; filename*=UTF-8''clients.csv`: a browser saves `clients.csv` (the
  extended form wins, RFC 6266 4.3); the crawl read `photo.jpg`, a type not listed, and refused
  the file before downloading it (`files_not_listed`);
- `filename="clients;2024.csv"`: a quoted `;` ended the name (`clients`, no type: refused);
- `filename*=ISO-8859-1''caf%E9.csv`, `utf-8'fr'donn%C3%A9es.csv`, `Shift_JIS''...`: the charset
  and language stayed in the name (`ISO-8859-1''caf?.csv`); any charset Python knows is read
  (an unknown one as UTF-8, else windows-1252), and RFC 2231's continuations
  (`filename*0*=...; filename*1=...`) are joined;
- a name of 2 kB (or 1 MB, within the header's own ceiling) was kept whole in logs, labels and the
  stored file name: it is cut to `MAX_NAME_CHARS`, its extension kept (it decides the type).
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import unquote, unquote_to_bytes

__all__ = ["MAX_NAME_CHARS", "disposition_filename", "shortened"]

MAX_NAME_CHARS = 255  # a file name's length on every common file system
_EXTENSION_CHARS = 16

# `; name = value`, the value a quoted string (backslash escapes) or everything up to the next `;`
_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_CONTINUATION = re.compile(r"filename\*(\d{1,3})(\*?)$")


def _unquoted(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        return _ESCAPE.sub(r"\1", value[1:-1] if value.endswith('"') and len(value) > 1 else value[1:])
    return value


def _charset_text(raw: bytes, charset: str) -> str:
    """`raw` read in `charset` (a label from `charset'lang'`): a codec Python knows, else UTF-8
    when it is, else windows-1252 (what such a name was written in, most likely)."""
    try:
        codecs.lookup(charset)
    except LookupError:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", "replace")
    try:
        return raw.decode(charset, "replace")
    except (LookupError, ValueError):  # a codec that is no text codec (`rot13`, `zip`...)
        return raw.decode("cp1252", "replace")


def _extended(value: str) -> str:
    """An RFC 5987 value, `charset'language'percent-encoded`, as text; a value without the two
    quotes (a site writing `filename*=clients.csv`) as UTF-8."""
    charset, sep, rest = value.partition("'")
    if not sep:
        return _charset_text(unquote_to_bytes(value), "utf-8")
    _language, sep, encoded = rest.partition("'")
    return _charset_text(unquote_to_bytes(encoded if sep else rest), charset.strip() or "utf-8")


def _plain(value: str) -> str:
    """A `filename=` value: raw bytes (taken as latin-1 from the header) in UTF-8 read as UTF-8,
    as browsers do; percent escapes decoded (as this crawl always did: sites write them there)."""
    try:
        value = value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return unquote(value)


def disposition_filename(header: bytes | str | None) -> str | None:
    """The file name a `Content-Disposition` header value gives, None when it gives none (see the
    module docstring). `filename*` (or its RFC 2231 continuations) wins over `filename`."""
    if not header:
        return None
    # (a leading `;`: a header of parameters only, its type left out, is read too)
    text = ";" + (header.decode("latin-1") if isinstance(header, bytes) else header)
    plain: str | None = None
    extended: str | None = None
    parts: dict[int, tuple[str, bool]] = {}
    for m in _PARAM.finditer(text):
        name, value = m.group(1).lower(), m.group(2)
        if name == "filename" and plain is None:
            plain = _unquoted(value)
        elif name == "filename*" and extended is None:
            extended = _unquoted(value)
        elif (cont := _CONTINUATION.match(name)) is not None and len(parts) < 100:
            parts.setdefault(int(cont.group(1)), (_unquoted(value), bool(cont.group(2))))
    if extended is None and 0 in parts:
        # RFC 2231: the first part may carry `charset'lang'`, the encoded ones are percent-encoded
        raw = b""
        charset = "utf-8"
        for k in range(len(parts)):
            if k not in parts:
                break
            value, encoded = parts[k]
            if k == 0 and encoded:
                charset, _, rest = value.partition("'")
                value = rest.partition("'")[2] if "'" in rest else rest
            raw += unquote_to_bytes(value) if encoded else value.encode("latin-1", "replace")
        name = _charset_text(raw, charset or "utf-8")
    elif extended is not None:
        name = _extended(extended)
    elif plain is not None:
        name = _plain(plain)
    else:
        return None
    return name or None


def shortened(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """`name` within `limit` characters, its extension kept (the type it is read as): the head of
    the rest, an ellipsis, the extension."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    ext = ext if dot and stem and len(ext) <= _EXTENSION_CHARS else ""
    tail = f"….{ext}" if ext else "…"
    return name[: limit - len(tail)] + tail
