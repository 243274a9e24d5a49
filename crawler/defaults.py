"""Every `VIGIE_*` Scrapy setting the crawler reads (spiders, middlewares, pipeline), in one place.

The Tor transport's own `VIGIE_TOR_*` settings live in `crawler.handlers.defaults`. Per-source
values (concurrency, delays, limits) come from `config/sources/<name>.yaml` and are turned into
Scrapy settings by `crawler.settings.build_settings`; the values here are what is used when a
setting is absent. Units are in the names.

Request meta keys set by the spiders (all prefixed `vigie_`):
- `vigie_kind`: "listing" | "thread" | "file" | "login" | "paste" | "privatebin" (what the response is for).
- `vigie_thread`: dict with the thread key, title, board and marker, carried along thread pages.
- `vigie_relogin`: True on the request re-sent after a login wall (never re-logged a second time).
- `vigie_role`: "boards" | "board", what a listing page is (`forum.start_role`): an index of boards
  is only read for its board links.
- `vigie_entry`: True on the first request of a thread found in a listing; its page settles the
  thread's key (`forum.thread_canonical` / `thread_first_page` / final URL) and may send the
  crawl to the thread's first page.
- `vigie_resume`: True on the request of a known thread's last page; a redirect there means the
  thread lost pages: it is read again from its first page and counted as shrunk.

Stats `vigie/failures/<kind>` count the silent failures made loud (`FAILURE_KINDS` in
`crawler.spiders._base`, `MIDDLEWARE_FAILURE_KINDS` in `crawler.middlewares`); the runner
compares them with the source's `attention` thresholds.
"""

from __future__ import annotations

__all__ = ["CRAWLER_DEFAULTS", "CRAWLER_EXTENSIONS", "DEFAULT_STATE_FILENAME", "MAX_FILE_LINKS_PER_PAGE",
           "MAX_PAGES_PER_CHAIN", "MAX_PAGE_ELEMENTS", "MAX_RETRY_AFTER_SECONDS",
           "MEMUSAGE_FRACTION"]

DEFAULT_STATE_FILENAME = "crawl-state.sqlite3"
# typed on its own: the spiders fall back on it when the setting is unset
MAX_PAGES_PER_CHAIN = 200
# Attachment links followed from one thread page at most (a real page holds tens). A hostile post
# with 300 000 of them queued 300 000 downloads and as many pending rows in the crawl state: 1.5 GB
# and 4 minutes, the crawl's max_pages spent on them (the pages after it never fetched), and every
# later crawl fetching the pending ones again. The links past it are counted
# (`vigie/files/links_dropped`, the summary's `refused`) and logged.
MAX_FILE_LINKS_PER_PAGE = 1000
# Elements (start tags, a link counting as four: crawler._markup.MarkupCount) a page may hold and
# still be parsed as a tree (limits.max_page_elements). A crawl costs 130 to 320 bytes an element
# (libxml2's nodes and what the spider reads of them), 1.3 kB a link: 200 000 is 65 MB at worst,
# and a thread page of 2 000 posts (5 MB) weighs half of it. The schema's default is this value.
MAX_PAGE_ELEMENTS = 200_000
# Longest Retry-After (seconds) a crawl waits for (limits.max_retry_after_seconds); the schema's default.
MAX_RETRY_AFTER_SECONDS = 300.0

