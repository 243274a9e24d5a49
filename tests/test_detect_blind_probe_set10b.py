# ruff: noqa: E501  (a format's line is kept whole, as the tool wrote it)
"""Blind probe, set 10b: the same people in other containers (YAML, TOML, mbox with quoted-printable and
base64 parts, Outlook and HubSpot/Salesforce CSV, Telegram and WhatsApp chat exports, GraphQL, SEPA
pain.001, OFX and QIF statements, a workbook with several sheets, a PDF's two columns interleaved, an
OCR with its typos) and identifiers across borders (Belgian national numbers, Swiss AVS, Spanish DNI/NIE,
Italian codice fiscale, UK NINO, Luxembourg and Quebec numbers, plus-addressing, +33 (0) forms), with
ordinary texts of the same shapes.

Written apart from the detector (wave 31, helper H), people from set 10.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import quopri
import uuid

import openpyxl

from tests.blind_probe_harness import Probe, e164, fr_date, fr_spaced, grouped, iban, luhn, make_tests
from tests.test_detect_blind_probe_set10 import compact, digits, ids, sl, up

__all__ = ["SET"]

SET = Probe("10b")
case = SET.case
neg = SET.negative


# ================================================================ text formats

_s = sl(0, 4)
case(
    "yaml_users_dump_anchors",
    "# exported by admin-tools 3.2 — users.yml\ndefaults: &defaults\n  locale: fr_FR\n  newsletter: false\nusers:\n"
    + "".join(
        f"  - <<: *defaults\n    id: {501 + k}\n    name: \"{p.first} {p.last}\"\n    email: {p.email}\n    phone: '{fr_spaced(p.mobile)}'\n    birth_date: {p.dob}\n    address:\n      street: {p.street}\n      zip: '{p.zip}'\n      city: {p.city}\n"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(4, 3)
case(
    "toml_array_of_tables_customers",
    "# customers.toml — seed for staging (copied from prod!)\n"
    + "".join(
        f'\n[[customer]]\nid = {7001 + k}\nfull_name = "{p.first} {p.last}"\nemail = "{p.email}"\nmobile = "{p.mobile}"\nborn = {p.dob}\niban = "{p.iban}"\n'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epdi"),
)


def _ascii_uid(p: object) -> str:
    fold = str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")
    return f"{p.first[0]}{p.last}".translate(fold).lower().replace(" ", "")


def _qp(text: str) -> str:
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


_s = sl(7, 4)
_body = (
    "Bonjour,\r\nVoici la liste des clients à rappeler cette semaine pour le renouvellement de leur contrat d'entretien chaudière, avec leurs coordonnées complètes :\r\n"
    + "\r\n".join(
        f"{p.first} {up(p.last)} ; {p.street} {p.zip} {p.city} ; tél. {fr_spaced(p.mobile)} ; courriel : {p.email} ; né(e) le {fr_date(p.dob)} (remise senior à vérifier)"
        for p in _s
    )
)
case(
    "mbox_quoted_printable_soft_breaks",
    "From jerome@chauffage-exemple.fr Tue Dec  1 09:12:44 2026\n"
    "Return-Path: <jerome@chauffage-exemple.fr>\nFrom: Jérôme <jerome@chauffage-exemple.fr>\nTo: secretariat@chauffage-exemple.fr\n"
    "Subject: =?UTF-8?Q?Relances_entretien_d=C3=A9cembre?=\nDate: Tue, 01 Dec 2026 10:12:44 +0100\nMIME-Version: 1.0\n"
    'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
    + _qp(_body).replace("\r\n", "\n"),
    ids(_s, "epd"),
    maybe={("email", "jerome@chauffage-exemple.fr"), ("email", "secretariat@chauffage-exemple.fr")},
)
_s = sl(11, 4)
_csv = "nom,prenom,email,portable,naissance\r\n" + "\r\n".join(
    f"{up(p.last)},{p.first},{p.email},{compact(p.mobile)},{fr_date(p.dob)}" for p in _s
)
_b64 = base64.encodebytes(_csv.encode()).decode()
_eml = (
    'From: "Compta" <compta@agence-exemple.fr>\nTo: direction@agence-exemple.fr\nSubject: export clients\nMIME-Version: 1.0\n'
    'Content-Type: multipart/mixed; boundary="==b1=="\n\n--==b1==\nContent-Type: text/plain; charset=utf-8\n\nCi-joint l\'export demandé.\n\n'
    '--==b1==\nContent-Type: text/csv; name="clients.csv"\nContent-Disposition: attachment; filename="clients.csv"\nContent-Transfer-Encoding: base64\n\n'
    + _b64
    + "--==b1==--\n"
)
case(
    "eml_base64_csv_part_as_post_text",
    _eml,
    ids(_s, "epd"),
    maybe={("email", "compta@agence-exemple.fr"), ("email", "direction@agence-exemple.fr")},
)
_s = sl(15, 4)
_csv2 = "nom;prenom;email;portable;iban\r\n" + "\r\n".join(
    f"{up(p.last)};{p.first};{p.email};{fr_spaced(p.mobile)};{p.iban}" for p in _s
)
case(
    "eml_attachment_file_base64_csv",
    _eml.replace(_b64, base64.encodebytes(_csv2.encode()).decode()).encode(),
    ids(_s, "epi"),
    filename="export_clients.eml",
    maybe={("email", "compta@agence-exemple.fr"), ("email", "direction@agence-exemple.fr")},
)
_s = sl(19, 4)
case(
    "outlook_contacts_csv_us_birthdays",
    '"First Name","Middle Name","Last Name","Title","Suffix","Nickname","Given Yomi","Surname Yomi","E-mail Address","E-mail 2 Address","E-mail 3 Address","Home Phone","Home Phone 2","Business Phone","Business Phone 2","Mobile Phone","Car Phone","Other Phone","Primary Phone","Pager","Business Fax","Home Fax","Other Fax","Company Main Phone","Callback","Radio Phone","Telex","TTY/TDD Phone","IMAddress","Job Title","Department","Company","Office Location","Manager\'s Name","Assistant\'s Name","Assistant\'s Phone","Company Yomi","Business Street","Business City","Business State","Business Postal Code","Business Country/Region","Home Street","Home City","Home State","Home Postal Code","Home Country/Region","Other Street","Other City","Other State","Other Postal Code","Other Country/Region","Personal Web Page","Spouse","Schools","Hobby","Location","Web Page","Birthday","Anniversary","Notes"\n'
    + "\n".join(
        f'"{p.first}","","{p.last}","","","","","","{p.email}","","","","","","","{e164(compact(p.mobile))}","","","","","","","","","","","","","","","","","","","","","","","","","","","{p.street}","{p.city}","","{p.zip}","France","","","","","","","","","","","","{int(p.dob[5:7])}/{int(p.dob[8:])}/{p.dob[:4]}","",""'
        for p in _s
    ),
    ids(_s, "epd"),
)
_s = sl(23, 4)
case(
    "hubspot_contacts_export_csv",
    "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Date of birth,Create Date,Lifecycle Stage,Contact owner,Last Activity Date\n"
    + "\n".join(
        f"{51000 + k * 101},{p.first},{p.last},{p.email},,+33 {compact(p.mobile)[1]} {compact(p.mobile)[2:4]} {compact(p.mobile)[4:6]} {compact(p.mobile)[6:8]} {compact(p.mobile)[8:]},{p.dob},2026-0{k + 1}-12 09:31,Customer,Audrey Lambert,2026-11-2{k} 16:02"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(27, 4)
case(
    "salesforce_dataloader_contacts_extract",
    '"ID","ACCOUNTID","FIRSTNAME","LASTNAME","EMAIL","MOBILEPHONE","BIRTHDATE","MAILINGCITY","CREATEDDATE"\n'
    + "\n".join(
        f'"0035g00000{digits(k, "sf", 4)}Ab{"CDEF"[k]}AAH","0015g00000{digits(k, "sfa", 4)}XyZAA0","{p.first}","{p.last}","{p.email}","{fr_spaced(p.mobile)}","{p.dob}","{p.city}","2026-0{k + 2}-0{k + 1}T10:2{k}:00.000Z"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(31, 3)
case(
    "telegram_result_json_text_entities",
    json.dumps(
        {
            "name": "Fichiers FR 🇫🇷",
            "type": "public_supergroup",
            "id": 1874412093,
            "messages": [
                {
                    "id": 3310 + k,
                    "type": "message",
                    "date": f"2026-11-2{k}T22:0{k}:11",
                    "from": "leakbot",
                    "from_id": "user6120044",
                    "text": [
                        f"Nouveau dox : {p.first} {up(p.last)}, ",
                        {"type": "email", "text": p.email},
                        ", tel ",
                        {"type": "phone", "text": fr_spaced(p.mobile)},
                        f", né(e) le {fr_date(p.dob)}, IBAN ",
                        {"type": "code", "text": p.iban},
                    ],
                }
                for k, p in enumerate(_s)
            ],
        },
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "epdi"),
)
_s = sl(34, 3)
case(
    "whatsapp_chat_export_txt_numbers_shared",
    f"""[28/11/2026 21:04:13] Yanis: t'as le num de la meuf de l'agence ?
