"""Turning one record (a CSV row, an SQL tuple, a JSON object, a dox) into identifiers.

A record is a list of (value, offset) pairs with a role per value (from the header, the JSON
key or the dox label; None when unknown). Typed values are validated as their role says;
untyped ones go through the free-text scanner. Name parts, address parts and plaintext
passwords are combined per record (first + last name, street + postcode + city, login +
password) and their spans are masked in the excerpt.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter

import phonenumbers

from indexer import engine as _engine
from indexer import identifiers as ids
from indexer.detect.roles import Role, region_of_country
from indexer.detect.scan import Found, scan, typed
from indexer.redact import EXCERPT_CHARS

__all__ = ["NULLS", "Sink", "clean", "cpu_gate", "cpu_over", "extract_combo", "extract_record", "extract_rows",
           "login_iban", "mask_free_text", "other_role", "scan_only"]

NULLS = frozenset({"", "NULL", "null", "\\N", "None", "none", "N/A", "n/a", "-", "nan", "NaN"})
_STRONG = frozenset({"email", "phone", "nir", "iban", "card", "credential", "password_hash", "national_id"})


def cpu_gate(max_seconds: float) -> tuple[float, float]:
    """(gate, deadline) of a detection call that may take `max_seconds` of this thread's CPU time:
    `deadline` on the thread's CPU clock, `gate` on the monotonic one (read first). A thread's CPU
    time since a moment is at most the wall time since it, so until the monotonic clock reaches
    `gate` the deadline cannot have passed and its clock, a system call (~1.7 us on this VM, three
    reads a dump post: ~2.5% of its CPU time), is not read (`cpu_over`). The gate is 1% early:
    NTP may slew the monotonic clock by 0.05%."""
    gate = time.monotonic() + 0.99 * max_seconds
    return gate, time.thread_time() + max_seconds


def cpu_over(gate: float, deadline: float) -> bool:
    """Whether this thread's CPU clock is past `deadline` (`cpu_gate`): the same answer as
    `time.thread_time() > deadline`, read only once the monotonic clock is at `gate`."""
    return time.monotonic() >= gate and time.thread_time() > deadline


class Sink:
    """What one fragment accumulates: identifiers, extra masks, article 9 header flags, and the
    phone numbers in national notation whose country the whole fragment decides (`settle`)."""

    __slots__ = ("found", "masks", "header_flags", "deadline", "max_found", "stopped", "pending", "cc_col",
                 "roles_ref", "country_at", "ticks", "gate")

    def __init__(self, deadline: float = float("inf"), max_found: int = 1 << 62, gate: float = float("-inf")) -> None:
        # the compiled core's column list when it is the engine (`engine.found_list`): it reads
        # and writes as this list would for every use here and in the recognisers (len, append,
        # extend, indexing, slices, `del found[k:]`, `found[k] = ...`, iteration, equality)
        self.found: list[Found] = _engine.found_list()
        self.masks: list[tuple[int, int, str]] = []
        self.header_flags: list[tuple[str, str, int, int]] = []
        self.deadline = deadline
        self.gate = gate  # (`cpu_over`: the monotonic time before which the deadline cannot be passed)
        self.max_found = max_found
        self.stopped = False
        # national-notation phones waiting for the fragment's context:
        # (value, offset, column, the header's language hint, the row's `pays`)
        self.pending: list[tuple[str, int, int, str | None, str | None]] = []
        self.cc_col: dict[int, Counter[str]] = {}  # column -> regions of its numbers written with +CC
        self.roles_ref: Sequence[str | None] | None = None  # the roles `country_at` was computed for
        self.country_at = -1  # the column of a `pays` / `country` field in those roles
        self.ticks = 0  # calls of `over`

    def region_seen(self, col: int, e164: str) -> None:
        """A number written with its country code: context for its column."""
        r = ids.calling_region(e164)
        if r is not None:
            c = self.cc_col.get(col)
            if c is None:
                c = self.cc_col[col] = Counter()
            c[r] += 1

    def settle(self) -> None:
        """Read the pending national numbers in their context. Each column's region is chosen
        among its context's candidates, most specific first: the +CC numbers of its own column
        (the other rows), the language of its header, the +CC numbers elsewhere in the
        fragment, France; the candidate under which most of the column's numbers are valid
        wins, ties going to the more specific (a French column beside a column of Moroccan fax
        numbers stays French: few of its numbers are Moroccan). Where the winner reads fewer than
        half of the column's numbers, the region of a lone +CC number of the column, then of the
        fragment, may still win. A number invalid there is
        tried in its row's `pays` (unless it has the shape of a French number: an unassigned
        French number is no foreign one) and then in France; a number valid nowhere stays out."""
        if not self.pending:
            return
        if any(p[3] is None for p in self.pending):
            self._hint_from_mail()
        core = _engine.core()
        if core is not None:  # the compiled core, same steps (issue 17)
            try:
                core.settle(self, _engine.today())
            except UnicodeEncodeError:  # a lone surrogate from a JSON escape: the reference reads them
                pass                    # (the core reads every pending value before it appends)
            else:
                return
        # every number already read (with its +CC, under a header naming its country, or in a
        # field no header types) tells the fragment's country, and so do its IBANs and national
        # identifiers (a Belgian customer file holds BE IBANs)
        seen: Counter[str] = Counter()
        region_of = ids.calling_region
        for f in self.found:
            t = f[0]
            if t == "phone":
                r = region_of(f[1])
                if r is not None:
                    seen[r] += 1
            elif t == "iban" or t == "national_id":
                seen[f[1][:2]] += 1
        if seen and _dominant(seen) is None:
            # an address under a country's domain (`.com.au`) backs a country a number or an IBAN
            # names already, where they make none dominant: alone, a domain is no context (a
            # French list of `.ch` addresses)
            for f in [f for f in self.found if f[0] == "email"]:
                tld = f[1][f[1].rfind(".") + 1:]
                r = "GB" if tld == "uk" else tld.upper()
                if r in seen:
                    seen[r] += 1
        frag_best = _dominant(seen)
        by_col: dict[int, list[tuple[str, int, str | None, str | None]]] = {}
        for v, off, col, hint, rec in self.pending:
            by_col.setdefault(col, []).append((v, off, hint, rec))
        found = self.found
        canon = ids.canon_phone
        for col, values in by_col.items():
            own = self.cc_col.get(col)
            cands = list(dict.fromkeys(
                r for r in (_dominant(own) if own else None, values[0][2], frag_best, "FR") if r))
            # a lone +CC number (in the column, else in the fragment) is context only for a column
            # that none of the above reads: "(713) 754-1726" beside one "+1 202 ...", not a French
            # column beside one Italian number (Italy's national numbers keep their 0: most
            # French ones are valid there too)
            weak = [r for r in dict.fromkeys((_top(own) if own else None, _top(seen))) if r and r not in cands]
            region = cands[0]
            if len(cands) > 1 or weak:
                sample = [v for v, _, _, _ in values[:64]]
                best = -1
                for r in cands:  # ties go to the more specific context
                    n = _votes(sample, r)
                    if n > best:
                        region, best = r, n
                if 2 * best < len(sample):
                    for r in weak:
                        n = _votes(sample, r)
                        if n > best:
                            region, best = r, n
            for v, off, _, rec in values:
                # a row that names its country (a `pays` column) reads its number there first
                # (Luxembourg's 621 345 678, a Swiss 061 234 56 78), except a number written the
                # French way (0 and nine digits, whole or in pairs) in a country that does not
                # write its own so (a French mobile of a customer abroad; Monaco and the overseas
                # collectivities do); invalid in the row's country, the column's region decides
                c = canon(v, rec) if (rec is not None and rec != region
                                      and (rec in _FRENCH_STYLE or not _french_written(v))) else None
                if c is None:
                    c = canon(v, region)
                if c is None and region != "FR":
                    c = canon(v)
                if c is not None:
                    found.append(("phone", c, off, off + len(v)))
                elif region == "FR":  # two numbers in one cell, text around one: look inside, phones only
                    tmp: list[Found] = []
                    scan(v, tmp, off, hint="phone")
                    found.extend(x for x in tmp if x[0] == "phone")
        self.pending = []

    def _hint_from_mail(self) -> None:
        """The country of the fragment's e-mail domains as the hint of the pending numbers whose
        header names none: a Moroccan customer file (`@menara.ma`) writes `0661234567`, valid in
        France too, and a Belgian one (`@skynet.be`) `0470 12 34 56`. A country counts when two
        or more addresses (of the first 256 identifiers) end in its code, most of those with a
        country code do, and they are half of all the addresses at least; France is the default.
        It is only a hint: `settle` still votes with France among the candidates (a column of
        French numbers no other plan has stays French); a tie (digits valid in both) goes to the
        hint, the more specific context."""
        # (the addresses first: the compiled core's found list gives them without a tuple per
        # identifier, `Found.values_of`; the slice's tuples were ~55k of the ~72k instructions a
        # call on a dump post's fragment. A dict, not a Counter: its `+= 1` on a new key is a
        # `__missing__` call; `max` over its items is `most_common(1)`: the first of the highest
        # counts in insertion order)
        values_of = getattr(self.found, "values_of", None)  # (a plain list, or an older core: the slice)
        mails = values_of("email", 256) if values_of is not None else [
            f[1] for f in self.found[:256] if f[0] == "email"]
        if not mails:
            return
        seen: dict[str, int] = {}
        for m in mails:
            tld = m[m.rfind(".") + 1:]
            if len(tld) != 2:  # (a national provider under .com, .net: its country's code)
                tld = _ISP_TLD.get(m[m.rfind("@") + 1:], tld)
            if len(tld) == 2:
                seen[tld] = seen.get(tld, 0) + 1
        if not seen:
            return
        tld, n = max(seen.items(), key=itemgetter(1))
        # half of all the addresses too: a French list with a few `.ch` or `.de` addresses among
        # its gmail.com ones stays French (06 12 34 56 78 is a valid Basel or Hessen number)
        if n < 2 or 2 * n <= sum(seen.values()) or 2 * n < len(mails) or tld == "fr":
            return
        region = _MAIL_REGION.get(tld, tld.upper())
        if region not in _PHONE_REGIONS or tld in _GENERIC_CCTLDS:
            return
        self.pending = [p if p[3] is not None else (p[0], p[1], p[2], region, p[4]) for p in self.pending]

    def over(self) -> bool:
        """True once the time or identifier cap is hit; record loops check it every 256 records,
        and an SQL run at each line. The clock is read at the first call and every 8th after: it
        is this thread's CPU time, a system call (not the vDSO's) that took 13% of an
        INSERT-per-row dump's time when read on every line; and only once the wall clock says it
        may be over (`cpu_over`)."""
        if not self.stopped:
            self.ticks += 1
            if len(self.found) >= self.max_found or ((self.ticks & 7) == 1 and cpu_over(self.gate, self.deadline)):
                self.stopped = True
        return self.stopped


# country-code domains used as generic names (`.io`, `.co`, `.me`...): no country of a mailbox
_GENERIC_CCTLDS = frozenset({"io", "co", "me", "tv", "ai", "fm", "ly", "to", "cc", "ws", "gg", "la", "so", "sh", "ac",
                             "nu", "vc", "im", "is", "am", "li", "re", "gp", "mq", "yt", "gf", "pm"})
_MAIL_REGION = {"uk": "GB"}
# national providers' mail domains under a generic TLD, read as their country's code (a British
# dump of btinternet.com and sky.com addresses writes `07911 123456`, valid in no French plan)
_ISP_TLD = {
    **dict.fromkeys(("btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com", "blueyonder.com",
                     "tiscali.com", "btopenworld.com"), "uk"),
    **dict.fromkeys(("comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
                     "charter.net", "earthlink.net", "optonline.net", "frontier.com"), "us"),
    **dict.fromkeys(("rogers.com", "shaw.ca", "sympatico.ca", "videotron.ca"), "ca"),
    **dict.fromkeys(("bigpond.com", "optusnet.com.au"), "au"),
}
_PHONE_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


def _dominant(regions: Counter[str]) -> str | None:
    """The region of most numbers written with a +CC, if at least two and half of them are its:
    a French dump's odd foreign number is no context, a column of Belgian numbers is."""
    if not regions:
        return None
    r, n = regions.most_common(1)[0]
    return r if n >= 2 and 2 * n >= regions.total() else None


