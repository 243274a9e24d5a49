"""The one item pipeline: hand each item to the sink, THEN commit its crawl state.

The sink (`crawler.sink.ItemSink`) is the spider's `vigie_sink`: detection then storage, a JSONL
writer, or both. If `accept` raises, the item's state is not committed (and neither is the
checkpoint of its thread page), so the next crawl emits it again; nothing is lost, and
re-emitting is safe because ingestion is idempotent.

The sinks run on one thread of their own, in the order Scrapy hands the items over, never on the
reactor's thread: detecting a large attachment takes seconds of CPU, and on the reactor it froze
every download in flight (Tor stream watchdogs then saw silent streams and renewed healthy
circuits). The crawl state is still committed on the reactor, after the sink's answer; a thread
page's checkpoint waits for the posts of that page still in the sink.

`MaskedLogFormatter` (Scrapy's `LOG_FORMATTER`) keeps item contents and plaintext URLs out of
Scrapy's own DEBUG lines ("Crawled ...", "Scraped from ...", "Dropped: ..."): a URL or a title
may carry a victim's identifier, and the log is a file at rest like any other.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from loguru import logger
from scrapy import Request
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from crawler.items import FileDone, ThreadCheckpoint, VictimItem, VigieItem
from crawler.sink import accept_batch
from crawler.spiders._base import VigieSpider
from indexer.models import CrawledItem
from indexer.redact import mask_text, mask_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawler.sink import ItemSink
    from crawler.state import CrawlState

__all__ = ["IndexerPipeline", "MaskedLogFormatter", "item_label"]

# Items handed to the sink in one call at most: a batch's state is committed only once the whole
# batch is written, so a crash redoes at most this many (ingest is idempotent).
_BATCH_ITEMS = 64


def item_label(item: Any) -> str:
    """What a log line may say about an item: its kind and the head of its content hash (which
    names it in `vigie search`), never its URL, title or body."""
    if isinstance(item, VigieItem):
        return f"{item.kind} {item.content_hash[:12]}"
    if isinstance(item, ThreadCheckpoint):
        return f"thread checkpoint page {item.page_index}"
    if isinstance(item, FileDone):
        return f"attachment {item.status}"
    return type(item).__name__


def _masked_arg(value: Any) -> Any:
    if isinstance(value, Request):
        return f"<{value.method} {mask_url(value.url)}>"
    if isinstance(value, Response):
        return f"<{value.status} {mask_url(value.url)}>"
    if isinstance(value, Failure):
        return mask_text(value.getErrorMessage())
    if isinstance(value, str):
        return mask_url(value) if "://" in value else mask_text(value)
    if isinstance(value, (VigieItem, ThreadCheckpoint, FileDone)):
        return item_label(value)
    return value


class MaskedLogFormatter(LogFormatter):
    """Scrapy's messages, with requests and responses shown by their masked URL and items by
    `item_label`."""

    @staticmethod
    def _masked(result: LogFormatterResult) -> LogFormatterResult:
        args = result.get("args")
        if isinstance(args, dict):
            result["args"] = {k: _masked_arg(v) for k, v in args.items()}
        return result

    def crawled(self, request: Request, response: Response, spider: Spider) -> LogFormatterResult:
        return self._masked(super().crawled(request, response, spider))

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s",
                "args": {"item": item_label(item)}}

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["args"] = {"exception": mask_text(str(exception)), "item": item_label(item)}
        return result

    def item_error(self, item: Any, exception: BaseException, response: Response | Failure | None,
                   spider: Spider) -> LogFormatterResult:
        return self._masked({**super().item_error(item, exception, response, spider),
                             "args": {"item": item_label(item)}})

    def spider_error(self, failure: Failure, request: Request, response: Response | Failure,
                     spider: Spider) -> LogFormatterResult:
        return self._masked(super().spider_error(failure, request, response, spider))

    def download_error(self, failure: Failure, request: Request, spider: Spider,
                       errmsg: str | None = None) -> LogFormatterResult:
        return self._masked(super().download_error(failure, request, spider, errmsg))


class IndexerPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._failed_threads: set[str] = set()
        self._failed_files: set[str] = set()
        self._file_parts: dict[str, int] = {}
        self._accepted: set[str] = set()  # post keys the sink accepted during this crawl
        self._in_sink: dict[str, Deferred[Any]] = {}  # post key -> its accept, while in the sink
        self._threads: ThreadPool | None = None
        self._queued: list[tuple[CrawledItem, Deferred[int]]] = []  # waiting for the sink thread
        self._sink_busy = False

    def _accept(self, item: CrawledItem) -> Deferred[int]:
        """The sink's answer for `item`. Items that arrive while the sink is busy queue up and go
        to it together (`crawler.sink.accept_batch`: a batch sink detects them on every core),
        in arrival order; each item still gets its own answer, and its own failure."""
        answer: Deferred[int] = Deferred()
        self._queued.append((item, answer))
        self._next_batch()
        return answer

    def _next_batch(self) -> None:
        if self._sink_busy or not self._queued:
            return
        batch, self._queued = self._queued[:_BATCH_ITEMS], self._queued[_BATCH_ITEMS:]
        self._sink_busy = True
        stats = self.crawler.stats
        if stats is not None and len(batch) > 1:
            stats.inc_value("vigie/sink/batches")
            stats.max_value("vigie/sink/largest_batch", len(batch))

        def answered(results: list[int | Exception]) -> None:
            self._sink_busy = False
            for (_, answer), result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    answer.errback(Failure(result))
                else:
                    answer.callback(result)
            self._next_batch()

        def crashed(failure: Failure) -> None:  # accept_batch catches the sinks' errors: a bug
            self._sink_busy = False
            for _, answer in batch:
                answer.errback(failure)
            self._next_batch()

        self._in_sink_thread(accept_batch, self.sink, [item for item, _ in batch]).addCallbacks(answered, crashed)

    def _in_sink_thread(self, fn: Any, *args: Any) -> Deferred[Any]:
        """`fn(*args)` on the sink's one thread (FIFO: the sink sees items in Scrapy's order)."""
        from twisted.internet import reactor
        from twisted.internet.interfaces import IReactorFromThreads

        if self._threads is None:
            self._threads = ThreadPool(minthreads=1, maxthreads=1, name="vigie-sink")
            self._threads.start()
        return deferToThreadPool(cast(IReactorFromThreads, reactor), self._threads, fn, *args)

    def close_spider(self, spider: Any = None) -> None:
        """Scrapy calls it once every item is processed: the sink thread is idle by then."""
        if self._threads is not None:
            self._threads.stop()
            self._threads = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def _spider(self) -> VigieSpider:
        """The crawl's spider; only Vigie's spiders carry the sink and the state this pipeline uses."""
        spider = self.crawler.spider
        if not isinstance(spider, VigieSpider):
            raise RuntimeError(f"IndexerPipeline: the spider {spider!r} is not a VigieSpider, so it has no "
                               "sink or crawl state; start crawls with crawler.runner.run_crawl()")
        return spider

    @property
    def sink(self) -> ItemSink:
        sink: ItemSink = self._spider.vigie_sink
        return sink

    @property
    def state(self) -> CrawlState:
        return self._spider.vigie_state

    async def _victim(self, item: VictimItem) -> VictimItem:
        """A leak site's victim: to the spider's victim sink; a failure is logged and counted, the
        record comes again with the next crawl of the listing."""
        from crawler.spiders.leaksite import LeaksiteSpider

        spider, stats = self.crawler.spider, self.crawler.stats
        assert stats is not None
        sink = spider.vigie_victims if isinstance(spider, LeaksiteSpider) else None
        if sink is None:
            raise DropItem("IndexerPipeline: a victim record but no victim sink (run_crawl(..., victims=...))")
        try:
            item.alerts = int(await maybe_deferred_to_future(self._in_sink_thread(sink.accept_victim, item.record)))
        except Exception as exc:
            stats.inc_value("vigie/sink/failed")
            stats.inc_value("vigie/errors")
            logger.error("victim sink refused a record from {} ({})", mask_url(item.record.url), type(exc).__name__)
            raise DropItem("victim sink failed", log_level="DEBUG") from exc
        stats.inc_value("vigie/items/victim")
        return item

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, ThreadCheckpoint):
            # Recorded only once every post the page emitted was accepted, whatever order Scrapy
            # processes items in: otherwise the next crawl would resume past a refused post.
            waiting = [self._in_sink[key] for key in item.emitted if key in self._in_sink]
            if waiting:
                await maybe_deferred_to_future(DeferredList(waiting, consumeErrors=True))
            if item.thread_key not in self._failed_threads and self._accepted.issuperset(item.emitted):
                self.state.record_thread_page(item.thread_key, item.page_url, item.page_index, title=item.title,
                                              board=item.board, marker=item.marker, final=item.final,
                                              last_post_id=item.last_post_id, last_posted_at=item.last_posted_at)
            return item
        if isinstance(item, FileDone):
            self.state.file_done(item.url, item.status, item.reason)
            return item
        if isinstance(item, VictimItem):
            return await self._victim(item)
        if not isinstance(item, VigieItem):
            raise DropItem(f"IndexerPipeline: unexpected item type {type(item).__name__}")
        accepting = self._accept(item.item)
        if item.kind == "post":
            self._in_sink[item.key] = accepting
        try:
            fragments: int = await maybe_deferred_to_future(accepting)
        except Exception as exc:  # the sink's failure must not stop the crawl, nor lose the item
            stats.inc_value("vigie/sink/failed")
            stats.inc_value("vigie/errors")
            if item.thread_key:
                self._failed_threads.add(item.thread_key)
            if item.file_url:
                self._failed_files.add(item.file_url)
            logger.error("sink refused {} at {} ({}): {}; it will be emitted again next crawl",
                         item_label(item), mask_url(item.item.url), type(exc).__name__, mask_text(str(exc)[:200]))
            raise DropItem(f"sink failed for {item_label(item)}", log_level="DEBUG") from exc
        finally:
            if self._in_sink.get(item.key) is accepting:
                del self._in_sink[item.key]
        item.fragments = fragments
        stats.inc_value("vigie/fragments", fragments)
        stats.inc_value(f"vigie/items/{item.kind}")
        if item.kind == "post":
            self.state.record_post(item.key, item.content_hash, item.thread_key)
            self._accepted.add(item.key)
        elif item.kind == "paste":
            self.state.record_paste(item.key, item.content_hash)
        elif item.kind == "file" and item.file_url:
            done = self._file_parts.get(item.file_url, 0) + 1
            self._file_parts[item.file_url] = done
            if done >= item.file_parts and item.file_url not in self._failed_files:
                self.state.file_done(item.file_url, "done")
        return item
