"""Evasions of wave 24's blind probe (set 4c), round 4: rows a blank line apart.

A dump double-spaced (a blank line, a line of one space or NBSP, a `#` line, an editor's empty
paragraph between every two rows; LF or CRLF) hid every row: each stood alone and the seed scan
dropped it (a 12-row CSV, combo lists, JSON lines, lists of e-mails or phones: nothing, both
engines). Each case here is read as its rows one after another are (`indexer/detect/spaced.py`),
on both engines and through `detect_many`; multi-line records a blank line apart (label blocks,
stealer logs, prose paragraphs) are not rewritten (`compact` says None)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.detect.spaced import compact
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x5c" * 32, version=1)

PEOPLE = [
    ("Faure", "Mathis", "11/10/1958", "mathis.faure@laposte.net", "0651327408"),
    ("Mercier", "Camille", "02/03/1979", "camille.mercier@orange.fr", "0612457890"),
    ("Girard", "Léa", "23/04/1986", "lea.girard@gmail.com", "0619911482"),
    ("Dumas", "Théo", "04/05/1995", "theo.dumas@free.fr", "0649822964"),
    ("Le Goff", "Yves", "01/09/1955", "yves.legoff@bbox.fr", "0665486668"),
    ("Boyer", "Lucas", "27/08/1967", "lucas.boyer@sfr.fr", "0734070742"),
    ("Diallo", "Awa", "15/06/2003", "awa.diallo@outlook.fr", "0602654816"),
    ("Fontaine", "Zoé", "30/11/1949", "zoe.fontaine@wanadoo.fr", "0671238890"),
]
HEAD = ["nom", "prenom", "date_naissance", "email", "telephone"]


def _ids(frags: list) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _table(d: str, n: int, header: bool) -> list[str]:
    rows = [d.join(p) for p in (PEOPLE * 4)[:n]]
    return ([d.join(HEAD)] if header else []) + rows


SHAPES = {
    "csv_semicolon_header": _table(";", 8, True),
    "csv_comma_no_header": _table(",", 6, False),
    "pipes_header": _table("|", 5, True),
    "tabs_header_24_rows": _table("\t", 24, True),
    "combo": [f"{p[3]}:{p[1]}{p[2][-4:]}!" for p in PEOPLE],
    "combo_semicolon": [f"{p[3]};{p[1].lower()}{p[2][:2]}" for p in PEOPLE[:4]],
    "emails_one_a_line": [p[3] for p in PEOPLE[:5]],
    "phones_spaced": [" ".join(p[4][k : k + 2] for k in range(0, 10, 2)) for p in PEOPLE[:6]],
    "json_lines": [json.dumps({"email": p[3], "tel": p[4], "dob": p[2]}) for p in PEOPLE[:6]],
}
SEPARATORS = {
    "blank": "\n\n",
    "space": "\n \n",
    "nbsp": "\n\u00a0\n",
    "hash": "\n#\n",
    "crlf": "\r\n\r\n",
    "two_blanks": "\n\n\n",
}
CASES = [(s, k) for s in SHAPES for k in SEPARATORS if not (k == "two_blanks" and s.startswith("phones"))]


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        from tests.native_core import require_native

        require_native()
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine(None)  # (back to VIGIE_ENGINE's)


@pytest.mark.parametrize(("shape", "sep"), CASES)
def test_spaced_rows_read_as_adjacent_rows(eng: str, shape: str, sep: str) -> None:
    rows = SHAPES[shape]
    eol = "\r\n" if "\r" in SEPARATORS[sep] else "\n"
    dense = detect(eol.join(rows) + eol, key=KEY)
    want = _ids(dense)
    assert len(want) >= len(rows) - 1, (shape, want)  # the rows themselves are read
    text = SEPARATORS[sep].join(rows) + eol
    got = detect(text, key=KEY)
    assert _ids(got) == want, (shape, sep)
    assert detect(text.encode("utf-8"), key=KEY) == got
    if eng == "python":  # (the core's path: test_detect_many_on_the_core below)
        assert detect_many([text.encode("utf-8"), b"hello\n\nworld 2024\n"], key=KEY)[0] == got
    # the fragments' lines are the input's: the last row is on the input's last line
    assert max(f.end_line for f in got) == text.count("\n")


def test_detect_many_on_the_core() -> None:
    """The core's sparse scan sends a post of three seed lines each one or two lines apart to
    `detect()` (rust/vigie_native/src/prefilter.rs), which reads them as a run: the crawl's path."""
    from tests.native_core import require_native

    require_native()
    engine.set_engine("native")
    try:
        data = ("\n\n".join(SHAPES["combo"]) + "\n").encode()
        got = detect_many([data, b"hello\n\nworld 2024\n"], key=KEY)[0]
        assert got and got == detect(data, key=KEY)
    finally:
        engine.set_engine(None)


