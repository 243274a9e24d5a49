"""Imageboards' thread markers (tests/engine_pages/{vichan,lynxchan,jschan}/source.yaml): a thread's
reply count, read from its board row (the "N posts omitted" notice plus the replies the row shows;
vichan's catalog tile "R: N" gives the same number), so that a crawl fetches again only the
threads someone answered. Before, the imageboard sources had no `thread_marker`: every crawl
fetched every thread page of the board. (TinyIB's rows are no elements: its posts are siblings in
one form, so no selector relative to a row can count a thread's replies; its source has none.)

The pages are round 4's, copied so that a reply can be posted between two crawls the way each
engine shows it: one more reply in the thread's row on the board page and on its thread page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.engine_pages import ENGINE_PAGES, EnginePages
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _config
from vigie_kit.forum_engines import EngineServer

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
