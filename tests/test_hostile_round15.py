"""Hostile-input round 15 (wave 28), through the real crawl (`vigie crawl` in a subprocess against
the kit forum and its paste site on 127.0.0.1, as tests/test_hostile_round14.py): what a hostile
or flaky site answers, each case from a class, counted in the summary with its reason, the rest
read, nothing lost and nothing indexed twice across crawls.

- a paste whose connection closes before its Content-Length's bytes came (or whose chunked body
  stops mid-chunk) on its last attempt was read as it arrived and recorded as seen: the rest of
  the paste was never fetched again. It is now left to the next crawl (counted: `refused:
  pastes_cut_short`), fetched again first, even when the listing no longer reaches it; one that
  arrives cut in `CUT_SHORT_CRAWLS` crawls in a row is read as it arrives. A paste listing cut
  before its link to older pastes makes the next crawl walk past its first page.
- a listing page of 24,000 thread links spent the crawl's whole `max_pages` on them (502 pages,
  `closespider_pagecount`, the other boards unread): `limits.max_links_per_page` (250) links are
  followed a page, the rest counted (`refused: links_deferred`) and read by the next crawls from
  where the last one stopped, around to the start; a paste listing's next crawl reads the rest.
- a captcha, a DDoS filter's challenge or a login form answered with 200 in place of a thread
  page, a listing, a paste or a file counted as a layout change (`selectors_lost`), and a paste or
  a file so answered was read as such and recorded: never read. It is a wall now (`failures:
  pages_walled`), not read, fetched again by the next crawl.
- 2,100 open elements before a post (libxml2 stops building at the 2,048th and drops the rest of
  the page) hid it from the crawl alone: the pile is closed where it would pass 512 levels, the
  page read to its end (`refused: pages_markup_trimmed`).
- a CSV, a zip or a text served as an image (`image/png`...) was refused by its Content-Type; its
  first bytes decide now (`refused: content_types_ignored`), an image's still stopped there.
"""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from crawler.spiders._files import CUT_SHORT_CRAWLS
from tests.fixtures.forum import CrawlRun, crawl, make_config, post_number
from tests.hostile_files import dump, dump_emails
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

Raw = Callable[[BaseHTTPRequestHandler], None]


class CutAnswer:
    """A raw paste of `body` answered whole, or (while `cut` is set) cut after half of it: a
    Content-Length the bytes never reach, or a chunked body whose last chunk never comes."""

    def __init__(self, body: bytes, *, chunked: bool = False) -> None:
        self.body, self.chunked, self.cut = body, chunked, True

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        half = self.body[: len(self.body) // 2]
        if self.chunked:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            sent = b"%x\r\n%s\r\n" % (len(half), half)
            if self.cut:  # the second chunk announced, half of it sent, then the connection closed
                sent += b"%x\r\n%s" % (len(self.body) - len(half), self.body[len(half):][:10])
            else:
                sent += b"%x\r\n%s\r\n0\r\n\r\n" % (len(self.body) - len(half), self.body[len(half):])
        else:
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(self.body)}"
                    "\r\nConnection: close\r\n\r\n").encode()
            sent = half if self.cut else self.body
        handler.wfile.write(head + sent)
        handler.wfile.flush()


# What walls a site off, answered with 200 where its content was: each a class's usual markup
CAPTCHAS = [
    '<form action="/verify" method="post"><div class="g-recaptcha" data-sitekey="6Lc_fake"></div>'
    '<button>Continuer</button></form>',  # reCAPTCHA
    '<iframe src="https://newassets.hcaptcha.com/captcha/v1/frame"></iframe>',  # hCaptcha
    '<form id="challenge-form" action="/cdn-cgi/challenge-platform" method="POST"></form>',  # a DDoS filter
    '<img src="/captcha.php?r=7" alt=""><input name="Code" placeholder="Recopiez le code">',  # an onion's own
    '<form method="post" action="/ucp.php?mode=login"><input name="username"><INPUT TYPE="Password" '
    'name="password"><input type="submit" value="Connexion"></form>',  # a login form
]


