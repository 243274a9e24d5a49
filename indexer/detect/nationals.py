"""National identifiers a label introduces inside a value no column or label types.

A record's untyped cell may hold a labelled national number: a pipe list's `NI No: JM514446A`,
`NINO PR379082C`, `dni 08189054l`, `NIE: Y-2157158-W`, a dox's `registre national 88031414741`,
`n° AVS 7560354112154`. The shapes read such a cell as free text,
whose scan types no bare national number (nine characters of letters and digits are as often a
reference). Once a fragment is found (its records gave identifiers), `add` reads its text for a
number such a label introduces, validates it as that country's (`identifiers.canon_national_id`:
the NINO's prefixes, the DNI's and NIE's check letter), and adds each one no identifier already
covers: the label makes it the record's, as it does in a dox.

One search on the fragment's text, asked only when the text's first look saw a label (`NEEDLES`,
firstlook bit NATIONAL); the same on both engines (it runs on the found list after the fill,
whichever engine filled it).
"""

from __future__ import annotations

from typing import Any

import re2

from indexer import identifiers as ids
from indexer._re2fast import iter_spans

__all__ = ["NEEDLES", "add"]

# the labels, each with its country's number (a colon, `#`, `n°`/`No.` may stand between):
# UK `NI No`, `NI Number`, `NINO`, `National Insurance (No|Number)`, `NI:`; Spain `DNI`, `NIE`, `D.N.I.`
# in any case. The NINO: two letters, six digits (in pairs or not), a letter A-D; the DNI: eight
# digits and a letter; the NIE: X, Y or Z, seven digits, a letter (dashes or spaces between).
_SEP = r"(?:[ \t]*[:#][ \t]*|[ \t]+)"  # a colon, `#` or a blank after the label (`nico12` is a password)
_GB = (r"(?i:\bNI(?:[ .]?(?:No|Nr|Num|Number)\.?)?|\bNINO|\bNational[ ]Insurance(?:[ ](?:No|Number)\.?)?)"
       + _SEP + r"\b([A-Za-z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-Da-d])\b")
_ES = (r"(?i:\bD\.?N\.?I\.?|\bN\.?I\.?E\.?)(?:[ \t]*(?i:n[º°o]\.?))?" + _SEP
       + r"\b(\d{8}[ -]?[A-Za-z]|[XYZxyz][ -]?\d{7}[ -]?[A-Za-z])\b")
# Belgium's national register number (`registre national`, `NISS`, `rijksregisternummer`), Switzerland's
# AVS (`n° AVS`, `AHV-Nr.`: 756 and ten digits, dotted or not)
_BE = (r"(?i:\bregistre national|\bnum[ée]ro national|\bNISS|\bINSZ|\brijksregisternummer)" + _SEP
       + r"\b(\d{2}[ .]?\d{2}[ .]?\d{2}[ .-]?\d{3}[ .-]?\d{2})\b")
_CH = r"(?i:\bAVS|\bAHV(?:-Nr\.?)?)" + _SEP + r"\b(756[ .]?\d{4}[ .]?\d{4}[ .]?\d{2})\b"
_LABELLED = re2.compile(r"(?:" + _GB + r")|(?:" + _ES + r")|(?:" + _BE + r")|(?:" + _CH + r")")
_COUNTRIES = ("GB", "ES", "BE", "CH")  # each group's

# the first look's patterns (Hyperscan; no case-insensitive flag: the writings lists use)
NEEDLES: tuple[bytes, ...] = (
    rb"\b(?:(?:NI|ni|Ni)(?:[ .]?(?:No|no|NO|Nr|nr|Num|num|Number|number)\.?)?|NINO|Nino|nino|"
    rb"[Nn]ational [Ii]nsurance(?: [Nn]o\.?| [Nn]umber)?)(?:[ \t]*[:#][ \t]*|[ \t]+)[A-Za-z]{2} ?\d{2}",
    rb"\b(?:DNI|dni|Dni|D\.N\.I\.?|NIE|nie|Nie|N\.I\.E\.?)(?:[ \t]*[Nn][\xc2\xba\xc2\xb0o]\.?)?"
    rb"(?:[ \t]*[:#][ \t]*|[ \t]+)(?:\d{8}|[XYZxyz][ -]?\d{7})",
    rb"\b(?:[Rr]egistre [Nn]ational|REGISTRE NATIONAL|[Nn]um[\xc3\xa9e]ro [Nn]ational|NISS|INSZ|[Rr]ijksregisternummer)"
    rb"(?:[ \t]*[:#][ \t]*|[ \t]+)\d{2}[ .]?\d{2}",
    rb"\b(?:AVS|AHV|Avs|avs|ahv)(?:-Nr\.?)?(?:[ \t]*[:#][ \t]*|[ \t]+)756",
)


def add(text: str, found: Any) -> None:
    """Append ("national_id", `CC:number`, start, end) to `found` (a list of (type, canonical, start,
    end) in `text`'s offsets) for each national number a label introduces that no found identifier
    covers."""
    taken: list[tuple[int, int]] | None = None
    for spans in iter_spans(_LABELLED, text):
        g = next((k for k in range(1, len(spans)) if spans[k][0] >= 0), 0)
        if not g:
            continue
        st, en = spans[g]
        c = ids.canon_national_id(text[st:en], _COUNTRIES[g - 1])
        if c is None:
            continue
        if taken is None:
            taken = [(f[2], f[3]) for f in found]
        if any(a < en and st < b for a, b in taken):
            continue
        found.append(("national_id", c, st, en))
        taken.append((st, en))
