"""A crawl on the shared Redis frontier killed right after a board listing's lease was acknowledged
(issue 18: every fragment indexed once after a crash).

Scrapy (2.13+, asyncio reactor) hands a callback's output to the engine through a queue: the
spider middleware's iterator is drained, and the frontier acknowledged the listing, before the
thread requests it listed were pushed to Redis. A crawl killed in between lost them for the run:
the listing was acknowledged (gone from the frontier) and its URL was in the duplicate filter, so
the crawl that resumed the run never fetched it again, nor the threads (the scale fault test, at
load 30: forum-a recorded 7 threads of 8 after a worker was killed mid-crawl).

Here a relay in front of a real redis-server SIGKILLs the crawl the moment its acknowledgement of
the first board page reaches Redis (the crawl is blocked on that command's reply: it can do
nothing after it); another crawl resumes the run and must record what a plain embedded crawl of
the same forum records.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.frontier import connect
from crawler.frontier.link import load_or_create_key
from crawler.frontier.queue import _ACK
from crawler.frontier.state import RedisCrawlState
from crawler.state import CrawlState
from tests.fault_proxy import ReplyDropper, _close
from tests.fixtures.forum import crawl, make_config, test_keys_env
from tests.redis_server import RedisServer, redis_fixture
from vigie_kit.forum import ForumServer

REPO = Path(__file__).resolve().parents[1]
SOURCE = "forum-ack"
RUN = "run-1"
redis_server = redis_fixture()


@pytest.fixture(scope="module")
def forum() -> Iterator[ForumServer]:
    server = ForumServer("phpbb", size="small", hostile=False, seed=44)
    server.start()
    yield server
    server.stop()


class KillAtListingAck(ReplyDropper):
    """Forwards everything; when an acknowledgement (the ack script's EVALSHA) names a board page's
    request, SIGKILLs `pid` before forwarding it: Redis runs the ack, the crawl never learns it."""

    def __init__(self, upstream: tuple[str, int], link, blobs_key: str, assoc: bytes) -> None:  # type: ignore[no-untyped-def]
        super().__init__(upstream, trigger=hashlib.sha1(_ACK.encode()).hexdigest().encode(), drop=lambda n: False)
        self.link, self.blobs_key, self.assoc = link, blobs_key, assoc
        self.pid = 0
        self.killed: tuple[str, str] | None = None  # (request id, URL)

    def _board_request(self, chunk: bytes) -> tuple[str, str] | None:
        parts = chunk.split(b"\r\n")
        # *N $7 EVALSHA $40 sha $1 4 (4 keys) (owner) rid...: bulk strings are every other line
        args = [p.decode() for p in parts[2::2] if p]
        for rid in args[8:]:
            blob = self.link.client.hget(self.blobs_key, rid)
            data = self.link.unseal(blob or b"", self.assoc)
            if data is not None and "/board/" in (url := pickle.loads(data)["url"]):
                return rid, url
        return None

    def _up(self, client, server, armed) -> None:  # type: ignore[no-untyped-def]
        try:
            while chunk := client.recv(65536):
                if self.trigger in chunk and self.killed is None and self.pid:
                    got = self._board_request(chunk)
                    if got is not None:
                        os.kill(self.pid, signal.SIGKILL)
                        self.killed = got
                        armed.set()
                server.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(client, server)


def _fragment_ids(data: Path) -> set[str]:
    with sqlite3.connect(data / "store.sqlite3") as db:
        return {r[0] for r in db.execute("SELECT id FROM fragments")}


def _crawl_job(config: Path, data: Path, owner: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vigie.service.crawl_job", "--config", str(config), "--data-dir", str(data),
         "--source", SOURCE, "--run", RUN, "--owner", owner, "--summary-json", str(data / f"{owner[-1]}.json")],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_crawl_killed_after_a_listing_ack_loses_no_thread(forum: ForumServer, redis_server: RedisServer,
                                                            tmp_path: Path) -> None:
    reference_config = make_config(tmp_path / "ref-config", forum.url, name=SOURCE, limits={"concurrency": 2})
    run = crawl(reference_config, tmp_path / "ref-data", SOURCE)
    assert run.returncode == 0 and run.summary["finish_reason"] == "finished", run.stderr[-2000:]
    state = CrawlState(tmp_path / "ref-data" / "crawl-state.sqlite3", SOURCE)
    expected = state.counts()
    state.close()
    assert expected["threads"] > 3 and expected["posts"] > 10

    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    prefix = f"ack{os.urandom(3).hex()}"
    link = connect(redis_server.url, password=redis_server.password, prefix=prefix,
                   secret=load_or_create_key(data / "crawl-state-redis.key"))  # the file the crawls read
    blobs = link.key("frontier", SOURCE, RUN, "blobs")
    owners = link.key("frontier", SOURCE, RUN, "owners")
    env = {**redis_server.env(), **test_keys_env}
    try:
        with KillAtListingAck(("127.0.0.1", redis_server.port), link, blobs, f"{SOURCE}|{RUN}".encode()) as relay:
            config = make_config(tmp_path / "config", forum.url, name=SOURCE, limits={"concurrency": 2})
            (config / "vigie.yaml").write_text(
                "storage:\n  backend: embedded\n"
                f"scale:\n  redis_url: redis://127.0.0.1:{relay.port}/0\n"
                f"  redis_password: ${{VIGIE_REDIS_PASSWORD}}\n  key_prefix: {prefix}\n  request_lease_seconds: 60\n")
            first = _crawl_job(config, data, "w1/a", env)
            relay.pid = first.pid
            _, err = first.communicate(timeout=180)
            assert relay.killed is not None, ("no board page was acknowledged", first.returncode, err[-3000:])
            assert first.returncode == -signal.SIGKILL, (first.returncode, err[-3000:])
            rid = relay.killed[0]
            deadline = time.monotonic() + 30
            while link.client.hexists(owners, rid) and time.monotonic() < deadline:  # the ack reached Redis
                time.sleep(0.05)
            assert not link.client.hexists(owners, rid)
            # the run resumed by another crawl (the job taken over), on the same frontier
            second = _crawl_job(config, data, "w2/b", env)
            _, err = second.communicate(timeout=180)
            assert second.returncode == 0, err[-3000:]
        summary = json.loads((data / "b.json").read_text())
        assert summary["finish_reason"] == "finished" and summary["frontier_left"] == 0, summary
        assert RedisCrawlState(link, SOURCE).counts() == expected, relay.killed
    finally:
        link.close()
    assert _fragment_ids(data) == _fragment_ids(tmp_path / "ref-data")
