# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 5b: character changes, encodings, foreign dumps and sizes (set 5's people and bases).

Characters a copy/paste or a seller changes inside values (fullwidth forms, no-break and thin spaces
inside numbers, soft hyphens, zero-width joiners, combining marks, look-alike `@`, U+FEFF, `&#64;`
entities in plain text), encodings (UTF-16 BE without BOM, GB18030 and Shift-JIS pages holding French
rows, mojibake, double-encoded UTF-8, quoted-printable, percent-encoding), dumps in German, Spanish,
Italian, Dutch, English and Belgian layouts with the identifiers the docs say are validated, and sizes
(one huge line, a stream through `detect_stream`).
"""

from __future__ import annotations

import base64
import html
import json
import quopri
import random
import urllib.parse
from collections.abc import Callable

import phonenumbers

from tests.blind_probe_harness import Probe, iban, make_tests
from tests.test_detect_blind_probe_set5 import _ALL_KINDS, BASES, PEOPLE, csv_lines

SET = Probe("5b")
case = SET.case
negative = SET.negative

FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
FW_ALL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _in_values(text: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to every `;`-separated cell of every row but the header."""
    lines = text.split("\n")
    return "\n".join([lines[0]] + [";".join(fn(c) for c in line.split(";")) for line in lines[1:]])


