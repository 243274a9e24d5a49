"""Encrypted archives opened with the password posted beside them (crawler.spiders.archive_passwords,
crawler.attachments' encrypted paths, `vigie scan --password`).

The archives are written by other implementations than the readers: 7-Zip itself (Debian's `7zz`:
ZipCrypto and WinZip AES zips, 7z with encrypted names) and py7zr's writer (7z with and without). Crawled
through the real kit forum (a post "mdp : ..." with the zip attached, the thread's first post
giving the 7z's password) and scanned through the real CLI. All data is synthetic.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import py7zr
import pytest

from crawler.attachments import MAX_PASSWORDS, ArchiveBombError, AttachmentError, expand_attachment
from crawler.spiders.archive_passwords import MAX_CANDIDATES, password_candidates
from tests import cli_fork
from tests.fixtures.forum import REPO, make_config, test_keys_env
from tests.test_attachments_7z import SEVEN_ZIP, seven_zip
from tests.test_hostile_attachments import Forum
from vigie.config.schema import AttachmentLimits
from vigie_kit.forum import ForumServer

CLIENTS = b"email;telephone\n" + b"".join(b"client%d@exemple.fr;06 12 34 56 %02d\n" % (i, i) for i in range(40))
PATIENTS = b"email;nir\n" + b"".join(b"patient%d@exemple.fr;1 84 12 75 113 %03d\n" % (i, i) for i in range(40))
LIMITS = AttachmentLimits()
needs_7zz = pytest.mark.skipif(SEVEN_ZIP is None, reason="7-Zip (Debian package 7zip) is not installed: "
                                                         "scripts/setup.sh installs it")


# ------------------------------------------------------------------------------ candidates
@pytest.mark.parametrize(("text", "expected"), [
    ("Dump complet. Pass: leakforum2024", ("leakforum2024",)),
    ("mdp : x", ("x",)),
    ("password = \"deux mots\"", ("deux mots",)),
    ("Archive password: Zz9!x", ("Zz9!x",)),
    ("Mot de passe de l'archive : « base clients »", ("base clients", " base clients ")),
    ("le mot de passe est lolo2024", ("lolo2024",)),
    ("PWD=abc pw: def", ("abc", "def")),
    ("Pass (rar): r4r", ("r4r",)),
    ("Password for the zip is: zz9", ("zz9",)),
    ("clé du zip : K3y-2024", ("K3y-2024",)),
    ("Key for the 7z archive: 'k 7z'", ("k 7z",)),
    ("🔑 s3cr3t", ("s3cr3t",)),
    ("Pass: abc.", ("abc", "abc.")),  # the trailing dot tried last
])
def test_a_post_gives_its_archive_password_in_french_or_english(text: str, expected: tuple[str, ...]) -> None:
    assert password_candidates(text) == expected


@pytest.mark.parametrize("text", [
    "voici les fichiers, bonne lecture",
    "I will pass on that one",
    "API key: 0123456789abcdef",  # a key, but no archive near it
    "passe: x",  # not a label
    "password: " + "y" * 200,  # no password is that long: not taken, and the text never is
    "",
])
def test_no_password_is_made_up(text: str) -> None:
    assert password_candidates(text) == ()


def test_a_dump_pasted_in_the_post_gives_a_few_candidates_never_the_text() -> None:
    dump = "".join(f"user{i}@exemple.fr password: hunter{i}\n" for i in range(10_000))
    found = password_candidates(dump)
    assert found == ("hunter0", "hunter1", "hunter2", "hunter3") and len(found) == MAX_CANDIDATES


# ------------------------------------------------------------------------------ archives
def _zip_7zz(tmp: Path, name: str, password: str, members: dict[str, bytes], method: str = "ZipCrypto") -> bytes:
    src = tmp / f"src-{name}"
    src.mkdir()
    for member, body in members.items():
        (src / member).write_bytes(body)
    return seven_zip(tmp / name, src, "-tzip", f"-p{password}", f"-mem={method}", ".")


def _7z_py7zr(password: str, header_encryption: bool, members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password=password, header_encryption=header_encryption) as archive:
        for member, body in members.items():
            archive.writestr(body, member)
    return buf.getvalue()


@needs_7zz
def test_a_zipcrypto_zip_is_read_with_the_right_candidate_and_refused_with_wrong_ones(tmp_path: Path) -> None:
    data = _zip_7zz(tmp_path, "leak.zip", "leakforum2024", {"clients.csv": CLIENTS, "patients.csv": PATIENTS})
    assert all(i.flag_bits & 1 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    files = expand_attachment("leak.zip", data, LIMITS, [], passwords=["nope", "leakforum2024"])
    assert sorted((f.filename, f.data) for f in files) == [("leak.zip/clients.csv", CLIENTS),
                                                           ("leak.zip/patients.csv", PATIENTS)]
    with pytest.raises(AttachmentError, match=r"encrypted; cannot be extracted \(none of the 2 password"):
        expand_attachment("leak.zip", data, LIMITS, [], passwords=["nope", "leakforum"])
    with pytest.raises(AttachmentError, match="no password was given beside it"):
        expand_attachment("leak.zip", data, LIMITS, [])


def _wrong_password(data: bytes, member: str, passes_the_check: bool) -> str:
    """A wrong password that zipfile's ZipCrypto check byte lets through for `member` (1 in 256 do:
    a random one met CI), or one it refuses, found by trying names in turn (7-Zip salts each
    archive at random, so no fixed name is either)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    for i in range(20_000):
        candidate = f"wrong{i}"
        try:
            archive.open(member, pwd=candidate.encode()).close()
        except RuntimeError:  # "Bad password": refused by the check byte
            if not passes_the_check:
                return candidate
            continue
        if passes_the_check:
            return candidate
    raise AssertionError("no candidate of 20,000 did (1 in 256 should pass)")


