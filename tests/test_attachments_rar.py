""".rar attachments (RAR 4 and RAR 5: crawler.rar, crawler._rar_worker, crawler.attachments._expand_rar).

No free program writes RAR: the archives are written here by `vigie_kit.rar` (stored members, after
RARLAB's technical notes), and the first test checks that libarchive reads what it writes. Then
what Vigie makes of them: members of the allowed types read in memory, links and directories
skipped, names labels only, nesting within the same depth rule as other archives, the caps
(declared sizes and entry counts from the headers before any reader starts, every byte counted as
it streams back), corrupt, cut and encrypted archives counted and said, a reader that hangs,
crashes or talks nonsense stopped, and a forum crawl and `vigie scan` of a RAR of patients.
All personal data is synthetic.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import crawler.rar as R
from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from tests.fixtures.forum import REPO, make_config, test_keys_env
from vigie.config.schema import AttachmentLimits
from vigie_kit.rar import RarEntry, rar4, rar5

LIMITS = AttachmentLimits()
PATIENTS = "nom;prenom;email;telephone;pathologie\n" + "".join(
    f"Testpatient{i};Camille;camille.testpatient{i}@exemple.fr;06 12 34 {i:02d} 78;diabète de type 2\n"
    for i in range(40))
PATIENTS_BYTES = PATIENTS.encode()
SQL = b"INSERT INTO medecins (nom, email) VALUES ('Exemple', 'dr.exemple@exemple.fr');\n"
WRITERS: dict[str, Callable[..., bytes]] = {"rar4": rar4, "rar5": rar5}


@pytest.fixture(params=sorted(WRITERS))
def write(request: pytest.FixtureRequest) -> Callable[..., bytes]:
    return WRITERS[request.param]


def _libarchive_entries(data: bytes) -> list[tuple[str, int, str | None, bytes]]:
    """What libarchive itself (in this process: the test's, not Vigie's way) reads of `data`."""
    import libarchive.ffi as ffi
    from libarchive.read import ArchiveRead

    archive = ffi.read_new()
    try:
        ffi.get_read_format_function("rar")(archive)
        ffi.get_read_format_function("rar5")(archive)
        buf = ctypes.create_string_buffer(data, len(data))
        ffi.read_open_memory(archive, buf, len(data))
        return [(e.pathname, e.filetype, e.linkpath, b"".join(e.get_blocks()) if e.isreg else b"")
                for e in ArchiveRead(archive)]
    finally:
        ffi.read_free(archive)


def test_libarchive_reads_what_the_kit_writes(write: Callable[..., bytes]) -> None:
    entries = [RarEntry("base/patients.csv", PATIENTS_BYTES), RarEntry("base", kind="dir"),
               RarEntry("lien.csv", kind="symlink", target="/etc/passwd"), RarEntry("données_été.sql", SQL)]
    got = _libarchive_entries(write(entries))
    assert got == [("base/patients.csv", 0o100000, None, PATIENTS_BYTES), ("base", 0o40000, None, b""),
                   ("lien.csv", 0o120000, "/etc/passwd", b""), ("données_été.sql", 0o100000, None, SQL)]
    hard = _libarchive_entries(rar5([RarEntry("a.csv", b"x"), RarEntry("b.csv", kind="hardlink", target="a.csv")]))
    assert hard[1][0] == "b.csv" and hard[1][2] == "a.csv"  # (libarchive-c names a hard link's target so too)


def test_members_are_read_in_memory_links_and_directories_skipped(
        write: Callable[..., bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [RarEntry("export", kind="dir"), RarEntry("export/patients.csv", PATIENTS_BYTES),
               RarEntry("export/medecins.sql", SQL), RarEntry("setup.exe", b"MZ not indexed"),
               RarEntry("export/lien.csv", kind="symlink", target="/etc/passwd")]
    if write is rar5:
        entries.append(RarEntry("export/copie.csv", kind="hardlink", target="export/patients.csv"))
    monkeypatch.chdir(tmp_path)
    files = expand_attachment("base_patients.rar", write(entries), LIMITS, [])
    assert sorted((f.filename, f.data) for f in files) == [("base_patients.rar/export/medecins.sql", SQL),
                                                           ("base_patients.rar/export/patients.csv", PATIENTS_BYTES)]
    assert list(tmp_path.iterdir()) == []  # nothing written, no link followed


def test_a_rar_inside_a_zip_and_a_zip_inside_a_rar_within_the_nesting_cap(write: Callable[..., bytes]) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("patients.csv", PATIENTS_BYTES)
    rar = write([RarEntry("dossier.zip", inner.getvalue()), RarEntry("medecins.sql", SQL)])
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("fuite.rar", rar)
    files = expand_attachment("colis.zip", outer.getvalue(), LIMITS, [])
    assert sorted(f.filename for f in files) == ["colis.zip/fuite.rar/dossier.zip/patients.csv",
                                                 "colis.zip/fuite.rar/medecins.sql"]
    skipped: list[AttachmentError] = []
    files = expand_attachment("colis.zip", outer.getvalue(), AttachmentLimits(max_nesting=1), skipped)
    assert [f.filename for f in files] == ["colis.zip/fuite.rar/medecins.sql"]
    assert len(skipped) == 1 and isinstance(skipped[0], ArchiveBombError)
    assert "colis.zip/fuite.rar/dossier.zip: archives nested deeper" in str(skipped[0])


def test_names_are_labels_never_paths(write: Callable[..., bytes], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    names = ["../../evade.csv", "/etc/absolu.csv", "..\\..\\windows.csv", "x/\x1b]0;titre\x07\x1b[2J.csv"]
    files = expand_attachment("n.rar", write([RarEntry(n, b"a;b\n") for n in names]), LIMITS, [])
    assert [f.filename for f in files] == ["n.rar/evade.csv", "n.rar/etc/absolu.csv", "n.rar/windows.csv",
                                           "n.rar/x/?]0;titre??[2J.csv"]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert R.member_label("../..//./") == "unnamed"


def test_a_declared_bomb_is_refused_before_any_reader_starts(write: Callable[..., bytes],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "rar_read", lambda *a, **k: pytest.fail("a reader was started"))
    data = write([RarEntry("petit.csv", b"a;b\n", declared_size=1 << 40)])
    with pytest.raises(ArchiveBombError, match="declares 1099511627776 uncompressed bytes"):
        expand_attachment("bombe.rar", data, LIMITS, [])


def test_thousands_of_members_are_refused_from_the_headers(write: Callable[..., bytes],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "rar_read", lambda *a, **k: pytest.fail("a reader was started"))
    data = write([RarEntry(f"f{i}.csv") for i in range(5000)])
    started = time.process_time()
    with pytest.raises(ArchiveBombError, match="more than 1000 entries"):
        expand_attachment("milliers.rar", data, LIMITS, [])
    assert time.process_time() - started < 1.0
    few = AttachmentLimits(max_files=10)  # fewer entries than 10 per file, but more files than max_files
    with pytest.raises(ArchiveBombError, match="declares 50 files > attachments.max_files=10"):
        expand_attachment("cinquante.rar", write([RarEntry(f"f{i}.csv") for i in range(50)]), few, [])


def test_bytes_are_counted_as_they_stream_whatever_the_headers_declare(write: Callable[..., bytes]) -> None:
    # each member says 10 bytes and holds 100 kB: the declared total passes, the stream does not
    data = write([RarEntry(f"m{i}.csv", b"x;y\n" * 25_000, declared_size=10) for i in range(4)])
    small = AttachmentLimits(max_uncompressed_bytes=250_000)
    with pytest.raises(ArchiveBombError, match="menteur.rar: more than 250000 bytes once decompressed"):
        expand_attachment("menteur.rar", data, small)
    skipped: list[AttachmentError] = []  # collecting the parts set aside: the members read whole are kept
    assert [len(f.data) for f in expand_attachment("menteur.rar", data, small, skipped)] == [100_000, 100_000]
    assert len(skipped) == 1 and isinstance(skipped[0], ArchiveBombError)
    assert len(expand_attachment("menteur.rar", data, AttachmentLimits(), [])) == 4


class _Cap(Exception):
    pass


def test_the_callers_count_stops_the_reader_at_once() -> None:
    """The worker's own byte limit aside (a worker subverted by the archive would not keep it), the
    caller's `spend` sees each chunk as it comes and stops the reader there."""
    data = rar5([RarEntry(f"m{i}.csv", b"x" * 300_000) for i in range(20)])
    seen: list[int] = []

    def spend(n: int, where: str) -> None:
        seen.append(n)
        if sum(seen) > 500_000:
            raise _Cap(where)
    with pytest.raises(_Cap, match="m1.csv"):
        R.rar_read("gros.rar", data, range(20), spend=spend, max_bytes=1 << 40)
    assert 500_000 < sum(seen) <= 500_000 + 64 * 1024  # one chunk past the cap, not a member more


