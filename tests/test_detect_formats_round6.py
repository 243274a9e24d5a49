"""Structured formats, round 6 (wave 26): row layouts the blind probe set 5 found unread.

- Ragged rows: an export that leaves a row's empty last fields off, or adds empty columns to
  some rows (`;;;x`), broke its run at each such row: only the first row was read
  (`shapes._ragged`: a row of four fields or more is in its run one to three fields short or long).
- Three long columns (two tokens and a user agent, a note) in each row: read like one or two.
- Hard wraps: every line cut at W characters (`fold -w`, a mail client), mid-value (`unfold`).
- Two records a line: JSON objects, combos, delimited rows glued by ` | `, a tab or spaces
  (`glued.split_glued`).
Each layout is built here over several separators, widths and positions, read by `detect` and
`detect_many` (text and bytes) on both engines; negatives (prose, fixed-width tables, base64
blocks, code, logs, markdown tables) are left as they were: the rewrites say None, and nothing
strict is found in machine data."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.glued import split_glued
from indexer.detect.prefilter import detect_many
from indexer.detect.unfold import unfold
from tests.blind_probe_harness import nir
from tests.test_detect_evasions_round4 import KEY

# (name, first name, dob, e-mail, phone): synthetic people, valid French mobiles
_BASE = [
    ("Faure", "Mathis", "11/10/1958", "mathis.faure@laposte.net", "0651327408", 1, "42"),
    ("Mercier", "Camille", "02/03/1979", "camille.mercier@orange.fr", "0612457890", 2, "33"),
    ("Girard", "Léa", "23/04/1986", "lea.girard@free.fr", "0619911482", 2, "13"),
    ("Dumas", "Théo", "04/05/1995", "theo.dumas@free.fr", "0649822964", 1, "75"),
    ("Le Goff", "Yves", "01/09/1955", "yves.legoff@bbox.fr", "0665486668", 1, "29"),
    ("Boyer", "Lucas", "27/08/1967", "lucas.boyer@sfr.fr", "0734070742", 1, "69"),
    ("Diallo", "Awa", "15/06/2003", "awa.diallo@outlook.fr", "0602654816", 2, "93"),
    ("Fontaine", "Zoé", "30/11/1949", "zoe.fontaine@wanadoo.fr", "0671238890", 2, "59"),
]
PEOPLE = [
    (last, first, dob, mail, tel, nir(f"{sex}{dob[8:]}{dob[3:5]}{dept}{101 + 37 * k:03d}{211 + 59 * k:03d}"))
    for k, (last, first, dob, mail, tel, sex, dept) in enumerate(_BASE)
]
HEAD = ["nom", "prenom", "date_naissance", "email", "telephone", "nir"]
STRICT = {"email", "phone", "dob", "nir", "card", "iban"}


def _iso(d: str) -> str:
    return f"{d[6:]}-{d[3:5]}-{d[:2]}"


def _want(people: list[tuple[str, ...]], nirs: bool = True) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, _, dob, mail, tel, n in people:
        out |= {("email", mail), ("phone", "+33" + tel[1:]), ("dob", _iso(dob))}
        if nirs:
            out.add(("nir", n))
    return out


def _strict(frags: list) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers if i.type in STRICT}


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        from tests.native_core import require_native

        require_native()
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine(None)  # (back to VIGIE_ENGINE's)


def _read(text: str, want: set[tuple[str, str]]) -> None:
    """`text` gives exactly `want` (its strict identifiers), through `detect` and `detect_many`."""
    got = detect(text, key=KEY)
    assert _strict(got) == want, (sorted(want - _strict(got)), sorted(_strict(got) - want))
    for batch in ([text, "merci pour le partage"], [text.encode(), b"up"]):
        assert detect_many(batch, key=KEY)[0] == got


# ---------------------------------------------------------------- ragged rows
def _ragged(sep: str, header: bool, mode: str) -> str:
    rows = []
    for k, p in enumerate(PEOPLE):
        cells = list(p)
        if mode == "last_off" and k % 2:
            cells = cells[:-1]  # the NIR column left off (its row ends early)
        elif mode == "last_empty_off" and k % 2:
            cells = cells[:-1] + [""]  # (the control: empty, kept)
        elif mode == "extra_empty" and k % 3 == 0:
            cells = cells + ["", "", "x"]
        elif mode == "extra_two" and k % 2 == 0:
            cells = cells + ["", "ok"]
        rows.append(sep.join(cells))
    return "\n".join(([sep.join(HEAD)] if header else []) + rows)


RAGGED_MODES = ["last_off", "last_empty_off", "extra_empty", "extra_two"]


@pytest.mark.parametrize("mode", RAGGED_MODES)
@pytest.mark.parametrize("header", [True, False], ids=["header", "no_header"])
@pytest.mark.parametrize("sep", [";", ",", "|", "\t"], ids=["semicolon", "comma", "pipe", "tab"])
def test_ragged_rows_read_whole(eng: str, sep: str, header: bool, mode: str) -> None:
    people = PEOPLE
    want = _want(people, nirs=True) - (
        {("nir", p[5]) for k, p in enumerate(people) if k % 2} if mode in ("last_off", "last_empty_off") else set()
    )
    _read(_ragged(sep, header, mode), want)


def test_ragged_first_row_long_no_header(eng: str) -> None:
    """The run's first row is the one with three more (empty) columns: the others still join it."""
    rows = [";".join(p) + (";;;x" if k in (0, 4) else "") for k, p in enumerate(PEOPLE)]
    _read("\n".join(rows), _want(PEOPLE))


