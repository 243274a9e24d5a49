"""Imageboards' thread markers (tests/engine_pages/{vichan,lynxchan,jschan}/source.yaml): a thread's
reply count, read from its board row (the "N posts omitted" notice plus the replies the row shows;
vichan's catalog tile "R: N" gives the same number), so that a crawl fetches again only the
threads someone answered. Before, the imageboard sources had no `thread_marker`: every crawl
fetched every thread page of the board. (TinyIB's rows are no elements: its posts are siblings in
one form, so no selector relative to a row can count a thread's replies; its source has none.)

The pages are round 4's, copied so that a reply can be posted between two crawls the way each
engine shows it: one more reply in the thread's row on the board page and on its thread page. vichan's
catalog is left as it was, a listing rebuilt later: the thread is read whichever listing the crawl
meets first (the last test)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.engine_pages import ENGINE_PAGES, EnginePages
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _config
from vigie_kit.forum_engines import EngineServer, Page, Request

VICHAN_REPLY = (
    '<div class="post reply" id="reply_301"><p class="intro"><label for="delete_301"><input type="checkbox" '
    'class="delete" name="delete_301" id="delete_301" /><span class="name">Anonymous</span></label> '
    '<span class="poster_id">77ab01</span> <time datetime="2026-12-03T10:12:40Z">12/03/26 (Thu) 11:12:40</time>'
    '<a class="post_no" id="post_no_301" onclick="highlightReply(301)" href="/db/res/300.html#301">No.</a>'
    '<a class="post_no" onclick="citeReply(301)" href="/db/res/300.html#q301">301</a></p><div class="body">'
    '<a onclick="highlightReply(\'300\', event);" href="/db/res/300.html#300">&gt;&gt;300</a><br/>'
    "Toujours dispo ? Je prends la liste complète.</div></div><br/>")
LYNXCHAN_REPLY = (
    '<div class="postCell" data-boarduri="db" id="301"><div class="innerPost"><div class="postInfo title"> '
    '<input type="checkbox" class="deletionCheckBox" name="db-300-301"> <a class="linkName noEmailName">Anonymous</a>'
    '  <span class="labelCreated">12/03/2026 (Thu) 10:12:40</span> <span class="spanId"> Id:<span class="labelId" '
    'style="background-color: #77ab01">77ab01</span></span> <a class="linkSelf" href="/db/res/300.html#301">No.</a> '
    '<a class="linkQuote" href="/db/res/300.html#q301">301</a> <a class="linkPreview" href="/db/preview/301.html">'
    '[Preview]</a> <span class="panelBacklinks"></span></div><div class="panelUploads"></div><div class="divMessage">'
    '<a class="quoteLink" href="/db/res/300.html#300">&gt;&gt;300</a><br>Toujours dispo ? Je prends la liste '
    "complète.</div></div></div>")
JSCHAN_REPLY = (
    '<div class="anchor" id="301"></div><div class="post-container" data-board="db" data-post-id="301" '
    'data-user-id="77ab01" data-name="Anonymous"><div class="post-info"><span><label><input class="post-check" '
    'type="checkbox" name="checkedposts" value="301"> <span class="post-name">Anonymous</span> </label><time '
    'class="post-date reltime" datetime="2026-12-03T10:12:40.000Z">12/03/2026, 11:12:40</time> <span class="user-id" '
    'style="background-color: #77ab01">77ab01</span> </span><span class="post-links"><a class="noselect '
    'no-decoration" href="/db/thread/300.html#301">No.</a><span class="post-quoters"><a class="no-decoration" '
    'href="/db/thread/300.html#postform">301</a></span></span></div><div class="post-data"><pre class="post-message">'
    '<a class="quote" href="/db/thread/300.html#300">&gt;&gt;300</a>\nToujours dispo ? Je prends la liste complète.'
    "</pre></div></div>")
# engine: (its board page and thread 300's page; in both, where thread 300 starts and the markup the
# reply goes before (vichan, jschan: the row's end) or after (LynxChan: the row's empty div.divPosts);
# the reply; the thread page's path; the reply's post id as the source reads it)
CASES = {
    "vichan": (("index-1.html", "res-300.html"), ('id="thread_300"', '<br class="clear"/><hr/></div>', False),
               VICHAN_REPLY, "/db/res/300.html", "reply_301"),
    "lynxchan": (("board-1.html", "res-300.html"), ('class="opCell" id="300"', '<div class="divPosts">', True),
                 LYNXCHAN_REPLY, "/db/res/300.html", "301"),
    "jschan": (("index-1.html", "thread-300.html"), ('data-post-id="300"', "</section>", False), JSCHAN_REPLY,
               "/db/thread/300.html", "301"),
}


def _thread_pages(view: EnginePages) -> list[str]:
    return [key for key in view.served if "/res/" in key or "/thread/" in key]


def _reply_in_thread_300(root: Path, engine: str) -> None:
    """A reply in thread 300, on its board row and its own page (the engine renders both anew)."""
    pages, (start, anchor, after), reply, _, _ = CASES[engine]
    for name in pages:
        page = root / name
        text = page.read_text(encoding="utf-8")
        at = text.index(anchor, text.index(start)) + (len(anchor) if after else 0)
        page.write_text(text[:at] + reply + text[at:], encoding="utf-8")


@pytest.mark.parametrize("engine", sorted(CASES))
def test_an_imageboard_thread_is_fetched_again_only_when_its_reply_count_changes(engine: str, tmp_path: Path) -> None:
    view = EnginePages(engine)
    view.root = tmp_path / engine
    shutil.copytree(ENGINE_PAGES / engine, view.root)
    thread = CASES[engine][3]
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", engine, server.url)
        first = crawl(config, tmp_path / "data", name, timeout=120)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sorted(_thread_pages(view)) == [thread.replace("300", n) for n in ("100", "200", "300")]
        view.served.clear()
        second = crawl(config, tmp_path / "data", name, timeout=120)
        assert (second.returncode, second.items, _thread_pages(view)) == (0, [], []), second.stderr[-3000:]
        _reply_in_thread_300(view.root, engine)
        view.served.clear()
        third = crawl(config, tmp_path / "data", name, timeout=120)
    assert third.returncode == 0, third.stderr[-3000:]
    assert _thread_pages(view) == [thread]
    assert [(p["post_id"], p["author"], p["posted_at"]) for p in third.posts()] == [
        (CASES[engine][4], "Anonymous", "2026-12-03T10:12:40Z")]
    assert "Toujours dispo" in third.posts()[0]["body"]
    assert third.summary["failures"] == {kind: 0 for kind in third.summary["failures"]}, third.summary


class _TwoListings:
    """A board whose thread 7 is listed on both of its pages: page 1 is a stale cached copy (its
    marker says 0 replies until `fresh_first` too), page 2 is live (`replies`). Page 2 is reached
    from page 1's next link, so the crawl always meets the stale row first."""

    data: Any = None

    def __init__(self) -> None:
        self.replies = 0
        self.fresh_first = False
        self.served: list[str] = []

    def _row(self, replies: int) -> str:
        return f'<tr class="row"><td><a href="/t/7">Thread 7</a></td><td class="replies">{replies}</td></tr>'

    def handle(self, req: Request) -> Page:
        self.served.append(req.path)
        if req.path == "/board":
            return Page(200, f'<html><body><h1>Board</h1><table>{self._row(self.replies if self.fresh_first else 0)}'
                             '</table><a rel="next" href="/board/2">Next</a></body></html>')
        if req.path == "/board/2":
            return Page(200, f"<html><body><h1>Board</h1><table>{self._row(self.replies)}</table></body></html>")
        if req.path == "/t/7":
            posts = "".join(f'<div class="post" id="p{n}"><span class="by">u{n}</span><div class="text">post {n} '
                            f"of thread 7</div></div>" for n in range(self.replies + 1))
            return Page(200, f"<html><body><h1>Thread 7</h1>{posts}</body></html>")
        return Page(404, "<html><body>404</body></html>")

    def truth(self, base: str) -> dict[str, Any]:
        return {}