def test_detect_many_finds_the_item_among_posts() -> None:
    """`spaced.spaced_among` names the right items of a batch (the joined search's offsets)."""
    from indexer.detect.spaced import spaced_among

    dump = ("\n\n".join(SHAPES["csv_semicolon_header"]) + "\n").encode()
    posts = [b"hello\n\nworld 2024\n", b"\n\n" + dump, b"x", dump, "texte\n\n" + dump.decode()]
    assert spaced_among(posts) == [1, 3, 4]
    assert spaced_among(posts[:1] + [b"a\n\nb@c.fr\n\nd\n"]) == []


def test_editor_empty_paragraphs(eng: str) -> None:
    rows = SHAPES["csv_semicolon_header"]
    want = _ids(detect("\n".join(rows), key=KEY))
    assert _ids(detect("<p>" + "</p><p><br></p><p>".join(rows) + "</p>", key=KEY)) == want


def test_big_input_goes_whole(eng: str) -> None:
    """Over the windowed threshold: the rows a blank line apart are still read (not the LF windows)."""
    filler = ("Bonjour à tous, voici les nouvelles du forum.\n\n" * 6000).encode()
    rows = SHAPES["combo"]
    data = filler + ("\n\n".join(rows) + "\n").encode()
    assert len(data) > 256 * 1024
    assert _ids(detect(data, key=KEY)) == _ids(detect("\n".join(rows), key=KEY))


