"""Hostile-input round 16 (wave 29): a site throttling the crawl, and session ids in its links.

Through ONE pair of real crawls (`vigie crawl` in a subprocess against the kit forum on 127.0.0.1,
module-scoped: every crawl test of this file reads the same two runs), then unit tests where a
crawl adds nothing.

- Retry-After was ignored: a page answered 429 or 503 with `Retry-After: 2` (or an HTTP date)
  was asked again after the crawl's own backoff (0.2 s here), and given up as an error once the
  retries were spent. It is retried after the wait asked (no request to the host meanwhile); a
  wait past `limits.max_retry_after_seconds` (a year, a date in 2099) is not waited for, and a 429
  still there after the retries is no error: the page, thread or file is left to the next crawl,
  counted (`refused: rate_limited`), and read by it.
- a session id in the links (`?sid=`, `?s=`, `PHPSESSID=`) made a thread a new one every crawl:
  its pages fetched again and its posts handed on again. The crawl state names threads, posts,
  attachments and pastes without it (`crawler._session_ids`: a default list plus
  `follow.session_params`), never merging two threads.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace
from typing import Any

import pytest

from crawler._retry_after import retry_after_seconds
from crawler._session_ids import without_session
from tests.fixtures.forum import CrawlRun, crawl, make_config, post_number
from tests.hostile_files import dump, dump_emails
from tests.test_hostile_probe import HostileForum
from vigie_kit.forum import ForumServer


class Throttle:
    """A route answering `status` (with `retry_after`, a string or a callable making one, or no
    header) while `left` > 0, then the kit's own page (or `then`, a file's bytes); the time of
    every request is kept."""

    def __init__(self, server: ForumServer, path: str, status: int, retry_after: Any, *, left: int = 10**6,
                 then: bytes | None = None) -> None:
        self.server, self.path, self.status, self.retry_after = server, path, status, retry_after
        self.left, self.then = left, then
        self.times: list[float] = []
        self.first: list[float] = []  # the times of the first crawl's requests
        server.raw_routes[path] = self

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        self.times.append(time.monotonic())
        if self.left > 0:
            self.left -= 1
            value = self.retry_after() if callable(self.retry_after) else self.retry_after
            head = f"HTTP/1.1 {self.status} Slow down\r\nContent-Type: text/html\r\nContent-Length: 11\r\n"
            head += f"Retry-After: {value}\r\n" if value is not None else ""
            handler.wfile.write(f"{head}Connection: close\r\n\r\n<b>lent</b>".encode())
        elif self.then is not None:
            handler.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; "
                                f"filename=\"clients.csv\"\r\nContent-Length: {len(self.then)}\r\n"
                                "Connection: close\r\n\r\n".encode() + self.then)
        else:  # the kit's own answer
            del self.server.raw_routes[self.path]
            try:
                handler._dispatch("GET")  # type: ignore[attr-defined]
            finally:
                self.server.raw_routes[self.path] = self
        handler.wfile.flush()


def _session_listing(server: ForumServer, board: int, params: list[str]) -> Any:
    """Board `board`'s listing, each thread link carrying a session id made anew each answer
    (`params`: the name each link uses, in turn), with the thread's reply count as its marker."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        data = server.data
        threads = [t for t in data.threads.values() if t.board_id == data.boards[board].id]
        rows = []
        for k, t in enumerate(threads):
            name = params[k % len(params)]
            token = secrets.token_hex(16) if name != "PHPSESSID" else "".join(  # PHP's default: 26 of [0-9a-v]
                secrets.choice("0123456789abcdefghijklmnopqrstuv") for _ in range(26))
            replies = sum(p.thread_id == t.id for p in data.posts.values())
            rows.append(f'<tr class="thread"><td><a class="thread-title" href="/thread/{t.id}?{name}={token}">'
                        f'{t.title}</a></td><td class="replies">{replies}</td></tr>')
        page = ("<html><head><title>Discussions</title></head><body><table>" + "".join(rows)
                + "</table></body></html>").encode()
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + page)
        handler.wfile.flush()
    return write


@dataclass
class Runs:
    first: CrawlRun
    second: CrawlRun
    throttles: dict[str, Throttle]
    threads: dict[str, int]
    session_threads: set[int]
    session_posts: set[int]
    session_hits: int  # requests of the session board's threads in the second crawl
    file_tag: str


