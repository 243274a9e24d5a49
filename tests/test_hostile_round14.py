"""Hostile-input round 14 (wave 27), through the real crawl (`vigie crawl` in a subprocess against
the kit forum on 127.0.0.1, as tests/test_hostile_probe.py): what a hostile or flaky site answers,
each case from a class, each answer counted in the summary with its reason, the rest of the forum
read, nothing lost and nothing indexed twice across crawls.

- an attachment whose connection closes before its Content-Length's bytes came on its last
  attempt (a flaky Tor circuit, or a site that cuts every download) was read as it arrived and
  recorded for good: a cut archive (its directory at its end) refused as unreadable, a cut CSV
  read up to the cut and marked done, the rest of it never fetched again: lost. Now it stays
  pending (counted: `refused: files_cut_short`) and the next crawl fetches it again; one that
  arrives cut in `CUT_SHORT_CRAWLS` crawls in a row is read as it arrives (as a page is), so a
  site that always cuts it hides nothing.
- a thread page cut short before its first post on every attempt (a chunked body whose chunk-size
  line never ends, a connection closed after the head) was counted as a layout change
  (`selectors_lost`: "selector post.container matched nothing on a thread page where it matched
  before") and flagged the source for its selectors to be fixed; it is an error of that page
  (its reason logged) and a page cut short (`pages_truncated`), its selectors untouched.
- a thread page cut short on its last attempt was recorded as read (to its end, its next link cut
  off too): the posts after the cut were never read. The page is read again by the next crawl.
- a thread page with a `<meta http-equiv="refresh" content="60;url=...">` (to itself, to the index)
  was left for the refresh's target (Scrapy follows any refresh under 100 s) and its posts never
  read, with no error and no count: one meta tag hid a page from the crawler alone, its readers
  reading it. A refresh is followed only when a browser leaves the page at once (no delay) for
  another URL.
- markup after an `</html>` (a second document glued on, a template's early end, posts put there)
  is shown by a browser, which reads it into the body, but libxml2, which builds Scrapy's tree,
  dropped all of it: the posts there were never read, nothing counted. The page is read to its
  end.

Guards (these passed when written; each answer of a class in one crawl): a bomb in a chain of
Content-Encodings (`gzip, gzip`), a raw deflate bomb, a chunked body that never ends, two
Content-Lengths that disagree, a status code of 5,000 digits, an endless run of `100 Continue`
answers, a body trickled a byte at a time: each refused or an error, with its reason, and every
other post of the forum read.
"""

from __future__ import annotations

import gzip
import io
import itertools
import time
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.spiders._files import CUT_SHORT_CRAWLS
from tests.fixtures.forum import CrawlRun, crawl, make_config
from tests.hostile_files import dump, dump_emails
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

Raw = Callable[[BaseHTTPRequestHandler], None]


class Flaky:
    """An answer of `body` with its whole Content-Length, whose connection closes after half of it
    while `cut` is set."""

    def __init__(self, body: bytes, ctype: str) -> None:
        self.body, self.ctype, self.cut = body, ctype, True

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        sent = self.body[: len(self.body) // 2] if self.cut else self.body
        handler.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {self.ctype}\r\nContent-Length: {len(self.body)}\r\n"
                            "Connection: close\r\n\r\n".encode() + sent)
        handler.wfile.flush()


class Forum:
    def __init__(self, server: ForumServer) -> None:
        self.server = server
        data = server.data
        thread = data._new_thread(data.boards[1], title="fichiers coupés")
        self.carrier = data.new_post(thread, body="voici les fichiers", with_dump=False)

    def attach(self, filename: str, raw: Raw) -> str:
        data = self.server.data
        data._attach(self.carrier, filename, b"", "csv", False)
        path: str = self.server.view.file_url(data.attachments[max(data.attachments)])
        self.server.raw_routes[path] = raw
        return path


@pytest.fixture()
def forum() -> Iterator[Forum]:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        yield Forum(server)


