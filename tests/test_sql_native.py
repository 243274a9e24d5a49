"""The SQL INSERT recogniser's run in the compiled core (`vigie_native.insert_head`,
`insert_run_end`, `Core.sql_block`) against the Python reference (`records.INSERT` through RE2,
the extent loop of `records.sql`, its per-line filler), and both engines on whole SQL dumps
(issue 17).

The port spells RE2's `\\s` and `\\w` out as the classes RE2 gives them (`\\s` has no `\\v`), and
relies on both engines folding case the same way under `(?i)` (`ſ` is an `s`, `K` a `k`): the
fuzzed heads below are built to hit exactly those places. Skipped when vigie_native is not
built, except with VIGIE_REQUIRE_NATIVE=1 (CI), where its absence fails.
"""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from indexer import engine
from indexer.decode import Limits
from indexer.detect.base import Ctx
from indexer.detect.extract import Sink
from indexer.detect.records import INSERT, head_name, sql
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump
from tests.native_core import both_engines, native_engine

KEY = MatchKey(b"\x33" * 32, version=2)


native = pytest.fixture(scope="module", name="native")(native_engine)


_SPACES = [" ", " ", "  ", "\t", "\n", "\x0c", "\r", "\x0b", "\u00a0", "\x1c", ""]
_KEYWORDS = ["INSERT", "insert", "Insert", "in\u017fert", "INSE\u017fT", "\u0130NSERT", "REPLACE", "replace",
             "REPLACE ", "INSERTT", "UPSERT"]
_NAMES = ["users", "`users`", '"users"', "[users]", "db.users", "`db`.`users`", "us\u017fers", "\u212auser",
          "us\u00e9rs", "t1", "`t`", "x y", "", "_", ".", "`users", "users`", "[dbo].[users]", '"public"."t"',
          "[Dossiers patients]", "[dbo] . [t]", "`crm`.`leads`", "[a\nb]", "[\u017f]", "[dbo].users"]
_COLS = ["", "(`id`, `email`)", "(id,email)", "()", "(a,(b),c)", "(a", "(`telephone_(BE)`, x)", "(\u00e9)",
         "(a)(b)"]
_VALUES = ["VALUES", "values", "VALUE\u017f", "VALUES ", "VALUES\t\t", "VALUE", "VALUES("]
_TAILS = ["", "(1,'a@b.fr');", " ('x')", "\u00a0(1)", "(", ";"]


def _head(r: random.Random) -> str:
    """Each part is a well-formed one (the first few of its list) most of the time, so that
    about half the heads match and a mismatch anywhere is met often."""
    def pick(options: list[str], good: int) -> str:
        return r.choice(options[:good] if r.random() < 0.9 else options)

    sp = lambda: pick(_SPACES, 6)  # noqa: E731
    parts = [sp() if r.random() < 0.3 else "", pick(_KEYWORDS, 8)]
    if r.random() < 0.2:
        parts += [sp() or " ", pick(["IGNORE", "ignore", "IGNORE\u017f", "IGNOR"], 3)]
    parts += [sp() or " ", pick(["INTO", "into", "Into", "INT0", "", "ALL"], 3) if r.random() < 0.8 else "",
              sp() or " ", pick(_NAMES, 10) if r.random() < 0.85 else r.choice(_NAMES[17:]), sp(),
              pick(_COLS, 6), sp(), pick(_VALUES, 5), sp(), r.choice(_TAILS)]
    return "".join(parts)


def _reference_head(s: str) -> tuple[int, str, str | None] | None:
    m = INSERT.match(s)
    return None if m is None else (m.end(), head_name(m), m.group(3))


