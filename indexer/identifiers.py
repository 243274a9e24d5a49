"""Validation and canonical forms of every identifier type Vigie matches on.

One function per type turns a raw string (as it appears in a dump, or as an organisation types
it into `vigie hash`) into its canonical form, or returns None when the value fails its checks.
The extractor and `canonical_forms()` both go through these functions, so a registration and a
dump always agree on the string that gets tokenised. docs/identifiers.md states the rules for
users (its examples are tested); each rule is also stated here where it is applied.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import phonenumberutil as _pnu
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import ValidationResult as _VR
from stdnum import iban as _iban
from stdnum.be import nn as _be_nn
from stdnum.ch import ssn as _ch_ssn
from stdnum.es import dni as _es_dni
from stdnum.es import nie as _es_nie
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret
from stdnum.it import codicefiscale as _it_cf
from stdnum.us import ssn as _us_ssn
from stdnum.util import NumberValidationModule

from indexer import IndexerError

# phonenumbers compiles its metadata patterns through `re`, whose cache holds 512 entries: a dump
# with phones of many countries overflows it and every number recompiles its region's patterns
# (about 7x slower). Keep them compiled once, when this phonenumbers offers it (9.0.43 does).
try:
    from phonenumbers.re_util import enable_pattern_cache
except ImportError:  # an older phonenumbers: the re cache only
    pass
else:
    enable_pattern_cache()

__all__ = [
    "CARD_BRANDS",
    "NATIONAL_ID_COUNTRIES",
    "IdentifierError",
    "calling_region",
    "canon_address",
    "canon_card",
    "canon_card_py",
    "canon_credential",
    "canon_dob",
    "canon_email",
    "canon_email_py",
    "canon_email_gmail",
    "canon_iban",
    "canon_luhn_id",
    "canon_name",
    "canon_national_id",
    "canon_nir",
    "canon_nir_py",
    "canon_password_hash",
    "canon_phone",
    "canon_phone_py",
    "canonical_forms",
    "card_network",
    "email_domain",
    "hash_kind",
    "iban_rules",
    "is_international",
    "luhn_ok",
    "national_id_forms",
    "nir_key",
    "rib_iban",
]


class IdentifierError(IndexerError, ValueError):
    """Raised for an unknown identifier type (invalid values give an empty result instead)."""


# The compiled validators (vigie_native), set by `indexer.engine` when the native engine is
# chosen. Each returns the canonical form, None, or Ellipsis when Python must decide; the
# `*_py` functions are the reference they are tested against.
_NATIVE: list[Any] = [None]


class _ReferenceOnly(threading.local):
    """Set on a thread that must run the reference engine whatever was chosen: `engine.reference_only`,
    after the compiled core crashed on an input. `on` has a class default, so a thread that never set
    it reads False without an error (on a bare `threading.local`, each `getattr(..., "on", False)`
    raised and formatted an AttributeError: ~2k instructions a validator call)."""

    on = False


REFERENCE_ONLY = _ReferenceOnly()


def _native() -> Any:
    """The compiled validators, unless this thread runs the reference engine only."""
    return None if getattr(REFERENCE_ONLY, "on", False) else _NATIVE[0]


def _native_answer(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except UnicodeEncodeError:  # a lone surrogate (a JSON "\ud800"): the reference decides
        return ...


# ---------------------------------------------------------------------------------------- email
# Python `re` is used below only on inputs whose length is checked first (<= 254 chars) and with
# patterns free of nested ambiguous quantifiers, so backtracking is bounded; RE2 would cost more
# in wrapper overhead than the match itself. tests/test_detect_adversarial.py covers them.
_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$"
)
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


def canon_email(raw: str) -> str | None:
    """Exact form: trimmed, lowercased, IDNA-encoded domain."""
    n = _native()
    if n is not None:
        r = _native_answer(n.canon_email, raw)
        if r is not ...:
            return r
    return canon_email_py(raw)


def canon_email_py(raw: str) -> str | None:
    """`canon_email` in Python: the reference of the compiled port."""
    s = raw.strip().strip("<>\"'").lower()
    if s.startswith("mailto:"):
        s = s[7:]
    local, sep, domain = s.rpartition("@")
    if not sep or not local or not domain or len(s) > 254 or len(local) > 64:
        return None
    if not domain.isascii():
        ascii_domain = _idna(domain)
        if ascii_domain is None:
            return None
        domain = ascii_domain
    s = f"{local}@{domain}"
    return s if _EMAIL_RE.match(s) else None


def email_domain(domain: str) -> tuple[str | None, int]:
    """What `canon_email_py` makes of the text after a raw address's last "@", for the compiled
    core (which caches it per domain): the IDNA form of the domain once stripped at its end and
    lowercased (None when the codec refuses it), and that lowercased domain's length."""
    d = domain.rstrip().rstrip("<>\"'").lower()
    return (d if d.isascii() else _idna(d)), len(d)


