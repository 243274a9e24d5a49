"""Dumps whole but wrapped in another encoding or page structure (wave 26, blind probe set 5).

A dump inside a JSON string (a paste site's API, a scraped export, a chat's JSON: `"content":
"nom;prenom\\n..."` on one line) was read only when it was a delimited file: a combo list, a
labelled dox, a stealer log, a mysqldump or vCards in the string gave nothing (or values glued to
the escapes). Here the dump's layout, the JSON around it (where the string stands, nesting,
escapes, pretty or one line, several strings), French and English vary, through `detect()` and
`detect_many` (the crawl's path); JSON whose strings hold chatter, code or logs stays clean.
"""

from __future__ import annotations

import html
import json
import quopri
from collections.abc import Callable
from urllib.parse import quote

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, both_engines, native_engine

KEY = MatchKey(b"\x6e" * 32, version=1)

# (last, first, dob fr, e-mail, phone, NIR with its key): synthetic
PEOPLE = [
    ("ROUSSEL", "Inès", "17/02/1984", "ines.roussel@orange.fr", "0681548454", "284026943312841"),
    ("LAMBERT", "Hugo", "05/07/1961", "hugo.lambert@orange.fr", "0738731272", "161071350418145"),
    ("VIDAL", "Chloé", "28/10/1999", "chloe.vidal@free.fr", "0635914090", "299103157523471"),
    ("MARCHAND", "Antoine", "14/05/2001", "antoine.marchand@hotmail.fr", "0737462544", "101057578839316"),
    ("FAURE", "Mathis", "11/10/1958", "mathis.faure@laposte.net", "0651327408", None),
    ("GIRARD", "Léa", "23/04/1986", "lea.girard@sfr.fr", "0619911482", None),
]
EMAILS = {p[3] for p in PEOPLE}
PHONES = {"+33" + p[4][1:] for p in PEOPLE}


def _spaced(phone: str) -> str:
    return " ".join(phone[i : i + 2] for i in range(0, 10, 2))


# the dumps: (lines, identifier types every person's line gives)
LAYOUTS: dict[str, Callable[[], list[str]]] = {
    "combo": lambda: [f"{p[3]}:{p[1][:3]}{p[2][-2:]}!x#{i}" for i, p in enumerate(PEOPLE)],
    "combo_semicolon": lambda: [f"{p[3]};Pass{p[2][-4:]}" for p in PEOPLE],
    "csv": lambda: ["nom;prenom;date_naissance;email;telephone"] + [";".join(p[:5]) for p in PEOPLE],
    "dox_fr": lambda: [
        line
        for p in PEOPLE
        for line in (
            "════ DOX ════",
            f"Nom : {p[0]}",
            f"Prénom : {p[1]}",
            f"Date de naissance : {p[2]}",
            f"Téléphone : {_spaced(p[4])}",
            f"Email : {p[3]}",
            "",
        )
    ],
    "dox_en": lambda: [
        line
        for p in PEOPLE
        for line in (f"Full name: {p[1]} {p[0].title()}", f"DOB: {p[2]}", f"Phone: {p[4]}", f"E-mail: {p[3]}", "")
    ],
    "stealer": lambda: [
        line
        for i, p in enumerate(PEOPLE)
        for line in (
            "===============",
            f"URL: https://accounts.example-{i}.com/login",
            f"Username: {p[3]}",
            f"Password: Pw{p[4][-4:]}!{i}",
            "Application: Google_[Chrome]_Default",
        )
    ],
    "sql": lambda: (
        ["INSERT INTO `clients` (`id`, `nom`, `email`, `tel`, `naissance`) VALUES"]
        + [
            f"({100 + i},'{p[0]}','{p[3]}','{p[4]}','{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}')" + ("," if i < 5 else ";")
            for i, p in enumerate(PEOPLE)
        ]
    ),
    "vcf": lambda: [
        line
        for p in PEOPLE
        for line in (
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{p[1]} {p[0].title()}",
            f"EMAIL;TYPE=INTERNET:{p[3]}",
            f"TEL;TYPE=CELL:{_spaced(p[4])}",
            "END:VCARD",
        )
    ],
}
# what each layout gives: its e-mails always; phones where the layout has them
WANT_PHONES = {"csv", "dox_fr", "dox_en", "sql", "vcf"}

