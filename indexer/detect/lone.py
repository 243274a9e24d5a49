"""One person's record alone in a post: a line of three validated identifiers of different types.

A channel that drips a dump posts one row a message (a patient's `;` row, a fullz `|` line, a JSON
record): every shape needs several records, so each post alone was nothing (wave 25, blind probe
set 5 `drip__*`). A line holding an e-mail, a phone, a NIR, a card or an IBAN, three of these types
validated, is one person's record whatever its layout: `detect_text` makes it a fragment of its
own when no other fragment took the line.

Bounded: only a text under `MAX_TEXT` bytes with `MIN_DIGITS` digits or more is looked at (one C
translate), and only its lines that hold as many digits are scanned. An e-mail, two validated
numbers of two more types in one line of machine data is a rare draw (a Luhn card AND a NIR's key
or an IBAN's check digits).
"""

from __future__ import annotations

import re

from indexer import identifiers as ids
from indexer.detect.columns import _birth_date
from indexer.detect.scan import Found, scan

__all__ = ["MAX_TEXT", "MIN_TYPES", "TYPES", "birth_of", "lone_records"]

MAX_TEXT = 4096  # a post; a bigger text is a dump, read by the shapes
MIN_DIGITS = 18  # a phone and a NIR, a card, or an IBAN: the fewest digits three types hold
MIN_TYPES = 3
TYPES = frozenset({"email", "phone", "nir", "card", "iban"})
_DIGITS = b"0123456789"
# a date alone between separators (a card's `09/28` has no year of four digits): bounded, linear
_DATE = re.compile(r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})(?![\w/.:-])")
_NO_DIGITS = str.maketrans(dict.fromkeys("0123456789"))


def lone_records(text: str, encoded: bytes) -> list[tuple[int, list[Found]]]:
    """(line, its identifiers) of each line of `text` (`encoded`: its UTF-8) holding identifiers
    of `MIN_TYPES` of `TYPES` or more; [] at once for a text too big or with too few digits."""
    if len(encoded) > MAX_TEXT or len(encoded) - len(encoded.translate(None, _DIGITS)) < MIN_DIGITS:
        return []
    out: list[tuple[int, list[Found]]] = []
    for k, line in enumerate(text.split("\n")):
        if len(line) < MIN_DIGITS or len(line) - len(line.translate(_NO_DIGITS)) < MIN_DIGITS:
            continue
        found: list[Found] = []
        scan(line, found)
        if len({f[0] for f in found} & TYPES) >= MIN_TYPES:
            out.append((k, found))
    return out


def birth_of(line: str, found: list[Found]) -> None:
    """The one date of `line` that is a birth (someone aged 14 to 110, `columns._birth_date`)
    appended to `found` as its dob; none when the line holds two such dates (which is the birth?)."""
    this_year = ids._this_year()
    got = [(d, m.start(), m.end()) for m in _DATE.finditer(line) if (d := _birth_date(m.group(), this_year))]
    if len({d for d, _, _ in got}) == 1:
        d, st, en = got[0]
        found.append(("dob", d, st, en))