def _mid(mark: str) -> Callable[[str], str]:
    return lambda v: v[: len(v) // 2] + mark + v[len(v) // 2 :] if len(v) > 3 else v


def _every(mark: str) -> Callable[[str], str]:
    return lambda v: mark.join(v)


CSV = "\n".join(csv_lines())
CSV_IDS = BASES["csv"][1]
COMBO = "\n".join(BASES["combo"][0])
COMBO_IDS = BASES["combo"][1]
JSONL = "\n".join(BASES["jsonl"][0])
JSONL_IDS = BASES["jsonl"][1]
DOX = "\n".join(BASES["dox"][0])
DOX_IDS = BASES["dox"][1]

CHARS: dict[str, Callable[[str], str]] = {
    "fullwidth_digits": lambda t: t.translate(FW_DIGITS),
    "fullwidth_everything": lambda t: t.translate(FW_ALL),
    "nbsp_inside_numbers": lambda t: _in_values(
        t, lambda v: " ".join(v[i : i + 2] for i in range(0, len(v), 2)) if v.isdigit() else v
    ),
    "thin_space_inside_numbers": lambda t: _in_values(
        t, lambda v: "\u2009".join(v[i : i + 3] for i in range(0, len(v), 3)) if v[:1].isdigit() and "/" not in v else v
    ),
    "narrow_nbsp_in_dates": lambda t: _in_values(t, lambda v: v.replace("/", "\u202f/\u202f")),
    "soft_hyphen_mid_value": lambda t: _in_values(t, _mid("\u00ad")),
    "zwj_mid_value": lambda t: _in_values(t, _mid("\u200d")),
    "zwsp_between_every_char": lambda t: _in_values(t, _every("\u200b")),
    "feff_mid_value": lambda t: _in_values(t, _mid("\ufeff")),
    "combining_low_line_digits": lambda t: _in_values(
        t, lambda v: "".join(c + "\u0332" if c.isdigit() else c for c in v)
    ),
    "fullwidth_at": lambda t: t.replace("@", "＠"),
    "small_commercial_at": lambda t: t.replace("@", "﹫"),
    "html_entity_at_in_text": lambda t: t.replace("@", "&#64;"),
    "html_entity_at_and_dot_in_text": lambda t: _in_values(
        t, lambda v: v.replace("@", "&#64;").replace(".", "&#46;") if "@" in v else v
    ),
    "feff_at_each_line_start": lambda t: "\n".join("\ufeff" + line for line in t.split("\n")),
    "word_joiner_u2060_mid_value": lambda t: _in_values(t, _mid("\u2060")),
    "arabic_indic_digits": lambda t: t.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    "math_monospace_digits": lambda t: t.translate(
        str.maketrans("0123456789", "".join(chr(0x1D7F6 + i) for i in range(10)))
    ),
}
for mut, fn in CHARS.items():
    case(f"csv__{mut}", fn(CSV), CSV_IDS)
for mut in (
    "fullwidth_digits",
    "fullwidth_at",
    "html_entity_at_in_text",
    "zwj_mid_value",
    "soft_hyphen_mid_value",
    "fullwidth_everything",
):
    fn = CHARS[mut]
    case(
        f"combo__{mut}",
        fn(COMBO)
        if "mid" not in mut
        else "\n".join(
            _mid("\u200d" if "zwj" in mut else "\u00ad")(line.split(":")[0]) + ":" + line.split(":")[1]
            for line in COMBO.split("\n")
        ),
        COMBO_IDS,
    )
    case(
        f"dox__{mut}",
        fn(DOX)
        if "mid" not in mut
        else "\n".join(
            line[:-4] + ("\u200d" if "zwj" in mut else "\u00ad") + line[-4:] if len(line) > 12 else line
            for line in DOX.split("\n")
        ),
        DOX_IDS,
    )


# written-out obfuscations a seller uses against scrapers
OBFUSCATE: dict[str, Callable[[str], str]] = {
    "email_at_dot_words_spaced": lambda t: _in_values(
        t, lambda v: v.replace("@", " at ").replace(".", " dot ") if "@" in v else v
    ),
    "email_arobase_point_words_fr": lambda t: _in_values(
        t, lambda v: v.replace("@", " arobase ").replace(".", " point ") if "@" in v else v
    ),
    "email_at_dot_upper_words": lambda t: _in_values(
        t, lambda v: v.replace("@", " AT ").replace(".", " DOT ") if "@" in v else v
    ),
    "email_curly_at_dot": lambda t: _in_values(
        t, lambda v: v.replace("@", "{at}").replace(".", "{dot}") if "@" in v else v
    ),
    "email_bracket_at_paren_dot": lambda t: _in_values(
        t, lambda v: v.replace("@", "[at]").replace(".", "(dot)") if "@" in v else v
    ),
    "email_spaces_around_at": lambda t: t.replace("@", " @ "),
    "email_paren_a": lambda t: t.replace("@", "(a)"),
    "email_bracketed_at_sign": lambda t: t.replace("@", "[@]"),
    "letter_o_for_zero_in_numbers": lambda t: _in_values(
        t, lambda v: v.replace("0", "O") if v[:1].isdigit() and "/" not in v else v
    ),
    "letter_l_for_one_in_numbers": lambda t: _in_values(
        t, lambda v: v.replace("1", "l") if v[:1].isdigit() and "/" not in v else v
    ),
    "rlm_at_each_line_start": lambda t: "\n".join("\u200f" + line for line in t.split("\n")),
    "each_value_reversed_announced": lambda t: (
        "tout est à l'envers, lisez de droite à gauche\n" + "\n".join(line[::-1] for line in t.split("\n"))
    ),
}
for mut, fn in OBFUSCATE.items():
    case(f"csv__{mut}", fn(CSV), CSV_IDS)


# separators a reader may not see, or that other scripts use
case("csv__nul_as_field_separator", CSV.replace(";", "\x00"), CSV_IDS)
case("csv__ideographic_comma_separator", CSV.replace(";", "、"), CSV_IDS)
case("csv__fullwidth_semicolon_separator", CSV.replace(";", "；"), CSV_IDS)
case("csv__box_drawing_bar_separator", CSV.replace(";", "│"), CSV_IDS)
# Cyrillic look-alikes in the domains (а U+0430): read as the Latin domains a victim registered
case(
    "csv__cyrillic_a_in_domains",
    CSV.replace("gmail.com", "gm\u0430il.com")
    .replace("orange.fr", "or\u0430nge.fr")
    .replace("laposte.net", "l\u0430poste.net"),
    CSV_IDS,
)


# ---------------------------------------------------------------- encodings

ENCODINGS: dict[str, Callable[[str], bytes | str]] = {
    "utf16_be_no_bom": lambda t: t.encode("utf-16-be"),
    "utf16_le_bom_crlf": lambda t: "\ufeff".encode("utf-16-le") + t.replace("\n", "\r\n").encode("utf-16-le"),
    "utf32_le_bom": lambda t: t.encode("utf-32"),
    "gb18030_page_with_chinese_header": lambda t: (
        "数据库泄露 — 法国医疗中心 — 2026年11月\n样本如下：\n" + t + "\n完整数据请联系"
    ).encode("gb18030"),
    "shift_jis_page_ascii_rows": lambda t: (
        "【流出】フランスの患者データ サンプル\n" + t.replace("é", "e").replace("É", "E").replace("è", "e") + "\n以上"
    ).encode("shift_jis"),
    "mojibake_cp1252_read_as_utf8": lambda t: t.encode("utf-8").decode("cp1252", errors="replace"),
    "double_encoded_utf8_bytes": lambda t: t.encode("utf-8").decode("latin-1").encode("utf-8"),
    "quoted_printable_body": lambda t: quopri.encodestring(t.encode("utf-8")).decode("ascii"),
    "percent_encoded_body": lambda t: "data=" + urllib.parse.quote(t, safe=""),
    "cp1252_bytes_with_utf8_bom": lambda t: b"\xef\xbb\xbf" + t.encode("cp1252"),
    "latin1_bytes_emoji_free_with_nul_padding": lambda t: "\n".join(line + "\x00" * 3 for line in t.split("\n")).encode(
        "latin-1"
    ),
}
for mut, fn in ENCODINGS.items():
    case(f"csv__{mut}", fn(CSV), CSV_IDS)
for mut in ("utf16_be_no_bom", "quoted_printable_body", "percent_encoded_body", "double_encoded_utf8_bytes"):
    case(f"jsonl__{mut}", ENCODINGS[mut](JSONL), JSONL_IDS)
    case(f"combo__{mut}", ENCODINGS[mut](COMBO), COMBO_IDS)


_MORE = _ALL_KINDS
case(
    "fullz__quoted_printable_body", ENCODINGS["quoted_printable_body"]("\n".join(_MORE["fullz"][0])), _MORE["fullz"][1]
)
case("sql__quoted_printable_body", ENCODINGS["quoted_printable_body"]("\n".join(_MORE["sql"][0])), _MORE["sql"][1])
case("jsonl__html_escaped_as_plain_text", html.escape(JSONL), JSONL_IDS)
case(
    "copy__every_character_an_html_entity",
    "".join(c if c == "\n" else f"&#{ord(c)};" for c in "\n".join(_MORE["copy"][0])),
    _MORE["copy"][1],
)
case("dox_en__tab_after_each_label", "\n".join(_MORE["dox_en"][0]).replace(": ", ":\t"), _MORE["dox_en"][1])


# ---------------------------------------------------------------- foreign dumps (identifiers the docs list)


def _valid(prefix: str, start: int, width: int) -> str:
    n = start
    while not phonenumbers.is_valid_number(phonenumbers.parse(f"{prefix}{n % 10**width:0{width}d}")):
        n += 7919
    return f"{prefix}{n % 10**width:0{width}d}"


def _dni(n: int) -> str:
    return f"{n:08d}" + "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]


_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
        strict=True,
    )
)


