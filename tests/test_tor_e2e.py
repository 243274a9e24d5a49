"""End to end over the private Tor network: the real `vigie crawl` against the demo forum served
ONLY as an onion service (the crawler is given the .onion URL and `network: tor`), checked
against the forum's ground truth; then incremental re-crawls and a tor crash mid-crawl.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.forum import CrawlRun, crawl, make_config, test_keys_env
from vigie_kit.forum import ForumServer
from vigie_kit.tornet import PrivateTorNetwork

pytestmark = [pytest.mark.tor, pytest.mark.slow]

SOURCE = "test-phpbb"


def _post_number(item: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", item["post_id"]))


def _tor_config(root: Path, onion: str, **limits: Any) -> Path:
    return make_config(root / "config", f"http://{onion}", network="tor",
                       limits={"timeout_seconds": 30, **limits})


def _crawl(net: PrivateTorNetwork, config: Path, data: Path) -> CrawlRun:
    return crawl(config, data, SOURCE, extra=["--tor-socks", f"127.0.0.1:{net.socks_port}"],
                 timeout=300)


@pytest.fixture(scope="module")
def onion_forum(tor_network: PrivateTorNetwork):
    with ForumServer("phpbb") as forum:
        onion = tor_network.add_onion_service(forum.address[1])
        yield forum, onion


@pytest.fixture(scope="module")
def tor_crawls(tor_network: PrivateTorNetwork, onion_forum, tmp_path_factory) -> dict[str, Any]:
    forum, onion = onion_forum
    root = tmp_path_factory.mktemp("tor-e2e")
    config = _tor_config(root, onion)
    forum.reset_counters()
    began = time.monotonic()
    first = _crawl(tor_network, config, root / "data")
    first_seconds = time.monotonic() - began
    hits = dict(forum.hits)
    logout = forum.logout_hits
    second = _crawl(tor_network, config, root / "data")
    truth = forum.truth(base=f"http://{onion}")  # before the new post
    new_post = forum.add_post()
    third = _crawl(tor_network, config, root / "data")
    print(f"\n[tor-e2e] first crawl over Tor: {first.summary.get('pages')} pages in {first_seconds:.1f}s")
    return {"first": first, "second": second, "third": third, "new_post": new_post, "hits": hits,
            "logout": logout, "truth": truth, "onion": onion, "first_seconds": first_seconds}


def test_first_crawl_over_tor_finds_every_post_once(tor_crawls: dict[str, Any]) -> None:
    run: CrawlRun = tor_crawls["first"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.summary["finish_reason"] == "finished" and run.summary["errors"] == 0
    truth = {p["id"]: p for p in tor_crawls["truth"]["posts"]}
    numbers = [_post_number(i) for i in run.posts()]
    assert len(numbers) == len(set(numbers)), "a post was emitted twice"
    assert set(numbers) == {pid for pid, p in truth.items() if p["expected"]}
    for item in run.posts():
        post = truth[_post_number(item)]
        assert item["url"].startswith(f"http://{tor_crawls['onion']}/")
        assert item["thread_url"] == post["thread_url"]
        assert (item["author"], item["posted_at"]) == (post["author"], post["posted_at"])
    members = [p for p in truth.values() if p["members_only"]]
    assert members and all(p["id"] in numbers for p in members), "login with CSRF over Tor"
    assert tor_crawls["logout"] == 0


def test_every_attachment_and_planted_fragment_over_tor(tor_crawls: dict[str, Any]) -> None:
    run: CrawlRun = tor_crawls["first"]
    truth = tor_crawls["truth"]
    names = sorted(i["filename"] for i in run.files())
    expected_files = [a for a in truth["attachments"] if a["expected"]]
    assert len(names) == len(expected_files) >= 4
    assert "clients.zip/export/clients.csv" in names and "patients.csv" in names
    text = "\n".join(i["body"] for i in run.items)
    planted = [v for p in truth["posts"] if p["expected"] for vs in p["planted"].values() for v in vs]
    planted += [v for a in expected_files for vs in a["planted"].values() for v in vs]
    assert len(planted) > 100
    missing = [v for v in planted if v not in text]
    assert not missing, f"{len(missing)} planted identifiers not crawled over Tor, e.g. {missing[:3]}"
    assert run.summary["fragments"] > 0


def test_bomb_refused_over_tor(tor_crawls: dict[str, Any]) -> None:
    run: CrawlRun = tor_crawls["first"]
    assert run.summary["bombs_refused"] == 1
    bomb = next(a for a in tor_crawls["truth"]["attachments"] if a["kind"] == "bomb")
    assert not any(i["url"] == bomb["url"] for i in run.items)


def test_recrawl_emits_nothing_then_exactly_the_new_post(tor_crawls: dict[str, Any]) -> None:
    second: CrawlRun = tor_crawls["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == []
    third: CrawlRun = tor_crawls["third"]
    assert third.returncode == 0, third.stderr[-3000:]
    assert [_post_number(i) for i in third.items] == [tor_crawls["new_post"].id]
    assert third.summary["posts"] == 1 and third.summary["files"] == 0


def test_tor_crash_mid_crawl_loses_and_duplicates_nothing(
        tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    """Kill the client tor while `vigie crawl` runs; restart it; the crawl retries with backoff
    and ends with every expected post exactly once."""
    with ForumServer("phpbb") as forum:
        onion = tor_network.add_onion_service(forum.address[1])
        config = _tor_config(tmp_path, onion, retries=6, retry_backoff_seconds=0.5, concurrency=4)
        out = tmp_path / "items.jsonl"
        summary_path = out.with_suffix(".summary.json")
        cmd = [sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", SOURCE,
               "--config", str(config), "--data-dir", str(tmp_path / "data"), "-o", str(out),
               "--summary-json", str(summary_path), "--quiet",
               "--tor-socks", f"127.0.0.1:{tor_network.socks_port}"]
        import os
        proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[1],
                                env={**os.environ, **test_keys_env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while sum(forum.hits.values()) < 15 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert proc.poll() is None, "crawl finished before tor could be killed"
            hits_at_kill = sum(forum.hits.values())
            tor_network.kill_client()
            time.sleep(1.5)
        finally:
            tor_network.restart_client()
        _, stderr = proc.communicate(timeout=300)
        truth = forum.truth(base=f"http://{onion}")
    assert proc.returncode == 0, stderr[-3000:]
    import json
    summary = json.loads(summary_path.read_text())
    items = [json.loads(line) for line in out.read_text().splitlines()]
    posts = [i for i in items if i.get("filename") is None]
    numbers = [_post_number(i) for i in posts]
    assert len(numbers) == len(set(numbers)), "duplicated posts after the tor crash"
    assert set(numbers) == {p["id"] for p in truth["posts"] if p["expected"]}, "lost posts"
    assert summary["retries"] > 0, "tor was killed mid-crawl: some requests must have been retried"
    assert hits_at_kill < sum(forum.hits.values())
