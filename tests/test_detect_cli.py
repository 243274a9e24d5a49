"""`vigie scan` end to end, as a subprocess: JSON field names, tokens, --reveal, stdin, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from indexer.tokens import MatchKey, token
from tests.fixtures.forum import shipped_example_env

ROOT = Path(__file__).resolve().parent.parent
KEY_HEX = "358b03877d92bf43a86eedbee420e73eba07462e579cb874240877bfaea37ef4"
DUMP = ("Base du cabinet, extrait :\n"
        "nom;prenom;date_naissance;email;telephone;nir;pathologie\n"
        "Dupont;Jean;12/03/1985;jean.dupont@gmail.com;06 12 34 56 78;2 95 10 99 126 111 93;séropositif\n"
        "Martin;Lea;01/02/1990;lea@orange.fr;0690 12 34 56;253072A07300443;asthme\n\n--\nsig: a@b.fr\n")


def vigie(args: list[str], tmp_path: Path, stdin: str | None = None,
          key: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}, **shipped_example_env}
    if key:
        env["VIGIE_MATCH_KEY"] = f"1:{KEY_HEX}"
    return subprocess.run([sys.executable, "-m", "vigie", "scan", *args, "--config", str(ROOT / "config"),
                           "--data-dir", str(tmp_path / "data")], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_scan_json_reveal_fields_and_tokens(tmp_path: Path) -> None:
    f = tmp_path / "post.txt"
    f.write_text(DUMP, encoding="cp1252")
    r = vigie([str(f), "--json", "--reveal"], tmp_path)
    assert r.returncode == 0, r.stderr
    [obj] = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert set(obj) == {"kind", "start_line", "end_line", "severity", "sensitive", "identifiers"}
    assert (obj["kind"], obj["start_line"], obj["end_line"], obj["severity"]) == ("csv", 2, 4, "critical")
    assert {"category": "health", "evidence": "séropositif"} in obj["sensitive"]
    key = MatchKey(bytes.fromhex(KEY_HEX), 1)
    vals = {(i["type"], i["value"]) for i in obj["identifiers"]}
    assert {("nir", "295109912611193"), ("nir", "253072A07300443"), ("phone", "+33612345678"),
            ("phone", "+590690123456"), ("email", "jean.dupont@gmail.com"), ("email", "jeandupont@gmail.com"),
            ("dob", "1985-03-12")} <= vals
    for i in obj["identifiers"]:
        assert set(i) == {"type", "token", "value"}
        assert i["token"] == token(key, i["type"], i["value"]).hex()


def test_scan_json_without_reveal_has_no_values_and_reads_stdin(tmp_path: Path) -> None:
    r = vigie(["-", "--json"], tmp_path, stdin=DUMP)
    assert r.returncode == 0, r.stderr
    [obj] = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert all(set(i) == {"type", "token"} and len(i["token"]) == 32 for i in obj["identifiers"])
    assert "jean.dupont" not in r.stdout and "295109912611193" not in r.stdout


def test_scan_summary_and_prose(tmp_path: Path) -> None:
    f = tmp_path / "dump.csv"
    f.write_text(DUMP, encoding="utf-8")
    p = tmp_path / "prose.txt"
    p.write_text("Bonjour, quelqu'un a la base ? Contact: a@b.fr, 06 12 34 56 78\n", encoding="utf-8")
    r = vigie([str(f), str(p)], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "csv" in r.stdout and "lines 2-4" in r.stdout and "critical" in r.stdout and "health" in r.stdout
    assert "no fragment found" in r.stdout


def test_scan_refuses_without_key_and_bad_path(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text(DUMP)
    r = vigie([str(f)], tmp_path, key=False)
    assert r.returncode == 2 and "VIGIE_MATCH_KEY" in r.stderr
    r = vigie([str(tmp_path / "missing.txt")], tmp_path)
    assert r.returncode == 1 and "missing.txt" in r.stderr


def test_scan_opens_archives_and_workbooks_as_attachments(tmp_path: Path) -> None:
    """`vigie scan leak.zip export.xlsx`: each member and each sheet is scanned and named."""
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    for row in DUMP.split("\n")[1:4]:
        ws.append(row.split(";"))
    book = io.BytesIO()
    wb.save(book)
    (tmp_path / "export.xlsx").write_bytes(book.getvalue())
    with zipfile.ZipFile(tmp_path / "leak.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("base/patients.csv", DUMP)
        z.writestr("base/lisezmoi.txt", "rien ici")
    r = vigie([str(tmp_path / "leak.zip"), str(tmp_path / "export.xlsx"), "--json", "--reveal"], tmp_path)
    assert r.returncode == 0, r.stderr
    objs = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert [o["path"] for o in objs] == [str(tmp_path / "leak.zip/base/patients.csv"),
                                         str(tmp_path / "export.xlsx/Patients.tsv")]
    for o in objs:
        assert {("email", "jean.dupont@gmail.com"), ("nir", "295109912611193")} <= \
            {(i["type"], i["value"]) for i in o["identifiers"]}
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 cut short")
    r = vigie([str(tmp_path / "bad.zip")], tmp_path)
    assert r.returncode == 1 and "not a valid zip" in r.stderr


def test_scan_reads_a_file_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    """`vigie scan photo.jpg clients.pdf`: a zip renamed .jpg (or appended to a picture) is unpacked,
    a CSV named .pdf is read as the text it is (wave 24: the first was scanned as binary text, the
    second refused as a corrupt PDF; both lost their dump)."""
    import io
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("patients.csv", DUMP)
    (tmp_path / "photo.jpg").write_bytes(packed.getvalue())
    (tmp_path / "chat.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(5000) + b"\xff\xd9" + packed.getvalue())
    (tmp_path / "clients.pdf").write_text(DUMP, encoding="utf-8")
    r = vigie([str(tmp_path / n) for n in ("photo.jpg", "chat.jpg", "clients.pdf")] + ["--json", "--reveal"], tmp_path)
    assert r.returncode == 0, r.stderr
    objs = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert [o["path"] for o in objs] == [str(tmp_path / "photo.jpg.zip/patients.csv"),
                                         str(tmp_path / "chat.jpg.zip/patients.csv"), str(tmp_path / "clients.pdf")]
    for o in objs:
        assert ("nir", "295109912611193") in {(i["type"], i["value"]) for i in o["identifiers"]}