def _top(regions: Counter[str]) -> str | None:
    """The region of most numbers written with a +CC, however few (`Counter.most_common`'s
    first: ties go to the first seen)."""
    return regions.most_common(1)[0][0] if regions else None


def _votes(sample: list[str], region: str) -> int:
    """How many of a column's numbers are valid in `region` (the vote of `Sink.settle`)."""
    return sum(1 for v in sample if _valid_in(v, region))


def _valid_in(v: str, region: str) -> bool:
    """Validity for the vote: in France, national notation keeps its trunk 0 (libphonenumber
    also takes `682 00 47 15` as French, which in a foreign column it is not)."""
    if region == "FR" and v.lstrip(" \t\"'(")[:1] not in ("0", "+"):
        return False
    return ids.canon_phone(v, region) is not None


# the countries whose own numbers are written as France's: 0 and nine digits, in pairs
_FRENCH_STYLE = frozenset({"MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"})
_GROUPS = re.compile(r"[ .\-/\t]+")


def _french_written(v: str) -> bool:
    """0 and nine digits, the second not 0, written whole or as five pairs (`06 12 34 56 78`,
    `06.12.34.56.78`): how a French number is written, valid or not. A Swiss `061 234 56 78` or
    a Belgian `0470 12 34 56` holds as many digits but is grouped otherwise."""
    if not v.isascii():
        return False
    groups = [g for g in _GROUPS.split(v) if g]
    if not groups or not all(g.isdigit() for g in groups):
        return False
    d = "".join(groups)
    if len(d) != 10 or d[0] != "0" or d[1] == "0":
        return False
    return len(groups) == 1 or (len(groups) == 5 and all(len(g) == 2 for g in groups))


