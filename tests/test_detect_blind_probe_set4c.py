# ruff: noqa: E501  (a leak's line is kept whole, as it is posted)
"""Blind probe, set 4c: how a dump is dressed up or hidden on its way to a forum or a paste site.

Same people, harness and rules as `tests/test_detect_blind_probe_set4.py` (written apart from the
detector, wave 24, helper H): line endings and separators other than `\\n` (old Mac `\\r`, U+2028,
form feeds), a paste copied with its line numbers, a diff's `+`, a mail quote's `>`, a whole line
quoted by Excel, HTML that a React page or a WYSIWYG editor writes (`<!-- -->` between text nodes,
spans around each part, mailto links), one markup line at the head of a paste (wave 23's evasion,
in other tags), zero-width and bidi characters, digits spaced one by one, `AT`/`DOT` words, e-mails in
access-log URLs, gmail/googlemail/IDN canonical forms, UTF-16 without a BOM, concatenated files.
"""

from __future__ import annotations

import base64
import html
import json

from tests.test_detect_blind_probe_set4 import (
    K0,
    K1,
    K2,
    K3,
    K4,
    K5,
    K6,
    K7,
    K8,
    K9,
    K10,
    K11,
    P,
    Probe,
    fr,
    grouped,
    make_tests,
    many,
    spaced_nir,
)

SET = Probe("4c")
case = SET.case
negative = SET.negative

HEAD = "nom;prenom;date_naissance;email;telephone;nir"


def row(p: P) -> str:
    return f"{p.last};{p.first};{fr(p)};{p.email};{p.nat0};{p.nir}"


def rows(*people: P) -> list[str]:
    return [HEAD] + [row(p) for p in people]


T3 = (K1, K2, K3)
IDS3 = many(*T3)

# ---------------------------------------------------------------- line endings and separators

case("le_old_mac_cr_only", "\r".join(rows(*T3)) + "\r", IDS3)
case("le_unicode_line_separator", "\u2028".join(rows(*T3)), IDS3)
case("le_paragraph_separator", "\u2029".join(rows(*T3)), IDS3)
case("le_form_feed_between_pages", "\n".join(rows(K1, K2)) + "\n\f\n" + row(K3) + "\n", IDS3)
case("le_nel_u0085", "\u0085".join(rows(*T3)), IDS3)
case("le_mixed_crlf_lf_cr", HEAD + "\r\n" + row(K1) + "\n" + row(K2) + "\r" + row(K3) + "\r\n", IDS3)

case("le_double_cr_crlf", "\r\r\n".join(rows(*T3)) + "\r\r\n", IDS3)
case("le_blank_line_between_rows", "\n\n".join(rows(*T3)) + "\n", IDS3)
case("nl2br_each_line", "<br />\n".join(rows(*T3)) + "<br />\n", IDS3)
case("br_only_one_line", "<br>".join(rows(*T3)), IDS3)
case("json_array_of_csv_lines", json.dumps(rows(*T3), ensure_ascii=False), IDS3)
case(
    "textarea_in_html_form",
    '<form><textarea name="dump" rows="20">' + html.escape("\n".join(rows(*T3))) + "</textarea></form>",
    IDS3,
)

R6 = (K1, K2, K3, K4, K5, K6)
IDS6 = many(*R6)
case("le_space_only_line_between_rows", "\n \n".join(rows(*T3)) + "\n", IDS3)
case("le_blank_line_every_two_rows", "\n".join(r + ("\n" if i % 2 else "") for i, r in enumerate(rows(*R6))), IDS6)
case("le_blank_line_after_header", HEAD + "\n\n" + "\n".join(row(p) for p in T3), IDS3)
case("ascii_border_line_between_rows", "\n".join(x for r in rows(*R6) for x in (r, "-" * 60)), IDS6)
case("hash_line_between_rows", "\n".join(x for r in rows(*T3) for x in (r, "#")), IDS3)
case("editor_empty_paragraphs_between_rows", "<p>" + "</p><p><br></p><p>".join(rows(*T3)) + "</p>", IDS3)
case(
    "jsonl_blank_line_between_records",
    "\n\n".join(json.dumps({"email": p.email, "tel": p.nat0, "dob": p.dob}) for p in R6) + "\n",
    many(*R6, fields="email mobile dob"),
)
case(
    "combo_blank_line_between",
    "\n\n".join(f"{p.email}:{p.first}{p.dob[:4]}!" for p in R6) + "\n",
    many(*R6, fields="email"),
)

