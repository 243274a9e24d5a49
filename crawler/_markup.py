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

from parsel import Selector

from indexer.html_text import LINK_WEIGHT, MarkupCount, ascii_compatible, count_start_tags, page_text

__all__ = ["LINK_WEIGHT", "DenseMarkup", "MarkupCount", "ascii_compatible", "count_start_tags", "html_selector",
           "page_text"]


def html_selector(text: str, base_url: str | None = None) -> Selector:
    """A page's text as an HTML tree, as the crawl's responses are parsed. parsel guesses the type
    from the text when none is given, and takes a page opening with an XML declaration for XML:
    an XHTML 1.0 page with its prolog (`<?xml version="1.0" encoding="UTF-8"?>`, Phorum's emerald,
    old templates) became an XML tree in the XHTML namespace, where no CSS selector matches, so
    `vigie source try` showed every selector matching nothing on pages the crawl read whole, and a
    source's `wall` selector never recognised such a page."""
    return Selector(text=text, type="html", base_url=base_url)


@dataclass(frozen=True, slots=True)
class DenseMarkup:
    """A page refused a tree (request meta `vigie_dense_markup`): what was counted, against which
    ceiling, and the page itself, for `PageTextMiddleware` to read its text."""

    counted: MarkupCount  # up to just past the ceiling (the scan stops there)
    ceiling: int  # limits.max_page_elements
    text: str