@lru_cache(maxsize=8192)
def _idna(domain: str) -> str | None:
    """A Unicode domain in ASCII (IDNA 2003, Python's codec), or None. Cached: the codec's
    nameprep costs ~40 us a domain, and a dump repeats its few domains (the bench's dense
    dumps: 128 domains for 1 425 addresses)."""
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def canon_email_gmail(exact: str) -> str:
    """Canonical form: gmail/googlemail drop dots and +tag (domain becomes gmail.com)."""
    local, _, domain = exact.rpartition("@")
    if domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        return f"{local}@gmail.com" if local else exact
    return exact


# ---------------------------------------------------------------------------------------- phone
_OVERSEAS = ("GP", "MQ", "GF", "RE", "YT")
_DEFER: Any = object()  # a fast path's "not mine: ask phonenumbers" (and `_RULES`' "not looked up")


class _RegionRules:
    """One region's validity test, libphonenumber's `_number_type_helper(nsn) != UNKNOWN`: the
    general description matches AND one type description matches, a description matching when
    the length is one of its possible lengths (or it names none) and its pattern matches the
    whole number. Patterns are joined per length, so a test is one or two `fullmatch`es.

    Both fast paths use it: French-format numbers (phonenumbers.parse costs ~25 us, this ~0.5 us)
    and `_parse_valid_e164`; both read phonenumbers' own metadata, so they agree with it (tests:
    test_identifiers.py on random French numbers, test_phone_fast_path.py on every region)."""

    __slots__ = ("md", "leading", "by_len", "prefix")

    def __init__(self, md: Any) -> None:
        self.md = md
        self.leading = re.compile(md.leading_digits) if md.leading_digits is not None else None
        self.by_len: dict[int, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
        self.prefix = md.national_prefix_for_parsing

    def _compile(self, n: int) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        def fits(desc: Any) -> bool:
            return (desc is not None and bool(desc.national_number_pattern)
                    and (len(desc.possible_length) == 0 or n in desc.possible_length))
        md = self.md
        general = re.compile(md.general_desc.national_number_pattern) if fits(md.general_desc) else None
        # any type will do (the order only decides which is tried first): the common ones first
        types = [d.national_number_pattern for d in (
            md.fixed_line, md.mobile, md.toll_free, md.premium_rate, md.shared_cost, md.voip,
            md.uan, md.personal_number, md.pager, md.voicemail) if fits(d)]
        joined = re.compile("|".join(f"(?:{t})" for t in types)) if types else None
        out = self.by_len[n] = (general, joined)
        return out

    def valid(self, nsn: str) -> bool:
        general, types = self.by_len.get(len(nsn)) or self._compile(len(nsn))
        return (general is not None and types is not None and general.fullmatch(nsn) is not None
                and types.fullmatch(nsn) is not None)


_RULES: dict[str, _RegionRules | None] = {}
_RULES_LOCK = threading.Lock()


def _rules(region: str) -> _RegionRules | None:
    r = _RULES.get(region, _DEFER)
    if r is _DEFER:
        with _RULES_LOCK:
            md = PhoneMetadata.metadata_for_region(region, None)
            r = _RULES[region] = _RegionRules(md) if md is not None and md.general_desc is not None else None
    return r


def _french_rules() -> tuple[_RegionRules, ...]:
    """The rules of the regions French-format numbers are read in, France first; missing ones
    mean a broken phonenumbers install, said at import rather than as numbers all invalid."""
    out = []
    for region in ("FR", *_OVERSEAS):
        rules = _rules(region)
        if rules is None:
            raise IdentifierError(f"phonenumbers has no metadata for region {region}: reinstall phonenumbers")
        out.append(rules)
    return tuple(out)


_FRENCH_RULES = _french_rules()


_PHONE_CHARS = str.maketrans("", "", " .-/()\u00a0\t")


def _fast_national(nsn: str) -> str | None:
    for rules in _FRENCH_RULES:
        if rules.valid(nsn):
            return f"+{rules.md.country_code}{nsn}"
    return None


def canon_phone(raw: str, region: str = "FR") -> str | None:
    """E.164: the compiled port when the native engine runs (exact, or it defers), else
    `canon_phone_py`."""
    n = _native()
    if n is not None:
        r = _native_answer(n.canon_phone, raw, region)
        if r is not ...:
            return r
    return canon_phone_py(raw, region)


def canon_phone_py(raw: str, region: str = "FR") -> str | None:
    """E.164, for every number libphonenumber says is valid (unassigned ranges stay out). A
    number in national notation is read in `region`, the fragment's country context (a column
    header, the +CC of the other rows; France by default). French formats (0X, +33, 0033, 33,
    "+33 (0)") take a fast exact path; overseas numbers written in French national form (0690...,
    0692...) are invalid as +33 and are retried as GP, MQ, GF, RE, YT; anything else goes
    through phonenumbers."""
    s = raw.strip()
    d = s.replace("(0)", "").replace(" ", "").replace(".", "").replace("-", "")  # str.replace: 3x
    if not d.isalnum() or not d.isascii():  # faster than translate on these short strings
        d = d.translate(_PHONE_CHARS)
    if region == "FR" and d:
        nsn = None
        if d.startswith("+33"):
            nsn = d[3:]
        elif d.startswith("0033"):
            nsn = d[4:]
        elif d.startswith("33") and len(d) == 11:
            nsn = d[2:]
        elif d.startswith("0") and len(d) == 10 and d[1] != "0":
            nsn = d[1:]
        if nsn is not None:
            if len(nsn) == 10 and nsn.startswith("0"):
                nsn = nsn[1:]
            if len(nsn) != 9 or not nsn.isdigit():
                return None
            if _FRENCH_RULES[0].valid(nsn):
                return "+33" + nsn
            if d.startswith("0"):  # national form: could be an overseas line
                return _fast_national(nsn)
            return None
    if d.startswith("00"):  # "00" is the international prefix almost everywhere, but not in
        s = "+" + d[2:]      # every region libphonenumber might read it in (the US dials 011)
    fast = _parse_valid_e164(s, region)
    if fast is not _DEFER:
        return fast
    return _parse_valid_e164_slow(s, region)


def _parse_valid_e164_slow(s: str, region: str) -> str | None:
    """libphonenumber itself: parse, validate, format."""
    try:
        num = phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return None


# ------------------------------------------------------------- phone: the exact fast path
# phonenumbers.parse + is_valid_number cost ~45 us a number, a fifth of the Python engine's time
# on a dump with foreign phones (bench.detect's dense mix). For the plain shapes a dump writes,
# "+CC digits" and national digits, the same steps run here on the same metadata, with each
# region's patterns compiled once per length; anything else is handed back (`_DEFER`) to
# phonenumbers itself. tests/test_phone_fast_path.py compares both on every calling code.
_PLAIN_PHONE = re.compile(r"\(?\+?[0-9 .\-/()\u00a0]*")  # what the fast path reads; no tab (not viable there)
_PLAIN_DROP = str.maketrans("", "", " .-/()\u00a0")


def _parse_valid_e164(s: str, region: str) -> str | None:
    """`_parse_valid_e164_slow(s, region)` for "+CC digits" and for national digits in `region`,
    or `_DEFER`. The steps of phonenumbers' `parse` that can act on such a string are taken in
    its order: the calling code (the international prefix or the region's own code written
    without "+": deferred), the national prefix stripped when the rest still has a possible
    length, the NSN length bounds, then `is_valid_number`: the region of a shared calling code
    is the first whose leading digits or validity test takes the number."""
    if len(s) > 100 or _PLAIN_PHONE.fullmatch(s) is None:
        return _DEFER
    digits = s.translate(_PLAIN_DROP)
    if digits.startswith("+"):
        digits = digits[1:]
        if len(digits) < 4 or not digits.isdigit() or digits[0] == "0":
            return _DEFER
        for n in (1, 2, 3):
            cc = int(digits[:n])
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
            if regions is not None:
                break
        else:
            return _DEFER
        nn = digits[n:]
        if regions[0] == "001":  # non-geographic numbers: their own metadata
            return _DEFER
        rules = _rules(regions[0])  # parse reads the rest in the calling code's main region
    else:
        rules = _rules(region) if region else None
        if rules is None or len(digits) < 3 or not digits.isdigit():
            return _DEFER
        md = rules.md
        if md.international_prefix is None or md.country_code is None:
            return _DEFER
        if re.match(md.international_prefix, digits) or digits.startswith(str(md.country_code)):
            return _DEFER  # an IDD, or the region's own code written without "+": parse's other branches
        cc = md.country_code
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
        nn = digits
    if rules is None or not regions or len(nn) < 2:
        return _DEFER
    if rules.prefix:
        _, stripped, _ = _pnu._maybe_strip_national_prefix_carrier_code(nn, rules.md)
        if stripped != nn and _pnu._test_number_length(stripped, rules.md) not in (
                _VR.TOO_SHORT, _VR.IS_POSSIBLE_LOCAL_ONLY, _VR.INVALID_LENGTH):
            nn = stripped
    if not 2 <= len(nn) <= 17:
        return _DEFER
    if len(regions) == 1:
        chosen = _rules(regions[0])
    else:
        chosen = None
        for r in regions:
            rr = _rules(r)
            if rr is None:
                continue
            if rr.leading is not None:
                if rr.leading.match(nn):
                    chosen = rr
                    break
            elif rr.valid(nn):
                chosen = rr
                break
    if chosen is None or chosen.md.country_code != cc:
        return None
    return f"+{cc}{nn}" if chosen.valid(nn) else None


def is_international(raw: str) -> bool:
    """Whether a phone is written with its country code (+CC, 00CC): such a number needs no
    context, and gives its country as context to the national numbers around it."""
    s = raw.lstrip(" \t\"'(")
    return s.startswith(("+", "00"))


# calling codes are prefix-free: an E.164 string's first 1-3 digits name exactly one of them
_CC_REGION: dict[str, str] = {str(cc): regions[0] for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
                              if regions and regions[0] != "001"}


def calling_region(e164: str) -> str | None:
    """The main region of an E.164 number's calling code (+1 -> US, +44 -> GB, +32 -> BE): the
    region its neighbours written in national notation are read in."""
    for n in (1, 2, 3):
        r = _CC_REGION.get(e164[1:1 + n])
        if r is not None:
            return r
    return None


# ------------------------------------------------------------------------------------------ nir
# département 00 is no one's (01-95, 2A/2B, 96 Tunisia before 1956, 97/98 overseas, 99 abroad)
_NIR_RE = re.compile(r"^([1-478])(\d\d)(\d\d)((?!00)\d\d|2A|2B)(\d{3})(\d{3})(\d\d)?$")
_NIR_STRIP = str.maketrans("", "", " .-\u00a0\t")


def nir_key(body13: str) -> int:
    """97 - (body mod 97), with 2A -> 19 and 2B -> 18 (not 0, as django-localflavor does)."""
    b = body13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(b) % 97


def _nir_month_ok(mm: str) -> bool:
    m = int(mm)
    return 1 <= m <= 12 or m == 20 or 30 <= m <= 42 or m >= 50


def canon_nir(raw: str) -> str | None:
    """`canon_nir_py`, through the compiled port when the native engine runs."""
    n = _native()
    if n is not None:
        r = _native_answer(n.canon_nir, raw)
        if r is not ...:
            return r
    return canon_nir_py(raw)


def canon_nir_py(raw: str) -> str | None:
    """15 characters, no spaces, 2A/2B kept; a 13-character body gets its key computed.

    Beyond the key we also check the sex digit and the month field (the reference lists the
    values that occur), which removes most random 15-digit runs that pass mod 97 by chance."""
    s = raw.replace(" ", "").upper()
    if not s.isalnum():
        s = s.translate(_NIR_STRIP)
    if len(s) > 15:
        return None
    m = _NIR_RE.match(s)
    if not m or not _nir_month_ok(m.group(3)):
        return None
    body = s[:13]
    key = nir_key(body)
    if m.group(7) is None:
        return f"{body}{key:02d}"
    return s if int(m.group(7)) == key else None


# ----------------------------------------------------------------------------------------- iban
# A..Z -> "10".."35", the digits mod 97-10 works on
_IBAN_B10 = str.maketrans({chr(65 + k): str(10 + k) for k in range(26)})
_IBAN_CC: dict[str, tuple[re.Pattern[str] | None, NumberValidationModule | None]] = {}


def _iban_country(cc: str) -> tuple[re.Pattern[str] | None, NumberValidationModule | None]:
    """python-stdnum's per-country BBAN structure and country module, looked up once per
    country (stdnum looks both up on every call: ~25 us of its ~27)."""
    hit = _IBAN_CC.get(cc)
    if hit is None:
        info = _iban._ibandb.info(cc)
        struct = info[0][1].get("bban") if info and info[0][1] else None
        hit = _IBAN_CC[cc] = (_iban._struct_to_re(struct) if struct is not None else None,
                              _iban._get_cc_module(cc))
    return hit


def _be_account_check(s: str) -> bool:
    """stdnum.be.iban's verdict on a structurally valid BE IBAN, as `canon_iban` reads it: the
    account's mod 97 (00 written 97). stdnum then looks the bank code up in its bank list, a
    verdict `canon_iban` ignores: the lookup was 8% of detecting a post holding a small dump."""
    return s[-2:] == f"{int(s[4:-2]) % 97 or 97:02d}"


# Country modules whose checks are re-stated here (the equivalence is tested against stdnum)
_OWN_CHECKS: dict[str, Callable[[str], bool]] = {"BE": _be_account_check}


def iban_rules(cc: str) -> tuple[str | None, bool]:
    """What the compiled core reads of `_iban_country(cc)`: the BBAN pattern's text (None: no
    structure, every IBAN of `cc` is invalid) and whether a country module checks more."""
    struct, module = _iban_country(cc)
    return (struct.pattern if struct is not None else None), module is not None


def canon_iban(raw: str) -> str | None:
    """Uppercase, no spaces; every country of the IBAN registry with its length and mod 97-10,
    the country's BBAN structure and the country module's checksums, as python-stdnum checks
    them (but a bank code absent from stdnum's bank list is no reason to reject), with the
    checksum done as one int() in C first, which rejects look-alikes before any lookup."""
    s = raw.replace(" ", "").replace("-", "").upper()
    if s.startswith("IBAN"):
        s = s[4:].lstrip(":")
    if not 15 <= len(s) <= 34:
        return None
    if not (s.isascii() and s.isalnum()):  # anything odd (non-ASCII digits...): stdnum's path decides
        c = _iban.compact(s)  # (dots between the groups: "FR76.3000.6000...")
        if c != s and c.isascii() and c.isalnum():
            return canon_iban(c)  # the compact form, through the checks above: one value, one token
        return s if _iban.is_valid(s) else None
    if int((s[4:] + s[:4]).translate(_IBAN_B10)) % 97 != 1:
        return None
    struct, module = _iban_country(s[:2])
    if struct is None or not struct.match(s[4:]):
        return None
    own = _OWN_CHECKS.get(s[:2])
    if own is not None:
        return s if own(s) else None
    if module is not None:
        # the country's own checks (Belgium's mod 97 of the account, Spain's CCC, France's RIB key)
        # reject; an InvalidComponent only says the bank code is missing from stdnum's copy of a
        # bank registry (Belgium's is partial and goes stale), which no dump can be judged by
        try:
            module.validate(s)
        except (InvalidChecksum, InvalidFormat, InvalidLength):
            return None
        except ValidationError:
            pass
    return s


# a RIB account number's letters as its key reads them (the Banque de France's table: A-I 1-9, J-R
# 1-9, S-Z 2-9)
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def rib_iban(banque: str, guichet: str, compte: str, cle: str) -> str | None:
    """The French IBAN of a RIB (bank, branch, account, key) whose key is right, else None: the key is
    97 - (89 bank + 15 branch + 3 account) mod 97, which `canon_iban` does not check of an FR IBAN
    (a RIB block's own key is all that proves its numbers were copied right)."""
    digits = compte.upper().translate(_RIB_LETTERS)
    if not (banque.isdigit() and guichet.isdigit() and digits.isdigit() and cle.isdigit()):
        return None
    if 97 - (89 * int(banque) + 15 * int(guichet) + 3 * int(digits)) % 97 != int(cle):
        return None
    bban = banque + guichet + compte.upper() + cle
    return canon_iban(f"FR{98 - int((bban + 'FR00').translate(_IBAN_B10)) % 97:02d}{bban}")


# ----------------------------------------------------------------------------------------- card
def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i & 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# (network, prefix ranges as (low, high) on the first len(low) digits, allowed lengths), in the
# order they are tried: a narrower range comes before the wider one it sits in (Discover's
# 622126-622925 inside UnionPay's 62, JCB inside Maestro's 56-69). Carte Bancaire cards carry a
# Visa or Mastercard number (CB is co-badged, its BINs are not public), so they are typed by
# that network.
CARD_BRANDS: tuple[tuple[str, tuple[tuple[str, str], ...], tuple[int, ...]], ...] = (
    ("visa", (("4", "4"),), (13, 16, 19)),
    ("mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    ("amex", (("34", "34"), ("37", "37")), (15,)),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")), (16, 17, 18, 19)),
    ("jcb", (("3528", "3589"),), (16, 17, 18, 19)),
    ("jcb", (("1800", "1800"), ("2131", "2131")), (15,)),
    ("diners", (("300", "305"), ("36", "36"), ("38", "39")), (14, 15, 16, 17, 18, 19)),
    ("unionpay", (("62", "62"),), (16, 17, 18, 19)),
    ("maestro", (("50", "50"), ("56", "69")), (12, 13, 14, 15, 16, 17, 18, 19)),
)


