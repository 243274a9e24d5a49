"""`vigie hash`: the organisation's side. Same canonical forms as the extractor, rejects by line,
no config or key needed."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from alerts.hashing import HashError, HashStats, column_type, hash_file
from indexer.identifiers import canonical_forms, nir_key
from indexer.tokens import prehash
from tests import cli_fork


def nir(body13: str) -> str:
    return f"{body13}{nir_key(body13):02d}"


def run(path: Path, *, id_type: str | None = None,
        column: str | None = None) -> tuple[list[tuple[str, str]], list[str], HashStats]:
    out, rej = io.StringIO(), io.StringIO()
    stats = hash_file(path, out, rej, id_type=id_type, column=column)
    rows: list[tuple[str, str]] = []
    for line in out.getvalue().splitlines():
        kind, value = line.split(",")
        rows.append((kind, value))
    return rows, rej.getvalue().splitlines(), stats


def test_french_header_cp1252_semicolons(tmp_path: Path) -> None:
    good_nir = nir("1850578006084")
    f = tmp_path / "patients.csv"
    f.write_bytes((
        "Nom;Prénom;Adresse e-mail;Téléphone portable;N° sécu;IBAN\r\n"
        f"Lefèvre;Zoé;Zoe.Lefevre@Exemple.FR;06 12 34 56 78;{good_nir};FR76 3000 6000 0112 3456 7890 189\r\n"
        "Faure;Léo;leo@@x;+33 6 12;1 85 05 78 006 084 00;FR00 1234\r\n"
        "Roux;Inès;j.ane.doe@gmail.com;;123;\r\n"
    ).encode("cp1252"))
    rows, rejects, stats = run(f)
    expect = []
    for t, raw in (("email", "Zoe.Lefevre@Exemple.FR"), ("phone", "06 12 34 56 78"), ("nir", good_nir),
                   ("iban", "FR76 3000 6000 0112 3456 7890 189"), ("email", "j.ane.doe@gmail.com")):
        forms = canonical_forms(t, raw)
        assert forms
        expect += [(t, prehash(t, form).hex()) for form in forms]
    assert sorted(rows) == sorted(expect)
    assert len([r for r in rows if r[0] == "email"]) == 3  # gmail: exact + canonical form
    assert rejects == ["3,email,not a valid email", "3,phone,not a valid phone", "3,nir,not a valid nir",
                       "3,iban,not a valid iban", "4,nir,not a valid nir"]
    assert "leo@@x" not in "\n".join(rejects)  # values are not echoed
    assert stats.rejected == 5 and stats.by_type == {"email": 2, "phone": 1, "nir": 1, "iban": 1}


def test_text_with_type_guess_and_columns(tmp_path: Path) -> None:
    f = tmp_path / "phones.txt"
    f.write_text("06 12 34 56 78\n+33612345679\nnot a phone\n\n")
    rows, rejects, _ = run(f, id_type="phone")
    assert [r[0] for r in rows] == ["phone", "phone"] and rejects == ["3,phone,not a valid phone"]
    g = tmp_path / "mixed.txt"
    g.write_text(f"a.b@exemple.fr\n{nir('2840575123456')}\nbonjour\n")
    rows, rejects, _ = run(g)
    assert [r[0] for r in rows] == ["email", "nir"]
    assert rejects == ["3,unknown,not recognised as any identifier type (use --type)"]
    h = tmp_path / "noheader.csv"
    h.write_text("x1,a@exemple.fr,0612345678\nx2,b@exemple.fr,bad\n")
    rows, rejects, _ = run(h, column="3", id_type="phone")
    assert rows == [("phone", prehash("phone", canonical_forms("phone", "0612345678")[0]).hex())]
    assert rejects == ["2,phone,not a valid phone"]
    rows, _, _ = run(h)  # no header, no flags: columns guessed from the first row
    assert sorted(r[0] for r in rows) == ["email", "email", "phone"]
    k = tmp_path / "named.csv"
    k.write_text("id,contact\n1,c@exemple.fr\n")
    rows, _, _ = run(k, column="contact", id_type="email")
    assert [r[0] for r in rows] == ["email"]
    with pytest.raises(HashError, match="no column 'mail'"):
        run(k, column="mail")
    with pytest.raises(HashError, match="unknown identifier type"):
        run(k, id_type="passport")


def test_header_names() -> None:
    assert column_type("Téléphone") == "phone" and column_type("E-mail") == "email"
    assert column_type("N° de sécurité sociale") == "nir" and column_type("date_de_naissance") == "dob"
    assert column_type("prenom") is None


def test_cli_needs_no_config_no_key_no_server(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("email\nz@exemple.fr\nbad\n" + "".join(f"u{i}@exemple.fr\n" for i in range(2000)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    res = cli_fork.run([sys.executable, "-m", "vigie", "hash", str(f), "-o", str(tmp_path / "out.csv"),
                          "--rejects", str(tmp_path / "rej.csv")], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "2002 lines" in res.stderr and "1 rejected" in res.stderr
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines[0] == "type,prehash" and len(lines) == 2002
    assert (tmp_path / "rej.csv").read_text() == "3,email,not a valid email\n"
    assert not (tmp_path / "data").exists()  # nothing of Vigie's was created
    bad = cli_fork.run([sys.executable, "-m", "vigie", "hash", str(f), "--column", "nope"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "no column 'nope'" in " ".join(bad.stderr.split())
