"""Redis memory per queued URL: Vigie's frontier against the scrapy-redis layout (docs/scale.md,
"Sizing").

    .venv/bin/python -m bench.scale_redis            # 1,000,000 URLs each (a few minutes)
    .venv/bin/python -m bench.scale_redis --quick    # 100,000

Ours: the real `crawler.frontier.queue.RedisFrontier`: `add_seen` (the keyed 16-byte duplicate
filter entry) and `push` of a pickled Scrapy request dict, sealed with AES-GCM, for onion thread
URLs with the meta a Vigie crawl carries. Baseline: the scrapy-redis default layout, emulated
here because scrapy-redis is not installed: one ZSET member per request (the pickled request
dict, unsealed) and a SET of 40-hex SHA-1 request fingerprints. Each side gets a fresh
`redis-server` on a unix socket (no persistence); the figure is the growth of `used_memory`
divided by the number of URLs. Appends one line to bench/results/scale_redis.jsonl.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import redis
from scrapy import Request

from crawler.frontier.link import RedisLink
from crawler.frontier.queue import RedisFrontier

RESULTS = Path(__file__).resolve().parent / "results" / "scale_redis.jsonl"
ONION = "vigiexmpl" + "a" * 47  # 56 characters, like a v3 onion name (made up)


def request_bytes(i: int) -> bytes:
    url = f"http://{ONION}.onion/viewtopic.php?t={100000 + i // 20}&start={(i % 20) * 25}"
    req = Request(url, priority=-(i % 3), meta={"vigie_source": "forum-x", "vigie_kind": "thread",
                                                "vigie_thread": str(100000 + i // 20), "depth": 3})
    return pickle.dumps(req.to_dict(), protocol=pickle.HIGHEST_PROTOCOL)


class Server:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="vigie-bench-redis-"))
        self.sock = self.dir / "redis.sock"
        self.proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(self.sock),
                                      "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                                      "--dir", str(self.dir)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not self.sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.client = redis.Redis(unix_socket_path=str(self.sock))
        self.client.ping()

    def used(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def version(self) -> str:
        return str(self.client.info()["redis_version"])

    def close(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def ours(n: int) -> dict[str, float]:
    server = Server()
    try:
        link = RedisLink(server.client, "vigie", os.urandom(32))
        frontier = RedisFrontier(link, "forum-x", "run-1", "bench", lease_ms=120_000)
        base, t0 = server.used(), time.perf_counter()
        for i in range(n):
            data = request_bytes(i)
            if frontier.add_seen(hashlib.sha1(data).digest()):
                frontier.push(data, -(i % 3))
        seconds = time.perf_counter() - t0
        assert frontier.queued() == n
        return {"bytes_per_url": (server.used() - base) / n, "push_us": seconds / n * 1e6,
                "payload_bytes": len(link.seal(request_bytes(0)))}
    finally:
        server.close()


def baseline(n: int) -> dict[str, float]:
    server = Server()
    try:
        client = server.client
        base, t0 = server.used(), time.perf_counter()
        pipe = client.pipeline(transaction=False)
        for i in range(n):
            data = request_bytes(i)
            pipe.sadd("forum-x:dupefilter", hashlib.sha1(data).hexdigest())
            pipe.zadd("forum-x:requests", {data: i % 3})
            if i % 2000 == 1999:
                pipe.execute()
        pipe.execute()
        seconds = time.perf_counter() - t0
        assert client.zcard("forum-x:requests") == n
        return {"bytes_per_url": (server.used() - base) / n, "push_us": seconds / n * 1e6,
                "payload_bytes": len(request_bytes(0)), "version": server.version()}  # type: ignore[dict-item]
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("-n", type=int, default=None)
    args = parser.parse_args()
    n = args.n or (100_000 if args.quick else 1_000_000)
    base = baseline(n)
    mine = ours(n)
    ratio = mine["bytes_per_url"] / base["bytes_per_url"]
    line = {"bench": "scale_redis", "at": datetime.now(UTC).isoformat(timespec="seconds"), "n": n,
            "quick": args.quick, "redis": base.pop("version"), "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "vigie": {k: round(v, 1) for k, v in mine.items()},
            "scrapy_redis_layout": {k: round(v, 1) for k, v in base.items()},
            "memory_ratio": round(ratio, 2),
            "mb_per_million_urls": {"vigie": round(mine["bytes_per_url"] * 1e6 / 2**20, 1),
                                    "scrapy_redis_layout": round(base["bytes_per_url"] * 1e6 / 2**20, 1)}}
    print(json.dumps(line, indent=1))
    print(f"Redis memory per queued URL: Vigie {mine['bytes_per_url']:.0f} B, scrapy-redis layout "
          f"{base['bytes_per_url']:.0f} B (x{ratio:.2f}); push {mine['push_us']:.0f} us vs {base['push_us']:.0f} us "
          "(ours: one request at a time with its round trips; the baseline is pipelined)")
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as fh:
        fh.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
