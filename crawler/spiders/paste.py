"""The paste-site spider: listing page(s), then each paste's raw text, incremental by paste id.

Listings are newest first on every paste site we know, so a listing page whose pastes were all
seen before ends the walk: older pages cannot hold anything new. Some engines have no public
listing at all (pinnwand, dpaste: a paste is reachable only by its link); there the operator
lists the pastes to watch as start URLs (`start_role: pastes`), each read once.

A paste page shows its text twice (the highlighted rendering and a copy for the clipboard, or the
raw text): `paste.body` names the element(s) to read, every match (a paste of several files),
so nothing is counted twice and no file after the first is lost.

A paste often gives a leak as a link to an archive with its password beside it ("dump:
http://…/clients.7z pass: xyz"): the archives a paste's text links to on the source's own hosts
are downloaded as a forum's attachments are (`crawler.spiders._files`), with the passwords the
text and its title give (`archive_passwords`); so is a paste that is itself an archive (a file
drop's upload), with its title's.

A paste whose connection closes before its Content-Length's bytes came, on its last attempt (a
flaky circuit, a site cutting answers), is not read: its link stays in the crawl state (sealed, as
a pending attachment's), counted (`vigie/pastes/cut_short`, the summary's `refused:
pastes_cut_short`), and the next crawl fetches it again first. Read as it arrived, it was recorded
as seen and the rest of the paste was never fetched again. One that arrives cut in
`CUT_SHORT_CRAWLS` crawls in a row is read as it arrives (counted in `pages_truncated`), as an
attachment is: a site that always cuts it hides nothing. A listing page cut short (its next link
lost with its end) makes the next crawl walk the whole listing, as after a failed crawl.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from loguru import logger
from parsel import Selector
from scrapy.http import TextResponse

from crawler._disposition import disposition_filename, shortened
from crawler._markup import html_selector
from crawler._session_ids import without_session
from crawler.attachments import (
    ARCHIVE_TYPES,
    ArchiveBombError,
    AttachmentError,
    archive_by_bytes,
    extension_of,
)
from crawler.defaults import MAX_PAGES_PER_CHAIN
from crawler.items import VigieItem
from crawler.privatebin import parse_link
from crawler.spiders._base import absolute_url, element_text, first_text, select, walled
from crawler.spiders._dates import read_date
from crawler.spiders._files import CUT_SHORT_CRAWLS
from crawler.spiders._privatebin import PrivateBinSpider
from crawler.spiders.archive_passwords import password_candidates
from indexer.models import CrawledItem
from indexer.redact import mask_text, mask_url
from vigie.config.schema import DateSelector, SourceConfig
from vigie.core.patterns import compile_pattern

if TYPE_CHECKING:
    from scrapy.http import Request, Response

__all__ = ["PasteSpider", "listing_dates", "paste_page_text", "paste_preview"]
# a raw paste served as one of these is read as a file (unpacked within `attachments`), not as text
_FILE_TYPES = frozenset({"zip", "7z", "rar", "gz", "tgz", "bz2", "xz", "tar", "xlsx", "xls", "ods", "docx", "odt",
                         "pdf"})
# how many of the archives a paste's text links to (`ARCHIVE_TYPES` within `attachments.extensions`)
# are followed at most (a paste of a thousand links is a list, not a post)
MAX_ARCHIVE_LINKS = 8
_URL = re.compile(r"(?i)\bhttps?://[^\s<>\"'`]{1,2000}")
_URL_TRAILING = ".,;:!?)]}>»”'\""


def paste_page_text(source: SourceConfig, page: TextResponse | Selector, *, default: bool = False) -> str | None:
    """A paste page's text as the crawl reads it (also `vigie source try`'s).

    The text is every match of `paste.body` joined by a blank line, None when it matches nothing;
    with no `paste.body` (or `default`), the page's first <pre>, else its body, else whatever
    root it has (a page with no <body>, only a comment or nothing, raised IndexError and lost the
    paste: found by tests/fuzz.py)."""
    sel = source.paste
    assert sel is not None
    if sel.body and not default:
        parts = [n.root if isinstance(n.root, str) else element_text(n.root) for n in select(page, sel.body)]
        body = "\n\n".join(p for p in parts if p.strip()) if parts else None
    else:
        found = page.css("pre") or page.css("body") or page.xpath("/*")
        body = element_text(found[0].root) if found else ""
    return body


_URL_LENGTH_LIMIT = 2083  # Scrapy's URLLENGTH_LIMIT, which Vigie keeps: no longer link is requested


class PasteSpider(PrivateBinSpider):
    name = "vigie_paste"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.source.paste is not None
        self.sel = self.source.paste
        self._id_re = compile_pattern(self.sel.paste_id_pattern)
        self._emitted: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        # Stopping at the first listing page with nothing new is right only if the previous crawl
        # walked the listing to that point and handed everything off. After an interrupted or
        # failed crawl, unseen pastes may sit behind pages of seen ones: walk the whole listing.
        previous = self.vigie_state.status()
        last = (previous.last_run or {}) if previous else {}
        refused = last.get("refused") or {}
        self._walk_all = previous is None or previous.status == "running" or \
            last.get("finish_reason") != "finished" or bool(last.get("errors")) or \
            bool(refused.get("pages_truncated"))
        self.vigie_state.set_status("running")  # stays so if this crawl is killed
        starts = self.pending_file_requests()  # archives linked by pastes an interrupted crawl read
        for cut in self.vigie_state.cut_pastes():  # pastes an earlier crawl got cut short: first
            request = self._paste_request(cut.get("url"), cut.get("title"), None)
            if request is not None and "vigie_paste" in request.meta:
                request.meta["vigie_paste"]["posted_at"] = cut.get("posted_at")
                starts.append(request)
        if self.sel.start_role == "pastes":
            starts += [r for r in (self._paste_request(u, None, None) for u in self.source.start_urls) if r]
        else:
            starts += [self.request(u, self.parse_listing, "listing", vigie_page=1) for u in self.source.start_urls]
        for req in self.behind_login(starts):
            yield req

    def _paste_request(self, url: str | None, title: str | None, parent: Response | None) -> Any:
        """The request reading one paste (its raw text when raw_url_template is set), or None when
        its link has no id or the paste was seen (counted)."""
        pbin = self.privatebin_start(url, title) if url and "#" in url else None
        if pbin is not None:  # a PrivateBin link: its JSON, decrypted (crawler.spiders._privatebin)
            return pbin[0] if pbin else None
        match = self._paste_id(url)
        if url is None or not match:
            self.crawler.stats.inc_value("vigie/pastes/no_id")
            return None
        pid = match.group(1)
        if pid in self._emitted or self.vigie_state.paste_seen(pid):
            self.crawler.stats.inc_value("vigie/pastes/already_seen")
            return None
        self._emitted.add(pid)
        raw = url
        if self.sel.raw_url_template:  # relative to the paste's URL
            raw = absolute_url(url, self.sel.raw_url_template.format(id=pid), keep_fragment=True) or url
        return self.request(raw, self.parse_paste, "paste", parent,
                            vigie_paste={"id": pid, "url": url, "title": title})

    def _paste_id(self, url: str | None) -> re.Match[str] | None:
        """`paste_id_pattern` searched in a link no longer than a URL Scrapy requests (its
        URLLENGTH_LIMIT, 2083): the default pattern, `([A-Za-z0-9_-]+)/?$`, not anchored, is
        quadratic in a run of id characters that does not end the link, 1.4 s for 20 kB and an
        hour for a megabyte of href, asked twice of every link of every listing page (attacker's
        review, round 15). A longer link has no id: it could not be fetched anyway."""
        # (without its session id: a `?sid=` ending the link was taken for the paste's id, new every crawl)
        return self._id_re.search(without_session(url, self.source.follow.session_params)) \
            if url and len(url) <= _URL_LENGTH_LIMIT else None

    def _unseen(self, url: str | None) -> bool:
        """Whether a listing's link is to a paste not read yet (by this crawl or an earlier one)."""
        if url and "#" in url and self.source.privatebin.enabled:  # (a PrivateBin link: read when met again)
            return True
        match = self._paste_id(url)
        return match is not None and match.group(1) not in self._emitted and \
            not self.vigie_state.paste_seen(match.group(1))

    def parse_listing(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "paste listing")
        if problem is not None or not isinstance(response, TextResponse):  # the same, typed
            yield from problem or ()
            return
        links = select(response, self.sel.paste_links) if self.sel.paste_links else []
        if not links and (wall := walled(response)) is not None:
            self.walled_off(response.url, wall, "no paste link on a listing page")
            return
        titles = [str(t) for t in (select(response, self.sel.title).getall() if self.sel.title else [])]
        dates = listing_dates(response, self.sel.date, datetime.now(UTC)) if self.sel.date else []
        new = 0
        cap = self.crawler.settings.getint("VIGIE_MAX_LINKS_PER_PAGE")
        deferred = 0  # new pastes past the page's cap: still unseen, so the next crawl requests them
        for i, link in enumerate(links):
            # `root.get`, not `attrib`, which fails on a control character in any attribute name
            href = link.root if isinstance(link.root, str) else link.root.get("href") or ""
            title = titles[i].strip() if i < len(titles) else None
            raw_date, posted_at = dates[i] if i < len(dates) else (None, None)
            url = absolute_url(response, href, keep_fragment=True)
            if cap and new >= cap:
                deferred += self._unseen(url)
                continue
            request = self._paste_request(url, title, response)
            if request is not None:
                new += 1
                if raw_date is not None and posted_at is None:
                    self.failure("unparsed_dates", f"paste date {(mask_text(raw_date) or '')[:40]!r} on "
                                 f"{mask_url(response.url)} not read by date.format")
                if "vigie_paste" in request.meta:
                    request.meta["vigie_paste"]["posted_at"] = posted_at.isoformat() if posted_at else None
                yield request
        if deferred:
            self.crawler.stats.inc_value("vigie/links/deferred", deferred)
            logger.warning("{} paste links on {}: {} new ones followed (limits.max_links_per_page), the {} others left "
                           "to the next crawl", len(links), mask_url(response.url), new, deferred)
        page = int(response.meta.get("vigie_page", 1))
        limit = self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN
        next_href = first_text(response, self.sel.next_page) if self.sel.next_page else None
        next_href = absolute_url(response, next_href) if next_href else None
        if next_href and (new or self._walk_all) and page >= limit:
            self.failure("pagination_stopped", f"paste listing stopped at the cap of {limit} pages")
        elif next_href and (new or self._walk_all):
            yield self.request(next_href, self.parse_listing, "listing", response,
                               vigie_page=page + 1)

    def left_to_next_crawl(self, request: Request) -> None:
        """A rate-limited paste (`VigieSpider._rate_limited`) is fetched first by the next crawl, as
        a paste cut short is, even when the listing no longer reaches it (its count of cuts unchanged)."""
        meta = request.meta.get("vigie_paste")
        if request.meta.get("vigie_kind") == "paste" and meta and meta.get("id"):
            self.vigie_state.paste_cut(meta["id"], {"url": meta.get("url"), "title": meta.get("title"),
                                                   "posted_at": meta.get("posted_at")}, cut=False)

    def _left_cut_short(self, response: Response, meta: dict[str, Any]) -> bool:
        """Whether a paste cut short of its Content-Length is left to the next crawl (see the
        module docstring), rather than read as it arrived."""
        cuts = self.vigie_state.paste_cuts(meta["id"]) + 1
        if cuts >= CUT_SHORT_CRAWLS:
            self.crawler.stats.inc_value("vigie/pages/truncated")
            logger.warning("paste {} was cut short of its Content-Length in {} crawls in a row: read as it arrived "
                           "({} bytes)", mask_url(meta["url"]), cuts, len(response.body))
            return False
        self.vigie_state.paste_cut(meta["id"], {"url": meta["url"], "title": meta.get("title"),
                                               "posted_at": meta.get("posted_at")})
        self.crawler.stats.inc_value("vigie/pastes/cut_short")
        logger.warning("paste {} was cut short of its Content-Length ({} bytes came) on its last attempt: not read, "
                       "fetched again by the next crawl (read as it arrives after {} crawls cut short)",
                       mask_url(meta["url"]), len(response.body), CUT_SHORT_CRAWLS)
        return True

    async def parse_paste(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta["vigie_paste"]
        if "dataloss" in response.flags and self._left_cut_short(response, meta):
            return
        filename = _served_filename(response)
        sniffed = archive_by_bytes(response.body) if isinstance(response, TextResponse) else None
        if sniffed is not None and not (filename and extension_of(filename) in _FILE_TYPES):
            # an archive or a document served as text (`text/html`, `text/plain`): read as text, a
            # deflated member was garbage to detection; its bytes decide, as a browser saving it
            self.crawler.stats.inc_value("vigie/files/content_type_ignored")
            logger.warning("paste {} is served as {} but its bytes are a {}: read as one", mask_url(meta["url"]),
                           mask_text((response.headers.get("Content-Type") or b"none").decode("latin-1")[:80]),
                           sniffed)
            filename = f"{filename or 'paste'}.{sniffed}"
        if filename and extension_of(filename) in _FILE_TYPES or not isinstance(response, TextResponse):
            async for out in self._paste_file(response, filename, meta):  # a file drop's upload: an archive, a sheet
                yield out
            return
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if "html" in ctype:
            wall = self.wall(response)
            if wall is not None:
                for out in wall:
                    yield out
                return
            body = paste_page_text(self.source, response)
            # (without `paste.body`, a page with a <pre> is a paste, read from it: a site's own login
            # box beside it walls nothing off)
            walled_by = walled(response) if body is None or not (self.sel.body or response.css("pre")) else None
            if walled_by is not None:  # a captcha or a login form, not the paste: left to the next crawl
                self.walled_off(meta["url"], walled_by, "no paste text")
                self.vigie_state.paste_cut(meta["id"], {"url": meta["url"], "title": meta.get("title"),
                                                       "posted_at": meta.get("posted_at")}, cut=False)
                return
            if self.sel.body:
                self.observe("paste", "paste.body", body is not None)
            if body is None:  # the body selector matched nothing: read the page as without it, lose nothing
                body = paste_page_text(self.source, response, default=True) or ""
        else:
            body = response.text
        title = meta.get("title")
        posted = meta.get("posted_at")
        item = CrawledItem(source=self.source.name, url=meta["url"], body=body, thread_url=meta["url"],
                           thread_title=title, fetched_at=datetime.now(UTC), post_id=meta["id"],
                           posted_at=datetime.fromisoformat(posted) if posted else None)
        yield VigieItem(item, "paste", meta["id"], item.content_hash)
        for out in self._linked_archives(body, meta):
            yield out
        if "#" in body and self.source.privatebin.enabled:  # PrivateBin links, with the passwords beside them
            passwords = tuple(dict.fromkeys(password_candidates(body) + password_candidates(title or "")))
            for request in self.privatebin_requests(body, {"key": meta["url"], "title": title}, None,
                                                    item.posted_at, passwords):
                yield request

    def _linked_archives(self, text: str, meta: dict[str, Any]) -> Iterator[Any]:
        """The downloads of the archives `text` links to on the source's hosts (others are not
        followed: a file host is not the site the operator configured), at most
        `MAX_ARCHIVE_LINKS`, each with the passwords the text and the paste's title give."""
        if not self.source.attachments.enabled or "://" not in text:
            return
        hosts = set(self.crawler.settings.getlist("VIGIE_ALLOWED_HOSTS"))
        links: list[str] = []
        for m in _URL.finditer(text):
            url = m.group().rstrip(_URL_TRAILING)
            try:
                parts = urlsplit(url)
            except ValueError:  # no URL can be made of it ("http://[x": an unclosed IPv6 host)
                continue
            ext = extension_of(unquote(parts.path.rstrip("/")))
            if ext not in ARCHIVE_TYPES or ext not in self.source.attachments.extensions \
                    or (hosts and (parts.hostname or "").lower() not in hosts) or url in links:
                continue
            links.append(url)
            if len(links) == MAX_ARCHIVE_LINKS:
                break
        if not links:
            return
        passwords = tuple(dict.fromkeys(password_candidates(text) + password_candidates(meta.get("title") or "")))
        posted = meta.get("posted_at")
        ctx = {"key": meta["url"], "title": meta.get("title")}
        for url in links:
            yield from self.attachment(url, ctx, None, datetime.fromisoformat(posted) if posted else None,
                                       passwords=passwords)

    async def _paste_file(self, response: Response, filename: str | None, meta: dict[str, Any]) -> AsyncIterator[Any]:
        """A paste that is an uploaded file (bepasty's items are): read as an attachment is, within
        `attachments` (types, sizes, archive caps), each file inside one item under the paste's id;
        an encrypted one with the passwords its title gives."""
        limits = self.source.attachments
        name = filename or "paste"
        if not limits.enabled or extension_of(name) not in limits.extensions:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            logger.warning("paste {} is a file of a type not read ({}): see attachments.extensions",
                           mask_url(meta["url"]), mask_text(name))
            return
        skipped: list[AttachmentError] = []  # members set aside, the others read (`parts_set_aside`)
        try:
            files = await self.read_file(name, response.body, skipped, password_candidates(meta.get("title") or ""))
        except ArchiveBombError as exc:
            self.crawler.stats.inc_value("vigie/files/bombs_refused")
            logger.warning("paste {}: archive bomb refused ({})", mask_url(meta["url"]), mask_text(str(exc)))
            return
        except AttachmentError as exc:
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("paste {} unreadable: {}", mask_url(meta["url"]), mask_text(str(exc)))
            return
        self.parts_set_aside(f"paste {mask_url(meta['url'])}", skipped)
        ceiling = self.html_ceiling(f"paste {mask_url(meta['url'])}", files)
        posted = meta.get("posted_at")
        now = datetime.now(UTC)
        for f in files:
            item = CrawledItem(source=self.source.name, url=meta["url"], raw=f.data, filename=f.filename,
                               max_html_elements=ceiling,
                               thread_url=meta["url"], thread_title=meta.get("title"), fetched_at=now,
                               post_id=meta["id"], posted_at=datetime.fromisoformat(posted) if posted else None)
            yield VigieItem(item, "paste", meta["id"], item.content_hash)


def _served_filename(response: Response) -> str | None:
    """The file name the server gives (`Content-Disposition`), if any."""
    served = disposition_filename(response.headers.get("Content-Disposition"))
    return shortened(served.replace("\\", "/").rsplit("/", 1)[-1]) or None if served else None


def listing_dates(page: TextResponse | Selector, spec: DateSelector, fetched_at: datetime) -> list[tuple[str | None,
                                                                                                     datetime | None]]:
    """Every match of `spec.selector` on a listing, each read as one paste's date (raw, value)."""
    itself = spec.model_copy(update={"selector": "xpath:."})
    return [(r.raw, r.value) for r in (read_date(node, itself, fetched_at) for node in select(page, spec.selector))]


def paste_preview(source: SourceConfig, html: str, url: str, *, lines: int = 3) -> dict[str, Any]:
    """What a crawl of paste `source` reads from one page (`vigie source try`): a listing's paste
    links (ids, titles, the URL each is read from) and next page, or a paste page's id and text.
    A page is a paste page when the start URLs are the pastes (`start_role: pastes`), or when
    paste_links select nothing on it and its URL holds a paste id."""
    sel = source.paste
    assert sel is not None
    link = parse_link(url) if source.privatebin.enabled else None
    if link is not None:  # its page is an empty shell; the crawl reads its JSON (crawler.spiders._privatebin)
        return {"page": "paste", "selectors": [], "next_page": None,
                "pastes": [{"id": link.paste_id, "url": link.url, "read_from": link.url, "title": None, "lines": None,
                            "first_lines": []}],
                "warnings": ["a PrivateBin link: its page is an empty shell; the crawl asks for the paste's JSON "
                             "and decrypts it with the link's key (not shown), which this preview does not do: "
                             "`vigie crawl` reads it" + (" (burn-after-reading: the crawl leaves it alone)"
                                                         if link.burn_after_reading else "")]}
    doc = html_selector(html, base_url=url)
    id_re = compile_pattern(sel.paste_id_pattern)
    links = select(doc, sel.paste_links) if sel.paste_links else []
    listing = sel.start_role == "listing" and (bool(links) or not id_re.search(url))
    warnings: list[str] = []
    counts: list[dict[str, Any]] = []

    def read_from(paste_url: str, pid: str) -> str:
        return (absolute_url(paste_url, sel.raw_url_template.format(id=pid), keep_fragment=True) or paste_url) \
            if sel.raw_url_template else paste_url

    pastes: list[dict[str, Any]] = []
    next_page = None
    if listing:
        titles = [str(t).strip() for t in (select(doc, sel.title).getall() if sel.title else [])]
        dates = listing_dates(doc, sel.date, datetime.now(UTC)) if sel.date else []
        no_id = 0
        for i, link in enumerate(links):
            href = link.root if isinstance(link.root, str) else link.root.get("href") or ""
            paste_url = absolute_url(url, href, keep_fragment=True)
            match = id_re.search(paste_url) if paste_url else None
            if paste_url is None or not match:
                no_id += 1
                continue
            raw_date, posted_at = dates[i] if i < len(dates) else (None, None)
            pastes.append({"id": match.group(1), "url": paste_url, "read_from": read_from(paste_url, match.group(1)),
                           "title": titles[i] if i < len(titles) else None, "raw_date": raw_date,
                           "posted_at": posted_at.isoformat() if posted_at else None, "lines": None,
                           "first_lines": []})
        next_href = first_text(doc, sel.next_page) if sel.next_page else None
        next_page = absolute_url(url, next_href) if next_href else None
        counts += [{"name": "paste_links", "selector": sel.paste_links, "matches": len(links)}]
        counts += [{"name": "title", "selector": sel.title, "matches": len(titles)}] if sel.title else []
        counts += [{"name": "date", "selector": sel.date.selector, "matches": sum(v is not None for _, v in dates)}] \
            if sel.date else []
        unread = [raw for raw, value in dates if raw is not None and value is None]
        if unread:
            warnings.append(f"{len(unread)} date(s) not read by date.format (first: {unread[0][:40]!r})")
        counts += [{"name": "next_page", "selector": sel.next_page, "matches": int(next_page is not None)}] \
            if sel.next_page else []
        if no_id:
            warnings.append(f"{no_id} link(s) selected by paste_links hold no id under paste_id_pattern "
                            f"{sel.paste_id_pattern!r}: the crawl skips them")
    else:
        match = id_re.search(url)
        if not match:
            warnings.append(f"paste_id_pattern {sel.paste_id_pattern!r} finds no id in {url}: the crawl skips "
                            "this paste")
        pid = match.group(1) if match else ""
        text: str | None = None
        if not sel.raw_url_template:
            text = paste_page_text(source, doc)
            if sel.body:
                counts.append({"name": "body", "selector": sel.body, "matches": len(select(doc, sel.body))})
            if text is None:
                warnings.append(f"body selector {sel.body!r} matched nothing: the crawl would read the page "
                                "as without it and count the lost selector")
                text = paste_page_text(source, doc, default=True)
        body = text or ""
        pastes.append({"id": pid, "url": url, "read_from": read_from(url, pid), "title": None,
                       "lines": None if text is None else len(body.splitlines()),  # None: not fetched
                       "first_lines": [ln for ln in body.splitlines() if ln.strip()][:lines]})
    return {"page": "listing" if listing else "paste", "selectors": counts, "pastes": pastes,
            "next_page": next_page, "warnings": warnings}
