"""File names with control characters (wave 23's hostile-input round): an archive member or an
attachment named with a newline, an escape sequence or a bidirectional override.

Such a name was kept as written in the file's label (`dump.zip/evil\\n23:59:59 ERROR ...csv`): in
the crawl's log lines (the log neuters escapes, not newlines: a forged line), `vigie scan`'s
output, the stored file name. A RAR's members were labelled (`crawler.rar.member_label`: no
control character, no `..`, no absolute path); a zip's, a tar's and a 7z's were not, nor the name
an attachment's Content-Disposition gives (`%0A` unquoted). All are labelled alike now.

(A page cut short of its Content-Length: tests/test_truncated_pages.py, read on its last attempt.)
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import py7zr
import pytest

from crawler.attachments import expand_attachment
from tests.hostile_files import dump, dump_emails
from vigie.config.schema import AttachmentLimits

EVIL = "evil\n23:59:59 ERROR   forged line\x1b[2J\u202egpj.csv"
UNSAFE = ("\n", "\r", "\x1b", "\u202e", "..")


def _zip() -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(EVIL, dump("zipname"))
        z.writestr("../../etc/up\r.csv", dump("zipup"))
    return b.getvalue()


def _tar() -> bytes:
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as tf:
        for name, tag in ((EVIL, "tarname"), ("../../up\r.csv", "tarup")):
            data = dump(tag).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return b.getvalue()


def _7z() -> bytes:
    b = io.BytesIO()
    with py7zr.SevenZipFile(b, "w") as z:
        z.writestr(dump("sevenname"), EVIL)
    return b.getvalue()


@pytest.mark.parametrize(("name", "make", "tags"), [("a.zip", _zip, ("zipname", "zipup")),
                                                     ("a.tar", _tar, ("tarname", "tarup")),
                                                     ("a.7z", _7z, ("sevenname",))])
def test_archive_members_are_labelled_without_control_characters(name: str, make: object, tags: tuple) -> None:
    skipped: list = []  # type: ignore[type-arg]
    files = expand_attachment(name, make(), AttachmentLimits(), skipped)  # type: ignore[operator]
    assert skipped == [] and len(files) == len(tags)
    for f in files:
        assert f.filename.startswith(name + "/") and not any(c in f.filename for c in UNSAFE), f.filename
    assert any(f.filename == f"{name}/evil?23:59:59 ERROR   forged line?[2J?gpj.csv" for f in files)
    text = b"".join(f.data for f in files).decode()
    for tag in tags:
        assert all(e in text for e in dump_emails(tag))


@pytest.mark.slow
def test_an_attachment_named_with_a_newline_is_labelled_in_the_crawl(tmp_path: Path) -> None:
    """A Content-Disposition name of `%0A` and an escape: one forged log line per refusal or
    warning said of the file, and the name stored as written."""
    from tests.test_hostile_probe import HostileForum, _answer, _crawl
    from vigie_kit.forum import ForumServer

    body = b"\n".join([dump("dispo").encode(), b"x" * 1_100_000])  # a long line: a warning names the file
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; "
            b'filename="leak%0A23:59:59 ERROR   forged%1B[2J.csv"\r\n'
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        forum.attach("leak.csv", _answer(head, body))
        run = _crawl(forum, tmp_path, attachments={"max_bytes": 4 << 20})
    names = [f["filename"] for f in run.files()]
    assert "leak?23:59:59 ERROR   forged?[2J.csv" in names, names
    assert not any(c in n for n in names for c in UNSAFE), names
    assert run.summary["refused"]["lines_too_long"] == 1, run.stderr[-3000:]
    assert "\n23:59:59 ERROR   forged" not in run.stderr
