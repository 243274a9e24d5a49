"""Scale-out benchmark (issue 18): the Redis frontier with 1, 2 and 4 `vigie worker` processes,
each with its own Tor client, crawling onion forums whose answers are delayed, all on the
private Tor network.

    unshare --net -- bash -c 'ip link set lo up && .venv/bin/python -m bench.scale'

Everything runs on 127.0.0.1 inside a loopback-only namespace (the script refuses otherwise):
the 7-process private Tor network, `--forums` demo forums (`vigie_kit.forum`, phpBB engine,
not hostile) each published as an onion service and answering after a delay drawn in
200-800 ms (as real onion services do), a redis-server (AOF on), and the workers. Each worker
launches its own tor client (`tor.mode: launch`, joined to the private network through
`tor.extra_torrc`), the real product path of `vigie worker`.

Per worker count N (fresh Redis keys, fresh data directory, the same forums): the bench holds
the leader lock and pushes one crawl job per source (what `vigie scheduler` does), and times
until every job is finished. Reported:
- pages/min (HTML pages crawled, all sources) and the scaling efficiency
  throughput(N) / (N x throughput(1));
- the frontier's overhead per request: push + duplicate filter + lease + ack of one request
  through `RedisFrontier` (our code) against Scrapy's own in-memory priority queue (the
  baseline), best of 3, in microseconds;
- Redis memory per million queued URLs: `INFO memory` after queueing `--memory-urls` sealed
  requests and their fingerprints (the frontier's own key layout), scaled to 10^6.
Results: printed, and appended as one JSON line to bench/results/scale.jsonl.

Caveat (said in the result line too): 2 cores run the Tor network, up to 4 extra tor clients,
the forums and every crawl process; a crawl process spends seconds of CPU starting (Python,
Scrapy, the detectors). Where CPU saturates, the efficiency measures this machine, not the
design; the per-run CPU idle fraction is reported so the reader can tell.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from crawler.frontier import connect
from crawler.frontier.cluster import JobBoard, LeaderLock
from crawler.frontier.link import load_or_create_key
from crawler.frontier.queue import RedisFrontier
from tests.fixtures.forum import make_config, test_keys_env
from tests.redis_server import RedisServer
from vigie_kit.forum import ForumServer
from vigie_kit.tornet import PrivateTorNetwork, assert_loopback_only

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scale.jsonl"


def _cpu_idle() -> tuple[float, float]:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [float(v) for v in fields]
    return values[3] + values[4], sum(values)


def write_config(config: Path, onions: dict[str, str], net: PrivateTorNetwork, redis: RedisServer,
                 prefix: str, concurrency: int, crawls_per_worker: int) -> None:
    for name, onion in onions.items():
        make_config(config, f"http://{onion}", name=name, network="tor",
                    limits={"concurrency": concurrency, "timeout_seconds": 60})
        path = config / "sources" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        data["schedule"] = {"interval": "24h", "jitter_seconds": 0}
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    global_config = {
        "storage": {"backend": "embedded"},
        "tor": {"mode": "launch", "extra_torrc": net.client_options(), "bootstrap_timeout_seconds": 180},
        # the password comes from the workers' environment (`redis.env()`), never written in the file
        "scale": {"redis_url": redis.url, "redis_password": "${VIGIE_REDIS_PASSWORD}", "key_prefix": prefix,
                  "worker_lease_seconds": 10, "leader_lease_seconds": 10, "request_lease_seconds": 120,
                  "max_crawls_per_worker": crawls_per_worker},
    }
    (config / "vigie.yaml").write_text(yaml.safe_dump(global_config))


def run_workers(n: int, onions: dict[str, str], net: PrivateTorNetwork, redis: RedisServer, work: Path,
                args: argparse.Namespace) -> dict[str, Any]:
    base = work / f"run-{n}"
    config, data = base / "config", base / "data"
    data.mkdir(parents=True, mode=0o700)
    prefix = f"bench{n}{os.urandom(2).hex()}"
    write_config(config, onions, net, redis, prefix, args.concurrency, args.crawls_per_worker)
    procs = []
    for i in range(n):
        log = (base / f"w{i}.log").open("wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "vigie", "--log-level", "INFO", "worker", "--id", f"w{i}",
             "--config", str(config), "--data-dir", str(data), *(["--no-index"] if args.no_index else [])],
            cwd=ROOT, env={**redis.env(), **test_keys_env}, stdout=log, stderr=subprocess.STDOUT))
    link = connect(redis.url, password=redis.password, prefix=prefix,
                   secret=load_or_create_key(data / "crawl-state-redis.key"))
    try:
        # every worker's own tor client bootstrapped (the worker logs "up" after it)
        deadline = time.monotonic() + 300
        while sum("up (tor" in (base / f"w{i}.log").read_text(errors="replace") for i in range(n)) < n:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"workers did not come up; see {base}/w*.log")
            time.sleep(0.5)
        lock = LeaderLock(link, "scheduler", "bench", lease_ms=600_000)
        assert lock.acquire()
        board = JobBoard(link, lease_ms=10_000)
        idle0, total0 = _cpu_idle()
        t0 = time.monotonic()
        for name in onions:
            board.push(name, lock)
        while len(board.runs()) < len(onions):
            if time.monotonic() - t0 > args.run_timeout:
                raise RuntimeError(f"run with {n} worker(s) did not finish in {args.run_timeout}s; see {base}")
            time.sleep(0.2)
        elapsed = time.monotonic() - t0
        idle1, total1 = _cpu_idle()
        runs = board.runs()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        link.close()
    pages = sum(int(r.get("pages") or 0) for r in runs)
    per_worker = {w: sum(1 for r in runs if r["worker"] == w) for w in sorted({r["worker"] for r in runs})}
    return {"workers": n, "pages": pages, "seconds": round(elapsed, 2), "pages_per_min": round(pages / elapsed * 60, 1),
            "items": sum(int(r.get("posts") or 0) + int(r.get("files") or 0) for r in runs),
            "errors": sum(int(r.get("errors") or 0) for r in runs), "sources_per_worker": per_worker,
            "cpu_idle_fraction": round((idle1 - idle0) / max(1.0, total1 - total0), 3)}


def frontier_overhead(redis: RedisServer, n: int = 3000) -> dict[str, Any]:
    """Per request: our frontier (push + duplicate filter + lease + ack, sealed, over loopback
    TCP) vs Scrapy's in-memory priority queue (push + pop); best of 3 each."""
    from scrapy import Request
    from scrapy.pqueues import ScrapyPriorityQueue
    from scrapy.squeues import PickleLifoDiskQueue  # noqa: F401  (imported by name below)
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    link = connect(redis.url, password=redis.password, prefix=f"ovh{os.urandom(2).hex()}", secret=os.urandom(32))
    requests = [Request(f"http://{'x' * 56}.onion/viewtopic.php?t={i}&start={i * 20}", meta={"vigie_page": i})
                for i in range(n)]
    blobs = [pickle.dumps(r.to_dict(), protocol=pickle.HIGHEST_PROTOCOL) for r in requests]
    ours = []
    for rep in range(3):
        f = RedisFrontier(link, "bench", f"ovh{rep}", "me", lease_ms=60_000)
        t0 = time.perf_counter()
        for i, blob in enumerate(blobs):
            f.push_new(str(i).encode(), blob, 0)  # what RedisScheduler.enqueue_request does
        ids = []
        while (got := f.lease()) is not None:
            ids.append(got[0])
            f.ack([got[0]])
        ours.append((time.perf_counter() - t0) / n)
        assert len(ids) == n
        f.clear()
    crawler = get_crawler()
    base = []
    for _ in range(3):
        pq = ScrapyPriorityQueue.from_crawler(crawler, load_object("scrapy.squeues.LifoMemoryQueue"), key="")
        seen: set[bytes] = set()
        t0 = time.perf_counter()
        for i, r in enumerate(requests):
            seen.add(str(i).encode())
            pq.push(r)
        while pq.pop() is not None:
            pass
        base.append((time.perf_counter() - t0) / n)
    link.close()
    return {"frontier_us_per_request": round(min(ours) * 1e6, 1),
            "memory_queue_us_per_request": round(min(base) * 1e6, 2),
            "ratio": round(min(ours) / min(base), 1), "requests": n}


