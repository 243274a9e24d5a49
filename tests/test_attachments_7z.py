""".7z attachments (crawler.attachments): read in memory by py7zr, written here by 7-Zip itself
(Debian's `7zz`, another implementation), within the same caps as zips: declared file count,
declared sizes, the header's own size (checked before py7zr parses it), nesting, and every
decompressed byte counted. Encrypted and corrupt archives are refused with a clear error.
All data is synthetic."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from crawler._sevenzip import CountedMembers
from crawler.attachments import ArchiveBombError, AttachmentError, _Budget, expand_attachment
from vigie.config.schema import AttachmentLimits

SEVEN_ZIP = shutil.which("7zz") or shutil.which("7z")
pytestmark = pytest.mark.skipif(SEVEN_ZIP is None, reason="7-Zip (Debian package 7zip) is not installed: "
                                                          "scripts/setup.sh installs it")
CLIENTS = b"email;telephone;nom\n" + b"".join(b"anne.martin%d@exemple.fr;06 12 34 56 %02d;Martin\n" % (i, i)
                                               for i in range(60))
BASE = b"INSERT INTO patients (nom, email) VALUES ('Roux', 'luc.roux@exemple.fr');\n"


def seven_zip(archive: Path, cwd: Path, *args: str) -> bytes:
    """`7zz a ARCHIVE ARGS...` run in `cwd`; the archive's bytes."""
    assert SEVEN_ZIP is not None
    subprocess.run([SEVEN_ZIP, "a", "-bd", "-bso0", "-bsp0", str(archive), *args], cwd=cwd, check=True,
                   capture_output=True, timeout=120)
    return archive.read_bytes()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "export" / "empty").mkdir(parents=True)
    (src / "clients.csv").write_bytes(CLIENTS)
    (src / "export" / "base.sql").write_bytes(BASE)
    (src / "setup.exe").write_bytes(b"MZ not indexed")
    os.symlink("/etc/passwd", src / "export" / "link.csv")
    return src


@pytest.mark.parametrize("method", ["LZMA2", "LZMA", "PPMd", "BZip2", "Deflate", "Copy"])
def test_members_are_read_in_memory_and_only_regular_files_of_the_allowed_types(
        tree: Path, tmp_path: Path, method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = seven_zip(tmp_path / "leak.7z", tree, f"-m0={method}", "-snl", ".")  # -snl: keep the link as a link
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    files = expand_attachment("leak.7z", data, AttachmentLimits())
    assert sorted((f.filename, f.data) for f in files) == [("leak.7z/clients.csv", CLIENTS),
                                                           ("leak.7z/export/base.sql", BASE)]
    assert list(workdir.iterdir()) == []  # nothing written to disk, the link not followed


def test_a_7z_inside_a_zip_and_a_zip_inside_a_7z_within_the_nesting_cap(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    with zipfile.ZipFile(inner / "part.zip", "w") as z:
        z.writestr("clients.csv", CLIENTS)
    data = seven_zip(tmp_path / "outer.7z", inner, "part.zip")
    assert [f.filename for f in expand_attachment("outer.7z", data, AttachmentLimits())] == [
        "outer.7z/part.zip/clients.csv"]
    with pytest.raises(ArchiveBombError, match="max_nesting"):
        expand_attachment("outer.7z", data, AttachmentLimits(max_nesting=0))


def test_a_bomb_is_refused_by_its_declared_size_before_anything_is_inflated(tmp_path: Path) -> None:
    src = tmp_path / "zeros"
    src.mkdir()
    (src / "dump.csv").write_bytes(b"\0" * (8 << 20))
    data = seven_zip(tmp_path / "bomb.7z", src, "dump.csv")
    assert len(data) < 4096
    started = time.process_time()
    with pytest.raises(ArchiveBombError, match="declares 8388608 uncompressed bytes"):
        expand_attachment("bomb.7z", data, AttachmentLimits(max_uncompressed_bytes=1 << 20))
    assert time.process_time() - started < 1


def test_a_header_of_many_entries_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """3,000 empty files are a few kB of 7z (its header LZMA-compressed): py7zr would build an
    object per entry first; the header's unpacked size is read from the bytes and refused."""
    src = tmp_path / "many"
    src.mkdir()
    for i in range(3000):
        (src / f"{i:05d}.csv").touch()
    data = seven_zip(tmp_path / "many.7z", src, ".")
    assert len(data) < 64 * 1024
    with pytest.raises(ArchiveBombError, match="a 7z header of .* bytes, more than attachments.max_files=10"):
        expand_attachment("many.7z", data, AttachmentLimits(max_files=10))
    with pytest.raises(ArchiveBombError, match="declares 3000 files"):  # a header within bounds: counted
        expand_attachment("many.7z", data, AttachmentLimits(max_files=1000))


@pytest.mark.parametrize("names_too", [False, True])
def test_an_encrypted_archive_is_refused_clearly(tmp_path: Path, names_too: bool) -> None:
    src = tmp_path / "s"
    src.mkdir()
    (src / "clients.csv").write_bytes(CLIENTS)
    data = seven_zip(tmp_path / "enc.7z", src, "-pnot-a-real-secret", *(["-mhe=on"] if names_too else []),
                     "clients.csv")
    with pytest.raises(AttachmentError, match="an encrypted 7z archive"):
        expand_attachment("enc.7z", data, AttachmentLimits())


def test_a_cut_or_corrupt_archive_is_an_attachment_error(tmp_path: Path) -> None:
    src = tmp_path / "s"
    src.mkdir()
    (src / "clients.csv").write_bytes(CLIENTS * 20)
    data = seven_zip(tmp_path / "x.7z", src, "clients.csv")
    flipped = bytearray(data)
    flipped[40] ^= 0xFF  # inside the packed stream
    for broken in (data[:len(data) // 2], bytes(flipped), b"7z\xbc\xaf\x27\x1c" + b"\0" * 40, b"\x01\x02not a 7z"):
        with pytest.raises(AttachmentError):
            expand_attachment("x.7z", broken, AttachmentLimits())
    # text named .7z is read as the text it is (wave 24: a CSV named for an archive was refused, lost)
    assert [f.data for f in expand_attachment("x.7z", b"not a 7z\n", AttachmentLimits())] == [b"not a 7z\n"]


def test_every_decompressed_chunk_is_counted_whatever_the_headers_declared() -> None:
    """py7zr stops at the sizes the headers declare, which were checked first; the writer it
    writes to counts each chunk against the budget anyway, so that a reader which trusted the
    stream instead would still stop at the cap."""
    limits = AttachmentLimits(max_uncompressed_bytes=100)
    written = CountedMembers("x.7z", _Budget(limits))
    member = written.create("a.csv")
    member.write(b"x" * 60)
    with pytest.raises(ArchiveBombError, match="max_uncompressed_bytes"):
        member.write(b"y" * 60)
