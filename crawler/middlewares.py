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
A 429 or 503 with a `Retry-After` (seconds or an HTTP date, `crawler._retry_after`) is retried
after the wait it asks for, and no request of the crawl goes to that host before then (a site
asking for two minutes was hammered again at once, its answer given up as an error); a wait past
`limits.max_retry_after_seconds` is not waited for: the answer goes to the spider, which leaves
the page, paste or file to the next crawl, counted (`refused: rate_limited`, `VigieSpider.on_error`).

`TruncatedPageMiddleware`: a body cut short of its Content-Length (the connection closed: common
over Tor) is retried like any dropped stream, but a request's last attempt (`retry_times` at its
maximum, or no retries at all) keeps what arrived, as a browser shows it (Scrapy's
`download_fail_on_dataloss` off for that request, its response flagged `dataloss`): its posts are
read, and the page is counted (`vigie/pages/truncated`, the crawl summary's `refused:
pages_truncated`) and logged. It was given up: a dump in a page that always arrives cut was lost.

`RedirectLoopMiddleware` lets a redirect back to a URL of its own chain through Scrapy's
duplicate filter, so that a loop ends as a counted error (`max redirections reached`) instead of
a page dropped without a word.

`PageRefreshMiddleware` (Scrapy's MetaRefreshMiddleware's place) follows a `<meta http-equiv=refresh>`
only where a browser leaves the page at once (no delay) for another URL: a page refreshing after
a delay (`content="60;url=..."`) is shown to its reader first, and is read; Scrapy followed any
refresh under 100 s instead of reading the page, so one meta tag hid a thread's posts from the
crawler alone, silently (a refresh to the page itself was dropped by the duplicate filter).

`CharsetMiddleware` reads a page declared in an encoding no browser reads (`utf-32`, EBCDIC) as a
browser does (`crawler._charset`): such a header hid the page's posts from the crawler alone. A
page or raw paste whose bytes are not what it declares (windows-1252 or UTF-16 without a BOM
declared UTF-8, UTF-8 with windows-1252 lines) is read part by part as what it is. A page that
declares no charset and is not UTF-8 is read in the encoding `vigie scan` guesses for the same bytes
(windows-1252 for Western text; Scrapy's charset-normalizer took French for windows-1250), counted.

`HostileMarkupMiddleware` cuts the attributes of a start tag past the 256th
(`indexer.html_text.trim_attributes`) before any selector parses a page: libxml2's duplicate
check is quadratic in them, and one tag with a million attributes stalled the crawl for good.
It also drops the `</html>` end tags of a page that goes on after one: libxml2 drops everything
after it, where a browser shows it (a second document glued on; posts put there to be seen by
readers and not by the crawler).

`DenseMarkupMiddleware` counts a page's elements from its bytes (`crawler._markup`) before
anything parses it: a page of more than `limits.max_page_elements` is never made a tree (4
million unclosed `<p>` cost 1.2 GB), it is counted (failure kind `pages_too_dense`) and its
text, read by the tag stripper, goes to detection through `PageTextMiddleware`, a spider
middleware that answers for the page instead of its callback.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from loguru import logger
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import get_meta_refresh
from twisted.internet.defer import DeferredLock
from twisted.internet.threads import deferToThread
from w3lib.url import safe_url_string

from crawler._charset import guessed_page_encoding, page_encoding, repaired_text
from crawler._depth import FLATTEN_ABOVE, flatten_depth, truncated
from crawler._markup import DenseMarkup, ascii_compatible, count_start_tags, page_text
from crawler._retry_after import RATE_LIMIT_STATUSES, retry_after_seconds
from crawler.attachments import archive_by_bytes
from crawler.defaults import CRAWLER_DEFAULTS
from crawler.items import VigieItem
from crawler.settings import port_of
from indexer.html_text import MAX_ATTRIBUTES, trim_attributes
from indexer.models import CrawledItem
from indexer.redact import mask_text, mask_url
from vigie.core.patterns import compile_pattern

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["MIDDLEWARE_FAILURE_KINDS", "BackoffRetryMiddleware", "DenseMarkupMiddleware", "FollowRulesMiddleware",
           "HostileMarkupMiddleware", "JsonPageMiddleware", "PageRefreshMiddleware", "PageTextMiddleware",
           "RedirectLoopMiddleware", "TruncatedPageMiddleware",
           "backoff_delay", "with_backoff"]

# Failure kinds counted by these middlewares (stats `vigie/failures/<kind>`), beside the spiders'
# `crawler.spiders._base.FAILURE_KINDS`; the runner reports both in the summary's `failures`.
# pages_too_dense: pages of more elements than limits.max_page_elements, not parsed (their text
# is still scanned).
MIDDLEWARE_FAILURE_KINDS = ("pages_too_dense",)


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


# requests that are no link walked from a page (a login, an attachment, a PrivateBin paste's JSON):
# neither limits.max_depth nor follow.allow applies to them (follow.deny and the hosts do)
_NOT_LINKS = ("login", "file", "privatebin")


class FollowRulesMiddleware:
    stats: StatsCollector

    def __init__(self, allow: list[str], deny: list[str], hosts: set[str], max_depth: int = 0,
                 ports: set[int] | None = None) -> None:
        self.max_depth = max_depth
        self.allow = [compile_pattern(p) for p in allow]  # RE2: a site's URL meets them (round 16)
        self.deny = [compile_pattern(p) for p in deny]
        self.hosts = hosts
        self.ports = ports or set()  # empty: any (crawler.settings.source_ports)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from crawler._headers import limit_response_headers
        from crawler._offline import ensure_offline

        ensure_offline()  # whatever starts the crawl, no public-suffix download outside Tor
        limit_response_headers()  # and no response's endless headers kept in memory
        mw = cls(crawler.settings.getlist("VIGIE_FOLLOW_ALLOW"), crawler.settings.getlist("VIGIE_FOLLOW_DENY"),
                 set(crawler.settings.getlist("VIGIE_ALLOWED_HOSTS")), crawler.settings.getint("VIGIE_MAX_DEPTH"),
                 {int(p) for p in crawler.settings.getlist("VIGIE_ALLOWED_PORTS")})
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
        elif self.ports and port_of(url) not in self.ports:
            reason = f"port {port_of(url)} is not one of the source's ports"
        elif any(p.search(url) for p in self.deny):
            reason = "matches follow.deny"
        elif self.max_depth and depth > self.max_depth and request.meta.get("vigie_kind") not in _NOT_LINKS:
            reason = f"link depth {depth} > limits.max_depth={self.max_depth}"
        elif self.allow and request.meta.get("vigie_kind") not in _NOT_LINKS and not any(
                p.search(url) for p in self.allow):
            reason = "matches no follow.allow pattern"
        if reason:
            self.stats.inc_value("vigie/follow/refused")
            if reason == "matches follow.deny":  # a link a selector chose, refused: loud (issue 13)
                self.stats.inc_value("vigie/failures/follows_refused")
            elif reason.startswith("link depth"):
                self._too_deep(request, depth)
            elif request.meta.get("redirect_urls") and self.hosts and host not in self.hosts:
                # the site answered one of its own pages with a redirect elsewhere: most often it
                # moved (a new onion address) and every page now says so; a stat alone left the
                # run "finished" with nothing read. Not followed: the new host is not what the
                # operator configured, and may be anyone's.
                self.stats.inc_value("vigie/failures/redirected_off_site")
                logger.warning("{} redirects to {}, not one of the source's hosts: not followed; if the site "
                               "moved, put its new address in the source's start_urls",
                               mask_url(request.meta["redirect_urls"][0]), host)
            raise IgnoreRequest(f"not following {url}: {reason}")


    def _too_deep(self, request: Request, depth: int) -> None:
        """Count a link past `limits.max_depth` (the summary's `refused: links_too_deep`), and say
        the first few: a board's next page counts as one more link, so a listing of more pages
        than that (or a `?page=N` or calendar trap of endless distinct pages) stopped there with
        nothing but a debug stat, its later pages and their threads never read."""
        self.stats.inc_value("vigie/follow/too_deep")
        if int(self.stats.get_value("vigie/follow/too_deep", 0) or 0) <= _TOO_DEEP_SHOWN:
            what = "next page" if int(request.meta.get("vigie_page", 1) or 1) > 1 else "link"
            logger.warning("not following the {} {}: link depth {} is past limits.max_depth={} (a longer board, or a "
                           "trap of endless pages; counted in refused: links_too_deep)", what, mask_url(request.url),
                           depth, self.max_depth)


# links past limits.max_depth logged one by one at most this many times a crawl (all are counted)
_TOO_DEEP_SHOWN = 5


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

    # host -> monotonic time before which no request goes to it (a Retry-After being honoured)
    _not_before: dict[str, float]

    async def process_request(self, request: Request, spider: Any = None) -> None:
        delay = float(request.meta.pop("vigie_backoff_seconds", 0) or 0)
        held = self._held().get(urlsplit(request.url).netloc.lower(), 0.0) - time.monotonic()
        delay = max(delay, held)
        if delay > 0:
            # seconds are a float: Scrapy types inc_value for int counts only
            stats = _stats(self.crawler)
            stats.set_value("vigie/retry/backoff_seconds", stats.get_value("vigie/retry/backoff_seconds", 0) + delay)
            await asyncio.sleep(delay)

    def _held(self) -> dict[str, float]:
        if not hasattr(self, "_not_before"):
            self._not_before = {}
        return self._not_before

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After")) \
            if response.status in RATE_LIMIT_STATUSES else None
        if wait is None:
            return with_backoff(self._retry(request, f"HTTP {response.status}"), self.crawler) or response
        cap = float(_setting(self.crawler, "VIGIE_MAX_RETRY_AFTER_SECONDS"))
        if wait > cap:  # not waited for: the spider leaves it to the next crawl (on_error), counted
            return response
        retry = self._retry(request, f"HTTP {response.status} with Retry-After {wait:.0f} s")
        if retry is None:
            return response
        backoff = with_backoff(retry, self.crawler)
        assert backoff is not None
        backoff.meta["vigie_backoff_seconds"] = max(wait, float(backoff.meta.get("vigie_backoff_seconds", 0)))
        host = urlsplit(request.url).netloc.lower()
        held = self._held()
        held[host] = max(held.get(host, 0.0), time.monotonic() + wait)
        stats = _stats(self.crawler)
        stats.inc_value("vigie/retry/retry_after")
        logger.warning("{} answered HTTP {} asking to wait {:.0f} s (Retry-After): no request to {} before then, "
                    "then retried", mask_url(request.url), response.status, wait, mask_url(f"http://{host}/"))
        return backoff

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


class TruncatedPageMiddleware:
    """A request's last attempt keeps a body cut short of its Content-Length; such a response is
    counted and logged (see the module docstring). Placed beside BackoffRetryMiddleware (550),
    whose retries come first: with RETRY_ENABLED off (`limits.retries: 0`) every attempt is the
    last."""

    def __init__(self, stats: StatsCollector, retries: int) -> None:
        self.stats = stats
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(_stats(crawler), settings.getint("RETRY_TIMES") if settings.getbool("RETRY_ENABLED") else 0)

    def process_request(self, request: Request, spider: Any = None) -> None:
        meta = request.meta
        if "download_fail_on_dataloss" in meta:
            return
        most = meta.get("max_retry_times")
        most = self.retries if most is None else int(most)
        if meta.get("dont_retry", False) or int(meta.get("retry_times", 0) or 0) >= most:
            meta["download_fail_on_dataloss"] = False  # its last attempt: a body cut short is kept

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        # (an attachment or a paste so cut is left pending by its spider and counted there:
        # crawler.spiders._files, crawler.spiders.paste)
        if "dataloss" in response.flags and request.meta.get("vigie_kind") not in ("file", "paste"):
            self.stats.inc_value("vigie/pages/truncated")
            logger.warning("{} was cut short of its Content-Length (the connection closed after {} bytes) on its "
                           "last attempt: what arrived is read", request.url, len(response.body))
        return response


class _CountingMiddleware:
    """A page middleware that only needs the crawl's stats, to count what it changed."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_stats(crawler))


class HostileMarkupMiddleware(_CountingMiddleware):
    """Start tags cut after their MAX_ATTRIBUTES-th attribute, before anything parses the page.

    Every page a spider reads goes through libxml2 (Scrapy's selectors, the wall detectors), whose
    HTML parser compares each attribute of a tag with every earlier one: a tag with a million
    attributes (10 MB) never finished parsing, and the crawl with it (killed, no summary, the
    pages after it never fetched). The rest of the page is kept, so its posts are still read;
    each page cut is counted (`vigie/pages/markup_trimmed`, in the crawl summary's `refused`)
    and logged. XML is not cut (libxml2's XML parser hashes attributes), nor are attachments,
    whose bytes are the data (the indexer cuts its own HTML in `parse_html`). Placed between
    HttpCompressionMiddleware (590) and the middlewares that read pages (walls, 60), so it sees
    the decompressed page before they do.
    """

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if (not isinstance(response, TextResponse) or isinstance(response, XmlResponse)
                or request.meta.get("vigie_kind") == "file"):
            return response
        text, cut = trim_attributes(response.text)
        if cut:
            self.stats.inc_value("vigie/pages/markup_trimmed")
            logger.warning("page {} has {} tag(s) of more than {} attributes: the attributes past the {}th were "
                           "dropped before parsing (libxml2 is quadratic in them; the rest of the page is read)",
                           request.url, cut, MAX_ATTRIBUTES, MAX_ATTRIBUTES)
        # markup after an `</html>` (a second document glued on, a template's early end, or posts put
        # there on purpose) is shown by a browser, which reads it into the body, but libxml2 drops
        # all of it: the end tags go, so that the page is read to its end as a browser shows it
        end = _HTML_END.search(text)
        if end is not None and _NOT_BLANK.search(text, end.end()) is not None:
            logger.info("page {} goes on after its </html>: read to its end, as a browser shows it",
                        mask_url(request.url))
            text = _HTML_END.sub("", text)
        elif not cut:
            return self._flattened(request, response)
        return self._flattened(request, response.replace(body=text.encode("utf-8", "surrogatepass"),
                                                         encoding="utf-8"))

    def _flattened(self, request: Request, response: TextResponse) -> TextResponse:
        """`response` with the elements piled past libxml2's depth limit closed (crawler._depth):
        libxml2 stopped at the 2,048th open element and dropped the rest of the page, posts and
        all. Asked of the tree the spider reads (kept on the response) only when its page holds
        that many tags; counted with the pages trimmed (`vigie/pages/markup_trimmed`)."""
        # (an HTML page only: a raw paste served as text/plain is the paste's own text, HTML source or not)
        if not isinstance(response, HtmlResponse) or response.text.count("<") <= FLATTEN_ABOVE \
                or not truncated(response.selector):
            return response
        text, closed = flatten_depth(response.text)
        if not closed:
            return response
        self.stats.inc_value("vigie/pages/markup_trimmed")
        logger.warning("page {} nests its elements deeper than {} levels (libxml2 stops reading at 2,048): {} were "
                       "closed where they piled up, and the page read to its end", mask_url(request.url),
                       FLATTEN_ABOVE, closed)
        return response.replace(body=text.encode("utf-8", "surrogatepass"), encoding="utf-8")


_HTML_END = re.compile(r"(?i)</html[\s/]*>")
_NOT_BLANK = re.compile(r"\S")


class PageRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, for a refresh without delay to another URL only (see the
    module docstring): a page refreshing after a delay, or to itself, is read as its reader sees it.
    A login's answer still follows any refresh, as before: an engine's "you are logged in" page
    refreshing to the index after a few seconds is no content, and the login's `logged_in`
    detector may look for the index."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if isinstance(response, HtmlResponse) and not request.meta.get("dont_redirect", False) \
                and request.meta.get("vigie_kind") != "login":
            interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            chain = {urldefrag(u)[0] for u in [*request.meta.get("redirect_urls", []), request.url]}
            if url and (float(interval or 0) >= 1 or urldefrag(url)[0] in chain):
                return response
        return super().process_response(request, response)


class CharsetMiddleware(_CountingMiddleware):
    """A page declared in an encoding no browser reads (`crawler._charset`: `utf-32`, EBCDIC, UTF-16
    for bytes without a NUL) is read as a browser would read it, before anything parses it: its
    `<meta>` declaration, else UTF-8, else windows-1252. Counted (`vigie/pages/charset_ignored`, in
    the crawl summary's `refused`) and logged. Attachments keep their bytes (the indexer decodes
    them itself). Placed after decompression (590), before the middlewares that read the page
    (`DenseMarkupMiddleware`, 587)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse) or request.meta.get("vigie_kind") == "file" \
                or archive_by_bytes(response.body) is not None:  # (an archive served as text: its bytes kept)
            return response
        guess = guessed_page_encoding((response.headers.get("Content-Type") or b"").decode("latin-1"), response.body)
        if guess is not None:
            self.stats.inc_value("vigie/pages/charset_guessed")
            logger.warning("page {} declares no charset and is not UTF-8: read as {} (guessed as `vigie scan` guesses)",
                        mask_url(request.url), guess)
            if guess == "utf-8":  # UTF-8 with a few bad bytes: those read as windows-1252
                repaired = repaired_text("utf-8", response.body)
                if repaired is not None:
                    return response.replace(body=repaired[0].encode("utf-8", "surrogatepass"), encoding="utf-8")
            return response.replace(encoding=guess)
        encoding = page_encoding(response.encoding, response.body)
        if encoding is None:
            repaired = repaired_text(response.encoding, response.body)
            if repaired is None:
                return response
            text, what = repaired
            self.stats.inc_value("vigie/pages/charset_ignored")
            logger.warning("page {} is taken as {} but its bytes are {}: each part read as what it is",
                           mask_url(request.url), response.encoding, what)
            return response.replace(body=text.encode("utf-8", "surrogatepass"), encoding="utf-8")
        self.stats.inc_value("vigie/pages/charset_ignored")
        logger.warning("page {} is declared in {}, which cannot be its encoding (no browser reads a page in it, or "
                       "UTF-16 for bytes without a NUL): read as {} instead", mask_url(request.url), response.encoding,
                       encoding)
        return response.replace(encoding=encoding)


class JsonPageMiddleware(_CountingMiddleware):
    """A page (not a file) answered as JSON (`application/json`: Scrapy makes it a `JsonResponse`,
    whose selector reads no HTML) is handed on as an HTML page: a thread or listing page served so
    raised `ValueError: Cannot use xpath on a Selector of type 'json'` in the spider, its posts lost
    to a traceback. A JSON body is still read as JSON where a source asks (`post.from_json` reads the
    page's text, `crawler._markup.json_page_selector`); a body that is markup (HTML served as JSON,
    a browser shows its text) is counted (`vigie/pages/content_type_ignored`, the summary's
    `refused: content_types_ignored`) and logged. Placed after `CharsetMiddleware` (589)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse) or isinstance(response, (HtmlResponse, XmlResponse)) \
                or request.meta.get("vigie_kind") in ("file", None) or type(response).__name__ != "JsonResponse":
            return response
        if response.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            self.stats.inc_value("vigie/pages/content_type_ignored")
            logger.warning("page {} is served as {} but is markup: read as HTML", mask_url(request.url),
                           mask_text((response.headers.get("Content-Type") or b"").decode("latin-1")[:80]))
        return HtmlResponse(url=response.url, status=response.status, headers=response.headers, body=response.body,
                            flags=response.flags, request=response.request, certificate=response.certificate,
                            ip_address=response.ip_address, protocol=response.protocol, encoding=response.encoding)


class DenseMarkupMiddleware:
    """A page of more elements than `limits.max_page_elements` is never made a tree.

    A crawl costs 130 to 320 bytes of memory an element (libxml2's nodes for Scrapy's selectors and
    the wall detectors, and what the spider reads of them), 1.3 kB a link: a 19 MB page of unclosed
    `<p>` took 1.2 GB, enough to stop the source's crawl at its memory limit and lose its other
    pages for the run. The start tags and links are counted from the bytes first
    (`crawler._markup.count_start_tags`: linear, in C, stopping past the ceiling; a link weighs
    four elements). Over the ceiling:

    - a page is counted (`vigie/failures/pages_too_dense`, attention threshold
      `attention.pages_too_dense`) and logged; the spider gets an empty, untyped response in its
      place, and `PageTextMiddleware` answers for its callback with the page's text;
    - a login page fails the login (`IgnoreRequest` to its errback): a form cannot be read
      without a tree;
    - an attachment keeps its bytes (they are the data the indexer reads) but is handed on as a
      plain `Response`, so that no wall detector parses it (`vigie/files/dense_markup`).

    Placed after decompression (590) and before `HostileMarkupMiddleware` (585) and everything
    that parses a page (walls, 60).
    """

    def __init__(self, stats: StatsCollector, ceiling: int) -> None:
        self.stats = stats
        self.ceiling = ceiling

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_stats(crawler), int(_setting(crawler, "VIGIE_MAX_PAGE_ELEMENTS")))

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse) or self.ceiling <= 0:
            return response
        data = (response.body if ascii_compatible(response.encoding)
                else response.text.encode("utf-8", "surrogatepass"))
        counted = count_start_tags(data, stop_above=self.ceiling)
        if counted.weight <= self.ceiling:
            return response
        kind = request.meta.get("vigie_kind")
        if kind == "file":
            self.stats.inc_value("vigie/files/dense_markup")
            logger.info("attachment {} holds more than {} elements: handed on as bytes, never parsed as a page",
                        mask_url(request.url), self.ceiling)
            return _untyped(response, response.body)
        self.stats.inc_value(f"vigie/failures/{MIDDLEWARE_FAILURE_KINDS[0]}")
        if kind == "login":
            raise IgnoreRequest(f"login page {mask_url(request.url)} holds more than {self.ceiling} elements "
                                "(limits.max_page_elements): not parsed")
        logger.warning("page {} holds more than {} elements (limits.max_page_elements): not parsed as a tree "
                       "(a crawl needs 130 to 320 bytes an element); its text is read by the tag stripper and "
                       "scanned, its posts and links are not read", mask_url(request.url), self.ceiling)
        request.meta["vigie_dense_markup"] = DenseMarkup(counted, self.ceiling, response.text)
        return _untyped(response, b"")


def _untyped(response: Response, body: bytes) -> Response:
    """`response` as a plain Response (no `.text`, no selectors) with `body`."""
    return Response(response.url, status=response.status, headers=response.headers, body=body,
                    flags=[*response.flags, "vigie_dense_markup"], request=response.request,
                    certificate=response.certificate, ip_address=response.ip_address, protocol=response.protocol)


class PageTextMiddleware:
    """Spider middleware: for a page `DenseMarkupMiddleware` refused a tree, the page's text (the
    tag stripper's, `crawler._markup.page_text`, on a thread: seconds of CPU for 20 MB) goes to
    detection as one item instead of what the callback would have read.

    The callback's output is never iterated, so its generator never runs (every Vigie callback is
    a generator): nothing parses the page, and no garbage retry is made of an empty one. The item
    is a `file` item without a file URL (the crawl state records nothing: the next crawl reads the
    page again, and counts it again). Placed nearest the spider (990), so no other middleware
    reads the callback's output first.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.one_at_a_time = DeferredLock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any],
                                    spider: Any = None) -> AsyncIterator[Any]:
        dense = response.meta.pop("vigie_dense_markup", None) if response.request is not None else None
        if not isinstance(dense, DenseMarkup):
            async for out in result:
                yield out
            return
        # one page's text at a time: on a loaded host the refused pages' stripping overlapped
        # and a crawl of four 6 MB pages peaked at 700 MB where one at a time takes 220-290 MB
        text = await maybe_deferred_to_future(self.one_at_a_time.run(deferToThread, page_text, dense.text))
        if not text.strip():
            return
        source = getattr(getattr(self.crawler.spider, "source", None), "name", None)
        thread = response.meta.get("vigie_thread") or {}
        item = CrawledItem(source=str(source or getattr(self.crawler.spider, "name", "?")), url=response.url,
                           body=text, thread_url=thread.get("key"), thread_title=thread.get("title"),
                           board=thread.get("board"), fetched_at=datetime.now(UTC))
        yield VigieItem(item, "file", f"{response.url}#page-text", item.content_hash)


class RedirectLoopMiddleware:
    """A redirect to the URL itself, or back to one of its own chain, is let through the duplicate
    filter (`dont_filter`), before RedirectMiddleware (600) builds the next request.

    Scrapy's scheduler drops a request for a URL it has seen, silently (a DEBUG line): a page
    answering `302 Location: ""` (or its own URL, or a loop through a few) was lost with no
    error and no count. Let through, a real loop ends at REDIRECT_MAX_TIMES with Scrapy's "max
    redirections reached", which the spider counts as an error with that reason; a site that sets
    a cookie and redirects to the same page (a common wall) is now read instead of dropped."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or location is None or request.dont_filter:
            return response
        try:
            target = urldefrag(urljoin(request.url, safe_url_string(location)))[0]
        except ValueError:  # no URL can be made of it: RedirectMiddleware's to judge
            return response
        chain = {urldefrag(u)[0] for u in [*request.meta.get("redirect_urls", []), request.url]}
        if target in chain:
            request.dont_filter = True  # copied by RedirectMiddleware onto the next hop
        return response
