"""Pagination fetched ahead: the URL pattern of a chain's pages, and what was fetched early.

A board listing or a thread is a chain of pages, each linking to the next. Followed one link at a
time, a 40-page thread over an onion service answering in 500 ms takes 20 s whatever the
concurrency. When page N's next link differs from page N's URL by one number (`?page=N`,
`/page/N`, `page-N`, `start=N*k`), the pages after it are predictable and are fetched ahead, a
bounded window at a time.

They are *parsed* in order all the same: a page fetched early waits (`AheadChain.arrived`) until
the page before it has been parsed and its next link says this page comes next. So everything the
spider decides per page (the repeat and cap guards, thread checkpoints, the posts already seen)
happens exactly as in a page-by-page walk; only the waiting overlaps. A page whose next link is
not the predicted URL ends the prediction (what was fetched is dropped, the walk goes on link by
link); fetching ahead stops at the first page past the end (404, empty, or no next link).

The window grows with the chain, one more page per page read by this crawl: nothing ahead from the
first, one page from the second, up to `VIGIE_FETCH_AHEAD_PAGES` (a two-page thread, or a thread
resumed at its last known page for one new page, costs no extra request; a longer chain at most
the window past its end). Links on the page to later pages of the same pattern
(`1 2 3 … 12`) bound it exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AheadChain", "page_template"]

_NUMBER = re.compile(r"(\d+)")
# digits of a page number or an offset at most: a site's next link may hold a run of thousands
# (`?page=999...`), which int() refuses past 4,300 digits (a ValueError lost the page's posts)
_MAX_DIGITS = 18
# names of offset parameters (`start=25` is the second page of 25 rows)
_OFFSET = re.compile(r"(?i)(?:start|offset|from|skip|begin|st|o)\W?$")


def page_template(url: str, next_url: str, page: int) -> Callable[[int], str] | None:
    """The URL of page n of a chain, given page `page`'s URL and its next link; None when the two
    do not differ by one growing number (then nothing is predicted)."""
    if page < 1 or next_url == url:
        return None
    here, there = _NUMBER.split(url), _NUMBER.split(next_url)
    if len(here) == len(there):
        diffs = [i for i, (a, b) in enumerate(zip(here, there, strict=True)) if a != b]
        if len(diffs) != 1 or diffs[0] % 2 == 0:  # odd indexes are the numbers
            return None
        i = diffs[0]
        if max(len(here[i]), len(there[i])) > _MAX_DIGITS:
            return None
        a, b = int(here[i]), int(there[i])
        if b <= a:
            return None
        step = b - a
        parts = there

        def value(n: int) -> int:
            return a + (n - page) * step
    elif page == 1 and next_url.startswith(url.rstrip("/")) and len(there) == len(here) + 2:
        # page 1 is the bare URL, page 2 adds the number: `/board/6` -> `/board/6?page=2`,
        # `/threads/x.12/` -> `/threads/x.12/page-2`, `?f=2` -> `?f=2&start=25`
        extra = next_url[len(url):] if next_url.startswith(url) else next_url[len(url.rstrip("/")):]
        found = _NUMBER.split(extra)
        if len(found) != 3 or not found[1].isdigit() or len(found[1]) > _MAX_DIGITS:
            return None
        b = int(found[1])
        if b != 2 and not _OFFSET.search(found[0]):
            return None  # a number added that is neither page 2 nor an offset (a session id...)
        parts = there
        i = len(there) - 2  # the added suffix holds one number: the last of next_url

        def value(n: int) -> int:
            return n if b == 2 else (n - 1) * b  # page numbers, or offsets (start=25, 50, ...)
    else:
        return None

    def url_of(n: int) -> str:
        if n == page:
            return url
        return "".join(parts[:i]) + str(value(n)) + "".join(parts[i + 1:])

    return url_of if url_of(page + 1) == next_url else None


@dataclass
class AheadChain:
    """The pages of one chain requested ahead of their turn, and those that arrived early."""

    url: Callable[[int], str]
    callback: Callable[..., Iterable[Any]]
    kind: str
    meta: dict[str, Any] = field(default_factory=dict)  # what the next page's request would carry
    requested: set[int] = field(default_factory=set)
    arrived: dict[int, Any] = field(default_factory=dict)  # page -> Response, or None (failed)
    expect: int | None = None  # the page whose turn it is, still in flight
    end: int | None = None  # first page seen past the end (404/empty): nothing fetched beyond

    def window(self, page: int, most: int, cap: int, links: set[str], read: int) -> range:
        """Pages to request ahead after page `page` (its next page, page+1, is asked anyway), when
        `read` pages of the chain have been read by this crawl (a thread resumed at its last known
        page starts from nothing ahead again)."""
        top = page + 1 + min(most, read - 1)
        shown = [n for n in range(page + 2, page + 2 + most) if self.url(n) in links]
        if shown:  # the page links to later pages: go as far as it shows, no guessing
            top = min(page + 1 + most, max(shown))
        if self.end is not None:
            top = min(top, self.end - 1)
        return range(page + 2, min(top, cap) + 1)
