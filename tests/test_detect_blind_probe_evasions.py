"""Blind probe, round N+1: identifiers written against scrapers (`[at]`/`[dot]`, dotted and
bracketed phones, full-width and Arabic-Indic digits, zero-width characters, homoglyphs, NIR and
IBAN in groups), whole dumps posted encoded (base64, hex, URL-encoding, quoted-printable,
gzip+base64, a CSV in a JSON string, UTF-16 and Latin-1 attachments, HTML entities) and dump
shapes not probed before (mongoexport, Elasticsearch hits, LDIF, YAML, markdown and HTML tables,
fixed-width columns, pipe-delimited with a BOM, PostgreSQL COPY, MySQL extended INSERTs with
escaped quotes, Telegram and Discord exports, key=value logs, hash:salt and bcrypt combos,
Belgian national numbers, Swiss AHV numbers), with negatives that look like identifiers (order
and tracking numbers, git hashes, UUIDs, ISBNs, IMEIs, timestamps, versions, coordinates, masked
samples).

Written from how leaks are posted, before the detector's code was read (the commit that adds this
file came before any run). Values are synthetic: made-up people, NIR/IBAN/card/AHV/NN with
computed keys, phone numbers that libphonenumber calls valid.

Scoring: a positive's found identifiers of the types it is scored on (email, phone, nir, iban,
card, dob, national_id, and any other type it lists) must equal the expected set; names and
addresses are not scored here (earlier probes cover them). A negative must give no identifier
at all. `python -m tests.test_detect_blind_probe_evasions` prints recall and precision on the
engine VIGIE_ENGINE names."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import quopri
import textwrap
from collections.abc import Callable
from urllib.parse import quote

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x21" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id"})

# -- synthetic people (NIR keys = 97 - body mod 97; birth year/month agree with the NIR) --------
N_A, N_B, N_C, N_D = "163044435312460", "293063111803449", "180066913942349", "273043121892615"
N_E, N_F, N_G, N_H = "193070628980926", "258113335241911", "178042A13807993", "153127536327074"
N_I, N_J, N_K = "242022A01433105", "152024438873075", "142052B39173457"
IB1, IB2, IB3 = "FR7632440342041490664535352", "FR7628877211164537548905148", "FR7621444667951643605189068"
IB4, IB5 = "DE48137946601070826192", "FR7633537366744072025732781"
CB1, CB2, CB3, CB4 = "4970333218385980", "4532168514616444", "5132787918880768", "5412263076883912"
AMEX, CB5 = "370719525743925", "2221890587232268"


def _ph(n: str) -> tuple[str, str]:
    return ("phone", "+33" + n[1:])


def _em(e: str) -> tuple[str, str]:
    return ("email", e)


A = dict(
    first="Jean",
    last="Dupont",
    dob="1963-04-12",
    fr="12/04/1963",
    nir=N_A,
    email="jean.dupont63@orange.fr",
    tel="0667474047",
)
B = dict(
    first="Marie",
    last="Leroy",
    dob="1993-06-27",
    fr="27/06/1993",
    nir=N_B,
    email="marie.leroy@laposte.net",
    tel="0771347501",
)
C = dict(
    first="Karim", last="Benali", dob="1980-06-03", fr="03/06/1980", nir=N_C, email="k.benali@free.fr", tel="0736173679"
)
D = dict(
    first="Sophie",
    last="Garnier",
    dob="1973-04-19",
    fr="19/04/1973",
    nir=N_D,
    email="sophie.garnier73@gmail.com",
    tel="0667636984",
)
E = dict(
    first="Lucas",
    last="Fabre",
    dob="1993-07-08",
    fr="08/07/1993",
    nir=N_E,
    email="lucas.fabre@hotmail.fr",
    tel="0680450746",
)
F = dict(
    first="Nathalie",
    last="Perrin",
    dob="1958-11-30",
    fr="30/11/1958",
    nir=N_F,
    email="nperrin@sfr.fr",
    tel="0677537341",
)
G = dict(
    first="Antoine",
    last="Santoni",
    dob="1978-04-22",
    fr="22/04/1978",
    nir=N_G,
    email="antoine.santoni@wanadoo.fr",
    tel="0650920474",
)
H = dict(
    first="Paul",
    last="Morel",
    dob="1953-12-01",
    fr="01/12/1953",
    nir=N_H,
    email="paul.morel@yahoo.fr",
    tel="0651227576",
)
I_ = dict(
    first="Élodie",
    last="Rousseau",
    dob="1942-02-14",
    fr="14/02/1942",
    nir=N_I,
    email="elodie.rousseau@bbox.fr",
    tel="0736223718",
)
J = dict(
    first="Thomas",
    last="Girard",
    dob="1952-02-09",
    fr="09/02/1952",
    nir=N_J,
    email="t.girard52@outlook.fr",
    tel="0657413365",
)
ABC = (A, B, C)


def _ids(*people: dict[str, str], keys: tuple[str, ...] = ("email", "tel")) -> list[tuple[str, str]]:
    out = []
    for p in people:
        for k in keys:
            if k == "tel":
                out.append(_ph(p["tel"]))
            elif k == "email":
                out.append(_em(p["email"]))
            else:
                out.append((k, p[k]))
    return out


ALL = ("email", "tel", "dob", "nir")

# the CSV a poster encodes whole (accents in it, as French dumps have)
CSV = "nom;prenom;date_naissance;email;telephone;nir\n" + "".join(
    f"{p['last']};{p['first']};{p['fr']};{p['email']};{p['tel'][:2]} {p['tel'][2:4]} {p['tel'][4:6]} "
    f"{p['tel'][6:8]} {p['tel'][8:]};{p['nir']}\n"
    for p in (A, B, I_)
)
CSV_IDS = _ids(A, B, I_, keys=ALL)
JSONL = "".join(
    json.dumps(
        {
            "email": p["email"],
            "phone": "+33" + p["tel"][1:],
            "birthdate": p["dob"],
            "firstname": p["first"],
            "lastname": p["last"],
        }
    )
    + "\n"
    for p in (D, E, F)
)
JSONL_IDS = _ids(D, E, F, keys=("email", "tel", "dob"))


def _b64(data: bytes, width: int = 76) -> str:
    return "\n".join(textwrap.wrap(base64.b64encode(data).decode(), width))


def _sp(n: str, sep: str = " ") -> str:
    return sep.join([n[0:2], n[2:4], n[4:6], n[6:8], n[8:10]])


_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ZW = "\u200b"

POSITIVES: dict[str, tuple[str | bytes, list[tuple[str, str]]]] = {
    # ---------------------------------------------------------------- evasions
    "ev_at_dot_brackets": (
        "Liste des modos du forum, mails récupérés :\n"
        "- Jean Dupont : jean.dupont63 [at] orange [dot] fr\n"
        "- Marie Leroy : marie.leroy [at] laposte [dot] net\n"
        "- Karim Benali : k.benali [at] free [dot] fr\n",
        _ids(*ABC, keys=("email",)),
    ),
    "ev_paren_at": (
        "Contacts du club (à diffuser) :\n"
        f"Dupont Jean - jean.dupont63(at)orange(dot)fr - {_sp(A['tel'])}\n"
        f"Leroy Marie - marie.leroy(at)laposte(dot)net - {_sp(B['tel'])}\n"
        f"Benali Karim - k.benali(at)free(dot)fr - {_sp(C['tel'])}\n",
        _ids(*ABC),
    ),
    "ev_caps_words_dox": (
        "=== DOX ===\nNom: Leroy\nPrénom: Marie\nNée le: 27/06/1993\n"
        "Mail: marie.leroy AT laposte DOT net\nTel: 07 71 34 75 01\nVille: Toulouse\n",
        _ids(B, keys=("email", "tel", "dob")),
    ),
    "ev_curly_braces": (
        "leaked staff mails (obfuscated so the bots don't eat them):\n"
        "sophie.garnier73{at}gmail{dot}com\nlucas.fabre{at}hotmail{dot}fr\nnperrin{at}sfr{dot}fr\n",
        _ids(D, E, F, keys=("email",)),
    ),
    "ev_arobase_point_dox": (
        "Le gars qui balance s'appelle Paul Morel, né le 01/12/1953.\n"
        "Mail : paul.morel arobase yahoo point fr\nTél : 06 51 22 75 76\n",
        _ids(H, keys=("email", "tel", "dob")),
    ),
    "ev_spaced_at": (
        "Comptes à cibler :\njean.dupont63 @ orange.fr\nmarie.leroy @ laposte.net\nk.benali @ free.fr\n",
        _ids(*ABC, keys=("email",)),
    ),
    "ev_fullwidth_at": (
        "emails:\njean.dupont63＠orange．fr\nmarie.leroy＠laposte．net\nk.benali＠free．fr\n",
        _ids(*ABC, keys=("email",)),
    ),
    "ev_dotted_phones": (
        "Numéros des livreurs :\nJean Dupont 06.67.47.40.47\nMarie Leroy 07.71.34.75.01\nKarim Benali 07.36.17.36.79\n",
        _ids(*ABC, keys=("tel",)),
    ),
    "ev_plus33_paren0": (
        "Nom : Garnier\nPrénom : Sophie\nDate de naissance : 19/04/1973\n"
        "Portable : +33 (0)6 67 63 69 84\nFixe : +33(0)5 24 50 07 21\nEmail : sophie.garnier73@gmail.com\n",
        _ids(D, keys=("email", "tel", "dob")) + [("phone", "+33524500721")],
    ),
    "ev_0033_forms": (
        "Numéros récupérés sur le standard :\nGarnier Sophie : 0033 6 67 63 69 84\n"
        "Fabre Lucas : 0033680450746\nPerrin Nathalie : 00 33 6 77 53 73 41\n",
        _ids(D, E, F, keys=("tel",)),
    ),
    "ev_33_no_plus_csv": (
        "nom;prenom;tel;email\n"
        + "".join(f"{p['last']};{p['first']};33{p['tel'][1:]};{p['email']}\n" for p in (D, E, F)),
        _ids(D, E, F),
    ),
    "ev_excel_dropped_zero": (
        "nom;prenom;mobile;email\n"
        + "".join(f"{p['last']};{p['first']};{p['tel'][1:]};{p['email']}\n" for p in (G, H, J)),
        _ids(G, H, J),
    ),
    "ev_dash_slash_phones": (
        "Annuaire interne :\nSantoni Antoine 06-50-92-04-74\nMorel Paul 06/51/22/75/76\nGirard Thomas 06 57 41 33 65\n",
        _ids(G, H, J, keys=("tel",)),
    ),
    "ev_fullwidth_phones": (
        "ｔｅｌ list\nSantoni "
        + _sp(G["tel"]).translate(_FW)
        + "\nMorel "
        + _sp(H["tel"]).translate(_FW)
        + "\nGirard "
        + _sp(J["tel"]).translate(_FW)
        + "\n",
        _ids(G, H, J, keys=("tel",)),
    ),
    "ev_arabic_indic_phones": (
        "أرقام الضحايا:\nAntoine Santoni "
        + G["tel"].translate(_AR)
        + "\nPaul Morel "
        + H["tel"].translate(_AR)
        + "\nThomas Girard "
        + J["tel"].translate(_FA)
        + "\n",
        _ids(G, H, J, keys=("tel",)),
    ),
    "ev_zero_width_emails": (
        "mails:\njean.dupont63"
        + ZW
        + "@orange.fr\nmarie"
        + ZW
        + ".leroy@laposte"
        + ZW
        + ".net\nk.benali@free\u2060.fr\n"
        "sophie.garnier73\u200c@gmail.com\n",
        _ids(A, B, C, D, keys=("email",)),
    ),
    "ev_zero_width_phones": (
        "Tel des cibles :\nDupont 06\u200d67\u200d47\u200d40\u200d47\nLeroy 07"
        + ZW
        + "71"
        + ZW
        + "34"
        + ZW
        + "75"
        + ZW
        + "01\nBenali 07\ufeff36\ufeff17\ufeff36\ufeff79\n",
        _ids(*ABC, keys=("tel",)),
    ),
    "ev_soft_hyphen_email": (
        "Nom : Fabre\nPrénom : Lucas\nNé le : 08/07/1993\nMail : lucas.fa\u00adbre@hot\u00admail.fr\n"
        "Tel : 06 80 45 07 46\n",
        _ids(E, keys=("email", "tel", "dob")),
    ),
    "ev_homoglyph_emails": (
        "emails (cyrillic letters so the filters miss them):\n"
        "p\u0430ul.morel@yah\u043eo.fr\nnp\u0435rrin@sfr.fr\nt.gir\u0430rd52@\u043eutlook.fr\n",
        _ids(H, F, J, keys=("email",)),
    ),
    "ev_nbsp_phones": (
        "Téléphones :\nSantoni\u00a0: 06\u202f50\u202f92\u202f04\u202f74\n"
        "Morel\u00a0: 06\u00a051\u00a022\u00a075\u00a076\n"
        "Girard\u00a0: +33\u00a06\u00a057\u00a041\u00a033\u00a065\n",
        _ids(G, H, J, keys=("tel",)),
    ),
    "ev_intl_dotted": (
        "WhatsApp des vendeurs : +33.6.67.47.40.47 / +33-7-71-34-75-01 / +33 7 36 17 36 79\n"
        "Jean Dupont, Marie Leroy, Karim Benali\n",
        _ids(*ABC, keys=("tel",)),
    ),
    "ev_nir_spaced_corsica": (
        "Nom : Santoni\nPrénom : Antoine\nNé le : 22/04/1978 à Ajaccio\nN° SS : 1 78 04 2A 138 079 93\n"
        "Tél : 06 50 92 04 74\n",
        _ids(G, keys=("tel", "dob", "nir")),
    ),
    "ev_nir_dots_dashes": (
        "nom;prenom;numsecu\nDupont;Jean;1.63.04.44.353.124.60\nLeroy;Marie;2-93-06-31-118-034-49\n"
        "Benali;Karim;1 80 06 69 139 423 49\n",
        _ids(*ABC, keys=("nir",)),
    ),
    "ev_nir_key_apart": (
        "Nom : Morel\nPrénom : Paul\nDate naissance : 01/12/1953\n"
        "Sécu : 1 53 12 75 363 270 clé 74\nTel : 06 51 22 75 76\n",
        _ids(H, keys=("tel", "dob", "nir")),
    ),
    "ev_iban_lower_groups": (
        "RIB des clients (copiés depuis le back-office) :\nJean Dupont - fr76 3244 0342 0414 9066 4535 352\n"
        "Marie Leroy - fr76 2887 7211 1645 3754 8905 148\nKarim Benali - de48 1379 4660 1070 8261 92\n",
        [("iban", IB1), ("iban", IB2), ("iban", IB4)],
    ),
    "ev_iban_dashes": (
        "titulaire;iban;bic\nGarnier Sophie;FR76-2144-4667-9516-4360-5189-068;BNPAFRPP\n"
        "Fabre Lucas;FR76.3353.7366.7440.7202.5732.781;CEPAFRPP\n",
        [("iban", IB3), ("iban", IB5)],
    ),
    "ev_card_dashes_cc_dump": (
        "CC FR fresh 100% valid\n4970-3332-1838-5980|09/27|123|Jean Dupont|0667474047\n"
        "4532-1685-1461-6444|11/26|456|Marie Leroy|0771347501\n5132-7879-1888-0768|03/28|789|Karim Benali|0736173679\n",
        [("card", CB1), ("card", CB2), ("card", CB3)] + _ids(*ABC, keys=("tel",)),
    ),
    "ev_amex_grouping": (
        "amex + mc sample:\n3707 195257 43925 exp 0428 cvv 1234 Antoine Santoni\n"
        "5412 2630 7688 3912 exp 0127 cvv 321 Paul Morel\n2221 8905 8723 2268 exp 0926 cvv 555 Thomas Girard\n",
        [("card", AMEX), ("card", CB4), ("card", CB5)],
    ),
    # ---------------------------------------------------------------- encodings
    "enc_base64_csv": (
        "Sample gratuit de la base (encodé pour pas se faire ban) :\n\n" + _b64(CSV.encode()) + "\n\nFull dispo en MP.",
        CSV_IDS,
    ),
    "enc_base64_one_line": ("sample: " + base64.b64encode(CSV.encode()).decode() + " (b64)", CSV_IDS),
    "enc_hex_csv": (
        "hex dump of the sample:\n" + "\n".join(textwrap.wrap(binascii.hexlify(CSV.encode()).decode(), 64)) + "\n",
        CSV_IDS,
    ),
    "enc_url_encoded_csv": ("data=" + quote(CSV, safe="") + "&submit=Envoyer\n", CSV_IDS),
    "enc_quoted_printable": (
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(CSV.replace("\n", "\r\n").encode()).decode()
        + "\n",
        CSV_IDS,
    ),
    "enc_gzip_base64": (
        "gz+b64 du sample (zcat après décodage) :\n" + _b64(gzip.compress(CSV.encode(), mtime=0)) + "\n",
        CSV_IDS,
    ),
    "enc_csv_in_json_string": (
        json.dumps({"filename": "clients_2024.csv", "size": len(CSV), "content": CSV}, ensure_ascii=False) + "\n",
        CSV_IDS,
    ),
    "enc_utf16le_bom_attachment": (CSV.encode("utf-16"), CSV_IDS),
    "enc_utf16be_bom_attachment": (b"\xfe\xff" + CSV.encode("utf-16-be"), CSV_IDS),
    "enc_latin1_attachment": (CSV.encode("latin-1"), CSV_IDS),
    "enc_cp1252_crlf_bom": (b"\xef\xbb\xbf" + CSV.replace("\n", "\r\n").encode("cp1252"), CSV_IDS),
    "enc_base64_jsonl": ("users.jsonl (base64):\n" + _b64(JSONL.encode()) + "\n", JSONL_IDS),
    "enc_html_entities": (
        "<ul><li>Sophie Garnier &ndash; sophie.garnier73&#64;gmail&#46;com</li>"
        "<li>Lucas Fabre &ndash; lucas.fabre&#x40;hotmail&#x2E;fr</li>"
        "<li>Nathalie Perrin &ndash; nperrin&#64;sfr&#46;fr</li></ul>",
        _ids(D, E, F, keys=("email",)),
    ),
    "enc_json_unicode_escapes": (
        "".join('{"mail":"' + p["email"].replace("@", "\\u0040") + '","tel":"' + p["tel"] + '"}\n' for p in (G, H, J)),
        _ids(G, H, J),
    ),
    "enc_mime_attachment": (
        "From: vendeur <v@exemple.onion>\nSubject: extrait\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="XyZ"\n\n--XyZ\nContent-Type: text/plain\n\nvoici l\'extrait\n'
        '--XyZ\nContent-Type: text/csv; name="extrait.csv"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="extrait.csv"\n\n' + _b64(CSV.encode()) + "\n--XyZ--\n",
        CSV_IDS + [_em("v@exemple.onion")],
    ),
    # ---------------------------------------------------------------- dump shapes
    "sh_mongoexport_lines": (
        "".join(
            json.dumps(
                {
                    "_id": {"$oid": f"65f0a1b2c3d4e5f6a7b8c9{i:02x}"},
                    "email": p["email"],
                    "phone": "+33" + p["tel"][1:],
                    "birthDate": {"$date": p["dob"] + "T00:00:00.000Z"},
                    "nir": p["nir"],
                    "createdAt": {"$date": "2023-11-02T08:14:55.120Z"},
                }
            )
            + "\n"
            for i, p in enumerate((A, B, C))
        ),
        _ids(*ABC, keys=ALL),
    ),
    "sh_mongoexport_array_numberlong": (
        json.dumps(
            [
                {
                    "_id": {"$oid": "65f0a1b2c3d4e5f6a7b8c901"},
                    "mail": A["email"],
                    "mobile": A["tel"],
                    "dateNaissance": {"$date": {"$numberLong": "-212198400000"}},
                },
                {
                    "_id": {"$oid": "65f0a1b2c3d4e5f6a7b8c902"},
                    "mail": B["email"],
                    "mobile": B["tel"],
                    "dateNaissance": {"$date": {"$numberLong": "741139200000"}},
                },
            ],
            indent=2,
        ),
        _ids(A, B, keys=("email", "tel", "dob")),
    ),
    "sh_elasticsearch_hits": (
        json.dumps(
            {
                "took": 4,
                "timed_out": False,
                "hits": {
                    "total": {"value": 3, "relation": "eq"},
                    "max_score": 1.0,
                    "hits": [
                        {
                            "_index": "customers",
                            "_id": str(i),
                            "_score": 1.0,
                            "_source": {
                                "first_name": p["first"],
                                "last_name": p["last"],
                                "email": p["email"],
                                "phone": _sp(p["tel"]),
                                "birth_date": p["dob"],
                                "iban": ib,
                            },
                        }
                        for i, (p, ib) in enumerate(((D, IB1), (E, IB2), (F, IB3)))
                    ],
                },
            },
            indent=1,
        ),
        _ids(D, E, F, keys=("email", "tel", "dob")) + [("iban", IB1), ("iban", IB2), ("iban", IB3)],
    ),
    "sh_ldif": (
        "".join(
            f"dn: uid={p['first'][0].lower()}{p['last'].lower()},ou=people,dc=mairie-exemple,dc=fr\n"
            f"objectClass: inetOrgPerson\ncn: {p['first']} {p['last']}\nsn: {p['last']}\n"
            f"givenName: {p['first']}\nmail: {p['email']}\ntelephoneNumber: +33 {p['tel'][1]} {p['tel'][2:4]} "
            f"{p['tel'][4:6]} {p['tel'][6:8]} {p['tel'][8:]}\n\n"
            for p in (G, H, J)
        ),
        _ids(G, H, J),
    ),
    "sh_yaml_list": (
        "users:\n"
        + "".join(
            f"  - nom: {p['last']}\n    prenom: {p['first']}\n    email: {p['email']}\n"
            f"    tel: '{_sp(p['tel'])}'\n    naissance: {p['dob']}\n"
            for p in ABC
        ),
        _ids(*ABC, keys=("email", "tel", "dob")),
    ),
    "sh_markdown_table": (
        "Voilà un extrait :\n\n| Nom | Prénom | Email | Téléphone | Né le |\n"
        "|-----|--------|-------|-----------|-------|\n"
        + "".join(f"| {p['last']} | {p['first']} | {p['email']} | {_sp(p['tel'])} | {p['fr']} |\n" for p in (D, E, F)),
        _ids(D, E, F, keys=("email", "tel", "dob")),
    ),
    "sh_html_table": (
        "<table><thead><tr><th>Nom</th><th>Prénom</th><th>Mail</th><th>Tél</th><th>Date de naissance</th></tr></thead>"
        "<tbody>"
        + "".join(
            f"<tr><td>{p['last']}</td><td>{p['first']}</td><td>{p['email']}</td><td>{_sp(p['tel'])}"
            f"</td><td>{p['fr']}</td></tr>"
            for p in (G, H, J)
        )
        + "</tbody></table>",
        _ids(G, H, J, keys=("email", "tel", "dob")),
    ),
    "sh_fixed_width": (
        "NOM             PRENOM      DATNAIS   TELEPHONE   EMAIL\n"
        + "".join(
            f"{p['last'].upper():<16}{p['first'].upper():<12}{p['fr'].replace('/', ''):<10}{p['tel']:<12}{p['email']}\n"
            for p in ABC
        ),
        _ids(*ABC, keys=("email", "tel", "dob")),
    ),
    "sh_pipe_bom": (
        "\ufeffemail|nom|prenom|tel|date_naissance\n"
        + "".join(f"{p['email']}|{p['last']}|{p['first']}|{p['tel']}|{p['fr']}\n" for p in (D, E, F)),
        _ids(D, E, F, keys=("email", "tel", "dob")),
    ),
    "sh_pg_copy": (
        "--\n-- Data for Name: clients; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n"
        "COPY public.clients (id, nom, prenom, email, telephone, date_naissance, iban, created_at) FROM stdin;\n"
        f"1\tDupont\tJean\t{A['email']}\t{A['tel']}\t{A['dob']}\t{IB1}\t2023-01-05 10:11:12+01\n"
        f"2\tLeroy\tMarie\t{B['email']}\t\\N\t{B['dob']}\t{IB2}\t2023-01-06 09:00:00+01\n"
        f"3\tBenali\tKarim\t{C['email']}\t{C['tel']}\t\\N\t\\N\t2023-02-11 17:45:03+01\n\\.\n",
        _ids(A, B, C, keys=("email",))
        + [_ph(A["tel"]), _ph(C["tel"]), ("dob", A["dob"]), ("dob", B["dob"]), ("iban", IB1), ("iban", IB2)],
    ),
    "sh_mysql_extended_escaped": (
        "INSERT INTO `users` (`id`,`prenom`,`nom`,`email`,`tel`,`naissance`,`bio`) VALUES "
        f"(1,'Jean','D\\'Almeida','{A['email']}','{A['tel']}','{A['dob']}','l\\'homme \\\"pressé\\\"'),"
        f"(2,'Marie','Le''Roy','{B['email']}','{B['tel']}','{B['dob']}','aime l\\'été'),"
        f"(3,'Karim','Ben\\'Ali','{C['email']}','{C['tel']}','{C['dob']}',NULL);\n",
        _ids(*ABC, keys=("email", "tel", "dob")),
    ),
    "sh_telegram_export": (
        json.dumps(
            {
                "name": "Fuites FR",
                "type": "public_channel",
                "id": 1987654321,
                "messages": [
                    {
                        "id": 10 + i,
                        "type": "message",
                        "date": "2024-03-12T22:14:0" + str(i),
                        "from": "Admin",
                        "from_id": "channel1987654321",
                        "text": [
                            "Nouveau dox : ",
                            {"type": "bold", "text": f"{p['first']} {p['last']}"},
                            ", né le " + p["fr"] + ", tel ",
                            {
                                "type": "phone",
                                "text": "+33 "
                                + p["tel"][1]
                                + " "
                                + p["tel"][2:4]
                                + " "
                                + p["tel"][4:6]
                                + " "
                                + p["tel"][6:8]
                                + " "
                                + p["tel"][8:],
                            },
                            ", mail ",
                            {"type": "email", "text": p["email"]},
                        ],
                    }
                    for i, p in enumerate((D, E))
                ],
            },
            ensure_ascii=False,
            indent=1,
        ),
        _ids(D, E, keys=("email", "tel", "dob")),
    ),
    "sh_discord_log": (
        "[12/03/2024 22:14] shadow#4242: tiens le num du mec " + _sp(G["tel"]) + "\n"
        "[12/03/2024 22:15] shadow#4242: et son mail " + G["email"] + "\n"
        "[12/03/2024 22:15] kr4ken: et sa meuf ? \n"
        "[12/03/2024 22:16] shadow#4242: " + H["email"] + " / " + _sp(H["tel"]) + "\n",
        _ids(G, H),
    ),
    "sh_kv_logs": (
        "".join(
            f'2024-03-12T22:14:0{i}Z level=info msg="signup ok" user_id={1000 + i} email={p["email"]} '
            f"phone=+33{p['tel'][1:]} birthdate={p['dob']} ip=10.0.0.{i + 2}\n"
            for i, p in enumerate(ABC)
        ),
        _ids(*ABC, keys=("email", "tel", "dob")),
    ),
    "sh_combo_hash_salt": (
        "ExempleShop 2023 - 3 lines sample (email:md5:salt)\n"
        f"{D['email']}:5f4dcc3b5aa765d61d8327deb882cf99:x9Qa\n{E['email']}:e10adc3949ba59abbe56e057f20f883e:k2Lm\n"
        f"{F['email']}:25d55ad283aa400af464c76d713c07ad:Pp01\n",
        _ids(D, E, F, keys=("email",)),
    ),
    "sh_combo_bcrypt": (
        f"{G['email']}:$2y$10$Qm9vYmFyYmF6cXV4Y29yZ2VlZ3JhdWx0c3Bhc3N3b3JkMTI\n"
        f"{H['email']}:$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\n"
        f"{J['email']}:$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy\n",
        _ids(G, H, J, keys=("email",)),
    ),
    "sh_cc_fullz": (
        "cc|mm|yy|cvv|name|address|zip|city|phone|email\n"
        f"{CB1}|09|2027|123|Jean Dupont|4 rue des Lilas|69003|Lyon|{A['tel']}|{A['email']}\n"
        f"{CB2}|11|2026|456|Marie Leroy|12 allée Verte|31000|Toulouse|{B['tel']}|{B['email']}\n"
        f"{CB3}|03|2028|789|Karim Benali|8 bd Gambetta|59000|Lille|{C['tel']}|{C['email']}\n",
        [("card", CB1), ("card", CB2), ("card", CB3)] + _ids(*ABC),
    ),
    "sh_belgian_nn": (
        "naam;voornaam;rijksregisternummer;gsm;email\n"
        "Peeters;Jan;98.02.04-282.21;+32 499 70 95 51;jan.peeters@skynet.be\n"
        "Janssens;Els;96.04.14-681.70;0475 17 99 43;els.janssens@telenet.be\n"
        "Maes;Luc;86112391287;0479/04.90.81;luc.maes@proximus.be\n",
        [
            ("national_id", "BE:98020428221"),
            ("national_id", "BE:96041468170"),
            ("national_id", "BE:86112391287"),
            ("phone", "+32499709551"),
            ("phone", "+32475179943"),
            ("phone", "+32479049081"),
            _em("jan.peeters@skynet.be"),
            _em("els.janssens@telenet.be"),
            _em("luc.maes@proximus.be"),
        ],
    ),
    "sh_swiss_ahv": (
        "Name;Vorname;AHV-Nr;Telefon;E-Mail\n"
        "Müller;Hans;756.3572.2045.26;+41 76 915 35 80;hans.mueller@bluewin.ch\n"
        "Meier;Anna;756.9843.1087.91;076 155 23 78;anna.meier@gmx.ch\n"
        "Schmid;Peter;7568364257605;078 766 88 59;peter.schmid@sunrise.ch\n",
        [
            ("national_id", "CH:7563572204526"),
            ("national_id", "CH:7569843108791"),
            ("national_id", "CH:7568364257605"),
            ("phone", "+41769153580"),
            ("phone", "+41761552378"),
            ("phone", "+41787668859"),
            _em("hans.mueller@bluewin.ch"),
            _em("anna.meier@gmx.ch"),
            _em("peter.schmid@sunrise.ch"),
        ],
    ),
    "sh_xml_export": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<clients>\n'
        + "".join(
            f'  <client id="{i}">\n    <nom>{p["last"]}</nom>\n    <prenom>{p["first"]}</prenom>\n'
            f"    <email>{p['email']}</email>\n    <tel>{_sp(p['tel'], '.')}</tel>\n"
            f"    <iban>{ib}</iban>\n  </client>\n"
            for i, (p, ib) in enumerate(((G, IB4), (H, IB5), (J, IB1)))
        )
        + "</clients>\n",
        _ids(G, H, J) + [("iban", IB4), ("iban", IB5), ("iban", IB1)],
    ),
    "sh_sqlite_dump": (
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        "CREATE TABLE customers(id INTEGER PRIMARY KEY, fn TEXT, ln TEXT, "
        "mail TEXT, gsm TEXT, dob TEXT);\n"
        + "".join(
            f"INSERT INTO customers VALUES({i},'{p['first']}','{p['last']}','{p['email']}','{p['tel']}','{p['fr']}');\n"
            for i, p in enumerate((D, E, F))
        )
        + "COMMIT;\n",
        _ids(D, E, F, keys=("email", "tel", "dob")),
    ),
    "sh_csv_quoted_multiline": (
        "id,name,address,email,phone\n"
        + "".join(
            f'{i},"{p["first"]} {p["last"]}","{i + 3} rue de la Paix\n7500{i} Paris",{p["email"]},{_sp(p["tel"])}\n'
            for i, p in enumerate(ABC, 1)
        ),
        _ids(*ABC),
    ),
    "sh_lookup_service_output": (
        "".join(
            f"email: {p['email']} | name: {p['first']} {p['last']} | phone: {p['tel']} | dob: {p['fr']} | "
            f"database_name: ExempleShop\n"
            for p in (G, H, J)
        ),
        _ids(G, H, J, keys=("email", "tel", "dob")),
    ),
    "sh_json_nested": (
        json.dumps(
            [
                {
                    "user": {
                        "id": i,
                        "contact": {"email": p["email"], "mobile": _sp(p["tel"])},
                        "birth": {"date": p["fr"], "place": "Lyon"},
                        "bank": {"iban": ib},
                    }
                }
                for i, (p, ib) in enumerate(((A, IB2), (B, IB3)))
            ],
            indent=2,
        ),
        _ids(A, B, keys=("email", "tel", "dob")) + [("iban", IB2), ("iban", IB3)],
    ),
    "sh_php_serialized": (
        "".join(
            f'{i}\ta:3:{{s:5:"email";s:{len(p["email"])}:"{p["email"]}";s:3:"tel";s:10:"{p["tel"]}";'
            f's:3:"nom";s:{len(p["last"])}:"{p["last"]}";}}\n'
            for i, p in enumerate((D, E, F))
        ),
        _ids(D, E, F),
    ),
    "sh_python_repr": (
        "".join(
            f"{{'email': '{p['email']}', 'phone': '{p['tel']}', 'name': '{p['first']} {p['last']}', "
            f"'birthday': '{p['dob']}'}}\n"
            for p in (G, H, J)
        ),
        _ids(G, H, J, keys=("email", "tel", "dob")),
    ),
    "sh_tsv_crlf_bank": (
        "titulaire\tiban\tcarte\texpiration\r\n"
        f"Jean Dupont\t{IB1}\t{CB1}\t09/27\r\n"
        f"Marie Leroy\t{IB2}\t{CB2}\t11/26\r\nKarim Benali\t{IB3}\t{CB3}\t03/28\r\n",
        [("iban", IB1), ("iban", IB2), ("iban", IB3), ("card", CB1), ("card", CB2), ("card", CB3)],
    ),
}

NEGATIVES: dict[str, str] = {
    "neg_order_numbers": "Commande n° 2024-031-5587412 du 12/03/2024, facture FA-00061234578, ref client 0667-4740.",
    "neg_tracking": "Suivi : LA123456785FR (La Poste), 6A19876543210 (Colissimo), 1Z999AA10123456784 (UPS), "
    "JJD000390007805123456 (DHL).",
    "neg_git_log": "commit 9fceb02d0ae598e95dc970b74767f19372d61af8\nAuthor: dev <dev@users.noreply.github.com>\n"
    "Date:   Tue Mar 12 22:14:05 2024 +0100\n\n    fix 0667474047 overflow\n\n"
    "commit 0612345678abcdef0612345678abcdef06123456\n",
    "neg_uuids": "3f2504e0-4f89-11d3-9a0c-0305e82c3301\n0667474e-0771-4347-8501-073617367900\n"
    "c56a4180-65aa-42ec-a945-5fd21dec0538\n",
    "neg_prices": "Prix : 1 299,00 € TTC, 06 12 34 € de frais ? non : 61,23 €. Total 4 970,33 €, acompte 321,85 €.",
    "neg_isbns": "Biblio : ISBN 978-2-07-036822-8, ISBN 2-07-036822-X, EAN 9782070368228, ISSN 0395-2037.",
    "neg_imei": "IMEI du tel volé : 35-209900-176148-1, l'autre 352099001761481, SN F17XK0PRHG7F.",
    "neg_timestamps": "ts=1710281645123 exp=1741817645 iat=1710281645 nbf=1710281645\nlast_seen: 1710281645.123456",
    "neg_versions": "Versions: 6.67.47.40 (build 4740), app 7.71.34 r5, libfoo 0.33.6-12, kernel 6.1.0-18-amd64.",
    "neg_coordinates": "GPS: 48.8566140, 2.3522219 / 45.7640430, 4.8356590 / -33.868820, 151.209296 / "
    "43.6046523,1.4442090",
    "neg_masked_samples": "Preuve (masquée) : j***@orange.fr, 06 ** ** 40 47, 4970 **** **** 5980, "
    "FR76 3244 **** **** **** **** 352, 1 63 04 ** *** *** 60.",
    "neg_docker_digests": "image: app@sha256:4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b\n"
    "md5sum: 5f4dcc3b5aa765d61d8327deb882cf99  dump.sql.gz",
    "neg_mac_and_ips": "MAC 00:1A:2B:3C:4D:5E, 06-67-47-40-47-AB, IPs 10.66.74.74, 192.168.1.47.",
    "neg_hex_colours_css": ".a{color:#066747;background:#077134}.b{width:0667px;height:474047px}",
    "neg_bank_statement_amounts": "Date;Libellé;Débit;Crédit\n12/03/2024;CB CARREFOUR 0667;47,40;\n"
    "13/03/2024;VIR SEPA 4970333218;;1 838,59\n14/03/2024;PRLV EDF 0000347501;71,34;\n",
    "neg_sports_lottery": "Résultats Loto : 06 - 12 - 34 - 40 - 47 chance 7. EuroMillions 4 9 70 33 32.",
    "neg_random_base64_blob": "attached key:\n" + _b64(bytes(range(256)) * 2) + "\n",
    "neg_luhn_valid_non_card": "N° adhérent 9970333218385984, contrat 1234567812345670, ticket 8000000000000002.",
    "neg_phone_like_ids": "Dossier 0667474047-B, colis 07713475010, ref 336674740470.",
    "neg_invalid_keys": "NIR 1 63 04 44 353 124 61 (clé fausse), IBAN FR76 3244 0342 0414 9066 4535 353, "
    "carte 4970 3332 1838 5981.",
}


def _expected(name: str) -> set[tuple[str, str]]:
    out = set()
    for t, v in POSITIVES[name][1]:
        out.add((t, v))
        if t == "email":
            local, _, dom = v.partition("@")
            if dom in ("gmail.com", "googlemail.com"):
                out.add((t, local.split("+", 1)[0].replace(".", "") + "@gmail.com"))
    return out


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def scored(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(expected, found) restricted to the types the case is scored on."""
    want = _expected(name)
    types = SCORED | {t for t, _ in want}
    got = {(t, v) for t, v in _found(detect(POSITIVES[name][0], key=KEY)) if t in types}
    return want, got


