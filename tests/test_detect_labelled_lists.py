"""A list written behind one and the same label, line after line (`Email: a@x.fr`, `Tel : 06 ...`),
as forum posts and pastes write a list of victims' addresses: a run of key: value lines without a
name was no dox, and gave nothing. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x71" * 32, version=1)

EMAILS = [f"patient{k}.dupont@exemple.fr" for k in range(6)]
PHONES = [f"06 2{k} 33 44 5{k}" for k in range(6)]


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


@pytest.mark.parametrize(("label", "values", "t"), [
    ("Email: ", EMAILS, "email"), ("E-mail : ", EMAILS, "email"), ("- mail = ", EMAILS, "email"),
    ("Tel : ", PHONES, "phone"), ("Phone: ", PHONES, "phone"),
])
def test_one_label_line_after_line_is_a_list(label: str, values: list[str], t: str) -> None:
    text = "Extrait de la base :\n\n" + "\n".join(label + v for v in values) + "\n\nLa suite contre 0.01 BTC"
    frags = detect(text, key=KEY)
    assert len(frags) == 1 and frags[0].kind == "separated_run"
    assert (frags[0].start_line, frags[0].end_line) == (3, 8)
    assert len(_values(frags, t)) == len(values)


def test_two_lines_are_a_signature_not_a_list() -> None:
    assert detect("Email: a.b@exemple.fr\nEmail: c.d@exemple.fr", key=KEY) == []


def test_labels_without_identifiers_give_nothing() -> None:
    assert detect("\n".join(["Email: voir en MP"] * 3 + ["Email: demandez"] * 2), key=KEY) == []


def test_a_labelled_list_keeps_dox_reading_when_names_are_there() -> None:
    rows = enumerate(zip(EMAILS, PHONES, strict=True))
    text = "\n".join(f"Nom: Dupont Jean{k}\nEmail: {e}\nTel: {p}" for k, (e, p) in rows)
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["dox"]
    assert len(_values(frags, "email")) == len(EMAILS)