# the JSON around the dump's text
WRAPPERS: dict[str, Callable[[str], str]] = {
    "paste_api": lambda t: json.dumps({"id": "aB3xK9", "syntax": "text", "expire": "1w", "content": t}),
    "paste_api_utf8": lambda t: json.dumps({"key": "k1", "content": t, "views": 12}, ensure_ascii=False),
    "first_key": lambda t: json.dumps({"text": t, "id": 7, "author": "seller"}),
    "nested": lambda t: json.dumps({"ok": True, "result": {"paste": {"title": "sample", "body": t}}}),
    "crlf_in_string": lambda t: json.dumps({"content": t.replace("\n", "\r\n")}),
    "messages_array": lambda t: json.dumps(
        [{"id": 1, "text": "voici l'échantillon"}, {"id": 2, "text": t}, {"id": 3, "text": "dm pour le reste"}]
    ),
    "pretty": lambda t: json.dumps({"status": "ok", "data": {"content": t, "lang": "fr"}}, indent=2),
    "jsonl_chunks": lambda t: "\n".join(
        json.dumps({"chunk": k, "content": "\n".join(t.split("\n")[k * 12 : k * 12 + 12])})
        for k in range(len(t.split("\n")) // 12 + 1)
        if t.split("\n")[k * 12 : k * 12 + 12]
    ),
    "chatter_around": lambda t: (
        "regardez ce que renvoie leur API :\n" + json.dumps({"content": t}) + "\nle reste en MP"
    ),
}


def _ids(frags: list) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _check(text: str, layout: str, frags: list) -> None:
    got = _ids(frags)
    emails = {v for t, v in got if t == "email"}
    assert EMAILS <= emails, sorted(EMAILS - emails)
    assert emails <= EMAILS, f"false e-mails {sorted(emails - EMAILS)}"
    if layout in WANT_PHONES:
        phones = {v for t, v in got if t == "phone"}
        assert phones == PHONES, (sorted(PHONES - phones), sorted(phones - PHONES))


@pytest.mark.parametrize("wrapper", sorted(WRAPPERS))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_dump_in_a_json_string_is_read(layout: str, wrapper: str) -> None:
    text = WRAPPERS[wrapper]("\n".join(LAYOUTS[layout]()))
    _check(text, layout, detect(text, key=KEY))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_crawls_path_reads_them_too(layout: str) -> None:
    """`detect_many` over a batch of such posts among ordinary ones, as text and as bytes."""
    posts = ["salut, quelqu'un a un lien ?", *(WRAPPERS[w]("\n".join(LAYOUTS[layout]())) for w in sorted(WRAPPERS))]
    for batch in (posts, [p.encode() for p in posts]):
        got = detect_many(batch, key=KEY)
        assert got[0] == []
        for item, frags in zip(batch[1:], got[1:], strict=True):
            assert frags == detect(item, key=KEY)
            _check(str(item), layout, frags)


native = pytest.fixture(scope="module")(native_engine)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_both_engines_give_the_same_fragments(native: object, layout: str) -> None:
    for w in ("paste_api", "messages_array", "pretty"):
        ref, got = both_engines(WRAPPERS[w]("\n".join(LAYOUTS[layout]())).encode(), KEY)
        assert_same_fragments(ref, got, f"{layout} in {w}")


# JSON whose strings hold several lines of what is no one's data
NEGATIVES = {
    "forum_post_about_a_leak": json.dumps(
        {
            "topic": 4411,
            "cooked": "Encore une fuite chez un opérateur.\nIls disent que 3 millions de clients sont touchés"
            " (e-mail, téléphone, date de naissance).\nChangez vos mots de passe, activez la 2FA.\n"
            "Source : le communiqué du 02/12/2026, contact presse 01 23 45 67 89 ?",
        }
    ),
    "stack_trace": json.dumps(
        {
            "level": "error",
            "msg": 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 88, in login\n'
            "    user = User.objects.get(email=form.cleaned_data['email'])\n"
            "DoesNotExist: User matching query does not exist.\n",
            "ts": 1764400000,
        }
    ),
    "code_snippet": json.dumps(
        {
            "lang": "python",
            "code": "def total(rows):\n    s = 0\n    for r in rows:\n        s += r['amount'] * 1.2\n    return s\n",
        }
    ),
    "sensor_log": json.dumps(
        {"device": "th-12", "log": "\n".join(f"2026-12-0{1 + k % 5} 12:{k:02d};21.{k};{1000 + k}" for k in range(30))}
    ),
    "release_notes": json.dumps(
        {"version": "4.2.0", "notes": "- faster export\n- fix: dates like 17/02/1984 shown as US\n- new API keys"}
    ),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_json_strings_of_no_ones_data_stay_clean(name: str) -> None:
    strict = {"email", "phone", "nir", "iban", "card", "dob"}
    assert {x for x in _ids(detect(NEGATIVES[name], key=KEY)) if x[0] in strict} == set()


# ---------------------------------------------------------------- a file printed as a literal, rows glued by `\n`

_CSV_TEXT = "\n".join(LAYOUTS["csv"]())
LITERALS: dict[str, str] = {
    "python_bytes_repr": repr(_CSV_TEXT.encode()),
    "python_bytes_repr_cp1252": repr(_CSV_TEXT.encode("cp1252")),
    "python_str_repr": repr(_CSV_TEXT),
    "python_str_repr_tabs": repr(_CSV_TEXT.replace(";", "\t")),
    "python_bytes_repr_crlf": repr(_CSV_TEXT.replace("\n", "\r\n").encode()),
    "print_of_a_list_item": "DEBUG rows = " + repr(_CSV_TEXT.encode()).join(["", ""]),
    "glued_semicolons": _CSV_TEXT.replace("\n", "\\n"),
    "glued_pipes": _CSV_TEXT.replace(";", "|").replace("\n", "\\n"),
    "glued_tabs_escaped": _CSV_TEXT.replace(";", "\\t").replace("\n", "\\n"),
    "glued_crlf_escaped": _CSV_TEXT.replace("\n", "\\r\\n"),
    "glued_after_a_log_prefix": "2026-12-05 08:00:01 INFO body=" + _CSV_TEXT.replace("\n", "\\n"),
}
# (the log prefix joins the header: the header's names are read from the first piece all the same)


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_a_file_printed_as_a_literal_or_glued_by_escapes_is_read(name: str) -> None:
    text = "voilà ce que le script affiche :\n" + LITERALS[name] + "\nbon courage"
    _check(text, "csv", detect(text, key=KEY))
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


ESCAPED_NEGATIVES = {
    "windows_paths": "copié depuis C:\\new\\nathalie\\notes\\n2026\\nouveau dossier\\numeros a rappeler.txt ok",
    "python_source": 'print("total:\\n%d\\n" % n)  # 06 12 34 56 78 is the support line, see README\\n',
    "regex_in_a_config": "pattern = ^(\\n|\\r\\n|;)+$ ; separators = ;,| ; max = 100000000 ; \\n\\n end",
    "latex": "\\newcommand{\\nom}{Dupont}\\n\\newcommand{\\numero}{0612345678}\\n\\noindent texte de 2026",
}


@pytest.mark.parametrize("name", sorted(ESCAPED_NEGATIVES))
def test_escapes_in_other_text_are_left_as_they_are(name: str) -> None:
    strict = {"email", "phone", "nir", "iban", "card", "dob"}
    frags = detect(ESCAPED_NEGATIVES[name], key=KEY)
    assert {x for x in _ids(frags) if x[0] in strict and x[1] != "+33612345678"} == set()


# ---------------------------------------------------------------- a dump in one quoted cell of a CSV export


def _export(body: str, sep: str = ",", last: bool = True) -> str:
    cell = '"' + body.replace('"', '""') + '"'
    if last:
        rows = ["id,author,content", f"1,seller,{cell}", "2,buyer,merci"]
    else:
        rows = ["id,content,author,date", f"1,{cell},seller,2026-12-01", "2,merci,buyer,2026-12-02"]
    return "\n".join(r.replace(",", sep) if sep != "," else r for r in rows)


CELL_CASES = {
    "combo_last_cell": (_export("\n".join(LAYOUTS["combo"]())), "combo"),
    "sql_last_cell": (_export("\n".join(LAYOUTS["sql"]())), "sql"),
    "csv_last_cell_semicolon_export": (_export(_CSV_TEXT, sep=";"), "csv"),
    "dox_middle_cell": (_export("\n".join(LAYOUTS["dox_fr"]()).replace("\n\n", "\n"), last=False), "dox_fr"),
    "json_lines_with_doubled_quotes": (
        _export("\n".join(json.dumps({"email": p[3], "tel": p[4], "name": p[1]}) for p in PEOPLE)),
        "combo",
    ),
    "stealer_tab_export": (_export("\n".join(LAYOUTS["stealer"]()), sep="\t"), "stealer"),
}


@pytest.mark.parametrize("name", sorted(CELL_CASES))
def test_a_dump_in_one_cell_of_an_export_is_read(name: str) -> None:
    text, layout = CELL_CASES[name]
    _check(text, layout, detect(text, key=KEY))
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


@pytest.mark.parametrize("name", sorted(CELL_CASES) + sorted(LITERALS))
def test_both_engines_agree_on_cells_and_literals(native: object, name: str) -> None:
    text = CELL_CASES[name][0] if name in CELL_CASES else LITERALS[name]
    ref, got = both_engines(text.encode(), KEY)
    assert_same_fragments(ref, got, name)


def test_a_record_whose_note_holds_one_phone_is_still_one_record() -> None:
    """A CRM export's note of a few lines, one of them with a phone: the record is joined as before
    (its e-mail and the note's phone in one fragment, the header's names kept)."""
    text = "\n".join(
        [
            "nom;email;telephone;note",
            'ROUSSEL;ines.roussel@orange.fr;0681548454;"Rappel demandé.\nNouveau numéro 06 19 91 14 82\nà vérifier"',
            'LAMBERT;hugo.lambert@orange.fr;0738731272;"RAS"',
            'VIDAL;chloe.vidal@free.fr;0635914090;"client fidèle"',
        ]
    )
    frags = detect(text, key=KEY)
    assert len(frags) == 1 and frags[0].start_line == 1 and frags[0].end_line == 6
    assert {"+33681548454", "+33619911482", "+33738731272"} <= {v for t, v in _ids(frags) if t == "phone"}


# ---------------------------------------------------------------- leak-site page layouts

HEADER = ["Nom", "Prénom", "Né(e) le", "Email", "Téléphone"]


def _cells(p: tuple) -> list[str]:
    return [p[0].title(), p[1], p[2], p[3], _spaced(p[4])]


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Clinique du Parc</title></head><body>'
        '<nav><a href="/">Home</a> <a href="/victims">Victims</a></nav><h1>Clinique du Parc</h1>'
        f"<p>Published 2026-11-30. Sample below.</p>{body}<footer>contact: tox chat only</footer></body></html>"
    )


def _grid(cell: str, row: str = "div", header: bool = True, cls: str = "row") -> str:
    rows = ([HEADER] if header else []) + [_cells(p) for p in PEOPLE]
    return _page(
        '<div class="sample">'
        + "".join(f'<{row} class="{cls}">' + "".join(f"<{cell}>{c}</{cell}>" for c in r) + f"</{row}>" for r in rows)
        + "</div>"
    )


def _hidden(style: str) -> str:
    def junk(v: str) -> str:
        return v[:3] + f"<span {style}>x9</span>" + v[3:] if len(v) > 8 else v

    return _page(
        "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + "</tr>"
        + "".join("<tr>" + "".join(f"<td>{junk(c)}</td>" for c in _cells(p)) + "</tr>" for p in PEOPLE)
        + "</table>"
    )


def _cf(addr: str, key: int) -> str:
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in addr)