def _date_in(seconds: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("round16")
    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        threads, throttles = {}, {}
        cases = {  # tag: (board, status, Retry-After, answers throttled in the first crawl)
            "attend2s": (0, 429, "2", 1),  # seconds: waited for
            "attenddate": (1, 503, lambda: _date_in(3), 1),  # an HTTP date: waited for
            "unan": (0, 429, "31536000", 10**6),  # a year: past the cap, left to the next crawl
            "an2099": (1, 503, "Thu, 01 Jan 2099 00:00:00 GMT", 10**6),  # the same, as a date
            "sansdelai": (0, 429, None, 10**6),  # 429 on every retry, no Retry-After
        }
        for tag, (board, status, after, left) in cases.items():
            tid = forum.thread(board=board, body=dump(tag))
            threads[tag] = tid
            throttles[tag] = Throttle(server, f"/thread/{tid}", status, after, left=left)
        file_tag = "fichierlent"
        path = forum.attach("clients.csv", b"")
        throttles["file"] = Throttle(server, path, 429, "86400", then=dump(file_tag).encode())
        data = server.data
        session_board = 2
        for k in range(2):  # three threads there, one a session parameter
            extra = data._new_thread(data.boards[session_board], title=f"session {k}")
            data.new_post(extra, body=dump(f"session{k}"), with_dump=False)
        server.raw_routes[f"/board/{data.boards[session_board].id}"] = _session_listing(
            server, session_board, ["sid", "s", "PHPSESSID"])
        session_threads = {t.id for t in data.threads.values() if t.board_id == data.boards[session_board].id}
        session_posts = {p["id"] for p in server.truth()["posts"] if p["thread_id"] in session_threads}
        config = make_config(tmp / "config", server.url, limits={"retries": 2, "max_retry_after_seconds": 30})
        first = crawl(config, tmp / "data", "test-phpbb", timeout=180)
        for throttle in throttles.values():
            throttle.left, throttle.first = 0, list(throttle.times)
        server.reset_counters()
        second = crawl(config, tmp / "data", "test-phpbb", timeout=180)
        hits = sum(n for p, n in server.hits.items() if p.split("?")[0] in {f"/thread/{t}" for t in session_threads})
    assert first.returncode == 0 and second.returncode == 0, (first.stderr[-3000:], second.stderr[-3000:])
    yield Runs(first, second, throttles, threads, session_threads, session_posts, hits, file_tag)


def _tags_read(run: CrawlRun, tags: list[str]) -> set[str]:
    text = "".join(p.get("body", "") for p in run.posts()) + "".join(f.get("body", "") for f in run.files())
    return {tag for tag in tags if f"{tag}.0@example.org" in text}


@pytest.mark.slow
def test_a_retry_after_within_the_cap_is_waited_for_then_read(runs: Runs) -> None:
    for tag, least in (("attend2s", 1.9), ("attenddate", 1.5)):
        times = runs.throttles[tag].first
        assert len(times) >= 2 and times[1] - times[0] >= least, (tag, [t - times[0] for t in times])
    assert _tags_read(runs.first, ["attend2s", "attenddate"]) == {"attend2s", "attenddate"}
    assert "asking to wait 2 s (Retry-After)" in runs.first.stderr


@pytest.mark.slow
def test_a_retry_after_past_the_cap_or_a_429_past_the_retries_leaves_it_to_the_next_crawl(runs: Runs) -> None:
    first, second = runs.first, runs.second
    late = ["unan", "an2099", "sansdelai"]
    assert first.summary["errors"] == 0, first.stderr[-3000:]
    assert first.summary["refused"]["rate_limited"] == 4, (first.summary["refused"], first.stderr[-3000:])
    # past the cap: asked once, not waited for (the crawl did not sleep for a year)
    assert len(runs.throttles["unan"].first) == 1 and len(runs.throttles["an2099"].first) == 1
    assert len(runs.throttles["sansdelai"].first) == 3  # its retries, then left
    assert "more than limits.max_retry_after_seconds (30 s)" in first.stderr
    assert "still after its retries" in first.stderr
    assert first.summary["duration_seconds"] < 60
    assert _tags_read(first, [*late, runs.file_tag]) == set()
    # the next crawl reads each of them, the pending attachment too, once
    assert second.summary["refused"]["rate_limited"] == 0 and second.summary["errors"] == 0, second.stderr[-3000:]
    assert _tags_read(second, [*late, runs.file_tag]) == {*late, runs.file_tag}
    assert all(e in "".join(f["body"] for f in second.files()) for e in dump_emails(runs.file_tag))


@pytest.mark.slow
def test_a_thread_under_a_new_session_id_each_crawl_is_not_read_again(runs: Runs) -> None:
    first, second = runs.first, runs.second
    assert len(runs.session_threads) == 3 and runs.session_posts <= {post_number(p) for p in first.posts()}
    # unchanged: not fetched again under its new sid
    assert runs.session_hits == 0, (runs.session_hits, second.summary, second.stderr[-3000:])
    assert not {post_number(p) for p in second.posts()} & runs.session_posts
    keys = {p["thread_url"] for p in first.posts() if post_number(p) in runs.session_posts}
    assert keys and not any("sid=" in k or "s=" in k or "PHPSESSID" in k for k in keys), keys


# ---------------------------------------------------------------- unit tests: no crawl needed

NOW = datetime(2026, 12, 5, 18, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), (b"  7 ", 7.0), ("+5", 5.0), ("1.5", 1.0), ("0", 0.0),
    ("Sat, 05 Dec 2026 18:02:00 GMT", 120.0),  # RFC 1123
    ("Saturday, 05-Dec-26 18:00:30 GMT", 30.0),  # RFC 850
    ("Sat Dec  5 18:01:00 2026", 60.0),  # asctime, no zone: GMT
    ("Fri, 04 Dec 2026 18:00:00 GMT", 0.0),  # past: at once
    ("9" * 40, float("inf")),  # past any cap
    ("Thu, 01 Jan 2099 00:00:00 GMT", (datetime(2099, 1, 1, tzinfo=UTC) - NOW).total_seconds()),
])
def test_retry_after_values_are_read(value: Any, expected: float) -> None:
    assert retry_after_seconds(value, NOW) == expected


