"""Hostile encodings (wave 23's hostile-input round): text whose encoding changes, or lies, must be
read whole, its every part as what it is.

- a file that switches from UTF-8 to UTF-16 (no BOM) within its first 4 KiB (an export appended to
  a UTF-8 header, two files concatenated) was read whole as UTF-16: its head's bytes paired into
  CJK characters and its records were lost, in `decode()` (an attachment, a post) and in the
  streamed path of big files (`indexer.detect.blocks`) alike. A file in UTF-16 from its first byte,
  CJK first characters included, is read as before;
- a page declared (Content-Type or `<meta>`) in a charset no browser reads (`utf-32`, EBCDIC) or
  in UTF-16 for bytes without a NUL was decoded in it by Scrapy: its posts lost to garbage, the
  thread retried and counted as "no post found". It is read as a browser reads it, counted in the
  crawl's summary (`refused: pages_charset_ignored`) and logged (`crawler._charset`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexer.decode import decode
from indexer.detect import detect
from indexer.detect.parallel import detect_here
from indexer.tokens import MatchKey
from tests.hostile_files import dump, dump_emails

KEY = MatchKey(b"\x23" * 32, version=2)


def _emails(frags: object) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "email"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("pad", ["", "x", "Hélène\n", "é"])
def test_a_file_switching_from_utf8_to_utf16_keeps_its_head(enc: str, pad: str) -> None:
    # `pad`: heads of even and odd length, ending on a line break or not
    head = ("# export du 2026-11-30, Hélène Dupont\n" + dump("head8") + pad).encode()
    tail = dump("tail16", 40).encode(enc)
    data = head + tail
    assert len(head) < 4096 and data.find(b"\0") < 4096
    text = decode(data, filename="clients.csv")
    assert text.startswith("# export du 2026-11-30, Hélène Dupont\n")  # before the fix: CJK characters
    assert dump("tail16", 40)[len("email;telephone;ville\n"):] in text
    assert dump_emails("head8") | dump_emails("tail16", 40) <= _emails(detect(data, key=KEY, filename="clients.csv"))
    # the streamed path (a big file's): transcoded from where the UTF-16 starts
    streamed = _emails(detect_here([data[:1000], data[1000:]], key=KEY, filename="clients.csv"))
    assert dump_emails("head8") | dump_emails("tail16", 40) <= streamed


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("first", ["", "中文名字 ", "中 ", "客户\n"])
def test_a_utf16_file_from_its_first_byte_is_read_as_before(enc: str, first: str) -> None:
    text = first + dump("whole16", 20)
    assert decode(text.encode(enc), filename="clients.csv") == text
    assert dump_emails("whole16", 20) <= _emails(detect_here([text.encode(enc)], key=KEY, filename="clients.csv"))


def _page(pid: int, text: str, head: str = "") -> str:
    return (f'<html><head>{head}</head><body><div class="post" id="p{pid}"><a class="author">bob</a>'
            f'<time datetime="2026-03-01T10:00:00Z"></time><div class="content">{text}</div></div></body></html>')


def _served(body: bytes, content_type: str) -> Any:
    from tests.test_hostile_probe import _answer

    return _answer(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                   "Connection: close\r\n\r\n".encode(), body)


@pytest.mark.slow
def test_a_page_declared_in_a_charset_no_browser_reads_is_read_counted_and_said(tmp_path: Path) -> None:
    """A Content-Type or `<meta>` naming `utf-32`, an EBCDIC code page, or UTF-16 for bytes without
    a NUL: Scrapy decoded the page in it (any codec Python has), its ASCII markup became garbage,
    the thread was retried and counted as "no post found", its posts lost; a browser ignores such a
    label and shows the page. Read as a browser reads it now, counted (`pages_charset_ignored`) and
    logged; honest declarations (windows-1252 in a meta, real UTF-16) are read as declared."""
    from tests.test_hostile_probe import HostileForum, _crawl, _posts
    from vigie_kit.forum import ForumServer

    def post(n: int) -> str:
        return f"marqueur{n} contact m{n}.x@example.org tel +33 6 12 34 56 {n:02d} Hélène"

    lying = {
        901: (_page(901, post(1)).encode(), "text/html; charset=utf-32"),
        902: (_page(902, post(2)).encode(), "text/html; charset=cp500"),
        903: (_page(903, post(3), '<meta http-equiv="Content-Type" content="text/html; charset=IBM037">').encode(),
              "text/html"),
        904: (_page(904, post(4)).encode(), "text/html; charset=utf-16"),
    }
    honest = {
        905: (_page(905, post(5), '<meta charset="windows-1252">').encode("cp1252"), "text/html"),
        906: (_page(906, post(6)).encode("utf-16-le"), "text/html; charset=utf-16le"),
    }
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        for pid, (body, ctype) in {**lying, **honest}.items():
            forum.thread(_served(body, ctype), board=pid % 3)
        run = _crawl(forum, tmp_path)
        healthy = forum.healthy_posts()
    bodies = {p["post_id"]: p["body"] for p in run.posts()}
    for pid in (*lying, *honest):
        assert post(pid - 900) in bodies.get(f"p{pid}", ""), (pid, bodies.get(f"p{pid}"), run.stderr[-3000:])
    assert run.summary["refused"]["pages_charset_ignored"] == len(lying), run.stderr[-3000:]
    assert run.summary["errors"] == 0, run.stderr[-3000:]
    assert run.stderr.count("which cannot be its encoding") == len(lying)
    assert _posts(run) - set(lying) - set(honest) == healthy
