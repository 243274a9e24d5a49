"""Bounded work on a page's raw markup, before (or instead of) a tree: how many elements it would
make, and its text without one.

Why: libxml2, which builds Scrapy's selector tree, costs 120 to 270 bytes of memory per element
(a node, plus a text node when there is text between the tags; links more, see `MarkupCount`).
A 19 MB page of unclosed `<p>` made 4 million elements and 1.2 GB of resident memory, enough to
push one source's crawl to its memory limit and lose the rest of its pages for the run.

The counting (`count_start_tags`: two passes over the bytes in C per 1 MiB chunk, stopping once
past the ceiling) and the chunked tag stripping (`page_text`) live in `indexer.html_text`, one
copy shared with `vigie scan` and HTML attachments, which `indexer.html_text.html_to_text`
bounds the same way; this module keeps what only the crawl's middlewares need.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.html_text import LINK_WEIGHT, MarkupCount, ascii_compatible, count_start_tags, page_text

__all__ = ["LINK_WEIGHT", "DenseMarkup", "MarkupCount", "ascii_compatible", "count_start_tags", "page_text"]


@dataclass(frozen=True, slots=True)
class DenseMarkup:
    """A page refused a tree (request meta `vigie_dense_markup`): what was counted, against which
    ceiling, and the page itself, for `PageTextMiddleware` to read its text."""

    counted: MarkupCount  # up to just past the ceiling (the scan stops there)
    ceiling: int  # limits.max_page_elements
    text: str