def redis_memory(redis: RedisServer, urls: int) -> dict[str, Any]:
    """INFO memory before and after queueing `urls` sealed requests (the frontier's layout:
    blobs HASH, queue ZSET, fingerprints SET), scaled to one million."""
    link = connect(redis.url, password=redis.password, prefix=f"mem{os.urandom(2).hex()}", secret=os.urandom(32))
    f = RedisFrontier(link, "bench", "mem", "me", lease_ms=60_000)
    client = link.client
    client.execute_command("MEMORY", "PURGE")
    before = int(client.info("memory")["used_memory"])
    proto = pickle.dumps({"url": f"http://{'x' * 56}.onion/viewtopic.php?t=123456&start=40", "callback": "parse_thread",
                          "errback": "on_error", "method": "GET", "headers": {}, "body": b"", "cookies": {},
                          "meta": {"vigie_depth": 2, "vigie_page": 3, "vigie_kind": "thread"}, "encoding": "utf-8",
                          "priority": 0, "dont_filter": False, "flags": [], "cb_kwargs": {}},
                         protocol=pickle.HIGHEST_PROTOCOL)
    assoc = f"{f.source}|{f.run_id}".encode()
    batch = 10_000
    for start in range(0, urls, batch):
        pipe = client.pipeline(transaction=False)
        for i in range(start, min(urls, start + batch)):
            rid = str(i + 1)
            pipe.hset(f.keys["blobs"], rid, link.seal(proto.replace(b"123456", f"{i:06d}".encode()[-6:]), assoc))
            pipe.zadd(f.keys["queue"], {rid: -float(i)})
            pipe.sadd(f.keys["seen"], link.fingerprint("request", i.to_bytes(8, "big")))
        pipe.execute()
    after = int(client.info("memory")["used_memory"])
    blob_bytes = len(link.seal(proto, assoc))
    f.clear()
    link.close()
    per_url = (after - before) / urls
    return {"urls": urls, "bytes_per_url": round(per_url, 1), "mib_per_million": round(per_url * 1e6 / 2**20, 1),
            "sealed_request_bytes": blob_bytes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forums", type=int, default=8)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=4, help="limits.concurrency of every source")
    parser.add_argument("--crawls-per-worker", type=int, default=2, help="scale.max_crawls_per_worker")
    parser.add_argument("--latency-min-ms", type=int, default=200)
    parser.add_argument("--latency-max-ms", type=int, default=800)
    parser.add_argument("--memory-urls", type=int, default=1_000_000)
    parser.add_argument("--run-timeout", type=float, default=900)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--no-index", action="store_true",
                        help="workers detect and store nothing (vigie worker --no-index): the crawl and its "
                        "transport are measured, not detection, which is CPU-bound on a 2-core machine")
    parser.add_argument("--skip-micro", action="store_true", help="skip the overhead and memory measurements")
    args = parser.parse_args()
    assert_loopback_only("bench/scale.py")
    rng = random.Random(args.seed)
    counts = [int(x) for x in args.workers.split(",")]
    result: dict[str, Any] = {"bench": "scale", "at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "host": platform.node(), "cpus": os.cpu_count(), "forums": args.forums,
                              "latency_ms": [args.latency_min_ms, args.latency_max_ms],
                              "concurrency_per_source": args.concurrency,
                              "crawls_per_worker": args.crawls_per_worker, "indexing": not args.no_index}
    with tempfile.TemporaryDirectory(prefix="vigie-bench-scale-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o700)
        with RedisServer(base_dir=work / "redis", appendfsync="everysec") as redis:
            if not args.skip_micro:
                print("frontier overhead...", file=sys.stderr)
                result["overhead"] = frontier_overhead(redis)
                print(f"  {result['overhead']}", file=sys.stderr)
            if args.memory_urls and not args.skip_micro:
                print(f"redis memory with {args.memory_urls} queued URLs...", file=sys.stderr)
                result["memory"] = redis_memory(redis, args.memory_urls)
                print(f"  {result['memory']}", file=sys.stderr)
            net = PrivateTorNetwork(work / "tornet", on_progress=lambda m: print(f"  [tornet] {m}", file=sys.stderr))
            forums: list[ForumServer] = []
            with net:
                onions: dict[str, str] = {}
                latencies = {}
                for i in range(args.forums):
                    latency = rng.uniform(args.latency_min_ms, args.latency_max_ms) / 1000
                    forum = ForumServer("phpbb", seed=100 + i, hostile=False, latency_seconds=latency).start()
                    forums.append(forum)
                    name = f"forum-{i}"
                    onions[name] = net.add_onion_service(forum.address[1])
                    latencies[name] = round(latency * 1000)
                result["forum_latency_ms"] = latencies
                try:
                    runs = []
                    for n in counts:
                        print(f"run with {n} worker(s)...", file=sys.stderr)
                        runs.append(run_workers(n, onions, net, redis, work, args))
                        print(f"  {runs[-1]}", file=sys.stderr)
                finally:
                    for forum in forums:
                        forum.stop()
    one = next((r for r in runs if r["workers"] == 1), None)
    for r in runs:
        r["efficiency"] = round(r["pages_per_min"] / (r["workers"] * one["pages_per_min"]), 3) if one else None
    result["runs"] = runs
    result["note"] = ("2 cores for the Tor network, one tor client per worker, the forums and every crawl process: "
                      "cpu_idle_fraction near 0 means CPU-bound on this machine, not network-bound")
    print(json.dumps(result, indent=1))
    for r in runs:
        print(f"{r['workers']} worker(s): {r['pages']} pages in {r['seconds']} s = {r['pages_per_min']} pages/min, "
              f"efficiency {r['efficiency']}, CPU idle {r['cpu_idle_fraction']:.0%}, sources {r['sources_per_worker']}")
    if "overhead" in result:
        print(f"frontier: {result['overhead']['frontier_us_per_request']} us/request vs "
              f"{result['overhead']['memory_queue_us_per_request']} us in Scrapy's memory queue "
              f"({result['overhead']['ratio']}x)")
    if "memory" in result:
        print(f"redis: {result['memory']['mib_per_million']} MiB per million queued URLs")
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
