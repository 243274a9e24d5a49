"""Text written against scrapers, or posted wrapped whole, read as the person it is meant for
reads it.

Posters hide what they sell from bots two ways, and a line-by-line reader saw neither:

- characters: zero-width spaces and joiners or soft hyphens inside an address or a number
  (invisible on screen, but they cut the run of digits or the address in two), full-width
  forms (`０６ ５０…`, `jean＠orange．fr`) and Arabic-Indic digits, no-break and thin spaces
  between the groups of a phone number, Cyrillic or Greek look-alikes in a Latin address
  (`pаul.morel@yahоo.fr`), and an `@` spelled `AT`, `arobase` or set apart by spaces;
- a whole sample posted encoded: base64 (wrapped or on one line, gzip inside or not), hex, a
  URL-encoded form value with its line breaks as `%0A`, a CSV inside a JSON string with `\\n`
  escapes.

`unveil(text)` gives the text as read: each rewrite is triggered by a cheap look
(`may_be_veiled` on the UTF-8 bytes) and keeps any other text as it is; a blob that does not
decode to text (a hash, a key, an image) stays as written. Decoded lines are put in place of
the blob (after it, for a JSON string, whose other fields stay), each mapped to the blob's
line, as `exports.readable` maps an export's lines. Both engines read the unveiled text.

The bracketed `[at]`/`(at)`/`{at}` forms are not rewritten: `encoded.obfuscated_emails` reads
them where they are written, their span covering the writing.

Where it runs: `detect()` on a post or a file under `prefilter.WINDOWED_MIN_BYTES`, before the
seed scan's early return (a sample in base64 or a list in full-width digits has no seed), and
`prefilter.detect_many` on the items its one-pass scan found nothing in (`prefilter._veiled`; on
the compiled core's engine, the core's sparse scan asks the same in its pass), so that both give
the same fragments. Not unveiled (left as before): a big input's text outside its
prefilter windows.
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import re
import zlib
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, islice
from urllib.parse import unquote, unquote_plus

import re2

from indexer.decode import text_of

__all__ = ["may_be_veiled", "unveil", "veiled_among"]

_MAX_DECODED = 16 * 1024 * 1024  # characters decoded per input, all blobs together
# and at most this many times the input's characters (at least _MIN_DECODED): a compressed
# sample decodes to a few times its base64, while 20 kB of base64 of a zlib stream inflated to
# the whole 16 MB, in every post of a page (a storage and detection bomb)
_DECODED_RATIO = 16
_MIN_DECODED = 256 * 1024
_HEAD = 4096  # bytes inflated before the rest: what `_looks_like_text` reads
_MAX_CANDIDATES = 2000  # lines looked at for a blob per input

# ------------------------------------------------------------------------------- characters
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_ODD_SPACES = "\u00a0\u2007\u2009\u200a\u202f\u3000"
_CHARS: dict[int, int | None] = {ord(c): None for c in _INVISIBLE}
_CHARS.update({ord(c): 0x20 for c in _ODD_SPACES})
_CHARS.update({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})  # full-width ASCII
_CHARS.update({0x0660 + d: 0x30 + d for d in range(10)})  # Arabic-Indic digits
_CHARS.update({0x06F0 + d: 0x30 + d for d in range(10)})  # Extended Arabic-Indic (Persian, Urdu)
_CHAR_RE = re.compile("[" + _INVISIBLE + _ODD_SPACES + "\uff01-\uff5e\u0660-\u0669\u06f0-\u06f9]")

# Cyrillic and Greek letters drawn like Latin ones; only read as Latin inside an address whose
# label mixes them with Latin letters (no registry lets a label mix scripts: a real
# Cyrillic address is Cyrillic throughout and stays as written)
_LOOKALIKE = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅοαρνικτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "aeopcyxijsdhlqwABEKMHOPCTXIJSoapvikTuxABEZHIKMNOPTYX"
)
_LOOKALIKE_SET = frozenset("аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅοαρνικτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")
_NON_LATIN = re.compile("[\u0370-\u03ff\u0400-\u052f]")
_ADDRESS_TOKEN = re.compile(r"[^\s@<>\"'(),;:\[\]]{1,64}@[^\s@<>\"'(),;:\[\]]{1,255}")

# an @ or a dot spelled out: `AT`/`arobase` and `DOT`/`point` (upper case `AT`/`DOT` only: "at"
# and "dot" are English words), or an @ between spaces; the domain's last label is letters. The
# local part may spell its dots too (`hugo point lambert arobase orange point fr`): read so only
# where the domain spells its dots with the same word (`_spelled`), else from its last dot word
_LOCAL_PART = r"[A-Za-z0-9_%+'-](?:[A-Za-z0-9._%+'-]{0,62}[A-Za-z0-9_%+'-])?"
_LOCAL = r"(?<![\w.%+'-])(" + _LOCAL_PART + r"(?: {1,3}(?:DOT|[pP]oint|POINT) {1,3}" + _LOCAL_PART + r"){0,3})"
_SEP_DOT = r"(?: {1,3}(?:DOT|[pP]oint|POINT) {1,3}|\.)"
_SPELLED = re.compile(
    _LOCAL + r"( {1,3}(?:AT|[aA]robase|AROBASE|[aA]robas) {1,3}| {1,3}@ {0,3}| {0,3}@ {1,3})"
    r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:"
    + _SEP_DOT
    + r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})){0,6})"
    + _SEP_DOT
    + r"([A-Za-z]{2,24})(?![\w@-])"
)
_DOT_WORD = re.compile(r" {1,3}(?:DOT|[pP]oint|POINT) {1,3}")
_DOT_WORD_LAST = re.compile(r" {1,3}(?:DOT|[pP]oint|POINT) {1,3}(?=[^ ]*\Z)")

# ------------------------------------------------------------------------------------ blobs
# a run of 60+ characters of the base64 alphabet (hex is a part of it), 10 hex bytes each
# followed by a space or a colon (a hex dump's spaced bytes), or two lines of 32+ base64
# characters (a sample wrapped narrow)
_BLOB = r"[A-Za-z0-9+/]{60}|(?:[0-9A-Fa-f][0-9A-Fa-f][ :]){10}|(?m:^[A-Za-z0-9+/]{32,}\n[A-Za-z0-9+/]{32})"
_BLOB_HINT = re2.compile(_BLOB.encode())
_BLOB_HINT_STR = re2.compile(_BLOB)
_B64_LINE = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9_-]{16,}={0,2}")
_B64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=_-])([A-Za-z0-9+/]{60,}={0,2}|[A-Za-z0-9_-]{60,}={0,2})(?![A-Za-z0-9+/=_-])")
_HEX_LINE = re.compile(r"(?:[0-9A-Fa-f]{2}[ :]?){8,}")
# a character written as an HTML reference in text that is not HTML (`jean&#64;orange&#46;fr`)
_CHAR_REF = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
# a MIME message: its encoded parts are read by `exports` (decoding them here would break it)
_MIME_ENCODED = re.compile(r"(?im)^content-transfer-encoding:")
# a JSON string, from its quote to its closing quote or the line's end (read left to right as a
# parser does: a search that could fail restarted at every `"` inside a run of `\\"`, quadratic)
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)("?)')
_URL_NEWLINE = re.compile(r"%0[aA]")


# What `may_be_veiled` looks for, in one RE2 pass over the bytes (read as Latin-1: a byte a
# character): the UTF-8 of the characters above, an @ or a dot spelled out or between spaces,
# a URL-encoded line break, a character reference, a `\\n` escape, a Greek or Cyrillic letter
# in a word with an @, a blob. The binding's `_regexp.Match` is called directly, as `seeds`
# does. Its cost is mostly the call (~6k instructions, ~10k on a 260-byte post: +17% on the
# sparse posts of `bench.instructions posts`, which otherwise stop after the seed scan); `bytes`
# searches for the same needles cost more (~450 instructions a needle a post).
# The compiled core spells these needles again (rust/vigie_native/src/veil.rs, `vigie_native.veiled`,
# asked by its sparse scan and by `detect()` on its engine): change both; tests/test_native_veil.py
# compares the two answers.
_LATIN1 = re2.Options()
_LATIN1.encoding = re2.Options.Encoding.LATIN1
_VEIL_MATCH = re2.compile(
    rb"\xc2[\xa0\xad]|\xe2\x80[\x87\x89-\x8d\xaf]|\xe2\x81\xa0|\xef\xbb\xbf|\xef\xbc[\x81-\xbf]|\xef\xbd[\x80-\x9e]"
    rb"|\xd9[\xa0-\xa9]|\xdb[\xb0-\xb9]|\xe1\xa0\x8e|\xe3\x80\x80"
    rb"|[A-Za-z0-9_%+'-] {1,3}(?:AT|[aA]robase?|AROBASE) {1,3}[A-Za-z0-9]|[A-Za-z0-9_%+'-] {1,3}@ {0,3}[A-Za-z0-9]"
    rb"|[A-Za-z0-9_%+'-]@ {1,3}[A-Za-z0-9]|%0[aA]|&#|\\n"
    rb"|[\xce\xcf\xd0\xd1\xd3\xd4][\x80-\xbf][^\s@]{0,64}@|@[^\s@]{0,64}[\xce\xcf\xd0\xd1\xd3\xd4][\x80-\xbf]|"
    + _BLOB.encode(),
    _LATIN1,
)._regexp.Match
_UNANCHORED = re2._Anchor.UNANCHORED


def may_be_veiled(data: bytes) -> bool:
    """Whether `unveil` may rewrite the text of these UTF-8 bytes (see above)."""
    return _VEIL_MATCH(_UNANCHORED, data, 0, len(data))[0][0] >= 0


# between two items of `veiled_among`: a blank line, which no needle above crosses (each stops at
# a line break: a run of the base64 alphabet, spaced hex bytes, the spaces around an @, a letter
# and its @ with no blank between, and the two wrapped lines of a blob, which need no blank line)
_ITEM_GAP = b"\n\n"


def veiled_among(items: Sequence[bytes]) -> list[int]:
    """The indexes of the items `may_be_veiled` holds for, in order: one search over them all
    joined, resumed after each item it stops in. A crawl's batch has hundreds of posts, most of
    them nothing: a call per post cost ~6k instructions (the binding's), 3x what the rest of
    the batch's scan costs; one search over the whole batch costs ~1.3 ms a MB (RE2's DFA here,
    whatever the needles: the pure-Python engine's pass; the compiled core's sparse scan asks the
    same needles in its own pass, rust/vigie_native/src/veil.rs)."""
    if not items:
        return []
    data = _ITEM_GAP.join(items)
    ends = list(accumulate(len(it) + len(_ITEM_GAP) for it in items))  # each item's end, its gap included
    out: list[int] = []
    pos, total = 0, len(data)
    while pos < total:
        at = _VEIL_MATCH(_UNANCHORED, data, pos, total)[0][0]
        if at < 0:
            break
        k = bisect_right(ends, at)
        if k >= len(items):  # pragma: no cover - a match starts in no item (the gaps hold none)
            break
        out.append(k)
        pos = ends[k]
    return out


def _looks_like_text(text: str) -> bool:
    """Decoded bytes that are a text a person or a program wrote: printable, with letters (read
    on the head: a blob is decoded whole only once its head reads as text)."""
    head = text[:4096]
    if len(head.strip()) < 20:
        return False
    bad = sum(1 for c in head if not (c.isprintable() or c in "\n\t\r"))
    letters = sum(1 for c in head if c.isalpha())
    return bad <= len(head) // 50 and letters >= len(head) // 5


_BOM16 = (b"\xff\xfe", b"\xfe\xff")


def _inflate(raw: bytes, wbits: int, limit: int) -> bytes | None:
    """At most `limit` bytes of a gzip or zlib stream; its head first, and the rest only when the
    head reads as text (a stream of zeros was inflated whole, 16 MB for every 20 kB blob, to be
    found not to be text: ~100 of them fit in one post)."""
    try:
        d = zlib.decompressobj(wbits)
        head = d.decompress(raw, min(_HEAD, limit))
        if not head or (b"\x00" in head and head[:2] not in _BOM16) or not _looks_like_text(text_of(head)):
            return None
        return head + d.decompress(d.unconsumed_tail, limit - len(head)) if limit > len(head) else head
    except zlib.error:
        return None


def _bytes_text(raw: bytes, limit: int = _MAX_DECODED) -> str | None:
    if raw[:2] == b"\x1f\x8b":  # gzip inside (a `.gz` posted as base64), bounded
        inflated = _inflate(raw, 16 + zlib.MAX_WBITS, limit)
        if inflated is None:
            return None
        raw = inflated
    elif raw[:1] == b"\x78" and len(raw) > 2 and (raw[0] * 256 + raw[1]) % 31 == 0:  # zlib
        inflated = _inflate(raw, zlib.MAX_WBITS, limit)
        if inflated is None:
            return None
        raw = inflated
    raw = raw[:limit]
    head = raw[:4096]
    if b"\x00" in head and head[:2] not in _BOM16:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if not _looks_like_text(text_of(head)):  # (junk: not decoded whole)
            return None
        text = text_of(raw)
    if not _looks_like_text(text):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _b64_text(s: str, limit: int = _MAX_DECODED) -> str | None:
    s = s.strip()
    try:
        if "-" in s or "_" in s:
            raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        else:
            raw = base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return _bytes_text(raw, limit)


def _b64_each_line(run: list[str], limit: int) -> str | None:
    """A run of lines each its own base64 (a combo list or a CSV encoded a row at a time, to pass
    a paste site's filters): each line decoded, one row each; None for a blob wrapped at a width
    (its lines but the last one length, none padded: read joined) or when a line is no text.
    Joined, such a run does not decode (a padded line's `=` inside it) or glues the rows."""
    if len(run) < 2:
        return None
    body = [x.strip() for x in run]
    if not any(x.endswith("=") for x in body[:-1]) and len({len(x) for x in body[:-1]}) <= 1:
        return None  # (a blob wrapped at a width: `_blob_at` reads it joined)
    rows: list[str] = []
    size = 0
    for x in body:
        if len(x) % 4:
            return None
        try:
            raw = base64.b64decode(x, validate=True) if "-" not in x and "_" not in x else base64.urlsafe_b64decode(x)
            row = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        if not row.replace("\t", " ").isprintable():  # (a line break, a control character: bytes, no row)
            return None
        rows.append(row)
        size += len(row) + 1
        if size > limit:
            return None
    text = "\n".join(rows)
    return text if _looks_like_text(text) else None


def _hex_text(s: str, limit: int = _MAX_DECODED) -> str | None:
    h = s.replace(" ", "").replace(":", "")
    if len(h) % 2:
        return None
    try:
        return _bytes_text(binascii.unhexlify(h), limit)
    except (binascii.Error, ValueError):
        return None


def _run(lines: list[str], i: int, pat: re.Pattern[str]) -> int:
    """End (exclusive) of the run of lines from `i` that `pat` matches whole (after strip)."""
    j = i
    while j < len(lines) and pat.fullmatch(lines[j].strip()):
        j += 1
    return j


def _url_text(line: str) -> str | None:
    """A URL-encoded value holding line breaks (a form post of a whole file), decoded."""
    parts = line.split("&") if "=" in line else [line]
    out = []
    for p in parts:
        v = p.split("=", 1)[1] if "=" in p and _URL_NEWLINE.search(p.split("=", 1)[1]) else p
        if len(_URL_NEWLINE.findall(v)) < 2:
            continue
        out.append(unquote(v) if "%20" in v or "+" not in v else unquote_plus(v))
    text = "\n".join(out).replace("\r\n", "\n")
    return text if out and _looks_like_text(text) else None


# a delimited row (three of one delimiter, a digit or an @): in a string of one line
# break, a dump's rows (a chat export whose dump went on over several messages, two rows or one row
# and a word in each: `JACQUET,Yannick,y@...,+336...,1970-12-26\\nFONTAINE,...`); read as written, the
# rows glued by the escape stayed one value whose dates no column typed. A sentence and its line
# break (`Bonjour\\nmon numéro...`) stays as written.
_ROW_SEEDS = re.compile(r"[@0-9]")


def _delimited(lit: str) -> bool:
    """Whether a JSON literal may hold a delimited row (three of one delimiter, a digit or an @)."""
    return (lit.count(",") >= 3 or lit.count(";") >= 3 or lit.count("|") >= 3 or lit.count("\\t") >= 3) and (
        _ROW_SEEDS.search(lit) is not None)


def _json_strings(line: str) -> tuple[list[str], str]:
    """Strings of a JSON line that hold several lines (a paste site's API, a scraped export, a
    chat's JSON: a dump in one value, its line breaks written `\\n`), decoded; and the line with
    those strings emptied (`""`): read as written, their rows glued by the escapes read as false
    values (`\\nhugo.lambert@...`)."""
    out: list[str] = []
    parts: list[str] = []
    last = 0
    for m in _JSON_STRING.finditer(line):
        lit = m.group(1)
        if not m.group(2) or len(lit) < 40:  # (not closed on its line, or short)
            continue
        breaks = lit.count("\\n")
        if breaks < 2 and (breaks == 0 or not _delimited(lit)):
            continue
        try:
            s = json.loads('"' + lit + '"')
        except ValueError:
            continue
        if "\r" in s:
            s = s.replace("\r\n", "\n").replace("\r", "\n")
        if sum(1 for r in s.split("\n") if r.strip()) >= 2:  # several lines of text: what a reader reads
            out.append(s)
            parts += [line[last : m.start(1)], ""]
            last = m.end(1)
    if not out:
        return out, line
    parts.append(line[last:])
    return out, "".join(parts)


# a line that is one Python literal (`b'...'`: a file's bytes printed by a script; `'...'`, `"..."`)
_PY_LITERAL = re.compile(r"""\A[bBuU]?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\Z""")
_ROW_DELIMS = ";,\t|:"
_MAX_LITERAL = 4 * 1024 * 1024  # characters of a literal evaluated (its syntax tree costs a few times that)


def _escaped_lines(st: str) -> str | None:
    """A line whose own line breaks are written `\\n` (a file printed as a Python literal, rows
    glued by the escape of an undecoded value), as its lines; None for any other line. A literal
    is evaluated as a literal (`ast.literal_eval`: no code runs); bare glued text is split only
    when its first three pieces share a delimiter's count, as rows of one file do (a Windows
    path's `C:\\new\\notes` does not)."""
    if len(st) < 40 or st.count("\\n") < 2:
        return None
    if st[:1] in "bBuU'\"" and len(st) <= _MAX_LITERAL and _PY_LITERAL.match(st):
        try:
            value = ast.literal_eval(st)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
        text = _bytes_text(value) if isinstance(value, bytes) else value if isinstance(value, str) else None
        if text is None:
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text if sum(1 for r in text.split("\n") if r.strip()) >= 2 else None
    if '"' in st:  # (JSON: `_json_strings` reads its strings)
        return None
    rows = [r.replace("\\t", "\t").replace("\\r", "") for r in st.split("\\n") if r.strip()]
    if len(rows) < 3 or not any(0 < rows[0].count(d) == rows[1].count(d) == rows[2].count(d) for d in _ROW_DELIMS):
        return None
    return "\n".join(rows)


def _candidates(text: str) -> list[int]:
    """Lines (0-based, ascending) that may hold a blob: a run of 60 base64 characters, a `%0`
    or a `\\n` escape; at most `_MAX_CANDIDATES` (a list of hashes is thousands of runs)."""
    offsets: list[int] = [m.start() for m in islice(_BLOB_HINT_STR.finditer(text), _MAX_CANDIDATES)]
    for needle in ("%0", "\\n"):
        k = text.find(needle)
        while k >= 0 and len(offsets) < 2 * _MAX_CANDIDATES:
            offsets.append(k)
            k = text.find("\n", k)  # the next line's
            k = -1 if k < 0 else text.find(needle, k)
    offsets.sort()
    out: list[int] = []
    line = last = 0
    for o in offsets:
        line += text.count("\n", last, o)
        last = o
        if not out or out[-1] != line:
            out.append(line)
    return out


def _blob_at(lines: list[str], i: int, limit: int = _MAX_DECODED) -> tuple[str | None, int, str | None]:
    """(decoded text or None, end line (exclusive) of what was looked at, what stays of line `i`
    or None) of a blob at line `i`. A run of blob lines that does not decode is passed over whole
    (a list of hashes is one run, read once)."""
    line = lines[i]
    st = line.strip()
    if len(st) < 16:
        return None, i + 1, None
    end = i + 1
    if _HEX_LINE.fullmatch(st):
        j = end = _run(lines, i, _HEX_LINE)
        joined = "".join(x.strip() for x in lines[i:j])
        got = _hex_text(joined, limit) if 64 <= len(joined) <= 3 * _MAX_DECODED else None
        if got is not None:
            return got, j, None
    if _B64_LINE.fullmatch(st):
        j = _run(lines, i, _B64_LINE)
        end = max(end, j)
        got = _b64_each_line(lines[i:j], limit)
        if got is not None:
            return got, j, None
        joined = "".join(x.strip() for x in lines[i:j])
        got = _b64_text(joined, limit) if 60 <= len(joined) <= 2 * _MAX_DECODED else None
        if got is not None:
            return got, j, None
    if len(st) >= 60:
        for m in _B64_TOKEN.finditer(line):
            got = _b64_text(m.group(1), limit)
            if got is not None:
                return got, i + 1, line  # the words around the token stay
    if "%0" in line:
        got = _url_text(line)
        if got is not None:
            return got, i + 1, None
    if "\\n" in line:
        if '"' in line:
            found, rest = _json_strings(line)
            if found:
                return "\n\n".join(found), i + 1, rest  # (each value a text of its own)
        got = _escaped_lines(st)
        if got is not None:
            return got, i + 1, None
    return None, end, None


def _blobs(text: str) -> tuple[list[str], list[int]] | None:
    cands = _candidates(text)
    if not cands:
        return None
    lines = text.split("\n")
    out: list[str] = []
    src: list[int] = []
    budget = min(_MAX_DECODED, max(_MIN_DECODED, _DECODED_RATIO * len(text)))
    done = 0  # lines before it are in `out`
    skip = 0  # lines before it were looked at in a run that did not decode
    # a token decoded inside a line that stays (a users table's JWT, a cell of base64): its text
    # waits for the end of the line's paragraph, `held` until `hold_end`; put under each row, it
    # cut the table into one-row runs and every row but the first was lost (wave 25)
    held: list[str] = []
    hold_end = 0
    for i in cands:
        if held and i >= hold_end:
            out.extend(lines[done:hold_end])
            src.extend(range(done, hold_end))
            out.extend(held)
            src.extend([hold_end - 1] * len(held))  # where they stand: the map never goes back
            held, done = [], hold_end
        if i < done or i < skip or budget <= 0:
            continue
        # (the first look finds two unpadded base64 lines: padded rows encoded one a line above them
        # are the run's too, `_b64_each_line`)
        if i and lines[i - 1][-1:] == "=":  # (a slice first: a dump post's candidates paid ~0.1% for the walk)
            while i > max(done, skip) and lines[i - 1][-1:] == "=" and _B64_LINE.fullmatch(lines[i - 1].strip()):
                i -= 1
        decoded, end, kept = _blob_at(lines, i, budget)
        if decoded is None:
            skip = end
            continue
        out.extend(lines[done:i])
        src.extend(range(done, i))
        rows = decoded.rstrip("\n").split("\n")
        if kept is not None:
            out.append(kept)
            src.append(i)
            if not held:
                hold_end = i + 1
                while hold_end < len(lines) and lines[hold_end].strip():
                    hold_end += 1
            held.extend(rows)
        else:
            out.extend(rows)
            src.extend([i] * len(rows))
        budget -= len(decoded)
        done = end
    if held:
        out.extend(lines[done:hold_end])
        src.extend(range(done, hold_end))
        out.extend(held)
        src.extend([hold_end - 1] * len(held))
        done = hold_end
    if not out:
        return None
    out.extend(lines[done:])
    src.extend(range(done, len(lines)))
    return out, src


def _lookalike_address(m: re.Match[str]) -> str:
    tok = m.group(0)
    if _NON_LATIN.search(tok) is None:
        return tok
    labels = re.split(r"[.@]", tok)
    mixed = any(
        any(c.isascii() and c.isalpha() for c in lab) and any(c in _LOOKALIKE_SET for c in lab) for lab in labels
    )
    plain = tok.translate(_LOOKALIKE)
    return plain if mixed and plain.isascii() else tok


def _char_ref(m: re.Match[str]) -> str:
    cp = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if cp == 9:  # a tab: a COPY's or a TSV's field separator written `&#9;` (a line break would move lines: kept)
        return "\t"
    c = chr(cp) if 0x20 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF else ""
    return c if c.isprintable() and c not in "<>&" else m.group(0)


def _spelled(m: re.Match[str]) -> str:
    local, sep = m.group(1), m.group(2)
    if sep.strip() == "AT" and all(w.isalpha() and w.isupper() for w in _DOT_WORD.split(local)):
        return m.group(0)  # shouting prose: "MEET AT HOME DOT COM"
    head = ""
    if " " in local:  # dots spelled in the local part: the same word as the domain's, or none of it
        words = {w.strip() for w in _DOT_WORD.findall(local)}
        if words <= {w.strip() for w in _DOT_WORD.findall(m.group(0), len(local) + len(sep))}:
            local = _DOT_WORD.sub(".", local)
        elif (cut := _DOT_WORD_LAST.search(local)) is not None:
            head, local = local[: cut.end()], local[cut.end() :]
    return head + local + "@" + _DOT_WORD.sub(".", m.group(3)) + "." + m.group(4)


def unveil(text: str) -> tuple[str, list[int]] | None:
    """`text` as read (see the module) and each of its lines' line in `text` (0-based), or
    None when nothing was rewritten."""
    lines: list[str] | None = None
    src: list[int] | None = None
    data = text.encode("utf-8", "replace")
    if (_BLOB_HINT.search(data) is not None or "\\n" in text or "%0" in text) and _MIME_ENCODED.search(text) is None:
        got = _blobs(text)
        if got is not None:
            lines, src = got
            text = "\n".join(lines)
    new = text
    if "&#" in new:
        new = _CHAR_REF.sub(_char_ref, new)
    if not new.isascii():
        if _CHAR_RE.search(new) is not None:
            new = new.translate(_CHARS)
        if "@" in new and _NON_LATIN.search(new) is not None:
            new = _ADDRESS_TOKEN.sub(_lookalike_address, new)
    if any(m in new for m in ("AT ", "robase", "ROBASE", "robas", " @", "@ ")):
        new = _SPELLED.sub(_spelled, new)
    if src is None:
        if new == text:
            return None
        src = list(range(new.count("\n") + 1))
    return new, src