# ---------------------------------------------------------------- how a paste is copied

case("paste_line_numbers_dot", "\n".join(f"{n}. {line}" for n, line in enumerate(rows(*T3), start=1)), IDS3)
case("paste_line_numbers_gutter", "\n".join(f"{n:>4} | {line}" for n, line in enumerate(rows(*T3), start=1)), IDS3)
case(
    "git_diff_added_lines",
    "\n".join(
        [
            "diff --git a/data/clients.csv b/data/clients.csv",
            "new file mode 100644",
            "index 0000000..3f2a1b9",
            "--- /dev/null",
            "+++ b/data/clients.csv",
            "@@ -0,0 +1,4 @@",
        ]
        + ["+" + line for line in rows(*T3)]
    ),
    IDS3,
)
case("mail_quote_prefix", "Le 03/12/2026 à 18:02, x a écrit :\n" + "\n".join("> " + line for line in rows(*T3)), IDS3)
case("mail_double_quote_prefix", "\n".join(">> " + line for line in rows(*T3)), IDS3)
case("excel_whole_line_quoted", "\n".join('"' + line.replace(";", ",") + '"' for line in rows(*T3)), IDS3)
case("markdown_code_fence_csv", "Free sample, full db in DM\n\n```csv\n" + "\n".join(rows(*T3)) + "\n```\n", IDS3)
case("bbcode_code_tag", "[b]FR medical 2026[/b]\n[code]\n" + "\n".join(rows(*T3)) + "\n[/code]", IDS3)
case("concatenated_files_with_boms", "\ufeff" + "\n".join(rows(K1, K2)) + "\n\ufeff" + "\n".join(rows(K3)) + "\n", IDS3)
case("trailing_spaces_padding", "\n".join(line + " " * 120 for line in rows(*T3)), IDS3)
case("utf16le_no_bom_bytes", "\r\n".join(rows(*T3)).encode("utf-16-le"), IDS3)
case(
    "box_drawing_rich_table",
    "\n".join(
        ["┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓"]
        + [
            "│ " + line.replace(";", " │ ").replace(";", "") + " │"
            for line in [HEAD.rsplit(";", 1)[0]] + [row(p).rsplit(";", 1)[0] for p in (K9, K10, K11)]
        ]
        + ["└─────────┴─────────┴────────────┴───────────────────────────┴────────────┘"]
    ),
    many(K9, K10, K11, fields="email mobile dob"),
)
case("smart_quotes_cells", "\n".join(";".join(f"\u201c{c}\u201d" for c in line.split(";")) for line in rows(*T3)), IDS3)
case("header_in_russian", "фамилия;имя;дата_рождения;почта;телефон;номер\n" + "\n".join(row(p) for p in T3), IDS3)

# ---------------------------------------------------------------- a combo list dressed by a checker or a Telegram channel
_COMBO = [f"{p.email}:{p.first}{p.dob[:4]}!" for p in R6]
_COMBO_IDS = many(*R6, fields="email")
_COMBO_CREDS = {("credential", line) for line in _COMBO[:2]}
case("combo_checkmark_prefix", "\n".join("✅ " + line for line in _COMBO), _COMBO_IDS, recall_only=_COMBO_CREDS)
case(
    "combo_checker_hits_plus_prefix",
    "\n".join(["Checked by OpenBullet — 6 hits"] + [f"[+] {line} | Plan = Premium" for line in _COMBO]),
    _COMBO_IDS,
    recall_only=_COMBO_CREDS,
)
case("combo_valid_suffix", "\n".join(line + " [VALID]" for line in _COMBO), _COMBO_IDS, recall_only=_COMBO_CREDS)
case("combo_bullet_prefix", "\n".join("* " + line for line in _COMBO), _COMBO_IDS, recall_only=_COMBO_CREDS)
case(
    "combo_line_numbers_space",
    "\n".join(f"{n} {line}" for n, line in enumerate(_COMBO, start=1)),
    _COMBO_IDS,
    recall_only=_COMBO_CREDS,
)
case(
    "combo_line_numbers_dot_control",
    "\n".join(f"{n}. {line}" for n, line in enumerate(_COMBO, start=1)),
    _COMBO_IDS,
    recall_only=_COMBO_CREDS,
)
case("csv_rows_live_suffix", "\n".join(line + " | LIVE" for line in rows(*R6)), IDS6)

# ---------------------------------------------------------------- a labelled dox copied from a two-column table


