"""Labelled corpus of synthetic leaks in forum noise, with ground truth (all data from Faker).

Public API (also used by the test forum to embed dumps in posts):

    make_dump(kind, n_rows=8, faker_seed=0, *, header=None) -> (text, DumpTruth)
        one dump of `kind` in KINDS; `text` has no trailing newline; truth lines are 1-based
        within `text`.
    make_post(seed, *, n_dumps=None, kinds=None) -> (text, PostTruth)
        a forum post: prose, quotes, code, signatures, look-alike numbers around 0-2 dumps.
    make_prose_post(seed) -> str        a post with noise only (must give zero fragments).
    make_corpus(n_posts, seed) -> list[(text, PostTruth)]
    write_corpus(directory, n_posts, seed)  writes posts/NNNN.txt and truth.jsonl

Ground truth values are computed here independently of `indexer.identifiers`: phones are
generated in E.164 then formatted, NIR keys are computed here (2A/2B -> 19/18), emails are
lowercased with gmail dots and +tags removed for the canonical form. Look-alikes (bad NIR key,
IBAN checksum off by one, Luhn-failing cards, phones in unassigned ranges) are placed both in
noise and inside dumps, and are absent from the truth. Noise digit runs that would
accidentally pass a check are regenerated, since no detector could tell them apart.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from faker import Faker

from indexer.identifiers import _this_year, canon_dob
from tests.corpus import values as V

__all__ = [
    "KINDS", "DumpTruth", "PostTruth", "make_corpus", "make_dump", "make_post", "make_prose_post", "render",
    "write_corpus",
]

KINDS = ("csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl", "stealer_log", "dox", "hl7")


@dataclass
class DumpTruth:
    kind: str
    start_line: int
    end_line: int
    identifiers: set[tuple[str, str]] = field(default_factory=set)  # (type, canonical)
    categories: set[str] = field(default_factory=set)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, canonical) -> subtype


@dataclass
class PostTruth:
    fragments: list[DumpTruth]

    def to_json(self) -> dict[str, object]:
        return {"fragments": [{**asdict(f), "identifiers": sorted(f.identifiers), "categories": sorted(f.categories),
                               "labels": sorted([t, v, lab] for (t, v), lab in f.labels.items())}
                              for f in self.fragments]}


# ------------------------------------------------------------------------------ value makers
def _luhn_ok(d: str) -> bool:
    s = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch) * (2 if i % 2 else 1)
        s += n - 9 if n > 9 else n
    return s % 10 == 0


# Building a Faker costs ~10 ms: one per locale, reseeded by each _Gen (the corpus is generated
# sequentially, so each post stays a function of its seed).
_FAKERS: dict[str, Faker] = {}


def _faker(locale: str, seed: int) -> Faker:
    if locale not in _FAKERS:
        _FAKERS[locale] = Faker(locale)
    f = _FAKERS[locale]
    f.seed_instance(seed)
    return f


def _exact_email(raw: str) -> str:
    """The exact form of an address: lowercase, domain in its IDNA (xn--) spelling."""
    local, _, dom = raw.strip().partition("@")
    return f"{local.lower()}@{dom.lower().encode('idna').decode('ascii')}"


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.fr = _faker("fr_FR", seed)
        self.en = _faker("en_US", seed + 1)
        self.labels: dict[tuple[str, str], str] = {}
        self.phone_ctx = "header"  # how a dump gives its national foreign phones a country: header, rows, column
        self.row = 0
        self.headerless = False

    def fk(self) -> Faker:
        return self.fr if self.r.random() < 0.7 else self.en

    # NIR with key computed here; 2A/2B 15% of the time
    def nir(self, bad: bool = False) -> tuple[str, str]:
        r = self.r
        sex = r.choice("12")
        yy = f"{r.randint(0, 99):02d}"
        mm = f"{r.choice([r.randint(1, 12)] * 8 + [20, r.randint(30, 42), r.randint(50, 99)]):02d}"
        dep = r.choice(["2A", "2B"]) if r.random() < 0.15 else f"{r.choice([r.randint(1, 19), r.randint(21, 95)]):02d}"
        body = f"{sex}{yy}{mm}{dep}{r.randint(1, 999):03d}{r.randint(1, 999):03d}"
        key = 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97
        if bad:
            key = (key + r.randint(1, 96)) % 97 or 1
        canon = f"{body}{key:02d}"
        fmt = r.random()
        if fmt < 0.4:
            raw = canon
        else:
            raw = f"{canon[0]} {canon[1:3]} {canon[3:5]} {canon[5:7]} {canon[7:10]} {canon[10:13]} {canon[13:]}"
        return raw, canon

    def phone(self, bad: bool = False) -> tuple[str, str]:
        r = self.r
        if bad:  # 070-072 and 0 followed by 0 are not assigned
            # 0700-0708 are unassigned (0709x are overseas mobiles since 2024)
            return f"07 0{r.randint(0, 8)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}", ""
        x = r.random()
        if x >= 0.85:  # a foreign number, written with its country code
            v = V.phone_foreign(r, r.choice(sorted(V.PHONE_REGIONS)), r.choice(["e164", "international", "00"]))
            self.labels[("phone", v.canonical)] = v.label
            return v.raw, v.canonical
        if x < 0.1:  # overseas in national form
            nsn, cc = r.choice([("690" + f"{r.randint(0, 99):02d}", "590"), ("696" + f"{r.randint(0, 99):02d}", "596"),
                                ("694" + f"{r.randint(0, 29):02d}", "594"), ("692" + f"{r.randint(0, 99):02d}", "262")])
            nsn += f"{r.randint(0, 9999):04d}"
            e164 = f"+{cc}{nsn}"
        elif x < 0.15:  # international, written with +
            cc, nsn = r.choice([("44", "20794" + f"{r.randint(0, 99999):05d}"),
                                ("1", "4155" + f"{r.randint(100000, 999999)}"),
                                ("49", "30" + f"{r.randint(10000000, 99999999)}")])
            self.labels[("phone", f"+{cc}{nsn}")] = f"{cc}:international"
            return f"+{cc} {nsn}", f"+{cc}{nsn}"
        else:
            head = r.choice(["6", "7", "1", "2", "3", "4", "5", "9"])
            if head == "6":
                nsn = "6" + r.choice(["0", "1", "2", "4", "5", "6", "7", "8"]) + f"{r.randint(0, 9)}"
            elif head == "7":
                nsn = "7" + str(r.randint(3, 9)) + f"{r.randint(0, 9)}"
            elif head == "2":
                nsn = "2" + r.choice("01234579") + f"{r.randint(0, 9)}"
            elif head == "4":
                nsn = "4" + str(r.randint(1, 9)) + f"{r.randint(0, 9)}"
            elif head == "5":
                nsn = "5" + str(r.randint(0, 8)) + f"{r.randint(0, 9)}"
            else:
                nsn = head + f"{r.randint(0, 99):02d}"
            nsn += f"{r.randint(0, 999999):06d}"
            e164 = "+33" + nsn
        nat = "0" + nsn
        pairs = " ".join(nat[i:i + 2] for i in range(0, 10, 2))
        if not e164.startswith("+33"):
            self.labels[("phone", e164)] = "FR-overseas:national"
            return (pairs if r.random() < 0.5 else nat), e164
        grouped = " ".join(nsn[i:i + 2] for i in range(1, 9, 2))
        raw = r.choice([pairs, nat, pairs.replace(" ", "."), "+33 " + nsn[0] + " " + grouped,
                        e164, "0033" + nsn, "+33 (0)" + nsn[0] + " " + grouped])
        self.labels[("phone", e164)] = "FR"
        return raw, e164

    def email(self, bad: bool = False) -> tuple[str, set[str]]:
        r = self.r
        f = self.fk()
        if bad:
            return f.user_name() + "@" + f.domain_word(), set()  # no TLD
        if r.random() < 0.08:  # internationalised domain, Unicode or punycode
            v = V.email_idn(r, f.user_name())
            self.labels[("email", v.canonical)] = v.label
            return v.raw, {v.canonical}
        if r.random() < 0.25:
            local = f"{f.first_name()}.{f.last_name()}".lower().replace(" ", "").replace("'", "")
            local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
            if r.random() < 0.4:
                local += "+" + r.choice(["promo", "news", "spam"])
            raw = f"{local}@gmail.com"
        else:
            raw = f.email()
        if r.random() < 0.15:
            raw = raw[0].upper() + raw[1:]
        exact = raw.lower()
        out = {exact}
        lp, dom = exact.split("@")
        if dom in ("gmail.com", "googlemail.com"):
            out.add(lp.split("+")[0].replace(".", "") + "@gmail.com")
        return raw, out

    def iban(self, bad: bool = False, country: str | None = None) -> tuple[str, str]:
        v = V.iban_decoy(self.r) if bad else V.iban(self.r, country)
        self.labels[("iban", v.canonical)] = v.label
        return v.raw, v.canonical

    def card(self, bad: bool = False) -> tuple[str, str]:
        v = V.card_decoy(self.r) if bad else V.card(self.r)
        self.labels[("card", v.canonical)] = v.label
        return v.raw, v.canonical

    def dob(self) -> tuple[str, str]:
        v = V.dob(self.r)
        self.labels[("dob", v.canonical)] = v.label
        return v.raw, v.canonical

    def national_id(self, country: str, bad: bool = False) -> tuple[str, str]:
        v = V.national_id_decoy(self.r, country) if bad else V.national_id(self.r, country)
        self.labels[("national_id", v.canonical)] = v.label
        return v.raw, v.canonical

    def phone_national(self, region: str, bad: bool = False) -> tuple[str, str]:
        """A foreign phone in a column of one country: national notation when the header names
        the country, otherwise 3 rows in 5 carry the country code and give the others their context."""
        if bad:
            v = V.phone_decoy(self.r)
            return v.raw, ""
        intl = self.phone_ctx == "rows" and self.row % 5 in (0, 2, 3)
        v = V.phone_foreign(self.r, region, self.r.choice(["e164", "international"]) if intl else "national")
        self.labels[("phone", v.canonical)] = v.label
        return v.raw, v.canonical

    def noise_digits(self) -> str:
        """A digit run that passes none of the checks (regenerated until it does not)."""
        while True:
            n = self.r.choice([8, 11, 12, 13, 14, 15, 16, 17])
            d = str(self.r.randint(10 ** (n - 1), 10 ** n - 1))
            if _luhn_ok(d):
                continue
            if n == 15 and 97 - int(d[:13]) % 97 == int(d[13:]):
                continue
            return d


# ----------------------------------------------------------------------------- dump makers
_A9 = {"health": ["diabète de type 2", "séropositif", "schizophrénie", "cancer du sein", "asthme", "sous insuline"],
       "religion": ["catholique non pratiquante", "musulman pratiquant", "protestante"]}


def _record(g: _Gen, truth: set[tuple[str, str]], cols: list[str], bad_rate: float = 0.06) -> dict[str, str]:
    f = g.fk()
    rec: dict[str, str] = {}
    first, last = f.first_name(), f.last_name()
    for c in cols:
        bad = g.r.random() < bad_rate
        if c in ("nom", "last_name"):
            rec[c] = last
        elif c in ("prenom", "first_name"):
            rec[c] = first
        elif c in ("email", "mail"):
            raw, ex = g.email(bad)
            rec[c] = raw
            truth.update(("email", e) for e in ex)
        elif c in ("telephone", "phone", "tel"):
            raw, e = g.phone(bad)
            rec[c] = raw
            if e:
                truth.add(("phone", e))
        elif c.startswith("intl_"):  # a second number in international notation: the +CC context
            v = V.phone_foreign(g.r, c[5:], g.r.choice(["e164", "international", "00"]))
            g.labels[("phone", v.canonical)] = v.label
            rec[c] = v.raw
            truth.add(("phone", v.canonical))
        elif c.startswith("phone_"):  # one foreign country's phones; the dump gives the context
            raw, e = g.phone_national(c[6:], bad)
            rec[c] = raw
            if e:
                truth.add(("phone", e))
        elif c in _NATID_COLUMNS:
            raw, n = g.national_id(_NATID_COLUMNS[c], bad)
            if g.headerless and c == "ssn" and "-" not in raw:  # nine bare digits need their header
                raw = f"{raw[:3]}-{raw[3:5]}-{raw[5:]}"
            rec[c] = raw
            if n:
                truth.add(("national_id", n))
        elif c.startswith("iban_"):
            raw, n = g.iban(bad, c[5:])
            rec[c] = raw
            if n:
                truth.add(("iban", n))
        elif c in ("nombre", "nome", "vorname"):
            rec[c] = first
        elif c in ("apellidos", "cognome", "nachname", "surname"):
            rec[c] = last
        elif c == "country":
            rec[c] = g.r.choice(["FR", "BE", "CH", "US", "DE", "ES", "IT", "GB", "MA"])
        elif c == "exp":
            rec[c] = f"{g.r.randint(1, 12):02d}/{g.r.randint(26, 31)}"
        elif c == "cvv":
            rec[c] = f"{g.r.randint(0, 999):03d}"
        elif c == "nir":
            raw, n = g.nir(bad)
            rec[c] = raw
            if not bad:
                truth.add(("nir", n))
        elif c == "iban":
            raw, n = g.iban(bad)
            rec[c] = raw
            if n:
                truth.add(("iban", n))
        elif c in ("card", "cb"):
            raw, n = g.card(bad)
            rec[c] = raw
            if n:
                truth.add(("card", n))
        elif c in ("date_naissance", "dob", "fecha_nacimiento", "geburtsdatum", "data_nascita"):
            raw, iso = g.dob()
            rec[c] = raw
            truth.add(("dob", iso))
        elif c in ("ville", "city"):
            rec[c] = f.city()
        elif c in ("adresse", "address"):
            rec[c] = f"{f.street_address()}, {f.postcode()} {f.city()}"
        elif c in ("password", "mdp"):
            rec[c] = g.fr.password(length=g.r.randint(6, 14), special_chars=False)
        elif c == "pathologie":
            rec[c] = g.r.choice(_A9["health"])
        elif c == "id":
            rec[c] = str(g.r.randint(1, 99999))
        else:
            rec[c] = "x"
    return rec


_SCHEMAS = [
    ["nom", "prenom", "date_naissance", "email", "telephone", "nir"],
    ["id", "nom", "prenom", "email", "telephone", "ville"],
    ["first_name", "last_name", "email", "phone", "dob", "city"],
    ["nom", "prenom", "nir", "date_naissance", "pathologie", "telephone"],
    ["id", "email", "iban", "nom", "prenom"],
    ["first_name", "last_name", "email", "card", "phone"],
    ["nom", "prenom", "adresse", "telephone", "email", "date_naissance"],
    ["first_name", "last_name", "address", "phone", "nir", "dob"],
]

# national identifier columns: name as exported -> country
_NATID_COLUMNS = {"ssn": "US", "numero_national": "BE", "dni": "ES", "codice_fiscale": "IT", "nino": "GB", "avs": "CH"}

# dumps of foreign customers, patients and staff: each country's own column names and formats
_FOREIGN_SCHEMAS = [
    ["first_name", "last_name", "email", "phone_US", "ssn", "dob", "city"],
    ["nom", "prenom", "numero_national", "phone_BE", "email", "iban_BE"],
    ["nombre", "apellidos", "dni", "phone_ES", "email", "fecha_nacimiento"],
    ["nome", "cognome", "codice_fiscale", "phone_IT", "email", "iban_IT"],
    ["first_name", "surname", "nino", "phone_GB", "email", "dob"],
    ["nom", "prenom", "avs", "phone_CH", "email", "iban_CH"],
    ["vorname", "nachname", "phone_DE", "email", "iban_DE", "geburtsdatum"],
    ["nom", "prenom", "phone_MA", "email", "ville"],
    ["id", "email", "phone", "card", "iban", "country"],
    ["first_name", "last_name", "email", "card", "exp", "cvv"],
]


# how real exports spell the same column (the detector must type all of them)
_HEADER_VARIANTS = {
    "nom": ["nom", "NOM", "Nom", "nom_famille", "NomPatient"], "prenom": ["prenom", "Prénom", "PRENOM", "prenoms"],
    "email": ["email", "E-mail", "mail", "courriel", "adresse_mail", "EmailAddress"],
    "telephone": ["telephone", "Téléphone", "tel", "portable", "tel_mobile", "Numero_Telephone"],
    "nir": ["nir", "num_secu", "N° Sécu", "numero_securite_sociale", "NIR"],
    "date_naissance": ["date_naissance", "Date de naissance", "ddn", "DateNaissance", "naissance"],
    "first_name": ["first_name", "FirstName", "First Name", "given_name"],
    "last_name": ["last_name", "LastName", "surname"],
    "phone": ["phone", "Phone Number", "mobile", "cell"], "dob": ["dob", "Date of Birth", "birthdate", "DOB"],
    "ssn": ["ssn", "SSN", "social_security_number"], "adresse": ["adresse", "Adresse postale", "rue"],
    "address": ["address", "Address", "street"], "iban": ["iban", "IBAN", "rib"],
    "card": ["card", "card_number", "CB", "pan"],
    "numero_national": ["numero_national", "rijksregisternummer", "NN"],
    "dni": ["dni", "DNI/NIE", "documento"], "codice_fiscale": ["codice_fiscale", "CodiceFiscale", "cf"],
    "nino": ["nino", "NI Number", "national_insurance"], "avs": ["avs", "No AVS", "ahv_nr"],
    "fecha_nacimiento": ["fecha_nacimiento", "Fecha de nacimiento"], "geburtsdatum": ["geburtsdatum", "Geburtsdatum"],
    "data_nascita": ["data_nascita"], "surname": ["surname", "last_name"],
}


def _head(g: _Gen, c: str) -> str:
    if c.startswith("phone_"):  # the header names the country when the rows do not
        cc = c[6:]
        code, words = V.PHONE_REGIONS[cc]
        w = g.r.choice(words)
        if g.phone_ctx != "header":
            return w
        return g.r.choice([f"{w}_{cc.lower()}", f"{w}_{cc}", f"{w} ({cc})", f"{w} (+{code})"])
    if c.startswith("iban_"):
        return g.r.choice(["iban", "IBAN", "compte"])
    if c.startswith("intl_"):
        return g.r.choice(["mobile", "fax", "tel2", "autre_tel", "phone_2"])
    return g.r.choice(_HEADER_VARIANTS.get(c, [c]))


_NAME_COLUMNS = frozenset({"nom", "prenom", "first_name", "last_name", "surname", "nombre", "apellidos", "nome",
                           "cognome", "vorname", "nachname", "ville", "city"})
_DOB_COLUMNS = ("date_naissance", "dob", "fecha_nacimiento", "geburtsdatum", "data_nascita")
_NAME_WORDS = re.compile(r"[^\W\d_]+(?:[ '’.-]{1,2}[^\W\d_]+){0,4}")


def _headerless_births(cols: list[str], recs: list[dict[str, str]]) -> bool:
    """Whether a header-less dump's dates are its people's births as the detector reads a list of
    people (indexer.detect.columns._dob_of_fullz): a column of names (words, capitalised), two
    columns typed by their values (e-mail, phone, NIR, IBAN, card, a Belgian or Swiss number) and
    dates of whom 60% are of someone aged 14 to 110 this year, not all of one year."""
    dcol = next((c for c in cols if c in _DOB_COLUMNS), None)
    if dcol is None:
        return False
    typed = sum(1 for c in cols if c.split("_")[0] in ("email", "telephone", "phone", "nir", "iban", "card", "intl")
                or c in ("numero_national", "avs"))
    named = any(c in _NAME_COLUMNS and all(rec[c][:1].isupper() and _NAME_WORDS.fullmatch(rec[c]) for rec in recs)
                for c in cols)
    isos = [canon_dob(rec[dcol]) or "" for rec in recs]
    born = [d for d in isos if d and 14 <= _this_year() - int(d[:4]) <= 110]
    return typed >= 2 and named and len(born) >= max(2, 0.6 * len(recs)) and len({d[:4] for d in born}) > 1


def make_dump(kind: str, n_rows: int = 8, faker_seed: int = 0, *, header: bool | None = None) -> tuple[str, DumpTruth]:
    """One synthetic dump; see the module docstring."""
    g = _Gen(faker_seed)
    r = g.r
    truth: set[tuple[str, str]] = set()
    cats: set[str] = set()
    cols = r.choice(_FOREIGN_SCHEMAS if r.random() < 0.4 else _SCHEMAS)
    if "pathologie" in cols:
        cats.add("health")
    g.headerless = kind == "separated_run" if header is None else not header
    if kind not in ("csv", "separated_run"):
        g.headerless = False
    x = r.random()
    g.phone_ctx = "column" if x < 0.25 else "rows" if g.headerless or x < 0.55 else "header"
    national = [c for c in cols if c.startswith("phone_")]
    if g.phone_ctx == "column" and national:  # the +CC is given by another column of the same rows
        cols = [*cols, "intl_" + national[0][6:]]
    elif g.phone_ctx == "column":
        g.phone_ctx = "rows"
    names = {c: _head(g, c) for c in cols}  # one spelling per column for the whole dump
    recs = []
    for i in range(n_rows):
        g.row = i
        recs.append(_record(g, truth, cols))
    lines: list[str]
    first = 1
    if kind in ("csv", "separated_run"):
        sep = r.choice([";", ";", ",", "\t", "|"])
        use_header = kind == "csv" if header is None else header
        pad = sep if sep == "\t" or r.random() < 0.8 else f" {sep} "

        quote_all = r.random() < 0.25  # Excel and many CRMs quote every cell

        def cell(v: str) -> str:  # quote cells holding the separator, as CSV writers do
            return '"' + v.replace('"', '""') + '"' if quote_all or sep in v or (sep == "," and "," in v) else v
        lines = [pad.join(cell(names[c]) if quote_all else names[c] for c in cols)] if use_header else []
        trailing = r.random() < 0.15  # some exports end some rows with the separator
        lines += [pad.join(cell(rec[c]) for c in cols) + (sep if trailing and r.random() < 0.5 else "") for rec in recs]
        if not use_header and not _headerless_births(cols, recs):
            # without a header a date is just a date, but in a list of people: only typed columns give a DOB
            truth = {x for x in truth if x[0] != "dob"}
    elif kind == "sql_insert":
        table = r.choice(["users", "patients", "clients", "wp_users"])
        lines = [f"CREATE TABLE `{table}` ("] + [f"  `{c}` varchar(255) DEFAULT NULL," for c in cols] + \
                ["  PRIMARY KEY (`id`)", ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;", ""]
        first = len(lines) + 1

        def tup(rec: dict[str, str]) -> str:
            return "(" + ",".join("'" + rec[c].replace("'", "\\'") + "'" for c in cols) + ")"
        if r.random() < 0.5:
            lines.append(f"INSERT INTO `{table}` VALUES " + ",".join(tup(x) for x in recs) + ";")
        else:
            head = f"INSERT INTO `{table}` (" + ", ".join(f"`{c}`" for c in cols) + ") VALUES "
            lines += [head + tup(x) + ";" for x in recs]
    elif kind == "pg_copy":
        copy_table = r.choice(["users", "patients"])
        lines = [f"COPY public.{copy_table} ({', '.join(names[c].replace(' ', '_') for c in cols)}) FROM stdin;"]
        lines += ["\t".join(rec[c] for c in cols) for rec in recs] + ["\\."]
    elif kind == "combo":
        truth.clear()
        sep = r.choice([":", ":", "|"])
        lines = []
        users = r.random() < 0.25 and sep == "|"
        numbered = r.random() < 0.15
        for _ in range(n_rows):
            raw, ex = g.email()
            pw = g.fr.password(length=r.randint(6, 12), special_chars=False)
            if users:  # user|pass lists: no email at all
                raw, ex = g.en.user_name() + str(r.randint(1, 99)), set()
            lines.append(f"{raw}{sep}{pw}")
            if numbered:
                lines[-1] = f"{len(lines)}. {lines[-1]}"
            truth.update(("email", e) for e in ex)
            truth.add(("credential", f"{_exact_email(raw) if '@' in raw else raw}:{pw}"))
    elif kind == "jsonl":
        lines = []
        for rec in recs:
            obj = {"_id": {"$oid": f"{r.getrandbits(96):024x}"}, **{k: v for k, v in rec.items() if k != "id"}}
            lines.append(json.dumps(obj, ensure_ascii=False))
    elif kind == "stealer_log":
        truth.clear()
        lines = []
        for _ in range(max(1, n_rows // 3)):
            raw, ex = g.email()
            pw = g.fr.password(length=10, special_chars=True)
            u, l_, p_ = r.choice([("URL", "Username", "Password"), ("url", "login", "password"),
                                  ("Host", "Login", "Pass"), ("URL", "USER", "PASS"), ("Site", "User", "Pwd")])
            soft = [f"Soft: {r.choice(['Chrome', 'Edge', 'Firefox', 'Opera GX'])}"] if r.random() < 0.5 else []
            lines += soft + [f"{u}: https://{g.en.domain_name()}/login", f"{l_}: {raw}", f"{p_}: {pw}",
                             r.choice(["===============", "-----------------", ""])]
            truth.update(("email", e) for e in ex)
            truth.add(("credential", f"{_exact_email(raw)}:{pw}"))
        lines.pop()
    elif kind == "dox":
        truth.clear()
        f = g.fr
        dob_raw, dob = g.dob()
        ph_raw, ph = g.phone()
        em_raw, ems = g.email()
        if r.random() < 0.6:
            lines = [f"Nom: {f.last_name()}", f"Prénom: {f.first_name()}", f"Date de naissance: {dob_raw}",
                     f"Adresse: {f.street_address()}, {f.postcode()} {f.city()}", f"Téléphone: {ph_raw}",
                     f"Email: {em_raw}"]
        else:
            e = g.en
            lines = [f"Full Name: {e.first_name()} {e.last_name()}", f"DOB: {dob_raw}",
                     f"Address: {e.street_address()}, {e.city()}", f"Phone: {ph_raw}", f"E-mail: {em_raw}"]
            rest = lines[1:]
            r.shuffle(rest)
            lines = lines[:1] + rest
        truth.update({("dob", dob), ("phone", ph)} | {("email", e) for e in ems})
        if r.random() < 0.5:
            n_raw, n = g.nir()
            lines.append(f"NIR: {n_raw}")
            truth.add(("nir", n))
        if r.random() < 0.4:
            lines.append(f"Religion: {r.choice(_A9['religion'])}")
            cats.add("religion")
    elif kind == "hl7":
        truth.clear()
        lines = []
        cats.add("health")
        for _ in range(max(1, n_rows // 3)):
            f = g.fr
            dob_raw, dob = g.dob()
            n_raw, n = g.nir()
            ph_raw, ph = g.phone()
            lines += [f"MSH|^~\\&|DXCARE|CHU|||2024{r.randint(1, 12):02d}01||ADT^A01|{r.randint(1000, 9999)}|P|2.5",
                      f"PID|1||{r.randint(100000, 999999)}^^^CHU||{f.last_name().upper()}^{f.first_name().upper()}||"
                      f"{dob.replace('-', '')}|{r.choice('MF')}|||"
                      f"{f.street_address()}^^{f.city()}^^{f.postcode()}||{ph_raw}|||||{n}",
                      f"DG1|1||E11^{r.choice(_A9['health'])}"]
            truth.update({("dob", dob), ("nir", n), ("phone", ph)})
    else:
        raise ValueError(f"unknown dump kind {kind!r}; expected one of {', '.join(KINDS)}")
    # a Windows export pasted as is keeps its CR before each LF
    text = ("\r\n" if kind in ("csv", "separated_run") and r.random() < 0.2 else "\n").join(lines)
    labels = {k: g.labels[k] for k in truth if k in g.labels}
    return text, DumpTruth(kind, first, len(lines), truth, cats, labels)


# ------------------------------------------------------------------------------------ noise
def _noise_block(g: _Gen) -> list[str]:
    r = g.r
    f = g.fk()
    x = r.random()
    if x < 0.3:
        return [f.paragraph(nb_sentences=r.randint(1, 4))]
    if x < 0.4:
        return ["> " + f.sentence(), "> " + f.sentence()]
    if x < 0.5:
        return ["```", "def parse(x, y=1):", f"    return x * {r.randint(2, 99)}, y + {r.randint(2, 999)}", "```"]
    if x < 0.62:  # look-alikes that fail their checks, or pass one that is not theirs
        c = r.randrange(11)
        if c == 0:
            return [f"Le NIR {g.nir(bad=True)[0]} ne marche pas"]
        if c == 1:
            return [f"IBAN {g.iban(bad=True)[0]} refusé"]
        if c == 2:
            return [f"carte {g.card(bad=True)[0]} expirée"]
        if c == 3:
            return [f"appelle le {g.phone(bad=True)[0]}"]
        if c == 4:
            return [f"mail {g.email(bad=True)[0]}"]
        if c == 5:
            return [f"the number {V.phone_decoy(r).raw} is dead, don't bother"]
        if c == 6:
            return [f"SSN {V.national_id_decoy(r, 'US').raw} came back invalid lol"]
        if c == 7:
            return [f"NI {V.national_id_decoy(r, r.choice(['GB', 'CH', 'BE'])).raw} rejected by the checker"]
        if c == 8:  # Luhn-valid but no card network: order and tracking numbers
            return [f"{r.choice(['Order', 'Commande n°', 'Tracking', 'Ticket'])} {V.card_decoy(r).raw} shipped"]
        if c == 9:
            return [f"Gift card {V.card_decoy(r).raw} already used"]
        return [f"Numéro de suivi {g.noise_digits()} (colis)"]
    if x < 0.72:
        return [f"Commande n° {g.noise_digits()} du {r.randint(1, 28)}/{r.randint(1, 12)}/2024, "
                f"total {r.randint(5, 500)},{r.randint(10, 99)} €"]
    if x < 0.8:
        return [f"Prix: {r.randint(50, 5000)}$, contact: tox, paiement: BTC/XMR"]
    if x < 0.9:
        return [f"Version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}, "
                f"build {g.noise_digits()}, sha {r.getrandbits(64):016x}"]
    return [f.sentence() + " " + f.sentence()]


def _signature(g: _Gen) -> list[str]:
    f = g.fk()
    opts = [["--", f"{f.first_name()}, {g.email()[0]}"], ["--", f"{f.name()} | tel {g.phone()[0]}"],
            ["___", f"Contact: {g.email()[0]}"]]
    return g.r.choice(opts)


def make_prose_post(seed: int) -> str:
    g = _Gen(seed)
    lines: list[str] = []
    for _ in range(g.r.randint(1, 6)):
        lines += _noise_block(g) + [""]
    if g.r.random() < 0.6:
        lines += _signature(g)
    return "\n".join(lines)


def make_post(seed: int, *, n_dumps: int | None = None, kinds: tuple[str, ...] = KINDS) -> tuple[str, PostTruth]:
    g = _Gen(seed)
    r = g.r
    n_dumps = r.randint(1, 2) if n_dumps is None else n_dumps
    lines: list[str] = []
    frags: list[DumpTruth] = []
    for d in range(n_dumps):
        for _ in range(r.randint(0, 2)):
            lines += _noise_block(g) + [""]
        lines.append(r.choice(["Voici un extrait :", "Sample:", "Échantillon de la base, le reste en PV",
                               "Free sample below"]))
        if r.random() < 0.7:
            lines.append("")
        text, t = make_dump(r.choice(kinds), r.randint(3, 12), seed * 10 + d)
        quote = t.kind in ("csv", "separated_run") and r.random() < 0.2
        base = len(lines)
        lines += [("> " + ln if quote else ln) for ln in text.split("\n")]
        frags.append(DumpTruth(t.kind, base + t.start_line, base + t.end_line, t.identifiers, t.categories, t.labels))
        lines.append("")
    for _ in range(r.randint(0, 2)):
        lines += _noise_block(g) + [""]
    if r.random() < 0.6:
        lines += _signature(g)
    return "\n".join(lines), PostTruth(frags)


RENDERINGS = ("plain", "crlf", "cp1252", "utf-16", "utf-16-nobom", "html", "html-div")


def render(text: str, how: str) -> bytes | str:
    """The post as a crawler would hand it over: plain text, CRLF, cp1252 or UTF-16 bytes, or
    HTML (one `<br>` per line, runs of record lines in a `<pre>` or `<blockquote>`)."""
    if how == "plain":
        return text
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if how == "cp1252":
        return text.encode("cp1252", errors="replace")
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "utf-16-nobom":
        return text.encode("utf-16-le")
    if how == "html":
        import html as _h

        body = "<br>\n".join(_h.escape(ln) for ln in text.split("\n"))
        return f"<html><head><title>post</title></head><body><div class=\"post\"><p>{body}</p></div></body></html>"
    if how == "html-div":  # one <div> per line, as rich-text editors write it
        import html as _h

        body = "".join(f"<div>{_h.escape(ln)}</div>" if ln else "<div><br></div>" for ln in text.split("\n"))
        return f"<!DOCTYPE html><html><body><article>{body}</article></body></html>"
    raise ValueError(f"unknown rendering {how!r}; expected one of {', '.join(RENDERINGS)}")


def make_corpus(n_posts: int, seed: int = 0) -> list[tuple[str, PostTruth]]:
    return [make_post(seed * 100_000 + i) for i in range(n_posts)]


def write_corpus(directory: Path, n_posts: int = 200, seed: int = 0) -> Path:
    """Write posts/NNNN.txt, prose/NNNN.txt and truth.jsonl (one line per post) under directory."""
    directory = Path(directory)
    (directory / "posts").mkdir(parents=True, exist_ok=True)
    (directory / "prose").mkdir(parents=True, exist_ok=True)
    with open(directory / "truth.jsonl", "w", encoding="utf-8") as out:
        for i, (text, truth) in enumerate(make_corpus(n_posts, seed)):
            (directory / "posts" / f"{i:04d}.txt").write_text(text, encoding="utf-8")
            out.write(json.dumps({"post": f"posts/{i:04d}.txt", **truth.to_json()}, ensure_ascii=False) + "\n")
    for i in range(n_posts // 2):
        prose = make_prose_post(seed * 100_000 + 50_000 + i)
        (directory / "prose" / f"{i:04d}.txt").write_text(prose, encoding="utf-8")
    return directory / "truth.jsonl"


if __name__ == "__main__":
    import sys

    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    print(write_corpus(out_dir, int(sys.argv[2]) if len(sys.argv) > 2 else 200))
