# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 6c: leak posts end to end, as sellers write them, each scored exactly.

Written apart from the detector (wave 26, helper H) from README.md, the docs and the public API
(`detect`, `detect_many`, `crawler.attachments.expand_attachment`). Each case is a whole post: a title,
a teaser, a sample of 10-30 rows, a price, a contact and a download link, on a forum's HTML (phpBB,
XenForo), a paste, a ransomware leak site's victim page, Telegram's exports (result.json and
messages.html), a thread split over posts, and attachments (CSV in cp1252, xlsx with two sheets, a zip
holding a mysqldump, pretty JSON, a stealer log, 7z, a zip in a zip, bz2, xz, tar.gz, .sql.gz, docx, a PDF,
an .eml, vCard, LDIF), chat exports (WhatsApp, Discord), famous scrapes' formats (Facebook 2021, Twitter
2022, LinkedIn), exposed databases as they print (Elasticsearch, Firebase, mongosh, sqlcmd, sqlplus,
phpMyAdmin, sqlmap), phishing-kit results and stealer side files. Every identifier of the sample must be found with
its canonical value and nothing else (the seller's contact is `maybe`), with the article 9 categories
the sample holds. `python -m tests.test_detect_blind_probe_set6` prints this set with 6 and 6b.
"""

from __future__ import annotations

import base64
import bz2
import csv
import datetime
import gzip
import hashlib
import html
import io
import json
import lzma
import tarfile
import textwrap
import zipfile
from dataclasses import dataclass

import openpyxl
import py7zr

from tests.blind_probe_harness import (
    Probe,
    e164,
    fr_date,
    fr_spaced,
    gmail,
    grouped,
    iban,
    luhn,
    make_tests,
    nir,
    person_ids,
    spaced_nir,
)

__all__ = ["SET"]

SET = Probe("6c")


@dataclass(frozen=True)
class R:
    first: str
    last: str
    email: str
    mobile: str  # E.164
    dob: str  # ISO
    nir: str
    iban: str
    card: str
    city: str


_FIRST = [
    "Océane",
    "Mathis",
    "Lina",
    "Enzo",
    "Chloé",
    "Hugo",
    "Inès",
    "Théo",
    "Jade",
    "Nolan",
    "Manon",
    "Sacha",
    "Léna",
    "Rayan",
    "Zoé",
    "Axel",
    "Clara",
    "Malo",
    "Romane",
    "Ilyes",
    "Lou",
    "Gabin",
    "Anaïs",
    "Yanis",
    "Elsa",
    "Timéo",
    "Mila",
    "Noé",
    "Agathe",
    "Wassim",
]
_LAST = [
    "Perrin",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupuis",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanchard",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrot",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
]
_DOMAINS = [
    "orange.fr",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "gmail.com",
    "hotmail.fr",
    "wanadoo.fr",
    "yahoo.fr",
    "outlook.fr",
    "bbox.fr",
]
_CITIES = ["Lyon", "Lille", "Nantes", "Rennes", "Toulouse", "Nice", "Brest", "Dijon", "Metz", "Tours"]


def _ascii(s: str) -> str:
    table = str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")
    return s.translate(table).lower()


def _digits(i: int, salt: str, n: int) -> str:
    """n pseudo-random digits (fixed): real dumps hold no runs of consecutive numbers."""
    h = hashlib.sha256(f"{salt}{i}".encode()).hexdigest()
    return "".join(str(int(c, 16) % 10) for c in h)[:n]


def _person(i: int) -> R:
    first, last = _FIRST[i], _LAST[i]
    email = f"{_ascii(first)}.{_ascii(last)}{i + 3}@{_DOMAINS[i % len(_DOMAINS)]}"
    second = str(3 + i % 7) if i % 2 else str((i * 3) % 10)
    mobile = e164(f"0{6 + i % 2}{second}{_digits(i, 'tel', 7)}")
    y, m, d = 1950 + (i * 7) % 52, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    dob = f"{y}-{m:02d}-{d:02d}"
    dept = f"{(13 + i * 9) % 95 + 1:02d}".replace("20", "21")
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{dept}{_digits(i, 'nir', 6)}"
    bank = ["30006", "20041", "10278", "30004", "11315"][i % 5]
    card = luhn(["4970", "5132", "4556", "5412"][i % 4] + _digits(i, "card", 11), 16)
    return R(
        first,
        last,
        email,
        mobile,
        dob,
        nir(body),
        iban("FR", f"{bank}{_digits(i, 'iban', 16)}{_digits(i, 'key', 2)}"),
        card,
        _CITIES[i % 10],
    )


PEOPLE = [_person(i) for i in range(30)]


ids = person_ids  # (e mail, p mobile, d birth, n NIR, i IBAN, c card)


# ---------------------------------------------------------------- 1. a French phpBB sale post, sample in a code block

_s1 = PEOPLE[:15]
_rows1 = ["nom;prenom;email;telephone;date_naissance;ville"] + [
    f"{p.last.upper()};{p.first};{p.email};{fr_spaced(p.mobile)};{fr_date(p.dob)};{p.city}" for p in _s1
]
SET.case(
    "phpbb_fr_sale",
    f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>[VENTE] Base clients mutuelle 2024 - 312K lignes - Forum</title></head>
<body><div id="page-body"><div class="post bg2" id="p48213"><div class="inner"><div class="postbody">
<h3 class="first"><a href="#p48213">[VENTE] Base clients mutuelle 2024 - 312K lignes</a></h3>
<p class="author"><a href="./memberlist.php?mode=viewprofile&amp;u=1042"><strong>dataking</strong></a> » mer. 13 mars 2024 22:41</p>
<div class="content">Salut à tous,<br><br>Je vends une base fraîche d'une mutuelle française, extraite en février 2024.<br>
<strong>312 418 lignes</strong> : nom, prénom, email, téléphone, date de naissance, ville, NIR et IBAN pour 40%.<br><br>
Échantillon (15 lignes) :<br>
<div class="codebox"><p>Code: <a href="#" onclick="selectCode(this); return false;">Tout sélectionner</a></p><pre><code>{html.escape(chr(10).join(_rows1))}</code></pre></div><br>
Prix : <span style="font-weight: bold">1 200 €</span> en XMR, middleman accepté.<br>
Contact : tox 3F2504E04F8911D39A0C0305E82C3301A1B2C3D4E5F60718293A4B5C6D7E8F9012 ou session 05a1b2c3d4e5f6<br>
Lien de l'échantillon complet : <a href="https://mega.nz/file/Ab3dEf9H#kLmNoPqRsTuVwXyZ0123456789abcdef" class="postlink">https://mega.nz/file/Ab3dEf9H#kLmNoPqRsTuVwXyZ0123456789abcdef</a>
</div></div></div></div></div></body></html>""",
    ids(_s1, "epd"),
)

# ---------------------------------------------------------------- 2. an English XenForo post: a combo sample in a code block

_s2 = PEOPLE[15:30]
_pw = [
    "Summer2023!",
    "qwerty123",
    "Azerty!78",
    "M0tdepasse",
    "iloveyou2",
    "Chocolat59",
    "P@ssw0rd1",
    "Marseille13",
    "soleil1234",
    "Bichette!",
    "Doudou2010",
    "Loulou75*",
    "Football99",
    "Nantes44!",
    "Camille2008",
]
_combo = [f"{p.email}:{w}" for p, w in zip(_s2, _pw, strict=True)]
SET.case(
    "xenforo_en_combo",
    f"""<html><body><div class="p-body"><h1 class="p-title-value">[FREE] 1.2M FR combolist email:pass - fresh 03/2024 - HQ private</h1>
<article class="message message--post" data-author="c0mb0k1ng"><div class="message-content"><div class="bbWrapper">
Hello BF, dropping a private FR combo, dehashed &amp; deduped, 82% hits on streaming.<br>
Sample:<br>
<div class="bbCodeBlock bbCodeBlock--code"><div class="bbCodeBlock-title">Code:</div><div class="bbCodeBlock-content"><pre class="bbCodeCode" dir="ltr" data-xf-init="code-block" data-lang=""><code>{html.escape(chr(10).join(_combo))}</code></pre></div></div>
Full download (hidden, like + reply to unlock):<br>
<div class="bbCodeBlock bbCodeBlock--hide"><div class="bbCodeBlock-content">https://pixeldrain.com/u/aB3xYz9Q  pass: bf2024</div></div>
Leave a like if it works. Telegram: @c0mb0k1ng_fr
</div></div></article></div></body></html>""",
    ids(_s2, "e"),
    recall_only={("credential", c) for c in _combo},
)

# ---------------------------------------------------------------- 3. a paste: an English dox

