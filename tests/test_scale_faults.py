"""Scale-out end to end, with faults (issue 18): `vigie scheduler` (leader-elected) and two
`vigie worker` processes over a real redis-server (AOF), crawling two small forums whose answers
are delayed, on loopback (direct network: per-worker Tor is exercised by bench/scale.py).

What must hold after a worker is SIGKILLed mid-crawl, after the leading scheduler is SIGKILLed
(the standby takes over), and after Redis is SIGKILLed and restarted from its AOF mid-crawl:
the shared store holds exactly the fragments a single-machine `vigie crawl` (embedded, no
Redis) of the same forums stores (same ids: zero lost, zero duplicated), and the shared crawl
state has recorded every thread, post and attachment that crawl recorded.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.frontier import connect
from crawler.frontier.cluster import JobBoard, LeaderLock
from crawler.frontier.link import load_or_create_key
from crawler.frontier.state import RedisCrawlState
from crawler.state import CrawlState
from tests.fixtures.forum import crawl, make_config, test_keys_env
from tests.redis_server import RedisServer
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SOURCES = ("forum-a", "forum-b")
LATENCY = 0.25  # seconds per answer: a crawl lasts a few seconds, long enough to be hit mid-way


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def fragment_ids(data: Path) -> list[str]:
    with sqlite3.connect(data / "store.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT id FROM fragments")]


@pytest.fixture(scope="module")
def forums() -> Iterator[dict[str, ForumServer]]:
    servers = {name: ForumServer("phpbb", size="small", hostile=False, seed=seed, latency_seconds=LATENCY)
               for name, seed in zip(SOURCES, (11, 22), strict=True)}
    for s in servers.values():
        s.start()
    yield servers
    for s in servers.values():
        s.stop()


def _config(directory: Path, forums: dict[str, ForumServer], *, redis: RedisServer | None, interval: str) -> Path:
    for name, server in forums.items():
        # a 60 s timeout: on a loaded runner a starved crawl or forum thread may stall past the
        # kit's 10 s, and a page lost to that in the reference (counted, but lost) made it smaller
        # than the faulted run it is compared with (forum-b: 5 threads against 8, in one suite run)
        make_config(directory, server.url, name=name, limits={"concurrency": 2, "timeout_seconds": 60})
        path = directory / "sources" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        data["schedule"] = {"interval": interval, "jitter_seconds": 0}
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    text = "storage:\n  backend: embedded\n"
    if redis is not None:
        text += (f"scale:\n  redis_url: {redis.url}\n  redis_password: ${{VIGIE_REDIS_PASSWORD}}\n"
                 f"  key_prefix: t{os.urandom(3).hex()}\n"
                 "  worker_lease_seconds: 2\n  leader_lease_seconds: 2\n  request_lease_seconds: 20\n")
    (directory / "vigie.yaml").write_text(text)
    return directory


@dataclass
class Reference:
    ids: set[str]
    counts: dict[str, dict[str, int]]


@pytest.fixture(scope="module")
def reference(forums: dict[str, ForumServer], tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The single-machine embedded default, no Redis: what every scaled-out run must equal."""
    base = tmp_path_factory.mktemp("reference")
    config, data = _config(base / "config", forums, redis=None, interval="1h"), base / "data"
    with ThreadPoolExecutor(len(SOURCES)) as pool:  # two crawls side by side, as the cluster runs them
        runs = list(pool.map(lambda name: crawl(config, data, name, timeout=120), SOURCES))
    for run in runs:
        assert run.returncode == 0 and run.summary["finish_reason"] == "finished", run.stderr[-2000:]
        # a reference that lost pages is no reference: say so, rather than a count mismatch later
        assert not any(run.summary["failures"].values()), (run.summary["failures"], run.stderr[-2000:])
    counts = {}
    for name in SOURCES:
        state = CrawlState(data / "crawl-state.sqlite3", name)
        counts[name] = state.counts()
        state.close()
    ids = set(fragment_ids(data))
    assert ids and all(c["posts"] > 5 for c in counts.values())
    return Reference(ids, counts)


