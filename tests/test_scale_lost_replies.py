"""A crawl on the shared Redis frontier whose connection dies after Redis ran a command but before
its reply arrived (issue 18: every fragment indexed once after a fault).

The client retries such a command: for the lease script that means the first request was
leased to this crawl, and the crawl never learnt of it. Its own stale lease is no other crawl's
("foreign") and does not expire before the crawl goes idle, so the crawl used to finish with
the request still leased, and the run's end deleted it: a thread page and all its posts were
never fetched (seen once in the scale fault test under load: 7 threads of 8 recorded). The relay
in front of a real redis-server loses three of the lease script's replies; the crawl must still
record what a plain embedded crawl of the same forum records.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.frontier import connect
from crawler.frontier.link import load_or_create_key
from crawler.frontier.queue import _LEASE
from crawler.frontier.state import RedisCrawlState
from crawler.state import CrawlState
from tests.fault_proxy import ReplyDropper
from tests.fixtures.forum import crawl, make_config, test_keys_env
from tests.redis_server import RedisServer, redis_fixture
from vigie_kit.forum import ForumServer

REPO = Path(__file__).resolve().parents[1]
SOURCE = "forum-lost"
redis_server = redis_fixture()


@pytest.fixture(scope="module")
def forum() -> Iterator[ForumServer]:
    server = ForumServer("phpbb", size="small", hostile=False, seed=33)
    server.start()
    yield server
    server.stop()


def _fragment_ids(data: Path) -> set[str]:
    with sqlite3.connect(data / "store.sqlite3") as db:
        return {r[0] for r in db.execute("SELECT id FROM fragments")}


def test_a_lost_lease_reply_loses_no_request(forum: ForumServer, redis_server: RedisServer, tmp_path: Path) -> None:
    reference_config = make_config(tmp_path / "ref-config", forum.url, name=SOURCE, limits={"concurrency": 2})
    run = crawl(reference_config, tmp_path / "ref-data", SOURCE)
    assert run.returncode == 0 and run.summary["finish_reason"] == "finished", run.stderr[-2000:]
    state = CrawlState(tmp_path / "ref-data" / "crawl-state.sqlite3", SOURCE)
    expected = state.counts()
    state.close()
    assert expected["threads"] > 3 and expected["posts"] > 10

    sha = hashlib.sha1(_LEASE.encode()).hexdigest().encode()
    # occurrence 0 is answered NOSCRIPT (the script is loaded then run again): lose later ones
    with ReplyDropper(("127.0.0.1", redis_server.port), trigger=sha, drop=lambda n: n in (3, 6, 9)) as relay:
        config = make_config(tmp_path / "config", forum.url, name=SOURCE, limits={"concurrency": 2})
        prefix = f"lost{os.urandom(3).hex()}"
        (config / "vigie.yaml").write_text(
            "storage:\n  backend: embedded\n"
            f"scale:\n  redis_url: redis://127.0.0.1:{relay.port}/0\n  redis_password: ${{VIGIE_REDIS_PASSWORD}}\n"
            f"  key_prefix: {prefix}\n  request_lease_seconds: 60\n")
        data = tmp_path / "data"
        data.mkdir(mode=0o700)
        summary_path = tmp_path / "summary.json"
        proc = subprocess.run(
            [sys.executable, "-m", "vigie.service.crawl_job", "--config", str(config), "--data-dir", str(data),
             "--source", SOURCE, "--run", "run-1", "--owner", "w1/lost", "--summary-json", str(summary_path)],
            cwd=REPO, env={**redis_server.env(), **test_keys_env}, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert relay.dropped == 3, (relay.seen, relay.dropped)  # the faults happened mid-crawl
    summary = json.loads(summary_path.read_text())
    assert summary["finish_reason"] == "finished" and summary["frontier_left"] == 0, summary

    secret = load_or_create_key(data / "crawl-state-redis.key")
    link = connect(redis_server.url, password=redis_server.password, prefix=prefix, secret=secret)
    try:
        assert RedisCrawlState(link, SOURCE).counts() == expected
    finally:
        link.close()
    assert _fragment_ids(data) == _fragment_ids(tmp_path / "ref-data")


def test_the_relay_loses_exactly_the_replies_it_is_told_to(redis_server: RedisServer) -> None:
    """The fault itself: the command ran (its effect is in Redis), the client saw a dead
    connection, and the other commands went through untouched."""
    import redis

    with ReplyDropper(("127.0.0.1", redis_server.port), trigger=b"lost-key", drop=lambda n: n == 1) as relay:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis(host="127.0.0.1", port=relay.port, password=redis_server.password, socket_timeout=5,
                             retry=Retry(NoBackoff(), 0))  # no retry: the lost reply must show
        assert client.incr("lost-key") == 1
        with pytest.raises(redis.ConnectionError):
            client.incr("lost-key")  # ran; its reply lost
        direct = redis.Redis(host="127.0.0.1", port=redis_server.port, password=redis_server.password)
        assert direct.get("lost-key") == b"2"
        assert client.incr("lost-key") == 3  # a new connection through the relay
        assert (relay.seen, relay.dropped) == (3, 1)
        client.close()
        direct.close()
