"""JSON written on one line whose records sit inside an object (`{"users": [...]}`, an API response
`{"status": "ok", "data": {"results": [...]}}`): the same value pretty-printed was read record by
record, on one line it gave nothing (a lone line is a block only as an array of records). All
values are synthetic."""

from __future__ import annotations

import json

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x19" * 32, version=1)

PEOPLE = [{"first_name": f"Claire{k}", "last_name": "Martin", "email": f"claire{k}.martin@exemple.fr",
           "phone": f"06 1{k} 23 45 67"} for k in range(6)]
EMAILS = {p["email"] for p in PEOPLE}
NAMES = {canon_name(f"{p['first_name']} {p['last_name']}") for p in PEOPLE}


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


WRAPPERS = {
    "users": {"users": PEOPLE},
    "api": {"status": "ok", "data": {"count": 6, "results": PEOPLE}},
    "pages": {"page": 1, "items": [{"account": {"id": k, **p}} for k, p in enumerate(PEOPLE)]},
    "two_arrays": {"patients": PEOPLE[:3], "contacts": PEOPLE[3:]},
}


@pytest.mark.parametrize("name", WRAPPERS)
def test_records_wrapped_in_an_object_on_one_line(name: str) -> None:
    text = "dump de l'API :\n\n" + json.dumps(WRAPPERS[name], ensure_ascii=False) + "\n\nfin"
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["jsonl"]
    assert _values(frags, "email") == EMAILS
    assert _values(frags, "name") == NAMES  # each record's own names, paired


def test_json_lines_of_wrapped_pages() -> None:
    lines = [json.dumps({"page": n, "results": PEOPLE[2 * n:2 * n + 2]}) for n in range(3)]
    frags = detect("\n".join(lines), key=KEY)
    assert _values(frags, "email") == EMAILS and _values(frags, "name") == NAMES


def test_a_record_holding_an_array_of_objects_stays_one_record() -> None:
    lines = [json.dumps({**p, "addresses": [{"city": "Paris", "zip": "75001"}, {"city": "Lyon"}]}) for p in PEOPLE]
    frags = detect("\n".join(lines), key=KEY)
    assert [f.kind for f in frags] == ["jsonl"]
    assert _values(frags, "email") == EMAILS and _values(frags, "name") == NAMES


def test_one_wrapped_record_alone_is_no_block() -> None:
    assert detect(json.dumps({"results": [PEOPLE[0]]}), key=KEY) == []


def test_a_wrapper_of_objects_without_identifiers_gives_nothing() -> None:
    assert detect(json.dumps({"data": [{"id": k, "label": f"item {k}"} for k in range(20)]}), key=KEY) == []