def card_network(digits: str) -> str | None:
    """The network whose IIN range and length fit a card number (no Luhn check here)."""
    n = len(digits)
    for brand, ranges, lengths in CARD_BRANDS:
        if n not in lengths:
            continue
        for low, high in ranges:
            if low <= digits[: len(low)] <= high:
                return brand
    return None


def canon_card(raw: str) -> str | None:
    """`canon_card_py`, through the compiled port when the native engine runs."""
    n = _native()
    if n is not None:
        r = _native_answer(n.canon_card, raw)
        if r is not ...:
            return r
    return canon_card_py(raw)


def canon_card_py(raw: str) -> str | None:
    """Digits only; Luhn AND a network's IIN range and length, else random runs pass 1 in 10."""
    d = raw.replace(" ", "").replace("-", "")
    if not d.isdigit() or not 12 <= len(d) <= 19:
        return None
    return d if card_network(d) and luhn_ok(d) else None


# ------------------------------------------------------------------ siren, siret, rpps, adeli
def canon_luhn_id(raw: str, length: int) -> str | None:
    d = raw.replace(" ", "").replace(".", "").replace("-", "")
    if len(d) != length or not d.isdigit() or set(d) == {"0"}:
        return None
    if length == 9:
        return d if _siren.is_valid(d) else None
    if length == 14:
        return d if _siret.is_valid(d) else None
    return d if luhn_ok(d) else None


