"""SQLite database files and RTF documents attached (wave 31, blind sets 8 and 9).

A leak very often comes as the application's own database (`cabinet.sqlite`, `clients.db`,
`shop.sqlite3`), or as a list saved as RTF: each used to give nothing (b-tree pages and RTF
control words are no text the detector reads). Each is read now (`crawler.databases`,
`crawler.rtf`) and locked down: the database from a private copy in memory with views, triggers,
virtual tables, extensions and ATTACH off, every table within the attachment caps; the RTF by a
bounded reader. Unit tests only (no crawl: `expand_attachment` is what a crawl calls); each runs in
milliseconds. Both engines: `VIGIE_ENGINE=python` and `native`.
"""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from crawler.attachments import ArchiveBombError, AttachmentError, content_kind, expand_attachment
from crawler.databases import sqlite_tables
from crawler.rtf import RtfError, rtf_text
from indexer.detect import detect
from indexer.tokens import MatchKey
from tests.blind_probe_harness import person_ids
from tests.test_detect_blind_probe_set9 import PEOPLE, compact, fr_date, up
from vigie.config.schema import AttachmentLimits

KEY = MatchKey(b"wave31-sqlite-rtf-test-key-0123456789abcdef")
LIMITS = AttachmentLimits()


def found(name: str, data: bytes, limits: AttachmentLimits = LIMITS) -> set[tuple[str, str]]:
    files = expand_attachment(name, data, limits, skipped=[])
    return {(i.type, i.value) for f in files for frag in detect(f.data, key=KEY, filename=f.filename)
            for i in frag.identifiers}


def database(script: str, rows: list[tuple[object, ...]] = (), insert: str = "", wal: Path | None = None) -> bytes:
    """A real SQLite file: `script` run, `rows` inserted by `insert`; in WAL mode at `wal`."""
    con = sqlite3.connect(wal or ":memory:")
    if wal is not None:
        con.execute("PRAGMA journal_mode=WAL")
    con.executescript(script)
    if rows:
        con.executemany(insert, rows)
    con.commit()
    if wal is not None:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        return wal.read_bytes()
    data = bytes(con.serialize())
    con.close()
    return data


# ---------------------------------------------------------------- SQLite: read as tables

_P = PEOPLE[:4]


def _patients() -> bytes:
    return database("CREATE TABLE patients (id INTEGER PRIMARY KEY, nom TEXT, prenom TEXT, ddn TEXT, nir TEXT, "
                    "portable TEXT, email TEXT)",
                    [(up(p.last), p.first, p.dob, p.nir, compact(p.mobile), p.email) for p in _P],
                    "INSERT INTO patients (nom, prenom, ddn, nir, portable, email) VALUES (?, ?, ?, ?, ?, ?)")


def _shop_english() -> bytes:  # other names, an English schema, a customers table among others
    return database("CREATE TABLE settings (k TEXT, v TEXT); INSERT INTO settings VALUES ('theme', 'dark');"
                    "CREATE TABLE customers (customer_id INTEGER, full_name TEXT, mail TEXT, mobile_phone TEXT, "
                    "date_of_birth TEXT, iban TEXT)",
                    [(k, f"{p.first} {p.last}", p.email, p.mobile, fr_date(p.dob), p.iban) for k, p in enumerate(_P)],
                    "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)")


def _blobs_and_quotes() -> bytes:  # a quoted table name, text stored as blobs, a view, a trigger, FTS
    return database('CREATE TABLE "Adhérents ""2026""" (mail BLOB, tel BLOB, photo BLOB);'
                    "CREATE VIEW everyone AS SELECT * FROM \"Adhérents \"\"2026\"\"\";"
                    "CREATE TRIGGER t AFTER INSERT ON \"Adhérents \"\"2026\"\"\" BEGIN SELECT 1; END;"
                    "CREATE VIRTUAL TABLE notes USING fts5(body);",
                    [(p.email.encode(), compact(p.mobile).encode(), b"\x89PNG\r\n\x1a\n\x00\x00") for p in _P],
                    'INSERT INTO "Adhérents ""2026""" VALUES (?, ?, ?)')


@pytest.mark.parametrize(("name", "make", "fields"), [
    ("cabinet.sqlite", _patients, "dnpe"),
    ("boutique.db", _shop_english, "epdi"),
    ("export.sqlite3", _blobs_and_quotes, "ep"),
    ("photo.jpg", _patients, "dnpe"),  # (renamed: its header decides)
])
def test_a_database_is_read_as_its_tables(name: str, make: object, fields: str) -> None:
    assert callable(make)
    assert person_ids(_P, fields) <= found(name, make())


