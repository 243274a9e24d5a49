"""The `leaksite` spider: a ransomware leak site's victim listing, read as victim records.

Walk: start URLs -> listing rows (name, domain, country, sector, announced date, countdown or
publication date, status, links to file trees) -> next listing pages. Each row becomes a
`VictimRecord`; when `leaksite.file_tree` is set, the first linked tree page is read as a
listing of file names and sizes (the files themselves are never fetched here), and for the deadline
and status the row did not show (`file_tree.deadline`, `file_tree.status`), and the record is
emitted with it. Dates are read as a post's (`read_date`: machine attributes, Unix times, formats);
a countdown written as `3d 04h 12m` is read relative to the time of the crawl.

Re-crawls emit every record again: the victims index deduplicates by normalised name and
registrable domain, and only a new victim or a status change raises an alert.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag

from loguru import logger
from scrapy.http import TextResponse

from crawler.defaults import MAX_PAGES_PER_CHAIN
from crawler.items import VictimItem, VictimSink
from crawler.spiders._base import VigieSpider, absolute_url, absolute_urls, all_values, first_text, select
from crawler.spiders._dates import read_date
from crawler.spiders.extract import each_own
from indexer.models import VictimFile, VictimRecord
from indexer.redact import mask_url
from vigie.config.schema import DateSelector, LeaksiteSelectors
from vigie.core.patterns import compile_pattern

if TYPE_CHECKING:
    from parsel import Selector
    from scrapy.http import Response

__all__ = ["MAX_TREE_PAGES", "LeaksiteSpider", "is_published", "parse_countdown", "victim_date", "victim_from_page"]

_UNITS = {"d": "days", "j": "days", "h": "hours", "m": "minutes", "s": "seconds"}
# Pages of one victim's file tree read at most (its folders, `file_tree.folders`): a leak's
# directory listing holds a few dozen folders; a site's own loop of links is cut here
MAX_TREE_PAGES = 50
_STATUS_CHARS = 512  # a status is a word or two; published_pattern is searched in this much of it


def parse_countdown(text: str, now: datetime) -> datetime | None:
    """`3d 04h 12m`, `2 days 5 hours`, `1j 02:03:04` -> now + that; None when it is no countdown
    (a countdown is a few words: the site's text is read up to `_STATUS_CHARS`)."""
    low = text[:_STATUS_CHARS].lower()
    parts: dict[str, float] = {}
    clock = re.search(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", low)
    if clock:
        parts["hours"] = float(clock.group(1))
        parts["minutes"] = float(clock.group(2))
        parts["seconds"] = float(clock.group(3) or 0)
        low = low[: clock.start()] + low[clock.end():]
    for value, unit in re.findall(r"(\d+)\s*(d|j|h|m|s)[a-z]*\b", low):
        parts[_UNITS[unit]] = parts.get(_UNITS[unit], 0.0) + float(value)
    if not parts or not any(parts.values()):  # nothing, or the zeros a script fills in: no end told
        return None
    try:
        return now + timedelta(**parts)
    except OverflowError:  # "99999999 days": no date a victim's data can be published on
        return None


def victim_date(node: Selector, spec: DateSelector, now: datetime, *, countdown: bool) -> tuple[str, datetime | None]:
    """A victim's date (raw, value) as a post's is read (`read_date`: the element's `attributes`
    first, a Unix time as such, then its text with the formats), else, for the deadline, its text as
    a countdown (`3d 04h 12m`). The text alone was read: a countdown whose end is in its
    `data-timer` and whose digits the page's script fills in (`00D 00h 00m 00s` as served) gave no
    date, or the crawl's own time, and `<time datetime>` was read from its words."""
    reading = read_date(node, spec, now)
    raw, value = reading.raw or "", reading.value
    if value is None and countdown:
        value = parse_countdown(raw, now)
    return raw, value


def victim_from_page(page: Selector, record: VictimRecord, sel: LeaksiteSelectors,
                     now: datetime) -> tuple[VictimRecord, bool]:
    """The record with the deadline and status the victim's linked page (its company page) prints,
    where the listing's row showed none, and whether a date there was left unread. A listing naming
    the victims alone (Cl0p's) recorded each with no deadline: the countdown or publication date on
    its page was never read (`file_tree.deadline`, `file_tree.status`). The row's deadline wins; a
    status the row or the page says published is published."""
    tree = sel.file_tree
    deadline, status, unparsed = record.deadline_at, record.status, False
    if tree is None:
        return record, False
    if deadline is None and tree.deadline is not None:
        raw, deadline = victim_date(page, tree.deadline, now, countdown=True)
        unparsed = deadline is None and bool(raw.strip())
    if status != "published" and tree.status and is_published(sel.published_pattern, _text(page, tree.status)):
        status = "published"
    return replace(record, deadline_at=deadline, status=status), unparsed


def is_published(pattern: str, status: str | None) -> bool:
    """Whether a row's status text says its data is out (`leaksite.published_pattern`). The
    operator's pattern is searched in the text's start only, as date.pattern is: the site chose
    the text, and a backtracking pattern on a megabyte of it ran for hours."""
    return bool(status) and compile_pattern(pattern).search((status or "")[:_STATUS_CHARS]) is not None


def _text(node: Any, expr: str | None) -> str | None:
    """The field's text on one line (`indexer.html_text` keeps table cells apart with tabs)."""
    value = " ".join((first_text(node, expr) or "").split()) if expr else ""
    return value or None


class LeaksiteSpider(VigieSpider):
    name = "vigie_leaksite"

    def __init__(self, *args: Any, victims: VictimSink | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.source.leaksite is not None
        self.sel = self.source.leaksite
        self.vigie_victims = victims
        self._pages_seen: set[tuple[str, ...]] = set()

    async def start(self) -> AsyncIterator[Any]:
        starts = [self.request(u, self.parse_listing, "listing", vigie_page=1) for u in self.source.start_urls]
        for req in self.behind_login(starts):
            yield req

    def _date(self, node: Selector, spec: DateSelector | None, now: datetime, countdown: bool) -> datetime | None:
        if spec is None:
            return None
        raw, value = victim_date(node, spec, now, countdown=countdown)
        if value is None and raw.strip():
            self.crawler.stats.inc_value("vigie/dates/unparsed")
            self.failure("unparsed_dates", "a victim's date not read by its date format")
        return value

    def parse_listing(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "victim listing")
        if problem is not None or not isinstance(response, TextResponse):
            yield from problem or ()
            return
        sel, now = self.sel, datetime.now(UTC)
        names: list[str] = []

        def read(row: Selector) -> VictimRecord | None:
            name = _text(row, sel.name)
            if not name:
                return None
            status_text = _text(row, sel.status)
            links = tuple(dict.fromkeys(absolute_urls(response, all_values(row, sel.file_links))))
            return VictimRecord(
                source=self.source.name, url=response.url, name=name,
                domain=_text(row, sel.domain), country=_text(row, sel.country), sector=_text(row, sel.sector),
                announced_at=self._date(row, sel.announced, now, countdown=False),
                deadline_at=self._date(row, sel.deadline, now, countdown=True),
                status="published" if is_published(sel.published_pattern, status_text) else "announced",
                file_links=links, fetched_at=now)

        # rows nested in one another (unclosed) are each read once, without the rows inside them
        for record in each_own(response.selector, sel.rows, read):
            if record is None:
                continue
            names.append(record.name)
            links = record.file_links
            if sel.file_tree is not None and links:
                req = self.request(links[0], self.parse_tree, "tree", response, vigie_victim=record)
                yield req.replace(errback=self._tree_error)
            else:
                yield VictimItem(record)
        page = int(response.meta.get("vigie_page", 1))
        next_href = first_text(response, sel.next_page) if sel.next_page else None
        next_url = absolute_url(response, next_href) if next_href else None
        fingerprint = tuple(sorted(names))
        max_pages = self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN
        if next_url and fingerprint and fingerprint not in self._pages_seen and page < max_pages:
            self._pages_seen.add(fingerprint)
            yield self.request(next_url, self.parse_listing, "listing", response,
                               vigie_page=page + 1)
        elif next_href:
            self.crawler.stats.inc_value("vigie/pagination/stopped")
            logger.info("victim listing {} stopped at page {} (repeat, empty or limit)", mask_url(response.url), page)

    def parse_tree(self, response: Response) -> Iterator[Any]:
        """The file tree of one victim: names and sizes only; with `file_tree.folders`, the folders
        below the page too (a directory listing shows one folder a page: the victim was recorded
        with the top folder's names alone, `Finance/` and `RH/` and none of the files in them),
        the victim emitted once every page of its tree is read."""
        record: VictimRecord = response.meta["vigie_victim"]
        tree = self.sel.file_tree
        assert tree is not None
        here = urldefrag(response.url)[0]
        walk: dict[str, Any] = response.meta.get("vigie_walk") or {"files": [], "pending": 1, "pages": 1,
                                                                     "seen": {here}}
        prefix: str = response.meta.get("vigie_prefix", "")
        limit = self.source.attachments.max_files
        if isinstance(response, TextResponse) and self.unusable(response, "file tree") is None:
            if "vigie_walk" not in response.meta:  # the victim's own page: what its row did not say
                record = self._from_page(response, record)
            for row in select(response, tree.rows):
                if len(walk["files"]) >= limit:
                    break
                name = _text(row, tree.name)
                if name:
                    walk["files"].append(VictimFile(prefix + name, _text(row, tree.size)))
            hrefs = all_values(response, tree.folders) if tree.folders else []
            for href, url in zip(hrefs, absolute_urls(response, hrefs), strict=False):
                # a folder below this page only (never `../` or another site), each once, a bounded walk
                if url in walk["seen"] or not url.startswith(here.rsplit("/", 1)[0] + "/") or url == here:
                    continue
                if walk["pages"] >= MAX_TREE_PAGES:
                    self.crawler.stats.inc_value("vigie/victims/tree_pages_dropped")
                    continue
                walk["seen"].add(url)
                walk["pages"] += 1
                walk["pending"] += 1
                folder = unquote(urldefrag(href)[0]).strip("/").rsplit("/", 1)[-1]
                req = self.request(url, self.parse_tree, "tree", response, vigie_victim=record, vigie_walk=walk,
                                   vigie_prefix=f"{prefix}{folder}/")
                yield req.replace(errback=self._tree_error)
        yield from self._tree_done(record, walk)

    def _from_page(self, response: TextResponse, record: VictimRecord) -> VictimRecord:
        record, unparsed = victim_from_page(response.selector, record, self.sel, datetime.now(UTC))
        if unparsed:
            self.crawler.stats.inc_value("vigie/dates/unparsed")
            self.failure("unparsed_dates", "a victim's date on its page not read by file_tree.deadline")
        return record

    def _tree_done(self, record: VictimRecord, walk: dict[str, Any]) -> Iterator[Any]:
        walk["pending"] -= 1
        if walk["pending"] == 0:
            self.crawler.stats.inc_value("vigie/victims/trees")
            files = walk["files"] if walk["pages"] == 1 else sorted(walk["files"], key=lambda f: f.name)
            # (a tree of several pages is read in the order its pages arrive: sorted, one record whatever it was)
            yield VictimItem(replace(record, files=tuple(files[:self.source.attachments.max_files])))

    def _tree_error(self, failure: Any) -> Iterator[Any]:
        """A tree page that cannot be fetched: the victim is recorded without its files (or those of
        the tree's other pages)."""
        yield from self.on_error(failure) or ()
        meta = failure.request.meta
        walk = meta.get("vigie_walk")
        if walk is None:
            yield VictimItem(meta["vigie_victim"])
        else:
            yield from self._tree_done(meta["vigie_victim"], walk)