# ------------------------------------------------------------------------------------------ dob
_DOB_RE = re.compile(
    r"^(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{4})(\d\d)(\d\d)"
    r"|(\d{1,2})[-/.](\d{1,2})[-/.](\d\d))"
    # a time after it, as SQL and JSON write one (`1985-03-15 00:00:00`, `1985-03-15T00:00:00.000Z`)
    r"(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?)?$"
)


# an OCR'd or hand-typed form spaces its date's separators (`27 / 11 / 1942`): one blank on each
# side of one separator is read as the separator alone (not a blank on one side only: `15 /03`)
_SPACED_SEP = re.compile(r" ([-/.]) ")

_YEAR: list[float] = [0, float("-inf")]  # (year, monotonic time it was read): date.today() per value costs


def _this_year() -> int:
    now = time.monotonic()
    if now - _YEAR[1] > 3600:
        _YEAR[0], _YEAR[1] = date.today().year, now
    return int(_YEAR[0])


_MONTHS: dict[str, int] = {}
for _m, _names in enumerate((
        "janvier janv jan january", "fevrier fevr fev feb february", "mars mar march", "avril avr apr april",
        "mai may", "juin jun june", "juillet juil jul july", "aout aug august", "septembre sept sep september",
        "octobre oct october", "novembre nov november", "decembre dec december"), start=1):
    for _n in _names.split():
        _MONTHS[_n] = _m
