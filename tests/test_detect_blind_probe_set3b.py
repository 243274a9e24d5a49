# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 3, second batch: US/UK medical shapes, article 9 lists by their purpose, PDF/DOCX and
XLSX attachments read as `vigie scan` reads them, text laid out as pdftotext and Word leave it, and a
leak split across several posts (each post detected alone, as a crawl does).

Written apart from the detector like set 3 (`tests/test_detect_blind_probe_set3.py`, whose people,
checksums and scoring it reuses). `maybe` holds what may be found or not without counting either way
(a date in rows that lost their header). Attachments go through `crawler.attachments.expand_attachment`
then `detect` per member, as `vigie scan FILE` does.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest

from crawler.attachments import expand_attachment
from indexer.detect import detect
from tests.test_detect_blind_probe_set3 import (
    KEY,
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
    gmail,
    grouped,
    ids,
    luhn,
    report,
    spaced_nir,
    tally,
    us_date,
)
from vigie.config.schema import AttachmentLimits

# ---------------------------------------------------------------- attachments built here


def make_docx(paragraphs: Iterable[str], table: list[list[str]]) -> bytes:
    """A minimal WordprocessingML document: paragraphs, then one table."""

    def esc(t: str) -> str:
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def para(t: str) -> str:
        return f'<w:p><w:r><w:t xml:space="preserve">{esc(t)}</w:t></w:r></w:p>'

    rows = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in table)
    body = "".join(para(p) for p in paragraphs) + f"<w:tbl>{rows}</w:tbl>"
    doc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def make_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF whose pages hold text runs placed at (x, y), Helvetica in WinAnsi, as report generators write."""

    def esc(t: str) -> bytes:
        return t.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    objs: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, runs in enumerate(pages):
        stream = b"".join(b"BT /F1 9 Tf 1 0 0 1 %.1f %.1f Tm (" % (x, y) + esc(t) + b") Tj ET\n" for x, y, t in runs)
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    data: str | bytes
    ids: frozenset[tuple[str, str]]
    cats: frozenset[str]
    filename: str | None  # an attachment: unpacked as `vigie scan` does
    maybe: frozenset[tuple[str, str]]


CASES: dict[str, Case] = {}
NEGATIVES: dict[str, str] = {}


def case(
    name: str,
    data: str | bytes,
    idents: Iterable[tuple[str, str]] = (),
    cats: Iterable[str] = (),
    filename: str | None = None,
    maybe: Iterable[tuple[str, str]] = (),
) -> None:
    assert name not in CASES
    CASES[name] = Case(data, frozenset(idents), frozenset(cats), filename, frozenset(maybe))


def e164us(digits: str) -> str:
    return "+1" + digits


# US / UK medical --------------------------------------------------------------------------------------

case(
    "us_x12_837_claim",
    "~\n".join(
        [
            "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261201*1030*^*00501*000000905*0*P*:",
            "GS*HC*SUBMITTER*RECEIVER*20261201*1030*905*X*005010X222A1",
            "ST*837*0001*005010X222A1",
            "NM1*IL*1*CARTER*JOHN****MI*W123456789",
            "N3*1420 OAK ST",
            "N4*SPRINGFIELD*IL*62704",
            "DMG*D8*19750730*M",
            "PER*IC*JOHN CARTER*TE*3126294412*EM*jcarter1975@aol.com",
            "CLM*A37YH556*500***11:B:1*Y*A*Y*I",
            "HI*ABK:B20*ABF:Z21",
            "SE*12*0001",
        ]
    )
    + "~",
    {("dob", "1975-07-30"), ("phone", "+13126294412"), ("email", "jcarter1975@aol.com")},
    ["health"],
)

case(
    "us_patient_portal_json",
    json.dumps(
        {
            "patients": [
                {
                    "mrn": "00482913",
                    "name": {"first": "Kevin", "last": "Walsh"},
                    "dateOfBirth": "1968-03-17",
                    "ssn": "521-44-7821",
                    "contact": {"mobile": "(312) 629-4415", "email": "kwalsh68@yahoo.com"},
                    "problemList": ["Bipolar I disorder", "Hypertension"],
                },
                {
                    "mrn": "00482914",
                    "name": {"first": "Linda", "last": "Hayes"},
                    "dateOfBirth": "1982-11-23",
                    "ssn": "078-31-4410",
                    "contact": {"mobile": "(312) 629-4416", "email": "lhayes@comcast.net"},
                    "problemList": [],
                },
            ]
        },
        indent=2,
    ),
    {
        ("dob", "1968-03-17"),
        ("dob", "1982-11-23"),
        ("national_id", "US:521447821"),
        ("national_id", "US:078314410"),
        ("phone", "+13126294415"),
        ("phone", "+13126294416"),
        ("email", "kwalsh68@yahoo.com"),
        ("email", "lhayes@comcast.net"),
    },
    ["health"],
)

case(
    "us_pharmacy_rx_csv",
    "\n".join(
        [
            "Rx#,Patient,DOB,Phone,Drug,Qty,Prescriber NPI",
            f'RX8812301,"Foster, Megan",{us_date("1991-05-14")},(217) 629-4417,BIKTARVY 50-200-25MG TAB,30,1457389201',
            f'RX8812302,"Nguyen, Thomas",{us_date("1964-12-30")},(217) 629-4418,ATORVASTATIN 40MG TAB,90,1457389201',
        ]
    ),
    {("dob", "1991-05-14"), ("dob", "1964-12-30"), ("phone", "+12176294417"), ("phone", "+12176294418")},
    ["health"],
)

case(
    "uk_referral_letter_text",
    "\n".join(
        [
            "Dear Dr Okafor,",
            "",
            "Re: Mrs Jane Whitfield, DOB 12/03/1961, NHS No 943 476 5919",
            "14 Mill Lane, Harrogate HG1 2AB. Tel 07911 123458. Email jane.whitfield61@btinternet.com",
            "",
            "I saw this lady in clinic today. She has a long history of bipolar affective disorder and is",
            "currently stable on lithium.",
            "",
            "Yours sincerely,",
            "Dr A. Shah, Consultant Psychiatrist",
        ]
    ),
    {("dob", "1961-03-12"), ("phone", "+447911123458"), ("email", "jane.whitfield61@btinternet.com")},
    ["health"],
)

case(
    "dating_site_dump_orientation",
    "\n".join(
        [
            "user_id,username,email,birthdate,gender,looking_for,bio",
            '88121,tom_leeds,tom.leeds88@hotmail.co.uk,1988-04-02,man,men,"gay, not out at work"',
            '88122,sam_b,sam.b.91@yahoo.co.uk,1991-10-19,woman,women,"lesbian, love hiking"',
        ]
    ),
    {
        ("email", "tom.leeds88@hotmail.co.uk"),
        ("email", "sam.b.91@yahoo.co.uk"),
        ("dob", "1988-04-02"),
        ("dob", "1991-10-19"),
    },
    ["sexual_orientation"],
)

# Article 9 by a list's purpose ------------------------------------------------------------------------

case(
    "parish_list_religion",
    "\n".join(
        [
            "nom;prenom;email;telephone;confession;sacrement",
            f"{A.last};{A.first};{A.email};{fr_spaced(A.mobile)};catholique;confirmation 2026",
            f"{B.last};{B.first};{B.email};{fr_spaced(B.mobile)};protestante;baptême adulte",
        ]
    ),
    ids(A, B, fields="email mobile"),
    ["religion"],
)

case(
    "union_members_export",
    "\n".join(
        [
            "matricule;nom;email;portable;syndicat;section",
            f"S-4410;{C.last};{C.email};{fr_spaced(C.mobile)};CGT Santé;CHU Nord",
            f"S-4411;{D.last};{D.email};{fr_spaced(D.mobile)};SUD Santé Sociaux;CHU Nord",
        ]
    ),
    ids(C, D, fields="email mobile"),
    ["trade_union"],
)

case(
    "party_members_export",
    "\n".join(
        [
            "adherent_id,nom,email,telephone,parti,cotisation",
            f"77120,{E.last},{E.email},{fr_spaced(E.mobile)},Rassemblement National,2026",
            f"77121,{F.last},{F.email},{fr_spaced(F.mobile)},La France insoumise,2026",
        ]
    ),
    ids(E, F, fields="email mobile"),
    ["political_opinion"],
)

case(
    "dna_ancestry_export",
    "\n".join(
        [
            "profile_id,email,birth_year_full,ancestry_summary,health_report",
            'p-9912,rachel.cohen82@gmail.com,1982-06-09,"48.2% Ashkenazi Jewish, 31% British & Irish","BRCA1 185delAG carrier"',
        ]
    ),
    {*gmail("rachel.cohen82@gmail.com"), ("dob", "1982-06-09")},
    ["ethnic_origin", "genetic"],
)

case(
    "biometric_templates_table",
    "\n".join(
        [
            "badge;nom;email;empreinte_digitale_template",
            f"B001;{G.last};{G.email};" + base64.b64encode(bytes(range(40, 88))).decode(),
            f"B002;{H.last};{H.email};" + base64.b64encode(bytes(range(90, 138))).decode(),
        ]
    ),
    ids(G, H, fields="email"),
    ["biometric"],
)

# Text laid out as pdftotext -layout and Word leave it -------------------------------------------------

case(
    "pdftotext_layout_two_pages",
    "\n".join(
        [
            "                         CENTRE HOSPITALIER DE LA VALLÉE - LISTE DES ENTRÉES",
            "                                                                         Page 1 sur 2",
            "  Nom              Prénom        Né(e) le      N° sécurité sociale       Téléphone",
            f"  {I.last.upper():<16} {I.first:<13} {fr_date(I.dob):<13} {spaced_nir(I.nir):<25} {fr_spaced(I.mobile)}",
            f"  {J.last.upper():<16} {J.first:<13} {fr_date(J.dob):<13} {spaced_nir(J.nir):<25} {fr_spaced(J.mobile)}",
            "",
            "\f                         CENTRE HOSPITALIER DE LA VALLÉE - LISTE DES ENTRÉES",
            "                                                                         Page 2 sur 2",
            "  Nom              Prénom        Né(e) le      N° sécurité sociale       Téléphone",
            f"  {A.last.upper():<16} {A.first:<13} {fr_date(A.dob):<13} {spaced_nir(A.nir):<25} {fr_spaced(A.mobile)}",
        ]
    ),
    ids(I, J, A, fields="mobile dob nir"),
)

case(
    "word_table_cells_one_per_line",
    "\n".join(
        [
            "Liste des patients suivis - CONFIDENTIEL",
            "",
            "Nom",
            "Prénom",
            "Date de naissance",
            "Email",
            "",
            *(line for p in (B, C) for line in (p.last, p.first, fr_date(p.dob), p.email, "")),
        ]
    ),
    ids(B, C, fields="email dob"),
)

case(
    "mail_merge_letters_formfeed",
    "\f".join(
        "\n".join(
            [
                f"Madame, Monsieur {p.first} {p.last.upper()}",
                "12 rue des Écoles",
                "75005 Paris",
                "",
                "Objet : rappel de votre rendez-vous de dépistage",
                f"Né(e) le : {fr_date(p.dob)}",
                f"N° de sécurité sociale : {spaced_nir(p.nir)}",
                "",
                "Veuillez agréer...",
            ]
        )
        for p in (D, E)
    ),
    ids(D, E, fields="dob nir"),
    ["health"],
)

case(
    "ordonnance_text",
    "\n".join(
        [
            "Docteur Hélène VASSEUR",
            "Médecine générale",
            f"RPPS : {luhn('1000231', 11)}   ADELI : {luhn('75103', 9)}",
            "",
            "Le 04/12/2026",
            "",
            f"Mme {F.first} {F.last.upper()}, née le {fr_date(F.dob)}",
            "",
            "TRUVADA 200 mg/245 mg : 1 cp par jour pendant 30 jours",
            "Sérologie VIH de contrôle dans 3 mois",
        ]
    ),
    {("rpps", luhn("1000231", 11)), ("adeli", luhn("75103", 9)), ("dob", F.dob)},
    ["health"],
)

case(
    "nir_body_and_key_apart",
    "\n".join(
        [
            "Bénéficiaire;N° INSEE;Clé;Né le",
            *(f"{p.last} {p.first};{p.nir[:13]};{p.nir[13:]};{fr_date(p.dob)}" for p in (G, H)),
        ]
    ),
    ids(G, H, fields="nir dob"),
)

# Dates and phones as spreadsheets and libraries leave them ---------------------------------------------


def _excel_serial(iso: str) -> int:
    return (date.fromisoformat(iso) - date(1899, 12, 30)).days


case(
    "excel_serial_dates_in_csv",
    "\n".join(
        [
            "Nom;Prénom;Date de naissance;Téléphone",
            *(f"{p.last};{p.first};{_excel_serial(p.dob)};{fr_spaced(p.mobile)}" for p in (I, J)),
        ]
    ),
    ids(I, J, fields="mobile dob"),
)

case(
    "pandas_datetime_dob",
    "\n".join(
        [
            ",nom,email,date_naissance",
            *(f"{n},{p.last},{p.email},{p.dob} 00:00:00" for n, p in enumerate((A, B, C))),
        ]
    ),
    ids(A, B, C, fields="email dob"),
)

case(
    "french_short_month_dob",
    "\n".join(
        [
            "Nom;DDN;Mail",
            f"{D.last};30-janv.-50;{D.email}",
            f"{E.last};08-sept.-01;{E.email}",
        ]
    ),
    ids(D, E, fields="email dob"),
)

case(
    "cp1252_bytes_csv",
    "\r\n".join(
        [
            "Nom;Prénom;Né le;Téléphone;Adresse e-mail",
            *(f"{p.last};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email}" for p in (F, G)),
        ]
    ).encode("cp1252"),
    ids(F, G, fields="email mobile dob"),
)

case(
    "utf16_tab_excel_unicode_text",
    "\r\n".join(
        [
            "Nom\tPrénom\tDate de naissance\tPortable\tNIR",
            *(f"{p.last}\t{p.first}\t{fr_date(p.dob)}\t{fr_spaced(p.mobile)}\t{p.nir}" for p in (H, I)),
        ]
    ).encode("utf-16"),
    ids(H, I, fields="mobile dob nir"),
)

# Attachments, read as `vigie scan FILE` reads them ---------------------------------------------------

case(
    "docx_patient_table",
    make_docx(
        ["Export patientèle - cabinet Rivoli", "Ne pas diffuser"],
        [
            ["Nom", "Prénom", "Date de naissance", "Téléphone", "Email"],
            *([p.last, p.first, fr_date(p.dob), fr_spaced(p.mobile), p.email] for p in (J, A, B)),
        ],
    ),
    ids(J, A, B, fields="email mobile dob"),
    filename="patients.docx",
)

_pdf_rows = [
    (x, 760 - 14 * r, t)
    for r, p in enumerate((C, D, E), 1)
    for x, t in (
        (40, p.last.upper()),
        (130, p.first),
        (210, fr_date(p.dob)),
        (290, spaced_nir(p.nir)),
        (440, fr_spaced(p.mobile)),
    )
]
case(
    "pdf_report_table",
    make_pdf(
        [
            [
                (40, 800, "Liste des assurés - mutuelle"),
                *(
                    (x, 760, h)
                    for x, h in ((40, "Nom"), (130, "Prénom"), (210, "Né(e) le"), (290, "NIR"), (440, "Téléphone"))
                ),
                *_pdf_rows,
            ]
        ]
    ),
    ids(C, D, E, fields="mobile dob nir"),
    filename="assures.pdf",
)

case(
    "xlsx_dates_and_numeric_phones",
    make_xlsx(
        [
            ["Nom", "Prénom", "Date de naissance", "Portable", "Email"],
            *([p.last, p.first, date.fromisoformat(p.dob), int(p.mobile[3:]), p.email] for p in (F, G, H)),
        ]
    ),
    ids(F, G, H, fields="email mobile dob"),
    filename="export_rdv.xlsx",
)

case(
    "zip_with_csv_and_readme",
    make_zip(
        {
            "README.txt": b"leaked by us, enjoy. pass for part 2 in thread",
            "dump/patients.csv": "\n".join(
                ["nom;email;nir", *(f"{p.last};{p.email};{p.nir}" for p in (I, J))]
            ).encode(),
        }
    ),
    ids(I, J, fields="email nir"),
    filename="medileak_part1.zip",
)

# A leak split across several posts (each post alone) --------------------------------------------------

case(
    "split_post1_header_and_rows",
    "\n".join(
        [
            "MEDISOFT DB - part 1/3 (rest in next posts)",
            "[code]",
            "id;nom;prenom;email;telephone;nir;date_naissance",
            *(
                f"{n};{p.last};{p.first};{p.email};{fr_spaced(p.mobile)};{p.nir};{fr_date(p.dob)}"
                for n, p in ((1, A), (2, B))
            ),
            "[/code]",
        ]
    ),
    ids(A, B),
)

case(
    "split_post2_rows_without_header",
    "\n".join(
        [
            "part 2/3",
            "[code]",
            *(
                f"{n};{p.last};{p.first};{p.email};{fr_spaced(p.mobile)};{p.nir};{fr_date(p.dob)}"
                for n, p in ((3, C), (4, D), (5, E))
            ),
            "[/code]",
        ]
    ),
    ids(C, D, E, fields="email mobile nir"),
    maybe=ids(C, D, E, fields="dob"),
)

case(
    "split_post3_quoted_reply",
    "\n".join(
        [
            "> part 2/3",
            ">",
            *(
                f"> {n};{p.last};{p.first};{p.email};{fr_spaced(p.mobile)};{p.nir};{fr_date(p.dob)}"
                for n, p in ((6, F), (7, G))
            ),
            "",
            "lol the NIR are real, checked 3 on ameli",
        ]
    ),
    ids(F, G, fields="email mobile nir"),
    maybe=ids(F, G, fields="dob"),
)

case(
    "forum_html_pre_br",
    '<div class="postbody"><p>sample :</p><pre>'
    + "<br />".join(["email:password", *(f"{p.email}:{p.last.lower()}{p.dob[:4]}" for p in (H, I, J))])
    + "</pre></div>",
    ids(H, I, J, fields="email"),
)

case(
    "bbcode_spoiler_table",
    "\n".join(
        [
            "[spoiler=sample][table]",
            "[tr][th]Nom[/th][th]Email[/th][th]Tel[/th][/tr]",
            *(f"[tr][td]{p.last}[/td][td]{p.email}[/td][td]{fr_spaced(p.mobile)}[/td][/tr]" for p in (A, C, E)),
            "[/table][/spoiler]",
        ]
    ),
    ids(A, C, E, fields="email mobile"),
)


case(
    "split_post4_values_one_per_line",
    "\n".join(
        [
            "part 3/3 - just the mails and phones left, names in part 1",
            "",
            *(p.email for p in (H, I, J)),
            "",
            *(fr_spaced(p.mobile) for p in (H, I, J)),
        ]
    ),
    ids(H, I, J, fields="email mobile"),
)

case(
    "fhir_xml_patient",
    "\n".join(
        [
            '<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>',
            *(
                f'<entry><resource><Patient><identifier><system value="urn:oid:1.2.250.1.213.1.4.8"/><value value="{p.nir}"/></identifier>'
                f'<name><family value="{p.last}"/><given value="{p.first}"/></name><telecom><system value="phone"/><value value="{fr_spaced(p.mobile)}"/></telecom>'
                f'<birthDate value="{p.dob}"/></Patient></resource></entry>'
                for p in (A, D)
            ),
            "</Bundle>",
        ]
    ),
    ids(A, D, fields="nir mobile dob"),
)

case(
    "uk_nino_csv_plus44",
    "\n".join(
        [
            "forename,surname,ni_number,date_of_birth,mobile,email",
            "Oliver,Bennett,JG103726C,04/09/1986,+44 7911 123459,oliver.bennett86@btinternet.com",
            "Amelia,Clarke,KL482913D,21/11/1993,+44 7911 123460,amelia.clarke93@sky.com",
        ]
    ),
    {
        ("national_id", "GB:JG103726C"),
        ("national_id", "GB:KL482913D"),
        ("dob", "1986-09-04"),
        ("dob", "1993-11-21"),
        ("phone", "+447911123459"),
        ("phone", "+447911123460"),
        ("email", "oliver.bennett86@btinternet.com"),
        ("email", "amelia.clarke93@sky.com"),
    },
)

case(
    "docx_dox_paragraphs",
    make_docx(
        [
            "Infos sur la DPO qui a porté plainte :",
            f"{B.first} {B.last}, née le {fr_date(B.dob)}",
            f"Portable : {fr_spaced(B.mobile)}",
            f"Mail perso : {B.email}",
            f"IBAN : {grouped(B.iban)}",
        ],
        [],
    ),
    ids(B, fields="email mobile dob iban"),
    filename="dpo.docx",
)

case(
    "zip_nested_xlsx",
    make_zip(
        {
            "export/rdv_2026.xlsx": make_xlsx(
                [
                    ["Patient", "Email", "Téléphone", "Motif"],
                    *([f"{p.last} {p.first}", p.email, fr_spaced(p.mobile), "Suivi grossesse"] for p in (E, G)),
                ]
            ),
        }
    ),
    ids(E, G, fields="email mobile"),
    ["health"],
    filename="rdv.zip",
)

# ---------------------------------------------------------------- negatives

NEGATIVES.update(
    {
        "download_post_with_password": "\n".join(
            [
                "MEDISOFT full DB 48GB",
                "Download: http://medileakxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/f/medisoft.7z",
                "Pass: M3d1s0ft_2026!",
                "Mirror: https://files.example/8f2k1",
                "Price: 2 BTC, escrow accepted",
            ]
        ),
        "stealer_userinformation": "\n".join(
            [
                "Build ID: 7781",
                "IP: 203.0.113.45",
                "Country: FR",
                "Location: Lyon, Auvergne-Rhône-Alpes",
                "HWID: 4A3F9C0D2E1B5A6F7C8D9E0F1A2B3C4D",
                "OS: Windows 10 Pro x64",
                "Screen: 1920x1080",
                "Time zone: (UTC+01:00) Brussels, Copenhagen, Madrid, Paris",
                "Log date: 12/3/2026 9:14:02 PM",
            ]
        ),
        "hl7_spec_text": "\n".join(
            [
                "PID-3 Patient Identifier List (CX) - INS-NIR is sent with the OID 1.2.250.1.213.1.4.8.",
                "PID-7 Date/Time of Birth (DTM) - format YYYYMMDD.",
                "PID-13 Phone Number - Home (XTN).",
            ]
        ),
        "fhir_capability_statement": json.dumps(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": "2026-11-30",
                "fhirVersion": "4.0.1",
                "rest": [
                    {
                        "mode": "server",
                        "resource": [
                            {
                                "type": "Patient",
                                "searchParam": [
                                    {"name": "birthdate", "type": "date"},
                                    {"name": "telecom", "type": "token"},
                                ],
                            }
                        ],
                    }
                ],
            }
        ),
        "lab_reference_ranges": "\n".join(
            [
                "Examen;Unité;Valeurs de référence",
                "Glycémie à jeun;g/L;0,70 - 1,10",
                "HbA1c;%;4,0 - 6,0",
                "Sérologie VIH;;négatif",
                "TSH;mUI/L;0,27 - 4,20",
            ]
        ),
        "sql_schema_only": "\n".join(
            [
                "CREATE TABLE patients (",
                "  id SERIAL PRIMARY KEY,",
                "  nir CHAR(15) NOT NULL,",
                "  email VARCHAR(255),",
                "  date_naissance DATE,",
                "  telephone VARCHAR(20)",
                ");",
                "CREATE INDEX ON patients (nir);",
            ]
        ),
        "placeholder_rows": "\n".join(
            [
                "nom;email;telephone;nir",
                "XXXX;xxxx@xxxx.xx;06 XX XX XX XX;X XX XX XX XXX XXX XX",
                "NOM;prenom.nom@domaine;0X XX XX XX XX;1 YY MM DD CCC NNN KK",
            ]
        ),
        "crypto_addresses_and_tx": "\n".join(
            [
                "BTC: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                "XMR: 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
                "tx 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
            ]
        ),
        "json_metadata_dates": json.dumps(
            {
                "export": {
                    "created_at": "1984-07-12T10:00:00Z",
                    "schema_version": "2.3.1",
                    "rows": 48211,
                    "checksum": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                }
            }
        ),
        "pharmacy_opening_hours": "\n".join(
            [
                "Pharmacie;Lundi;Samedi;Garde",
                "Pharmacie du Marché;9h-19h30;9h-12h30;03/12/2026",
                "Pharmacie Centrale;8h30-20h;9h-19h;10/12/2026",
            ]
        ),
        "invoice_lines_luhn_valid_order_ids": "\n".join(
            [
                "Commande;Date;Montant",
                f"{luhn('20261204', 16)};04/12/2026;49,90",
                f"{luhn('20261205', 16)};05/12/2026;12,00",
            ]
        ),
        "prose_health_policy": (
            "Our clinic software stores diagnoses, HIV test results and religious preferences for meal planning; "
            "all such fields are encrypted and access is logged. Contact the DPO through the web form."
        ),
        "docs_example_values": "\n".join(
            [
                "Format attendu du NIR : 1 AA MM DD CCC OOO KK (15 caractères)",
                "Format IBAN : FRkk BBBB BGGG GGCC CCCC CCCC CKK",
                "Téléphone : 0X XX XX XX XX",
            ]
        ),
    }
)


# ---------------------------------------------------------------- scoring

# Found on both engines alike (2026-12-04, wave 23); one reason each, as seen from outside.
MISSED: frozenset[str] = frozenset(
    {
        # one-row CSV with quoted cells: its e-mail and birth are read since wave 25 (one record a post), but
        # "Ashkenazi Jewish" under ancestry flags religion (not ethnic origin) and "BRCA1 carrier" health (not genetic)
        "dna_ancestry_export",
        "excel_serial_dates_in_csv",  # "Date de naissance" holding Excel serial days (31241): no date of birth
        "french_short_month_dob",  # DDN "30-janv.-50" (French Excel short date): no date of birth
        "mail_merge_letters_formfeed",  # letters split by \f: "Né(e) le :", "N° de sécurité sociale :" lines not read; no health
        "pdf_report_table",  # PDF table's cells joined by one space: NIR+phone run gives a false phone, a NIR and a phone lost
        "uk_referral_letter_text",  # UK clinic letter ("DOB 12/03/1961", "Tel 07911...", e-mail, bipolar): nothing
        "us_pharmacy_rx_csv",  # US CSV, "(217) 629-4417" under Phone (no other US marker): no phone; BIKTARVY not health
        "us_x12_837_claim",  # X12 837 claim (DMG*D8*birth, PER*...*TE*phone*EM*mail, HI*ABK:B20): nothing
    }
)


def _texts(c: Case) -> list[tuple[str | bytes, str | None]]:
    if c.filename is None:
        return [(c.data, None)]
    assert isinstance(c.data, bytes)
    return [(f.data, f.filename) for f in expand_attachment(c.filename, c.data, AttachmentLimits())]


def _found_in(parts: list[tuple[str | bytes, str | None]]) -> tuple[set[tuple[str, str]], set[str]]:
    idents: set[tuple[str, str]] = set()
    cats: set[str] = set()
    for data, name in parts:
        for f in detect(data, key=KEY, filename=name):
            idents |= {(i.type, i.value) for i in f.identifiers}
            cats |= {s.category for s in f.sensitive}
    return idents, cats


def _score(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str], set[str]]:
    c = CASES[name]
    found, cats = _found_in(_texts(c))
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
    assert len(CASES) >= 25 and len(NEGATIVES) >= 10
    assert MISSED <= set(CASES) | set(NEGATIVES) | {"stream_chunk_html_line"}
    assert not set(CASES) & set(NEGATIVES)
    for c in CASES.values():
        for t, v in c.ids:
            assert t != "dob" or 1900 < int(v[:4]) < 2026, v


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


@pytest.mark.parametrize("name", sorted(MISSED - {"stream_chunk_html_line"}))
def test_missed(name: str) -> None:
    """Left as found (listed above): when one passes, move it out of MISSED."""
    if name in NEGATIVES:
        assert _negative_finds(name) != ([], [])
    else:
        assert any(_score(name))


def stream_losses() -> list[tuple[int, int]]:
    """(position, identifiers found) where `vigie scan`'s streamed path (detect_stream, 4 KiB chunks here,
    2 MiB in use) finds fewer than detect() of the whole: 100 US CSV dumps, one with "ok<br>" before it."""
    from indexer.detect.parallel import detect_stream, make_pool

    csv = (
        "PatientName,SSN,DOB,Phone,Email,Diagnosis\n"
        "John Carter,521-44-7821,07/30/1975,(312) 629-4412,jcarter1975@aol.com,HIV+ on ART\n"
        "Linda Hayes,078-31-4410,11/23/1982,312-629-4413,lhayes@comcast.net,Type 2 diabetes (E11.9)"
    )
    pool = make_pool(KEY, workers=1)
    out = []
    try:
        for pos in range(10, 100, 9):
            parts = [csv] * 100
            parts[pos] = "ok<br>\n" + csv
            text = "\n\nnext\n\n".join(parts) + "\n"
            whole = sum(len(f.identifiers) for f in detect(text, key=KEY))
            streamed = sum(
                len(f.identifiers) for f in detect_stream([text.encode()], key=KEY, chunk_bytes=4096, pool=pool)
            )
            if streamed < whole:
                out.append((pos, streamed))
    finally:
        pool.shutdown()
    return out


def test_stream_chunk_html_line() -> None:
    """A big input is detected chunk by chunk: each must read as the whole does (README: gigabytes read whole)."""
    losses = stream_losses()
    if "stream_chunk_html_line" in MISSED:
        assert losses, "the streamed path now reads every chunk: remove stream_chunk_html_line from MISSED"
    else:
        assert losses == []


def scores() -> dict[str, float]:
    return tally(CASES, NEGATIVES, _score, _negative_finds)


def test_set3b_scores() -> None:
    """Floors at what was measured when the batch was written (both engines alike): a regression fails."""
    s = scores()
    assert s["recall"] >= 0.80 and s["precision"] >= 0.98, s
    # art. 9 precision 0.99 -> 0.80 in wave 25: dna_ancestry_export's row is read now and its two flags are the
    # wrong categories (9 of 11 flags right); the floor falls with them rather than hide them (see MISSED)
    assert s["art9_recall"] >= 0.50 and s["art9_precision"] >= 0.80, s


def main() -> None:
    report(CASES, NEGATIVES, _score, _negative_finds)


if __name__ == "__main__":
    main()
