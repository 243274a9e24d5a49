"""Records: the rows of a dump, normalised so that a repost gives the same ones, and keyed.

The record is the unit of leak clustering (`indexer.leaks.cluster`): two copies of a dump are
recognised by the rows they share, whatever happened to the text in between. A repost is
commonly re-delimited (`;` to `,` or tabs), has its columns reordered, is quoted differently,
changes case or spacing, writes a phone as `06 12 34 56 78` instead of `+33612345678`, or is
re-encoded (latin-1, UTF-16: undone by `indexer.decode` before detection). So a record is:

1. one line of the fragment (a multi-row SQL `INSERT` is split on its `),(` boundaries);
2. split into fields on any of the usual delimiters, each field stripped of quotes, brackets
   and whitespace, casefolded, NFC-normalised; empty fields dropped. A field made of digits
   and number punctuation with at least 9 digits is reduced to its last 9 digits, so a phone
   reads the same as `+33612345678`, `06 12 34 56 78` or `0612345678` whether or not the
   detector recognised it in that copy (recognition depends on the layout around it); a date
   (`03/11/1966`, `1966-11-03`) becomes `19661103`;
3. the fields sorted (field order does not matter) and joined.

Canonical forms are applied by the shape of each field, not by substituting the detector's
canonical values: whether the detector recognises a phone or a date of birth depends on the
layout around it (a header, the neighbouring columns), so substituting would make the same row
hash differently in two copies. The detector's identifiers choose which lines are records.
Lines with no identifier are not records: headers, comments and prose are the same in every dump
of a given shape, and would link unrelated dumps.

A record is represented by a keyed hash only: HMAC-SHA256 under a key derived from the match key,
truncated to 63 bits (a SQLite integer; collisions are negligible at the sizes of dumps). The
normalised text never leaves this module and is never stored: without the key, a hash cannot be
tested against a guessed row.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import itemgetter, not_

from indexer.models import Fragment, Identifier
from indexer.tokens import MatchKey

__all__ = ["RecordKey", "fragment_records", "normalise_line", "record_key"]

_DELIMS = re.compile(r"[,;\t|:]+")
_SPACES = re.compile(r"\s+")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_NUMBERISH = re.compile(r"[+0-9().\-/]+")
_SQL_ROW = re.compile(r"\)\s*,\s*\(")
_STRIP = " \t\r\n'\"`()[]{}<>"
_CONTEXT = b"vigie-leak-records|v1"

# -- the text at once (see `_text_records`) -----------------------------------------------------
# The characters `\s` matches that `_STRIP` does not hold (tests/test_leaks_records_fast.py checks
# the list against `\s` over every code point): a text without them may drop its spaces at once.
_ODD_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_SQL_ROW_IN_LINE = re.compile(r"\)[^\S\n]*,[^\S\n]*\(")  # `_SQL_ROW`, never across a line end
_MARKS = "'\"`()[]{}<>"  # `_STRIP` but its spaces (gone before the split) and the tab (a delimiter)
_NUMBER_CHARS = "+0123456789().-/"  # what `_NUMBERISH` takes: a field of these alone is a number's shape
_NOT_DIGIT = str.maketrans("", "", "+().-/")  # `re.sub(r"\D", "", f)` for such a field
_LAST_9 = itemgetter(slice(-9, None))
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_DMY_ASCII = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}", re.ASCII)
_YMD_ASCII = re.compile(r"\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}", re.ASCII)
_DATE_SEPARATORS = str.maketrans("/.-", "\n\n\n")


class RecordKey:
    """The record-hashing key: HMAC(match key, context), so it rotates with the match key and
    differs from the token key (a record hash can never be compared with a token)."""

    __slots__ = ("_inner", "_outer", "version")

    def __init__(self, match_key: MatchKey) -> None:
        k = hmac.digest(match_key.key, _CONTEXT, "sha256").ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
        self.version = match_key.version

    def __repr__(self) -> str:  # never print key material
        return f"RecordKey(version={self.version})"

    def hash(self, record: str) -> int:
        """HMAC-SHA256 (RFC 2104, with the key's pads precomputed) as a positive 63-bit int."""
        (value,) = self.hash_all((record,))
        return value

    def hash_all(self, records: Iterable[str]) -> set[int]:
        """`hash` of each record, with the methods bound once (half the time a record; `hmac.digest`
        is slower still: it schedules the key on every call)."""
        inner, outer, from_bytes = self._inner.copy, self._outer.copy, int.from_bytes
        out: set[int] = set()
        add = out.add
        for record in records:
            i = inner()
            i.update(record.encode("utf-8", "surrogatepass"))
            o = outer()
            o.update(i.digest())
            add(from_bytes(o.digest()[:8], "big") >> 1)
        return out


@lru_cache(maxsize=8)
def record_key(match_key: MatchKey) -> RecordKey:
    return RecordKey(match_key)


def _field(text: str) -> str:
    """One field's canonical form: the definition, applied field by field to a row that holds an
    odd space or is not in NFC (`_text_records` does the same to a whole text at once)."""
    text = _SPACES.sub("", unicodedata.normalize("NFC", text).strip(_STRIP).casefold())
    m = _DMY.fullmatch(text)
    if m:
        return f"{m[3]}{int(m[2]):02d}{int(m[1]):02d}"
    m = _YMD.fullmatch(text)
    if m:
        return f"{m[1]}{int(m[2]):02d}{int(m[3]):02d}"
    if _NUMBERISH.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 9:  # a phone, a NIR, a card: the same whether or not it was recognised
            return digits[-9:]
    return text


def _date(m: re.Match[str]) -> str:
    if m[1] is not None:
        return f"{m[3]}{int(m[2]):02d}{int(m[1]):02d}"
    return f"{m[4]}{int(m[5]):02d}{int(m[6]):02d}"


def _numbers(fields: list[str]) -> Iterator[tuple[int, str]]:
    """`_field`'s last steps on fields made of number characters only (ASCII), all at once: the
    (position, new form) of those that change. 9 digits or more are reduced to their last 9; else
    a date is reordered, its day and month padded to two digits (what `int(x):02d` does to ASCII
    digits). A date has at most 8 digits, so the two never meet."""
    digits = "\n".join(fields).translate(_NOT_DIGIT).split("\n")
    long = list(map((8).__lt__, map(len, digits)))
    yield from zip(compress(count(), long), map(_LAST_9, compress(digits, long)), strict=True)
    for shape, order in ((_DMY_ASCII, (2, 1, 0)), (_YMD_ASCII, (0, 1, 2))):
        dated = list(map(shape.fullmatch, fields))
        if not any(dated):
            continue
        parts = "\n".join(compress(fields, dated)).translate(_DATE_SEPARATORS).split("\n")
        year, month, day = (parts[k::3] for k in order)
        padded = map("".join, zip(year, map(str.zfill, month, repeat(2)), map(str.zfill, day, repeat(2)), strict=True))
        yield from zip(compress(count(), dated), padded, strict=True)


def _text_records(rows: str) -> set[str] | None:
    r"""The distinct records of rows joined by `\n`, `_field`'s steps done on the whole text, not
    field by field, or None if the text is not in NFC or holds an odd space (see `_clean`). Issue
    17, wave 21: the field by field path was twice `detect` on a dense dump. The same records,
    because (tests/test_leaks_records_fast.py compares both on every dump shape and checks the
    premises over every code point):
    - a field of a text in NFC is in NFC (the delimiters are starters composing with nothing, so
      no field gains a composition or a reordering the text lacked);
    - casefold maps each character alone, and never makes or unmakes a delimiter, a space, a
      strip character or a number character: fold the text, then split and strip;
    - deleting spaces and CRs (the only `\s` left besides the tab, a delimiter, and the rows' `\n`)
      before `strip` gives what `strip` then deleting gives, since `strip` removes both;
    - a date or a number shape takes only a field of number characters, or, in another script's
      digits, a non-ASCII field (asked the date shapes).
    Runs of delimiters give empty fields, dropped as the field by field path drops them."""
    if not (rows.isascii() or unicodedata.is_normalized("NFC", rows)):
        return None
    s = rows.casefold().replace(" ", "").replace("\r", "")
    for d in ",;|:":
        s = s.replace(d, "\t")
    # every odd space is unprintable: the search (~50 instructions a character) only if one may be there
    if not s.replace("\t", "").replace("\n", "").isprintable() and _ODD_SPACE.search(s):
        return None
    # one flat list of fields, each row's last followed by a "\n" field
    parts = list(map(str.strip, s.replace("\n", "\t\n\t").split("\t"), repeat(_MARKS)))
    numeric = list(compress(count(), map(not_, map(str.strip, parts, repeat(_NUMBER_CHARS)))))
    if numeric:
        for k, v in _numbers(list(map(parts.__getitem__, numeric))):
            parts[numeric[k]] = v
    if not s.isascii():
        wide = list(compress(count(), map(not_, map(str.isascii, parts))))
        dates = list(map(_DATE.fullmatch, map(parts.__getitem__, wide)))
        for i, m in zip(compress(wide, dates), filter(None, dates), strict=True):
            parts[i] = _date(m)
    # each row's fields sorted and joined; the empty ones sort first, and go with their separators
    fields = map(str.split, map(str.strip, "\t".join(parts).split("\n"), repeat("\t")), repeat("\t"))
    out = set(map(str.lstrip, map("\x1f".join, map(sorted, fields)), repeat("\x1f")))
    out.discard("")
    return out


def _clean(text: str) -> bool:
    """Whether `_text_records` may take this text (or any part of it)."""
    return _ODD_SPACE.search(text) is None and (text.isascii() or unicodedata.is_normalized("NFC", text))


def normalise_line(line: str) -> str:
    """One record's canonical text: fields split on any delimiter, cleaned, sorted, joined."""
    fields = sorted(f for f in map(_field, _DELIMS.split(line)) if f)
    return "\x1f".join(fields)


def _starts(identifiers: Sequence[Identifier]) -> list[int]:
    """The identifiers' start offsets (those with a whole span). The compiled core's columns give
    them without an `Identifier` object each when they have `starts()`."""
    columns = getattr(identifiers, "starts", None)
    if columns is not None:
        got: list[int | None] = list(columns())
        return [s for s in got if s is not None]
    return [i.start for i in identifiers if i.start is not None and i.end is not None]


def fragment_records(fragment: Fragment, key: RecordKey) -> set[int]:
    """The distinct keyed record hashes of one fragment (lines holding at least one identifier)."""
    starts = _starts(fragment.identifiers)
    if not starts:
        return set()
    text = fragment.text
    lines = text.split("\n")
    if len(lines) == 1:
        numbers: Iterable[int] = (0,)
    else:  # line n starts at offsets[n]; an offset before the text is the first line's, after it the last's
        offsets = list(accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))
        found = set(map(bisect_right, repeat(offsets, len(starts)), starts))
        if 0 in found:  # (a negative start: the first line)
            found.discard(0)
            found.add(1)
        numbers = [n - 1 for n in found]
    rows = "\n".join(map(lines.__getitem__, numbers)) if len(lines) > 1 else text
    if ")" in rows:  # a multi-row SQL INSERT's rows, one a line
        rows = _SQL_ROW_IN_LINE.sub("\n", rows)
    records = _text_records(rows)
    if records is None:  # the rows with an odd space or not in NFC (a no-break space in a phone) field by field
        each = rows.split("\n")
        ok = list(map(_clean, each))
        records = _text_records("\n".join(compress(each, ok))) or set()
        records.update(map(normalise_line, compress(each, map(not_, ok))))
        records.discard("")
    return key.hash_all(records)