_EDGE = frozenset(" \t\r\n\"'`\u00a0")
# typed columns whose value is one identifier of the column's own type, as `scan.typed` does
# them (email is left to `typed`: it gives two forms)
_CANON: dict[str, Callable[[str], str | None]] = {
    "phone": ids.canon_phone, "nir": ids.canon_nir, "iban": ids.canon_iban, "card": ids.canon_card,
    "dob": ids.canon_dob, "siren": partial(ids.canon_luhn_id, length=9),
    "adeli": partial(ids.canon_luhn_id, length=9), "siret": partial(ids.canon_luhn_id, length=14),
    "rpps": partial(ids.canon_luhn_id, length=11),
}


# the roles that read an e-mail in their cells their own way; under any other typed column, a
# cell that is one valid e-mail is taken as one (a header shifted by a missing column, or
# `Adresse e-mail` read as a street, must not lose the address or make it a postal one)
_EMAIL_READERS = frozenset({"email", "login", "password", "hash"})


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


def _phone(v: str, off: int, col: int, role: str, sink: Sink, record_region: str | None) -> int:
    """A value under a phone column: read now when its country is known (named by the header,
    or its own +CC), else left pending for `Sink.settle` with the row's `pays`. Returns 1
    when left pending (it counts as the record's strong identifier: it is typed and settled
    with the fragment), 0 when read now (what it gave is in `sink.found`)."""
    region = role.region if isinstance(role, Role) else None
    intl = ids.is_international(v)
    if region is None and not intl:
        sink.pending.append((v, off, col, role.hint if isinstance(role, Role) else None, record_region))
        return 1
    c = ids.canon_phone(v, region or "FR")
    if c is not None:
        sink.found.append(("phone", c, off, off + len(v)))
        if intl:
            sink.region_seen(col, c)
    elif region is None or region == "FR":  # two numbers in one cell: look inside, phones only
        tmp: list[Found] = []
        scan(v, tmp, off, hint="phone")
        sink.found.extend(x for x in tmp if x[0] == "phone")
    return 0