[28/11/2026 21:05:02] Chloé: {_s[0].first} {up(_s[0].last)} {fr_spaced(_s[0].mobile)}, elle est née le {fr_date(_s[0].dob)} si tu veux lui souhaiter 😂
[28/11/2026 21:05:40] Yanis: et son mec ?
[28/11/2026 21:06:12] Chloé: {_s[1].first} {up(_s[1].last)}, {_s[1].email}, {fr_spaced(_s[1].mobile)}
[28/11/2026 21:07:55] Chloé: ‎<pièce jointe omise>
[28/11/2026 21:09:30] Yanis: et le proprio ? {_s[2].first} {up(_s[2].last)} c'est ça ? {_s[2].email} / {fr_spaced(_s[2].mobile)} / {fr_date(_s[2].dob)}""",
    ids(_s[1:], "ep") | {("phone", _s[0].mobile), ("dob", _s[0].dob), ("dob", _s[2].dob)},
)
_s = sl(37, 3)
case(
    "graphql_customers_connection_default_address",
    json.dumps(
        {
            "data": {
                "customers": {
                    "pageInfo": {"hasNextPage": True, "endCursor": "eyJsYXN0X2lkIjo2NTEyMn0="},
                    "edges": [
                        {
                            "cursor": base64.b64encode(f'{{"last_id":{65120 + k}}}'.encode()).decode(),
                            "node": {
                                "id": f"gid://shopify/Customer/{65120 + k}",
                                "displayName": f"{p.first} {p.last}",
                                "email": p.email,
                                "phone": p.mobile,
                                "defaultAddress": {
                                    "address1": p.street,
                                    "city": p.city,
                                    "zip": p.zip,
                                    "phone": fr_spaced(p.mobile),
                                },
                                "numberOfOrders": str(3 + k),
                            },
                        }
                        for k, p in enumerate(_s)
                    ],
                }
            },
            "extensions": {"cost": {"requestedQueryCost": 52, "actualQueryCost": 12}},
        }
    ),
    ids(_s, "ep"),
)

# ================================================================ banking files

