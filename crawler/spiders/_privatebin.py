"""PrivateBin links in posts and pastes: fetched through the crawl, decrypted, scanned as pastes.

A leak is often posted as a PrivateBin link (`http://pbin.onion/?a1b2c3d4e5f6a7b8#<key>`): the
page it opens is an empty shell whose script fetches the paste's ciphertext and decrypts it with
the key in the fragment, which no request carries. Here the spider does what that script does,
through Scrapy like any page (Tor or the pinned resolver, the follow rules, the size limits,
retries): a `Request` for `/?<id>` with `X-Requested-With: JSONHttpRequest` (PrivateBin's JSON
API), answered by `crawler.privatebin.decrypt_paste` off the event loop, handed on as a paste
item (text), its attachment read as an attached file is (`read_file`: types, archive caps,
passwords).

Where the key goes: the request's URL is the paste's address without the fragment (what Scrapy
logs, what is stored and shown); the key travels in the request's meta (`vigie_privatebin_key`),
as an archive's passwords do, never in the crawl state, a log line or an item. The request sends
no Referer: the PrivateBin site does not learn which forum thread linked it.

Which links: those on the source's own hosts and on `privatebin.instances` (others are counted,
not fetched: the follow rules would refuse them anyway). A link whose fragment starts with `-`
(PrivateBin >= 1.7 marks burn-after-reading pastes so) is skipped and counted unless
`privatebin.read_burn_after_reading`: the server deletes such a paste as it answers the JSON, and
its author sees it was read. A link from an older PrivateBin carries no mark: its paste, if
burn-after-reading, is deleted by our read; the paste's own flag tells us afterwards, counted
(`burned_on_read`) and logged.

A crawl interrupted (killed, the site down) before a paste's answer was read: the thread that
linked it is recorded as read, so the next crawl skips it while it does not change, and the paste
was lost. Each fetch is now recorded pending in the crawl state (as an attachment is), its key
encrypted with the DATA key (the crawl state's own secret, beside it in the data directory, is not
enough for what opens a dump), bound to the paste's address; the next crawl fetches what is still
pending (`pending_file_requests`) unless the paste was handed off since (`paste_seen`: then the row
is closed), so a paste is read once. A paste refused for good (wrong key, gone, a bomb) closes its
row (`FileDone`); a transport failure leaves it pending, and so does the crawl's PBKDF2 budget
spent by others' pastes (`BudgetSpent`: a legitimate paste linked after a flood of pastes
nothing opens was refused for good, round 13); the passwords posted beside the link are sealed
in the row as its key is, so that the next crawl opens it as this one would have. Without the data key (`vigie crawl
--no-index`) nothing is kept: such a paste is read only when its thread is read again.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from loguru import logger
from scrapy.http import Request

from crawler.attachments import ArchiveBombError, AttachmentError, extension_of
from crawler.items import FileDone, VigieItem
from crawler.privatebin import (
    BudgetSpent,
    KdfBudget,
    PrivateBinError,
    PrivateBinLink,
    decrypt_paste,
    find_links,
    parse_link,
)
from crawler.settings import port_of, source_hosts
from crawler.spiders._files import FileSpider
from indexer.crypto import DataKey, decrypt_text, encrypt_text
from indexer.models import CrawledItem
from indexer.redact import mask_text, mask_url

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["PRIVATEBIN_COUNTS", "PrivateBinSpider"]

# what the crawl's summary shows under `privatebin` (stats `vigie/privatebin/<kind>`), all present
PRIVATEBIN_COUNTS = (
    "read",
    "burn_skipped",
    "burned_on_read",
    "not_listed",
    "no_password",
    "wrong_key",
    "iterations",
    "too_big",
    "malformed",
    "unsupported",
    "gone",
)
# PrivateBinError kinds that are the site's fault or a hostile answer: counted as crawl errors too
_ERRORS = frozenset({"malformed", "unsupported"})
_REFUSED = frozenset({"iterations", "too_big"})  # counted as bombs refused too
# a pending fetch's row in the crawl state's files (no attachment URL starts so)
_PENDING = "privatebin-pending:"


class PrivateBinSpider(FileSpider):
    """A spider that reads the PrivateBin links of the text it crawls (`privatebin_requests`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pbin_emitted: set[str] = set()
        self._pbin_budget = KdfBudget()  # the PBKDF2 work this crawl's pastes may cost, all together
        self._pbin_bases: list[tuple[str, str, int, str]] = []
        for url in self.source.privatebin.instances:
            parts = urlsplit(url)
            self._pbin_bases.append(
                (parts.scheme.lower(), (parts.hostname or "").lower(), port_of(url), parts.path or "/")
            )
        self._pbin_own = source_hosts(
            self.source.model_copy(update={"privatebin": self.source.privatebin.model_copy(update={"instances": []})})
        )
        # seals a pending paste's key (see the module docstring); a spider argument (`run_crawl`)
        self._pbin_seal: DataKey | None = kwargs.get("data_key")

    def _pbin_count(self, kind: str) -> None:
        self.crawler.stats.inc_value(f"vigie/privatebin/{kind}")

    def _listed(self, link: PrivateBinLink) -> bool:
        parts = urlsplit(link.url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), port_of(link.url)
        if host in self._pbin_own:
            return True
        return any(
            scheme == s and host == h and port == p and parts.path.startswith(path)
            for s, h, p, path in self._pbin_bases
        )

    def privatebin_requests(
        self,
        text: str,
        ctx: dict[str, Any] | None,
        author: str | None,
        posted_at: datetime | None,
        passwords: tuple[str, ...] = (),
    ) -> Iterator[Request]:
        """The fetches of the PrivateBin pastes `text` links to (`crawler.privatebin.find_links`),
        each with the passwords posted beside it. `ctx`: where the link was posted (`key`, `title`,
        `board` of a forum thread or a paste), kept as the paste's thread."""
        if not self.source.privatebin.enabled or "#" not in text:
            return
        for link in find_links(text):
            yield from self.privatebin_request(link, ctx, author, posted_at, passwords)

    def privatebin_request(
        self,
        link: PrivateBinLink,
        ctx: dict[str, Any] | None,
        author: str | None,
        posted_at: datetime | None,
        passwords: tuple[str, ...] = (),
    ) -> Iterator[Request]:
        if not self._listed(link):
            self._pbin_count("not_listed")
            logger.info("PrivateBin link to {} not read: add its site to privatebin.instances", mask_url(link.url))
            return
        if link.burn_after_reading and not self.source.privatebin.read_burn_after_reading:
            self._pbin_count("burn_skipped")
            logger.warning(
                "PrivateBin paste {} is burn-after-reading: not fetched (reading it would delete it; "
                "privatebin.read_burn_after_reading)",
                mask_url(link.url),
            )
            return
        key = f"privatebin:{link.url}"
        if key in self._pbin_emitted or self.vigie_state.paste_seen(key):
            self.crawler.stats.inc_value("vigie/pastes/already_seen")
            return
        self._pbin_emitted.add(key)
        meta = {
            "id": key,
            "url": link.url,
            "paste_id": link.paste_id,
            "thread": dict(ctx or {}),
            "author": author,
            "posted_at": posted_at.isoformat() if posted_at else None,
        }
        if self._pbin_seal is not None:  # kept until read (the key under the data key), see the module docstring
            row = _PENDING + link.url
            sealed = encrypt_text(self._pbin_seal, base64.b64encode(link.key).decode(), row.encode())
            pending = {"privatebin": meta, "key": base64.b64encode(sealed).decode(), "legacy": link.legacy,
                       "burn": link.burn_after_reading}
            if passwords:  # sealed as the key is: a paste left for the next crawl still opens
                words = encrypt_text(self._pbin_seal, json.dumps(list(passwords)), (row + "|passwords").encode())
                pending["passwords"] = base64.b64encode(words).decode()
            self.vigie_state.file_pending(row, pending)
        yield self._privatebin_fetch(link, meta, passwords)

    def _privatebin_fetch(self, link: PrivateBinLink, meta: dict[str, Any], passwords: tuple[str, ...]) -> Request:
        request = self.request(
            link.url,
            self.parse_privatebin,
            "privatebin",
            None,
            vigie_privatebin=meta,
            vigie_privatebin_key=link.key,
            vigie_passwords=passwords,
            referrer_policy="no-referrer",
        )
        request.headers["X-Requested-With"] = "JSONHttpRequest"  # PrivateBin's JSON API, as its script asks
        request.headers["Accept"] = "application/json"
        return request

    def pending_file_requests(self) -> list[Request]:
        """The attachments and the PrivateBin pastes an earlier, interrupted crawl left pending
        (a paste handed off since is closed, not fetched: read once)."""
        out: list[Request] = []
        for url, meta in self.vigie_state.pending_files():
            if not url.startswith(_PENDING):
                self._cut_short[url] = int(meta.get("cut_short") or 0)  # (crawler.spiders._files)
                out.append(self.file_request(url, meta))
                continue
            pmeta = meta.get("privatebin") or {}
            if self.vigie_state.paste_seen(pmeta.get("id", "")):
                self.vigie_state.file_done(url, "done")
                continue
            if self._pbin_seal is None or not self.source.privatebin.enabled:
                continue  # left pending for a crawl that can open it
            try:
                key = base64.b64decode(decrypt_text(self._pbin_seal, base64.b64decode(meta["key"]), url.encode()))
                words = meta.get("passwords")
                passwords = tuple(json.loads(decrypt_text(self._pbin_seal, base64.b64decode(words),
                                                          (url + "|passwords").encode()))) if words else ()
            except (InvalidTag, ValueError, KeyError, TypeError):
                self._pbin_count("malformed")
                logger.warning("PrivateBin paste {} left pending by an earlier crawl cannot be opened with this data "
                               "key (another key?): not fetched", mask_url(pmeta.get("url") or ""))
                self.vigie_state.file_done(url, "refused", "pending key not opened by the data key")
                continue
            link = PrivateBinLink(pmeta["url"], pmeta["paste_id"], key, bool(meta.get("burn")),
                                  bool(meta.get("legacy")))
            self._pbin_emitted.add(pmeta["id"])
            self.crawler.stats.inc_value("vigie/privatebin/resumed")
            out.append(self._privatebin_fetch(link, pmeta, tuple(str(p) for p in passwords)))
        return out

    def privatebin_start(self, url: str, title: str | None = None) -> list[Request] | None:
        """The fetch of a paste link that is a PrivateBin link (a paste source watching pastes, or
        listing them): none when it was skipped (counted); None when `url` is no PrivateBin link."""
        link = parse_link(url) if self.source.privatebin.enabled else None
        if link is None:
            return None
        return list(self.privatebin_request(link, {"title": title} if title else None, None, None))

    async def parse_privatebin(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta["vigie_privatebin"]
        key: bytes = response.meta["vigie_privatebin_key"]
        passwords = tuple(response.meta.get("vigie_passwords") or ())
        limits = self.source.attachments
        shown = mask_url(meta["url"])
        try:
            paste = await asyncio.to_thread(
                decrypt_paste,
                response.body,
                key,
                passwords,
                max_bytes=limits.max_bytes,
                max_plain_bytes=limits.max_uncompressed_bytes,
                budget=self._pbin_budget.of(meta.get("author")),
            )
        except PrivateBinError as exc:
            self._pbin_count(exc.kind)
            if exc.kind in _ERRORS:
                self.crawler.stats.inc_value("vigie/errors")
            if exc.kind in _REFUSED:
                self.crawler.stats.inc_value("vigie/files/bombs_refused")
            if isinstance(exc, BudgetSpent) and self._pbin_seal is not None:
                # others' pastes spent the crawl's budget: this one's pending row stays, the next
                # crawl reads it with a budget of its own (its key and passwords sealed there)
                logger.warning("PrivateBin paste {} not read in this crawl, left for the next: {}", shown,
                               mask_text(str(exc)))
                return
            logger.warning("PrivateBin paste {} not read: {}", shown, mask_text(str(exc)))
            if self._pbin_seal is not None:  # its pending row closed: not fetched again unless linked again
                yield FileDone(_PENDING + meta["url"], "refused", f"PrivateBin: {exc.kind}")
            return
        self._pbin_count("read")
        if paste.burn_after_reading:
            self._pbin_count("burned_on_read")
            logger.warning(
                "PrivateBin paste {} was burn-after-reading without saying so in its link (PrivateBin "
                "< 1.7): the server deleted it as it answered",
                shown,
            )
        if paste.password_rank:
            logger.debug("PrivateBin paste {} opened with the password of rank {}", shown, paste.password_rank)
        item = _item(self.source.name, meta, body=paste.text)
        yield VigieItem(item, "paste", meta["id"], item.content_hash)
        if paste.attachment is not None:
            async for out in self._privatebin_file(
                paste.attachment, paste.attachment_name or "attachment", meta, passwords
            ):
                yield out

    async def _privatebin_file(
        self, data: bytes, name: str, meta: dict[str, Any], passwords: tuple[str, ...]
    ) -> AsyncIterator[Any]:
        """A paste's attachment, read as an attached file is: within `attachments`, an encrypted
        archive with the passwords posted beside the link."""
        limits = self.source.attachments
        shown = mask_url(meta["url"])
        if not limits.enabled or extension_of(name) not in limits.extensions:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            logger.info("PrivateBin paste {}: its attachment is of a type not read ({})", shown, mask_text(name))
            return
        skipped: list[AttachmentError] = []
        try:
            files = await self.read_file(name, data, skipped, passwords)
        except ArchiveBombError as exc:
            self.crawler.stats.inc_value("vigie/files/bombs_refused")
            logger.warning("PrivateBin paste {}: attachment bomb refused ({})", shown, mask_text(str(exc)))
            return
        except AttachmentError as exc:
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("PrivateBin paste {}: attachment unreadable: {}", shown, mask_text(str(exc)))
            return
        self.parts_set_aside(f"PrivateBin paste {shown}", skipped)
        ceiling = self.html_ceiling(f"PrivateBin paste {shown}", files)
        for f in files:
            item = _item(self.source.name, meta, raw=f.data, filename=f.filename, max_html_elements=ceiling)
            yield VigieItem(item, "paste", meta["id"], item.content_hash)


def _item(
    source: str,
    meta: dict[str, Any],
    *,
    body: str = "",
    raw: bytes | None = None,
    filename: str | None = None,
    max_html_elements: int | None = None,
) -> CrawledItem:
    """A PrivateBin paste's item: its address without the key, in the thread that linked it."""
    thread = meta.get("thread") or {}
    posted = meta.get("posted_at")
    return CrawledItem(
        source=source,
        url=meta["url"],
        body=body,
        raw=raw,
        filename=filename,
        max_html_elements=max_html_elements,
        thread_url=thread.get("key") or meta["url"],
        thread_title=thread.get("title"),
        board=thread.get("board"),
        author=meta.get("author"),
        post_id=meta["paste_id"],
        posted_at=datetime.fromisoformat(posted) if posted else None,
        fetched_at=datetime.now(UTC),
    )