def test_a_wal_mode_database_is_read(tmp_path: Path) -> None:
    data = database("CREATE TABLE t (email TEXT, tel TEXT, naissance TEXT)",
                    [(p.email, compact(p.mobile), fr_date(p.dob)) for p in _P], "INSERT INTO t VALUES (?, ?, ?)",
                    wal=tmp_path / "w.db")
    assert data[18:20] == b"\x02\x02"
    assert person_ids(_P, "epd") <= found("w.db", data)


def test_a_database_in_a_zip_is_read() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("backup/cabinet.sqlite", _patients())
        z.writestr("backup/readme.txt", "sauvegarde du logiciel")
    files = expand_attachment("leak.zip", buf.getvalue(), LIMITS, skipped=[])
    assert "leak.zip/backup/cabinet.sqlite/patients.tsv" in [f.filename for f in files]
    assert person_ids(_P, "dnpe") <= found("leak.zip", buf.getvalue())


def test_each_table_is_a_header_and_rows() -> None:
    files = expand_attachment("cabinet.sqlite", _patients(), LIMITS)
    assert [f.filename for f in files] == ["cabinet.sqlite/patients.tsv"]
    lines = files[0].data.decode().splitlines()
    assert lines[0] == "id\tnom\tprenom\tddn\tnir\tportable\temail"
    assert lines[1].split("\t")[1:] == [up(_P[0].last), _P[0].first, _P[0].dob, _P[0].nir, compact(_P[0].mobile),
                                        _P[0].email]


# negatives: databases of the same shape holding no one's records
@pytest.mark.parametrize("script", [
    "CREATE TABLE moz_places (id INTEGER, url TEXT, title TEXT, visit_count INTEGER);"
    "INSERT INTO moz_places VALUES (1, 'https://www.service-public.fr/', 'Service Public', 4),"
    "(2, 'https://fr.wikipedia.org/wiki/SQLite', 'SQLite - Wikipédia', 1), (3, 'https://www.meteo.fr/', 'Météo', 9);",
    "CREATE TABLE products (sku TEXT, label TEXT, price REAL, stock INTEGER);"
    "INSERT INTO products VALUES ('A-100', 'Stylo bleu', 1.2, 300), ('A-101', 'Cahier 96 p.', 2.5, 120),"
    "('B-200', 'Agrafeuse', 7.9, 14);",
    "CREATE TABLE migrations (version TEXT, applied_at TEXT); INSERT INTO migrations VALUES "
    "('20240101_init', '2024-01-01 10:00:00'), ('20240315_users', '2024-03-15 09:12:44'), "
    "('20250602_index', '2025-06-02 18:30:01');",
])
def test_a_database_of_no_one_gives_nothing(script: str) -> None:
    assert found("app.db", database(script)) == set()


# ---------------------------------------------------------------- SQLite: hostile files

def test_views_and_triggers_never_run_and_generated_columns_are_not_computed() -> None:
    # a view whose body would take minutes, a generated column that would too: never run
    slow = ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000000) "
            "SELECT count(*) FROM r")
    data = database(f"CREATE TABLE t (email TEXT, n INTEGER, g INTEGER GENERATED ALWAYS AS (abs(n) * 2) VIRTUAL);"
                    f"CREATE VIEW slow AS {slow};",
                    [(p.email, 1) for p in _P], "INSERT INTO t (email, n) VALUES (?, ?)")
    started = time.monotonic()
    read = sqlite_tables("x.sqlite", data, max_tables=10, room=None)
    assert time.monotonic() - started < 5
    assert [name for name, _ in read.tables] == ["t"] and read.left == []
    assert read.tables[0][1].splitlines()[0] == b"email\tn"


def test_a_database_is_read_from_memory_and_stays_unchanged(tmp_path: Path) -> None:
    data = _patients()
    before = set(tmp_path.iterdir())
    expand_attachment("cabinet.sqlite", data, LIMITS)
    assert set(tmp_path.iterdir()) == before and data == _patients()


@pytest.mark.parametrize(("data", "said"), [
    (bytes(range(256)) * 64, "not a SQLite database"),  # SQLCipher: no header, random bytes
    (b"SQLite format 3\x00" + b"\xff" * 4000, "not a readable SQLite database"),  # a corrupt header
])
def test_an_encrypted_or_corrupt_database_is_refused_with_its_reason(data: bytes, said: str) -> None:
    with pytest.raises(AttachmentError, match=said) as err:
        expand_attachment("cabinet.sqlite", data, LIMITS, skipped=[])
    assert not isinstance(err.value, ArchiveBombError)