class Cluster:
    def __init__(self, base: Path, forums: dict[str, ForumServer], redis: RedisServer, interval: str) -> None:
        self.base, self.redis = base, redis
        self.config = _config(base / "config", forums, redis=redis, interval=interval)
        self.data = base / "data"
        self.data.mkdir(mode=0o700)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        scale = yaml.safe_load((self.config / "vigie.yaml").read_text())["scale"]
        self.prefix = scale["key_prefix"]

    def start(self, command: str, name: str) -> subprocess.Popen[bytes]:
        log = (self.base / f"{name}.log").open("ab")
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "INFO", command, "--id", name,
                                 "--config", str(self.config), "--data-dir", str(self.data)],
                                cwd=REPO, env={**self.redis.env(), **test_keys_env}, stdout=log,
                                stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def link(self):  # type: ignore[no-untyped-def]
        key = load_or_create_key(self.data / "crawl-state-redis.key")
        return connect(self.redis.url, password=self.redis.password, prefix=self.prefix, secret=key)

    def board(self) -> JobBoard:
        return JobBoard(self.link(), lease_ms=2000)

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.base.glob("*.log"))

    def check_against(self, reference: Reference) -> None:
        link = self.link()
        try:
            for name in SOURCES:
                counts = RedisCrawlState(link, name).counts()
                # the processes' logs in the message: this failed once in a suite run at load 30
                # (wave 25: forum-a one thread short after both runs had finished), not since
                assert counts == reference.counts[name], (name, counts, reference.counts[name], self.logs())
        finally:
            link.close()
        ids = fragment_ids(self.data)
        assert len(ids) == len(set(ids))
        assert set(ids) == reference.ids, (len(set(ids) - reference.ids), len(reference.ids - set(ids)))


@pytest.fixture
def cluster(forums: dict[str, ForumServer], tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    made: list[Cluster] = []
    servers: list[RedisServer] = []

    def make(interval: str = "1h") -> Cluster:
        redis = RedisServer(base_dir=tmp_path / "redis")
        redis.start()
        servers.append(redis)
        made.append(Cluster(tmp_path, forums, redis, interval))
        return made[-1]

    yield make
    for c in made:
        c.stop_all()
    for r in servers:
        r.cleanup()


def _running(board: JobBoard) -> dict[str, str]:
    return {s: h for s in SOURCES if (h := board.holder(s))}


def test_worker_leader_and_redis_killed_mid_crawl_lose_and_duplicate_nothing(
        cluster: Callable[..., Cluster], reference: Reference) -> None:
    """One crawl of two sources by two workers, hit three times: the worker crawling forum-a and
    the leading scheduler are SIGKILLed mid-crawl; once the other worker has resumed forum-a,
    Redis is SIGKILLed and restarted from its AOF. Then the standby scheduler's next run (a
    re-crawl: nothing new) must change nothing."""
    c = cluster(interval="25s")
    c.start("scheduler", "sched-a")
    link = c.link()
    lock = LeaderLock(link, "scheduler", "probe", lease_ms=2000)
    assert wait_for(lambda: lock.holder(), 30, "a leader").startswith("sched-a:")
    for name in ("sched-b", "w1", "w2"):
        c.start("scheduler" if name.startswith("sched") else "worker", name)
    board = c.board()
    source = SOURCES[0]
    holder = wait_for(lambda: board.holder(source), 60, f"the crawl of {source} to start")
    wait_for(lambda: RedisCrawlState(link, source).counts()["posts"] >= 2, 60, "the crawl to be under way")
    posts_at_kill = RedisCrawlState(link, source).counts()["posts"]
    c.kill(holder)
    c.kill("sched-a")
    survivor = "w2" if holder == "w1" else "w1"
    assert posts_at_kill < reference.counts[source]["posts"], "the kill came too late to be mid-crawl"
    wait_for(lambda: (h := lock.holder()) and h.startswith("sched-b:"), 20, "the standby to lead")
    wait_for(lambda: board.holder(source) == survivor, 30, f"{survivor} to take {source} over")
    c.redis.kill()
    time.sleep(0.5)
    c.redis.start()
    runs = wait_for(lambda: {r["source"] for r in board.runs()} == set(SOURCES) and board.runs(), 120,
                    "both crawls to finish")
    assert {r["source"]: r["worker"] for r in runs}[source] == survivor, c.logs()
    assert all(p.poll() is None for p in c.procs.values()), c.logs()  # nobody died of the Redis outage
    c.check_against(reference)
    # the standby leads the schedule now: its run (fence 2) re-crawls and finds nothing new
    wait_for(lambda: any(r["fence"] >= 2 for r in board.runs()) and not _running(board), 90,
             "a run pushed by the new leader")
    c.check_against(reference)
    link.close()
