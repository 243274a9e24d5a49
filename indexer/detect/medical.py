"""A medical document's text: a prescription (ordonnance), a certificate, a referral, as a
practice's software prints them and a PDF reader gives them back. The practitioner's header
names them by an RPPS or ADELI number, then comes the patient, named and born (`Mme Fabrice
PERRIN, née le 19/05/1977`, `Né(e) le : 19/05/1977`, `Date de naissance : ...`), then the
treatment. None of the shapes of a dump: one patient, the lines apart by blank lines, no label
on the patient's line. A block is such a document when an RPPS or ADELI number that passes its
check and a patient's birth are in it: the practitioner's numbers, the patient's name, birth
and whatever identifier the other lines hold are read, and the document's text (the treatment)
is what article 9 reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from indexer.detect.base import Ctx, Spec
from indexer.detect.columns import role_of
from indexer.detect.extract import Sink, extract_record
from indexer.identifiers import canon_luhn_id

__all__ = ["PRACTITIONER_HINT", "prescription"]

# an RPPS (11 digits) or ADELI (9 digits) number after its name: `RPPS : 10002310000`, `N° ADELI
# 751030008`, `rpps n°10002310000`
_PRACTITIONER = re.compile(r"(?i)\b(rpps|adeli)\b[ \t]*+(?:n[°o]\.?[ \t]*+)?[:#]?[ \t]*+(\d(?:[ .]?\d){8,10}+)\b")
PRACTITIONER_HINT = re.compile(r"(?i)rpps|adeli")  # (a search before the full pattern's)
_LENGTH = {"rpps": 11, "adeli": 9}
_UP = 3  # the header's lines above the number's (name, speciality)
_DOWN = 40  # a document's lines below it, at most
_GAP = 3  # blank lines that end a document

Born = Callable[[str], Any]


def _numbers(s: str) -> list[tuple[str, str, int]]:
    """(role, digits as written, column) of the valid RPPS and ADELI numbers on a line."""
    out = []
    for m in _PRACTITIONER.finditer(s):
        role = m.group(1).lower()
        if canon_luhn_id(m.group(2), length=_LENGTH[role]) is not None:
            out.append((role, m.group(2), m.start(2)))
    return out


def _birth(s: str, born: Born, born_line: Born, kv_match: Born) -> list[tuple[str, int, str]] | None:
    """A patient's birth line as (value, column, role) fields, or None."""
    b = born(s)
    if b is not None:
        name, nc, date, dc, rest, rc = b
        return [(name, nc, "full_name"), (date, dc, "dob"), (rest, rc, "")]
    bl = born_line(s)
    if bl is not None:
        date, dc, rest, rc = bl
        return [(date, dc, "dob"), (rest, rc, "")]
    km = kv_match(s) if ":" in s else None
    if km is not None and role_of(km.group(1)) == "dob":
        return [(km.group(2), km.start(2), "dob")]
    return None


def prescription(ctx: Ctx, i: int, born: Born, born_line: Born, kv_match: Born) -> tuple[int, Spec] | None:
    """The medical document whose practitioner's number is on line `i` (see the module
    docstring), or None. `born`, `born_line`, `kv_match`: `shapes`' readers of a birth by name,
    an unlabelled birth line and a `label: value` line."""
    lines = ctx.lines
    # (the number's line, or one of the header's lines under the block's first: `block_start` walks
    # up over `label: value` lines, `Tél : ...` above `RPPS : ...`)
    i = next((k for k in range(i, min(i + _UP + 1, len(lines))) if _numbers(lines[k])), -1)
    if i < 0:
        return None
    top = i
    while top > max(ctx.floor, i - _UP) and lines[top - 1].strip():
        top -= 1
    n = len(lines)
    end = i
    gap = 0
    births = 0
    k = i + 1
    while k < n and k <= i + _DOWN:
        s = lines[k]
        if not s.strip():
            gap += 1
            if gap >= _GAP:
                break
        else:
            gap = 0
            if births and _PRACTITIONER.search(s):  # the next document's header
                break
            if _birth(s, born, born_line, kv_match) is not None:
                births += 1
            end = k
        k += 1
    if births != 1:  # one patient: a list of births under a practitioner is another shape
        return None
    first = top

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(first, end + 1):
            s = lines[k]
            if not s.strip():
                continue
            o = offs[k - first]
            nums = _numbers(s) if PRACTITIONER_HINT.search(s) else []
            fields = _birth(s, born, born_line, kv_match) if not nums else None
            if nums:
                hit += extract_record([(v, o + c) for _, v, c in nums], [r for r, _, _ in nums], sink) > 0
            elif fields is not None:
                hit += extract_record([(v, o + c) for v, c, _ in fields], [r or None for _, _, r in fields], sink) > 0
            else:
                hit += extract_record([(s, o)], [None], sink) > 0
        return hit

    # (no count of strong identifiers: a valid practitioner's number and a patient's birth, both
    # found above, make the document; `extract_record` counts neither as strong)
    fill.accept = lambda hits: True  # type: ignore[attr-defined]
    return end + 1, ("dox", first, end, fill)
