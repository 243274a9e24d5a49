"""Pretty-printed JSON dumps (`records.pretty_json`): `json.dump(rows, indent=2)`, API responses,
`mongoexport --pretty`. One value is one fragment; its records are read as JSON lines' records
are, typed by their keys. Synthetic data only."""

from __future__ import annotations

import json

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import both_engines, require_native

KEY = MatchKey(b"\x11" * 32, version=3)

ROWS = [
    {"id": 1, "nom": "Dupont", "prenom": "Jean", "email": "jean.dupont@example.fr", "telephone": "06 12 34 56 78",
     "date_naissance": "1985-03-12", "adresse": {"rue": "12 rue des Lilas", "ville": "Paris"}},
    {"id": 2, "nom": "Martin", "prenom": "Élodie", "email": "e.martin@orange.fr", "telephone": "07 81 23 45 67",
     "date_naissance": "1990-02-01", "adresse": {"rue": "3 avenue Foch", "ville": "Lyon"}},
    {"id": 3, "nom": "Durand", "prenom": "Paul", "email": "pdurand@free.fr", "telephone": "+33 6 98 76 54 32",
     "date_naissance": "1975-05-05", "adresse": {"rue": "8 place Bellecour", "ville": "Lyon"}},
]


def _found(frags) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


def _as_lines(rows) -> set[tuple[str, str]]:
    """What the same records give as JSON lines: the reference for the pretty-printed forms."""
    return _found(detect("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), key=KEY))


@pytest.mark.parametrize("indent", [2, 4, "\t"])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_a_pretty_printed_array_is_one_fragment_with_every_record(indent, ascii_only: bool) -> None:
    text = "Le dump complet :\n" + json.dumps(ROWS, indent=indent, ensure_ascii=ascii_only) + "\nBonne chance."
    frags = detect(text.encode(), key=KEY)
    assert [(f.kind, f.start_line) for f in frags] == [("json", 2)]
    f = frags[0]
    assert f.end_line == text.count("\n")
    want = _as_lines(ROWS)
    assert _found(frags) == want
    assert {("dob", "1985-03-12"), ("dob", "1990-02-01"), ("dob", "1975-05-05")} <= want
    names = {v for t, v in want if t == "name"}
    assert {"dupont jean", "elodie martin", "durand paul"} <= names  # `\u00c9lodie` read as Élodie
    assert "jean.dupont@example.fr" not in f.excerpt and "06 12 34 56 78" not in f.excerpt
    for i in f.identifiers:
        if i.type == "email":
            assert f.text[i.start:i.end] == i.value


def test_records_are_found_however_deep_the_array_is() -> None:
    wrapped = {"status": "ok", "count": 3, "data": {"patients": ROWS, "page": 1}}
    f, = detect(json.dumps(wrapped, indent=2), key=KEY)
    assert f.kind == "json" and _found([f]) == _as_lines(ROWS)


def test_a_record_with_an_array_of_objects_stays_one_record() -> None:
    """A patient holding several addresses is one record, not three: the names are not
    paired with another patient's details."""
    rows = [dict(r, adresses=[r["adresse"], {"rue": "1 rue Neuve", "ville": "Nantes"}]) for r in ROWS]
    for r in rows:
        del r["adresse"]
    f, = detect(json.dumps(rows, indent=2, ensure_ascii=False), key=KEY)
    assert _found([f]) == _as_lines(rows)
    assert {v for t, v in _found([f]) if t == "name"} >= {"dupont jean", "elodie martin", "durand paul"}


def test_one_pretty_printed_object_is_one_record() -> None:
    f, = detect("profil trouvé :\n" + json.dumps(ROWS[0], indent=2), key=KEY)
    assert f.kind == "json" and ("email", "jean.dupont@example.fr") in _found([f])
    assert ("dob", "1985-03-12") in _found([f])


def test_a_cut_value_gives_the_records_before_the_cut() -> None:
    """Leaks are often truncated (a paste's size limit, a chunk of a big file): the records
    that are whole are read; a chunk that starts inside a bigger array too."""
    full = json.dumps(ROWS, indent=2)
    cut = full[: full.index('"pdurand')]  # inside the third record
    f, = detect(cut, key=KEY)
    assert _found([f]) == _as_lines(ROWS[:2])
    middle = full[full.index("  {", full.index('"jean.dupont')):]  # from the second record to the end
    frags = detect(middle, key=KEY)
    assert frags and frags[0].kind == "json"
    assert _found(frags) >= _as_lines(ROWS[1:])


def test_json_that_types_nothing_is_no_json_fragment() -> None:
    config = json.dumps({"name": "vigie-ui", "version": "1.2.3", "dependencies": {"react": "^18.2.0"},
                         "scripts": [{"build": "vite build"}, {"test": "vitest"}]}, indent=2)
    assert not [f for f in detect(config, key=KEY) if f.kind == "json"]
    # keys that type nothing: its lines go to the other recognisers, as before this recogniser
    contacts = json.dumps([{"x": f"u{k}@example.fr", "y": "06 12 34 56 78"} for k in range(20)], indent=2)
    assert not [f for f in detect(contacts, key=KEY) if f.kind == "json"]


def test_both_engines_agree_on_pretty_printed_json() -> None:
    require_native()
    try:
        for indent in (2, 4):
            for value in (ROWS, {"data": {"rows": ROWS}}, ROWS[0]):
                ref, got = both_engines(json.dumps(value, indent=indent).encode(), KEY)
                assert ref and ref == got
    finally:
        engine.set_engine(None)
