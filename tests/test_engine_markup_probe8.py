"""What round 7 of the engine markup probe (tests/engine_pages/README.md, "Round 7") found the
product got wrong, as its class rather than its one page:

- A thread's next link that REDIRECTS into another thread (SMF 2.1's and ElkArte's
  `?topic=12.0;prev_next=next`, phpBB's `view=next`, answered 302 to the next topic): the page it
  ends on names its own final URL as its canonical, and that URL was taken for the page's own, so
  the next topic's posts were emitted as this thread's (wave 30 caught the same next page served
  in place, not redirected). The final URL is now the page's own only when it lies under the
  thread's key or the requested URL (a page 2 redirected to its canonical address still is).

- A Cl0p-style leak site (tests/engine_pages/cl0p, crawled by tests/test_engine_leaksite_probe.py)
  lists its victims by name alone; each victim's deadline or publication date, and its status, are
  printed on its own page only. That page was read for its files alone: every victim had no
  deadline. `file_tree.deadline` and `file_tree.status` read them there, where the row shows none.

- A Dread-like forum (tests/engine_pages/dread, crawled by tests/test_engine_markup_probe.py) prints a
  comment nested too deep as "continue this thread →", a page of that branch: a tree of pages no
  next link (a chain) walks, so a dump posted as a deep reply was never read, silently.
  `thread_more_links` names them (each read once as the thread's); `vigie source try` shows them.

Cheap: `other_thread`, `victim_from_page` and `vigie source try` on small pages (no crawl: the
crawls are the probes').
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from parsel import Selector

from crawler.spiders.extract import other_thread
from crawler.spiders.leaksite import victim_from_page
from indexer.models import VictimRecord
from vigie.config.schema import ForumSelectors, LeaksiteSelectors

H = "http://forum.example"
_CANONICAL = "link[rel=canonical]::attr(href)"
_CRUMB = "ul.crumbs li:last-child a::attr(href)"


def _forum(**extra: Any) -> ForumSelectors:
    return ForumSelectors.model_validate({"thread_link": "a::attr(href)",
                                          "post": {"container": "article", "body": "section"}, **extra})


def _page(head: str = "", body: str = "") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}<article><section>x</section></article></body></html>")


def _canonical(href: str) -> Selector:
    return _page(head=f'<link rel="canonical" href="{href}">')


def test_a_next_link_redirected_into_another_thread_is_recognised() -> None:
    """The next link answered by a redirect to another topic, the page there naming itself: SMF
    2.1's canonical, ElkArte's breadcrumb, phpBB 3's `view=next` (`t=1` is no prefix of `t=13`'s
    thread), a path-style engine's next topic, and a key rewritten by `thread_url_rewrite`."""
    smf = f"{H}/index.php?topic=13.0"
    assert other_thread(_canonical(smf), smf, f"{H}/index.php?topic=12.0;prev_next=next", f"{H}/index.php?topic=12.0",
                        _forum(thread_canonical=_CANONICAL)) == smf
    crumb = _page(body=f'<ul class="crumbs"><li><a href="{H}/index.php">Forum</a></li>'
                       f'<li><a href="{H}/index.php?topic=13.0">Topic 13</a></li></ul>')
    assert other_thread(crumb, f"{H}/index.php?topic=13.0", f"{H}/index.php?topic=12.15;prev_next=next",
                        f"{H}/index.php?topic=12.0", _forum(thread_first_page=_CRUMB)) == smf
    phpbb = f"{H}/viewtopic.php?t=13"
    assert other_thread(_canonical(phpbb), phpbb, f"{H}/viewtopic.php?t=1&view=next", f"{H}/viewtopic.php?t=1",
                        _forum(thread_canonical=_CANONICAL)) == phpbb
    path = f"{H}/t/reselling-question/13"
    assert other_thread(_canonical(path), path, f"{H}/t/patients-db/12/next", f"{H}/t/patients-db/12",
                        _forum(thread_canonical=_CANONICAL)) == path
    rewritten = _forum(thread_canonical=_CANONICAL,
                       thread_url_rewrite=[{"pattern": r"-p\d+\.html$", "template": ".html"}])
    assert other_thread(_canonical(f"{H}/forum/t13-reselling.html"), f"{H}/forum/t13-reselling-p1.html",
                        f"{H}/forum/t12-patients-p3.html", f"{H}/forum/t12-patients.html", rewritten) == \
        f"{H}/forum/t13-reselling.html"


