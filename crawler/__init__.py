"""Vigie's crawler: Scrapy spiders driven by `config/sources/*.yaml`, reaching forums through Tor.

Entry points: `crawler.runner.run_crawl` (in-process, one crawl per process because Twisted's
reactor cannot restart) and `python -m crawler.run_one` (the subprocess the service launches).
Items leave the crawler through one interface only, `crawler.sink.ItemSink`.
"""

from __future__ import annotations

__all__ = ["CrawlerError", "CrawlConfigError", "TorUnavailableError"]


class CrawlerError(Exception):
    """Base of every error the crawler raises on purpose."""


class CrawlConfigError(CrawlerError):
    """A source's configuration cannot be crawled as written (unknown source, bad combination)."""


class TorUnavailableError(CrawlerError):
    """A `network: tor` source cannot be crawled because the Tor transport is missing or down.

    Never answered by falling back to a direct connection.
    """
