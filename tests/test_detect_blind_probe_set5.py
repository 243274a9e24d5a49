# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 5: base dumps and the mutations a seller or a copy/paste makes to them.

Written apart from the detector (wave 25, helper H) from what a user reads only (README.md, the docs,
the identifiers reference) and the public API. Seven base dumps of different kinds (a patients' CSV
with NIRs, a combo list, JSON lines, a mysqldump, a dox, a stealer log, a leak site's HTML table)
each go through systematic mutations: wrappers (markdown, BBCode, quotes, HTML, a JSON string, base64,
hex, gzip), line layouts (wrapped at 64/76 columns, two records a line, split across posts, chatter
between rows, reversed). Every mutation is scored against its base's identifiers: a mutation that
loses most of a dump is an evasion. Set 5b mutates characters and encodings and has the foreign
dumps and sizes, 5c article 9 and negatives (same people, imported from here; harness in
tests/blind_probe_harness.py). `python -m tests.test_detect_blind_probe_set5` prints all three.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers

from tests.blind_probe_harness import Probe, fr_date, fr_spaced, gmail, iban, luhn, make_tests, nir, spaced_nir

__all__ = ["PEOPLE", "P", "Probe", "csv_lines", "many"]


# ---------------------------------------------------------------- invented people (none in sets 1-4)


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
    password: str

    @property
    def emails(self) -> set[tuple[str, str]]:
        return gmail(self.email) if self.email.endswith("@gmail.com") else {("email", self.email)}

    def ids(self, fields: str) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for f in fields.split():
            if f == "email":
                out |= self.emails
            elif f == "mobile":
                out.add(("phone", self.mobile))
            else:
                out.add((f, getattr(self, f)))
        return out

    @property
    def nat(self) -> str:
        """06 12 34 56 78"""
        return fr_spaced(self.mobile)

    @property
    def nat0(self) -> str:
        """0612345678"""
        return "0" + self.mobile[3:]

    @property
    def fr_dob(self) -> str:
        return fr_date(self.dob)


def _ascii(s: str) -> str:
    for a, b in (("é", "e"), ("É", "e"), ("è", "e"), ("ï", "i"), ("ç", "c"), (" ", ""), ("'", "")):
        s = s.replace(a, b)
    return s.lower()


def _person(i: int, first: str, last: str, domain: str, dob: str, sex: int, place: str) -> P:
    y, m, _d = dob.split("-")
    body = f"{sex}{y[2:]}{m}{place}{(433 + 71 * i) % 999:03d}{(127 + 53 * i) % 998 + 1:03d}"
    n = (27182818 * (i + 3)) % 100_000_000
    lead = "6" if i % 2 == 0 else "7"
    while not phonenumbers.is_valid_number(phonenumbers.parse(f"+33{lead}{n:08d}")):
        n = (n + 10_000_000) % 100_000_000  # unassigned blocks: another one
    mobile = f"+33{lead}{n:08d}"
    bank = f"{20041 + i * 13:05d}{(i * 521 + 17) % 100000:05d}{(40000000 + i * 7919) % 100000000000:011d}"
    rib_key = 97 - (89 * int(bank[:5]) + 15 * int(bank[5:10]) + 3 * int(bank[10:])) % 97
    cards = ["497010", "513691", "455673", "526767"]
    return P(
        first,
        last,
        f"{_ascii(first)}.{_ascii(last)}@{domain}",
        mobile,
        dob,
        nir(body),
        iban("FR", f"{bank}{rib_key:02d}"),
        luhn(cards[i % 4] + f"{(i * 7753 + 13579) * 4099 % 10**9:09d}", 16),
        f"{last[:3].capitalize()}{y[2:]}!{first[:2].lower()}#{i}",
    )


PEOPLE = [
    _person(0, "Inès", "Roussel", "gmail.com", "1984-02-17", 2, "69"),
    _person(1, "Hugo", "Lambert", "orange.fr", "1961-07-05", 1, "13"),
    _person(2, "Chloé", "Vidal", "free.fr", "1999-10-28", 2, "31"),
    _person(3, "Julien", "Carpentier", "laposte.net", "1976-03-09", 1, "59"),
    _person(4, "Émilie", "Perrin", "sfr.fr", "1953-12-22", 2, "2A"),
    _person(5, "Antoine", "Marchand", "hotmail.fr", "2001-05-14", 1, "75"),
    _person(6, "Jade", "Rolland", "yahoo.fr", "1990-08-03", 2, "44"),
    _person(7, "Bastien", "Huet", "outlook.com", "1968-11-19", 1, "67"),
]
M0, M1, M2, M3, M4, M5, M6, M7 = PEOPLE


def many(people: list[P] | tuple[P, ...], fields: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for p in people:
        out |= p.ids(fields)
    return out


# ---------------------------------------------------------------- base dumps (lines)


def csv_lines(people: list[P] = PEOPLE, sep: str = ";") -> list[str]:
    head = sep.join(("nom", "prenom", "date_naissance", "email", "telephone", "nir"))
    return [head] + [sep.join((p.last.upper(), p.first, p.fr_dob, p.email, p.nat0, p.nir)) for p in people]


def combo_lines(people: list[P] = PEOPLE) -> list[str]:
    return [f"{p.email}:{p.password}" for p in people]


def jsonl_lines(people: list[P] = PEOPLE) -> list[str]:
    return [
        json.dumps(
            {"id": 4100 + i, "email": p.email, "phone": p.mobile, "birthdate": p.dob, "iban": p.iban},
            ensure_ascii=False,
        )
        for i, p in enumerate(people)
    ]


def sql_lines(people: list[P] = PEOPLE) -> list[str]:
    rows = [
        f"({300 + i},'{p.last}','{p.first}','{p.email}','{p.nat0}','{p.dob}','{p.nir}')" for i, p in enumerate(people)
    ]
    return [
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
        "-- Host: localhost    Database: cabinet_medical",
        "LOCK TABLES `patients` WRITE;",
        "INSERT INTO `patients` (`id`, `nom`, `prenom`, `email`, `tel`, `date_naissance`, `nir`) VALUES",
        *[r + ("," if i < len(rows) - 1 else ";") for i, r in enumerate(rows)],
        "UNLOCK TABLES;",
    ]


def dox_lines(people: list[P] = PEOPLE[:2]) -> list[str]:
    out: list[str] = []
    for p in people:
        out += [
            "═════════ DOX ═════════",
            f"Nom : {p.last.upper()}",
            f"Prénom : {p.first}",
            f"Date de naissance : {p.fr_dob}",
            f"Téléphone : {p.nat}",
            f"Email : {p.email}",
            f"N° sécu : {spaced_nir(p.nir)}",
            f"IBAN : {p.iban}",
            f"CB : {p.card} exp 09/28 cvv 31{p.card[-1]}",
            "",
        ]
    return out


def stealer_lines(people: list[P] = PEOPLE[:6]) -> list[str]:
    sites = ("https://accounts.google.com/signin/v2", "https://www.leboncoin.fr/compte", "https://connect.ameli.fr/")
    out: list[str] = []
    for i, p in enumerate(people):
        out += [
            "===============",
            f"URL: {sites[i % 3]}",
            f"Username: {p.email}",
            f"Password: {p.password}",
            "Application: Google_[Chrome]_Default",
        ]
    return out + ["==============="]


def html_page(people: list[P] = PEOPLE) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(p.last)}</td><td>{html.escape(p.first)}</td><td>{p.fr_dob}</td><td>{p.email}</td><td>{p.nat}</td></tr>"
        for p in people
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Clinique du Parc — leaked</title></head><body>'
        '<nav><a href="/">Home</a> <a href="/victims">Victims</a></nav>'
        "<h1>Clinique du Parc</h1><p>Published 2026-11-30. 140 GB. Sample below, full archive in the torrent.</p>"
        '<table class="sample"><thead><tr><th>Nom</th><th>Prénom</th><th>Né(e) le</th><th>Email</th><th>Téléphone</th></tr></thead>'
        f"<tbody>{rows}</tbody></table><footer>contact: tox chat only</footer></body></html>"
    )