def test_a_cut_archive_keeps_the_members_read_before(write: Callable[..., bytes]) -> None:
    data = write([RarEntry("un.csv", PATIENTS_BYTES), RarEntry("deux.sql", SQL), RarEntry("trois.csv", b"z" * 5000)])
    cut = data[:len(data) - 3000]  # in the middle of the third member's data
    skipped: list[AttachmentError] = []
    files = expand_attachment("coupe.rar", cut, LIMITS, skipped)
    assert [f.filename for f in files] == ["coupe.rar/un.csv", "coupe.rar/deux.sql"]
    # (libarchive's words: "Truncated input file" for RAR 4, "I/O error when unstoring file" for RAR 5)
    assert len(skipped) == 1 and str(skipped[0]).startswith("coupe.rar: ") and "after 2 member(s)" in str(skipped[0])
    with pytest.raises(AttachmentError, match="coupe.rar: "):
        expand_attachment("coupe.rar", cut, LIMITS)  # not collecting parts set aside: the archive fails


def test_a_wrong_header_crc_is_corrupt_and_a_wrong_data_crc_sets_the_member_aside(
        write: Callable[..., bytes]) -> None:
    good = write([RarEntry("patients.csv", PATIENTS_BYTES)])
    at = good.index(b"patients.csv")
    broken = good[:at] + b"Patients.csv" + good[at + 12:]  # the name changed, not the header's CRC
    with pytest.raises(AttachmentError, match="not a valid RAR archive .*header CRC error"):
        expand_attachment("casse.rar", broken, LIMITS, [])
    # libarchive does not check a stored member's CRC32: Vigie does, against the header's
    data = write([RarEntry("faux.csv", b"a;b\n", crc=0x1234), RarEntry("patients.csv", PATIENTS_BYTES)])
    skipped: list[AttachmentError] = []
    files = expand_attachment("crc.rar", data, LIMITS, skipped)
    assert [f.filename for f in files] == ["crc.rar/patients.csv"]
    assert [str(e) for e in skipped] == ["crc.rar/faux.csv: CRC mismatch once extracted (corrupt or truncated member)"]