_d = PEOPLE[3]
SET.case(
    "paste_dox_en",
    f"""=========================================
        DOXED BY ZeroCool - enjoy
=========================================
Full name ....... {_d.first} {_d.last}
Age ............. 38
DOB ............. {fr_date(_d.dob)}
Address ......... 14 rue Saint-Ferréol, 13001 Marseille, France
Phone ........... {_d.mobile[:3]} {_d.mobile[3]} {_d.mobile[4:6]} {_d.mobile[6:8]} {_d.mobile[8:10]} {_d.mobile[10:]}
Email ........... {_d.email}
Social security . {spaced_nir(_d.nir)}
Bank ............ {grouped(_d.iban)}
Mother .......... Sylvie {_d.last}, 06 61 72 83 94
Discord ......... zer0c00l#4421 (not his)
IP .............. 90.112.45.201 (Orange, Marseille)
=========================================
don't mess with us next time""",
    ids([_d], "epdni") | {("phone", e164("0661728394"))},
)

# ---------------------------------------------------------------- 4. a ransomware leak site's victim page with an HR table

_s4 = PEOPLE[:12]
_tr = "".join(
    f"<tr><td>{p.last.upper()}</td><td>{p.first}</td><td>{p.email}</td><td>{fr_spaced(p.mobile)}</td><td>{spaced_nir(p.nir)}</td><td>{grouped(p.iban)}</td><td>{'CGT' if i % 3 == 0 else ''}</td></tr>"
    for i, p in enumerate(_s4)
)
SET.case(
    "leak_site_victim_hr",
    f"""<!doctype html><html><head><title>LOCKBIT 3.0 LEAKED DATA</title></head><body>
<div class="post-big-title">transports-dumont.fr</div>
<div class="post-timer-end">PUBLISHED</div>
<div class="desc">Transports Dumont SAS, road freight, 420 employees, revenue $84M. The company refused to pay.
All data is published: HR, payroll, contracts, scans of ID cards. 212 GB.</div>
<div class="post-download-btn"><a href="http://lockbit7z2jwcskxpbokpemdxmltipntwlkmidcll2qirbu7ykg46eyd.onion/secret/4c1a1d8b1f1e2d3c/transports-dumont.fr/">FILES</a></div>
<h3>Sample: paie_2024.xlsx (employees)</h3>
<table class="sample"><thead><tr><th>Nom</th><th>Prénom</th><th>Email</th><th>Téléphone</th><th>N° Sécu</th><th>IBAN</th><th>Syndicat</th></tr></thead>
<tbody>{_tr}</tbody></table>
<div class="post-footer">Uploaded: 12 Mar, 2024 14:02 UTC · Views: 8 412</div></body></html>""",
    ids(_s4, "epni"),
    ["trade_union"],
)

# ---------------------------------------------------------------- 5. Telegram Desktop export, result.json


def _tg_text(parts: list[str | dict[str, str]]) -> list[str | dict[str, str]]:
    return parts


_s5 = PEOPLE[5:17]
_tg_msgs = [
    {
        "id": 101,
        "type": "message",
        "date": "2024-03-14T21:03:11",
        "from": "FR Leaks Shop",
        "from_id": "channel1987654321",
        "text": "🔥 NOUVEAU : base opticien 2024, 48K patients (nom, mail, tel, date de naissance, mutuelle). Échantillon ci-dessous 👇",
    },
    {
        "id": 102,
        "type": "message",
        "date": "2024-03-14T21:03:40",
        "from": "FR Leaks Shop",
        "from_id": "channel1987654321",
        "text": _tg_text(
            ["nom | prénom | mail | tel | naissance\n"]
            + [
                x
                for p in _s5
                for x in (
                    f"{p.last.upper()} | {p.first} | ",
                    {"type": "email", "text": p.email},
                    " | ",
                    {"type": "phone", "text": fr_spaced(p.mobile)},
                    f" | {fr_date(p.dob)}\n",
                )
            ]
        ),
    },
    {
        "id": 103,
        "type": "message",
        "date": "2024-03-14T21:05:02",
        "from": "FR Leaks Shop",
        "from_id": "channel1987654321",
        "text": [
            "Prix 250$ BTC/XMR. DM ",
            {"type": "mention", "text": "@frleaks_admin"},
            " — lien : ",
            {"type": "link", "text": "https://t.me/+AbCdEf123456"},
        ],
    },
]
SET.case(
    "telegram_result_json",
    json.dumps(
        {"name": "FR Leaks Shop", "type": "public_channel", "id": 1987654321, "messages": _tg_msgs},
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s5, "epd"),
)

# ---------------------------------------------------------------- 6. Telegram Desktop export, messages.html

_s6 = PEOPLE[17:29]
_tg_lines = "<br>".join(
    html.escape(f"{p.first} {p.last} - {p.email} - {fr_spaced(p.mobile)} - IBAN {grouped(p.iban)}") for p in _s6
)
SET.case(
    "telegram_messages_html",
    f"""<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Exported Data</title></head><body><div class="page_wrap">
<div class="page_header"><div class="content"><div class="text bold">Bank Drops FR</div></div></div>
<div class="page_body chat_page"><div class="history">
<div class="message service" id="message-1"><div class="body details">14 March 2024</div></div>
<div class="message default clearfix" id="message412"><div class="pull_left userpic_wrap"><div class="userpic userpic2" style="width: 42px; height: 42px"><div class="initials" style="line-height: 42px">B</div></div></div>
<div class="body"><div class="pull_right date details" title="14.03.2024 22:10:31 UTC+01:00">22:10</div><div class="from_name">Bank Drops FR</div>
<div class="text">Fullz FR avec IBAN vérifiés ✅ 12 ci-dessous, le pack de 500 à 0.01 BTC<br>{_tg_lines}</div></div></div>
<div class="message default clearfix joined" id="message413"><div class="body"><div class="pull_right date details" title="14.03.2024 22:11:02 UTC+01:00">22:11</div>
<div class="text">Contact <a href="https://t.me/bankdrops_fr">@bankdrops_fr</a> — escrow possible</div></div></div>
</div></div></div></body></html>""",
    ids(_s6, "epi"),
)

# ---------------------------------------------------------------- 7. a thread: teaser post, then the sample over two posts

_s7 = PEOPLE[:20]
_rows7 = [
    f"{p.email}|{fr_spaced(p.mobile)}|{fr_date(p.dob, '-')}|{p.card}|{(i % 12) + 1:02d}/2{7 + i % 3}"
    for i, p in enumerate(_s7)
]
SET.case(
    "thread_split_fullz",
    [
        "[WTS] FR fullz with CC + DOB, 2024, 3.4K lines, valid rate 70%. Format: email|phone|dob|cc|exp. Sample in next replies, price $8 per line, bulk discount. XMPP only: fullzfr@jabber.calyxinstitute.org",
        "sample 1/2\n" + "\n".join(_rows7[:10]),
        "sample 2/2\n" + "\n".join(_rows7[10:]) + "\nDM for the rest",
    ],
    ids(_s7, "epdc"),
    maybe=[("email", "fullzfr@jabber.calyxinstitute.org")],
)

# ---------------------------------------------------------------- 8. an English paste: a US clinic's patients, diagnoses as ICD-10 codes

_us = [
    (
        "Megan",
        "Whitaker",
        "megan.whitaker@yahoo.com",
        "+1 415 555 2671",
        "536-22-1234",
        "04/17/1981",
        "1981-04-17",
        "E11.9",
    ),
    ("Tyler", "Brooks", "tbrooks88@aol.com", "+1 212 456 7890", "401-45-6789", "11/02/1988", "1988-11-02", "F32.1"),
    (
        "Ashley",
        "Nguyen",
        "ashley.nguyen@outlook.com",
        "+1 646 555 3890",
        "212-34-5678",
        "07/30/1975",
        "1975-07-30",
        "B20",
    ),
    (
        "Brandon",
        "Ortiz",
        "b.ortiz@comcast.net",
        "+1 312 555 0198",
        "318-76-5432",
        "12/25/1969",
        "1969-12-25",
        "C50.911",
    ),
]
SET.case(
    "paste_us_clinic",
    "Sunrise Family Clinic (Oakland, CA) - patients export 2024-02 - 18,220 rows - sample\n"
    "first_name,last_name,email,phone,ssn,dob,dx_code\n"
    + "\n".join(f"{a},{b},{c},{d},{e},{f},{h}" for a, b, c, d, e, f, _g, h in _us)
    + "\nfull db: 0.5 BTC - contact sunrise_dump@protonmail.com",
    {("email", c) for _a, _b, c, *_ in _us}
    | {("phone", e164(d, "US")) for _a, _b, _c, d, *_ in _us}
    | {("national_id", "US:" + e.replace("-", "")) for *_x, e, _f, _g, _h in _us}
    | {("dob", g) for *_x, g, _h in _us},
    ["health"],
    maybe=[("email", "sunrise_dump@protonmail.com")],
)

# ---------------------------------------------------------------- attachments

