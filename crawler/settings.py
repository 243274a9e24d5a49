"""Scrapy settings for one crawl, built from the source's YAML and the global config.

Why a function and not a `settings.py` module Scrapy imports: every source has its own limits
and network, and a crawl process runs exactly one source. Objects (the source, the sink, the
state) do not go through settings, which Scrapy deep-copies; they are spider arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler import CrawlConfigError, TorUnavailableError
from crawler.defaults import CRAWLER_DEFAULTS, CRAWLER_EXTENSIONS, MEMUSAGE_FRACTION
from crawler.handlers import tor_download_handler_settings
from vigie.config.schema import GlobalConfig, SourceConfig, parse_interval

__all__ = ["WEB_PORTS", "build_settings", "port_of", "source_hosts", "source_ports"]

_MW = "crawler.middlewares"


def _contacted(source: SourceConfig) -> list[str]:
    """The URLs whose hosts and ports a crawl of `source` may contact: its start and login URLs,
    and the PrivateBin sites whose pasted links it reads (`privatebin.instances`)."""
    pbin = source.privatebin.instances if source.privatebin.enabled else []
    return list(source.start_urls) + ([source.login.url] if source.login else []) + list(pbin)


def source_hosts(source: SourceConfig) -> set[str]:
    """The hosts a crawl of `source` may contact: those of its start URLs and login URL (and of
    its `privatebin.instances`)."""
    return {(urlsplit(u).hostname or "").lower() for u in _contacted(source)}


WEB_PORTS = frozenset({80, 443})


def source_ports(source: SourceConfig) -> set[int]:
    """The ports a crawl of `source` may contact on its hosts: those of its start and login URLs,
    and 80 and 443 (a site moving to https). Not any port of a source's host: a site configured
    by its address (a local mirror, a LAN site) or a name its owner answers with 127.0.0.1 once
    the crawl started linked `http://<same host>:9200/`, and the crawl sent Elasticsearch (or
    Redis, PostgreSQL, Tor's control port, the web app) a GET."""
    return set(WEB_PORTS) | {port_of(u) for u in _contacted(source)}


def port_of(url: str) -> int:
    """The port a URL connects to (its scheme's default when it names none; 0 when unreadable)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return 0
    return port if port is not None else {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)


def build_settings(source: SourceConfig, global_config: GlobalConfig, *, state_path: Path,
                   max_pages: int | None = None, tor_socks: tuple[str, int] | None = None,
                   log_level: str = "INFO") -> dict[str, Any]:
    """All Scrapy settings for crawling `source` (defaults documented in `crawler.defaults`)."""
    lim = source.limits
    settings: dict[str, Any] = dict(CRAWLER_DEFAULTS)
    settings.update({
        "BOT_NAME": "vigie",
        "USER_AGENT": source.user_agent,
        "ROBOTSTXT_OBEY": False,  # onion forums have none worth obeying, and fetching it leaks intent
        # Nothing in a crawl listens or executes code for others (crawler.defaults.CRAWLER_EXTENSIONS):
        # an allow-list of extensions, and the two known servers off again should one be re-listed.
        "EXTENSIONS_BASE": dict(CRAWLER_EXTENSIONS),
        "EXTENSIONS": {},
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "CLOSESPIDER_TIMEOUT": parse_interval(lim.max_duration).total_seconds(),
        "MEMUSAGE_ENABLED": True,
        "MEMUSAGE_LIMIT_MB": int(global_config.service.crawl_memory_limit_bytes * MEMUSAGE_FRACTION) // 2**20,
        "MEMUSAGE_WARNING_MB": 0,
        "MEMUSAGE_CHECK_INTERVAL_SECONDS": 5.0,
        "LOG_LEVEL": log_level,
        "LOG_FORMATTER": "crawler.pipelines.MaskedLogFormatter",  # no item or plaintext URL in DEBUG lines
        # Scrapy's start-up line without "Platform": platform.platform() ran `uname -p` (Python 3.11)
        # from inside the crawl, a program of the host's PATH started for a log line (round 15)
        "LOG_VERSIONS": ["lxml", "libxml2", "cssselect", "parsel", "w3lib", "Twisted", "Python", "pyOpenSSL",
                         "cryptography"],
        "COOKIES_ENABLED": True,
        "CONCURRENT_REQUESTS": lim.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": lim.concurrency,
        "DOWNLOAD_DELAY": lim.delay_seconds,
        "RANDOMIZE_DOWNLOAD_DELAY": lim.delay_jitter,
        "AUTOTHROTTLE_ENABLED": lim.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(lim.delay_seconds, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": max(30.0, lim.delay_seconds * 10),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(lim.concurrency),
        "DOWNLOAD_TIMEOUT": lim.timeout_seconds,
        "DOWNLOAD_MAXSIZE": lim.max_download_bytes,
        "DOWNLOAD_WARNSIZE": min(lim.max_download_bytes, 8 * 1024 * 1024),
        # Link depth is enforced on `vigie_depth` (see crawler.spiders._base.VigieSpider.request);
        # Scrapy's own counter also counts login hops, so it only backs that up with headroom.
        "VIGIE_MAX_DEPTH": lim.max_depth,
        "VIGIE_MAX_PAGE_ELEMENTS": lim.max_page_elements,
        "VIGIE_MAX_LINKS_PER_PAGE": lim.max_links_per_page,
        "DEPTH_LIMIT": lim.max_depth + 4 if lim.max_depth else 0,
        "CLOSESPIDER_PAGECOUNT": max_pages if max_pages is not None else lim.max_pages,
        "RETRY_ENABLED": lim.retries > 0,
        "RETRY_TIMES": lim.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        # a retry goes to the head of the queue, not behind it: the page it stands for often
        # holds up a pagination chain, and over Tor it rides a fresh circuit anyway
        "RETRY_PRIORITY_ADJUST": 1,
        "VIGIE_RETRY_TIMES": lim.retries,
        "VIGIE_RETRY_BACKOFF_BASE_SECONDS": lim.retry_backoff_seconds,
        "VIGIE_MAX_RETRY_AFTER_SECONDS": lim.max_retry_after_seconds,
        "VIGIE_STATE_PATH": str(state_path),
        "VIGIE_FETCH_AHEAD_PAGES": _fetch_ahead_pages(),
        "VIGIE_FOLLOW_ALLOW": list(source.follow.allow),
        "VIGIE_FOLLOW_DENY": list(source.follow.deny),
        "VIGIE_ALLOWED_HOSTS": sorted(source_hosts(source)),
        "VIGIE_ALLOWED_PORTS": sorted(source_ports(source)),
        "DOWNLOADER_MIDDLEWARES": {
            f"{_MW}.FollowRulesMiddleware": 50,
            "crawler.cookies.WallMiddleware": 60,  # stops at the first wall page / an expired jar
            "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
            "crawler.cookies.BoundedCookiesMiddleware": 700,  # Scrapy's, with a browser's ceilings
            "crawler.cookies.CookieJarMiddleware": 750,  # after Scrapy's CookiesMiddleware (700)
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{_MW}.BackoffRetryMiddleware": 550,
            f"{_MW}.TruncatedPageMiddleware": 551,  # a last attempt keeps a body cut short, counted
            f"{_MW}.CharsetMiddleware": 589,  # after decompression (590): a charset no browser reads
            f"{_MW}.JsonPageMiddleware": 588,  # a page served as JSON read as a page (its selector)
            f"{_MW}.DenseMarkupMiddleware": 587,  # after decompression (590): pages too dense for a tree
            f"{_MW}.HostileMarkupMiddleware": 585,  # after decompression (590), before anything parses
            f"{_MW}.RedirectLoopMiddleware": 610,  # sees a redirect before RedirectMiddleware (600)
            # a page with a delayed <meta> refresh is read, not left for its target (a hiding place)
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            f"{_MW}.PageRefreshMiddleware": 580,
            # never a proxy from the environment (http_proxy, https_proxy, all_proxy): a direct
            # source's names are resolved and checked here (crawler.resolver), a proxy would resolve
            # them itself, and a tor source goes through Tor's SOCKS port only
            "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
        },
        "HTTPPROXY_ENABLED": False,
        # nearest the spider: answers for a page DenseMarkupMiddleware refused a tree
        "SPIDER_MIDDLEWARES": {f"{_MW}.PageTextMiddleware": 990},
        "ITEM_PIPELINES": {"crawler.pipelines.IndexerPipeline": 300},
    })
    if source.network == "direct":  # its names resolved once, at the start, and checked (crawler.resolver)
        settings.update({"TWISTED_DNS_RESOLVER": "crawler.resolver.PinnedResolver",
                         "VIGIE_ALLOWED_ADDRESSES": list(source.allowed_addresses)})
    if source.network == "tor":
        host, port = tor_socks or (global_config.tor.socks_host, global_config.tor.socks_port)
        host = _proxy_address(host)
        settings.update(tor_download_handler_settings(host, port, isolation=f"vigie:{source.name}",
                                                      circuits=lim.circuits))
        security = global_config.security
        settings.update({
            "VIGIE_TRUSTED_LOCAL_USERS": list(security.trusted_local_users),
            "VIGIE_CHECK_LOCAL_PEERS": security.check_local_peers,
            "VIGIE_TOR_SOCKS_TIMEOUT_SECONDS": min(lim.connect_timeout_seconds, lim.timeout_seconds),
            "VIGIE_TOR_STREAM_TIMEOUT_SECONDS": min(lim.stream_timeout_seconds, lim.timeout_seconds),
            "VIGIE_TOR_HEDGE_ENABLED": lim.hedge,
        })
    if source.render == "browser":  # after Tor's: replaces the http/https handlers (crawler.handlers.browser)
        from crawler.handlers.browser import BrowserLimits, browser_download_handler_settings

        tor = source.network == "tor"
        socks = (settings["VIGIE_TOR_SOCKS_HOST"], settings["VIGIE_TOR_SOCKS_PORT"]) if tor else None
        b = source.browser
        settings.update(browser_download_handler_settings(socks, BrowserLimits(
            b.page_timeout_seconds, b.max_pages_at_once, b.restart_after_pages, b.restart_above_rss_mb),
            source=source.name))
    return settings


def _fetch_ahead_pages() -> int:
    """Pagination pages fetched ahead (crawler.spiders._ahead): $VIGIE_FETCH_AHEAD_PAGES when set
    (0 turns it off, e.g. to measure without it), else the spider's default."""
    from crawler.spiders.forum import FETCH_AHEAD_PAGES

    env = os.environ.get("VIGIE_FETCH_AHEAD_PAGES", "").strip()
    if env and not env.isdigit():
        raise CrawlConfigError(f"VIGIE_FETCH_AHEAD_PAGES={env!r} must be a whole number of pages (0: off)")
    return int(env) if env else FETCH_AHEAD_PAGES


def _proxy_address(host: str) -> str:
    """The Tor SOCKS proxy's own IP. A name (e.g. `tor`, the compose service) is resolved here,
    once, because the handler only connects to an IP; this is the proxy, never a crawl target,
    so no target name is ever resolved locally."""
    import ipaddress
    import socket

    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        return str(socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
    except OSError as exc:
        raise TorUnavailableError(f"cannot resolve the Tor SOCKS host {host!r} (tor.socks_host): {exc}") from exc

