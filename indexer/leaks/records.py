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
from functools import lru_cache

from indexer.models import Fragment
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
        i = self._inner.copy()
        i.update(record.encode("utf-8", "surrogatepass"))
        o = self._outer.copy()
        o.update(i.digest())
        return int.from_bytes(o.digest()[:8], "big") >> 1


@lru_cache(maxsize=8)
def record_key(match_key: MatchKey) -> RecordKey:
    return RecordKey(match_key)


def _field(text: str) -> str:
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


def normalise_line(line: str) -> str:
    """One record's canonical text: fields split on any delimiter, cleaned, sorted, joined."""
    fields = sorted(f for f in (_field(part) for part in _DELIMS.split(line)) if f)
    return "\x1f".join(fields)


def fragment_records(fragment: Fragment, key: RecordKey) -> set[int]:
    """The distinct keyed record hashes of one fragment (lines holding at least one identifier)."""
    text = fragment.text
    idents = [i for i in fragment.identifiers if i.start is not None and i.end is not None]
    if not idents:
        return set()
    # which lines hold an identifier: offsets -> line numbers
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    lines: set[int] = set()
    j = 0
    for start in sorted(i.start or 0 for i in idents):
        while j + 1 < len(line_starts) and line_starts[j + 1] <= start:
            j += 1
        lines.add(j)
    out: set[int] = set()
    for n in sorted(lines):
        begin = line_starts[n]
        end = line_starts[n + 1] - 1 if n + 1 < len(line_starts) else len(text)
        for row in _SQL_ROW.split(text[begin:end]):
            record = normalise_line(row)
            if record:
                out.add(key.hash(record))
    return out