_s9 = PEOPLE[:10]
_patho = [
    "diabète de type 1",
    "asthme",
    "séropositif VIH",
    "dépression sévère",
    "",
    "hypertension",
    "",
    "épilepsie",
    "cancer du sein",
    "",
]
_buf = io.StringIO()
_w = csv.writer(_buf, delimiter=";", lineterminator="\r\n")
_w.writerow(["Nom", "Prénom", "Né(e) le", "N° Sécurité sociale", "Téléphone", "Email", "Pathologie"])
for p, path in zip(_s9, _patho, strict=True):
    _w.writerow([p.last.upper(), p.first, fr_date(p.dob), spaced_nir(p.nir), fr_spaced(p.mobile), p.email, path])
SET.case(
    "attachment_csv_cp1252_patients",
    _buf.getvalue().encode("cp1252"),
    ids(_s9, "epdn"),
    ["health"],
    filename="export_patients_cabinet.csv",
)

_wb = openpyxl.Workbook()
_ws = _wb.active
_ws.title = "Salariés"
_ws.append(["Matricule", "Nom", "Prénom", "Email", "Mobile", "Date de naissance", "IBAN", "Adhérent syndicat"])
_s10 = PEOPLE[10:22]
for k, p in enumerate(_s10):
    y, m, d = map(int, p.dob.split("-"))
    import datetime as _dt

    _ws.append(
        [
            f"M{4100 + k}",
            p.last.upper(),
            p.first,
            p.email,
            fr_spaced(p.mobile),
            _dt.datetime(y, m, d),
            grouped(p.iban),
            "FO" if k % 4 == 0 else "non",
        ]
    )
_ws2 = _wb.create_sheet("Arrêts maladie")
_ws2.append(["Matricule", "Nom", "Début", "Fin", "Motif"])
for k, p in enumerate(_s10[:5]):
    _ws2.append(
        [
            f"M{4100 + k}",
            p.last.upper(),
            "04/03/2024",
            "15/03/2024",
            ["lombalgie", "burn-out", "grippe", "dépression", "chirurgie du genou"][k],
        ]
    )
_xb = io.BytesIO()
_wb.save(_xb)
SET.case(
    "attachment_xlsx_hr_two_sheets",
    _xb.getvalue(),
    ids(_s10, "epdi"),
    ["trade_union", "health"],
    filename="RH_paie_2024.xlsx",
)

_s11 = PEOPLE[8:24]
_sql = (
    "-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)\n--\n-- Host: localhost    Database: boutique\n"
    "DROP TABLE IF EXISTS `customers`;\nCREATE TABLE `customers` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) NOT NULL,\n"
    "  `password` varchar(60) NOT NULL,\n  `firstname` varchar(64),\n  `lastname` varchar(64),\n  `birthday` date,\n  `phone` varchar(32),\n  PRIMARY KEY (`id`)\n"
    ") ENGINE=InnoDB AUTO_INCREMENT=18231 DEFAULT CHARSET=utf8;\n"
    "LOCK TABLES `customers` WRITE;\n/*!40000 ALTER TABLE `customers` DISABLE KEYS */;\n"
    "INSERT INTO `customers` VALUES "
    + ",".join(
        f"({k + 1},'{p.email}','$2y$10${('abcdefghijklmnopqrstuv' * 3)[k : k + 22]}Jq9m0H1Zx8wz1bK2vYQk0aZx8wz1b','{p.first}','{p.last}','{p.dob}','{p.mobile}')"
        for k, p in enumerate(_s11)
    )
    + ";\n/*!40000 ALTER TABLE `customers` ENABLE KEYS */;\nUNLOCK TABLES;\n"
)
_zb = io.BytesIO()
with zipfile.ZipFile(_zb, "w", zipfile.ZIP_DEFLATED) as _z:
    _z.writestr("LISEZMOI.txt", "Dump boutique-deco.fr du 02/03/2024. 18 230 clients. Merci de ne pas revendre.\n")
    _z.writestr("boutique/customers.sql", _sql)
SET.case(
    "attachment_zip_sql",
    _zb.getvalue(),
    ids(_s11, "epd"),
    filename="boutique-deco.fr_2024.zip",
)

_s12 = PEOPLE[2:14]
_js = json.dumps(
    {
        "status": "ok",
        "count": len(_s12),
        "results": [
            {
                "id": 7000 + k,
                "identity": {"firstName": p.first, "lastName": p.last, "birthDate": p.dob},
                "contact": {"email": p.email, "mobile": p.mobile},
                "payment": {"iban": p.iban},
                "tags": ["premium"] if k % 2 else [],
            }
            for k, p in enumerate(_s12)
        ],
    },
    ensure_ascii=False,
    indent=2,
)
SET.case(
    "attachment_json_api",
    _js.encode(),
    ids(_s12, "epdi"),
    filename="api_export_clients.json",
)

_s13 = PEOPLE[20:26]
_stealer = "\n".join(
    f"""===============
URL: https://{["www.impots.gouv.fr", "www.ameli.fr", "particuliers.sg.fr", "www.leboncoin.fr", "www.paypal.com", "accounts.google.com"][k]}/login
Username: {p.email}
Password: {_pw[k]}
Application: Google_[Chrome]_Default"""
    for k, p in enumerate(_s13)
)
SET.case(
    "attachment_txt_stealer",
    (
        "*** RedLine stealer log *** Build: 24.03 ***\nIP: 90.112.45.201\nCountry: FR\nHWID: 4C4C4544-0031-3510-8052-B4C04F4B4E32\n\n"
        + _stealer
        + "\n===============\n"
    ).encode(),
    ids(_s13, "e"),
    recall_only={("credential", f"{p.email}:{_pw[k]}") for k, p in enumerate(_s13)},
    filename="Passwords.txt",
)

# ---------------------------------------------------------------- 14. an English leak announcement: teaser only, no sample (nothing to find)

SET.negative(
    "teaser_only_en",
    """[LEAK] Hopital Saint-Luc (France) - 1.4 TB - patient records, HIV test results, psychiatric notes, staff HR files.
The hospital ignored our emails. Full dump available for 72h: http://leakzxqd5gq3ivfmxl7lu3hxkqwiumm3pcs7jbzqsmjwcn5rvyhqvfid.onion/slc
Sample screenshots: https://imgur.com/a/Xk3f9Qz  Price: 3 BTC or free on the 20th.""",
)
SET.negative(
    "teaser_only_fr",
    """[FUITE] Mairie de Saint-Ouen-sur-Loire — 82 Go : état civil, listes électorales, dossiers sociaux (RSA, handicap),
fichiers du syndicat CGT des agents. Publication complète le 15/04/2024 si pas de contact. Tox : 76A1B2C3D4E5F60718293A4B5C6D7E8F9012A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7""",
)


# ---------------------------------------------------------------- more posts and attachments (batch 2)

SET.negative(
    "db_index_post",
    """[DATABASE] chronopizza.fr - 2024 - 1.8M users - SQL
Tables:
  users ............ 1 812 334 rows (id, email, password_hash bcrypt, firstname, lastname, phone, birthdate, created_at)
  addresses ........ 2 104 877 rows (id, user_id, street, zip, city, country)
  orders ........... 9 334 120 rows (id, user_id, total, status, paid_at)
  payment_tokens ...    412 003 rows (id, user_id, psp_token, last4, exp_month, exp_year)
Compressed 1.2 GB / uncompressed 6.8 GB. Price 800$. Only escrow. Samples on request.""",
)
SET.negative(
    "ransomware_victims_list",
    """<div class="list"><div class="victim"><div class="title">acme-logistics.com</div><div class="desc">US, logistics, $120M revenue</div><div class="size">340 GB</div><div class="timer">2D 14h 03m 11s</div></div>
<div class="victim"><div class="title">clinique-des-lilas.fr</div><div class="desc">France, private clinic, 210 employees, patient files</div><div class="size">88 GB</div><div class="timer">PUBLISHED</div></div>
<div class="victim"><div class="title">stadtwerke-musterstadt.de</div><div class="desc">Germany, utilities</div><div class="size">1.1 TB</div><div class="timer">5D 02h 40m 09s</div></div></div>""",
)
SET.negative(
    "price_list_post",
    """Prices (updated 03/2024):
- FR fullz (name, DOB, address, phone, IBAN) .... $8 / line, $5 bulk 1K+
- FR NIR + DOB ........................................ $3 / line
- US SSN + DOB (CA, TX, FL, NY) ....................... $2 / line
- CC FR with CVV, 70% valid ........................... $12 / card, BIN 497010 / 513200
- Combo FR mail:pass private .......................... $20 / 10K
Payment BTC/XMR/USDT TRC20 only. Contact: Jabber / Tox only. No refunds after delivery.""",
)

_s15 = PEOPLE[3:13]
_wb2 = openpyxl.Workbook()
_ws3 = _wb2.active
_ws3.append(["Nom", "Prénom", "Téléphone", "Email", "N° SS", "Date de naissance"])
for p in _s15:
    yy, mm, dd = map(int, p.dob.split("-"))
    _ws3.append([p.last, p.first, int("0" + p.mobile[3:]), p.email, p.nir, datetime.date(yy, mm, dd)])
