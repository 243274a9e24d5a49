"""SQL rows whose values are calls, in four dialects (wave 24; blind probe set 3's
`mssql_bracketed_nvarchar` and `oracle_insert_all_to_date`).

- A value may be a call with parentheses nested in it: `CAST(N'1980-02-03T00:00:00.000' AS
  DateTime)`, `TO_DATE('03/02/1980', 'DD/MM/YYYY')`, `CONVERT(VARCHAR(10), '1980-02-03', 120)`,
  `NOW()`, `make_timestamp(2024, 1, 5, 10, 0, 0)`. The tuple holding one was not read at all (the
  row's parentheses did not balance for the reader), and a call's commas would have moved every
  later value to the wrong column. A call is one value: its first quoted literal, else as written.
- Oracle's `INSERT ALL` writes one `INTO t (a, b) VALUES (...)` a line: those are INSERT heads.
- MySQL's `_binary 'a,b'` (a character set introducer) is a quoted value: its commas cut none.
- SQL Server's `CREATE TABLE [dbo].[Patients](` with `[Email] [nvarchar](255)` column lines names the
  columns of a later `INSERT [dbo].[Patients] VALUES` that lists none.

Each case is built from the same three people in every dialect, column order, spacing and call
form (the class of input, not one example), and runs on the Python reference and on the compiled
core (when built): same identifiers, same fragments. Synthetic data only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, native_engine

KEY = MatchKey(b"\x5b" * 32, version=2)
STRICT = ("email", "phone", "nir", "dob")


def _nir(body: str) -> str:
    return body + f"{97 - int(body) % 97:02d}"


# (last name, e-mail, national mobile, spaced mobile, date of birth, NIR)
PEOPLE = [
    ("Roux", "lea.roux@laposte.net", "0612345678", "06 12 34 56 78", "1980-02-03", _nir("2800275056123")),
    ("Blanc", "hugo.blanc@sfr.fr", "0781234567", "07 81 23 45 67", "1975-11-28", _nir("1751169123045")),
    ("Perrin", "zoe.perrin@orange.fr", "0645127890", "06 45 12 78 90", "1992-07-14", _nir("2920713055210")),
]
WANT = {
    x
    for _, mail, mobile, _, dob, nir in PEOPLE
    for x in (("email", mail), ("phone", "+33" + mobile[1:]), ("dob", dob), ("nir", nir))
}


def _fr(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


# a date of birth as each dialect's call writes it
DOB_CALLS: dict[str, list[Callable[[str], str]]] = {
    "mysql": [lambda d: f"STR_TO_DATE('{_fr(d)}', '%d/%m/%Y')", lambda d: f"DATE('{d}')",
              lambda d: f"CAST('{d}' AS DATE)"],
    "tsql": [lambda d: f"CAST(N'{d}T00:00:00.000' AS DateTime)", lambda d: f"CONVERT(datetime, '{_fr(d)}', 103)",
             lambda d: f"CONVERT(VARCHAR(10), N'{d}', 120)", lambda d: f"CAST (N'{d}' AS date)"],
    "oracle": [lambda d: f"TO_DATE('{_fr(d)}', 'DD/MM/YYYY')", lambda d: f"TO_DATE( '{d}' , 'YYYY-MM-DD' )",
               lambda d: f"to_date('{_fr(d)}','DD/MM/YYYY')"],
    "postgres": [lambda d: f"to_date('{_fr(d)}', 'DD/MM/YYYY')", lambda d: f"date('{d}')"],
}
# a creation time beside it: calls with commas and nesting, or none
CREATED = {
    "mysql": ["NOW()", "DATE_FORMAT(NOW(), '%Y-%m-%d')", "FROM_UNIXTIME(1704448800)"],
    "tsql": ["GETDATE()", "DATEADD(day, -1, GETDATE())", "CAST(N'2024-01-05T10:00:00' AS DateTime2)"],
    "oracle": ["SYSDATE", "TO_TIMESTAMP('2024-01-05 10:00:00', 'YYYY-MM-DD HH24:MI:SS')", "SYSTIMESTAMP"],
    "postgres": ["now()", "make_timestamp(2024, 1, 5, 10, 0, 0)", "to_timestamp(1704448800)"],
}
COLUMNS = ["nom", "email", "telephone", "date_naissance", "nir", "date_creation"]
# three orders: the creation call before the date of birth, after it, and first
ORDERS = [[0, 1, 2, 5, 3, 4], [4, 3, 2, 1, 0, 5], [5, 2, 3, 0, 4, 1]]


def _values(n: int, p: tuple[str, ...], dialect: str, dob: Callable[[str], str], created: str, sep: str,
            order: list[int]) -> str:
    last, mail, mobile, spaced, d, nir = p
    lit = (lambda v: f"N'{v}'") if dialect == "tsql" else (lambda v: f"'{v}'")
    cells = [lit(last), lit(mail), lit(spaced if n % 2 else mobile), dob(d), lit(nir), created]
    return "(" + sep.join(cells[k] for k in order) + ")"


def _dump(dialect: str, form: int, order: list[int], sep: str) -> str:
    dob = DOB_CALLS[dialect][form % len(DOB_CALLS[dialect])]
    created = CREATED[dialect][form % len(CREATED[dialect])]
    rows = [_values(n, p, dialect, dob, created, sep, order) for n, p in enumerate(PEOPLE)]
    cols = [COLUMNS[k] for k in order]
    if dialect == "mysql":
        head = "INSERT INTO `patients` (" + ",".join(f"`{c}`" for c in cols) + ") VALUES "
        return "-- MySQL dump 10.13\n" + head + ",".join(rows) + ";\nUNLOCK TABLES;\n"
    if dialect == "tsql":
        head = "INSERT [dbo].[Patients] (" + ", ".join(f"[{c}]" for c in cols) + ") VALUES "
        return "SET IDENTITY_INSERT [dbo].[Patients] ON\n" + "".join(head + r + "\n" for r in rows) + "GO\n"
    if dialect == "oracle":
        into = "  INTO PATIENTS (" + ", ".join(c.upper() for c in cols) + ") VALUES "
        if form % 2:  # one INSERT a row
            return "".join(into.replace("  INTO", "INSERT INTO") + r + ";\n" for r in rows) + "COMMIT;\n"
        return "INSERT ALL\n" + "".join(into + r + "\n" for r in rows) + "SELECT * FROM dual;\n"
    head = 'INSERT INTO "public"."patients" (' + ", ".join(f'"{c}"' for c in cols) + ") VALUES\n"
    return head + ",\n".join(rows) + ";\n"


CASES = {
    f"{dialect}-{form}-{o}-{'sp' if sep == ', ' else 'nosp'}": _dump(dialect, form, order, sep)
    for dialect in DOB_CALLS
    for form in range(max(len(DOB_CALLS[dialect]), 3))
    for o, order in enumerate(ORDERS)
    for sep in (", ", ",")
    if (form + o) % 2 == 0 or sep == ", "  # (every form, order and spacing, not every product)
}


@pytest.fixture(params=["python", "native"])
def eng(request: pytest.FixtureRequest) -> Any:
    if request.param == "native":
        native_engine()  # skipped (or failed under VIGIE_REQUIRE_NATIVE=1) when not built
    engine.set_engine(request.param)
    yield request.param
    engine.set_engine()  # back to VIGIE_ENGINE


def _ids(text: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY) for i in f.identifiers if i.type in STRICT}


def test_cases_cover_the_class() -> None:
    assert len(CASES) >= 40 and len(WANT) == 12
    assert {c.split("-")[0] for c in CASES} == set(DOB_CALLS)
    assert sum("make_timestamp" in t for t in CASES.values()) >= 2 and sum("INSERT ALL" in t for t in CASES.values())


def test_rows_with_calls(eng: str) -> None:
    """Every person's four identifiers from every dump, and nothing else."""
    bad = {n: (sorted(WANT - got), sorted(got - WANT)) for n, text in CASES.items() if (got := _ids(text)) != WANT}
    assert not bad, (eng, len(bad), dict(list(bad.items())[:3]))


