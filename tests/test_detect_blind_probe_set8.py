# ruff: noqa: E501  (a tool's line is kept whole, as the tool prints it)
"""Blind probe, set 8: how leaks are posted and printed — forum samples, proof packs, chat exports,
stealer logs, files as they arrive (UTF-16 BE, mixed encodings, typographic spaces) and the outputs of
database tools no earlier set tried — with ordinary texts of the same shapes that hold no one.

Written apart from the detector (wave 29, helper H) from README.md, the docs, the identifiers reference
and the public API only; a new grader with other habits than set 7's writer (other people, other
tools). Sets 8b (identifiers written unusually, other countries' dumps, business documents) and 8c
(article 9 in registers and prose, French and English) import the people from here.
`python -m tests.test_detect_blind_probe_set8` prints the three.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass

from tests.blind_probe_harness import (
    Probe,
    e164,
    fr_date,
    fr_spaced,
    grouped,
    iban,
    luhn,
    make_tests,
    nir,
    person_ids,
    spaced_nir,
)

__all__ = ["PEOPLE", "SET", "Q", "ids", "sl"]

SET = Probe("8")
case = SET.case
neg = SET.negative


@dataclass(frozen=True)
class Q:
    first: str
    last: str
    email: str
    mobile: str  # E.164
    dob: str  # ISO
    nir: str
    iban: str
    card: str
    street: str
    city: str
    zip: str


_FIRST = ["Gwenaëlle", "Erwan", "Odile", "Jérémie", "Thi Lan", "Anthony", "Mathilde", "Killian", "Ophélie", "Grégory", "Noémie", "Ludovic", "Soizic", "Tristan", "Marjorie", "Kévin", "Laetitia", "Yannick", "Priscilla", "Dylan", "Ginette", "Maxence", "Capucine", "Fabrice", "Anaïs", "Rémi", "Joëlle", "Bastien", "Océane", "Hervé"]  # fmt: skip
_LAST = ["Le Bihan", "Kerbrat", "Muller", "Schneider", "Nguyen", "Da Silva", "Fontaine", "Guégan", "Rigaud", "Lopes", "Marie-Sainte", "Courtois", "Vidal", "Laborde", "Pereira", "Tanguy", "Zimmermann", "Bertrand", "Ferreira", "Huet", "Chevalier", "Tran", "Morel", "Gonçalves", "Lecomte", "Rolland", "Weber", "Boyer", "Delmas", "Jacquet"]  # fmt: skip
_DOMAINS = ["gmail.com", "orange.fr", "free.fr", "sfr.fr", "laposte.net", "icloud.com", "proton.me", "hotmail.com", "live.fr", "gmx.fr"]  # fmt: skip
_STREETS = ["rue de Siam", "quai de la Fosse", "rue du Général Leclerc", "avenue Foch", "rue des Écoles", "chemin des Vignes", "rue Nationale", "place du Marché", "rue de Strasbourg", "route de Quimper"]  # fmt: skip
_CITIES = [("Brest", "29200", "29"), ("Nantes", "44000", "44"), ("Colmar", "68000", "68"), ("Tours", "37000", "37"), ("Toulouse", "31000", "31"), ("Limoges", "87000", "87"), ("Fort-de-France", "97200", "972"), ("Ajaccio", "20000", "2A"), ("Reims", "51100", "51"), ("Pau", "64000", "64")]  # fmt: skip


def _ascii(s: str) -> str:
    return s.translate(str.maketrans("éèêëàâäîïôöûüçÉ", "eeeeaaaiioouucE")).lower().replace(" ", "").replace("-", "")


def digits(i: int, salt: str, n: int) -> str:
    h = hashlib.sha256(f"set8{salt}{i}".encode()).hexdigest() * 2
    return "".join(str(int(c, 16) % 10) for c in h)[:n]


def rib_key(bank: str, branch: str, account: str) -> str:
    """The French RIB key (banks check it; the IBAN's own digits do not)."""
    acc = int(
        "".join(str(int(c, 36)) if c.isdigit() else "12345678912345678923456789"[ord(c.upper()) - 65] for c in account)
    )
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * acc) % 97:02d}"


def _person(i: int) -> Q:
    first, last = _FIRST[i % 30], _LAST[(i * 7) % 30]
    sep = [".", "", "_", "."][i % 4]
    email = f"{_ascii(first)}{sep}{_ascii(last)}{'' if i % 4 else 1960 + i}@{_DOMAINS[i % 10]}"
    mobile = e164(f"06{'1234578'[i % 7]}{digits(i, 'tel', 7)}" if i % 3 else f"07{3 + i % 7}{digits(i, 'tel', 7)}")
    y, m, d = 1941 + (i * 17) % 65, 1 + (i * 7) % 12, 1 + (i * 13) % 28
    city, zc, dept = _CITIES[i % 10]
    dept2 = dept if len(dept) == 2 else "97"
    commune = digits(i, "com", 3) if len(dept) == 2 else "2" + digits(i, "com", 2)
    body = f"{1 + i % 2}{y % 100:02d}{m:02d}{dept2}{commune}{digits(i, 'ord', 3)}"
    bank = ["15589", "30004", "12506", "16006", "30003", "10107", "18206"][i % 7]
    card = luhn(["4970", "5132", "4539", "5412"][i % 4] + digits(i, "card", 11), 16)
    return Q(first, last, email, mobile, f"{y}-{m:02d}-{d:02d}", nir(body),
             iban("FR", f"{bank}{digits(i, 'gui', 5)}{digits(i, 'acc', 11)}{rib_key(bank, digits(i, 'gui', 5), digits(i, 'acc', 11))}"),
             card, f"{3 + (i * 11) % 90} {_STREETS[i % 10]}", city, zc)  # fmt: skip


PEOPLE = [_person(i) for i in range(30)]
ids = person_ids  # (e mail, p mobile, d birth, n NIR, i IBAN, c card)


def sl(a: int, n: int) -> list[Q]:
    """n people from a (wrapping): each case its own mix."""
    return [PEOPLE[(a + k) % 30] for k in range(n)]


