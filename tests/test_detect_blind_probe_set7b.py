# ruff: noqa: E501, E741  (a tool's line is kept whole, as it prints it)
"""Blind probe, set 7b: the medical breach's people as data stores, chats, contacts and scans print them.

Written apart from the detector (wave 28, helper H) from README.md, the docs and the public API. Recall:
Redis (MONITOR, redis-cli HGETALL), SQLite `.mode line`, psql's aligned table, cqlsh, MongoDB canonical
extended JSON and mongoexport CSV, elasticdump and Kibana CSV, DynamoDB JSON, CouchDB, WordPress's
usermeta (one value a row), ldapsearch with base64 values, a MIME mail whose CSV body is base64, vCard 3/4
with birthdays and notes, Slack's and Messenger's exports, a browser HAR, Go's `%+v`, protobuf text,
.NET `/Date()/`, Java properties, INI, YAML, Zendesk/Mailchimp/Stripe CSVs, Arabic and Hebrew names,
a dump mixing Swiss, Luxembourg, Portuguese, Monaco and Austrian customers, hospital patient labels and OCR'd
forms. Precision: the same tools' output about machines (Redis INFO, cluster health, schemas, configs),
a Slack dev channel, a company's vCard. `python -m tests.test_detect_blind_probe_set7` prints this set too.
"""

from __future__ import annotations

import base64
import datetime
import json

from tests.blind_probe_harness import Probe, e164, fr_date, fr_spaced, iban, make_tests, spaced_nir
from tests.test_detect_blind_probe_set7 import PEOPLE, P, _digits, ids

__all__ = ["SET"]

SET = Probe("7b")
case = SET.case
neg = SET.negative


def _sl(a: int, n: int) -> list[P]:
    return [PEOPLE[(a + 5 + k * 3) % 40] for k in range(n)]  # another walk than set 7's


def _compact(e: str) -> str:
    return "0" + e[3:]


def _epoch_ms(iso: str) -> int:
    d = datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.UTC)
    return int(d.timestamp() * 1000)


# ================================================================ key-value stores and databases as they print

