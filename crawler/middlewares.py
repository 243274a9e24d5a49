"""Downloader middlewares: follow rules (allow/deny, never logout) and retries with backoff.

`FollowRulesMiddleware` is the last line of defence: spiders only follow links their selectors
found, but whatever a selector matches, a URL matching `follow.deny` (logout by default) or
outside the source's hosts is never requested.

`BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware (same settings: RETRY_TIMES,
RETRY_HTTP_CODES, RETRY_EXCEPTIONS) and waits BASE * 2**(n-1) seconds (+-25%, at most MAX)
before the n-th retry, without blocking other requests (an asyncio sleep on the asyncio reactor).
The FIRST retry after a transport failure (timeout, stalled or dropped stream) goes out at once:
over Tor the handler has already moved the source to a new circuit, so waiting buys nothing
(stat `vigie/retry/immediate`); later retries back off as above.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)

from crawler.defaults import CRAWLER_DEFAULTS

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

__all__ = ["BackoffRetryMiddleware", "FollowRulesMiddleware", "backoff_delay", "with_backoff"]


# failures of the path to the site rather than answers of the site: retried once at once
_TRANSPORT_FAILURES = (DownloadTimeoutError, DownloadFailedError, ResponseDataLossError)


def _setting(crawler: Crawler, name: str) -> Any:
    value = crawler.settings.get(name)
    return CRAWLER_DEFAULTS[name] if value is None else value


def backoff_delay(attempt: int, base: float, maximum: float, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number `attempt` (1-based)."""
    if base <= 0:
        return 0.0
    delay = min(maximum, base * 2 ** max(0, attempt - 1))
    return delay * (0.75 + 0.5 * (rng or random).random())


class FollowRulesMiddleware:
    stats: StatsCollector

    def __init__(self, allow: list[str], deny: list[str], hosts: set[str], max_depth: int = 0) -> None:
        self.max_depth = max_depth
        self.allow = [re.compile(p) for p in allow]
        self.deny = [re.compile(p) for p in deny]
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from crawler._offline import ensure_offline

        ensure_offline()  # whatever starts the crawl, no public-suffix download outside Tor
        mw = cls(crawler.settings.getlist("VIGIE_FOLLOW_ALLOW"), crawler.settings.getlist("VIGIE_FOLLOW_DENY"),
                 set(crawler.settings.getlist("VIGIE_ALLOWED_HOSTS")), crawler.settings.getint("VIGIE_MAX_DEPTH"))
        mw.stats = _stats(crawler)
        return mw

    def process_request(self, request: Request, spider: Any = None) -> None:
        url = request.url
        host = (urlsplit(url).hostname or "").lower()
        reason = None
        depth = int(request.meta.get("vigie_depth", 0))
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            reason = f"scheme {scheme!r} is not crawled (only http and https)"
        elif self.hosts and host not in self.hosts:
            reason = f"host {host!r} is not one of the source's hosts"
        elif any(p.search(url) for p in self.deny):
            reason = "matches follow.deny"
        elif self.max_depth and depth > self.max_depth and request.meta.get("vigie_kind") not in ("login", "file"):
            reason = f"link depth {depth} > limits.max_depth={self.max_depth}"
        elif self.allow and request.meta.get("vigie_kind") not in ("login", "file") and not any(
                p.search(url) for p in self.allow):
            reason = "matches no follow.allow pattern"
        if reason:
            self.stats.inc_value("vigie/follow/refused")
            if reason == "matches follow.deny":  # a link a selector chose, refused: loud (issue 13)
                self.stats.inc_value("vigie/failures/follows_refused")
            raise IgnoreRequest(f"not following {url}: {reason}")


def _stats(crawler: Crawler) -> StatsCollector:
    """The crawler's stats, which Scrapy sets up before any middleware is built."""
    if crawler.stats is None:
        raise RuntimeError("Scrapy built a Vigie middleware before the crawler's stats collector")
    return crawler.stats


def with_backoff(retry: Request | None, crawler: Crawler) -> Request | None:
    """Mark a retry request so that `BackoffRetryMiddleware` waits before downloading it."""
    if retry is not None:
        delay = backoff_delay(int(retry.meta.get("retry_times", 1)),
                              float(_setting(crawler, "VIGIE_RETRY_BACKOFF_BASE_SECONDS")),
                              float(_setting(crawler, "VIGIE_RETRY_BACKOFF_MAX_SECONDS")))
        retry.meta["vigie_backoff_seconds"] = delay
    return retry


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries like Scrapy's RetryMiddleware; the wait happens in `process_request` of the retry
    (so a waiting retry holds no response), also for retries requested by spiders (garbage pages)
    through `with_backoff`."""

    async def process_request(self, request: Request, spider: Any = None) -> None:
        delay = float(request.meta.pop("vigie_backoff_seconds", 0) or 0)
        if delay > 0:
            # seconds are a float: Scrapy types inc_value for int counts only
            stats = _stats(self.crawler)
            stats.set_value("vigie/retry/backoff_seconds", stats.get_value("vigie/retry/backoff_seconds", 0) + delay)
            await asyncio.sleep(delay)

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        return with_backoff(self._retry(request, f"HTTP {response.status}"), self.crawler) or response

    def process_exception(self, request: Request, exception: Exception,
                          spider: Any = None) -> Request | Response | None:
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            retry = self._retry(request, exception)
            if retry is not None and int(retry.meta.get("retry_times", 1)) == 1 and isinstance(
                    exception, _TRANSPORT_FAILURES):
                _stats(self.crawler).inc_value("vigie/retry/immediate")
                return retry
            return with_backoff(retry, self.crawler)
        return None