def compact(e: str) -> str:
    return "0" + e[3:]


def up(s: str) -> str:
    return s.upper()


# ================================================================ how leaks are posted

_s = sl(0, 5)
case(
    "forum_sample_rows_then_mega_link",
    "[FR] Mutuelle régionale — 184 312 adhérents — export novembre 2026\n"
    "Dispo en entier, je poste un échantillon pour prouver que c'est frais :\n\n"
    "Sample (5 lignes sur 184k) :\n"
    "id_adh;civ;nom;prenom;naiss;mail;port\n"
    + "\n".join(
        f"{700120 + k};{'M.' if p.nir[0] == '1' else 'Mme'};{up(p.last)};{p.first};{fr_date(p.dob)};{p.email};{compact(p.mobile)}"
        for k, p in enumerate(_s)
    )
    + "\n\nFull db => hxxps://mega[.]nz/folder/Xk2pQ#b1Qz-redacted  (prix en PV, escrow accepté)\nPas de revente, pas de partage gratuit.",
    ids(_s, "epd"),
)
_s = sl(5, 6)
_motifs = [
    "Suivi diabète type 1, pompe à insuline",
    "Chimiothérapie cure 4/6",
    "Consultation pré-anesthésie",
    "Dialyse mardi-jeudi-samedi",
    "Bilan post-AVC",
    "Sevrage alcoolique (cure 3 sem.)",
]
case(
    "ransomware_proof_pack_file_heads",
    "PROOF PACK — victim: Clinique du ****** (FR) — 412 GB exfiltrated — deadline 72h\n"
    "Below: file list of the proof archive with the first lines of some files.\n\n"
    "/Proof/01_RH/salaries_2025.csv (2.1 MB)\n"
    "    matricule;nom;prenom;nir;iban;date_naissance\n"
    + "\n".join(
        f"    S{4410 + k};{up(p.last)};{p.first};{p.nir};{p.iban};{fr_date(p.dob)}" for k, p in enumerate(_s[:3])
    )
    + "\n    [... 1 204 lines]\n\n/Proof/02_Compta/fournisseurs_2024.xlsx (1.4 MB) [binary]\n\n"
    "/Proof/03_Patients/export_dpi_2024.txt (88 MB)\n"
    "    IPP|NOM|PRENOM|DDN|TEL|MOTIF\n"
    + "\n".join(
        f"    {99201 + k}|{up(p.last)}|{up(p.first)}|{p.dob.replace('-', '')}|{compact(p.mobile)}|{_motifs[k]}"
        for k, p in enumerate(_s[3:])
    )
    + "\n    [... 612 004 lines]\n\n/Proof/04_Juridique/contentieux_2023.pdf (330 KB) [binary]\n",
    ids(_s[:3], "ndi") | ids(_s[3:], "dp"),
    {"health"},
)
_s = sl(11, 4)
case(
    "telegram_json_export_text_entities",
    json.dumps(
        {
            "name": "FR Lookup Drops",
            "type": "public_channel",
            "id": 1987334402,
            "messages": [
                {
                    "id": 412 + k,
                    "type": "message",
                    "date": f"2026-11-{20 + k}T21:1{k}:03",
                    "date_unixtime": str(1795200000 + k * 86400),
                    "from": "FR Lookup Drops",
                    "from_id": "channel1987334402",
                    "text": [
                        {"type": "bold", "text": f"{up(p.last)} {p.first}"},
                        f"\nNé(e) le : {fr_date(p.dob)}\nMail : ",
                        {"type": "email", "text": p.email},
                        "\nTel : ",
                        {"type": "phone", "text": fr_spaced(p.mobile)},
                        f"\nAdresse : {p.street}, {p.zip} {p.city}",
                    ],
                    "text_entities": [{"type": "plain", "text": "(omitted)"}],
                }
                for k, p in enumerate(_s)
            ],
        },
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "epd"),
)
_s = sl(15, 5)
_rows = [f"{up(p.last)},{p.first},{p.email},{p.mobile},{p.dob}" for p in _s]
case(
    "telegram_json_export_rows_split_across_messages",
    json.dumps(
        {
            "name": "base_fraiche",
            "type": "private_supergroup",
            "id": 1702213377,
            "messages": [
                {
                    "id": 88,
                    "type": "message",
                    "date": "2026-11-28T02:10:44",
                    "from": "d4ta",
                    "text": "nom,prenom,email,tel,naissance\n" + "\n".join(_rows[:2]),
                },
                {
                    "id": 89,
                    "type": "message",
                    "date": "2026-11-28T02:10:51",
                    "from": "d4ta",
                    "text": "\n".join(_rows[2:4]),
                },
                {
                    "id": 90,
                    "type": "message",
                    "date": "2026-11-28T02:11:02",
                    "from": "d4ta",
                    "text": _rows[4] + "\n(suite demain)",
                },
            ],
        },
        ensure_ascii=False,
        indent=1,
    ),
    ids(_s, "epd"),
)
_s = sl(20, 3)
case(
    "discord_exporter_json_fullz_messages",
    json.dumps(
        {
            "guild": {
                "id": "911203344556677889",
                "name": "fr-market",
                "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
            },
            "channel": {
                "id": "911203344556678000",
                "type": "GuildTextChat",
                "category": "shop",
                "name": "fullz-fr",
                "topic": None,
            },
            "dateRange": {"after": None, "before": None},
            "messages": [
                {
                    "id": str(1178803300112233440 + k),
                    "type": "Default",
                    "timestamp": f"2026-11-2{k}T19:0{k}:12.118+00:00",
                    "timestampEdited": None,
                    "isPinned": False,
                    "content": f"**FULLZ FR #{k + 1}**\nNom: {p.first} {up(p.last)}\nDOB: {p.dob}\nTel: {p.mobile}\nMail: {p.email}\nIBAN: {p.iban}\nAdresse: {p.street} {p.zip} {p.city}",
                    "author": {
                        "id": "66554433221100998",
                        "name": "vendeur_fr",
                        "discriminator": "0000",
                        "nickname": "vendeur",
                        "isBot": False,
                    },
                    "attachments": [],
                    "embeds": [],
                    "reactions": [{"emoji": {"id": "", "name": "✅"}, "count": 3}],
                    "mentions": [],
                }
                for k, p in enumerate(_s)
            ],
            "messageCount": 3,
        },
        ensure_ascii=False,
        indent=2,
    ),
    ids(_s, "dpei"),
)
_s = sl(23, 4)
case(
    "blockquote_pre_quoted_reply",
    '<div class="post"><blockquote class="postquote"><cite>sellerFR a écrit :</cite><pre>nom|prenom|email|tel|naissance\n'
    + "\n".join(f"{p.last}|{p.first}|{p.email}|{fr_spaced(p.mobile)}|{fr_date(p.dob)}" for p in _s)
    + "</pre></blockquote><p>Merci, vérifié, les numéros répondent. Vouch ✅</p></div>",
    ids(_s, "epd"),
)
_s = sl(27, 4)
case(
    "html_table_data_label_cells",
    '<table class="responsive"><thead><tr><th scope="col">Client</th><th scope="col">Courriel</th><th scope="col">Mobile</th><th scope="col">Naissance</th><th scope="col">IBAN</th></tr></thead><tbody>\n'
    + "\n".join(
        f'<tr><td data-label="Client">{p.first} {p.last}</td><td data-label="Courriel">{p.email}</td><td data-label="Mobile">{fr_spaced(p.mobile)}</td><td data-label="Naissance">{fr_date(p.dob)}</td><td data-label="IBAN">{grouped(p.iban)}</td></tr>'
        for p in _s
    )
    + "\n</tbody></table>",
    ids(_s, "epdi"),
)


