"""End to end over the private Tor network: the kit's Django-style and flat-topic-list forums,
each served only as an onion service, crawled with their operator-written YAML alone
(tests/data/sources/test-*.yaml: CSS selectors, `format: auto` dates, no XPath functions, no
`::text` tricks on bodies), and every post compared with the forum's ground truth: author, UTC
date, canonical thread URL, board and body lines (issue 13).

What makes these layouts hard is there on the first crawl: the account has half-read threads,
so the Django listing links them to `/post/<id>/` (a redirect into page 2) and the flat listing
to a `?page=2` bookmark; a crawler that keyed threads by those links, or read from them on,
lost page 1 of every such thread. One crawl per forum.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.forum import ENGINE_ENV, CrawlRun, crawl, engine_config, truth_mismatches
from vigie_kit.forum_django import django_forum
from vigie_kit.forum_engines import EngineServer
from vigie_kit.forum_flat import flat_forum
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor, pytest.mark.slow]

Crawled = tuple[EngineServer, dict[str, Any], CrawlRun]


@pytest.fixture(scope="module", params=["django", "flat"])
def onion_crawl(request: pytest.FixtureRequest, tor_network: PrivateTorNetwork,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    engine = str(request.param)
    with (django_forum() if engine == "django" else flat_forum()) as server:
        onion = tor_network.add_onion_service(server.port)
        root = tmp_path_factory.mktemp(f"e2e-{engine}")
        config = engine_config(root / "config", engine, f"http://{onion}", network="tor")
        truth = server.truth(base=f"http://{onion}")
        started = time.monotonic()
        run = crawl(config, root / "data", f"test-{engine}", env=ENGINE_ENV, timeout=300,
                    extra=["--no-index", "--tor-socks", f"127.0.0.1:{tor_network.socks_port}"])
        print(f"\n[{engine}] {len(run.posts())} posts crawled over Tor in {time.monotonic() - started:.1f}s")
        yield server, truth, run


def test_every_post_with_author_date_thread_board_and_lines(onion_crawl: Crawled) -> None:
    server, truth, run = onion_crawl
    assert run.returncode == 0, run.stderr[-3000:]
    assert truth_mismatches(run.posts(), truth) == []
    assert all(item["url"].startswith(truth["url"] + "/") for item in run.items), "left the onion service"


def test_entry_links_into_the_middle_were_really_met(onion_crawl: Crawled) -> None:
    """The hard case is exercised, not dodged: threads were entered through the account's
    `/post/<id>/` or `?page=N` link, and their page 1 was then read."""
    server, truth, run = onion_crawl
    entries = [path for path in server.hits if path.startswith("/post/") or "?page=" in path]
    assert entries, "no entry link into the middle of a thread was followed"
    first_pages = {p["thread_url"].removeprefix(truth["url"]) for p in truth["posts"]}
    assert all(server.hits[path] >= 1 for path in first_pages), "a thread's first page was never fetched"


def test_no_failure_counted_and_attachment_found(onion_crawl: Crawled) -> None:
    server, truth, run = onion_crawl
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False
    assert sorted(f["filename"] for f in run.files()) == sorted(a["filename"] for a in truth["attachments"])
