"""Recall round 7 (shapes): set 5's remaining evasions of a dump's layout, each written again with
other people, column names (French and English), quoting, spacing and row counts, so that a fix
holds for its class and not for the probe's one example:

- a document of one element or member a line (XML, pretty-printed JSON) double-spaced (a blank line,
  a line of one space, or two blank lines after each line): read as the document it is;
- cells an export kept text: Excel's leading apostrophe (`'17/02/1984`, `'0612…`) and text formula
  (`="0612…"`), a mail client's display name in quotes before the address (`"Inès R" <i@x.fr>`);
- SQL: `UPDATE t SET col='…', … WHERE email='…';` one a line (names bare, in backticks or double
  quotes, blanks around `=` or none); an INSERT without a column list and without its CREATE TABLE
  (`INSERT IGNORE INTO t VALUES`, `_utf8mb4'…'`, `N'…'`): its columns typed by their values;
  mysqldump `--hex-blob` values (`0x6a65…`, `X'…'`) that are one field's printable text; PostgreSQL
  typed literals and casts (`DATE '1981-05-17'`, `TIMESTAMP '…'`, `'…'::date`).

Scoring as the blind probes: a positive's identifiers of the scored types equal the expected set;
a negative's hold none of the types it bans. Every positive failed before its change on both engines
(run with the change switched off in /work/main); both engines give the same fragments;
`detect_many` (the crawl's road) finds what `detect` does; `detect_stream` reads a long sample.
Values are synthetic: made-up people, numbers libphonenumber calls valid, NIRs with their key."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import nir
from tests.native_core import assert_crawl_road_reads_them, assert_engines_agree, found_ids, people_ids

KEY = MatchKey(b"\x51" * 32, version=1)
SCORED = frozenset({"email", "phone", "nir", "iban", "card", "dob", "national_id"})
Ids = set[tuple[str, str]]

_FIRST = ["Maëlle", "Gilles", "Ophélie", "Thibault", "Solène", "Rémi", "Anaïs", "Yannick", "Clémence", "Loïc"]
_LAST = ["Fontaine", "Guérin", "Mallet", "Boyer", "Lemaire", "Chevalier", "Renaud", "Picard", "Aubert", "Noël"]
_MAILS = ["orange.fr", "free.fr", "sfr.fr", "laposte.net", "gmx.fr", "outlook.fr", "bbox.fr", "neuf.fr"]


def _person(i: int) -> dict[str, str]:
    """The i-th made-up person: e-mail, a French mobile, a birth and the NIR that agrees with it."""
    first, last = _FIRST[i % 10], _LAST[(i * 7 + 3) % 10]
    plain = first.lower().translate(str.maketrans("ëéïèç", "eeiec"))
    y, m, d = 1950 + (i * 9) % 52, 1 + (i * 5) % 12, 1 + (i * 13) % 28
    national = f"061{(2345678 + i * 6983) % 10**7:07d}" if i % 2 else f"075{(1234567 + i * 3571) % 10**7:07d}"
    return {
        "mail": f"{plain}.{last.lower().replace('é', 'e').replace('ë', 'e')}{i}@{_MAILS[i % len(_MAILS)]}",
        "national": national,
        "e164": "+33" + national[1:],
        "iso": f"{y}-{m:02d}-{d:02d}",
        "nir": nir(
            f"{1 + i % 2}{y % 100:02d}{m:02d}{13 + i % 70:02d}{(i * 37) % 900 + 100:03d}{(i * 53) % 900 + 100:03d}"
        ),
    }


_ids = people_ids


_PEOPLE = [_person(i) for i in range(12)]


def _update(n: int, q: str, eq: str, names: tuple[str, str, str, str], upper: bool = True) -> tuple[str, Ids]:
    """n UPDATE lines, column names quoted by `q` (`` ` ``, `"`, nothing), `eq` between name and value."""
    tel, born, sec, mail = (f"{q}{x}{q}" for x in names)
    kw = ("UPDATE", "SET", "WHERE") if upper else ("update", "set", "where")
    people = _PEOPLE[:n]
    lines = [
        f"{kw[0]} {q}clients{q} {kw[1]} {tel}{eq}'{p['national']}', {born}{eq}'{p['iso']}', {sec}{eq}'{p['nir']}'"
        f" {kw[2]} {mail}{eq}'{p['mail']}';"
        for p in people
    ]
    return "\n".join(lines), _ids(people, "email phone dob nir")


def _insert_no_columns(n: int, head: str, lit: str) -> tuple[str, Ids]:
    """An INSERT without its column list: `lit` formats each quoted value (`'{}'`, `_utf8mb4'{}'`, `N'{}'`)."""
    people = _PEOPLE[:n]
    rows = [
        f"({k + 1},{lit.format(p['mail'])},{lit.format(p['national'])},'{p['iso']}',{lit.format(p['nir'])},NULL)"
        for k, p in enumerate(people)
    ]
    return f"{head} VALUES\n" + ",\n".join(rows) + ";", _ids(people, "email phone dob nir")


def _hex(n: int, form: str, one_per_line: bool) -> tuple[str, Ids]:
    """mysqldump --hex-blob: text columns as `0x…` (upper or lower case) or `X'…'`."""

    def h(v: str) -> str:
        x = v.encode().hex()
        return {"0x": f"0x{x}", "0X": f"0x{x.upper()}", "X'": f"X'{x}'"}[form]

    people = _PEOPLE[:n]
    tuples = [f"({k},{h(p['mail'])},{h(p['national'])},'{p['iso']}',{h(p['nir'])})" for k, p in enumerate(people)]
    head = "INSERT INTO `patients` (`id`,`courriel`,`portable`,`date_naissance`,`num_secu`) VALUES "
    text = "\n".join(head + t + ";" for t in tuples) if one_per_line else head + ",".join(tuples) + ";"
    return text, _ids(people, "email phone dob nir")


def _pg(n: int, date: str) -> tuple[str, Ids]:
    """PostgreSQL's typed literals and casts for the birth column."""
    people = _PEOPLE[:n]
    born = {
        "date": "DATE '{}'",
        "timestamp": "TIMESTAMP '{} 00:00:00'",
        "cast": "'{}'::date",
        "cast_ts": "'{}'::timestamp without time zone",
        "lower": "date '{}'",
    }[date]
    rows = [f"  ('{p['mail']}', '{p['national']}', {born.format(p['iso'])}, '{p['nir']}')" for p in people]
    return (
        "INSERT INTO public.users (email, phone, birth_date, ssn) VALUES\n"
        + ",\n".join(rows)
        + "\nON CONFLICT (email) DO NOTHING;",
        _ids(people, "email phone dob nir"),
    )


def _xml(n: int, tags: tuple[str, str, str, str, str], indent: str, date_fr: bool) -> list[str]:
    """One element a line: a root, one record element a person, four fields."""
    root, rec, mail, tel, born = tags
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{root}>"]
    for p in _PEOPLE[:n]:
        d = "/".join(reversed(p["iso"].split("-"))) if date_fr else p["iso"]
        lines += [
            f"{indent}<{rec}>",
            f"{indent * 2}<{mail}>{p['mail']}</{mail}>",
            f"{indent * 2}<{tel}>{p['national']}</{tel}>",
            f"{indent * 2}<{born}>{d}</{born}>",
            f"{indent}</{rec}>",
        ]
    return [*lines, f"</{root}>"]


def _pretty(n: int, keys: tuple[str, str, str], indent: int) -> list[str]:
    """A pretty-printed JSON array of people, one member a line."""
    import json

    text = json.dumps([{keys[0]: p["mail"], keys[1]: p["e164"], keys[2]: p["iso"]} for p in _PEOPLE[:n]], indent=indent)
    return text.split("\n")


def _excel(n: int, sep: str, wrap: str, header: tuple[str, ...]) -> tuple[str, Ids]:
    """A CSV saved from Excel with its numbers and dates kept text: `'{}` or `="{}"` (`wrap`)."""
    rows = [sep.join(header)]
    for p in _PEOPLE[:n]:
        d = "/".join(reversed(p["iso"].split("-")))
        rows.append(sep.join([p["mail"].split(".")[0].title(), wrap.format(d), p["mail"], wrap.format(p["national"])]))
    return "\n".join(rows), _ids(_PEOPLE[:n], "email phone dob")


def _display_names(n: int, sep: str, header: tuple[str, ...]) -> tuple[str, Ids]:
    """A contacts export whose e-mail cells hold a quoted display name before the address."""
    rows = [sep.join(header)]
    for p in _PEOPLE[:n]:
        name = p["mail"].split("@")[0].replace(".", " ").title()
        d = "/".join(reversed(p["iso"].split("-")))
        rows.append(sep.join([d, f'"{name}" <{p["mail"]}>', p["national"], p["nir"]]))
    return "\n".join(rows), _ids(_PEOPLE[:n], "email phone dob nir")


def _spaced(lines: list[str], sep: str) -> str:
    return sep.join(lines)


POSITIVES: dict[str, tuple[str, Ids]] = {
    "update_bare_fr": _update(6, "", "=", ("tel", "naissance", "nir", "email")),
    "update_backticks_spaced_fr": _update(5, "`", " = ", ("telephone", "date_naissance", "num_secu", "mail")),
    "update_double_quotes_en": _update(4, '"', "=", ("phone", "birthdate", "ssn", "email"), upper=False),
    "update_lower_spaced_en": _update(7, "", " = ", ("mobile", "date_of_birth", "nir", "email_address"), upper=False),
    "insert_ignore_utf8mb4": _insert_no_columns(6, "INSERT IGNORE INTO clients", "_utf8mb4'{}'"),
    "insert_plain_no_columns": _insert_no_columns(5, "INSERT INTO `abonnes`", "'{}'"),
    "replace_n_literals": _insert_no_columns(4, "REPLACE INTO dbo.Clients", "N'{}'"),
    "hex_blob_lower_multirow": _hex(6, "0x", False),
    "hex_blob_upper_one_per_line": _hex(5, "0X", True),
    "hex_x_quoted": _hex(4, "X'", False),
    "pg_date_literal": _pg(6, "date"),
    "pg_timestamp_literal": _pg(4, "timestamp"),
    "pg_cast": _pg(5, "cast"),
    "pg_cast_timestamp": _pg(3, "cast_ts"),
    "pg_date_lower_case": _pg(4, "lower"),
    "xml_double_spaced_fr": (
        _spaced(_xml(5, ("patients", "patient", "courriel", "telephone", "date_naissance"), "  ", True), "\n\n"),
        _ids(_PEOPLE[:5], "email phone dob"),
    ),
    "excel_apostrophe_semicolon_fr": _excel(6, ";", "'{}", ("nom", "date_naissance", "email", "telephone")),
    "excel_apostrophe_comma_en": _excel(5, ",", "'{}", ("name", "date_of_birth", "email", "mobile")),
    "excel_apostrophe_tab": _excel(4, "\t", "'{}", ("nom", "ddn", "mail", "portable")),
    "excel_formula_semicolon_fr": _excel(6, ";", '="{}"', ("nom", "naissance", "courriel", "tel")),
    "excel_formula_comma_en": _excel(4, ",", '="{}"', ("name", "birthdate", "email", "phone")),
    "display_names_semicolon": _display_names(6, ";", ("date_naissance", "email", "telephone", "nir")),
    "display_names_pipe": _display_names(4, "|", ("birth_date", "email", "phone", "ssn")),
    "display_names_comma": _display_names(5, ",", ("dob", "email", "phone", "nir")),
    "xml_blank_lines_holding_a_space": (
        _spaced(_xml(6, ("users", "user", "mail", "mobile", "dob"), "    ", False), "\n \n"),
        _ids(_PEOPLE[:6], "email phone dob"),
    ),
    "xml_two_blank_lines_between": (
        _spaced(_xml(3, ("clients", "client", "email", "tel", "naissance"), "  ", True), "\n\n\n"),
        _ids(_PEOPLE[:3], "email phone dob"),
    ),
    "json_pretty_double_spaced_en": (
        _spaced(_pretty(5, ("email", "phone", "date_of_birth"), 2), "\n\n"),
        _ids(_PEOPLE[:5], "email phone dob"),
    ),
    "json_pretty_double_spaced_fr_indent4": (
        _spaced(_pretty(4, ("mail", "portable", "naissance"), 4), "\n\n"),
        _ids(_PEOPLE[:4], "email phone dob"),
    ),
}

# read before this round too (one person's record alone on a line; tab-indented elements, rows by their tabs): kept
KEEP: dict[str, tuple[str, Ids]] = {
    "xml_double_spaced_en_tabs": (
        _spaced(_xml(4, ("customers", "customer", "email", "phone", "birthdate"), "\t", False), "\n\n"),
        _ids(_PEOPLE[:4], "email phone dob"),
    ),
    "update_one_statement": _update(1, "", "=", ("tel", "naissance", "nir", "email")),
}

_P0 = _PEOPLE[0]
NEGATIVES: dict[str, tuple[str, frozenset[str]]] = {
    "schema_dump_without_people": (
        "CREATE TABLE `settings` (\n  `id` int NOT NULL,\n  `k` varchar(64),\n  `v` blob,\n  `updated` date\n);\n"
        "INSERT INTO `settings` VALUES (1,'theme',0x6461726b2d6d6f6465,'2023-04-02'),"
        "(2,'lang',0x66722d4652,DATE '2023-04-02'),(3,'seed',0xdeadbeefcafebabe,'2023-04-02'::date);\n"
        "UPDATE `settings` SET `v`=0x6c69676874, `updated`='2024-01-09' WHERE `id`=1;\n"
        "INSERT INTO migrations VALUES (20230402,'1990-01-01'),(20230403,'1991-02-02'),(20230404,'1992-03-03');",
        SCORED,
    ),
    "c_code_with_hex_constants": (
        "static const uint32_t crc_table[] = {\n    0x00000000, 0x77073096, 0xee0e612c, 0x990951ba,\n"
        "    0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,\n};\n"
        "int values = check(0x30363132, 0x33343536);  /* magic: see values table */\n"
        "memcpy(buf, (0x41424344), 4); // ABCD",
        SCORED,
    ),
    "chat_about_sql": (
        "[21:04] <dba> fais un UPDATE users SET active=0 WHERE last_login < '2020-01-01'; avant\n"
        "[21:05] <moi> ok et pour les values en hex (0x...) je les decode comment ?\n"
        "[21:06] <dba> UNHEX() ou CAST(x AS CHAR), et DATE '2024-01-01' marche en PG\n"
        "[21:07] <moi> merci, le '2024-01-01'::date aussi",
        SCORED,
    ),
    "html_page_double_spaced": (
        "\n\n".join(
            ["<html>", "<body>", "<h1>Release notes 2.4.1</h1>", "<ul>"]
            + [f"<li>Fixed issue #{1200 + k} reported on 2024-0{k % 9 + 1}-1{k % 9}</li>" for k in range(12)]
            + ["</ul>", "<p>Contact: support@example.org</p>", "</body>", "</html>"]
        ),
        SCORED,
    ),
    "prose_double_spaced": (
        "\n\n".join(
            f"Le {10 + k}/03/2024, la réunion n°{k} a eu lieu ; {3 + k} personnes présentes, budget {1000 * k} €."
            for k in range(10)
        ),
        SCORED,
    ),
    "prose_with_apostrophes_and_numbers": (
        "On a vu l'1 des vendeurs ;'98 était une bonne année, '2000' aussi.\n"
        "Prix: '150 € ou '200 € avec la base, contact '0000 sur tox.\n" * 3,
        SCORED,
    ),
    "html_attributes_and_mail_headers": (
        '<td width="100" height="20">x</td>\n<img src="a.png" alt="1">\n'
        'To: "Support" <support@example.org>, "Sales" <sales@example.org>, "Jobs" <jobs@example.org>\n'
        '<meta name="version" content="2.4">\n',
        frozenset({"phone", "dob", "nir", "card", "iban"}),
    ),
    "update_one_mail_only": (f"UPDATE users SET email='{_P0['mail']}' WHERE id=42;", SCORED),
    "update_of_orders": (
        "\n".join(
            f"UPDATE orders SET status='shipped', shipped_at='2024-0{k + 1}-1{k}' WHERE id={1000 + k};"
            for k in range(6)
        ),
        SCORED,
    ),
}


_found = found_ids


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive(name: str) -> None:
    text, want = POSITIVES[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(KEEP))
def test_kept(name: str) -> None:
    text, want = KEEP[name]
    got = {x for x in _found(detect(text, key=KEY)) if x[0] in SCORED}
    assert got == want, {"missed": sorted(want - got), "extra": sorted(got - want)}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative(name: str) -> None:
    text, banned = NEGATIVES[name]
    got = _found(detect(text, key=KEY))
    assert not {x for x in got if x[0] in banned}, sorted(got)


def test_the_crawls_road_reads_them() -> None:
    """`detect_many` (a crawl's page of posts) finds in each post what `detect` does, as text and bytes."""
    assert_crawl_road_reads_them([v[0] for d in (POSITIVES, KEEP, NEGATIVES) for v in d.values()], KEY)


def test_engines_agree() -> None:
    """Both engines give the same fragments (every field, the excerpt too), LF and CRLF; the engine
    VIGIE_ENGINE names is restored after."""
    assert_engines_agree({k: v[0] for d in (POSITIVES, KEEP, NEGATIVES) for k, v in d.items()}, KEY, text_too=False)


def test_detect_stream_reads_a_long_hex_dump() -> None:
    """A 3,000-row --hex-blob dump streamed in 40 kB pieces: every row's e-mail, phone, birth, NIR."""
    from indexer.detect.parallel import detect_stream

    people = [_person(i) for i in range(3000)]
    head = "INSERT INTO `patients` (`id`,`courriel`,`portable`,`date_naissance`,`num_secu`) VALUES "

    def h(v: str) -> str:
        return "0x" + v.encode().hex()

    data = "\n".join(
        head + f"({k},{h(p['mail'])},{h(p['national'])},'{p['iso']}',{h(p['nir'])});" for k, p in enumerate(people)
    ).encode()
    frags = list(detect_stream(iter([data[i : i + 40_000] for i in range(0, len(data), 40_000)]), key=KEY))
    got = {x for x in _found(frags) if x[0] in SCORED}
    assert got == _ids(people, "email phone dob nir")