def _crawl(forum: Forum, tmp_path: Path) -> CrawlRun:
    config = make_config(tmp_path / "config", forum.server.url, limits={"retries": 1})
    run = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def _zip(name: str, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return out.getvalue()


def _rows(tag: str) -> str:
    return "".join(dump(f"{tag}{k}") + "\n" for k in range(8))  # 48 rows: the cut falls inside them


def _emails(tag: str) -> set[str]:
    return set().union(*(dump_emails(f"{tag}{k}") for k in range(8)))


def test_an_attachment_cut_short_is_fetched_again_and_read_once(forum: Forum, tmp_path: Path) -> None:
    once = Flaky(_zip("once.csv", _rows("zipcoupe")), "application/zip")  # cut in the first crawl only
    always = Flaky(_rows("csvcoupe").encode(), "text/csv")  # cut every time
    once_path, always_path = forum.attach("once.zip", once), forum.attach("always.csv", always)
    seen: dict[str, list[str]] = {"once.zip/once.csv": [], "always.csv": []}
    for n in range(1, CUT_SHORT_CRAWLS + 2):
        forum.server.reset_counters()
        run = _crawl(forum, tmp_path)
        files = {f["filename"]: f["body"] for f in run.files() if f["filename"] in seen}
        for name, body in files.items():
            seen[name].append(body)
        refused = run.summary["refused"]
        assert run.summary["errors"] == 0, run.stderr[-3000:]
        if n == 1:  # neither read nor recorded: both come again
            assert files == {} and refused["files_cut_short"] == 2, (files.keys(), refused)
            assert run.stderr.count("cut short of its Content-Length") >= 2
            once.cut = False
        elif n < CUT_SHORT_CRAWLS:
            assert set(files) == {"once.zip/once.csv"} and refused["files_cut_short"] == 1, (files.keys(), refused)
        elif n == CUT_SHORT_CRAWLS:  # cut in every crawl: read as it arrives
            assert set(files) == {"always.csv"} and refused["files_cut_short"] == 0, (files.keys(), refused)
            assert forum.server.hits[once_path] == 0
        else:  # both recorded for good
            assert files == {} and forum.server.hits[once_path] == forum.server.hits[always_path] == 0
    # each read once: the archive whole, the always-cut CSV up to its cut (its first rows)
    assert len(seen["once.zip/once.csv"]) == 1 and len(seen["always.csv"]) == 1
    assert all(e in seen["once.zip/once.csv"][0] for e in _emails("zipcoupe"))
    assert "csvcoupe0.1@example.org" in seen["always.csv"][0]


def _cut_before_posts(chunked: bool) -> Raw:
    def write(handler: BaseHTTPRequestHandler) -> None:
        if chunked:  # a chunk-size line that never ends: the client gives up on it
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n1"
            handler.wfile.write(head + b"0" * 70_000)
        else:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 9000"
                                b"\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><head><title>t</title>")
        handler.wfile.flush()
    return write


def test_a_thread_page_cut_short_is_an_error_not_a_layout_change(forum: Forum, tmp_path: Path) -> None:
    first = _crawl(forum, tmp_path)  # the selectors matched: the source's history
    assert first.summary["failures"]["selectors_lost"] == 0 and not first.summary["needs_attention"]
    data, cut = forum.server.data, set()
    for chunked in (False, True):
        thread = data._new_thread(data.boards[0], title=f"coupé {chunked}")
        data.new_post(thread, body="coupé", with_dump=False)
        forum.server.raw_routes[f"/thread/{thread.id}"] = _cut_before_posts(chunked)
        cut.add(thread.id)
    run = _crawl(forum, tmp_path)
    assert run.summary["failures"]["selectors_lost"] == 0, run.stderr[-3000:]
    assert not run.summary["needs_attention"], run.summary["attention_reason"]
    assert run.summary["errors"] == 2 and run.summary["refused"]["pages_truncated"] == 2
    assert run.stderr.count("(it came cut short of its Content-Length)") == 2


