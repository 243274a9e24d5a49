"""One crawl run's request queue in Redis, with leases (a visibility timeout).

Keys, per source and run (`<prefix>:frontier:<source>:<run>:*`):
    queue   ZSET  request id -> score (priority first, then last-in first-out, as Scrapy's default)
    blobs   HASH  request id -> the sealed request (crawler.frontier.link)
    seen    SET   keyed fingerprints of the requests already scheduled (the duplicate filter)
    leases  ZSET  request id -> lease deadline (ms, Redis's clock)
    owners  HASH  request id -> the crawl process holding it
    scores  HASH  request id -> its queue score, to requeue it in place
    seq     the id counter

Taking a request moves it from `queue` to `leases` atomically (a Lua script). It leaves the
frontier only when acknowledged: after its response's items went through the pipeline. A crawl
that dies leaves leases behind; once their deadline passes, or when the next crawl of the run
takes the job over, they go back to `queue`: nothing is lost, and a page fetched twice is
harmless (the crawl state skips what was accepted; ingestion is idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.frontier.link import RedisLink

__all__ = ["RedisFrontier"]

_PRIORITY_SCALE = 1e10  # score = -priority * scale - seq: exact in a double for |priority| < 1e5

_LEASE = """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[1]), r[1])
redis.call('HSET', KEYS[4], r[1], ARGV[2])
redis.call('HSET', KEYS[5], r[1], r[2])
return {r[1], redis.call('HGET', KEYS[2], r[1])}
"""

_REQUEUE = """
local limit
if ARGV[1] == 'all' then limit = '+inf' else
  local t = redis.call('TIME')
  limit = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', limit)
