# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 3: leaks shaped as a French medical software vendor's breach would be posted.

Written apart from the detector (wave 23, helper H), from what a user reads only (README.md,
docs/detection-metrics.md, `vigie scan --help`, the identifiers reference): appointment-booking,
pharmacy, laboratory and health-insurance exports, FHIR, vCard, LDIF, mbox, pg_dump, mysqldump,
SQL Server and Oracle inserts, MongoDB exports, stealer logs, combo lists, fullz, markdown and
HTML tables, US and UK shapes, doxes and article 9 notes, plus negatives that must yield nothing.

Each case states every identifier (type, canonical value as the docs describe it: e-mail in lower
case and, for gmail, also without dots and +tag; phone in E.164; NIR of 15 characters with its key;
IBAN compact upper case; card digits; dates of birth ISO 8601; national ids `CC:value`) and every
article 9 category that must be found. All people are invented; checksums are computed here.

`MISSED` lists what the detector misses today, one reason each: its tests assert the miss is still
there, so a fix must move the case out of `MISSED` (helper C, wave 23). `test_set3_scores` prints
recall and precision over the set for the engine in use (`VIGIE_ENGINE=native|python`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

# the checksums and the strict types are the harness's (they were a copy here)
from tests.blind_probe_harness import STRICT, e164, fr_spaced, gmail, grouped, iban, luhn, nir, spaced_nir

KEY = MatchKey(b"set3-blind-probe-key-0123456789ab")

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


def _person(i: int, first: str, last: str, domain: str, dob: str, sex: int, dep: str) -> P:
    y, m, _d = dob.split("-")
    body = f"{sex}{y[2:]}{m}{dep}{(137 + 71 * i) % 990 + 1:03d}{(41 + 53 * i) % 998 + 1:03d}"
    prefixes = ["61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"]
    mobile = (
        "+33"
        + prefixes[i % len(prefixes)][0]
        + prefixes[i % len(prefixes)][1]
        + f"{(1234567 * (i + 3)) % 10_000_000:07d}"
    )
    bank = f"{30002 + i * 7:05d}{i * 13 % 100000:05d}{(9000000 + i * 977) % 100000000000:011d}"
    rib_key = 97 - (89 * int(bank[:5]) + 15 * int(bank[5:10]) + 3 * int(bank[10:])) % 97
    card_prefixes = ["497010", "513456", "4561", "5412", "4974"]
    return P(
        first,
        last,
        f"{first}.{last}@{domain}".lower().replace(" ", "").replace("é", "e").replace("è", "e").replace("ë", "e"),
        mobile,
        dob,
        nir(body),
        iban("FR", f"{bank}{rib_key:02d}"),
        luhn(card_prefixes[i % 5] + f"{(i * 7919 + 104729) * 7753 % 10**9:09d}", 16),
    )


PEOPLE = [
    _person(0, "Alice", "Fournier", "laposte.net", "1984-07-12", 2, "75"),
    _person(1, "Bruno", "Lefèvre", "orange.fr", "1961-03-05", 1, "69"),
    _person(2, "Chloé", "Garnier", "free.fr", "1993-11-27", 2, "13"),
    _person(3, "Denis", "Moreau", "sfr.fr", "1950-01-30", 1, "33"),
    _person(4, "Emma", "Rousseau", "wanadoo.fr", "2001-09-08", 2, "59"),
    _person(5, "Fabrice", "Perrin", "yahoo.fr", "1977-05-19", 1, "44"),
    _person(6, "Gaëlle", "Bonnet", "hotmail.fr", "1969-12-02", 2, "2A"),
    _person(7, "Hugo", "Lambert", "outlook.fr", "1988-02-14", 1, "67"),
    _person(8, "Inès", "Chevalier", "icloud.com", "1999-06-21", 2, "31"),
    _person(9, "Julien", "Marchand", "neuf.fr", "1972-08-03", 1, "06"),
]
A, B, C, D, E, F, G, H, I, J = PEOPLE  # noqa: E741 (ten people, one letter each)


def ids(
    *people: P, fields: str = "email mobile dob nir", extra: Iterable[tuple[str, str]] = ()
) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set(extra)
    for p in people:
        for f in fields.split():
            if f == "email":
                out.add(("email", p.email))
            elif f == "mobile":
                out.add(("phone", p.mobile))
            else:
                out.add((f, getattr(p, f)))
    return frozenset(out)


def fr_date(iso: str, sep: str = "/") -> str:
    y, m, d = iso.split("-")
    return f"{d}{sep}{m}{sep}{y}"


def us_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{m}/{d}/{y}"


@dataclass(frozen=True)
class Case:
    text: str
    ids: frozenset[tuple[str, str]] = frozenset()
    cats: frozenset[str] = frozenset()
    recall_only: frozenset[tuple[str, str]] = field(default=frozenset())  # credentials, hashes


CASES: dict[str, Case] = {}
NEGATIVES: dict[str, str] = {}


def case(
    name: str,
    text: str,
    idents: Iterable[tuple[str, str]] = (),
    cats: Iterable[str] = (),
    recall_only: Iterable[tuple[str, str]] = (),
) -> None:
    assert name not in CASES
    CASES[name] = Case(text, frozenset(idents), frozenset(cats), frozenset(recall_only))


# ---------------------------------------------------------------- positives: French medical vendor

case(
    "booking_csv_bom_excel",
    "\ufeff"
    + "\r\n".join(
        [
            '"Nom";"Prénom";"Date de naissance";"Téléphone portable";"E-mail";"Date RDV";"Praticien";"Motif"',
            f'"{A.last.upper()}";"{A.first}";"{fr_date(A.dob)}";"{fr_spaced(A.mobile)}";"{A.email}";"05/12/2026 09:30";"Dr Petit";"Suivi diabète de type 1"',
            f'"{B.last.upper()}";"{B.first}";"{fr_date(B.dob)}";"{fr_spaced(B.mobile)}";"{B.email}";"05/12/2026 10:00";"Dr Petit";"Renouvellement ordonnance ""Levothyrox"""',
            f'"{C.last.upper()}";"{C.first}";"{fr_date(C.dob)}";"{fr_spaced(C.mobile)}";"{C.email}";"06/12/2026 14:15";"Dr Roux";"Consultation"',
        ]
    )
    + "\r\n",
    ids(A, B, C, fields="email mobile dob"),
    ["health"],
)

case(
    "pharmacy_tsv_compact_dob",
    "\n".join(
        [
            "NUM_SECU\tNOM\tPRENOM\tDDN\tPRODUIT\tQTE\tMUTUELLE",
            f"{D.nir}\t{D.last.upper()}\t{D.first.upper()}\t{D.dob.replace('-', '')}\tTRUVADA 200MG/245MG CPR B/30\t1\tMGEN",
            f"{E.nir}\t{E.last.upper()}\t{E.first.upper()}\t{E.dob.replace('-', '')}\tINSULINE LANTUS 100UI/ML\t2\tHARMONIE",
            f"{F.nir}\t{F.last.upper()}\t{F.first.upper()}\t{F.dob.replace('-', '')}\tDOLIPRANE 1000MG CPR B/8\t3\tMALAKOFF",
        ]
    ),
    ids(D, E, F, fields="nir dob"),
    ["health"],
)

case(
    "lab_results_semicolon",
    "\n".join(
        [
            "N° dossier;Patient;Né(e) le;Tél;Examen;Résultat;Valeur",
            f"L26-00412;{G.last.upper()} {G.first};{fr_date(G.dob, '.')};{fr_spaced(G.mobile)};Sérologie VIH 1/2;POSITIF;",
            f"L26-00413;{H.last.upper()} {H.first};{fr_date(H.dob, '.')};{fr_spaced(H.mobile)};HbA1c;;7.9 %",
            f"L26-00414;{I.last.upper()} {I.first};{fr_date(I.dob, '.')};{fr_spaced(I.mobile)};Beta-HCG;POSITIF;1250 UI/L",
        ]
    ),
    ids(G, H, I, fields="mobile dob"),
    ["health"],
)

case(
    "mutuelle_members_pipe",
    "\n".join(
        [
            "adherent|nom|prenom|nir|iban|bic|date_adhesion|date_naissance|formule",
            f"M0012871|{J.last}|{J.first}|{spaced_nir(J.nir)}|{grouped(J.iban)}|BNPAFRPPXXX|01/01/2019|{fr_date(J.dob)}|CONFORT",
            f"M0012872|{A.last}|{A.first}|{spaced_nir(A.nir)}|{grouped(A.iban)}|CCBPFRPPXXX|15/03/2021|{fr_date(A.dob)}|ESSENTIEL",
            f"M0012873|{B.last}|{B.first}|{spaced_nir(B.nir)}|{grouped(B.iban)}|AGRIFRPPXXX|01/09/2023|{fr_date(B.dob)}|CONFORT",
        ]
    ),
    ids(J, A, B, fields="nir iban dob"),
)

_fhir = {
    "resourceType": "Bundle",
    "type": "searchset",
    "total": 2,
    "entry": [
        {
            "fullUrl": f"https://fhir.example-vendor.fr/Patient/{n}",
            "resource": {
                "resourceType": "Patient",
                "id": str(n),
                "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": p.nir}],
                "name": [{"family": p.last.upper(), "given": [p.first]}],
                "telecom": [
                    {"system": "phone", "value": fr_spaced(p.mobile), "use": "mobile"},
                    {"system": "email", "value": p.email},
                ],
                "gender": "female" if p.nir[0] == "2" else "male",
                "birthDate": p.dob,
            },
        }
        for n, p in ((101, C), (102, D))
    ],
}
case("fhir_bundle_pretty", json.dumps(_fhir, indent=2, ensure_ascii=False), ids(C, D))

