"""Dump shapes the wave 21 blind probes found missed, each read as a class, on fresh inputs of
this file's own (not the probes' fixtures): `key=value` log lines (logfmt, syslog prefixes,
quoted values), MongoDB exports and JSON records with nested objects (dates as milliseconds,
`"naissance": {"date": ...}`, JSON lines and pretty-printed), Python dict reprs, sqlite3 `.dump`
files (their CREATE TABLE on one line), IBANs in lower case after a name, and phone lists with a
one-word label or a family name before each number. Negatives aimed at each new reading: config
and environment lines, logs and JSON without personal data (dates of creation, ids), code,
Python reprs of settings, a sqlite dump of a product table, lower-case words that are no IBAN,
numbered documents.

People are synthetic: Faker fr_FR names (seeded), NIR keys computed, French IBANs with their RIB
key (tests.corpus.values), French mobile numbers. A positive's found identifiers of the scored
types must equal what it holds; a negative must give no identifier at all. Both engines."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import pytest
from faker import Faker

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.corpus import values as V

KEY = MatchKey(b"\x5a" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id"})


def _people(n: int, seed: int) -> list[dict[str, str]]:
    r = random.Random(seed)
    fk = Faker("fr_FR")
    fk.seed_instance(seed)
    out = []
    for _ in range(n):
        first, last = fk.first_name(), fk.last_name()
        born = date(r.randint(1941, 2004), r.randint(1, 12), r.randint(1, 28))
        sex = r.choice("12")
        body = f"{sex}{born.year % 100:02d}{born.month:02d}{r.randint(1, 95):02d}{r.randint(1, 999):03d}" \
               f"{r.randint(1, 999):03d}"
        body = body.replace("20", "21", 1) if body[5:7] == "20" else body  # (no département 20)
        nir = body + f"{97 - int(body) % 97:02d}"
        local = "".join(c for c in f"{first}.{last}".lower() if c.isascii() and (c.isalnum() or c == "."))
        # (06 but 069x and 07 from 073 to 078: metropolitan mobiles; 069x and 079x are overseas)
        tel = r.choice(["6" + r.choice("012345678"), "7" + r.choice("345678")]) + f"{r.randint(0, 9_999_999):07d}"
        out.append({
            "first": first, "last": last, "dob": born.isoformat(), "fr": born.strftime("%d/%m/%Y"), "nir": nir,
            "email": f"{local}{r.randint(1, 99)}@{r.choice(['orange.fr', 'free.fr', 'laposte.net', 'sfr.fr'])}",
            "tel": "0" + tel, "e164": "+33" + tel, "iban": V.iban(r, "FR").canonical,
        })
    return out


P = _people(24, 22)
A, B, C, D, E, F, G, H, I_, J, K, L = P[:12]


def _want(*people: dict[str, str], keys: tuple[str, ...] = ("email", "tel")) -> set[tuple[str, str]]:
    out = set()
    for p in people:
        for k in keys:
            out.add(("phone", p["e164"]) if k == "tel" else (k, p[k]))
    return out


def _sp(tel: str) -> str:
    return " ".join(tel[i:i + 2] for i in range(0, 10, 2))


def _grouped(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _qp(line: str) -> str:
    """A line as a mail client writes it quoted-printable: UTF-8 bytes above 127 as `=XX`, the `@`
    and `;` encoded too (some do), cut by soft line breaks (`=` at a line's end) every 30 characters."""
    out, cur = [], ""
    for c in line:
        tok = c if c.isascii() and c not in "@;=" else "".join(f"={b:02X}" for b in c.encode())
        if len(cur) + len(tok) > 30:  # (never inside an `=XX`, as encoders cut)
            out.append(cur)
            cur = ""
        cur += tok
    return "=\n".join([*out, cur])


def _ms(iso: str) -> int:
    d = date.fromisoformat(iso)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000)


