"""Bank and card records as banks, payment files and terminals write them, read as rows.

A payment file holds an account or a card in a field that no label, delimiter or header names
for the readers: an EPC QR code's payload (one field a line: `BCD`, version, `SCT`, BIC, name,
IBAN, amount), a SWIFT MT message (`:50K:/<IBAN>` then the ordering customer's name on the next
line, `:59:/<IBAN>` the beneficiary's, `:25:` an MT940 statement's account), a French RIB's table
(`Code banque  Code guichet  N° de compte  Clé RIB` over its four numbers: the account itself,
its key checkable), an EMV chip's TLV dump in hex bytes (tag `5A` the card's number, `57` its
track 2 equivalent, `5F20` the holder). Read as written each IBAN or card stood alone beside a
name nothing typed: no record, nothing found (blind probe set 9b). `rewrite` turns each run of
such records into a header (`titulaire|iban|carte|adresse|libelle`) and one row per record, which
any table is read as; other lines stay as written. Two lines are mended in place too: an IBAN
typed in a form's boxes of four (`IBAN |FR76|3000|...|`) is written whole after its label, and
an IBAN wrapped onto an indented next line (a dox's `banque ..... FR76 1600 6531` then
`        0688 0200 8112 942`) is joined, when the joined value passes its checks and the head
alone does not.

A run is rewritten only when it holds records of two units or more (two payloads, two messages,
two RIBs, two transactions): one sample message or one example payload in a specification is no
one's (the lead's policy, wave 29). Every value keeps its checks: an IBAN its mod 97 and its
country's rules, a card Luhn and a network's range, a RIB's key its own (`97 - (89 banque + 15
guichet + 3 compte) mod 97`) before an IBAN is built from it. The same for both engines: the text
is rewritten before either reads it; fragments keep the input's line numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from indexer import identifiers as ids
from indexer.detect.linemap import LineMap

__all__ = ["ALL", "BLOCKS", "BLOCK_NEEDLES", "CARDS", "CARD_NEEDLES", "IBANS", "IBAN_NEEDLES", "rewrite"]

_MAX_TEXT = 256 * 1024  # (a bigger text is a file's chunk: read as written)
_MAX_GAP = 8  # lines between two records of one run (an MT message's other fields)
_MIN_UNITS = 2
_HEAD = "titulaire|iban|carte|adresse|libelle"
_COLS = ("name", "iban", "card", "street", "note")

# the first looks, as patterns of `firstlook`'s one scan (bytes): `BLOCK_NEEDLES` for the records read as
# rows (an EPC payload's first lines, an MT message's party or account tag, a RIB table's header, an EMV
# PAN or track 2 tag with hex bytes after it), `CARD_NEEDLES` for carders' lines (a CVV's or an
# expiry's label before its digits, `AMEX` after a number), `IBAN_NEEDLES` for an IBAN in boxes or
# wrapped onto an indented next line. (C searches, a needle each, cost a dump post ~230,000
# instructions a needle, bench.instructions dump_posts +13%; a card's digit groups before the
# labels in the scan's patterns, +0.9%; an EMV tag alone at a line's start matched a dense dump's
# row ids, `57195`, and sent its 2,000 lines through `_records`: dense +15%.)
BLOCK_NEEDLES: tuple[bytes, ...] = (
    rb"(?:^|\n)BCD\r?\n00[12]\r?\n",
    rb"\n:(?:5[09][A-HK]?|25P?):",
    rb"[gG][uU][iI][cC][hH][eE][tT]",
    rb"(?:^|\n)[ \t]*(?:5A[ \t:]*0[5-9A]|57[ \t:]*1[0-3])[ \t:]*(?:[0-9]{2}[ \t:]*){6}",
)
CARD_NEEDLES: tuple[bytes, ...] = (
    rb"[cC][vV][vVcC]2?[ \t]*[:=]?[ \t]*[0-9]{3}",
    rb"[eE][xX][pP][a-zA-Z]{0,6}[ \t.:=]*[0-9]{2}[/\-][0-9]{2}",
    rb"[0-9]{3}[ \t]+[aA][mM][eE][xX]",
    rb"[cC][rR][yY][pP][tT][oO][a-z]{0,6}[ \t]*[:=]?[ \t]*[0-9]{3}",
)
IBAN_NEEDLES: tuple[bytes, ...] = (
    rb"[|\[][ \t]*[A-Z]{2}[0-9]{2}[ \t]*[|\]]",
    rb"[A-Z]{2}[0-9]{2}(?: [0-9A-Z]{4}){1,6}[ \t]*\r?\n(?:\t|    )",
)
BLOCKS, CARDS, IBANS = 1, 2, 4
ALL = BLOCKS | CARDS | IBANS

_MT_PARTY = re.compile(r"\A:(50[AFGHK]?|59[AF]?|25[P]?):(?:[A-Z0-9]{8,11}/)?/?([A-Za-z]{2}\d\d[A-Za-z0-9]{10,30})\s*\Z")
_MT_TAG = re.compile(r"\A:\d\d[A-Z]?:|\A-\}|\A\{\d:")
_MT_STRUCT = re.compile(r"\A[1-8]/")  # an F option's numbered lines (`1/NAME`, `2/ADDRESS`)
_EPC_VERSION = frozenset({"001", "002"})
_EPC_SERVICE = frozenset({"SCT", "INST"})
_RIB_ROW = re.compile(r"\A[ \t|;]*(\d{5})[ \t|;]+(\d{5})[ \t|;]+([0-9A-Za-z]{11})[ \t|;]+(\d{2})[ \t|;]*\Z")
# (a value ends at its line's last character that is no space or tab: `(\S.*?)[ \t]*\Z` tried the end
# from each of its characters, quadratic in a run of spaces inside one hostile line: 8 kB 0.24 s)
_LABEL = re.compile(r"\A[ \t]*([^\W\d_][\w .'°()/-]{0,39}?)[ \t]*:[ \t]*(\S(?:.*[^ \t])?)[ \t]*\Z")
_HOLDER_LABELS = ("titulaire", "holder", "account holder", "beneficiaire", "bénéficiaire", "nom", "name")
_IBAN_IN_LINE = re.compile(r"\b([A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")
_EMV = re.compile(r"\A[ \t]*(5A|57|5F ?20)[ \t:]*([0-9A-Fa-f]{2})[ \t:]*(\S(?:.*[^ \t])?)[ \t]*\Z")
# a carder's line: a card number in groups (any of `-`, ` `, `.`) or whole, then its expiry and its
# CVV (labelled or not), then whatever the seller adds (holder, e-mail, zip, network)
_CARD_LINE = re.compile(
    r"(?im)^[ \t]*(?:(?:cc|card|carte|cb|num(?:ero|éro)?|pan|n°)[ \t]*[:=#]?[ \t]*)?"
    r"(\d{4}(?:[ .\-]?\d{4}){2}[ .\-]?\d{1,7}|\d{4}[ .\-]\d{6}[ .\-]\d{5})"
    r"[ \t]*[|;,/ \t][ \t|;,]*(?:(?:exp(?:iry|iration|ire)?|date|valid(?:ity)?)\.?[ \t]*[:=]?[ \t]*)?"
    r"(\d\d[ \t]*/[ \t]*(?:\d{4}|\d\d)|\d{4}-\d\d|\d{4})"
    r"[ \t]*[|;, \t][ \t|;,]*(?:(?:cvv2?|cvc2?|cid|cvn|crypto(?:gramme)?)[ \t]*[:=]?[ \t]*)?(\d{3,4})\b([^\n]*)$")
_MIN_CARDS = 2
_GROUP_SEPS = re.compile(r"[ .\-]")
_BOXES = re.compile(r"[|\[][ \t]*([A-Z]{2}\d\d)((?:[ \t]*[|\]\[]+[ \t]*[0-9A-Z]{1,4}){3,8})[ \t]*[|\]]?")


@dataclass
class _Record:
    top: int
    end: int
    unit: int
    cells: dict[str, str] = field(default_factory=dict)


def _epc(lines: list[str], k: int, unit: int) -> _Record | None:
    """An EPC QR payload from line k (`BCD`): name (line 5), IBAN (6), the rest as a note."""
    if k + 6 >= len(lines) or lines[k + 1].strip() not in _EPC_VERSION or lines[k + 3].strip() not in _EPC_SERVICE:
        return None
    name, acct = lines[k + 5].strip(), ids.canon_iban(lines[k + 6].strip())
    if acct is None or not name:
        return None
    end = k + 6
    note: list[str] = []
    for j in range(k + 7, min(len(lines), k + 12)):
        s = lines[j].strip()
        if s == "BCD":
            break
        if s:
            note.append(s)
            end = j
    return _Record(k, end, unit, {"name": name, "iban": acct, "note": " ".join(note)})


def _mt_party(lines: list[str], k: int, acct: str, unit: int) -> _Record:
    """An MT message's party: its account on line k, its name and address on the lines below."""
    rest: list[str] = []
    end = k
    for j in range(k + 1, min(len(lines), k + 5)):
        s = lines[j].strip()
        if not s or _MT_TAG.match(s):
            break
        rest.append(_MT_STRUCT.sub("", s))
        end = j
    cells = {"iban": acct}
    if rest:
        cells["name"] = rest[0]
    if len(rest) > 1:
        cells["street"] = " ".join(rest[1:])
    return _Record(k, end, unit, cells)


