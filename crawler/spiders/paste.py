"""The paste-site spider: listing page(s), then each paste's raw text, incremental by paste id.

Listings are newest first on every paste site we know, so a listing page whose pastes were all
seen before ends the walk: older pages cannot hold anything new.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy.http import TextResponse

from crawler.defaults import MAX_PAGES_PER_CHAIN
from crawler.items import VigieItem
from crawler.spiders._base import VigieSpider, absolute_url, element_text, first_text, select
from indexer.models import CrawledItem

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["PasteSpider"]


class PasteSpider(VigieSpider):
    name = "vigie_paste"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.source.paste is not None
        self.sel = self.source.paste
        self._id_re = re.compile(self.sel.paste_id_pattern)
        self._emitted: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        # Stopping at the first listing page with nothing new is right only if the previous crawl
        # walked the listing to that point and handed everything off. After an interrupted or
        # failed crawl, unseen pastes may sit behind pages of seen ones: walk the whole listing.
        previous = self.vigie_state.status()
        last = (previous.last_run or {}) if previous else {}
        self._walk_all = previous is None or previous.status == "running" or \
            last.get("finish_reason") != "finished" or bool(last.get("errors"))
        self.vigie_state.set_status("running")  # stays so if this crawl is killed
        starts = [self.request(u, self.parse_listing, "listing", vigie_page=1) for u in self.source.start_urls]
        for req in self.behind_login(starts):
            yield req

    def parse_listing(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "paste listing")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        links = select(response, self.sel.paste_links)
        titles = [str(t) for t in (select(response, self.sel.title).getall() if self.sel.title else [])]
        new = 0
        for i, link in enumerate(links):
            # `root.get`, not `attrib`, which fails on a control character in any attribute name
            href = link.root if isinstance(link.root, str) else link.root.get("href") or ""
            url = absolute_url(response, href, keep_fragment=True)
            match = self._id_re.search(url) if url else None
            if url is None or not match:
                self.crawler.stats.inc_value("vigie/pastes/no_id")
                continue
            pid = match.group(1)
            if pid in self._emitted or self.vigie_state.paste_seen(pid):
                self.crawler.stats.inc_value("vigie/pastes/already_seen")
                continue
            new += 1
            self._emitted.add(pid)
            raw = (absolute_url(response, self.sel.raw_url_template.format(id=pid), keep_fragment=True)
                   if self.sel.raw_url_template else url) or url
            title = titles[i].strip() if i < len(titles) else None
            yield self.request(raw, self.parse_paste, "paste", response,
                               vigie_paste={"id": pid, "url": url, "title": title})
        page = int(response.meta.get("vigie_page", 1))
        limit = self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN
        next_href = first_text(response, self.sel.next_page) if self.sel.next_page else None
        next_href = absolute_url(response, next_href) if next_href else None
        if next_href and (new or self._walk_all) and page >= limit:
            self.failure("pagination_stopped", f"paste listing stopped at the cap of {limit} pages")
        elif next_href and (new or self._walk_all):
            yield self.request(next_href, self.parse_listing, "listing", response,
                               vigie_page=page + 1)

    def parse_paste(self, response: Response) -> Iterator[Any]:
        meta = response.meta["vigie_paste"]
        if not isinstance(response, TextResponse):
            yield from self.garbage_retry(response, "paste is not text")
            return
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if "html" in ctype:
            wall = self.wall(response)
            if wall is not None:
                yield from wall
                return
            # the paste's <pre>, else the page's body, else whatever root it has: a page with no
            # <body> (only a comment, or nothing) raised IndexError and lost the paste (found by
            # tests/fuzz.py)
            found = response.css("pre") or response.css("body") or response.xpath("/*")
            body = element_text(found[0].root) if found else ""
        else:
            body = response.text
        title = meta.get("title")
        item = CrawledItem(source=self.source.name, url=meta["url"], body=body, thread_url=meta["url"],
                           thread_title=title, fetched_at=datetime.now(UTC), post_id=meta["id"])
        yield VigieItem(item, "paste", meta["id"], item.content_hash)
