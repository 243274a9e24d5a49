"""A device's serial number is no payment card.

Why: a network or IT inventory (`Hôte;IP;MAC;Port switch;N° série`) lists its machines' serial or asset
numbers; 16 digits opening with 4 are a Visa's length and one in ten passes Luhn by chance, so the
header-less column typing took a whole column of them as cards (blind probe set 10b). A header that
names the column a serial, S/N, asset or inventory number (`columns`' `record_no` role: another
system's number our identifiers do not cover) says what its values are: a card found as a whole cell
of that column is dropped. A card in any other column, or a table whose header names none, is kept.

Python for both engines (`detect._build`'s), asked only of a table's fragment that holds a card.
"""

from __future__ import annotations

from indexer.detect.columns import role_of
from indexer.detect.shapes import delimiter_of

__all__ = ["serial_cards"]

_HEAD_CHARS = 400  # a header line's length read
_DIGITS = str.maketrans("", "", " -.")


def serial_cards(text: str, raw: list[str], first: int) -> set[str]:
    """The digits of every cell under a serial or asset number column of the table whose first line
    is `raw[first]` (its header is that line or the one over it); empty if no header names one."""
    for k in range(max(0, first - 1), first + 1):
        head = raw[k]
        if len(head) > _HEAD_CHARS:
            continue
        delim = delimiter_of(head)
        if delim is None or delim == " ":
            continue
        cols = [j for j, name in enumerate(head.split(delim)) if role_of(name) == "record_no"]
        if not cols:
            continue
        out: set[str] = set()
        for line in text.split("\n"):
            cells = line.split(delim)
            for j in cols:
                if j < len(cells):
                    v = cells[j].strip(" \t\"'").translate(_DIGITS)
                    if v.isdigit():
                        out.add(v)
        return out
    return set()
