"""The `channel` spider: the public web preview of a Telegram-style channel (t.me/s/<channel>).

Each start URL is one channel. A page shows the newest posts (`.tgme_widget_message`, each with
`data-post="<channel>/<id>"`, the author, `time[datetime]`, the text and attachment links) and a
"load older" link `?before=<id>`. The spider reads the newest page, then older pages until it
reaches a message id it saw in an earlier crawl (incremental by message id) or the page limit.

Posts are ordinary crawled items (detected, stored, matched like forum posts): `thread_url` is
the channel, `thread_title` its name, `post_id` the message id. Once every post of a crawl was
handed off, one checkpoint records the newest id seen, so the next crawl stops there.

Previews are clearnet pages: such sources run with `network: direct`, or `network: tor` with
`allow_clearnet_over_tor: true` (checked by the config schema).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import TextResponse

from crawler.defaults import MAX_PAGES_PER_CHAIN
from crawler.items import ThreadCheckpoint, VigieItem
from crawler.spiders._base import absolute_url, absolute_urls, all_values, first_text, parse_date, select
from crawler.spiders._privatebin import PrivateBinSpider
from crawler.spiders.archive_passwords import password_candidates
from indexer.models import CrawledItem

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["ChannelSpider", "message_number"]


def message_number(post_ref: str | None) -> int | None:
    """`channel/123` (or `123`) -> 123; None when there is no number, or one of more than 18
    digits (no channel numbers its messages so; int() refuses more than 4,300 digits: such a
    message's ValueError lost the channel's whole page)."""
    m = re.search(r"(?<!\d)(\d{1,18})\s*$", post_ref or "")
    return int(m.group(1)) if m else None


class ChannelSpider(PrivateBinSpider):
    name = "vigie_channel"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sel = self.source.channel

    async def start(self) -> AsyncIterator[Any]:
        starts = []
        for url in self.source.start_urls:
            known = self.vigie_state.thread(url)
            last = message_number(known.last_post_id) if known is not None else None
            starts.append(self.request(url, self.parse_page, "listing", vigie_channel=url, vigie_page=1,
                                       vigie_last=last, vigie_emitted=(), vigie_newest=None))
        for req in self.behind_login(starts):
            yield req

    def parse_page(self, response: Response) -> Iterator[Any]:
        problem = self.unusable(response, "channel page")
        if problem is not None or not isinstance(response, TextResponse):
            yield from problem or ()
            return
        meta = response.meta
        channel, page, last = meta["vigie_channel"], int(meta["vigie_page"]), meta["vigie_last"]
        name = urlsplit(channel).path.rstrip("/").rsplit("/", 1)[-1] or channel
        sel, now = self.sel, datetime.now(UTC)
        emitted: list[str] = list(meta["vigie_emitted"])
        newest: int | None = meta["vigie_newest"]
        oldest: int | None = None
        for post in select(response, sel.message):
            ref = first_text(post, sel.message_id)
            number = message_number(ref)
            if number is None:
                continue
            oldest = number if oldest is None else min(oldest, number)
            newest = number if newest is None else max(newest, number)
            if last is not None and number <= last:
                self.crawler.stats.inc_value("vigie/posts/already_seen")
                continue
            body = first_text(post, sel.text) or ""
            links = (absolute_urls(response, all_values(post, sel.attachments), keep_fragment=True)
                     if sel.attachments else [])
            if links:  # the links are part of what the post says (file names of a sample)
                body = body + "\n" + "\n".join(links)
            raw_date = first_text(post, sel.date.selector) or ""
            posted_at = parse_date(raw_date, sel.date.format, sel.date.timezone, language=sel.date.language,
                                   fetched_at=now)
            if posted_at is None and raw_date.strip():
                self.failure("unparsed_dates", f"message {number}'s date not read by date.format")
            author = first_text(post, sel.author) if sel.author else None
            key = f"{channel}#{number}"
            item = CrawledItem(source=self.source.name, url=f"{channel}/{number}", body=body, thread_url=channel,
                               thread_title=name, author=author, posted_at=posted_at, fetched_at=now,
                               post_id=str(number))
            digest = item.content_hash
            if self.vigie_state.post_seen(key, digest):
                self.crawler.stats.inc_value("vigie/posts/already_seen")
                continue
            emitted.append(key)
            yield VigieItem(item, "post", key, digest, thread_key=channel)
            if "#" in body and self.source.privatebin.enabled:  # PrivateBin links, with the passwords beside them
                yield from self.privatebin_requests(body, {"key": channel, "title": name}, author, posted_at,
                                                    password_candidates(body))
        older_href = first_text(response, sel.older)
        older = absolute_url(response, older_href) if older_href else None
        max_pages = self.crawler.settings.getint("VIGIE_MAX_PAGES_PER_CHAIN") or MAX_PAGES_PER_CHAIN
        reached_known = last is not None and oldest is not None and oldest <= last
        if older and oldest is not None and not reached_known and page < max_pages:
            yield self.request(older, self.parse_page, "listing", response,
                               vigie_channel=channel, vigie_page=page + 1, vigie_last=last,
                               vigie_emitted=tuple(emitted), vigie_newest=newest)
            return
        # the end of this crawl of the channel: remember the newest id once all posts are handed off
        yield ThreadCheckpoint(channel, channel, 1, title=name, final=True,
                               last_post_id=str(newest) if newest is not None else None, emitted=tuple(emitted))