case(
    "fhir_ndjson_one_line",
    "\n".join(
        json.dumps(
            {
                "resourceType": "Patient",
                "id": f"pat-{i}",
                "identifier": [{"system": "https://hl7.fr/ig/fhir/core/ins-nir", "value": p.nir}],
                "telecom": [{"system": "phone", "value": p.mobile}, {"system": "email", "value": p.email}],
                "birthDate": p.dob,
            },
            separators=(",", ":"),
        )
        for i, p in enumerate((E, F, G))
    ),
    ids(E, F, G),
)

case(
    "vcard_export_with_note",
    "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{H.last};{H.first};;;",
            f"FN:{H.first} {H.last}",
            f"TEL;TYPE=CELL:{fr_spaced(H.mobile)}",
            f"EMAIL;TYPE=INTERNET:{H.email}",
            f"BDAY:{H.dob.replace('-', '')}",
            "NOTE:Patient séropositif sous trithérapie\\, bilan tous les 3 mois",
            "END:VCARD",
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{I.last};{I.first};;;",
            f"FN:{I.first} {I.last}",
            f"TEL;TYPE=CELL:{I.mobile}",
            f"EMAIL;TYPE=INTERNET:{I.email}",
            f"BDAY:{I.dob}",
            "END:VCARD",
        ]
    ),
    ids(H, I, fields="email mobile dob"),
    ["health"],
)

case(
    "ldif_directory_b64",
    "\n".join(
        [
            "version: 1",
            "",
            f"dn: uid={J.first.lower()}.{J.last.lower()},ou=patients,dc=cabinet,dc=local",
            "objectClass: inetOrgPerson",
            f"cn: {J.first} {J.last}",
            f"sn: {J.last}",
            f"mail: {J.email}",
            f"mobile: {fr_spaced(J.mobile)}",
            "description:: " + base64.b64encode("Suivi psychiatrique, schizophrénie".encode()).decode(),
            "",
            f"dn: uid={A.first.lower()}.{A.last.lower()},ou=patients,dc=cabinet,dc=local",
            "objectClass: inetOrgPerson",
            f"cn: {A.first} {A.last}",
            f"sn: {A.last}",
            f"mail: {A.email}",
            f"mobile: {fr_spaced(A.mobile)}",
            "",
        ]
    ),
    ids(J, A, fields="email mobile"),
    ["health"],
)

_rpps = luhn("1000231", 11)
# The secretariat's mailbox is a service mailbox (README: left out); the patient and the signature are not.
case(
    "mbox_with_signature",
    "\n".join(
        [
            "From medsec@cabinet-rivoli.fr Thu Nov 27 09:14:02 2026",
            "From: Secrétariat Cabinet Rivoli <medsec@cabinet-rivoli.fr>",
            f"To: {B.first} {B.last} <{B.email}>",
            "Subject: Vos résultats",
            "Date: Thu, 27 Nov 2026 09:14:02 +0100",
            "",
            f"Bonjour {B.first},",
            "",
            "Vos résultats de biopsie sont arrivés, le docteur souhaite vous voir rapidement au sujet du",
            "lymphome. Merci de rappeler le secrétariat.",
            "",
            "-- ",
            "Dr Hélène Vasseur",
            "Oncologue - Cabinet Rivoli",
            f"RPPS {_rpps}",
            f"Tél. direct : {fr_spaced(C.mobile)}",
            "",
        ]
    ),
    {("email", B.email), ("rpps", _rpps), ("phone", C.mobile)},
    ["health"],
)

case(
    "pg_copy_patients",
    "\n".join(
        [
            "--",
            "-- Data for Name: patients; Type: TABLE DATA; Schema: public; Owner: medapp",
            "--",
            "",
            "COPY public.patients (id, nom, prenom, date_naissance, nir, telephone, email, antecedents) FROM stdin;",
            f"1\t{C.last}\t{C.first}\t{C.dob}\t{C.nir}\t{fr_spaced(C.mobile)}\t{C.email}\t\\N",
            f"2\t{D.last}\t{D.first}\t{D.dob}\t{D.nir}\t\\N\t{D.email}\tAsthme sévère\\, BPCO",
            f"3\t{E.last}\t{E.first}\t{E.dob}\t{E.nir}\t{E.mobile}\t{E.email}\t\\N",
            "\\.",
            "",
        ]
    ),
    ids(C, D, E, fields="email dob nir", extra={("phone", C.mobile), ("phone", E.mobile)}),
    ["health"],
)