@needs_7zz
def test_a_wrong_password_that_passes_zipcryptos_check_byte_is_a_refusal_and_the_next_is_tried(
        tmp_path: Path) -> None:
    """ZipCrypto checks a password with one byte: 1 wrong candidate in 256 passes it and only the
    inflater or the CRC then fails it. Such a candidate must not end the search, nor be reported
    as a corrupt archive when no candidate opened it."""
    data = _zip_7zz(tmp_path, "leak.zip", "leakforum2024", {"clients.csv": CLIENTS})
    lucky = _wrong_password(data, "clients.csv", passes_the_check=True)
    refused = _wrong_password(data, "clients.csv", passes_the_check=False)
    files = expand_attachment("leak.zip", data, LIMITS, [], passwords=[lucky, "leakforum2024"])
    assert [(f.filename, f.data) for f in files] == [("leak.zip/clients.csv", CLIENTS)]
    with pytest.raises(AttachmentError) as refusal:
        expand_attachment("leak.zip", data, LIMITS, [], passwords=[refused, lucky])
    said = str(refusal.value)
    assert said.startswith("leak.zip/clients.csv: encrypted; cannot be extracted (none of the 2 password(s) "
                           "given beside it opened it; candidate 2 passed the check bytes, then failed ("), said
    assert said.endswith("): a wrong password or a corrupt member)"), said
    assert lucky not in said and "leakforum2024" not in said