class Walled:
    """`body` (text/plain) once the wall is down; while `up`, an HTML page of `wall` with 200."""

    def __init__(self, body: str, wall: str) -> None:
        self.body, self.wall, self.up = body, wall, True

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        if self.up:
            data = (f"<html><head><title>Vérification</title></head><body><h1>Un instant…</h1>{self.wall}"
                    "</body></html>").encode()
            ctype = "text/html; charset=utf-8"
        else:
            data, ctype = self.body.encode(), "text/plain; charset=utf-8"
        handler.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(data)}\r\n"
                            "Connection: close\r\n\r\n".encode() + data)
        handler.wfile.flush()


def _post(number: int, text: str) -> str:
    return (f'<div class="post" id="p{number}"><a class="author">bob</a><time datetime="2026-03-01T10:00:00Z">'
            f'</time><div class="content">{text}</div></div>')


def _page(body: str) -> Raw:
    page = f"<html><head><title>t</title></head><body>{body}</body></html>".encode()

    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + page)
        handler.wfile.flush()
    return write


def _cut_listing(server: ForumServer) -> Raw:
    """The paste listing's first page, cut short of its Content-Length before its link to older pastes."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        rows = "".join(f'<li><a class="paste" href="/p/{p.id}">{p.title}</a></li>'
                       for p in list(reversed(server.data.pastes))[:5])
        page = f'<html><body><ul>{rows}</ul><a rel="next" href="/recent?page=2">Plus ancien</a></body></html>'.encode()
        cut = page[: page.index(b"<a rel=")]
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + cut)
        handler.wfile.flush()
    return write


def _served(name: str, ctype: str, body: bytes) -> Raw:
    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; "
                            f'filename="{name}"\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n'.encode()
                            + body)
        handler.wfile.flush()
    return write


def _zip_of(name: str, text: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return out.getvalue()


def _paste_run(server: ForumServer, tmp_path: Path) -> CrawlRun:
    config = make_config(tmp_path / "config", server.url, kind="paste", limits={"retries": 0})
    run = crawl(config, tmp_path / "data", "test-paste", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_a_paste_cut_short_is_fetched_again_and_read_once(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        answers = {"coupeunefois": CutAnswer(dump("coupeunefois").encode()),  # cut in the first crawl only
                   "coupechunk": CutAnswer(dump("coupechunk").encode(), chunked=True),  # the same, chunked
                   "coupetoujours": CutAnswer(dump("coupetoujours").encode())}  # cut in every crawl
        wall = Walled(dump("coupemur"), CAPTCHAS[0])  # a captcha in the first crawl only
        answers_all: dict[str, Any] = {**answers, "coupemur": wall}
        ids = {}
        for tag, answer in answers_all.items():
            paste = server.add_paste(dump(tag), title=f"fichier {tag}")
            server.raw_routes[f"/raw/{paste.id}"] = answer
            ids[tag] = paste.id
        for k in range(7):  # newer pastes: the cut ones fall to the listing's second page, which a
            server.add_paste(dump(f"recent{k}"), title=f"recent {k}")  # later crawl no longer walks
        read: dict[str, list[str]] = {tag: [] for tag in answers_all}
        late: list[str] = []
        for n in range(1, CUT_SHORT_CRAWLS + 2):
            run = _paste_run(server, tmp_path)
            bodies = {p["post_id"]: p.get("body", "") for p in run.posts()}
            for tag, pid in ids.items():
                if pid in bodies:
                    read[tag].append(bodies[pid])
            refused = run.summary["refused"]
            got = {tag for tag, pid in ids.items() if pid in bodies}
            assert run.summary["errors"] == 0, run.stderr[-3000:]
            if n == 1:  # none read nor recorded: all three come again
                assert got == set() and refused["pastes_cut_short"] == 3, (got, refused, run.stderr[-3000:])
                assert refused["pages_truncated"] == 0 and run.summary["failures"]["pages_walled"] == 1
                assert "a captcha answered in place of the page" in run.stderr
                assert run.stderr.count("cut short of its Content-Length") >= 3
                assert all(f"recent{k}.0@example.org" in "".join(bodies.values()) for k in range(7))
                answers["coupeunefois"].cut = answers["coupechunk"].cut = False
                wall.up = False
            elif n == 2:  # the listing's first page holds nothing new: the three come from the state
                assert got == {"coupeunefois", "coupechunk", "coupemur"}, (got, refused)
                assert refused["pastes_cut_short"] == 1 and run.summary["failures"]["pages_walled"] == 0
            elif n < CUT_SHORT_CRAWLS:
                assert got == set() and refused["pastes_cut_short"] == 1, (got, refused)
            elif n == CUT_SHORT_CRAWLS:  # cut in every crawl: read as it arrives, counted
                assert got == {"coupetoujours"} and refused["pastes_cut_short"] == 0, (got, refused)
                # and the listing came cut before its link to older pastes: its 5 new read, 2 left
                assert refused["pages_truncated"] == 2, refused
                assert [tag in "".join(bodies.values()) for tag in late] == [False] * 2 + [True] * 5
                del server.raw_routes["/recent"]
            else:  # all recorded for good: none fetched again; the listing walked past its first page
                assert got == set() and refused["pastes_cut_short"] == 0, (got, refused)
                assert [tag in "".join(bodies.values()) for tag in late] == [True] * 2 + [False] * 5
            if n == CUT_SHORT_CRAWLS - 1:  # newer pastes, and a listing cut short in the next crawl
                late = [f"tard{k}.0@example.org" for k in range(7)]
                for k in range(7):
                    server.add_paste(dump(f"tard{k}"), title=f"tard {k}")
                server.raw_routes["/recent"] = _cut_listing(server)
    # each read once: the two whole, the always-cut one up to its cut (its first rows)
    assert [len(v) for v in read.values()] == [1, 1, 1, 1], read
    for tag in ("coupeunefois", "coupechunk", "coupemur"):
        assert all(e in read[tag][0] for e in dump_emails(tag)), tag
    assert "coupetoujours.0@example.org" in read["coupetoujours"][0]
    assert "coupetoujours.5@example.org" not in read["coupetoujours"][0]



def test_a_paste_listing_past_its_link_cap_is_read_by_the_next_crawl(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        for k in range(9):
            server.add_paste(dump(f"plafond{k}"), title=f"plafond {k}")
        every = {p.id for p in server.data.pastes}  # 13: pages of 5, 5 and 3
        config = make_config(tmp_path / "config", server.url, kind="paste", limits={"max_links_per_page": 3})
        runs = [crawl(config, tmp_path / "data", "test-paste", timeout=180) for _ in range(2)]
    first, second = ({p["post_id"] for p in run.posts()} for run in runs)
    assert all(run.returncode == 0 and run.summary["errors"] == 0 for run in runs), runs[0].stderr[-3000:]
    assert len(first) == 9 and runs[0].summary["refused"]["links_deferred"] == 4, runs[0].summary["refused"]
    assert "paste links on" in runs[0].stderr
    assert first | second == every and not first & second and runs[1].summary["refused"]["links_deferred"] == 0


def _listing(rows: list[str]) -> Raw:
    """A board page of thread rows with no reply count (no marker: a known thread is fetched again
    on every crawl, so a crawl that always began with the first rows never reached the last)."""
    page = ("<html><head><title>Discussions</title></head><body><h1>Discussions</h1><table>"
            + "".join(f'<tr class="thread"><td><a class="thread-title" href="{href}">sujet</a></td></tr>'
                      for href in rows) + "</table></body></html>").encode()

    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                            + str(len(page)).encode() + b"\r\nConnection: close\r\n\r\n" + page)
        handler.wfile.flush()
    return write


def _forum_run(server: ForumServer, tmp_path: Path, **limits: Any) -> CrawlRun:
    run = crawl(make_config(tmp_path / "config", server.url, limits=limits), tmp_path / "data", "test-phpbb",
                timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_a_listing_past_its_link_cap_is_read_in_turn_by_the_next_crawls(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        data = server.data
        board = data.boards[2]
        listed = [t for t in data.threads.values() if t.board_id == board.id]
        for k in range(12):
            thread = data._new_thread(board, title=f"liste {k}")
            data.new_post(thread, body=dump(f"liste{k}"), with_dump=False)
            listed.append(thread)
        rows = [f"/thread/{t.id}" for t in listed]
        server.raw_routes[f"/board/{board.id}"] = _listing(rows)
        everything = {p["id"] for p in server.truth()["posts"]}
        runs = [_forum_run(server, tmp_path, max_links_per_page=5) for _ in range(3)]
        shown = f"13 thread links on {server.url}/board/{board.id}"
        by_thread = {p["id"]: p["thread_id"] for p in server.truth()["posts"]}
    seen: list[int] = []
    for n, run in enumerate(runs):
        assert run.summary["errors"] == 0, run.stderr[-3000:]
        seen += [post_number(p) for p in run.posts()]
        # 13 rows, 5 a crawl from where the last one stopped, around to the start: the 8 others left
        assert run.summary["refused"]["links_deferred"] == 8, (n, run.summary["refused"])
        if n < 3:
            assert shown in run.stderr
    first_read = [sorted({by_thread[post_number(p)] for p in run.posts()} & {t.id for t in listed}) for run in runs]
    ids = [t.id for t in listed]
    assert first_read[:3] == [sorted(ids[:5]), sorted(ids[5:10]), sorted(ids[10:])], first_read
    assert sorted(seen) == sorted(everything)  # every post of the forum, each once


def test_a_listing_of_24000_thread_links_leaves_the_rest_of_the_forum_read(tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", hostile=False) as server:
        data = server.data
        board = data.boards[2]
        own = [t.id for t in data.threads.values() if t.board_id == board.id]
        rows = [f"/thread/{900_000 + k}" for k in range(24_000)] + [f"/thread/{t}" for t in own]
        server.raw_routes[f"/board/{board.id}"] = _listing(rows)
        elsewhere = {p["id"] for p in server.truth()["posts"] if p["thread_id"] not in own}
        # (2 MB: under the default limits.max_download_bytes, 20 MiB; the tests' own is 1 MiB)
        run = _forum_run(server, tmp_path, retries=0, max_download_bytes=4 << 20)
    assert run.summary["finish_reason"] == "finished", run.summary
    assert run.summary["refused"]["links_deferred"] == 24_000 + len(own) - 250, (run.summary, run.stderr[-3000:])
    assert run.summary["refused"]["links_deferred"] == 24_000 + len(own) - 250
    assert run.summary["pages"] < 300, run.summary["pages"]  # 250 of the page's links, the forum's pages
    assert {post_number(p) for p in run.posts()} == elsewhere


def test_a_captcha_or_a_login_form_answered_with_200_is_a_wall_not_a_layout_change(tmp_path: Path) -> None:
    from tests.test_hostile_probe import HostileForum

    with ForumServer("phpbb", size="small", hostile=False) as server:
        forum = HostileForum(server)
        data = server.data
        walled = {}
        for k, wall in enumerate(CAPTCHAS):  # thread pages, on every attempt of the first crawl
            tid = forum.thread(board=k % 2, body=dump(f"mur{k}"))
            walled[f"/thread/{tid}"] = wall
        board = data.boards[2]  # a board's listing (its thread read by the second crawl)
        walled[f"/board/{board.id}"] = CAPTCHAS[1]
        csv = forum.attach("clients.csv", dump("murfichier").encode())  # a file a captcha answers for
        walled[csv] = CAPTCHAS[3]
        for path, wall in walled.items():
            server.raw_routes[path] = Walled("", wall)
        # files served as images they are not (a browser saves them whole), and one that is an image
        lies = {"images.csv": ("image/png", dump("imagecsv").encode()),
                "archive.zip": ("image/gif", _zip_of("dedans.csv", dump("imagezip"))),
                "notes.txt": ("image/webp", dump("imagetxt").encode()),
                "photo.csv": ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(4000))}
        for name, (ctype, body) in lies.items():
            forum.attach(name, _served(name, ctype, body))
        pile = forum.thread(board=1)  # a thread page whose second post sits under 2,100 open <div>
        server.raw_routes[f"/thread/{pile}"] = _page(_post(900_001, dump("avantpile")) + "<div>" * 2100
                                                     + _post(900_002, dump("souspile")))
        healthy = forum.healthy_posts()  # (the walled threads' posts: read by the second crawl)
        everything = {p["id"] for p in server.truth()["posts"] if p["thread_id"] != pile} | {900_001, 900_002}
        on_board = {p["id"] for p in server.truth()["posts"] if data.threads[p["thread_id"]].board_id == board.id}
        first = _forum_run(server, tmp_path, retries=1)
        for path in walled:
            del server.raw_routes[path]
        server.reset_counters()
        second = _forum_run(server, tmp_path, retries=1)
        file_hits = server.hits[csv]
    assert first.summary["failures"]["pages_walled"] == 7, (first.summary["failures"], first.stderr[-3000:])
    assert first.summary["failures"]["selectors_lost"] == 0 and first.summary["errors"] == 0, first.stderr[-3000:]
    assert first.summary["needs_attention"] and "pages walled: 7" in first.summary["attention_reason"]
    for what in ("a captcha answered", "a login form answered"):
        assert what in first.stderr, what
    assert {post_number(p) for p in first.posts()} == healthy - on_board | {900_001, 900_002}
    assert first.summary["refused"]["pages_markup_trimmed"] == 1 and "deeper than 1024 levels" in first.stderr
    assert not any(f.get("filename") == "clients.csv" for f in first.files())
    lied = "".join(f["body"] for f in first.files())
    assert all(f"{tag}.5@example.org" in lied for tag in ("imagecsv", "imagezip", "imagetxt")), sorted(
        f["filename"] for f in first.files())
    assert first.summary["refused"]["content_types_ignored"] == 3
    # the image refused at its first bytes (and the kit forum's own .exe, by its name)
    assert first.summary["files_not_listed"] == 2 and "photo.csv" not in {f["filename"] for f in first.files()}
    # nothing recorded as read: the second crawl reads every walled page and the file, each once
    assert second.summary["failures"]["pages_walled"] == 0 and second.summary["errors"] == 0
    assert {post_number(p) for p in first.posts() + second.posts()} == everything
    assert len(first.posts()) + len(second.posts()) == len(everything)
    assert file_hits == 1 and "murfichier.0@example.org" in "".join(
        f["body"] for f in second.files() if f["filename"] == "clients.csv")


@pytest.mark.parametrize("wall", [*CAPTCHAS,
                                  '<DIV CLASS="H-CAPTCHA" DATA-SITEKEY="10000000-ffff"></DIV>',  # upper case
                                  '<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA"></div>',
                                  '<form><label>Mot de passe</label><input type="PASSWORD" name="pw"></form>',
                                  '<input id="captcha_code" name="c"><img src="/securimage/show.php">'],
                         ids=["recaptcha", "hcaptcha", "challenge", "image", "login", "upper", "turnstile",
                              "password", "securimage"])
def test_walls_are_recognised(wall: str) -> None:
    from parsel import Selector

    from crawler.spiders._base import walled

    page = Selector(f"<html><body><h1>Vérification</h1>{wall}</body></html>")
    assert walled(page) in ("a captcha", "a login form")


@pytest.mark.parametrize("page", [
    # what a forum or paste page holds that is no wall (asked only where selectors found nothing, but
    # an empty board, a deleted thread or a paste with a site's search box must not read as one)
    '<form action="/search"><input name="q" type="search"><input type="submit"></form>',
    '<p>Le captcha du forum est cassé, et le mot de passe aussi: input type="password"</p>',  # words only
    '<pre>&lt;form&gt;&lt;input type="password" name="pass"&gt;&lt;div class="g-recaptcha"&gt;</pre>',  # a kit
    '<form action="/newsletter"><input type="email" name="mail"><input type="submit"></form>',
    '<div class="empty">Aucun sujet dans ce forum.</div>',
    '<a href="/login">Connexion</a> <a href="/register">Inscription</a>',
], ids=["search", "words", "escaped_kit", "newsletter", "empty_board", "login_links"])
def test_pages_that_are_no_wall(page: str) -> None:
    from parsel import Selector

    from crawler.spiders._base import walled

    assert walled(Selector(f"<html><body>{page}</body></html>")) is None


class StatsStub:
    """The crawl's stats (only counted into: no Scrapy crawler needed for one middleware call)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.counts[key] = self.counts.get(key, 0) + count


