"""Crawl speed (issue 18): failures detected in seconds and retried on a fresh circuit, hedged
requests, pagination fetched ahead, and the source's concurrency limit held, measured at the
server. Real servers only: the demo forum on 127.0.0.1 (direct) and published as an onion
service on the private Tor network, crawled by the real `vigie crawl`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.handlers._hedge import HedgePolicy
from crawler.spiders._ahead import page_template
from crawler.spiders.forum import FETCH_AHEAD_PAGES
from tests.fixtures.forum import CrawlRun, crawl, make_config
from vigie_kit.forum import ForumServer
from vigie_kit.tornet import PrivateTorNetwork

SOURCE = "test-phpbb"
HUNG_THREAD_PAGE = "/thread/2"  # in board 1, the last one the crawl lists


def _posts(run: CrawlRun) -> Counter[str]:
    return Counter(str(i["post_id"]) for i in run.posts())


def _truth_posts(forum: ForumServer) -> int:
    return len(forum.truth()["posts"])


def _tor_crawl(net: PrivateTorNetwork, root: Path, onion: str, limits: dict[str, Any]) -> tuple[CrawlRun, float]:
    config = make_config(root / "config", f"http://{onion}", network="tor",
                         limits={"max_download_bytes": 8 * 2**20, **limits})  # the huge page too
    began = time.monotonic()
    run = crawl(config, root / "data", SOURCE, extra=["--tor-socks", f"127.0.0.1:{net.socks_port}"], timeout=180)
    seconds = time.monotonic() - began
    print(f"[crawl speed] {seconds:.1f}s: {run.summary}")
    return run, seconds


@pytest.fixture(scope="module")
def onion_forum(tor_network: PrivateTorNetwork) -> Iterator[tuple[ForumServer, str]]:
    """A small forum answering in 50 ms, as an onion service; tests set its stall options."""
    with ForumServer("phpbb", size="small", bomb_megabytes=1, latency_seconds=0.05) as forum:
        yield forum, tor_network.add_onion_service(forum.address[1])


@pytest.mark.tor
@pytest.mark.slow
def test_a_stalled_stream_is_retried_on_a_fresh_circuit_in_seconds(
        tor_network: PrivateTorNetwork, onion_forum: tuple[ForumServer, str], tmp_path: Path) -> None:
    """One request in 12 hangs for 60 s and is then dropped. With a 4 s stream timeout each is
    retried at once on a renewed circuit: the crawl ends in seconds, every post arrives once.
    (Before issue 18 the request waited for `timeout_seconds`, here 90 s, then backed off.) The
    bound is on the crawl's own clock (`duration_seconds`), not the test's: on a loaded CI runner
    the `vigie` process once took 18 s to start, and a wall-clock bound failed a crawl of 27 s. The
    stream timeout leaves room for an honest answer through Tor on a loaded 2-core machine: at 2 s,
    at load 12, honest requests timed out too and were retried until the test's 180 s ran out."""
    forum, onion = onion_forum
    forum.reset_counters()
    stall = 60.0
    forum.stall_every, forum.stall_seconds, forum.stalls = 12, stall, 0
    try:
        run, seconds = _tor_crawl(tor_network, tmp_path, onion, {
            "timeout_seconds": 90, "stream_timeout_seconds": 4, "hedge": False, "concurrency": 4})
    finally:
        forum.stall_every = 0
    assert run.returncode == 0, run.stderr[-2000:]
    assert forum.stalls >= 1, (run.summary, len(forum.hit_log), run.stderr[-3000:])
    s = run.summary
    assert s["circuits_renewed"] >= 1 and s["retries"] >= forum.stalls, (s, forum.stalls)
    assert s["hedges"] == 0 and s["errors"] == 0, s
    posts = _posts(run)
    assert len(posts) == _truth_posts(forum) and max(posts.values()) == 1, (len(posts), _truth_posts(forum))
    took = s["duration_seconds"]
    assert took < stall, f"crawl took {took}s ({seconds:.1f}s with start-up): a stall was waited out"
    # stalled requests linger server-side only (the crawler dropped them)
    assert forum.max_concurrent() <= 4 + forum.stalls, (forum.max_concurrent(), forum.stalls)