@pytest.mark.parametrize("value", [None, "", "-5", "soon", "5 minutes", "x" * 9000, "Sat, 99 Foo 2026",
                                   "\x00\x01", "1e9"])
def test_unreadable_retry_after_values_ask_for_no_wait(value: Any) -> None:
    assert retry_after_seconds(value, NOW) is None


def _middleware(cap: float) -> Any:
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import BackoffRetryMiddleware
    from crawler.spiders._base import VigieSpider

    crawler = get_crawler(VigieSpider, {"RETRY_ENABLED": True, "RETRY_TIMES": 2, "RETRY_HTTP_CODES": [429, 503, 500],
                                        "VIGIE_MAX_RETRY_AFTER_SECONDS": cap,
                                        "VIGIE_RETRY_BACKOFF_BASE_SECONDS": 0.2})
    crawler.spider = SimpleNamespace(name="t", crawler=crawler)  # type: ignore[assignment]
    return BackoffRetryMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(("status", "header", "waits"), [
    (429, "40", 40.0), (503, "Sat, 05 Dec 2099 18:00:40 GMT", None), (429, "600", None),
    (503, None, 0.0), (500, "40", 0.0), (429, "junk", 0.0),
])
def test_the_retry_middleware_honours_retry_after_up_to_its_cap(status: int, header: str | None,
                                                                 waits: float | None) -> None:
    from scrapy import Request
    from scrapy.http import Response

    mw = _middleware(300.0)
    began = time.monotonic()
    request = Request("http://127.0.0.1:9/thread/1")
    response = Response(request.url, status=status, headers={"Retry-After": header} if header else {}, request=request)
    out = mw.process_response(request, response)
    if waits is None:  # past the cap: handed to the spider, not retried
        assert out is response
        return
    assert isinstance(out, Request)
    delay = out.meta["vigie_backoff_seconds"]
    if waits:
        assert delay >= waits and mw._held()["127.0.0.1:9"] >= began + waits
    else:  # the crawl's own backoff (0.2 s, +-25%), and no hold on the host
        assert delay <= 0.25 and not mw._held()


