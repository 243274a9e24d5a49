# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 4: database, search-engine, CRM, shop and messaging exports as they are posted.

Written apart from the detector (wave 24, helper H) from what a user reads only (README.md,
docs/detection-metrics.md, the identifiers reference) and the public API: SQLite and PostgreSQL
dumps, MongoDB shell output, Elasticsearch `_bulk` files, Kafka logs, BI and Excel CSVs, mainframe
fixed-width, YAML/TOML, HL7 v2 and FHIR, GEDCOM, CRM and shop exports, appointment exports,
insurance attestations, OCR'd cards, chat exports (Telegram HTML, Discord, Matrix, Jabber,
WhatsApp iOS), ransomware "proof" listings, fullz, combos and stealer logs in their sellers' layouts.
Set 4b holds article 9 phrasings and negatives, 4c obfuscations (same harness, tests/blind_probe_harness.py, imported from here).

Each case states every identifier (type, canonical value: e-mail lower case, gmail also without dots
and +tag; phone E.164; NIR 15 characters with key; IBAN compact; card digits; dates of birth ISO;
national ids `CC:value`) and every article 9 category that must be found; `maybe` may be found or
not. Every case runs on BOTH engines in this process and their fragments must be equal
(`test_engines_agree`); the scoring reads the compiled core's (the reference's when the core is not
built). `MISSED` lists what is missed today, one reason each as seen from outside: its tests assert
the miss is still there, so a fix must move the case out. `python -m tests.test_detect_blind_probe_set4`
prints recall and precision per set (4, 4b, 4c).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import phonenumbers

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests import blind_probe_harness as harness
from tests.blind_probe_harness import STRICT, Case
from tests.test_detect_blind_probe_set3 import fr_date, fr_spaced, gmail, grouped, iban, luhn, nir, spaced_nir

__all__ = ["Case", "Probe", "P", "PEOPLE", "STRICT"]

KEY = MatchKey(b"set4-blind-probe-key-0123456789ab")


# ---------------------------------------------------------------- invented people


@dataclass(frozen=True)
class P:
    first: str
    last: str
    email: str
    mobile: str  # E.164
    dob: str  # ISO
    nir: str
    iban: str
    card: str

    @property
    def emails(self) -> set[tuple[str, str]]:
        return gmail(self.email) if self.email.endswith("@gmail.com") else {("email", self.email)}

    def ids(self, fields: str = "email mobile dob nir") -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for f in fields.split():
            if f == "email":
                out |= self.emails
            elif f == "mobile":
                out.add(("phone", self.mobile))
            else:
                out.add((f, getattr(self, f)))
        return out

    @property
    def nat(self) -> str:
        """06 12 34 56 78"""
        return fr_spaced(self.mobile)

    @property
    def nat0(self) -> str:
        """0612345678"""
        return "0" + self.mobile[3:]


def _ascii(s: str) -> str:
    for a, b in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ç", "c"), (" ", ""), ("'", "")):
        s = s.replace(a, b)
    return s.lower()


def _person(i: int, first: str, last: str, domain: str, dob: str, sex: int, place: str) -> P:
    y, m, _d = dob.split("-")
    body = f"{sex}{y[2:]}{m}{place}{(211 + 37 * i) % 999:03d}"[:10] + f"{(307 + 89 * i) % 998 + 1:03d}"
    n = (31415926 * (i + 7)) % 100_000_000
    while not phonenumbers.is_valid_number(phonenumbers.parse(f"+336{n:08d}")):
        n = (n + 10_000_000) % 100_000_000  # 06 39 and 06 0x are not assigned: another block
    mobile = f"+336{n:08d}"
    bank = f"{10107 + i * 11:05d}{(i * 379 + 10) % 100000:05d}{(70000000 + i * 4243) % 100000000000:011d}"
    rib_key = 97 - (89 * int(bank[:5]) + 15 * int(bank[5:10]) + 3 * int(bank[10:])) % 97
    cards = ["453201", "535522", "417500", "222100", "492900", "545454"]
    return P(
        first,
        last,
        f"{_ascii(first)}.{_ascii(last)}@{domain}",
        mobile,
        dob,
        nir(body),
        iban("FR", f"{bank}{rib_key:02d}"),
        luhn(cards[i % 6] + f"{(i * 6151 + 99991) * 8191 % 10**9:09d}", 16),
    )


PEOPLE = [
    _person(0, "Léa", "Girard", "gmail.com", "1986-04-23", 2, "92"),
    _person(1, "Mathis", "Faure", "laposte.net", "1958-10-11", 1, "38"),
    _person(2, "Camille", "Mercier", "orange.fr", "1979-01-31", 2, "2B"),
    _person(3, "Nathan", "Blanc", "free.fr", "2003-06-15", 1, "93"),
    _person(4, "Manon", "Guérin", "sfr.fr", "1991-12-09", 2, "35"),
    _person(5, "Lucas", "Boyer", "proton.me", "1967-08-27", 1, "57"),
    _person(6, "Sarah", "Lemaire", "yahoo.com", "1973-02-18", 2, "76"),
    _person(7, "Théo", "Dumas", "hotmail.com", "1995-05-04", 1, "63"),
    _person(8, "Zoé", "Fontaine", "wanadoo.fr", "1949-11-30", 2, "21"),
    _person(9, "Karim", "Benali", "gmail.com", "1982-03-14", 1, "99"),
    _person(10, "Awa", "Diallo", "outlook.fr", "1998-07-07", 2, "97"),
    _person(11, "Yves", "Le Goff", "bbox.fr", "1955-09-01", 1, "29"),
]
K0, K1, K2, K3, K4, K5, K6, K7, K8, K9, K10, K11 = PEOPLE


def fr(p: P, sep: str = "/") -> str:
    return fr_date(p.dob, sep)


def ymd(p: P) -> str:
    return p.dob.replace("-", "")


def many(*people: P, fields: str = "email mobile dob nir") -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for p in people:
        out |= p.ids(fields)
    return out


# ---------------------------------------------------------------- the harness (tests/blind_probe_harness.py; 4b and 4c reuse it from here)


class Probe(harness.Probe):
    """A set scored under set 4's key (4b and 4c too)."""

    def __init__(self, name: str) -> None:
        super().__init__(name, key=KEY)


def make_tests(probe: harness.Probe, floors: Mapping[str, float]) -> dict[str, Callable[..., None]]:
    """The harness's tests but its `detect_many` check: `test_detect_many_equals_detect` below covers 4, 4b and 4c."""
    return harness.make_tests(probe, floors, crawl_check=False)


SET = Probe("4")
case = SET.case
negative = SET.negative


# ---------------------------------------------------------------- database dumps


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


case(
    "sqlite_dump_quoted_table_blob",
    "\n".join(
        [
            "PRAGMA foreign_keys=OFF;",
            "BEGIN TRANSACTION;",
            'CREATE TABLE IF NOT EXISTS "patients" ("id" INTEGER PRIMARY KEY, "nom" TEXT, "prenom" TEXT, "ne_le" TEXT, "mail" TEXT, "portable" TEXT, "photo" BLOB);',
            f"INSERT INTO \"patients\" VALUES(1,{sql_str(K1.last)},{sql_str(K1.first)},{sql_str(K1.dob)},{sql_str(K1.email)},{sql_str(K1.nat0)},X'89504e470d0a1a0a');",
            f'INSERT INTO "patients" VALUES(2,{sql_str(K2.last)},{sql_str(K2.first)},{sql_str(K2.dob)},{sql_str(K2.email)},{sql_str(K2.nat0)},NULL);',
            f"INSERT INTO \"patients\" VALUES(3,{sql_str(K11.last)},{sql_str(K11.first)},{sql_str(K11.dob)},{sql_str(K11.email)},{sql_str(K11.nat0)},X'');",
            "COMMIT;",
        ]
    ),
    many(K1, K2, K11, fields="email mobile dob"),
)

case(
    "pg_copy_quoted_camel_columns",
    "\n".join(
        [
            "--",
            "-- Data for Name: Customer; Type: TABLE DATA; Schema: public; Owner: app",
            "--",
            "",
            'COPY public."Customer" (id, "firstName", "lastName", "emailAddress", "phoneNumber", "birthDate", "createdAt", "deletedAt") FROM stdin;',
            f"c1f0a9\t{K3.first}\t{K3.last}\t{K3.email}\t{K3.mobile}\t{K3.dob}\t2025-01-04 10:12:55.123+01\t\\N",
            f"c1f0aa\t{K4.first}\t{K4.last}\t{K4.email}\t\\N\t{K4.dob}\t2025-01-05 08:00:01.5+01\t\\N",
            f"c1f0ab\t{K5.first}\t{K5.last}\t{K5.email}\t{K5.mobile}\t\\N\t2025-02-11 17:45:00+01\t2025-06-01 00:00:00+02",
            "\\.",
            "",
        ]
    ),
    many(K3, K4, K5, fields="email") | {("phone", K3.mobile), ("phone", K5.mobile), ("dob", K3.dob), ("dob", K4.dob)},
)

case(
    "pg_dump_inserts_no_column_list",
    "\n".join(
        [
            "SET client_encoding = 'UTF8';",
            "SET standard_conforming_strings = on;",
            f"INSERT INTO public.adherents VALUES (1021, {sql_str(K6.last.upper())}, {sql_str(K6.first)}, {sql_str(K6.dob)}, {sql_str(K6.nir)}, {sql_str(K6.iban)}, true);",
            f"INSERT INTO public.adherents VALUES (1022, {sql_str(K7.last.upper())}, {sql_str(K7.first)}, {sql_str(K7.dob)}, {sql_str(K7.nir)}, {sql_str(K7.iban)}, false);",
            f"INSERT INTO public.adherents VALUES (1023, {sql_str('D' + chr(39) + 'ARTAGNAN')}, 'Paul', {sql_str(K8.dob)}, {sql_str(K8.nir)}, {sql_str(K8.iban)}, true);",
        ]
    ),
    many(K6, K7, K8, fields="dob nir iban"),
)

