# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 3, third batch: imaging and hospital formats (DICOM header dumps, CDA), messaging and
marketing exports, checkers' hits, lookup-bot answers, search-engine and key-value store dumps, and the
neighbours' shapes a French vendor's customers would leak too (Belgium, Spain, Germany, Australia).

Written apart from the detector like set 3 and its second batch, whose people, checksums and scoring
this reuses (`tests/test_detect_blind_probe_set3b.py`: `maybe` may be found or not).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from tests.test_detect_blind_probe_set3 import (
    STRICT,
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    fr_date,
    fr_spaced,
    grouped,
    iban,
    ids,
    report,
    tally,
)
from tests.test_detect_blind_probe_set3b import Case, _found_in

CASES: dict[str, Case] = {}
NEGATIVES: dict[str, str] = {}


def case(
    name: str,
    data: str | bytes,
    idents: Iterable[tuple[str, str]] = (),
    cats: Iterable[str] = (),
    maybe: Iterable[tuple[str, str]] = (),
) -> None:
    assert name not in CASES
    CASES[name] = Case(data, frozenset(idents), frozenset(cats), None, frozenset(maybe))


def be_nn(yymmdd: str, serial: str, born_2000: bool = False) -> str:
    """A Belgian national number (11 digits): 97 - (first nine mod 97), 2 prefixed after 2000."""
    base = int(("2" if born_2000 else "") + yymmdd + serial)
    return f"{yymmdd}{serial}{97 - base % 97:02d}"


def es_dni(num: str) -> str:
    return num + "TRWAGMYFPDXBNJZSQVHLCKE"[int(num) % 23]


# Imaging and hospital formats -----------------------------------------------------------------------

case(
    "dicom_header_dump",
    "\n".join(
        line
        for p in (A, B)
        for line in (
            "# Dicom-File-Format",
            "# Dicom-Meta-Information-Header",
            "(0008,0020) DA [20261130]                               #   8, 1 StudyDate",
            "(0008,1030) LO [IRM CEREBRALE SANS INJECTION]           #  28, 1 StudyDescription",
            f"(0010,0010) PN [{p.last.upper()}^{p.first.upper()}]                       #  14, 1 PatientName",
            f"(0010,0020) LO [{p.nir}]                       #  16, 1 PatientID",
            f"(0010,0030) DA [{p.dob.replace('-', '')}]                               #   8, 1 PatientBirthDate",
            f"(0010,2154) SH [{p.mobile[3:].rjust(10, '0')}]                             #  10, 1 PatientTelephoneNumbers",
            "",
        )
    ),
    ids(A, B, fields="nir dob mobile"),
    ["health"],
)

case(
    "cda_document_telecom_uris",
    "\n".join(
        [
            '<ClinicalDocument xmlns="urn:hl7-org:v3">',
            "<recordTarget><patientRole>",
            f'<id root="1.2.250.1.213.1.4.8" extension="{C.nir}"/>',
            f'<telecom value="tel:{C.mobile}" use="MC"/><telecom value="mailto:{C.email}"/>',
            "<patient>",
            f"<name><given>{C.first}</given><family>{C.last}</family></name>",
            f'<birthTime value="{C.dob.replace("-", "")}"/>',
            "</patient></patientRole></recordTarget>",
            "<component><section><title>Diagnostic</title><text>Sclérose en plaques, poussée en novembre</text></section></component>",
            "</ClinicalDocument>",
        ]
    ),
    ids(C, fields="nir mobile email dob"),
    ["health"],
)

case(
    "sms_reminder_gateway_log",
    "\n".join(
        f'2026-12-03 08:00:0{n} [sms-out] to={p.mobile} status=DELIVERED body="Rappel : RDV demain {h} avec Dr Roux (gynécologie). Répondez STOP"'
        for n, (p, h) in enumerate(((D, "9h30"), (E, "10h"), (F, "11h15")))
    ),
    ids(D, E, F, fields="mobile"),
    ["health"],
)

