"""An imageboard's thread marker (tests/engine_pages/vichan/source.yaml): a thread's reply count
read the same way on the board index ("1 post omitted" plus the replies shown) and on the catalog
("R: 4 / I: 1"), so that a crawl fetches again only the threads someone answered. Before, the
imageboard sources had no `thread_marker`: every crawl fetched every thread page of the board.

The pages are vichan's (round 4 of the markup probe), copied so that a reply can be posted between
two crawls the way vichan shows it: one more `div.post.reply` in the thread's row on the index and
on its thread page (the catalog's count would say 1 too; the index is enough here)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.fixtures.engine_pages import ENGINE_PAGES, EnginePages
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _config
from vigie_kit.forum_engines import EngineServer

REPLY = ('<div class="post reply" id="reply_301"><p class="intro"><label for="delete_301"><input type="checkbox" '
         'class="delete" name="delete_301" id="delete_301" /><span class="name">Anonymous</span></label> '
         '<span class="poster_id">77ab01</span> <time datetime="2026-12-03T10:12:40Z">12/03/26 (Thu) 11:12:40</time>'
         '<a class="post_no" id="post_no_301" onclick="highlightReply(301)" href="/db/res/300.html#301">No.</a>'
         '<a class="post_no" onclick="citeReply(301)" href="/db/res/300.html#q301">301</a></p><div class="body">'
         '<a onclick="highlightReply(\'300\', event);" href="/db/res/300.html#300">&gt;&gt;300</a><br/>'
         "Toujours dispo ? Je prends la liste complète.</div></div><br/>")


def _thread_pages(view: EnginePages) -> list[str]:
    return [key for key in view.served if key.startswith("/db/res/")]


def _reply_in_thread_300(root: Path) -> None:
    """Reply 301 in thread 300, on its index row and its own page (vichan renders both anew)."""
    for name in ("index-1.html", "res-300.html"):
        page = root / name
        text = page.read_text(encoding="utf-8")
        end = text.index('<br class="clear"/><hr/></div>', text.index('id="thread_300"'))
        page.write_text(text[:end] + REPLY + text[end:], encoding="utf-8")


def test_an_imageboard_thread_is_fetched_again_only_when_its_reply_count_changes(tmp_path: Path) -> None:
    view = EnginePages("vichan")
    view.root = tmp_path / "vichan"
    shutil.copytree(ENGINE_PAGES / "vichan", view.root)
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", "vichan", server.url)
        first = crawl(config, tmp_path / "data", name, timeout=120)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sorted(_thread_pages(view)) == ["/db/res/100.html", "/db/res/200.html", "/db/res/300.html"]
        view.served.clear()
        second = crawl(config, tmp_path / "data", name, timeout=120)
        assert (second.returncode, second.items, _thread_pages(view)) == (0, [], []), second.stderr[-3000:]
        _reply_in_thread_300(view.root)
        view.served.clear()
        third = crawl(config, tmp_path / "data", name, timeout=120)
    assert third.returncode == 0, third.stderr[-3000:]
    assert _thread_pages(view) == ["/db/res/300.html"]
    assert [(p["post_id"], p["author"], p["posted_at"]) for p in third.posts()] == [
        ("reply_301", "Anonymous", "2026-12-03T10:12:40Z")]
    assert third.summary["failures"] == {kind: 0 for kind in third.summary["failures"]}, third.summary