# ---------------------------------------------------------------- three long columns
_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _token(k: int, salt: str) -> str:
    return base64.urlsafe_b64encode((salt * 40 + str(k)).encode()).decode().rstrip("=")[:180]


@pytest.mark.parametrize("layout", ["tail", "between", "head"])
@pytest.mark.parametrize("sep", [",", ";"], ids=["comma", "semicolon"])
def test_three_long_columns(eng: str, sep: str, layout: str) -> None:
    rows = []
    for k, (_, _, dob, mail, tel, _) in enumerate(PEOPLE):
        a, b, c = _token(k, "session-"), _token(k, "refresh-"), f'"{_UA}"' if sep == "," else _UA.replace(";", ",")
        cells = {
            "tail": [str(900 + k), mail, tel, _iso(dob), a, b, c],
            "between": [str(900 + k), a, mail, b, tel, "n" * 200, _iso(dob)],
            "head": [a, b, c, mail, tel, _iso(dob)],
        }[layout]
        rows.append(sep.join(cells))
    head = {
        "tail": ["id", "email", "phone", "birth_date", "token", "refresh", "agent"],
        "between": ["id", "token", "email", "refresh", "phone", "notes", "birth_date"],
        "head": ["token", "refresh", "agent", "email", "phone", "birth_date"],
    }[layout]
    _read("\n".join([sep.join(head)] + rows), _want(PEOPLE, nirs=False))


# ---------------------------------------------------------------- hard wraps
def _fold(text: str, w: int) -> str:
    return "\n".join(ln[i : i + w] for ln in text.split("\n") for i in range(0, max(len(ln), 1), w))


def _kinds() -> dict[str, tuple[str, set[tuple[str, str]]]]:
    csv = "\n".join([";".join(HEAD)] + [";".join(p) for p in PEOPLE])
    jsonl = "\n".join(
        json.dumps({"id": 70 + k, "mail": p[3], "tel": "+33" + p[4][1:], "birthdate": _iso(p[2]), "city": "Rennes"})
        for k, p in enumerate(PEOPLE)
    )
    sql = (
        "INSERT INTO `clients` (`id`,`email`,`mobile`,`date_naissance`,`nir`) VALUES\n"
        + ",\n".join(f"({k},'{p[3]}','{p[4]}','{_iso(p[2])}','{p[5]}')" for k, p in enumerate(PEOPLE))
        + ";"
    )
    pipes = "\n".join(f"{p[1]} {p[0]}|{p[2]}|{p[4]}|{p[3]}|{p[5]}|Rennes 35000" for p in PEOPLE)
    return {
        "csv_semicolon": (csv, _want(PEOPLE)),
        "csv_comma": (csv.replace(";", ","), _want(PEOPLE)),
        "jsonl": (jsonl, _want(PEOPLE, nirs=False)),
        "sql_tuples": (sql, _want(PEOPLE)),
        "fullz_pipes": (pipes, _want(PEOPLE)),
    }


