"""Who does what across processes and hosts, with leases on Redis's clock.

- `Membership`: live workers, each renewing a heartbeat lease; `assign(keys, live)` is
  rendezvous (highest-random-weight) hashing with bounded loads: every worker computes the same
  owner for a source's onion from the same live set, no worker gets more than its share, and when
  a worker joins or leaves mostly its share of sources moves. A source's crawls thus stick to one
  worker's Tor circuits.
- `LeaderLock`: `SET NX PX` with renewal by its holder only; every acquisition takes a fresh
  fencing token (INCR). Writes a leader makes (crawl jobs) check the lock atomically, so a paused
  ex-leader cannot push once its lease lapsed.
- `JobBoard`: one pending-or-running crawl job per source (a run id); the worker owning the
  source claims it under a lease it renews while the crawl runs. A dead worker's lease lapses
  and the source's next owner resumes the same run (same frontier, see crawler.frontier.queue).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from loguru import logger

from crawler.frontier.link import RedisLink, as_text

__all__ = ["CrawlJob", "JobBoard", "LeaderLock", "Membership", "assign", "owner_of"]

_RUN_ID = re.compile(r"[0-9a-f]{1,32}")
# a lease key no holder could have written (no expiry, or one beyond ten leases, ARGV[2] in ms) is
# dropped before SET NX: set by hand in Redis, it blocked the lock or a source's job for good
_STALE = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 or ttl > 10 * tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
"""
_NOW = "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"


def _weight(worker: str, key: str) -> bytes:
    """The rendezvous weight of `worker` for `key`: the same on every host."""
    return hashlib.sha256(f"{worker}\x1f{key}".encode()).digest()


def owner_of(key: str, live: Iterable[str]) -> str | None:
    """The live worker with the highest weight for `key`; None when none is live."""
    return max(live, key=lambda worker: _weight(worker, key), default=None)


def assign(keys: Iterable[str], live: Iterable[str]) -> dict[str, str]:
    """Each key's worker: rendezvous hashing with bounded loads, no worker above ceil(keys/workers).

    Why bounded: plain rendezvous hashing (`owner_of`) balances only on average. With a few
    sources per worker it left some idle while one ran three times its share (measured: 16
    sources on 4 workers placed 2/3/5/6, so the crawl took 3 rounds where 2 sufficed). Here keys
    are placed in a fixed order (their hash), each on its highest-ranked worker that still has
    room. Every worker computes the same map from the same keys and live set; a key keeps its
    first-choice worker unless that one is full, so a membership change moves the dead or new
    worker's share and little else."""
    workers = sorted(set(live))
    if not workers:
        return {}
    ordered = sorted(set(keys), key=lambda k: hashlib.sha256(k.encode()).digest())
    cap = -(-len(ordered) // len(workers))
    load = dict.fromkeys(workers, 0)
    placed: dict[str, str] = {}
    for key in ordered:
        ranked = sorted(workers, key=lambda w: _weight(w, key), reverse=True)
        worker = next(w for w in ranked if load[w] < cap)
        placed[key] = worker
        load[worker] += 1
    return placed


class Membership:
    """Live workers. A member is `<worker>|<keyed hash of its name>`, and is live only while its
    lease deadline has not passed and is not years away: a process that can write to Redis but lacks
    the shared key cannot add a worker that never claims (the sources hashed to it were never
    crawled), nor keep a dead one alive with a deadline far in the future."""

    _BEAT = _NOW + """
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3600000)
return now
"""
    _LIVE = _NOW + "return redis.call('ZRANGEBYSCORE', KEYS[1], now, now + tonumber(ARGV[1]))"

    def __init__(self, link: RedisLink, *, lease_ms: int) -> None:
        self.link, self.lease_ms = link, lease_ms
        self.key = link.key("workers")
        self._beat = link.script(self._BEAT)
        self._live = link.script(self._LIVE)

    def _member(self, worker: str) -> str:
        return f"{worker}|{self.link.fingerprint('worker', worker.encode()).hex()}"

    def heartbeat(self, worker: str) -> None:
        self._beat(keys=[self.key], args=[self._member(worker), self.lease_ms])

    def live(self, *, verify: bool = True) -> list[str]:
        """The live workers' names; `verify=False` (`vigie status`, which holds no key) lists
        every member with a current lease, unverified."""
        out = []
        # a deadline further than this is not one a heartbeat wrote (even under a longer lease
        # setting, during a rolling change of it): a replayed entry is live for minutes, not years
        horizon = max(10 * self.lease_ms, 600_000)
        for raw in self._live(keys=[self.key], args=[horizon]):
            member = as_text(raw)
            name, sep, _ = member.rpartition("|")
            # as bytes: compare_digest raises TypeError on non-ASCII text, and Redis holds what
            # anyone with its password wrote
            if sep and (not verify or hmac.compare_digest(member.encode("utf-8", "surrogatepass"),
                                                          self._member(name).encode("utf-8", "surrogatepass"))):
                out.append(name)
        return sorted(out)

    def leave(self, worker: str) -> None:
        self.link.client.zrem(self.key, self._member(worker))


class LeaderLock:
    _ACQUIRE = _STALE + """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[3], ARGV[1] .. '|' .. fence)
  return fence
end
return 0
"""
    _RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
    _RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

    def __init__(self, link: RedisLink, name: str, holder: str, *, lease_ms: int) -> None:
        self.link, self.lease_ms = link, lease_ms
        self.key = link.key("leader", name)
        self.token = f"{holder}:{secrets.token_hex(8)}"
        self.fence = 0
        self._acquire = link.script(self._ACQUIRE)
        self._renew = link.script(self._RENEW)
        self._release = link.script(self._RELEASE)

    def acquire(self) -> bool:
        fence = int(self._acquire(keys=[self.key, self.key + ":fence", self.key + ":term"],
                                  args=[self.token, self.lease_ms]))
        if fence:
            self.fence = fence
        return bool(fence)

    def renew(self) -> bool:
        return bool(self._renew(keys=[self.key], args=[self.token, self.lease_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.token])
        self.fence = 0

    def holder(self) -> str | None:
        got = self.link.client.get(self.key)
        return as_text(got) if got else None


@dataclass(frozen=True)
class CrawlJob:
    source: str
    run_id: str
    queued_ms: int
    fence: int

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "run": self.run_id, "queued_ms": self.queued_ms, "fence": self.fence})

    @classmethod
    def from_json(cls, raw: bytes | str) -> CrawlJob:
        """Raises ValueError on anything but a job as `to_json` writes it: the board is in Redis,
        where a local process may write, and a run id names Redis keys and a process argument."""
        try:
            d = json.loads(raw)
            job = cls(d["source"], d["run"], int(d["queued_ms"]), int(d.get("fence", 0)))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a crawl job ({type(exc).__name__})") from None
        if not isinstance(job.source, str) or not isinstance(job.run_id, str) or not _RUN_ID.fullmatch(job.run_id):
            raise ValueError("not a crawl job (source or run id of the wrong form)")
        return job