def _cf(s15: str) -> str:
    total = sum(_ODD[c] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65) for i, c in enumerate(s15))
    return s15 + chr(65 + total % 26)


def _be_rrn(yymmdd: str, serial: int) -> str:
    body = f"{yymmdd}{serial:03d}"
    num = int(body) if yymmdd[0] != "0" else int("2" + body)
    return body + f"{97 - num % 97:02d}"


def _nino(i: int) -> str:
    return f"{'JKLMNPRSTW'[i]}{'ABCEGH'[i % 6]}{(314159 * (i + 1)) % 1000000:06d}{'ABCD'[i % 4]}"


def _de_iban(i: int) -> str:
    return iban("DE", f"{37040044 + i * 10:08d}{532013000 + i * 77:010d}")


def _es_iban(i: int) -> str:
    bank_branch, account = f"2100{418 + i:04d}", f"{(2002000 + i * 13) % 10**10:010d}"
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)

    def dc(digits: str) -> int:
        r = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
        return {11: 0, 10: 1}.get(r, r)

    return iban("ES", f"{bank_branch}{dc('00' + bank_branch)}{dc(account)}{account}")


def _it_iban(i: int) -> str:
    return iban("IT", f"X0542811101{(1000123456 + i * 11):012d}")


def _nl_iban(i: int) -> str:
    return iban("NL", f"ABNA{(417164300 + i * 9):010d}")