case(
    "mysql_dump_lock_tables_extended",
    "\n".join(
        [
            "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
            "LOCK TABLES `wp_users` WRITE;",
            "/*!40000 ALTER TABLE `wp_users` DISABLE KEYS */;",
            "INSERT INTO `wp_users` VALUES "
            + ",".join(
                f"({n},'{_ascii(p.first)}{n}','$P$B{'x' * 8}{n:04d}abcdefghijklmnopq','{_ascii(p.first)}-{_ascii(p.last)}','{p.email}','','2024-0{n}-1{n} 08:12:{n:02d}','',0,'{p.first} {p.last}')"
                for n, p in ((1, K0), (2, K5), (3, K7))
            )
            + ";",
            "/*!40000 ALTER TABLE `wp_users` ENABLE KEYS */;",
            "UNLOCK TABLES;",
        ]
    ),
    many(K0, K5, K7, fields="email"),
)

case(
    "mongosh_find_pretty_unquoted_keys",
    "\n".join(
        [
            "clinic> db.patients.find({}, {_id: 1, email: 1, phone: 1, birthDate: 1}).limit(3)",
            "[",
            "  {",
            "    _id: ObjectId('6571a2f0c3b5e81d2f4a9b01'),",
            f"    email: '{K8.email}',",
            f"    phone: '{K8.mobile}',",
            f"    birthDate: ISODate('{K8.dob}T00:00:00.000Z')",
            "  },",
            "  {",
            "    _id: ObjectId('6571a2f0c3b5e81d2f4a9b02'),",
            f"    email: '{K9.email}',",
            f"    phone: '{K9.mobile}',",
            f"    birthDate: ISODate('{K9.dob}T00:00:00.000Z')",
            "  },",
            "  {",
            "    _id: ObjectId('6571a2f0c3b5e81d2f4a9b03'),",
            f"    email: '{K10.email}',",
            f"    phone: '{K10.mobile}',",
            f"    birthDate: ISODate('{K10.dob}T00:00:00.000Z')",
            "  }",
            "]",
        ]
    ),
    many(K8, K9, K10, fields="email mobile dob"),
)

case(
    "mongo_legacy_shell_objectid_numberlong",
    "\n".join(
        f'{{ "_id" : ObjectId("5f1d7c0e8b3e4a2d9c{n:06d}"), "nom" : "{p.last}", "email" : "{p.email}", "tel" : NumberLong("{p.mobile[1:]}"), "dateNaissance" : ISODate("{p.dob}T00:00:00Z") }}'
        for n, p in enumerate((K1, K3, K4))
    ),
    many(K1, K3, K4, fields="email mobile dob"),
)

_bulk = []
for n, p in enumerate((K2, K5, K6)):
    _bulk.append(json.dumps({"index": {"_index": "crm-contacts-2026.11", "_id": f"ct-{n:05d}"}}))
    _bulk.append(
        json.dumps(
            {
                "first_name": p.first,
                "last_name": p.last,
                "email": p.email,
                "mobile": p.nat,
                "birth_date": p.dob,
                "source": "web",
            },
            ensure_ascii=False,
        )
    )
case("es_bulk_ndjson_action_lines", "\n".join(_bulk) + "\n", many(K2, K5, K6, fields="email mobile dob"))

case(
    "kafka_consumer_log_json_value",
    "\n".join(
        f"2026-11-30T0{n}:14:0{n}.512Z INFO  [user-events-consumer-{n}] c.a.k.Listener - topic=user-signup partition={n} offset={88123 + n} key={n}a9f value="
        + json.dumps({"event": "SIGNUP", "user": {"email": p.email, "phone": p.mobile, "dob": p.dob, "nir": p.nir}})
        for n, p in enumerate((K7, K8, K11))
    ),
    many(K7, K8, K11),
)

case(
    "bi_export_quoted_thousands",
    "\n".join(
        [
            '"Client";"Segment";"CA 2025 (€)";"Nb commandes";"E-mail";"Téléphone";"Panier moyen"',
            f'"{K0.first} {K0.last}";"Premium";"12 345,67";"48";"{K0.email}";"{K0.nat}";"257,20"',
            f'"{K4.first} {K4.last}";"Standard";"1 204,00";"7";"{K4.email}";"{K4.nat}";"172,00"',
            f'"{K6.first} {K6.last}";"Premium";"8 990,10";"31";"{K6.email}";"{K6.nat}";"290,00"',
        ]
    ),
    many(K0, K4, K6, fields="email mobile"),
)

case(
    "excel_sep_line_then_header",
    "sep=;\r\n"
    + "\r\n".join(
        [
            "Civilité;Nom;Prénom;Né(e) le;Mobile;Courriel;Code postal",
            f"Mme;{K2.last};{K2.first};{fr(K2)};{K2.nat0};{K2.email};20200",
            f"M.;{K3.last};{K3.first};{fr(K3)};{K3.nat0};{K3.email};93200",
            f"Mme;{K10.last};{K10.first};{fr(K10)};{K10.nat0};{K10.email};97110",
        ]
    )
    + "\r\n",
    many(K2, K3, K10, fields="email mobile dob"),
)

case(
    "mainframe_fixed_width_padded_no_header",
    "\n".join(
        f"ASS{n:07d} {p.last.upper():<20}{p.first.upper():<15}{ymd(p)} {p.nir} {p.iban:<34}{'A' if n % 2 else 'R'}"
        for n, p in enumerate((K1, K5, K8, K11), start=9001)
    ),
    many(K1, K5, K8, K11, fields="dob nir iban"),
)

case(
    "yaml_mapping_keyed_by_id",
    "\n".join(
        ["# export utilisateurs (ansible vars)", "users:"]
        + [
            line
            for n, p in enumerate((K0, K9, K10))
            for line in (
                f"  u{1000 + n}:",
                f'    name: "{p.first} {p.last}"',
                f"    email: {p.email}",
                f'    phone: "{p.mobile}"',
                f"    birthdate: {p.dob}",
            )
        ]
    ),
    many(K0, K9, K10, fields="email mobile dob"),
)

case(
    "toml_array_of_tables",
    "\n".join(
        line
        for p in (K3, K6, K7)
        for line in (
            "[[client]]",
            f'nom = "{p.last}"',
            f'email = "{p.email}"',
            f'telephone = "{p.nat}"',
            f"naissance = {p.dob}",
            f'iban = "{grouped(p.iban)}"',
            "",
        )
    ),
    many(K3, K6, K7, fields="email mobile dob iban"),
)

# ---------------------------------------------------------------- health formats

case(
    "hl7_mllp_framed_cr_only_nk1",
    "\x0b"
    + "\r".join(
        [
            "MSH|^~\\&|DXCARE|CHU-RENNES|GAM|CHU|202612041012||ADT^A04^ADT_A01|MSG00017|P|2.5|||AL|NE||8859/1",
            f"PID|1||IPP00871^^^CHU^PI~{K4.nir}^^^ASIP-SANTE-NIR^NH||{K4.last.upper()}^{K4.first.upper()}^^^^^L||{ymd(K4)}|F|||12 RUE DE NANTES^^RENNES^^35000^FRA||^PRN^CP^^^^^^^^^{K4.mobile}~^NET^Internet^{K4.email}",
            f"NK1|1|{K11.last.upper()}^{K11.first.upper()}|FTH^Père||{K11.nat0}",
            "PV1|1|O|CONSULT^^^CHU||||",
        ]
    )
    + "\x1c\r",
    many(K4) | {("phone", K11.mobile)},
    ["health"],  # an admission (PV1) is health data
)

case(
    "hl7_escape_sequences_in_name",
    "\n".join(
        [
            "MSH|^~\\&|LAB|BIO|DPI|HOP|202612030800||ORU^R01|L77|P|2.5",
            f"PID|1||998877^^^BIO^PI||MERCIER\\T\\CO^{K2.first.upper()}||{ymd(K2)}|F|||||{K2.nat0}|||||||{K2.nir}",
            "OBX|1|ST|GLU^Glycémie à jeun||1.32|g/L|0.70-1.10|H|||F",
        ]
    ),
    {("dob", K2.dob), ("phone", K2.mobile), ("nir", K2.nir)},
    ["health"],
)

_fhir_bundle = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "fullUrl": f"urn:uuid:0c3b5e81-{n:04d}-4a2d-9c00-1d2f4a9b0c3b",
            "resource": {
                "resourceType": "Patient",
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                        "extension": [
                            {
                                "url": "ombCategory",
                                "valueCoding": {
                                    "system": "urn:oid:2.16.840.1.113883.6.238",
                                    "code": "2054-5",
                                    "display": "Black or African American",
                                },
                            }
                        ],
                    },
                    {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", "valueCode": "F"},
                ],
                "name": [{"family": p.last, "given": [p.first]}],
                "telecom": [
                    {"system": "phone", "value": p.mobile, "use": "mobile"},
                    {"system": "email", "value": p.email},
                ],
                "birthDate": p.dob,
            },
        }
        for n, p in enumerate((K6, K10))
    ],
}
case(
    "fhir_bundle_us_core_race_extension",
    json.dumps(_fhir_bundle, indent=2, ensure_ascii=False),
    many(K6, K10, fields="email mobile dob"),
    ["ethnic_origin"],
)

case(
    "gedcom_living_people",
    "\n".join(
        [
            "0 HEAD",
            "1 SOUR GENEANET",
            "1 GEDC",
            "2 VERS 5.5.1",
            "1 CHAR UTF-8",
            "0 @I1@ INDI",
            f"1 NAME {K0.first} /{K0.last}/",
            "1 SEX F",
            "1 BIRT",
            "2 DATE 23 APR 1986",
            "2 PLAC Boulogne-Billancourt, 92100, Hauts-de-Seine, France",
            f"1 EMAIL {K0.email}",
            f"1 PHON {K0.nat}",
            "1 FAMC @F1@",
            "0 @I2@ INDI",
            f"1 NAME {K1.first} /{K1.last}/",
            "1 SEX M",
            "1 BIRT",
            "2 DATE 11 OCT 1958",
            "2 PLAC Grenoble, 38000, Isère, France",
            f"1 EMAIL {K1.email}",
            "1 FAMS @F1@",
            "0 @F1@ FAM",
            "1 HUSB @I2@",
            "1 CHIL @I1@",
            "0 TRLR",
        ]
    ),
    many(K0, fields="email mobile dob") | many(K1, fields="email dob"),
)