POSITIVES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # ------------------------------------------------------------------ key=value logs
    "logfmt_pure": (
        "".join(f'time=2025-01-0{n + 1}T08:00:00Z level=info msg="compte créé" uid={4000 + n} '
                f'mail={p["email"]} tel={p["tel"]} date_naissance={p["dob"]}\n' for n, p in enumerate((A, B, C))),
        _want(A, B, C, keys=("email", "tel", "dob")),
    ),
    "logfmt_syslog_prefix": (
        "".join(f"Jan 14 03:2{n}:11 shop-web01 checkout[{900 + n}]: order_id=A{n}77 customer_email={p['email']} "
                f"customer_phone=+33{p['tel'][1:]} iban={p['iban']}\n" for n, p in enumerate((D, E, F))),
        _want(D, E, F) | {("iban", p["iban"]) for p in (D, E, F)},
    ),
    "logfmt_quoted_values": (
        "".join(f'[INFO] 2025-02-11 10:0{n}:00 event=kyc name="{p["first"]} {p["last"]}" email="{p["email"]}" '
                f'phone="{_sp(p["tel"])}" nir="{p["nir"]}" iban="{_grouped(p["iban"])}"\n'
                for n, p in enumerate((G, H))),
        _want(G, H, keys=("email", "tel", "nir", "iban")),
    ),
    "logfmt_commas": (
        "".join(f"user={p['first'].lower()}, email={p['email']}, mobile={p['tel']}, birthday={p['fr']}\n"
                for p in (I_, J, K)),
        _want(I_, J, K, keys=("email", "tel", "dob")),
    ),
    # ------------------------------------------------------------------ MongoDB, nested JSON
    "mongo_numberlong_dates": (
        "".join(json.dumps({"_id": {"$oid": f"6650aa00bb11cc22dd33ee{n:02x}"}, "email": p["email"],
                            "dateNaissance": {"$date": {"$numberLong": str(_ms(p["dob"]))}},
                            "updatedAt": {"$date": {"$numberLong": "1736937600000"}}}) + "\n"
                for n, p in enumerate((A, D, G))),
        _want(A, D, G, keys=("email", "dob")),
    ),
    "mongo_date_as_number": (
        json.dumps([{"_id": {"$oid": f"6650aa00bb11cc22dd33ef{n:02x}"}, "mail": p["email"], "gsm": p["tel"],
                     "birthDate": {"$date": _ms(p["dob"])}} for n, p in enumerate((B, E))], indent=2),
        _want(B, E, keys=("email", "tel", "dob")),
    ),
    "nested_json_lines": (
        "".join(json.dumps({"id": n, "identite": {"nom": p["last"], "prenom": p["first"]},
                            "naissance": {"date": p["fr"], "lieu": "Nantes"},
                            "coordonnees": {"mail": p["email"], "portable": p["tel"]}}) + "\n"
                for n, p in enumerate((C, F, I_))),
        _want(C, F, I_, keys=("email", "tel", "dob")),
    ),
    "nested_pretty": (
        json.dumps({"data": {"customers": [{"profile": {"birth": {"date": p["dob"]}},
                                            "contact": {"email": p["email"], "phone": "+33" + p["tel"][1:]},
                                            "bank": {"iban": p["iban"]}} for p in (H, K)]}}, indent=4),
        _want(H, K, keys=("email", "tel", "dob", "iban")),
    ),
    # ------------------------------------------------------------------ Python reprs
    "python_repr_lines": (
        "".join(repr({"email": p["email"], "telephone": p["tel"], "date_of_birth": p["dob"], "nir": p["nir"],
                      "vip": False, "notes": None}) + "\n" for p in (A, E, J)),
        _want(A, E, J, keys=("email", "tel", "dob", "nir")),
    ),
    "python_repr_list": (
        ">>> print(users)\n" + repr([{"mail": p["email"], "birthday": p["fr"], "iban": p["iban"]} for p in (B, G, L)])
        + "\n",
        _want(B, G, L, keys=("email", "dob", "iban")),
    ),
    # ------------------------------------------------------------------ sqlite3 .dump
    "sqlite_quoted_names": (
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        'CREATE TABLE IF NOT EXISTS "membres"("id" INTEGER PRIMARY KEY AUTOINCREMENT, "nom" TEXT NOT NULL, '
        '"courriel" TEXT, "portable" VARCHAR(20), "ne_le" DATE, "cotisation" DECIMAL(10,2) DEFAULT 0, '
        'UNIQUE("courriel"));\n'
        + "".join(f"INSERT INTO membres VALUES({n},'{p['last']}','{p['email']}','{p['tel']}','{p['dob']}',25.5);\n"
                  for n, p in enumerate((C, H, K), 1))
        + "COMMIT;\n",
        _want(C, H, K, keys=("email", "tel", "dob")),
    ),
    "sqlite_typeless_columns": (
        "BEGIN TRANSACTION;\nCREATE TABLE clients(id, email, tel, dob);\n"
        + "".join(f"INSERT INTO \"clients\" VALUES({n},'{p['email']}','{p['tel']}','{p['fr']}');\n"
                  for n, p in enumerate((D, I_, L), 1))
        + "COMMIT;\n",
        _want(D, I_, L, keys=("email", "tel", "dob")),
    ),
    # ------------------------------------------------------------------ lower-case IBANs
    "iban_lower_after_name": (
        "virements du mois :\n" + "".join(f"{p['first']} {p['last']} : {_grouped(p['iban']).lower()}\n"
                                          for p in (A, F, J)),
        {("iban", p["iban"]) for p in (A, F, J)},
    ),
    "iban_lower_compact_dash": (
        "".join(f"{p['last'].upper()} {p['first']} - {p['iban'].lower()}\n" for p in (B, H, L)),
        {("iban", p["iban"]) for p in (B, H, L)},
    ),
    # ------------------------------------------------------------------ one-word labels, family names
    "phone_labels_no_colon": (
        f"Tel {D['tel']}\nMobile {_sp(E['tel'])}\nPortable +33 {E['tel'][1]} {_sp(F['tel'])[3:]}\n"
        .replace(f"+33 {E['tel'][1]}", f"+33 {F['tel'][1]}"),
        _want(D, E, F, keys=("tel",)),
    ),
    "family_names_phones": (
        "les numéros :\n" + "".join(f"{p['last']} {_sp(p['tel'])}\n" for p in (G, H, I_, J)),
        _want(G, H, I_, J, keys=("tel",)),
    ),
    "family_names_colon_phones": (
        "".join(f"{p['last'].upper()} : {p['tel']}\n" for p in (A, C, K)),
        _want(A, C, K, keys=("tel",)),
    ),
    # ------------------------------------------------------------------ birth lines with a place
    "dox_unlabelled_birth_line": (
        f"Nom : {L['last']}\nPrénom : {L['first']}\nNé le {L['fr']} à Ajaccio (2A)\nTél : {_sp(L['tel'])}\n"
        f"Mail : {L['email']}\n",
        _want(L, keys=("email", "tel", "dob")),
    ),
    "dox_birth_label_then_place": (
        f"Identité : {K['first']} {K['last'].upper()}\nNée le : {K['fr']} à Saint-Étienne\nNIR : {K['nir']}\n"
        f"Portable : {K['tel']}\n",
        _want(K, keys=("tel", "dob", "nir")),
    ),
    "dox_birth_date_then_age": (
        f"Prénom : {J['first']}\nNom : {J['last']}\nDate de naissance : {J['fr']} (34 ans)\n"
        f"Email : {J['email']}\nIBAN : {_grouped(J['iban'])}\n",
        _want(J, keys=("email", "dob", "iban")),
    ),
    # ------------------------------------------------------------------ chat logs
    "chat_discord_dates": (
        f"[03/01/2025 21:02] n0body#0001: voila le mec {A['first']} {A['last']}\n"
        f"[03/01/2025 21:02] n0body#0001: num {_sp(A['tel'])} mail {A['email']}\n"
        "[03/01/2025 21:03] zer0: merci frr\n"
        f"[03/01/2025 21:05] n0body#0001: et sa soeur {B['email']}\n",
        _want(A, keys=("email", "tel")) | _want(B, keys=("email",)),
    ),
    "chat_irc_nicks": (
        f"[21:40] <dr4g0n> qqn a le tel de {C['last']} ?\n[21:41] <mAlice> {C['tel']}\n"
        f"[21:41] <mAlice> et son iban {_grouped(C['iban'])}\n[21:42] <dr4g0n> top\n",
        _want(C, keys=("tel", "iban")),
    ),
    "chat_telegram_dash": (
        f"22:10 - Admin: nouveau client {D['email']}\n22:11 - Admin: tel {D['tel']}\n"
        f"22:12 - Modo: {E['email']} aussi\n",
        _want(D, keys=("email", "tel")) | _want(E, keys=("email",)),
    ),
    # ------------------------------------------------------------------ a MIME part pasted alone
    "qp_part_at_encoded": (
        "Content-Transfer-Encoding: quoted-printable\n\n"
        + "".join(_qp(f"{p['last']};{p['first']};{p['email']};{_sp(p['tel'])};{p['fr']}") + "\n"
                  for p in (F, G, H)),
        # (a header-less list of people: its dates of birth by their values, columns._dob_of_fullz)
        _want(F, G, H, keys=("email", "tel", "dob")),
    ),
    "qp_part_with_type": (
        "voici ce que j'ai récupéré :\n\nContent-Type: text/csv; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\nnom;prénom;mail;iban\n"
        .replace("nom;prénom;mail;iban", _qp("nom;prénom;mail;iban"))
        + "".join(_qp(f"{p['last']};{p['first']};{p['email']};{p['iban']}") + "\n" for p in (I_, L)),
        _want(I_, L, keys=("email", "iban")),
    ),
}

