"""Real third-party forum engines, crawled with an operator-written YAML alone (no engine code in
the crawler): each engine from its own pinned venv (scripts/engines.sh), a fresh site (SQLite;
Misago's on PostgreSQL) filled through the engine's own models (vigie_kit.real_engines), served
by the engine's own server on 127.0.0.1, crawled by the real `vigie crawl` over direct loopback with
tests/data/sources/real-<engine>.yaml, and every post compared with what the engine stored
(what the engine shows with a post but is no part of it, a signature or a quote, must be left out).

Skipped (with the reason) only when an engine's venv is absent: scripts/engines.sh makes them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.forum import CrawlRun, crawl, test_keys_env, write_source
from vigie_kit.real_engines import FORUM_ENGINES as ENGINES
from vigie_kit.real_engines import RealSite, engine_python, real_forum

pytestmark = pytest.mark.slow

SOURCES = Path(__file__).resolve().parent / "data" / "sources"
Crawled = tuple[RealSite, CrawlRun, CrawlRun, Path]


def real_config(directory: Path, engine: str, base_url: str) -> Path:
    """A config dir holding tests/data/sources/real-<engine>.yaml aimed at `base_url`: only the
    address, the network and test-speed limits change, so the YAML is what is tested."""
    text = (SOURCES / f"real-{engine}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(re.sub(r"http://[a-z]+x+\.onion", base_url.rstrip("/"), text))
    return write_source(directory, data)


# one xdist group per engine: its three tests share one site and one pair of crawls on one worker
@pytest.fixture(scope="module", params=[pytest.param(e, marks=pytest.mark.xdist_group(f"real-{e}"))
                                        for e in sorted(ENGINES)])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    engine = str(request.param)
    if engine_python(engine) is None:
        pytest.skip(f"{ENGINES[engine]} is not installed in .cache/engines/{engine}: run scripts/engines.sh")
    started = time.monotonic()
    with real_forum(engine) as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp(f"real-{engine}")
        config = real_config(root / "config", engine, site.url)
        first = crawl(config, root / "data", f"real-{engine}", timeout=180)
        second = crawl(config, root / "data", f"real-{engine}", timeout=180)
        print(f"\n[{engine}] site built in {built:.1f}s; {len(first.posts())} posts crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield site, first, second, root / "data"


def _post_id(item: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", str(item["post_id"])))


def test_every_post_once_with_author_thread_board_and_date(crawled: Crawled) -> None:
    site, run, _, _ = crawled
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [_post_id(item) for item in run.posts()]
    assert len(ids) == len(set(ids)), "a post was emitted twice"
    truth = {p.id: p for p in site.posts}
    assert sorted(ids) == sorted(truth), "posts missing or unknown"
    problems = []
    for item in run.posts():
        want = truth[_post_id(item)]
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        body = item.get("body") or ""
        got = {"author": item.get("author"), "thread": item.get("thread_url"), "board": item.get("board"),
               "date": at, "excerpt": want.excerpt in body, "left out": [a for a in want.absent if a in body]}
        wanted = {"author": want.author, "thread": want.thread_url, "board": want.board, "date": want.posted_at,
                  "excerpt": True, "left out": []}  # a signature the engine shows under it: no part of the post
        problems += [f"post {want.id}: {k} {got[k]!r} != {wanted[k]!r}" for k in got if got[k] != wanted[k]]
    assert problems == []
    assert all(item["url"].startswith(site.url + "/") for item in run.items)


def test_dump_posts_produce_fragments(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run, _, data_dir = crawled
    dumps = [p for p in site.posts if p.planted]
    assert dumps and run.summary["fragments"] >= len(dumps)
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), data_dir)
    try:
        missing = [(p.id, email) for p in dumps for email in p.planted["email"]
                   if store.search(SearchQuery(tokens=(token(key, "email", canon_email(email) or email).hex(),),
                                               limit=1)).total == 0]
    finally:
        store.close()
    assert missing == [], "planted emails of dump posts not found in the store"


def test_no_failure_and_second_crawl_emits_nothing_new(crawled: Crawled) -> None:
    _, run, second, _ = crawled
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == [], f"{len(second.items)} items emitted again"
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