case(
    "ameli_attestation_text",
    "\n".join(
        [
            "Assurance Maladie",
            "ATTESTATION DE DROITS À L'ASSURANCE MALADIE",
            "Délivrée le 02/12/2026",
            "",
            "Bénéficiaire",
            f"Nom et prénom : {K5.last.upper()} {K5.first}",
            f"Numéro de sécurité sociale : {spaced_nir(K5.nir)}",
            f"Né(e) le : {fr(K5)}",
            "Organisme d'affiliation : CPAM de la Moselle",
            "Droits ouverts du 01/01/2026 au 31/12/2026",
            "Exonération du ticket modérateur : ALD 8 — Diabète de type 1 et diabète de type 2",
            "",
            "Ayant droit",
            f"{K3.last.upper()} {K3.first}   né(e) le {fr(K3)}   {spaced_nir(K3.nir)}",
        ]
    ),
    {("nir", K5.nir), ("dob", K5.dob), ("nir", K3.nir), ("dob", K3.dob)},
    ["health"],
)

case(
    "vitale_card_ocr_text",
    "\n".join(
        [
            "carte Vitale   l'Assurance Maladie",
            f"{K7.first.upper()} {K7.last.upper()}",
            spaced_nir(K7.nir),
            "N° de série 91 2500 1O88 7",
            "--- page 2 ---",
            f"{K8.first.upper()}  {K8.last.upper()}",
            spaced_nir(K8.nir),
        ]
    ),
    {("nir", K7.nir), ("nir", K8.nir)},
)

case(
    "doctolib_like_api_json",
    json.dumps(
        {
            "data": [
                {
                    "id": 88120 + n,
                    "start_date": f"2026-12-0{n + 1}T09:30:00.000+01:00",
                    "visit_motive_name": motive,
                    "patient": {
                        "first_name": p.first,
                        "last_name": p.last,
                        "birthdate": p.dob,
                        "phone_number": p.mobile,
                        "email": p.email,
                    },
                }
                for n, (p, motive) in enumerate(
                    (
                        (K0, "Première consultation PrEP VIH"),
                        (K4, "Suivi de grossesse - 2e trimestre"),
                        (K9, "Consultation addictologie"),
                    )
                )
            ],
            "total": 3,
        },
        ensure_ascii=False,
    ),
    many(K0, K4, K9, fields="email mobile dob"),
    ["health"],
)

# ---------------------------------------------------------------- CRM and shop exports

case(
    "salesforce_contacts_csv",
    "\n".join(
        [
            '"Id","AccountId","Salutation","FirstName","LastName","Email","MobilePhone","Birthdate","HasOptedOutOfEmail"',
            f'"0035g00000AbCdEAA1","0015g00000XyZwQAA2","Ms.","{K6.first}","{K6.last}","{K6.email}","{K6.mobile}","{K6.dob}","false"',
            f'"0035g00000AbCdFAA1","0015g00000XyZwQAA2","Mr.","{K7.first}","{K7.last}","{K7.email}","{K7.mobile}","{K7.dob}","true"',
            f'"0035g00000AbCdGAA1","0015g00000XyZwRAA2","Mr.","{K9.first}","{K9.last}","{K9.email}","{K9.mobile}","{K9.dob}","false"',
        ]
    ),
    many(K6, K7, K9, fields="email mobile dob"),
)

case(
    "hubspot_contacts_export",
    "\n".join(
        [
            "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Lifecycle Stage,Create Date,Contact owner",
            f"51234501,{K1.first},{K1.last},{K1.email},,+33 {K1.nat[1:]},lead,2025-03-02 10:11,Julie Roche",
            f"51234502,{K2.first},{K2.last},{K2.email},,+33 {K2.nat[1:]},customer,2025-03-05 16:42,Julie Roche",
            f"51234503,{K8.first},{K8.last},{K8.email},,+33 {K8.nat[1:]},subscriber,2025-04-19 08:03,",
        ]
    ),
    many(K1, K2, K8, fields="email mobile"),
)

case(
    "shopify_orders_apostrophe_phones",
    "\n".join(
        [
            "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Billing Name,Billing Street,Billing City,Billing Zip,Billing Country,Billing Phone,Shipping Phone",
            f"#1001,{K3.email},paid,2026-11-28 14:02:11 +0100,fulfilled,EUR,59.90,{K3.first} {K3.last},4 rue Hoche,Saint-Denis,'93200,FR,'{K3.mobile},'{K3.mobile}",
            f"#1002,{K0.email},paid,2026-11-28 15:40:02 +0100,unfulfilled,EUR,124.00,{K0.first} {K0.last},18 av. Victor Hugo,Boulogne,'92100,FR,'{K0.mobile},",
            f"#1003,{K11.email},refunded,2026-11-29 09:12:47 +0100,,EUR,19.90,{K11.first} {K11.last},2 quai de l'Odet,Quimper,'29000,FR,'{K11.mobile},'{K11.mobile}",
        ]
    ),
    many(K3, K0, K11, fields="email mobile"),
)

case(
    "woocommerce_orders_rest_json",
    json.dumps(
        [
            {
                "id": 7420 + n,
                "status": "processing",
                "billing": {
                    "first_name": p.first,
                    "last_name": p.last,
                    "address_1": "3 place du Marché",
                    "city": "Nancy",
                    "postcode": "54000",
                    "country": "FR",
                    "email": p.email,
                    "phone": p.nat,
                },
                "payment_method_title": "Carte bancaire",
                "meta_data": [{"id": 1, "key": "_billing_birth_date", "value": fr(p)}],
            }
            for n, p in enumerate((K4, K5))
        ],
        ensure_ascii=False,
        indent=1,
    ),
    many(K4, K5, fields="email mobile dob"),
)

case(
    "prestashop_customer_sql_birthday",
    "INSERT INTO `ps_customer` (`id_customer`, `id_gender`, `company`, `firstname`, `lastname`, `email`, `passwd`, `birthday`, `newsletter`, `ip_registration_newsletter`) VALUES\n"
    + ",\n".join(
        f"({n}, {1 if n % 2 else 2}, NULL, '{p.first}', '{p.last}', '{p.email}', '$2y$10$abcdefghijklmnopqrstuv{n:02d}ABCDEFGHIJKLMNOPQRSTUVWXY', '{p.dob}', 1, '192.0.2.{n}')"
        for n, p in ((1, K6), (2, K8), (3, K10))
    )
    + ";",
    many(K6, K8, K10, fields="email dob"),
)

# ---------------------------------------------------------------- messaging exports

case(
    "telegram_html_export",
    "\n".join(
        [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8"/><title>Exported Data</title></head><body>',
            '<div class="page_wrap"><div class="page_header"><div class="content"><div class="text bold">FR DATABASE SHOP</div></div></div>',
            '<div class="history">',
            '<div class="message default clearfix" id="message1201"><div class="body"><div class="pull_right date details" title="04.12.2026 21:14:03 UTC+01:00">21:14</div>',
            '<div class="from_name">dumpking</div>',
            f'<div class="text">Sample free:<br>{K1.last};{K1.first};{fr(K1)};{K1.nat0};{K1.email}<br>{K2.last};{K2.first};{fr(K2)};{K2.nat0};{K2.email}<br>{K3.last};{K3.first};{fr(K3)};{K3.nat0};{K3.email}</div>',
            "</div></div>",
            "</div></div></body></html>",
        ]
    ),
    many(K1, K2, K3, fields="email mobile dob"),
)

case(
    "discord_chat_exporter_csv",
    "\n".join(
        [
            '"AuthorID","Author","Date","Content","Attachments","Reactions"',
            '"112233445566778899","leakbase#0001","2026-12-04T21:14:03.1230000+01:00","new fr db 12k lines, sample below","",""',
            f'"112233445566778899","leakbase#0001","2026-12-04T21:14:40.0000000+01:00","{K4.email}:{K4.nat0}:{fr(K4)}\n{K5.email}:{K5.nat0}:{fr(K5)}\n{K6.email}:{K6.nat0}:{fr(K6)}","",""',
            '"998877665544332211","buyer#4242","2026-12-04T21:16:00.0000000+01:00","price?","","👍 (2)"',
        ]
    ),
    many(K4, K5, K6, fields="email mobile dob"),
)

case(
    "matrix_element_export_json",
    json.dumps(
        {
            "room_name": "#fr-leaks:matrix.org",
            "messages": [
                {
                    "type": "m.room.message",
                    "sender": "@seller:matrix.org",
                    "origin_server_ts": 1764880443000,
                    "content": {
                        "msgtype": "m.text",
                        "body": f"dox: {K7.first} {K7.last}, né le {fr(K7)}, tel {K7.nat}, mail {K7.email}",
                    },
                },
                {
                    "type": "m.room.message",
                    "sender": "@seller:matrix.org",
                    "origin_server_ts": 1764880500000,
                    "content": {
                        "msgtype": "m.text",
                        "body": f"et sa soeur {K8.first} {K8.last} née le {fr(K8)} — {K8.nat} — {K8.email}",
                    },
                },
            ],
        },
        ensure_ascii=False,
        indent=2,
    ),
    many(K7, K8, fields="email mobile dob"),
)

case(
    "jabber_pidgin_text_log",
    "\n".join(
        [
            "Conversation with vendor@jabber.example at Fri 04 Dec 2026 21:14:03 CET on me@xmpp.example/ (jabber)",
            "(21:14:03) vendor: here the 3 test lines, check them",
            f"(21:14:09) vendor: {K9.email} | {K9.nat} | {fr(K9)} | {spaced_nir(K9.nir)}",
            f"(21:14:10) vendor: {K10.email} | {K10.nat} | {fr(K10)} | {spaced_nir(K10.nir)}",
            f"(21:14:11) vendor: {K11.email} | {K11.nat} | {fr(K11)} | {spaced_nir(K11.nir)}",
            "(21:15:40) me: ok valid, sending btc",
        ]
    ),
    many(K9, K10, K11),
)

case(
    "whatsapp_ios_lrm_brackets",
    "\n".join(
        [
            "[04/12/2026 21:14:03] Seller FR: \u200eMessages and calls are end-to-end encrypted.",
            f"[04/12/2026 21:15:10] Seller FR: {K0.first} {K0.last} {fr(K0)} {K0.nat} {K0.email}",
            f"[04/12/2026 21:15:11] Seller FR: {K3.first} {K3.last} {fr(K3)} {K3.nat} {K3.email}",
            "[04/12/2026 21:15:40] Seller FR: \u200eimage omitted",
        ]
    ),
    many(K0, K3, fields="email mobile dob"),
)

