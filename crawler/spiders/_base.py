"""What both config-driven spiders share: selectors from YAML, text and dates, login and walls.

Login: the form is fetched, filled with the configured field names and credentials, and every
hidden input (CSRF tokens) is carried over by `FormRequest.from_response`. A login wall (URL
pattern or selector) triggers ONE re-login per crawl; a request that meets the wall again after
that, or after a failed login, marks the source "needs attention" and is dropped. Each request
is re-sent at most once, so nothing can loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from loguru import logger
from parsel import Selector, SelectorList
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.http import FormRequest, Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import safe_url_string

from crawler._retry_after import retry_after_seconds
from crawler.attachments import ArchiveBombError, AttachmentError, LinesTooLong
from crawler.middlewares import with_backoff
from crawler.spiders._dates import parse_date
from indexer.decode import Limits, html_too_dense
from indexer.html_text import MAX_TREE_ELEMENTS, element_text
from indexer.redact import mask_text, mask_url
from vigie.config.schema import Detector, SourceConfig, parse_selector
from vigie.core.patterns import compile_pattern

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.cookies import CookieJar
    from crawler.state import CrawlState

__all__ = ["FAILURE_KINDS", "VigieSpider", "absolute_url", "absolute_urls", "element_text", "parse_date",
           "size_refusal", "walled"]

# The silent failures made loud (issue 13): counted per crawl as stats `vigie/failures/<kind>`,
# compared with the source's `attention` thresholds (login_failed has none: it always counts).
FAILURE_KINDS = ("unparsed_dates", "follows_refused", "pagination_stopped", "login_failed", "selectors_lost",
                 "threads_shrank", "redirected_off_site", "json_unread", "empty_bodies", "pages_forbidden",
                 "pages_walled")

# What a captcha, a DDoS filter's challenge or a login form shows, asked only of a page where the
# source's selectors found nothing (a thread page without posts, a listing without links, a paste
# or a file answered by an HTML page): such a page answered 200 was counted as a layout change
# (`selectors_lost`, the source flagged for its selectors to be fixed) or, a paste, read as the
# paste and recorded as seen, the paste itself never read.
_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_WALLS = (
    ("a captcha", "//*[" + " or ".join(f"contains({_LOWER.format('@' + a)}, 'captcha')"
                                        for a in ("id", "class", "name", "src", "action", "data-sitekey"))
     + " or @data-sitekey or contains(@class, 'cf-turnstile') or @id='challenge-form' or @id='cf-challenge']"),
    ("a login form", f"//input[{_LOWER.format('@type')}='password']"),
)


def walled(page: Any) -> str | None:
    """What walls `page` off (a captcha, a login form), or None: asked only where the source's
    selectors found nothing (see _WALLS above); `page` a TextResponse or a Selector."""
    for what, xpath in _WALLS:
        try:
            if page.xpath(xpath):
                return what
        except ValueError:  # not HTML (a JSON or text answer has no tree): no wall
            return None
    return None

_FOLLOWED_SCHEMES = frozenset({"http", "https"})
# what Vigie's own middlewares say when they drop a request on purpose (FollowRulesMiddleware,
# crawler.cookies.WallMiddleware), each counted where it is raised; any other IgnoreRequest
# (Scrapy's "max redirections reached", a decompression bomb) is a page lost, counted here
_OWN_REFUSALS = ("not following ", "wall at ", "the crawl stopped at a wall", "the source's cookie jar has expired")


def size_refusal(failure: Any) -> str | None:
    """Why a download failed for its size, or None when it failed otherwise.

    Scrapy stops a download past its `download_maxsize` in three ways, and only the first says
    so in its error: a Content-Length over the limit ("larger than download max size"); a
    body that grows past it without such a header (an endless or chunked answer: the download
    is cancelled, the error has no message, `vigie_bytes_received` counts what came); a
    Content-Encoding that inflates past it (a gzip/deflate/br bomb: HttpCompressionMiddleware
    raises IgnoreRequest, which the crawl used to take for a refusal on purpose and drop
    uncounted; an attachment stayed pending, fetched again by every crawl)."""
    message = str(failure.value)
    request = getattr(failure, "request", None)
    meta = request.meta if request is not None else {}
    limit = meta.get("download_maxsize")
    if "larger than download max size" in message:
        return "its Content-Length is larger than the limit"
    if failure.check(IgnoreRequest) and "during decompression" in message:
        return "it inflates past the limit once decompressed (Content-Encoding bomb)"
    if failure.check(DownloadCancelledError) and int(meta.get("vigie_bytes_received", 0)) > int(
            limit or meta.get("vigie_maxsize", 0) or 0) > 0:
        return "it sent more bytes than the limit (no Content-Length saying so)"
    return None


def absolute_url(base: str | TextResponse, href: str, *, keep_fragment: bool = False) -> str | None:
    """`href` made absolute against `base` (a URL, or a response, whose `<base href>` counts),
    without its fragment unless `keep_fragment`.

    None when the site wrote something no URL can be made of ("http://[x": urljoin raises
    ValueError, and one such link had failed the whole page, its posts lost; found by
    tests/fuzz.py), a URL Scrapy refuses to make a request of ("ht:tp//x", "http://h: x/",
    "https: 04h", the last found by the spiders fuzz target in CI), or a
    link to anything but a web page (`mailto:`, `javascript:`). The caller skips it, as it skips a
    row without a link."""
    href = href.strip()
    try:
        joined = base.urljoin(href) if isinstance(base, TextResponse) else urljoin(base, href)
        if urlsplit(joined).scheme.lower() not in _FOLLOWED_SCHEMES:
            return None
        # what Scrapy's Request checks: a port that is no number, a bad host, and "://" in what
        # w3lib makes of it ("https: 04h" has a scheme and no host: Request raised on it)
        if "://" not in safe_url_string(joined) or not urlsplit(joined).netloc:
            return None
        return joined if keep_fragment else urldefrag(joined)[0]
    except ValueError:  # UnicodeError (an IDNA host) is one
        return None


def absolute_urls(base: str | TextResponse, hrefs: list[str], *, keep_fragment: bool = False) -> list[str]:
    """The hrefs that make URLs, absolute (`absolute_url`), in order."""
    return [u for u in (absolute_url(base, h, keep_fragment=keep_fragment) for h in hrefs) if u is not None]


def select(node: Selector | SelectorList | TextResponse, expr: str | None) -> SelectorList:
    if not expr:
        return SelectorList([])
    kind, query = parse_selector(expr)
    return node.css(query) if kind == "css" else node.xpath(query)


def first_text(node: Any, expr: str | None) -> str | None:
    """Text of the FIRST match only: the value for ::attr/@x, the element's own text nodes for
    ::text / text(), else the element's text under `indexer.html_text` (the model `vigie scan`
    uses too: the selector picks the element, the model does the rest). (On malformed pages,
    unclosed containers nest the next posts inside this one: later matches are not ours.)"""
    if not expr:
        return None
    kind, query = parse_selector(expr)
    own_text = None
    if kind == "css" and query.endswith("::text"):
        own_text = query[: -len("::text")].strip()
    elif kind == "xpath" and query.endswith("/text()"):
        own_text = query[: -len("/text()")]
    if own_text is not None:
        if not own_text:
            return "".join(node.css("::text").getall()).strip() or None
        found = node.css(own_text) if kind == "css" else node.xpath(own_text)
        if not found:
            return None
        first = found[0]
        if isinstance(first.root, str):
            return first.root.strip()
        return "".join(first.xpath("text()").getall()).strip()
    found = select(node, expr)
    if not found:
        return None
    sel = found[0]
    if isinstance(sel.root, str):
        return sel.root.strip()
    # a table cell picked whole (a listing's board or author column: Trac's `td.component`) reads
    # with the tab that parts it from the cell before: one value is no row, its ends are no text
    return element_text(sel.root).strip()


def all_values(node: Any, expr: str | None) -> list[str]:
    return [s.root.strip() if isinstance(s.root, str) else element_text(s.root) for s in select(node, expr)]


# Selectors without which a page of that kind yields nothing: matching none of the pages of a
# crawl fails it (`vigie crawl` exits with EXIT_SOURCE_BROKEN).
_REQUIRED = (("listing", "thread_link"), ("thread", "post.container"))
_FIRST_OF_KIND = frozenset({"thread_link", "post.container", "board_links"})  # observed once per page


def _request_of(response: Response) -> Request:
    """The request a response answers. Scrapy sets it on every response it hands to a spider;
    only a response built by hand lacks it."""
    if response.request is None:
        raise RuntimeError(f"response for {response.url} carries no request: was it built outside Scrapy?")
    return response.request


class VigieSpider(scrapy.Spider):
    """Base of the forum and paste spiders: source, state, login, walls, garbage retries."""

    source: SourceConfig
    vigie_state: CrawlState
    cookie_jar: CookieJar | None = None  # a session solved by hand (crawler.cookies), spider argument

    def __init__(self, *args: Any, source: SourceConfig, state: CrawlState, sink: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.vigie_state = state
        self.vigie_sink = sink
        self.needs_attention: str | None = None
        self.logged_in = False
        self._login_gen = 0
        self._relogged = False
        self._login_running = False
        self._after_login: list[Request] = []
        # selectors that matched a page of each kind in earlier crawls / in this one
        self._matched_before = state.selectors_matched()
        self._matched_now: set[tuple[str, str]] = set()
        self._pages_of_kind: dict[str, int] = {}
        self.broken: str | None = None  # why the crawl must fail (wrong login, required selector dead)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider

    def _headers_received(self, headers: Any, body_length: int, request: Request, spider: Any = None) -> None:
        request.meta["vigie_bytes_received"] = 0  # a retry is a copy of the request, meta included

    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        """Count a download's bytes in its meta (`vigie_bytes_received`), with the size limit it
        ran under (`vigie_maxsize`): when Scrapy cancels a download past the limit the error
        says nothing, and `size_refusal` tells it from other failures by these."""
        meta = request.meta
        meta["vigie_bytes_received"] = int(meta.get("vigie_bytes_received", 0)) + len(data)
        if "vigie_maxsize" not in meta:
            limit = meta.get("download_maxsize") or self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            meta["vigie_maxsize"] = int(limit)

    # ------------------------------------------------------------------ helpers
    def attention(self, reason: str) -> None:
        if self.needs_attention is None:
            logger.warning("source {} needs attention: {}", self.source.name, reason)
            self.needs_attention = reason
        self.crawler.stats.inc_value("vigie/needs_attention")

    def failure(self, kind: str, detail: str) -> None:
        """Count one silent failure (see FAILURE_KINDS); the runner turns counts past the source's
        thresholds into "needs attention"."""
        self.crawler.stats.inc_value(f"vigie/failures/{kind}")
        logger.warning("source {}: {} ({})", self.source.name, kind.replace("_", " "), detail)

    def parts_set_aside(self, what: str, skipped: list[AttachmentError]) -> None:
        """Count and log the parts of one attachment or raw paste that `expand_attachment` set
        aside (a bomb inside an archive, an encrypted or corrupt member) while it read the others:
        once per file, as a bomb and/or an error, as a whole refusal is counted. `what` names the
        file, its URL masked."""
        cut = [e for e in skipped if isinstance(e, LinesTooLong)]  # read, but only the head of long lines
        for exc in cut:
            self.crawler.stats.inc_value("vigie/files/lines_too_long")
            logger.warning("{}: {}", what, mask_text(str(exc)))
        skipped = [e for e in skipped if not isinstance(e, LinesTooLong)]
        if not skipped:
            return
        bombs = sum(isinstance(e, ArchiveBombError) for e in skipped)
        if bombs:
            self.crawler.stats.inc_value("vigie/files/bombs_refused")
        if bombs < len(skipped):
            self.crawler.stats.inc_value("vigie/errors")
        logger.warning("{}: {} part(s) not read, the others read (first: {})", what, len(skipped),
                       mask_text(str(skipped[0])))

    def html_ceiling(self, what: str, files: list[Any]) -> int | None:
        """The element ceiling of this source's attached or uploaded files' HTML
        (`limits.max_page_elements`, as its pages'), each file past it counted as `pages_too_dense`
        (read by the tag stripper, not as a tree, as such a page is); None when it is the
        detector's own default, which a `CrawledItem` need not carry. `what` names the file, its
        URL masked; `files` are `expand_attachment`'s (`.data`, `.filename`)."""
        ceiling = self.source.limits.max_page_elements
        for f in files:
            if (dense := html_too_dense(f.data, f.filename, limits=Limits(max_html_elements=ceiling))) is not None:
                self.failure("pages_too_dense", f"{what}: {dense}: its text is scanned")
        return None if ceiling == MAX_TREE_ELEMENTS else ceiling

    def walled_off(self, url: str, wall: str, why: str) -> None:
        """Count a page a captcha or a login form answered in place of its content (`walled`)."""
        self.failure("pages_walled", f"{mask_url(url)}: {wall} answered in place of the page ({why}); its content "
                     "was not read and the source's selectors were not judged on it")

    def observe(self, page_kind: str, selector: str, matched: bool) -> None:
        """Per-page selector bookkeeping: a selector that matched pages of this kind before (this
        crawl or an earlier one) and matches nothing here is a layout change, counted."""
        self._pages_of_kind[page_kind] = self._pages_of_kind.get(page_kind, 0) + (selector in _FIRST_OF_KIND)
        if matched:
            self._matched_now.add((page_kind, selector))
        elif (page_kind, selector) in self._matched_before or (page_kind, selector) in self._matched_now:
            self.failure("selectors_lost", f"selector {selector} matched nothing on a {page_kind} page "
                         "where it matched before")

    def closed(self, reason: str) -> None:
        """Keep the selector history, and fail the crawl when a required selector never matched."""
        self.vigie_state.record_selectors(self._matched_now)
        for page_kind, selector in _REQUIRED:
            pages = self._pages_of_kind.get(page_kind, 0)
            if pages and (page_kind, selector) not in self._matched_now:
                self.broken = self.broken or (f"required selector {selector} matched nothing on the {pages} "
                                              f"{page_kind} page(s) fetched: check the source's selectors")
                self.attention(self.broken)

    def request(self, url: str, callback: Any, kind: str, parent: Response | None = None, **meta: Any) -> Request:
        """A request with our bookkeeping. Link depth is counted here (`vigie_depth`, enforced by
        FollowRulesMiddleware against limits.max_depth) rather than by Scrapy's DEPTH_LIMIT
        alone, because login hops and re-sent requests must not count as link depth."""
        depth = int(parent.meta.get("vigie_depth", 0)) + 1 if parent is not None else 0
        dont_filter = bool(meta.pop("dont_filter", False))
        meta.update(vigie_kind=kind, vigie_gen=self._login_gen, vigie_depth=depth)
        return Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=dont_filter)

    def on_error(self, failure: Any) -> Iterator[Request] | None:
        """A request that failed for good: a page over limits.max_download_bytes (however it got
        there, `size_refusal`) is counted as refused (`pages_refused`), anything else as an
        error with its reason, except the refusals on purpose of Vigie's own middlewares. A login
        wall answered with an error status (XenForo's and Invision's 403 "You must be logged in",
        a 401) is the wall it is: what to do about it is returned (log in again, send the page
        again), where it used to be given up as a failed page, silently for the source."""
        request = failure.request
        message = str(failure.value)
        if failure.check(HttpError):
            again = self.wall(failure.value.response)
            if again is not None:
                return again
            if self._rate_limited(request, failure.value.response):
                return None
        too_big = size_refusal(failure)
        if too_big is not None:
            self.crawler.stats.inc_value("vigie/pages/too_big")
            logger.warning("refused {}: larger than limits.max_download_bytes ({})", request.url, too_big)
            return None
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and message.startswith(_OWN_REFUSALS):
            return None  # refused on purpose, counted by the middleware that refused it
        self.crawler.stats.inc_value("vigie/errors")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in (401, 403):  # no login wall recognised in it (above): shut out, not a passing error
            self.failure("pages_forbidden", f"{mask_url(request.url)} answered HTTP {status}")
        if failure.check(DownloadCancelledError) and not message:
            message = "download cancelled"
        if failure.check(ResponseDataLossError) and not message:  # (its message is empty: said nothing)
            message = ("the connection closed before the body was whole (fewer bytes than its Content-Length, "
                       "or a chunked body cut short)")
        logger.error("giving up on {}: {}", request.url, message[:200] or type(failure.value).__name__)
        return None

    def _rate_limited(self, request: Request, response: Response) -> bool:
        """Whether `response` is a site throttling the crawl: a 429, or a 503 with a Retry-After,
        that the retries did not get past (or whose Retry-After is past
        `limits.max_retry_after_seconds`, not waited for: `BackoffRetryMiddleware`). Such a page
        was given up as an error (a thread's posts, a paste lost for the crawl, the source's
        errors up); it is left to the next crawl instead (`left_to_next_crawl`), counted
        (`vigie/pages/rate_limited`, the summary's `refused: rate_limited`) and logged."""
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if response.status != 429 and not (response.status == 503 and wait is not None):
            return False
        cap = self.source.limits.max_retry_after_seconds
        self.crawler.stats.inc_value("vigie/pages/rate_limited")
        why = (f"asked to wait {'forever' if wait == float('inf') else f'{wait:.0f} s'} (Retry-After), more than "
               f"limits.max_retry_after_seconds ({cap:.0f} s)" if wait is not None and wait > cap
               else "still after its retries")
        logger.warning("{} answered HTTP {}, {}: not read, left to the next crawl", mask_url(request.url),
                       response.status, why)
        self.left_to_next_crawl(request)
        return True

    def left_to_next_crawl(self, request: Request) -> None:
        """Keep what `request` was for so that the next crawl fetches it (a rate-limited answer).
        A thread, a listing and a pending attachment need nothing: none is recorded until read."""

    def garbage_retry(self, response: Response, why: str,
                      selector: tuple[str, str] | None = None) -> Iterator[Request]:
        """A page that should have content but does not parse (garbage with 200): retry it. When
        retries are spent, the `selector` (page kind, name) that found nothing is observed as such."""
        retry = with_backoff(get_retry_request(_request_of(response), spider=self, reason=why), self.crawler)
        wall = walled(response) if isinstance(response, TextResponse) else None
        if retry is not None:
            self.crawler.stats.inc_value("vigie/pages/garbage")
            yield retry
        elif wall is not None:  # a wall, not a layout change: the selector is not observed
            self.walled_off(response.url, wall, why)
        else:
            # a page cut short of its Content-Length (kept on its last attempt) shows no layout: its
            # selector finding nothing there is no layout change (it was counted as one, the
            # source flagged for its selectors to be fixed); the page is counted as cut
            cut = "dataloss" in response.flags
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("giving up on {}: {}{}", response.url, why,
                         " (it came cut short of its Content-Length)" if cut else "")
            if selector is not None and not cut:
                self.observe(*selector, matched=False)

    # ------------------------------------------------------------------ login
    def _detect(self, detector: Detector, response: Response) -> bool:
        if detector.url_pattern and compile_pattern(detector.url_pattern).search(response.url):
            return True
        if detector.selector and isinstance(response, TextResponse) and select(response, detector.selector):
            return True
        return False

    def login_request(self) -> Request:
        assert self.source.login is not None
        self._login_running = True
        return Request(self.source.login.url, callback=self._login_form, errback=self._login_failed,
                       dont_filter=True, meta={"vigie_kind": "login"}, priority=100)

    def _login_form(self, response: Response) -> Iterator[Request]:
        login = self.source.login
        assert login is not None
        form: dict[str, Any] = {}
        if login.form_selector:
            kind, query = parse_selector(login.form_selector)
            form = {"formcss": query} if kind == "css" else {"formxpath": query}
        else:
            form = {"formxpath": f'//form[.//input[@name="{login.password_field}"]]'}
        if not isinstance(response, TextResponse):
            yield from self._login_done(False, f"login page {response.url} is not HTML (check login.url)")
            return
        try:
            yield FormRequest.from_response(
                response, **form, dont_filter=True, callback=self._logged_in, errback=self._login_failed,
                formdata={login.username_field: login.username,
                          login.password_field: login.password.get_secret_value()},
                meta={"vigie_kind": "login"}, priority=100)
        except ValueError as exc:
            yield from self._login_done(
                False, f"login form not found at {response.url}: {exc} (check login.form_selector)")

    def _logged_in(self, response: Response) -> Iterator[Request]:
        ok = self.source.login is not None and self._detect(self.source.login.logged_in, response)
        yield from self._login_done(ok, None if ok else
                                    f"login at {self.source.login.url if self.source.login else '?'} did not "
                                    "succeed (logged_in detector did not match): check the credentials")

    def _login_failed(self, failure: Any) -> Iterator[Request]:
        # the site could not be reached (Tor down, timeouts, a 5xx after the retries): an error of
        # this run, not a login the site refused, so not a broken source. A 4xx is the site's own
        # answer (a wrong password answered 403 or 401, a login.url that is 404): refused, as a
        # login page saying so with a 200 is; it was counted as unreachable, and `vigie crawl`
        # exited 0 with no login_failed counted.
        self.crawler.stats.inc_value("vigie/errors")
        response = failure.value.response if failure.check(HttpError) else None
        if response is not None and 400 <= response.status < 500:
            yield from self._login_done(False, f"login at {mask_url(response.url)} answered HTTP {response.status}: "
                                        "check the credentials, login.url and the form")
            return
        yield from self._login_done(False, f"login request failed: {failure.value}", refused=False)

    def _login_done(self, ok: bool, problem: str | None, refused: bool = True) -> Iterator[Request]:
        self._login_running = False
        self.logged_in = ok
        self._login_gen += 1
        if ok:
            self.crawler.stats.inc_value("vigie/login/ok")
        else:  # wrong credentials do not get better by retrying: no re-login after this
            self._relogged = True
            self.crawler.stats.inc_value("vigie/login/failed")
            if refused:  # wrong credentials or a changed form: the source is broken as configured
                self.crawler.stats.inc_value("vigie/failures/login_failed")
                self.broken = problem or "login failed"
            self.attention(problem or "login failed")
            # a crawl as a guest would look like a quiet forum: nothing more is fetched
            self._after_login = []
            return
        pending, self._after_login = self._after_login, []
        yield from pending

    def behind_login(self, starts: list[Request]) -> Iterator[Request]:
        """The start requests, sent after logging in when the source has a login."""
        if self.source.login:
            self._after_login.extend(starts)
            yield self.login_request()
        else:
            yield from starts

    def unusable(self, response: Response, what: str) -> Iterator[Request] | None:
        """None when `response` is an HTML page (a TextResponse) to parse; else what to do
        instead: retry a page that is not HTML (`what` names it in the log), or deal with a
        login wall."""
        if not isinstance(response, TextResponse):
            return self.garbage_retry(response, f"{what} is not HTML")
        return self.wall(response)

    def wall(self, response: Response) -> Iterator[Request] | None:
        """None if `response` is not a login wall; else what to do about it (maybe nothing)."""
        login = self.source.login
        if login is None or not self._detect(login.login_wall, response):
            return None
        return self._on_wall(response)

    def _on_wall(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value("vigie/login/walls")
        request = _request_of(response)
        original = (request.meta.get("redirect_urls") or [request.url])[0]
        resend = request.replace(url=original, dont_filter=True)
        for key in ("redirect_urls", "redirect_times", "redirect_reasons", "redirect_ttl", "download_latency"):
            resend.meta.pop(key, None)  # the failed fetch's own: Scrapy warns when a request carries them
        if request.meta.get("vigie_wall_retry") or (self.needs_attention and self._relogged):
            self.attention(f"login wall at {mask_url(original)} persists after logging in again")
            return
        resend.meta["vigie_wall_retry"] = True
        resend.meta["vigie_gen"] = self._login_gen
        if self._login_running:
            self._after_login.append(resend)
        elif request.meta.get("vigie_gen", 0) < self._login_gen:
            yield resend  # sent with an older session: try again with the new one
        elif not self._relogged:
            logger.info("login wall at {}: logging in again (once)", mask_url(original))
            self._relogged = True
            self._after_login.append(resend)
            yield self.login_request()
        else:
            self.attention(f"login wall at {mask_url(original)} after the one re-login allowed per crawl")