def _be_iban(i: int) -> str:
    bank = f"{539007547 + i * 3:010d}"
    key = int(bank) % 97 or 97
    return iban("BE", f"{bank}{key:02d}")


_names = [
    ("Katrin", "Schäfer"),
    ("Jürgen", "Weiß"),
    ("Lucía", "Fernández"),
    ("Álvaro", "Núñez"),
    ("Giulia", "Esposito"),
    ("Matteo", "Ricci"),
    ("Sanne", "de Vries"),
    ("Daan", "van Dijk"),
    ("Olivia", "Hughes"),
    ("Callum", "O'Brien"),
    ("Lotte", "Peeters"),
    ("Wout", "Janssens"),
]
_dobs = [
    "1979-04-03",
    "1966-09-27",
    "1992-01-15",
    "1984-06-30",
    "1971-11-08",
    "2000-02-29",
    "1988-12-12",
    "1958-05-21",
    "1995-07-19",
    "1963-10-02",
    "1981-03-25",
    "1974-08-16",
]

# German: Krankenkasse-style, dd.mm.yyyy, +49 mobiles written nationally, DE IBANs
_de_rows = ["Nachname;Vorname;Geburtsdatum;E-Mail;Mobil;IBAN"]
_de_ids: set[tuple[str, str]] = set()
for i in range(2):
    first, last = _names[i]
    y, m, d = _dobs[i].split("-")
    phone = _valid("+49151", 2345670 + i * 1111, 8)
    mail = f"{first.lower().replace('ü', 'ue')}.{last.lower().replace('ä', 'ae').replace('ß', 'ss')}@web.de"
    _de_rows.append(f"{last};{first};{d}.{m}.{y};{mail};0{phone[3:6]} {phone[6:]};{_de_iban(i)}")
    _de_ids |= {("email", mail), ("phone", phone), ("dob", _dobs[i]), ("iban", _de_iban(i))}
for i in range(2, 4):  # two more rows of German people for a real table
    y, m, d = _dobs[i + 8].split("-")
    phone = _valid("+49176", 5550100 + i * 313, 8)
    mail = f"kunde{i}@gmx.de"
    _de_rows.append(f"Becker;Paul;{d}.{m}.{y};{mail};0{phone[3:6]} {phone[6:]};{_de_iban(i)}")
    _de_ids |= {("email", mail), ("phone", phone), ("dob", _dobs[i + 8]), ("iban", _de_iban(i))}
DE = "\n".join(_de_rows)

# Spanish: DNI, +34 mobiles, ES IBANs, dd/mm/yyyy
_es_rows = ["apellidos,nombre,dni,fecha_nacimiento,movil,correo,iban"]
_es_ids: set[tuple[str, str]] = set()
for i in range(4):
    first, last = _names[2 + i % 2]
    y, m, d = _dobs[2 + i].split("-")
    phone = _valid("+346", 12345678 + i * 1013, 8)
    dni = _dni(48123456 + i * 7777)
    mail = f"{first.lower().replace('í', 'i').replace('á', 'a')}{i}@telefonica.net"
    _es_rows.append(f'"{last} García",{first},{dni},{d}/{m}/{y},{phone[3:]},{mail},{_es_iban(i)}')
    _es_ids |= {
        ("email", mail),
        ("phone", phone),
        ("dob", _dobs[2 + i]),
        ("national_id", f"ES:{dni}"),
        ("iban", _es_iban(i)),
    }
ES = "\n".join(_es_rows)