case(
    "email_headers_encoded_words",
    "\n".join(
        [
            "Return-Path: <bounce@mailer.example>",
            f"From: =?UTF-8?B?{base64.b64encode(f'{K4.first} {K4.last}'.encode()).decode()}?= <{K4.email}>",
            f'To: "{K5.last}, {K5.first}" <{K5.email}>, =?iso-8859-1?Q?Z=E9?= {K8.last} <{K8.email}>',
            f"Cc: {K6.email}",
            "Subject: =?UTF-8?Q?R=C3=A9union_parents_d'=C3=A9l=C3=A8ves?=",
            "Date: Thu, 03 Dec 2026 18:02:11 +0100",
            "Message-ID: <20261203180211.ABC123@mailer.example>",
            "",
            "Bonjour à tous, la réunion est reportée.",
        ]
    ),
    many(K4, K5, K8, K6, fields="email"),
)

# ---------------------------------------------------------------- sellers' layouts

case(
    "ransomware_proof_listing_with_sample",
    "\n".join(
        [
            "=== PROOF PACK — victim: Clinique du Parc (FR) — 212 GB ===",
            "\\\\FS01\\RH\\Paie\\2026\\export_salaries_2026.csv      4,1 MB",
            "\\\\FS01\\RH\\Mutuelle\\adhesions_2025.xlsx             880 KB",
            "\\\\FS01\\DIR\\Contrats\\scan_0012.pdf                   2,2 MB",
            "",
            "--- export_salaries_2026.csv (first lines) ---",
            "matricule;nom;prenom;ne_le;nir;iban;salaire_brut",
            f"M0117;{K1.last.upper()};{K1.first};{fr(K1)};{K1.nir};{K1.iban};3120,00",
            f"M0118;{K6.last.upper()};{K6.first};{fr(K6)};{K6.nir};{K6.iban};2480,50",
            f"M0119;{K11.last.upper()};{K11.first};{fr(K11)};{K11.nir};{K11.iban};4010,75",
        ]
    ),
    many(K1, K6, K11, fields="dob nir iban"),
)

case(
    "fullz_emoji_labels",
    "\n".join(
        line
        for p in (K2, K7)
        for line in (
            "━━━━━━━━━━━━━━━",
            f"👤 {p.first} {p.last}",
            f"🎂 {fr(p)}",
            f"📱 {p.nat}",
            f"📧 {p.email}",
            f"💳 {grouped(p.card)} | {p.dob[5:7]}/2{p.dob[3]} | {p.dob[8:]}{p.dob[2]}",
            f"🏦 {grouped(p.iban)}",
            f"🆔 {spaced_nir(p.nir)}",
        )
    ),
    many(K2, K7, fields="email mobile dob nir card iban"),
)

case(
    "fullz_fr_bank_semicolon_no_header",
    "\n".join(
        f"{p.last.upper()};{p.first};{fr(p)};{p.nat0};{p.email};{p.card};0{n}/2{n + 7};{100 + n * 111};{p.iban};CREDIT AGRICOLE"
        for n, p in ((1, K3), (2, K9), (3, K10))
    ),
    many(K3, K9, K10, fields="email mobile dob card iban"),
)

case(
    "fullz_bot_json_reply",
    json.dumps(
        {
            "ok": True,
            "result": {
                "fullz": [
                    {
                        "cc": p.card,
                        "exp": "09/28",
                        "cvv": "431",
                        "holder": f"{p.first} {p.last}".upper(),
                        "dob": fr(p),
                        "ssn_fr": p.nir,
                        "tel": p.nat0,
                        "mail": p.email,
                    }
                    for p in (K4, K8)
                ]
            },
        },
        ensure_ascii=False,
    ),
    many(K4, K8, fields="email mobile dob nir card"),
)

case(
    "combo_unicode_passwords",
    "\n".join(
        [
            f"{K0.email}:mötdepässe2024",
            f"{K1.email}:пароль1958",
            f"{K2.email}:密码Camille79",
            f"{K5.email}:🔥Lucas🔥57",
            f"{K6.email}:Été2023!€",
        ]
    ),
    many(K0, K1, K2, K5, K6, fields="email"),
    recall_only={("credential", f"{K1.email}:пароль1958"), ("credential", f"{K6.email}:Été2023!€")},
)

case(
    "stealer_redline_passwords_block",
    "\n".join(
        [
            "*" * 47,
            "*  ____  _____ ____  _     ___ _   _ _____  *",
            "*" * 47,
            "",
            "URL: https://accounts.google.com/signin/v2/challenge/pwd",
            f"Username: {K0.email}",
            "Password: Lea!Girard86",
            "Application: Google_[Chrome]_Default",
            "===============",
            "URL: https://mon.ameli.fr/",
            f"Username: {K0.nir[:13]}",
            "Password: Ameli2024*",
            "Application: Google_[Chrome]_Default",
            "===============",
            "URL: https://www.leboncoin.fr/",
            f"Username: {K0.nat0}",
            "Password: lbc92100",
            "Application: Microsoft_[Edge]_Default",
            "===============",
        ]
    ),
    gmail(K0.email) | {("phone", K0.mobile), ("nir", K0.nir)},
    recall_only={("credential", f"{K0.email}:Lea!Girard86")},
)

case(
    "stealer_raccoon_upper_labels",
    "\n".join(
        [
            "URL:https://www.impots.gouv.fr/",
            f"USER:{K9.email}",
            "PASS:Karim1982!",
            "",
            "URL:https://espace-client.orange.fr/",
            f"USER:{K9.nat0}",
            "PASS:orange_karim",
            "",
        ]
    ),
    gmail(K9.email) | {("phone", K9.mobile)},
    recall_only={("credential", f"{K9.email}:Karim1982!")},
)

case(
    "stealer_lumma_soft_host",
    "\n".join(
        [
            "Soft: Chrome (Profile 1)",
            "Host: https://www.credit-agricole.fr/",
            f"Login: {K5.email}",
            "Password: Boyer57!!",
            "",
            "Soft: Firefox",
            "Host: https://www.doctolib.fr/sessions/new",
            f"Login: {K6.email}",
            "Password: Sarah-Doc73",
            "",
        ]
    ),
    many(K5, K6, fields="email"),
    recall_only={("credential", f"{K5.email}:Boyer57!!"), ("credential", f"{K6.email}:Sarah-Doc73")},
)

case(
    "stealer_autofill_and_cc",
    "\n".join(
        [
            "=== Autofills/Google_[Chrome]_Default.txt ===",
            "Name: email",
            f"Value: {K3.email}",
            "",
            "Name: tel",
            f"Value: {K3.nat0}",
            "",
            "Name: birthdate",
            f"Value: {fr(K3)}",
            "",
            "=== CreditCards/Google_[Chrome]_Default.txt ===",
            f"Holder: {K3.first.upper()} {K3.last.upper()}",
            "CardType: Visa" if K3.card[0] == "4" else "CardType: MasterCard",
            f"Card: {K3.card}",
            "Expire: 11/2028",
        ]
    ),
    {("email", K3.email), ("phone", K3.mobile), ("dob", K3.dob), ("card", K3.card)},
)


# ---------------------------------------------------------------- console printouts of query results

case(
    "psql_expanded_records",
    "\n".join(
        line
        for n, p in enumerate((K0, K4, K8), start=1)
        for line in (
            f"-[ RECORD {n} ]-+{'-' * 30}",
            f"id            | {n}",
            f"nom           | {p.last}",
            f"email         | {p.email}",
            f"telephone     | {p.nat0}",
            f"date_naissance| {p.dob}",
            f"nir           | {p.nir}",
        )
    ),
    many(K0, K4, K8),
)

case(
    "mysql_vertical_G_output",
    "\n".join(
        line
        for n, p in enumerate((K1, K5, K9), start=1)
        for line in (
            f"*************************** {n}. row ***************************",
            f"         id: {n}",
            f"  firstname: {p.first}",
            f"   lastname: {p.last}",
            f"      email: {p.email}",
            f"      phone: {p.mobile}",
            f"  birthdate: {p.dob}",
        )
    )
    + "\n3 rows in set (0.00 sec)",
    many(K1, K5, K9, fields="email mobile dob"),
)

case(
    "pandas_dataframe_print",
    "\n".join(
        [">>> df.head(3)", "        nom   prenom                     email       telephone date_naissance"]
        + [
            f"{n}  {p.last:>8} {p.first:>8} {p.email:>25}  {p.nat0:>14}     {p.dob}"
            for n, p in enumerate((K2, K6, K10))
        ]
    ),
    many(K2, K6, K10, fields="email mobile dob"),
)

case(
    "php_print_r_array",
    "Array\n(\n"
    + "".join(
        f"    [{n}] => Array\n        (\n            [id] => {n + 1}\n            [email] => {p.email}\n            [tel] => {p.nat0}\n            [naissance] => {fr(p)}\n        )\n\n"
        for n, p in enumerate((K3, K7, K11))
    )
    + ")\n",
    many(K3, K7, K11, fields="email mobile dob"),
)

case(
    "php_var_dump",
    "\n".join(
        line
        for p in (K0, K9)
        for line in (
            "array(3) {",
            '  ["email"]=>',
            f'  string({len(p.email)}) "{p.email}"',
            '  ["phone"]=>',
            f'  string({len(p.nat0)}) "{p.nat0}"',
            '  ["birth_date"]=>',
            f'  string(10) "{p.dob}"',
            "}",
        )
    ),
    many(K0, K9, fields="email mobile dob"),
)

case(
    "java_tostring_log_lines",
    "\n".join(
        f"2026-12-04 21:14:0{n} DEBUG [http-nio-8080-exec-{n}] c.v.a.UserService : saved User{{id={n}, firstName='{p.first}', lastName='{p.last}', email='{p.email}', phone='{p.nat0}', birthDate={p.dob}, iban='{p.iban}'}}"
        for n, p in enumerate((K4, K5, K6), start=1)
    ),
    many(K4, K5, K6, fields="email mobile dob iban"),
)

