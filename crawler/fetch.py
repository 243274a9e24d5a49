"""Fetch ONE page of a source the way its crawl would, for `vigie source try`.

Why a Scrapy crawl for one page and not a plain HTTP GET: the page must come through the same
path as a crawl's pages — the source's network (Tor with its per-source circuit isolation), its
follow rules, its cookie jar, its login and login-wall handling — or what the operator tunes
selectors on is not what the crawler will see. Like `run_crawl`, this runs Twisted's reactor,
so it can be called once per process.

The crawl state is never touched: the spider gets a throwaway state database.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse

from crawler import CrawlerError, SourceBrokenError
from crawler._offline import ensure_offline
from crawler.cookies import CookieJar
from crawler.settings import build_settings
from crawler.spiders._base import VigieSpider
from crawler.state import CrawlState
from indexer.models import CrawledItem
from vigie.config.schema import GlobalConfig, SourceConfig

__all__ = ["FetchedPage", "fetch_page"]

_REACTOR_USED = False


@dataclass(frozen=True)
class FetchedPage:
    """One page as the crawler received it."""

    url: str  # after redirects
    status: int
    html: str
    fetched_at: datetime
    logged_in: bool | None  # None: the source has no login


class _NoItems:
    """The spider's sink: this spider emits no item (and has no pipeline), so nothing reaches it."""

    def accept(self, item: CrawledItem) -> int:
        raise CrawlerError(f"vigie source try emitted an item from {item.url}: it must not")


class _OnePageSpider(VigieSpider):
    """Logs in like a crawl (VigieSpider), then fetches one URL and keeps the response."""

    name = "vigie_try"

    def __init__(self, *args: Any, url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url = url
        self.page: FetchedPage | None = None
        self.problem: str | None = None

    async def start(self) -> AsyncIterator[Any]:
        first = self.request(self.url, self._keep, "listing", dont_filter=True)
        for req in self.behind_login([first.replace(errback=self._failed)]):
            yield req

    def _failed(self, failure: Any) -> None:
        self.problem = f"could not fetch {failure.request.url}: {failure.value}"

    def _keep(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "page")
        if problem is not None or not isinstance(response, TextResponse):
            yield from problem or ()
            if not isinstance(response, TextResponse):
                self.problem = f"{response.url} is not an HTML page"
            return
        self.page = FetchedPage(url=response.url, status=response.status, html=response.text,
                                fetched_at=datetime.now(UTC),
                                logged_in=self.logged_in if self.source.login else None)


def _quiet(log_level: str) -> None:
    """Below DEBUG the operator reads the selectors' output, not Scrapy's start-up chatter."""
    if log_level.upper() != "DEBUG":
        logging.getLogger("scrapy").setLevel(logging.WARNING)
        logging.getLogger("py.warnings").setLevel(logging.ERROR)


def fetch_page(source: SourceConfig, global_config: GlobalConfig, url: str, *,
               tor_socks: tuple[str, int] | None = None, cookie_jar: CookieJar | None = None,
               log_level: str = "WARNING") -> FetchedPage:
    """`url` fetched as a crawl of `source` would fetch it (network, login, cookies, follow rules).

    Raises `SourceBrokenError` when the login fails, `CrawlerError` when the page cannot be had
    (refused by the follow rules, unreachable, not HTML, behind a login wall) or when a crawl
    already ran in this process.
    """
    global _REACTOR_USED
    if _REACTOR_USED:
        raise CrawlerError("a crawl already ran in this process and Twisted's reactor cannot restart")
    _REACTOR_USED = True
    with tempfile.TemporaryDirectory(prefix="vigie-try-") as tmp:
        state_path = Path(tmp) / "state.sqlite3"
        settings = build_settings(source, global_config, state_path=state_path, tor_socks=tor_socks,
                                  log_level=log_level)
        settings.update({"ITEM_PIPELINES": {}, "CLOSESPIDER_PAGECOUNT": 0, "LOG_INSTALL_ROOT_HANDLER": False})
        ensure_offline()
        _quiet(log_level)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(_OnePageSpider)
        _quiet(log_level)  # again: Scrapy sets up its logging in between
        state = CrawlState(state_path, source.name)
        try:
            process.crawl(crawler, source=source, state=state, sink=_NoItems(), cookie_jar=cookie_jar, url=url)
            process.start()
        finally:
            state.close()
    spider = crawler.spider
    if not isinstance(spider, _OnePageSpider):
        raise CrawlerError(f"the one-page crawl of {url} did not start")
    if spider.broken:
        raise SourceBrokenError(f"source {source.name}: {spider.broken}")
    if spider.page is None:
        why = spider.problem or spider.needs_attention or (
            "no page came back (refused by follow.allow/deny or not one of the source's hosts?)")
        raise CrawlerError(f"source {source.name}: {why}")
    return spider.page
