"""Blind probe, round N+1, second set: fresh cases of the classes the first set
(tests/test_detect_blind_probe_evasions.py) found missed and `indexer.detect.unveil` now reads,
written before this set was run, to check the fix reads the class and not its fixtures: other
people and values, other encodings of a sample (base64 wrapped at 64, of UTF-16 and Latin-1
files, gzip of SQL, spaced hex, form posts with `+`, TSV in a JSON string), other writings
against scrapers (Greek look-alikes, soft hyphens in numbers, spelled and spaced `@` in other
shapes, HTML ordered lists and character references in plain text), and negatives aimed at the
new reading (shouted prose with AT and DOT, keys, tokens and images in base64, hashes in hex,
URL-encoded prose, JSON with line breaks in a bio, Arabic-Indic prices). Same scoring as the
first set. All values synthetic (NIR, IBAN keys computed; phones valid for libphonenumber)."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import random
import textwrap
from urllib.parse import quote, quote_plus

import pytest

from indexer.detect import detect
from tests.test_detect_blind_probe_evasions import KEY, SCORED, _b64, _found, report

P1 = dict(
    first="Camille",
    last="Roux",
    dob="1988-03-14",
    fr="14/03/1988",
    nir="288039213033473",
    email="camille.roux88@free.fr",
    tel="0628804072",
)
P2 = dict(
    first="Mehdi",
    last="Haddad",
    dob="1971-10-02",
    fr="02/10/1971",
    nir="171101310224754",
    email="mehdi.haddad@laposte.net",
    tel="0686255118",
)
P3 = dict(
    first="Léa",
    last="Schmitt",
    dob="2002-07-25",
    fr="25/07/2002",
    nir="202076709984315",
    email="lea.schmitt@gmail.com",
    tel="0787333113",
)
P4 = dict(
    first="Yanis",
    last="Lebrun",
    dob="1995-01-30",
    fr="30/01/1995",
    nir="195013505930056",
    email="yanis.lebrun@orange.fr",
    tel="0798113511",
)
P5 = dict(
    first="Jeanne",
    last="Casanova",
    dob="1966-12-08",
    fr="08/12/1966",
    nir="266122B24497607",
    email="j.casanova@sfr.fr",
    tel="0669983397",
)
P6 = dict(
    first="Olivier",
    last="Mercier",
    dob="1984-05-17",
    fr="17/05/1984",
    nir="184053828662737",
    email="olivier.mercier84@hotmail.fr",
    tel="0648107569",
)
IBANS = ("FR7639945354053769207312313", "FR7622064992798925452005541", "FR7627184616267518050205067")


def _ids(*people: dict[str, str], keys: tuple[str, ...] = ("email", "tel")) -> list[tuple[str, str]]:
    out = []
    for p in people:
        for k in keys:
            out.append(("phone", "+33" + p["tel"][1:]) if k == "tel" else (k, p[k]))
    return out


def _sp(n: str, sep: str = " ") -> str:
    return sep.join(n[i : i + 2] for i in range(0, 10, 2))


_FW = str.maketrans("0123456789@.", "０１２３４５６７８９＠．")
_AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TSV = "email\tnom\tprenom\tnaissance\ttel\n" + "".join(
    f"{p['email']}\t{p['last']}\t{p['first']}\t{p['fr']}\t{p['tel']}\n" for p in (P1, P2, P3)
)
TSV_IDS = _ids(P1, P2, P3, keys=("email", "tel", "dob"))
CSV2 = "nom;prenom;email;portable;secu\n" + "".join(
    f"{p['last']};{p['first']};{p['email']};{_sp(p['tel'])};{p['nir']}\n" for p in (P4, P5, P6)
)
CSV2_IDS = _ids(P4, P5, P6, keys=("email", "tel", "nir"))
SQL = (
    "INSERT INTO `clients` (`id`,`email`,`tel`,`iban`) VALUES "
    + ",".join(
        f"({i},'{p['email']}','{p['tel']}','{ib}')" for i, (p, ib) in enumerate(zip((P1, P2, P3), IBANS, strict=True))
    )
    + ";\n"
)
SQL_IDS = _ids(P1, P2, P3) + [("iban", ib) for ib in IBANS]

POSITIVES: dict[str, tuple[str | bytes, list[tuple[str, str]]]] = {
    "r2_b64_tsv_wrapped64": ("-----BEGIN SAMPLE-----\n" + _b64(TSV.encode(), 64) + "\n-----END SAMPLE-----\n", TSV_IDS),
    "r2_b64_inline_csv": ("le sample est là " + base64.b64encode(CSV2.encode()).decode() + " bonne lecture", CSV2_IDS),
    "r2_gzip_b64_sql": ("clients.sql.gz en b64:\n\n" + _b64(gzip.compress(SQL.encode(), mtime=0)) + "\n", SQL_IDS),
    "r2_hex_spaced_bytes": ("\n".join(textwrap.wrap(" ".join(f"{b:02x}" for b in CSV2.encode()), 48)) + "\n", CSV2_IDS),
    "r2_b64_of_utf16_file": ("export.csv (base64):\n" + _b64(CSV2.encode("utf-16")) + "\n", CSV2_IDS),
    "r2_b64_of_latin1_file": ("export.csv (base64):\n" + _b64(TSV.encode("latin-1")) + "\n", TSV_IDS),
    "r2_url_form_plus": ("POST /upload HTTP/1.1\n\nfile=" + quote_plus(TSV) + "&ok=1\n", TSV_IDS),
    "r2_url_crlf_query": ("GET /exfil?d=" + quote(CSV2.replace("\n", "\r\n"), safe="") + " HTTP/1.1\n", CSV2_IDS),
    "r2_json_string_tsv": (json.dumps({"paste_id": "a8f3k", "title": "export", "body": TSV}) + "\n", TSV_IDS),
    "r2_zero_width_dox": (
        "Nom : Casanova\nPrénom : Jeanne\nNée le : 08/12/1966\n"
        "Sécu : 2 66 12 2B\u200b 244 976 07\nTel : 06\u200b69\u200b98\u200b33\u200b97\n"
        "Mail : j.casa\u200dnova@sfr\u200b.fr\n",
        _ids(P5, keys=("email", "tel", "dob", "nir")),
    ),
    "r2_soft_hyphen_numbers": (
        "Fichier clients :\nMehdi Haddad 06\u00ad86\u00ad25\u00ad51\u00ad18\n"
        "Yanis Lebrun 07\u00ad98\u00ad11\u00ad35\u00ad11\n"
        "Olivier Mercier 06\u00ad48\u00ad10\u00ad75\u00ad69\n",
        _ids(P2, P4, P6, keys=("tel",)),
    ),
    "r2_fullwidth_list": (
        "".join(
            f"{p['first']} {p['last']} {_sp(p['tel']).translate(_FW)} {p['email'].translate(_FW)}\n"
            for p in (P1, P2, P3)
        ),
        _ids(P1, P2, P3),
    ),
    "r2_arabic_digits_list": (
        "قائمة الأرقام\n" + "".join(f"{p['first']} {p['last']} : {p['tel'].translate(_AR)}\n" for p in (P4, P5, P6)),
        _ids(P4, P5, P6, keys=("tel",)),
    ),
    "r2_spelled_AT_list": (
        "mails du staff :\n"
        + "".join(
            f"{p['email'].split('@')[0]} AT {p['email'].split('@')[1].replace('.', ' DOT ')}\n" for p in (P1, P4, P6)
        ),
        _ids(P1, P4, P6, keys=("email",)),
    ),
    "r2_arobase_dox": (
        "Nom : Schmitt\nPrénom : Léa\nNée le 25/07/2002\nEmail : lea.schmitt arobase gmail point com\n"
        "Portable : 07 87 33 31 13\n",
        _ids(P3, keys=("email", "tel", "dob")),
    ),
    "r2_spaced_at_csv": (
        "nom;email;tel\n" + "".join(f"{p['last']};{p['email'].replace('@', ' @ ')};{p['tel']}\n" for p in (P4, P5, P6)),
        _ids(P4, P5, P6),
    ),
    "r2_homoglyph_mixed": (
        "cibles :\nolivier.mercier84@h\u03bftmail.fr\nj.casanov\u0430@sfr.fr\nm\u0435hdi.haddad@lap\u043este.net\n",
        _ids(P6, P5, P2, keys=("email",)),
    ),
    "r2_char_refs_in_text": (
        "contacts (copiés du code source) :\n"
        + "".join(
            f"{p['first']} {p['last']} : {p['email'].replace('@', '&#64;').replace('.', '&#x2e;')}\n"
            for p in (P1, P2, P3)
        ),
        _ids(P1, P2, P3, keys=("email",)),
    ),
    "r2_html_ordered_list": (
        "<ol>"
        + "".join(
            f"<li>{p['first']} {p['last']} &mdash; {p['email']} &mdash; {_sp(p['tel'])}</li>" for p in (P4, P5, P6)
        )
        + "</ol>",
        _ids(P4, P5, P6),
    ),
    "r2_nbsp_dox": (
        "Nom\u00a0: Roux\nPrénom\u00a0: Camille\nNée le\u00a0: 14/03/1988\n"
        "Tél\u00a0: 06\u202f28\u202f80\u202f40\u202f72\nMail\u00a0: camille.roux88@free.fr\n",
        _ids(P1, keys=("email", "tel", "dob")),
    ),
}

_R = random.Random(5)
_RAND = bytes(_R.randrange(256) for _ in range(300))
NEGATIVES: dict[str, str] = {
    "n2_shouting_prose": "MEET AT HOME DOT COM TONIGHT!!! WE ARE AT THE BAR DOT NET, BRING CASH AT NINE DOT FR",
    "n2_pgp_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
    + _b64(_RAND, 64)
    + "\n=x8Qz\n-----END PGP PUBLIC KEY BLOCK-----",
    "n2_ssh_key": "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + _RAND).decode() + " admin@backup-srv",
    "n2_jwt": "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    + base64.urlsafe_b64encode(b'{"sub":"1234567890","name":"test","iat":1516239022}').decode().rstrip("=")
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "n2_data_uri": '<img src="data:image/png;base64,' + base64.b64encode(b"\x89PNG\r\n\x1a\n" + _RAND).decode() + '">',
    "n2_b64_prose": "msg: "
    + base64.b64encode(
        "Salut à tous, le forum rouvre lundi. Merci de votre patience, les anciens comptes sont conservés.".encode()
    ).decode(),
    "n2_sha256_list": "\n".join(
        binascii.hexlify(bytes(_R.randrange(256) for _ in range(32))).decode() for _ in range(6)
    ),
    "n2_url_encoded_prose": "https://exemple.fr/recherche?q=bonjour%0Ale%0Amonde%0Aet%20voila&page=2",
    "n2_json_bio_newlines": "".join(
        json.dumps({"user": u, "bio": "J'aime le foot.\nEt la pêche.\nVive l'OM, 13 ans"}) + "\n"
        for u in ("kevin13", "zizou", "le_marseillais")
    ),
    "n2_arabic_prices": "السعر ١٢٠٠ درهم، سنة ١٤٤٥، الكمية ٣٥٠ قطعة، المرجع ٢٠٢٤٠٣١٥",
    "n2_fullwidth_isbn": "ＩＳＢＮ ９７８－２－０７－０３６８２２－８、"
    "価格 １２００円、注文番号 ２０２４０３１５０１２３",
    "n2_zero_width_prose": "Bon\u200bjour à tous, le\u200b dump arrive\u200b demain."
    "\u00a0Prix\u00a0: 1\u202f299\u00a0€.",
}


def _expected(name: str) -> set[tuple[str, str]]:
    out = set()
    for t, v in POSITIVES[name][1]:
        out.add((t, v))
        if t == "email" and v.endswith("@gmail.com"):
            out.add((t, v.split("@")[0].replace(".", "") + "@gmail.com"))
    return out


def scored(name: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    want = _expected(name)
    types = SCORED | {t for t, _ in want}
    got = {(t, v) for t, v in _found(detect(POSITIVES[name][0], key=KEY)) if t in types}
    return want, got


MISSED: frozenset[str] = frozenset()


@pytest.mark.parametrize("name", sorted(set(POSITIVES) - MISSED))
def test_positive(name: str) -> None:
    want, got = scored(name)
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(MISSED))
def test_missed(name: str) -> None:
    want, got = scored(name)
    assert got != want


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    assert _found(detect(NEGATIVES[name], key=KEY)) == set()


def main() -> None:
    report(POSITIVES, NEGATIVES, scored)


if __name__ == "__main__":
    main()