class JobBoard:
    # push only while the caller still holds the leader lock (ARGV[3] is its token): fencing
    _PUSH = _NOW + """
if redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local job = string.gsub(ARGV[2], '"queued_ms": 0', '"queued_ms": ' .. now)
redis.call('HSET', KEYS[1], ARGV[1], job)
return 1
"""
    _RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
    _FINISH = """
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local ok, job = pcall(cjson.decode, raw or '')
if raw and (not ok or type(job) ~= 'table' or job['run'] == ARGV[3]) then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('DEL', KEYS[2])
redis.call('LPUSH', KEYS[3], ARGV[4]); redis.call('LTRIM', KEYS[3], 0, 999)
return 1
"""
    _RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
    _CLAIM = _STALE + "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0"
    _DROP = ("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) "
             "end return 0")

    def __init__(self, link: RedisLink, *, lease_ms: int) -> None:
        self.link, self.lease_ms = link, lease_ms
        self.key = link.key("jobs")
        self._drop = link.script(self._DROP)
        self._claim = link.script(self._CLAIM)
        self.history = link.key("runs")
        self._push = link.script(self._PUSH)
        self._renew = link.script(self._RENEW)
        self._finish = link.script(self._FINISH)
        self._release = link.script(self._RELEASE)

    def _lease_key(self, source: str) -> str:
        return self.link.key("job", source, "lease")

    def push(self, source: str, lock: LeaderLock) -> bool | None:
        """Queue a crawl of `source` unless one is queued or running (coalesced, as APScheduler's
        max_instances=1 did). None: refused, `lock` is no longer held."""
        job = CrawlJob(source, f"{int.from_bytes(os.urandom(6), 'big'):012x}", 0, lock.fence)
        got = int(self._push(keys=[self.key, lock.key], args=[source, job.to_json(), lock.token]))
        return None if got < 0 else bool(got)

    def pending(self) -> dict[str, CrawlJob]:
        """The queued or running jobs by source. An entry that is not a job of the source it is
        filed under (anyone with Redis access can write one) is removed and reported: read as is,
        it stalled every worker's rounds, or crawled under a name no check had seen."""
        out: dict[str, CrawlJob] = {}
        for k, v in self.link.client.hgetall(self.key).items():
            try:
                source = k.decode() if isinstance(k, bytes) else str(k)
                job = CrawlJob.from_json(v)
                if job.source != source:
                    raise ValueError("filed under another source")
            except ValueError as exc:  # includes UnicodeDecodeError
                logger.warning("job board: an entry that is not a crawl job was removed ({}); is something "
                               "other than `vigie scheduler` writing to Redis?", exc)
                self._drop(keys=[self.key], args=[k, v])
                continue
            out[source] = job
        return out

    def holder(self, source: str) -> str | None:
        got = self.link.client.get(self._lease_key(source))
        return as_text(got) if got else None

    def claim(self, source: str, worker: str) -> bool:
        return bool(self._claim(keys=[self._lease_key(source)], args=[worker, self.lease_ms]))

    def renew(self, source: str, worker: str) -> bool:
        return bool(self._renew(keys=[self._lease_key(source)], args=[worker, self.lease_ms]))

    def release(self, source: str, worker: str) -> None:
        """Give the job back unfinished (a stop, a failed start): it stays queued."""
        self._release(keys=[self._lease_key(source)], args=[worker])

    def finish(self, job: CrawlJob, worker: str, summary: dict[str, Any]) -> bool:
        record = json.dumps({"source": job.source, "run": job.run_id, "worker": worker, "fence": job.fence,
                             **{k: summary.get(k) for k in ("pages", "posts", "files", "pastes", "fragments",
                                                            "errors", "finish_reason", "duration_seconds")}})
        return bool(self._finish(keys=[self.key, self._lease_key(job.source), self.history],
                                 args=[job.source, worker, job.run_id, record]))

    def runs(self, limit: int = 100) -> list[dict[str, Any]]:
        out = []
        for raw in self.link.client.lrange(self.history, 0, limit - 1):
            try:
                run = json.loads(raw)
            except ValueError:  # not written by a worker (see pending)
                continue
            if isinstance(run, dict):
                out.append(run)
        return out