case(
    "rails_console_inspect",
    "irb(main):001> User.where(role: 'patient').limit(3)\n=> #<ActiveRecord::Relation ["
    + ", ".join(
        f'#<User id: {n}, email: "{p.email}", phone: "{p.mobile}", birth_date: "{p.dob}", created_at: "2025-0{n}-01 10:00:00.000000000 +0000">'
        for n, p in enumerate((K1, K2, K3), start=1)
    )
    + "]>",
    many(K1, K2, K3, fields="email mobile dob"),
)

case(
    "python_list_of_tuples",
    "["
    + ", ".join(
        f"({n}, '{p.last}', '{p.email}', '{p.nat0}', datetime.date({int(p.dob[:4])}, {int(p.dob[5:7])}, {int(p.dob[8:])}))"
        for n, p in enumerate((K7, K8, K9), start=1)
    )
    + "]",
    many(K7, K8, K9, fields="email mobile dob"),
)

case(
    "soap_xml_namespaced",
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getAssuresResponse xmlns:ns2="http://ws.mutuelle.example/">'
    + "".join(
        f"<ns2:assure><ns2:nom>{p.last}</ns2:nom><ns2:nir>{p.nir}</ns2:nir><ns2:dateNaissance>{p.dob}</ns2:dateNaissance><ns2:iban>{p.iban}</ns2:iban><ns2:courriel>{p.email}</ns2:courriel></ns2:assure>"
        for p in (K10, K11, K0)
    )
    + "</ns2:getAssuresResponse></soap:Body></soap:Envelope>",
    many(K10, K11, K0, fields="email dob nir iban"),
)

# ---------------------------------------------------------------- exports from people's own tools

case(
    "google_contacts_csv",
    "\n".join(
        [
            "Name,Given Name,Additional Name,Family Name,Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value",
            f"{K2.first} {K2.last},{K2.first},,{K2.last},{K2.dob},,* myContacts,* Home,{K2.email},Mobile,{K2.nat}",
            f"{K6.first} {K6.last},{K6.first},,{K6.last},{K6.dob},,* myContacts,* Other,{K6.email},Mobile,{K6.mobile}",
            f"{K8.first} {K8.last},{K8.first},,{K8.last},,,* myContacts,* Home,{K8.email},Home,{K8.nat}",
        ]
    ),
    many(K2, K6, K8, fields="email mobile") | {("dob", K2.dob), ("dob", K6.dob)},
)

case(
    "chrome_passwords_csv",
    "\n".join(
        [
            "name,url,username,password,note",
            f"accounts.google.com,https://accounts.google.com/,{K0.email},Girard92!,",
            f"www.ameli.fr,https://assure.ameli.fr/,{K0.nir[:13]},Secu2024,",
            f"www.sfr.fr,https://www.sfr.fr/cas/login,{K0.nat0},sfrLea86,",
        ]
    ),
    gmail(K0.email) | {("nir", K0.nir), ("phone", K0.mobile)},
    recall_only={("credential", f"{K0.email}:Girard92!")},
)

case(
    "bitwarden_json_export",
    json.dumps(
        {
            "encrypted": False,
            "items": [
                {
                    "type": 1,
                    "name": "Doctolib",
                    "login": {
                        "username": K4.email,
                        "password": "Manon35!",
                        "uris": [{"uri": "https://www.doctolib.fr"}],
                    },
                },
                {
                    "type": 3,
                    "name": "Carte Visa",
                    "card": {
                        "cardholderName": f"{K4.first} {K4.last}",
                        "number": K4.card,
                        "expMonth": "4",
                        "expYear": "2029",
                        "code": "318",
                    },
                },
                {
                    "type": 4,
                    "name": "Identité",
                    "identity": {
                        "firstName": K4.first,
                        "lastName": K4.last,
                        "email": K4.email,
                        "phone": K4.nat,
                        "ssn": K4.nir,
                    },
                },
            ],
        },
        ensure_ascii=False,
        indent=2,
    ),
    {("email", K4.email), ("card", K4.card), ("phone", K4.mobile), ("nir", K4.nir)},
    recall_only={("credential", f"{K4.email}:Manon35!")},
)

case(
    "facebook_2021_phone_first_layout",
    "\n".join(
        f"{p.mobile[1:]}:{100004567890123 + n * 7771}:{p.first}:{p.last}:{'female' if n % 2 == 0 else 'male'}:Paris, France:{city}, France:En couple::{p.email}:{fr(p, '/')}"
        for n, (p, city) in enumerate(((K0, "Boulogne-Billancourt"), (K1, "Grenoble"), (K2, "Bastia")))
    ),
    many(K0, K1, K2, fields="email mobile dob"),
)

case(
    "doxbin_paste_sections",
    "\n".join(
        [
            "╔══════════════════════════════╗",
            "║        DOX — by anon         ║",
            "╚══════════════════════════════╝",
            "",
            "[+] Personal Info",
            f"    Name ........ {K9.first} {K9.last}",
            f"    DOB ......... {fr(K9)}",
            f"    NIR ......... {spaced_nir(K9.nir)}",
            "",
            "[+] Contact",
            f"    Phone ....... {K9.nat}",
            f"    Email ....... {K9.email}",
            "",
            "[+] Bank",
            f"    IBAN ........ {grouped(K9.iban)}",
            f"    Card ........ {grouped(K9.card)}  exp 07/29",
            "",
            "[+] Family",
            f"    Sister ...... {K10.first} {K10.last} — {K10.nat} — {K10.email}",
        ]
    ),
    many(K9, fields="email mobile dob nir iban card") | many(K10, fields="email mobile"),
)

case(
    "lookup_panel_table_ascii",
    "\n".join(
        [
            "+-----------------+-------------+------------+-----------------+",
            "| email           | tel         | ddn        | nir             |",
            "+-----------------+-------------+------------+-----------------+",
        ]
        + [f"| {p.email} | {p.nat0} | {fr(p)} | {p.nir} |" for p in (K3, K5, K7)]
        + ["+-----------------+-------------+------------+-----------------+", "3 résultats — 0,02 s"]
    ),
    many(K3, K5, K7),
)

case(
    "csv_semicolon_cp1252_bytes_accents",
    (
        "Nom;Prénom;Né le;Adresse électronique;Téléphone\r\n"
        + "".join(f"{p.last};{p.first};{fr(p)};{p.email};{p.nat}\r\n" for p in (K4, K7, K8))
    ).encode("cp1252"),
    many(K4, K7, K8, fields="email mobile dob"),
)

case(
    "csv_no_header_quoted_crlf_english_dates",
    "\r\n".join(
        f'"{p.first}","{p.last}","{p.email}","{p.mobile}","{int(p.dob[8:])} {["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][int(p.dob[5:7]) - 1]} {p.dob[:4]}"'
        for p in (K5, K6, K11)
    )
    + "\r\n",
    many(K5, K6, K11, fields="email mobile dob"),
)

# ---------------------------------------------------------------- French payroll, bank and office formats

case(
    "dsn_payroll_declaration",
    "\n".join(
        ["S10.G00.00.001,'Logiciel Paie'", "S10.G00.00.006,'P26V01'", "S20.G00.05.005,'01112026'"]
        + [
            line
            for p in (K1, K6, K11)
            for line in (
                f"S21.G00.30.001,'{p.nir[:13]}'",
                f"S21.G00.30.002,'{p.last.upper()}'",
                f"S21.G00.30.004,'{p.first.upper()}'",
                f"S21.G00.30.006,'{p.dob[8:]}{p.dob[5:7]}{p.dob[:4]}'",
                "S21.G00.30.007,'Grenoble'",
                f"S21.G00.30.018,'{p.email}'",
                "S21.G00.40.001,'01012020'",
            )
        ]
    ),
    many(K1, K6, K11, fields="email dob nir"),
)

case(
    "sepa_pain008_direct_debits",
    '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn><GrpHdr><MsgId>PRLV-2026-12</MsgId><NbOfTxs>3</NbOfTxs></GrpHdr><PmtInf>'
    + "".join(
        f'<DrctDbtTxInf><PmtId><EndToEndId>COTIS-{n:05d}</EndToEndId></PmtId><InstdAmt Ccy="EUR">42.50</InstdAmt><DrctDbtTx><MndtRltdInf><MndtId>RUM{n:08d}</MndtId><DtOfSgntr>2024-01-15</DtOfSgntr></MndtRltdInf></DrctDbtTx><DbtrAgt><FinInstnId><BIC>AGRIFRPP</BIC></FinInstnId></DbtrAgt><Dbtr><Nm>{p.first.upper()} {p.last.upper()}</Nm></Dbtr><DbtrAcct><Id><IBAN>{p.iban}</IBAN></Id></DbtrAcct></DrctDbtTxInf>'
        for n, p in enumerate((K2, K3, K4), start=1)
    )
    + "</PmtInf></CstmrDrctDbtInitn></Document>",
    many(K2, K3, K4, fields="iban"),
)

case(
    "excel_2003_spreadsheetml",
    '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n<Worksheet ss:Name="Adherents"><Table>\n'
    + '<Row><Cell><Data ss:Type="String">Nom</Data></Cell><Cell><Data ss:Type="String">Email</Data></Cell><Cell><Data ss:Type="String">Portable</Data></Cell><Cell><Data ss:Type="String">Naissance</Data></Cell></Row>\n'
    + "".join(
        f'<Row><Cell><Data ss:Type="String">{p.last}</Data></Cell><Cell><Data ss:Type="String">{p.email}</Data></Cell><Cell><Data ss:Type="String">{p.nat}</Data></Cell><Cell ss:StyleID="s21"><Data ss:Type="DateTime">{p.dob}T00:00:00.000</Data></Cell></Row>\n'
        for p in (K5, K7, K9)
    )
    + "</Table></Worksheet></Workbook>",
    many(K5, K7, K9, fields="email mobile dob"),
)

