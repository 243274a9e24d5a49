"""Attacker's review, round 12: attachments read by their bytes (wave 24) against the operator's list.

Since wave 24 an attachment is read as what its magic number says, whatever its name
(`crawler.attachments.content_kind`). Two consequences a hostile site could use:

- `attachments.extensions` is the operator's list of what is read, and so of which readers run
  (each one attack surface: libarchive in a process of its own for RAR, a PDF parser, py7zr). An
  operator who left `rar`, `pdf` or `7z` out still had them run on a file that only said to be a
  `.csv`: the bytes chose the reader. A file whose bytes say a type the list leaves out is now
  refused (counted with the attachment's other unreadable parts), as its name would have been.
- A compressed tar (`x.tar.gz`) is one archive, not one inside another, so its inner `x.tar` kept
  the depth. An `x.tar` that is a gzip again was read as `x.tar.gz` at the same depth: a chain of
  fifty gzips (or a gzip quine) went past `attachments.max_nesting` down to Python's recursion
  limit. The depth now stays only when the inner file is a tar by its bytes.

Real archives by the standard library's writers and py7zr; the data is synthetic.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import py7zr
import pytest

from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment
from vigie.config.schema import AttachmentLimits

CSV = b"nom;email\nFaure;mathis.faure@laposte.net\nGirard;lea.girard@gmail.com\n"
NO_7Z_NO_GZ = AttachmentLimits(extensions=["txt", "csv", "zip"])


def _7z() -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w") as z:
        z.writestr(CSV, "clients.csv")
    return out.getvalue()


def _zip_of(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
        z.writestr("ok.csv", CSV)
    return out.getvalue()


@pytest.mark.parametrize("packed", [_7z, lambda: gzip.compress(CSV)], ids=["7z", "gz"])
def test_a_type_left_out_of_the_list_is_not_read_under_another_name(packed: object) -> None:
    """Before: the 7z or gzip named `clients.csv` was unpacked (py7zr, zlib) though the list holds
    neither, at the top and as an archive's member."""
    data = packed()  # type: ignore[operator]
    with pytest.raises(AttachmentError, match="not in attachments.extensions"):
        expand_attachment("clients.csv", data, NO_7Z_NO_GZ, [])
    skipped: list[AttachmentError] = []
    files = expand_attachment("post.zip", _zip_of("clients.csv", data), NO_7Z_NO_GZ, skipped)
    assert [f.filename for f in files] == ["post.zip/ok.csv"]
    assert len(skipped) == 1 and "not in attachments.extensions" in str(skipped[0])
    # listed, it is read as before
    listed = AttachmentLimits(extensions=[*NO_7Z_NO_GZ.extensions, "7z", "gz"])
    assert any(f.data == CSV for f in expand_attachment("clients.csv", data, listed, []))


def test_a_chain_of_gzips_named_tar_gz_stops_at_max_nesting() -> None:
    """Before: fifty gzips one in another, named `x.tar.gz`, were all unpacked at depth 0."""
    data = CSV
    for _ in range(50):
        data = gzip.compress(data)
    with pytest.raises(ArchiveBombError, match="max_nesting=2"):
        expand_attachment("x.tar.gz", data, AttachmentLimits(max_nesting=2), [])
    # a real .tar.gz is still one archive, read with max_nesting 0
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as t:
        info = tarfile.TarInfo("clients.csv")
        info.size = len(CSV)
        t.addfile(info, io.BytesIO(CSV))
    files = expand_attachment("x.tar.gz", gzip.compress(tar.getvalue()), AttachmentLimits(max_nesting=0), [])
    assert [f.data for f in files] == [CSV]