# Italian: codice fiscale, +39 mobiles, IT IBANs
_it_cf = [_cf("SPSGLI71S48F839"), _cf("RCCMTT00B29H501"), _cf("BRNLCU88T52L219"), _cf("FRRNDR58E21D612")]
_it_rows = ["cognome|nome|codice_fiscale|data_di_nascita|cellulare|email|iban"]
_it_ids: set[tuple[str, str]] = set()
for i in range(4):
    y, m, d = _dobs[4 + i].split("-")
    phone = _valid("+39347", 1234567 + i * 4111, 7)
    mail = f"utente.{i}@libero.it"
    _it_rows.append(
        f"{_names[4 + i % 2][1]}|{_names[4 + i % 2][0]}|{_it_cf[i]}|{d}/{m}/{y}|{phone[3:]}|{mail}|{_it_iban(i)}"
    )
    _it_ids |= {
        ("email", mail),
        ("phone", phone),
        ("dob", _dobs[4 + i]),
        ("national_id", f"IT:{_it_cf[i]}"),
        ("iban", _it_iban(i)),
    }
IT = "\n".join(_it_rows)

# Dutch: +31 6 mobiles, NL IBANs, dd-mm-yyyy
_nl_rows = ["achternaam;voornaam;geboortedatum;e-mailadres;telefoonnummer;IBAN"]
_nl_ids: set[tuple[str, str]] = set()
for i in range(4):
    first, last = _names[6 + i % 2]
    y, m, d = _dobs[6 + i].split("-")
    phone = _valid("+316", 12345678 + i * 3331, 8)
    mail = f"{first.lower()}.{i}@ziggo.nl"
    _nl_rows.append(f"{last};{first};{d}-{m}-{y};{mail};06-{phone[4:]};{_nl_iban(i)}")
    _nl_ids |= {("email", mail), ("phone", phone), ("dob", _dobs[6 + i]), ("iban", _nl_iban(i))}
NL = "\n".join(_nl_rows)

# English (UK): NINO, +44 7 mobiles, dd/mm/yyyy
_uk_rows = ["Surname,Forename,DOB,Email Address,Mobile,NI Number"]
_uk_ids: set[tuple[str, str]] = set()
for i in range(4):
    first, last = _names[8 + i % 2]
    y, m, d = _dobs[8 + i].split("-")
    phone = _valid("+4479", 11234567 + i * 2221, 8)
    mail = f"{first.lower()}.{i}@btinternet.com"
    _uk_rows.append(f"{last},{first},{d}/{m}/{y},{mail},0{phone[3:7]} {phone[7:]},{_nino(i)}")
    _uk_ids |= {("email", mail), ("phone", phone), ("dob", _dobs[8 + i]), ("national_id", f"GB:{_nino(i)}")}
UK = "\n".join(_uk_rows)

# Belgian (Flemish): rijksregisternummer, +32 4 mobiles, BE IBANs
_be_rows = ["Naam;Voornaam;Rijksregisternummer;Geboortedatum;GSM;E-mail;Rekeningnummer"]
_be_ids: set[tuple[str, str]] = set()
for i in range(4):
    first, last = _names[10 + i % 2]
    y, m, d = _dobs[10 + i % 2].split("-")
    rrn = _be_rrn(f"{y[2:]}{m}{d}", 101 + i * 22)
    phone = _valid("+3247", 1234567 + i * 5557, 7)
    mail = f"{first.lower()}.{last.lower()}{i}@telenet.be"
    _be_rows.append(
        f"{last};{first};{rrn[:2]}.{rrn[2:4]}.{rrn[4:6]}-{rrn[6:9]}.{rrn[9:]};{d}/{m}/{y};0{phone[3:6]} {phone[6:8]} {phone[8:10]} {phone[10:]};{mail};{_be_iban(i)}"
    )
    _be_ids |= {
        ("email", mail),
        ("phone", phone),
        ("dob", _dobs[10 + i % 2]),
        ("national_id", f"BE:{rrn}"),
        ("iban", _be_iban(i)),
    }
BE = "\n".join(_be_rows)