def _cf_page(tag: str) -> str:
    def cell(p: tuple, c: str, k: int) -> str:
        if c != p[3]:
            return c
        href = ' href="/cdn-cgi/l/email-protection"' if tag == "a" else ""
        return f'<{tag}{href} class="__cf_email__" data-cfemail="{_cf(c, 0x21 + 7 * k)}">[email&#160;protected]</{tag}>'

    return _page(
        "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + "</tr>"
        + "".join(
            "<tr>" + "".join(f"<td>{cell(p, c, k)}</td>" for c in _cells(p)) + "</tr>" for k, p in enumerate(PEOPLE)
        )
        + "</table>"
    )


def _dl(labels: tuple[str, str, str, str], one_list: bool = False) -> str:
    cards = [
        f"<dt>{labels[0]}</dt><dd>{p[0].title()} {p[1]}</dd><dt>{labels[1]}</dt><dd>{p[2]}</dd>"
        f"<dt>{labels[2]}</dt><dd>{p[3]}</dd><dt>{labels[3]}</dt><dd>{_spaced(p[4])}</dd>"
        for p in PEOPLE
    ]
    body = "<dl>" + "".join(cards) + "</dl>" if one_list else "".join(f"<dl>{c}</dl>" for c in cards)
    return "<h2>Échantillon</h2>" + body


