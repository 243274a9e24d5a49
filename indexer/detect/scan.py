"""Free-text identifier scanning (the fields no header types, dox values, JSON strings).

One RE2 pass finds candidates (emails, IBAN-shaped strings, password hashes, digit runs); each
candidate is then validated by the function `canonical_forms()` uses. Types that are only
numbers with a Luhn digit (SIREN, SIRET, RPPS, ADELI) and bare 13-digit NIR bodies are taken
only when the caller passes a `hint` (a column header or a dox label), because one random digit
run in ten passes Luhn.
"""

from __future__ import annotations

import re

import re2

from indexer import identifiers as ids
from indexer._re2fast import iter_spans
from indexer.detect.encoded import has_obfuscated_at, obfuscated_emails

__all__ = ["Found", "scan", "typed"]

# (type, canonical, start, end) with offsets relative to the scanned string
Found = tuple[str, str, int, int]

# No capturing groups on purpose: RE2 then finds matches with its DFA alone (~3x faster than
# with submatches); the kind of candidate is read from its first characters instead.
_CAND = re2.compile(
    # internationalised domains in Unicode (garçon.fr) or punycode (xn--garon-0ra.fr, .xn--p1ai);
    # labels unbounded here (counted Unicode classes blow RE2's DFA up), bounded by canon_email
    r"(?:[A-Za-z0-9_%+'-](?:[A-Za-z0-9._%+'-]{0,63})@(?:[A-Za-z0-9\pL\pM-]+\.)+(?:xn--[A-Za-z0-9-]+|[A-Za-z]{2,24}|\pL\pL+))"
    r"|\b[A-Za-z]{6}\d\d[A-Za-z]\d\d[A-Za-z]\d{3}[A-Za-z]\b"  # Italian codice fiscale (its own check letter)
    r"|\b(?:[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b"
    r"|(?:\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|\$[156]\$[^\s$:]{1,16}\$[./A-Za-z0-9]{22,86}|\$argon2(?:id|i|d)\$[^\s:;,|]{10,200}|\$[PH]\$[./A-Za-z0-9]{31})"
    r"|\b(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})\b"
    # an IBAN typed in lower or mixed case (fr76 3000 ..., Fr7630...): after the uppercase form,
    # which is read as before (a lowercase word after it is not taken in), and after the hex
    # hashes, which keep their span; `scan` shortens or gives up what does not validate
    r"|\b(?:[A-Za-z]{2}\d\d(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?)\b"
    # a French number written with slashes, 06/12/34/56/78 or +33 6/12/34/56/78: five groups
    # (a date has three); what a slash continues on either side (a path) is dropped by `scan`
    r"|(?:(?:\+|\b00)33[ .\-\x{a0}]?0?|\b0)[1-9](?:/\d\d){4}\b"
    # "+1 (713) 754-1726": an area code in parentheses after the country code (before the
    # general branch: at the same start, the first alternative that matches wins)
    r"|(?:\+\d{1,3}[ .\-\x{a0}]?\(\d{1,4}\)(?:[ .\-\x{a0}]?\d)+)"
    # "(+33) 6 12 34 56 78": the country code in parentheses
    r"|(?:\(\+\d{1,3}\)[ .\-\x{a0}]?\d(?:[ .\-\x{a0}]?\d)+)"
    r"|(?:\+?(?:\b|\()\d(?:[ .\-\x{a0}]?(?:\(0\)|\d)|[AaBb](?:[ .\-]?\d))*)"
)
_HEX = frozenset("0123456789abcdefABCDEF")
# a card number printed in groups (4-4-4-4, Amex's 4-6-5) at the start of a longer digit run
_CARD_AT_START = re2.compile(r"(?:\d{4}[ .\-]){3}\d{4}\b|\d{4}[ .\-]\d{6}[ .\-]\d{5}\b")
_PHONE_IN_RUN = re2.compile(r"(?:\+33|0033|\b0)\s?\(?0?\)?\s?[1-9](?:[ .\-]?\d\d){4}\b")