case(
    "mysql_extended_insert_escapes",
    (
        "-- MySQL dump 10.13  Distrib 8.0.36\n"
        "CREATE TABLE `patient` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `nom` varchar(64) DEFAULT NULL,\n"
        "  `prenom` varchar(64) DEFAULT NULL,\n  `date_naissance` date DEFAULT NULL,\n  `email` varchar(128) DEFAULT NULL,\n"
        "  `telephone` varchar(20) DEFAULT NULL,\n  `nir` char(15) DEFAULT NULL,\n  `notes` text,\n  PRIMARY KEY (`id`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
        "LOCK TABLES `patient` WRITE;\n"
        "/*!40000 ALTER TABLE `patient` DISABLE KEYS */;\n"
        "INSERT INTO `patient` VALUES "
        f"(1,'D\\'Almeida','{F.first}','{F.dob}','{F.email}','{fr_spaced(F.mobile)}','{F.nir}','RAS'),"
        f"(2,'{G.last}','{G.first}','{G.dob}','{G.email}','{G.mobile}','{G.nir}','Allergie \\'pénicilline\\''),"
        f"(3,'L\\'Hôte','{H.first}','{H.dob}','{H.email}','{fr_spaced(H.mobile)}','{H.nir}',NULL);\n"
        "/*!40000 ALTER TABLE `patient` ENABLE KEYS */;\nUNLOCK TABLES;\n"
    ),
    ids(F, G, H),
    ["health"],
)

case(
    "mssql_bracketed_nvarchar",
    "\n".join(
        [
            "SET IDENTITY_INSERT [dbo].[Patients] ON",
            "INSERT [dbo].[Patients] ([Id], [Nom], [Prenom], [DateNaissance], [Email], [Portable]) VALUES "
            f"(1, N'{I.last}', N'{I.first}', CAST(N'{I.dob}T00:00:00.000' AS DateTime), N'{I.email}', N'{fr_spaced(I.mobile)}')",
            "INSERT [dbo].[Patients] ([Id], [Nom], [Prenom], [DateNaissance], [Email], [Portable]) VALUES "
            f"(2, N'{J.last}', N'{J.first}', CAST(N'{J.dob}T00:00:00.000' AS DateTime), N'{J.email}', N'{fr_spaced(J.mobile)}')",
            "GO",
        ]
    ),
    ids(I, J, fields="email mobile dob"),
)

case(
    "mssql_insert_into_nvarchar_literals",
    "\n".join(
        [
            "INSERT INTO dbo.Patients (Nom, Prenom, Email, Portable, DateNaissance) VALUES",
            f"(N'{B.last}', N'{B.first}', N'{B.email}', N'{fr_spaced(B.mobile)}', '{B.dob}'),",
            f"(N'{C.last}', N'{C.first}', N'{C.email}', N'{fr_spaced(C.mobile)}', '{C.dob}');",
        ]
    ),
    ids(B, C, fields="email mobile dob"),
)

case(
    "oracle_insert_all_to_date",
    "\n".join(
        [
            "INSERT ALL",
            f"  INTO ASSURES (NOM, PRENOM, DT_NAIS, NO_SS, MAIL) VALUES ('{A.last.upper()}', '{A.first}', TO_DATE('{fr_date(A.dob)}', 'DD/MM/YYYY'), '{A.nir}', '{A.email}')",
            f"  INTO ASSURES (NOM, PRENOM, DT_NAIS, NO_SS, MAIL) VALUES ('{B.last.upper()}', '{B.first}', TO_DATE('{fr_date(B.dob)}', 'DD/MM/YYYY'), '{B.nir}', '{B.email}')",
            "SELECT * FROM dual;",
        ]
    ),
    ids(A, B, fields="email dob nir"),
)

case(
    "mongoexport_extended_json",
    "\n".join(
        json.dumps(
            {
                "_id": {"$oid": f"65a1f0c2e4b0{n:012x}"},
                "nom": p.last,
                "prenom": p.first,
                "email": p.email,
                "telephone": fr_spaced(p.mobile),
                "naissance": {"$date": f"{p.dob}T00:00:00.000Z"},
                "createdAt": {"$date": "2025-02-11T08:12:44.120Z"},
            },
            ensure_ascii=False,
        )
        for n, p in ((1, C), (2, D), (3, E))
    ),
    ids(C, D, E, fields="email mobile dob"),
)

case(
    "stealer_passwords_txt",
    "\n".join(
        [
            "*" * 44,
            "*  REDLINE - Passwords.txt                  *",
            "*" * 44,
            "",
            "URL: https://pro.doctolib.fr/signin",
            f"Username: {F.email}",
            "Password: Cabinet2024!",
            "Application: Google_[Chrome]_Default",
            "===============",
            "URL: https://www.ameli.fr/assure/connexion",
            f"Username: {F.nir}",
            "Password: Flo#1977",
            "Application: Microsoft_[Edge]_Default",
            "===============",
            "URL: https://mail.google.com",
            "Username: fabrice.perrin77@gmail.com",
            "Password: Soleil44",
            "Application: Google_[Chrome]_Default",
            "===============",
        ]
    ),
    {("email", F.email), ("nir", F.nir), *gmail("fabrice.perrin77@gmail.com")},
    recall_only={("credential", f"{F.email}:Cabinet2024!"), ("credential", "fabrice.perrin77@gmail.com:Soleil44")},
)

case(
    "combolist_hash_plain",
    "\n".join(
        [
            "== medisoft users cracked 62% ==",
            f"{G.email}:e10adc3949ba59abbe56e057f20f883e:123456",
            f"{H.email}:25d55ad283aa400af464c76d713c07ad:12345678",
            f"{I.email}:5f4dcc3b5aa765d61d8327deb882cf99:password",
            f"{J.email}:d8578edf8458ce06fbc5bb76a58c5ca4:qwerty",
        ]
    ),
    ids(G, H, I, J, fields="email"),
    recall_only={("password_hash", "md5:e10adc3949ba59abbe56e057f20f883e")},
)

case(
    "fullz_pipe_no_header",
    "\n".join(
        [
            f"{p.first}|{p.last}|{fr_date(p.dob)}|{n} rue Victor Hugo|{cp}|{ville}|{fr_spaced(p.mobile)}|{p.email}|{p.iban}|{p.card}|0{n % 9 + 1}/2{n % 4 + 7}|{100 + n * 37}"
            for n, p, cp, ville in ((3, A, "75011", "Paris"), (17, C, "13006", "Marseille"), (42, E, "59000", "Lille"))
        ]
    ),
    ids(A, C, E, fields="email mobile dob iban card"),
)

case(
    "fullz_labelled_block",
    "\n".join(
        [
            "+------------ FULLZ FR #0231 ------------+",
            f"| Nom complet : {G.first} {G.last}",
            f"| Date de naissance : {fr_date(G.dob)}",
            f"| NIR : {spaced_nir(G.nir)}",
            f"| Tel : {fr_spaced(G.mobile)}",
            f"| Mail : {G.email}",
            f"| IBAN : {grouped(G.iban)}",
            f"| CB : {grouped(G.card)} | EXP : 04/28 | CVV : 512",
            "| Banque : Crédit Agricole",
            "+----------------------------------------+",
        ]
    ),
    ids(G, fields="email mobile dob nir iban card"),
)

case(
    "markdown_table_post",
    "\n".join(
        [
            "Sample du dump (50k lignes dispo, prix en MP) :",
            "",
            "| Nom | Prénom | Email | Téléphone | Né le |",
            "|---|---|---|---|---|",
            *(f"| {p.last} | {p.first} | {p.email} | {fr_spaced(p.mobile)} | {fr_date(p.dob)} |" for p in (H, I, J)),
        ]
    ),
    ids(H, I, J, fields="email mobile dob"),
)

case(
    "html_table_in_post",
    '<div class="post"><p>proof:</p><table border=1>'
    "<tr><th>Patient</th><th>DDN</th><th>Tel</th><th>Mail</th><th>N° SS</th></tr>"
    + "".join(
        f"<tr><td>{p.last.upper()} {p.first}</td><td>{fr_date(p.dob)}</td><td>{fr_spaced(p.mobile)}</td>"
        f"<td>{p.email}</td><td>{spaced_nir(p.nir)}</td></tr>"
        for p in (A, B, C)
    )
    + "</table></div>",
    ids(A, B, C),
)