case(
    "brevo_marketing_export",
    "\n".join(
        [
            "EMAIL,NOM,PRENOM,SMS,DATE_DE_NAISSANCE,DOUBLE_OPT-IN",
            *(f"{p.email},{p.last.upper()},{p.first},{p.mobile[1:]},{p.dob},Yes" for p in (G, H, I)),
        ]
    ),
    ids(G, H, I, fields="email mobile dob"),
)

case(
    "checker_hits_with_capture",
    "\n".join(
        [
            "==== Ameli checker by x0x - HITS ====",
            *(
                f"[HIT] {p.email}:{p.first.lower()}{p.dob[:4]} | Nom = {p.last.upper()} | Naissance = {fr_date(p.dob)} | Tel = {fr_spaced(p.mobile)}"
                for p in (J, A)
            ),
        ]
    ),
    ids(J, A, fields="email dob mobile"),
    maybe={("credential", f"{J.email}:{J.first.lower()}{J.dob[:4]}")},
)

case(
    "lookup_bot_answer_emoji",
    "\n".join(
        [
            f"🔎 Résultat pour {fr_spaced(B.mobile)} :",
            f"👤 Nom : {B.last.upper()} {B.first}",
            f"📅 Naissance : {fr_date(B.dob)}",
            f"📧 Email : {B.email}",
            "🏠 Adresse : 4 rue de l'Église, 69003 Lyon",
            f"💳 IBAN : {grouped(B.iban)}",
            "🏥 Mutuelle : MGEN, ALD diabète",
        ]
    ),
    ids(B, fields="mobile dob email iban"),
    ["health"],
)

case(
    "doxbin_plus_block",
    "\n".join(
        [
            "                 ╔══════════════════════╗",
            "                 ║     DOX - a skid     ║",
            "                 ╚══════════════════════╝",
            f"[+] Name: {C.first} {C.last}",
            f"[+] DOB: {fr_date(C.dob)}",
            f"[+] Phone: {C.mobile}",
            f"[+] Email: {C.email}",
            "[+] IP: 203.0.113.77",
            "[+] ISP: Free SAS",
            f"[+] Social Security: {C.nir}",
            "[+] Religion: muslim (mosque of Marseille)",
        ]
    ),
    ids(C, fields="mobile dob email nir"),
    ["religion"],
)

case(
    "elasticsearch_scroll_dump",
    "\n".join(
        json.dumps(
            {
                "_index": "patients-2026",
                "_id": f"p{n}",
                "_score": 1.0,
                "_source": {
                    "identite": {"nom": p.last, "prenom": p.first, "date_naissance": p.dob},
                    "contact": {"mail": p.email, "mobile": fr_spaced(p.mobile)},
                    "ins": p.nir,
                },
            },
            ensure_ascii=False,
        )
        for n, p in ((1, D), (2, E))
    ),
    ids(D, E),
)

case(
    "redis_hset_dump",
    "\n".join(
        f'HSET patient:{n} email "{p.email}" phone "{p.mobile}" dob "{p.dob}" nir "{p.nir}"'
        for n, p in ((41, F), (42, G))
    ),
    ids(F, G),
)

case(
    "graphql_response",
    json.dumps(
        {
            "data": {
                "searchPatients": {
                    "edges": [
                        {
                            "node": {
                                "__typename": "Patient",
                                "fullName": f"{p.first} {p.last}",
                                "birthDate": p.dob,
                                "phoneNumbers": [{"number": p.mobile, "kind": "MOBILE"}],
                                "emails": [p.email],
                            }
                        }
                        for p in (H, I)
                    ]
                }
            }
        }
    ),
    ids(H, I, fields="email mobile dob"),
)

case(
    "quoted_name_angle_email",
    "\n".join(
        [
            '"Patient","Contact","Portable"',
            *(
                f'"{p.last.upper()} {p.first}","{p.first} {p.last} <{p.email}>","+33 {p.mobile[3]} {p.mobile[4:6]} {p.mobile[6:8]} {p.mobile[8:10]} {p.mobile[10:]}"'
                for p in (J, A)
            ),
        ]
    ),
    ids(J, A, fields="email mobile"),
)

