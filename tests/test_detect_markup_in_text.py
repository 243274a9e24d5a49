"""Markup in a plain-text dump must not hide the dump's rows (wave 23, blind probe set 3's evasion).

`decode()` reads a text as HTML when it sees a tag in its head; it used to read the whole text as a
page, whose line breaks are spaces: one `ok<br>` line put before (or after, in a small paste) a CSV,
an SQL dump, JSON lines or a combo list made every record one line, and detection found nothing.
Now a text whose HTML was seen (not declared by a `.html` name or an HTML type) keeps its own line
breaks, and a `<` that opens no HTML element (`<jean@x.fr>`) stays text. Each case here compares what
is found in the dump with the markup and without it: the same identifiers, and not none. A page that
is HTML is still read as HTML (its table's rows, its `<br>` lines, cells with a `<br>` in them).
"""

from __future__ import annotations

import pytest

from indexer.decode import decode
from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"k" * 32)

PEOPLE = [
    ("Morel", "Julie", "julie.morel84@orange.fr", "06 12 48 93 57", "+33612489357", "12/03/1984"),
    ("Garnier", "Luc", "luc.garnier@free.fr", "07 81 22 64 09", "+33781226409", "28/11/1979"),
    ("Roux", "Emma", "emma.roux.91@gmail.com", "06 45 10 77 32", "+33645107732", "05/07/1991"),
    ("Faure", "Hugo", "h.faure@laposte.net", "06 98 03 51 26", "+33698035126", "19/01/1968"),
]

CSV = "nom;prenom;email;tel;date_naissance\n" + "\n".join(
    f"{last};{first};{mail};{tel};{dob}" for last, first, mail, tel, _, dob in PEOPLE
)
SQL = (
    "INSERT INTO `clients` (`id`, `nom`, `email`, `telephone`) VALUES\n"
    + ",\n".join(
        f"({n}, '{last}', '{mail}', '{tel.replace(' ', '')}')" for n, (last, _, mail, tel, _, _) in enumerate(PEOPLE, 1)
    )
    + ";"
)
JSONL = "\n".join(
    f'{{"name": "{first} {last}", "email": "{mail}", "phone": "{e164}"}}' for last, first, mail, _, e164, _ in PEOPLE
)
COMBO = "\n".join(f"{mail}:{first.lower()}{n}!Azerty" for n, (_, first, mail, _, _, _) in enumerate(PEOPLE, 7))
ANGLED = "\n".join(f"{first} {last} <{mail}> {tel}" for last, first, mail, tel, _, _ in PEOPLE)
DUMPS = {"csv": CSV, "sql": SQL, "jsonl": JSONL, "combo": COMBO, "angled": ANGLED}

MARKUP = {
    "br": "ok<br>",
    "p": "<p>merci</p>",
    "div": "<div>source : forum</div>",
    "b_nbsp": "<b>Leak&nbsp;2026</b> <br/>",
    "comment_span": "<!-- mirror --><span>voir plus bas</span>",
    "a": '<a href="http://example.onion/x">lien</a>',
    "table": "<table><tr><td>nom</td><td>mail</td></tr></table>",
}


def found(text: str, **kw: str) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in detect(text, key=KEY, **kw) for i in f.identifiers}


_PLAIN = {name: found(dump) for name, dump in DUMPS.items()}


def test_the_dumps_alone_are_found() -> None:
    for name, ids in _PLAIN.items():
        assert len({v for t, v in ids if t in ("email", "credential")}) >= 4, (name, ids)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("tag", sorted(MARKUP))
@pytest.mark.parametrize("dump", sorted(DUMPS))
def test_markup_line_hides_nothing(dump: str, tag: str, where: str) -> None:
    rows = DUMPS[dump].split("\n")
    line = MARKUP[tag]
    if where == "start":
        text = line + "\n" + DUMPS[dump]
    elif where == "end":
        text = DUMPS[dump] + "\n" + line
    else:
        text = "\n".join(rows[:2]) + "\n\n" + line + "\n\n" + "\n".join(rows[2:])
    assert found(text) >= _PLAIN[dump] or where == "middle" and found(text) >= _split_plain(dump), (dump, tag, where)