@pytest.mark.tor
@pytest.mark.slow
def test_hedged_requests_beat_the_slow_tail_without_duplicates_or_excess_concurrency(
        tor_network: PrivateTorNetwork, onion_forum: tuple[ForumServer, str], tmp_path: Path) -> None:
    """The stream timeout is out of reach (150 s): only a hedge on another circuit can answer
    the hung request in time. It is counted, no item is emitted twice, and the server never sees
    more requests at once than `limits.concurrency` (hedges included).

    The first request for one thread page of the last board crawled hangs 120 s; its copy is
    answered. That page comes late, when the source has the latencies a hedge needs and the
    budget (10% of the requests started, at least one) allows two hedges. Earlier versions hung
    "the 20th GET": it was sometimes a hedge copy (the original answered: no hedge won) or an
    attachment (never hedged: waited out), depending on the order a loaded machine crawled in. A
    copy cancelled while its new circuit was still being built never reached the server and is
    given back to the budget: two such copies once used it up before the hung request."""
    forum, onion = onion_forum
    forum.reset_counters()
    # far above a loaded crawl's own time (25 s on CI, 49 s once at load 15), so only a stall
    # waited out reaches it; the timeouts are above it, so that only a hedge can answer in time
    stall = 120.0
    forum.stall_seconds, forum.stalls = stall, 0
    forum.faults[HUNG_THREAD_PAGE] = ["stall"]
    try:
        run, seconds = _tor_crawl(tor_network, tmp_path, onion, {
            "timeout_seconds": 150, "stream_timeout_seconds": 150, "hedge": True, "concurrency": 3})
    finally:
        forum.faults.pop(HUNG_THREAD_PAGE, None)
    assert run.returncode == 0, run.stderr[-2000:]
    s = run.summary
    assert forum.stalls == 1
    assert s["hedges"] >= 1 and s["hedges_won"] >= 1, s
    # the budget, about 10% more requests, counts the copies that may have reached the server
    assert s["hedges"] - s["hedges_withdrawn"] <= max(1, s["pages"] // 10) + 1, s
    posts = _posts(run)
    assert len(posts) == _truth_posts(forum) and max(posts.values()) == 1
    assert s["duration_seconds"] < stall, f"crawl took {seconds:.1f}s: the hung request was waited out"
    answered = [h for h in forum.hit_log if h.status != -2]
    assert answered
    # measured at the server, on the requests it answered (a hung one is abandoned by the crawler)
    with forum._lock:
        forum.hit_log[:] = answered
    assert forum.max_concurrent() <= 3


# ---- pagination fetched ahead, concurrency at the server (direct, no Tor) -----------------------

def test_page_patterns_are_predicted_only_when_one_number_grows() -> None:
    cases = {("http://f/board/6", "http://f/board/6?page=2", 1): "http://f/board/6?page=4",
             ("http://f/thread/3?page=2", "http://f/thread/3?page=3", 2): "http://f/thread/3?page=5",
             ("http://f/threads/a-b.12/", "http://f/threads/a-b.12/page-2", 1): "http://f/threads/a-b.12/page-4",
             ("http://f/v.php?f=2", "http://f/v.php?f=2&start=25", 1): "http://f/v.php?f=2&start=75",
             ("http://f/v.php?f=2&start=25", "http://f/v.php?f=2&start=50", 2): "http://f/v.php?f=2&start=100",
             ("http://f/forum/9/page/3", "http://f/forum/9/page/4", 3): "http://f/forum/9/page/6"}
    for (url, nxt, page), fourth_after in cases.items():
        template = page_template(url, nxt, page)
        assert template is not None, url
        assert template(page + 1) == nxt and template(page + 3 if page > 1 else 4) == fourth_after, url
    for url, nxt in (("http://f/a", "http://f/b"), ("http://f/t/5/p/1", "http://f/t/6/p/2"),
                     ("http://f/t?page=3", "http://f/t?page=2"), ("http://f/t?p=1", "http://f/t?p=1&sid=77")):
        assert page_template(url, nxt, 1) is None, (url, nxt)


def test_hedge_budget_and_delay() -> None:
    policy = HedgePolicy(min_samples=5, max_fraction=0.1, min_delay=0.25)
    assert policy.delay("GET", "thread") is None  # no latency known yet
    for ms in (100, 120, 130, 150, 900):
        policy.latencies.add(ms / 1000)
    assert policy.delay("GET", "thread") == 0.9 and policy.delay("POST", "login") is None
    assert policy.delay("GET", "file") is None
    policy.started = 25
    assert policy.allow()
    policy.hedged = 2
    assert not policy.allow()  # 10% of 25 started


def test_long_chains_are_fetched_ahead_and_the_concurrency_limit_holds(tmp_path: Path) -> None:
    """A 9-page thread and a forum answering in 400 ms, `concurrency: 4`: later pages of the
    thread are asked for before the earlier ones are answered, fetching stops at its end (few 404s),
    every post arrives once, and the server never handles more than 4 requests at once. (At 150 ms,
    a crawler starved of CPU on a loaded runner sent its ahead requests after the answers came.)"""
    with ForumServer("phpbb", size="small", bomb_megabytes=1, latency_seconds=0.4) as forum:
        long_thread = forum.data.boards[0].threads[0]
        for _ in range(85):
            forum.add_post(long_thread.id, with_dump=False)
        pages = long_thread.pages
        assert pages >= 9
        config = make_config(tmp_path / "config", forum.url,
                             limits={"concurrency": 4, "max_download_bytes": 8 * 2**20, "max_depth": 0})
        run = crawl(config, tmp_path / "data", SOURCE, extra=["--no-index"])
        assert run.returncode == 0, run.stderr[-2000:]
        posts = _posts(run)
        assert len(posts) == _truth_posts(forum) and max(posts.values()) == 1
        assert run.summary["errors"] == 0 and run.summary["pages_ahead"] >= 4, run.summary
        base = f"/thread/{long_thread.id}"
        hits = {h.path: h for h in forum.hit_log if h.path == base or h.path.startswith(base + "?page=")}
        missing = [n for n in range(2, pages + 1) if f"{base}?page={n}" not in hits]
        assert not missing
        beyond = [p for p in hits if p != base and int(p.split("=")[1]) > pages]
        assert len(beyond) <= FETCH_AHEAD_PAGES and all(hits[p].status == 404 for p in beyond)
        overlapped = [n for n in range(3, pages + 1)
                      if hits[f"{base}?page={n}"].began < hits[f"{base}?page={n - 1}" if n > 2 else base].at]
        # one page after the other overlaps none (each next link is read off the page before); a quiet
        # host overlapped 4 of the 7 ([4, 6, 7, 8]), two cores pinned by busy loops 3 or 4, and the
        # whole suite on 2 cores 2 ([6, 8]: wave 22's first whole run failed ">= 3" there)
        assert len(overlapped) >= 2, (overlapped, "pages of the thread were still fetched one after the other")
        assert 2 <= forum.max_concurrent() <= 4


@pytest.mark.tor
def test_a_fixed_circuit_build_timeout_reaches_the_launched_tor(tor_network: PrivateTorNetwork,
                                                                tmp_path: Path) -> None:
    """`tor.circuit_build_timeout_seconds` (launch mode) is what the tor stem started runs with;
    unset, tor keeps learning it."""
    from crawler.tor import TorController
    from vigie.config.schema import TorSettings
    from vigie_kit.ports import free_port

    for fixed in (25.0, None):
        settings = TorSettings(mode="launch", socks_port=free_port(), control_port=free_port(),
                               circuit_build_timeout_seconds=fixed, extra_torrc=tor_network.client_options())
        tor = TorController(settings, tmp_path / f"data-{fixed}")
        try:
            tor.launch()
            tor.connect()
            ctl = tor._require()
            timeout, learn = ctl.get_conf("CircuitBuildTimeout"), ctl.get_conf("LearnCircuitBuildTimeout")
            assert (timeout, learn) == ("25", "0") if fixed else (timeout != "25" and learn == "1")
        finally:
            tor.close()