_RECORDS = [dict(zip(["nom", "prenom", "date_naissance", "email", "telephone"], p[:5], strict=True)) for p in PEOPLE]


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


PAGES: dict[str, str] = {
    "grid_spans": _grid("span"),
    "grid_divs": _grid("div"),
    "grid_paragraphs_no_header": _grid("p", header=False),
    "grid_spans_in_list_items": _grid("span", row="li", cls="item").replace('<div class="sample">', "<ul>"),
    "dl_a_card_each_fr": _dl(("Nom", "Naissance", "Email", "Tel")),
    "dl_a_card_each_labels_with_colons": _dl(("Nom :", "Date de naissance :", "E-mail :", "Téléphone :")),
    "dl_one_list_en": _dl(("Name", "Date of birth", "Email", "Phone"), one_list=True),
    "hidden_display_none": _hidden('style="display:none"'),
    "hidden_display_none_spaced": _hidden('style="color:red; display : none"'),
    "hidden_visibility": _hidden('style="visibility:hidden"'),
    "hidden_font": _hidden('style="display:none"').replace("<span ", "<font ").replace("</span>", "</font>"),
    "cloudflare_links": _cf_page("a"),
    "cloudflare_spans": _cf_page("span"),
    "cloudflare_link_fragments": _page(
        "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + "</tr>"
        + "".join(
            "<tr>"
            + "".join(
                f'<td><a href="/cdn-cgi/l/email-protection#{_cf(c, 0x5A)}">[email&#160;protected]</a></td>'
                if c == p[3]
                else f"<td>{c}</td>"
                for c in _cells(p)
            )
            + "</tr>"
            for p in PEOPLE
        )
        + "</table>"
    ),
    "spa_initial_state": _page(
        f"<div id=app></div><script>window.__INITIAL_STATE__ = {json.dumps({'victim': {'sample': _RECORDS}})};</script>"
    ),
    "spa_var_data": _page(f"<script>\n  var __DATA__={json.dumps(_RECORDS, ensure_ascii=False)}\n</script>"),
    "spa_json_parse": _page(
        f"<script>self.__STATE__ = JSON.parse({json.dumps(json.dumps({'rows': _RECORDS}))});</script>"
    ),
    "data_uri_base64_csv": _page(
        f'<a href="data:text/csv;base64,{_b64(_CSV_TEXT)}" download="sample.csv">Download sample</a>'
    ),
    "data_uri_percent_text": _page('<a href="data:text/plain;charset=utf-8,' + quote(_CSV_TEXT) + '">sample</a>'),
    "data_uri_json": _page(f'<a href="data:application/json;base64,{_b64(json.dumps(_RECORDS))}">sample.json</a>'),
    "svg_text_lines": _page(
        '<svg width="900" height="200">'
        + "".join(f'<text x="0" y="{20 * (i + 1)}">{line}</text>' for i, line in enumerate(_CSV_TEXT.split("\n")))
        + "</svg>"
    ),
    "json_api_with_the_page": json.dumps({"victim": "Clinique du Parc", "html": _grid("span")}),
    "json_api_table_page": json.dumps(
        {"data": [{"id": 1, "html": _hidden('style="display: none;"')}, {"id": 2, "html": "<p>rien</p>"}]},
        ensure_ascii=True,
    ),
}
# the layouts whose rows say the phones too (a JSON sample's telephone is as written: 06...)
PAGE_LAYOUT = {name: "csv" for name in PAGES}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_leak_sites_page_layout_is_read(name: str) -> None:
    text = PAGES[name]
    frags = detect(text, key=KEY)
    _check(text, PAGE_LAYOUT[name], frags)
    dobs = {v for t, v in _ids(frags) if t == "dob"}
    assert dobs == {f"{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}" for p in PEOPLE}, sorted(dobs)
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_both_engines_agree_on_pages(native: object, name: str) -> None:
    ref, got = both_engines(PAGES[name].encode(), KEY)
    assert_same_fragments(ref, got, name)