FOREIGN = {
    "de": (DE, _de_ids),
    "es": (ES, _es_ids),
    "it": (IT, _it_ids),
    "nl": (NL, _nl_ids),
    "uk": (UK, _uk_ids),
    "be": (BE, _be_ids),
}
for lang, (text, ids) in FOREIGN.items():
    case(f"{lang}__control", text, ids)
    case(f"{lang}__md_fence", "```\n" + text + "\n```", ids)
    case(f"{lang}__nbsp_for_spaces", text.replace(" ", "\u00a0"), ids)
    case(f"{lang}__cp1252_bytes_crlf", text.replace("\n", "\r\n").encode("cp1252", errors="replace"), ids)
    case(f"{lang}__header_dropped", text.split("\n", 1)[1], ids)

# ---------------------------------------------------------------- sizes


case(
    "combo__one_line_among_1mb_of_text",
    ("lorem ipsum dolor sit amet " * 40000) + "\n" + "\n".join(BASES["combo"][0]),
    COMBO_IDS,
)
case("csv__after_a_1mb_single_line", ("x" * 1_050_000) + "\n" + CSV, CSV_IDS)
_records = [{"email": p.email, "phone": p.mobile, "birthdate": p.dob, "iban": p.iban} for p in PEOPLE]
_records[0] = {**_records[0], "avatar": "data:image/jpeg;base64," + "/9j/4AAQSkZJRgABAQ" * 60_000}
case("jsonl__one_line_array_over_1mb_avatar_in_first_record", json.dumps({"users": _records}), JSONL_IDS)


# ---------------------------------------------------------------- negatives: the same encodings and characters holding no one

_rnd = random.Random(5)
_blob = bytes(_rnd.randrange(256) for _ in range(6000))
negative(
    "random_bytes_base64_wrapped", "\n".join(base64.b64encode(_blob).decode()[i : i + 76] for i in range(0, 8000, 76))
)
negative(
    "random_bytes_hex_dump",
    "\n".join(f"{i * 16:08x}: " + " ".join(f"{b:02x}" for b in _blob[i * 16 : i * 16 + 16]) for i in range(300)),
)
negative(
    "sensor_csv_fullwidth_digits",
    "\n".join(
        ["ts;temp;hum;pressure"]
        + [
            f"{1764400000 + i * 60};{_rnd.uniform(10, 30):.2f};{_rnd.randrange(100)};{_rnd.randrange(950, 1050)}".translate(
                FW_DIGITS
            )
            for i in range(300)
        ]
    ),
)
negative(
    "order_ids_shaped_like_phones",
    "\n".join(
        f"CMD;{_rnd.randrange(10**9):09d};06{_rnd.randrange(10**8):08d}X;{_rnd.uniform(1, 300):.2f} EUR"
        for _ in range(100)
    ),
)
negative(
    "ansi_coloured_build_log",
    "\n".join(f"\x1b[32m[{i:04d}]\x1b[0m compiled module_{i}.o in {_rnd.randrange(1000)}ms" for i in range(200)),
)
negative("lottery_tickets_15_digits", "\n".join(f"Ticket {_rnd.randrange(10**14, 10**15)} - perdu" for _ in range(200)))

MISSED: dict[str, str] = {
    "csv__box_drawing_bar_separator": "25/33 found, lost dob x8",
    "csv__combining_low_line_digits": "9/33 found, lost dob x8, nir x8, phone x8",
    "csv__each_value_reversed_announced": "0/33 found, lost dob x8, email x9, nir x8, phone x8; false card x1, email x8, phone x2 (+33818281770, +33904195360, 613938875750101, moc.kooltuo@teu)",
    "csv__email_at_dot_words_spaced": "24/33 found, lost email x9",
    "csv__email_paren_a": "24/33 found, lost email x9",
    "csv__ideographic_comma_separator": "25/33 found, lost dob x8",
    "csv__letter_l_for_one_in_numbers": "22/33 found, lost nir x7, phone x4",
    "csv__letter_o_for_zero_in_numbers": "21/33 found, lost nir x8, phone x4",
    "csv__math_monospace_digits": "25/33 found, lost nir x8",
    "csv__small_commercial_at": "24/33 found, lost email x9",
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.85, "precision": 0.96}))