# "12 mars 1935", "1er août 1960", "12-Mar-1935", "March 12, 1935", "Mar 12th 1935" (bounded, no nesting)
_DOB_WORDS = re.compile(
    r"^(?:(\d{1,2})(?:er|st|nd|rd|th)?[ \-]([^\W\d_]{3,10})\.?[ \-](\d{4})"
    r"|([^\W\d_]{3,10})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}))$")


def _written_month(raw: str) -> tuple[str, str, str] | None:
    m = _DOB_WORDS.match(raw)
    if m is None:
        return None
    g = m.groups()
    d, word, y = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
    mo = _MONTHS.get(_fold(word))
    return (y, str(mo), d) if mo else None


# a date written as the call that makes it, as database shells print one (mongosh's
# `ISODate("1983-04-18T00:00:00.000Z")`, a JavaScript `new Date('1983-04-18')`, SQL's
# `DATE('1983-04-18')`, a comma after it as a printed object's member has): the date is its one
# quoted argument (bounded, anchored: linear)
_DATE_CALL = re.compile(r"""(?:new )?(?:ISODate|Date|DATE|date|TIMESTAMP|timestamp)\( ?(["'])([^"'\n]{6,30})\1 ?\),?""")


def canon_dob(raw: str) -> str | None:
    """YYYY-MM-DD, for a birth from 1900 to today. Day first for DD/MM/YYYY (French usage);
    month first only where day first cannot be a date (07/26/1990); ISO, HL7's YYYYMMDD, and
    months written out in French or English. A two-digit year (15.03.85, old software's
    exports) is in the latest century that does not put it after this year."""
    raw = raw.strip()
    if raw[-1:] in (")", ",") and (call := _DATE_CALL.fullmatch(raw)) is not None:
        raw = call.group(2)  # `ISODate("1983-04-18T00:00:00.000Z")`, `new Date('1983-04-18')`
    if " " in raw:
        raw = _SPACED_SEP.sub(r"\1", raw)
    m = _DOB_RE.match(raw) if len(raw) <= 25 else None
    if not m:
        w = _written_month(raw) if 8 <= len(raw) <= 25 and raw[-1].isdigit() else None
        if w is None:
            return None
        y, mo, d = w
    else:
        g = m.groups()
        if g[0]:
            y, mo, d = g[0], g[1], g[2]
        elif g[3]:
            y, mo, d = g[5], g[4], g[3]
            if int(mo) > 12 >= int(d):  # only the US order makes it a date
                mo, d = d, mo
        elif g[6]:
            y, mo, d = g[6], g[7], g[8]
        else:
            yy = int(g[11])
            y, mo, d = str(2000 + yy if 2000 + yy <= _this_year() else 1900 + yy), g[10], g[9]
            if int(mo) > 12 >= int(d):
                mo, d = d, mo
    try:
        dt = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if not 1900 <= dt.year <= _this_year() or (dt.year == _YEAR[0] and dt > date.today()):
        return None
    return dt.isoformat()


