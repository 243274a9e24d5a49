"""An attachment is read as what its bytes are, not what its name says (wave 24's blind probe, set 4c:
a zip renamed `photo.jpg`, a gzip named `clients.txt`, a CSV named `.pdf` or `.xlsx`, a JPEG with a
zip appended each hid a whole dump: read as binary text, or refused as corrupt). Real archives made
by the standard library's writers (and py7zr's), real files; the dump is synthetic."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

import py7zr
import pytest

from crawler.attachments import AttachmentError, content_kind, expand_attachment
from vigie.config.schema import AttachmentLimits

LIMITS = AttachmentLimits()
CSV = (b"nom;prenom;email;telephone\nFaure;Mathis;mathis.faure@laposte.net;0651327408\n"
       b"Girard;Lea;lea.girard@gmail.com;0619911482\n")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 4 + b"\xff\xd9"


def _zip(name: str = "clients.csv") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, CSV)
    return out.getvalue()


def _tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        info = tarfile.TarInfo("clients.csv")
        info.size = len(CSV)
        t.addfile(info, io.BytesIO(CSV))
    return out.getvalue()


def _7z() -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w") as z:
        z.writestr(CSV, "clients.csv")
    return out.getvalue()


def _read(name: str, data: bytes) -> list[bytes]:
    return [f.data for f in expand_attachment(name, data, LIMITS, [])]


WRAPPED = {  # each way of packing the same CSV, and what it is
    "zip": _zip, "tar": _tar, "7z": _7z,
    "gz": lambda: gzip.compress(CSV), "bz2": lambda: bz2.compress(CSV), "xz": lambda: lzma.compress(CSV),
}


@pytest.mark.parametrize("kind", sorted(WRAPPED))
@pytest.mark.parametrize("name", ["photo.jpg", "clients.txt", "clients.csv", "dump", "notes.pdf", "x.docx"])
def test_an_archive_under_another_name_is_unpacked(kind: str, name: str) -> None:
    data = WRAPPED[kind]()
    assert content_kind(name, data) == kind
    assert _read(name, data) == [CSV]


@pytest.mark.parametrize("name", ["clients.pdf", "clients.xlsx", "clients.docx", "clients.zip", "clients.7z",
                                  "clients.rar", "clients.tar", "clients.gz", "clients.bz2", "clients.xz",
                                  "clients.ods", "clients.odt", "clients.tgz"])
def test_text_named_for_a_format_it_is_not_is_read_as_text(name: str) -> None:
    assert content_kind(name, CSV) == "txt"
    assert _read(name, CSV) == [CSV]


def test_a_jpeg_with_a_zip_appended_is_unpacked() -> None:
    """`copy /b photo.jpg + dump.zip`: the image shows, zip readers find the archive from its end."""
    assert _read("photo.jpg", JPEG + _zip()) == [CSV]


def test_formats_that_are_zips_inside_stay_what_their_name_says() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    for name in ("a.xlsx", "a.xlsm", "a.ods", "a.docx", "a.odt"):
        assert content_kind(name, out.getvalue()) == name.rsplit(".", 1)[1]
    assert content_kind("a.tgz", gzip.compress(_tar())) == "tgz"
    assert _read("a.tgz", gzip.compress(_tar())) == [CSV]


def test_what_is_neither_an_archive_nor_text_is_still_refused_under_an_archive_name() -> None:
    for name in ("x.pdf", "x.zip", "x.7z", "x.xlsx"):
        assert content_kind(name, JPEG) == name.rsplit(".", 1)[1]
        with pytest.raises(AttachmentError):
            expand_attachment(name, JPEG, LIMITS)


def test_text_that_starts_like_a_magic_number_is_text() -> None:
    """Magic numbers are read whole (a bzip2 stream's block magic, gzip's method byte): a list whose
    first name is "BZhang" or a note starting with "PK" is text."""
    for data in (b"BZhang;Wei;wei.bzhang@free.fr\n", b"PK;Dupont;pk.dupont@free.fr\n", b"7z;x\n"):
        assert content_kind("list.txt", data) == "txt"
        assert _read("list.txt", data) == [data]


def test_an_archive_inside_an_archive_under_another_name_is_unpacked() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("inner.txt", gzip.compress(CSV))  # a .txt member that is a gzip
    assert _read("outer.zip", out.getvalue()) == [CSV]


def test_images_are_read_for_the_archive_they_hide_and_give_nothing_else() -> None:
    """An operator may list images in `attachments.extensions` (imageboards, image-only forums carry
    archives renamed or appended to pictures): a plain picture gives no file, one hiding a zip its zip."""
    assert expand_attachment("cat.jpg", JPEG, LIMITS) == []
    assert _read("cat.png", _zip()) == [CSV]
    assert _read("cat.jpg", JPEG + _zip()) == [CSV]
    with_images = AttachmentLimits(extensions=[*LIMITS.extensions, "jpg"])
    assert with_images.extensions[-1] == "jpg"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:  # an archive's pictures: a plain one skipped, a renamed zip read
        z.writestr("a.jpg", JPEG)
        z.writestr("b.jpg", _zip())
    assert [f.data for f in expand_attachment("x.zip", out.getvalue(), with_images, [])] == [CSV]
