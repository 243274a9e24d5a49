"""Incremental crawling and login behaviour, each on its own small forum (they mutate it)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.fixtures.forum import CrawlRun, crawl, make_config
from vigie.cli import EXIT_SOURCE_BROKEN
from vigie_kit.forum import ForumServer
from vigie_kit.forum_data import POSTS_PER_PAGE

pytestmark = pytest.mark.slow


def _ids(run: CrawlRun) -> list[int]:
    return [int(re.sub(r"\D", "", i["post_id"])) for i in run.posts()]


def test_new_post_is_the_only_thing_emitted(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url)
    first = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert first.returncode == 0, first.stderr[-2000:]
    expected = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"]}
    assert set(_ids(first)) == expected

    # a thread of 2+ full pages: the new post opens a new page, reached from the last known one
    full = fresh_forum.data.boards[0].threads[0]
    if len(full.posts) < 2 * POSTS_PER_PAGE or len(full.posts) % POSTS_PER_PAGE:
        while len(full.posts) < 2 * POSTS_PER_PAGE or len(full.posts) % POSTS_PER_PAGE:
            fresh_forum.add_post(full.id, with_dump=False)
        assert len(crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"]).items) > 0
    pages_before = full.pages
    members_thread = next(t for t in fresh_forum.data.threads.values() if fresh_forum.data.board_of(t).members_only)
    fresh_forum.reset_counters()
    new_a = fresh_forum.add_post(full.id, author="nouveau_venu")
    new_b = fresh_forum.add_post(members_thread.id, author="vip_nouveau")
    again = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert again.returncode == 0, again.stderr[-2000:]
    assert sorted(_ids(again)) == sorted([new_a.id, new_b.id])
    item = next(i for i in again.posts() if i["author"] == "nouveau_venu")
    for values in new_a.planted.values():
        assert all(v in item["body"] for v in values)
    # the known thread was resumed at its last known page, not re-read from page 1
    paths = [h.path for h in fresh_forum.hit_log if re.match(rf"/thread/{full.id}(\?|$)", h.path)]
    assert paths == [f"/thread/{full.id}?page={pages_before}", f"/thread/{full.id}?page={pages_before + 1}"], paths
    assert again.summary["threads_resumed"] == 2

    third = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert third.items == []


def test_session_expiring_once_relogs_in_and_loses_nothing(fresh_forum: ForumServer, tmp_path: Path) -> None:
    fresh_forum.session_mode = "expire_once"
    config = make_config(tmp_path / "config", fresh_forum.url)
    run = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert fresh_forum.login_posts == 2 and fresh_forum.login_failures == 0
    assert run.summary["needs_attention"] is False
    expected = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"]}
    assert set(_ids(run)) == expected and len(_ids(run)) == len(expected)


def test_persistent_login_wall_relogs_once_then_needs_attention(fresh_forum: ForumServer, tmp_path: Path) -> None:
    fresh_forum.session_mode = "always_expire"
    config = make_config(tmp_path / "config", fresh_forum.url)
    run = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert fresh_forum.login_posts == 2, "one login, then exactly one re-login: no loop"
    assert run.summary["needs_attention"] is True
    assert "login wall" in run.summary["attention_reason"]
    login_pages = sum(n for p, n in fresh_forum.hits.items() if p.startswith("/login"))
    members = [b for b in fresh_forum.data.boards if b.members_only]
    assert login_pages <= 2 + 2 * (1 + sum(len(b.threads) for b in members)), "bounded, never a loop"
    # public boards were still crawled completely
    public = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"] and not p["members_only"]}
    assert public <= set(_ids(run))
    status = sqlite3.connect(Path(run.summary["state_path"])).execute(
        "SELECT status, reason FROM sources WHERE source='test-phpbb'").fetchone()
    assert status[0] == "needs_attention" and "login wall" in status[1]


def test_wrong_password_is_reported_not_retried(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url, password="not-the-password")
    run = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert run.returncode == EXIT_SOURCE_BROKEN, "a wrong password fails the crawl (it used to exit 0)"
    assert run.summary["needs_attention"] is True and "login" in run.summary["attention_reason"]
    assert run.summary["failures"]["login_failed"] == 1 and "login" in run.summary["broken"]
    assert fresh_forum.login_posts == 1, "a failed login is not retried in a loop"
    assert run.items == [] and run.summary["pages"] == 2, "nothing is crawled as a guest after the failed login"


def test_paste_site_incremental_by_id(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url, kind="paste", name="test-paste")
    first = crawl(config, tmp_path / "data", "test-paste", extra=["--no-index"])
    assert first.returncode == 0, first.stderr[-2000:]
    truth = fresh_forum.truth()["pastes"]
    assert sorted(i["post_id"] for i in first.items) == sorted(p["id"] for p in truth)
    for item in first.items:
        paste = next(p for p in truth if p["id"] == item["post_id"])
        assert item["url"] == paste["url"] and item["thread_title"] == paste["title"]
        assert all(v in item["body"] for vs in paste["planted"].values() for v in vs)
    fresh_forum.reset_counters()
    new = fresh_forum.add_paste()
    second = crawl(config, tmp_path / "data", "test-paste", extra=["--no-index"])
    assert [i["post_id"] for i in second.items] == [new.id]
    assert [p for p in fresh_forum.hits if p.startswith("/raw/")] == [f"/raw/{new.id}"]
    assert "/recent?page=2" not in fresh_forum.hits, "older listing pages hold nothing new"


def test_paste_listing_is_walked_whole_after_an_interrupted_crawl(fresh_forum: ForumServer, tmp_path: Path) -> None:
    """Unseen pastes behind a page of seen ones are fetched when the previous crawl did not end
    cleanly; after a clean crawl the listing walk stops at the first page with nothing new."""
    from crawler.state import CrawlState
    from vigie_kit.forum_data import PASTES_PER_PAGE

    config = make_config(tmp_path / "config", fresh_forum.url, kind="paste", name="test-paste")
    for _ in range(2 * PASTES_PER_PAGE):  # three listing pages
        fresh_forum.add_paste()
    listing = list(reversed(fresh_forum.data.pastes))  # /recent shows the newest first
    assert len(listing) > 2 * PASTES_PER_PAGE
    # an interrupted crawl: page 1's pastes were handed off, then the process died
    state = CrawlState(tmp_path / "data" / "crawl-state.sqlite3", "test-paste")
    for paste in listing[:PASTES_PER_PAGE]:
        state.record_paste(str(paste.id), "h")
    state.set_status("running")
    state.close()
    resumed = crawl(config, tmp_path / "data", "test-paste", extra=["--no-index"])
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert sorted(i["post_id"] for i in resumed.items) == sorted(str(p.id) for p in listing[PASTES_PER_PAGE:])
    # now clean: a new paste is found on page 1 and the walk stops there
    fresh_forum.reset_counters()
    new = fresh_forum.add_paste()
    again = crawl(config, tmp_path / "data", "test-paste", extra=["--no-index"])
    assert [i["post_id"] for i in again.items] == [str(new.id)]
    assert "/recent?page=3" not in fresh_forum.hits