def _through_markup(html: str) -> tuple[list[str], int, bool]:
    from scrapy.http import HtmlResponse, Request

    from crawler.middlewares import HostileMarkupMiddleware
    from crawler.spiders._base import select

    request = Request("http://127.0.0.1/thread/1", meta={"vigie_kind": "thread"})
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    stats = StatsStub()
    read = HostileMarkupMiddleware(stats).process_response(request, response)
    texts = select(read, "css:div.post .content::text").getall()
    return texts, stats.counts.get("vigie/pages/markup_trimmed", 0), read is response


A, B, C = _post(1, "avant@example.org"), _post(2, "sous@example.org"), _post(3, "apres@example.org")


@pytest.mark.parametrize("body", [
    A + "<div>" * 2100 + B,  # a pile of open elements before a post
    A + "<div>" * 3000 + "</div>" * 3000 + B,  # closed again: libxml2 stopped on the way down
    A + "<i>" * 2500 + B,  # inline elements
    A + "<table><tr><td>" * 800 + B,  # tables in cells (three levels each)
    A + "<ul><li>" * 1100 + B,  # lists in items
    A + "".join(f"<span>mot {k}" for k in range(2200)) + B,  # text at every level
    A + '<div class="x" data-n="1">' * 2100 + B + C,  # with attributes, two posts under it
    _post(1, "avant@example.org" + "<b>" * 2100 + "profond") + B,  # the pile inside a post
], ids=["divs", "closed", "inline", "tables", "lists", "text", "attributes", "in_a_post"])
def test_posts_under_a_pile_of_open_elements_are_read(body: str) -> None:
    html = f"<html><body>{body}</body></html>"
    from parsel import Selector

    assert "sous@example.org" not in Selector(html).css("div.post .content::text").getall()  # (libxml2 alone)
    texts, trimmed, same = _through_markup(html)
    assert "avant@example.org" in texts and "sous@example.org" in texts, texts[:5]
    assert trimmed == 1 and not same
    if C in body:
        assert "apres@example.org" in texts


@pytest.mark.parametrize("body", [
    "".join(_post(k, f"p{k}@example.org") for k in range(600)),  # a long thread page
    "<table>" + "".join(f"<tr><td>{k}<td>{_post(k, 'x')}" for k in range(1500)) + "</table>",  # rows never closed
    "<p>ligne" * 5000 + B,  # paragraphs never closed
    "<!--" + "<div>" * 3000 + "-->" + B,  # a pile in a comment
    "<script>var s = '" + "<div>" * 3000 + "';</script>" + B,  # and in a script
    "<div>" * 900 + B,  # deep, under libxml2's limit and ours
], ids=["long_thread", "open_rows", "open_paragraphs", "comment", "script", "deep_900"])
def test_pages_that_do_not_pile_up_are_left_alone(body: str) -> None:
    texts, trimmed, same = _through_markup(f"<html><body>{body}</body></html>")
    assert trimmed == 0 and same and texts
