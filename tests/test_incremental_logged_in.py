"""Incremental crawls while logged in (issue 13): after a first full crawl, a reply in a short
thread, a reply on the last page of a long thread and a new thread are added; the next crawl
emits exactly those three posts, each under its thread's canonical URL.

Why logged in matters: the listing then changes with the account's reading state (the Django
forum links a thread with unread posts to `/post/<id>/`, the flat one links a long thread to its
`?page=N` bookmark). A crawl keyed by those links re-emitted old posts under new keys or missed
the new ones. Both kit forums run on loopback here (the Tor path is tests/test_forum_engines_e2e.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fixtures.forum import ENGINE_ENV, crawl, engine_config, post_number, truth_mismatches
from vigie_kit.forum_django import PER_PAGE as DJANGO_PER_PAGE
from vigie_kit.forum_django import django_forum
from vigie_kit.forum_flat import PER_PAGE as FLAT_PER_PAGE
from vigie_kit.forum_flat import flat_forum

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["django", "flat"])
def test_exactly_the_new_posts_are_emitted(engine: str, tmp_path: Path) -> None:
    per_page = DJANGO_PER_PAGE if engine == "django" else FLAT_PER_PAGE
    with (django_forum() if engine == "django" else flat_forum()) as server:
        config = engine_config(tmp_path / "config", engine, server.url)
        source, data_dir = f"test-{engine}", tmp_path / "data"
        first = crawl(config, data_dir, source, extra=["--no-index"], env=ENGINE_ENV)
        assert first.returncode == 0, first.stderr[-3000:]
        assert truth_mismatches(first.posts(), server.truth()) == []

        data = server.view.data
        threads = list(data.threads.values())
        short = next(t for t in threads if len(t.posts) < per_page - 1)
        long = next(t for t in threads if len(t.posts) > 2 * per_page)
        board = data.board_of(threads[0])
        now = datetime.now(UTC)
        added = [data.post(short, now, "combo"),
                 data.post(long, now, "csv", quote=long.posts[-1]),
                 data.post(data.thread(board, "[VENTE] Base clients Nouvelle SA"), now, "csv_bare")]
        assert (len(long.posts) - 1) // per_page + 1 > 2, "the long thread's last page is not page 1 or 2"

        second = crawl(config, data_dir, source, extra=["--no-index"], env=ENGINE_ENV)
        assert second.returncode == 0, second.stderr[-3000:]
        assert sorted(post_number(p) for p in second.posts()) == sorted(p.id for p in added)
        truth = server.truth()
        truth["posts"] = [p for p in truth["posts"] if p["id"] in {a.id for a in added}]
        assert truth_mismatches(second.posts(), truth) == []