# The ONLY Scrapy extensions a crawl loads: this replaces Scrapy's EXTENSIONS_BASE instead of
# switching entries off, so an extension a Scrapy upgrade adds is not loaded until it is listed
# here. Never list one that listens or executes code: Scrapy 2.19's RemoteControl runs an HTTP
# server that executes posted Python with access to the crawl (and so to Vigie's keys), and
# TelnetConsole is a Python shell on a TCP port. tests/test_no_listeners.py checks a real crawl
# holds no listening socket and writes no job file.
CRAWLER_EXTENSIONS: dict[str, int] = {
    "scrapy.extensions.corestats.CoreStats": 0,  # start/finish time and counts in the stats
    "scrapy.extensions.logcount.LogCount": 0,  # log/ERROR counts in the stats
    "scrapy.extensions.memusage.MemoryUsage": 0,  # graceful stop below the memory limit
    "scrapy.extensions.closespider.CloseSpider": 0,  # max_pages and max_duration
    "scrapy.extensions.logstats.LogStats": 0,  # periodic pages/items rate in the log
    "scrapy.extensions.throttle.AutoThrottle": 0,  # limits.autothrottle
}

# A crawl stops itself (Scrapy MEMUSAGE_LIMIT_MB, finish reason `memusage_exceeded`) when its
# resident memory reaches this fraction of `service.crawl_memory_limit_bytes`, before the hard
# address-space limit the service puts on the subprocess makes allocations fail.
MEMUSAGE_FRACTION = 0.9

CRAWLER_DEFAULTS: dict[str, object] = {
    # Hosts a crawl may contact (those of the source's start URLs and login URL); set per source.
    "VIGIE_ALLOWED_HOSTS": [],
    # Ports a crawl may contact on those hosts (those of the start and login URLs, 80, 443); empty: any.
    "VIGIE_ALLOWED_PORTS": [],
    # follow.allow / follow.deny regexes of the source (deny wins; logout is denied by default).
    "VIGIE_FOLLOW_ALLOW": [],
    "VIGIE_FOLLOW_DENY": ["logout", "signout", "deconnexion"],
    # Link depth limit (limits.max_depth): start URLs are 0, every followed link or next page +1;
    # login hops, re-sent requests and attachments do not count. 0 means no limit.
    "VIGIE_MAX_DEPTH": 10,
    # Pagination guard: stop following "next" links after this many pages in one chain (a board's
    # listing or one thread), even if every page looks new. Endless-pagination traps end here or
    # earlier, when a page repeats what an earlier page of the same chain showed.
    "VIGIE_MAX_PAGES_PER_CHAIN": MAX_PAGES_PER_CHAIN,
    # Retry backoff: the n-th retry of a request waits BASE * 2**(n-1) seconds, at most MAX,
    # with +-25% jitter. Retries happen on RETRY_HTTP_CODES, timeouts, dropped connections and
    # on pages that do not parse as expected (garbage answered with 200).
    "VIGIE_RETRY_BACKOFF_BASE_SECONDS": 1.0,
    "VIGIE_RETRY_BACKOFF_MAX_SECONDS": 60.0,
    # Longest wait a 429 or 503's Retry-After is honoured for (limits.max_retry_after_seconds):
    # the retry waits what the site asks, and no request goes to its host meanwhile; a longer wait
    # (a year: a hostile site parking the crawl) is not waited for, the page left to the next crawl.
    "VIGIE_MAX_RETRY_AFTER_SECONDS": MAX_RETRY_AFTER_SECONDS,
    # How many times a request is retried before it is given up (and counted as an error).
    "VIGIE_RETRY_TIMES": 4,
    # Pages of more elements than this (MAX_PAGE_ELEMENTS) are not parsed (limits.max_page_elements): they
    # are counted as `pages_too_dense` and their text is scanned (crawler.middlewares.
    # DenseMarkupMiddleware). 0 turns the check off.
    "VIGIE_MAX_PAGE_ELEMENTS": MAX_PAGE_ELEMENTS,
    # Thread or paste links followed from one listing page at most (limits.max_links_per_page); the
    # rest are counted (`vigie/links/deferred`) and left to the next crawl (crawler.spiders.forum
    # goes on where it stopped). 0 turns the cap off.
    "VIGIE_MAX_LINKS_PER_PAGE": 250,
    # The state database (created if missing). None means <data dir>/crawl-state.sqlite3.
    "VIGIE_STATE_PATH": None,
}