def test_insert_head_is_re2s_match(native: Any) -> None:
    r = random.Random(17)
    heads = [_head(r) for _ in range(6000)]
    heads += ["INSERT INTO t VALUES" + " " * 5000 + "(1)", "INSERT INTO `t` (" + "a," * 3000 + "b) VALUES (1)"]
    matched = 0
    for s in heads:
        want = _reference_head(s)
        assert native.insert_head(s) == want, repr(s)
        matched += want is not None
    # both sides of the pattern are exercised, and so are the folded letters and the \v
    assert 1500 < matched < len(heads) - 1500, matched
    assert _reference_head("in\u017fert into t value\u017f (1)") is not None
    assert _reference_head("INSERT\x0bINTO t VALUES (1)") is None


def _sql_lines(r: random.Random) -> list[str]:
    """INSERT runs: one row per statement, statements over several lines, other tables and
    column lists, lines ending in ";" followed by Unicode spaces, blank lines, comments."""
    out: list[str] = []
    for _ in range(r.randint(1, 12)):
        table = r.choice(["users", "`users`", "clients", "us\u017fers"])
        cols = r.choice(["(`id`, `email`)", "(id,email)", ""])
        kw = r.choice(["INSERT INTO", "insert into", "REPLACE INTO", "INSERT IGNORE INTO"])
        for _ in range(r.randint(1, 6)):
            head = f"{kw} {table} {cols} VALUES "
            k = r.randint(0, 999)
            end = r.choice([";", ";", "; ", ";\u00a0", ";\u2028", ",", ""])
            if r.random() < 0.25:  # a statement over several lines
                out.append(head)
                out.append(f"({k},'u{k}@example.fr'),")
                out.append(f"({k + 1},'v{k}@example.fr'){end}")
            else:
                out.append(f"{head}({k},'u{k}@example.fr'){end}")
        if r.random() < 0.3:
            out.append(r.choice(["", "-- next", "  INSERT INTO users VALUES (1);", "\u00a0"]))
    return out


def test_insert_run_end_is_the_reference_loop(native: Any) -> None:
    r = random.Random(5)
    runs = 0
    for _ in range(400):
        lines = _sql_lines(r)
        for i, s in enumerate(lines):
            if s[:1] not in "IiRr" or INSERT.match(s) is None:
                continue
            ctx = Ctx(lines, False, 1 << 20)
            engine.set_engine("python")
            want = sql(ctx, i)[0]
            engine.set_engine("native")
            assert sql(ctx, i)[0] == want == native.insert_run_end(lines, i) + 1, (lines, i)
            runs += want - i > 1
    assert runs > 300, runs


def _multi_row(seed: int) -> str:
    r = random.Random(seed)
    rows = [f"({k},'user{k}@example.fr','+33 6 12 34 {k % 100:02d} {k % 97:02d}','FR76 3000 6000 0112 3456 7890 189')"
            for k in range(300)]
    out = ["CREATE TABLE `clients` (", "  `id` int,", "  `email` varchar(255),", "  `tel` varchar(32),",
           "  `iban` varchar(64)", ");"]
    while rows:
        n = r.randint(1, 40)
        chunk, rows = rows[:n], rows[n:]
        head = r.choice(["INSERT INTO `clients` VALUES ", "insert into clients (`id`,`email`,`tel`,`iban`) values",
                         "REPLACE INTO `clients` VALUES\n"])
        body = ",\n".join(chunk) if r.random() < 0.5 else ",".join(chunk)
        out.append(head + body + ";")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("text", [
    pytest.param(lambda: make_dump("sql_insert", 600, 4100)[0], id="bench-sql"),
    pytest.param(lambda: make_dump("sql_insert", 600, 4101)[0] * 3, id="bench-sql-three-runs"),
    pytest.param(lambda: _multi_row(1), id="multi-row-1"),
    pytest.param(lambda: _multi_row(2), id="multi-row-2"),
    pytest.param(lambda: "\n".join(_sql_lines(random.Random(9))), id="fuzzed-runs"),
])
def test_both_engines_give_the_same_fragments_on_sql_dumps(native: Any, text: Any) -> None:
    ref, got = both_engines(text().encode(), KEY)
    assert any(f.kind == "sql_insert" for f in ref), "the input does not test the SQL path"
    assert len(ref) == len(got)
    for a, b in zip(ref, got, strict=True):
        assert a == b, (a.kind, a.start_line, b.kind, b.start_line)