_xb2 = io.BytesIO()
_wb2.save(_xb2)
SET.case(
    "attachment_xlsx_numbers_lost_zero",
    _xb2.getvalue(),
    ids(_s15, "epdn"),
    filename="contacts_adherents.xlsx",
)

_d2 = PEOPLE[7]
_docx_body = "".join(
    f'<w:p><w:r><w:t xml:space="preserve">{html.escape(line)}</w:t></w:r></w:p>'
    for line in [
        "FICHE — À NE PAS DIFFUSER",
        f"Nom : {_d2.last.upper()} {_d2.first}",
        f"Date de naissance : {fr_date(_d2.dob)} à Toulouse",
        "Adresse : 27 allée des Cèdres, 31400 Toulouse",
        f"Portable : {fr_spaced(_d2.mobile)}",
        f"Courriel : {_d2.email}",
        f"Numéro de sécurité sociale : {spaced_nir(_d2.nir)}",
        f"RIB : {grouped(_d2.iban)}",
        "Santé : suivi en psychiatrie depuis 2019 (trouble bipolaire), traitement par lithium",
        "Religion : musulman pratiquant",
    ]
)
_docx = io.BytesIO()
with zipfile.ZipFile(_docx, "w", zipfile.ZIP_DEFLATED) as _z:
    _z.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    )
    _z.writestr(
        "_rels/.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    )
    _z.writestr(
        "word/document.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{_docx_body}</w:body></w:document>",
    )
SET.case(
    "attachment_docx_dox",
    _docx.getvalue(),
    ids([_d2], "epdni"),
    ["health", "religion"],
    filename="fiche_cible.docx",
)

_s17 = PEOPLE[14:24]
_csv17 = "email,first_name,last_name,mobile,dob\r\n" + "".join(
    f"{p.email},{p.first},{p.last},{p.mobile},{p.dob}\r\n" for p in _s17
)
_eml = (
    "From: =?utf-8?q?Service_Client?= <service.client@boutique-deco.fr>\r\n"
    "To: export@boutique-deco.fr\r\nSubject: Export clients mars\r\nDate: Thu, 14 Mar 2024 09:12:44 +0100\r\n"
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XYZ123"\r\n\r\n'
    "--XYZ123\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCi-joint l'export demandé.\r\n\r\n"
    '--XYZ123\r\nContent-Type: text/csv; name="clients_mars.csv"\r\nContent-Disposition: attachment; filename="clients_mars.csv"\r\n'
    "Content-Transfer-Encoding: base64\r\n\r\n"
    + "\r\n".join(textwrap.wrap(base64.b64encode(_csv17.encode()).decode(), 76))
    + "\r\n--XYZ123--\r\n"
)
SET.case(
    "attachment_eml_with_csv",
    _eml.encode(),
    ids(_s17, "epd"),
    filename="Export clients mars.eml",
    maybe=[("email", "service.client@boutique-deco.fr"), ("email", "export@boutique-deco.fr")],
)

_s18 = PEOPLE[0:12]
_mongo = "\n".join(
    json.dumps(
        {
            "_id": {"$oid": hashlib.md5(p.email.encode()).hexdigest()[:24]},
            "email": p.email,
            "profile": {"name": f"{p.first} {p.last}", "phone": p.mobile, "birth": {"$date": p.dob + "T00:00:00.000Z"}},
            "createdAt": {"$date": f"2023-06-0{1 + k % 9}T10:22:33.000Z"},
        },
        ensure_ascii=False,
    )
    for k, p in enumerate(_s18)
)
_tb = io.BytesIO()
with tarfile.open(fileobj=_tb, mode="w:gz") as _t:
    _info = tarfile.TarInfo("export/users.json")
    _payload = _mongo.encode()
    _info.size = len(_payload)
    _t.addfile(_info, io.BytesIO(_payload))
SET.case(
    "attachment_targz_mongo",
    _tb.getvalue(),
    ids(_s18, "epd"),
    filename="app_users_export.tar.gz",
)

_s19 = PEOPLE[18:30]
_pg = (
    "--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\n"
    "COPY public.patients (id, nom, prenom, naissance, nir, telephone, email, motif) FROM stdin;\n"
    + "".join(
        f"{k + 1}\t{p.last}\t{p.first}\t{p.dob}\t{p.nir}\t{p.mobile}\t{p.email}\t{['consultation diabétologie', 'suivi VIH', 'IVG médicamenteuse', 'dépistage cancer colorectal', 'renouvellement ordonnance', 'sevrage alcoolique'][k % 6]}\n"
        for k, p in enumerate(_s19)
    )
    + "\\.\n"
)
SET.case(
    "attachment_sqlgz_pg_copy",
    gzip.compress(_pg.encode()),
    ids(_s19, "epdn"),
    ["health"],
    filename="cabinet_medical_dump.sql.gz",
)

_s20 = PEOPLE[22:28]
_vcf = "".join(
    f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{p.last};{p.first};;;\r\nFN:{p.first} {p.last}\r\nTEL;TYPE=CELL:{fr_spaced(p.mobile)}\r\n"
    f"EMAIL;TYPE=INTERNET:{p.email}\r\nBDAY:{p.dob}\r\nEND:VCARD\r\n"
    for p in _s20
)
SET.case(
    "attachment_vcf_contacts",
    _vcf.encode(),
    ids(_s20, "epd"),
    filename="contacts.vcf",
)

_s21 = PEOPLE[1:13]
SET.case(
    "paste_markdown_table",
    "# Leak clients.opticien-lumiere.fr (03/2024)\n\nextrait, la suite sur le forum\n\n"
    "| Nom | Prénom | Email | Mobile | Naissance | Mutuelle |\n|---|---|---|---|---|---|\n"
    + "\n".join(
        f"| {p.last} | {p.first} | {p.email} | {fr_spaced(p.mobile)} | {fr_date(p.dob)} | {['MGEN', 'Harmonie', 'Malakoff', 'AG2R'][k % 4]} |"
        for k, p in enumerate(_s21)
    ),
    ids(_s21, "epd"),
)

_s22 = PEOPLE[9:21]
SET.case(
    "bbcode_raw_post",
    "[b][color=red]FRESH[/color] Base e-commerce FR — 220K clients[/b]\n"
    "Sample :\n[code]\n"
    + "\n".join(f"{p.email};{p.first} {p.last};{fr_spaced(p.mobile)};{p.city}" for p in _s22)
    + "\n[/code]\n[hide=50]Lien : https://gofile.io/d/Ab12Cd[/hide]\nPrix 300€ XMR, [url=https://t.me/vendeur_fr]Telegram[/url]",
    ids(_s22, "ep"),
)

_d3 = PEOPLE[11]
SET.case(
    "doxbin_en_art9",
    f"""Name: {_d3.first} {_d3.last}
Alias: "rayzor"
DOB: {_d3.dob}
Phone: {_d3.mobile}
Email: {_d3.email}
Address: 4 impasse des Mimosas, 06000 Nice
Religion: converted to Islam in 2019, goes to the mosque on rue de la Buffa every Friday
Sexuality: gay, on Grindr as "rayzor06"
Health: HIV positive, on PrEP... no, on treatment since 2021
Parents: divorced, mother lives in Antibes""",
    ids([_d3], "epd"),
    ["religion", "sexual_orientation", "health"],
)

_s24 = PEOPLE[4:14]
SET.case(
    "union_members_list",
    "LISTE DES ADHÉRENTS — Syndicat CGT Métallurgie, section Renault Flins — cotisations 2024\n"
    "nom;prenom;email;portable;date_adhesion;cotisation\n"
    + "\n".join(
        f"{p.last};{p.first};{p.email};{fr_spaced(p.mobile)};0{1 + k % 9}/0{1 + k % 9}/2018;12,50"
        for k, p in enumerate(_s24)
    ),
    ids(_s24, "ep"),
    ["trade_union"],
)

_s25 = PEOPLE[16:26]
SET.case(
    "appointments_export",
    "Export agenda Dr Rousseau (gynécologie) — semaine 11\n"
    "date_rdv;heure;patiente;naissance;portable;motif\n"
    + "\n".join(
        f"1{k % 5 + 1}/03/2024;{9 + k % 8}h30;{p.first} {p.last.upper()};{fr_date(p.dob)};{fr_spaced(p.mobile)};{['suivi de grossesse', 'contraception', 'IVG', 'dépistage IST', 'ménopause'][k % 5]}"
        for k, p in enumerate(_s25)
    ),
    ids(_s25, "pd"),
    ["health"],
)


# ---------------------------------------------------------------- batch 3: chat exports, encodings, archives, a PDF


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF written by hand (Helvetica, WinAnsi): what a 'sample.pdf' of a leak post holds."""
    esc = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for ln in lines]
    stream = "BT /F1 9 Tf 11 TL 40 800 Td " + " ".join(f"({ln}) Tj T*" for ln in esc) + " ET"
    body = stream.encode("cp1252")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


_s30 = PEOPLE[0:10]
SET.case(
    "whatsapp_export",
    "[14/03/2024, 22:10:31] Bank Drops: Salut, voilà les 10 fullz promis\n"
    + "".join(
        f"[14/03/2024, 22:1{1 + k // 5}:0{k % 5}] Bank Drops: {p.first} {p.last.upper()} né(e) le {fr_date(p.dob)} - {fr_spaced(p.mobile)} - {p.email}\n"
        for k, p in enumerate(_s30)
    )
    + "[14/03/2024, 22:13:40] Client: merci, je paie ce soir\n",
    ids(_s30, "epd"),
)
_s31 = PEOPLE[10:20]
SET.case(
    "discord_export_txt",
    "==============================================================\nGuild: leakers club\nChannel: market / #fr-db\n==============================================================\n\n"
    "[14-Mar-24 10:22 PM] dropper\nfresh FR sample, format nom;prenom;mail;tel;iban\n\n"
    "[14-Mar-24 10:23 PM] dropper\n"
    + "\n".join(f"{p.last};{p.first};{p.email};{p.mobile};{p.iban}" for p in _s31)
    + "\n\n[14-Mar-24 10:25 PM] buyer42\nhow much for 50k?\n",
    ids(_s31, "epi"),
)
_s32 = PEOPLE[20:30]
_combo32 = [f"{p.email}:{_pw[k]}" for k, p in enumerate(_s32)]
SET.case(
    "attachment_utf16_combo",
    ("\ufeff" + "\r\n".join(_combo32) + "\r\n").encode("utf-16-le"),
    ids(_s32, "e"),
    recall_only={("credential", c) for c in _combo32},
    filename="combo_FR_private.txt",
)
_s33 = PEOPLE[2:12]
_buf33 = io.StringIO()
_w33 = csv.writer(_buf33, lineterminator="\r\n")
_w33.writerow(["Last name", "First name", "Email", "Address", "Phone", "Date of birth"])
for k, p in enumerate(_s33):
    _w33.writerow([p.last, p.first, p.email, f"{3 + k} rue des Lilas\nBât. B, apt {10 + k}\n{p.city}", p.mobile, p.dob])
SET.case(
    "attachment_csv_bom_multiline_cells",
    b"\xef\xbb\xbf" + _buf33.getvalue().encode(),
    ids(_s33, "epd"),
    filename="customers.csv",
)
_s34 = PEOPLE[5:15]
_csv34 = "nom,prenom,email,telephone,nir\n" + "".join(
    f"{p.last},{p.first},{p.email},{fr_spaced(p.mobile)},{p.nir}\n" for p in _s34
)
_7z = io.BytesIO()
with py7zr.SevenZipFile(_7z, "w") as _a:
    _a.writestr(_csv34.encode(), "extract/assures.csv")
SET.case(
    "attachment_7z_csv",
    _7z.getvalue(),
    ids(_s34, "epn"),
    filename="assures_2024.7z",
)
_s35 = PEOPLE[12:24]
_inner = io.BytesIO()
with zipfile.ZipFile(_inner, "w", zipfile.ZIP_DEFLATED) as _z:
    _z.writestr(
        "users.jsonl", "\n".join(json.dumps({"mail": p.email, "tel": p.mobile, "dob": fr_date(p.dob)}) for p in _s35)
    )
_outer = io.BytesIO()
with zipfile.ZipFile(_outer, "w", zipfile.ZIP_STORED) as _z:
    _z.writestr("README.txt", "leak by dropper, enjoy\n")
    _z.writestr("part1/users.zip", _inner.getvalue())
SET.case(
    "attachment_nested_zip_jsonl",
    _outer.getvalue(),
    ids(_s35, "epd"),
    filename="dump_2024.zip",
)
_s36 = PEOPLE[0:8]
SET.case(
    "attachment_csv_bz2",
    bz2.compress(
        ("email;iban;naissance\n" + "".join(f"{p.email};{grouped(p.iban)};{fr_date(p.dob)}\n" for p in _s36)).encode()
    ),
    ids(_s36, "eid"),
    filename="rib_clients.csv.bz2",
)
_s37 = PEOPLE[8:16]
SET.case(
    "attachment_json_xz",
    lzma.compress(
        json.dumps([{"email": p.email, "phone": p.mobile, "card": p.card, "exp": "09/27"} for p in _s37]).encode()
    ),
    ids(_s37, "epc"),
    filename="cards.json.xz",
)
_s38 = PEOPLE[16:26]
SET.case(
    "attachment_pdf_patients",
    _pdf(
        ["Centre de radiologie du Parc - liste des examens du 14/03/2024", ""]
        + [
            f"{p.last.upper()} {p.first}   né(e) le {fr_date(p.dob)}   NIR {spaced_nir(p.nir)}   tél {fr_spaced(p.mobile)}   {['IRM cérébrale - sclérose en plaques', 'scanner thoracique - cancer du poumon', 'mammographie de dépistage', 'échographie de grossesse', 'radio du genou'][k % 5]}"
            for k, p in enumerate(_s38)
        ]
    ),
    ids(_s38, "pdn"),
    ["health"],
    filename="examens_14-03-2024.pdf",
)
_s39 = PEOPLE[3:9]
SET.case(
    "attachment_ldif",
    "".join(
        f"dn: uid={_ascii(p.first)}.{_ascii(p.last)},ou=people,dc=mairie-exemple,dc=fr\nobjectClass: inetOrgPerson\ncn: {p.first} {p.last}\n"
        f"sn: {p.last}\nmail: {p.email}\nmobile: {fr_spaced(p.mobile)}\n\n"
        for p in _s39
    ).encode(),
    ids(_s39, "ep"),
    filename="annuaire.ldif",
)
_s40 = PEOPLE[18:28]
_cap = [
    "Country = FR | Plan = Premium Family | Expiry = 2025-01-14",
    "Country = FR | Plan = Free",
    "Country = BE | Plan = Premium Duo",
]
_combo40 = [f"{p.email}:{_pw[k]}" for k, p in enumerate(_s40)]
SET.case(
    "combo_with_captures",
    "Spotify hits FR — checked with OpenBullet, 10/10 hits\n"
    + "\n".join(f"{c} | {_cap[k % 3]}" for k, c in enumerate(_combo40)),
    ids(_s40, "e"),
    recall_only={("credential", c) for c in _combo40},
)
_s41 = PEOPLE[24:30]
_sites = [
    "https://www.impots.gouv.fr",
    "https://espace-client.orange.fr",
    "https://www.caf.fr",
    "https://mon.service-public.fr",
    "https://www.doctolib.fr",
    "https://www.ameli.fr",
]
SET.case(
    "stealer_uppercase_variant",
    "\n".join(
        f"SOFT: Chrome Default\nURL: {_sites[k]}/connexion\nUSER: {p.email}\nPASS: {_pw[k]}\n========================"
        for k, p in enumerate(_s41)
    ),
    ids(_s41, "e"),
    recall_only={("credential", f"{p.email}:{_pw[k]}") for k, p in enumerate(_s41)},
)
_s42 = PEOPLE[0:12]
SET.case(
    "telegram_json_plain_text",
    json.dumps(
        {
            "name": "Base FR",
            "type": "private_supergroup",
            "messages": [
                {
                    "id": 7,
                    "type": "message",
                    "date": "2024-03-15T09:01:00",
                    "from": "admin",
                    "text": "extrait base assurance, 12 lignes :",
                },
                {
                    "id": 8,
                    "type": "message",
                    "date": "2024-03-15T09:01:30",
                    "from": "admin",
                    "text": "\n".join(
                        f"{p.last};{p.first};{fr_date(p.dob)};{spaced_nir(p.nir)};{p.email}" for p in _s42
                    ),
                },
            ],
        },
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s42, "edn"),
)


# ---------------------------------------------------------------- batch 4: a whole thread page, prose doxes


def _phpbb_post(pid: int, author: str, when: str, body: str, joined: str, posts: int) -> str:
    return (
        f'<div id="p{pid}" class="post has-profile bg{1 + pid % 2}"><div class="inner">'
        f'<dl class="postprofile" id="profile{pid}"><dt><a href="./memberlist.php?mode=viewprofile&amp;u={pid % 97}" class="username">{author}</a></dt>'
        f"<dd><strong>Messages :</strong> {posts}</dd><dd><strong>Inscription :</strong> {joined}</dd><dd><strong>Localisation :</strong> Lyon</dd></dl>"
        f'<div class="postbody"><p class="author">par <strong>{author}</strong> » {when}</p><div class="content">{body}</div>'
        f'<div class="signature">-- {author} | PGP 0x{pid:08X} | « la liberté n\'a pas de prix »</div></div></div></div>\n'
    )


_s50 = PEOPLE[6:18]
_chatter = [
    "Quelqu'un a des nouvelles de la base Mutuelle Bleue ? On parle de 2 millions de lignes.",
    "Pas vu passer. Le vendeur habituel est ban depuis le 12/03/2024.",
    "Moi j'ai la version de 2023, mais sans les IBAN, que les mails et les dates de naissance.",
    "Méfiez-vous, la dernière fois c'était un fake, 90% des numéros ne répondaient pas.",
    "Je confirme, achète pas sans middleman.",
]
_sample50 = "<br>".join(
    html.escape(f"{p.last.upper()};{p.first};{p.email};{fr_spaced(p.mobile)};{fr_date(p.dob)};{grouped(p.iban)}")
    for p in _s50
)
_posts50 = [
    _phpbb_post(90001 + k, a, f"jeu. 1{k} mars 2024 2{k}:1{k}", t, j, n)
    for k, (a, t, j, n) in enumerate(
        zip(
            ["n0name", "Kr4ken", "datawolf", "shadow_fr", "middleman_ok"],
            _chatter,
            ["12 mars 2019", "03 janv. 2021", "28 févr. 2018", "14 juil. 1999", "01 sept. 2022"],
            [1234, 87, 4410, 12, 990],
            strict=True,
        )
    )
]
_posts50.insert(
    3,
    _phpbb_post(
        90100,
        "datawolf",
        "jeu. 14 mars 2024 23:02",
        f"Bon ok voilà un extrait pour prouver, 12 lignes :<br><br><code>{_sample50}</code><br><br>Le reste en MP, 400€.",
        "28 févr. 2018",
        4411,
    ),
)
SET.case(
    "phpbb_thread_page",
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Base Mutuelle Bleue ? - Page 3 - Forum</title></head><body>'
    '<div id="wrap"><h2 class="topic-title"><a href="./viewtopic.php?t=4821">Base Mutuelle Bleue ?</a></h2><div class="pagination">Page 3 sur 7</div>\n'
    + "".join(_posts50)
    + "</div></body></html>",
    ids(_s50, "epdi"),
)

_p1, _p2 = PEOPLE[19], PEOPLE[26]
SET.case(
    "prose_dox_fr",
    f"""Bon voilà ce que j'ai trouvé sur ce bouffon qui nous a balancés. Il s'appelle {_p1.first} {_p1.last}, il est né le
{int(_p1.dob[8:])} {["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"][int(_p1.dob[5:7]) - 1]} {_p1.dob[:4]} à {_p1.city}, il habite toujours chez sa mère au 8 rue Paul Bert.
Son portable c'est le {fr_spaced(_p1.mobile).replace(" ", ".")} et son mail perso {_p1.email}. Sa sécu : {spaced_nir(_p1.nir)}.
Il est suivi pour une dépression depuis deux ans d'après sa story. Faites-vous plaisir.""",
    ids([_p1], "epdn"),
    ["health"],
)
SET.case(
    "prose_dox_en",
    f"""so this clown thinks he can scam us. his real name is {_p2.first} {_p2.last}, born {_p2.dob[8:]}/{_p2.dob[5:7]}/{_p2.dob[:4]}, lives in {_p2.city} with his gf.
cell: {_p2.mobile[:3]} {_p2.mobile[3]} {_p2.mobile[4:6]} {_p2.mobile[6:8]} {_p2.mobile[8:10]} {_p2.mobile[10:]} (whatsapp too), email {_p2.email}, bank {grouped(_p2.iban)}.
he's a practicing catholic, goes to mass every sunday lmao. have fun""",
    ids([_p2], "epdi"),
    ["religion"],
)


