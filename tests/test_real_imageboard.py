"""A real imageboard engine, djangochan 0.1.0 (PyPI), crawled with the shipped operator YAML alone
(config/sources/example-imageboard.yaml): the engine from its own pinned venv (scripts/engines.sh),
a fresh site filled through its own models (vigie_kit.real_imageboard), served by its own server
on 127.0.0.1, crawled by the real `vigie crawl` over direct loopback.

What the YAML has to say that no forum needed: boards without pages whose full threads are
archived to a second listing that shows no subjects (the board's `next_page` is its archive);
posters as a name and a tripcode in two spans, or Anonymous; dates as bare text in Django's
default format ("March 5, 2026, noon", "4 p.m."); a thread's reply count as its marker, so a
crawl fetches only the threads that got a reply. Every post must come out once, with its author,
date, thread, title and board, and every planted dump's identifiers be stored.

Skipped (with the reason) only when the engine's venv is absent: scripts/engines.sh makes it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import cli_fork
from tests.fixtures.forum import REPO, CrawlRun, crawl, test_keys_env, write_source
from vigie_kit.real_engines import engine_python
from vigie_kit.real_imageboard import IMAGEBOARD_ENGINES, RealBoard, real_imageboard

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-djangochan")]

Crawled = tuple[RealBoard, CrawlRun, CrawlRun, Path, Path, list[str]]
THREAD_PAGE = re.compile(r'"GET (/[a-z]+/thread/\d+/) HTTP')


def board_config(directory: Path, site: RealBoard) -> Path:
    """A config dir holding the shipped example-imageboard.yaml aimed at the site: only the
    address, the network and test-speed limits change, so the YAML is what is tested."""
    text = (REPO / "config" / "sources" / "example-imageboard.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(re.sub(r"http://[a-z]+x+\.onion", site.url, text))
    return write_source(directory, data)


def thread_pages_served(site: RealBoard, since: int) -> list[str]:
    """The thread pages the engine served after byte `since` of its log (its own request log)."""
    return THREAD_PAGE.findall(site.log.read_text(encoding="utf-8", errors="replace")[since:])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if engine_python("djangochan") is None:
        pytest.skip(f"{IMAGEBOARD_ENGINES['djangochan']} is not installed in .cache/engines/djangochan: "
                    "run scripts/engines.sh")
    started = time.monotonic()
    with real_imageboard() as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp("real-djangochan")
        config = board_config(root / "config", site)
        first = crawl(config, root / "data", "example-imageboard", timeout=120)
        since = site.log.stat().st_size
        second = crawl(config, root / "data", "example-imageboard", timeout=120)
        refetched = thread_pages_served(site, since)
        print(f"\n[djangochan] site built in {built:.1f}s; {len(first.posts())} posts crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield site, first, second, config, root / "data", refetched


def _post_id(item: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", str(item["post_id"])))


def test_every_post_once_with_author_date_thread_title_and_board(crawled: Crawled) -> None:
    site, run, _, _, _, _ = crawled
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [_post_id(item) for item in run.posts()]
    assert len(ids) == len(set(ids)), "a post was emitted twice"
    truth = {p.id: p for p in site.posts}
    assert sorted(ids) == sorted(truth), "posts missing or unknown"
    # the archive is where some of them were: the board page no longer lists those threads
    assert {p.thread_id for p in site.posts if p.archived} and {p.thread_id for p in site.posts if not p.archived}
    problems = []
    for item in run.posts():
        want = truth[_post_id(item)]
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        got = {"author": item.get("author"), "thread": item.get("thread_url"), "title": item.get("thread_title"),
               "board": item.get("board"), "date": at, "excerpt": want.excerpt in (item.get("body") or "")}
        wanted = {"author": want.author, "thread": want.thread_url, "title": want.thread_title, "board": want.board,
                  "date": want.posted_at, "excerpt": True}
        problems += [f"post {want.id}: {k} {got[k]!r} != {wanted[k]!r}" for k in got if got[k] != wanted[k]]
    assert problems == []
    # every shape of Django's date format was met (else the date check above proves less)
    clocks = {(p.posted_at.hour, p.posted_at.minute) for p in site.posts}
    assert {(12, 0), (0, 0)} <= clocks and any(m == 0 and h not in (0, 12) for h, m in clocks)
    assert any(" !" in p.author for p in site.posts) and any(p.author == "Anonymous" for p in site.posts)


def test_dump_posts_give_their_identifiers(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email, canon_nir
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run, _, _, data_dir, _ = crawled
    dumps = [p for p in site.posts if p.planted]
    assert len(dumps) == 3 and any(p.archived for p in dumps) and run.summary["fragments"] >= len(dumps)
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), data_dir)
    try:
        missing = [(p.id, kind, value) for p in dumps for kind, canon in (("email", canon_email), ("nir", canon_nir))
                   for value in p.planted[kind]
                   if store.search(SearchQuery(tokens=(token(key, kind, canon(value) or value).hex(),),
                                               limit=1)).total == 0]
    finally:
        store.close()
    assert missing == [], "planted identifiers of dump posts not found in the store"


def test_no_failure_and_unchanged_threads_are_not_fetched_again(crawled: Crawled) -> None:
    _, run, second, _, _, refetched = crawled
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == [], f"{len(second.items)} items emitted again"
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
    assert refetched == [], "thread pages fetched again though their reply counts had not changed"


def test_a_reply_is_crawled_alone_by_its_thread_marker(crawled: Crawled) -> None:
    """A new reply changes its thread's "[Replies: N]" on the board page: the next crawl fetches
    that thread page alone (the engine's own log says which it served) and emits the reply alone."""
    site, _, _, config, data_dir, _ = crawled
    live = next(p for p in site.posts if not p.archived and p.board.startswith("/db/") and p.thread_id == p.id)
    since = site.log.stat().st_size
    reply = site.reply(live.thread_id, f"Encore un lot demain, même vendeur.\n>>{live.id}",
                       datetime(2026, 6, 1, 16, 0, tzinfo=UTC), author="bob")
    run = crawl(config, data_dir, "example-imageboard", timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert [_post_id(item) for item in run.posts()] == [reply.id]
    item = run.posts()[0]
    assert (item["author"], item["thread_url"], item["posted_at"].replace("Z", "+00:00")) == \
        ("bob", reply.thread_url, "2026-06-01T16:00:00+00:00")
    assert thread_pages_served(site, since) == [reply.thread_url.removeprefix(site.url)]


def test_source_try_reads_an_archived_thread_as_the_crawl_does(crawled: Crawled) -> None:
    """The operator's dry run on the YAML, against the live engine: `vigie source try` on an
    archived thread (reached from the archive, whose rows show no subject) shows the subject its
    own page gives (`thread_page_title`), every post with its author and date, no warning."""
    site, _, _, config, data_dir, _ = crawled
    op = next(p for p in site.posts if p.archived and p.planted and p.id == p.thread_id)
    proc = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "WARNING", "source", "try",
                         "example-imageboard", op.thread_url, "--json", "--config", str(config),
                         "--data-dir", str(data_dir)],
                        capture_output=True, text=True, timeout=60, cwd=REPO, env={**os.environ, **test_keys_env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["warnings"] == [] and result["thread_page_title"] == op.thread_title == "Export patients clinique"
    thread = sorted((p for p in site.posts if p.thread_id == op.thread_id), key=lambda p: p.id)
    shown = [(p["post_id"], p["author"], p["posted_at"]) for p in result["posts"]]
    assert shown == [(f"p{p.id}", p.author, p.posted_at.isoformat()) for p in thread]
