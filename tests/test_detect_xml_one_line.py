"""XML exports written on one line (`<patients><patient><nom>...</nom>...</patient>...`, as most
serialisers write them without pretty-printing): the same records one element per line were
read, on one line they gave nothing (a lone seed line was dropped before any recogniser saw it).
A lone line of markup now goes to the XML recogniser, which takes it when it holds two records
at least, as one-line JSON. All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.identifiers import canon_name
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x23" * 32, version=1)

PEOPLE = [(f"Martin{k}", f"Claire{k}", f"claire{k}.martin@exemple.fr", f"06 1{k} 23 45 67") for k in range(6)]
EMAILS = {p[2] for p in PEOPLE}
NAMES = {canon_name(f"{first} {last}") for last, first, _, _ in PEOPLE}


def _values(frags: list[Fragment], t: str) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == t}


ELEMENTS = "".join(f"<patient><nom>{a}</nom><prenom>{b}</prenom><email>{c}</email><tel>{d}</tel></patient>"
                   for a, b, c, d in PEOPLE)
EXPORTS = {
    "elements": f"<patients>{ELEMENTS}</patients>",
    "declaration": f'<?xml version="1.0" encoding="UTF-8"?><export><patients>{ELEMENTS}</patients></export>',
    "namespaced": "<ns:patients xmlns:ns=\"urn:x\">" + "".join(
        f"<ns:patient><ns:nom>{a}</ns:nom><ns:prenom>{b}</ns:prenom><ns:email>{c}</ns:email><ns:tel>{d}</ns:tel>"
        "</ns:patient>" for a, b, c, d in PEOPLE) + "</ns:patients>",
    "attributes": "<patients>" + "".join(f'<patient nom="{a}" prenom="{b}" email="{c}" tel="{d}"/>'
                                          for a, b, c, d in PEOPLE) + "</patients>",
}


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_on_one_line_is_read_record_by_record(name: str) -> None:
    text = "export du logiciel :\n\n" + EXPORTS[name] + "\n\nbonne lecture"
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("xml", 3, 3)]
    assert _values(frags, "email") == EMAILS
    assert _values(frags, "name") == NAMES  # each record's own names, paired
    assert len(_values(frags, "phone")) == 6
    assert not any(p[2] in frags[0].excerpt or p[0] in frags[0].excerpt for p in PEOPLE)


def test_the_many_posts_path_agrees() -> None:
    """`detect_many` (the compiled core's sparse scan, or Hyperscan) must not drop the lone line."""
    posts = [("intro\n\n" + text + "\n").encode() for text in EXPORTS.values()] + [b"rien ici\n"]
    many = detect_many(posts, key=KEY)
    assert [[(f.kind, len(f.identifiers)) for f in frags] for frags in many] == [
        [(f.kind, len(f.identifiers)) for f in detect(p, key=KEY)] for p in posts]
    assert [len(frags) for frags in many] == [1, 1, 1, 1, 0]


@pytest.mark.parametrize("text", [
    # one record, or a tagged value in a post: a line, not a dump
    "<patient><nom>Martin</nom><prenom>Claire</prenom><email>claire.martin@exemple.fr</email></patient>",
    "<contact><email>claire.martin@exemple.fr</email></contact>",
    # HTML written into a post: tags that name no field
    '<p>Écrivez à <a href="mailto:claire.martin@exemple.fr">claire.martin@exemple.fr</a> ou '
    '<a href="mailto:jean.dupont@exemple.fr">jean.dupont@exemple.fr</a></p>',
    "<ul><li>claire.martin@exemple.fr</li><li>jean.dupont@exemple.fr</li></ul>",
])
def test_a_lone_line_of_markup_with_less_than_two_records_gives_nothing(text: str) -> None:
    assert detect("voici :\n\n" + text + "\n\nmerci", key=KEY) == []


def test_one_record_pretty_printed_is_still_read() -> None:
    """The rule is for a lone line: a record written one element per line is read as before."""
    a, b, c, d = PEOPLE[0]
    text = f"<patient>\n  <nom>{a}</nom>\n  <prenom>{b}</prenom>\n  <email>{c}</email>\n</patient>"
    frags = detect(text, key=KEY)
    assert _values(frags, "email") == {c} and _values(frags, "name") == {canon_name(f"{b} {a}")}