# ---------------------------------------------------------------- batch 5: the formats of famous scrapes (Facebook 2021, Twitter 2022, LinkedIn)

_s60 = PEOPLE[0:12]
_fb = [
    f"{p.mobile[1:]}:{100004000000000 + int(_digits(k, 'fb', 9))}:{p.first}:{p.last}:{'female' if k % 2 == 0 else 'male'}:{p.city}:{p.city}:"
    f"{['Married', 'Single', '', 'In a relationship'][k % 4]}:{['Orange', 'SNCF', '', 'La Poste'][k % 4]}:{1 + k % 12}/{1 + k % 28}/2019 12:00:00 AM::"
    for k, p in enumerate(_s60)
]
SET.case(
    "facebook_2021_format",
    "France.txt (extrait, 12 lignes sur 19 848 331)\n" + "\n".join(_fb),
    ids(_s60, "p"),
)
_s61 = PEOPLE[12:24]
SET.case(
    "twitter_2022_format",
    "\n".join(
        f"Email: {p.email} - Name: {p.first} {p.last} - ScreenName: {_ascii(p.first)}_{_ascii(p.last)}{k} - Followers: {37 * k + 5} - Created At: {['Mon Mar 11 20:12:33 +0000 2013', 'Sat Jul 04 08:01:12 +0000 2015', 'Tue Jan 01 00:00:01 +0000 2019'][k % 3]}"
        for k, p in enumerate(_s61)
    ),
    ids(_s61, "e"),
)
_s62 = PEOPLE[18:30]
SET.case(
    "linkedin_scrape_jsonl",
    "\n".join(
        json.dumps(
            {
                "full_name": f"{p.first} {p.last}",
                "linkedin_username": f"{_ascii(p.first)}-{_ascii(p.last)}-{_digits(k, 'li', 6)}",
                "job_title": ["Chargée de clientèle", "Développeur", "Infirmier", "Comptable"][k % 4],
                "location_country": "france",
                "emails": [p.email],
                "mobile_phone": p.mobile,
                "birth_year": int(p.dob[:4]),
                "job_start_date": f"20{10 + k % 12}-0{1 + k % 9}",
            },
            ensure_ascii=False,
        )
        for k, p in enumerate(_s62)
    ),
    ids(_s62, "ep"),
)