# Still missed after `indexer.detect.unveil` (see the report of the round in the module's commit
# history): shapes and extractors, not the reading of the text. Round 3 (wave 23,
# tests/test_detect_evasions_round3.py) found the five left here: obfuscated lists with names
# and phones, phones on one line, glued dates of birth, Telegram exports without entities.
MISSED: frozenset[str] = frozenset()


@pytest.mark.parametrize("name", sorted(set(POSITIVES) - MISSED))
def test_positive(name: str) -> None:
    want, got = scored(name)
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(MISSED))
def test_missed(name: str) -> None:
    """Left as found (listed above): when one passes, move it out of MISSED."""
    want, got = scored(name)
    assert got != want


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    assert _found(detect(NEGATIVES[name], key=KEY)) == set()


def report(positives: dict[str, tuple[str | bytes, list[tuple[str, str]]]], negatives: dict[str, str],
           scored: Callable[[str], tuple[set[tuple[str, str]], set[tuple[str, str]]]]) -> None:
    """A round's misses, false finds, recall and precision (`python -m` this module or round 2's)."""
    tp = fn = fp = exact = 0
    for name in positives:
        want, got = scored(name)
        tp, fn, fp = tp + len(want & got), fn + len(want - got), fp + len(got - want)
        exact += want == got
        if want != got:
            print(f"{name}: missed {sorted(want - got)} extra {sorted(got - want)}")
    neg_fp = clean = 0
    for name, text in negatives.items():
        got = _found(detect(text, key=KEY))
        neg_fp += len(got)
        clean += not got
        if got:
            print(f"{name}: false {sorted(got)}")
    print(f"positives exact {exact}/{len(positives)}, negatives clean {clean}/{len(negatives)}")
    print(
        f"identifiers: recall {tp}/{tp + fn} = {tp / (tp + fn):.3f}, precision {tp}/{tp + fp + neg_fp} = "
        f"{tp / (tp + fp + neg_fp):.3f}"
    )


def main() -> None:
    report(POSITIVES, NEGATIVES, scored)


if __name__ == "__main__":
    main()
