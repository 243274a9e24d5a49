"""Hostile answers met by a real crawl (`vigie crawl` in a subprocess against the kit forum on
127.0.0.1), found by a blind probe of the crawler and fixed by class. In each crawl the forum is
whole (its posts and attachments must all be read) plus threads or attachments whose answer is
hostile; each hostile one must be counted in the summary, its reason logged, and nothing else
lost. Deadlines are generous (the subprocess timeout): they only catch a crawl that never ends.

Classes (what broke before the fix):
- a page or an attachment over its size limit is refused and counted (`refused` in the summary),
  however the limit is met: a Content-Encoding that inflates past it (a gzip bomb: dropped
  uncounted, the attachment left pending and fetched again by every crawl) or a body that
  never ends without a Content-Length (counted as an error with an empty reason);
- a redirect to itself is counted as an error (the scheduler's duplicate filter dropped it
  without a word);
- a tag with hundreds of thousands of attributes is cut before libxml2 parses it (its duplicate
  check is quadratic: the crawl never finished), and the rest of the page is read;
- a .gz of several members is read whole (only the first member was, the rest silently lost);
- a post with more attachment links than a page may follow has the rest counted as dropped
  (300 000 links queued 300 000 downloads: 1.5 GB and 4 minutes).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import brotli
import pytest
from backports import zstd

from crawler.defaults import MAX_FILE_LINKS_PER_PAGE
from indexer.html_text import MAX_ATTRIBUTES
from tests.fixtures.forum import CrawlRun, crawl, make_config, post_number
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
Raw = Callable[[BaseHTTPRequestHandler], None]


def _answer(head: bytes, body: bytes | Callable[[], Iterator[bytes]]) -> Raw:
    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        for chunk in [body] if isinstance(body, bytes) else body():
            handler.wfile.write(chunk)
        handler.wfile.flush()
    return write


def _gzip_bomb(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([comp.compress(b"\0" * MiB) for _ in range(size // MiB)] + [comp.flush()])


def _encoded_bomb(ctype: str, size: int, encoding: str = "gzip") -> Raw:
    """A small body whose Content-Encoding inflates it to `size` bytes (each encoding the crawl
    asks for in its Accept-Encoding: gzip, br, zstd)."""
    if encoding == "gzip":
        body = _gzip_bomb(size)
    elif encoding == "br":
        body = brotli.compress(b"\0" * size, quality=1)
    else:
        body = zstd.compress(b"\0" * size)
    return _answer(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Encoding: {encoding}\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode(), body)


def _endless(ctype: str) -> Raw:
    """A body without Content-Length that never ends (until the client hangs up)."""
    def chunks() -> Iterator[bytes]:
        while True:
            yield b"a@example.org;" * 4096
    return _answer(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nConnection: close\r\n\r\n".encode(), chunks)


SELF_REDIRECT = _answer(b"HTTP/1.1 302 Found\r\nLocation: \r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b"")


class HostileForum:
    """The small kit forum plus hostile threads (`thread`) and attachments (`attach`)."""

    def __init__(self, server: ForumServer) -> None:
        self.server = server
        self.hostile_threads: set[int] = set()
        self._carrier: Any = None

    def thread(self, raw: Raw | None = None, *, board: int = 0, body: str = "hostile post") -> int:
        data = self.server.data
        thread = data._new_thread(data.boards[board], title=f"hostile thread {len(self.hostile_threads)}")
        data.new_post(thread, body=body, with_dump=False)
        self.hostile_threads.add(thread.id)
        if raw is not None:
            self.server.raw_routes[f"/thread/{thread.id}"] = raw
        return thread.id

    def attach(self, filename: str, content: bytes | Raw) -> str:
        """An attachment of a post of its own healthy thread; returns its path."""
        data = self.server.data
        if self._carrier is None:
            thread = data._new_thread(data.boards[1], title="attachments thread")
            self._carrier = data.new_post(thread, body="fichiers joints", with_dump=False)
        data._attach(self._carrier, filename, content if isinstance(content, bytes) else b"", "csv", False)
        att = data.attachments[max(data.attachments)]
        path = self.server.view.file_url(att)
        if not isinstance(content, bytes):
            self.server.raw_routes[path] = content
        return path

    def healthy_posts(self) -> set[int]:
        return {p["id"] for p in self.server.truth()["posts"] if p["thread_id"] not in self.hostile_threads}


@pytest.fixture()
def forum() -> Iterator[HostileForum]:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        yield HostileForum(server)


def _crawl(forum: HostileForum, tmp_path: Path, *, limits: dict[str, Any] | None = None,
           attachments: dict[str, Any] | None = None) -> CrawlRun:
    config = make_config(tmp_path / "config", forum.server.url, limits=limits, attachments=attachments)
    run = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def _posts(run: CrawlRun) -> set[int]:
    return {post_number(p) for p in run.posts()}


def test_pages_over_the_size_limit_however_it_is_met_are_refused_and_counted(
        forum: HostileForum, tmp_path: Path) -> None:
    forum.thread(_encoded_bomb("text/html; charset=utf-8", 64 * MiB), board=0)
    forum.thread(_encoded_bomb("text/html; charset=utf-8", 64 * MiB, "br"), board=0)
    forum.thread(_encoded_bomb("text/html; charset=utf-8", 64 * MiB, "zstd"), board=1)
    forum.thread(_endless("text/html"), board=1)
    run = _crawl(forum, tmp_path)  # limits.max_download_bytes: 1 MiB
    assert run.summary["pages_refused"] == 4, run.stderr[-3000:]
    assert run.summary["errors"] == 0, run.stderr[-3000:]
    assert run.summary["refused"]["pages_too_big"] == 4
    assert "it inflates past the limit once decompressed (Content-Encoding bomb)" in run.stderr
    assert "it sent more bytes than the limit (no Content-Length saying so)" in run.stderr
    assert _posts(run) == forum.healthy_posts()


def test_a_page_redirecting_to_itself_is_an_error_with_its_reason(forum: HostileForum, tmp_path: Path) -> None:
    forum.thread(SELF_REDIRECT, board=2)
    run = _crawl(forum, tmp_path)
    assert run.summary["errors"] == 1, run.stderr[-3000:]
    assert "max redirections reached" in run.stderr
    assert _posts(run) == forum.healthy_posts()


def test_a_tag_with_300_000_attributes_is_cut_and_the_rest_of_its_page_read(
        forum: HostileForum, tmp_path: Path) -> None:
    attributes = " ".join(f"a{i}=x" for i in range(300_000))  # 2.6 MB; libxml2 would take hours
    after = "lu apres la balise"
    page = (f'<html><body><div class="post" id="p900001"><a class="author">bob</a>'
            f'<time datetime="2026-03-01T10:00:00Z"></time><div class="content">avant '
            f'<span {attributes}>x</span> {after}</div></div></body></html>').encode()
    forum.thread(_answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                         + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n", page))
    run = _crawl(forum, tmp_path, limits={"max_download_bytes": 8 * MiB})
    assert run.summary["refused"]["pages_markup_trimmed"] == 1, run.stderr[-3000:]
    assert f"more than {MAX_ATTRIBUTES} attributes" in run.stderr
    assert run.summary["errors"] == 0
    hostile = [p for p in run.posts() if p["post_id"] == "p900001"]
    assert len(hostile) == 1 and after in hostile[0]["body"]
    assert _posts(run) - {900001} == forum.healthy_posts()


def test_hostile_attachments_are_refused_counted_and_not_fetched_again(forum: HostileForum, tmp_path: Path) -> None:
    bomb = forum.attach("bomb.csv", _encoded_bomb("text/csv", 64 * MiB))
    endless = forum.attach("endless.csv", _endless("text/csv"))
    forum.attach("two.csv.gz", gzip.compress(b"premier.membre@example.org\n") +
                 gzip.compress(b"second.membre@example.org\n"))
    links = "".join(f'<a class="attachment" href="/f/{i}.exe">f</a>' for i in range(MAX_FILE_LINKS_PER_PAGE + 500))
    forum.thread(board=2, body="liens")
    forum.server.data.posts[max(forum.server.data.posts)].html_body = f"liens {links}"
    limits = {"max_bytes": MiB}
    run = _crawl(forum, tmp_path, attachments=limits)
    files = {f["filename"]: f for f in run.files()}
    assert set(files) == {"patients.csv", "clients.zip/export/clients.csv", "base.sql", "combo-vip.txt", "two.csv"}
    assert files["two.csv"]["body"] == "premier.membre@example.org\nsecond.membre@example.org\n"
    assert _posts(run) == forum.healthy_posts() | {max(forum.server.data.posts)}
    assert run.summary["errors"] == 0, run.stderr[-3000:]
    assert "inflates past the limit once decompressed" in run.stderr and "sent more bytes than the limit" in run.stderr
    refused = run.summary["refused"]
    assert refused["files_too_big"] == 2, run.stderr[-3000:]
    assert refused["file_links_dropped"] == 500

    forum.server.reset_counters()
    again = _crawl(forum, tmp_path, attachments=limits)
    assert again.returncode == 0
    assert forum.server.hits[bomb] == 0 and forum.server.hits[endless] == 0, "refused for good, not pending"