def _national_id(v: str, off: int, role: str, found: list[Found]) -> None:
    """A value under a national identifier column, read with the country the header names
    (`dni`, `nino`, `avs`...); under a NIR column a NIR first (`ssn` is also a French header);
    under a bare `national_id` column, a value that passes exactly one country's rules."""
    country = role.region if isinstance(role, Role) else None
    if role == "nir":
        c = ids.canon_nir(v)
        if c is not None:
            found.append(("nir", c, off, off + len(v)))
            return
        if country is None:
            return
    if country is not None:
        c = ids.canon_national_id(v, country)
    else:
        forms = ids.national_id_forms(v, strict=False)
        c = forms[0] if len(forms) == 1 else None
    if c is not None:
        found.append(("national_id", c, off, off + len(v)))


def scan_only(v: str, off: int, hint: str, found: list[Found]) -> None:
    """Look inside a typed value that did not validate as a whole, for its own type only."""
    tmp: list[Found] = []
    scan(v, tmp, off, hint=hint)
    found.extend(x for x in tmp if x[0] == hint)


def other_role(role: str, v: str, off: int, found: list[Found]) -> None:
    """A value under a role no ported validator covers (extract_record's last branch)."""
    if not typed(role, v, found, off):
        scan_only(v, off, role, found)