_s = _sl(0, 4)
case(
    "redis_monitor_hset",
    "OK\n"
    + "\n".join(
        f'{1710498153 + k}.{412345 + k * 17} [0 127.0.0.1:52344] "HSET" "patient:{10452 + k}" "nom" "{p.last}" "prenom" "{p.first}" "email" "{p.email}" "tel" "{_compact(p.mobile)}" "ddn" "{p.dob}"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = _sl(1, 3)
case(
    "redis_cli_hgetall",
    "\n".join(
        f"127.0.0.1:6379> HGETALL user:{2001 + k}\n"
        + "\n".join(
            f'{j * 2 + 1:>2}) "{a}"\n{j * 2 + 2:>2}) "{b}"'
            for j, (a, b) in enumerate(
                [
                    ("name", f"{p.first} {p.last}"),
                    ("email", p.email),
                    ("phone", p.mobile),
                    ("birthdate", p.dob),
                    ("nir", p.nir),
                ]
            )
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "epdn"),
)
_s = _sl(2, 3)
case(
    "sqlite_mode_line",
    "sqlite> .mode line\nsqlite> SELECT * FROM patients LIMIT 3;\n"
    + "\n\n".join(
        f"           id = {301 + k}\n          nom = {p.last}\n       prenom = {p.first}\ndate_naissance = {p.dob}\n          nir = {p.nir}\n    telephone = {fr_spaced(p.mobile)}\n        notes = {n}"
        for k, (p, n) in enumerate(zip(_s, ["VIH+ sous trithérapie", "RAS", "schizophrénie, suivi CMP"], strict=True))
    ),
    ids(_s, "dnp"),
    ["health"],
)
_s = _sl(3, 4)
case(
    "psql_aligned_default",
    "cabinet=# SELECT nom, prenom, ddn, email, portable FROM patient WHERE ald;\n"
    "    nom     |  prenom   |    ddn     |              email               |    portable\n"
    "------------+-----------+------------+----------------------------------+----------------\n"
    + "\n".join(f" {p.last:<10} | {p.first:<9} | {p.dob} | {p.email:<32} | {p.mobile}" for p in _s)
    + f"\n({len(_s)} rows)\n",
    ids(_s, "dep"),
)
_s = _sl(4, 3)
case(
    "cqlsh_select",
    "cqlsh:crm> SELECT * FROM customers;\n\n"
    " customer_id                          | birth_date | email                         | phone\n"
    "--------------------------------------+------------+-------------------------------+--------------\n"
    + "\n".join(
        f" 5f{_digits(k, 'uuid', 6)}-1c2d-4e5f-8a9b-0c1d2e3f4a5b | {p.dob} | {p.email:<29} | {p.mobile}"
        for k, p in enumerate(_s)
    )
    + f"\n\n({len(_s)} rows)",
    ids(_s, "dep"),
)
_s = _sl(5, 3)
case(
    "mongo_canonical_extended_json",
    "\n".join(
        json.dumps(
            {
                "_id": {"$oid": f"65f3{_digits(k, 'oid', 20)}"},
                "email": p.email,
                "tel": p.mobile,
                "birthDate": {"$date": {"$numberLong": str(_epoch_ms(p.dob))}},
                "visits": {"$numberInt": str(3 + k)},
            }
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = _sl(6, 4)
case(
    "mongoexport_csv_dotted_headers",
    "_id,profile.lastName,profile.firstName,profile.email,profile.mobile,profile.birthDate,medical.notes\n"
    + "\n".join(
        f'ObjectId(65f3{_digits(k, "oid2", 20)}),{p.last},{p.first},{p.email},{p.mobile},{p.dob}T00:00:00.000Z,"{n}"'
        for k, (p, n) in enumerate(zip(_s, ["ALD 8 diabète", "", "sous PrEP", "séropositif VIH"], strict=True))
    ),
    ids(_s, "epd"),
    ["health"],
)
_s = _sl(7, 3)
case(
    "elasticdump_ndjson",
    "\n".join(
        json.dumps(
            {
                "_index": "patients-2024",
                "_type": "_doc",
                "_id": f"{10452 + k}",
                "_score": 1,
                "_source": {
                    "nom": p.last,
                    "prenom": p.first,
                    "email": p.email,
                    "telephone": fr_spaced(p.mobile),
                    "naissance": fr_date(p.dob),
                    "nir": p.nir,
                },
            },
            ensure_ascii=False,
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "epdn"),
)
_s = _sl(8, 4)
case(
    "kibana_csv_export",
    '"@timestamp","user.email","user.phone","user.birthday","event.action"\n'
    + "\n".join(
        f'"Mar {15 + k}, 2024 @ 10:2{k}:33.000","{p.email}","{p.mobile}","{fr_date(p.dob)}","login"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = _sl(9, 3)
case(
    "dynamodb_scan_json",
    json.dumps(
        {
            "Items": [
                {
                    "pk": {"S": f"USER#{k}"},
                    "email": {"S": p.email},
                    "phone": {"S": p.mobile},
                    "dob": {"S": p.dob},
                    "iban": {"S": p.iban},
                    "age": {"N": str(40 + k)},
                }
                for k, p in enumerate(_s)
            ],
            "Count": 3,
            "ScannedCount": 3,
        },
        indent=2,
    ),
    ids(_s, "epdi"),
)
_s = _sl(10, 3)
case(
    "couchdb_all_docs",
    json.dumps(
        {
            "total_rows": 3,
            "offset": 0,
            "rows": [
                {
                    "id": f"pat-{k}",
                    "key": f"pat-{k}",
                    "value": {"rev": f"1-{_digits(k, 'rev', 8)}"},
                    "doc": {
                        "_id": f"pat-{k}",
                        "type": "patient",
                        "identite": {"nom": p.last, "prenom": p.first, "ddn": fr_date(p.dob), "nir": p.nir},
                        "contact": {"mail": p.email, "gsm": fr_spaced(p.mobile)},
                    },
                }
                for k, p in enumerate(_s)
            ],
        },
        ensure_ascii=False,
    ),
    ids(_s, "dnep"),
)
_s = _sl(11, 3)
case(
    "wordpress_usermeta_one_value_a_row",
    "INSERT INTO `wp_usermeta` (`umeta_id`, `user_id`, `meta_key`, `meta_value`) VALUES\n"
    + ",\n".join(
        f"({k * 10 + j}, {120 + k}, '{mk}', '{mv}')"
        for k, p in enumerate(_s)
        for j, (mk, mv) in enumerate(
            [
                ("first_name", p.first),
                ("last_name", p.last),
                ("billing_email", p.email),
                ("billing_phone", fr_spaced(p.mobile)),
                ("date_of_birth", p.dob),
                ("billing_address_1", p.street),
            ]
        )
    )
    + ";",
    ids(_s, "epd"),
)

# ================================================================ directories and mail

_s = _sl(12, 3)


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


case(
    "ldapsearch_base64_values",
    "# extended LDIF\n#\n# LDAPv3\n# base <ou=patients,dc=cabinet,dc=local> with scope subtree\n\n"
    + "\n\n".join(
        f"# {p.last}, patients, cabinet.local\ndn:: {_b64(f'cn={p.first} {p.last},ou=patients,dc=cabinet,dc=local')}\ncn:: {_b64(f'{p.first} {p.last}')}\nsn:: {_b64(p.last)}\nmail: {p.email}\nmobile: {fr_spaced(p.mobile)}\ndescription:: {_b64(d)}"
        for p, d in zip(_s, ["Né le " + fr_date(_s[0].dob), "patiente VIH+", "RAS"], strict=True)
    )
    + "\n\n# numResponses: 4\n# numEntries: 3",
    ids(_s, "ep") | {("dob", _s[0].dob)},
    ["health"],
)
_s = _sl(13, 4)
_csv = (
    "nom;prenom;naissance;email;portable\r\n"
    + "\r\n".join(f"{p.last};{p.first};{fr_date(p.dob)};{p.email};{fr_spaced(p.mobile)}" for p in _s)
    + "\r\n"
)
_b = base64.encodebytes(_csv.encode("cp1252")).decode()
case(
    "mime_mail_base64_csv_part",
    f"""From: secretariat@cabinet-exemple.fr
To: compta@cabinet-exemple.fr
Subject: =?UTF-8?B?{_b64("Liste patients à relancer")}?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1_8f2c"

--b1_8f2c
Content-Type: text/plain; charset=UTF-8

Ci-joint la liste.

--b1_8f2c
Content-Type: text/csv; charset=windows-1252; name="relances.csv"
Content-Disposition: attachment; filename="relances.csv"
Content-Transfer-Encoding: base64

{_b}
--b1_8f2c--
""",
    ids(_s, "dep"),
    maybe=[("email", "secretariat@cabinet-exemple.fr"), ("email", "compta@cabinet-exemple.fr")],
)
_s = _sl(14, 3)
case(
    "vcard3_bday_compact_and_note",
    "\r\n".join(
        line
        for k, p in enumerate(_s)
        for line in [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{p.last};{p.first};;;",
            f"FN:{p.first} {p.last}",
            f"TEL;TYPE=CELL:{fr_spaced(p.mobile)}",
            f"EMAIL;TYPE=INTERNET:{p.email}",
            f"BDAY:{p.dob.replace('-', '')}",
            f"NOTE:{['Patient VIH+, RDV tous les 3 mois', 'Asthme sévère', 'Diabète type 1'][k]}",
            "END:VCARD",
        ]
    ),
    ids(_s, "epd"),
    ["health"],
)
_s = _sl(15, 3)
case(
    "vcard4_note_religion_orientation",
    "\r\n".join(
        line
        for k, p in enumerate(_s)
        for line in [
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{p.first} {p.last}",
            f"TEL;VALUE=uri;TYPE=cell:tel:{p.mobile}",
            f"EMAIL;PREF=1:{p.email}",
            f"BDAY:--{p.dob[5:7]}{p.dob[8:]}" if k == 2 else f"BDAY:{p.dob}",
            f"NOTE:{['Pasteur évangélique, église de Montreuil', 'compagnon : Marc (couple gay)', 'Membre bureau CGT'][k]}",
            "END:VCARD",
        ]
    ),
    ids(_s, "ep") | ids(_s[:2], "d"),
    ["religion", "sexual_orientation", "trade_union"],
)

# ================================================================ chats

_s = _sl(16, 4)
case(
    "slack_export_mailto_tel",
    json.dumps(
        [
            {
                "type": "message",
                "user": "U05ABC123",
                "ts": f"17104981{k}3.000200",
                "text": f"{p.first} {p.last} — <mailto:{p.email}|{p.email}> — <tel:{p.mobile}|{fr_spaced(p.mobile)}> — née le {fr_date(p.dob)}",
            }
            for k, p in enumerate(_s)
        ]
        + [
            {
                "type": "message",
                "user": "U05XYZ789",
                "ts": "1710498199.000300",
                "text": "merci, je relance la mutuelle pour les 4",
            }
        ],
        ensure_ascii=False,
        indent=4,
    ),
    ids(_s, "epd"),
)
_s = _sl(17, 4)


def _mojibake(s: str) -> str:
    return s.encode("utf-8").decode("latin-1")


case(
    "messenger_json_mojibake",
    json.dumps(
        {
            "participants": [{"name": _mojibake("Hélène")}, {"name": "Vendeur"}],
            "messages": [
                {
                    "sender_name": "Vendeur",
                    "timestamp_ms": 1710498153000 + k,
                    "content": _mojibake(
                        f"{p.last} {p.first} | né le {fr_date(p.dob)} | {p.email} | {fr_spaced(p.mobile)} | sécu {p.nir}"
                    ),
                }
                for k, p in enumerate(_s)
            ],
        },
        indent=2,
    ),
    ids(_s, "depn"),
)
_s = _sl(18, 3)
case(
    "teams_chat_copy",
    "\n".join(
        f"[15/03/2024 10:{22 + k}] Secrétariat Cabinet\nPour info le dossier de {p.first} {p.last} ({fr_date(p.dob)}) : tél {fr_spaced(p.mobile)}, sécu {spaced_nir(p.nir)}, {n}\n"
        for k, (p, n) in enumerate(zip(_s, ["suivi PrEP", "dépression sévère, arrêt", "RAS"], strict=True))
    ),
    ids(_s, "dpn"),
    ["health"],
)

# ================================================================ programs' own prints

_s = _sl(19, 3)
case(
    "har_form_posts",
    json.dumps(
        {
            "log": {
                "version": "1.2",
                "creator": {"name": "Firefox", "version": "123.0"},
                "entries": [
                    {
                        "startedDateTime": f"2024-03-15T10:2{k}:33.000+01:00",
                        "request": {
                            "method": "POST",
                            "url": "https://rdv.cabinet-exemple.fr/api/booking",
                            "postData": {
                                "mimeType": "application/x-www-form-urlencoded",
                                "text": f"nom={p.last.replace(' ', '+')}&prenom={p.first}&email={p.email.replace('@', '%40')}&tel={_compact(p.mobile)}&ddn={fr_date(p.dob).replace('/', '%2F')}&motif=PrEP",
                            },
                        },
                        "response": {"status": 201},
                    }
                    for k, p in enumerate(_s)
                ],
            }
        },
        indent=1,
        ensure_ascii=False,
    ),
    ids(_s, "epd"),
    ["health"],
)
_s = _sl(20, 3)
case(
    "go_struct_plus_v",
    "\n".join(
        f"2024/03/15 10:22:3{k} created patient &{{ID:{10452 + k} Nom:{p.last} Prenom:{p.first} Email:{p.email} Tel:{p.mobile} Naissance:{p.dob} 00:00:00 +0000 UTC NIR:{p.nir}}}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epdn"),
)
_s = _sl(21, 3)
case(
    "protobuf_text_format",
    "\n".join(
        f'patients {{\n  id: {10452 + k}\n  family_name: "{p.last}"\n  given_name: "{p.first}"\n  email: "{p.email}"\n  phone: "{p.mobile}"\n  birth_date {{ year: {int(p.dob[:4])} month: {int(p.dob[5:7])} day: {int(p.dob[8:])} }}\n}}'
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = _sl(22, 3)
case(
    "dotnet_json_date",
    json.dumps(
        {
            "d": [
                {
                    "__type": "Patient:#Cabinet.Model",
                    "Nom": p.last,
                    "Prenom": p.first,
                    "Email": p.email,
                    "Telephone": fr_spaced(p.mobile),
                    "DateNaissance": f"/Date({_epoch_ms(p.dob)}+0100)/",
                }
                for p in _s
            ]
        },
        ensure_ascii=False,
    ),
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = _sl(23, 3)
case(
    "java_properties_per_user",
    "#Export utilisateurs\n#Fri Mar 15 10:22:33 CET 2024\n"
    + "\n".join(
        f"user.{k}.nom={p.last}\nuser.{k}.email={p.email}\nuser.{k}.telephone={_compact(p.mobile)}\nuser.{k}.naissance={fr_date(p.dob)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = _sl(24, 3)
case(
    "ini_sections_per_patient",
    "\n\n".join(
        f"[patient_{10452 + k}]\nnom = {p.last}\nprenom = {p.first}\nddn = {fr_date(p.dob)}\nnir = {p.nir}\nmobile = {fr_spaced(p.mobile)}\nantecedents = {a}"
        for k, (p, a) in enumerate(zip(_s, ["VIH (ALD 7)", "aucun", "trouble bipolaire"], strict=True))
    ),
    ids(_s, "dnp"),
    ["health"],
)
_s = _sl(25, 3)
case(
    "yaml_block_list_patients",
    "patients:\n"
    + "\n".join(
        f"  - nom: {p.last}\n    prenom: {p.first}\n    naissance: '{p.dob}'\n    contact:\n      email: {p.email}\n      mobile: '{fr_spaced(p.mobile)}'\n    notes: |\n      {n}"
        for p, n in zip(
            _s,
            ["Suivi HSH, PrEP continue.", "Pas d'antécédent.", "Témoin de Jéhovah : refus de transfusion."],
            strict=True,
        )
    ),
    ids(_s, "dep"),
    ["health", "sexual_orientation", "religion"],
)

# ================================================================ SaaS exports

_s = _sl(26, 4)
case(
    "zendesk_tickets_csv",
    "Id,Subject,Requester,Requester email,Requester phone,Description\n"
    + "\n".join(
        f'{88120 + k},"Question remboursement","{p.first} {p.last}",{p.email},{p.mobile},"{d}"'
        for k, (p, d) in enumerate(
            zip(
                _s,
                [
                    "Bonjour, je suis séropositive et mon traitement n'est plus remboursé à 100 %",
                    "Je n'ai pas reçu ma carte",
                    "Mon fils est autiste, la MDPH demande un certificat",
                    "Changement d'adresse",
                ],
                strict=True,
            )
        )
    ),
    ids(_s, "ep"),
    ["health"],
)
_s = _sl(27, 4)
case(
    "mailchimp_audience_export",
    "Email Address,First Name,Last Name,Phone Number,Birthday,MEMBER_RATING,OPTIN_TIME,TAGS\n"
    + "\n".join(
        f'{p.email},{p.first},{p.last},{p.mobile},{p.dob[5:7]}/{p.dob[8:]},{2 + k % 3},2023-0{k + 1}-11 09:12:44,"{t}"'
        for k, (p, t) in enumerate(
            zip(_s, ["newsletter", "groupe parole VIH", "newsletter,ateliers", "LGBT+ seniors"], strict=True)
        )
    ),
    ids(_s, "ep"),
    ["health", "sexual_orientation"],
)
_s = _sl(28, 4)
case(
    "stripe_customers_last4_only",
    "id,Description,Email,Name,Phone,Card Brand,Card Last4,Card Exp Month,Card Exp Year,Created (UTC)\n"
    + "\n".join(
        f"cus_P{_digits(k, 'cus', 10)}Xa,Téléconsultation,{p.email},{p.first} {p.last},{p.mobile},{['Visa', 'MasterCard'][k % 2]},{p.card[-4:]},{1 + k},{2026 + k},2024-03-1{k} 10:22"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
)
_s = _sl(29, 4)
case(
    "excel_serial_birth_dates",
    "nom;prenom;email;date_naissance\n"
    + "\n".join(
        f"{p.last};{p.first};{p.email};{(datetime.date.fromisoformat(p.dob) - datetime.date(1899, 12, 30)).days}"
        for p in _s
    ),
    ids(_s, "e"),
    maybe=ids(_s, "d"),
)

# ================================================================ names in other scripts, customers of other countries

_AR = [("نادية", "قدور"), ("كريم", "بن علي"), ("ياسمين", "حداد"), ("مهدي", "بوزيد")]
_s = _sl(30, 4)
case(
    "arabic_names_french_numbers",
    "الاسم,اللقب,الهاتف,البريد,تاريخ الميلاد\n"
    + "\n".join(
        f"\u200f{a},{b},{fr_spaced(p.mobile)},{p.email},{fr_date(p.dob)}" for (a, b), p in zip(_AR, _s, strict=True)
    ),
    ids(_s, "ped"),
)
_HE = [("נועה", "כהן"), ("דוד", "לוי"), ("שרה", "מזרחי")]
_s = _sl(31, 3)
case(
    "hebrew_names_french_numbers_kosher",
    'שם;משפחה;טלפון;דוא"ל;הערות\n'
    + "\n".join(
        f"{a};{b};{p.mobile};{p.email};{n}"
        for (a, b), p, n in zip(_HE, _s, ["כשר למהדרין", "", "שומר שבת"], strict=True)
    ),
    ids(_s, "pe"),
    ["religion"],
)
_EU = [
    (
        "Luca",
        "Baumann",
        "luca.baumann@bluewin.ch",
        e164("079 412 56 83", "CH"),
        iban("CH", "00235" + _digits(1, "ch", 12)),
    ),
    (
        "Sofia",
        "Ferreira",
        "sofia.ferreira@sapo.pt",
        e164("912 604 318", "PT"),
        iban("PT", "0033" + "0000" + _digits(2, "pt", 13)),
    ),
    ("Marc", "Weber", "marc.weber@pt.lu", e164("621 483 917", "LU"), iban("LU", "001" + _digits(3, "lu", 13))),
    (
        "Giulia",
        "Rossi",
        "giulia.rossi@monaco.mc",
        e164("06 40 87 21 53", "MC"),
        iban("MC", "11222" + "00001" + _digits(4, "mc", 11) + "30"),
    ),
    ("Lukas", "Gruber", "lukas.gruber@gmx.at", e164("0664 4128375", "AT"), iban("AT", "19043" + _digits(5, "at", 11))),
]
case(
    "mixed_european_customers",
    "client;pays;email;telephone;iban\n"
    + "\n".join(f"{f} {l};{['CH', 'PT', 'LU', 'MC', 'AT'][k]};{e};{t};{i}" for k, (f, l, e, t, i) in enumerate(_EU)),
    {("email", e) for _f, _l, e, _t, _i in _EU}
    | {("phone", t) for *_x, t, _i in _EU}
    | {("iban", i) for *_x, i in _EU},
)
case(
    "mixed_european_customers_local_notation",
    "client|pays|email|tel|iban\n"
    + "\n".join(
        f"{f} {l}|{c}|{e}|{loc}|{' '.join(i[j : j + 4] for j in range(0, len(i), 4))}"
        for (f, l, e, _t, i), c, loc in zip(
            _EU,
            ["CH", "PT", "LU", "MC", "AT"],
            ["079 412 56 83", "912 604 318", "621 483 917", "06 40 87 21 53", "0664 4128375"],
            strict=True,
        )
    ),
    {("email", e) for _f, _l, e, _t, _i in _EU} | {("iban", i) for *_x, i in _EU},
    maybe={("phone", t) for *_x, t, _i in _EU},
)

# ================================================================ hospital labels and OCR'd forms

_s = _sl(32, 3)
case(
    "hospital_patient_labels",
    "\n\n".join(
        f"CHU SUD — IPP 00{_digits(k, 'ipp', 6)}  IEP 24{_digits(k, 'iep', 6)}\n{p.last.upper()} {p.first}\nNé(e) le {fr_date(p.dob)}  Sexe {'F' if p.nir[0] == '2' else 'M'}\nNIR {spaced_nir(p.nir)}\nUF 4102 INFECTIOLOGIE"
        for k, p in enumerate(_s)
    ),
    ids(_s, "dn"),
    ["health"],
)
_p = _sl(33, 1)[0]
_ocr_nir = spaced_nir(_p.nir).replace("0", "O", 2)
case(
    "ocr_mutuelle_form",
    f"""DEMANDE D'ADHESl0N — MUTUELLE SANTE
Nom : {_p.last.upper()}   Prenom : {_p.first}
Date de na issance : {fr_date(_p.dob).replace("/", " / ")}
N° de Securite Sociale : {_ocr_nir}
Telephone : {fr_spaced(_p.mobile).replace(" ", "  ")}
E-mail : {_p.email}
Etes-vous en ALD ? [X] OUI  [ ] NON   Si oui, laquelle : diabete type l
IBAN : {" ".join(_p.iban[j : j + 4] for j in range(0, 27, 4))}""",
    {("nir", _p.nir), ("phone", _p.mobile), ("email", _p.email), ("iban", _p.iban), ("dob", _p.dob)},
    ["health"],
)

# ================================================================ PRECISION: the same tools about machines

neg(
    "redis_info",
    """# Server
redis_version:7.2.4
redis_git_sha1:00000000
redis_mode:standalone
os:Linux 6.1.0-18-amd64 x86_64
process_id:1042
tcp_port:6379
uptime_in_seconds:1710498
# Clients
connected_clients:12
# Memory
used_memory:104857600
used_memory_human:100.00M
# Keyspace
db0:keys=48213,expires=1204,avg_ttl=86400123""",
)
neg(
    "es_cat_indices",
    """health status index              uuid                   pri rep docs.count docs.deleted store.size pri.store.size
green  open   patients-2024      x3kq9P0b7n1VwR2mYc8tLQ   1   1     482130         1204    612.4mb        306.2mb
green  open   rdv-2024.03        Xx3kq9P0b7n1VwR2mYc8tA   1   1    1710498            0      1.2gb        601.1mb
yellow open   .kibana_8.12.2_001 5NOJddqpvvzUkDiSOAk4Pf   1   1        412            7      2.1mb          2.1mb""",
)
neg(
    "sqlite_schema_and_pragma",
    """sqlite> .schema patient
CREATE TABLE patient (id INTEGER PRIMARY KEY, nom TEXT NOT NULL, prenom TEXT, ddn TEXT CHECK (ddn LIKE '____-__-__'),
  nir TEXT UNIQUE, email TEXT, portable TEXT, notes TEXT, vih INTEGER DEFAULT 0);
CREATE INDEX idx_patient_nir ON patient(nir);
sqlite> PRAGMA page_count; PRAGMA page_size;
48213
4096
sqlite> SELECT count(*), min(ddn), max(ddn) FROM patient;
10452|1921-03-04|2024-02-29""",
)
neg(
    "slack_dev_channel",
    json.dumps(
        [
            {
                "type": "message",
                "user": "U024BE7LH",
                "ts": "1710498153.000200",
                "text": "<@U05ABC123> le job d'export plante : `psycopg.errors.UniqueViolation: duplicate key value violates unique constraint \"patient_nir_key\"` sur l'id 10452",
            },
            {
                "type": "message",
                "user": "U05ABC123",
                "ts": "1710498160.000300",
                "text": "vu, c'est le backfill du 2024-03-15. Je relance avec --batch-size 5000 : <https://ci.exemple.dev/job/1234567|job #1234567>",
            },
            {
                "type": "message",
                "user": "U024BE7LH",
                "ts": "1710498199.000400",
                "text": "ok :+1: et pense au ticket JIRA-4021 pour le champ VIH à chiffrer",
            },
        ],
        indent=4,
    ),
)
neg(
    "company_vcard_no_person",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Laboratoire BioMeaux\r\nFN:Laboratoire BioMeaux — accueil\r\nADR;TYPE=WORK:;;8 rue du Grand Cerf;Meaux;;77100;France\r\nURL:https://biomeaux.exemple.fr\r\nNOTE:Prélèvements sans RDV 7h-12h. Résultats VIH et IST remis par le biologiste.\r\nEND:VCARD",
)
neg(
    "ldap_schema_definitions",
    """dn: cn=schema
attributeTypes: ( 0.9.2342.19200300.100.1.3 NAME ( 'mail' 'rfc822Mailbox' ) EQUALITY caseIgnoreIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )
attributeTypes: ( 0.9.2342.19200300.100.1.41 NAME ( 'mobile' 'mobileTelephoneNumber' ) SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
attributeTypes: ( 1.3.6.1.4.1.99999.1.1.7 NAME 'healthStatus' DESC 'statut VIH, ALD' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectClasses: ( 1.3.6.1.4.1.99999.2.1 NAME 'patient' SUP inetOrgPerson STRUCTURAL MAY ( healthStatus $ religion ) )""",
)
neg(
    "go_struct_config_print",
    "2024/03/15 10:22:33 config: &{Listen:127.0.0.1:8443 DB:{Host:10.0.4.12 Port:5432 Name:cabinet MaxConns:48} Retention:2160h0m0s Export:{Batch:5000 Since:2024-03-01 00:00:00 +0000 UTC} Features:[hprim fhir dmp] PhoneRegex:^0[67]\\d{8}$}",
)
neg(
    "dotnet_json_dates_events",
    json.dumps(
        {
            "d": [
                {
                    "__type": "Evenement:#Cabinet.Model",
                    "Id": 10452 + k,
                    "Debut": f"/Date({1710498153000 + k * 3600000}+0100)/",
                    "Salle": f"B{k}",
                    "Libelle": "Staff VIH" if k == 0 else "Réunion",
                }
                for k in range(3)
            ]
        }
    ),
)
neg(
    "excel_serial_sales_report",
    "date_vente;magasin;ca_ttc;nb_tickets\n45366;Meaux;12 482,30;412\n45367;Roubaix;9 871,10;388\n45368;Vénissieux;14 002,75;501\n45369;Créteil;11 230,00;420",
)
neg(
    "arabic_news_no_person",
    "أعلنت وزارة الصحة الفرنسية يوم 15/03/2024 عن ارتفاع حالات الإصابة بفيروس نقص المناعة البشرية بنسبة 3٪ في منطقة إيل دو فرانس. للمزيد من المعلومات اتصلوا بالرقم المجاني 0 800 840 800 (Sida Info Service).",
)
neg(
    "har_static_site",
    json.dumps(
        {
            "log": {
                "version": "1.2",
                "entries": [
                    {
                        "startedDateTime": "2024-03-15T10:22:33.000+01:00",
                        "request": {
                            "method": "GET",
                            "url": f"https://cabinet-exemple.fr/static/{f}",
                            "headers": [{"name": "Accept", "value": "*/*"}],
                        },
                        "response": {"status": 200, "content": {"size": 10452 + k, "mimeType": "text/css"}},
                        "time": 48.213,
                    }
                    for k, f in enumerate(["app.css", "logo@2x.png", "fonts/inter.woff2"])
                ],
            }
        },
        indent=1,
    ),
)
neg(
    "k8s_manifest_yaml",
    """apiVersion: apps/v1
kind: Deployment
metadata: {name: fhir-export, namespace: sante, labels: {app: fhir-export, version: "24.3.1"}}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: export
          image: registry.exemple.dev/sante/fhir-export@sha256:9c1f0e5b7d24688a1e0f3c9b52d7e4a6f80b1c2d3e4f5061728394a5b6c7d8e9
          env:
            - {name: EXPORT_SINCE, value: "2024-03-01"}
          resources: {limits: {memory: 512Mi, cpu: "500m"}}""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "hebrew_names_french_numbers_kosher": "a Hebrew notes column ('כשר למהדרין', 'שומר שבת': kosher, keeps shabbat) is not religion",
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 28): a regression fails.
FLOORS = {"recall": 0.83, "precision": 0.98, "art9_recall": 0.63, "art9_precision": 0.95}
globals().update(make_tests(SET, FLOORS))
