"""RFC 4180 cells holding doubled quotes (`"O""Brien"`, a password `"ab""cd"`, a note quoting
someone): the value was read with each `""` collapsed, so it was shorter than its cell and the
excerpt's masks stopped short: a name's or a password's last characters stayed in the excerpt,
and a phone in a note after a `""` was masked a character early per pair (its last digits shown
twice). Cells now keep their text as written; the password in a credential still has one quote.
All values are synthetic."""

from __future__ import annotations

from indexer.detect import detect
from indexer.identifiers import canon_credential
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x3f" * 32, version=1)

ROWS = [(f"O\"\"Brien{k}", f"jean{k}@exemple.fr", f"ab\"\"cdef{k}", f"06 1{k} 23 45 67") for k in range(4)]
TEXT = "nom;prenom;email;password;notes\n" + "\n".join(
    f'"{n}";Jean;{e};"{p}";"il a dit ""ok"" puis {t} fin"' for n, e, p, t in ROWS)


def test_masks_cover_cells_with_doubled_quotes() -> None:
    frags = detect(TEXT, key=KEY)
    assert len(frags) == 1
    rows = frags[0].excerpt.splitlines()[1:]
    assert len(rows) == len(ROWS)
    for k, row in enumerate(rows):
        cells = row.split(";")
        assert cells[0] == '"[name]"' and cells[3] == '"********"', row
        assert f"Brien{k}" not in row and f"cdef{k}" not in row
        assert cells[4] == '"il a dit ""ok"" puis +33 6** ** ** 67 fin"', row


def test_the_credential_keeps_one_quote() -> None:
    creds = {i.value for f in detect(TEXT, key=KEY) for i in f.identifiers if i.type == "credential"}
    assert creds == {canon_credential(e, p.replace('""', '"')) for _, e, p, _ in ROWS}


def test_an_unquoted_password_keeps_what_it_holds() -> None:
    # outside quotes `""` is two characters of the password (no RFC 4180 escape there)
    text = "email;password\n" + "\n".join(f'{e};{p}' for _, e, p, _ in ROWS)
    creds = {i.value for f in detect(text, key=KEY) for i in f.identifiers if i.type == "credential"}
    assert creds == {canon_credential(e, p) for _, e, p, _ in ROWS}