_s = sl(2, 4)
case(
    "sepa_pain001_salary_transfers",
    '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>'
    "<GrpHdr><MsgId>SAL-2026-11</MsgId><CreDtTm>2026-11-27T10:00:00</CreDtTm><NbOfTxs>4</NbOfTxs><InitgPty><Nm>SARL TRANSPORTS RIVIERE</Nm></InitgPty></GrpHdr>"
    "<PmtInf><PmtInfId>SAL1126</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt>2026-11-30</ReqdExctnDt><Dbtr><Nm>SARL TRANSPORTS RIVIERE</Nm></Dbtr>"
    + "".join(
        f'<CdtTrfTxInf><PmtId><EndToEndId>SAL1126-{k:03d}</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">{1600 + k * 91}.{k}0</InstdAmt></Amt><Cdtr><Nm>{up(p.last)} {up(p.first)}</Nm></Cdtr><CdtrAcct><Id><IBAN>{p.iban}</IBAN></Id></CdtrAcct><RmtInf><Ustrd>SALAIRE NOVEMBRE 2026</Ustrd></RmtInf></CdtTrfTxInf>'
        for k, p in enumerate(_s)
    )
    + "</PmtInf></CstmrCdtTrfInitn></Document>",
    ids(_s, "i"),
)
_s = sl(6, 3)
case(
    "ofx_statements_counterparts_in_memo",
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\n"
    "<BANKACCTFROM><BANKID>17515<BRANCHID>90000<ACCTID>08012345678<ACCTTYPE>CHECKING</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20261101<DTEND>20261130\n"
    + "".join(
        f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>2026112{k}<TRNAMT>{250 + k * 40}.00<FITID>{digits(k, 'fit', 12)}<NAME>VIR SEPA {up(p.first)} {up(p.last)}<MEMO>LOYER NOV IBAN {p.iban} TEL {compact(p.mobile)}</STMTTRN>\n"
        for k, p in enumerate(_s)
    )
    + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>",
    ids(_s, "ip"),
)
_s = sl(9, 4)
case(
    "qif_bank_export_payees_with_iban",
    "!Type:Bank\n"
    + "".join(
        f"D{fr_date(f'2026-11-{10 + k}')}\nT-{60 + k * 15}.00\nPPRLV SEPA {up(p.last)} {p.first}\nMREF {digits(k, 'ref', 8)} {p.iban}\n^\n"
        for k, p in enumerate(_s)
    ),
    ids(_s, "i"),
)
neg(
    "ofx_statement_merchants_only",
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\n<BANKTRANLIST><DTSTART>20261101<DTEND>20261130\n"
    + "".join(
        f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>202611{10 + k}<TRNAMT>-{12 + k * 7}.{k}0<FITID>{digits(k, 'fit2', 14)}<NAME>CB {m}<MEMO>FACT {digits(k, 'fact', 6)} CARTE X{digits(k, 'cx', 4)}</STMTTRN>\n"
        for k, m in enumerate(
            ["CARREFOUR CITY", "SNCF INTERNET", "BOULANGERIE PAUL", "TOTALENERGIES", "AMAZON EU SARL", "LEROY MERLIN"]
        )
    )
    + "</BANKTRANLIST><LEDGERBAL><BALAMT>1204.55<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>",
)


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_s = sl(13, 4)
case(
    "att_xlsx_three_sheets_clients_orders_payments",
    _xlsx(
        {
            "Clients": [["N°", "Nom", "Prénom", "Email", "Mobile"]]
            + [[k + 1, up(p.last), p.first, p.email, compact(p.mobile)] for k, p in enumerate(_s)],
            "Commandes": [["N° client", "Commande", "Date", "Montant"]]
            + [[k + 1, f"C{digits(k, 'cmd', 6)}", f"2026-11-{10 + k}", 49.9 + k] for k in range(4)],
            "Paiements": [["N° client", "Titulaire", "IBAN", "Date de naissance"]]
            + [[k + 1, f"{p.first} {up(p.last)}", p.iban, fr_date(p.dob)] for k, p in enumerate(_s)],
        }
    ),
    ids(_s, "epid"),
    filename="fichier_clients_2026.xlsx",
)

# ================================================================ page layouts and OCR

_s = sl(17, 4)
case(
    "pdf_two_columns_interleaved_member_cards",
    "\n".join(
        f"""Nom : {up(a.last):<28}Nom : {up(b.last)}
Prénom : {a.first:<25}Prénom : {b.first}
Né(e) le : {fr_date(a.dob):<23}Né(e) le : {fr_date(b.dob)}
Tél. : {fr_spaced(a.mobile):<27}Tél. : {fr_spaced(b.mobile)}
N° SS : {a.nir:<26}N° SS : {b.nir}
"""
        for a, b in [(_s[0], _s[1]), (_s[2], _s[3])]
    ),
    ids(_s, "dpn"),
)
_s = sl(21, 4)


def _ocr(s: str) -> str:
    return s.replace("0", "O").replace("1", "l")


case(
    "ocr_screenshot_typos_o_for_zero",
    "Capture d'écran — logiciel de caisse — fiche clients (OCR)\n"
    + "\n".join(
        f"{up(p.last)} {p.first} | {p.email} | Tel {_ocr(fr_spaced(p.mobile)) if k % 2 else fr_spaced(p.mobile)} | Né le {_ocr(fr_date(p.dob)) if k % 2 else fr_date(p.dob)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "e") | {("phone", p.mobile) for p in _s[::2]} | {("dob", p.dob) for p in _s[::2]},
    maybe={("phone", p.mobile) for p in _s[1::2]} | {("dob", p.dob) for p in _s[1::2]},
)

# ================================================================ identifiers across borders


def _be_nn(yymmdd: str, serial: str, born_2000: bool = False) -> str:
    body = yymmdd + serial
    return body + f"{97 - int(('2' if born_2000 else '') + body) % 97:02d}"


def _be_bban(ten: str) -> str:
    return ten + f"{int(ten) % 97 or 97:02d}"


def _avs(nine: str) -> str:
    body = "756" + nine
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _dni(num: str) -> str:
    return num + "TRWAGMYFPDXBNJZSQVHLCKE"[int(num) % 23]


def _nie(letter: str, seven: str) -> str:
    return letter + _dni(str("XYZ".index(letter)) + seven)[1:]


def _cf(body15: str) -> str:
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    total = sum(
        odd[int(c) if c.isdigit() else ord(c) - 65] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65)
        for i, c in enumerate(body15)
    )
    return body15 + chr(65 + total % 26)


_BE = [("Claes", "Wout", "wout.claes@telenet.be", "+32477" + digits(1, "be", 6), "1988-03-14", _be_nn("880314", "147"), iban("BE", _be_bban("0635" + digits(1, "bea", 6)))),
       ("Lambert", "Amélie", "amelie.lambert+banque@skynet.be", "+32498" + digits(2, "be", 6), "2001-09-02", _be_nn("010902", "286", True), iban("BE", _be_bban("7350" + digits(2, "bea", 6)))),
       ("Maes", "Jonas", "jonas.maes@proximus.be", "+32470" + digits(3, "be", 6), "1975-12-30", _be_nn("751230", "021"), iban("BE", _be_bban("0017" + digits(3, "bea", 6))))]  # fmt: skip