def test_sink_over_sees_a_spent_time_cap_within_eight_calls() -> None:
    """`Sink.over` reads the clock (a system call) at its first call and every 8th after."""
    assert Sink(deadline=time.thread_time() - 1).over()
    sink = Sink(deadline=time.thread_time() + 3600)
    assert not any(sink.over() for _ in range(21))
    sink.deadline = time.thread_time() - 1  # the cap is spent
    calls = 1
    while not sink.over():
        calls += 1
    assert calls <= 8 and sink.over(), calls
    capped = Sink(max_found=2)
    capped.found.extend([("email", "a@b.fr", 0, 6)] * 2)
    assert capped.over()  # the identifier cap is read at every call


@pytest.mark.parametrize("seed", [4200, 4201], ids=["one-insert-of-8000-rows", "8000-inserts-of-one-row"])
def test_a_cap_stops_an_insert_run_at_the_same_place_on_both_engines(native: Any, seed: int) -> None:
    """A cap reached while an INSERT run is read stops the run there: `Sink.over` is checked at
    each line and every 256 tuples, by the reference and by the core (which calls it back), at
    the same places. The identifier cap makes that exact; the time cap goes through the same
    check (`test_sink_over_sees_a_spent_time_cap_within_eight_calls`)."""
    text = make_dump("sql_insert", 8000, seed)[0].encode()
    ref, got = both_engines(text, KEY, limits=Limits(max_identifiers=5000))
    assert ref == got
    n = sum(len(f.identifiers) for f in ref)
    full = sum(len(f.identifiers) for f in both_engines(text, KEY)[0])
    assert len(ref) == 1 and 5000 <= n < full - 10_000, (n, full)


# values that are calls (wave 24): parentheses nested up to a level too deep, quotes escaped both
# ways (the core's hand scan hands such lines to its regexes), N'' literals, commas inside calls
_CALL_PIECES = ["CAST(N'1980-02-03T00:00:00.000' AS DateTime)", "TO_DATE('03/02/1980', 'DD/MM/YYYY')", "NOW()",
                "CONVERT(VARCHAR(10), '1980-02-03', 120)", "f(g(h(1)))", "f(g('a,b'), 2)", "x (1, 2)", "COUNT(*)",
                "'d\\'Arc'", "'O''Neil'", "N'n.o@free.fr'", " n'x'", "'a(b'", "')'", "(", ")", "'u@example.fr'",
                "'06 12 34 56 78'", "NULL", "1", "_binary 'x,y'", "f(", "CAST (N'1999-06-21' AS date) AS d", "é(1)"]


def _call_rows(seed: int) -> str:
    r = random.Random(seed)
    out = ["CREATE TABLE t (id int, email text, tel text, date_naissance date, x text);"]
    for _ in range(60):
        rows = []
        for _ in range(r.randint(1, 4)):
            cells = [r.choice(_CALL_PIECES) for _ in range(r.randint(1, 6))]
            rows.append("(" + r.choice([",", ", "]).join(cells) + ")")
        head = r.choice(["INSERT INTO t VALUES ", "INSERT INTO t (email, date_naissance, tel) VALUES ",
                         "  INTO t (id, email) VALUES ", "INSERT ALL INTO t VALUES "])
        out.append(head + ",".join(rows) + r.choice([";", "", ","]))
    return "\n".join(out) + "\nSELECT * FROM dual;\n"


@pytest.mark.parametrize("seed", range(4))
def test_both_engines_read_calls_in_tuples_alike(native: Any, seed: int) -> None:
    ref, got = both_engines(_call_rows(seed).encode(), KEY)
    assert any(f.kind == "sql_insert" and f.identifiers for f in ref), "the input does not test the SQL path"
    assert ref == got
