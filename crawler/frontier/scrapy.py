"""Scrapy's extension points over the Redis frontier: SCHEDULER, DUPEFILTER_CLASS and one
spider middleware that acknowledges a request once everything its response produced went
through the item pipeline (the crawl state is written there, after the sink accepted).

One crawl per process (crawler.runner), so the crawl's `RedisFrontier` is bound here, in the
process, by `frontier_settings()`; Scrapy deep-copies settings, which cannot carry a connection.

Acknowledgement, conservatively: a request stays leased (renewed while the crawl lives) until
its response's items were all processed and the requests it yielded were all pushed to the
frontier (Scrapy drains a callback's output into a queue before the engine schedules it: acked
when drained, a listing killed in between lost its threads for the run); a request whose download
failed, or that a middleware
replaced (retry, redirect: the successor is queued on its own), is acknowledged when the engine
goes idle. A crawl killed at any point therefore leaves its unfinished requests in the frontier.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from loguru import logger
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict

from crawler.frontier.queue import RedisFrontier

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["LeaseAckMiddleware", "RedisDupeFilter", "RedisScheduler", "bind", "bound", "frontier_settings"]

_LEASE_META = "_vigie_lease"
_PARENT_META = "_vigie_parent"  # the lease of the response that yielded a request, until it is queued


class _Book:
    """What this process holds: the frontier, its leases, and items still in the pipeline."""

    def __init__(self, frontier: RedisFrontier) -> None:
        self.frontier = frontier
        self.held: set[str] = set()
        self.pending: dict[str, int] = {}  # lease -> items not yet processed, requests not yet queued
        self.finished: set[str] = set()  # leases whose callback output is complete
        self.seconds = 0.0  # time spent talking to the frontier (the bench's overhead per request)
        self.calls = 0

    def timed(self, fn: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds += time.perf_counter() - t0
            self.calls += 1

    def maybe_ack(self, rid: str) -> None:
        if rid in self.finished and self.pending.get(rid, 0) <= 0:
            self.finished.discard(rid)
            self.pending.pop(rid, None)
            self.held.discard(rid)
            self.timed(self.frontier.ack, [rid])


_BOOK: _Book | None = None


def bind(frontier: RedisFrontier | None) -> None:
    global _BOOK
    _BOOK = _Book(frontier) if frontier is not None else None


def bound() -> _Book:
    if _BOOK is None:
        raise RuntimeError("the Redis scheduler has no frontier bound: crawls use it through "
                           "crawler.runner.run_crawl(..., frontier=...)")
    return _BOOK


def frontier_settings() -> dict[str, Any]:
    """The Scrapy settings that put the bound frontier in charge of scheduling."""
    return {"SCHEDULER": "crawler.frontier.scrapy.RedisScheduler",
            "DUPEFILTER_CLASS": "crawler.frontier.scrapy.RedisDupeFilter",
            "SPIDER_MIDDLEWARES": {"crawler.frontier.scrapy.LeaseAckMiddleware": 1}}


class RedisDupeFilter:
    """Request fingerprints (Scrapy's, then keyed) in the run's Redis set: a request seen by any
    crawl of the run, in any process, is not scheduled again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        assert self.crawler.request_fingerprinter is not None
        return self.crawler.request_fingerprinter.fingerprint(request)

    def request_seen(self, request: Request) -> bool:
        book = bound()
        return not book.timed(book.frontier.add_seen, self.fingerprint(request))

    def open(self) -> None:
        return None

    def close(self, reason: str) -> None:
        return None

    def log(self, request: Request, spider: Spider) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("dupefilter/filtered")


class RedisScheduler:
    """Requests go to the shared frontier, sealed; `next_request` takes one under a lease.

    Login requests (meta `vigie_kind: login`) stay in this process: they belong to its session
    (a form token, cookies in this process's cookie jar), make no sense replayed by another
    process, and every crawl that resumes a run logs in again by itself."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._local: list[tuple[int, int, Request]] = []  # session-bound requests: (-priority, seq, request)
        self._local_seq = 0
        self._login_seen = False
        self.df = RedisDupeFilter(crawler)
        self.spider: Spider | None = None
        self._renewer: Any = None
        self._last_requeue = 0.0
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        from twisted.internet import task

        self.spider = spider
        book = bound()
        back = book.frontier.requeue_foreign()  # the crawl that held them is gone: the job is ours now
        if back:
            logger.info("frontier: {} request(s) a previous crawl of {} held came back to the queue",
                        back, book.frontier.source)
        self._renewer = task.LoopingCall(self._renew)
        self._renewer.start(max(0.2, book.frontier.lease_ms / 3000.0), now=False)

    def close(self, reason: str) -> None:
        if self._renewer is not None and self._renewer.running:
            self._renewer.stop()
        book = bound()
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("vigie/frontier/seconds", round(book.seconds, 6))
            self.crawler.stats.set_value("vigie/frontier/calls", book.calls)

    def _renew(self) -> None:
        book = bound()
        try:
            book.timed(book.frontier.renew, sorted(book.held))
        except Exception as exc:  # Redis restarting: the next tick renews (leases are long enough)
            logger.warning("frontier: lease renewal deferred ({})", type(exc).__name__)

    def has_pending_requests(self) -> bool:
        book = bound()
        return bool(self._local) or bool(book.timed(book.frontier.queued))

    def enqueue_request(self, request: Request) -> bool:
        request.meta.pop(_LEASE_META, None)  # a retry or redirect copies meta: it is a new request
        parent = request.meta.pop(_PARENT_META, None)
        queued = self._enqueue(request)
        if parent is not None and _BOOK is not None:  # in the frontier (or filtered as seen): the
            _BOOK.pending[parent] = _BOOK.pending.get(parent, 0) - 1  # response that yielded it may go
            _BOOK.maybe_ack(parent)
        return queued

    def _enqueue(self, request: Request) -> bool:
        if request.meta.get("vigie_kind") == "login":
            import heapq

            self._login_seen = True
            self._local_seq += 1
            heapq.heappush(self._local, (-request.priority, self._local_seq, request))
            return True
        data = pickle.dumps(request.to_dict(spider=self.spider), protocol=pickle.HIGHEST_PROTOCOL)
        book = bound()
        # the duplicate filter's check and the push in one round trip (RedisDupeFilter's set)
        fp = None if request.dont_filter else self.df.fingerprint(request)
        if not book.timed(book.frontier.push_new, fp, data, request.priority):
            self.df.log(request, self.spider)  # type: ignore[arg-type]
            return False
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return True

    def _logging_in(self) -> bool:
        """A source with a login: nothing from the shared queue until this process's login is
        done (or failed), as the spider itself holds its start URLs. Requests a previous crawl
        of the run queued would otherwise race the login and swap the session it is building."""
        spider = self.spider
        if spider is None or getattr(getattr(spider, "source", None), "login", None) is None:
            return False
        return not self._login_seen or bool(getattr(spider, "_login_running", False))

    def _login_failed(self) -> bool:
        """The login was tried and failed: like the spider (crawler.spiders._base), fetch nothing
        more as a guest; the source needs attention and the run ends."""
        spider = self.spider
        return (self._login_seen and getattr(getattr(spider, "source", None), "login", None) is not None
                and not getattr(spider, "_login_running", False) and not getattr(spider, "logged_in", True))

    def next_request(self) -> Request | None:
        if self._local:
            import heapq

            return heapq.heappop(self._local)[2]
        if self._logging_in() or self._login_failed():
            return None
        book = bound()
        got = book.timed(book.frontier.lease)
        if got is None and time.monotonic() - self._last_requeue > 1.0:
            self._last_requeue = time.monotonic()
            if book.timed(book.frontier.requeue_expired):
                got = book.timed(book.frontier.lease)
        if got is None:
            return None
        rid, data = got
        # unpickled only after the AES-GCM tag verified (crawler.frontier.link): written by a
        # holder of the shared key
        request = request_from_dict(pickle.loads(data), spider=self.spider)
        request.meta[_LEASE_META] = rid
        book.held.add(rid)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _on_idle(self, spider: Spider) -> None:
        """The engine is idle: whatever this crawl still holds is done (failed downloads,
        replaced requests), and a lease under its name that it does not know of was never
        delivered (`RedisFrontier.requeue_own`): queued again. Leases other crawls hold keep the
        run open until they expire."""
        book = bound()
        mine = sorted(book.held)
        if mine:
            book.timed(book.frontier.ack, mine)
            book.held.clear()
            book.pending.clear()
            book.finished.clear()
        lost = book.timed(book.frontier.requeue_own)
        if lost:
            logger.warning("frontier: {} request(s) of {} leased to this crawl by a command whose reply was lost "
                           "(Redis connection dropped) went back to the queue", lost, book.frontier.source)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("vigie/frontier/lost_replies", lost)
        book.timed(book.frontier.requeue_expired)
        if self._login_failed():
            return
        if book.frontier.queued() or book.frontier.foreign_leases():
            raise DontCloseSpider("requests of this run are still queued or leased by another crawl")

    def __len__(self) -> int:
        return len(self._local) + bound().frontier.queued()


class LeaseAckMiddleware:
    """Closest to the engine: counts the items and requests each response yields; its lease is
    acknowledged once the callback is exhausted, the pipeline has processed every item, and the
    scheduler has pushed every request (`RedisScheduler.enqueue_request`). Exhausted is not
    enough: Scrapy (2.13+) drains the output into a queue the engine works through afterwards.
    A request the engine drops before the scheduler sees it (a `request_scheduled` handler's
    IgnoreRequest) keeps its response's lease until the crawl goes idle, as a failed download does."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._deferred: set[str] = set()
        crawler.signals.connect(self._item_done, signal=signals.item_scraped)
        crawler.signals.connect(self._item_done, signal=signals.item_dropped)
        crawler.signals.connect(self._item_done, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @staticmethod
    def _lease_of(response: Any) -> str | None:
        request = getattr(response, "request", None)
        return request.meta.get(_LEASE_META) if request is not None else None

    def _item_done(self, item: Any = None, response: Any = None, **_: Any) -> None:
        rid = self._lease_of(response)
        if rid is None or _BOOK is None:
            return
        _BOOK.pending[rid] = _BOOK.pending.get(rid, 0) - 1
        _BOOK.maybe_ack(rid)

    def _count(self, rid: str | None, out: Any) -> None:
        if rid is None or _BOOK is None:
            return
        if isinstance(out, Request):
            out.meta[_PARENT_META] = rid
        _BOOK.pending[rid] = _BOOK.pending.get(rid, 0) + 1

    def _holding(self) -> bool:
        """The spider keeps requests in memory while it logs in (those a login wall sent back,
        crawler.spiders._base): the responses that produced them are not acknowledged until it
        let them go, or a crash in between would lose them."""
        spider = self.crawler.spider
        return bool(getattr(spider, "_login_running", False) or getattr(spider, "_after_login", None))

    def _finish(self, rid: str | None) -> None:
        if rid is None or _BOOK is None:
            return
        if self._holding():
            self._deferred.add(rid)
            return
        for done in (*self._deferred, rid):
            _BOOK.finished.add(done)
            _BOOK.maybe_ack(done)
        self._deferred.clear()

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Spider) -> Iterator[Any]:
        rid = self._lease_of(response)
        for out in result:
            self._count(rid, out)
            yield out
        self._finish(rid)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider) -> AsyncIterator[Any]:
        rid = self._lease_of(response)
        async for out in result:
            self._count(rid, out)
            yield out
        self._finish(rid)
