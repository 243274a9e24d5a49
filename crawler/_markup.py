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

__all__ = ["JSON_PAGE_SCRIPT", "LINK_WEIGHT", "DenseMarkup", "MarkupCount", "ascii_compatible", "count_start_tags",
           "html_selector", "json_page_selector", "page_text"]

# where a page served as JSON is put for the selectors: `post.from_json.source: "script#vigie-json::text"`
JSON_PAGE_SCRIPT = "script#vigie-json"


def html_selector(text: str, base_url: str | None = None) -> Selector:
    """A page's text as an HTML tree, as the crawl's responses are parsed. parsel guesses the type
    from the text when none is given, and takes a page opening with an XML declaration for XML:
    an XHTML 1.0 page with its prolog (`<?xml version="1.0" encoding="UTF-8"?>`, Phorum's emerald,
    old templates) became an XML tree in the XHTML namespace, where no CSS selector matches, so
    `vigie source try` showed every selector matching nothing on pages the crawl read whole, and a
    source's `wall` selector never recognised such a page."""
    return Selector(text=text, type="html", base_url=base_url)


def json_page_selector(text: str, content_type: str | None = None) -> Selector | None:
    """A page that is JSON itself (an engine's API: vichan's and 4chan's `/res/100.json`,
    Discourse's `/t/12.json`), as an HTML page holding it whole in one
    `<script type="application/json" id="vigie-json">`, which `post.from_json` reads like any
    embedded JSON; None for any other page. Parsed as HTML, such a page lost the markup its
    strings hold (`"com": "nom;email<br>Garnier;..."`: tags dropped, rows run together). It is
    JSON when its Content-Type says so or, with none or a plain one (a saved file, text/plain), when its
    text opens as JSON; an HTML or XML page never is.
    `</` becomes `<\\/` (the same JSON) so that no string closes the script."""
    kind = (content_type or "").split(";")[0].strip().lower()
    # (markup served as JSON is no JSON: a hostile site's `application/json` page, read as HTML)
    if "html" in kind or "xml" in kind or not (kind.endswith("json") or text.lstrip()[:1] in ("{", "[")) \
            or text.lstrip("\ufeff \t\r\n")[:1] == "<":
        return None
    return Selector(text='<html><head><script type="application/json" id="vigie-json">'
                    + text.replace("</", "<\\/") + "</script></head><body></body></html>", type="html")


@dataclass(frozen=True, slots=True)
class DenseMarkup:
    """A page refused a tree (request meta `vigie_dense_markup`): what was counted, against which
    ceiling, and the page itself, for `PageTextMiddleware` to read its text."""

    counted: MarkupCount  # up to just past the ceiling (the scan stops there)
    ceiling: int  # limits.max_page_elements
    text: str
