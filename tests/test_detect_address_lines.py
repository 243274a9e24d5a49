"""Addresses on one line: a mailing list pasted as `a@x.fr, b@y.fr, ...`, a message's recipients
(`To: Claire Martin <a@x.fr>, "Martin, Paul" <b@y.fr>`). One address a line was read from three
lines on; the same addresses on one line gave nothing (a lone line without a label was dropped
before any recogniser, and none read a line of addresses). Four personal addresses at least, and
nothing on the line but addresses, display names, separators and a short label. All values are
synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.detect.shapes import MIN_LINE_ADDRESSES
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x29" * 32, version=1)

DOMAINS = ["orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "exemple.fr", "sfr.fr", "yahoo.fr", "hotmail.fr"]
PEOPLE = [(f"Claire{k}", f"Martin{k}", f"claire{k}.martin@{DOMAINS[k]}") for k in range(8)]
EMAILS = {p[2] for p in PEOPLE}


def _emails(frags: list[Fragment]) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "email"}


LINES = {
    "commas": ", ".join(e for _, _, e in PEOPLE),
    "semicolons": ";".join(e for _, _, e in PEOPLE) + ";",
    "spaces": " ".join(e for _, _, e in PEOPLE),
    "pipes": " | ".join(e for _, _, e in PEOPLE),
    "label": "Emails : " + ", ".join(e for _, _, e in PEOPLE),
    "bullet": "- " + ", ".join(e for _, _, e in PEOPLE) + ".",
    "recipients": "To: " + ", ".join(f"{a} {b} <{e}>" for a, b, e in PEOPLE),
    "quoted_names": "Cc: " + ", ".join(f'"{b}, {a}" <{e}>' for a, b, e in PEOPLE),
    "bracketed": "; ".join(f"<{e}>" for _, _, e in PEOPLE),
}


@pytest.mark.parametrize("name", LINES)
def test_a_line_of_addresses_is_a_list(name: str) -> None:
    text = "liste récupérée :\n\n" + LINES[name] + "\n\nservez-vous"
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("separated_run", 3, 3)]
    assert _emails(frags) == EMAILS
    assert not any(e in frags[0].excerpt for e in EMAILS)


def test_the_line_inside_a_post_is_read_too() -> None:
    frags = detect("liste récupérée :\n" + LINES["commas"] + "\nservez-vous", key=KEY)
    assert _emails(frags) == EMAILS


def test_the_many_posts_path_agrees_at_the_threshold() -> None:
    """`detect_many` (the compiled core's sparse scan, or Hyperscan) keeps a lone line of four
    addresses for the recognisers and drops one of three, as `detect` does."""
    four = ", ".join(e for _, _, e in PEOPLE[:MIN_LINE_ADDRESSES])
    three = ", ".join(e for _, _, e in PEOPLE[:MIN_LINE_ADDRESSES - 1])
    posts = [f"intro\n\n{line}\n\nfin\n".encode() for line in (*LINES.values(), four, three)]
    many = detect_many(posts, key=KEY)
    assert [[(f.kind, len(f.identifiers)) for f in frags] for frags in many] == [
        [(f.kind, len(f.identifiers)) for f in detect(p, key=KEY)] for p in posts]
    assert [len(frags) for frags in many] == [1] * len(LINES) + [1, 0]


@pytest.mark.parametrize("text", [
    # prose that names addresses: words between them that are no display name
    "Écrivez à claire@exemple.fr, paul@exemple.fr, jean@exemple.fr ou marie@exemple.fr pour toute question.",
    "claire@exemple.fr et paul@exemple.fr, puis jean@exemple.fr, enfin marie@exemple.fr : merci à eux",
    # three addresses: one a line needs three lines, one line needs four
    "claire.martin@orange.fr, paul.durand@gmail.com, jean.petit@free.fr",
    # a company's service mailboxes: how to reach it, not a leak
    "Contacts : contact@exemple.fr, ventes@exemple.fr, presse@exemple.fr, rh@exemple.fr, support@exemple.fr",
    # invalid addresses do not count
    "a@b, c@d, e@f, g@h, i@j",
])
def test_lines_that_are_not_a_list_of_addresses_give_nothing(text: str) -> None:
    assert detect("bonjour,\n\n" + text + "\n\nà bientôt", key=KEY) == []


def test_a_table_whose_cells_hold_address_lists_stays_a_table() -> None:
    rows = [f"Martin{k};Claire{k};" + " ".join(f"c{k}.{n}@{DOMAINS[n]}" for n in range(4)) for k in range(4)]
    frags = detect("nom;prenom;emails\n" + "\n".join(rows), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("csv", 1, 5)]
    assert len(_emails(frags)) == 16
