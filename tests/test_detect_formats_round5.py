"""Structured formats, round 5 (wave 25): the blind probe's misses in tables and exports.

Tables broken by separator lines (blind probe set 4c): a dump whose last page holds one row (a
form feed, a `<hr>`, a rule or a blank line above it), rows two by two a blank line apart (an odd
count ends on one row alone), and rows each between two ASCII rules lost rows, or the whole table:
a row alone had no neighbour and the seed scan dropped it. Each layout here is read as the rows one
after another are (`indexer/detect/spaced.py`), on both engines; a lone line of another shape, a
label, a sentence, or a table of machine data between rules gives what it gave before."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.detect.spaced import compact
from tests.test_detect_evasions_round4 import KEY, PEOPLE

HEAD = ["nom", "prenom", "date_naissance", "email", "telephone"]


def _ids(frags: list) -> set[tuple[str, str]]:
    """The strict identifiers (a name needs its row's header: rows two by two without it lose
    theirs, as before)."""
    return {(i.type, i.value) for f in frags for i in f.identifiers if i.type != "name"}


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native":
        from tests.native_core import require_native

        require_native()
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine(None)  # (back to VIGIE_ENGINE's)


def _rows(d: str, n: int, header: bool = True, order: tuple[int, ...] = (0, 1, 2, 3, 4)) -> list[str]:
    rows = [d.join(p[i] for i in order) for p in (PEOPLE * 3)[:n]]
    return ([d.join(HEAD[i] for i in order)] if header else []) + rows


# ---------------------------------------------------------------- a lone last row
LONE_SEPARATORS = {
    "blank": "\n\n",
    "two_blanks": "\n\n\n",
    "form_feed": "\n\f\n",
    "form_feed_alone": "\f",
    "hr": "\n<hr>\n",
    "hr_slash": "\n<hr />\n",
    "rule_dashes": "\n" + "-" * 40 + "\n",
    "rule_equals": "\n" + "=" * 12 + "\n",
    "space_line": "\n \n",
}
LONE_TABLES = {
    "semicolons_5_rows": _rows(";", 5),
    "pipes_3_rows": _rows("|", 3),
    "tabs_no_header": _rows("\t", 4, header=False),
    "commas_dob_last": _rows(",", 6, order=(3, 0, 1, 4, 2)),
    "semicolons_crlf": _rows(";", 4),
    # (over firstlook.SMALL: its one scan decides; 24 rows of 7 people, the 8th alone at the end)
    "semicolons_25_rows": _rows(";", 1)[:1]
    + [";".join(PEOPLE[k % 7][:3]) + f";u{k}.{PEOPLE[k % 7][3]};{PEOPLE[k % 7][4]}" for k in range(24)]
    + [";".join(PEOPLE[7])],
}


@pytest.mark.parametrize("sep", sorted(LONE_SEPARATORS))
@pytest.mark.parametrize("table", sorted(LONE_TABLES))
def test_lone_last_row_read_with_its_table(eng: str, table: str, sep: str) -> None:
    rows = LONE_TABLES[table]
    eol = "\r\n" if table.endswith("crlf") else "\n"
    want = _ids(detect(eol.join(rows) + eol, key=KEY))
    last = re.search(r"[\w.]+@[\w.]+", rows[-1])
    assert last is not None and ("email", last.group()) in want, want  # the rows themselves are read
    text = eol.join(rows[:-1]) + LONE_SEPARATORS[sep].replace("\n", eol) + rows[-1] + eol
    got = detect(text, key=KEY)
    assert _ids(got) == want, (table, sep)
    assert max(f.end_line for f in got) == text.replace("\f", "\n").count("\n")  # the input's lines


@pytest.mark.parametrize("d", [";", ",", "|", "\t"])
@pytest.mark.parametrize("n", [3, 4, 6, 8])
def test_rows_two_by_two(eng: str, d: str, n: int) -> None:
    """A blank line after every two rows (a header and a row first): an odd count of rows ends
    on one row alone."""
    rows = _rows(d, n)
    want = _ids(detect("\n".join(rows), key=KEY))
    text = "\n\n".join("\n".join(rows[k : k + 2]) for k in range(0, len(rows), 2))
    assert _ids(detect(text, key=KEY)) == want


RULES = {
    "dashes_60": "-" * 60,
    "equals_30": "=" * 30,
    "plus_dashes": "+" + "+".join("-" * 9 for _ in range(5)) + "+",
    "indented_dashes": "  " + "-" * 20,
}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize(("d", "n", "header"), [(";", 6, True), (",", 4, False), ("|", 5, True)])
def test_ascii_rule_between_every_row(eng: str, rule: str, d: str, n: int, header: bool) -> None:
    """Rows each between two rules (a pasted ASCII table without its cell borders): every row
    stood alone, the whole table gave nothing."""
    rows = _rows(d, n, header)
    want = _ids(detect("\n".join(rows), key=KEY))
    r = RULES[rule]
    text = r + "\n" + "\n".join(f"{row}\n{r}" for row in rows) + "\n"
    got = detect(text, key=KEY)
    assert _ids(got) == want, rule
    assert detect(text.encode("utf-8"), key=KEY) == got


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(_rows(";", 6)) + "\n\f\n" + _rows(";", 1, header=False)[0] + "\n",
        "\n".join(f"{r}\n{'-' * 50}" for r in _rows("|", 5)),
        "\n\n".join("\n".join(_rows(",", 5)[k : k + 2]) for k in range(0, 6, 2)),
    ],
    ids=["form_feed", "rules", "two_by_two"],
)
def test_detect_many_reads_them(eng: str, text: str) -> None:
    """The crawl's path: `detect_many` (the core's sparse scan, or Hyperscan and
    `spaced.spaced_among`) sends such a post to `detect()`."""
    data = text.encode("utf-8")
    got = detect_many([data, b"hello\n\nworld 2024\n"], key=KEY)[0]
    assert got and got == detect(data, key=KEY)


# ---------------------------------------------------------------- what is not joined
NOT_JOINED = {
    # a lone last line of another shape: a row of 3 cells under a table of 5
    "other_shape": "\n".join(_rows(";", 4)) + "\n\nid;total;date 2024-01-02\n",
    # a label and a value, a sentence, a signature under a table
    "label_below": "\n".join(_rows(";", 4)) + "\n\nContact: vendeur@proton.me\n",
    "sentence_below": "\n".join(_rows(",", 4)) + "\n\nPrix 300$, paiement en BTC, contact sur Tox 0123456789.\n",
    "two_lines_only": "nom;email;tel\n\nDupont;a@b.fr;0612345678\n",
    # paragraphs of words: no table
    "prose": "Bonjour à tous;\nvoici la suite\n\nMerci; à bientôt 2024; ciao\n",
}


@pytest.mark.parametrize("name", sorted(NOT_JOINED))
def test_not_joined(name: str) -> None:
    assert compact(NOT_JOINED[name]) is None, name


MACHINE = {
    # logs with timestamps and hashes between rules, a config file's sections: nothing to find
    "log_between_rules": "\n".join(
        f"{'-' * 30}\n2024-03-0{k} 12:0{k}:33;INFO;sha256={'ab' * 16}{k:02d};200" for k in range(1, 6)
    ),
    "ini_sections": "[db]\nhost=10.0.0.1\nport=5432\n\n[cache]\nhost=10.0.0.2\nport=6379\n\n[mail]\nport=25\n",
    "hashes_two_by_two": "\n\n".join(
        f"{k * 7919:032x};{k * 104729:040x}\n{k * 31:032x};{k * 17:040x}" for k in range(1, 5)
    )
    + "\n\n"
    + "deadbeef" * 4
    + ";"
    + "cafe" * 10,
}


@pytest.mark.parametrize("name", sorted(MACHINE))
def test_machine_data_stays_clean(eng: str, name: str) -> None:
    assert _ids(detect(MACHINE[name], key=KEY)) == set(), name
