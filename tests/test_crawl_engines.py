"""A second forum engine (XenForo-like markup, XPath selectors, French date text, attachments
without extensions, a login wall that is an in-page error block) crawled from YAML alone: the
shipped `config/sources/example-xenforo.yaml` with only its address changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.forum import crawl, make_config
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def xen_forum() -> Iterator[ForumServer]:
    with ForumServer("xen", size="small", bomb_megabytes=32) as server:
        yield server


def test_xenforo_like_engine_from_yaml_only(xen_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", xen_forum.url, kind="xen", name="test-xen")
    run = crawl(config, tmp_path / "data", "test-xen", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    truth = xen_forum.truth()
    posts = {p["id"]: p for p in truth["posts"]}
    ids = [int(re.sub(r"\D", "", i["post_id"])) for i in run.posts()]
    assert sorted(ids) == sorted(posts), "every post, members-only included, exactly once"
    for item in run.posts():
        post = posts[int(re.sub(r"\D", "", item["post_id"]))]
        assert item["post_id"] == f"post-{post['id']}"
        assert item["author"] == post["author"]
        # "12 mars 2026 à 14:05" in Europe/Paris -> UTC, to the minute
        assert item["posted_at"] == post["posted_at"]
        assert item["thread_title"] == post["thread_title"] and item["board"] == post["board"]
        assert all(v in item["body"] for vs in post["planted"].values() for v in vs)
    files = sorted(i["filename"] for i in run.files())
    assert files == sorted(["patients.csv", "clients.zip/export/clients.csv", "base.sql", "combo-vip.txt"])
    assert run.summary["bombs_refused"] == 1
    assert xen_forum.logout_hits == 0
    assert (xen_forum.login_posts, xen_forum.login_failures) == (1, 0)
    again = crawl(config, tmp_path / "data", "test-xen", extra=["--no-index"])
    assert again.items == [] and again.summary["threads_unchanged"] == len(xen_forum.data.threads)


def test_xenforo_wall_selector_triggers_one_relogin(xen_forum: ForumServer, tmp_path: Path) -> None:
    xen_forum.reset_counters()
    xen_forum.session_mode = "always_expire"
    try:
        config = make_config(tmp_path / "config", xen_forum.url, kind="xen", name="test-xen")
        run = crawl(config, tmp_path / "data", "test-xen", extra=["--no-index"])
    finally:
        xen_forum.session_mode = None
    assert run.returncode == 0
    assert xen_forum.login_posts == 2
    assert run.summary["needs_attention"] is True