def test_an_archive_that_is_not_a_rar_is_said_so() -> None:
    said = r"deguise.rar: not a valid RAR archive \(no RAR 4 or RAR 5 signature at its start\)"
    with pytest.raises(AttachmentError, match=said):
        expand_attachment("deguise.rar", b"\x03\x04\x00" * 40, LIMITS, [])


def test_a_zip_named_rar_is_read_as_the_zip_it_is() -> None:
    """Its bytes decide, not its name (wave 24's blind probe: a renamed archive hid its dump)."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.csv", "a;b\n")
    files = expand_attachment("deguise.rar", zipped.getvalue(), LIMITS, [])
    assert [(f.filename, f.data) for f in files] == [("deguise.rar.zip/a.csv", b"a;b\n")]


def test_an_archive_with_encrypted_headers_is_refused_and_said(write: Callable[..., bytes],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "rar_read", lambda *a, **k: pytest.fail("a reader was started"))
    data = write([RarEntry("patients.csv", PATIENTS_BYTES)], encrypted_headers=True)
    with pytest.raises(AttachmentError) as raised:
        expand_attachment("chiffre.rar", data, LIMITS, [], passwords=["mdp-du-rar"])
    said = str(raised.value)
    assert said.startswith("chiffre.rar: an encrypted RAR archive (its headers too")
    assert "decrypts no RAR; the 1 password(s) posted beside it were not tried" in said
    assert "mdp-du-rar" not in said


def test_an_encrypted_member_is_set_aside_and_never_asked_for(write: Callable[..., bytes]) -> None:
    data = write([RarEntry("secret.csv", PATIENTS_BYTES, encrypted=True), RarEntry("medecins.sql", SQL)])
    skipped: list[AttachmentError] = []
    files = expand_attachment("moitie.rar", data, LIMITS, skipped)
    # libarchive 3.6 hands a RAR 5 member's ciphertext back as its data: the member is not asked for
    assert [(f.filename, f.data) for f in files] == [("moitie.rar/medecins.sql", SQL)]
    assert [str(e) for e in skipped] == ["moitie.rar/secret.csv: an encrypted RAR member; not read: libarchive, "
                                         "Vigie's RAR reader, decrypts no RAR"]
    only = write([RarEntry("secret.csv", PATIENTS_BYTES, encrypted=True)])
    with pytest.raises(AttachmentError, match="an encrypted RAR member"):
        expand_attachment("tout.rar", only, LIMITS, [])


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The RAR reader replaced by tests/rar_stand_in.py (a fake only for hanging, crashing and talking
    nonsense, which no archive written here makes the real one do; other archives go to the real one)."""
    monkeypatch.setattr(R, "_WORKER", [sys.executable, str(REPO / "tests" / "rar_stand_in.py"), "worker"])


