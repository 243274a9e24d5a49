"""What both config-driven spiders share: selectors from YAML, text and dates, login and walls.

Login: the form is fetched, filled with the configured field names and credentials, and every
hidden input (CSRF tokens) is carried over by `FormRequest.from_response`. A login wall (URL
pattern or selector) triggers ONE re-login per crawl; a request that meets the wall again after
that, or after a failed login, marks the source "needs attention" and is dropped. Each request
is re-sent at most once, so nothing can loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import scrapy
from loguru import logger
from parsel import Selector, SelectorList
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import FormRequest, Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.middlewares import with_backoff
from indexer.html_text import element_text
from vigie.config.schema import Detector, SourceConfig, parse_selector

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.cookies import CookieJar
    from crawler.state import CrawlState

__all__ = ["VigieSpider", "element_text", "parse_date"]

_FR_MONTHS = [("janvier", "janv", "January"), ("février", "févr", "February"), ("fevrier", "fevr", "February"),
              ("mars", "mars", "March"), ("avril", "avr", "April"), ("mai", "mai", "May"),
              ("juin", "juin", "June"), ("juillet", "juil", "July"), ("août", "aout", "August"),
              ("aout", "aout", "August"), ("septembre", "sept", "September"), ("octobre", "oct", "October"),
              ("novembre", "nov", "November"), ("décembre", "déc", "December"), ("decembre", "dec", "December")]
_FR_DAYS = {"lundi": "Monday", "mardi": "Tuesday", "mercredi": "Wednesday", "jeudi": "Thursday",
            "vendredi": "Friday", "samedi": "Saturday", "dimanche": "Sunday"}


def parse_date(text: str, fmt: str | None, tz: str = "UTC") -> datetime | None:
    """ISO 8601 when `fmt` is None, else strptime with French month/day names understood.
    Naive results are in `tz`; the result is always UTC."""
    text = " ".join(text.split())
    if not text:
        return None
    try:
        if fmt is None:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            low = re.sub(r"\b1er\b", "1", text.lower())
            for full, abbr, english in _FR_MONTHS:
                low = re.sub(rf"\b{full}\b", english if "%B" in fmt else english[:3], low)
                low = re.sub(rf"\b{abbr}\.?(?=\s|$)", english[:3] if "%b" in fmt else english, low)
            for fr, en in _FR_DAYS.items():
                low = re.sub(rf"\b{fr}\b", en if "%A" in fmt else en[:3], low)
            value = datetime.strptime(low, fmt)  # literals match case-insensitively
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


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
    return element_text(sel.root)


def all_values(node: Any, expr: str | None) -> list[str]:
    return [s.root.strip() if isinstance(s.root, str) else element_text(s.root) for s in select(node, expr)]


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

    # ------------------------------------------------------------------ helpers
    def attention(self, reason: str) -> None:
        if self.needs_attention is None:
            logger.warning("source {} needs attention: {}", self.source.name, reason)
            self.needs_attention = reason
        self.crawler.stats.inc_value("vigie/needs_attention")

    def request(self, url: str, callback: Any, kind: str, parent: Response | None = None, **meta: Any) -> Request:
        """A request with our bookkeeping. Link depth is counted here (`vigie_depth`, enforced by
        FollowRulesMiddleware against limits.max_depth) rather than by Scrapy's DEPTH_LIMIT
        alone, because login hops and re-sent requests must not count as link depth."""
        depth = int(parent.meta.get("vigie_depth", 0)) + 1 if parent is not None else 0
        meta.update(vigie_kind=kind, vigie_gen=self._login_gen, vigie_depth=depth)
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

    def on_error(self, failure: Any) -> None:
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):  # refused on purpose: no error
            return
        message = str(failure.value)
        if "larger than download max size" in message:
            self.crawler.stats.inc_value("vigie/pages/too_big")
            logger.warning("refused {}: larger than limits.max_download_bytes", request.url)
            return
        self.crawler.stats.inc_value("vigie/errors")
        logger.error("giving up on {}: {}", request.url, message[:200])

    def garbage_retry(self, response: Response, why: str) -> Iterator[Request]:
        """A page that should have content but does not parse (garbage with 200): retry it."""
        retry = with_backoff(get_retry_request(_request_of(response), spider=self, reason=why), self.crawler)
        if retry is not None:
            self.crawler.stats.inc_value("vigie/pages/garbage")
            yield retry
        else:
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("giving up on {}: {}", response.url, why)

    # ------------------------------------------------------------------ login
    def _detect(self, detector: Detector, response: Response) -> bool:
        if detector.url_pattern and re.search(detector.url_pattern, response.url):
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
        yield from self._login_done(False, f"login request failed: {failure.value}")

    def _login_done(self, ok: bool, problem: str | None) -> Iterator[Request]:
        self._login_running = False
        self.logged_in = ok
        self._login_gen += 1
        if ok:
            self.crawler.stats.inc_value("vigie/login/ok")
        else:  # wrong credentials do not get better by retrying: no re-login after this
            self._relogged = True
            self.crawler.stats.inc_value("vigie/login/failed")
            self.attention(problem or "login failed")
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
        resend.meta.pop("redirect_urls", None)
        resend.meta.pop("redirect_times", None)
        if request.meta.get("vigie_wall_retry") or (self.needs_attention and self._relogged):
            self.attention(f"login wall at {original} persists after logging in again")
            return
        resend.meta["vigie_wall_retry"] = True
        resend.meta["vigie_gen"] = self._login_gen
        if self._login_running:
            self._after_login.append(resend)
        elif request.meta.get("vigie_gen", 0) < self._login_gen:
            yield resend  # sent with an older session: try again with the new one
        elif not self._relogged:
            logger.info("login wall at {}: logging in again (once)", original)
            self._relogged = True
            self._after_login.append(resend)
            yield self.login_request()
        else:
            self.attention(f"login wall at {original} after the one re-login allowed per crawl")
