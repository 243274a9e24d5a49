"""Tables as people paste them: query tools' output (psql, the mysql client, its `\\G` form),
fixed-width exports with a header, and lists of records written as key: value lines (YAML).
Each must be one fragment whose identifiers are typed by the header's or the keys' names, as
the same rows in a CSV file are. Synthetic data only."""

from __future__ import annotations

import pytest

from indexer import engine
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.native_core import both_engines, require_native

KEY = MatchKey(b"\x11" * 32, version=3)

H = ("id", "nom", "prenom", "email", "telephone", "date_naissance")
R = [("1", "Dupont", "Jean", "jean.dupont@example.fr", "06 12 34 56 78", "12/03/1985"),
     ("2", "Martin", "Élodie", "e.martin@orange.fr", "07 81 23 45 67", "01/02/1990"),
     ("3", "Durand", "Paul", "pdurand@free.fr", "+33 6 98 76 54 32", "05/05/1975"),
     ("4", "Petit", "Luc", "luc.petit@gmail.com", "06 55 44 33 22", "30/11/1969")]
W = [max(len(r[k]) for r in [*R, H]) for k in range(len(H))]


def _found(frags) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


CSV = ";".join(H) + "\n" + "\n".join(";".join(r) for r in R)


def _psql() -> str:
    head = " " + " | ".join(H[k].ljust(W[k]) for k in range(len(H)))
    rule = "-+-".join("-" * W[k] for k in range(len(H)))
    rows = [" " + " | ".join(r[k].ljust(W[k]) for k in range(len(H))) for r in R]
    return "\n".join([head, "-" + rule + "-", *rows, f"({len(R)} rows)"])


def _mysql() -> str:
    border = "+" + "+".join("-" * (W[k] + 2) for k in range(len(H))) + "+"
    head = "| " + " | ".join(H[k].ljust(W[k]) for k in range(len(H))) + " |"
    rows = ["| " + " | ".join(r[k].ljust(W[k]) for k in range(len(H))) + " |" for r in R]
    return "\n".join(["mysql> SELECT * FROM patients;", border, head, border, *rows, border,
                      "4 rows in set (0.00 sec)"])


def _mysql_vertical() -> str:
    out = []
    for n, r in enumerate(R):
        out.append(f"*************************** {n + 1}. row ***************************")
        out += [f"{H[k].rjust(14)}: {r[k]}" for k in range(len(H))]
    return "\n".join(out)


def _fixed() -> str:
    head = "".join(H[k].upper().ljust(W[k] + 3) for k in range(len(H))).rstrip()
    return "\n".join([head, *("".join(r[k].ljust(W[k] + 3) for k in range(len(H))).rstrip() for r in R)])


def _yaml() -> str:
    return "patients:\n" + "\n".join(
        f"  - id: {r[0]}\n    nom: {r[1]}\n    prenom: {r[2]}\n    email: {r[3]}\n    telephone: \"{r[4]}\"\n"
        f"    date_naissance: {r[5]}" for r in R)


@pytest.mark.parametrize("render", [_psql, _mysql, _mysql_vertical, _fixed, _yaml])
def test_pasted_tables_are_one_fragment_typed_like_the_csv(render) -> None:
    want = _found(detect(CSV, key=KEY))
    assert len({v for t, v in want if t == "name"}) == 4 and len({v for t, v in want if t == "dob"}) == 4
    text = "résultat de la requête :\n\n" + render() + "\n\nfin"
    frags = detect(text.encode(), key=KEY)
    assert len(frags) == 1, [(f.kind, f.start_line, f.end_line) for f in frags]
    assert _found(frags) == want
    f = frags[0]
    assert "jean.dupont@example.fr" not in f.excerpt and "Dupont" not in f.excerpt


def test_the_header_above_a_rule_is_not_taken_for_a_row() -> None:
    """A rule under a line that names nothing (a title) does not make it a header: the rows
    below are typed by their values, as before."""
    rows = "\n".join(f"{r[3]} | {r[4]}" for r in R)
    titled = "liste | contacts\n-------+--------\n" + rows
    got = detect(titled, key=KEY)
    assert ("email", "jean.dupont@example.fr") in _found(got)
    assert all(f.start_line >= 3 for f in got)


def test_a_fixed_width_header_must_line_up_and_name_columns() -> None:
    """Prose over a fixed-width block is no header: its words do not start where the columns do,
    or name nothing."""
    rows = "\n".join("".join(r[k].ljust(W[k] + 3) for k in range(len(H))).rstrip() for r in R)
    prose = "Voici  ce que  nous  avons  trouvé  hier\n" + rows
    got = detect(prose, key=KEY)
    # no header: the rows read as they do alone (their dates are births by their values, a list of
    # people's: columns._dob_of_fullz), never typed by the prose's words
    assert _found(got) == _found(detect(rows, key=KEY))
    assert all(f.start_line == 2 for f in got)