# ---------------------------------------------------------------- batch 6: exposed databases as they print (Elasticsearch, Firebase, mongosh, SQL Server, Oracle, phpMyAdmin)

_s70 = PEOPLE[0:10]
SET.case(
    "elasticsearch_search_response",
    json.dumps(
        {
            "took": 12,
            "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {
                "total": {"value": 184223, "relation": "eq"},
                "max_score": 1.0,
                "hits": [
                    {
                        "_index": "crm-clients-2024",
                        "_id": _digits(k, "es", 20),
                        "_score": 1.0,
                        "_source": {
                            "nom": p.last,
                            "prenom": p.first,
                            "email": p.email,
                            "telephone": fr_spaced(p.mobile),
                            "date_naissance": p.dob,
                            "iban": p.iban,
                            "created_at": f"2023-11-0{1 + k % 9}T10:22:33Z",
                        },
                    }
                    for k, p in enumerate(_s70)
                ],
            },
        },
        ensure_ascii=False,
    ),
    ids(_s70, "epdi"),
)
_s71 = PEOPLE[10:20]
SET.case(
    "firebase_export",
    json.dumps(
        {
            "users": {
                _digits(k, "uid", 28).replace("0", "a"): {
                    "displayName": f"{p.first} {p.last}",
                    "email": p.email,
                    "phoneNumber": p.mobile,
                    "birthday": fr_date(p.dob),
                    "lastLogin": 1710498153123 + k,
                }
                for k, p in enumerate(_s71)
            }
        },
        ensure_ascii=False,
        indent=2,
    ),
    ids(_s71, "epd"),
)
_s72 = PEOPLE[20:28]
SET.case(
    "mongosh_find_output",
    "rs0:PRIMARY> db.patients.find().limit(8)\n"
    + "\n".join(
        "{\n"
        f'  _id: ObjectId("{hashlib.md5(p.email.encode()).hexdigest()[:24]}"),\n'
        f"  nom: '{p.last}',\n  prenom: '{p.first}',\n  email: '{p.email}',\n  tel: '{fr_spaced(p.mobile)}',\n"
        f'  naissance: ISODate("{p.dob}T00:00:00.000Z"),\n  nir: \'{p.nir}\',\n  createdAt: ISODate("2023-06-01T10:22:33.000Z")\n}}'
        for p in _s72
    )
    + '\nType "it" for more',
    ids(_s72, "epdn"),
)
_s73 = PEOPLE[3:13]
_w = [max(len(p.email) for p in _s73), 15, 10]
SET.case(
    "sqlserver_grid_output",
    "1> SELECT TOP 10 Email, Telephone, DateNaissance FROM dbo.Clients;\n2> GO\n"
    + f"{'Email'.ljust(_w[0])} {'Telephone'.ljust(_w[1])} {'DateNaissance'.ljust(_w[2])}\n"
    + f"{'-' * _w[0]} {'-' * _w[1]} {'-' * 13}\n"
    + "\n".join(f"{p.email.ljust(_w[0])} {p.mobile.ljust(_w[1])} {p.dob}" for p in _s73)
    + "\n\n(10 rows affected)",
    ids(_s73, "epd"),
)
_s74 = PEOPLE[14:24]
SET.case(
    "oracle_sqlplus_output",
    "SQL> select nom, prenom, email, telephone, to_char(date_naiss,'DD/MM/YYYY') naiss from clients where rownum <= 10;\n\n"
    + f"{'NOM':<12} {'PRENOM':<10} {'EMAIL':<32} {'TELEPHONE':<16} NAISS\n"
    + f"{'-' * 12} {'-' * 10} {'-' * 32} {'-' * 16} ----------\n"
    + "\n".join(
        f"{p.last.upper():<12} {p.first:<10} {p.email:<32} {fr_spaced(p.mobile):<16} {fr_date(p.dob)}" for p in _s74
    )
    + "\n\n10 rows selected.",
    ids(_s74, "epd"),
)
_s75 = PEOPLE[0:9]
SET.case(
    "phpmyadmin_sql_dump",
    "-- phpMyAdmin SQL Dump\n-- version 5.2.1\n-- https://www.phpmyadmin.net/\n--\n-- Hôte : localhost:3306\n-- Généré le : ven. 15 mars 2024 à 10:22\n\n"
    'SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";\nSTART TRANSACTION;\n\n'
    "--\n-- Déchargement des données de la table `adherents`\n--\n\n"
    "INSERT INTO `adherents` (`id`, `civilite`, `nom`, `prenom`, `email`, `mobile`, `date_naissance`, `num_secu`) VALUES\n"
    + ",\n".join(
        f"({k + 1}, '{'Mme' if k % 2 == 0 else 'M.'}', '{p.last.upper()}', '{p.first}', '{p.email}', '{p.mobile[1:]}', '{p.dob}', '{p.nir}')"
        for k, p in enumerate(_s75)
    )
    + ";\nCOMMIT;",
    ids(_s75, "epdn"),
)