def test_a_hidden_block_is_still_read() -> None:
    """A sample a button reveals (`<div style="display:none">` of rows) is read: only short inline junk
    is left out."""
    rows = "".join(f"<p>{';'.join(p[:5])}</p>" for p in PEOPLE)
    text = _page(f'<button>voir</button><div style="display:none"><p>{";".join(HEADER)}</p>{rows}</div>')
    _check(text, "csv", detect(text, key=KEY))


PAGE_NEGATIVES = {
    "menu_of_divs": _page(
        "".join(
            '<div class="menu">'
            + "".join(f"<span>{w}</span>" for w in ("Accueil", "Forum", "Règles", "Contact"))
            + "</div>"
            for _ in range(4)
        )
    ),
    "product_grid": _page(
        "".join(
            f'<div class="card"><span>Lampe {k}</span><span>{19 + k},90 €</span><span>réf LP-{k:04d}</span></div>'
            for k in range(8)
        )
    ),
    "code_script_object_literal": _page('<script>window.cfg = {api: "/v1", phone: "06 12 34 56 78"};</script><p>x</p>'),
    "code_script_json_of_settings": _page(
        '<script>window.__CFG__ = {"theme": "dark", "build": "2026.12.05", "features": ["a", "b"]};</script>'
    ),
    "data_uri_image": _page(f'<a href="data:image/png;base64,{_b64("x" * 300)}">logo</a>'),
    "cloudflare_bad_hex": _page('<a data-cfemail="zz12">[email protected]</a><p>Contact us</p>'),
    "glossary_dl": "<h2>Glossaire</h2><dl><dt>NIR</dt><dd>numéro de sécurité sociale</dd>"
    "<dt>IBAN</dt><dd>numéro de compte international</dd><dt>RGPD</dt><dd>règlement européen</dd></dl>",
}


