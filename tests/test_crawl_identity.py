"""Threads that keep their identity (issue 13), on a small forum served over plain loopback HTTP.

The forum links threads the way real engines do for a logged-in account: into the middle of a
thread (a bookmark `?page=2`), through a redirecting `/post/<id>`, with an `#unread` anchor; its
start page is an index of boards that also shows a global "recent topics" list; its next links
are only recognisable by their text. Each thread must be read from its first page, under one key,
with the board of the listing its board link leads to.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from parsel import Selector

from crawler.spiders.extract import extract_forum_page, first_page_url, last_page_link, next_link, thread_key
from tests.fixtures.forum import CrawlRun, crawl
from vigie.config.schema import ForumSelectors, SourceConfig, UrlRewrite


@dataclass
class MiniSite:
    """Pages by path (query included); a page is HTML, or ("redirect", target). Records hits."""

    pages: dict[str, str | tuple[str, str]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    url: str = ""

    def serve(self) -> Iterator[MiniSite]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                page = site.pages.get(self.path)
                if isinstance(page, tuple):
                    self.send_response(302)
                    self.send_header("Location", page[1])
                    self.end_headers()
                    return
                body = (page or "<html><body>not found</body></html>").encode()
                self.send_response(200 if page is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


def write_source(config: Path, site: MiniSite, forum: dict[str, Any], **extra: Any) -> Path:
    """A config dir with one direct forum source named `mini` aimed at `site`."""
    data = {"name": "mini", "kind": "forum", "network": "direct", "start_urls": [site.url + extra.pop("start", "/")],
            "schedule": {"interval": "1h"}, "forum": forum,
            "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 4, "timeout_seconds": 10,
                       "retries": 0},
            **extra}
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / "mini.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return config


POST_SELECTORS = {"container": "div.post", "post_id": "::attr(id)", "author": ".author::text",
                  "body": ".body", "date": {"selector": ".date", "format": "auto", "language": "fr",
                                            "timezone": "Europe/Paris"}}


def _thread_page(n: int, page: int, pages: int, replies: int = 2) -> str:
    """Thread n, page `page` of `pages`: a canonical link, `replies` posts, » and »» links."""
    here = f"/t/{n}" if page == 1 else f"/t/{n}?page={page}"
    posts = "".join(
        f'<div class="post" id="p{n}{page}{i}"><span class="author">user{n}{page}{i}</span>'
        f'<span class="date">{page + i} mars 2026 à 14:0{i}</span>'
        f'<div class="body">thread {n} page {page} post {i}</div></div>' for i in range(replies))
    nav = "".join(f'<a href="/t/{n}{"" if p == 1 else f"?page={p}"}">{p}</a> ' for p in range(1, pages + 1))
    if page < pages:
        nav += f'<a href="/t/{n}?page={page + 1}">»</a> <a href="/t/{n}?page={pages}">»»</a>'
    return (f'<html><head><link rel="canonical" href="/t/{n}"><title>t{n}</title></head><body>'
            f'<h1>Thread {n}</h1><div class="nav">{nav}</div>{posts}<!-- {here} --></body></html>')


def _listing(title: str, links: list[tuple[str, str]], nav: str = "") -> str:
    rows = "".join(f'<tr class="row"><td><a class="t" href="{href}">{text}</a></td></tr>' for href, text in links)
    return f"<html><body><h1>{title}</h1><table>{rows}</table>{nav}</body></html>"


def build_forum(site: MiniSite) -> None:
    site.pages.update({
        "/": ('<html><body><h1>Index</h1><a class="board" href="/b/leaks">Leaks</a>'
              '<a class="board" href="/b/misc">Misc</a>'
              + _listing("Recent topics", [("/t/3", "Three"), ("/t/1", "One")]) + "</body></html>"),
        "/b/leaks": _listing("Leaks", [("/t/1?page=2", "One"), ("/post/22", "Two")],
                             '<a href="/b/leaks?p=2">Suivant</a> <a href="/b/leaks?p=2">Dernière</a>'),
        "/b/leaks?p=2": _listing("Leaks", [("/t/4#unread", "Four")], '<a href="/b/leaks">Précédent</a>'),
        "/b/misc": _listing("Misc", [("/t/3", "Three")]),
        "/post/22": ("redirect", "/t/2?page=2#p22"),
    })
    for n, pages in ((1, 2), (2, 2), (3, 1), (4, 1)):
        for page in range(1, pages + 1):
            site.pages[f"/t/{n}" if page == 1 else f"/t/{n}?page={page}"] = _thread_page(n, page, pages)


FORUM = {"board_links": "a.board::attr(href)", "thread_rows": "tr.row", "thread_link": "a.t::attr(href)",
         "thread_title": "a.t::text", "next_link_texts": ["»", "Suivant", "Next"], "post": POST_SELECTORS}


@pytest.fixture
def forum_site() -> Iterator[MiniSite]:
    site = MiniSite()
    build_forum(site)
    yield from site.serve()


def _expected(site: MiniSite) -> dict[str, tuple[str, str]]:
    """post id -> (thread key, board) for every post of the forum."""
    boards = {1: "Leaks", 2: "Leaks", 3: "Misc", 4: "Leaks"}
    out = {}
    for path, page in site.pages.items():
        if path.startswith("/t/") and isinstance(page, str):
            n = int(path.split("/")[2].split("?")[0])
            for pid in Selector(text=page).css("div.post::attr(id)").getall():
                out[pid] = (f"{site.url}/t/{n}", boards[n])
    return out


def _posts(run: CrawlRun) -> dict[str, tuple[str, str]]:
    ids = [i["post_id"] for i in run.items]
    assert len(ids) == len(set(ids)), f"a post emitted twice: {sorted(ids)}"
    return {i["post_id"]: (i["thread_url"], i["board"]) for i in run.items}


def test_canonical_selector_first_pages_boards_and_next_by_text(forum_site: MiniSite, tmp_path: Path) -> None:
    config = write_source(tmp_path / "config", forum_site,
                          {**FORUM, "thread_canonical": "link[rel=canonical]::attr(href)"})
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert _posts(run) == _expected(forum_site), "every post once, under its thread's first page, in its board"
    assert {"/t/1", "/t/2", "/b/leaks?p=2"} <= set(forum_site.hits), "walked to page 1; next found by its text"
    first = {i["post_id"]: i for i in run.items}["p110"]
    assert first["posted_at"].startswith("2026-03-01T13:00:00"), "1 mars 14:00 in Paris is 13:00 UTC"
    assert run.summary["needs_attention"] is False, run.summary
    assert run.summary["failures"] == dict.fromkeys(run.summary["failures"], 0)

    # a reply on the last page of thread 2, whose listing link is still the redirecting /post/22
    forum_site.pages["/t/2?page=2"] = _thread_page(2, 2, 2, replies=3)
    again = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert again.returncode == 0, again.stderr[-2000:]
    assert [(i["post_id"], i["thread_url"]) for i in again.items] == [("p222", f"{forum_site.url}/t/2")]


def test_rewrite_rule_names_threads_and_walks_to_page_one(forum_site: MiniSite, tmp_path: Path) -> None:
    config = write_source(tmp_path / "config", forum_site,
                          {**FORUM, "thread_url_rewrite": [{"pattern": r"\?page=\d+$", "template": ""}]})
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert _posts(run) == _expected(forum_site)
    assert "/t/1?page=2" not in forum_site.hits[:forum_site.hits.index("/t/1")], "page 1 read first"


# ------------------------------------------------------------------ offline: the extraction functions

def test_next_link_by_text_never_the_last_page() -> None:
    html = ('<a href="/x?p=9">Last</a><a href="/x?p=9">Dernière</a><a href="/x?p=9">»»</a>'
            '<a href="/x?p=2"> Page suivante </a>')
    page = Selector(text=html)
    assert next_link(page, "http://h/x", None, ["»", "Page suivante"]) == "http://h/x?p=2"
    assert next_link(Selector(text=html.replace("Page suivante", "xx")), "http://h/x", None, ["»", "Last"]) is None
    assert last_page_link(page, "http://h/x") == "http://h/x?p=9"
    assert next_link(Selector(text='<a rel="next" href="/x?p=3">→</a>'), "http://h/x", None, ["»"]) == \
        "http://h/x?p=3"
    # the CSS selector wins when it matches
    assert next_link(page, "http://h/x", "a:last-child::attr(href)", ["»"]) == "http://h/x?p=2"


def test_first_page_url_by_canonical_first_page_link_or_rewrite() -> None:
    page = Selector(text=_thread_page(7, 2, 3))
    base = {"thread_link": "a::attr(href)", "post": {"container": "div.post", "body": ".body"}}
    canonical = ForumSelectors.model_validate({**base, "thread_canonical": "link[rel=canonical]::attr(href)"})
    assert first_page_url(page, "http://h/t/7?page=2", canonical) == "http://h/t/7"
    first_link = ForumSelectors.model_validate({**base, "thread_first_page": "div.nav a:first-child::attr(href)"})
    assert first_page_url(page, "http://h/t/7?page=2", first_link) == "http://h/t/7"
    rewrite = [UrlRewrite(pattern=r"/post/(\d+)/(\d+)$", template=r"/t/\1")]
    assert thread_key("http://h/post/7/123#p123", rewrite) == "http://h/t/7"
    # a listing's link and the page's own URL (percent-encoded, as Scrapy requests it): one thread
    assert thread_key("http://h/topic/10/combo-françois?page=2", []) == "http://h/topic/10/combo-fran%C3%A7ois?page=2"
    assert thread_key("http://h/topic/10/combo-fran%C3%A7ois", []) == "http://h/topic/10/combo-fran%C3%A7ois"
    assert first_page_url(page, "http://h/t/é", first_link) == "http://h/t/7"
    with pytest.raises(ValueError, match="uses group 2"):
        UrlRewrite(pattern=r"/post/(\d+)", template=r"/t/\2")


def test_extract_forum_page_for_source_try() -> None:
    source = SourceConfig.model_validate({
        "name": "mini", "network": "direct", "start_urls": ["http://127.0.0.1:1/"], "schedule": {"interval": "1h"},
        "forum": {**FORUM, "thread_canonical": "link[rel=canonical]::attr(href)"}})
    thread = extract_forum_page(source, _thread_page(5, 1, 2), "http://127.0.0.1:1/t/5")
    assert thread.thread_key == "http://127.0.0.1:1/t/5" and thread.thread_next_page == "http://127.0.0.1:1/t/5?page=2"
    assert [(p.author, p.raw_date, p.posted_at.isoformat() if p.posted_at else None) for p in thread.posts] == [
        ("user510", "1 mars 2026 à 14:00", "2026-03-01T13:00:00+00:00"),
        ("user511", "2 mars 2026 à 14:01", "2026-03-02T13:01:00+00:00")]
    listing = extract_forum_page(source, _listing("Leaks", [("/t/1?page=2", "One")],
                                                  '<a href="/b?p=2">Suivant</a>'), "http://127.0.0.1:1/b")
    assert [(t.url, t.title) for t in listing.threads] == [("http://127.0.0.1:1/t/1?page=2", "One")]
    assert listing.next_page == "http://127.0.0.1:1/b?p=2" and listing.posts == []
