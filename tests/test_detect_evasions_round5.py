"""Evasions of wave 25's blind probe (set 5), round 5: one long cell in every row.

Every web app's table has one long column: a remember token (a JWT), an order's cart as JSON, a
photo as a `data:` URI, a user agent, notes. One such cell in each row of a `;`, `,`, `|` or tab
export hid the whole dump on both engines: a run of rows whose average field was over 80
characters was not read (`shapes._runs`, against prose cut at its commas), and a base64 token
decoded inside a row was put under the row, cutting the table into runs of one (`unveil`). Here
the cell varies in content, length, position and quoting, with or without a header, through
`detect()` and `detect_many` (the crawl's path); prose and log lines stay unread."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5d" * 32, version=1)

# (last, first, dob fr, e-mail, phone, NIR): synthetic, NIRs with their keys
PEOPLE = [
    ("ROUSSEL", "Inès", "17/02/1984", "ines.roussel@gmail.com", "0681548454"),
    ("LAMBERT", "Hugo", "05/07/1961", "hugo.lambert@orange.fr", "0738731272"),
    ("VIDAL", "Chloé", "28/10/1999", "chloe.vidal@free.fr", "0635914090"),
    ("MARCHAND", "Antoine", "22/12/1953", "antoine.marchand@hotmail.fr", "0612457890"),
    ("FAURE", "Mathis", "11/10/1958", "mathis.faure@laposte.net", "0651327408"),
    ("GIRARD", "Léa", "23/04/1986", "lea.girard@gmail.com", "0619911482"),
]
HEAD = ["nom", "prenom", "date_naissance", "email", "telephone"]


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(i: int) -> str:
    claims = {"sub": str(1000 + i), "scope": ["read", "write", "profile", "orders"], "iat": 1764400000, "jti": "a" * 9}
    head = _b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    return f"{head}.{_b64u(json.dumps(claims).encode())}.{_b64u(bytes(32))}"


_CART = json.dumps({"items": [{"sku": f"SKU-{j:05d}", "qty": 1, "name": "T-shirt bio taille M"} for j in range(6)]})
# (what the long cell holds, by row number): each longer than the 80-character limit
CELLS: dict[str, Callable[[int], str]] = {
    "x600": lambda i: "x" * 600,
    "hex": lambda i: f"{i:02x}" + "9f3a" * 200,
    "base64_token": lambda i: base64.b64encode(bytes(range(256)) * 3).decode(),
    "jwt": _jwt,
    "cart_json_quoted": lambda i: '"' + _CART.replace('"', '""') + '"',
    "words": lambda i: " ".join(["remarque"] * 40),
    "url": lambda i: "https://shop.example.net/track?id=" + "a1b2" * 60,
    "spaces": lambda i: " " * 600,
}


def _rows(sep: str, cell: str, pos: int, header: bool, n: int = 6) -> str:
    def put(fields: list[str], long: str) -> list[str]:
        return fields[:pos] + [long] + fields[pos:]

    rows = [sep.join(put(list(p), CELLS[cell](i))) for i, p in enumerate(PEOPLE[:n])]
    return "\n".join(([sep.join(put(HEAD, "notes"))] if header else []) + rows)


def _found(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers if i.type in ("email", "phone")}


# (a gmail address is also found without its dots: the same mailbox)
WANT = (
    {("email", p[3]) for p in PEOPLE}
    | {("phone", "+33" + p[4][1:]) for p in PEOPLE}
    | {("email", p[3].replace(".", "", p[3].count(".") - 1)) for p in PEOPLE if p[3].endswith("@gmail.com")}
)

CASES = [
    pytest.param(sep, cell, pos, header, id=f"{name}-{cell}-at{pos}-{'header' if header else 'bare'}")
    for name, sep in (("semicolon", ";"), ("comma", ","), ("pipe", "|"), ("tab", "\t"))
    for cell in CELLS
    for pos, header in ((5, True), (0, False), (3, True), (5, False))
    # (a quoted JSON cell: the `,` export's way; a URL first is a url;login;password combo's shape)
    if not (cell == "cart_json_quoted" and sep != ",") and not (cell == "url" and pos == 0)
]


@pytest.mark.parametrize(("sep", "cell", "pos", "header"), CASES)
def test_a_long_cell_in_every_row_keeps_the_rows(sep: str, cell: str, pos: int, header: bool) -> None:
    text = _rows(sep, cell, pos, header)
    assert _found(text) == WANT


@pytest.mark.parametrize("cell", ["x600", "jwt", "cart_json_quoted", "base64_token"])
def test_the_crawls_path_reads_them_too(cell: str) -> None:
    """`detect_many` (on the core: its sparse scan) gives what `detect` gives, as text and bytes."""
    posts = ["Bonjour, rien ici.", _rows(",", cell, 5, True), "merci", _rows(",", cell, 0, False)]
    for batch in (posts, [p.encode() for p in posts]):
        got = detect_many(batch, key=KEY)
        assert got == [detect(p, key=KEY) for p in batch]
        assert {(i.type, i.value) for i in got[1][0].identifiers if i.type in ("email", "phone")} == WANT


_SENTENCE = (
    "je cherche quelqu'un qui saurait m'expliquer comment configurer le serveur de mail de notre petite "
    "association sportive du quartier, le numero du standard est le 0145678901 mais personne ne repond "
    "jamais en semaine, meme le matin, et le site ne dit rien de plus sur les horaires ou les fermetures"
)
NEGATIVES = {
    # prose cut at its commas, the same count on each line: its long fields say what it says
    "prose_commas": "\n".join(f"Salut {k}, merci, {_SENTENCE.replace(',', '')}" for k in range(6)),
    # a log line: one e-mail, numbers and a long message
    "log_lines": "\n".join(
        f"2026-11-0{i} 10:0{i}:00|INFO|worker-{i}|sent digest to ops.team@corp-mail.fr|"
        + " ".join(["queue drained after retry"] * 40)
        + f"|{1700000000 + i}|{4000 + i}"
        for i in range(1, 7)
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_long_prose_and_log_lines_are_no_table(name: str) -> None:
    found = {(i.type, i.value) for f in detect(NEGATIVES[name], key=KEY) for i in f.identifiers}
    assert not {x for x in found if x[0] in ("phone", "nir", "card", "iban", "dob")}, found


# ------------------------------------------------------------------ one record a post (set 5 drip__*)
NIRS = [f"{b}{97 - int(b) % 97:02d}" for b in ("2840269433128", "1610775123456", "2991031575234")]
CARD = "4970100556603211"
IBAN = "FR7630006000011234567890189"


def _record(layout: str, k: int) -> str:
    last, first, dob, mail, tel = PEOPLE[k]
    nir = NIRS[k]
    return {
        "semicolon": f"{last};{first};{dob};{mail};{tel};{nir}",
        "pipe_fullz": f"{first} {last}|{dob}|{tel}|{mail}|{CARD}|09/28|{IBAN}",
        "comma_no_email": f"{last},{first},{dob},{tel},{nir},{IBAN}",
        "tab": f"{mail}\t{tel}\t{nir}\t{dob}",
        "json": json.dumps({"id": 4100 + k, "email": mail, "phone": "+33" + tel[1:], "birthdate": dob, "iban": IBAN}),
        "emoji_banner": f"🔥 FULLZ FR #{k + 1} 🔥 {first} {last} | {dob} | {tel} | {mail} | {CARD} | {IBAN}",
        "in_chatter": f"nouveau drop du jour\n{last};{first};{dob};{mail};{tel};{nir}\nla suite demain",
    }[layout]


@pytest.mark.parametrize(
    "layout", ["semicolon", "pipe_fullz", "comma_no_email", "tab", "json", "emoji_banner", "in_chatter"]
)
def test_one_record_a_post_is_read(layout: str) -> None:
    """Three validated identifiers of different types on one line: one person's record, alone."""
    posts = [_record(layout, k) for k in range(3)]
    for k, post in enumerate(posts):
        found = {(i.type, i.value) for f in detect(post, key=KEY) for i in f.identifiers}
        assert ("phone", "+33" + PEOPLE[k][4][1:]) in found, (layout, found)
        d, m, y = PEOPLE[k][2].split("/")
        assert ("dob", f"{y}-{m}-{d}") in found, (layout, found)
        assert not {x for x in found if x[0] == "dob"} - {("dob", f"{y}-{m}-{d}")}
    # the crawl's path: a channel's posts in one batch, chatter between them, as text and bytes
    batch = ["bonjour", *posts, "merci pour le partage"]
    for items in (batch, [p.encode() for p in batch]):
        assert detect_many(items, key=KEY) == [detect(p, key=KEY) for p in items]


LONE_NEGATIVES = {
    # machine data: one e-mail and numbers (a timestamp, ids, a size, a hash)
    "log_line": "2026-11-05T10:00:01Z worker-3 job=4412345678 user=ops.team@corp-mail.fr bytes=184467440737 "
    "took=0612345ms id=9f3a2b1c4d5e6f708192a3b4c5d6e7f8 seq=123456789012345",
    # two types only: an e-mail and a phone in a signature, the date an order's (wave 27: with a
    # birth as a field of its own, such a line is a person's record: tests/test_detect_recall_round7.py)
    "signature": "Jean Dupont | jean.dupont@orange.fr | 0612457890 | 17/02/2026 | commande 2026-000123456",
    # an order line: amounts, dates, a reference, a tracking number
    "order": "Commande 100045678 du 05/11/2026 | total 149,90 EUR | colis 6A12345678901 | client 4412345678",
}


@pytest.mark.parametrize("name", sorted(LONE_NEGATIVES))
def test_a_line_of_fewer_kinds_is_no_record(name: str) -> None:
    assert detect(LONE_NEGATIVES[name], key=KEY) == []