case(
    "nir_without_key_column",
    "\n".join(
        [
            "nom;prenom;num_ss;ddn",
            *(f"{p.last};{p.first};{p.nir[:13]};{fr_date(p.dob)}" for p in (D, E, F)),
        ]
    ),
    ids(D, E, F, fields="nir dob"),
)

case(
    "excel_stripped_leading_zero_phone",
    "\n".join(
        [
            "Nom;Prénom;Portable;Email",
            *(f"{p.last};{p.first};{p.mobile[3:]};{p.email}" for p in (G, H, I)),
        ]
    ),
    ids(G, H, I, fields="email mobile"),
)

case(
    "phone_as_json_integer_33",
    "\n".join(json.dumps({"patient_id": n, "phone": int(p.mobile[1:]), "mail": p.email}) for n, p in ((7, J), (8, A))),
    ids(J, A, fields="email mobile"),
)

_clinic_siren = luhn("41203", 9)
_clinic_siret = luhn(_clinic_siren + "0001", 14)
case(
    "corsica_nir_and_clinic_siret",
    "\n".join(
        [
            f"Établissement : Clinique du Golfe, SIRET {_clinic_siret}",
            "Matricule;Nom;NIR;Naissance",
            f"0001;{G.last};{G.nir};{fr_date(G.dob)}",
            f"0002;{B.last};{B.nir};{fr_date(B.dob)}",
        ]
    ),
    {("siret", _clinic_siret), ("nir", G.nir), ("nir", B.nir), ("dob", G.dob), ("dob", B.dob)},
)

case(
    "api_json_appointments_ivg",
    json.dumps(
        {
            "data": {
                "appointments": [
                    {
                        "id": 88120 + n,
                        "start_date": "2026-12-08T10:20:00.000+01:00",
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
                        ((B, "Première consultation IVG médicamenteuse"), (C, "Échographie de datation"))
                    )
                ]
            }
        },
        ensure_ascii=False,
    ),
    ids(B, C, fields="email mobile dob"),
    ["health"],
)

case(
    "ics_agenda_consultations",
    "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Cabinet//Agenda//FR",
            "BEGIN:VEVENT",
            "DTSTART:20261208T090000",
            "DTEND:20261208T093000",
            f"SUMMARY:Consult {D.last.upper()} {D.first}",
            f"DESCRIPTION:Tél {fr_spaced(D.mobile)} - né le {fr_date(D.dob)} - suivi VIH (charge virale)",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART:20261208T094500",
            "DTEND:20261208T101500",
            f"SUMMARY:Consult {E.last.upper()} {E.first}",
            f"DESCRIPTION:Tél {fr_spaced(E.mobile)} - née le {fr_date(E.dob)} - dépression\\, arrêt maladie",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    ),
    ids(D, E, fields="mobile dob"),
    ["health"],
)

case(
    "pdf_extracted_label_value_lines",
    "\n".join(
        [
            "FICHE DE LIAISON",
            "Nom",
            F.last.upper(),
            "Prénom",
            F.first,
            "Date de naissance",
            fr_date(F.dob),
            "N° de sécurité sociale",
            spaced_nir(F.nir),
            "Téléphone",
            fr_spaced(F.mobile),
            "Motif d'hospitalisation",
            "Décompensation cardiaque",
            "Page 1/2",
        ]
    ),
    ids(F, fields="mobile dob nir"),
    ["health"],
)

case(
    "fixed_width_report",
    "\n".join(
        [
            "NOM            PRENOM     NAISSANCE   TELEPHONE       NIR",
            "-------------- ---------- ----------- --------------- ---------------",
            *(
                f"{p.last.upper():<14} {p.first:<10} {fr_date(p.dob):<11} {fr_spaced(p.mobile):<15} {p.nir}"
                for p in (G, H, I)
            ),
        ]
    ),
    ids(G, H, I, fields="mobile dob nir"),
)

case(
    "csv_multiline_address_excel",
    "\r\n".join(
        [
            "Nom,Adresse,Email,Téléphone",
            f'{J.last},"12 rue des Lilas\r\nBâtiment B\r\n06000 Nice",{J.email},{fr_spaced(J.mobile)}',
            f'{A.last},"3 allée des Pins\r\n75015 Paris",{A.email},{fr_spaced(A.mobile)}',
        ]
    ),
    ids(J, A, fields="email mobile"),
)

case(
    "kv_log_booking_api",
    "\n".join(
        f"2026-11-30T10:0{n}:01.221Z INFO  booking.created practice=4411 patient_email={p.email} "
        f"patient_phone={p.mobile} patient_birthdate={p.dob} slot=2026-12-02T08:30"
        for n, p in enumerate((B, C, D))
    ),
    ids(B, C, D, fields="email mobile dob"),
)

case(
    "xml_patient_export",
    '<?xml version="1.0" encoding="UTF-8"?>\n<patients>\n'
    + "".join(
        f'  <patient id="{n}">\n    <nom>{p.last}</nom>\n    <prenom>{p.first}</prenom>\n'
        f"    <dateNaissance>{p.dob}</dateNaissance>\n    <nir>{p.nir}</nir>\n    <courriel>{p.email}</courriel>\n  </patient>\n"
        for n, p in ((1, E), (2, F))
    )
    + "</patients>\n",
    ids(E, F, fields="email dob nir"),
)

case(
    "yaml_list_export",
    "\n".join(
        [
            "patients:",
            *(
                line
                for p in (G, H)
                for line in (
                    f"  - nom: {p.last}",
                    f"    email: {p.email}",
                    f'    tel: "{fr_spaced(p.mobile)}"',
                    f"    naissance: {p.dob}",
                )
            ),
        ]
    ),
    ids(G, H, fields="email mobile dob"),
)

case(
    "sqlite_dump",
    "\n".join(
        [
            "PRAGMA foreign_keys=OFF;",
            "BEGIN TRANSACTION;",
            "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT, phone TEXT, dob TEXT);",
            *(f"INSERT INTO users VALUES({n},'{p.email}','{p.mobile}','{p.dob}');" for n, p in ((1, I), (2, J))),
            "COMMIT;",
        ]
    ),
    ids(I, J, fields="email mobile dob"),
)

case(
    "psql_aligned_output",
    "\n".join(
        [
            " id |   nom    |        email         |   telephone    | date_naissance",
            "----+----------+----------------------+----------------+----------------",
            *(f"  {n} | {p.last:<8} | {p.email:<20} | {fr_spaced(p.mobile)} | {p.dob}" for n, p in ((1, A), (2, B))),
            "(2 rows)",
        ]
    ),
    ids(A, B, fields="email mobile dob"),
)

case(
    "telegram_dox_post",
    "\n".join(
        [
            "[04.12.2026 21:14] darkmed: dox de la secrétaire qui nous a balancé",
            f"[04.12.2026 21:14] darkmed: {C.first} {C.last.upper()}, née le {fr_date(C.dob)}, tel {fr_spaced(C.mobile)}",
            f"[04.12.2026 21:15] darkmed: mail perso {C.email} et son IBAN {grouped(C.iban)}",
        ]
    ),
    ids(C, fields="email mobile dob iban"),
)