def test_a_call_keeps_its_column(eng: str) -> None:
    """The commas inside a call split nothing: the date of birth after it stays under its header
    (a date under another column is no date of birth)."""
    for created in ("make_timestamp(2024, 1, 5, 10, 0, 0)", "CONCAT('a', ',', 'b')", "COALESCE(NULL, f(1, 2), 3)"):
        text = f"INSERT INTO t (id, cree, date_naissance, email) VALUES (1, {created}, '1980-02-03', 'a.b@free.fr');\n"
        assert _ids(text) == {("dob", "1980-02-03"), ("email", "a.b@free.fr")}, (eng, created)


def test_call_without_a_literal_is_read_as_written(eng: str) -> None:
    """`NOW()` under the date of birth is none; a number in a call under the phone is the phone."""
    text = "INSERT INTO t (date_naissance, telephone, email) VALUES (NOW(), f(0612345678), 'c.d@free.fr');\n"
    assert _ids(text) == {("email", "c.d@free.fr"), ("phone", "+33612345678")}, eng


def test_an_introduced_literal_is_one_value(eng: str) -> None:
    """MySQL's `_binary '...'` (a character set introducer) holds commas that cut no value."""
    for lit in ("_binary 'k,9;z'", "_utf8mb4'a,b'", "_latin1 'x,,y'", "X'2C2C'"):
        text = f"INSERT INTO `t` (`uuid`, `date_naissance`, `telephone`) VALUES ({lit},'1980-02-03','0612345678');\n"
        assert _ids(text) == {("dob", "1980-02-03"), ("phone", "+33612345678")}, (eng, lit)


def test_tsql_create_table_names_the_columns(eng: str) -> None:
    """`CREATE TABLE [dbo].[Patients](` and `[Col] [type]` lines, then INSERTs with no column list."""
    rows = "".join(
        f"INSERT [dbo].[Patients] VALUES ({n}, N'{p[0]}', CAST(N'{p[4]}T00:00:00.000' AS DateTime), N'{p[3]}', "
        f"N'{p[1]}', N'{p[5]}')\n"
        for n, p in enumerate(PEOPLE)
    )
    text = (
        "SET ANSI_NULLS ON\nGO\nCREATE TABLE [dbo].[Patients](\n\t[Id] [int] IDENTITY(1,1) NOT NULL,\n"
        "\t[Nom] [nvarchar](50) NULL,\n\t[DateNaissance] [datetime] NULL,\n\t[Telephone] [nvarchar](20) NULL,\n"
        "\t[Email] [nvarchar](255) NULL,\n\t[NumSecu] [char](15) NULL,\n"
        " CONSTRAINT [PK_Patients] PRIMARY KEY CLUSTERED \n(\n\t[Id] ASC\n)WITH (PAD_INDEX = OFF) ON [PRIMARY]\n"
        ") ON [PRIMARY]\nGO\n" + rows + "GO\n"
    )
    assert _ids(text) == WANT, eng


def test_engines_agree() -> None:
    native_engine()
    for name, text in list(CASES.items())[::3]:
        for t in (text, text.replace("\n", "\r\n")):
            engine.set_engine("python")
            ref = detect(t, key=KEY)
            engine.set_engine("native")
            got = detect(t, key=KEY)
            engine.set_engine()  # back to VIGIE_ENGINE
            assert_same_fragments(ref, got, name)
