"""The one generic forum spider: everything site-specific comes from `config/sources/<name>.yaml`.

Walk: start URLs -> board links -> thread rows (each thread link, title, marker) -> thread pages
(posts: id, author, date, body, attachment links) -> next pages. Incremental: a thread whose
listing marker is unchanged since the last crawl is skipped; a known thread whose marker changed
is resumed at its last known page; posts already handed off (same key, same content hash) are
not emitted again. Endless pagination stops when a page repeats one already seen in its chain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from loguru import logger
from scrapy.http import Request, TextResponse

from crawler._markup import json_page_selector
from crawler._session_ids import without_session
from crawler.defaults import MAX_FILE_LINKS_PER_PAGE, MAX_PAGES_PER_CHAIN
from crawler.items import ThreadCheckpoint, VigieItem
from crawler.spiders._ahead import AheadChain, page_template
from crawler.spiders._base import absolute_urls, all_values, first_text, select, walled
from crawler.spiders._privatebin import PrivateBinSpider
from crawler.spiders.archive_passwords import password_candidates
from crawler.spiders.extract import (
    first_page_url,
    last_page_link,
    next_link,
    other_thread,
    page_base,
    page_threads,
    read_posts,
    thread_key,
)
from indexer.models import CrawledItem, content_hash
from indexer.redact import mask_text, mask_url

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["FETCH_AHEAD_PAGES", "ForumSpider"]

# Most pages of one pagination chain requested ahead of the page being read (crawler.spiders._ahead);
# Scrapy setting VIGIE_FETCH_AHEAD_PAGES, 0 turns it off. Requests stay within limits.concurrency.
FETCH_AHEAD_PAGES = 4


def _page_title(response: TextResponse) -> str | None:
    """The page's <h1> text (its own first, so a label before the name stays out), else the text
    inside it (a name held in a link: HyperKitty's `<h1>\\n <a class="list-name">`, whose own
    first text, the indentation, named nothing and kept the <title> from being read), else <title>."""
    h1 = response.css("h1")[:1]
    for texts in (h1.xpath("text()"), h1.xpath(".//text()"), response.css("title::text")):
        text = next((t.strip() for t in texts.getall() if t.strip()), None)
        if text:
            return text
    return None


class ForumSpider(PrivateBinSpider):
    name = "vigie_forum"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.source.forum is not None
        self.sel = self.source.forum
        self._chains: dict[str, set[tuple[str, ...]]] = {}
        self._emitted: set[str] = set()
        self._threads: set[str] = set()  # thread keys read (or skipped) by this crawl
        # threads skipped as unchanged, by the marker that said so: another listing showing the
        # same thread with another marker (a catalog rebuilt later, a stale cached page) gets it read
        self._unchanged: dict[str, str] = {}
        self._ahead: dict[str, AheadChain] = {}  # chains whose next pages are fetched ahead
        self._chain_reads: dict[str, int] = {}  # pages with a next link read per chain, this crawl
        # threads a page of which came cut short of its Content-Length this crawl: no page of theirs
        # is recorded as read from it on, so the next crawl reads that page again (its posts
        # already read skipped as seen): the posts after the cut were lost for good
        self._cut_threads: set[str] = set()
        self._ahead_pages = 0  # VIGIE_FETCH_AHEAD_PAGES, read once the crawler is bound
        # links taken as boards / as threads, to say when one is both (extract.classified_twice)
        self._as_board: set[str] = set()
        self._as_thread: set[str] = set()
        self._twice: set[str] = set()
        self._more_seen: dict[str, set[str]] = {}  # per thread: its pages named by thread_more_links, requested
        # per thread: its branch pages requested and not read yet, and its latest checkpoint held until
        # they are (its marker stored, the next crawl would skip the thread: a branch lost stays lost)
        self._branches: dict[str, int] = {}
        self._held: dict[str, ThreadCheckpoint] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ForumSpider:
        spider: ForumSpider = super().from_crawler(crawler, *args, **kwargs)
        spider._ahead_pages = max(0, crawler.settings.getint("VIGIE_FETCH_AHEAD_PAGES", FETCH_AHEAD_PAGES))
        return spider

    def _max_chain(self) -> int:
        return self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN

    def _chain_ok(self, chain: str, page: int, fingerprint: tuple[str, ...]) -> bool:
        """False when a paginated chain should stop: nothing on the page, a repeat, or too long
        (the cap is a loud stop: pages may be left unread)."""
        seen = self._chains.setdefault(chain, set())
        if not fingerprint:
            return False
        if fingerprint in seen:
            self.crawler.stats.inc_value("vigie/pagination/stopped")
            logger.info("pagination of {} stopped at page {}: the page repeats an earlier one",
                        mask_url(chain.removeprefix("thread:")), page)
            return False
        if page >= self._max_chain():
            self.failure("pagination_stopped", f"pagination of {mask_url(chain.removeprefix('thread:'))} "
                         f"stopped at the cap of {self._max_chain()} pages")
            return False
        seen.add(fingerprint)
        return True

    def _next(self, response: TextResponse, css: str | None, chain: str, page: int,
              fingerprint: tuple[str, ...]) -> str | None:
        """The next page to follow, if any; a last-page link without a next link is a loud stop."""
        href = next_link(response.selector, response.url, css, self.sel.next_link_texts)
        if href is None:
            last = last_page_link(response.selector, response.url)
            if last is not None:
                self.failure("pagination_stopped", f"{mask_url(response.url)} links to a last page but no "
                             "next page matched (check next_page / next_link_texts)")
            return None
        return href if self._chain_ok(chain, page, fingerprint) else None

    def _more(self, response: TextResponse, ctx: dict[str, Any], page: int) -> Iterator[Request]:
        """The pages `thread_more_links` names on this thread page, each requested once a crawl and
        read as the thread's. A Reddit-like engine prints a comment nested too deep as "continue this
        thread →" (a page of that comment and its replies), and such branches are a tree, not the
        chain `thread_next_page` follows: the posts there (a dump posted as a deep reply) were never
        read, silently."""
        seen = self._more_seen.setdefault(ctx["key"], {ctx["key"]})
        seen.add(urldefrag(response.url)[0])
        hrefs = all_values(response, self.sel.thread_more_links)
        for url in absolute_urls(page_base(response.selector, response.url), hrefs):
            if url in seen:
                continue
            if len(seen) > self._max_chain():
                self.failure("pagination_stopped", f"thread {mask_url(ctx['key'])}: more than {self._max_chain()} "
                             "pages named by thread_more_links; the others are not read")
                return
            seen.add(url)
            self._branches[ctx["key"]] = self._branches.get(ctx["key"], 0) + 1
            yield self.request(url, self.parse_thread, "thread", response, vigie_thread=ctx, vigie_page=page,
                               vigie_more=True, dont_filter=True)

    # ------------------------------------------------------------------ pagination fetched ahead
    def _follow_chain(self, response: TextResponse, chain_id: str, page: int, next_url: str,
                      callback: Callable[[Response], Iterator[Any]], kind: str,
                      meta: dict[str, Any]) -> Iterator[Any]:
        """Go on to page+1 (`next_url`): taken from what was fetched ahead when it is there, else
        requested; and request the pages after it that the URL pattern implies (crawler.spiders._ahead)."""
        n = page + 1
        read = self._chain_reads[chain_id] = self._chain_reads.get(chain_id, 0) + 1
        chain = self._ahead.get(chain_id)
        if chain is not None and chain.url(n) != next_url:
            self._end_chain(chain_id)  # the pattern broke: walk on link by link
            chain = None
        if chain is None and self._ahead_pages:
            template = page_template(urldefrag(response.url)[0], next_url, page)
            if template is not None:
                chain = self._ahead[chain_id] = AheadChain(template, callback, kind)
        if chain is None:
            yield self.request(next_url, callback, kind, response, vigie_page=n, dont_filter=kind == "thread", **meta)
            return
        chain.meta = dict(meta)
        depth = int(response.meta.get("vigie_depth", 0))
        links = set(absolute_urls(response, response.css("a::attr(href)").getall()))
        for k in chain.window(page, self._ahead_pages, self._max_chain(), links, read):
            if k in chain.requested:
                continue
            chain.requested.add(k)
            self.crawler.stats.inc_value("vigie/pagination/ahead")
            req = self.request(chain.url(k), self._ahead_arrived, kind, vigie_ahead=chain_id, vigie_page=k,
                               dont_filter=True, handle_httpstatus_list=[404, 410])
            req.meta["vigie_depth"] = depth + (k - page)
            yield req.replace(errback=self._ahead_failed)
        if n in chain.arrived:
            yield from self._take_turn(chain, n, chain.arrived.pop(n), depth + 1)
        elif n in chain.requested:
            chain.expect = n
        else:
            chain.requested.add(n)
            yield self.request(next_url, callback, kind, response, vigie_page=n, dont_filter=kind == "thread", **meta)

    def _end_chain(self, chain_id: str) -> None:
        chain = self._ahead.pop(chain_id, None)
        if chain is not None and chain.arrived:
            self.crawler.stats.inc_value("vigie/pagination/ahead_unused", len(chain.arrived))

    def _ahead_arrived(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        if meta.get("vigie_turn"):  # a page already given its turn, sent again (retry, login wall)
            yield from getattr(self, meta["vigie_turn"])(response)
            return
        chain, page = self._ahead.get(meta["vigie_ahead"]), int(meta["vigie_page"])
        if chain is None:  # its chain ended before it
            self.crawler.stats.inc_value("vigie/pagination/ahead_unused")
            return
        if response.status in (404, 410) or (isinstance(response, TextResponse) and not select(
                response, self.sel.post.container if chain.kind == "thread" else self.sel.thread_link)):
            chain.end = min(chain.end or page, page)  # past the end: nothing beyond it is asked for
        if chain.expect == page:
            chain.expect = None
            yield from self._take_turn(chain, page, response, int(meta.get("vigie_depth", 0)))
        else:
            chain.arrived[page] = response

    def _ahead_failed(self, failure: Any) -> Iterator[Any]:
        meta = failure.request.meta
        chain, page = self._ahead.get(meta.get("vigie_ahead", "")), int(meta.get("vigie_page", 0))
        if chain is None:
            return
        chain.end = min(chain.end or page, page)
        if chain.expect == page:
            chain.expect = None
            yield from self._take_turn(chain, page, None, int(meta.get("vigie_depth", 0)))
        else:
            chain.arrived[page] = None

    def _take_turn(self, chain: AheadChain, page: int, response: Response | None, depth: int) -> Iterator[Any]:
        """Page `page`'s turn: parse what was fetched ahead as if it had just been followed, or,
        when that fetch failed or did not answer 200, fetch it the ordinary way (retries, errors)."""
        meta = {**chain.meta, "vigie_page": page}
        if response is None or response.status != 200:
            req = self.request(chain.url(page), chain.callback, chain.kind, vigie_page=page,
                               dont_filter=True, **chain.meta)
            req.meta["vigie_depth"] = depth
            yield req
            return
        response.meta.update(meta, vigie_turn=chain.callback.__name__)
        response.meta.pop("handle_httpstatus_list", None)
        yield from chain.callback(response)

    # ------------------------------------------------------------------ start
    async def start(self) -> AsyncIterator[Any]:
        # Attachments found by an earlier, interrupted crawl wait for the login like everything
        # else: a request racing the login can change the session cookie between the form's
        # CSRF token and the POST, and the login then fails.
        role = self.sel.start_role or ("boards" if self.sel.board_links else "board")
        starts = self.pending_file_requests()
        starts += [self.request(u, self.parse_listing, "listing", vigie_chain=u, vigie_page=1, vigie_role=role)
                   for u in self.source.start_urls]
        for req in self.behind_login(starts):
            yield req

    # ------------------------------------------------------------------ listings
    def _classify(self, url: str, kind: str, page_url: str) -> None:
        """Note `url` as a board or a thread link; one selected as both, on one page or on two,
        is counted (`vigie/links/classified_twice`) and the first is logged: the crawl requests it
        once, as whichever it met first (extract.classified_twice says why that is a mistake)."""
        key = urldefrag(url)[0]
        mine, other = (self._as_board, self._as_thread) if kind == "board" else (self._as_thread, self._as_board)
        mine.add(key)
        if key in other and key not in self._twice:
            self._twice.add(key)
            self.crawler.stats.inc_value("vigie/links/classified_twice")
            if len(self._twice) == 1:
                logger.warning("source {}: {} is selected both by board_links and by thread_link (seen on {}): it is "
                               "read as one or the other; narrow one of the two selectors", self.source.name,
                               mask_url(key), mask_url(page_url))

    def parse_listing(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "listing page")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        sel = self.sel
        boards = all_values(response, sel.board_links) if sel.board_links else []
        if response.meta.get("vigie_role") == "boards" and not boards and (wall := walled(response)) is not None:
            self.walled_off(response.url, wall, "no board link on an index of boards")
            return
        if response.meta.get("vigie_role") == "boards":
            # an index of boards: its own topic list (if any) is not read, so that a thread's
            # board is the listing its board link leads to, not a global "all topics" page
            self.observe("boards", "board_links", bool(boards))
            for url in absolute_urls(response, boards):
                self._classify(url, "board", response.url)
                yield self.request(url, self.parse_listing, "listing", response, vigie_chain=url, vigie_page=1,
                                   vigie_role="board")
            return
        board = first_text(response, sel.board_title) if sel.board_title else None
        board = board or response.meta.get("vigie_board") or _page_title(response)
        for url in absolute_urls(response, boards):  # sub-boards
            self._classify(url, "board", response.url)
            yield self.request(url, self.parse_listing, "listing", response, vigie_chain=url, vigie_page=1,
                               vigie_role="board")
        threads = page_threads(response.selector, response.url, sel)
        wall = walled(response) if not threads and not boards else None
        if wall is not None:  # a captcha or a login form: no layout change, and nothing to follow
            self.walled_off(response.url, wall, "no thread link on a listing page")
            return
        # an empty board (the engine says so) is no layout change: its selectors are not observed
        if threads or not (sel.empty_listing and select(response, sel.empty_listing)):
            if sel.thread_rows:
                self.observe("listing", "thread_rows", bool(select(response, sel.thread_rows)))
            self.observe("listing", "thread_link", bool(threads))
        chain, page = response.meta.get("vigie_chain", response.url), response.meta.get("vigie_page", 1)
        yield from self._thread_requests(response, threads, board, f"{urldefrag(chain)[0]}#{page}")
        fingerprint = tuple(sorted(t.url for t in threads))
        next_url = self._next(response, sel.next_page, chain, page, fingerprint)
        if next_url:
            yield from self._follow_chain(response, chain, page, next_url, self.parse_listing, "listing",
                                          {"vigie_chain": chain, "vigie_board": board, "vigie_role": "board"})
        else:
            self._end_chain(chain)

    def _thread_requests(self, response: TextResponse, threads: list[Any], board: str | None,
                         page_key: str) -> Iterator[Request]:
        """The requests of a listing page's thread rows, at most `limits.max_links_per_page` of
        them (rows skipped as unchanged cost nothing). A page holding more (a hostile listing of
        24,000 links spent the crawl's `max_pages` on its first rows) is read from where the last
        crawl stopped on it (`page_key`: its chain and page number, so a session id in a next-page
        link changes nothing), around to its start, and the rows past the cap are counted
        (`vigie/links/deferred`) and left to the next crawl: every row is read in turn."""
        cap = self.crawler.settings.getint("VIGIE_MAX_LINKS_PER_PAGE")
        over = bool(cap) and len(threads) > cap
        start = self.vigie_state.listing_offset(page_key) % len(threads) if over else 0
        followed, stopped_at, deferred = 0, None, 0
        for i in range(len(threads)):
            at = (start + i) % len(threads)
            thread = threads[at]
            self._classify(thread.url, "thread", response.url)
            room = not over or followed < cap
            for request in self._thread_request(response, thread.url, thread.title, thread.board or board,
                                                thread.marker, room=room):
                if request is None:  # no room: left to the next crawl
                    stopped_at = at if stopped_at is None else stopped_at
                    deferred += 1
                else:
                    followed += 1
                    yield request
        if over:
            self.vigie_state.set_listing_offset(page_key, stopped_at or 0)
        if deferred:
            self.crawler.stats.inc_value("vigie/links/deferred", deferred)
            logger.warning("{} thread links on {}: {} followed (limits.max_links_per_page), the {} others left to the "
                           "next crawl, which goes on from there", len(threads), mask_url(response.url), followed,
                           deferred)

    def _thread_request(self, parent: Response, url: str, title: str | None, board: str | None,
                        marker: str | None, *, room: bool = True) -> Iterator[Request | None]:
        """A thread row of a listing: skipped when its marker is unchanged, resumed at its last
        page when known, else entered (its key is settled on the page: `parse_thread`). Without
        `room` (the page's link cap reached), a row that would be fetched gives None instead."""
        key = thread_key(url, self.sel.thread_url_rewrite, self.source.follow.session_params)
        if key in self._threads:
            if marker is None or self._unchanged.get(key, marker) == marker:
                return  # listed twice (two listings, or a link per page of it): read once
            # skipped as unchanged by one listing, changed by this one: whichever listing the
            # crawl met first, a thread any listing shows changed is read
            del self._unchanged[key]
            self._threads.discard(key)
            self.crawler.stats.inc_value("vigie/threads/unchanged", -1)
        known = self.vigie_state.thread(key)
        ctx = {"key": key, "title": title, "board": board, "marker": marker,
               "known_pages": known.page_count if known else 0}
        if known is not None and known.marker is not None and marker is not None and known.marker == marker:
            self._threads.add(key)
            self._unchanged[key] = marker
            self.crawler.stats.inc_value("vigie/threads/unchanged")
            return
        if not room:
            yield None
            return
        if known is not None and known.last_page_url:
            self._threads.add(key)
            self.crawler.stats.inc_value("vigie/threads/resumed")
            yield self.request(known.last_page_url, self.parse_thread, "thread", parent, vigie_thread=ctx,
                               vigie_page=max(1, known.page_count), dont_filter=True, vigie_resume=True)
        else:
            yield self.request(key if self.sel.thread_url_rewrite else url, self.parse_thread, "thread", parent,
                               vigie_thread=ctx, vigie_page=1, vigie_entry=True)

    def _enter(self, response: TextResponse, ctx: dict[str, Any]) -> Iterator[Request] | None:
        """First page fetched of a thread found in a listing: settle its key (canonical link,
        first-page link, final URL after redirects), and read it from its first page (or from its
        last known page). None when this page is where reading starts."""
        key = first_page_url(response.selector, response.url, self.sel, self.source.follow.session_params)
        ctx["key"] = key
        if key in self._threads:
            return iter(())  # another link of a thread already being read
        self._threads.add(key)
        known = self.vigie_state.thread(key)
        here = urldefrag(response.url)[0]
        if known is not None:
            ctx["known_pages"] = known.page_count
            marker = ctx.get("marker")
            if known.marker is not None and marker is not None and known.marker == marker:
                self.crawler.stats.inc_value("vigie/threads/unchanged")
                return iter(())
            self.crawler.stats.inc_value("vigie/threads/resumed")
            if known.last_page_url and known.last_page_url != here:
                return iter([self.request(known.last_page_url, self.parse_thread, "thread", response,
                                          vigie_thread=ctx, vigie_page=max(1, known.page_count), dont_filter=True,
                                          vigie_resume=True)])
            response.meta["vigie_page"] = max(1, known.page_count)
            return None
        self.crawler.stats.inc_value("vigie/threads/new")
        if without_session(here, self.source.follow.session_params) != key:  # (its session id is no other page)
            self.crawler.stats.inc_value("vigie/threads/walked_to_first")
            logger.debug("thread entered at {}: reading it from its first page {}", mask_url(here), mask_url(key))
            return iter([self.request(key, self.parse_thread, "thread", response, vigie_thread=ctx, vigie_page=1,
                                      dont_filter=True)])
        return None

    # ------------------------------------------------------------------ threads
    def parse_thread(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "thread page")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        ctx = dict(response.meta["vigie_thread"])
        now = datetime.now(UTC)  # the fetch time: relative dates ("il y a 3 heures") are read against it
        # a thread page that is JSON itself (an engine's API) is read whole by `post.from_json`
        as_json = (json_page_selector(response.text, (response.headers.get("Content-Type") or b"").decode("latin-1"))
                   if self.sel.post.from_json is not None else None)
        reading = read_posts(response.selector if as_json is None else as_json, response.url, self.sel, now)
        posts = reading.posts
        for unread in reading.problems[:1]:  # one a page: the JSON is read once per page
            self.failure("json_unread", f"post.from_json on {mask_url(response.url)}: {mask_text(unread)}; "
                         "posts read from the HTML alone")
        if not posts:
            yield from self.garbage_retry(response, "no post found on a thread page", ("thread", "post.container"))
            return
        self.observe("thread", "post.container", True)
        if response.meta.get("vigie_entry"):
            elsewhere = self._enter(response, ctx)
            if elsewhere is not None:
                yield from elsewhere
                return
        elif response.meta.get("vigie_resume") and response.meta.get("redirect_urls"):
            # the last page known is gone (the engine sends it elsewhere): the thread lost pages
            # or moved, so read it again from its first page and count what it has now
            logger.info("last known page of thread {} redirects: reading it from its first page",
                        mask_url(ctx["key"]))
            yield self.request(ctx["key"], self.parse_thread, "thread", response, vigie_thread=ctx, vigie_page=1,
                               dont_filter=True)
            return
        elif (int(response.meta.get("vigie_page", 1)) > 1 or response.meta.get("vigie_more")) and (
                elsewhere_key := other_thread(
                response.selector, response.url, (response.meta.get("redirect_urls") or [response.url])[0],
                ctx["key"], self.sel, self.source.follow.session_params)) is not None:
            # the next link led into another thread, served in place (ElkArte's last-page
            # `<link rel=next>` is the board's next topic): its posts are not this thread's
            self.failure("pagination_stopped", f"thread {mask_url(ctx['key'])}: its next page "
                         f"{mask_url(response.url)} is a page of thread {mask_url(elsewhere_key)}; its posts are "
                         "not read as this thread's (check thread_next_page, or deny the link in follow.deny)")
            self._end_chain(f"thread:{ctx['key']}")
            return
        # the thread page's own title (`thread_page_title`) over the listing row's: an archive row may show none
        own = first_text(response, self.sel.thread_page_title) if self.sel.thread_page_title else None
        ctx["title"] = own or ctx.get("title") or reading.title or _page_title(response)
        page = int(response.meta.get("vigie_page", 1))
        psel = self.sel.post
        self.observe("thread", "post.body", any(p.body for p in posts))
        # a post with no text and no file is stored with nothing to scan: the body selector has
        # stopped matching (a redesign), or matches an empty element; counted, not silent
        if empty := sum(1 for p in posts if not p.body.strip() and not p.attachments):
            self.failure("empty_bodies", f"{empty} of {len(posts)} post(s) on {mask_url(response.url)} have an empty "
                         "body and no attachment: check post.body (and post.exclude) against the page")
            if empty > 1:
                self.crawler.stats.inc_value("vigie/failures/empty_bodies", empty - 1)
        if psel.author:
            self.observe("thread", "post.author", any(p.author for p in posts))
        if psel.date:
            self.observe("thread", "post.date", any(p.raw_date for p in posts))
        if psel.post_id:
            self.observe("thread", "post.post_id", any(p.post_id for p in posts))
        keys: list[str] = []
        emitted: list[str] = []
        last_id = last_date = None
        file_links = 0  # attachment links of this page, followed up to MAX_FILE_LINKS_PER_PAGE
        # passwords the thread's first post gives (on its first page) for any post's archive: read
        # only when a post of the page has an attachment
        opening = (password_candidates(posts[0].body) if page == 1 and self.source.attachments.enabled
                   and any(p.attachments for p in posts) else ())
        for post in posts:
            if post.date_unparsed:
                shown = mask_text(post.raw_date) or ""
                self.failure("unparsed_dates", f"date {shown[:40]!r} on {mask_url(response.url)} not read by "
                             "date.format")
            post_id, author, posted_at, body = post.post_id, post.author, post.posted_at, post.body
            key = f"{ctx['key']}#{post_id}" if post_id else \
                f"{ctx['key']}#h{content_hash(f'{author}|{posted_at}|{body}')[:24]}"
            keys.append(key)
            last_id, last_date = post_id or last_id, posted_at.isoformat() if posted_at else last_date
            item = CrawledItem(source=self.source.name, url=f"{response.url}#{post_id}" if post_id else response.url,
                               body=body, thread_url=ctx["key"], thread_title=ctx["title"], board=ctx.get("board"),
                               author=author, posted_at=posted_at, fetched_at=now, post_id=post_id)
            digest = item.content_hash
            if key in self._emitted or self.vigie_state.post_seen(key, digest):
                self.crawler.stats.inc_value("vigie/posts/already_seen")
            else:
                self._emitted.add(key)
                emitted.append(key)
                yield VigieItem(item, "post", key, digest, thread_key=ctx["key"])
            if self.source.attachments.enabled:
                room = max(0, MAX_FILE_LINKS_PER_PAGE - file_links)
                file_links += max(post.attachment_links, len(post.attachments))
                names = dict(post.attachment_names)
                passwords = tuple(dict.fromkeys(password_candidates(body) + opening)) if post.attachments else ()
                for href in post.attachments[:room]:
                    yield from self.attachment(href, ctx, author, posted_at, names.get(href), passwords)
            linked = "\n".join(post.keyed_links)  # a link's target, whose text the engine may have shortened
            if ("#" in body or linked) and self.source.privatebin.enabled:  # PrivateBin links, passwords beside
                yield from self.privatebin_requests(f"{body}\n{linked}", ctx, author, posted_at,
                                                    tuple(dict.fromkeys(password_candidates(body) + opening)))
        if file_links > MAX_FILE_LINKS_PER_PAGE:
            dropped = file_links - MAX_FILE_LINKS_PER_PAGE
            self.crawler.stats.inc_value("vigie/files/links_dropped", dropped)
            logger.warning("{} attachment links on {}: the {} past the first {} are not followed",
                           file_links, mask_url(response.url), dropped, MAX_FILE_LINKS_PER_PAGE)
        if self.sel.thread_more_links:
            yield from self._more(response, ctx, page)
        if response.meta.get("vigie_more"):  # a branch's page (`thread_more_links`): no next page, no checkpoint
            left = self._branches[ctx["key"]] = self._branches.get(ctx["key"], 1) - 1
            if left <= 0 and (held := self._held.pop(ctx["key"], None)) is not None:
                yield held  # every branch read: the thread's progress is recorded
            return
        next_url = self._next(response, self.sel.thread_next_page, f"thread:{ctx['key']}", page, tuple(keys))
        cut = "dataloss" in response.flags  # (its end, the next page's link with it, may be missing)
        if cut and ctx["key"] not in self._cut_threads:
            self._cut_threads.add(ctx["key"])
            logger.warning("thread {}: page {} came cut short of its Content-Length; its posts are read, and the "
                           "next crawl reads it again (and the pages after it) for the posts after the cut",
                           mask_url(ctx["key"]), page)
        if next_url is None and page < int(ctx.get("known_pages") or 0) and not cut:
            self.failure("threads_shrank", f"thread {mask_url(ctx['key'])} ends at page {page}, it had "
                         f"{ctx['known_pages']} pages at the last crawl")
        if ctx["key"] not in self._cut_threads:
            checkpoint = ThreadCheckpoint(ctx["key"], response.url, page, ctx["title"], ctx.get("board"),
                                          ctx.get("marker"), final=next_url is None, last_post_id=last_id,
                                          last_posted_at=last_date, emitted=tuple(emitted))
            if self._branches.get(ctx["key"], 0) > 0:
                # branch pages still to read: the thread's progress (its last page, its marker) is held
                # until the last of them is read, never recorded if one fails (the next crawl reads the
                # thread, its branches with it, again)
                held = self._held.get(ctx["key"])
                self._held[ctx["key"]] = replace(checkpoint,
                                                 emitted=(held.emitted if held else ()) + checkpoint.emitted)
            else:
                yield checkpoint
        if next_url:
            yield from self._follow_chain(response, f"thread:{ctx['key']}", page, next_url, self.parse_thread,
                                          "thread", {"vigie_thread": ctx})
        else:
            self._end_chain(f"thread:{ctx['key']}")