def test_posts_after_the_cut_of_a_thread_page_are_read_by_the_next_crawl(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum, _answer

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        tid = forum.thread(board=1, body=dump("coupeA"))
        thread = server.data.threads[tid]
        for tag in ("coupeB", "coupeC"):
            server.data.new_post(thread, body=dump(tag), with_dump=False)
        with urllib.request.urlopen(f"{server.url}/thread/{tid}", timeout=30) as r:  # (the real page, on 127.0.0.1)
            page = r.read()
        cut = page[: page.index(b"coupeB.5@example.org") + 40]  # posts A and B whole, C never sent
        server.raw_routes[f"/thread/{tid}"] = _answer(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n", cut)
        config = make_config(tmp_path / "config", server.url, limits={"retries": 1})
        first = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
        del server.raw_routes[f"/thread/{tid}"]  # the site answers whole again
        second = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-3000:]
    assert first.summary["refused"]["pages_truncated"] == 1, first.stderr[-3000:]

    def read(run: CrawlRun, tag: str) -> int:
        return sum(f"{tag}.0@example.org" in p.get("body", "") for p in run.posts())

    assert (read(first, "coupeA"), read(first, "coupeB"), read(first, "coupeC")) == (1, 1, 0)
    # the rest of the page read by the next crawl, and only the rest: nothing indexed twice
    assert (read(second, "coupeA"), read(second, "coupeB"), read(second, "coupeC")) == (0, 0, 1), second.stderr[-3000:]


def _raw(head: bytes, body: bytes | Callable[[], Iterator[bytes]] = b"") -> Raw:
    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        for chunk in [body] if isinstance(body, bytes) else body():
            handler.wfile.write(chunk)
            handler.wfile.flush()
    return write


def _hostile_answers() -> dict[str, Raw]:
    MiB = 1 << 20
    nested = gzip.compress(gzip.compress(b"\0" * 8 * MiB, 9), 9)  # 8 MiB (the limit: 1 MiB) in ~100 bytes
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, no zlib header
    deflated = b"".join(deflater.compress(b"\0" * MiB) for _ in range(8)) + deflater.flush()

    def encoded(encoding: str, body: bytes) -> Raw:
        return _raw(f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {encoding}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode(), body)

    def endless_chunks() -> Iterator[bytes]:
        while True:
            yield b"10000\r\n" + b"a" * 0x10000 + b"\r\n"

    def continues() -> Iterator[bytes]:
        while True:
            yield b"HTTP/1.1 100 Continue\r\n\r\n" * 1000

    def trickle() -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        for _ in itertools.count():
            time.sleep(0.5)
            yield b"a"

    return {
        "nested encodings": encoded("gzip, gzip", nested),
        "raw deflate": encoded("deflate", deflated),
        "endless chunks": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
                               endless_chunks),
        "two lengths": _raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
                            b"Content-Length: 500000000\r\nConnection: close\r\n\r\nhello"),
        "status": _raw(b"HTTP/1.1 " + b"9" * 5000 + b" OK\r\nContent-Length: 2\r\n\r\nok"),
        "continues": _raw(b"", continues),
        "trickle": _raw(b"", trickle),
    }