def _rib(lines: list[str], k: int, unit: int) -> _Record | None:
    """A RIB's table: its header on line k (`... guichet ...`), its four numbers on k + 1."""
    if k + 1 >= len(lines) or (m := _RIB_ROW.match(lines[k + 1])) is None:
        return None
    acct = ids.rib_iban(*m.groups())
    if acct is None:
        return None
    cells = {"iban": acct}
    top = end = k + 1
    # the holder's label above (and the unlabelled lines under it: the address), up to 4 lines
    for j in range(k - 1, max(-1, k - 5), -1):
        s = lines[j]
        if not s.strip():
            break
        lm = _LABEL.match(s)
        if lm is not None and lm.group(1).strip().lower().startswith(_HOLDER_LABELS):
            cells["name"] = lm.group(2)
            addr = [lines[a].strip() for a in range(j + 1, k) if lines[a].strip() and _LABEL.match(lines[a]) is None]
            if addr:
                cells["street"] = " ".join(addr)
            top = j
            break
    # the IBAN line under it: the same account (its line taken in the record)
    for j in range(k + 2, min(len(lines), k + 4)):
        im = _IBAN_IN_LINE.search(lines[j])
        if im is not None and ids.canon_iban(im.group(1)) == acct:
            end = j
    return _Record(top, end, unit, cells)