# ------------------------------------------------------------------------------ password hashes
_HASH_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bcrypt", re.compile(r"^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$")),
    ("argon2", re.compile(r"^\$argon2(?:id|i|d)\$[^\s]{10,200}$")),
    ("sha512crypt", re.compile(r"^\$6\$[^\s$]{1,16}\$[./A-Za-z0-9]{86}$")),
    ("sha256crypt", re.compile(r"^\$5\$[^\s$]{1,16}\$[./A-Za-z0-9]{43}$")),
    ("md5crypt", re.compile(r"^\$1\$[^\s$]{1,8}\$[./A-Za-z0-9]{22}$")),
    ("phpass", re.compile(r"^\$[PH]\$[./A-Za-z0-9]{31}$")),
    ("md5", re.compile(r"^[0-9a-fA-F]{32}$")),
    ("sha1", re.compile(r"^[0-9a-fA-F]{40}$")),
    ("sha256", re.compile(r"^[0-9a-fA-F]{64}$")),
    ("sha512", re.compile(r"^[0-9a-fA-F]{128}$")),
)


def hash_kind(raw: str) -> str | None:
    s = raw.strip()
    if len(s) > 300:
        return None
    for kind, rx in _HASH_KINDS:
        if rx.match(s):
            return kind
    return None