def _split_plain(dump: str) -> set[tuple[str, str]]:
    """In the middle, the markup cuts the dump in two: as the same two parts without it are read."""
    rows = DUMPS[dump].split("\n")
    return found("\n".join(rows[:2]) + "\n\n\n\n" + "\n".join(rows[2:]))


def test_markup_between_several_dumps_named_and_typed_as_text() -> None:
    text = "ok<br>\n" + "\n\n".join(DUMPS.values()) + "\n<p>fin</p>"
    want = set().union(*_PLAIN.values())
    assert found(text) >= want
    assert found(text, filename="dump.csv") >= want
    assert found(text.encode(), filename="leak.txt", content_type="text/plain") >= want


def test_a_page_is_still_read_as_a_page() -> None:
    """Pretty-printed HTML (no name, no type: its markup seen): its rows stay rows, its cells cells."""
    rows = "\n".join(
        "    <tr>\n" + "".join(f"      <td>{c}</td>\n" for c in (last, first, mail, tel)) + "    </tr>"
        for last, first, mail, tel, _, _ in PEOPLE
    )
    page = (
        "<!DOCTYPE html>\n<html>\n  <head><title>clients</title>\n"
        "  <script>\n var t = '0612345678';\n  </script></head>\n  <body>\n  <table>\n"
        f"    <tr><th>Nom</th><th>Prénom</th><th>Email</th><th>Téléphone</th></tr>\n{rows}\n  </table>\n"
        "  </body>\n</html>\n"
    )
    text = decode(page)
    assert "var t" not in text
    lines = [ln for ln in text.split("\n") if ln.strip()]
    assert lines[0].split("\t") == ["Nom", "Prénom", "Email", "Téléphone"]
    assert [[c.strip() for c in ln.split("\t")] for ln in lines[1:]] == [[p[0], p[1], p[2], p[3]] for p in PEOPLE]
    want = {x for x in _PLAIN["csv"] if x[0] in ("email", "phone")}
    assert len(want) >= 8 and {x for x in found(page) if x[0] in ("email", "phone")} == want


def test_a_cell_with_a_br_keeps_its_row() -> None:
    """`<td>Morel<br>Julie</td>`: the row stays one line (declared HTML too), the table is found."""
    table = (
        "<table><tr><th>Nom / Prénom</th><th>Email</th><th>Tél</th></tr>"
        + "".join(
            f"<tr><td>{last}<br>{first}</td><td>{mail}</td><td>{tel}</td></tr>"
            for last, first, mail, tel, _, _ in PEOPLE
        )
        + "</table>"
    )
    for kw in ({}, {"content_type": "text/html"}):
        text = decode(table, **kw)
        assert text.split("\n")[1] == f"{PEOPLE[0][0]} {PEOPLE[0][1]}\t{PEOPLE[0][2]}\t{PEOPLE[0][3]}", text
        assert {x for x in found(table, **kw) if x[0] == "email"} == {x for x in _PLAIN["csv"] if x[0] == "email"}


def test_a_post_laid_out_in_a_cell_keeps_its_lines() -> None:
    """A long cell (a forum laid out in a table, a dump in the post's cell) keeps its `<br>` lines."""
    post = "<table><tr><td>vendeur</td><td>" + "<br>".join(CSV.split("\n")) + "</td></tr></table>"
    assert found(post, content_type="text/html") >= _PLAIN["csv"]


def test_angle_brackets_are_text_beside_markup() -> None:
    """`Julie Morel <julie.morel84@orange.fr>` is not a tag, even in a text that holds a `<br>`."""
    text = decode("ok<br>\n" + ANGLED)
    assert f"<{PEOPLE[0][2]}>" in text
    assert decode("a <b>bold</b> and 3<4 or x<y>z<br>") == "a bold and 3<4 or x<y>z"


def test_a_cms_export_with_html_in_a_quoted_column() -> None:
    """A CSV whose quoted `bio` column holds HTML (a CMS's users table): its rows stay rows."""
    rows = [
        f'{n};"<p>Bonjour</p><p>{first}<br>à bientôt</p>";{mail};{tel.replace(" ", "")};{dob}'
        for n, (last, first, mail, tel, _, dob) in enumerate(PEOPLE, 1)
    ]
    text = "id;bio;email;tel;naissance\n" + "\n".join(rows)
    assert found(text) >= {x for x in _PLAIN["csv"] if x[0] in ("email", "phone", "dob")}
