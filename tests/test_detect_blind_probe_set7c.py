# ruff: noqa: E501, E741  (a post's or an export's line is kept whole)
"""Blind probe, set 7c: the medical breach as it is sold and attached, and its shorthand in other languages.

Written apart from the detector (wave 28, helper H) from README.md, the docs (docs/sources.md's attached
files) and the public API. Recall: a seller's post, a ransomware site's proof, a thread split over posts,
attachments a clinic's staff would export (a zip of HL7 `.hl7` messages, a FHIR bulk export's `.ndjson`,
HPRIM `.hpr` files, an .ics agenda, an xlsx of appointments, a docx referral letter), and article 9
shorthand in German, Spanish, Italian, Dutch, Belgian French and English (HIV-positiv, seropositivo, MSM,
Zeugen Jehovas, ver.di, FSF, PVVIH, HLA-B27, Lynch). Precision: the same languages' texts about no one
(value sets, trial criteria, a teaser with no sample, blank forms and templates, a union's rules).
`python -m tests.test_detect_blind_probe_set7` prints this set too.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import zipfile

import openpyxl

from tests.blind_probe_harness import Probe, e164, fr_date, fr_spaced, iban, make_tests, spaced_nir
from tests.test_detect_blind_probe_set7 import PEOPLE, P, _digits, ids

__all__ = ["SET"]

SET = Probe("7c")
case = SET.case
neg = SET.negative


def _sl(a: int, n: int) -> list[P]:
    return [PEOPLE[(a * 7 + 3 + k * 11) % 40] for k in range(n)]  # a third walk


def _compact(e: str) -> str:
    return "0" + e[3:]


def _zip(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# ================================================================ sold: posts, proofs, threads

_s = _sl(0, 8)
case(
    "seller_post_cabinet_base",
    "[VENTE] Base patients cabinet médical (Île-de-France) — 48 213 fiches, logiciel de cabinet, export 03/2024\n"
    "Contenu : identité, NIR, date de naissance, portable, mail, antécédents (VIH, psy, ALD...)\n"
    "Échantillon :\n"
    "nom|prenom|ddn|nir|gsm|mail|atcd\n"
    + "\n".join(
        f"{p.last.upper()}|{p.first}|{fr_date(p.dob)}|{p.nir}|{_compact(p.mobile)}|{p.email}|{a}"
        for p, a in zip(_s, ["VIH+ ALD7", "-", "HSH PrEP", "dépression", "-", "DT2", "-", "TJ"], strict=True)
    )
    + "\nPrix : 1,2 BTC la base complète, 0,3 BTC les 10k. Escrow accepté. Contact : tox / session en MP.",
    ids(_s, "dnpe"),
    # (no religion: 'TJ' alone in an 'atcd' column is no Jehovah's Witness by the lead's decision, wave 29:
    # it is one only under a religion column or beside a refused transfusion, tribunal judiciaire otherwise)
    ["health", "sexual_orientation"],
)
_s = _sl(1, 3)
case(
    "ransomware_proof_clinic",
    "CLINIQUE DU PARC — 412 GB — published 2024-03-20\n"
    "Files: \\\\SRV-DPI\\Export\\patients_2024.csv, \\\\SRV-RH\\Paie\\virements_02.xml, \\\\SRV-DPI\\Scans\\CR_operatoires\\...\n"
    "Proof (first lines of patients_2024.csv):\n"
    "IPP;NOM;PRENOM;DDN;NIR;TEL;DIAG\n"
    + "\n".join(
        f"00{_digits(k, 'ipp7c', 6)};{p.last.upper()};{p.first.upper()};{fr_date(p.dob)};{p.nir};{fr_spaced(p.mobile)};{d}"
        for k, (p, d) in enumerate(zip(_s, ["B20", "C50.9 cancer du sein", "F32.2"], strict=True))
    ),
    ids(_s, "dnp"),
    ["health"],
)
_s = _sl(2, 6)
case(
    "thread_split_header_then_rows",
    [
        "Suite du dump cabinet (page 1/2) — les colonnes : NOM;PRENOM;DDN;PORTABLE;MAIL;NOTES\n"
        + "\n".join(
            f"{p.last.upper()};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email};{n}"
            for p, n in zip(_s[:3], ["séropo", "-", "bipolaire"], strict=True)
        ),
        "page 2/2 :\n"
        + "\n".join(
            f"{p.last.upper()};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email};{n}"
            for p, n in zip(_s[3:], ["-", "PVVIH", "FSF"], strict=True)
        ),
    ],
    ids(_s, "dpe"),
    ["health", "sexual_orientation"],
)

# ================================================================ attachments a clinic's staff exports

_s = _sl(3, 3)
_hl7 = {
    f"ADT_{k}.hl7": "\r".join(
        [
            f"MSH|^~\\&|DPI|CHSUD|EAI|CHSUD|20240315102{k}||ADT^A04|MSG{k:05d}|P|2.5",
            f"PID|1||{10452 + k}^^^CHSUD^PI~{p.nir}^^^ASIP-SANTE-INS-NIR^INS||{p.last.upper()}^{p.first}||{p.dob.replace('-', '')}|{'F' if p.nir[0] == '2' else 'M'}|||{p.street}^^{p.city}^^{p.zip}||^PRN^CP^^^^^^^^^{_compact(p.mobile)}~^NET^Internet^{p.email}",
            "PV1|1|O|INF^^^CHSUD||||||||||||||||",
            "DG1|1||B20^Maladie due au VIH^I10",
        ]
    )
    for k, p in enumerate(_s)
}
case(
    "att_zip_of_hl7_files",
    _zip(_hl7),
    ids(_s, "ndpe"),
    ["health"],
    filename="export_adt_mars.zip",
)
_s = _sl(4, 4)
case(
    "att_zip_fhir_bulk_ndjson",
    _zip(
        {
            "Patient.ndjson": "\n".join(
                json.dumps(
                    {
                        "resourceType": "Patient",
                        "id": f"p{k}",
                        "name": [{"family": p.last, "given": [p.first]}],
                        "telecom": [{"system": "phone", "value": p.mobile}, {"system": "email", "value": p.email}],
                        "birthDate": p.dob,
                    }
                )
                for k, p in enumerate(_s)
            ),
            "Condition.ndjson": "\n".join(
                json.dumps(
                    {"resourceType": "Condition", "subject": {"reference": f"Patient/p{k}"}, "code": {"text": t}}
                )
                for k, t in enumerate(["Infection VIH", "Hypertension", "Trouble bipolaire", "Diabète de type 2"])
            ),
        }
    ),
    ids(_s, "pde"),
    ["health"],
    filename="bulk_export_2024-03.zip",
)
_s = _sl(5, 3)
case(
    "att_zip_hprim_files",
    _zip(
        {
            f"LBM77_{240315 + k}.hpr": f"H|~^\\&|||LBM77|||||||ORU|P|H2.2|20240315\rP|1|{24031500 + k}|{p.nir}||{p.last.upper()}^{p.first}||{p.dob.replace('-', '')}|F|||{p.street}^^{p.city}^^{p.zip}||{_compact(p.mobile)}\rOBX|1|NM|CVVIH^Charge virale VIH||{1200 * (k + 1)}|copies/mL\rL|1"
            for k, p in enumerate(_s)
        }
    ),
    ids(_s, "ndp"),
    ["health"],
    filename="resultats_labo.zip",
)
_s = _sl(6, 4)
case(
    "att_ics_agenda_cabinet",
    (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cabinet//Agenda//FR\r\n"
        + "".join(
            f"BEGIN:VEVENT\r\nUID:rdv-{k}@cabinet\r\nDTSTART:2024031{k}T0{8 + k}3000\r\nSUMMARY:{p.last.upper()} {p.first} - {m}\r\nDESCRIPTION:Né(e) le {fr_date(p.dob)}\\nTél {fr_spaced(p.mobile)}\\nMail {p.email}\r\nEND:VEVENT\r\n"
            for k, (p, m) in enumerate(
                zip(_s, ["suivi VIH", "PrEP J0", "IVG consultation préalable", "renouvellement"], strict=True)
            )
        )
        + "END:VCALENDAR\r\n"
    ).encode(),
    ids(_s, "dpe"),
    ["health"],
    filename="agenda_dr_aubert.ics",
)
_s = _sl(7, 5)
_wb = openpyxl.Workbook()
_ws = _wb.active
assert _ws is not None
_ws.title = "RDV"
_ws.append(["Date", "Patient", "Naissance", "Portable", "Email", "ALD", "Motif"])
for k, p in enumerate(_s):
    _ws.append(
        [
            f"2024-03-1{k}",
            f"{p.last} {p.first}",
            fr_date(p.dob),
            fr_spaced(p.mobile),
            p.email,
            ["7", "", "23", "30", ""][k],
            ["suivi", "vaccin", "CMP", "chimio J8", "certificat"][k],
        ]
    )
_xb = io.BytesIO()
_wb.save(_xb)
case(
    "att_xlsx_appointments_ald",
    _xb.getvalue(),
    ids(_s, "dpe"),
    ["health"],
    filename="rdv_mars.xlsx",
)
_p = _sl(8, 1)[0]
_lines = [
    "Centre hospitalier Sud — Service des maladies infectieuses",
    "Compte rendu de consultation du 15/03/2024",
    f"Patient : {_p.first} {_p.last.upper()}, né le {fr_date(_p.dob)}",
    f"NIR : {spaced_nir(_p.nir)} — Tél : {fr_spaced(_p.mobile)}",
    "Motif : suivi d'une infection VIH-1 connue depuis 2015, sous Biktarvy.",
    "Mode de vie : HSH, en couple, pas de consommation de produits.",
    "Conclusion : charge virale indétectable, CD4 à 740. Prochain RDV dans 6 mois.",
]
_body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>' for t in _lines)
case(
    "att_docx_compte_rendu",
    _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
            "word/document.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{_body}</w:body></w:document>',
        }
    ),
    {("dob", _p.dob), ("nir", _p.nir), ("phone", _p.mobile)},
    ["health", "sexual_orientation"],
    filename="CR_consultation_15032024.docx",
)
_s = _sl(9, 4)
case(
    "att_gz_csv_mutuelle",
    gzip.compress(
        (
            "nir;rang;nom;prenom;naissance;iban;exo\r\n"
            + "\r\n".join(
                f"{p.nir};01;{p.last};{p.first};{p.dob};{p.iban};{x}"
                for p, x in zip(_s, ["ALD7", "", "ALD30", ""], strict=True)
            )
        ).encode("cp1252")
    ),
    ids(_s, "ndi"),
    ["health"],
    filename="adherents_0324.csv.gz",
)

# ================================================================ shorthand in other languages (and countries' identifiers)


def _be_nn(yymmdd: str, serial: str) -> str:
    body = yymmdd + serial
    return body + f"{97 - int(body) % 97:02d}"


def _ahv(body12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _dni(num: str) -> str:
    return num + "TRWAGMYFPDXBNJZSQVHLCKE"[int(num) % 23]


_DE = [
    (
        "Jonas",
        "Weber",
        "jonas.weber@web.de",
        e164("0171 4823917", "DE"),
        iban("DE", "37040044" + _digits(1, "de", 10)),
        "HIV-positiv, ART seit 2018",
    ),
    (
        "Anna",
        "Schulz",
        "anna.schulz@gmx.de",
        e164("0152 29384756", "DE"),
        iban("DE", "50010517" + _digits(2, "de", 10)),
        "MSM, PrEP",
    ),
    (
        "Elias",
        "Krüger",
        "e.krueger@t-online.de",
        e164("0160 92837465", "DE"),
        iban("DE", "70020270" + _digits(3, "de", 10)),
        "Zeugen Jehovas – keine Bluttransfusion",
    ),
    (
        "Mia",
        "Hoffmann",
        "mia.hoffmann@posteo.de",
        e164("0176 38472615", "DE"),
        iban("DE", "10050000" + _digits(4, "de", 10)),
        "ver.di-Mitglied, Betriebsrätin",
    ),
]
case(
    "de_praxis_export_shorthand",
    "Nachname;Vorname;E-Mail;Mobil;IBAN;Bemerkung\n"
    + "\n".join(f"{l};{f};{e};{t};{i};{b}" for f, l, e, t, i, b in _DE),
    {("email", e) for _f, _l, e, _t, _i, _b in _DE}
    | {("phone", t) for *_x, t, _i, _b in _DE}
    | {("iban", i) for *_x, i, _b in _DE},
    ["health", "sexual_orientation", "religion", "trade_union"],
)
_ES = [
    (
        "Lucía",
        "García",
        "lucia.garcia@telefonica.net",
        e164("612 904 381", "ES"),
        _dni("48213579"),
        "seropositiva, TAR",
    ),
    ("Javier", "Martín", "javier.martin@hotmail.es", e164("654 302 718", "ES"), _dni("70412385"), "HSH, en PrEP"),
    (
        "Carmen",
        "López",
        "carmen.lopez@yahoo.es",
        e164("699 120 847", "ES"),
        _dni("12947306"),
        "testigo de Jehová, rechaza transfusión",
    ),
]
case(
    "es_clinica_export_shorthand",
    "apellido,nombre,email,movil,dni,observaciones\n"
    + "\n".join(f"{l},{f},{e},{t},{d},{o}" for f, l, e, t, d, o in _ES),
    {("email", e) for _f, _l, e, _t, _d, _o in _ES}
    | {("phone", t) for *_x, t, _d, _o in _ES}
    | {("national_id", f"ES:{d}") for *_x, d, _o in _ES},
    ["health", "sexual_orientation", "religion"],
)
_IT = [
    ("Giulia", "Bianchi", "giulia.bianchi@libero.it", e164("347 829 1034", "IT"), "sieropositiva, terapia ARV"),
    ("Marco", "Esposito", "marco.esposito@tiscali.it", e164("333 401 2987", "IT"), "MSM, PrEP on demand"),
    ("Chiara", "Romano", "chiara.romano@alice.it", e164("320 918 4473", "IT"), "iscritta CGIL, delegata RSU"),
]
case(
    "it_ambulatorio_shorthand",
    "cognome;nome;email;cellulare;note\n" + "\n".join(f"{l};{f};{e};{t};{n}" for f, l, e, t, n in _IT),
    {("email", e) for _f, _l, e, _t, _n in _IT} | {("phone", t) for *_x, t, _n in _IT},
    ["health", "sexual_orientation", "trade_union"],
)
_NL = [
    ("Daan", "de Vries", "daan.devries@ziggo.nl", e164("06 48213790", "NL"), "hiv-positief, cART"),
    ("Sanne", "Jansen", "sanne.jansen@kpnmail.nl", e164("06 19284736", "NL"), "lesbisch, IVF-traject"),
    ("Bram", "Bakker", "bram.bakker@xs4all.nl", e164("06 30918274", "NL"), "lid FNV, kaderlid"),
]
case(
    "nl_huisarts_shorthand",
    "achternaam,voornaam,email,mobiel,opmerking\n" + "\n".join(f"{l},{f},{e},{t},{o}" for f, l, e, t, o in _NL),
    {("email", e) for _f, _l, e, _t, _o in _NL} | {("phone", t) for *_x, t, _o in _NL},
    ["health", "sexual_orientation", "trade_union"],
)
_BE = [
    (
        "Amélie",
        "Dubois",
        "amelie.dubois@skynet.be",
        e164("0476 12 84 39", "BE"),
        _be_nn("850730", "033"),
        "séropositive (VIH), suivi CHU Saint-Pierre",
    ),
    (
        "Thomas",
        "Peeters",
        "thomas.peeters@telenet.be",
        e164("0495 38 21 70", "BE"),
        _be_nn("790214", "157"),
        "affilié FGTB, délégué",
    ),
    (
        "Inès",
        "El Amrani",
        "ines.elamrani@proximus.be",
        e164("0488 91 02 36", "BE"),
        _be_nn("920611", "284"),
        "musulmane pratiquante, ramadan",
    ),
]
case(
    "be_mutualite_shorthand",
    "Nom;Prénom;Email;GSM;NISS;Remarque\n"
    + "\n".join(f"{l};{f};{e};{t};{n[:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]};{r}" for f, l, e, t, n, r in _BE),
    {("email", e) for _f, _l, e, _t, _n, _r in _BE}
    | {("phone", t) for *_x, t, _n, _r in _BE}
    | {("national_id", f"BE:{n}") for *_x, n, _r in _BE},
    ["health", "trade_union", "religion"],
)
_CH = [
    (
        "Noah",
        "Müller",
        "noah.mueller@bluewin.ch",
        e164("079 382 17 45", "CH"),
        _ahv("756" + _digits(1, "ahv", 9)),
        "HIV+, unter Therapie",
    ),
    (
        "Léa",
        "Favre",
        "lea.favre@sunrise.ch",
        e164("078 912 40 36", "CH"),
        _ahv("756" + _digits(2, "ahv", 9)),
        "Témoin de Jéhovah, refuse transfusion",
    ),
]
case(
    "ch_spital_ahv_shorthand",
    "Name,Vorname,E-Mail,Natel,AHV-Nr,Bemerkung\n"
    + "\n".join(f"{l},{f},{e},{t},{a[:3]}.{a[3:7]}.{a[7:11]}.{a[11:]},{b}" for f, l, e, t, a, b in _CH),
    {("email", e) for _f, _l, e, _t, _a, _b in _CH}
    | {("phone", t) for *_x, t, _a, _b in _CH}
    | {("national_id", f"CH:{a}") for *_x, a, _b in _CH},
    ["health", "religion"],
)
_s = _sl(10, 6)
case(
    "fr_shorthand_more_variants",
    "NOM;PRENOM;NE_LE;TEL;OBS\n"
    + "\n".join(
        f"{p.last.upper()};{p.first};{fr_date(p.dob, '-')};{_compact(p.mobile)};{o}"
        for p, o in zip(
            _s,
            [
                "PVVIH depuis 2009",
                "HLA-B27 positif, spondylarthrite",
                "syndrome de Lynch (MLH1)",
                "H>H, TPE en 2023",
                "syndiquée CFDT (RS)",
                "catho pratiquante, refuse IVG",
            ],
            strict=True,
        )
    ),
    ids(_s, "dp"),
    ["health", "genetic", "sexual_orientation", "trade_union", "religion"],
)
_s = _sl(11, 5)
case(
    "en_gum_clinic_shorthand",
    "Patient,DOB,Mobile,Email,Notes\n"
    + "\n".join(
        f"{p.first} {p.last},{p.dob},{p.mobile},{p.email},{n}"
        for p, n in zip(
            _s,
            [
                "GBMSM, PrEP daily",
                "HIV+ (dx 2016), U=U",
                "WSW, cervical screen due",
                "chlamydia treated, partner notified",
                "sex worker, 3-monthly screen",
            ],
            strict=True,
        )
    ),
    ids(_s, "dpe"),
    ["health", "sexual_orientation", "sex_life"],
)

# ================================================================ PRECISION: the same words and shapes, about no one

neg(
    "fhir_valueset_sexual_orientation",
    json.dumps(
        {
            "resourceType": "ValueSet",
            "id": "sexual-orientation",
            "status": "active",
            "compose": {
                "include": [
                    {
                        "system": "http://snomed.info/sct",
                        "concept": [
                            {"code": "38628009", "display": "Homosexual"},
                            {"code": "20430005", "display": "Heterosexual"},
                            {"code": "42035005", "display": "Bisexual"},
                        ],
                    },
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-NullFlavor",
                        "concept": [
                            {"code": "UNK", "display": "Don't know"},
                            {"code": "ASKU", "display": "Asked but no answer"},
                        ],
                    },
                ]
            },
        },
        indent=2,
    ),
)
neg(
    "trial_eligibility_criteria",
    """Inclusion criteria: HIV-1 infected adults >= 18 years; plasma HIV-1 RNA < 50 copies/mL for >= 6 months on a