# ---------------------------------------------------------------- session ids

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(("url", "bare"), [
    (f"http://h/viewtopic.php?f=2&t=5&sid={TOKEN}", "http://h/viewtopic.php?f=2&t=5"),  # phpBB
    (f"http://h/showthread.php?s={TOKEN}&t=12", "http://h/showthread.php?t=12"),  # vBulletin
    ("http://h/index.php?topic=9.0&PHPSESSID=k3j4h5g6f7d8s9a0q1w2e3r4t5", "http://h/index.php?topic=9.0"),  # SMF
    (f"http://h/thread;jsessionid={TOKEN.upper()}.node1?id=3", "http://h/thread?id=3"),  # a servlet
    ("http://h/(S(lit3py55t21z5v55vlm25s55))/topic.aspx?id=4", "http://h/topic.aspx?id=4"),  # ASP.NET
    (f"http://h/product_info.php?products_id=7&osCsid={TOKEN}", "http://h/product_info.php?products_id=7"),
    (f"http://h/t/5?ASPSESSIONIDQACTDBQB={TOKEN}&page=2", "http://h/t/5?page=2"),
    (f"http://h/t/5?SID={TOKEN}#p9", "http://h/t/5#p9"),  # upper case, a fragment kept
    ("http://h/t/5?PHPSESSID=k3j4-H5g6,f7d8s9a0q1w2e3r4&page=2", "http://h/t/5?page=2"),  # PHP's 6 bits a character
    ("http://h/t/5?s=QwErTyUiOpAsDfGhJkLzXcVb", "http://h/t/5"),  # letters only, both cases: base52
])
def test_session_ids_leave_the_key(url: str, bare: str) -> None:
    assert without_session(url) == bare


@pytest.mark.parametrize("url", [
    "http://h/viewtopic.php?t=5&s=12",  # `s` a page number, not a token
    "http://h/article.php?sid=7",  # `sid` a story id
    "http://h/search.php?s=recherche+clients",  # words
    "http://h/search.php?s=recherchedesclientsparis",  # one long word
    "http://h/t?sid=" + "a" * 20,  # letters only
    "http://h/t?sid=2026-spring-keynote1",  # words and a number
    "http://h/t?session=" + TOKEN,  # `session`: too common a name for a thread's own parameter
    "http://h/t?session=2026",  # a year
    "http://h/t?session=1234567890123456789",  # digits only
    "http://h/t?token=" + TOKEN,  # not a session name by default
    "http://h/x?a=1&&b=2",  # an odd query, unchanged
])
def test_what_is_no_session_id_stays(url: str) -> None:
    assert without_session(url) == url


def test_distinct_threads_stay_distinct_and_the_operators_names_go() -> None:
    from crawler.spiders.extract import thread_key

    keys = {thread_key(f"http://h/viewtopic.php?t={t}&sid={s}", []) for t in (5, 6) for s in (TOKEN, TOKEN[::-1])}
    assert keys == {"http://h/viewtopic.php?t=5", "http://h/viewtopic.php?t=6"}
    assert len({thread_key(f"http://h/article.php?sid={n}", []) for n in (7, 8)}) == 2
    assert thread_key("http://h/t/5?visit=abc&x=1", [], ["VISIT"]) == "http://h/t/5?x=1"
    assert thread_key("http://h/t/5?visit=abc", []) == "http://h/t/5?visit=abc"


def test_a_paste_link_ending_in_a_session_id_keeps_its_own_id() -> None:
    import re

    from crawler.spiders.paste import PasteSpider

    spider = SimpleNamespace(_id_re=re.compile(r"([A-Za-z0-9_-]+)/?$"),
                             source=SimpleNamespace(follow=SimpleNamespace(session_params=["k"])))
    ids = {PasteSpider._paste_id(spider, u).group(1)  # type: ignore[arg-type, union-attr]
           for u in (f"http://h/p/Ab3xY9?sid={TOKEN}", f"http://h/p/Ab3xY9?PHPSESSID={TOKEN[::-1]}",
                     "http://h/p/Ab3xY9?k=zz", "http://h/p/Ab3xY9")}
    assert ids == {"Ab3xY9"}


# ---------------------------------------------------------------- the bytes lie about their charset

class _Stats:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.counts[key] = self.counts.get(key, 0) + count


POSTS = ('<div class="post" id="p1"><div class="content">Hélène Müller, séropositive, syndiquée CGT: '
         'helene.muller@example.org</div></div>'
         '<div class="post" id="p2"><div class="content">Gérard Lefèvre ; 06 12 34 56 78 ; dépression</div></div>')
