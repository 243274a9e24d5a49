"""Identifier values for the corpus, each with its ground-truth canonical form and a subtype label.

Written apart from the detector: the rules come from the issuers' specifications (IBAN registry as
shipped in python-stdnum, card networks' IIN ranges, national-id check algorithms, libphonenumber's
metadata), never from `indexer/`. Every maker takes a seeded `random.Random`, so a corpus is a
function of its seed. Each valid value is re-checked here with the reference library where one
exists (python-stdnum, phonenumbers), so a bug in a maker cannot plant a wrong truth.

A maker returns `Value(raw, canonical, label)`: `raw` is the text written in the dump, `canonical`
the (type-specific) value the detector must report, or "" for a decoy that must not be reported,
and `label` the subtype used in the per-country / per-network tables (e.g. `BE:national`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import ean
from stdnum import iban as std_iban
from stdnum.be import nn as be_nn
from stdnum.ch import ssn as ch_ssn
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.it import codicefiscale as it_cf
from stdnum.us import ssn as us_ssn

__all__ = [
    "DOB_LAST", "PHONE_REGIONS", "Value", "card", "card_decoy", "dob", "email_idn", "iban", "iban_decoy",
    "luhn_ok", "national_id", "national_id_decoy", "phone_decoy", "phone_foreign",
]

DOB_LAST = date(2025, 12, 31)  # fixed, so that the corpus does not change from one day to the next


@dataclass(frozen=True)
class Value:
    raw: str
    canonical: str  # "" for a decoy
    label: str


def luhn_ok(d: str) -> bool:
    s = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch) * (2 if i % 2 else 1)
        s += n - 9 if n > 9 else n
    return s % 10 == 0


def _luhn_complete(body: str) -> str:
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError("unreachable: one digit always completes a Luhn sum")


# ------------------------------------------------------------------------------------- phones
# region -> (country code, header words people use for its phones)
PHONE_REGIONS: dict[str, tuple[int, tuple[str, ...]]] = {
    "US": (1, ("phone", "Phone Number", "cell")), "BE": (32, ("telephone", "GSM", "telefoon")),
    "CH": (41, ("telephone", "Telefon", "natel")), "DE": (49, ("Telefon", "Handy", "Mobil")),
    "ES": (34, ("telefono", "Teléfono", "movil")), "IT": (39, ("telefono", "cellulare", "tel")),
    "GB": (44, ("phone", "mobile", "tel")), "MA": (212, ("telephone", "tel", "GSM")),
    "NL": (31, ("telefoon", "mobiel", "phone")), "PT": (351, ("telefone", "telemovel", "phone")),
    "DZ": (213, ("telephone", "mobile", "tel")), "TN": (216, ("telephone", "tel", "portable")),
    "LU": (352, ("telephone", "GSM", "tel")), "CA": (1, ("phone", "cell", "telephone")),
    "SN": (221, ("telephone", "portable", "tel")), "PL": (48, ("telefon", "phone", "tel")),
}


def _valid_number(r: random.Random, region: str) -> phonenumbers.PhoneNumber:
    kind = PhoneNumberType.MOBILE if r.random() < 0.6 else PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    if ex is None:
        raise ValueError(f"libphonenumber has no example number for region {region!r}")
    nsn = phonenumbers.national_significant_number(ex)
    for attempt in range(500):  # vary the whole number first (area codes too), then only its tail
        keep = 1 if attempt < 8 else max(2, len(nsn) - 6)
        cand = nsn[:keep] + "".join(r.choice("0123456789") for _ in range(len(nsn) - keep))
        num = phonenumbers.parse("+" + str(ex.country_code) + cand)
        if phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == region:
            return num
    return ex


def phone_foreign(r: random.Random, region: str, notation: str) -> Value:
    """A valid number of `region` in `notation`: e164, international, 00, or national (the
    national form needs a country context in the fragment; the caller provides it)."""
    num = _valid_number(r, region)
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    if notation == "e164":
        raw = e164
    elif notation == "international":
        raw = phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    elif notation == "00":
        raw = "00" + phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)[1:]
    else:
        raw = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
        if region in ("US", "CA") and r.random() < 0.5:
            nsn = phonenumbers.national_significant_number(num)
            raw = r.choice([f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}", f"{nsn[:3]}.{nsn[3:6]}.{nsn[6:]}"])
    return Value(raw, e164, f"{region}:{notation}")


def phone_decoy(r: random.Random) -> Value:
    """A number of a known country code in a range libphonenumber says is not assigned, written
    in international notation (so that no country context could make it valid)."""
    region = r.choice(sorted(PHONE_REGIONS))
    cc = PHONE_REGIONS[region][0]
    ex = phonenumbers.example_number(region)
    n = len(phonenumbers.national_significant_number(ex)) if ex else 9
    while True:
        nsn = r.choice("0123456789") + "".join(r.choice("0123456789") for _ in range(n - 1))
        num = phonenumbers.parse(f"+{cc}{nsn}")
        if not phonenumbers.is_valid_number(num):
            return Value(f"+{cc} {nsn}", "", f"{region}:unassigned")


# -------------------------------------------------------------------------------------- IBANs
_CLASSES = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FR_RIB = {**{str(i): i for i in range(10)}, **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                                         [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                          2, 3, 4, 5, 6, 7, 8, 9], strict=True))}
_IT_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _registry() -> dict[str, str]:
    out = {}
    for cc in ("AD AE AL AT AZ BA BE BG BH BR CH CR CY CZ DE DK DO EE EG ES FI FO FR GB GE GI GL GR GT HR HU IE "
               "IL IQ IS IT JO KW KZ LB LC LI LT LU LV MC MD ME MK MR MT MU NL NO PK PL PS PT QA RO RS SA SC SE "
               "SI SK SM TL TN TR UA VA VG XK").split():
        info = std_iban._ibandb.info(cc)
        if info and "bban" in info[0][1]:
            out[cc] = info[0][1]["bban"]
    return out


_IBAN_BBAN = _registry()


def _bban(r: random.Random, spec: str) -> str:
    out = []
    for part in spec.replace("!", "").replace("n", "n,").replace("a", "a,").replace("c", "c,").split(","):
        if part:  # account numbers that may hold letters mostly do not
            cls = "n" if part[-1] == "c" and r.random() < 0.85 else part[-1]
            out.append("".join(r.choice(_CLASSES[cls]) for _ in range(int(part[:-1]))))
    return "".join(out)


def _mod97(s: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in s)) % 97


def _es_control(digits: str) -> str:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    c = 11 - sum(a * int(b) for a, b in zip(w, digits, strict=True)) % 11
    return str({10: 1, 11: 0}.get(c, c))


def _national_check(cc: str, bban: str) -> str:
    """Real accounts carry their national check: French/Monegasque RIB key, Italian CIN."""
    if cc in ("FR", "MC"):
        bank, branch, acct = (int("".join(str(_FR_RIB[ch]) for ch in x)) for x in (bban[:5], bban[5:10], bban[10:21]))
        return bban[:21] + f"{97 - (89 * bank + 15 * branch + 3 * acct) % 97:02d}"
    if cc in ("IT", "SM"):
        body = bban[1:]
        s = sum((_IT_ODD[int(ch) if ch.isdigit() else ord(ch) - 65] if i % 2 == 0 else
                 (int(ch) if ch.isdigit() else ord(ch) - 65)) for i, ch in enumerate(body))
        return chr(65 + s % 26) + body
    if cc == "BE":
        return bban[:10] + f"{int(bban[:10]) % 97 or 97:02d}"
    if cc == "ES":
        return bban[:8] + _es_control("00" + bban[:8]) + _es_control(bban[10:]) + bban[10:]
    return bban


def iban(r: random.Random, country: str | None = None) -> Value:
    """A valid IBAN (mod-97, registry length and structure, national check where one exists)."""
    cc = country or (r.choice(["FR", "FR", "DE", "BE", "ES", "IT", "CH", "NL", "PT", "LU", "GB"]) if r.random() < 0.6
                     else r.choice(sorted(_IBAN_BBAN)))
    for _ in range(20_000):
        bban = _national_check(cc, _bban(r, _IBAN_BBAN[cc]))
        value = cc + f"{98 - _mod97(bban + cc + '00'):02d}" + bban
        if cc not in ("BE", "ME", "NO") or std_iban.is_valid(value):  # BE: a bank code in use
            break
    else:
        raise AssertionError(f"no valid IBAN generated for {cc}")
    raw = value if r.random() < 0.4 else " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return Value(raw, value, cc)


def iban_decoy(r: random.Random) -> Value:
    """A well-formed IBAN whose mod-97 check fails (one digit changed)."""
    v = iban(r).canonical
    i = r.randrange(4, len(v))
    while not v[i].isdigit():
        i = r.randrange(4, len(v))
    bad = v[:i] + str((int(v[i]) + r.randint(1, 9)) % 10) + v[i + 1:]
    return Value(" ".join(bad[j:j + 4] for j in range(0, len(bad), 4)), "", bad[:2])


# -------------------------------------------------------------------------------------- cards
# network -> (weight, IIN prefixes as (low, high) inclusive on the same number of digits, lengths)
_NETWORKS: dict[str, tuple[int, list[tuple[int, int]], tuple[int, ...]]] = {
    "visa": (30, [(4, 4)], (16, 16, 16, 13, 19)),
    "mastercard": (18, [(51, 55)], (16,)),
    "mastercard2": (10, [(2221, 2720)], (16,)),
    "amex": (10, [(34, 34), (37, 37)], (15,)),
    "discover": (6, [(6011, 6011), (644, 649), (65, 65)], (16,)),
    "jcb": (6, [(3528, 3589)], (16,)),
    "unionpay": (8, [(62, 62)], (16, 17, 18, 19)),
    "maestro": (7, [(5018, 5018), (5020, 5020), (5038, 5038), (5893, 5893), (6304, 6304), (6759, 6759),
                    (6761, 6763)], (12, 13, 16, 19)),
    "diners": (5, [(300, 305), (36, 36), (38, 39)], (14,)),
}


def card(r: random.Random, network: str | None = None) -> Value:
    net = network or r.choices(sorted(_NETWORKS), weights=[_NETWORKS[n][0] for n in sorted(_NETWORKS)])[0]
    _, ranges, lengths = _NETWORKS[net]
    lo, hi = r.choice(ranges)
    prefix = str(r.randint(lo, hi))
    n = r.choice(lengths)
    d = _luhn_complete(prefix + "".join(r.choice("0123456789") for _ in range(n - 1 - len(prefix))))
    x = r.random()
    if net == "amex" and x < 0.5:
        raw = f"{d[:4]} {d[4:10]} {d[10:]}"
    elif net == "diners" and x < 0.5:
        raw = f"{d[:4]} {d[4:10]} {d[10:]}"
    elif n == 16 and x < 0.5:
        raw = (" " if x < 0.35 else "-").join(d[i:i + 4] for i in range(0, 16, 4))
    else:
        raw = d
    return Value(raw, d, net)


def card_decoy(r: random.Random) -> Value:
    """Numbers a careless scanner takes for cards: Luhn-valid runs outside every IIN range, and
    card numbers whose Luhn check fails."""
    if r.random() < 0.5:
        head = r.choice(["1", "7", "8", "9", "0"])
        n = r.choice([14, 15, 16, 17])
        return Value(_luhn_complete(head + "".join(r.choice("0123456789") for _ in range(n - 2))), "", "no-network")
    d = card(r).canonical
    return Value(d[:-1] + str((int(d[-1]) + r.randint(1, 9)) % 10), "", "bad-luhn")


# ------------------------------------------------------------------------------------- emails
_IDN_WORDS = ["müller", "bäckerei", "café-du-marché", "élysée", "société-générale", "crème", "garçon", "zürich",
              "größe-shop", "señor", "niño", "françois", "hôtel-dieu", "mañana", "çanakkale", "łódź", "øresund"]
_IDN_TLDS = ["de", "fr", "com", "ch", "at", "es", "net", "eu"]


def email_idn(r: random.Random, user: str) -> Value:
    """An address at an internationalised domain, in Unicode or punycode; canonical: lowercase
    local part @ the IDNA (xn--) form of the domain."""
    words = [w for w in _IDN_WORDS if "ß" not in w]
    label = r.choice(words)
    dom = f"{label}.{r.choice(_IDN_TLDS)}"
    puny = dom.encode("idna").decode("ascii")
    raw_dom = dom if r.random() < 0.5 else puny
    return Value(f"{user}@{raw_dom}", f"{user.lower()}@{puny}", "idn-unicode" if raw_dom == dom else "idn-punycode")


# --------------------------------------------------------------------------------- dates of birth
def dob(r: random.Random) -> Value:
    """A date from 1900-01-01 to DOB_LAST, one in three before 1950 (the 1930s included)."""
    start = date(1900, 1, 1) if r.random() < 0.33 else date(1950, 1, 1)
    span = (DOB_LAST - start).days if start.year == 1950 else (date(1949, 12, 31) - start).days
    d = start + timedelta(days=r.randint(0, span))
    fmt = r.choice(["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"])
    return Value(d.strftime(fmt), d.isoformat(), f"{d.year // 10 * 10}s")


# ------------------------------------------------------------------------------- national ids
_CF_PLACES = ["H501", "F205", "F839", "L219", "G273", "D612", "A944", "L736", "Z110", "Z133", "B354", "C351"]
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def _dni_letter(n: int) -> str:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]


def national_id(r: random.Random, country: str) -> Value:
    """A valid national identifier of `country` (BE, ES, IT, US, GB, CH); canonical `CC:compact`."""
    if country == "BE":
        born = date(1930, 1, 1) + timedelta(days=r.randint(0, 80 * 365))
        body = born.strftime("%y%m%d") + f"{r.randint(1, 997):03d}"
        check = 97 - int(("2" if born.year >= 2000 else "") + body) % 97
        compact = f"{body}{check:02d}"
        assert be_nn.is_valid(compact), compact
        dotted = f"{compact[:2]}.{compact[2:4]}.{compact[4:6]}-{compact[6:9]}.{compact[9:]}"
        raw = compact if r.random() < 0.4 else dotted
    elif country == "ES":
        if r.random() < 0.7:
            n = r.randint(1_000_000, 99_999_999)
            compact = f"{n:08d}{_dni_letter(n)}"
            assert es_dni.is_valid(compact), compact
            raw = compact if r.random() < 0.6 else f"{compact[:8]}-{compact[8]}"
        else:
            p = r.choice("XYZ")
            n = r.randint(0, 9_999_999)
            compact = f"{p}{n:07d}{_dni_letter(int(str('XYZ'.index(p)) + f'{n:07d}'))}"
            assert es_nie.is_valid(compact), compact
            raw = compact if r.random() < 0.6 else f"{p}-{n:07d}-{compact[-1]}"
    elif country == "IT":
        letters = "BCDFGHLMNPRSTVZ"
        born = date(1930, 1, 1) + timedelta(days=r.randint(0, 80 * 365))
        day = born.day + (40 if r.random() < 0.5 else 0)
        body = ("".join(r.choice(letters) for _ in range(6)) + born.strftime("%y") + "ABCDEHLMPRST"[born.month - 1]
                + f"{day:02d}" + r.choice(_CF_PLACES))
        compact = body + it_cf.calc_check_digit(body)
        assert it_cf.is_valid(compact), compact
        raw = compact if r.random() < 0.8 else compact.lower()
    elif country == "US":
        while True:
            compact = f"{r.randint(1, 899):03d}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"
            if us_ssn.is_valid(compact):
                break
        raw = f"{compact[:3]}-{compact[3:5]}-{compact[5:]}" if r.random() < 0.7 else compact
    elif country == "GB":
        while True:
            pre = r.choice(_NINO_FIRST) + r.choice(_NINO_SECOND)
            if pre not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
                break
        digits = f"{r.randint(0, 999999):06d}"
        compact = pre + digits + r.choice("ABCD")
        raw = compact if r.random() < 0.5 else f"{pre} {digits[:2]} {digits[2:4]} {digits[4:]} {compact[-1]}"
    elif country == "CH":
        body = "756" + f"{r.randint(0, 10**9 - 1):09d}"
        compact = body + ean.calc_check_digit(body)
        assert ch_ssn.is_valid(compact), compact
        raw = compact if r.random() < 0.3 else f"{compact[:3]}.{compact[3:7]}.{compact[7:11]}.{compact[11:]}"
    else:
        raise ValueError(f"no national id maker for {country!r}; expected BE, ES, IT, US, GB or CH")
    return Value(raw, f"{country}:{compact}", country)


def national_id_decoy(r: random.Random, country: str) -> Value:
    """The same shapes with a failing check: SSN areas 000/666/9xx, bad BE/CH/IT/ES checks, NINO
    with a refused prefix."""
    v = national_id(r, country)
    compact = v.canonical.split(":", 1)[1]
    if country == "US":
        area = r.choice(["000", "666", f"9{r.randint(0, 99):02d}"])
        bad = area + compact[3:]
        return Value(f"{bad[:3]}-{bad[3:5]}-{bad[5:]}", "", "US:bad-area")
    if country == "GB":
        bad = r.choice(["GB", "BG", "NK", "TN", "ZZ", "DA", "QQ"]) + compact[2:]
        return Value(f"{bad[:2]} {bad[2:4]} {bad[4:6]} {bad[6:8]} {bad[8]}", "", "GB:bad-prefix")
    last = compact[-1]
    if last.isdigit():
        repl = str((int(last) + r.randint(1, 9)) % 10)
    else:
        repl = chr(65 + (ord(last) - 65 + r.randint(1, 20)) % 26)
    bad = compact[:-1] + repl
    mod = {"BE": be_nn, "ES": es_nie if bad[0] in "XYZ" else es_dni, "IT": it_cf, "CH": ch_ssn}[country]
    if mod.is_valid(bad):
        return national_id_decoy(r, country)
    return Value(bad, "", f"{country}:bad-check")
