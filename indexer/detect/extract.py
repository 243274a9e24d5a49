"""Turning one record (a CSV row, an SQL tuple, a JSON object, a dox) into identifiers.

A record is a list of (value, offset) pairs with a role per value (from the header, the JSON
key or the dox label; None when unknown). Typed values are validated as their role says;
untyped ones go through the free-text scanner. Name parts, address parts and plaintext
passwords are combined per record (first + last name, street + postcode + city, login +
password) and their spans are masked in the excerpt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial

from indexer import identifiers as ids
from indexer.detect.scan import Found, scan, typed
from indexer.redact import EXCERPT_CHARS

__all__ = ["NULLS", "Sink", "clean", "extract_record", "mask_free_text"]

NULLS = frozenset({"", "NULL", "null", "\\N", "None", "none", "N/A", "n/a", "-", "nan", "NaN"})
_STRONG = frozenset({"email", "phone", "nir", "iban", "card", "credential", "password_hash"})


class Sink:
    """What one fragment accumulates: identifiers, extra masks, article 9 header flags."""

    __slots__ = ("found", "masks", "header_flags", "deadline", "max_found", "stopped")

    def __init__(self, deadline: float = float("inf"), max_found: int = 1 << 62) -> None:
        self.found: list[Found] = []
        self.masks: list[tuple[int, int, str]] = []
        self.header_flags: list[tuple[str, str, int, int]] = []
        self.deadline = deadline
        self.max_found = max_found
        self.stopped = False

    def over(self) -> bool:
        """True once the time or identifier cap is hit; record loops check it every 256 records."""
        if not self.stopped and (len(self.found) >= self.max_found or time.monotonic() > self.deadline):
            self.stopped = True
        return self.stopped


_EDGE = frozenset(" \t\r\n\"'`\u00a0")
# typed columns whose value is one identifier of the column's own type, as `scan.typed` does
# them (email is left to `typed`: it gives two forms)
_CANON: dict[str, Callable[[str], str | None]] = {
    "phone": ids.canon_phone, "nir": ids.canon_nir, "iban": ids.canon_iban, "card": ids.canon_card,
    "dob": ids.canon_dob, "siren": partial(ids.canon_luhn_id, length=9),
    "adeli": partial(ids.canon_luhn_id, length=9), "siret": partial(ids.canon_luhn_id, length=14),
    "rpps": partial(ids.canon_luhn_id, length=11),
}


def clean(v: str, off: int) -> tuple[str, int]:
    """Strip blanks and one level of quotes, moving the offset along."""
    if v and v[0] not in _EDGE and v[-1] not in _EDGE:
        return v, off  # the common case: nothing to strip
    n = len(v)
    s = v.lstrip()
    off += n - len(s)
    s = s.rstrip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'`":
        s = s[1:-1]
        off += 1
    return s, off


def mask_free_text(v: str, off: int, masks: list[tuple[int, int, str]]) -> None:
    """An untyped word field (a name or a city in a headerless dump) is masked in the excerpt
    all the same: only its first letter stays."""
    if len(v) >= 3 and any(ch.isalpha() for ch in v[:3]) and not v.lstrip().startswith(("http", "www.")):
        masks.append((off, off + len(v), v[:1] + "***"))


def extract_record(fields: list[tuple[str, int]], roles: Sequence[str | None] | None, sink: Sink) -> int:
    """Extract one record; returns how many strong identifiers (email, phone, NIR, ...) it gave."""
    found = sink.found
    masks = sink.masks
    before = len(found)
    first = last = full = None
    addr: list[tuple[str, int]] = []
    login = pw = email_raw = None
    known: Sequence[str | None] = () if roles is None else roles
    nroles = len(known)
    canon_of = _CANON.get
    for idx, (v, off) in enumerate(fields):
        if not v or v[0] in _EDGE or v[-1] in _EDGE:  # `clean` inlined for the common case
            v, off = clean(v, off)
        if v in NULLS:
            continue
        role = known[idx] if idx < nroles else None
        if role is None or role == "url" or role[:3] == "a9:":  # unknown, url, article 9 column
            n0 = len(found)
            scan(v, found, off)
            if role is None and off < EXCERPT_CHARS and len(found) == n0:
                mask_free_text(v, off, masks)
            continue
        canon = canon_of(role)
        if canon is not None:  # a typed column (phone, nir, dob...): the bulk of a dump's cells
            c = canon(v)
            if c is not None:
                found.append((role, c, off, off + len(v)))
            elif role != "dob":
                # a typed column that did not validate as a whole: look inside it, but only for
                # its own type (a NIR look-alike must not come back as a card)
                tmp: list[Found] = []
                scan(v, tmp, off, hint=role)
                found.extend(x for x in tmp if x[0] == role)
            continue
        show = off < EXCERPT_CHARS  # masks matter only where the excerpt can reach
        if role == "first_name":
            first = (v, off)
            if show:
                masks.append((off, off + len(v), "[name]"))
        elif role == "last_name":
            last = (v, off)
            if show:
                masks.append((off, off + len(v), "[name]"))
        elif role == "full_name":
            full = (v, off)
            if show:
                masks.append((off, off + len(v), "[name]"))
        elif role in ("street", "postcode", "city"):
            addr.append((v, off))
            if show:
                masks.append((off, off + len(v), "[address]"))
        elif role == "password":
            if not typed("hash", v, found, off):
                pw = (v, off)
                masks.append((off, off + len(v), "********"))
        elif role == "login":
            login = (v, off)
            if "@" in v:
                typed("email", v, found, off)
            else:
                masks.append((off, off + len(v), v[:1] + "***"))
        elif role == "hash":
            if not typed("hash", v, found, off):
                masks.append((off, off + len(v), "********"))
        else:
            if role == "email":
                email_raw = (v, off)
            if not typed(role, v, found, off):  # email, or a role no value is typed by
                tmp = []
                scan(v, tmp, off, hint=role)
                found.extend(x for x in tmp if x[0] == role)
    if first and last:
        c = ids.canon_name(f"{first[0]} {last[0]}")
        if c:
            o = min(first[1], last[1])
            found.append(("name", c, o, o))
    elif full:
        c = ids.canon_name(full[0])
        if c:
            found.append(("name", c, full[1], full[1]))
    if addr:
        c = ids.canon_address(" ".join(a[0] for a in addr))
        if c:
            found.append(("address", c, addr[0][1], addr[0][1]))
    if pw is not None:
        who = login or email_raw
        if who is not None:
            c = ids.canon_credential(who[0], pw[0])
            if c:
                found.append(("credential", c, pw[1], pw[1]))
    return sum(1 for f in found[before:] if f[0] in _STRONG)