BASES: dict[str, tuple[list[str], set[tuple[str, str]]]] = {
    "csv": (csv_lines(), many(PEOPLE, "email mobile dob nir")),
    "combo": (combo_lines(), many(PEOPLE, "email")),
    "jsonl": (jsonl_lines(), many(PEOPLE, "email mobile dob iban")),
    "sql": (sql_lines(), many(PEOPLE, "email mobile dob nir")),
    "dox": (dox_lines(), many(PEOPLE[:2], "email mobile dob nir iban card")),
    "stealer": (stealer_lines(), many(PEOPLE[:6], "email")),
}
HTML_IDS = many(PEOPLE, "email mobile dob")

SET = Probe("5")
case = SET.case
negative = SET.negative

CHATTER = [
    "merci bro, ça marche ?",
    "up",
    "quelqu'un a la suite ?",
    "+rep vendeur fiable",
    "le lien mega est mort, reupload stp",
]


# ---------------------------------------------------------------- wrappers


def _b64_wrapped(data: bytes, width: int = 76) -> str:
    s = base64.b64encode(data).decode()
    return "\n".join(s[i : i + width] for i in range(0, len(s), width))


WRAPPERS: dict[str, Callable[[str], str]] = {
    "md_fence_no_lang": lambda t: "Voilà l'extrait :\n```\n" + t + "\n```\nBon appétit.",
    "md_indented_code": lambda t: "Extrait :\n\n" + "\n".join("    " + line for line in t.split("\n")),
    "bbcode_spoiler_code": lambda t: "Sample gratuit\n[spoiler=Cliquez][code]" + t + "[/code][/spoiler]",
    "bbcode_hide_glued": lambda t: "[hide]" + t + "[/hide]\nlike + rep pour voir",
    "bbcode_quote_named": lambda t: (
        '[quote="darkseller" post_id=88123 time=1764400000 user_id=991]\n' + t + "\n[/quote]\nconfirmé valide"
    ),
    "quote_gt_nospace": lambda t: "\n".join(">" + line for line in t.split("\n")),
    "html_details_pre": lambda t: (
        "<p>Preuve :</p><details><summary>voir le dump (8 lignes)</summary><pre>" + html.escape(t) + "</pre></details>"
    ),
    "html_textarea": lambda t: '<form><textarea readonly rows="20" cols="120">' + html.escape(t) + "</textarea></form>",
    "json_string_escaped": lambda t: json.dumps({"id": "aB3xK9", "syntax": "text", "expire": "1w", "content": t}),
    "base64_whole_file": lambda t: "dump en base64, decode toi-même :\n" + _b64_wrapped(t.encode()),
    "hex_whole_file": lambda t: (
        "hex:\n" + "\n".join(t.encode().hex()[i : i + 64] for i in range(0, len(t.encode().hex()), 64))
    ),
    "gzip_base64": lambda t: "gz+b64 :\n" + _b64_wrapped(gzip.compress(t.encode(), mtime=0)),
    "html_ordered_list": lambda t: (
        "<ol>" + "".join(f"<li>{html.escape(line)}</li>" for line in t.split("\n")) + "</ol>"
    ),
    "markdown_blockquote_code": lambda t: "> ```\n" + "\n".join("> " + line for line in t.split("\n")) + "\n> ```",
}

# every wrapper on the CSV; a selection on the other kinds
_WRAP_OTHERS = (
    "md_fence_no_lang",
    "bbcode_spoiler_code",
    "bbcode_hide_glued",
    "quote_gt_nospace",
    "html_textarea",
    "json_string_escaped",
    "base64_whole_file",
    "gzip_base64",
)
for base, (lines, ids) in BASES.items():
    text = "\n".join(lines)
    for mut, fn in WRAPPERS.items():
        if base == "csv" or mut in _WRAP_OTHERS:
            case(f"{base}__{mut}", fn(text), ids)

# the base dumps themselves: the controls every mutation is measured against
for base, (lines, ids) in BASES.items():
    case(f"{base}__control", "\n".join(lines), ids)
case("html_page__control", html_page(), HTML_IDS)


# ---------------------------------------------------------------- line layouts


def fold(text: str, width: int) -> str:
    """What `fold -w` or a mail client's hard wrap does: every line cut at `width` characters."""
    out: list[str] = []
    for line in text.split("\n"):
        out += [line[i : i + width] for i in range(0, max(len(line), 1), width)]
    return "\n".join(out)


def pairs(lines: list[str], glue: str) -> list[str]:
    head, rows = (lines[:1], lines[1:]) if "@" not in lines[0] else ([], lines)
    return head + [glue.join(rows[i : i + 2]) for i in range(0, len(rows), 2)]