case(
    "belgian_insurer_claims_nn_dotted",
    "Dossier;Naam;Voornaam;Rijksregisternummer;Geboortedatum;GSM;E-mail;Rekening\n"
    + "\n".join(
        f"SIN-{digits(k, 'sin', 6)};{b[0]};{b[1]};{b[5][:2]}.{b[5][2:4]}.{b[5][4:6]}-{b[5][6:9]}.{b[5][9:]};{fr_date(b[4])};0{b[3][3:6]}/{b[3][6:8]}.{b[3][8:10]}.{b[3][10:]};{b[2]};{grouped(b[6])}"
        for k, b in enumerate(_BE)
    ),
    {("national_id", f"BE:{b[5]}") for b in _BE}
    | {("dob", b[4]) for b in _BE}
    | {("phone", b[3]) for b in _BE}
    | {("email", b[2]) for b in _BE}
    | {("iban", b[6]) for b in _BE},
)
_CH = [("Favre", "Léa", "lea.favre@bluewin.ch", "+4179" + digits(1, "ch", 7), "1983-05-21", _avs(digits(1, "avs", 9)), iban("CH", "00762" + digits(1, "cha", 12))),
       ("Meier", "Lukas", "lukas.meier@gmx.ch", "+4178" + digits(2, "ch", 7), "1969-10-08", _avs(digits(2, "avs", 9)), iban("CH", "00235" + digits(2, "cha", 12))),
       ("Rochat", "Mathilde", "m.rochat@sunrise.ch", "+4176" + digits(3, "ch", 7), "1994-02-17", _avs(digits(3, "avs", 9)), iban("CH", "00767" + digits(3, "cha", 12)))]  # fmt: skip
case(
    "swiss_payroll_lines_avs_dotted",
    "Lohnabrechnung 11/2026 — Export\n"
    + "\n".join(
        f"{c[1]} {c[0]} | AHV-Nr. {c[5][:3]}.{c[5][3:7]}.{c[5][7:11]}.{c[5][11:]} | geb. {fr_date(c[4], '.')} | Natel {c[3][:3]} {c[3][3:5]} {c[3][5:8]} {c[3][8:10]} {c[3][10:]} | {c[2]} | IBAN {grouped(c[6])}"
        for c in _CH
    ),
    {("national_id", f"CH:{c[5]}") for c in _CH}
    | {("dob", c[4]) for c in _CH}
    | {("phone", c[3]) for c in _CH}
    | {("email", c[2]) for c in _CH}
    | {("iban", c[6]) for c in _CH},
)
_ES = [("García López", "Lucía", "lucia.garcia@telefonica.es", "+34612" + digits(1, "es", 6), "1990-06-11", _dni(digits(1, "dni", 8))),
       ("Ferreira", "Tiago", "tiago.ferreira@sapo.pt", "+34634" + digits(2, "es", 6), "1985-01-29", _nie("Y", digits(2, "nie", 7))),
       ("Martín Ruiz", "Pablo", "pablo.martin@hotmail.es", "+34655" + digits(3, "es", 6), "1978-08-03", _dni(digits(3, "dni", 8)))]  # fmt: skip
case(
    "spanish_gym_members_dni_nie",
    "Socio;Apellidos;Nombre;DNI/NIE;Fecha nacimiento;Móvil;Email\n"
    + "\n".join(
        f"{k + 1};{e[0]};{e[1]};{e[5][:-1]}-{e[5][-1]};{fr_date(e[4])};{e[3][3:6]} {e[3][6:8]} {e[3][8:10]} {e[3][10:]};{e[2]}"
        for k, e in enumerate(_ES)
    ),
    {("national_id", f"ES:{e[5]}") for e in _ES}
    | {("dob", e[4]) for e in _ES}
    | {("phone", e[3]) for e in _ES}
    | {("email", e[2]) for e in _ES},
)
_IT = [("Rossi", "Giulia", "giulia.rossi@libero.it", "+39347" + digits(1, "it", 7), "1987-04-09", _cf("RSSGLI87D49H501")),
       ("Esposito", "Marco", "marco.esposito@tiscali.it", "+39333" + digits(2, "it", 7), "1979-11-23", _cf("SPSMRC79S23F839")),
       ("Bianchi", "Sara", "sara.bianchi@gmail.com", "+39320" + digits(3, "it", 7), "1995-07-02", _cf("BNCSRA95L42F205"))]  # fmt: skip
case(
    "italian_hotel_guests_codice_fiscale_lowercase",
    "ospite;codice fiscale;nato il;cellulare;email\n"
    + "\n".join(f"{i[1]} {i[0]};{i[5].lower()};{fr_date(i[4])};+39 {i[3][3:6]} {i[3][6:]};{i[2]}" for i in _IT),
    {("national_id", f"IT:{i[5]}") for i in _IT}
    | {("dob", i[4]) for i in _IT}
    | {("phone", i[3]) for i in _IT}
    | {("email", i[2]) for i in _IT}
    | {("email", "sarabianchi@gmail.com")},
)
_GB = [("Hughes", "Olivia", "olivia.hughes@btinternet.com", "+447911" + digits(1, "gb", 6), "1982-02-14", "JM" + digits(1, "ni", 6) + "A"),
       ("Patel", "Arjun", "arjun.patel@outlook.co.uk", "+447700" + digits(2, "gb", 6), "1991-09-30", "PR" + digits(2, "ni", 6) + "C"),
       ("O'Neill", "Ciara", "ciara.oneill@yahoo.co.uk", "+447812" + digits(3, "gb", 6), "1976-06-06", "WE" + digits(3, "ni", 6) + "D")]  # fmt: skip
case(
    "uk_tenants_list_nino_spaced",
    "Tenant | NI number | DOB | Mobile | Email\n"
    + "\n".join(
        f"{g[1]} {g[0]} | {g[5][:2]} {g[5][2:4]} {g[5][4:6]} {g[5][6:8]} {g[5][8]} | {int(g[4][8:])} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][int(g[4][5:7]) - 1]} {g[4][:4]} | 0{g[3][3:7]} {g[3][7:]} | {g[2]}"
        for g in _GB
    ),
    {("national_id", f"GB:{g[5]}") for g in _GB} | {("dob", g[4]) for g in _GB} | {("email", g[2]) for g in _GB},
    maybe={
        ("phone", g[3]) for g in _GB
    },  # national notation in a UK file: read in GB only if the detector reads the country
)
_LU = [("Weber", "Tom", "tom.weber@pt.lu", "+352621" + digits(1, "lu", 6), "1986-07-19", "1986071912345"),
       ("Schmit", "Laura", "laura.schmit@internet.lu", "+352691" + digits(2, "lu", 6), "1992-03-05", "1992030554321")]  # fmt: skip