def canon_password_hash(raw: str) -> str | None:
    """`<kind>:<hash>`; hex digests are lowercased (case carries no meaning there)."""
    s = raw.strip()
    kind = hash_kind(s)
    if kind is None:
        return None
    if kind in ("md5", "sha1", "sha256", "sha512"):
        s = s.lower()
    return f"{kind}:{s}"


# ------------------------------------------------------------------------------------ credential
def canon_credential(login: str, password: str) -> str | None:
    """`<login>:<password>`; an email login takes its exact form, the password is kept as is."""
    login = login.strip()
    if not login or not password or len(password) > 256 or len(login) > 254:
        return None
    if "@" in login:
        login = canon_email(login) or login.lower()
    return f"{login}:{password}"


# ----------------------------------------------------------------------------- name and address
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _fold(s: str) -> str:
    """Lowercase without accents (é -> e); other scripts are kept as they are."""
    if s.isascii():
        return s.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", s)).lower()


_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ADDR = re.compile(r"[0-9]+|[^\W\d_]+")


def canon_name(raw: str) -> str | None:
    """Accents folded, lowercased, words sorted: `DUPONT Jean` and `Jean Dupont` agree (dumps
    put the family name first or last). At least two words, else it is not a full name."""
    words = _WORDS.findall(_fold(raw))
    if len(words) < 2 or len(raw) > 200:
        return None
    return " ".join(sorted(words))


def canon_address(raw: str) -> str | None:
    """Accents folded, lowercased, punctuation dropped; must hold a number and a word."""
    if len(raw) > 300:
        return None
    parts = _ADDR.findall(_fold(raw))
    if len(parts) < 3 or not any(p.isdigit() for p in parts):
        return None
    return " ".join(parts)


