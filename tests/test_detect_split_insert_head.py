"""`INSERT INTO users (id, first_name, ...)` with `VALUES` starting the next line, as seed files
and hand-written dumps put it: the head did not match on its line, so the column names were lost
(the tuples below were read as untyped rows: e-mails without their names). All values are
synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x47" * 32, version=1)
PEOPLE = [(k, f"Claire{k}", f"Martin{k}", f"claire{k}.martin@exemple.fr") for k in range(6)]
TUPLES = ",\n".join(f"  ({k}, '{a}', '{b}', '{e}')" for k, a, b, e in PEOPLE) + ";"


@pytest.mark.parametrize("head", [
    "INSERT INTO users (id, first_name, last_name, email)\nVALUES\n",
    "INSERT INTO `users` (`id`, `first_name`, `last_name`, `email`)\n  values\n",
    "INSERT INTO public.users (id, first_name, last_name, email)\nVALUES ",
])
def test_the_head_over_two_lines_types_the_columns(head: str) -> None:
    text = head + TUPLES.lstrip() if head.endswith(" ") else head + TUPLES
    frags = detect("-- seed\n\n" + text + "\n\n-- end", key=KEY)
    assert [(f.kind, f.start_line) for f in frags] == [("sql_insert", 3)]
    assert {i.value for f in frags for i in f.identifiers if i.type == "email"} == {p[3] for p in PEOPLE}
    assert {i.value for f in frags for i in f.identifiers if i.type == "name"} == {
        canon_name(f"{a} {b}") for _, a, b, _ in PEOPLE}


def test_a_head_without_values_below_is_no_statement() -> None:
    text = "INSERT INTO users (id, first_name, last_name, email)\n" + "\n".join(
        f"{k};{a};{b};{e}" for k, a, b, e in PEOPLE)
    frags = detect(text, key=KEY)
    assert all(f.kind != "sql_insert" for f in frags)
