"""The one generic forum spider: everything site-specific comes from `config/sources/<name>.yaml`.

Walk: start URLs -> board links -> thread rows (each thread link, title, marker) -> thread pages
(posts: id, author, date, body, attachment links) -> next pages. Incremental: a thread whose
listing marker is unchanged since the last crawl is skipped; a known thread whose marker changed
is resumed at its last known page; posts already handed off (same key, same content hash) are
not emitted again. Endless pagination stops when a page repeats one already seen in its chain.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlsplit

from loguru import logger
from scrapy.http import Request, TextResponse

from crawler.attachments import ArchiveBombError, AttachmentError, expand_attachment, extension_of
from crawler.defaults import MAX_PAGES_PER_CHAIN
from crawler.items import FileDone, ThreadCheckpoint, VigieItem
from crawler.spiders._base import VigieSpider, all_values, first_text, parse_date, select
from indexer.models import CrawledItem, content_hash
from indexer.redact import mask_text, mask_url

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["ForumSpider"]


def _page_title(response: TextResponse) -> str | None:
    return (response.css("h1::text").get() or response.css("title::text").get() or "").strip() or None


class ForumSpider(VigieSpider):
    name = "vigie_forum"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.source.forum is not None
        self.sel = self.source.forum
        self._chains: dict[str, set[tuple[str, ...]]] = {}
        self._emitted: set[str] = set()

    def _max_chain(self) -> int:
        return self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN

    def _chain_ok(self, chain: str, page: int, fingerprint: tuple[str, ...]) -> bool:
        """False when a paginated chain should stop: nothing on the page, a repeat, or too long."""
        seen = self._chains.setdefault(chain, set())
        if not fingerprint:
            return False
        if fingerprint in seen or page >= self._max_chain():
            self.crawler.stats.inc_value("vigie/pagination/stopped")
            logger.info("pagination of {} stopped at page {} (repeat or limit)",
                        mask_url(chain.removeprefix("thread:")), page)
            return False
        seen.add(fingerprint)
        return True

    # ------------------------------------------------------------------ start
    async def start(self) -> AsyncIterator[Any]:
        # Attachments found by an earlier, interrupted crawl wait for the login like everything
        # else: a request racing the login can change the session cookie between the form's
        # CSRF token and the POST, and the login then fails.
        starts = [self._file_request(url, meta) for url, meta in self.vigie_state.pending_files()]
        starts += [self.request(u, self.parse_listing, "listing", vigie_chain=u, vigie_page=1)
                   for u in self.source.start_urls]
        for req in self.behind_login(starts):
            yield req

    # ------------------------------------------------------------------ listings
    def parse_listing(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "listing page")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        sel = self.sel
        board = first_text(response, sel.board_title) if sel.board_title else None
        board = board or response.meta.get("vigie_board") or _page_title(response)
        for href in all_values(response, sel.board_links):
            url = urldefrag(response.urljoin(href))[0]
            yield self.request(url, self.parse_listing, "listing", response, vigie_chain=url, vigie_page=1)
        rows = select(response, sel.thread_rows) if sel.thread_rows else [response]
        keys: list[str] = []
        for row in rows:
            link = first_text(row, sel.thread_link)
            if not link:
                continue
            url = urldefrag(response.urljoin(link))[0]
            keys.append(url)
            title = first_text(row, sel.thread_title) if sel.thread_title else None
            marker = first_text(row, sel.thread_marker) if sel.thread_marker else None
            yield from self._thread_request(response, url, title, board, marker)
        chain, page = response.meta.get("vigie_chain", response.url), response.meta.get("vigie_page", 1)
        next_href = first_text(response, sel.next_page) if sel.next_page else None
        if next_href and self._chain_ok(chain, page, tuple(sorted(keys))):
            yield self.request(response.urljoin(next_href), self.parse_listing, "listing", response,
                               vigie_chain=chain, vigie_page=page + 1, vigie_board=board)

    def _thread_request(self, parent: Response, url: str, title: str | None, board: str | None,
                        marker: str | None) -> Iterator[Request]:
        known = self.vigie_state.thread(url)
        ctx = {"key": url, "title": title, "board": board, "marker": marker}
        if known is not None and known.marker is not None and marker is not None and known.marker == marker:
            self.crawler.stats.inc_value("vigie/threads/unchanged")
            return
        if known is not None and known.last_page_url:
            self.crawler.stats.inc_value("vigie/threads/resumed")
            yield self.request(known.last_page_url, self.parse_thread, "thread", parent, vigie_thread=ctx,
                               vigie_page=max(1, known.page_count))
        else:
            self.crawler.stats.inc_value("vigie/threads/new")
            yield self.request(url, self.parse_thread, "thread", parent, vigie_thread=ctx, vigie_page=1)

    # ------------------------------------------------------------------ threads
    def parse_thread(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "thread page")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        ctx = dict(response.meta["vigie_thread"])
        ctx["title"] = ctx.get("title") or _page_title(response)
        page = int(response.meta.get("vigie_page", 1))
        psel = self.sel.post
        containers = select(response, psel.container)
        if not containers:
            yield from self.garbage_retry(response, "no post found on a thread page")
            return
        now = datetime.now(UTC)
        keys: list[str] = []
        emitted: list[str] = []
        last_id = last_date = None
        for post in containers:
            body = first_text(post, psel.body) or ""
            post_id = first_text(post, psel.post_id) if psel.post_id else None
            author = first_text(post, psel.author) if psel.author else None
            posted_at = None
            if psel.date:
                raw_date = first_text(post, psel.date.selector)
                posted_at = parse_date(raw_date or "", psel.date.format, psel.date.timezone)
                if posted_at is None:
                    self.crawler.stats.inc_value("vigie/dates/unparsed")
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
            if self.source.attachments.enabled and psel.attachments:
                for href in all_values(post, psel.attachments):
                    yield from self._attachment(response.urljoin(href), ctx, author, posted_at)
        next_href = first_text(response, self.sel.thread_next_page) if self.sel.thread_next_page else None
        follow = bool(next_href) and self._chain_ok(f"thread:{ctx['key']}", page, tuple(keys))
        yield ThreadCheckpoint(ctx["key"], response.url, page, ctx["title"], ctx.get("board"), ctx.get("marker"),
                               final=not follow, last_post_id=last_id, last_posted_at=last_date,
                               emitted=tuple(emitted))
        if follow and next_href:
            yield self.request(response.urljoin(next_href), self.parse_thread, "thread", response,
                               vigie_thread=ctx, vigie_page=page + 1)

    # ------------------------------------------------------------------ attachments
    def _attachment(self, url: str, ctx: dict[str, Any], author: str | None,
                    posted_at: datetime | None) -> Iterator[Request]:
        url = urldefrag(url)[0]
        ext = extension_of(unquote(urlsplit(url).path.rstrip("/")))
        # "name.exe" is refused here; "patients-csv.12/" (no real extension) is fetched and
        # judged by its Content-Disposition filename in parse_file.
        if ext.isalpha() and ext not in self.source.attachments.extensions:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            return
        if url in self._emitted or self.vigie_state.file_status(url) in ("done", "refused"):
            return
        self._emitted.add(url)
        meta = {"thread": ctx, "author": author, "posted_at": posted_at.isoformat() if posted_at else None}
        self.vigie_state.file_pending(url, meta)
        yield self._file_request(url, meta)

    def _file_request(self, url: str, meta: dict[str, Any]) -> Request:
        req = self.request(url, self.parse_file, "file", vigie_file=meta,
                           download_maxsize=self.source.attachments.max_bytes)
        return req.replace(errback=self._file_error, priority=-1)

    def _file_error(self, failure: Any) -> Iterator[Any]:
        if "larger than download max size" in str(failure.value):
            self.crawler.stats.inc_value("vigie/files/too_big")
            logger.warning("attachment {} refused: larger than attachments.max_bytes", mask_url(failure.request.url))
            yield FileDone(failure.request.url, "refused", "larger than attachments.max_bytes")
        else:
            self.on_error(failure)  # stays pending: fetched again by the next crawl

    def parse_file(self, response: Response) -> Iterator[Any]:
        wall = self.wall(response) if isinstance(response, TextResponse) else None
        if wall is not None:
            yield from wall
            return
        meta = response.meta["vigie_file"]
        disposition = (response.headers.get("Content-Disposition") or b"").decode("latin-1")
        match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
        if match:
            filename = unquote(match.group(1))
        else:
            filename = unquote(urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1])
        filename = filename.rsplit("/", 1)[-1] or "attachment"
        limits = self.source.attachments
        if extension_of(filename) not in limits.extensions:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            yield FileDone(response.url, "refused", f"type of {filename!r} not in attachments.extensions")
            return
        try:
            files = expand_attachment(filename, response.body, limits)
        except ArchiveBombError as exc:
            self.crawler.stats.inc_value("vigie/files/bombs_refused")
            logger.warning("archive bomb refused, not expanded: {} ({})", mask_url(response.url), mask_text(str(exc)))
            yield FileDone(response.url, "refused", f"archive bomb: {exc}")
            return
        except AttachmentError as exc:
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("attachment {} unreadable: {}", mask_url(response.url), mask_text(str(exc)))
            yield FileDone(response.url, "refused", str(exc))
            return
        if not files:
            yield FileDone(response.url, "done", "no file of a configured type inside")
            return
        thread = meta.get("thread") or {}
        posted = meta.get("posted_at")
        now = datetime.now(UTC)
        for f in files:
            item = CrawledItem(source=self.source.name, url=response.url, raw=f.data, filename=f.filename,
                               thread_url=thread.get("key"), thread_title=thread.get("title"),
                               board=thread.get("board"), author=meta.get("author"),
                               posted_at=datetime.fromisoformat(posted) if posted else None, fetched_at=now)
            yield VigieItem(item, "file", f"{response.url}!{f.filename}", item.content_hash,
                            thread_key=thread.get("key"), file_url=response.url, file_parts=len(files))