PAGE = f'<html><head><meta charset="utf-8"><title>fil</title></head><body>{POSTS}</body></html>'
_post_ru = '<div class="post" id="p1"><div class="content">Елена Иванова elena@example.org</div></div>'
HEAD = '<html><head><meta charset="utf-8"><title>Fil de discussion – entête</title></head><body>'


def _through_charset(body: bytes, ctype: str, kind: str = "thread") -> tuple[Any, Any, int]:
    from scrapy.http import HtmlResponse, Request, TextResponse

    from crawler.middlewares import CharsetMiddleware

    request = Request("http://127.0.0.1/thread/1", meta={"vigie_kind": kind})
    cls = HtmlResponse if ctype.startswith("text/html") else TextResponse  # (as Scrapy makes them of the header)
    response = cls(request.url, body=body, headers={"Content-Type": ctype}, request=request)
    stats = _Stats()
    out = CharsetMiddleware(stats).process_response(request, response)  # type: ignore[arg-type]
    return response, out, stats.counts.get("vigie/pages/charset_ignored", 0)


@pytest.mark.parametrize(("body", "ctype"), [
    (PAGE.encode("cp1252"), "text/html; charset=utf-8"),  # an old page's bytes, declared UTF-8
    (PAGE.encode("cp1252"), "text/html"),  # its meta alone says UTF-8
    (HEAD.encode() + POSTS[:120].encode() + POSTS[120:].encode("cp1252") + b"</body></html>",
     "text/html; charset=UTF-8"),  # mixed: UTF-8, then a dump pasted in windows-1252
    (PAGE.encode("utf-16-le"), "text/html; charset=utf-8"),  # UTF-16 without a BOM
    (PAGE.encode("utf-16-be"), "text/html; charset=iso-8859-1"),  # the same, big-endian, declared Latin-1
    (HEAD.encode() + (POSTS + "</body></html>").encode("utf-16-le"), "text/html; charset=utf-8"),  # head UTF-8
    (HEAD.encode() + "é".encode() + (POSTS + "</body></html>").encode("utf-16-be"), "text/html"),
], ids=["cp1252", "cp1252_meta", "mixed", "utf16le", "utf16be_latin1", "utf8_head_utf16le", "utf8_head_utf16be"])
def test_a_page_whose_bytes_lie_about_their_charset_is_read_part_by_part(body: bytes, ctype: str) -> None:
    from crawler.spiders._base import select

    before, out, counted = _through_charset(body, ctype)
    texts = " ".join(select(out, "css:div.post .content::text").getall())
    for words in ("Hélène Müller, séropositive, syndiquée", "helene.muller@example.org", "Gérard Lefèvre",
                  "06 12 34 56 78 ; dépression"):
        assert words in texts, (words, texts[:300])
    assert counted == 1
    before_texts = " ".join(select(before, "css:div.post .content::text").getall())
    # (Scrapy alone lost words, but for UTF-16-BE read as Latin-1: `\0é`, whose NULs libxml2 drops)
    assert ("Gérard Lefèvre" not in before_texts) is (not ctype.endswith("iso-8859-1")), before_texts[:200]


RAW = "email;nom\nhelene.muller@example.org;Hélène Müller séropositive\n" * 20


@pytest.mark.parametrize(("body", "ctype"), [
    (RAW.encode("utf-16-le"), "text/plain; charset=utf-8"),
    (RAW.encode("utf-16-be"), "text/plain; charset=UTF-8"),
    (RAW.encode("utf-16-le"), "text/plain; charset=us-ascii"),
    (RAW.encode("cp1252"), "text/plain; charset=utf-8"),
    (RAW[:300].encode() + RAW[300:].encode("cp1252"), "text/plain; charset=utf-8"),  # mixed
], ids=["utf16le", "utf16be", "utf16le_ascii", "cp1252", "mixed"])
def test_a_raw_paste_in_utf16_or_cp1252_served_as_utf8_is_read(body: bytes, ctype: str) -> None:
    before, out, counted = _through_charset(body, ctype, kind="paste")
    assert before.text != RAW  # (Scrapy alone)
    assert out.text == RAW and counted == 1