@needs_7zz
def test_each_candidate_is_tried_once_per_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spy on zipfile's real `open` (it still decrypts): 10 members and 6 wrong candidates make
    4 tries (MAX_PASSWORDS), not 60; the right one found on the first member serves the other 9."""
    data = _zip_7zz(tmp_path, "many.zip", "right", {f"part{i}.csv": CLIENTS for i in range(10)})
    tries: list[bytes | None] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, mode: str = "r", pwd: bytes | None = None,
            **kw: object) -> object:
        tries.append(pwd)
        return real_open(self, name, mode, pwd, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(AttachmentError):
        expand_attachment("many.zip", data, LIMITS, [], passwords=[f"wrong{i}" for i in range(6)])
    assert len(tries) == MAX_PASSWORDS
    tries.clear()
    files = expand_attachment("many.zip", data, LIMITS, [], passwords=["wrong0", "right"])
    assert len(files) == 10 and len(tries) == 11  # wrong0 once, then right on each member


@pytest.mark.parametrize("names_too", [False, True])
def test_an_encrypted_7z_is_read_with_the_password_and_refused_without(names_too: bool) -> None:
    data = _7z_py7zr("mdp 7z", names_too, {"clients.csv": CLIENTS})
    files = expand_attachment("dump.7z", data, LIMITS, [], passwords=["faux", "mdp 7z"])
    assert [(f.filename, f.data) for f in files] == [("dump.7z/clients.csv", CLIENTS)]
    with pytest.raises(AttachmentError, match=r"an encrypted 7z archive; cannot be read \(none of the 1 pass"):
        expand_attachment("dump.7z", data, LIMITS, [], passwords=["faux"])


@needs_7zz
def test_a_7z_written_by_7zip_with_encrypted_names_is_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "patients.csv").write_bytes(PATIENTS)
    data = seven_zip(tmp_path / "p.7z", src, "-pCl3-du-7z", "-mhe=on", ".")
    files = expand_attachment("p.7z", data, LIMITS, [], passwords=["Cl3-du-7z"])
    assert [f.data for f in files] == [PATIENTS]


@needs_7zz
@pytest.mark.parametrize("method", ["AES128", "AES256"])
def test_a_winzip_aes_zip_is_read_with_the_password(tmp_path: Path, method: str) -> None:
    data = _zip_7zz(tmp_path, "aes.zip", "mdp aes", {"clients.csv": CLIENTS, "patients.csv": PATIENTS},
                    method=method)
    assert {i.compress_type for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {99}  # WinZip AES
    files = expand_attachment("aes.zip", data, LIMITS, [], passwords=["faux", "mdp aes"])
    assert sorted(f.data for f in files) == sorted([CLIENTS, PATIENTS])
    with pytest.raises(AttachmentError, match=r"encrypted; cannot be extracted \(none of the 1 password"):
        expand_attachment("aes.zip", data, LIMITS, [], passwords=["faux"])
    altered = bytearray(data)
    altered[data.index(b"clients.csv") + 200] ^= 0xFF  # inside the first member's ciphertext: its HMAC fails
    skipped: list[AttachmentError] = []
    files = expand_attachment("aes.zip", bytes(altered), LIMITS, skipped, passwords=["mdp aes"])
    assert [f.data for f in files] == [PATIENTS] and len(skipped) == 1, skipped


@needs_7zz
def test_a_decrypted_bomb_stops_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = AttachmentLimits(max_uncompressed_bytes=1_000_000)
    zeros = b"0" * 30_000_000
    zipped = _zip_7zz(tmp_path, "bomb.zip", "boom", {"big.csv": zeros})
    aes = _zip_7zz(tmp_path, "bomb-aes.zip", "boom", {"big.csv": zeros}, method="AES256")
    sevenz = _7z_py7zr("boom", True, {"big.csv": zeros})  # its sizes in its encrypted header
    bombs = (("bomb.zip", zipped), ("bomb-aes.zip", aes), ("bomb.7z", sevenz))
    for name, data in bombs:
        # the declared sizes are refused before anything is inflated (the 7z's once its header is decrypted)...
        with pytest.raises(ArchiveBombError, match="declares 30000000 uncompressed bytes"):
            expand_attachment(name, data, small, [], passwords=["wrong", "boom"])
    # ...and, were they lies (that check switched off), the decrypted bytes are counted as they come
    import crawler.attachments as A
    monkeypatch.setattr(A, "_refuse_declared", lambda *args, **kwargs: None)
    for name, data in bombs:
        with pytest.raises(ArchiveBombError, match="more than 1000000 bytes once decompressed"):
            expand_attachment(name, data, small, [], passwords=["wrong", "boom"])


# ------------------------------------------------------------------------------ crawl and scan
@pytest.mark.slow
@needs_7zz
def test_a_crawl_opens_archives_with_the_passwords_of_their_thread(tmp_path: Path) -> None:
    zipped = _zip_7zz(tmp_path, "clients.zip", "zipPass!2024", {"clients.csv": CLIENTS})
    sevenz = _7z_py7zr("pw du 7z", True, {"patients.csv": PATIENTS})
    unknown = _zip_7zz(tmp_path, "autre.zip", "jamais-donne", {"autre.csv": CLIENTS})
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = Forum(server)
        data = server.data
        thread = data._new_thread(data.boards[1], title="base clients 2024")
        data.new_post(thread, body="Archive password: « pw du 7z »", with_dump=False)
        forum.carrier = data.new_post(thread, body="la base, mdp : zipPass!2024", with_dump=False)
        forum.attach("clients.zip", zipped)
        forum.carrier = data.new_post(thread, body="et les patients", with_dump=False)  # the first post's
        forum.attach("patients.7z", sevenz)
        forum.carrier = data.new_post(thread, body="une autre, sans rien", with_dump=False)
        forum.attach("autre.zip", unknown)
        config = make_config(tmp_path / "config", server.url, limits={"concurrency": 2},
                             attachments={"extensions": list(LIMITS.extensions)})
        out, summary = tmp_path / "items.jsonl", tmp_path / "summary.json"
        proc = cli_fork.run(
            [sys.executable, "-m", "vigie", "--log-level", "DEBUG", "crawl", "test-phpbb", "--config", str(config),
             "--data-dir", str(tmp_path / "data"), "-o", str(out), "--summary-json", str(summary), "--quiet"],
            capture_output=True, text=True, timeout=240, cwd=REPO, env={**os.environ, **test_keys_env})
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    bodies = {i["filename"]: i.get("body") or "" for i in items if i.get("filename")}
    assert "client7@exemple.fr" in bodies.get("clients.zip/clients.csv", ""), (sorted(bodies), proc.stderr[-3000:])
    assert "patient7@exemple.fr" in bodies.get("patients.7z/patients.csv", ""), sorted(bodies)
    assert not any(n.startswith("autre.zip") for n in bodies)
    counted = json.loads(summary.read_text())
    assert counted["errors"] == 1, counted  # autre.zip: no candidate opens it (the kit forum's own: none)
    assert "autre.zip/autre.csv: encrypted; cannot be extracted" in proc.stderr
    assert proc.stderr.count("encrypted; opened with the password candidate") == 2
    for password in (b"zipPass!2024", b"pw du 7z"):  # never in the log, nor anywhere in the data directory
        assert password.decode() not in proc.stderr
        for path in (tmp_path / "data").rglob("*"):
            if path.is_file() and path != out:
                assert password not in path.read_bytes(), path


@pytest.mark.slow
@needs_7zz
def test_vigie_scan_takes_passwords(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "leak.zip").write_bytes(_zip_7zz(tmp_path, "leak.zip", "leakforum2024", {"clients.csv": CLIENTS}))
    (work / "dump.7z").write_bytes(_7z_py7zr("x", False, {"patients.csv": PATIENTS}))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")

    def scan(*passwords: str) -> subprocess.CompletedProcess[str]:
        args = [a for p in passwords for a in ("--password", p)]
        return cli_fork.run([sys.executable, "-m", "vigie", "scan", "leak.zip", "dump.7z", "--json", "--reveal",
                               *args, "--config", str(tmp_path / "config"), "--data-dir", str(tmp_path / "data")],
                            cwd=work, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **test_keys_env})
    ok = scan("x", "leakforum2024")
    assert ok.returncode == 0, ok.stderr
    found = {i["value"] for line in ok.stdout.splitlines() for i in json.loads(line)["identifiers"]}
    assert {"client3@exemple.fr", "patient3@exemple.fr"} <= found
    wrong = scan("leakforum")
    assert wrong.returncode == 1
    err = " ".join(wrong.stderr.split())
    assert "none of the 1 password(s) given beside it opened it" in err and "2 file(s)" in err, wrong.stderr
    assert "leakforum" not in wrong.stdout