def test_a_next_link_redirected_to_a_page_of_the_same_thread_is_no_other_thread() -> None:
    """Negatives: a page 2 redirected to its canonical address under the thread's key (XenForo's
    `page-2`, vBulletin's SEO path, phpBB's `start=`), a page whose redirect drops the page number
    (the thread's first page), and a redirect to the same page with a session id the key leaves out."""
    canonical = _forum(thread_canonical=_CANONICAL)
    xf = f"{H}/threads/patients.12/page-2"
    assert other_thread(_canonical(xf), xf, f"{H}/threads/12/page-2", f"{H}/threads/patients.12/", canonical) is None
    vb = f"{H}/threads/12-patients-db/page2"
    assert other_thread(_canonical(vb), vb, f"{H}/showthread.php?t=12&page=2", f"{H}/threads/12-patients-db",
                        canonical) is None
    phpbb = f"{H}/viewtopic.php?t=12&start=15"
    assert other_thread(_canonical(phpbb), phpbb, f"{H}/viewtopic.php?p=115", f"{H}/viewtopic.php?t=12",
                        canonical) is None
    first = f"{H}/viewtopic.php?t=12"
    assert other_thread(_canonical(first), first, f"{H}/viewtopic.php?t=12&start=30", first, canonical) is None
    sid = f"{H}/viewtopic.php?t=12&start=15&sid={'0123456789abcdef' * 2}"
    assert other_thread(_canonical(sid), sid, f"{H}/viewtopic.php?t=12&start=15", first, canonical) is None


_NOW = datetime(2026, 12, 6, 0, 30, tzinfo=UTC)


def _site(**tree: Any) -> LeaksiteSelectors:
    return LeaksiteSelectors.model_validate({"rows": "li", "name": "a", "file_links": "a::attr(href)",
                                             "file_tree": {"rows": "tr:has(td.file)", "name": "td.file", **tree}})


def _victim(**extra: Any) -> VictimRecord:
    return VictimRecord(source="s", url=f"{H}/", name="clinique-exemple.fr", **extra)


def test_a_victims_deadline_and_status_are_read_on_its_own_page() -> None:
    """Cl0p's "DEADLINE: 12/09/2026 18:00 UTC" text, a script's countdown end in `data-timer` (a
    Unix time), a countdown written out ("2d 04h 00m"), `<time datetime>`; "PUBLISHED" on the page."""
    text = Selector(text='<p class="deadline">DEADLINE: 12/09/2026 18:00 UTC. IF THE COMPANY ...</p>')
    dated = _site(deadline={"selector": "p.deadline", "pattern": r"(\d\d/\d\d/\d{4} \d\d:\d\d) UTC",
                            "format": "%m/%d/%Y %H:%M"})
    got, unparsed = victim_from_page(text, _victim(), dated, _NOW)
    assert (got.deadline_at, unparsed) == (datetime(2026, 12, 9, 18, 0, tzinfo=UTC), False)
    timer = Selector(text='<div class="timer" data-timer="1796493600"><span>00</span>D <span>00</span>h</div>')
    got, _ = victim_from_page(timer, _victim(), _site(deadline={"selector": "div.timer::attr(data-timer)"}), _NOW)
    assert got.deadline_at == datetime.fromtimestamp(1796493600, UTC)
    countdown = Selector(text='<div class="count">Time left: 2d 04h 00m</div>')
    got, _ = victim_from_page(countdown, _victim(), _site(deadline={"selector": "div.count"}), _NOW)
    assert got.deadline_at == _NOW + timedelta(days=2, hours=4)
    machine = Selector(text='<p>Publication <time datetime="2026-11-28T21:42:00Z">Nov 28</time></p>')
    published = _site(deadline={"selector": "time"}, status="p")
    got, _ = victim_from_page(machine, _victim(), published, _NOW)
    assert (got.deadline_at, got.status) == (datetime(2026, 11, 28, 21, 42, tzinfo=UTC), "published")