@pytest.mark.usefixtures("stand_in")
def test_a_reader_that_hangs_crashes_or_talks_nonsense_is_stopped_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.attachments as A
    from tests.rar_stand_in import CRASH, HANG, NONSENSE, SILENT

    monkeypatch.setattr(R, "RAR_SECONDS", 2)
    monkeypatch.setattr(A, "_RAR_SECONDS_PER_ATTACHMENT", 5.0)
    fine = rar5([RarEntry("patients.csv", PATIENTS_BYTES)])
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("liste.csv", "a;b\n")  # one part read: the zip's failures are then set aside, not raised
        for name, marker in (("pendu", HANG), ("plante", CRASH), ("bavard", NONSENSE), ("pendu2", HANG),
                             ("pendu3", HANG)):
            z.writestr(f"{name}.rar", rar4([RarEntry("x.csv", marker)]))
        z.writestr("sain.rar", fine)
    skipped: list[AttachmentError] = []
    started = time.monotonic()
    files = expand_attachment("lot.zip", outer.getvalue(), LIMITS, skipped)
    assert time.monotonic() - started < 12  # each hang stopped at 2 s, the attachment's readers at 5 s in all
    said = [str(e) for e in skipped]
    assert said[0] == "lot.zip/pendu.rar: the RAR reader took more than 2 s and was stopped", said
    assert said[1] == "lot.zip/plante.rar: the RAR reader crashed (SIGSEGV)", said
    assert said[2].startswith("lot.zip/bavard.rar: the RAR reader sent a record out of place"), said
    assert said[3].startswith("lot.zip/pendu2.rar: the RAR reader took more than"), said
    assert said[4] == ("lot.zip/pendu3.rar: not read: this attachment's RAR archives took the 5 s their readers "
                       "may take in all"), said
    assert said[5] == ("lot.zip/sain.rar: not read: this attachment's RAR archives took the 5 s their readers "
                       "may take in all"), said
    assert [f.filename for f in files] == ["lot.zip/liste.csv"]
    # a reader that closes its output and hangs is not waited on for ever either
    silent = rar4([RarEntry("x.csv", SILENT)])
    started = time.monotonic()
    with pytest.raises(AttachmentError, match="muet.rar: the RAR reader took more than 2 s and was stopped"):
        expand_attachment("muet.rar", silent, LIMITS, [])
    assert time.monotonic() - started < 5
    # the real reader, alone, within the time left to a new attachment
    assert [f.filename for f in expand_attachment("sain.rar", fine, LIMITS, [])] == ["sain.rar/patients.csv"]