def _hex_value(v: str, n: int) -> str | None:
    h = v.replace(" ", "").replace(":", "")
    if len(h) != 2 * n or any(c not in "0123456789abcdefABCDEF" for c in h):
        return None
    return h.upper()


def _emv(lines: list[str], k: int, unit: int) -> _Record | None:
    """An EMV transaction's TLV lines from line k: the card (5A, or 57's PAN) and its holder (5F20)."""
    card = name = None
    top, end = k, k
    for j in range(k, min(len(lines), k + 8)):
        m = _EMV.match(lines[j])
        if m is None:
            if j > k and not lines[j].strip():
                break
            continue
        tag, n = m.group(1).replace(" ", ""), int(m.group(2), 16)
        if tag in ("5A", "57"):
            h = _hex_value(m.group(3), n)
            pan = h.split("D")[0].rstrip("F") if h is not None else None
            this = ids.canon_card(pan) if pan and pan.isdigit() else None
            if card is not None and (tag == "5A" or this != card):
                break  # the next transaction
            card = card or this
        else:
            h = _hex_value(m.group(3), n)
            try:
                name = bytes.fromhex(h).decode("ascii") if h is not None else m.group(3)
            except UnicodeDecodeError:
                name = m.group(3)
        end = j
    if card is None:
        return None
    cells = {"card": card}
    if name and name.strip():
        cells["name"] = name.strip().replace("/", " ")
    return _Record(top, end, unit, cells)


def _records(lines: list[str]) -> list[_Record]:
    out: list[_Record] = []
    unit = 0
    k = 0
    n = len(lines)
    while k < n:
        s = lines[k]
        st = s.strip()
        rec: _Record | None = None
        if st == "BCD":
            rec = _epc(lines, k, unit)
            unit += 1
        elif st[:1] == ":" and (m := _MT_PARTY.match(st)) is not None \
                and (acct := ids.canon_iban(m.group(2))) is not None:
            rec = _mt_party(lines, k, acct, unit)
        elif st[:2] == "{1" or st[:4] == ":20:":
            if not out or out[-1].unit == unit:
                unit += 1  # a new message
        elif "uichet" in s or "UICHET" in s:
            rec = _rib(lines, k, unit)
            unit += 1
        elif st[:2] in ("5A", "57") and _EMV.match(s) is not None:
            rec = _emv(lines, k, unit)
            unit += 1
        if rec is not None:
            out.append(rec)
            k = rec.end + 1
        else:
            k += 1
    return out


def _cell(v: str) -> str:
    return v.replace("|", " ").strip()