def login_iban(v: str) -> str | None:
    """A `compte` login that is an account number (extract_record's login branch)."""
    return ids.canon_iban(v) if v[:2].isalpha() and v[2:4].isdigit() else None


def extract_rows(lines: list[str], lo: int, hi: int, offs: list[int], first: int, sep: str, quoted: bool,
                 roles: Sequence[str | None], sink: Sink) -> int | None:
    """Delimited rows `lines[lo:hi]` through the compiled core in one call (None when the
    engine is the pure-Python one: the caller then loops over `extract_record`)."""
    core = _engine.core()
    if core is None:
        return None
    n: int = core.rows(lines, lo, hi, offs, first, sep, quoted, roles, sink, _engine.today())
    return n


def extract_combo(lines: list[str], lo: int, hi: int, offs: list[int], first: int, sink: Sink,
                  fallback: Callable[[int], int]) -> int | None:
    """Combo lines `lines[lo:hi]` through the compiled core (None on the pure-Python engine);
    `fallback(k)` extracts a line the core hands back."""
    core = _engine.core()
    if core is None:
        return None
    n: int = core.combo(lines, lo, hi, offs, first, sink, _engine.today(), fallback)
    return n


def extract_record(fields: list[tuple[str, int]], roles: Sequence[str | None] | None, sink: Sink) -> int:
    """Extract one record; returns how many strong identifiers (email, phone, NIR, ...) it gave."""
    core = _engine.core()
    if core is not None:
        try:
            n: int = core.record(fields, roles, sink, _engine.today())
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape: the reference takes the
            pass                    # record (nothing was appended: the fields are read first)
        else:
            return n
    return extract_record_py(fields, roles, sink)


def extract_record_py(fields: list[tuple[str, int]], roles: Sequence[str | None] | None, sink: Sink) -> int:
    """`extract_record` in Python: the reference the compiled core is compared with."""
    found = sink.found
    masks = sink.masks
    before = len(found)
    first = last = full = None
    addr: list[tuple[str, int]] = []
    login = pw = email_raw = None
    known: Sequence[str | None] = () if roles is None else roles
    nroles = len(known)
    canon_of = _CANON.get
    if known is not sink.roles_ref:  # the `pays` column of these roles, looked up once
        sink.roles_ref = known
        sink.country_at = list(known).index("country") if "country" in known else -1
    record_region = None
    if 0 <= sink.country_at < len(fields):
        record_region = region_of_country(clean(*fields[sink.country_at])[0])
    pending = 0
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
        if "@" in v and role not in _EMAIL_READERS and typed("email", v, found, off):
            continue  # an e-mail under another column's header (shifted or misnamed columns)
        if role == "phone":
            pending += _phone(v, off, idx, role, sink, record_region)
            continue
        if role == "national_id" or (role == "nir" and isinstance(role, Role)):
            _national_id(v, off, role, found)
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
                # a quoted cell keeps its `""` (shapes._split): the password itself has one `"`
                pw = (v.replace('""', '"') if '""' in v and fields[idx][0].lstrip()[:1] == '"' else v, off)
                masks.append((off, off + len(v), "********"))
        elif role == "login":
            login = (v, off)
            if "@" in v:
                typed("email", v, found, off)
            elif v[:2].isalpha() and v[2:4].isdigit() and (iban := ids.canon_iban(v)) is not None:
                found.append(("iban", iban, off, off + len(v)))  # `compte`: an account, maybe a bank's
                login = None
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
    elif last and not first and len(last[0].split()) >= 2:
        # `Nom: DUPONT Jean`, a `nom` column without `prenom`: the whole name under "nom", as
        # French exports and doxes often write it
        c = ids.canon_name(last[0])
        if c:
            found.append(("name", c, last[1], last[1]))
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
    return pending + sum(1 for f in found[before:] if f[0] in _STRONG)