def test_a_reader_out_of_memory_is_said_and_so_is_a_machine_that_cannot_read_rar(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ok, said = R.rar_support()
    assert ok and said.startswith("RAR 5 and RAR 4 read by libarchive"), said
    monkeypatch.setattr(R, "RAR_MEMORY_BYTES", 20 * 1024 * 1024)  # too little to load libarchive's libraries
    ok, said = R.rar_support()
    assert not ok and "libarchive cannot be loaded" in said, said
    with pytest.raises(AttachmentError, match="p.rar: libarchive cannot be loaded"):
        expand_attachment("p.rar", rar5([RarEntry("patients.csv", PATIENTS_BYTES)]), LIMITS, [])


# --------------------------------------------------------------------------------- end to end
def _vigie(args: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """`vigie ARGS` with tests/rar_stand_in.py as its RAR reader (the real one for every archive
    but those that ask the stand-in to hang or crash)."""
    return subprocess.run([sys.executable, str(REPO / "tests" / "rar_stand_in.py"), "vigie", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **test_keys_env})


@pytest.mark.slow
def test_a_forum_rar_attachment_is_crawled_and_unreadable_ones_are_counted(tmp_path: Path) -> None:
    from tests.rar_stand_in import CRASH, HANG
    from tests.test_hostile_attachments import Forum
    from vigie_kit.forum import ForumServer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = Forum(server)
        data = server.data
        thread = data._new_thread(data.boards[1], title="base patients clinique 2026")
        forum.carrier = data.new_post(thread, body="la base patients, mot de passe : Rar!2026", with_dump=False)
        forum.attach("base_patients.rar", rar5([RarEntry("export/patients.csv", PATIENTS_BYTES)]))
        forum.attach("ancienne_base.rar", rar4([RarEntry("medecins.sql", SQL)]))
        forum.attach("chiffree.rar", rar5([RarEntry("patients.csv", PATIENTS_BYTES)], encrypted_headers=True))
        forum.attach("pendue.rar", rar4([RarEntry("x.csv", HANG)]))
        forum.attach("plantee.rar", rar4([RarEntry("x.csv", CRASH)]))
        config = make_config(tmp_path / "config", server.url, limits={"concurrency": 2},
                             attachments={"extensions": list(LIMITS.extensions)})
        out, summary = tmp_path / "items.jsonl", tmp_path / "summary.json"
        proc = _vigie(["--log-level", "WARNING", "crawl", "test-phpbb", "--config", str(config), "--data-dir",
                       str(tmp_path / "data"), "-o", str(out), "--summary-json", str(summary), "--quiet"], REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    bodies = {i["filename"]: i.get("body") or "" for i in items if i.get("filename")}
    assert "camille.testpatient7@exemple.fr" in bodies.get("base_patients.rar/export/patients.csv", ""), (
        sorted(bodies), proc.stderr[-3000:])
    assert "dr.exemple@exemple.fr" in bodies.get("ancienne_base.rar/medecins.sql", ""), sorted(bodies)
    assert not any(n.startswith(("chiffree.rar", "pendue.rar", "plantee.rar")) for n in bodies)
    counted = json.loads(summary.read_text())
    assert counted["errors"] == 3, counted  # the encrypted, the hung and the crashed (the kit forum's own: none)
    err = " ".join(proc.stderr.split())
    for said in ("chiffree.rar: an encrypted RAR archive (its headers too: even its file names); not read",
                 "the 1 password(s) posted beside it were not tried",
                 "the RAR reader took more than 3 s and was stopped", "the RAR reader crashed (SIGSEGV)"):
        assert said in err, proc.stderr[-3000:]
    assert "Rar!2026" not in proc.stderr


@pytest.mark.slow
def test_vigie_scan_reads_a_rar_and_says_what_it_could_not(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "base_patients.rar").write_bytes(rar5([RarEntry("patients.csv", PATIENTS_BYTES),
                                                   RarEntry("../../hors.csv", b"x;y\n")]))
    (work / "vieux.rar").write_bytes(rar4([RarEntry("medecins.sql", SQL), RarEntry("s.csv", b"a", encrypted=True)]))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    proc = _vigie(["scan", "base_patients.rar", "vieux.rar", "--json", "--reveal", "--config",
                   str(tmp_path / "config"), "--data-dir", str(tmp_path / "data")], work)
    assert proc.returncode == 1, proc.stderr  # vieux.rar/s.csv not read: said, exit 1
    found: dict[str, set[str]] = {}
    for line in proc.stdout.splitlines():
        frag = json.loads(line)
        found.setdefault(frag["path"], set()).update(i["value"] for i in frag["identifiers"] if i["type"] == "email")
    assert {"camille.testpatient3@exemple.fr", "camille.testpatient39@exemple.fr"} <= found[
        "base_patients.rar/patients.csv"], sorted(found)
    assert "dr.exemple@exemple.fr" in found["vieux.rar/medecins.sql"], sorted(found)
    err = " ".join(proc.stderr.split())
    assert "vieux.rar/s.csv: an encrypted RAR member; not read" in err, proc.stderr
    assert sorted(p.name for p in tmp_path.rglob("hors.csv")) == []


@pytest.mark.slow
def test_vigie_doctor_says_whether_rar_attachments_can_be_read(tmp_path: Path) -> None:
    (tmp_path / "vigie.yaml").write_text("storage:\n  backend: embedded\ntor:\n  mode: launch\n"
                                         "  tor_binary: /nonexistent/tor\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "vigie", "doctor", "--config", str(tmp_path), "--data-dir",
                           str(tmp_path / "data")], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, **test_keys_env, "COLUMNS": "200"})
    assert "RAR attachments: RAR 5 and RAR 4 read by libarchive in a limited process" in proc.stdout, (
        proc.stdout, proc.stderr)


@pytest.mark.slow
def test_a_paste_s_rar_link_and_a_rar_upload_are_read(tmp_path: Path) -> None:
    import yaml

    from tests.fixtures.forum import crawl
    from tests.test_paste_files import PasteSite

    site = PasteSite()
    serving = site.serve()
    next(serving)
    try:
        text = f"Base patients 2026\ndump: {site.url}/f/base_patients.rar\nmot de passe : aucun\n"
        site.pdf_sent.set()  # (the site's /p/3 waits for a PDF this test does not serve)
        site.files.update({
            "/p/1": (text.encode(), {"Content-Type": "text/plain; charset=utf-8"}),
            "/f/base_patients.rar": (rar5([RarEntry("patients.csv", PATIENTS_BYTES)]),
                                     {"Content-Type": "application/vnd.rar"}),
            "/p/2": (rar4([RarEntry("medecins.sql", SQL)]),
                     {"Content-Type": "application/vnd.rar", "Content-Disposition": 'attachment; filename="m.rar"'}),
        })
        config = tmp_path / "config"
        source = {"name": "pastes", "kind": "paste", "network": "direct", "schedule": {"interval": "1h"},
                  "start_urls": [f"{site.url}/p/{n}" for n in (1, 2)],
                  "paste": {"start_role": "pastes", "paste_id_pattern": r"/p/(\d+)"},
                  "attachments": {"extensions": ["txt", "csv", "sql", "rar"]},
                  "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 4, "timeout_seconds": 30,
                             "retries": 0}}
        (config / "sources").mkdir(parents=True)
        (config / "sources" / "pastes.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
        (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
        run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=180)
    finally:
        serving.close()
    assert run.returncode == 0, run.stderr[-3000:]
    files = {i["filename"]: i for i in run.items if i.get("filename")}
    assert "camille.testpatient5@exemple.fr" in files["base_patients.rar/patients.csv"]["body"], (
        sorted(files), run.stderr[-2000:])
    assert files["base_patients.rar/patients.csv"]["thread_url"] == f"{site.url}/p/1"
    assert "dr.exemple@exemple.fr" in files["m.rar/medecins.sql"]["body"], sorted(files)


def test_the_reader_runs_limited_with_no_secret_and_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real reader, caught while it writes a member to a pipe nobody reads: its limits, its
    open files (its input, its output, /dev/null) and its environment (`child_env`: no key)."""
    import json as _json
    import struct

    from vigie.core.process import child_env

    monkeypatch.setenv("VIGIE_MATCH_KEY_TEST_SECRET", "ne-doit-pas-passer")
    data = rar5([RarEntry("a.csv", b"x" * (4 << 20))])
    params = _json.dumps({"ordinals": [0], "max_bytes": 1 << 30}).encode()
    stdin = os.memfd_create("test-rar-in")
    os.write(stdin, struct.pack(">I", len(params)) + params + data)
    os.lseek(stdin, 0, os.SEEK_SET)
    proc = subprocess.Popen([*R._WORKER, str(R.RAR_MEMORY_BYTES), "30"], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=child_env())
    os.close(stdin)
    try:
        deadline = time.monotonic() + 20
        limits = ""
        while time.monotonic() < deadline and "Max open files            3" not in limits:
            time.sleep(0.05)
            limits = Path(f"/proc/{proc.pid}/limits").read_text()
        rows = {" ".join(line.split()[:-3]): line.split()[-3:-1] for line in limits.splitlines()[1:]}
        assert rows["Max open files"] == ["3", "3"], limits
        assert rows["Max file size"] == ["0", "0"] and rows["Max core file size"] == ["0", "0"], limits
        assert rows["Max address space"] == [str(R.RAR_MEMORY_BYTES)] * 2 and rows["Max cpu time"] == ["30", "31"]
        assert sorted(os.listdir(f"/proc/{proc.pid}/fd")) == ["0", "1", "2"]
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes()
        assert b"ne-doit-pas-passer" not in environ and b"VIGIE_" not in environ
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