# --------------------------------------------------------------------------------- national ids
# Beside the NIR: each checked by python-stdnum (its check digit, letter or mod 97, and its
# refused ranges), except the UK NINO, which has no check digit and no stdnum module: its
# documented prefix rules are applied instead. Canonical value `CC:compact`, so that equal
# numbers of two countries (a 9-digit SSN, a 9-digit something else) never share a token.
NATIONAL_ID_COUNTRIES = ("BE", "ES", "IT", "US", "GB", "CH")
_NID_STRIP = str.maketrans("", "", " .-/\u00a0\t")
# NINO: first letter not D F I Q U V, second not D F I O Q U V; BG GB KN NK NT TN ZZ never issued
_NINO_RE = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
_NINO_REFUSED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _national_compact(country: str, c: str) -> str | None:
    if country == "BE":
        return c if len(c) == 11 and c.isdigit() and _be_nn.is_valid(c) else None
    if country == "ES":
        if len(c) != 9:
            return None
        return c if (_es_nie.is_valid(c) if c[0] in "XYZ" else _es_dni.is_valid(c)) else None
    if country == "IT":  # the 16-character personal code (11 digits would be a company's VAT number)
        return c if len(c) == 16 and _it_cf.is_valid(c) else None
    if country == "US":  # areas 000, 666 and 900-999, group 00, serial 0000 refused by stdnum
        return c if len(c) == 9 and c.isdigit() and _us_ssn.is_valid(c) else None
    if country == "GB":
        return c if _NINO_RE.match(c) and c[:2] not in _NINO_REFUSED else None
    if country == "CH":  # AVS: 756 then an EAN-13 check digit
        return c if len(c) == 13 and c.isdigit() and _ch_ssn.is_valid(c) else None
    raise IdentifierError(
        f"no national identifier rules for country {country!r}; expected one of {', '.join(NATIONAL_ID_COUNTRIES)}")


def canon_national_id(raw: str, country: str) -> str | None:
    """`CC:compact` (upper case, separators dropped) when `raw` is valid in `country`."""
    c = raw.strip().upper()
    if len(c) > 24:
        return None
    c = c.translate(_NID_STRIP)
    out = _national_compact(country.upper(), c)
    return f"{country.upper()}:{out}" if out else None


def national_id_forms(raw: str, *, strict: bool = True) -> list[str]:
    """Canonical forms of a national identifier given as `CC:number`, or as a bare number, in
    which case every country whose rules it passes gives one form (a bare 9-digit number may
    be a valid SSN and, say, nothing else: one form; rarely two). A `CC:` of a country without
    rules is the user's mistake where a user typed it (`strict`: raise and say which exist) and
    no identifier where a crawled page holds it (detection: `strict=False`)."""
    s = raw.strip()
    if len(s) > 3 and s[2] == ":" and s[:2].isalpha():
        cc = s[:2].upper()
        if cc not in NATIONAL_ID_COUNTRIES:
            if not strict:
                return []
            raise IdentifierError(f"national_id {s!r}: no rules for country {cc}; expected one of "
                                  f"{', '.join(NATIONAL_ID_COUNTRIES)} (write CC:number, e.g. BE:85073003328)")
        out = canon_national_id(s[3:], cc)
        return [out] if out else []
    return [f for f in (canon_national_id(s, cc) for cc in NATIONAL_ID_COUNTRIES) if f]


# ------------------------------------------------------------------------------------ public API
def canonical_forms(id_type: str, raw: str) -> list[str]:
    """The canonical value(s) of one raw identifier, exactly as the extractor tokenises it.

    Empty list when the value is invalid. Email gives [exact, canonical] (deduplicated), both
    tokenised under type "email". National identifiers are `CC:number` (every country's
    form that validates when the country is left out). Credentials are given as `login:password` (split at the first
    colon). Raises IdentifierError for an unknown type."""
    raw = raw or ""
    out: str | None
    if id_type == "email":
        exact = canon_email(raw)
        if exact is None:
            return []
        canon = canon_email_gmail(exact)
        return [exact] if canon == exact else [exact, canon]
    if id_type == "phone":
        out = canon_phone(raw)
    elif id_type == "nir":
        out = canon_nir(raw)
    elif id_type == "iban":
        out = canon_iban(raw)
    elif id_type == "card":
        out = canon_card(raw)
    elif id_type == "siren":
        out = canon_luhn_id(raw, 9)
    elif id_type == "siret":
        out = canon_luhn_id(raw, 14)
    elif id_type == "rpps":
        out = canon_luhn_id(raw, 11)
    elif id_type == "adeli":
        out = canon_luhn_id(raw, 9)
    elif id_type == "dob":
        out = canon_dob(raw)
    elif id_type == "national_id":
        return national_id_forms(raw)
    elif id_type == "password_hash":
        out = canon_password_hash(raw)
    elif id_type == "credential":
        login, sep, password = raw.partition(":")
        out = canon_credential(login, password) if sep else None
    elif id_type == "name":
        out = canon_name(raw)
    elif id_type == "address":
        out = canon_address(raw)
    else:
        raise IdentifierError(
            f"unknown identifier type {id_type!r}; expected one of email, phone, nir, iban, card, "
            "siren, siret, rpps, adeli, dob, national_id, credential, password_hash, name, address"
        )
    return [out] if out is not None else []