def _dox_blocks(sep: str, labels: tuple[str, str, str, str, str]) -> str:
    return "\n\n".join(
        "\n".join(
            [
                f"{labels[0]}{sep}{p.first} {p.last}",
                f"{labels[1]}{sep}{fr(p)}",
                f"{labels[2]}{sep}{p.nat}",
                f"{labels[3]}{sep}{p.email}",
                f"{labels[4]}{sep}{spaced_nir(p.nir)}",
            ]
        )
        for p in (K0, K1, K2)
    )


_FR_LABELS = ("Nom", "Né le", "Tel", "Email", "NIR")
case("dox_label_tab_value_fr", _dox_blocks("\t", _FR_LABELS), many(K0, K1, K2))
case("dox_label_pipe_value_fr", _dox_blocks(" | ", _FR_LABELS), many(K0, K1, K2))
case("dox_label_arrow_value_en", _dox_blocks(": ➤ ", ("Name", "DOB", "Phone", "Email", "SSN")), many(K0, K1, K2))
case("dox_label_colon_value_fr_control", _dox_blocks(" : ", _FR_LABELS), many(K0, K1, K2))

# ---------------------------------------------------------------- one markup line at the head (wave 23's evasion, other tags)

case("head_bold_tag_line", "<b>FRESH FR 2026</b>\n" + "\n".join(rows(*T3)), IDS3)
case("head_img_tag_line", '<img src="https://i.imgur.example/x.png">\n' + "\n".join(rows(*T3)), IDS3)
case("head_html_comment_line", "<!-- sample -->\n" + "\n".join(rows(*T3)), IDS3)
case("head_nbsp_entity_line", "&nbsp;\n" + "\n".join(rows(*T3)), IDS3)
case("tail_closing_div_line", "\n".join(rows(*T3)) + "\n</div>", IDS3)
case("middle_hr_line", "\n".join(rows(K1, K2)) + "\n<hr>\n" + row(K3), IDS3)
case("head_p_tag_wraps_first_row", "<p>" + HEAD + "\n" + "\n".join(row(p) for p in T3) + "</p>", IDS3)

# ---------------------------------------------------------------- HTML as editors and frameworks write it

case(
    "react_ssr_comment_text_nodes",
    "<table><tbody>"
    + "".join(
        f"<tr><td>{p.last}</td><td>{p.first}</td><td>{fr(p)}</td><td>{p.email.split('@')[0]}<!-- -->@<!-- -->{p.email.split('@')[1]}</td><td>{p.nat[:2]}<!-- --> <!-- -->{p.nat[3:]}</td></tr>"
        for p in (K4, K5, K6)
    )
    + "</tbody></table>",
    many(K4, K5, K6, fields="email mobile dob"),
)
case(
    "spans_around_each_part",
    "<div class='leak'>"
    + "".join(
        f"<p><span>{p.email.split('@')[0]}</span><span>@</span><span>{p.email.split('@')[1]}</span> &mdash; <span>{p.nat}</span></p>"
        for p in (K7, K8, K9)
    )
    + "</div>",
    many(K7, K8, K9, fields="email mobile"),
)
case(
    "mailto_links_masked_text",
    "<ul>"
    + "".join(
        f'<li>{p.first} {p.last} — <a href="mailto:{p.email}">écrire</a> — <a href="tel:{p.mobile}">appeler</a></li>'
        for p in (K10, K11, K3)
    )
    + "</ul>",
    many(K10, K11, K3, fields="email mobile"),
)
case(
    "html_escaped_dump_in_pre",
    "<pre>" + html.escape("\n".join(f'{p.last} <{p.email}> "{p.nat}" & {fr(p)}' for p in (K0, K1, K2))) + "</pre>",
    many(K0, K1, K2, fields="email mobile dob"),
)

_PAGE = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>paste #8812</title></head><body>{}</body></html>"
_CSV6 = "\n".join(rows(*R6))
case("page_dump_in_html_comment", _PAGE.format("<p>Sample below (view source)</p><!--\n" + _CSV6 + "\n-->"), IDS6)
case(
    "page_dump_in_noscript",
    _PAGE.format("<div id='app'></div><noscript><pre>" + html.escape(_CSV6) + "</pre></noscript>"),
    IDS6,
)
case(
    "page_dump_in_next_data_json",
    _PAGE.format(
        '<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">'
        + json.dumps({"props": {"pageProps": {"paste": {"id": "8812", "content": _CSV6}}}})
        + "</script>"
    ),
    IDS6,
)
case(
    "page_code_line_spans_without_newlines",
    _PAGE.format(
        "<pre><code>"
        + "".join(f'<span class="line">{html.escape(line)}</span>' for line in rows(*R6))
        + "</code></pre>"
    ),
    IDS6,
)