def test_hostile_http_answers_are_each_refused_or_an_error_with_its_reason(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum, _posts

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        for k, answer in enumerate(_hostile_answers().values()):
            forum.thread(answer, board=k % 3)
        # no retry: each answer met once (the trickle stopped by the request timeout, 10 s)
        config = make_config(tmp_path / "config", server.url, limits={"retries": 0})
        run = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
        healthy = forum.healthy_posts()
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["refused"]["pages_too_big"] == 3, run.stderr[-3000:]
    assert run.stderr.count("(Content-Encoding bomb)") == 2 and "no Content-Length saying so" in run.stderr
    assert run.summary["errors"] == 4, run.stderr[-3000:]
    for reason in ("conflicting Content-Length headers", "non-integer status code", "headers passed 262144 bytes",
                   "took longer than 10.0 seconds"):
        assert reason in run.stderr, reason
    assert _posts(run) == healthy


def test_a_page_refreshing_after_a_delay_is_read(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum, _answer, _posts

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        expected = {}
        for k, refresh in enumerate(("60;url={self}", "30;url=/", "0;url={self}", "5")):
            tid = forum.thread(board=k % 3)
            url = f"{server.url}/thread/{tid}"
            post = (f'<div class="post" id="p{900_001 + k}"><a class="author">bob</a><time datetime="2026-03-01T1'
                    f'0:00:00Z"></time><div class="content">{dump(f"rafraichi{k}")}</div></div>')
            page = (f'<html><head><meta http-equiv="refresh" content="{refresh.format(self=url)}"></head><body>'
                    f"{post}</body></html>").encode()
            server.raw_routes[f"/thread/{tid}"] = _answer(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n", page)
            expected[900_001 + k] = f"rafraichi{k}.0@example.org"
        config = make_config(tmp_path / "config", server.url)
        run = crawl(config, tmp_path / "data", "test-phpbb", timeout=180)
        healthy = forum.healthy_posts()
    assert run.returncode == 0 and run.summary["errors"] == 0, run.stderr[-3000:]
    assert _posts(run) == healthy | set(expected), sorted(set(expected) - _posts(run))
    bodies = "\n".join(p.get("body", "") for p in run.posts())
    assert all(e in bodies for e in expected.values())


def _post(number: int, text: str) -> str:
    return (f'<div class="post" id="p{number}"><a class="author">bob</a><time datetime="2026-03-01T10:00:00Z">'
            f'</time><div class="content">{text}</div></div>')


@pytest.mark.parametrize("page", [
    "<html><body>{a}</body></html>{b}",  # posts after the end
    "<html><body>{a}</body></html>\n<html><body>{b}</body></HTML >",  # a second document glued on
    "<!-- ad --><html><body>pub</body></html><html><body>{a}{b}</body></html>",  # an early document first
])
def test_posts_after_an_html_end_tag_are_read(page: str) -> None:
    from scrapy.http import HtmlResponse, Request

    from crawler.middlewares import HostileMarkupMiddleware
    from crawler.spiders._base import select

    html = page.format(a=_post(1, "avant@example.org"), b=_post(2, "apres@example.org"))
    request = Request("http://127.0.0.1/thread/1", meta={"vigie_kind": "thread"})
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    read = HostileMarkupMiddleware(StatsStub()).process_response(request, response)
    assert select(read, "css:div.post .content::text").getall() == ["avant@example.org", "apres@example.org"]
    plain = HtmlResponse(request.url, body=_post(1, "seul").encode(), encoding="utf-8", request=request)
    assert HostileMarkupMiddleware(StatsStub()).process_response(request, plain) is plain  # nothing to do


class StatsStub:
    """The crawl's stats (only counted into: no Scrapy crawler needed for one middleware call)."""

    def inc_value(self, *args: object) -> None:
        pass


def test_a_thread_whose_posts_go_on_after_its_html_end_tag_is_read_whole(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum, _answer, _posts

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        tid = forum.thread(board=1)
        page = (f"<html><body>{_post(900_001, dump('finavant'))}</body></html>\n{_post(900_002, dump('finapres'))}"
                ).encode()
        server.raw_routes[f"/thread/{tid}"] = _answer(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n", page)
        run = crawl(make_config(tmp_path / "config", server.url), tmp_path / "data", "test-phpbb", timeout=180)
        healthy = forum.healthy_posts()
    assert run.returncode == 0 and run.summary["errors"] == 0, run.stderr[-3000:]
    assert _posts(run) == healthy | {900_001, 900_002}
    assert "finapres.0@example.org" in "\n".join(p.get("body", "") for p in run.posts())