case(
    "luxembourg_staff_matricules",
    "Nom;Prénom;Matricule CNS;Date de naissance;GSM;Email;IBAN\n"
    + "\n".join(
        f"{up(x[0])};{x[1]};{x[5]};{fr_date(x[4])};{x[3]};{x[2]};{grouped(iban('LU', '001' + digits(k, 'lua', 13)))}"
        for k, x in enumerate(_LU)
    ),
    {("dob", x[4]) for x in _LU}
    | {("phone", x[3]) for x in _LU}
    | {("email", x[2]) for x in _LU}
    | {("iban", iban("LU", "001" + digits(k, "lua", 13))) for k in range(2)},
    maybe={("national_id", f"LU:{x[5]}") for x in _LU},
)
_QC = [("Tremblay", "Émilie", "emilie.tremblay@videotron.ca", "+1514" + "932" + digits(1, "qc", 4), "1984-10-12", luhn("1" + digits(1, "nas", 7), 9)),
       ("Gagnon", "Félix", "felix.gagnon@bell.net", "+1418" + "656" + digits(2, "qc", 4), "1979-03-27", luhn("2" + digits(2, "nas", 7), 9))]  # fmt: skip
case(
    "quebec_clients_nas_and_phones",
    "Nom | Prénom | NAS | Date de naissance | Cellulaire | Courriel\n"
    + "\n".join(
        f"{q[0]} | {q[1]} | {q[5][:3]} {q[5][3:6]} {q[5][6:]} | {q[4]} | ({q[3][2:5]}) {q[3][5:8]}-{q[3][8:]} | {q[2]}"
        for q in _QC
    ),
    {("dob", q[4]) for q in _QC} | {("phone", q[3]) for q in _QC} | {("email", q[2]) for q in _QC},
    maybe={("national_id", f"CA:{q[5]}") for q in _QC},
)
_s = sl(25, 4)
case(
    "plus_addressing_and_subdomains",
    "login;email_inscription;tel\n"
    + "\n".join(
        f"{p.first.lower()}{k};{p.email.replace('@', ['+leboncoin@', '+shop@', '@mail.', '@etu.'][k]) if k < 2 else p.email.split('@')[0] + ['@mail.ac-limoges.fr', '@etu.univ-tours.fr'][k - 2]};{['+33 (0)', '0033 (0)', '(+33) ', '+33(0)'][k]}{compact(p.mobile)[1:]}"
        for k, p in enumerate(_s)
    ),
    {
        ("email", _s[0].email.replace("@", "+leboncoin@")),
        ("email", _s[1].email.replace("@", "+shop@")),
        ("email", _s[2].email.split("@")[0] + "@mail.ac-limoges.fr"),
        ("email", _s[3].email.split("@")[0] + "@etu.univ-tours.fr"),
    }
    | (
        {("email", _s[1].email.split("@")[0].replace(".", "") + "@gmail.com")}
        if _s[1].email.endswith("@gmail.com")
        else set()
    )
    | ids(_s, "p"),
)

neg(
    "siret_directory_of_companies",
    "Annuaire des entreprises — zone artisanale de Kergaradec\nSIRET;Dénomination;NAF;Adresse;Effectif\n"
    + "\n".join(
        f"{luhn(luhn(digits(k, 'siren', 8), 9) + digits(k, 'nic', 4), 14)};{n};{naf};ZA de Kergaradec 29490 Guipavas;{10 + k * 3}"
        for k, (n, naf) in enumerate(
            [
                ("TRANSPORTS RIVIERE", "4941A"),
                ("BOULANGERIE LE FOURNIL", "1071C"),
                ("GARAGE DU LEON", "4520A"),
                ("ARMOR ELEC", "4321A"),
                ("CABINET KERBRAT", "6920Z"),
            ]
        )
    ),
)
neg(
    "checksums_and_uuids_release_notes",
    "vigie-agent 4.2.1 — fichiers de la version\n"
    + "\n".join(
        f"{hashlib.sha256(n.encode()).hexdigest()}  {n}"
        for n in [
            "vigie-agent_4.2.1_amd64.deb",
            "vigie-agent_4.2.1_arm64.deb",
            "vigie-agent-4.2.1.tar.gz",
            "vigie-agent-4.2.1-win64.zip",
        ]
    )
    + "\nMD5 :\n"
    + "\n".join(
        f"{hashlib.md5(n.encode()).hexdigest()}  {n}"
        for n in ["vigie-agent_4.2.1_amd64.deb", "vigie-agent_4.2.1_arm64.deb"]
    )
    + "\nIdentifiants de build : "
    + ", ".join(str(uuid.UUID(int=int(digits(k, "uuid", 30)))) for k in range(3)),
)
neg(
    "network_inventory_ip_mac_table",
    "Inventaire réseau — VLAN 20 (atelier)\nHôte;IP;MAC;Port switch;N° série;Dernière vue\n"
    + "\n".join(
        f"atelier-pc{k:02d};10.20.0.{10 + k};3C:52:82:{k:02X}:{(k * 37) % 256:02X}:{(k * 91) % 256:02X};Gi1/0/{k + 1};{luhn('4' + digits(k, 'sn', 14), 16)};2026-12-0{1 + k % 4} 08:{k:02d}"
        for k in range(8)
    ),
)
neg(
    "nmea_gps_track",
    "\n".join(
        f"$GPGGA,1{k}30{k}0.00,4823.{1200 + k * 37}4,N,00429.{5100 + k * 11}9,W,1,08,0.9,{50 + k}.2,M,51.0,M,,*{(k * 29) % 256:02X}"
        for k in range(10)
    ),
)
neg(
    "bank_holidays_calendar",
    "Jours fériés 2027 (métropole)\n"
    + "\n".join(
        f"{d} ; {n}"
        for d, n in [
            ("01/01/2027", "Jour de l'an"),
            ("29/03/2027", "Lundi de Pâques"),
            ("01/05/2027", "Fête du Travail"),
            ("08/05/2027", "Victoire 1945"),
            ("06/05/2027", "Ascension"),
            ("17/05/2027", "Lundi de Pentecôte"),
            ("14/07/2027", "Fête nationale"),
            ("15/08/2027", "Assomption"),
            ("01/11/2027", "Toussaint"),
            ("11/11/2027", "Armistice 1918"),
            ("25/12/2027", "Noël"),
        ]
    ),
)
neg(
    "sensor_csv_temperatures",
    "timestamp;sensor_id;temp_c;hum_pct;batt_mv\n"
    + "\n".join(
        f"2026-12-01T0{k}:00:00Z;A4C138{digits(k, 'sens', 6)};{18.2 + k / 10:.1f};{55 + k};{3010 - k * 3}"
        for k in range(10)
    ),
)
neg(
    "logistics_manifest_with_dates",
    "MANIFESTE — camion AB-412-CD — tournée Brest-Rennes\nPalette;SSCC;Expéditeur;Destinataire;Date chargement;DLC\n"
    + "\n".join(
        f"P{k + 1:02d};{luhn('03760' + digits(k, 'sscc', 12), 18)};Laiterie de Kerguelen;Plateforme Rennes Sud;0{1 + k % 3}/12/2026;{10 + k}/12/2026"
        for k in range(8)
    ),
)
neg(
    "isbn_list_bookshop_order",
    "Commande librairie — rayon jeunesse\n"
    + "\n".join(
        f"978-2-07-{digits(k, 'isbn', 6)}-{(10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate('97820' + '7' + digits(k, 'isbn', 6))) % 10) % 10} x{k % 3 + 1}"
        for k in range(8)
    ),
)