local n = 0
for _, id in ipairs(ids) do
  local owner = redis.call('HGET', KEYS[2], id)
  if (ARGV[2] == '' or owner ~= ARGV[2]) and (ARGV[3] == '' or owner == ARGV[3]) then
    local score = redis.call('HGET', KEYS[4], id) or '0'
    redis.call('ZADD', KEYS[3], score, id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    n = n + 1
  end
end
return n
"""

_RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local n = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[2] then
    redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]); n = n + 1
  end
end
return n
"""

_ACK = """
local n = 0
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], ARGV[i]); redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i]); redis.call('HDEL', KEYS[4], ARGV[i]); n = n + 1
  end
end
return n
"""

# the duplicate filter and the push in one round trip: ARGV fingerprint ('' = dont_filter), score
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 0 end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], seq, ARGV[3])
redis.call('ZADD', KEYS[1], -tonumber(ARGV[2]) * 1e10 - seq, seq)
return seq
"""

_FOREIGN = """
local owners = redis.call('HVALS', KEYS[1])
local n = 0
for _, o in ipairs(owners) do if o ~= ARGV[1] then n = n + 1 end end
return n
"""


@dataclass(frozen=True)
class Lease:
    id: str
    blob: bytes


class RedisFrontier:
    """The queue of one (source, run); `owner` names the crawl process (its leases)."""

    PARTS = ("queue", "blobs", "seen", "leases", "owners", "scores", "seq")

    def __init__(self, link: RedisLink, source: str, run_id: str, owner: str, *, lease_ms: int) -> None:
        self.link, self.source, self.run_id, self.owner, self.lease_ms = link, source, run_id, owner, lease_ms
        self.keys = {part: link.key("frontier", source, run_id, part) for part in self.PARTS}
        self._lease = link.script(_LEASE)
        self._requeue = link.script(_REQUEUE)
        self._renew = link.script(_RENEW)
        self._ack = link.script(_ACK)
        self._foreign = link.script(_FOREIGN)
        self._push = link.script(_PUSH)

    @property
    def _assoc(self) -> bytes:
        return f"{self.source}|{self.run_id}".encode()

    # -- the duplicate filter -------------------------------------------------------------------
    def add_seen(self, fingerprint: bytes) -> bool:
        """True when the fingerprint is new (the request must be scheduled)."""
        return bool(self.link.client.sadd(self.keys["seen"], self.link.fingerprint("request", fingerprint)))

    # -- the queue ------------------------------------------------------------------------------
    def push(self, data: bytes, priority: int = 0) -> str:
        client, k = self.link.client, self.keys
        seq = int(client.incr(k["seq"]))
        rid = str(seq)
        score = -float(priority) * _PRIORITY_SCALE - seq
        pipe = client.pipeline(transaction=True)
        pipe.hset(k["blobs"], rid, self.link.seal(data, self._assoc))
        pipe.zadd(k["queue"], {rid: score})
        pipe.execute()
        return rid

    def push_new(self, fingerprint: bytes | None, data: bytes, priority: int = 0) -> bool:
        """`add_seen` and `push` in one round trip: False (nothing queued) when the fingerprint was
        seen; None as fingerprint queues unconditionally (Scrapy's dont_filter)."""
        k = self.keys
        fp = self.link.fingerprint("request", fingerprint) if fingerprint is not None else b""
        sealed = self.link.seal(data, self._assoc)
        return bool(self._push(keys=[k["queue"], k["blobs"], k["seen"], k["seq"]], args=[fp, priority, sealed]))

    def lease(self) -> tuple[str, bytes] | None:
        """Take the next request under a lease; None when the queue is empty. A blob that does not
        unseal (another key, or tampered with) is dropped, acknowledged, and skipped."""
        while True:
            k = self.keys
            got = self._lease(keys=[k["queue"], k["blobs"], k["leases"], k["owners"], k["scores"]],
                              args=[self.lease_ms, self.owner])
            if not got:
                return None
            rid = got[0].decode() if isinstance(got[0], bytes) else str(got[0])
            data = self.link.unseal(got[1] or b"", self._assoc)
            if data is not None:
                return rid, data
            self.ack([rid])

    def ack(self, ids: list[str]) -> int:
        if not ids:
            return 0
        k = self.keys
        return int(self._ack(keys=[k["leases"], k["owners"], k["blobs"], k["scores"]], args=[self.owner, *ids]))

    def renew(self, ids: list[str]) -> int:
        if not ids:
            return 0
        return int(self._renew(keys=[self.keys["leases"], self.keys["owners"]], args=[self.lease_ms, self.owner, *ids]))

    def _requeue_leases(self, which: str, *, held_by_others_than: str = "", held_by: str = "") -> int:
        k = self.keys
        return int(self._requeue(keys=[k["leases"], k["owners"], k["queue"], k["scores"]],
                                 args=[which, held_by_others_than, held_by]))

    def requeue_expired(self) -> int:
        """Leases past their deadline (whoever held them) go back to the queue."""
        return self._requeue_leases("expired")

    def requeue_foreign(self) -> int:
        """Every lease not held by this owner goes back now: the crawl that held them is gone (the
        job was taken over under its own lease)."""
        return self._requeue_leases("all", held_by_others_than=self.owner)

    def requeue_own(self) -> int:
        """Every lease held under this crawl's own name goes back now. Only for a crawl that holds
        nothing (its engine is idle): such a lease is one whose reply a dropped connection lost.
        The lease script ran, the client retried and took another request, and the first stayed
        leased to us, unknown; nobody else would take it back before its deadline, and the run
        would end without it."""
        return self._requeue_leases("all", held_by=self.owner)

    def queued(self) -> int:
        return int(self.link.client.zcard(self.keys["queue"]))

    def leased(self) -> int:
        return int(self.link.client.zcard(self.keys["leases"]))

    def foreign_leases(self) -> int:
        return int(self._foreign(keys=[self.keys["owners"]], args=[self.owner]))

    def clear(self) -> None:
        """The run is over: its queue, leases and duplicate filter go (the next run starts fresh)."""
        self.link.client.delete(*self.keys.values())