def test_one_dox_with_two_phones_or_emails_stays_one_person() -> None:
    dox = ("Nom: Dupont\nPrénom: Jean\nEmail: jean.dupont@example.fr\nEmail pro: j.dupont@corp.example.fr\n"
           "Tel: 06 12 34 56 78\nMobile: 07 81 23 45 67\nNé le: 12/03/1985\nAdresse: 12 rue des Lilas, 75011 Paris")
    f, = detect(dox, key=KEY)
    assert f.kind == "dox"
    assert {v for t, v in _found([f]) if t == "name"} == {"dupont jean"}
    bulleted = "\n".join("- " + line for line in dox.split("\n"))  # one dox written as a list
    f, = detect(bulleted, key=KEY)
    assert {v for t, v in _found([f]) if t == "name"} == {"dupont jean"}


def _labelled_pipes() -> str:
    return "\n".join(f"Prénom: {r[2]} | Nom: {r[1]} | Email: {r[3]} | Tel: {r[4]} | Date de naissance: {r[5]}"
                     for r in R)


def _labelled_dashes() -> str:
    return "\n".join(f"[+] Name: {r[2]} {r[1]} - Mail: {r[3]} - Phone: {r[4]} - Born: {r[5]}" for r in R)


@pytest.mark.parametrize("render", [_labelled_pipes, _labelled_dashes])
def test_labelled_fields_on_one_line_are_one_record_per_line(render) -> None:
    text = "leak du jour\n\n" + render() + "\n\nbye"
    frags = detect(text, key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("dox", 3, 6)]
    assert _found(frags) == _found(detect(CSV, key=KEY))
    f = frags[0]
    assert "jean.dupont@example.fr" not in f.excerpt and "Dupont" not in f.excerpt


def test_form_posts_logged_as_query_strings_are_records() -> None:
    """`email=...&tel=...&nom=...`, a web form's posts as a log keeps them: one record a line."""
    text = "\n".join(f"email={r[3]}&tel={r[4].replace(' ', '')}&nom={r[1]}&prenom={r[2]}" for r in R)
    f, = detect(text, key=KEY)
    assert f.kind == "dox" and (f.start_line, f.end_line) == (1, 4)
    want = {(t, v) for t, v in _found(detect(CSV, key=KEY)) if t != "dob"}
    assert _found([f]) == want


def test_labelled_lines_need_labels_that_type_something() -> None:
    """Prose with colons, a log line, a lone labelled contact line: not records."""
    for text in ["Statut: en ligne | Version: 2.3 | Build: 1234\nStatut: hors ligne | Version: 2.4 | Build: 1240",
                 "Contact: admin@example.fr | Site: example.fr",  # one line without a person's name
                 "Note: rappeler demain - Priorité: haute"]:
        assert not [f for f in detect(text, key=KEY) if f.kind == "dox"], text
    # a separator inside a value stays in the value
    one = ("Nom complet: Jean Dupont | Adresse: 12 rue des Lilas - 75011 Paris | Email: jean.dupont@example.fr"
           " | Tel: 06 12 34 56 78")
    f, = detect(one, key=KEY)
    assert _found([f]) == {("address", "12 rue des lilas 75011 paris"), ("email", "jean.dupont@example.fr"),
                           ("name", "dupont jean"), ("phone", "+33612345678")}


def test_a_name_written_whole_under_nom_is_a_name() -> None:
    """French exports and doxes put the whole name under "Nom" when there is no "Prénom"."""
    csv = "nom;email;tel\n" + "\n".join(f"{r[1].upper()} {r[2]};{r[3]};{r[4]}" for r in R)
    dox = f"Nom: {R[0][1]} {R[0][2]}\nEmail: {R[0][3]}\nTel: {R[0][4]}\nAdresse: 12 rue des Lilas, 75011 Paris"
    assert {v for t, v in _found(detect(csv, key=KEY)) if t == "name"} == {
        "dupont jean", "elodie martin", "durand paul", "luc petit"}
    assert {v for t, v in _found(detect(dox, key=KEY)) if t == "name"} == {"dupont jean"}
    # a surname alone stays no name; beside a first name, the two make it
    alone = "nom;email;tel\n" + "\n".join(f"{r[1]};{r[3]};{r[4]}" for r in R)
    assert not {v for t, v in _found(detect(alone, key=KEY)) if t == "name"}


def test_both_engines_agree_on_pasted_tables() -> None:
    require_native()
    try:
        for render in (_psql, _mysql, _mysql_vertical, _fixed, _yaml, _labelled_pipes, _labelled_dashes):
            ref, got = both_engines(render().encode(), KEY)
            assert ref and ref == got, render.__name__
    finally:
        engine.set_engine(None)