_s80 = PEOPLE[4:12]
_md5 = [hashlib.md5(w.encode()).hexdigest() for w in _pw[:8]]
_wm = max(len(p.email) for p in _s80)
SET.case(
    "sqlmap_table_dump",
    "Database: shop\nTable: customers\n[8 entries]\n"
    + f"+----+{'-' * (_wm + 2)}+----------------------------------+-----------------+\n"
    + f"| id | {'email'.ljust(_wm)} | password                         | phone           |\n"
    + f"+----+{'-' * (_wm + 2)}+----------------------------------+-----------------+\n"
    + "\n".join(
        f"| {k + 1:<2} | {p.email.ljust(_wm)} | {h} | {p.mobile:<15} |"
        for k, (p, h) in enumerate(zip(_s80, _md5, strict=True))
    )
    + f"\n+----+{'-' * (_wm + 2)}+----------------------------------+-----------------+\n\n"
    "[10:23:02] [INFO] table 'shop.customers' dumped to CSV file '/root/.local/share/sqlmap/output/cible.exemple.fr/dump/shop/customers.csv'",
    ids(_s80, "ep"),
)


# ---------------------------------------------------------------- combo lists in the separators and URL forms sellers use

_s90 = PEOPLE[0:8]
_pw90 = _pw[:8]
for _name, _fmt in {
    "combo_semicolon": "{e};{w}",
    "combo_tab": "{e}\t{w}",
    "combo_spaced_pipe": "{e} | {w}",
    "combo_url_first": "https://www.netflix.com/fr/login:{e}:{w}",
    "combo_url_space": "https://accounts.google.com/signin {e} {w}",
}.items():
    SET.case(
        _name,
        "\n".join(_fmt.format(e=p.email, w=w) for p, w in zip(_s90, _pw90, strict=True)),
        ids(_s90, "e"),
        recall_only={("credential", f"{p.email}:{w}") for p, w in zip(_s90, _pw90, strict=True)},
    )


# ---------------------------------------------------------------- batch 7: phishing-kit results and stealer side files

_s95 = PEOPLE[2:6]
SET.case(
    "phishing_kit_rezult",
    "\n\n".join(
        f"""+++++++++++++ AMELI REZULT +++++++++++++
[ Nom complet ] : {p.first} {p.last.upper()}
[ Date de naissance ] : {fr_date(p.dob)}
[ N° Sécurité sociale ] : {spaced_nir(p.nir)}
[ Téléphone ] : {fr_spaced(p.mobile)}
[ Email ] : {p.email}
++++++++++++ CARTE BANCAIRE ++++++++++++
[ Titulaire ] : {p.first.upper()} {p.last.upper()}
[ Numéro ] : {grouped(p.card)}
[ Expiration ] : 0{k + 3}/2{7 + k % 3}
[ CVV ] : {412 + k}
[ IP ] : 90.112.45.{20 + k} | [ UA ] : Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X)
+++++++++++++ BY D4RK +++++++++++++"""
        for k, p in enumerate(_s95)
    ),
    ids(_s95, "epdnc"),
)
SET.negative(
    "stealer_cookies_txt",
    "# Netscape HTTP Cookie File\n"
    + "\n".join(
        f".{d}\tTRUE\t/\tTRUE\t{1741000000 + 86400 * k}\t{n}\t{_digits(k, 'ck', 8)}{hashlib.sha1(n.encode()).hexdigest()[:24]}"
        for k, (d, n) in enumerate(
            [
                ("google.com", "NID"),
                ("google.com", "1P_JAR"),
                ("youtube.com", "VISITOR_INFO1_LIVE"),
                ("facebook.com", "datr"),
                ("leboncoin.fr", "datadome"),
                ("amazon.fr", "session-id"),
                ("orange.fr", "tc_cj_v2"),
                ("netflix.com", "nfvdid"),
            ]
        )
    ),
)
_s96 = PEOPLE[6:10]
SET.case(
    "stealer_autofill_and_cards",
    "\n".join(
        f"Name: email\nValue: {p.email}\n\nName: tel\nValue: {p.mobile}\n\nName: birthday\nValue: {fr_date(p.dob)}\n"
        for p in _s96
    )
    + "\n=== CreditCards.txt ===\n"
    + "\n".join(
        f"Card: {p.card}\nExpiration: 0{k + 4}/2028\nHolder: {p.first.upper()} {p.last.upper()}\n"
        for k, p in enumerate(_s96)
    ),
    ids(_s96, "epdc"),
)


_s97 = PEOPLE[10:14]
SET.case(
    "stealer_raccoon_variant",
    "\n\n".join(
        f"URL: https://{['www.orange.fr', 'www.sfr.fr', 'www.laposte.fr', 'www.ameli.fr'][k]}/auth\nUSR: {p.email}\nPASS: {_pw[k]}"
        for k, p in enumerate(_s97)
    ),
    ids(_s97, "e"),
    recall_only={("credential", f"{p.email}:{_pw[k]}") for k, p in enumerate(_s97)},
)
SET.case(
    "stealer_vidar_variant",
    "\n\n".join(
        f"Soft: Microsoft Edge\nHost: https://{['connexion.caf.fr', 'www.impots.gouv.fr', 'particuliers.sg.fr', 'www.doctolib.fr'][k]}/login\nLogin: {p.email}\nPassword: {_pw[k + 4]}"
        for k, p in enumerate(_s97)
    ),
    ids(_s97, "e"),
    recall_only={("credential", f"{p.email}:{_pw[k + 4]}") for k, p in enumerate(_s97)},
)
SET.negative(
    "stealer_system_info",
    """Build ID: 24_03_prv
IP: 90.112.45.201
Country: FR
Location: Paris, Île-de-France
Zip code: 75011
TimeZone: UTC+1
HWID: 4C4C4544-0031-3510-8052-B4C04F4B4E32
Current Language: French (France)
ScreenSize: {Width=1920, Height=1080}
Processor: Intel(R) Core(TM) i7-10750H CPU @ 2.60GHz
Graphics: NVIDIA GeForce GTX 1650 Ti [4 GB]
RAM: 16 GB
Windows: Windows 10 Home x64 (build 19045)
Log date: 15/03/2024 10:22:33""",
)


# ---------------------------------------------------------------- batch 8: lists of one value a line, a CV

_s98 = PEOPLE[0:15]
SET.case("list_emails_one_a_line", "\n".join(p.email for p in _s98), ids(_s98, "e"))
SET.case("list_phones_one_a_line", "\n".join(p.mobile for p in _s98), ids(_s98, "p"))
SET.case("list_nirs_one_a_line", "\n".join(spaced_nir(p.nir) for p in _s98[:10]), ids(_s98[:10], "n"))
SET.case(
    "list_ibans_one_a_line", "IBAN vérifiés :\n" + "\n".join(grouped(p.iban) for p in _s98[:10]), ids(_s98[:10], "i")
)
_cv = PEOPLE[21]
SET.case(
    "attachment_pdf_cv",
    _pdf(
        [
            f"{_cv.first} {_cv.last.upper()}",
            "Chargée de communication - 8 ans d'expérience",
            f"Née le {fr_date(_cv.dob)} à {_cv.city} - permis B",
            f"{fr_spaced(_cv.mobile)} - {_cv.email}",
            "14 rue des Lilas, 44000 Nantes",
            "",
            "EXPÉRIENCE",
            "2019-2024 : Responsable communication, Mairie de Nantes",
            "2016-2019 : Chargée de projet, agence Bleu Marine",
            "FORMATION",
            "2015 : Master Communication, Université de Rennes 2",
        ]
    ),
    ids([_cv], "epd"),
    filename="CV_candidate_2024.pdf",
)