def chatter_every(lines: list[str], n: int) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i % n == n - 1:
            out.append(CHATTER[(i // n) % len(CHATTER)])
    return "\n".join(out)


for base in ("csv", "combo", "jsonl", "sql"):
    lines, ids = BASES[base]
    text = "\n".join(lines)
    case(f"{base}__fold_64", fold(text, 64), ids)
    case(f"{base}__fold_76", fold(text, 76), ids)
    case(f"{base}__two_records_a_line_spaces", "\n".join(pairs(lines, "    ")), ids)
    case(f"{base}__chatter_every_3_rows", chatter_every(lines, 3), ids)
    case(f"{base}__reversed_rows", "\n".join(reversed(lines)), ids)
    half = len(lines) // 2
    case(
        f"{base}__split_two_posts",
        ["Partie 1/2 :\n" + "\n".join(lines[:half]), "Partie 2/2 (suite) :\n" + "\n".join(lines[half:])],
        ids,
    )

for base in ("dox", "stealer"):
    lines, ids = BASES[base]
    text = "\n".join(lines)
    case(f"{base}__fold_64", fold(text, 64), ids)
    case(f"{base}__chatter_every_3_rows", chatter_every(lines, 3), ids)

_csv = csv_lines()
case("csv__two_records_a_line_tab", "\n".join(pairs(_csv, "\t")), BASES["csv"][1])
case("csv__two_records_a_line_pipe", "\n".join(pairs(_csv, " | ")), BASES["csv"][1])
case(
    "csv__sorted_by_email_header_last",
    "\n".join(sorted(_csv[1:], key=lambda r: r.split(";")[3]) + [_csv[0]]),
    BASES["csv"][1],
)
case(
    "csv__split_across_thread_pages",
    [
        "<div class=post><b>seller</b><br>Patients cabinet Lyon, extrait page 1<br><pre>"
        + "\n".join(_csv[:4])
        + "</pre><i>suite page 2</i></div>",
        "<div class=post><b>seller</b><br>suite :<br><pre>" + "\n".join(_csv[4:]) + "</pre></div>",
    ],
    BASES["csv"][1],
)
case("csv__one_row", "\n".join(_csv[:2]), many(PEOPLE[:1], "email mobile dob nir"))
case("csv__two_rows", "\n".join(_csv[:3]), many(PEOPLE[:2], "email mobile dob nir"))
case("csv__one_row_no_header", _csv[1], many(PEOPLE[:1], "email mobile dob nir"))
case("csv__rows_glued_by_literal_backslash_n", "\\n".join(_csv), BASES["csv"][1])
case("csv__rows_glued_by_br_no_newline", "<br>".join(html.escape(r) for r in _csv), BASES["csv"][1])
case("combo__one_line_space_separated", " ".join(combo_lines()), BASES["combo"][1])
case("combo__one_line_comma_separated", ", ".join(combo_lines()), BASES["combo"][1])
case("jsonl__records_glued_no_separator", "".join(jsonl_lines()), BASES["jsonl"][1])

# ---------------------------------------------------------------- rows as real exports leave them

_ragged = [_csv[0]] + [";".join(r.split(";")[:5]) if i % 2 else r for i, r in enumerate(_csv[1:])]
case(
    "csv__ragged_rows_last_field_left_off",
    "\n".join(_ragged),
    BASES["csv"][1] - {("nir", p.nir) for i, p in enumerate(PEOPLE) if i % 2},
)
case(
    "csv__two_exports_concatenated_comma_and_semicolon",
    "\n".join([_csv[0]] + [r if i % 2 else r.replace(";", ",") for i, r in enumerate(_csv[1:])]),
    BASES["csv"][1],
)
case("csv__chatter_after_every_row", chatter_every(_csv, 1), BASES["csv"][1])
case(
    "csv__no_header_extra_empty_columns_on_some_rows",
    "\n".join(r + ";;;x" if i % 3 == 0 else r for i, r in enumerate(_csv[1:])),
    BASES["csv"][1],
)
case(
    "csv__email_cells_with_display_names",
    "\n".join(
        [_csv[0]]
        + [r.replace(p.email, f'"{p.first} {p.last}" <{p.email}>') for r, p in zip(_csv[1:], PEOPLE, strict=True)]
    ),
    BASES["csv"][1],
)
case(
    "csv__us_dates_under_a_french_header",
    "\n".join(
        [_csv[0]]
        + [r.replace(p.fr_dob, f"{p.dob[5:7]}/{p.dob[8:]}/{p.dob[:4]}") for r, p in zip(_csv[1:], PEOPLE, strict=True)]
    ),
    BASES["csv"][1],
)
case("csv__header_commented_out", "\n".join(["# " + _csv[0]] + _csv[1:]), BASES["csv"][1])
case(
    "csv__header_repeated_every_three_rows",
    "\n".join(sum(([_csv[0]] + _csv[1 + i : 4 + i] for i in range(0, 8, 3)), [])),
    BASES["csv"][1],
)


# ---------------------------------------------------------------- a long cell in every row (a token, a JSON cell, a photo)


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(i: int, p: P) -> str:
    import hashlib

    head = _b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {
        "sub": str(1000 + i),
        "name": f"{p.first} {p.last}",
        "scope": ["read", "write", "profile", "orders", "payments"],
        "iat": 1764400000,
        "exp": 1796000000,
        "jti": hashlib.sha256(str(i).encode()).hexdigest(),
    }
    return f"{head}.{_b64u(json.dumps(claims).encode())}.{_b64u(hashlib.sha256(p.email.encode()).digest())}"


_I3 = many(PEOPLE, "email mobile dob")
_cart = json.dumps(
    {
        "items": [
            {"sku": f"SKU-{j:05d}", "qty": 1, "price": 19.9, "name": "T-shirt coton bio taille M bleu marine"}
            for j in range(6)
        ]
    }
)
_photo = base64.b64encode(bytes(range(256)) * 5).decode()
_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"
case(
    "long_cell__users_with_a_jwt_remember_token",
    "\n".join(
        ["id,email,phone,birth_date,remember_token"]
        + [f"{1000 + i},{p.email},{p.nat0},{p.dob},{_jwt(i, p)}" for i, p in enumerate(PEOPLE)]
    ),
    _I3,
)
case(
    "long_cell__orders_with_a_cart_json_cell",
    "\n".join(
        ["email;telephone;naissance;panier"]
        + [f'{p.email};{p.nat0};{p.fr_dob};"{_cart.replace(chr(34), chr(34) * 2)}"' for p in PEOPLE]
    ),
    _I3,
)
case(
    "long_cell__badges_with_a_photo_data_uri",
    "\n".join(
        ["matricule;nom;prenom;naissance;email;tel;photo"]
        + [
            f"M{i:04d};{p.last};{p.first};{p.fr_dob};{p.email};{p.nat0};data:image/jpeg;base64,{_photo}"
            for i, p in enumerate(PEOPLE)
        ]
    ),
    _I3,
)
case(
    "long_cell__signup_log_with_user_agents",
    "\n".join(
        ["date;ip;email;telephone;naissance;user_agent"]
        + [
            f"2026-11-0{i + 1} 10:0{i}:00;192.0.2.{i + 10};{p.email};{p.nat0};{p.fr_dob};{_UA}"
            for i, p in enumerate(PEOPLE)
        ]
    ),
    _I3,
)
case(
    "long_cell__600_character_cell_in_each_patient_row",
    "\n".join([_csv[0] + ";extra"] + [r + ";" + "x" * 600 for r in _csv[1:]]),
    BASES["csv"][1],
)
case(
    "long_cell__excel_export_with_600_empty_columns",
    "\n".join(r + ";" * 600 for r in _csv),
    BASES["csv"][1],
)
case("long_cell__lines_padded_with_600_spaces", "\n".join(r + " " * 600 for r in _csv), BASES["csv"][1])
case("long_cell__lines_indented_by_600_spaces", "\n".join(" " * 600 + r for r in _csv), BASES["csv"][1])
case("long_cell__300_empty_columns_control", "\n".join(r + ";" * 300 for r in _csv), BASES["csv"][1])
case(
    "long_cell__users_with_three_long_columns",
    "\n".join(
        ["id,email,phone,birth_date,remember_token,api_token,last_user_agent"]
        + [
            f'{1000 + i},{p.email},{p.nat0},{p.dob},{_jwt(i, p)},{_jwt(i + 50, p)},"{_UA}"'
            for i, p in enumerate(PEOPLE)
        ]
    ),
    _I3,
)
case(
    "long_cell__three_long_columns_between_the_identifiers",
    "\n".join(
        ["id,remember_token,email,api_token,phone,notes,birth_date"]
        + [
            f"{1000 + i},{_jwt(i, p)},{p.email},{_jwt(i + 50, p)},{p.nat0},{'y' * 300},{p.dob}"
            for i, p in enumerate(PEOPLE)
        ]
    ),
    _I3,
)
case(
    "long_cell__users_with_two_long_columns_control",
    "\n".join(
        ["id,email,phone,birth_date,remember_token,api_token"]
        + [f"{1000 + i},{p.email},{p.nat0},{p.dob},{_jwt(i, p)},{_jwt(i + 50, p)}" for i, p in enumerate(PEOPLE)]
    ),
    _I3,
)
case(
    "long_cell__500_character_cell_control",
    "\n".join([_csv[0] + ";extra"] + [r + ";" + "x" * 500 for r in _csv[1:]]),
    BASES["csv"][1],
)


# ---------------------------------------------------------------- messenger markup (Telegram, Discord) and lookup bots


def _cells(lines: list[str], fn: Callable[[str], str], sep: str = ";") -> str:
    return "\n".join([lines[0]] + [sep.join(fn(c) for c in line.split(sep)) for line in lines[1:]])


case("csv__discord_spoiler_each_value", _cells(_csv, lambda v: f"||{v}||"), BASES["csv"][1])
case("csv__telegram_backticks_each_value", _cells(_csv, lambda v: f"`{v}`"), BASES["csv"][1])
case("csv__markdown_bold_each_value", _cells(_csv, lambda v: f"**{v}**"), BASES["csv"][1])
case("csv__each_row_its_own_code_block", "\n".join(f"```\n{r}\n```" for r in _csv), BASES["csv"][1])
case(
    "csv__rows_numbered_hash", "\n".join([_csv[0]] + [f"#{i} {r}" for i, r in enumerate(_csv[1:], 1)]), BASES["csv"][1]
)
case("csv__padded_columns", _cells(_csv, lambda v: f" {v:<28}"), BASES["csv"][1])
case("csv__excel_text_formulas", _cells(_csv, lambda v: f'="{v}"' if v[:1].isdigit() else v), BASES["csv"][1])
case("csv__excel_leading_apostrophe", _cells(_csv, lambda v: f"'{v}" if v[:1].isdigit() else v), BASES["csv"][1])
case("csv__angle_bracketed_emails", _cells(_csv, lambda v: f"<{v}>" if "@" in v else v), BASES["csv"][1])
case("csv__empty_first_and_last_columns", "\n".join(f";{r};" for r in _csv), BASES["csv"][1])


def _tree_dox(p: P) -> str:
    return "\n".join(
        [
            f"🔎 Résultat pour {p.last.upper()} {p.first}",
            f"├─ 📅 Naissance: `{p.fr_dob}`",
            f"├─ 📱 Téléphone: `{p.nat0}`",
            f"├─ 📧 Email: `{p.email}`",
            f"├─ 🆔 NIR: `{p.nir}`",
            f"└─ 🏦 IBAN: `{p.iban}`",
        ]
    )


case(
    "dox__lookup_bot_tree_backticks",
    "\n\n".join(_tree_dox(p) for p in PEOPLE[:3]),
    many(PEOPLE[:3], "email mobile dob nir iban"),
)
case(
    "dox__telegram_bold_labels_spoiler_values",
    "\n\n".join(
        f"**Nom:** {p.last} {p.first}\n**Né le:** ||{p.fr_dob}||\n**Tel:** ||{p.nat}||\n**Mail:** ||{p.email}||\n**Sécu:** ||{p.nir}||"
        for p in PEOPLE[:3]
    ),
    many(PEOPLE[:3], "email mobile dob nir"),
)
case(
    "combo__telegram_channel_each_line_monospace",
    "🔥 FRESH FR COMBO 🔥\n" + "\n".join(f"`{line}`" for line in combo_lines()) + "\n👉 @freshcombos_fr",
    BASES["combo"][1],
)
case(
    "combo__discord_spoiler_each_line",
    "\n".join(f"||{line}||" for line in combo_lines()),
    BASES["combo"][1],
)

# identifiers in the written forms a French clerk uses
case(
    "csv__nir_with_dots_and_dates_abbreviated",
    "\n".join(
        [_csv[0]]
        + [
            f"{p.last};{p.first};{int(p.dob[8:])} {['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'][int(p.dob[5:7]) - 1]} {p.dob[:4]};{p.email};{p.nat0};{'.'.join((p.nir[0], p.nir[1:3], p.nir[3:5], p.nir[5:7], p.nir[7:10], p.nir[10:13], p.nir[13:]))}"
            for p in PEOPLE
        ]
    ),
    BASES["csv"][1],
)
case(
    "csv__nir_with_dashes_dates_unpadded",
    "\n".join(
        [_csv[0]]
        + [
            f"{p.last};{p.first};{int(p.dob[8:])}/{int(p.dob[5:7])}/{p.dob[:4]};{p.email};{p.nat0};{p.nir[0]}-{p.nir[1:3]}-{p.nir[3:5]}-{p.nir[5:7]}-{p.nir[7:10]}-{p.nir[10:13]}-{p.nir[13:]}"
            for p in PEOPLE
        ]
    ),
    BASES["csv"][1],
)


# ---------------------------------------------------------------- the leak site's HTML page

_page = html_page()
case("html_page__one_line_minified", _page.replace("\n", ""), HTML_IDS)
case(
    "html_page__rows_as_divs",
    _page.replace("<tr>", '<div class="row">')
    .replace("</tr>", "</div>")
    .replace("<td>", "<span>")
    .replace("</td>", "</span>"),
    HTML_IDS,
)
case("html_page__cells_with_email_protection",
     _page.replace("@", '<span class="at">@</span>'), HTML_IDS)  # fmt: skip


def _cfemail(addr: str, key: int = 0x5A) -> str:
    """Cloudflare's e-mail obfuscation: a key byte, then each character XOR the key, in hex."""
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in addr)


_cf_page = _page
for _p in PEOPLE:
    _cf_page = _cf_page.replace(
        f"<td>{_p.email}</td>",
        f'<td><a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{_cfemail(_p.email)}">[email&#160;protected]</a></td>',
    )
case("html_page__cloudflare_email_protection", _cf_page, HTML_IDS)
case("html_page__emails_as_entities", _page.replace("@", "&#64;").replace(".fr<", "&#46;fr<"), HTML_IDS)
case("html_page__in_json_api_response", json.dumps({"victim": "Clinique du Parc", "html": _page}), HTML_IDS)


def _in_cells(page: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to the text of every <td> of the sample table."""
    out, rest = [], page
    while "<td>" in rest:
        head, _, tail = rest.partition("<td>")
        cell, _, rest = tail.partition("</td>")
        out += [head, "<td>", fn(cell), "</td>"]
    return "".join(out) + rest


case(
    "html_page__wbr_inside_values",
    _in_cells(_page, lambda v: v.replace("@", "@<wbr>").replace(" ", "<wbr> ")),
    HTML_IDS,
)
case(
    "html_page__shy_entity_inside_values",
    _in_cells(_page, lambda v: v[:4] + "&shy;" + v[4:] if len(v) > 8 else v),
    HTML_IDS,
)
case(
    "html_page__hidden_junk_spans_inside_values",
    _in_cells(_page, lambda v: v[:3] + '<span style="display:none">x9</span>' + v[3:] if len(v) > 8 else v),
    HTML_IDS,
)
case(
    "html_page__values_split_in_spans",
    _in_cells(_page, lambda v: "".join(f"<span>{v[i : i + 3]}</span>" for i in range(0, len(v), 3))),
    HTML_IDS,
)
case(
    "html_page__cells_with_line_breaks",
    _in_cells(_page, lambda v: v.replace("@", "<br>@") if "@" in v else v),
    HTML_IDS,
)
case(
    "html_page__rows_as_definition_lists",
    "<h2>Échantillon</h2>"
    + "".join(
        f"<dl><dt>Nom</dt><dd>{p.last} {p.first}</dd><dt>Naissance</dt><dd>{p.fr_dob}</dd><dt>Email</dt><dd>{p.email}</dd><dt>Tel</dt><dd>{p.nat}</dd></dl>"
        for p in PEOPLE
    ),
    HTML_IDS,
)


# ---------------------------------------------------------------- line-wise mutations on four more kinds

_P6 = PEOPLE[:6]
_MORE: dict[str, tuple[list[str], set[tuple[str, str]]]] = {
    "copy": (
        ["COPY public.patients (id, nom, prenom, email, telephone, date_naissance, nir) FROM stdin;"]
        + [f"{i}\t{p.last}\t{p.first}\t{p.email}\t{p.nat0}\t{p.dob}\t{p.nir}" for i, p in enumerate(_P6)]
        + ["\\."],
        many(_P6, "email mobile dob nir"),
    ),
    "vcf": (
        [
            line
            for p in _P6
            for line in (
                "BEGIN:VCARD",
                "VERSION:3.0",
                f"N:{p.last};{p.first};;;",
                f"FN:{p.first} {p.last}",
                f"EMAIL;TYPE=INTERNET:{p.email}",
                f"TEL;TYPE=CELL:{p.nat}",
                f"BDAY:{p.dob}",
                "END:VCARD",
            )
        ],
        many(_P6, "email mobile dob"),
    ),
    "fullz": (
        [f"{p.first} {p.last}|{p.fr_dob}|{p.nat0}|{p.email}|{p.card}|09/28|{p.iban}" for p in _P6],
        many(_P6, "email mobile dob card iban"),
    ),
    "dox_en": (
        [
            line
            for p in _P6[:3]
            for line in (
                f"Full name: {p.first} {p.last}",
                f"DOB: {p.fr_dob}",
                f"Phone: {p.nat}",
                f"Email: {p.email}",
                f"SSN (FR): {p.nir}",
                "",
            )
        ],
        many(_P6[:3], "email mobile dob nir"),
    ),
}
LINEWISE: dict[str, Callable[[list[str]], str]] = {
    "each_line_its_own_code_block": lambda lines: "\n".join(f"```\n{line}\n```" for line in lines if line),
    "each_line_in_backticks": lambda lines: "\n".join(f"`{line}`" for line in lines if line),
    "each_line_in_spoiler_bars": lambda lines: "\n".join(f"||{line}||" for line in lines if line),
    "each_line_bold": lambda lines: "\n".join(f"**{line}**" for line in lines if line),
    "irc_nick_prefix": lambda lines: "\n".join(f"<seller> {line}" for line in lines),
    "chat_time_prefix": lambda lines: "\n".join(f"[14:{i:02d}] {line}" for i, line in enumerate(lines)),
    "numbered_paren_prefix": lambda lines: "\n".join(f"{i})  {line}" for i, line in enumerate(lines, 1)),
    "line_numbers_tab_gutter": lambda lines: "\n".join(f"{i}\t{line}" for i, line in enumerate(lines, 1)),
    "trailing_hash_comment": lambda lines: "\n".join(f"{line}  # ok" if line else line for line in lines),
    "md_indented_code": lambda lines: "Extrait :\n\n" + "\n".join("    " + line for line in lines),
    "each_line_base64": lambda lines: "\n".join(base64.b64encode(line.encode()).decode() for line in lines),
    "csv_export_cell_holding_the_dump": lambda lines: (
        'id,author,content\n1,seller,"' + "\n".join(lines).replace('"', '""') + '"\n2,buyer,merci'
    ),
    "json_string": lambda lines: json.dumps({"content": "\n".join(lines)}),
    "fold_64": lambda lines: fold("\n".join(lines), 64),
}
_ALL_KINDS = {**{k: (v[0], v[1]) for k, v in BASES.items() if k != "csv"}, **_MORE}
# (kind, mutation) pairs: every mutation on every kind was tried once; these are kept (the misses, and
# a control for each kind where the same mutation reads)
for kind, mut in (
    ("combo", "each_line_its_own_code_block"),
    ("combo", "each_line_bold"),
    ("combo", "irc_nick_prefix"),
    ("combo", "trailing_hash_comment"),
    ("combo", "each_line_base64"),
    ("combo", "csv_export_cell_holding_the_dump"),
    ("combo", "chat_time_prefix"),
    ("combo", "each_line_in_spoiler_bars"),
    ("jsonl", "each_line_its_own_code_block"),
    ("jsonl", "each_line_in_backticks"),
    ("jsonl", "chat_time_prefix"),
    ("sql", "csv_export_cell_holding_the_dump"),
    ("sql", "each_line_base64"),
    ("stealer", "each_line_its_own_code_block"),
    ("stealer", "each_line_in_backticks"),
    ("stealer", "each_line_in_spoiler_bars"),
    ("stealer", "irc_nick_prefix"),
    ("stealer", "numbered_paren_prefix"),
    ("stealer", "line_numbers_tab_gutter"),
    ("stealer", "trailing_hash_comment"),
    ("dox", "each_line_in_spoiler_bars"),
    ("dox", "each_line_its_own_code_block"),
    ("dox", "line_numbers_tab_gutter"),
    ("dox", "each_line_in_backticks"),
    ("copy", "control"),
    ("copy", "json_string"),
    ("copy", "fold_64"),
    ("copy", "irc_nick_prefix"),
    ("copy", "each_line_its_own_code_block"),
    ("vcf", "control"),
    ("vcf", "md_indented_code"),
    ("vcf", "chat_time_prefix"),
    ("vcf", "each_line_in_backticks"),
    ("vcf", "json_string"),
    ("vcf", "trailing_hash_comment"),
    ("fullz", "control"),
    ("fullz", "each_line_its_own_code_block"),
    ("fullz", "fold_64"),
    ("fullz", "chat_time_prefix"),
    ("fullz", "each_line_in_spoiler_bars"),
    ("dox_en", "control"),
    ("dox_en", "each_line_in_spoiler_bars"),
    ("dox_en", "json_string"),
    ("dox_en", "line_numbers_tab_gutter"),
    ("dox_en", "trailing_hash_comment"),
):
    lines, ids = _ALL_KINDS[kind]
    case(f"{kind}__{mut}", "\n".join(lines) if mut == "control" else LINEWISE[mut](lines), ids)


case(
    "long_cell__fullz_pipe_rows_with_a_600_character_tail",
    "\n".join(f"{line}|ua={'x' * 600}" for line in _ALL_KINDS["fullz"][0]),
    _ALL_KINDS["fullz"][1],
)
case(
    "long_cell__copy_rows_with_a_2000_character_column_control",
    "\n".join(line + "\t" + "x" * 2000 if "\t" in line else line for line in _ALL_KINDS["copy"][0]),
    _ALL_KINDS["copy"][1],
)


# a dox's labels as channels write them
_P3 = PEOPLE[:3]
_DOX3 = many(_P3, "email mobile dob nir iban")
for _name, _fmt in {
    "hashtag_labels": lambda p: (
        f"#nom {p.last}\n#ddn {p.fr_dob}\n#tel {p.nat}\n#mail {p.email}\n#secu {p.nir}\n#iban {p.iban}"
    ),
    "emoji_only_labels": lambda p: (
        f"👤 {p.first} {p.last}\n🎂 {p.fr_dob}\n📱 {p.nat}\n📧 {p.email}\n🆔 {p.nir}\n🏦 {p.iban}"
    ),
    "bracketed_labels": lambda p: (
        f"[NOM] {p.last} {p.first}\n[DDN] {p.fr_dob}\n[TEL] {p.nat}\n[MAIL] {p.email}\n[SECU] {p.nir}\n[IBAN] {p.iban}"
    ),
    "one_line_emoji_separators_blank_line_between": lambda p: (
        f"{p.last} {p.first} 🔹 {p.fr_dob} 🔹 {p.nat} 🔹 {p.email} 🔹 {p.nir} 🔹 {p.iban}"
    ),
}.items():
    case(f"dox__{_name}", "\n\n".join(_fmt(p) for p in _P3), _DOX3)
case(
    "dox__one_line_emoji_separators_control",
    "\n".join(f"{p.last} {p.first} 🔹 {p.fr_dob} 🔹 {p.nat} 🔹 {p.email} 🔹 {p.nir} 🔹 {p.iban}" for p in _P3),
    _DOX3,
)

# pretty-printed JSON and one-element-a-line XML, the line-wise mutations that lose them
_PRETTY = json.dumps(
    [{"nom": p.last, "email": p.email, "telephone": p.nat0, "date_naissance": p.fr_dob, "nir": p.nir} for p in _P6],
    indent=2,
    ensure_ascii=False,
).split("\n")
_XML = (
    ['<?xml version="1.0" encoding="UTF-8"?>', "<patients>"]
    + [
        line
        for p in _P6
        for line in (
            "  <patient>",
            f"    <nom>{p.last}</nom>",
            f"    <email>{p.email}</email>",
            f"    <telephone>{p.nat0}</telephone>",
            f"    <naissance>{p.fr_dob}</naissance>",
            f"    <nir>{p.nir}</nir>",
            "  </patient>",
        )
    ]
    + ["</patients>"]
)
_I4_PRETTY = many(_P6, "email mobile dob nir")
for _kind, _lines in (("json_pretty", _PRETTY), ("xml", _XML)):
    case(f"{_kind}__control", "\n".join(_lines), _I4_PRETTY)
    case(f"{_kind}__blank_line_between_lines", "\n\n".join(_lines), _I4_PRETTY)
    for _mut in ("line_numbers_tab_gutter", "numbered_paren_prefix", "irc_nick_prefix", "chat_time_prefix"):
        case(f"{_kind}__{_mut}", LINEWISE[_mut](_lines), _I4_PRETTY)

# one record a post: a Telegram channel or a thread that drips a dump one message at a time
case("drip__csv_one_row_a_post", _csv[1:], BASES["csv"][1])
case("drip__csv_header_and_one_row_a_post_control", [_csv[0] + "\n" + r for r in _csv[1:]], BASES["csv"][1])
case("drip__fullz_one_line_a_post", _ALL_KINDS["fullz"][0], _ALL_KINDS["fullz"][1])
case("drip__jsonl_one_record_a_post", BASES["jsonl"][0], BASES["jsonl"][1])
case(
    "drip__fullz_one_labelled_line_a_post",
    [f"🔥 FULLZ FR #{i} 🔥 {line}" for i, line in enumerate(_ALL_KINDS["fullz"][0], 1)],
    _ALL_KINDS["fullz"][1],
)


# ---------------------------------------------------------------- the same records in neighbouring shapes

_I4 = many(_P6, "email mobile dob nir")
_IE = many(_P6, "email")
_SHAPES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "js_object_literal_single_quotes": (
        "const users = [\n"
        + "".join(
            f"  {{ id: {i}, email: '{p.email}', phone: '{p.nat0}', birthDate: '{p.dob}', nir: '{p.nir}' }},\n"
            for i, p in enumerate(_P6)
        )
        + "];\nexport default users;",
        _I4,
    ),
    "json5_unquoted_keys_trailing_commas": (
        "[\n"
        + "".join(f'  {{email: "{p.email}", phone: "{p.nat0}", birthDate: "{p.dob}", nir: "{p.nir}",}},\n' for p in _P6)
        + "]",
        _I4,
    ),
    "sql_one_insert_per_row_control": (
        "\n".join(
            f"INSERT INTO `clients` (`email`,`tel`,`naissance`,`nir`) VALUES ('{p.email}','{p.nat0}','{p.dob}','{p.nir}');"
            for p in _P6
        ),
        _I4,
    ),
    "sql_hex_blob_literals": (
        "INSERT INTO clients (email,tel,naissance,nir) VALUES\n"
        + ",\n".join(
            f"(0x{p.email.encode().hex()},0x{p.nat0.encode().hex()},'{p.dob}',0x{p.nir.encode().hex()})" for p in _P6
        )
        + ";",
        _I4,
    ),
    "sql_insert_ignore_utf8mb4_introducers": (
        "INSERT IGNORE INTO clients VALUES\n"
        + ",\n".join(
            f"({i},_utf8mb4'{p.email}',_utf8mb4'{p.nat0}','{p.dob}',_utf8mb4'{p.nir}')" for i, p in enumerate(_P6)
        )
        + ";",
        _I4,
    ),
    "sql_pg_date_literals_on_conflict": (
        "INSERT INTO public.clients (email, tel, naissance, nir) VALUES\n"
        + ",\n".join(f"('{p.email}', '{p.nat0}', DATE '{p.dob}', '{p.nir}')" for p in _P6)
        + "\nON CONFLICT (email) DO NOTHING;",
        _I4,
    ),
    "sql_update_statements": (
        "\n".join(
            f"UPDATE clients SET tel='{p.nat0}', naissance='{p.dob}', nir='{p.nir}' WHERE email='{p.email}';"
            for p in _P6
        ),
        _I4,
    ),
    "sql_tuples_without_their_insert": ("\n".join(f"('{p.email}','{p.nat0}','{p.dob}','{p.nir}')," for p in _P6), _I4),
    "ulp_url_pipe_login_pipe_password": (
        "\n".join(f"https://auth.ameli.fr/ | {p.email} | {p.password}" for p in _P6),
        _IE,
    ),
    "stealer_vidar_soft_host_login_pass_control": (
        "\n\n".join(
            f"Soft: Google Chrome (Default)\nHost: https://accounts.google.com\nLogin: {p.email}\nPass: {p.password}"
            for p in _P6
        ),
        _IE,
    ),
    "combo_password_first": ("\n".join(f"{p.password}:{p.email}" for p in _P6), _IE),
    "combo_e164_phone_logins": ("\n".join(f"{p.mobile}:{p.password}" for p in _P6), many(_P6, "mobile")),
    "combo_national_phone_logins_control": ("\n".join(f"{p.nat0}:{p.password}" for p in _P6), many(_P6, "mobile")),
    "combo_with_phone_and_dob_after_password": (
        "\n".join(f"{p.email}:{p.password}:{p.nat0}:{p.fr_dob}" for p in _P6),
        many(_P6, "email mobile dob"),
    ),
}
for _name, (_text, _ids) in _SHAPES.items():
    case(f"shape__{_name}", _text, _ids)


# ---------------------------------------------------------------- terminal and tool output pasted raw

_G, _R, _BOLD = "\x1b[32m", "\x1b[0m", "\x1b[1m"
case(
    "tool__ansi_coloured_lookup_output",
    "\n".join(
        f"{_BOLD}[+]{_R} {p.last} {p.first} | {_G}{p.email}{_R} | {_G}{p.nat0}{_R} | {_G}{p.fr_dob}{_R} | {_G}{p.nir}{_R}"
        for p in _P6
    ),
    _I4,
)
case(
    "tool__ansi_coloured_csv_cells",
    "\n".join([_csv[0]] + [";".join(f"{_G}{c}{_R}" for c in r.split(";")) for r in csv_lines(_P6)[1:]]),
    _I4,
)
case(
    "tool__raw_http_form_posts_from_a_proxy_log",
    "\n".join(
        "POST /inscription HTTP/1.1\nHost: clinique-du-parc.fr\nContent-Type: application/x-www-form-urlencoded\n\n"
        f"nom={p.last}&email={p.email.replace('@', '%40')}&tel={p.nat0}&naissance={p.fr_dob.replace('/', '%2F')}&nir={p.nir}\n"
        for p in _P6
    ),
    _I4,
)
case("tool__python_bytes_repr_of_the_file", repr("\n".join(csv_lines(_P6)).encode()), _I4)
case(
    "tool__one_field_a_line_blank_line_between_records",
    "\n\n".join("\n".join([p.last, p.email, p.nat0, p.fr_dob, p.nir]) for p in _P6),
    _I4,
)
case(
    "tool__sqlmap_table_dump_control",
    "Database: clinique\nTable: patients\n[6 entries]\n+"
    + "-" * 60
    + "+\n| email | tel | naissance | nir |\n+"
    + "-" * 60
    + "+\n"
    + "\n".join(f"| {p.email} | {p.nat0} | {p.dob} | {p.nir} |" for p in _P6)
    + "\n+"
    + "-" * 60
    + "+",
    _I4,
)


# ---------------------------------------------------------------- the sample in a page, not in a table


def _page_with(body: str) -> str:
    return f"<!DOCTYPE html><html><head><meta charset=utf-8><title>Clinique du Parc</title></head><body><h1>Clinique du Parc</h1>{body}</body></html>"


_CSV_TEXT = "\n".join(_csv)
_csv_records = [dict(zip(_csv[0].split(";"), r.split(";"), strict=True)) for r in _csv[1:]]
case(
    "page__sample_as_data_uri_download_link",
    _page_with(
        f'<a href="data:text/csv;base64,{base64.b64encode(_CSV_TEXT.encode()).decode()}" download="sample.csv">Download sample (8 rows)</a>'
    ),
    BASES["csv"][1],
)
case(
    "page__sample_rendered_as_svg_text",
    _page_with(
        '<svg width="900" height="200">'
        + "".join(f'<text x="0" y="{20 * (i + 1)}">{html.escape(line)}</text>' for i, line in enumerate(_csv))
        + "</svg>"
    ),
    BASES["csv"][1],
)
case(
    "page__table_transposed_one_person_a_column",
    _page_with(
        "<table>"
        + "".join(
            "<tr>" + "".join(f"<td>{html.escape(r.split(';')[j])}</td>" for r in _csv) + "</tr>" for j in range(6)
        )
        + "</table>"
    ),
    BASES["csv"][1],
)
case(
    "page__spa_state_assigned_in_script",
    _page_with(
        f"<div id=app></div><script>window.__INITIAL_STATE__ = {json.dumps({'victim': {'sample': _csv_records}})};</script>"
    ),
    BASES["csv"][1],
)
case(
    "page__json_ld_dataset_control",
    _page_with(f'<script type="application/ld+json">{json.dumps({"@type": "Dataset", "sample": _CSV_TEXT})}</script>'),
    BASES["csv"][1],
)
case(
    "page__pre_cells_in_colored_spans_control",
    _page_with(
        "<pre>"
        + "\n".join(
            ";".join(f'<span class="c{j}">{html.escape(c)}</span>' for j, c in enumerate(r.split(";"))) for r in _csv
        )
        + "</pre>"
    ),
    BASES["csv"][1],
)


# ---------------------------------------------------------------- attachments


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _7z(members: dict[str, bytes]) -> bytes:
    import io

    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(data, name)
    return buf.getvalue()


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_csv_bytes = "\r\n".join(_csv).encode("cp1252")
case(
    "att_zip_in_zip",
    _zip({"export/patients.zip": _zip({"patients.csv": _csv_bytes})}),
    BASES["csv"][1],
    filename="leak.zip",
)
case("att_7z_no_password", _7z({"patients.csv": _csv_bytes}), BASES["csv"][1], filename="patients.7z")
case(
    "att_7z_in_zip", _zip({"dump/patients.7z": _7z({"patients.csv": _csv_bytes})}), BASES["csv"][1], filename="dump.zip"
)
case(
    "att_gz_named_csv_gz_of_jsonl",
    gzip.compress("\n".join(jsonl_lines()).encode(), mtime=0),
    BASES["jsonl"][1],
    filename="users.jsonl.gz",
)
case("att_base64_text_file", _b64_wrapped("\n".join(_csv).encode()).encode(), BASES["csv"][1], filename="patients.b64")
_xlsx_rows: list[list[object]] = [["Nom", "Prénom", "Date de naissance", "Email", "Téléphone", "NIR"]] + [
    [p.last, p.first, p.fr_dob, p.email, p.nat0, p.nir] for p in PEOPLE
]
case("att_xlsx_in_zip", _zip({"RH/salaries.xlsx": _xlsx(_xlsx_rows)}), BASES["csv"][1], filename="rh.zip")
case(
    "att_xlsx_header_on_row_5_blank_columns",
    _xlsx([["Export CRM"], [], ["généré le 2026-11-02"], []] + [[None, None, *r] for r in _xlsx_rows]),
    BASES["csv"][1],
    filename="export.xlsx",
)
case(
    "att_xlsx_transposed_one_person_a_column",
    _xlsx([list(column) for column in zip(*_xlsx_rows, strict=True)]),
    BASES["csv"][1],
    filename="fiches.xlsx",
)


def _workbook(fill: Callable[[Any], None]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    fill(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _hidden_data_sheet(wb: Any) -> None:
    wb.active.title = "Lisez-moi"
    wb.active.append(["Rien à voir ici"])
    ws = wb.create_sheet("data")
    for r in _xlsx_rows:
        ws.append(r)
    ws.sheet_state = "hidden"


def _typed_cells(wb: Any) -> None:
    import datetime

    wb.active.append(_xlsx_rows[0])
    for p in PEOPLE:
        wb.active.append([p.last, p.first, datetime.date.fromisoformat(p.dob), p.email, int(p.nat0), p.nir])


def _sheet_per_person(wb: Any) -> None:
    for i, r in enumerate(_xlsx_rows[1:]):
        ws = wb.active if i == 0 else wb.create_sheet(f"fiche{i}")
        ws.title = f"fiche{i}"
        for label, value in zip(_xlsx_rows[0], r, strict=True):
            ws.append([label, value])


case("att_xlsx_hidden_sheet", _workbook(_hidden_data_sheet), BASES["csv"][1], filename="export.xlsx")
case("att_xlsx_typed_date_and_int_cells", _workbook(_typed_cells), BASES["csv"][1], filename="export.xlsx")
case("att_xlsx_one_sheet_a_person_label_value", _workbook(_sheet_per_person), BASES["csv"][1], filename="fiches.xlsx")
case("att_xlsx_named_xls", _xlsx(_xlsx_rows), BASES["csv"][1], filename="patients.xls")
case("att_xlsx_named_zip", _xlsx(_xlsx_rows), BASES["csv"][1], filename="patients.zip")
case(
    "att_zip_nested_four_deep",
    _zip({"1.zip": _zip({"2.zip": _zip({"3.zip": _zip({"patients.csv": _csv_bytes})})})}),
    BASES["csv"][1],
    filename="leak.zip",
)
case(
    "att_zip_nested_three_deep_control",
    _zip({"1.zip": _zip({"2.zip": _zip({"patients.csv": _csv_bytes})})}),
    BASES["csv"][1],
    filename="leak.zip",
)

MISSED: dict[str, str] = {
    "att_xlsx_named_xls": "25/33 found, lost dob x8",
    "att_xlsx_named_zip": "25/33 found, lost dob x8",
    "att_zip_nested_four_deep": (
        "BY DESIGN: three archives inside the posted zip, past attachments.max_nesting (2 by default, "
        "docs/configuration.md): refused as a bomb, counted in the crawl summary's bombs_refused and logged"
    ),
    "csv__two_records_a_line_tab": "29/33 found, lost dob x4",
    "shape__combo_with_phone_and_dob_after_password": "13/19 found, lost dob x6",
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.63, "precision": 0.98}))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("5b", "5c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