# ---------------------------------------------------------------- characters that hide a value

ZW = "\u200b"
case(
    "zwsp_inside_nir_and_iban",
    "nom;nir;iban\n" + "\n".join(f"{p.last};{p.nir[:7]}{ZW}{p.nir[7:]};{p.iban[:10]}{ZW}{p.iban[10:]}" for p in T3),
    many(*T3, fields="nir iban"),
)
case(
    "word_joiner_u2060_phones",
    "Liste VIP\n" + "\n".join(f"{p.first} {p.last} : {p.nat.replace(' ', chr(0x2060))}" for p in (K4, K5, K6)),
    many(K4, K5, K6, fields="mobile"),
)
case(
    "every_digit_spaced_phones",
    "tel des cibles :\n" + "\n".join(f"{p.first} {p.last} — {' '.join(p.nat0)}" for p in (K7, K8, K9)),
    many(K7, K8, K9, fields="mobile"),
)
case(
    "at_dot_capital_words",
    "contacts:\n"
    + "\n".join(f"{p.email.split('@')[0]} AT {p.email.split('@')[1].replace('.', ' DOT ')}" for p in (K1, K5, K6)),
    many(K1, K5, K6, fields="email"),
)
case(
    "bidi_override_reversed_emails",
    "emails:\n" + "\n".join("\u202e" + p.email[::-1] + "\u202c" for p in (K2, K3, K4)),
    many(K2, K3, K4, fields="email"),
)
case(
    "reversed_emails_announced",
    "all mails reversed (read right to left, anti-bot):\n" + "\n".join(p.email[::-1] for p in (K5, K6, K7)),
    many(K5, K6, K7, fields="email"),
)
case(
    "rot13_block_announced",
    "rot13 pour les bots:\n"
    + "\n".join(
        p.email.translate(str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm"))
        for p in (K8, K10, K11)
    ),
    many(K8, K10, K11, fields="email"),
)
case(
    "base64_each_email_cell",
    "id,email_b64,phone\n"
    + "\n".join(f"{n},{base64.b64encode(p.email.encode()).decode()},{p.mobile}" for n, p in enumerate((K1, K2, K3))),
    many(K1, K2, K3, fields="email mobile"),
)
case(
    "nir_key_apart_with_cle",
    "\n".join(
        f"{p.last.upper()} {p.first} — NIR {spaced_nir(p.nir)[:-3]} clé {p.nir[-2:]} — né le {fr(p)}"
        for p in (K4, K5, K6)
    ),
    many(K4, K5, K6, fields="nir dob"),
)
case(
    "nir_corsica_lowercase_b",
    "nom;nir\n"
    + f"{K2.last};{spaced_nir(K2.nir).lower()}\n{K1.last};{spaced_nir(K1.nir)}\n{K3.last};{spaced_nir(K3.nir)}",
    many(K1, K2, K3, fields="nir"),
)
case(
    "iban_wrapped_mid_value",
    "RIB des mules:\n"
    + "\n".join(f"{p.first} {p.last}\n{grouped(p.iban)[:20]}\n{grouped(p.iban)[20:]}" for p in (K7, K8)),
    many(K7, K8, fields="iban"),
)
case(
    "emails_in_access_log_urls",
    "\n".join(
        f'203.0.113.{n} - - [04/Dec/2026:21:1{n}:03 +0100] "GET /account/reset?email={p.email.replace("@", "%40")}&token=9f{n}a7c HTTP/1.1" 302 0 "-" "Mozilla/5.0"'
        for n, p in enumerate((K4, K5, K7))
    ),
    many(K4, K5, K7, fields="email"),
)


def fancy(text: str, digit0: int, lower_a: int | None = None, upper_a: int | None = None) -> str:
    """Telegram 'fancy text': ASCII letters and digits as Mathematical Alphanumeric Symbols (NFKC gives them back)."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isdigit():
            out.append(chr(digit0 + int(ch)))
        elif lower_a is not None and "a" <= ch <= "z":
            out.append(chr(lower_a + ord(ch) - 97))
        elif upper_a is not None and "A" <= ch <= "Z":
            out.append(chr(upper_a + ord(ch) - 65))
        else:
            out.append(ch)
    return "".join(out)


case("fancy_math_bold_digits_csv", fancy(_CSV6, 0x1D7CE), IDS6)
case(
    "fancy_math_sans_bold_dox",
    fancy(
        "\n".join(f"👤 {p.first} {p.last}\n🎂 {fr(p)}\n📞 {p.nat}\n📧 {p.email}" for p in (K0, K1)),
        0x1D7EC,
        0x1D5EE,
        0x1D5D4,
    ),
    many(K0, K1, fields="email mobile dob"),
)

# ---------------------------------------------------------------- attachments named for something else (expand_attachment)


def _csv_bytes() -> bytes:
    return ("\n".join(rows(*T3)) + "\n").encode()


def _zip(data: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("clients.csv", data)
    return buf.getvalue()


_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(600) + b"\xff\xd9"
case("att_csv_named_dat_control", _csv_bytes(), IDS3, filename="clients.dat")
case("att_zip_renamed_jpg", _zip(_csv_bytes()), IDS3, filename="photo_profil.jpg")
case("att_jpeg_zip_polyglot", _JPEG + _zip(_csv_bytes()), IDS3, filename="preview.jpg")
case("att_gzip_named_txt", __import__("gzip").compress(_csv_bytes(), mtime=0), IDS3, filename="clients.txt")
case("att_csv_named_pdf", _csv_bytes(), IDS3, filename="facture_2026.pdf")
case("att_csv_named_xlsx", _csv_bytes(), IDS3, filename="clients.xlsx")
case("att_csv_named_html", _csv_bytes(), IDS3, filename="index.html")

# ---------------------------------------------------------------- canonical forms

case(
    "gmail_plus_tag_mixed_case",
    "email,nom\nLea.Girard+promo@GMail.com,Girard\nKarim.Benali+shop@gmail.com,Benali\nnathan.blanc@free.fr,Blanc",
    {
        ("email", "lea.girard+promo@gmail.com"),
        ("email", "leagirard@gmail.com"),
        ("email", "karim.benali+shop@gmail.com"),
        ("email", "karimbenali@gmail.com"),
        ("email", K3.email),
    },
)
case(
    "googlemail_domain",
    "email;tel\nlea.girard@googlemail.com;"
    + K0.nat0
    + "\n"
    + K1.email
    + ";"
    + K1.nat0
    + "\n"
    + K2.email
    + ";"
    + K2.nat0,
    {("email", "lea.girard@googlemail.com"), ("email", "leagirard@gmail.com"), ("phone", K0.mobile)}
    | many(K1, K2, fields="email mobile"),
)
case(
    "idn_domain_email",
    "nom;email\nMercier;camille@société.fr\nFaure;" + K1.email + "\nBlanc;" + K3.email,
    {("email", "camille@xn--socit-esab.fr"), ("email", K1.email), ("email", K3.email)},
)


# Found on both engines alike (2026-12-05, wave 24); one reason each, as seen from outside.
MISSED: dict[str, str] = {
    "csv_rows_live_suffix": "CSV rows ending in ` | LIVE`: most identifiers lost",
    "fancy_math_bold_digits_csv": "digits as Mathematical Bold (U+1D7CE..): phones and dobs read, NIRs lost",
    "fancy_math_sans_bold_dox": "Telegram fancy text (math sans-serif bold letters and digits): e-mails lost",
    "smart_quotes_cells": "cells in “curly quotes”: no dob",
    "json_array_of_csv_lines": "a JSON array of CSV lines: nothing",
    "excel_whole_line_quoted": "each line quoted whole by Excel: no dob",
    "mailto_links_masked_text": "mailto:/tel: hrefs under other link text: nothing",
    "bidi_override_reversed_emails": "RLO + reversed e-mails: reversed strings read as e-mails (.nahtan TLD)",
    "reversed_emails_announced": "reversed e-mails: read as e-mails with TLDs that do not exist (.sacul)",
    "rot13_block_announced": "rot13 e-mails: read as e-mails (.se is real here)",
    "base64_each_email_cell": "an `email_b64` column: e-mails not decoded",
    "nir_key_apart_with_cle": "`NIR 1 67 08 57 396 753 clé 83 — né le dd/mm/yyyy`: nothing",
    "iban_wrapped_mid_value": "an IBAN wrapped after its 5th group: missed",
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.52, "precision": 0.97}))

if __name__ == "__main__":
    SET.report()