def test_what_the_row_said_stands_and_an_unread_date_is_told() -> None:
    """Negatives: the row's deadline is kept over the page's; a page whose status says nothing
    published leaves the victim announced, and one the row calls published stays so; a countdown of
    zeros (the digits a script fills in) is no deadline and is reported unread; no `file_tree`
    deadline or status: the record as the row read it."""
    page = Selector(text='<p class="s">Negotiating</p><div class="count">00D 00h 00m 00s</div>')
    site = _site(deadline={"selector": "div.count"}, status="p.s")
    row_deadline = _NOW + timedelta(days=5)
    got, unparsed = victim_from_page(page, _victim(deadline_at=row_deadline), site, _NOW)
    assert (got.deadline_at, got.status, unparsed) == (row_deadline, "announced", False)
    got, unparsed = victim_from_page(page, _victim(status="published"), site, _NOW)
    assert (got.deadline_at, got.status, unparsed) == (None, "published", True)
    bare = _victim()
    assert victim_from_page(page, bare, _site(), _NOW) == (bare, False)


def test_source_try_shows_the_branch_pages_a_thread_page_names() -> None:
    """`vigie source try` on the Dread-like pages (tests/engine_pages/dread): the post's first page
    names its one deep branch ("continue this thread →"), the branch page and the board none; a
    source without `thread_more_links` shows no such key (its JSON is unchanged)."""
    import yaml

    from tests.fixtures.engine_pages import ENGINE_PAGES
    from vigie.cli.source_cmd import try_source
    from vigie.config.schema import SourceConfig

    root = ENGINE_PAGES / "dread"
    source = SourceConfig.model_validate(yaml.safe_load((root / "source.yaml").read_text(encoding="utf-8")))
    base = "http://dread.example"
    first = try_source(source, (root / "post-1.html").read_text(encoding="utf-8"), f"{base}/post/d3a1b2c4e5", _NOW)
    assert first["more_links"] == [f"{base}/post/d3a1b2c4e5/f103c"]
    assert {"name": "thread_more_links", "selector": source.forum.thread_more_links, "matches": 1} in first["selectors"]
    branch = try_source(source, (root / "post-1-f103c.html").read_text(encoding="utf-8"),
                        f"{base}/post/d3a1b2c4e5/f103c", _NOW)
    assert branch["more_links"] == [] and len(branch["posts"]) == 4  # the post, dave's comment and its 2 replies
    board = try_source(source, (root / "board-1.html").read_text(encoding="utf-8"), f"{base}/d/databases", _NOW)
    assert board["more_links"] == []
    plain = source.model_copy(update={"forum": source.forum.model_copy(update={"thread_more_links": None})})
    assert "more_links" not in try_source(plain, (root / "post-1.html").read_text(encoding="utf-8"),
                                          f"{base}/post/d3a1b2c4e5", _NOW)


def test_a_branch_page_that_failed_is_read_again_by_the_next_crawl(tmp_path: Any) -> None:
    """The Dread-like pages crawled twice, the branch page ("continue this thread →") answering 404
    the first time: its two posts (a dump among them) are read by the second crawl, which fetches
    that thread again, its branch with it, and not the other thread (its marker was stored). Before,
    the thread's last page stored its marker whatever became of its branches: the second crawl
    skipped the thread (or resumed past the page naming the branch) and the posts stayed lost.
    Two crawls of the small Dread-like site (~5 s): the one end-to-end proof of that road."""
    from urllib.parse import parse_qsl

    from tests.fixtures.engine_pages import route_key
    from tests.fixtures.forum import crawl
    from tests.test_engine_markup_probe import _config, _EncodedPages
    from vigie_kit.forum_engines import EngineServer, Page, Request

    class BranchGone(_EncodedPages):
        gone = True

        def handle(self, req: Request) -> Page:
            key = route_key(req.path, parse_qsl(req.raw_query, keep_blank_values=True))
            if self.gone and key.endswith("/f103c"):
                self.served.append(key)
                return Page(404, b"gone")
            return super().handle(req)

    view = BranchGone("dread")
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", "dread", server.url)
        first = crawl(config, tmp_path / "data", name, timeout=120)
        assert first.returncode == 0, first.stderr[-2000:]
        assert {p["post_id"] for p in first.posts()} & {"c-f104d", "c-f105e"} == set()
        view.served.clear()
        view.gone = False
        second = crawl(config, tmp_path / "data", name, timeout=120)
    assert second.returncode == 0, second.stderr[-2000:]
    assert sorted(p["post_id"] for p in second.posts()) == ["c-f104d", "c-f105e"]
    assert sorted(p for p in view.served if p.startswith("/post/")) == \
        ["/post/d3a1b2c4e5", "/post/d3a1b2c4e5/f103c", "/post/d3a1b2c4e5?page=2"]