def _card_lines(text: str, lines: list[str]) -> bool:
    """A carder's list (two cards or more on adjacent lines, each with its expiry and CVV) written
    `card|exp|cvv|rest`, one line each, in place (the same lines); True if any. A run between
    `label: value` lines is a dox's or a form's (`CB : 4970... exp 09/28 cvv 311` under `IBAN : ...`):
    left as written, its labels read it."""
    got: dict[int, tuple[str, str]] = {}
    starts: list[int] | None = None
    for m in _CARD_LINE.finditer(text):
        card = ids.canon_card(_GROUP_SEPS.sub("", m.group(1)))
        exp = m.group(2).replace(" ", "").replace("\t", "")
        if card is None or not _expiry(exp):
            continue
        if starts is None:
            starts = [0]
            for k, ln in enumerate(lines[:-1]):
                starts.append(starts[k] + len(ln) + 1)
        k = bisect_right(starts, m.start()) - 1
        rest = m.group(4).replace("|", " ").strip(" \t;,")
        got[k] = (card, f"{card}|{exp}|{m.group(3)}|{rest}")
    changed = False
    ks = sorted(got)
    a = 0
    while a < len(ks):
        b = a
        while b + 1 < len(ks) and ks[b + 1] == ks[b] + 1:
            b += 1
        lo, hi = ks[a], ks[b]
        if len({got[k][0] for k in ks[a:b + 1]}) >= _MIN_CARDS and not _labelled(lines, lo - 1) \
                and not _labelled(lines, hi + 1):
            for k in ks[a:b + 1]:
                lines[k] = got[k][1]
            changed = True
        a = b + 1
    return changed


def _labelled(lines: list[str], k: int) -> bool:
    """Whether line k exists and is a `label: value` line."""
    return 0 <= k < len(lines) and _LABEL.match(lines[k]) is not None


def _expiry(v: str) -> bool:
    """Whether `v` reads as a card's expiry (MM/YY, MM/YYYY, YYYY-MM, MMYY)."""
    if "-" in v:
        y, mo = v.split("-")
    elif "/" in v:
        mo, y = v.split("/")
    else:
        mo, y = v[:2], v[2:]
    return 1 <= int(mo) <= 12 and (len(y) == 2 or y[:2] in ("19", "20"))


def _mend(text: str, lines: list[str], bits: int) -> bool:
    """IBANs in boxes written whole, wrapped IBANs joined, carders' lines as rows, in place (the
    same lines); True if any."""
    changed = bool(bits & CARDS) and _card_lines(text, lines)
    if not bits & IBANS:
        return changed
    for k, s in enumerate(lines):
        if ("|" in s or "[" in s) and (m := _BOXES.search(s)) is not None:
            whole = m.group(1) + re.sub(r"[^0-9A-Z]", "", m.group(2))
            if ids.canon_iban(whole) is not None:
                lines[k] = s[: m.start()].rstrip(" \t:") + " : " + whole + " " + s[m.end():]
                changed = True
                continue
        if k + 1 < len(lines) and (lines[k + 1][:4] == "    " or lines[k + 1][:1] == "\t") and (
                m := re.search(r"([A-Z]{2}\d\d(?: [0-9A-Z]{4}){1,6})[ \t]*\Z", s)) is not None:
            nxt = lines[k + 1].strip()
            if re.fullmatch(r"[0-9A-Z]{1,4}(?: [0-9A-Z]{1,4}){0,6}", nxt) and ids.canon_iban(m.group(1)) is None \
                    and ids.canon_iban(m.group(1) + " " + nxt) is not None:
                lines[k] = s.rstrip() + " " + nxt
                lines[k + 1] = ""
                changed = True
    return changed


def rewrite(text: str, bits: int = ALL) -> tuple[str, list[int], list[int]] | None:
    """(the text with each run of bank or card records as a header and a row per record, each new
    line's first and last line in `text`, 0-based) or None when nothing is rewritten. `bits`: which
    first looks matched (`BLOCKS | CARDS | IBANS`)."""
    if len(text) > _MAX_TEXT:
        return None
    lines = text.split("\n")
    mended = _mend(text, lines, bits)
    recs = _records(lines) if bits & BLOCKS else []
    runs: list[list[_Record]] = []
    for r in recs:
        if runs and r.top - runs[-1][-1].end - 1 <= _MAX_GAP:
            runs[-1].append(r)
        else:
            runs.append([r])
    runs = [run for run in runs if len({r.unit for r in run}) >= _MIN_UNITS]
    if not runs:
        return None if not mended else (LineMap(list(lines), list(range(len(lines))), list(range(len(lines))))
                                         .result())
    new = LineMap()
    k = 0
    for run in runs:
        first, last = run[0].top, run[-1].end
        new.keep(lines, k, first)
        new.add(_HEAD, first)
        taken: set[int] = set()
        for r in run:
            new.add("|".join(_cell(r.cells.get(c, "")) for c in _COLS), r.top, r.end)
            taken.update(range(r.top, r.end + 1))
        for p in range(first, last + 1):  # the run's other lines (an MT message's fields), after its rows
            if p not in taken and lines[p].strip():
                new.add(lines[p], first, last)
        k = last + 1
    new.keep(lines, k, len(lines))
    return new.result()