def _obf(email: str, style: int) -> str:
    local, _, dom = email.partition("@")
    name, _, tld = dom.rpartition(".")
    return [
        f"{local} [at] {name} [dot] {tld}",
        f"{local}(at){name}(.){tld}",
        f"{local} {{at}} {name} {{dot}} {tld}",
        f"{local}[@]{name}[.]{tld}",
        f"{local} at {name} dot {tld}",
        f"{local} arobase {name} point {tld}",
    ][style]


_s = sl(2, 6)
case(
    "emails_bracketed_at_dot_rows",
    "liste des inscrits (adresses écrites comme ça pour les bots)\n"
    + "\n".join(f"{p.first} {up(p.last)} — {_obf(p.email, k)} — {fr_spaced(p.mobile)}" for k, p in enumerate(_s)),
    ids(_s[:4], "ep"),
    maybe=ids(_s[4:], "e"),
)
_s = sl(8, 5)
case(
    "tilde_fence_rows_between_dotted_separators",
    "voilà le début, le reste en MP\n~~~text\n"
    + "\n· · · · · · · · · · · · · · · · · · · ·\n".join(
        f"{p.first} {p.last} ║ {p.email} ║ {compact(p.mobile)} ║ {fr_date(p.dob, '.')}" for p in _s
    )
    + "\n~~~\n",
    ids(_s, "epd"),
)
_s = sl(13, 3)
case(
    "html_details_spoiler_code_br",
    "<p>Base e-commerce, 52k clients. Sample :</p><details><summary>Cliquez pour afficher</summary><code>"
    + "<br>".join(f"{p.email};{p.first};{p.last};{compact(p.mobile)};{p.dob}" for p in _s)
    + "</code></details><p>Contact : session uniquement.</p>",
    ids(_s, "epd"),
)
_s = sl(16, 4)


def _ocr(s: str) -> str:
    return s.replace("|", "l")


case(
    "ocr_of_table_screenshot_bars_read_as_l",
    "Texte extrait (OCR) de la capture postée :\n\nNOM l PRENOM l EMAIL l TELEPHONE l NE LE\n"
    + "\n".join(_ocr(f"{up(p.last)} | {p.first} | {p.email} | {fr_spaced(p.mobile)} | {fr_date(p.dob)}") for p in _s),
    ids(_s, "epd"),
)

# ================================================================ stealer logs

_s = sl(4, 5)
case(
    "stealer_ulp_phone_logins",
    "\n".join(
        [
            f"https://www.ameli.fr/assure/connexion:{compact(_s[0].mobile)}:Brest{_s[0].dob[:4]}!",
            f"android://Xk2hv@com.whatsapp/:{_s[1].mobile}:{digits(1, 'pw', 6)}",
            f"https://connexion.free.fr/:{fr_spaced(_s[2].mobile).replace(' ', '')}:Kerbrat29",
            f"https://www.laposte.fr/particulier/connexion:{_s[3].mobile.replace('+', '00')}:Soleil*2024",
            f"https://espace-client.orange.fr/:{_s[4].email}:M0ntmartre",
        ]
    ),
    {("phone", p.mobile) for p in _s[:4]} | {("email", _s[4].email)},
)
_p = PEOPLE[9]
case(
    "stealer_redline_autofill_blocks",
    "Autofills/Google_[Chrome]_Default.txt\n\n"
    + "\n\n".join(
        f"Name: {k}\nValue: {v}"
        for k, v in [
            ("firstname", _p.first),
            ("lastname", _p.last),
            ("email", _p.email),
            ("tel", fr_spaced(_p.mobile)),
            ("bday", fr_date(_p.dob)),
            ("address-line1", _p.street),
            ("postal-code", _p.zip),
            ("iban", grouped(_p.iban)),
            ("search", "horaires piscine brest"),
        ]
    ),
    ids([_p], "epdi"),
)
_s = sl(18, 3)
case(
    "stealer_stealc_cards_blocks",
    "\n\n".join(
        f"NAME: {up(p.first)} {up(p.last)}\nNUMBER: {p.card}\nMONTH: {3 + k}\nYEAR: 202{7 + k}\nBROWSER: Chrome Default"
        for k, p in enumerate(_s)
    ),
    ids(_s, "c"),
)
_s = sl(21, 3)
case(
    "stealer_firefox_formhistory_tsv",
    "fieldname\tvalue\ttimesUsed\tfirstUsed\tlastUsed\n"
    + "\n".join(
        "\n".join(
            [
                f"email\t{p.email}\t{4 + k}\t1699{k}01234567890\t1731{k}98765432100",
                f"tel\t{compact(p.mobile)}\t2\t1700{k}11122233344\t1730{k}55566677788",
                f"birthdate\t{p.dob}\t1\t1702{k}44455566677\t1702{k}44455566677",
                f"iban\t{p.iban}\t1\t1705{k}00011122233\t1705{k}00011122233",
            ]
        )
        for k, p in enumerate(_s)
    ),
    ids(_s, "epdi"),
)
neg(
    "stealer_userinformation_no_ids",
    """Build ID: cpl_1125
IP: 90.112.44.201
FileLocation: C:\\Users\\gwen\\AppData\\Local\\Temp\\setup_x64.exe
UserName: gwen
MachineName: DESKTOP-7Q2K4M1
Country: FR
Zip Code: 29200
Location: Brest, Brittany
HWID: 4C4C4544-0038-5910-8052-B4C04F4A3332
Current Language: French (France)
ScreenSize: {Width=1920, Height=1080}
TimeZone: (UTC+01:00) Brussels, Copenhagen, Madrid, Paris
Operation System: Windows 10 Pro x64
Log date: 11/28/2026 2:14:51 AM
[Hardware]
Name: Intel(R) Core(TM) i5-8265U CPU @ 1.60GHz, 4 Cores
Name: Total of RAM: 8087.41 MB or 8480260096 bytes
Name: Intel(R) UHD Graphics 620, 1073741824 bytes
[Processes]
ID: 5476, Name: svchost.exe, CommandLine:
ID: 10412, Name: chrome.exe, CommandLine: --type=renderer --field-trial-handle=1984,1598273654117092801,13417592039384829451,262144
""",
)