@pytest.mark.parametrize("name", sorted(PAGE_NEGATIVES))
def test_ordinary_pages_stay_clean(name: str) -> None:
    strict = {"email", "phone", "nir", "iban", "card", "dob"}
    assert {x for x in _ids(detect(PAGE_NEGATIVES[name], key=KEY)) if x[0] in strict} == set()


# ---------------------------------------------------------------- a quoted-printable body pasted as it is


_CSV_LONG = "\n".join(
    ["nom;prenom;date_naissance;email;telephone;adresse"]
    + [";".join(p[:5]) + f";{12 + i} rue des Lilas, bâtiment C, 69003 Lyon" for i, p in enumerate(PEOPLE)]
)


def _qp(text: str, encoding: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(encoding)).decode("ascii")


QP_CASES = {
    "csv_utf8": (_qp(_CSV_LONG), "csv"),
    "csv_cp1252": (_qp(_CSV_LONG, "cp1252"), "csv"),
    "csv_crlf_soft_breaks": (_qp(_CSV_LONG).replace("\n", "\r\n"), "csv"),
    "dox_fr_utf8": (_qp("\n".join(LAYOUTS["dox_fr"]())), "dox_fr"),
    "sql_one_line_insert": (_qp(" ".join(LAYOUTS["sql"]()).replace(",\n(", ",(")), "sql"),
    "combo_ascii_long_lines": (
        _qp("\n".join(f"{p[3]}:{'x' * 60}{i}|{p[4]}|{'note ' * 6}" for i, p in enumerate(PEOPLE))),
        "combo",
    ),
    "jsonl_ascii": (
        _qp(
            "\n".join(
                json.dumps({"id": 4100 + i, "email": p[3], "phone": "+33" + p[4][1:]}) + " " * 30
                for i, p in enumerate(PEOPLE)
            )
        ),
        "csv",
    ),
}