case(
    "active_directory_csvde_export",
    "\n".join(
        [
            "DN,objectClass,cn,sn,givenName,mail,telephoneNumber,mobile,sAMAccountName",
            f'"CN={K0.first} {K0.last},OU=Users,DC=clinique,DC=local",user,{K0.first} {K0.last},{K0.last},{K0.first},{K0.email},+33 1 46 05 12 34,{K0.mobile},lgirard',
            f'"CN={K3.first} {K3.last},OU=Users,DC=clinique,DC=local",user,{K3.first} {K3.last},{K3.last},{K3.first},{K3.email},+33 1 46 05 12 35,{K3.mobile},nblanc',
            f'"CN={K8.first} {K8.last},OU=Users,DC=clinique,DC=local",user,{K8.first} {K8.last},{K8.last},{K8.first},{K8.email},+33 1 46 05 12 36,{K8.mobile},zfontaine',
        ]
    ),
    many(K0, K3, K8, fields="email mobile")
    | {("phone", "+33146051234"), ("phone", "+33146051235"), ("phone", "+33146051236")},
)

case(
    "pandas_to_json_orient_split",
    json.dumps(
        {
            "columns": ["nom", "email", "telephone", "date_naissance", "nir"],
            "index": [0, 1, 2],
            "data": [[p.last, p.email, p.nat0, p.dob, p.nir] for p in (K2, K5, K10)],
        },
        ensure_ascii=False,
    ),
    many(K2, K5, K10),
)

case(
    "json_french_camel_keys",
    json.dumps(
        [
            {
                "nomFamille": p.last,
                "adresseMail": p.email,
                "numeroTelephone": p.nat0,
                "dateDeNaissance": fr(p),
                "numeroSecuriteSociale": p.nir,
            }
            for p in (K4, K6, K8)
        ],
        ensure_ascii=False,
    ),
    many(K4, K6, K8),
)

case(
    "crm_sheet_label_line_value_line",
    "\n".join(
        line
        for p in (K7, K9)
        for line in (
            "FICHE CLIENT",
            "Nom",
            f"{p.last.upper()} {p.first}",
            "Date de naissance",
            fr(p),
            "Email",
            p.email,
            "Téléphone mobile",
            p.nat,
            "N° de sécurité sociale",
            spaced_nir(p.nir),
            "",
        )
    ),
    many(K7, K9),
)

case(
    "excel_csv_title_rows_before_header",
    "\n".join(
        [
            "Export des patients;;;;",
            "Généré le 04/12/2026 par admin;;;;",
            ";;;;",
            "Nom;Prénom;Date de naissance;Téléphone;Email",
        ]
        + [f"{p.last};{p.first};{fr(p)};{p.nat};{p.email}" for p in (K1, K3, K11)]
        + [";;;;", "Total : 3 patients;;;;"]
    ),
    many(K1, K3, K11, fields="email mobile dob"),
)

case(
    "csv_iso_timestamp_dob_columns",
    "id,email,phone,birth_date,created_at\n"
    + "\n".join(
        f"{n},{p.email},{p.mobile},{p.dob}T00:00:00.000Z,2025-0{n}-11T08:12:55.000Z"
        for n, p in enumerate((K0, K6, K9), start=1)
    ),
    many(K0, K6, K9, fields="email mobile dob"),
)