# ================================================================ files as they arrive: encodings, spaces

_s = sl(24, 4)
case(
    "utf16be_bom_csv_bytes",
    (
        "\ufeffnom;prénom;email;téléphone;né le\r\n"
        + "".join(f"{p.last};{p.first};{p.email};{fr_spaced(p.mobile)};{fr_date(p.dob)}\r\n" for p in _s)
    ).encode("utf-16-be"),
    ids(_s, "epd"),
)
_s = sl(28, 6)
case(
    "utf8_head_cp1252_tail_bytes",
    (
        "nom;prénom;email;portable;date_naissance\r\n"
        + "".join(f"{p.last};{p.first};{p.email};{compact(p.mobile)};{fr_date(p.dob)}\r\n" for p in _s[:3])
    ).encode()
    + "".join(f"{p.last};{p.first};{p.email};{compact(p.mobile)};{fr_date(p.dob)}\r\n" for p in _s[3:]).encode(
        "cp1252"
    ),
    ids(_s, "epd"),
)
_s = sl(6, 4)
_N = "\u202f"  # narrow no-break space: the French thousands separator
_T = "\u2009"  # thin space
_NB = "\u00a0"
_SP = ["\u00a0", "\u2007"]  # no-break space, figure space
case(
    "narrow_nbsp_and_thin_space_grouping",
    "Nom\tE-mail\tMobile\tIBAN\n"
    + "\n".join(
        f"{p.first} {p.last}\t{p.email}\t{(_N if k % 2 else _T).join(fr_spaced(p.mobile).split())}\t{(_T if k % 2 else _N).join(grouped(p.iban).split())}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epi"),
)
_s = sl(10, 4)
case(
    "figure_space_and_nbsp_in_nir",
    "Assuré;Courriel;N° SS\n"
    + "\n".join(f"{p.first} {p.last};{p.email};{spaced_nir(p.nir).replace(' ', _SP[k % 2])}" for k, p in enumerate(_s)),
    ids(_s, "en"),
)
_s = sl(14, 4)
case(
    "cp1252_nbsp_grouped_phones_bytes",
    (
        "Nom;Prénom;Téléphone;Courriel;Né(e) le\r\n"
        + "".join(
            f"{p.last};{p.first};{_NB.join(fr_spaced(p.mobile).split())};{p.email};{fr_date(p.dob)}\r\n" for p in _s
        )
    ).encode("cp1252"),
    ids(_s, "epd"),
)
_s = sl(19, 5)
case(
    "terminal_copy_tabs_and_space_runs",
    "\n".join(
        f"{p.last:<14}{p.first}\t{p.email}{' ' * (3 + k)}{compact(p.mobile)}\t\t{fr_date(p.dob)}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(1, 4)
case(
    "csv_double_encoded_utf8_mojibake",
    "nom,prÃ©nom,email,tÃ©lÃ©phone,date_de_naissance\n"
    + "\n".join(
        f"{p.last.encode().decode('latin-1')},{p.first.encode().decode('latin-1')},{p.email},{fr_spaced(p.mobile)},{fr_date(p.dob)}"
        for p in _s
    ),
    ids(_s, "epd"),
)

# ================================================================ database tools' prints

_s = sl(3, 3)


def _vert(n: int, p: Q) -> str:
    rows = [("id", str(1200 + n)), ("nom", up(p.last)), ("prenom", p.first), ("email", p.email), ("telephone", compact(p.mobile)),
            ("date_naissance", p.dob), ("iban", p.iban), ("created_at", f"2024-0{n + 1}-11 10:22:3{n}")]  # fmt: skip
    return f"*************************** {n + 1}. row ***************************\n" + "\n".join(
        f"{k:>14}: {v}" for k, v in rows
    )


case(
    "mysql_vertical_backslash_g",
    "mysql> SELECT * FROM clients WHERE id BETWEEN 1200 AND 1202\\G\n"
    + "\n".join(_vert(n, p) for n, p in enumerate(_s))
    + "\n3 rows in set (0.00 sec)\n",
    ids(_s, "epdi"),
)
_s = sl(7, 4)
case(
    "sqlcmd_comma_separator_dash_line",
    "1> SELECT Nom,Prenom,Email,Mobile,DateNaissance FROM dbo.Adherents\n2> GO\n"
    "Nom,Prenom,Email,Mobile,DateNaissance\n----,------,-----,------,-------------\n"
    + "\n".join(f"{p.last},{p.first},{p.email},{compact(p.mobile)},{p.dob} 00:00:00.000" for p in _s)
    + "\n\n(4 rows affected)\n",
    ids(_s, "epd"),
)
_s = sl(11, 4)
case(
    "bcp_char_queryout_tabs_no_header",
    "\r\n".join(
        f"{5510 + k}\t{up(p.last)}\t{p.first}\t{p.nir}\t{p.dob} 00:00:00.000\t{p.mobile}\t{p.email}\t"
        for k, p in enumerate(_s)
    )
    + "\r\n",
    ids(_s, "epdn"),
)
_s = sl(15, 7)


def _sqlplus_page(rows: list[Q]) -> str:
    head = (
        f"{'NOM':<15} {'EMAIL':<32} {'TELEPHONE':<14} {'DATE_NAIS':<10}\n{'-' * 15} {'-' * 32} {'-' * 14} {'-' * 10}\n"
    )
    return head + "\n".join(
        f"{up(p.last):<15} {p.email:<32} {compact(p.mobile):<14} {fr_date(p.dob)[:6] + fr_date(p.dob)[8:]}"
        for p in rows
    )


case(
    "sqlplus_spool_pages_repeated_headers",
    "SQL> SET PAGESIZE 6\nSQL> SELECT nom, email, telephone, date_nais FROM patients;\n\n"
    + "\n\f\n".join(_sqlplus_page(_s[k : k + 3]) for k in range(0, 7, 3))
    + "\n\n7 rows selected.\n\nSQL> SPOOL OFF\n",
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = sl(22, 5)
case(
    "pg_copy_null_markers_tabs",
    "--\n-- Data for Name: adherents; Type: TABLE DATA; Schema: public; Owner: asso\n--\n\n"
    "COPY public.adherents (id, nom, prenom, email, tel, naissance, nir, notes) FROM stdin;\n"
    + "\n".join(
        f"{k + 1}\t{up(p.last)}\t{p.first}\t{p.email if k != 2 else chr(92) + 'N'}\t{p.mobile if k != 1 else chr(92) + 'N'}\t{p.dob}\t{p.nir if k % 2 == 0 else chr(92) + 'N'}\t\\N"
        for k, p in enumerate(_s)
    )
    + "\n\\.\n",
    {("email", p.email) for k, p in enumerate(_s) if k != 2}
    | {("phone", p.mobile) for k, p in enumerate(_s) if k != 1}
    | ids(_s, "d")
    | {("nir", p.nir) for k, p in enumerate(_s) if k % 2 == 0},
)
_s = sl(26, 4)
case(
    "neo4j_cypher_create_nodes",
    "// export APOC — clients\n"
    + "\n".join(
        f'CREATE (:Client {{uid: "c{k}", nom: "{p.last}", prenom: "{p.first}", email: "{p.email}", tel: "{fr_spaced(p.mobile)}", neLe: date("{p.dob}"), ville: "{p.city}"}});'
        for k, p in enumerate(_s)
    )
    + '\nMATCH (a:Client {uid: "c0"}), (b:Client {uid: "c1"}) CREATE (a)-[:PARRAINE]->(b);',
    ids(_s, "epd"),
)
_s = sl(0, 3)
case(
    "cypher_shell_table_output",
    "neo4j@neo4j> MATCH (c:Client) RETURN c.nom, c.email, c.tel, c.neLe LIMIT 3;\n"
    "+------------------------------------------------------------------------------+\n"
    "| c.nom          | c.email                        | c.tel          | c.neLe     |\n"
    "+------------------------------------------------------------------------------+\n"
    + "\n".join(f'| "{p.last}" | "{p.email}" | "{p.mobile}" | {p.dob} |' for p in _s)
    + "\n+------------------------------------------------------------------------------+\n\n3 rows\nready to start consuming query after 12 ms, results consumed after another 3 ms\n",
    ids(_s, "epd"),
)
_s = sl(3, 4)
case(
    "sap_alv_list_export_txt",
    "30.11.2026                    Liste clients débiteurs                    1\n"
    + "-" * 96
    + "\n|Client    |Nom                 |Téléphone       |E-mail                        |Né le     |Solde       |\n"
    + "-" * 96
    + "\n"
    + "\n".join(
        f"|{4100230 + k:<10}|{p.first + ' ' + p.last:<20}|{compact(p.mobile):<16}|{p.email:<30}|{fr_date(p.dob, '.')}|{1234 + k * 311},{k}6 EUR|"
        for k, p in enumerate(_s)
    )
    + "\n"
    + "-" * 96,
    ids(_s, "epd"),
)
_s = sl(7, 3)
_bar = "-" * 97
case(
    "access_text_export_with_formatting",
    f"{_bar}\n|   N° | Nom          | Prénom       | DateNaiss  | Téléphone      | Courriel                   |\n{_bar}\n"
    + f"\n{_bar}\n".join(
        f"| {k + 1:>4} | {p.last:<12} | {p.first:<12} | {fr_date(p.dob)} | {fr_spaced(p.mobile)} | {p.email:<26} |"
        for k, p in enumerate(_s)
    )
    + f"\n{_bar}\n",
    ids(_s, "epd"),
)
_s = sl(10, 4)
case(
    "mdb_export_csv_us_short_dates",
    "ID,Nom,Prenom,DateNaissance,Tel,Mail,DateInscription\n"
    + "\n".join(
        f'{k + 1},"{p.last}","{p.first}",{p.dob[5:7]}/{p.dob[8:]}/{p.dob[2:4]} 00:00:00,"{compact(p.mobile)}","{p.email}",0{k + 1}/1{k}/19 00:00:00'
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = sl(14, 5)
case(
    "informix_unload_pipe_terminated",
    "\n".join(
        f"{k + 1}|{up(p.last)}|{p.first}|{fr_date(p.dob)}|{compact(p.mobile)}|{p.email}|{p.zip}|"
        for k, p in enumerate(_s)
    )
    + "\n",
    ids(_s, "epd"),
)
_s = sl(19, 3)
case(
    "duckdb_box_with_type_row",
    "D SELECT nom, email, mobile, naissance FROM 'clients.parquet' LIMIT 3;\n"
    "┌──────────────┬──────────────────────────────┬──────────────┬────────────┐\n"
    "│     nom      │            email             │    mobile    │ naissance  │\n"
    "│   varchar    │           varchar            │   varchar    │    date    │\n"
    "├──────────────┼──────────────────────────────┼──────────────┼────────────┤\n"
    + "\n".join(f"│ {p.last:<12} │ {p.email:<28} │ {p.mobile:<12} │ {p.dob} │" for p in _s)
    + "\n└──────────────┴──────────────────────────────┴──────────────┴────────────┘\n",
    ids(_s, "epd"),
)
_s = sl(22, 4)
case(
    "r_dataframe_print",
    "> head(clients, 4)\n"
    + f"  {'nom':>12} {'prenom':>10} {'email':>30} {'tel':>13} {'naissance':>11}\n"
    + "\n".join(
        f"{k + 1} {p.last:>12} {p.first:>10} {p.email:>30} {p.mobile:>13} {p.dob:>11}" for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(26, 4)
_MON = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
case(
    "sas_proc_print_listing",
    "                                 The SAS System          10:22 Monday, November 30, 2026   1\n\n"
    "Obs    NOM           EMAIL                           TEL             DATE_NAIS\n\n"
    + "\n".join(
        f"{k + 1:>3}    {up(p.last):<13} {p.email:<31} {compact(p.mobile):<15} {p.dob[8:]}{_MON[int(p.dob[5:7]) - 1]}{p.dob[:4]}"
        for k, p in enumerate(_s)
    ),
    ids(_s, "ep"),
    maybe=ids(_s, "d"),
)
_s = sl(1, 4)
case(
    "clickhouse_tsv_with_names_and_types",
    "nom\temail\ttel\tnaissance\tcree_le\nString\tString\tString\tDate\tDateTime\n"
    + "\n".join(
        f"{p.last}\t{p.email}\t{p.mobile}\t{p.dob}\t2025-0{k + 1}-0{k + 2} 08:1{k}:00" for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)

# ================================================================ more tools, encodings and attachments (second round)

_s = sl(5, 3)
case(
    "soap_response_several_returns",
    '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    '<ns2:rechercherAdherentsResponse xmlns:ns2="http://ws.mutuelle.example/adherent/v3">\n'
    + "\n".join(
        f"<return><ns2:numAdherent>{88100 + k}</ns2:numAdherent><ns2:nom>{up(p.last)}</ns2:nom><ns2:prenom>{p.first}</ns2:prenom>"
        f"<ns2:dateNaissance>{p.dob}</ns2:dateNaissance><ns2:nir>{p.nir}</ns2:nir><ns2:telPortable>{compact(p.mobile)}</ns2:telPortable>"
        f"<ns2:courriel>{p.email}</ns2:courriel></return>"
        for k, p in enumerate(_s)
    )
    + "\n</ns2:rechercherAdherentsResponse></soap:Body></soap:Envelope>",
    ids(_s, "dnpe"),
)
_s = sl(8, 4)
case(
    "firebird_isql_output",
    "SQL> SELECT NOM, EMAIL, TEL, DATE_NAISSANCE FROM CLIENTS ROWS 4;\n\n"
    f"{'NOM':<20} {'EMAIL':<34} {'TEL':<14} DATE_NAISSANCE\n{'=' * 20} {'=' * 34} {'=' * 14} ==============\n"
    + "\n".join(f"{up(p.last):<20} {p.email:<34} {compact(p.mobile):<14} {p.dob}" for p in _s)
    + "\n\nSQL>",
    ids(_s, "epd"),
)
_s = sl(12, 4)
case(
    "db2_export_del_numeric_dates",
    "\n".join(
        f'"{up(p.last)}","{p.first}",{p.dob.replace("-", "")},"{compact(p.mobile)}","{p.email}",{p.zip},+0000{1200 + k}.50'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(16, 4)
case(
    "odoo_res_partner_csv_sparse",
    '"id","name","email","phone","mobile","street","zip","city","x_birthdate","comment","ref","vat","website","function","title/id"\n'
    + "\n".join(
        f'"__export__.res_partner_{2201 + k}","{p.first} {p.last}","{p.email}","","{fr_spaced(p.mobile)}","{p.street}","{p.zip}","{p.city}","{p.dob}","","","","","",""'
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(20, 3)
case(
    "jsonl_nested_phone_arrays",
    "\n".join(
        json.dumps(
            {
                "id": f"u{k}",
                "name": {"given": p.first, "family": p.last},
                "birthDate": p.dob,
                "emails": [{"type": "home", "value": p.email}],
                "phones": [{"type": "mobile", "value": fr_spaced(p.mobile)}, {"type": "work", "value": None}],
                "address": {"line": p.street, "zip": p.zip},
            },
            ensure_ascii=False,
        )  # fmt: skip
        for k, p in enumerate(_s)
    ),
    ids(_s, "epd"),
)
_s = sl(23, 4)
case(
    "pandas_float_phone_column",
    "nom,email,telephone,ville\n" + "\n".join(f"{p.last},{p.email},{p.mobile[3:]}.0,{p.city}" for p in _s),
    ids(_s, "e"),
    maybe=ids(_s, "p"),
)
_s = sl(27, 3)
case(
    "utf16le_bom_json_bytes",
    (
        "\ufeff"
        + json.dumps(
            [
                {"nom": p.last, "prenom": p.first, "mail": p.email, "gsm": p.mobile, "naissance": fr_date(p.dob)}
                for p in _s
            ],
            ensure_ascii=False,
            indent=2,
        )
    ).encode("utf-16-le"),
    ids(_s, "epd"),
)


def _tar(files: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1795000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


_s = sl(1, 6)
case(
    "attachment_plain_tar_two_csvs",
    _tar(
        {
            "export/clients_a.csv": (
                "email;tel;naissance\n" + "\n".join(f"{p.email};{compact(p.mobile)};{fr_date(p.dob)}" for p in _s[:3])
            ).encode(),
            "export/clients_b.csv": (
                "nom;iban;email\n" + "\n".join(f"{p.last};{p.iban};{p.email}" for p in _s[3:])
            ).encode("cp1252"),
        }
    ),
    ids(_s[:3], "epd") | ids(_s[3:], "ie"),
    filename="export_clients.tar",
)
_s = sl(9, 3)
_rtf_rows = "".join(
    f"\\trowd\\cellx2000\\cellx5000\\cellx7000\\cellx9000 {p.last}\\cell {p.email}\\cell {fr_spaced(p.mobile)}\\cell {fr_date(p.dob)}\\cell\\row\n"
    for p in _s
)
case(
    "attachment_rtf_table",
    (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\n{\\pard Liste des patients - cabinet\\par}\n"
        + _rtf_rows
        + "}"
    ).encode("cp1252"),
    ids(_s, "epd"),
    filename="liste_patients.rtf",
)


def _tg_msg(mid: int, text: str, joined: bool) -> str:
    cls = "message default clearfix joined" if joined else "message default clearfix"
    head = "" if joined else '<div class="from_name">base_fr_2026</div>\n'
    return (
        f'<div class="{cls}" id="message{mid}"><div class="body"><div class="pull_right date details" title="29.11.2026 23:0{mid % 10}:12 UTC+01:00">23:0{mid % 10}</div>\n'
        f'{head}<div class="text">{text}</div></div></div>'
    )


_s = sl(13, 6)
_tgr = [f"{html.escape(p.last)};{html.escape(p.first)};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email}" for p in _s]
case(
    "telegram_html_export_rows_in_joined_messages",
    '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Exported Data</title></head><body><div class="page_wrap"><div class="history">\n'
    + "\n".join(
        [
            _tg_msg(801, "nom;prenom;naissance;tel;email<br>" + "<br>".join(_tgr[:2]), False),
            _tg_msg(802, "<br>".join(_tgr[2:4]), True),
            _tg_msg(803, "<br>".join(_tgr[4:]), True),
            _tg_msg(804, "la suite sur le canal privé, 25 € l'accès", True),
        ]
    )
    + "\n</div></div></body></html>",
    ids(_s, "epd"),
)
_s = sl(19, 5)
case(
    "attachment_excel_export_txt_semicolons_decimal_commas",
    (
        "Code client;Nom;Prénom;Date de naissance;Téléphone;E-mail;Encours;Taux\r\n"
        + "".join(
            f"C{30010 + k};{up(p.last)};{p.first};{fr_date(p.dob)};{fr_spaced(p.mobile)};{p.email};{1234 + k * 517},{k}5;{3 + k},{k}0%\r\n"
            for k, p in enumerate(_s)
        )
    ).encode("cp1252"),
    ids(_s, "epd"),
    filename="Export.txt",
)

_s = sl(24, 4)
case(
    "access_log_nir_and_dob_in_query",
    "\n".join(
        f'10.12.4.{20 + k} - agent{k} [30/Nov/2026:10:2{k}:31 +0100] "GET /dossier/consulter?nir={p.nir[:13]}&cle={p.nir[13:]}&ddn={p.dob.replace("-", "")}&tel={compact(p.mobile)} HTTP/1.1" 200 {5120 + k * 77} "https://intranet.caisse.example/recherche" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"'
        for k, p in enumerate(_s)
    ),
    ids(_s, "np"),
    maybe=ids(_s, "d"),
)

# ================================================================ the same shapes, no one's data

neg(
    "forum_sale_post_no_sample",
    """[VENTE] Base assurance FR 2026 — 1.2M lignes
Champs : nom, prénom, date de naissance, email, téléphone, IBAN, NIR
Qualité : 96 % des mobiles valides, emails vérifiés le 25/11/2026
Prix : 0.9 BTC, échantillon de 10 lignes sur demande en PV uniquement
Escrow : oui (middleman du forum). Pas de test gratuit.""",
)
neg(
    "telegram_json_export_channel_news",
    json.dumps(
        {
            "name": "Tech FR",
            "type": "public_channel",
            "id": 1445566778,
            "messages": [
                {
                    "id": 5001,
                    "type": "message",
                    "date": "2026-11-30T08:00:00",
                    "from": "Tech FR",
                    "text": [
                        "Nouvelle version de Firefox 146 disponible, notes : ",
                        {"type": "link", "text": "https://www.mozilla.org/fr/firefox/146.0/releasenotes/"},
                    ],
                },
                {
                    "id": 5002,
                    "type": "message",
                    "date": "2026-11-30T12:30:00",
                    "from": "Tech FR",
                    "text": "Coupure prévue du 12/12/2026 02:00 au 12/12/2026 04:00, ticket 2026113012345.",
                },
                {
                    "id": 5003,
                    "type": "service",
                    "date": "2026-11-30T13:00:00",
                    "actor": "Tech FR",
                    "action": "pin_message",
                    "message_id": 5002,
                },
            ],
        },
        ensure_ascii=False,
        indent=1,
    ),
)
neg(
    "mysql_vertical_server_status",
    """mysql> SHOW SLAVE STATUS\\G
*************************** 1. row ***************************
               Slave_IO_State: Waiting for master to send event
                  Master_Host: 10.0.3.12
                  Master_User: repl
                  Master_Port: 3306
                Connect_Retry: 60
              Master_Log_File: mysql-bin.001274
          Read_Master_Log_Pos: 612004881
               Relay_Log_File: relay-bin.003344
                Relay_Log_Pos: 612005120
        Seconds_Behind_Master: 0
             Master_Server_Id: 1
                  Master_UUID: 3e11fa47-71ca-11e1-9e33-c80aa9429562
             Executed_Gtid_Set: 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5139604
1 row in set (0.00 sec)""",
)
neg(
    "pg_copy_product_catalogue",
    "COPY public.produits (id, ean, libelle, prix, stock, maj) FROM stdin;\n"
    + "\n".join(
        f"{k + 1}\t{luhn('376' + digits(k, 'ean', 9), 13)}\tCahier A4 {k} grands carreaux\t{2 + k}.49\t{120 + k * 7}\t2026-11-{10 + k} 08:00:00"
        for k in range(6)
    )
    + "\n\\.\n",
)
neg(
    "duckdb_box_sales_by_region",
    "┌──────────────────────┬────────────┬──────────────┐\n│        region        │   ventes   │   mois       │\n│       varchar        │   int64    │   date       │\n├──────────────────────┼────────────┼──────────────┤\n"
    + "\n".join(
        f"│ {r:<20} │ {v:>10} │ 2026-{m:02d}-01   │"
        for r, v, m in [
            ("Bretagne", 612345678, 1),
            ("Grand Est", 701234567, 2),
            ("Occitanie", 412398761, 3),
            ("Normandie", 198765432, 4),
        ]
    )
    + "\n└──────────────────────┴────────────┴──────────────┘",
)
neg(
    "sap_alv_material_list",
    "30.11.2026                    Liste articles                    1\n"
    + "-" * 80
    + "\n|Article   |Désignation         |EAN            |Prix unit.  |Créé le    |\n"
    + "-" * 80
    + "\n"
    + "\n".join(
        f"|{1000230 + k:<10}|{'Vis inox M' + str(4 + k):<20}|{luhn('301' + digits(k, 'mat', 9), 13)}  |{12 + k},{k}0 EUR   |{fr_date(f'20{10 + k}-0{k + 1}-1{k}', '.')} |"
        for k in range(5)
    )
    + "\n"
    + "-" * 80,
)
neg(
    "sas_listing_trial_aggregates",
    """                                 The SAS System          10:22 Monday, November 30, 2026   1

Obs    ARM        N     MEAN_AGE    SD     MEDIAN_FU    START_DT
  1    PLACEBO   412     61.2      9.8     14MAR2024    02JAN2023
  2    ACTIVE    409     60.8     10.1     21MAR2024    02JAN2023
  3    TOTAL     821     61.0      9.9     17MAR2024    02JAN2023""",
)
neg(
    "ocr_invoice_company_switchboard",
    """FACTURE N° 2026-11-0441                         Brest, le 30/11/2026
Imprimerie de l'Iroise SARL — 12 rue de Siam 29200 Brest
Standard : 02 98 44 12 00 — contact@imprimerie-iroise.example — SIRET 404 833 048 00022
l Désignation l Qté l PU HT l Total HT l
l Flyers A5 recto-verso l 5000 l 0,041 l 205,00 l
l Cartes de visite l 500 l 0,09 l 45,00 l
Total TTC : 300,00 EUR — Règlement à 30 jours""",
)
neg(
    "r_dataframe_iris",
    """> head(iris, 4)
  Sepal.Length Sepal.Width Petal.Length Petal.Width Species
1          5.1         3.5          1.4         0.2  setosa
2          4.9         3.0          1.4         0.2  setosa
3          4.7         3.2          1.3         0.2  setosa
4          4.6         3.1          1.5         0.2  setosa
> summary(lm(Sepal.Length ~ Petal.Length, data = iris))$r.squared
[1] 0.7599546""",
)

neg(
    "soap_fault_and_wsdl_types",
    """<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
<faultcode>soap:Client</faultcode><faultstring>Adherent 88100 introuvable (code 4412)</faultstring>
<detail><ns2:erreur xmlns:ns2="http://ws.mutuelle.example/adherent/v3"><ns2:horodatage>2026-11-30T10:22:31Z</ns2:horodatage>
<ns2:trace>7f3a9c2e-41b0-4c1d-9e8a-0c2b6d1e5f44</ns2:trace></ns2:erreur></detail></soap:Fault></soap:Body></soap:Envelope>
<!-- xsd: nir xs:string pattern [12][0-9]{12}[0-9]{2}; dateNaissance xs:date; telPortable xs:string pattern 0[67][0-9]{8} -->""",
)
neg(
    "db2_export_del_stock_moves",
    "\n".join(
        f'"ART{1000 + k}","Vis inox M{4 + k}",2026{k + 1:02d}1{k},+{digits(k, "qty", 4)}.00,"{luhn("3012" + digits(k, "art", 8), 13)}"'
        for k in range(6)
    ),
)

neg(
    "telegram_html_export_chatter",
    '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Exported Data</title></head><body><div class="page_wrap"><div class="history">\n'
    + "\n".join(
        [
            _tg_msg(901, "qqn a la base de la mutuelle dont tout le monde parle ?", False),
            _tg_msg(902, "non c'est un fake, le sample du 28/11/2026 c'était des noms Faker", True),
            _tg_msg(903, "vérifiez avant de payer, escrow obligatoire, 0.004 BTC min", True),
        ]
    )
    + "\n</div></div></body></html>",
)

neg(
    "newsletter_footer_one_recipient",
    """Les offres de la semaine — Librairie Dialogues
-30 % sur les romans de la rentrée, dédicace le samedi 12/12/2026 à 15h.
Horaires : du lundi au samedi, 9h30-19h30. Service client : 02 98 44 10 10.
---
Cet e-mail a été envoyé à erwan.kerbrat@orange.fr car vous êtes inscrit à notre lettre d'information.
Se désinscrire | Gérer mes préférences | Mentions légales — Librairie Dialogues SAS, SIREN 404 833 048""",
)
neg(
    "race_results_birth_years_only",
    """10 km de Brest — classement scratch 2026
Rang  Dossard  Nom                    Né en  Club                    Temps
1     1204     KERBRAT Erwan          1991   Brest Athlé             00:31:12
2     0877     LE BIHAN Yannick       1987   Landerneau AC           00:31:48
3     1530     TANGUY Soizic          1995   Iroise Running          00:34:02
4     0412     GUÉGAN Hervé           1979   Brest Athlé             00:34:40
5     1101     RIGAUD Noémie          2001   Triathlon Brest         00:35:19""",
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    # recall
    # precision
}
SET.miss(**MISSED)
# Floors a little under what was measured when the set was written (wave 29): a regression fails.
FLOORS = {"recall": 0.91, "precision": 0.99, "art9_recall": 0.99, "art9_precision": 0.99}
globals().update(make_tests(SET, FLOORS))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("8b", "8c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