def classify_number(raw: str, hint: str | None = None) -> tuple[str, str] | None:
    """Type and canonical form of a digit run, by shape and check digits (None if nothing)."""
    d = raw.replace(" ", "").replace(".", "").replace("-", "").replace("\u00a0", "")
    n = len(d)
    if n < 9 or n > 24:
        return None
    if raw.startswith(("+", "(+")) or d.startswith("00") or "(0)" in d:
        c = ids.canon_phone(raw)
        return ("phone", c) if c else None
    alpha = not d.isdigit()
    if alpha:
        if n in (13, 15) and hint in (None, "nir"):
            if n == 15 or hint == "nir":
                c = ids.canon_nir(d)
                return ("nir", c) if c else None
        return None
    if "." in raw and (n == 11 or n == 13):
        # written the way only these are: Belgian 85.07.30-033.28, Swiss AVS 756.1234.5678.97
        if n == 11 and raw.count(".") == 3 and raw.count("-") == 1:
            c = ids.canon_national_id(raw, "BE")
            return ("national_id", c) if c else None
        if n == 13 and d.startswith("756") and raw.count(".") == 3:
            c = ids.canon_national_id(raw, "CH")
            return ("national_id", c) if c else None
    if n == 10 and d[0] == "0":
        c = ids.canon_phone(raw)
        return ("phone", c) if c else None
    if n == 11 and d.startswith("33"):
        c = ids.canon_phone(raw)
        if c:
            return ("phone", c)
    if n == 15:
        if d[:2] in ("34", "37") and hint != "nir":  # an Amex number beats a 1-in-97 NIR look-alike
            c = ids.canon_card(d)
            if c:
                return ("card", c)
        c = ids.canon_nir(d)
        if c:
            return ("nir", c)
    if hint == "nir" and n == 13:
        c = ids.canon_nir(d)
        return ("nir", c) if c else None
    if 12 <= n <= 19:
        c = ids.canon_card(d)
        if c:
            return ("card", c)
    if hint in ("siren", "adeli") and n == 9:
        c = ids.canon_luhn_id(d, 9)
        return (hint, c) if c else None
    if hint == "siret" and n == 14:
        c = ids.canon_luhn_id(d, 14)
        return ("siret", c) if c else None
    if hint == "rpps" and n == 11:
        c = ids.canon_luhn_id(d, 11)
        return ("rpps", c) if c else None
    return None


# Every candidate holds a digit, an @ or a $: text without any is skipped before RE2 is called
# (names, cities, prose: most fields of a dump). A one-class regex cannot backtrack.
_WORTH = re.compile(r"[0-9@$]")


def scan(s: str, out: list[Found], base: int = 0, hint: str | None = None) -> None:
    """Append every validated identifier in `s` to `out` (offsets shifted by `base`)."""
    if not s:
        return
    if ("[" in s or "(" in s or "{" in s) and (hint is None or hint == "email") and has_obfuscated_at(s):
        _obfuscated(s, out, base)  # `jean [at] gmail [dot] com` (the compiled core defers these cells)
    if _WORTH.search(s) is None:
        return
    cands = iter_spans(_CAND, s)
    for spans in cands:
        st, en = spans[0]
        raw = s[st:en]
        c0 = raw[0]
        if "@" in raw:
            if st and (s[st - 1].isalnum() or s[st - 1] == "." and (st < 2 or s[st - 2] != ".")):
                # "Müller@x.de": not the address "ller@x.de"; "ZOË.LEROY@x.fr", ".maelys@x.fr": a local part
                # the candidate does not start (a letter it cannot read, a leading dot) is no "leroy@x.fr"
                continue
            _email(raw, out, base + st, base + en)
            continue
        if c0 == "$":
            c = ids.canon_password_hash(raw)
            if c:
                out.append(("password_hash", c, base + st, base + en))
            continue
        if len(raw) in (32, 40, 64, 128) and not raw.isdigit() and _HEX.issuperset(raw):
            if hint in ("password", "hash"):  # bare hex is a hash only where a header says so
                c = ids.canon_password_hash(raw)
                if c:
                    out.append(("password_hash", c, base + st, base + en))
            continue
        if len(raw) == 16 and raw[:6].isalpha():
            c = ids.canon_national_id(raw, "IT")
            if c:
                out.append(("national_id", c, base + st, base + en))
            continue
        if c0.isascii() and c0.isalpha() and raw[1:2].isalpha():
            c, end = _iban_in(raw)
            if c:
                out.append(("iban", c, base + st, base + st + end))
            elif " " in raw and not raw.isupper():
                # the lowercase shape took words that are no IBAN ("id42 0612345678"): read
                # on from its second word, as if it had never matched
                cands.send(st + raw.index(" ") + 1)
            continue
        if "/" in raw:  # 06/12/34/56/78: a phone unless a slash continues it (a path, a date)
            if not (st and s[st - 1] == "/" or en < len(s) and s[en] == "/"):
                c = ids.canon_phone(raw)
                if c:
                    out.append(("phone", c, base + st, base + en))
            continue
        if en < len(s) and s[en].isalpha():
            continue
        found = classify_number(raw, hint)
        if hint == "nir" and found and found[0] == "nir" and _wrong_key_after(s, en, raw, found[1]):
            found = None  # a body whose written key is wrong is no NIR, never the body + its right key
        # `SKU-0612345678`, `REF-0145678912`: a number glued to a word by a dash is a code, no phone
        glued = hint != "phone" and st >= 2 and s[st - 1] == "-" and s[st - 2].isalpha() and _code_prefix(s, st - 1)
        if found:
            if not (glued and found[0] == "phone"):
                out.append((found[0], found[1], base + st, base + en))
        elif len(raw) > 14 and (" " in raw or "." in raw):
            card = _CARD_AT_START.match(raw)
            if card is not None and (c := ids.canon_card(card.group())) is not None:
                # `4970 1012 3456 7802 12/27 123`: a card printed in groups, then its expiry
                out.append(("card", c, base + st, base + st + card.end()))
                continue
            if glued:
                continue
            for ps in iter_spans(_PHONE_IN_RUN, raw):
                c = ids.canon_phone(raw[ps[0][0]:ps[0][1]])
                if c:
                    out.append(("phone", c, base + st + ps[0][0], base + st + ps[0][1]))


