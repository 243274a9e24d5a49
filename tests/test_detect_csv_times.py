"""CSV rows that hold a time (`2024-01-15T10:30:00`, a database export's `created_at`, a birth
date exported as a timestamp). Without spaces, a comma-separated row ending in such a time is
`login:password`-shaped at the time's first colon: five rows of an export were read as five
junk credentials and their e-mails lost. With spaces in a name, the row matched as `label: value`
and the walk back to the header stopped at it: names and birth dates lost. All values are
synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.identifiers import canon_name
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x61" * 32, version=1)


def _types(frags: list[Fragment]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in frags:
        for i in f.identifiers:
            out[i.type] = out.get(i.type, 0) + 1
    return out


@pytest.mark.parametrize("stamp", ["2024-01-1{k}T10:30:00", "2024-01-1{k}T10:30", "2024-01-1{k} 10:30:00"])
def test_a_row_ending_in_a_time_is_a_row(stamp: str) -> None:
    rows = [f"{k},Claire{k},Martin,claire{k}@exemple.fr," + stamp.format(k=k) for k in range(5)]
    frags = detect("id,first_name,last_name,email,created_at\n" + "\n".join(rows), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, 6)]
    assert _types(frags) == {"email": 5, "name": 5}
    assert {i.value for f in frags for i in f.identifiers if i.type == "name"} == {
        canon_name(f"Claire{k} Martin") for k in range(5)}


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_birth_date_exported_as_a_timestamp_keeps_the_header(sep: str) -> None:
    rows = [sep.join([f"Claire{k} Martin", f"1985-03-1{k}T00:00:00", f"claire{k}@exemple.fr"]) for k in range(5)]
    frags = detect(sep.join(["Name", "DOB", "Email"]) + "\n" + "\n".join(rows), key=KEY)
    assert [(f.kind, f.start_line) for f in frags] == [("csv", 1)]
    assert _types(frags) == {"name": 5, "dob": 5, "email": 5}


def test_combo_lists_are_read_as_before() -> None:
    lines = [f"claire{k}@exemple.fr:Azerty{k}23!" for k in range(5)] + [f"jdupont{k}|S0leil{k}!" for k in range(5)]
    assert _types(detect("\n".join(lines), key=KEY)) == {"email": 5, "credential": 10}


def test_a_dox_label_with_a_comma_is_still_read() -> None:
    text = "Nom, prénom : Martin Claire\nEmail : claire.martin@exemple.fr\nTél : 06 12 34 56 78"
    assert {"email", "phone"} <= set(_types(detect(text, key=KEY)))