@pytest.mark.parametrize("name", sorted(QP_CASES))
def test_a_quoted_printable_body_is_read_decoded(name: str) -> None:
    text, layout = QP_CASES[name]
    assert "=\n" in text or "=\r\n" in text, "the case must hold soft breaks"
    frags = detect(text, key=KEY)
    _check(text, layout, frags)
    if layout in ("csv", "sql", "dox_fr") and not name.startswith("jsonl"):  # and each birth, read from its column
        dobs = {v for t, v in _ids(frags) if t == "dob"}
        assert dobs == {f"{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}" for p in PEOPLE}, sorted(dobs)
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


@pytest.mark.parametrize("name", sorted(QP_CASES))
def test_both_engines_agree_on_quoted_printable(native: object, name: str) -> None:
    ref, got = both_engines(QP_CASES[name][0].encode(), KEY)
    assert_same_fragments(ref, got, name)


QP_NEGATIVES = {
    "sql_settings": "\n".join(
        ["CREATE TABLE t (", "  id int", ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 =", "SET @a =", "SELECT 1;"] * 4
    ),
    "base64_lines": "\n".join(["QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", "MDEyMzQ1Njc4OQ=="] * 6),
    "python_continuations": "\n".join(
        line for k in range(5) for line in (f"total_{k} = \\", f"    {k} * 06123456{k:02d} +", "x =", "  3")
    ),
}


@pytest.mark.parametrize("name", sorted(QP_NEGATIVES))
def test_equals_signs_of_other_texts_are_no_quoted_printable(name: str) -> None:
    from indexer.detect.exports import readable

    text = QP_NEGATIVES[name]
    assert readable(text) == (text, None)


# ---------------------------------------------------------------- a dump HTML-escaped, posted as plain text

_JSONL = "\n".join(
    json.dumps(
        {"id": 4100 + i, "email": p[3], "phone": "+33" + p[4][1:], "birthdate": f"{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}"}
    )
    for i, p in enumerate(PEOPLE)
)
_XML = "\n".join(
    ["<patients>"]
    + [
        f"<patient><nom>{p[0]}</nom><email>{p[3]}</email><tel>{p[4]}</tel><naissance>{p[2]}</naissance></patient>"
        for p in PEOPLE
    ]
    + ["</patients>"]
)
ESCAPED = {
    "jsonl_quot": (html.escape(_JSONL), "csv"),
    "jsonl_quot_after_chatter": ("copié depuis la source de la page :\n" + html.escape(_JSONL), "csv"),
    "xml_lt_gt": (html.escape(_XML), "csv"),
    "tsv_numeric_tabs": (_CSV_LONG.replace(";", "&#9;"), "csv"),
    "tsv_every_character": ("".join(f"&#{ord(c)};" if c != "\n" else c for c in _CSV_LONG.replace(";", "\t")), "csv"),
}


@pytest.mark.parametrize("name", sorted(ESCAPED))
def test_a_dump_html_escaped_as_plain_text_is_read(name: str) -> None:
    text, layout = ESCAPED[name]
    frags = detect(text, key=KEY)
    _check(text, layout, frags)
    dobs = {v for t, v in _ids(frags) if t == "dob"}
    assert dobs == {f"{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}" for p in PEOPLE}, sorted(dobs)
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


@pytest.mark.parametrize("name", sorted(ESCAPED))
def test_both_engines_agree_on_escaped_text(native: object, name: str) -> None:
    ref, got = both_engines(ESCAPED[name][0].encode(), KEY)
    assert_same_fragments(ref, got, name)


def test_a_post_with_a_few_escaped_characters_is_read_as_written() -> None:
    from indexer.detect.exports import readable

    text = "il a écrit &quot;merci&quot; puis un lien https://x.fr/?a=1&amp;b=2\nrien d'autre"
    assert readable(text) == (text, None)


# ---------------------------------------------------------------- raw HTTP form posts (a proxy's log)


def _posts(version: str = "HTTP/1.1", eol: str = "\n", extra: str = "") -> str:
    blocks = []
    for p in PEOPLE:
        body = "&".join(
            f"{k}={quote(v, safe='')}"
            for k, v in (("nom", p[0].title()), ("email", p[3]), ("tel", p[4]), ("naissance", p[2]))
        )
        head = [f"POST /inscription {version}", "Host: clinique-du-parc.fr", *([extra] if extra else [])]
        blocks.append(eol.join([*head, "Content-Type: application/x-www-form-urlencoded", "", body, ""]))
    return eol.join(blocks)


HTTP_POSTS = {
    "http11": _posts(),
    "http2_crlf": _posts("HTTP/2", "\r\n"),
    "with_cookie_and_agent": _posts(extra="Cookie: sid=abc123; lang=fr\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)"),
}


@pytest.mark.parametrize("name", sorted(HTTP_POSTS))
def test_raw_http_form_posts_are_read_as_their_bodies(name: str) -> None:
    text = HTTP_POSTS[name]
    frags = detect(text, key=KEY)
    _check(text, "csv", frags)
    dobs = {v for t, v in _ids(frags) if t == "dob"}
    assert dobs == {f"{p[2][6:]}-{p[2][3:5]}-{p[2][:2]}" for p in PEOPLE}, sorted(dobs)
    (many,) = detect_many([text.encode()], key=KEY)
    assert many == detect(text.encode(), key=KEY)


@pytest.mark.parametrize("name", sorted(HTTP_POSTS))
def test_both_engines_agree_on_http_posts(native: object, name: str) -> None:
    ref, got = both_engines(HTTP_POSTS[name].encode(), KEY)
    assert_same_fragments(ref, got, name)


def test_one_post_or_get_requests_are_read_as_written() -> None:
    from indexer.detect.exports import readable

    one = "POST /login HTTP/1.1\nHost: x.fr\nContent-Type: application/x-www-form-urlencoded\n\nuser=a&pass=b\n"
    gets = "\n".join(f"GET /p/{k} HTTP/1.1\nHost: x.fr\nAccept: application/x-www-form-urlencoded\n" for k in range(4))
    assert readable(one) == (one, None)
    assert readable(gets) == (gets, None)