case(
    "whatsapp_export_health",
    "\n".join(
        [
            f"[12/11/2026, 10:15:32] Dr Martin: le patient {D.first} {D.last} ({fr_spaced(D.mobile)}) est séropositif, à revoir",
            f"[12/11/2026, 10:16:05] IDE Sophie: ok, sa femme a appelé du {fr_spaced(E.mobile)}",
        ]
    ),
    {("phone", D.mobile), ("phone", E.mobile)},
    ["health"],
)

case(
    "prose_dox_fr_obfuscated_mail",
    (
        f"Petit cadeau : l'admin du logiciel s'appelle {H.first} {H.last}, il est né le {fr_date(H.dob)} à Strasbourg. "
        f"Son portable c'est le {fr_spaced(H.mobile)} et son mail {H.email.replace('@', ' [at] ').replace('.fr', ' [dot] fr')}. "
        f"Numéro de sécu {spaced_nir(H.nir)}, faites-vous plaisir."
    ),
    ids(H),
)

case(
    "article9_notes_fr",
    "\n".join(
        [
            "nom;prenom;email;remarques",
            f"{I.last};{I.first};{I.email};Témoin de Jéhovah, refuse toute transfusion",
            f"{J.last};{J.first};{J.email};Patient homosexuel, suivi PrEP",
            f"{A.last};{A.first};{A.email};Pratique le ramadan : adapter le traitement",
        ]
    ),
    ids(I, J, A, fields="email"),
    ["religion", "health", "sexual_orientation"],
)

case(
    "sexual_orientation_column",
    "\n".join(
        [
            "id,email,gender_identity,sexual_orientation",
            f"1,{B.email},cis woman,lesbian",
            f"2,{C.email},trans man,bisexual",
            f"3,{D.email},cis man,heterosexual",
        ]
    ),
    ids(B, C, D, fields="email"),
    ["sexual_orientation"],
)

case(
    "hiv_negative_result_is_health",
    "\n".join(
        [
            "Patient;Tél;Examen;Résultat",
            f"{E.last} {E.first};{fr_spaced(E.mobile)};Sérologie VIH;Négatif",
            f"{F.last} {F.first};{fr_spaced(F.mobile)};Sérologie VIH;Négatif",
        ]
    ),
    ids(E, F, fields="mobile"),
    ["health"],
)

case(
    "hl7_oru_hiv",
    "\r".join(
        [
            "MSH|^~\\&|LABO|BIOLAB|DPI|CLINIQUE|20261201103000||ORU^R01|MSG0001|P|2.5",
            f"PID|1||IPP00451^^^CLINIQUE||{G.last.upper()}^{G.first}||{G.dob.replace('-', '')}|F|||8 rue Nationale^^Tours^^37000||{fr_spaced(G.mobile)}",
            "OBR|1||L26-9912|HIV^Sérologie VIH",
            "OBX|1|ST|HIV-1/2^Anticorps anti-VIH||POSITIF||||||F",
        ]
    )
    + "\r",
    ids(G, fields="mobile dob"),
    ["health"],
)

case(
    "outlook_contacts_csv_fr",
    "\r\n".join(
        [
            '"Prénom","Nom","Adresse de messagerie","Téléphone mobile","Anniversaire","Catégories"',
            *(
                f'"{p.first}","{p.last}","{p.email}","{p.mobile[:3]} {p.mobile[3]} {p.mobile[4:6]} {p.mobile[6:8]} {p.mobile[8:10]} {p.mobile[10:]}",'
                f'"{fr_date(p.dob)}","Patients"'
                for p in (B, C, D)
            ),
        ]
    ),
    ids(B, C, D, fields="email mobile dob"),
)

case(
    "phpmyadmin_rows_per_line",
    "\n".join(
        [
            "-- phpMyAdmin SQL Dump",
            "-- version 5.2.1",
            "--",
            "-- Structure de la table `utilisateurs`",
            "--",
            "",
            "CREATE TABLE `utilisateurs` (",
            "  `id` int(11) NOT NULL,",
            "  `login` varchar(50) NOT NULL,",
            "  `mail` varchar(100) NOT NULL,",
            "  `tel` varchar(20) DEFAULT NULL,",
            "  `date_naiss` date DEFAULT NULL",
            ") ENGINE=InnoDB DEFAULT CHARSET=latin1;",
            "",
            "INSERT INTO `utilisateurs` (`id`, `login`, `mail`, `tel`, `date_naiss`) VALUES",
            f"(1, 'efournier', '{E.email}', '0033{E.mobile[3:]}', '{E.dob}'),",
            f"(2, 'fperrin', '{F.email}', '0033{F.mobile[3:]}', '{F.dob}'),",
            f"(3, 'gbonnet', '{G.email}', NULL, '{G.dob}');",
        ]
    ),
    ids(E, F, G, fields="email dob", extra={("phone", E.mobile), ("phone", F.mobile)}),
)

case(
    "html_table_entities_br",
    "<table><thead><tr><th>Nom&nbsp;/&nbsp;Pr&eacute;nom</th><th>T&eacute;l&eacute;phone</th>"
    "<th>Courriel</th><th>Date&nbsp;de&nbsp;naissance</th></tr></thead><tbody>"
    + "".join(
        f"<tr><td>{p.last}<br>{p.first}</td><td>{fr_spaced(p.mobile).replace(' ', '&nbsp;')}</td>"
        f'<td><a href="mailto:{p.email}">{p.email}</a></td><td>{fr_date(p.dob)}</td></tr>'
        for p in (H, I)
    )
    + "</tbody></table>",
    ids(H, I, fields="email mobile dob"),
)

case(
    "uppercase_emails_lowercase_iban",
    "\n".join(
        [
            "NOM;MAIL;IBAN;BIC",
            *(f"{p.last.upper()};{p.email.upper()};{p.iban.lower()};PSSTFRPPXXX" for p in (J, A, B)),
        ]
    ),
    ids(J, A, B, fields="email iban"),
)

case(
    "dox_plus33_0_notation_long_date",
    "\n".join(
        [
            "=== DOX ===",
            f"Nom : {C.last.upper()} {C.first}",
            f"Née le {int(C.dob[8:])} novembre {C.dob[:4]} à Marseille",
            f"Tel : +33 (0){C.mobile[3]} {C.mobile[4:6]} {C.mobile[6:8]} {C.mobile[8:10]} {C.mobile[10:]}",
            f"Mail : {C.email}",
            f"Sécu : {spaced_nir(C.nir)}",
            "Adresse : 22 bd Baille 13006 Marseille",
        ]
    ),
    ids(C),
)

case(
    "hl7_adt_ins_nir",
    "\r".join(
        [
            "MSH|^~\\&|DPI|CHU|GAM|CHU|20261203081500||ADT^A04^ADT_A01|ADT77812|P|2.5|||||FRA|8859/1",
            "EVN||20261203081500",
            f"PID|1||{D.nir}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS~77812^^^CHU^PI||{D.last.upper()}^{D.first}^^^^^L||"
            f"{D.dob.replace('-', '')}|M|||14 rue Sainte-Catherine^^Bordeaux^^33000^FRA||{D.mobile}^PRN^CP~^NET^Internet^{D.email}",
            "PV1|1|O|CARDIO^^^CHU",
        ]
    )
    + "\r",
    ids(D),
    ["health"],
)  # a cardiology visit is health data