NEGATIVES: dict[str, str] = {
    "qp_part_prose": "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                     "Bonjour =C3=A0 tous, la r=C3=A9union est d=C3=A9plac=C3=A9e =C3=A0 jeudi 14h, salle=\n"
                     " 3. Merci de confirmer avant le 12/03.\n",
    "chat_without_personal_data": "[12/03/2024 22:14] shadow#4242: rdv 22:30 ce soir\n"
                                  "[12/03/2024 22:15] kr4ken: ok, commande 2024-031-5587412 livrée\n"
                                  "[12/03/2024 22:16] shadow#4242: version 6.1.0-18 installée\n",
    "chat_one_signature": "[10:01] <bob> salut\n[10:02] <alice> écrivez-moi à alice@exemple.fr\n[10:03] <bob> ok\n"
                          "[10:04] <alice> bonne soirée\n",
    "project_born_on": "Le projet est né le 12/03/2015 à Paris.\nVersion : 2.4.1\nLicence : MIT\n"
                       "Dépôt : https://git.exemple.fr/projet\n",
    "env_file": "DB_HOST=127.0.0.1\nDB_PORT=5432\nADMIN_EMAIL=admin@exemple.fr\nSECRET_KEY=8f3a1c0e55d24b7f9e\n"
                "SMTP_PORT=587\n",
    "shell_env_prefix": "RUST_LOG=debug CARGO_TARGET_DIR=/tmp/t cargo build\n"
                        "PGPORT=5433 PGUSER=app psql -c 'select 1'\nFOO=1 BAR=2 make test\n",
    "logfmt_no_personal_data": "".join(
        f'ts=2025-03-0{n}T10:00:00Z level=info msg="GET /api/v1/items" status=200 duration_ms={12 + n} '
        f"request_id=5f0c{n}a77e2b44c1 bytes=10482{n} trace=1741082400{n}123\n" for n in range(1, 6)),
    "code_keyword_args": "resp = client.post(url, timeout=30, retries=3)\nx = dict(a=1, b=2, c=3)\n"
                         "plt.plot(xs, ys, color='red', linewidth=2)\n",
    "json_dates_of_creation": "".join(
        json.dumps({"_id": {"$oid": f"6650aa00bb11cc22dd33e0{n:02x}"}, "sku": f"REF-{n}",
                    "created": {"date": f"1988-0{n}-11", "by": "import"},
                    "createdAt": {"$date": {"$numberLong": str(567302400000 + n)}}}) + "\n" for n in range(1, 5)),
    "python_repr_settings": "".join(
        repr({"debug": n % 2 == 0, "port": 8000 + n, "hosts": ["a.local", "b.local"], "timeout": 30.5}) + "\n"
        for n in range(4)),
    "sqlite_products": "BEGIN TRANSACTION;\nCREATE TABLE produits(id INTEGER PRIMARY KEY, nom TEXT, prix REAL, "
                       "stock INTEGER, ean TEXT);\n"
                       + "".join(f"INSERT INTO produits VALUES({n},'Article {n}',{n}9.90,{n * 7},'30{n:011d}');\n"
                                 for n in range(1, 6)) + "COMMIT;\n",
    "lowercase_words": "ab12 cdef ghij klmn opqr\nfr76 3000 6000 0112 3456 7890 188\nxy99 zzzz 1234 5678 90\n",
    "two_line_footer": "Cabinet Martin\nTel 01 42 68 53 00\nFax 01 42 68 53 01\n",
}


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _expected(want: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return want  # (no gmail.com address above: no second, canonical form)


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == _expected(want), {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive_as_bytes(name: str) -> None:
    """The same input as a file's bytes (the crawler's path; large inputs take the windowed one)."""
    text, want = POSITIVES[name]
    got = {x for x in _found(detect(text.encode(), key=KEY)) if x[0] in SCORED}
    assert got == want


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    assert _found(detect(NEGATIVES[name], key=KEY)) == set()


def test_the_address_in_a_log_is_its_value_only() -> None:
    """`email=x@y.fr` in a log line: the address is `x@y.fr`, not `email=x@y.fr` (an address may
    hold an `=`, so the scanner alone kept the key), and its span is the value's."""
    line = f"2025-01-01T00:00:00Z level=info user_id=1 email={A['email']} phone={A['tel']}\n"
    text = line + line.replace(A["email"], B["email"]).replace(A["tel"], B["tel"])
    frags = detect(text, key=KEY)
    emails = [i for f in frags for i in f.identifiers if i.type == "email"]
    assert sorted(i.value for i in emails) == sorted([A["email"], B["email"]])
    for i in emails:
        assert i.start is not None and i.end is not None
        assert frags[0].text[i.start:i.end] == i.value


def test_mongo_milliseconds_are_the_utc_day() -> None:
    """A date before 1970 is negative milliseconds; the day is read in UTC, whatever the host's zone."""
    rows = [{"email": p["email"], "dob": {"$date": {"$numberLong": str(_ms(d))}}}
            for p, d in ((A, "1969-12-31"), (B, "1901-01-01"), (C, "1970-01-01"))]
    text = "".join(json.dumps(r) + "\n" for r in rows)
    dobs = {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == "dob"}
    assert dobs == {"1969-12-31", "1901-01-01", "1970-01-01"}


# ------------------------------------------------------------------ both engines
def _nested_block(r: random.Random, n: int) -> str:
    """JSON lines, some holding a nested object (read by the Python walk: the core's has no rule
    for them yet, `records._NESTED`), some flat or with `$oid` wrappers (read by the core), past
    256 lines (the cap checks), Mongo dates in every form, nested under keys with and without a
    role."""
    out = []
    for k in range(n):
        p = P[r.randrange(len(P))]
        rec: dict[str, object] = {"_id": {"$oid": f"{k:024x}"}, "email": p["email"]}
        q = r.random()
        if q < 0.2:
            rec["naissance"] = {"date": p["fr"], "lieu": "Lyon"}
        elif q < 0.3:
            rec["birth"] = {"date": {"$date": {"$numberLong": str(_ms(p["dob"]))}}}
        elif q < 0.4:
            rec["dob"] = {"$date": _ms(p["dob"])}
        elif q < 0.5:
            rec["contact"] = {"mobile": {"number": _sp(p["tel"])}, "meta": {"date": "2020-01-01"}}
        elif q < 0.6:
            rec["address"] = {"use": "home", "line": ["3 rue X"], "city": "Paris", "postalCode": "75003"}
        else:
            rec["tel"] = p["tel"]
        out.append(json.dumps(rec) if r.random() < 0.9 else repr(rec))
    return "\n".join(out) + "\n"


def test_both_engines_give_the_same_fragments() -> None:
    """The compiled core against the reference on every input above and on mixed JSON-lines blocks
    (nested lines walked in Python, the others by the core's loop)."""
    from tests.native_core import assert_same_fragments, both_engines, require_native

    require_native()
    from indexer import engine

    try:
        r = random.Random(7)
        inputs = {**{k: v[0] for k, v in POSITIVES.items()}, **NEGATIVES}
        inputs.update({f"nested_block_{n}": _nested_block(r, n) for n in (3, 40, 300, 700)})
        for name, text in inputs.items():
            for data in (text, text.encode()):
                ref, got = both_engines(data, KEY)  # type: ignore[arg-type]
                assert_same_fragments(ref, got, name)
                if name.startswith("nested_block"):
                    assert ref and any(i.type == "dob" for f in ref for i in f.identifiers), name
    finally:
        engine.set_engine(None)