NEGATIVES = {
    "label_blocks": "\n\n".join(f"Nom: {p[0]}\nEmail: {p[3]}\nTel: {p[4]}" for p in PEOPLE[:4]),
    "stealer_log": "\n\n".join(
        f"URL: https://site{k}.fr/login\nUsername: {p[3]}\nPassword: Pw{k}!x" for k, p in enumerate(PEOPLE[:4])
    ),
    "labels_one_a_paragraph": "\n\n".join(
        f"{lab}: {v}" for lab, v in zip(["Nom", "Email", "Tel", "Né le"], PEOPLE[0][1:], strict=True)
    ),
    "prose": "\n\n".join(
        [
            "Salut, je vends 3 bases fraîches, 2024, prix à voir.",
            "Contact sur le forum, réponse en 24h, pas de MP.",
            "Merci de lire les règles, 10 messages minimum, sinon ban.",
            "Bonne journée à tous, à bientôt, 2025 sera meilleur.",
        ]
    ),
    "two_line_groups": "\n\n".join(f"{p[3]}:pw\n{q[3]}:pw" for p, q in zip(PEOPLE[::2], PEOPLE[1::2], strict=True)),
    "mixed_shapes": "\n\n".join([PEOPLE[0][3], "Faure;Mathis;11/10/1958", json.dumps({"a": 1}), "06 12 34 56 78"]),
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_multi_line_records_and_prose_are_not_rewritten(name: str) -> None:
    assert compact(NEGATIVES[name]) is None


# ---------------------------------------------------------------- evasion 5: a decoration on each combo line
COMBO = [f"{p[3]}:{p[1]}{p[2][-4:]}!" for p in PEOPLE]
PREFIXES = ["✅ ", "✔ ", "🔥 ", "[+] ", "[*] ", "* ", "# ", "// ", "-- ", "═ ", "{n} ", "{n:04d} "]
SUFFIXES = ["", " [VALID]", " ✅", " -> OK", " | Plan = Premium | Country = FR"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("suffix", ["", " [VALID]"])
def test_decorated_combo_lines(eng: str, prefix: str, suffix: str) -> None:
    want = _ids(detect("\n".join(COMBO), key=KEY))
    text = "\n".join(prefix.format(n=n) + line + suffix for n, line in enumerate(COMBO, start=1))
    got = detect(text, key=KEY)
    assert _ids(got) == want
    assert [(f.start_line, f.end_line) for f in got] == [(1, len(COMBO))]


@pytest.mark.parametrize("suffix", SUFFIXES[2:])
def test_decorated_combo_suffixes_crlf_and_a_title(eng: str, suffix: str) -> None:
    want = _ids(detect("\n".join(COMBO), key=KEY))
    text = "Checked by OpenBullet — 8 hits\r\n" + "\r\n".join("[+] " + line + suffix for line in COMBO) + "\r\n"
    assert _ids(detect(text, key=KEY)) == want


def test_decorated_lines_that_are_no_combos_stay_as_they_were() -> None:
    from indexer.detect.spaced import undecorate

    assert undecorate("\n".join(COMBO)) is None  # bare: nothing to do
    assert undecorate("* écrire à a.b@free.fr: merci\n* voir c.d@sfr.fr: ok\n* e.f@gmail.com: non\n") is None
    assert undecorate("✅ " + COMBO[0] + "\n✅ " + COMBO[1] + "\nfin\n") is None  # two lines: no run


# ---------------------------------------------------------------- evasion 6: ':' as the field separator
def _colon(order: str, n: int, header: bool, eol: str) -> tuple[str, str]:
    idx = {"l": 0, "f": 1, "d": 2, "e": 3, "p": 4}
    rows = [[p[idx[c]] for c in order] for p in (PEOPLE * 3)[:n]]
    head = [HEAD[idx[c]] for c in order]
    body = ([head] if header else []) + rows
    return eol.join(":".join(r) for r in body) + eol, eol.join(";".join(r) for r in body) + eol


@pytest.mark.parametrize(
    ("order", "n", "header", "eol"),
    [
        ("lfdep", 6, False, "\n"),
        ("edlfp", 6, False, "\n"),
        ("lfdep", 20, True, "\n"),
        ("elfdp", 3, False, "\r\n"),
        ("pelf", 5, True, "\n"),
        ("ledp", 8, False, "\r\n"),
    ],
)
def test_colon_separated_rows_read_as_csv(eng: str, order: str, n: int, header: bool, eol: str) -> None:
    colon, semi = _colon(order, n, header, eol)
    want = _ids(detect(semi, key=KEY))
    assert any(t == "dob" for t, _ in want) or "d" not in order
    got = _ids(detect(colon, key=KEY))
    assert want - got <= {t for t in want if t[0] == "credential"}, sorted(want - got)
    assert {t for t, _ in got} >= {t for t, _ in want} - {"credential"}


COLON_NEGATIVES = {
    "chat_times": "\n".join(f"[12:3{k}:0{k}] user{k}: salut 06 12 34 56 7{k}" for k in range(5)),
    "mac_addresses": "\n".join(f"00:1a:2b:3c:4d:5{k}" for k in range(6)),
    "ipv6": "\n".join(f"fe80::1:2:3:{k}" for k in range(6)),
    "ulp": "\n".join(f"https://site{k}.fr/login:{p[3]}:pw{k}" for k, p in enumerate(PEOPLE[:5])),
    "combo_2_colons": "\n".join(f"{p[3]}:pw{k}:{p[4]}" for k, p in enumerate(PEOPLE[:5])),
    "labels": "\n".join(f"Email: {p[3]}:x:y" for p in PEOPLE[:4]),
}


@pytest.mark.parametrize("name", sorted(COLON_NEGATIVES))
def test_colon_runs_that_are_no_rows_are_not_rewritten(name: str) -> None:
    from indexer.detect.spaced import colon_rows

    text = COLON_NEGATIVES[name]
    if name in ("mac_addresses", "ipv6"):  # hex cells: rewritten, but nothing to read in them either way
        assert detect(text, key=KEY) == []
    else:
        assert colon_rows(text) is None