case(
    "fullz_blocks_dashes",
    "\n".join(
        line
        for p in (D, E)
        for line in (
            "-" * 30,
            f"Nom : {p.last.upper()}",
            f"Prénom : {p.first}",
            f"Date de naissance : {fr_date(p.dob)}",
            f"Numéro de sécurité sociale : {p.nir}",
            "Carte Vitale : oui",
            f"IBAN : {p.iban}",
            f"Téléphone : {fr_spaced(p.mobile)}",
        )
    ),
    ids(D, E, fields="dob nir iban mobile"),
)

# Neighbours -------------------------------------------------------------------------------------------

_be1, _be2 = be_nn("840712", "123"), be_nn("010203", "456", born_2000=True)
case(
    "belgian_patients_mixed_phones",
    "\n".join(
        [
            "nom,prenom,email,numero_national,gsm",
            f"Peeters,Jan,jan.peeters@telenet.be,{_be1[:2]}.{_be1[2:4]}.{_be1[4:6]}-{_be1[6:9]}.{_be1[9:]},+32 470 12 34 56",
            f"Janssens,Marie,marie.janssens@skynet.be,{_be2[:2]}.{_be2[2:4]}.{_be2[4:6]}-{_be2[6:9]}.{_be2[9:]},0470 12 34 57",
        ]
    ),
    {
        ("email", "jan.peeters@telenet.be"),
        ("email", "marie.janssens@skynet.be"),
        ("national_id", f"BE:{_be1}"),
        ("national_id", f"BE:{_be2}"),
        ("phone", "+32470123456"),
        ("phone", "+32470123457"),
    },
    maybe={("dob", "1984-07-12"), ("dob", "2001-02-03")},
)

case(
    "spanish_clinic_dni",
    "\n".join(
        [
            "nombre;apellidos;dni;fecha_nacimiento;movil;email",
            f"Lucía;García Pérez;{es_dni('48273615')};14/02/1987;612 345 678;lucia.garcia87@telefonica.net",
            f"Javier;López Ruiz;{es_dni('50918273')};03/10/1979;+34 623 456 789;jlopezruiz@yahoo.es",
        ]
    ),
    {
        ("national_id", f"ES:{es_dni('48273615')}"),
        ("national_id", f"ES:{es_dni('50918273')}"),
        ("dob", "1987-02-14"),
        ("dob", "1979-10-03"),
        ("phone", "+34612345678"),
        ("phone", "+34623456789"),
        ("email", "lucia.garcia87@telefonica.net"),
        ("email", "jlopezruiz@yahoo.es"),
    },
)

_de1, _de2 = iban("DE", "370400440532013000"), iban("DE", "500105175407324931")
case(
    "german_kasse_members",
    "\n".join(
        [
            "Name;Vorname;Geburtsdatum;Telefon;E-Mail;IBAN;Diagnose",
            f"Müller;Stefan;12.07.1984;+49 1512 3456789;stefan.mueller84@web.de;{grouped(_de1)};Depression",
            f"Schmidt;Anna;30.01.1950;0151 23456780;anna.schmidt@gmx.de;{grouped(_de2)};",
        ]
    ),
    {
        ("dob", "1984-07-12"),
        ("dob", "1950-01-30"),
        ("phone", "+4915123456789"),
        ("phone", "+4915123456780"),
        ("email", "stefan.mueller84@web.de"),
        ("email", "anna.schmidt@gmx.de"),
        ("iban", _de1),
        ("iban", _de2),
    },
    ["health"],
)

case(
    "australian_clinic_list",
    "\n".join(
        [
            "Patient,DOB,Mobile,Email,Notes",
            "Jack Wilson,05/06/1990,0412 345 678,jack.wilson90@bigpond.com,Type 1 diabetic",
            "Chloe Taylor,22/08/1985,+61 412 345 679,chloe.t85@optusnet.com.au,",
        ]
    ),
    {
        ("dob", "1990-06-05"),
        ("dob", "1985-08-22"),
        ("phone", "+61412345678"),
        ("phone", "+61412345679"),
        ("email", "jack.wilson90@bigpond.com"),
        ("email", "chloe.t85@optusnet.com.au"),
    },
    ["health"],
)