# ---------------------------------------------------------------- batch 9: an English post with a UK sample

_uk = [
    (
        "Oliver",
        "Hughes",
        "oliver.hughes@btinternet.com",
        "+44 7911 123456",
        "JG103759A",
        "15/03/1984",
        "1984-03-15",
        "LS1 4DY",
    ),
    ("Amelia", "Clarke", "amelia.clarke@sky.com", "+44 7456 789012", "AB123456C", "02/11/1962", "1962-11-02", "M1 1AE"),
    (
        "Harry",
        "Walsh",
        "harry.walsh@virginmedia.com",
        "+44 7825 345678",
        "CE123456D",
        "30/07/1999",
        "1999-07-30",
        "B2 4QA",
    ),
    (
        "Isla",
        "Murphy",
        "isla.murphy@talktalk.net",
        "+44 7700 123456",
        "JT654321B",
        "21/01/1975",
        "1975-01-21",
        "G2 1DU",
    ),
]
SET.case(
    "uk_forum_post",
    '<div class="post"><h3>[SELLING] UK energy supplier customers 2024 - 410K - NINO + DOB</h3>'
    "<p>Fresh from an exposed API. Sample below, rest for 0.3 BTC. Escrow ok.</p><pre>"
    + html.escape(
        "first_name,last_name,email,mobile,ni_number,dob,postcode\n"
        + "\n".join(f"{a},{b},{c},{d},{e},{f},{h}" for a, b, c, d, e, f, _g, h in _uk)
    )
    + "</pre><p>tox: 5E4B2C9A... / session only</p></div>",
    {("email", c) for _a, _b, c, *_ in _uk}
    | {("phone", e164(d, "GB")) for _a, _b, _c, d, *_ in _uk}
    | {("national_id", "GB:" + e) for _a, _b, _c, _d, e, *_ in _uk}
    | {("dob", g) for *_x, g, _h in _uk},
)


# ---------------------------------------------------------------- batch 10: the rarer article 9 categories in real leak kinds

_s100 = PEOPLE[3:13]
SET.case(
    "dating_site_dump",
    "pseudo;email;naissance;ville;orientation;recherche\n"
    + "\n".join(
        f"{_ascii(p.first)}{k}x;{p.email};{fr_date(p.dob)};{p.city};{['hétéro', 'gay', 'bi', 'lesbienne', 'hétéro'][k % 5]};"
        f"{['aventure discrète', 'relation extraconjugale', 'plan à trois', 'rencontres libertines', 'relation sérieuse'][k % 5]}"
        for k, p in enumerate(_s100)
    ),
    ids(_s100, "ed"),
    ["sexual_orientation", "sex_life"],
)
_s101 = PEOPLE[13:19]
SET.case(
    "access_control_biometric_export",
    "matricule;nom;prenom;email;badge;empreinte_digitale_template\n"
    + "\n".join(
        f"E{5100 + k};{p.last.upper()};{p.first};{p.email};{_digits(k, 'badge', 8)};"
        + base64.b64encode(hashlib.sha256(p.email.encode()).digest() * 3).decode()
        for k, p in enumerate(_s101)
    ),
    ids(_s101, "e"),
    ["biometric"],
)
_s102 = PEOPLE[19:25]
SET.case(
    "genetics_lab_results",
    "Laboratoire d'oncogénétique — résultats du 12/03/2024\n"
    "nom;prenom;naissance;nir;gene;resultat\n"
    + "\n".join(
        f"{p.last.upper()};{p.first};{fr_date(p.dob)};{p.nir};{['BRCA1', 'BRCA2', 'MLH1', 'BRCA1', 'TP53', 'MSH2'][k]};"
        f"{['mutation pathogène c.68_69del', 'pas de variant', 'variant de signification inconnue', 'porteuse hétérozygote', 'mutation germinale', 'pas de variant'][k]}"
        for k, p in enumerate(_s102)
    ),
    ids(_s102, "dn"),
    ["genetic", "health"],  # (BRCA, TP53 pathogenic: a disease risk, wave 31)
)


# ---------------------------------------------------------------- batch 11: English leaks whose article 9 is a code or a flag

_voters = [
    ("Megan", "Whitaker", "megan.whitaker@yahoo.com", "+1 415 555 2671", "04/17/1981", "1981-04-17", "DEM"),
    ("Tyler", "Brooks", "tbrooks88@aol.com", "+1 212 456 7890", "11/22/1988", "1988-11-22", "REP"),
    ("Ashley", "Nguyen", "ashley.nguyen@outlook.com", "+1 646 555 3890", "07/30/1975", "1975-07-30", "DEM"),
    ("Brandon", "Ortiz", "b.ortiz@comcast.net", "+1 312 555 0198", "12/25/1969", "1969-12-25", "LIB"),
    ("Kayla", "Foster", "kayla.foster@gmail.com", "+1 305 555 0147", "03/14/1992", "1992-03-14", "REP"),
]
SET.case(
    "us_voter_file",
    "VOTER_ID,FIRST,LAST,DOB,EMAIL,PHONE,PARTY_AFFILIATION,LAST_VOTED\n"
    + "\n".join(
        f"{1000400 + k},{a},{b},{d},{c},{p},{party},11/08/2022"
        for k, (a, b, c, p, d, _iso, party) in enumerate(_voters)
    ),
    {("email", c) for _a, _b, c, *_ in _voters if not c.endswith("@gmail.com")}
    | gmail("kayla.foster@gmail.com")
    | {("phone", e164(p, "US")) for _a, _b, _c, p, *_ in _voters}
    | {("dob", iso) for *_x, iso, _p in _voters},
    ["political_opinion"],
)
SET.case(
    "hr_export_union_flag_en",
    "employee_id,first_name,last_name,email,hire_date,union_member,union_local\n"
    + "\n".join(
        f"{20100 + k},{a},{b},{c},0{1 + k}/15/2016,{'Y' if k % 2 == 0 else 'N'},{'Teamsters Local 853' if k % 2 == 0 else ''}"
        for k, (a, b, c, *_r) in enumerate(_voters)
    ),
    {("email", c) for _a, _b, c, *_ in _voters if not c.endswith("@gmail.com")} | gmail("kayla.foster@gmail.com"),
    ["trade_union"],
)
SET.case(
    "insurance_claims_icd10_only",
    "claim_id,member_first,member_last,member_dob,member_email,dx1,dx2,amount\n"
    + "\n".join(
        f"CLM{770000 + k},{a},{b},{d},{c},{['F32.1', 'B20', 'C50.911', 'E11.9', 'O09.90'][k]},{['Z79.4', '', 'Z51.11', 'I10', ''][k]},{120 + 37 * k}.00"
        for k, (a, b, c, _p, d, _iso, _party) in enumerate(_voters)
    ),
    {("email", c) for _a, _b, c, *_ in _voters if not c.endswith("@gmail.com")}
    | gmail("kayla.foster@gmail.com")
    | {("dob", iso) for *_x, iso, _p in _voters},
    ["health"],
)


_kids = PEOPLE[20:26]
SET.case(
    "school_pupils_export",
    "Export Pronote — Collège Jean Moulin — élèves 4e\n"
    "classe;nom;prenom;ne_le;responsable_legal;tel_responsable;mail_responsable;pai\n"
    + "\n".join(
        f"4e{1 + k % 3};{p.last.upper()};{['Léo', 'Emma', 'Nathan', 'Louise', 'Adam', 'Alice'][k]};{['12/03/2011', '27/09/2010', '05/01/2011', '18/06/2010', '30/11/2010', '09/04/2011'][k]};"
        f"{p.first} {p.last.upper()};{fr_spaced(p.mobile)};{p.email};{['asthme (Ventoline)', '', 'allergie arachide - trousse adrénaline', '', 'diabète type 1', ''][k]}"
        for k, p in enumerate(_kids)
    ),
    ids(_kids, "ep")
    | {("dob", d) for d in ["2011-03-12", "2010-09-27", "2011-01-05", "2010-06-18", "2010-11-30", "2011-04-09"]},
    ["health"],
)

MISSED: dict[str, str] = {}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.93, "precision": 0.99, "art9_recall": 0.8}))

if __name__ == "__main__":
    SET.report()