stable regimen; CD4 >= 200 cells/mm3; eGFR >= 60 mL/min. Men who have sex with men and transgender women at
high risk are eligible for the PrEP arm. Exclusion criteria: active hepatitis B (HBsAg+), pregnancy or
breastfeeding, prior virological failure on an integrase inhibitor. Sponsor protocol GS-US-380-4580,
EudraCT 2023-000412-19. Screening visit window: Day -28 to Day -1.""",
)
neg(
    "teaser_medical_no_sample",
    """[WTS] FR medical DB — cabinet software export, 48k patients, 03/2024
Fields: nom, prenom, date_naissance, NIR, portable, email, mutuelle, antécédents (VIH, psychiatrie, ALD),
religion (TJ flag), notes libres. Format: CSV 212 MB. Sample on request to serious buyers only.
Price 1.2 BTC, escrow OK. No sample posted here, don't ask.""",
)
neg(
    "blank_consent_form",
    """FORMULAIRE DE CONSENTEMENT — DÉPISTAGE VIH
Nom : ______________________  Prénom : ______________________
Né(e) le : __ / __ / ____      N° de sécurité sociale : _ __ __ __ ___ ___ | __
Téléphone : __ __ __ __ __      E-mail : ____________@____________
J'accepte que le résultat me soit communiqué par : [ ] téléphone  [ ] courrier  [ ] en main propre
Orientation (facultatif, à des fins statistiques) : [ ] hétéro [ ] homo [ ] bi [ ] ne souhaite pas répondre
Signature :""",
)
neg(
    "excel_template_headers_only",
    "NOM;PRENOM;DATE_NAISSANCE;NIR;TELEPHONE;EMAIL;STATUT_VIH;RELIGION;SYNDICAT;ORIENTATION\n;;;;;;;;;\n;;;;;;;;;\n",
)
neg(
    "union_rules_decharge",
    """Règlement intérieur de la section CGT du CHU — article 7 : décharges d'activité
Les délégués syndicaux disposent de 15 heures de délégation par mois (art. L2143-13 du code du travail).
Les élus au CSE bénéficient de 22 heures. Les heures sont déclarées sur le formulaire DS-04 avant le 5
du mois suivant. La cotisation annuelle est fixée à 1 % du salaire net. Permanence : bureau 2.14, mardi et jeudi.""",
)
neg(
    "de_hiv_news",
    """Berlin, 01.12.2024 — Zum Welt-Aids-Tag meldet das Robert Koch-Institut rund 2.200 HIV-Neudiagnosen für 2023.
Etwa die Hälfte betrifft Männer, die Sex mit Männern haben (MSM). Die PrEP wird seit 2019 von den
Krankenkassen erstattet. Beratung: Deutsche Aidshilfe, Wilhelmstraße 138, 10963 Berlin.""",
)
neg(
    "es_prospecto",
    """PROSPECTO: INFORMACIÓN PARA EL PACIENTE — Emtricitabina/Tenofovir disoproxilo 200 mg/245 mg
Se utiliza para tratar la infección por el VIH-1 y para la profilaxis preexposición (PrEP) en adultos con
alto riesgo. No tome este medicamento si es alérgico al principio activo. Nº de registro: 80.412, CN 712345.6.
Fecha de la última revisión de este prospecto: 03/2024.""",
)
neg(
    "it_messa_orari",
    """Parrocchia San Lorenzo — Orari delle Messe dal 01/10/2024
Feriali: 8:00 e 18:30 — Prefestiva: 18:30 — Festive: 8:00, 10:00, 11:30, 18:30
Confessioni: sabato 16:00-18:00. Catechismo: martedì 17:00. Ufficio parrocchiale aperto lun-ven 9:30-12:00.""",
)
neg(
    "nl_vakbond_staking",
    """FNV en CNV roepen op tot staking in de ziekenhuizen op 12/03/2025. Inzet: 7% loonsverhoging en
behoud van de eindejaarsuitkering. Kaderleden ontvangen het stakingsdraaiboek per post. Leden melden zich
bij de stakingspost vanaf 07:00. Geen persoonsgegevens worden gedeeld met de werkgever.""",
)
neg(
    "en_nhs_sexual_health_clinic_page",
    """Sexual Health Clinic — walk-in and booked appointments
We offer HIV testing, PrEP, PEP, contraception and STI screening for everyone, including gay, bisexual and
other men who have sex with men (GBMSM), trans and non-binary people, and sex workers.
Opening times: Mon-Fri 08:30-17:00, late clinic Wed until 19:30. Results by text within 7 days.""",
)
neg(
    "hla_genetics_textbook",
    """HLA-B27 est présent chez 8 % de la population générale et chez plus de 90 % des patients atteints de
spondylarthrite ankylosante. Le syndrome de Lynch (mutations MLH1, MSH2, MSH6, PMS2) augmente le risque de
cancer colorectal ; un dépistage par coloscopie tous les 1 à 2 ans est recommandé dès 20-25 ans.
BRCA1/2 : risque cumulé de cancer du sein de 45 à 72 % à 80 ans.""",
)
neg(
    "hl7_spec_segment_table",
    """PID - Patient Identification Segment
SEQ LEN DT  OPT RP/# TBL# ITEM# ELEMENT NAME
3   250 CX  R   Y         00106 Patient Identifier List
5   250 XPN R   Y         00108 Patient Name
7   26  TS  O             00110 Date/Time of Birth
13  250 XTN O   Y         00116 Phone Number - Home
19  16  ST  B             00122 SSN Number - Patient
DG1-3 Diagnosis Code (CWE), e.g. B20^Human immunodeficiency virus [HIV] disease^I10""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    "att_zip_fhir_bulk_ndjson": "a FHIR bulk export zipped: Patient.ndjson is read (wave 28), but Condition.ndjson's diagnoses name their patients only by reference (Patient/p0): no health flag",
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 28): a regression fails.
FLOORS = {"recall": 0.77, "precision": 0.99, "art9_recall": 0.67, "art9_precision": 0.95}
globals().update(make_tests(SET, FLOORS))
