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

__all__ = [
    "MAX_TEXT", "MIN_TYPES", "PERSONAL", "TYPES", "birth_of", "fielded_birth", "lone_records", "may_hold", "record",
]

MAX_TEXT = 4096  # a post; a bigger text is a dump, read by the shapes
MIN_DIGITS = 18  # a phone and a NIR, a card, or an IBAN: the fewest digits three types hold
MIN_TYPES = 3
MIN_CHARS = 40  # the shortest three: a phone (10), a NIR (15) and an e-mail (6+) with separators
TYPES = frozenset({"email", "phone", "nir", "card", "iban"})
PERSONAL = frozenset({"nir", "card"})  # types no organisation publishes (else a birth must be on the line)
_DIGITS = b"0123456789"
# a date alone between separators (a card's `09/28` has no year of four digits): bounded, linear
_DATE = re.compile(r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})(?![\w/.:-])")
_DIGIT_CHARS = "0123456789"


def lone_records(text: str, encoded: bytes) -> list[tuple[int, list[Found]]]:
    """(line, its identifiers) of each line of `text` (`encoded`: its UTF-8) holding identifiers
    of `MIN_TYPES` of `TYPES` or more; [] at once for a text too big or with too few digits."""
    if not may_hold(encoded):
        return []
    out: list[tuple[int, list[Found]]] = []
    for k, line in enumerate(text.split("\n")):
        found = record(line)
        if found is not None:
            out.append((k, found))
    return out


def may_hold(encoded: bytes) -> bool:
    """Whether a text's UTF-8 is small enough and holds digits enough for a lone record (C passes)."""
    return len(encoded) <= MAX_TEXT and len(encoded) - len(encoded.translate(None, _DIGITS)) >= MIN_DIGITS


def record(line: str, found: list[Found] | None = None) -> list[Found] | None:
    """`line`'s identifiers (appended to `found` when given) when they are of `MIN_TYPES` of
    `TYPES` or more, else None; a line with fewer than `MIN_DIGITS` digits is not scanned."""
    if len(line) < MIN_CHARS or sum(map(line.count, _DIGIT_CHARS)) < MIN_DIGITS:  # (ten C counts: a
        # str's translate looks each character up in a dict)
        return None
    if found is None:
        found = []
    scan(line, found)
    kinds = {f[0] for f in found} & TYPES
    if len(kinds) < MIN_TYPES:
        return found if len(kinds) == MIN_TYPES - 1 and fielded_birth(line) else None
    # a person's, not an organisation's: an e-mail, a phone and an IBAN are a company's notice too
    # (`Votre nouvel IBAN ... Service clients : 09 ..., contact@...`): a NIR, a card or a birth says who
    return found if kinds & PERSONAL or _births(line) else None


def fielded_birth(line: str) -> bool:
    """Whether `line` is a record of fields (four or more between one separator: `;`, `|`, a tab,
    a comma or a box-drawing bar) one of which, whole, is a birth (`GARNIER;Inès;ines@...;06...;14/07/1991`): with two
    types of identifiers that is a person's record as much as three types are. A sentence's date
    (`fondée le 12/03/1985`, `le 14/07/1991 à 10h`) is no field of its own."""
    this_year = ids._this_year()
    for sep in _SEPARATORS:
        if line.count(sep) >= 3:
            cells = [c.strip(" \"'") for c in line.split(sep)]
            return sum(1 for c in cells if _birth_date(c, this_year) and _DATE.fullmatch(c)) == 1
    return False


# (a box-drawing bar too: a table pasted from a terminal or drawn for a forum, `Nom ║ mail ║ 06... ║
# 21.09.1947`, rows each between two rules of dots: no other shape reads such a row alone)
_SEPARATORS = (";", "|", "\t", ",", "\u2551", "\u2502", "\u2503", "\u00a6")


def _births(line: str) -> list[tuple[str, int, int]]:
    """The dates of `line` that are a birth (someone aged 14 to 110, `columns._birth_date`)."""
    this_year = ids._this_year()
    return [(d, m.start(), m.end()) for m in _DATE.finditer(line) if (d := _birth_date(m.group(), this_year))]


def birth_of(line: str, found: list[Found]) -> None:
    """The one date of `line` that is a birth (someone aged 14 to 110, `columns._birth_date`)
    appended to `found` as its dob; none when the line holds two such dates (which is the birth?)."""
    got = _births(line)
    if len({d for d, _, _ in got}) == 1:
        d, st, en = got[0]
        found.append(("dob", d, st, en))
