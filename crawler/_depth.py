"""A page nested deeper than libxml2 builds, flattened before anything parses it.

libxml2's HTML parser, which builds Scrapy's selector tree (with `huge_tree`, as parsel asks), stops
at 2,048 open elements: everything after the element that reaches that depth is dropped, closed or
not. A page opening 2,100 `<div>` (or `<i>`, or `<table><tr><td>` 700 times) before its posts
showed them to every reader (a browser keeps nesting, Blink reparents past 512) and hid them
from the crawl alone: the thread page read as holding no posts, or as ending before its last ones,
nothing counted.

`truncated` tells such a tree from the one the spider reads anyway (O(depth): the last element
libxml2 made, where it stopped), and `flatten_depth` then rewrites the page as a browser shows it
closer to: one linear scan of its start and end tags, nested as libxml2 nests them (void elements,
`<x/>`, and what it closes itself, `<p>a<p>b`, `<tr><td><td>`, do not pile up; an end tag closes
up to its open element, or nothing; comments and raw text such as `script` hold no tags), and
where an element would open past `MAX_DEPTH` levels, the pile above the page's first `KEEP_DEPTH`
levels is closed first: the posts under it, and each post's own markup, are read whole, as
siblings of the pile. No page of a forum engine nests 100 levels.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FLATTEN_ABOVE", "KEEP_DEPTH", "MAX_DEPTH", "flatten_depth", "truncated"]

FLATTEN_ABOVE = 1024  # (libxml2 stops at 2,048)
MAX_DEPTH = 512  # what a page past FLATTEN_ABOVE is brought back to (Blink's own limit)
KEEP_DEPTH = 256  # the page's first levels, kept as they are

_TAG = re.compile(r"<(?:!--|[!?]|(/?)([A-Za-z][^\s/>]*))")
_COMMENT_END = re.compile(r"-->")
_GT = re.compile(r">")
# elements that hold no others (and the document's own three, which never pile up)
_FLAT = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "html", "head", "body"})
# an element libxml2 closes when one of these opens while it is the innermost (a new row, cell,
# item, option or paragraph; a block closes a paragraph): `<p>a<p>b` and `<tr><td><td>` never nest
_BLOCKS = frozenset({"div", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "form",
                     "blockquote", "section", "article", "aside", "header", "footer", "nav", "address", "fieldset",
                     "figure", "main", "hr", "p"})
_CLOSED_BY = {"p": _BLOCKS, "li": frozenset({"li"}), "dt": frozenset({"dt", "dd"}), "dd": frozenset({"dt", "dd"}),
              "option": frozenset({"option", "optgroup"}), "optgroup": frozenset({"optgroup"}),
              "td": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
              "th": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
              "tr": frozenset({"tr", "tbody", "thead", "tfoot"}), "tbody": frozenset({"tbody", "thead", "tfoot"}),
              "thead": frozenset({"tbody", "thead", "tfoot"}), "tfoot": frozenset({"tbody", "thead", "tfoot"})}
_RAW = frozenset({"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe"})


def truncated(page: Any) -> bool:
    """Whether libxml2 stopped building `page` (a parsel Selector) at its depth limit: it then
    stops reading altogether, so the last element it made, which the last child of each level
    leads to, is the one that reached the limit. O(depth) on the tree the spider reads anyway
    (Scrapy keeps a response's selector)."""
    node: Any = getattr(page, "root", None)
    depth = 0
    while hasattr(node, "tag") and depth <= FLATTEN_ABOVE:  # (a JSON selector has no tree)
        last = None
        for child in reversed(node):  # the last element child (a comment or a PI is no element)
            if isinstance(child.tag, str):
                last = child
                break
        node = last
        depth += 1
    return depth > FLATTEN_ABOVE


def flatten_depth(text: str) -> tuple[str, int]:
    """`text` with the elements open past `MAX_DEPTH` levels closed where they would pile further
    (see the module docstring), and how many were (0: `text` itself)."""
    stack: list[str] = []
    # how many of each name `stack` holds: an end tag of a name not open is skipped at once. It
    # scanned the whole pile (up to MAX_DEPTH) each time: 2,100 <div> and then 20 MB of `</x>`
    # cost ~30 CPU-s a page (attacker's review, round 16); now each tag costs what it closes
    open_names: dict[str, int] = {}
    inserts: list[tuple[int, str]] = []  # (position, end tags put there)
    closed = 0
    pos, size = 0, len(text)
    while True:
        m = _TAG.search(text, pos)
        if m is None:
            break
        if m.group(2) is None:  # a comment, a doctype, a processing instruction
            closer = _COMMENT_END if text.startswith("<!--", m.start()) else _GT
            e = closer.search(text, m.end())
            pos = e.end() if e else size
            continue
        gt = _GT.search(text, m.end())
        end = gt.end() if gt else size
        pos = end
        name = m.group(2).lower()
        if m.group(1):  # an end tag: closes up to its element, if open
            if open_names.get(name):
                k = len(stack) - 1
                while stack[k] != name:
                    k -= 1
                _shut(stack, k, open_names)
            continue
        if name in _RAW:
            c = re.compile(f"(?i)</{re.escape(name)}[\\s/>]").search(text, end)
            pos = c.start() if c else size
            continue
        if name in _FLAT or text[end - 2:end] == "/>":
            continue
        while stack and name in _CLOSED_BY.get(stack[-1], ()):
            _shut(stack, len(stack) - 1, open_names)
        if len(stack) >= MAX_DEPTH:  # the pile is closed down to KEEP_DEPTH before this element opens
            shut = stack[KEEP_DEPTH:]
            inserts.append((m.start(), "".join(f"</{n}>" for n in reversed(shut))))
            closed += len(shut)
            _shut(stack, KEEP_DEPTH, open_names)
        stack.append(name)
        open_names[name] = open_names.get(name, 0) + 1
    if not inserts:
        return text, 0
    out, at = [], 0
    for where, tags in inserts:
        out += [text[at:where], tags]
        at = where
    out.append(text[at:])
    return "".join(out), closed


def _shut(stack: list[str], k: int, open_names: dict[str, int]) -> None:
    """Close the elements from level `k` up, keeping `open_names` their count."""
    for n in stack[k:]:
        open_names[n] -= 1
    del stack[k:]
