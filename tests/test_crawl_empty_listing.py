"""`forum.empty_listing`: a board the engine says is empty ("There are no topics here, yet", as
django-spirit prints for its default category) is not a layout change, so its thread selectors
matching nothing are not counted as `selectors_lost`; without the setting, or on a board that
is empty without the engine's message, they still are. One small site on plain loopback HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.forum import crawl
from tests.test_crawl_identity import POST_SELECTORS, MiniSite, write_source

pytestmark = pytest.mark.slow

# the start page is a board with threads and two sub-boards: it is read before them, so the thread
# selectors have matched once when the sub-boards are read (whatever the concurrency)
FORUM: dict[str, Any] = {"start_role": "board", "board_links": "a.board::attr(href)", "thread_rows": "div.topic",
                         "thread_link": "a.t::attr(href)", "post": POST_SELECTORS}
EMPTY = '<html><body><h1>{}</h1><div class="topics"><p>There are no topics here, yet</p></div></body></html>'


@pytest.fixture
def site() -> Iterator[MiniSite]:
    s = MiniSite()
    s.pages.update({
        "/b/1": '<html><body><h1>Full</h1><a class="board" href="/b/2">2</a><a class="board" href="/b/3">3</a>'
                '<div class="topics"><div class="topic"><a class="t" href="/t/1">one</a></div></div></body></html>',
        "/b/2": EMPTY.format("Empty"),
        "/b/3": '<html><body><h1>Broken</h1><div class="topics"><ul><li>changed layout</li></ul></div></body></html>',
        "/t/1": '<html><body><div class="post" id="a1"><span class="author">x</span>'
                '<span class="date">3 mars 2026 à 10:00</span><div class="body">body a1</div></div></body></html>',
    })
    yield from s.serve()


@pytest.mark.parametrize(("empty_listing", "lost"), [(None, 4), ("div.topics > p", 2)])
def test_an_empty_board_the_engine_announces_is_no_lost_selector(site: MiniSite, tmp_path: Path,
                                                                  empty_listing: str | None, lost: int) -> None:
    forum = {**FORUM, **({"empty_listing": empty_listing} if empty_listing else {})}
    config = write_source(tmp_path / "config", site, forum, start="/b/1")
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert [i["post_id"] for i in run.items] == ["a1"]
    # thread_rows and thread_link, on each board page without threads that is not announced empty
    assert run.summary["failures"]["selectors_lost"] == lost, run.summary