case(
    "json_fr_date_keys",
    json.dumps(
        [
            {
                "nomNaissance": p.last,
                "prenom": p.first,
                "dateNaissance": fr_date(p.dob),
                "telPortable": fr_spaced(p.mobile),
                "adresseMail": p.email,
            }
            for p in (E, F)
        ],
        ensure_ascii=False,
        indent=1,
    ),
    ids(E, F, fields="email mobile dob"),
)

case(
    "two_digit_year_dob",
    "\n".join(
        [
            "Nom;Prénom;DDN;Portable",
            *(f"{p.last};{p.first};{fr_date(p.dob)[:6]}{p.dob[2:4]};{fr_spaced(p.mobile)}" for p in (G, H, J)),
        ]
    ),
    ids(G, H, J, fields="mobile dob"),
)

case(
    "stealer_creditcards_txt",
    "\n".join(
        [
            "Holder: ALICE FOURNIER",
            "CardType: Visa",
            f"Card: {A.card}",
            "Expire: 4/2028",
            "",
            "Holder: BRUNO LEFEVRE",
            "CardType: MasterCard",
            f"Card: {B.card}",
            "Expire: 11/2027",
            "",
        ]
    ),
    ids(A, B, fields="card"),
)

# ---------------------------------------------------------------- positives: English / US / UK

_ssn1, _ssn2 = "521-44-7821", "078-31-4410"
case(
    "us_patients_csv_mdy",
    "\n".join(
        [
            "PatientName,SSN,DOB,Phone,Email,Diagnosis",
            f"John Carter,{_ssn1},07/30/1975,(312) 629-4412,jcarter1975@aol.com,HIV+ on ART",
            f"Linda Hayes,{_ssn2},11/23/1982,312-629-4413,lhayes@comcast.net,Type 2 diabetes (E11.9)",
        ]
    ),
    {
        ("national_id", "US:521447821"),
        ("national_id", "US:078314410"),
        ("dob", "1975-07-30"),
        ("dob", "1982-11-23"),
        ("phone", "+13126294412"),
        ("phone", "+13126294413"),
        ("email", "jcarter1975@aol.com"),
        ("email", "lhayes@comcast.net"),
    },
    ["health"],
)

case(
    "us_ehr_free_text_note",
    "\n".join(
        [
            "PATIENT: WALSH, Kevin   DOB: 03/17/1968   MRN: 00482913",
            "Phone: (646) 555-0199 (home)  Email: kwalsh68@gmail.com",
            "Assessment: major depressive disorder, recurrent; on sertraline 100 mg.",
        ]
    ),
    {("dob", "1968-03-17"), *gmail("kwalsh68@gmail.com")},
    ["health"],
)

_gb_iban = iban("GB", "NWBK60161331926819")
case(
    "uk_fullz_nino_sortcode",
    "\n".join(
        [
            "Name: Oliver Bennett",
            "DOB: 04/09/1986",
            "NI: JG 10 37 26 C",
            "Mobile: 07911 123456",
            "Email: oliver.bennett86@btinternet.com",
            f"IBAN: {grouped(_gb_iban)}",
            "Religion: Sikh",
        ]
    ),
    {
        ("dob", "1986-09-04"),
        ("national_id", "GB:JG103726C"),
        ("phone", "+447911123456"),
        ("email", "oliver.bennett86@btinternet.com"),
        ("iban", _gb_iban),
    },
    ["religion"],
)

case(
    "uk_gp_list_tsv",
    "\n".join(
        [
            "Surname\tForename\tDoB\tMobile\tEmail\tEthnicity",
            "Patel\tPriya\t12/01/1990\t07700 123456\tpriya.patel@nhs.net\tAsian or Asian British - Indian",
            "O'Neill\tSean\t28/02/1955\t07932 654321\tsean.oneill@talktalk.net\tWhite - Irish",
        ]
    ),
    {
        ("dob", "1990-01-12"),
        ("dob", "1955-02-28"),
        ("phone", e164("07700 123456", "GB")),
        ("phone", e164("07932 654321", "GB")),
        ("email", "priya.patel@nhs.net"),
        ("email", "sean.oneill@talktalk.net"),
    },
    ["ethnic_origin"],
)

case(
    "english_combolist_user_pass",
    "\n".join(
        [
            "HQ combo medical portals 2026 - 4 lines sample",
            "nurse.jackie@yahoo.com:Summer2024!",
            "drwhite@hotmail.co.uk:Bluebell#12",
            "jbrown1988@gmail.com:letmein88",
            "kate.morris@outlook.com:Qwerty!23",
        ]
    ),
    {
        ("email", "nurse.jackie@yahoo.com"),
        ("email", "drwhite@hotmail.co.uk"),
        *gmail("jbrown1988@gmail.com"),
        ("email", "kate.morris@outlook.com"),
    },
    recall_only={("credential", "drwhite@hotmail.co.uk:Bluebell#12")},
)

case(
    "english_prose_dox",
    (
        "OK here's the guy who reported us. Name's Daniel Hughes, born 22 June 1979, lives in Leeds. "
        "Cell is +44 7911 123457, personal email danhughes79@hotmail.co.uk. He's openly gay and goes to "
        "a Methodist church every Sunday lol."
    ),
    {("dob", "1979-06-22"), ("phone", "+447911123457"), ("email", "danhughes79@hotmail.co.uk")},
    ["sexual_orientation", "religion"],
)

_card_us = luhn("414720283391", 16)
case(
    "us_fullz_cc_line",
    f"{_card_us}|08|2029|731|Megan Foster|1420 Oak St|Springfield|IL|62704|(217) 555-0143|meganf@yahoo.com|DOB 05/14/1991|SSN 318-62-9904",
    {("card", _card_us), ("email", "meganf@yahoo.com"), ("dob", "1991-05-14"), ("national_id", "US:318629904")},
)

case(
    "english_notes_article9",
    "\n".join(
        [
            "member_id,email,notes",
            "1001,tom.reid@mail.com,Union rep (Unite) - do not contact re: strike",
            "1002,ann.lowe@mail.com,Practising Muslim; halal meals only",
            "1003,raj.k@mail.com,Carrier of BRCA2 mutation per genetic test",
        ]
    ),
    {("email", "tom.reid@mail.com"), ("email", "ann.lowe@mail.com"), ("email", "raj.k@mail.com")},
    ["trade_union", "religion", "genetic", "health"],  # (a BRCA2 carrier: a disease risk, wave 31)
)

# ---------------------------------------------------------------- plain text with one line of HTML in it

_us_csv = CASES["us_patients_csv_mdy"]
case("dump_then_br_line", _us_csv.text + "\nok<br>", _us_csv.ids, _us_csv.cats)
case(
    "dump_then_html_table_snippet",
    _us_csv.text + "\n\nformat d'origine :\n<table><tr><td>PatientName</td><td>SSN</td></tr></table>",
    _us_csv.ids,
    _us_csv.cats,
)
case(
    "br_first_line_then_dumps",
    "ok<br>\n" + "\n\n".join(CASES[n].text for n in ("mutuelle_members_pipe", "nir_without_key_column", "sqlite_dump")),
    CASES["mutuelle_members_pipe"].ids | CASES["nir_without_key_column"].ids | CASES["sqlite_dump"].ids,
)
case(
    "dumps_then_html_post_pasted",
    CASES["markdown_table_post"].text + "\n\n" + _us_csv.text + "\n\n" + CASES["html_table_in_post"].text,
    CASES["markdown_table_post"].ids | _us_csv.ids | CASES["html_table_in_post"].ids,
    _us_csv.cats,
)