def test_a_truncated_database_keeps_nothing_it_cannot_read() -> None:
    data = database("CREATE TABLE a (email TEXT); CREATE TABLE b (email TEXT)",
                    [(f"{'x' * 3000}{k}@example.org",) for k in range(200)], "INSERT INTO b VALUES (?)")
    with pytest.raises(AttachmentError, match="cabinet.sqlite"):
        expand_attachment("cabinet.sqlite", data[:len(data) // 2], LIMITS, skipped=[])


def test_tables_past_max_files_are_counted_the_first_read() -> None:
    script = "".join(f"CREATE TABLE t{k} (email TEXT); INSERT INTO t{k} VALUES ('{_P[k % 4].email}');"
                     for k in range(30))
    skipped: list[AttachmentError] = []
    files = expand_attachment("many.sqlite", database(script), LIMITS.model_copy(update={"max_files": 5}), skipped)
    assert len(files) == 5
    assert [type(e) for e in skipped] == [ArchiveBombError] and "30 tables" in str(skipped[0])


def test_a_database_past_the_byte_budget_is_a_bomb() -> None:
    data = database("CREATE TABLE t (a TEXT)", [("x" * 1000,)] * 300, "INSERT INTO t VALUES (?)")
    with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
        expand_attachment("t.sqlite", data, LIMITS.model_copy(update={"max_uncompressed_bytes": 100_000}), skipped=[])


def test_a_database_taking_too_long_is_stopped() -> None:
    data = database("CREATE TABLE t (a TEXT)", [(f"row {k}",) for k in range(100_000)], "INSERT INTO t VALUES (?)")
    read = sqlite_tables("slow.sqlite", data, max_tables=5, room=None, seconds=0.01)
    assert read.tables == [] and "CPU" in str(read.left[0])


def test_the_databases_of_one_attachment_share_one_cpu_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each database is stopped at its reader's SECONDS, and an archive of 100 crafted ones would hold
    the crawl 100 times that (attacker's review round 18): the in-process readers of one attachment
    share `_READER_SECONDS_PER_ATTACHMENT`; past it the files left are set aside with the reason.
    (Set to 1 s here: the first database starts with 1 s left, any CPU it takes leaves less.)"""
    import crawler.attachments as attachments

    monkeypatch.setattr(attachments, "_READER_SECONDS_PER_ATTACHMENT", 1.0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(4):
            z.writestr(f"db{k}.sqlite", _patients())
        z.writestr("notes.rtf", rb"{\rtf1\ansi rien}")
    skipped: list[AttachmentError] = []
    files = expand_attachment("leak.zip", buf.getvalue(), LIMITS, skipped)
    assert [f.filename for f in files] == ["leak.zip/db0.sqlite/patients.tsv"]
    assert len(skipped) == 4 and all("CPU seconds their readers may take in all" in str(e) for e in skipped)


def test_vigie_scan_opens_a_database_by_its_header(tmp_path: Path) -> None:
    from crawler.attachments import UNPACKED_TYPES, file_kind

    for name in ("boutique.db", "cabinet.sqlite", "export.bin"):
        (tmp_path / name).write_bytes(_patients())
        assert file_kind(tmp_path / name) in UNPACKED_TYPES
    (tmp_path / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    assert file_kind(tmp_path / "Thumbs.db") not in UNPACKED_TYPES


def test_a_db_that_is_no_sqlite_is_read_as_the_file_it_is() -> None:
    assert content_kind("Thumbs.db", b"\xd0\xcf\x11\xe0" + b"\x00" * 600) == "db"
    assert expand_attachment("notes.db", b"email: a@b.fr\n", LIMITS)[0].filename == "notes.db"


# ---------------------------------------------------------------- RTF

def _rtf_table(people: list[object], codepage: int = 1252) -> bytes:
    rows = "".join(f"\\trowd\\cellx2000\\cellx5000\\cellx7000\\cellx9000\\pard\\intbl {up(p.last)}\\cell "  # type: ignore[attr-defined]
                   f"{p.email}\\cell {compact(p.mobile)}\\cell {fr_date(p.dob)}\\cell\\row\n"  # type: ignore[attr-defined]
                   for p in people)
    head = (f"{{\\rtf1\\ansi\\ansicpg{codepage}\\deff0{{\\fonttbl{{\\f0 Calibri;}}}}"
            "{\\colortbl;\\red0\\green0\\blue0;}\n{\\*\\generator Riched20 10.0;}")
    return (head + "\\pard Liste des patients \\'e0 rappeler\\par\n" + rows + "}").encode("cp1252")


def test_an_rtf_table_is_read_as_rows() -> None:
    text = rtf_text("x.rtf", _rtf_table(_P)).decode()
    assert text.splitlines()[0] == "Liste des patients à rappeler"
    assert text.splitlines()[1] == f"{up(_P[0].last)}\t{_P[0].email}\t{compact(_P[0].mobile)}\t{fr_date(_P[0].dob)}"
    assert person_ids(_P, "epd") <= found("liste.rtf", _rtf_table(_P))


def test_an_rtf_in_a_zip_and_renamed_is_read() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("courriers/liste.rtf", _rtf_table(PEOPLE[4:8]))
    assert person_ids(PEOPLE[4:8], "epd") <= found("courriers.zip", buf.getvalue())
    assert content_kind("liste.txt", _rtf_table(_P)) == "rtf"


def test_rtf_unicode_escapes_and_word_paragraphs_in_cells() -> None:
    p = PEOPLE[9]
    doc = (b"{\\rtf1\\ansi\\ansicpg1252\\uc1 {\\info{\\author Secr\\'e9taire}}"
           b"\\trowd\\cellx3000\\cellx6000\\pard\\intbl Nom\\par Pr\\u233?nom\\cell Courriel\\cell\\row"
           b"\\trowd\\cellx3000\\cellx6000\\pard\\intbl " + up(p.last).encode() + b"\\par Ren\\u233\\'e9e\\cell "
           + p.email.encode() + b"\\cell\\row"
           b"\\pard \\u8212? t\\'e9l\\'e9phone : {\\b " + compact(p.mobile).encode() + b"}\\par}")
    lines = rtf_text("x.rtf", doc).decode().splitlines()
    assert lines == ["Nom Prénom\tCourriel", f"{up(p.last)} Renée\t{p.email}",
                     f"\u2014 téléphone : {compact(p.mobile)}"]
    assert "Secr" not in "".join(lines)


def test_rtf_in_another_code_page() -> None:
    doc = b"{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'e5\\'f2\\'f0\\'ee\\'e2 \\par}"
    assert rtf_text("x.rtf", doc).decode() == "Петров\n"


def test_a_letter_in_rtf_of_no_one_gives_nothing() -> None:
    doc = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\\pard Madame, Monsieur,\\par "
           b"Nous vous informons que le cabinet sera ferm\\'e9 du 24/12/2026 au 02/01/2027.\\par "
           b"\\trowd\\cellx3000\\cellx6000\\pard\\intbl Jour\\cell Horaires\\cell\\row"
           b"\\trowd\\cellx3000\\cellx6000\\pard\\intbl Lundi\\cell 9h - 18h\\cell\\row"
           b"\\trowd\\cellx3000\\cellx6000\\pard\\intbl Samedi\\cell 9h - 12h\\cell\\row}")
    assert found("fermeture.rtf", doc) == set()


def test_rtf_nested_100000_groups_deep_is_refused_with_its_reason() -> None:
    with pytest.raises(AttachmentError, match="nested deeper"):
        expand_attachment("deep.rtf", b"{\\rtf1 " + b"{" * 100_000 + b"x" + b"}" * 100_000, LIMITS, skipped=[])


def test_a_50_mb_bin_blob_is_jumped_over() -> None:
    p = PEOPLE[11]
    doc = (b"{\\rtf1 {\\pict\\bin50000000 " + b"{\\" * 25_000_000 + b"}\\pard " + p.email.encode() + b"\\par}")
    started = time.thread_time()
    assert rtf_text("x.rtf", doc).decode() == f"{p.email}\n"
    assert time.thread_time() - started < 1


def test_rtf_text_past_the_budget_is_a_bomb() -> None:
    doc = b"{\\rtf1 " + b"abcdefgh\\par " * 20_000 + b"}"
    with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
        expand_attachment("x.rtf", doc, LIMITS.model_copy(update={"max_uncompressed_bytes": 50_000}), skipped=[])


def test_a_file_named_rtf_that_is_not_is_refused() -> None:
    with pytest.raises(AttachmentError, match="not an RTF"):
        expand_attachment("x.rtf", b"\x00\x01binary" * 100, LIMITS)
    with pytest.raises(RtfError):
        rtf_text("x.rtf", b"hello")


def test_cells_and_names_not_in_utf8_lose_nothing_else() -> None:
    con = sqlite3.connect(":memory:")
    con.executescript("CREATE TABLE t (email TEXT, note TEXT); CREATE TABLE QQQQ (email TEXT);")
    con.executemany("INSERT INTO t VALUES (?, CAST(? AS TEXT))", [(p.email, b"\xe9t\xe9 \xff") for p in _P])
    con.executemany("INSERT INTO QQQQ VALUES (?)", [(p.email,) for p in _P])
    con.commit()
    data = bytes(con.serialize())
    read = sqlite_tables("x.sqlite", data, max_tables=10, room=None)  # a cell in Latin-1: its row kept
    assert [n for n, _ in read.tables] == ["t", "QQQQ"] and read.left == []
    hostile = data.replace(b"QQQQ", b"\xff\xfe\xfd\xfc")  # a table's name not in UTF-8
    skipped: list[AttachmentError] = []
    try:
        files = expand_attachment("x.sqlite", hostile, LIMITS, skipped)
    except AttachmentError as exc:  # refused with its reason, never another exception
        assert "x.sqlite" in str(exc)
    else:
        assert files