@pytest.mark.parametrize(("body", "ctype", "kind"), [
    (PAGE.encode(), "text/html; charset=utf-8", "thread"),  # UTF-8 as declared
    (PAGE.encode("cp1252"), "text/html; charset=windows-1252", "thread"),  # windows-1252 as declared
    (f'<html><head><meta charset="koi8-r"></head><body>{_post_ru}</body></html>'.encode("koi8-r"),
     "text/html; charset=koi8-r", "thread"),  # Cyrillic as declared
    (HEAD.encode() + b"<script>var z='\\0\0\0';</script>" + POSTS.encode(), "text/html; charset=utf-8",
     "thread"),  # a few NULs in a script: no UTF-16
    (bytes(range(256)) * 40, "text/html; charset=windows-1252", "thread"),  # junk: NULs on neither side alone
    (PAGE.encode("utf-16-le"), "text/html; charset=utf-16-le", "thread"),  # UTF-16 as declared
    (PAGE.encode("cp1252"), "text/plain; charset=utf-8", "file"),  # an attachment: the indexer decodes it
], ids=["utf8", "cp1252", "koi8r", "nuls_in_script", "junk", "utf16_declared", "attachment"])
def test_pages_whose_bytes_are_what_they_say_are_left_alone(body: bytes, ctype: str, kind: str) -> None:
    _before, out, counted = _through_charset(body, ctype, kind)
    assert out is _before and counted == 0


# ---------------------------------------------------------------- pages past limits.max_depth

def test_links_and_next_pages_past_the_depth_limit_are_counted_and_said() -> None:
    from loguru import logger
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import FollowRulesMiddleware

    mw = FollowRulesMiddleware([], [], {"127.0.0.1"}, max_depth=3)
    mw.stats = MemoryStatsCollector(get_crawler())
    refused, lines = 0, list[str]()
    sink = logger.add(lambda m: lines.append(str(m)), format="{message}", level="WARNING")
    # a ?page=N trap: board pages 1..12, each one link deeper; their thread links; a calendar's months
    for n in range(1, 13):
        for url, meta in ((f"http://127.0.0.1/board/2?page={n}", {"vigie_page": n, "vigie_kind": "listing"}),
                          (f"http://127.0.0.1/thread/{900 + n}", {"vigie_kind": "thread"}),
                          (f"http://127.0.0.1/calendar?month=2026-{n:02d}", {"vigie_kind": "listing"})):
            try:
                mw.process_request(Request(url, meta={**meta, "vigie_depth": n}))
            except IgnoreRequest:
                refused += 1
    assert refused == 27 and mw.stats.get_value("vigie/follow/too_deep") == 27  # depths 4 to 12, 3 links each
    logger.remove(sink)
    said = "".join(lines)
    assert said.count("past limits.max_depth=3") == 5 and "not following the next page" in said
    # an attachment or a login is no link: never refused for its depth, nor counted
    mw.process_request(Request("http://127.0.0.1/files/1/a.csv", meta={"vigie_kind": "file", "vigie_depth": 40}))
    assert mw.stats.get_value("vigie/follow/too_deep") == 27


@pytest.mark.slow
def test_the_shared_crawl_shows_the_new_counts(runs: Runs) -> None:
    for key in ("rate_limited", "links_too_deep"):
        assert key in runs.first.summary["refused"] and key in runs.second.summary["refused"]
    assert runs.first.summary["refused"]["links_too_deep"] == 0  # (the kit forum's boards are shallow)


def test_a_rate_limited_paste_is_fetched_first_by_the_next_crawl(tmp_path: Any) -> None:
    from scrapy import Request

    from crawler.spiders.paste import PasteSpider
    from crawler.state import CrawlState

    state = CrawlState(tmp_path / "state.sqlite3", "pastes")  # the real crawl state (SQLite)
    spider = SimpleNamespace(vigie_state=state)
    meta = {"id": "Ab3xY9", "url": "http://127.0.0.1/p/Ab3xY9", "title": "clients", "posted_at": None}
    PasteSpider.left_to_next_crawl(spider, Request("http://127.0.0.1/raw/Ab3xY9",  # type: ignore[arg-type]
                                                   meta={"vigie_kind": "paste", "vigie_paste": meta}))
    PasteSpider.left_to_next_crawl(spider, Request("http://127.0.0.1/recent",  # type: ignore[arg-type]
                                                   meta={"vigie_kind": "listing"}))  # a listing: nothing kept
    assert [p["url"] for p in state.cut_pastes()] == [meta["url"]]
    assert state.paste_cuts("Ab3xY9") == 0  # no cut counted: read as it arrives, not after 3 crawls
    state.close()