# ---------------------------------------------------------------- article 9 near misses (ids, no flag)

case(
    "near_miss_church_street_and_hospital_employer",
    "\n".join(
        [
            "nom;adresse;employeur;email",
            f"{B.last};4 rue de l'Église 69003 Lyon;Hôpital Édouard Herriot (service RH);{B.email}",
            f"{C.last};12 rue de la Santé 75013 Paris;Mutuelle Générale;{C.email}",
            f"{D.last};1 place de la Synagogue 67000 Strasbourg;Pharmacie Centrale;{D.email}",
        ]
    ),
    ids(B, C, D, fields="email"),
)

case(
    "near_miss_non_article9_notes",
    "\n".join(
        [
            "email,telephone,notes",
            f"{E.email},{fr_spaced(E.mobile)},RDV annulé : en vacances",
            f"{F.email},{fr_spaced(F.mobile)},Client fidèle - carte Gold",
            f"{G.email},{fr_spaced(G.mobile)},Préfère être rappelé après 18h",
        ]
    ),
    ids(E, F, G, fields="email mobile"),
)

case(
    "near_miss_not_declared",
    "\n".join(
        [
            "nom;email;religion;orientation",
            f"{H.last};{H.email};Non renseignée;Ne souhaite pas répondre",
            f"{I.last};{I.email};NC;NC",
        ]
    ),
    ids(H, I, fields="email"),
)

case(
    "appointment_dates_not_dob",
    "\n".join(
        [
            "email;telephone;date_rdv;date_creation",
            f"{J.email};{fr_spaced(J.mobile)};08/12/2026;03/11/2026",
            f"{A.email};{fr_spaced(A.mobile)};09/12/2026;12/10/1999",
        ]
    ),
    ids(J, A, fields="email mobile"),
)


# ---------------------------------------------------------------- negatives: nothing to find


def _bad_iban(value: str) -> str:
    return value[:2] + f"{(int(value[2:4]) + 1) % 100:02d}" + value[4:]


NEGATIVES.update(
    {
        "prose_breach_news": (
            "The French health-software vendor confirmed on Tuesday that an unauthorised party accessed a "
            "backup server. The company said 14 clinics were affected and that it notified the CNIL within "
            "72 hours, as article 33 of the GDPR requires. No patient has yet been contacted."
        ),
        "python_source": "\n".join(
            [
                "import re",
                "PHONE = re.compile(r'^0[1-9](\\d{2}){4}$')",
                "def check(n: int) -> bool:",
                "    return 10 <= n < 4_000_000_000",
                "RETRIES = 3",
                "TIMEOUT_MS = 1733270400",
                "print(check(612345678))",
            ]
        ),
        "nginx_access_log": "\n".join(
            f'10.0.{n}.17 - - [04/Dec/2026:21:{n:02d}:11 +0000] "GET /api/v2/practices/{4000 + n}/slots?date=2026-12-0{n % 9 + 1} HTTP/1.1" '
            f'200 {512 + n * 33} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" rt=0.0{n}2'
            for n in range(1, 8)
        ),
        "invoice_bad_checksums": "\n".join(
            [
                "FACTURE N° 2026-11-0042 du 30/11/2026",
                f"SIRET : {_clinic_siret[:-1]}{(int(_clinic_siret[-1]) + 1) % 10}",
                f"IBAN : {grouped(_bad_iban(A.iban))}",
                "Carte : 4970 1012 3456 7891",
                "Montant TTC : 1 240,00 EUR",
                "Échéance : 30/12/2026",
            ]
        ),
        "isbn_catalogue": "\n".join(
            [
                "ISBN;Titre;Prix",
                "978-2-07-036822-8;L'Étranger;7,40",
                "9782070368228;L'Étranger (poche);7,40",
                "978-2-253-00403-9;Le Comte de Monte-Cristo;9,90",
                "979-10-90648-52-4;Guide du patient;12,00",
            ]
        ),
        "parcel_tracking": "\n".join(
            [
                "Colis expédiés 03/12/2026:",
                "6A23456789012 - Colissimo",
                "1Z999AA10123456784 - UPS",
                "LP123456789FR - La Poste",
                "JJD000390007012345678 - DHL",
            ]
        ),
        "changelog_release_dates": "\n".join(
            [
                "## 4.2.1 - 12/07/1984 compat",
                "Released 05/03/2026.",
                "## 4.2.0 - 27/11/2025",
                "- Fix: the agenda export used 30/01/1950 as a default date",
                "## 4.1.9 - 14/02/2025",
            ]
        ),
        "git_log_hashes": "\n".join(
            [
                "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
                "Author: build-bot <ci>",
                "Date:   Fri Dec 4 20:01:33 2026",
                "    bump version",
                "",
                "commit e83c5163316f89bfbde7d9ab23ca2e25604af290",
                "Author: build-bot <ci>",
                "    md5 of artefact: 5d41402abc4b2a76b9719d911017c592",
            ]
        ),
        "uuids_and_macs": "\n".join(
            [
                "device_id,mac,firmware",
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301,00:1A:2B:3C:4D:5E,1.0.4",
                "6fa459ea-ee8a-3ca4-894e-db77e160355e,00:1A:2B:3C:4D:5F,1.0.4",
            ]
        ),
        "cip13_drug_catalogue": "\n".join(
            [
                "Code CIP13;Libellé;Prix public",
                "3400930000577;DOLIPRANE 1000MG CPR;2,18",
                "3400934998331;LEVOTHYROX 75MICROG CPR;2,90",
                "3400936403114;AMOXICILLINE 1G CPR;3,45",
            ]
        ),
        "epoch_millis_log": "\n".join(
            f"{1733270400000 + n * 60_013} worker-{n} heartbeat ok queue=0 lag_ms={n * 7}" for n in range(6)
        ),
        "stock_prices_csv": "\n".join(
            [
                "date,ticker,open,close,volume",
                "2026-12-01,ORPEA,1.02,1.05,1230044",
                "2026-12-02,ORPEA,1.05,1.01,987512",
                "2026-12-03,KORIAN,3.44,3.51,2210987",
            ]
        ),
        "postal_and_insee_codes": "\n".join(
            [
                "commune;code_postal;code_insee;population",
                "Ajaccio;20000;2A004;71361",
                "Bastia;20200;2B033;48503",
                "Lyon;69001;69381;522250",
            ]
        ),
        "geo_coordinates": "\n".join(
            ["site,lat,lon", "Clinique A,48.8566140,2.3522219", "Clinique B,43.2964820,5.3697800"]
        ),
        "order_numbers_and_versions": "\n".join(
            [
                "Commande 2026120400017 livrée",
                "Version 10.0.19045.3803",
                "Ticket INC0012345678 fermé",
                "Référence produit 3017620422003",
            ]
        ),
        "health_words_no_person": (
            "Journée mondiale de lutte contre le sida : dépistage gratuit du VIH samedi à la mairie, "
            "stand de la pride, conférence sur le diabète et la religion à l'hôpital."
        ),
        "css_and_hex_colors": "\n".join(
            [
                ".btn { color: #1a2b3c; margin: 0 12px; }",
                "@media (max-width: 1024px) { .grid { gap: 8px } }",
                "/* build 20261204 */",
            ]
        ),
        "us_invalid_ssn_and_555_fiction": "\n".join(
            [
                "Test fixture - do not use:",
                "SSN 000-12-3456",
                "SSN 666-12-3456",
                "SSN 912-34-5678",
                "Call 555-0100 for help",
            ]
        ),
        "iban_like_reference": "\n".join(
            ["Virement référence FR00 1234 5678 9012 3456 7890 123", "Mandat SEPA RUM: ++FR12ZZZ123456-2026-0001"]
        ),
        "sports_scores_dates": "\n".join(
            ["12/07/1998 France 3-0 Brésil", "15/07/2018 France 4-2 Croatie", "18/12/2022 Argentine 3-3 France"]
        ),
    }
)