_KEY_BLANKS = " \t\u00a0"


def _wrong_key_after(s: str, en: int, raw: str, canon: str) -> bool:
    """Whether the 13-character NIR body `raw` (ending at `s[en]`) is followed by a written key,
    `(94)`, `[94]`, `clé 94`, `key: 94`, that is not its own (`canon`'s last two digits)."""
    if sum(c.isalnum() for c in raw) != 13:
        return False
    n = len(s)
    i = en
    while i < n and s[i] in _KEY_BLANKS:
        i += 1
    if i < n and s[i] in "([":
        i += 1
    elif s[i:i + 3].lower() in ("clé", "cle", "key"):
        i += 3
        while i < n and s[i] in _KEY_BLANKS:
            i += 1
        if i < n and s[i] == ":":
            i += 1
    else:
        return False
    while i < n and s[i] in _KEY_BLANKS:
        i += 1
    key = s[i:i + 2]
    if len(key) != 2 or not (key.isascii() and key.isdigit()) or i + 2 < n and "0" <= s[i + 2] <= "9":
        return False
    return key != canon[13:]


# the words before a dash that still label a phone (`Tel-0612345678`)
_PHONE_LABELS = frozenset({"tel", "tél", "telephone", "téléphone", "phone", "mobile", "mob", "portable", "port", "gsm",
                           "cell", "fax", "whatsapp"})


def _code_prefix(s: str, dash: int) -> bool:
    """Whether the letters before `s[dash]` (a dash) make a code's prefix, not a phone's label."""
    j = dash
    while j > 0 and s[j - 1].isalpha():
        j -= 1
    return s[j:dash].lower() not in _PHONE_LABELS


def _obfuscated(s: str, out: list[Found], base: int) -> None:
    """The addresses `s` writes obfuscated, validated as `scan` validates a plain one; the span
    covers the obfuscated writing."""
    for plain, st, en in obfuscated_emails(s):
        _email(plain, out, base + st, base + en)


def _email(raw: str, out: list[Found], st: int, en: int) -> None:
    """The address `raw` spelled, if valid, and its Gmail form when that differs."""
    exact = ids.canon_email(raw)
    if exact:
        out.append(("email", exact, st, en))
        canon = ids.canon_email_gmail(exact)
        if canon != exact:
            out.append(("email", canon, st, en))


def _iban_in(raw: str) -> tuple[str | None, int]:
    """The IBAN an IBAN-shaped candidate is, or starts with when words that are no part of
    it were taken in ("be68 5390 0754 7034 pour"): the candidate, then each shorter run of its
    space-separated groups (at most eight), and the length read."""
    c = ids.canon_iban(raw)
    if c:
        return c, len(raw)
    end = raw.rfind(" ")
    while end > 0:
        c = ids.canon_iban(raw[:end])
        if c:
            return c, end
        end = raw.rfind(" ", 0, end)
    return None, 0


def typed(role: str, value: str, out: list[Found], base: int) -> bool:
    """Validate a value under a typed column; False when it does not validate (the caller may
    then fall back to `scan`)."""
    v = value
    if role == "email":
        exact = ids.canon_email(v)
        if not exact:
            return False
        out.append(("email", exact, base, base + len(v)))
        canon = ids.canon_email_gmail(exact)
        if canon != exact:
            out.append(("email", canon, base, base + len(v)))
        return True
    if role == "phone":
        c = ids.canon_phone(v)
    elif role == "nir":
        c = ids.canon_nir(v)
    elif role == "iban":
        c = ids.canon_iban(v)
    elif role == "card":
        c = ids.canon_card(v)
    elif role in ("siren", "adeli"):
        c = ids.canon_luhn_id(v, 9)
    elif role == "siret":
        c = ids.canon_luhn_id(v, 14)
    elif role == "rpps":
        c = ids.canon_luhn_id(v, 11)
    elif role == "dob":
        c = ids.canon_dob(v)
    elif role in ("hash", "password"):
        c = ids.canon_password_hash(v)
        role = "password_hash"
    else:
        return False
    if c is None:
        return False
    out.append((role, c, base, base + len(v)))
    return True