NEGATIVES.update(
    {
        "dicom_anonymised_header": "\n".join(
            [
                "(0008,0020) DA [20261130]                               #   8, 1 StudyDate",
                "(0010,0010) PN [ANONYMOUS]                              #  10, 1 PatientName",
                "(0010,0020) LO [ANON-0001]                              #  10, 1 PatientID",
                "(0010,0030) DA (no value available)                     #   0, 0 PatientBirthDate",
                "(0018,0050) DS [1.2]                                    #   4, 2 SliceThickness",
            ]
        ),
        "activity_report_aggregates": "\n".join(
            [
                "Rapport d'activité 2026;Consultations;Téléconsultations;Taux VIH dépistés",
                "Janvier;1 204;312;0,4 %",
                "Février;1 118;298;0,3 %",
                "Total;2 322;610;0,35 %",
            ]
        ),
        "bank_statement_totals": "\n".join(
            [
                "Date;Libellé;Débit;Crédit",
                "01/12/2026;VIR SEPA LOYER;1 250,00;",
                "02/12/2026;CB PHARMACIE;23,40;",
                "03/12/2026;REMBOURSEMENT CPAM;;18,20",
                "Solde au 03/12/2026;;;12 345 678,90",
            ]
        ),
        "train_timetable": "\n".join(
            [
                "Train;Départ;Arrivée;Voie",
                "TGV 6611;06:12;08:14;3",
                "TER 864512;07:45;09:02;A",
                "TGV 6613;08:12;10:14;5",
            ]
        ),
        "semver_and_build_numbers": "\n".join(
            [
                "medisoft-agent 12.4.0612345678 (build 0612345678)",
                "libssl 3.0.13-0ubuntu3.4",
                "kernel 6.8.0-49-generic #49~22.04.1",
            ]
        ),
        "hotline_poster": (
            "En cas d'urgence composez le 15 (SAMU) ou le 112. Sida Info Service : 0 800 840 800 (appel gratuit, 24h/24). "
            "Fil Santé Jeunes : 0 800 235 236."
        ),
    }
)