def test_a_thread_one_listing_shows_changed_is_read_whichever_listing_comes_first(tmp_path: Path) -> None:
    """Before, the first listing met decided: a stale row whose marker had not changed made the
    crawl skip the thread, and the live row met next was ignored (`listed twice: read once`), so
    a reply waited for a crawl where the stale listing was met second (vichan's catalog, rebuilt
    after its index, made tests/test_engine_markup_probe5.py's vichan case fail 1 run in 7)."""
    view = _TwoListings()
    source = {"name": "two-listings", "kind": "forum", "network": "direct", "schedule": {"interval": "1h"},
              "limits": {"delay_seconds": 0, "autothrottle": False, "retries": 0, "timeout_seconds": 20},
              "forum": {"start_role": "board", "thread_rows": "tr.row", "thread_link": "a::attr(href)",
                        "thread_marker": "td.replies", "next_page": "a[rel=next]::attr(href)",
                        "post": {"container": "div.post", "post_id": "::attr(id)", "author": "span.by",
                                 "body": "div.text"}}}
    with EngineServer(view) as server:
        source["start_urls"] = [server.url + "/board"]
        config = tmp_path / "config"
        (config / "sources").mkdir(parents=True)
        (config / "sources" / "two-listings.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
        (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
        first = crawl(config, tmp_path / "data", "two-listings", timeout=90)
        view.replies = 1  # a reply: the live page 2 says so, the cached page 1 not yet
        view.served.clear()
        second = crawl(config, tmp_path / "data", "two-listings", timeout=90)
        view.fresh_first = True  # the cache caught up: both rows say 1, as stored
        view.served.clear()
        third = crawl(config, tmp_path / "data", "two-listings", timeout=90)
    assert [p["post_id"] for p in first.posts()] == ["p0"], first.stderr[-2000:]
    assert (second.returncode, [p["post_id"] for p in second.posts()]) == (0, ["p1"]), second.stderr[-2000:]
    assert view.served.count("/t/7") == 0 and third.items == []


# vichan's (and 4chan's) thread API, /db/res/100.json: the posts' records, their text as HTML in `com`
THREAD_JSON = json.dumps({"posts": [
    {"no": 100, "sub": "Fuite patients clinique-exemple", "name": "alice", "trip": "!Zx9ALiCe3", "time": 1795905731,
     "now": "11/28/26 (Sat) 22:42:11", "resto": 0, "replies": 1, "com": "Base patients, extrait :<br/>"
     "nom;prenom;email;telephone<br/>Garnier;Élodie;elodie.garnier@orange.fr;06 42 18 77 35<br/>"
     "Brunet;Mathieu;mathieu.brunet@free.fr;+33 7 81 22 40 19<br/>Lemaire;Josiane;josiane.lemaire@laposte.net;"
     "01 45 67 21 90</p>"},
    {"no": 101, "name": "Anonymous", "time": 1795992627, "now": "11/29/26 (Sun) 23:50:27", "resto": 100,
     "com": '<a onclick="highlightReply(\'100\', event);" href="/db/res/100.html#100">&gt;&gt;100</a><br/>'
            "Merci, lignes valides."}]})


class _ApiBoard:
    """A vichan board: its index in HTML (a thread's link is its HTML page), each thread also served
    by its API as JSON (`application/json`), which the source reads instead."""

    data: Any = None

    def __init__(self) -> None:
        self.served: list[str] = []

    def handle(self, req: Request) -> Page:
        self.served.append(req.path)
        if req.path == "/db/":
            return Page(200, '<html><body><h1>/db/</h1><div class="thread" id="thread_100"><a href="/db/res/100.html">'
                             "[Reply]</a></div></body></html>")
        if req.path == "/db/res/100.json":
            return Page(200, THREAD_JSON, ctype="application/json")
        return Page(404, "<html><body>404</body></html>")

    def truth(self, base: str) -> dict[str, Any]:
        return {}


def test_an_imageboard_thread_read_from_its_json_api(tmp_path: Path) -> None:
    """`thread_url_rewrite` turns the index's HTML thread links into the API's, and `post.from_json`
    reads the page that is JSON itself. Before, such a page was parsed as HTML: the JSON was no
    element's text (the tags in its strings were parsed), the source matched no post."""
    view = _ApiBoard()
    source = {"name": "vichan-api", "kind": "forum", "network": "direct", "schedule": {"interval": "1h"},
              "limits": {"delay_seconds": 0, "autothrottle": False, "retries": 0, "timeout_seconds": 20},
              "forum": {"start_role": "board", "thread_rows": "div.thread",
                        "thread_link": "a[href*='/res/']::attr(href)",
                        "thread_url_rewrite": [{"pattern": r"\.html$", "template": ".json"}],
                        "post": {"container": "script#vigie-json",
                                 "from_json": {"source": "script#vigie-json::text", "pair": "records",
                                               "records": "posts[*]", "post_id": "no", "author": "name",
                                               "date": "time", "body": "com",
                                               "thread_title": "$.posts[0].sub"}}}}
    with EngineServer(view) as server:
        source["start_urls"] = [server.url + "/db/"]
        config = tmp_path / "config"
        (config / "sources").mkdir(parents=True)
        (config / "sources" / "vichan-api.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
        (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
        run = crawl(config, tmp_path / "data", "vichan-api", timeout=90)
        thread = server.url + "/db/res/100.json"
    assert run.returncode == 0, run.stderr[-3000:]
    assert "/db/res/100.html" not in view.served and view.served.count("/db/res/100.json") == 1
    posts = [(p["post_id"], p["author"], p["posted_at"], p["thread_url"], p["thread_title"]) for p in run.posts()]
    assert posts == [("100", "alice", "2026-11-28T22:42:11Z", thread, "Fuite patients clinique-exemple"),
                     ("101", "Anonymous", "2026-11-29T22:50:27Z", thread, "Fuite patients clinique-exemple")]
    body = run.posts()[0]["body"]
    assert "nom;prenom;email;telephone\nGarnier;Élodie;elodie.garnier@orange.fr;06 42 18 77 35\n" in body
    assert run.posts()[1]["body"].endswith("Merci, lignes valides.") and run.summary["fragments"] >= 1
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary


def test_a_json_page_is_held_whole_and_an_html_page_is_not_taken_for_one() -> None:
    from crawler._markup import JSON_PAGE_SCRIPT, json_page_selector

    hostile = '{"posts": [{"com": "</script><div id=\\"x\\">injected</div>"}]}'
    for content_type in ("application/json; charset=utf-8", "text/plain", None):
        page = json_page_selector(hostile, content_type)
        assert page is not None and json.loads(page.css(f"{JSON_PAGE_SCRIPT}::text").get() or "") == json.loads(hostile)
        assert page.css("div#x") == []  # a string of the JSON is no element of the page
    assert json_page_selector('{"looks": "like json"}', "text/html") is None
    assert json_page_selector("<html><body>[1]</body></html>", "text/plain") is None