def _zip_with_gz_sql() -> bytes:
    import gzip
    import io
    import zipfile

    sql = (
        "INSERT INTO `clients` (`nom`, `email`, `tel`, `naissance`) VALUES "
        + ",".join(f"('{p.last}','{p.email}','{p.nat0}','{p.dob}')" for p in (K2, K4, K8))
        + ";\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("backup/clients_2026-12-01.sql.gz", gzip.compress(sql.encode(), mtime=0))
        z.writestr("backup/README.txt", "backup nightly\n")
    return buf.getvalue()


case(
    "zip_holding_sql_gz",
    _zip_with_gz_sql(),
    many(K2, K4, K8, fields="email mobile dob"),
    filename="backup_clinique.zip",
)


def _xlsx_title_rows() -> bytes:
    import datetime
    import io

    import openpyxl  # type: ignore[import-untyped]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Licenciés 2026"
    ws.append(["Club de football de Quimper — licenciés saison 2026/2027"])
    ws.append([])
    ws.append(
        [
            "N° licence",
            "Nom",
            "Prénom",
            "Né(e) le",
            "Catégorie",
            "Responsable légal",
            "Tél. responsable",
            "Email responsable",
        ]
    )
    kids = (
        ("Le Goff", "Maël", datetime.date(2014, 3, 9), K11),
        ("Le Goff", "Enora", datetime.date(2016, 11, 21), K11),
        ("Blanc", "Inès", datetime.date(2012, 6, 2), K3),
    )
    for n, (last, first, born, parent) in enumerate(kids, start=1):
        ws.append([f"25{n:06d}", last, first, born, "U12", f"{parent.first} {parent.last}", parent.nat, parent.email])
    ws.merge_cells("A1:H1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


case(
    "xlsx_club_minors_title_rows",
    _xlsx_title_rows(),
    many(K11, K3, fields="email mobile") | {("dob", "2014-03-09"), ("dob", "2016-11-21"), ("dob", "2012-06-02")},
    filename="licencies_2026.xlsx",
)


def _ods_members() -> bytes:
    import io

    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P as TP  # type: ignore[import-untyped]

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Adhérents")
    for values in [["Nom", "Prénom", "Courriel", "Téléphone", "Date de naissance"]] + [
        [p.last, p.first, p.email, p.nat, fr(p)] for p in (K5, K6, K7)
    ]:
        tr = TableRow()
        for v in values:
            cell = TableCell(valuetype="string")
            cell.addElement(TP(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


case("ods_association_members", _ods_members(), many(K5, K6, K7, fields="email mobile dob"), filename="adherents.ods")


def _tar_gz_csv() -> bytes:
    import io
    import tarfile

    data = (
        "email,phone,dob,iban\n" + "".join(f"{p.email},{p.mobile},{p.dob},{p.iban}\n" for p in (K8, K9, K10))
    ).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("export/customers.csv")
        info.size = len(data)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


case("tar_gz_customers_csv", _tar_gz_csv(), many(K8, K9, K10, fields="email mobile dob iban"), filename="dump.tar.gz")

case(
    "pronote_like_pupils_export",
    "\n".join(
        [
            "Élève;Né(e) le;Classe;Responsable 1;Tél. portable resp. 1;Courriel resp. 1;Régime",
            f"LE GOFF Maël;09/03/2014;6A;{K11.last.upper()} {K11.first};{K11.nat};{K11.email};Demi-pensionnaire",
            f"BLANC Inès;02/06/2012;4C;{K3.last.upper()} {K3.first};{K3.nat};{K3.email};Externe",
            f"DIALLO Moussa;17/01/2013;5B;{K10.last.upper()} {K10.first};{K10.nat};{K10.email};Demi-pensionnaire",
        ]
    ),
    many(K11, K3, K10, fields="email mobile") | {("dob", "2014-03-09"), ("dob", "2012-06-02"), ("dob", "2013-01-17")},
)

# ---------------------------------------------------------------- French-speaking neighbours: national numbers read in their country


def ph(national: str, region: str) -> tuple[str, str]:
    num = phonenumbers.parse(national, region)
    assert phonenumbers.is_valid_number(num), (national, region)
    return ("phone", phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))


case(
    "morocco_customers_national_phones",
    "nom;ville;email;tel\nBennani;Casablanca;y.bennani@menara.ma;0661234567\nAlaoui;Rabat;s.alaoui@gmail.com;0662345678\nTazi;Fès;k.tazi@iam.ma;0522123456\nIdrissi;Marrakech;a.idrissi@menara.ma;0700112233",
    {
        ("email", "y.bennani@menara.ma"),
        ("email", "s.alaoui@gmail.com"),
        ("email", "salaoui@gmail.com"),
        ("email", "k.tazi@iam.ma"),
        ("email", "a.idrissi@menara.ma"),
    }
    | {ph(n, "MA") for n in ("0661234567", "0662345678", "0522123456", "0700112233")},
)
case(
    "algeria_customers_national_phones",
    "nom;wilaya;email;tel\nBelkacem;Alger;m.belkacem@djaweb.dz;0551234567\nHamidi;Oran;s.hamidi@djaweb.dz;0661234567\nMansouri;Constantine;r.mansouri@djaweb.dz;0771234567",
    {("email", "m.belkacem@djaweb.dz"), ("email", "s.hamidi@djaweb.dz"), ("email", "r.mansouri@djaweb.dz")}
    | {ph(n, "DZ") for n in ("0551234567", "0661234567", "0771234567")},
)
case(
    "belgium_gsm_column",
    "nom;commune;email;gsm\nPeeters;Liège;j.peeters@skynet.be;0470 12 34 56\nJanssens;Namur;m.janssens@telenet.be;0485 23 45 67\nMaes;Bruxelles;l.maes@proximus.be;0499 87 65 43",
    {("email", "j.peeters@skynet.be"), ("email", "m.janssens@telenet.be"), ("email", "l.maes@proximus.be")}
    | {ph(n, "BE") for n in ("0470123456", "0485234567", "0499876543")},
)
case(
    "tunisia_eight_digit_phones",
    "nom;ville;email;tel\nBen Salah;Tunis;a.bensalah@topnet.tn;22 123 456\nTrabelsi;Sfax;m.trabelsi@topnet.tn;98 765 432\nJebali;Sousse;s.jebali@planet.tn;55 111 222",
    {("email", "a.bensalah@topnet.tn"), ("email", "m.trabelsi@topnet.tn"), ("email", "s.jebali@planet.tn")}
    | {ph(n, "TN") for n in ("22123456", "98765432", "55111222")},
)
case(
    "quebec_nanp_phones",
    "nom;ville;courriel;tel\nTremblay;Montréal;j.tremblay@videotron.ca;(514) 872-3456\nGagnon;Québec;m.gagnon@sympatico.ca;418-641-2345\nRoy;Laval;l.roy@videotron.ca;450 327 1234",
    {("email", "j.tremblay@videotron.ca"), ("email", "m.gagnon@sympatico.ca"), ("email", "l.roy@videotron.ca")}
    | {ph(n, "CA") for n in ("5148723456", "4186412345", "4503271234")},
)

case(
    "sql_doubled_quote_in_email",
    "INSERT INTO users (name, email, phone) VALUES ('Sean O''Connor', 'sean.o''connor@eircom.net', '+353 87 123 4567'), ('Mary Byrne', 'mary.byrne@gmail.com', '+353 86 234 5678'), ('John Murphy', 'j_murphy@yahoo.ie', '+353 85 345 6789');",
    {("email", "sean.o'connor@eircom.net"), ("email", "j_murphy@yahoo.ie")}
    | gmail("mary.byrne@gmail.com")
    | {ph(n, "IE") for n in ("0871234567", "0862345678", "0853456789")},
)
case(
    "unicode_local_part_emails",
    "nom;email;tel\nDupont;jean-françois.dupont@exemple.fr;0611223344\nMüller;jürgen.müller@web.de;0622334455\nAndré;andré.roux@free.fr;0633445566",
    {("email", "jean-françois.dupont@exemple.fr"), ("email", "jürgen.müller@web.de"), ("email", "andré.roux@free.fr")}
    | {ph(n, "FR") for n in ("0611223344", "0622334455", "0633445566")},
)

case(
    "ulp_space_separated",
    "\n".join(f"https://www.laposte.fr/ {p.email} Pass{i}!" for i, p in enumerate((K1, K2, K3, K4))),
    many(K1, K2, K3, K4, fields="email"),
    recall_only={("credential", f"{p.email}:Pass{i}!") for i, p in enumerate((K1, K2, K3, K4))},
)
case(
    "ulp_android_app_urls",
    "\n".join(f"android://Z3J8dW1L7hJ@com.doctolib.android/:{p.email}:Pass{i}!" for i, p in enumerate((K5, K6, K7))),
    many(K5, K6, K7, fields="email"),
    recall_only={("credential", f"{p.email}:Pass{i}!") for i, p in enumerate((K5, K6, K7))},
)

# ---------------------------------------------------------------- form builders' exports

case(
    "typeform_responses_json",
    json.dumps(
        {
            "items": [
                {
                    "token": f"t{n}",
                    "submitted_at": "2026-11-30T10:00:00Z",
                    "answers": [
                        {"field": {"id": "a1", "type": "email", "ref": "email"}, "type": "email", "email": p.email},
                        {
                            "field": {"id": "a2", "type": "phone_number", "ref": "tel"},
                            "type": "phone_number",
                            "phone_number": p.mobile,
                        },
                        {"field": {"id": "a3", "type": "date", "ref": "naissance"}, "type": "date", "date": p.dob},
                        {
                            "field": {"id": "a4", "type": "long_text", "ref": "sante"},
                            "type": "text",
                            "text": "Oui, diabète de type 1" if n == 0 else "Non",
                        },
                    ],
                }
                for n, p in enumerate((K1, K2, K3))
            ]
        },
        ensure_ascii=False,
    ),
    many(K1, K2, K3, fields="email mobile dob"),
    ["health"],
)
case(
    "google_forms_csv_questions_as_headers",
    "\n".join(
        [
            '"Horodateur","Adresse e-mail","Quel est votre nom complet ?","Quel est votre numéro de téléphone ?","Votre date de naissance","Avez-vous une maladie chronique ?"'
        ]
        + [
            f'"2026/11/30 10:0{n}:00 UTC+1","{p.email}","{p.first} {p.last}","{p.nat}","{fr(p)}","{"Oui - asthme sévère" if n == 0 else "Non"}"'
            for n, p in enumerate((K4, K5, K6))
        ]
    ),
    many(K4, K5, K6, fields="email mobile dob"),
    ["health"],
)
case(
    "keycloak_users_name_value_attributes",
    json.dumps(
        [
            {
                "username": p.email,
                "attributes": [{"name": "phone", "value": p.nat0}, {"name": "birthdate", "value": p.dob}],
            }
            for p in (K7, K8, K9)
        ]
    ),
    many(K7, K8, K9, fields="email mobile dob"),
)

# ---------------------------------------------------------------- registries, telecom and bank records

case(
    "whois_registrant_records",
    "\n\n".join(
        f"Domain Name: {_ascii(p.last)}-immo.fr\nRegistrant Name: {p.first} {p.last}\nRegistrant Street: 3 rue Hoche\nRegistrant City: Paris\nRegistrant Phone: +33.{p.mobile[3:]}\nRegistrant Email: {p.email}"
        for p in (K1, K2, K3)
    ),
    many(K1, K2, K3, fields="email mobile"),
)
case(
    "sip_cdr_log",
    "\n".join(
        f'2026-12-04 21:1{i}:03 INVITE sip:+33{callee.mobile[3:]}@voip.example.fr From: "{caller.first} {caller.last}" <sip:{caller.mobile}@voip.example.fr>;tag=a{i} duration={30 + i}s'
        for i, (caller, callee) in enumerate(((K0, K4), (K1, K5), (K2, K6)))
    ),
    many(K0, K1, K2, K4, K5, K6, fields="mobile"),
)
case(
    "bank_statement_iban_in_label",
    "Date;Libellé;Débit;Crédit\n"
    + "\n".join(
        f"0{i + 1}/12/2026;VIR SEPA RECU /DE M. {p.first.upper()} {p.last.upper()} /IBAN {p.iban} /MOTIF LOYER DEC;;850,00"
        for i, p in enumerate((K4, K5, K6))
    ),
    many(K4, K5, K6, fields="iban"),
)
case(
    "payslip_text",
    "\n".join(
        [
            "BULLETIN DE PAIE — Décembre 2026",
            "Employeur : SAS Exemple — SIRET 732 829 320 00074",
            f"Salarié : M. {K1.first.upper()} {K1.last.upper()}",
            f"N° de sécurité sociale : {spaced_nir(K1.nir)}",
            "Emploi : Technicien — Coefficient 240",
            f"Date de naissance : {fr(K1)}",
            f"IBAN : {grouped(K1.iban)}",
            "Salaire de base 2 480,00",
        ]
    ),
    many(K1, fields="nir dob iban"),
    maybe={("siret", "73282932000074")},
)

# ---------------------------------------------------------------- ransomware proof: identifiers in file names

case(
    "dir_listing_nir_in_file_names",
    "\n".join(
        [r"Directory of \\FS01\RH\Salaries", ""]
        + [
            f"04/12/2026  10:1{i} AM        {120000 + i * 777:>10} {p.last.upper()} {p.first} - {p.nir} - {kind}.pdf"
            for i, (p, kind) in enumerate(
                ((K1, "arret maladie"), (K5, "contrat CDI"), (K6, "attestation mutuelle"), (K8, "visite medicale"))
            )
        ]
        + ["               4 File(s)        512,345 bytes"]
    ),
    many(K1, K5, K6, K8, fields="nir"),
    ["health"],
)
case(
    "tree_listing_underscored_file_names",
    "\n".join(
        ["RH/", "├── Salaries/"]
        + [f"│   ├── {p.last.upper()}_{p.first}_{p.dob}_RIB_{p.iban}.pdf" for p in (K2, K3, K4)]
        + ["└── Paie/"]
    ),
    many(K2, K3, K4, fields="dob iban"),
)

# ---------------------------------------------------------------- stealer layouts swept (13 layouts; these three fail)

_SITES = ("https://www.ameli.fr/", "https://www.impots.gouv.fr/", "https://www.doctolib.fr/")
case(
    "stealer_russian_labels",
    "\n".join(
        f"Сайт: {u}\nЛогин: {p.email}\nПароль: Pw{i}x!\n"
        for i, (u, p) in enumerate(zip(_SITES, (K1, K2, K3), strict=True))
    ),
    many(K1, K2, K3, fields="email"),
    recall_only={("credential", f"{p.email}:Pw{i}x!") for i, p in enumerate((K1, K2, K3))},
)
case(
    "stealer_emoji_labels",
    "\n".join(f"🌐 {u}\n👤 {p.email}\n🔑 Pw{i}x!\n" for i, (u, p) in enumerate(zip(_SITES, (K4, K5, K6), strict=True))),
    many(K4, K5, K6, fields="email"),
    recall_only={("credential", f"{p.email}:Pw{i}x!") for i, p in enumerate((K4, K5, K6))},
)
case(
    "ulp_tab_separated",
    "\n".join(f"{u}\t{p.email}\tPw{i}x!" for i, (u, p) in enumerate(zip(_SITES, (K7, K8, K9), strict=True))),
    many(K7, K8, K9, fields="email"),
    recall_only={("credential", f"{p.email}:Pw{i}x!") for i, p in enumerate((K7, K8, K9))},
)
case(
    "dob_headers_dn_and_birth",
    "nom;prenom;DN;ville\n"
    + "\n".join(f"{p.last};{p.first};{fr(p)};Paris" for p in (K1, K2, K3))
    + "\n\n\nname,birth,city\n"
    + "\n".join(f"{p.last},{p.dob},Lyon" for p in (K4, K5, K6)),
    many(K1, K2, K3, K4, K5, K6, fields="dob"),
)

# ---------------------------------------------------------------- JSON written in other ways (14 swept; these fail)

_OBJS = [{"email": p.email, "phone": p.nat0, "birthdate": p.dob} for p in (K0, K1, K2, K3, K4, K5)]
_OBJ_IDS = many(K0, K1, K2, K3, K4, K5, fields="email mobile dob")
case("json_objects_concatenated_no_newline", "".join(json.dumps(o) for o in _OBJS), _OBJ_IDS)
case(
    "json_array_with_line_comments",
    "// export users\n[\n" + ",\n".join(json.dumps(o) + " // ok" for o in _OBJS) + "\n]",
    _OBJ_IDS,
)
case(
    "json_payload_column_in_sql",
    "INSERT INTO events (id, payload) VALUES "
    + ",".join(f"({i}, '{json.dumps(o)}')" for i, o in enumerate(_OBJS))
    + ";",
    _OBJ_IDS,
)
case(
    "yaml_flow_mappings",
    "\n".join(f"- {{email: {o['email']}, phone: '{o['phone']}', birthdate: {o['birthdate']}}}" for o in _OBJS),
    _OBJ_IDS,
)

# ---------------------------------------------------------------- XML exports (7 swept; these fail)

_X4 = (K0, K1, K2, K3)
case(
    "xml_cdata_values",
    "<clients>"
    + "".join(
        f"<client><email><![CDATA[{p.email}]]></email><tel><![CDATA[{p.nat0}]]></tel><naissance><![CDATA[{fr(p)}]]></naissance></client>"
        for p in _X4
    )
    + "</clients>",
    many(*_X4, fields="email mobile dob"),
)
case(
    "mysqldump_xml_field_name",
    '<?xml version="1.0"?>\n<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<database name="shop">\n<table_data name="clients">'
    + "".join(
        f'\n\t<row>\n\t\t<field name="email">{p.email}</field>\n\t\t<field name="tel">{p.nat0}</field>\n\t\t<field name="naissance">{p.dob}</field>\n\t</row>'
        for p in _X4
    )
    + "\n</table_data>\n</database>\n</mysqldump>",
    many(*_X4, fields="email mobile dob"),
)
case(
    "apple_plist_contacts",
    '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><array>'
    + "".join(
        f"<dict><key>email</key><string>{p.email}</string><key>tel</key><string>{p.nat0}</string><key>birthday</key><date>{p.dob}T00:00:00Z</date></dict>"
        for p in _X4
    )
    + "</array></plist>",
    many(*_X4, fields="email mobile dob"),
)

# ---------------------------------------------------------------- legacy encodings (10 swept; these lose the dates of birth)

_LEGACY = "".join(
    line + "\r\n"
    for line in ["Nom;Prénom;Né le;Adresse électronique;Téléphone"]
    + [f"{p.last};{p.first};{fr(p)};{p.email};{p.nat}" for p in (K4, K7, K8)]
)
case("csv_cp850_dos_bytes", _LEGACY.encode("cp850"), many(K4, K7, K8, fields="email mobile dob"))
case("csv_mac_roman_bytes", _LEGACY.encode("mac_roman"), many(K4, K7, K8, fields="email mobile dob"))

# ---------------------------------------------------------------- colon-separated records (22 delimiters swept; ':' fails)

_C6 = (K0, K1, K2, K3, K4, K5)
case(
    "colon_rows_name_first",
    "\n".join(f"{p.last}:{p.first}:{fr(p)}:{p.email}:{p.nat0}:{p.nir}" for p in _C6),
    many(*_C6),
)
case(
    "colon_rows_email_name_dob_phone",
    "\n".join(f"{p.email}:{p.last}:{p.first}:{fr(p)}:{p.nat0}" for p in _C6),
    many(*_C6, fields="email mobile dob"),
)
case(
    "colon_combo_with_phone",
    "\n".join(f"{p.email}:Pw{i}x!:{p.nat0}" for i, p in enumerate(_C6)),
    many(*_C6, fields="email mobile"),
    recall_only={("credential", f"{K1.email}:Pw1x!")},
)

# ---------------------------------------------------------------- negatives: a seller's masked sample and format lines

negative(
    "masked_sample_in_sale_post",
    "\n".join(
        [
            "[SELLING] FR e-commerce 2026 — 1.2M lines — fresh",
            "Format: email:password:phone:dob:address",
            "Sample (masked):",
            "j****.d****@g****.com:********:06 ** ** ** 78:**/**/1984:** rue ******, 75***",
            "m****@o****.fr:********:07 ** ** ** 12:**/**/1991:** avenue *****, 69***",
            "Price 400$ XMR, escrow ok. Contact tox: 7F9C3A...",
        ]
    ),
)
negative(
    "format_description_only",
    "Columns: id | civilite | nom | prenom | date_naissance | email | telephone | iban | nir\nRows: 843 211\nEncoding: UTF-8, separator ';'\nDates: JJ/MM/AAAA",
)
negative(
    "redacted_dox_template",
    "NAME: [REDACTED]\nDOB: XX/XX/XXXX\nPHONE: 06 XX XX XX XX\nEMAIL: xxxx@xxxx.fr\nIBAN: FR76 XXXX XXXX XXXX XXXX XXXX XXX\nNIR: X XX XX XX XXX XXX XX",
)
negative(
    "masked_bank_preview",
    "nom;carte;iban;nir\nGirard;4532 01** **** 2817;FR76 **** **** **** **** **** 055;2 86 04 92 *** *** **\nFaure;5355 22** **** 1221;FR76 1011 **** **** **** **** 362;1 58 10 38 *** *** **\nMercier;4175 00** **** 9634;FR76 **** **** **** **** **** 669;2 79 01 2B *** *** **",
)
negative(
    "masked_emails_last4_preview",
    "card_last4;exp;email_masked\n**** **** **** 2817;09/28;l***@gmail.com\n**** **** **** 1221;11/27;m***@laposte.net\n**** **** **** 9634;03/29;c***@orange.fr",
)
negative(
    "dev_fixture_reserved_domains",
    "id,email,role\n1,alice@example.com,admin\n2,bob@example.org,user\n3,carol@test.invalid,user\n4,dave@app.localhost,user\n5,eve@example.net,user\n6,frank@demo.test,user",
)

# Found on both engines alike (2026-12-05, wave 24); one reason each, as seen from outside.
MISSED: dict[str, str] = {
    "colon_combo_with_phone": "`email:password:phone` rows: the phones lost",
    "csv_cp850_dos_bytes": "a DOS (cp850) CSV with `Né le` header: no dob (UTF-8/16/32, cp1252, ISO-8859-15, EBCDIC read whole)",
    "csv_mac_roman_bytes": "a Mac Roman CSV with `Né le` header: no dob",
    "xml_cdata_values": "XML values wrapped in <![CDATA[…]]>: nothing",
    "mysqldump_xml_field_name": 'mysqldump --xml `<field name="naissance">1986-04-23</field>`: no dob',
    "apple_plist_contacts": "a plist of <dict><key>email</key><string>…</string>…: nothing",
    "json_array_with_line_comments": "a JSON array whose lines end in `// ok` comments: e-mails only",
    "json_payload_column_in_sql": "JSON in an INSERT's payload column: no dob (`birthdate` key inside)",
    "stealer_emoji_labels": "stealer blocks labelled `🌐/👤/🔑`: nothing",
    "ulp_tab_separated": "`URL<TAB>email<TAB>password` lines: e-mails, no credential",
    "tree_listing_underscored_file_names": "`MERCIER_Camille_1979-01-31_RIB_FR76….pdf` file names in a tree listing: no dob, no IBAN",
    "whois_registrant_records": "WHOIS `Registrant Phone: +33.612345678` / `Registrant Email: x`: nothing (with or without blank lines)",
    "sip_cdr_log": "phones in SIP URIs `<sip:+33608407038@voip...>` of a CDR log: nothing",
    "bank_statement_iban_in_label": "IBANs inside a bank statement's label `VIR SEPA RECU /DE M. X /IBAN FR76...`: missed",
    "dev_fixture_reserved_domains": "negative: RFC 2606/6761 reserved domains (example.com, .test, .invalid, .localhost) read as e-mails",
    "typeform_responses_json": "Typeform answers `{field: {ref: naissance}, type: date, date: ISO}`: no dob",
    "keycloak_users_name_value_attributes": "`attributes: [{name: birthdate, value: ISO}]`: no dob",
    "unicode_local_part_emails": "accented local parts (SMTPUTF8) missed, and `andré.roux@free.fr` gives a false `roux@free.fr`",
    "pronote_like_pupils_export": "phones under `Tél. portable resp. 1`: missed",
    "dsn_payroll_declaration": "DSN payroll lines (`S21.G00.30.001,'<NIR body>'`, .006 ddmmyyyy, .018 e-mail): nothing",
    "pandas_to_json_orient_split": '{"columns": [...], "data": [[...], ...]}: nothing',
    "excel_2003_spreadsheetml": 'SpreadsheetML `<Data ss:Type="DateTime">1967-08-27T00:00:00.000</Data>` under Naissance: no dob',
    "crm_sheet_label_line_value_line": "a label on one line, its value on the next (PDF/CRM sheet): nothing",
    "pg_dump_inserts_no_column_list": "ISO dates in an INSERT without a column list: no dob (the NIR beside each agrees with it)",
    "mongosh_find_pretty_unquoted_keys": "mongosh output (unquoted keys, single quotes, ObjectId/ISODate): nothing",
    "mainframe_fixed_width_padded_no_header": "the row whose name holds a space (LE GOFF) is lost",
    "gedcom_living_people": "GEDCOM (EMAIL, PHON, BIRT/DATE 23 APR 1986): nothing",
    "vitale_card_ocr_text": "a spaced NIR alone on a line under a name: no NIR",
    "woocommerce_orders_rest_json": "meta_data {key: _billing_birth_date, value: dd/mm/yyyy}: no dob",
    "discord_chat_exporter_csv": "a quoted CSV cell holding three `email:phone:dob` lines: nothing",
    "stealer_redline_passwords_block": "logins that are a phone or an ameli NIR body: neither found",
    "stealer_raccoon_upper_labels": "`USER:06...` login: no phone",
    "php_print_r_array": "PHP print_r (`[email] => x`): nothing",
    "php_var_dump": 'PHP var_dump (`["email"]=>` then `string(n) "x"`): nothing',
    "java_tostring_log_lines": "`User{..., birthDate=1991-12-09, ...}` in log lines: no dob",
    "rails_console_inspect": '`#<User id: 1, email: "x", ...>` on one line: nothing',
    "python_list_of_tuples": "a list of tuples with datetime.date(...) on one line: nothing",
    "chrome_passwords_csv": "usernames that are a phone or an ameli NIR body: neither found",
    "csv_no_header_quoted_crlf_english_dates": '`"1 September 1955"` in a headerless CSV: no dob',
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.57, "precision": 0.95, "art9_recall": 0.75}))


def test_detect_many_equals_detect() -> None:
    """A crawl detects a page's posts with `detect_many` (one Hyperscan scan, a gate before the engine):
    on every text case and negative of sets 4, 4b and 4c it must give what `detect` gives, or the
    crawl loses what `vigie scan` finds (bytes too: a crawl hands bytes over)."""
    import importlib

    from indexer.detect.prefilter import detect_many
    from indexer.detect.spaced import spaced_among

    items: list[str | bytes] = []
    for suffix in ("4", "4b", "4c"):
        probe = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}").SET
        items += [c.data for c in probe.cases.values() if c.filename is None] + list(probe.negatives.values())
    assert len(items) > 250
    assert spaced_among(items)  # (rows a blank line apart among them: the core's scan sends them on)
    for batch in (items, [i.encode() if isinstance(i, str) else i for i in items]):
        got = detect_many(batch, key=KEY)
        for i, (item, frags) in enumerate(zip(batch, got, strict=True)):
            assert frags == detect(item, key=KEY), (i, str(item)[:80])


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("4b", "4c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