KINDS = _kinds()


@pytest.mark.parametrize("width", [48, 60, 64, 72, 76])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hard_wrapped_dump_read_joined(eng: str, kind: str, width: int) -> None:
    text, want = KINDS[kind]
    folded = _fold(text, width)
    if max(map(len, text.split("\n"))) <= width:
        pytest.skip("no line that long")
    _read(folded, want)


def test_wrapped_lines_keep_their_line_numbers(eng: str) -> None:
    text, _ = KINDS["jsonl"]
    folded = _fold(text, 64)
    frags = detect("intro\n\n" + folded, key=KEY)
    assert frags and frags[0].start_line == 3 and frags[-1].end_line == folded.count("\n") + 3


# ---------------------------------------------------------------- two records a line
def _pairs(lines: list[str], glue: str, n: int = 2) -> list[str]:
    return [glue.join(lines[i : i + n]) for i in range(0, len(lines), n)]


@pytest.mark.parametrize("glue", [" | ", "    ", "     "], ids=["pipe", "four_spaces", "five_spaces"])
@pytest.mark.parametrize("sep", [";", ","], ids=["semicolon", "comma"])
@pytest.mark.parametrize("header", [True, False], ids=["header", "no_header"])
def test_two_rows_a_line(eng: str, sep: str, glue: str, header: bool) -> None:
    rows = [sep.join(p) for p in PEOPLE]
    _read("\n".join(([sep.join(HEAD)] if header else []) + _pairs(rows, glue)), _want(PEOPLE))


@pytest.mark.parametrize("glue", ["", " ", "    ", "\t"], ids=["glued", "space", "four_spaces", "tab"])
@pytest.mark.parametrize("n", [2, 3, 8])
def test_json_records_glued(eng: str, glue: str, n: int) -> None:
    text, want = KINDS["jsonl"]
    _read("\n".join(_pairs(text.split("\n"), glue, n)), want)


@pytest.mark.parametrize("glue", [" ", "    ", "\t"], ids=["space", "four_spaces", "tab"])
@pytest.mark.parametrize("n", [2, 3])
def test_combos_two_a_line(eng: str, glue: str, n: int) -> None:
    combos = [f"{p[3]}:{p[1][:3].lower()}{p[2][-2:]}#{k}" for k, p in enumerate(PEOPLE)]
    text = "\n".join(_pairs(combos, glue, n))
    got = detect(text, key=KEY)
    assert _strict(got) == {("email", p[3]) for p in PEOPLE}
    assert sum(1 for f in got for i in f.identifiers if i.type == "credential") == len(PEOPLE)
    assert detect_many([text.encode()], key=KEY)[0] == got


