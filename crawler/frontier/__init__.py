"""The shared frontier for scale-out (docs/scale.md): a Redis every worker reaches.

Pieces, each on plain redis-py (scrapy-redis 0.9.1 runs on the pinned Scrapy, but pops requests
destructively, so a killed worker's in-flight requests are lost, and stores them pickled in
clear; see docs/scale.md):

- `RedisFrontier` (frontier.queue): one crawl run's request queue, per source, with leases
  (visibility timeout) so a killed crawl's in-flight requests come back;
- `RedisScheduler` / `RedisDupeFilter` / `LeaseAckMiddleware` (frontier.scrapy): Scrapy's
  SCHEDULER, DUPEFILTER_CLASS and a spider middleware over it;
- `RedisCrawlState` (frontier.state): crawler.state.CrawlState with its rows in Redis, keyed
  and sealed as in SQLite, so fragment ids and exactly-once delivery do not change;
- `Membership` (frontier.cluster): live workers with heartbeat leases, rendezvous hashing of a
  source's onion to one worker; `LeaderLock`: the scheduler's lease with a fencing token;
  `JobBoard`: crawl jobs the leader pushes and the owning worker claims under a lease.

Nothing here knows about Vigie's config loading: `connect()` takes a URL and a password.
"""

from __future__ import annotations

from crawler import CrawlerError

__all__ = ["FrontierError", "RedisLink", "connect"]


class FrontierError(CrawlerError):
    """The shared frontier (Redis) failed or refused an operation."""


from crawler.frontier.link import RedisLink, connect  # noqa: E402