# ================================================================ more containers, more borders


def _ods(sheets: dict[str, list[list[object]]]) -> bytes:
    """An OpenDocument workbook whose date cells are typed dates (the text shown differs from the value)."""
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P as TP  # type: ignore[import-untyped]

    doc = OpenDocumentSpreadsheet()
    for title, rows in sheets.items():
        table = Table(name=title)
        for values in rows:
            tr = TableRow()
            for v in values:
                if isinstance(v, tuple):  # (iso date, shown text)
                    cell = TableCell(valuetype="date", datevalue=v[0])
                    cell.addElement(TP(text=v[1]))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(TP(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


_s = sl(24, 4)
case(
    "att_ods_two_sheets_typed_dates",
    _ods(
        {
            "Inscrits": [["Nom", "Prénom", "Naissance", "Courriel"]]
            + [[up(p.last), p.first, (p.dob, fr_date(p.dob)), p.email] for p in _s],
            "Contacts urgence": [["Inscrit", "Contact", "Téléphone"]]
            + [
                [up(p.last), f"{q.first} {up(q.last)}", fr_spaced(q.mobile)] for p, q in zip(_s, sl(30, 4), strict=True)
            ],
        }
    ),
    ids(_s, "de") | ids(sl(30, 4), "p"),
    filename="inscriptions_stage_voile.ods",
)
_s = sl(28, 4)
case(
    "sepa_pain008_gym_direct_debits_mandates",
    '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn><GrpHdr><MsgId>FIT-DD-2026-12</MsgId><NbOfTxs>4</NbOfTxs></GrpHdr><PmtInf><PmtInfId>DD1226</PmtInfId><PmtMtd>DD</PmtMtd><Cdtr><Nm>FITNESS PARK VALENCE</Nm></Cdtr><CdtrAcct><Id><IBAN>FR7630004000031234567890143</IBAN></Id></CdtrAcct>'
    + "".join(
        f'<DrctDbtTxInf><PmtId><EndToEndId>FIT{digits(k, "e2e", 8)}</EndToEndId></PmtId><InstdAmt Ccy="EUR">29.99</InstdAmt><DrctDbtTx><MndtRltdInf><MndtId>FIT-{digits(k, "mnd", 6)}</MndtId><DtOfSgntr>2025-0{k + 1}-1{k}</DtOfSgntr></MndtRltdInf></DrctDbtTx><Dbtr><Nm>{p.first} {up(p.last)}</Nm></Dbtr><DbtrAcct><Id><IBAN>{p.iban}</IBAN></Id></DbtrAcct><RmtInf><Ustrd>ABONNEMENT DEC 2026</Ustrd></RmtInf></DrctDbtTxInf>'
        for k, p in enumerate(_s)
    )
    + "</PmtInf></CstmrDrctDbtInitn></Document>",
    ids(_s, "i"),
    maybe={("iban", "FR7630004000031234567890143")},  # the gym's own account, textbook-like
)
_s = sl(32, 3)
case(
    "discord_chat_exporter_txt",
    "==============================================================\nGuild: Bzh Leaks\nChannel: général / #dox\n==============================================================\n\n"
    + "\n\n".join(
        f"[{k + 1}/12/2026 {9 + k}:1{k} PM] ghost#{4410 + k}\n{p.first} {up(p.last)} — {p.email} — {p.mobile} — {fr_date(p.dob)}\n{{Reactions}}\n🔥 ({k + 3})"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(35, 4)
case(
    "android_contacts_data_table_rows",
    "raw_contact_id|mimetype|data1|data2|data3\n"
    + "\n".join(
        f"{301 + k}|vnd.android.cursor.item/name|{p.first} {p.last}|{p.first}|{p.last}\n{301 + k}|vnd.android.cursor.item/phone_v2|{fr_spaced(p.mobile)}|2|\n{301 + k}|vnd.android.cursor.item/email_v2|{p.email}|1|\n{301 + k}|vnd.android.cursor.item/contact_event|{p.dob}|3|"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ped"),
)
_s = sl(39, 4)
case(
    "ios_addressbook_sqlite_dump_multivalue",
    "BEGIN TRANSACTION;\n"
    + "\n".join(
        f"INSERT INTO ABPerson(ROWID,First,Last,Birthday) VALUES({12 + k},'{p.first}','{p.last}',NULL);\nINSERT INTO ABMultiValue(UID,record_id,property,identifier,label,value) VALUES({40 + 2 * k},{12 + k},3,0,1,'{fr_spaced(p.mobile)}');\nINSERT INTO ABMultiValue(UID,record_id,property,identifier,label,value) VALUES({41 + 2 * k},{12 + k},4,0,2,'{p.email}');"
        for k, p in enumerate(_s)
    )
    + "\nCOMMIT;",
    ids(_s, "pe"),
)
_s = sl(3, 5)
_seps = [
    "+33.{a}.{b}.{c}.{d}.{e}",
    "0033-{a}-{b}-{c}-{d}-{e}",
    "+33 {a}{b}{c}{d}{e}",
    "(0033) {a} {b} {c} {d} {e}",
    "+33/{a}{b}{c}{d}{e}",
]
case(
    "phones_in_rare_separators_customer_list",
    "client;email;tel\n"
    + "\n".join(
        f"{up(p.last)};{p.email};"
        + _seps[k].format(
            a=compact(p.mobile)[1],
            b=compact(p.mobile)[2:4],
            c=compact(p.mobile)[4:6],
            d=compact(p.mobile)[6:8],
            e=compact(p.mobile)[8:],
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "pe"),
)
case(
    "cross_border_dox_prose_mixed_ids",
    f"""Les deux frontaliers de l'affaire :
- {_BE[0][1]} {_BE[0][0]}, registre national {_BE[0][5]}, GSM {_BE[0][3]}, compte {_BE[0][6]}, {_BE[0][2]} ;
- {_CH[1][1]} {_CH[1][0]}, n° AVS {_CH[1][5]}, Natel 0{_CH[1][3][3:5]} {_CH[1][3][5:8]} {_CH[1][3][8:10]} {_CH[1][3][10:]}, {_CH[1][2]}.
Et leur contact espagnol : {_ES[1][1]} {_ES[1][0]}, NIE {_ES[1][5][0]}-{_ES[1][5][1:8]}-{_ES[1][5][8]}, {_ES[1][2]}, né le {fr_date(_ES[1][4])}.""",
    {
        ("national_id", f"BE:{_BE[0][5]}"),
        ("phone", _BE[0][3]),
        ("iban", _BE[0][6]),
        ("email", _BE[0][2]),
        ("national_id", f"CH:{_CH[1][5]}"),
        ("email", _CH[1][2]),
        ("national_id", f"ES:{_ES[1][5]}"),
        ("email", _ES[1][2]),
        ("dob", _ES[1][4]),
    },
    maybe={("phone", _CH[1][3])},  # a Swiss number in national notation in a French text
)
case(
    "spanish_dni_lowercase_letter_lines",
    "\n".join(f"{e[1]} {e[0]} | dni {e[5].lower()} | {e[2]} | nacido el {fr_date(e[4], '-')}" for e in _ES[::2]),
    {("national_id", f"ES:{e[5]}") for e in _ES[::2]}
    | {("email", e[2]) for e in _ES[::2]}
    | {("dob", e[4]) for e in _ES[::2]},
)
case(
    "uk_nino_compact_after_label",
    "\n".join(f"{g[1]} {g[0]} | NI No: {g[5]} | {g[2]} | born {g[4]}" for g in _GB),
    {("national_id", f"GB:{g[5]}") for g in _GB} | {("email", g[2]) for g in _GB} | {("dob", g[4]) for g in _GB},
)
neg(
    "phone_shop_stock_imei_list",
    "Stock boutique — inventaire du 30/11/2026\nModèle;Couleur;IMEI;État;Prix\n"
    + "\n".join(
        f"{m};{c};{luhn('35' + digits(k, 'imei2', 12), 15)};neuf;{px} €"
        for k, (m, c, px) in enumerate(
            [
                ("iPhone 15", "noir", 969),
                ("iPhone 15", "bleu", 969),
                ("Galaxy S24", "gris", 899),
                ("Pixel 9", "vert", 899),
                ("Redmi Note 13", "noir", 249),
                ("Galaxy A55", "lilas", 479),
                ("iPhone 16", "blanc", 969),
                ("Fairphone 5", "bleu", 699),
            ]
        )
    ),
)
neg(
    "postcodes_insee_codes_population",
    "Commune;Code postal;Code INSEE;Population 2023;Superficie km²\n"
    + "\n".join(
        f"{n};{cp};{insee};{pop};{sup}"
        for n, cp, insee, pop, sup in [
            ("Brest", "29200", "29019", "139926", "49.51"),
            ("Quimper", "29000", "29232", "63283", "84.45"),
            ("Valence", "26000", "26362", "64726", "36.69"),
            ("Limoges", "87000", "87085", "129754", "77.45"),
            ("Ajaccio", "20000", "2A004", "73822", "82.03"),
            ("Bastia", "20200", "2B033", "48503", "19.38"),
            ("Saint-Pierre", "97410", "97416", "84961", "95.99"),
        ]
    ),
)
neg(
    "sepa_xml_schema_doc_example",
    """Exemple de bloc débiteur (guide d'implémentation CFONB, version 2026) :
<Dbtr><Nm>NOM DU DEBITEUR</Nm></Dbtr>
<DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct>
<MndtId>RUM-0001</MndtId><DtOfSgntr>2009-11-01</DtOfSgntr>
Le champ IBAN est obligatoire ; le BIC est facultatif depuis le 1er février 2016 pour les opérations nationales.""",
)

# ================================================================ directories, protobuf, Slack, passports' MRZ

_s = sl(6, 4)
case(
    "ldif_school_ent_directory_people",
    "# ENT académique — export annuaire (établissement 0290012X)\n"
    + "\n".join(
        f"dn: uid={_ascii_uid(p)},ou=personnes,dc=ent,dc=ac-rennes,dc=fr\nobjectClass: ENTPerson\nobjectClass: ENTAuxParent\nuid: {_ascii_uid(p)}\nsn: {up(p.last)}\ngivenName: {p.first}\nENTPersonDateNaissance: {fr_date(p.dob)}\nmail: {p.email}\nmobile: {fr_spaced(p.mobile)}\nENTAuxParentEleves: {digits(k, 'elv', 6)}\n"
        for k, p in enumerate(_s)
    ),
    ids(_s, "edp"),
)
neg(
    "ldif_groups_and_units_only",
    "\n".join(
        f"dn: cn={g},ou=groupes,dc=ent,dc=ac-rennes,dc=fr\nobjectClass: groupOfNames\ncn: {g}\ndescription: {d}\nmember: cn=svc-sync,ou=services,dc=ent,dc=ac-rennes,dc=fr\n"
        for g, d in [
            ("profs-0290012X", "Enseignants du collège"),
            ("parents-4eA", "Parents de 4e A"),
            ("vie-scolaire", "CPE et AED"),
            ("infirmerie", "Infirmière scolaire"),
        ]
    ),
)
_s = sl(10, 3)
case(
    "protobuf_text_format_user_records_birth_message",
    "\n".join(
        f'users {{\n  id: {90001 + k}\n  display_name: "{p.first} {p.last}"\n  email: "{p.email}"\n  phone_number: "{p.mobile}"\n  birth_date {{\n    year: {int(p.dob[:4])}\n    month: {int(p.dob[5:7])}\n    day: {int(p.dob[8:])}\n  }}\n  iban: "{p.iban}"\n}}'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epi"),
    maybe={("dob", p.dob) for p in _s},  # a date as three fields of a message
)
neg(
    "protobuf_text_format_server_config",
    'server {\n  listen_port: 8443\n  tls { cert_file: "/etc/vigie/tls.crt" key_file: "/etc/vigie/tls.key" }\n  max_body_bytes: 10485760\n}\nretention {\n  days: 365\n  purge_hour: 3\n}\nbuild {\n  commit: "9f2c1e7a4b"\n  date { year: 2026 month: 11 day: 30 }\n}\n',
)
_s = sl(13, 4)
case(
    "slack_export_users_json_profiles",
    json.dumps(
        [
            {
                "id": f"U0{digits(k, 'slk', 8)}",
                "team_id": "T04ABCDEF",
                "name": _ascii_uid(p),
                "deleted": False,
                "real_name": f"{p.first} {p.last}",
                "tz": "Europe/Paris",
                "profile": {
                    "title": ["Comptable", "Dev", "RH", "Commercial"][k],
                    "phone": fr_spaced(p.mobile),
                    "real_name": f"{p.first} {p.last}",
                    "email": p.email,
                    "status_text": ["", "En congé", "", "Sur la route"][k],
                },
                "is_admin": k == 0,
            }
            for k, p in enumerate(_s)
        ],
        indent=2,
        ensure_ascii=False,
    ),
    ids(_s, "pe"),
)


def _mrz_check(s: str) -> str:
    vals = [0 if c == "<" else int(c) if c.isdigit() else ord(c) - 55 for c in s]
    return str(sum(v * (7, 3, 1)[i % 3] for i, v in enumerate(vals)) % 10)


def _mrz(p: object, k: int) -> str:
    last, first, dob, sex = (getattr(p, a) for a in ("last", "first", "dob", "sex"))
    fold = str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")
    l1 = f"P<FRA{last.translate(fold).upper().replace(' ', '<')}<<{first.translate(fold).upper().replace(' ', '<')}".ljust(
        44, "<"
    )[:44]
    num, birth, exp = f"{digits(k, 'pp', 2)}AB{digits(k, 'pp2', 5)}", dob[2:4] + dob[5:7] + dob[8:], f"3{k}0{k + 1}1{k}"
    pers = "<" * 14
    body = f"{num}{_mrz_check(num)}FRA{birth}{_mrz_check(birth)}{sex}{exp}{_mrz_check(exp)}{pers}{_mrz_check(pers)}"
    final = _mrz_check(
        num + _mrz_check(num) + birth + _mrz_check(birth) + exp + _mrz_check(exp) + pers + _mrz_check(pers)
    )
    return f"{l1}\n{body}{final}"


_s = sl(17, 3)
case(
    "hotel_kiosk_passport_scans_mrz",
    "Borne d'enregistrement — scans du 03/12/2026\n"
    + "\n\n".join(
        f"[scan {k + 1}] chambre {301 + k} — {p.email} — {fr_spaced(p.mobile)}\n{_mrz(p, k)}" for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    maybe={("dob", p.dob) for p in _s},  # YYMMDD inside the machine-readable zone
)
neg(
    "icao_specimen_mrz_doc",
    """ICAO Doc 9303, part 4 — specimen of a TD3 machine-readable zone:
P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10
The check digits use the weights 7, 3, 1 repeated; '<' counts as 0 and letters A-Z as 10-35.""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    "italian_hotel_guests_codice_fiscale_lowercase": "an Italian guest list ('ospite;codice fiscale;nato il;cellulare;email', the fiscal code in lower case): codes, phones and emails found, every dd/mm/yyyy birth under 'nato il' missed",
    "qif_bank_export_payees_with_iban": "a QIF bank export whose M (memo) lines hold 'REF <8 digits> <IBAN>' of each direct-debit payee: no IBAN found",
    "quebec_clients_nas_and_phones": "a Quebec client list (NAS, 'Cellulaire', '(514) 932-xxxx'): no country column, so the North American numbers are missed (read in France by default, as the docs say; the file says Quebec)",
    "swiss_payroll_lines_avs_dotted": "Swiss payroll lines ('AHV-Nr. 756.xxxx.xxxx.xx | geb. 21.05.1983 | Natel +41 ...'): AVS numbers, phones, IBANs found, every birth after 'geb.' missed",
    "whatsapp_chat_export_txt_numbers_shared": "a WhatsApp chat export where a birth date closes a message ('... / 06 .. / 21/01/1962'): that birth missed (the other found)",
    "android_contacts_data_table_rows": "Android's contacts data table dumped (raw_contact_id|mimetype|data1|..., one row per name, phone, email and birthday event): nothing found",
    "cross_border_dox_prose_mixed_ids": "a dox in prose: the Swiss 'Natel 078 ...' read as a French phone (the bare Belgian national number after 'registre national', the AVS after 'n° AVS' and the NIE 'Y-2157158-W' are found since wave 31)",
    "discord_chat_exporter_txt": "a DiscordChatExporter text log (a header block, '[d/m/yyyy h:mm PM] user#1234', one dox line per message, reactions): only the first message's identifiers found",
    "spanish_dni_lowercase_letter_lines": "two lines 'Name | dni 08189054l | email | nacido el dd-mm-yyyy' (DNI with its letter in lower case): nothing found",
    "hotel_kiosk_passport_scans_mrz": "a check-in kiosk's scans ('[scan 1] chambre 301 — <email> — <mobile>' then each passport's two MRZ lines): nothing found, not even the emails and phones",
    "protobuf_text_format_user_records_birth_message": 'protobuf text records (users { email: .. phone_number: .. birth_date { year month day } iban: "FR76..." }): emails and phones found, every IBAN missed',
    # precision
}
SET.miss(**MISSED)
FLOORS = {"recall": 0.85, "precision": 0.91}  # no article 9 expected here (one false: religion)
globals().update(make_tests(SET, FLOORS))

if __name__ == "__main__":
    SET.report()