# ---------------------------------------------------------------- negatives
_FIXED = "\n".join(
    f"| {k:4d} | {'x' * (k % 7):8s} | {'ok' if k % 2 else 'ko':5s} | {k * 37 % 1000:6d} |" for k in range(30)
)
_B64 = base64.encodebytes(bytes(range(256)) * 8).decode()  # 76 columns
_PEM = (
    "-----BEGIN CERTIFICATE-----\n"
    + "\n".join(base64.b64encode(bytes(range(256)) * 4).decode()[i : i + 64] for i in range(0, 1368, 64))
    + "\n-----END CERTIFICATE-----"
)
_PROSE = "".join(
    f"Salut à tous{'!' * k}, voici mon avis sur la fuite : c'est du vieux, déjà vu en 2023 ; les mails sont morts\n"
    f"et les numéros aussi ; bref je passe. Quelqu'un a la suite ?  Merci d'avance | bonne soirée {k}\n"
    for k in range(4)
)
_CODE = 'if (x) {\n  a();\n} else {\n  b();\n}\nconst o = {a: 1} {"b": 2};\nfor (;;) { } {"k": 1}\n'
_LOG = "\n".join(
    f"2026-12-0{k % 9 + 1}T10:{k:02d}:00Z INFO worker-{k % 4} job done in {k * 13} ms; queue=main" for k in range(24)
)
_MD = "| id | ville | total |\n|----|-------|-------|\n" + "\n".join(f"| {k} | Lyon  | {k * 3} |" for k in range(12))
_EQUAL = "\n".join(f"{'=' * 64}\nSection {k}\nTexte de la section {k}, rien de plus." for k in range(6))
# (a COPY block whose longest row is its last: the `\.` under it ends the block, no value's rest)
_COPY_END = "\n".join(
    ["COPY public.clients (id, email, tel, ville) FROM stdin;"]
    + [f"{k}\t{p[3]}\t{p[4]}\t{'Saint Christophe-la-Forêt' if k == 7 else 'Lyon'}" for k, p in enumerate(PEOPLE)]
    + ["\\.", "", "--", "Travis | tel 0034 643 67 70 90"]
)
NEGATIVES = {
    "fixed_width_table": _FIXED,
    "base64_76": _B64,
    "pem_64": _PEM,
    "prose_semicolons": _PROSE,
    "code_braces": _CODE,
    "log_lines": _LOG,
    "markdown_table": _MD,
    "rules_64": _EQUAL,
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negatives_not_rewritten(name: str) -> None:
    text = NEGATIVES[name]
    assert unfold(text) is None
    assert split_glued(text) is None


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negatives_nothing_strict(eng: str, name: str) -> None:
    assert _strict(detect(NEGATIVES[name], key=KEY)) == set()


def test_copy_block_end_is_no_wrapped_value(eng: str) -> None:
    """The `\.` under a COPY block's longest row is not that row's rest: the block ends there and
    the signature's phone below it is nobody's row (the corpus counted it false when joined)."""
    lines = _COPY_END.split("\n")
    assert unfold(_COPY_END, lines) is None
    got = detect(_COPY_END, key=KEY)
    assert ("phone", "+34643677090") not in _strict(got)
    assert {("email", p[3]) for p in PEOPLE} <= _strict(got)


def test_wrap_of_a_dump_with_one_long_line_below_is_kept() -> None:
    """A longer line below the W-long ones: no wrap at W (the text is read as it is)."""
    text, _ = KINDS["csv_semicolon"]
    folded = _fold(text, 64)
    assert unfold(folded) is not None
    assert unfold(folded + "\n" + "z" * 65) is None


# ---------------------------------------------------------------- combo shapes
def _pw(k: int, p: tuple[str, ...]) -> str:
    return f"{p[1][:2].capitalize()}{p[2][-2:]}!{p[0][:2].lower()}#{k}"


@pytest.mark.parametrize("sep", [":", "|"], ids=["colon", "pipe"])
def test_combo_password_first(eng: str, sep: str) -> None:
    text = "\n".join(f"{_pw(k, p)}{sep}{p[3]}" for k, p in enumerate(PEOPLE))
    got = detect(text, key=KEY)
    assert _strict(got) == {("email", p[3]) for p in PEOPLE}
    creds = {i.value for f in got for i in f.identifiers if i.type == "credential"}
    assert len(creds) == len(PEOPLE) and all(c.startswith(tuple(p[3] for p in PEOPLE)) for c in creds), creds
    assert detect_many([text.encode()], key=KEY)[0] == got


@pytest.mark.parametrize("prefix", ["+33", "0033"], ids=["plus", "double_zero"])
def test_combo_phone_logins(eng: str, prefix: str) -> None:
    text = "\n".join(f"{prefix}{p[4][1:]}:{_pw(k, p)}" for k, p in enumerate(PEOPLE))
    _read(text, {("phone", "+33" + p[4][1:]) for p in PEOPLE})


@pytest.mark.parametrize(
    "layout",
    [
        "https://auth.site.fr/ | {m} | {pw}",
        "https://auth.site.fr/login|{m}|{pw}",
        "auth.site.fr | {m} | {pw}",
        "https://auth.site.fr/ |{m}| {pw}",
        "https://auth.site.fr/;{m};{pw}",
    ],
    ids=["spaced_pipes", "pipes", "bare_host_spaced_pipes", "uneven_spaces", "semicolons_control"],
)
def test_ulp_lines(eng: str, layout: str) -> None:
    text = "\n".join(layout.format(m=p[3], pw=_pw(k, p)) for k, p in enumerate(PEOPLE))
    got = detect(text, key=KEY)
    assert _strict(got) == {("email", p[3]) for p in PEOPLE}
    assert sum(1 for f in got for i in f.identifiers if i.type == "credential") == len(PEOPLE)


COMBO_NEGATIVES = {
    "mail_headers": "from:jean.dupont@orange.fr\nto:marie.curie@free.fr\ncc:paul.martin@sfr.fr\nreply:anne.roy@bbox.fr",
    "labels": "Contact:jean.dupont@orange.fr\nSupport:aide@free.fr\nPresse:presse@sfr.fr\nEmail:anne.roy@bbox.fr",
    "times": "+33 meeting:10:30\n+44 call:11:00\n+49 sync:12:15\n+1 demo:14:00",
}


@pytest.mark.parametrize("name", sorted(COMBO_NEGATIVES))
def test_combo_negatives_give_no_credential(eng: str, name: str) -> None:
    got = detect(COMBO_NEGATIVES[name], key=KEY)
    assert not [i for f in got for i in f.identifiers if i.type == "credential"]


# ---------------------------------------------------------------- SQL tuples without their INSERT, or below it
def _tuples(people: list[tuple[str, ...]], quote: str = "'", ids: bool = False) -> list[str]:
    q = quote
    return [
        f"({f'{300 + k},' if ids else ''}{q}{p[3]}{q},{q}{p[4]}{q},{q}{_iso(p[2])}{q},{q}{p[5]}{q})"
        + ("," if k < len(people) - 1 else ";")
        for k, p in enumerate(people)
    ]


@pytest.mark.parametrize("ids", [False, True], ids=["bare", "with_ids"])
@pytest.mark.parametrize("quote", ["'", '"'], ids=["single", "double"])
def test_sql_tuples_without_their_insert(eng: str, quote: str, ids: bool) -> None:
    _read("\n".join(_tuples(PEOPLE, quote, ids)), _want(PEOPLE))


def test_sql_tuples_reversed_insert_last(eng: str) -> None:
    rows = _tuples(PEOPLE, ids=True)[::-1]
    text = "\n".join(["UNLOCK TABLES;"] + rows + ["INSERT INTO `clients` VALUES", "LOCK TABLES `clients` WRITE;"])
    _read(text, _want(PEOPLE))


def test_parenthesised_phones_keep_their_parentheses(eng: str) -> None:
    """`(0)6 ...` cells are no tuples' (no quote, not digits alone): read as they were."""
    rows = [f"{p[3]};(0){p[4][1]} {p[4][2:4]} {p[4][4:6]} {p[4][6:8]} {p[4][8:]};{p[2]}" for p in PEOPLE]
    got = detect("\n".join(rows), key=KEY)
    assert {("email", p[3]) for p in PEOPLE} <= _strict(got)


# ---------------------------------------------------------------- JavaScript object literals, JSON5
@pytest.mark.parametrize("quote", ["'", '"'], ids=["single", "double"])
@pytest.mark.parametrize("trailing", [",", ""], ids=["trailing_comma", "none"])
@pytest.mark.parametrize("wrap", ["const users = [", "module.exports = ["], ids=["const", "exports"])
def test_js_object_literals(eng: str, quote: str, trailing: str, wrap: str) -> None:
    q = quote
    rows = [
        f"  {{ id: {k}, email: {q}{p[3]}{q}, phone: {q}{p[4]}{q}, birthDate: {q}{_iso(p[2])}{q}, nir: {q}{p[5]}{q},"
        f" active: {'true' if k % 2 else 'false'}, note: null{trailing} }},"
        for k, p in enumerate(PEOPLE)
    ]
    _read("\n".join([wrap] + rows + ["];"]), _want(PEOPLE))