# ---------------------------------------------------------------- what the detector misses today

# Found on both engines alike (2026-12-04, wave 23); one reason each, as seen from outside.
MISSED: frozenset[str] = frozenset(
    {
        "combolist_hash_plain",  # email:md5:plain (a cracked combo): no password_hash, hash:plain read as the password
        "corsica_nir_and_clinic_siret",  # "SIRET <14 digits>" on the line above the table's header: not found
        "ics_agenda_consultations",  # DESCRIPTION:Tél ... - né le ... - suivi VIH: no phone, no date of birth, no health
        "mysql_extended_insert_escapes",  # 'Allergie \\'pénicilline\\'' (escaped quotes) in a notes column: no health
        "pdf_extracted_label_value_lines",  # PDF text, label and value on alternate lines: no NIR, phone, DOB or health
        "stealer_passwords_txt",  # a NIR as the Username of ameli.fr in a stealer log: no nir
        "uk_gp_list_tsv",  # UK TSV: 07xxx xxxxxx mobiles (GB) and DoB dd/mm/yyyy not found
        "us_ehr_free_text_note",  # "DOB: 03/17/1968" (month first, unambiguous) and "major depressive disorder": missed
        "us_fullz_cc_line",  # one-line US fullz (card|mm|yyyy|cvv|name|...|email|DOB|SSN): no fragment at all
    }
)


# ---------------------------------------------------------------- the tests


def _found(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    frags = detect(text, key=KEY)
    idents = {(i.type, i.value) for f in frags for i in f.identifiers}
    cats = {s.category for f in frags for s in f.sensitive}
    return idents, cats


def _score(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str], set[str]]:
    """(missed identifiers, false identifiers, missed categories, false categories) of a case."""
    c = CASES[name]
    found, cats = _found(c.text)
    missed = (c.ids | c.recall_only) - found
    false = {x for x in found if x[0] in STRICT and x not in c.ids}
    return missed, false, c.cats - cats, cats - c.cats


def test_cases_are_well_formed() -> None:
    """The expected values are what the docs call canonical: checks computed here must hold."""
    for name, c in CASES.items():
        for t, v in c.ids:
            if t == "nir":
                assert len(v) == 15 and nir(v[:13]) == v, (name, v)
            elif t == "phone":
                assert phonenumbers.is_valid_number(phonenumbers.parse(v)), (name, v)
            elif t == "iban":
                assert iban(v[:2], v[4:]) == v, (name, v)
            elif t in ("card", "siret", "siren", "rpps"):
                assert luhn(v[:-1], len(v)) == v, (name, v)
            elif t == "email":
                assert v == v.lower() and "@" in v, (name, v)
            elif t == "dob":
                y, m, d = map(int, v.split("-"))
                assert 1900 < y < 2026 and 1 <= m <= 12 and 1 <= d <= 31, (name, v)
    assert 45 <= len(CASES) and 18 <= len(NEGATIVES)
    assert MISSED <= set(CASES) | set(NEGATIVES)


@pytest.mark.parametrize("name", sorted(set(CASES) - MISSED))
def test_positive(name: str) -> None:
    missed, false, missed_cats, false_cats = _score(name)
    problems = {
        "missed": sorted(missed),
        "false": sorted(false),
        "missed art. 9": sorted(missed_cats),
        "false art. 9": sorted(false_cats),
    }
    assert not any(problems.values()), problems


def _negative_finds(name: str) -> tuple[list[tuple[str, str]], list[str]]:
    found, cats = _found(NEGATIVES[name])
    return sorted(x for x in found if x[0] in STRICT or x[0] in ("credential", "password_hash")), sorted(cats)


@pytest.mark.parametrize("name", sorted(set(NEGATIVES) - MISSED))
def test_negative(name: str) -> None:
    assert _negative_finds(name) == ([], [])


@pytest.mark.parametrize("name", sorted(MISSED))
def test_missed(name: str) -> None:
    """Left as found (listed above): when one passes, move it out of MISSED."""
    if name in NEGATIVES:
        assert _negative_finds(name) != ([], [])
    else:
        assert any(_score(name))


def tally(cases: Mapping[str, Any], negatives: Iterable[str], score: Callable[[str], Any],
          negative_finds: Callable[[str], tuple[list[Any], list[Any]]]) -> dict[str, float]:
    """Recall and precision over a set (identifiers, then article 9 categories), per engine in use;
    sets 3b and 3c are tallied by it too. A case's `recall_only` identifiers count when found."""
    tp = fn = fp = ctp = cfn = cfp = 0
    for name, c in cases.items():
        missed, false, mc, fc = score(name)
        tp += len((c.ids | getattr(c, "recall_only", frozenset())) - missed)
        fn += len(missed)
        fp += len(false)
        ctp += len(c.cats - mc)
        cfn += len(mc)
        cfp += len(fc)
    for name in negatives:
        strict, cats = negative_finds(name)
        fp += len(strict)
        cfp += len(cats)
    return {
        "recall": tp / (tp + fn),
        "precision": tp / (tp + fp),
        "art9_recall": ctp / max(1, ctp + cfn),
        "art9_precision": ctp / max(1, ctp + cfp),
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "ctp": ctp,
        "cfn": cfn,
        "cfp": cfp,
    }


def report(cases: Mapping[str, Any], negatives: Iterable[str], score: Callable[[str], Any],
           negative_finds: Callable[[str], tuple[list[Any], list[Any]]]) -> None:
    """What `python -m` on a set prints: each case not found as written, then the tallies."""
    for name in sorted(cases):
        missed, false, mc, fc = score(name)
        if missed or false or mc or fc:
            print(f"{name}: missed {sorted(missed)} false {sorted(false)} art9 missed {sorted(mc)} false {sorted(fc)}")
    for name in sorted(negatives):
        if negative_finds(name) != ([], []):
            print(f"{name}: false {negative_finds(name)}")
    s = tally(cases, negatives, score, negative_finds)
    print(
        f"identifiers: recall {s['tp']}/{s['tp'] + s['fn']} = {s['recall']:.3f}, precision {s['tp']}/{s['tp'] + s['fp']} "
        f"= {s['precision']:.3f}; article 9: recall {s['ctp']}/{s['ctp'] + s['cfn']} = {s['art9_recall']:.3f}, "
        f"precision {s['ctp']}/{s['ctp'] + s['cfp']} = {s['art9_precision']:.3f}"
    )


def scores() -> dict[str, float]:
    return tally(CASES, NEGATIVES, _score, _negative_finds)


def test_set3_scores() -> None:
    """Floors at what was measured when the set was written (both engines alike): a regression fails."""
    s = scores()
    assert s["recall"] >= 0.76 and s["precision"] >= 0.98, s
    assert s["art9_recall"] >= 0.80 and s["art9_precision"] >= 0.92, s


def main() -> None:
    report(CASES, NEGATIVES, _score, _negative_finds)


if __name__ == "__main__":
    main()
