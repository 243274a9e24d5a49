"""Vigie's crawler: Scrapy spiders driven by `config/sources/*.yaml`, reaching forums through Tor.

Entry point: `crawler.runner.run_crawl` (one crawl per process because Twisted's reactor cannot
restart; `vigie crawl` is that process, the service runs it as a subprocess). Items leave the
crawler through one interface only, `crawler.sink.ItemSink`, handed in by the caller.
`CrawlerError` is the root of every error the package raises (`crawler.tor.TorError` included).
"""

from __future__ import annotations

__all__ = ["CrawlConfigError", "CrawlerError", "SourceBrokenError", "TorUnavailableError"]


class CrawlerError(Exception):
    """Base of every error the crawler raises on purpose."""


class CrawlConfigError(CrawlerError):
    """A source's configuration cannot be crawled as written (unknown source, bad combination)."""


class TorUnavailableError(CrawlerError):
    """A `network: tor` source cannot be crawled because the Tor transport is missing or down.

    Never answered by falling back to a direct connection.
    """


class SourceBrokenError(CrawlerError):
    """A crawl ran but could not read its source as configured: the login failed, or a required
    selector (thread links, post containers) matched nothing. The summary was still written;
    the fix is in the source's YAML or its credentials (`vigie source try` shows what matches)."""