# Machine data with numbers that look like identifiers (precision at scale) ----------------------------
NEGATIVES.update(
    {
        "products_mysqldump": "CREATE TABLE `products` (\n  `id` int NOT NULL,\n  `sku` varchar(32),\n  `ean13` char(13),\n  `price` decimal(10,2),\n  `created_at` date\n);\nINSERT INTO `products` VALUES (1,'SKU-0612345678','3017620422003',4.99,'1984-07-12'),(2,'SKU-0712345678','5449000000996',1.20,'1999-01-31'),(3,'SKU-0145678912','3274080005003',2.35,'2001-09-08');\n",
        "iot_sensor_csv": "ts,device,lat,lon,temp\n"
        + "\n".join(
            f"2026-12-04T10:0{n}:00Z,dev-{n},{48.85 + n / 1000:.7f},{2.35 + n / 1000:.7f},{19.5 + n / 10:.1f}"
            for n in range(5)
        ),
        "gps_track_gpx": "<gpx><trk><trkseg>"
        + "".join(
            f'<trkpt lat="{45.7640 + n / 10000:.7f}" lon="{4.8357 + n / 10000:.7f}"><time>2026-12-04T10:0{n}:00Z</time></trkpt>'
            for n in range(5)
        )
        + "</trkseg></trk></gpx>",
        "dicom_uids": "\n".join(
            f"(0020,000D) UI [1.2.840.113619.2.55.3.6046881{n}.{n}84.1733270400.{n}]" for n in range(4)
        ),
        "snmp_walk_counters": "\n".join(
            f"IF-MIB::ifInOctets.{n} = Counter32: {612345678 + n * 1111}" for n in range(5)
        ),
        "k8s_yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: medisoft-api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: api\n        image: registry.local/medisoft/api:2026.12.04-0612345678\n        ports:\n        - containerPort: 8080\n",
        "python_traceback": 'Traceback (most recent call last):\n  File "/srv/app/booking.py", line 612, in create\n    slot = Slot.objects.get(pk=1733270400123)\nDoesNotExist: Slot matching query does not exist. (request id 0612345678abcdef)',
        "windows_event_log": "\n".join(
            f"{n:02d}/12/2026 10:0{n}:00;Information;Service Control Manager;7036;Le service Windows Update est entré dans l'état : en cours d'exécution.;{4000 + n}"
            for n in range(1, 6)
        ),
        "stock_levels_semicolon": "code_article;libelle;stock;seuil;date_peremption\n"
        + "\n".join(
            f"34009{300000 + n * 12345:08d};COMPRESSES STERILES 10X10;{n * 12};20;{n + 1:02d}/0{n + 1}/2028"
            for n in range(5)
        ),
        "ohlc_prices_json": '[{"t":1733270400000,"o":"97123.45","h":"97611.02","l":"96900.10","c":"97300.00","v":"1234.5678"},{"t":1733356800000,"o":"97300.00","h":"98012.55","l":"97001.00","c":"97950.12","v":"1101.2233"}]',
        "lab_qc_instrument_log": "\n".join(
            f"QC;ARCHITECT-i2000SR;LOT 0612{n}45;{n + 1:02d}.12.2026;HIV Ag/Ab Combo;S/CO 0.{n}2;PASS" for n in range(5)
        ),
        "forum_prices_post": "Vends accès RDP 0.012 BTC, bases clients e-commerce 2026 : 120k lignes pour 350 €, 1.2M lignes 2 500 €. Contact via tox 56A8C7B9D0E1F2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7081",
    }
)

# Found on both engines alike (2026-12-04, wave 23); one reason each, as seen from outside.
MISSED: frozenset[str] = frozenset(
    {
        "checker_hits_with_capture",  # "[HIT] mail:pass | Nom = X | Naissance = dd/mm/yyyy | Tel = ...": nothing
        "dicom_header_dump",  # dcmdump lines (PatientID, PatientBirthDate, PatientTelephoneNumbers): nothing, no health
        "german_kasse_members",  # "Depression" under a German "Diagnose" column: no health
        "sms_reminder_gateway_log",  # to=+33... in a gateway log: no phone; "RDV ... (gynécologie)": no health
    }
)


def _score(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str], set[str]]:
    c = CASES[name]
    found, cats = _found_in([(c.data, None)])
    return (
        c.ids - found,
        {x for x in found if x[0] in STRICT and x not in c.ids | c.maybe},
        c.cats - cats,
        cats - c.cats,
    )


def _negative_finds(name: str) -> tuple[list[tuple[str, str]], list[str]]:
    found, cats = _found_in([(NEGATIVES[name], None)])
    return sorted(x for x in found if x[0] in STRICT or x[0] in ("credential", "password_hash")), sorted(cats)


def test_cases_are_well_formed() -> None:
    assert len(CASES) >= 15 and len(NEGATIVES) >= 5
    assert MISSED <= set(CASES) | set(NEGATIVES)
    assert be_nn("930425", "026")[-2:] == f"{97 - 930425026 % 97:02d}"
    assert es_dni("12345678") == "12345678Z"


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


def scores() -> dict[str, float]:
    return tally(CASES, NEGATIVES, _score, _negative_finds)


def test_set3c_scores() -> None:
    """Floors at what was measured when the batch was written (both engines alike): a regression fails."""
    s = scores()
    assert s["recall"] >= 0.75 and s["precision"] >= 0.90, s
    assert s["art9_recall"] >= 0.57 and s["art9_precision"] >= 0.99, s


def main() -> None:
    report(CASES, NEGATIVES, _score, _negative_finds)


if __name__ == "__main__":
    main()
