"""Bounded work on a page's raw markup, before (or instead of) a tree: how many elements it would
make, and its text without one.

Why: libxml2, which builds Scrapy's selector tree, costs 120 to 270 bytes of memory per element
(a node, plus a text node when there is text between the tags; links more, see `MarkupCount`).
A 19 MB page of unclosed `<p>` made 4 million elements and 1.2 GB of resident memory, enough to
push one source's crawl to its memory limit and lose the rest of its pages for the run. Counting
the elements first costs two passes over the bytes in C (byte translations and substring counts,
per 1 MiB chunk: linear, no regex, no backtracking), and stops once the count is past the ceiling.

`page_text` reads a page refused a tree with `indexer.html_text.strip_tags` (the tag stripper
`vigie scan` falls back to for pages too big or too deep), one chunk of 1 MiB at a time, cut where
a line ends: no tag or word is split, and the stripper's copies are those of a chunk, not of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.html_text import strip_tags

__all__ = ["LINK_WEIGHT", "DenseMarkup", "MarkupCount", "ascii_compatible", "count_start_tags", "page_text"]

_CHUNK = 1 << 20
# every ASCII letter read as "a", every other byte as itself: "<a" then counts `<` + a letter,
# which is what starts an element for libxml2's HTML parser (`</`, `<!`, `<?` and a lone `<` do not)
_LINE_CUTS = ("<br", "<BR", "<p", "<P", "</p", "<div", "<DIV", "</div", "<tr", "<TR", "<li", "<LI", "\n<")
_LETTERS_AS_A = bytes(ord("a") if chr(b).isascii() and chr(b).isalpha() else b for b in range(256))
# "A" read as "a" and HTML's white space as " ": "<a " then counts the links (`<abbr` does not match)
_LINK_SPACES = bytes(ord(" ") if b in b"\t\n\f\r" else ord("a") if b == ord("A") else b for b in range(256))
LINK_WEIGHT = 4


@dataclass(frozen=True, slots=True)
class MarkupCount:
    """What a page would cost as a tree, counted from its bytes: its start tags, and how many of
    them are links. A link costs about four elements in a crawl (its `href` attribute node, and
    the Python objects the spiders make of every link of a page to find its next-page link:
    an `<a href>` storm took 1.3 kB a link where unclosed `<p>` took 320 bytes an element), so
    `weight`, what the ceiling is compared with, counts it four times."""

    start_tags: int
    links: int

    @property
    def weight(self) -> int:
        return self.start_tags + (LINK_WEIGHT - 1) * self.links


def count_start_tags(data: bytes, stop_above: int | None = None, chunk: int = _CHUNK) -> MarkupCount:
    """The start tags in `data` (`<` then an ASCII letter) and the links among them (`<a` then a
    space); once the weight is past `stop_above`, the count so far (the rest is not read).
    Chunks overlap by two bytes, and each counts the matches that start inside it, so a tag cut
    by a chunk boundary is counted once."""
    tags = links = 0
    for start in range(0, len(data), chunk):
        part = data[start:start + chunk + 2]
        tags += part[:chunk + 1].translate(_LETTERS_AS_A).count(b"<a")
        links += part.translate(_LINK_SPACES).count(b"<a ")
        if stop_above is not None and tags + (LINK_WEIGHT - 1) * links > stop_above:
            break
    return MarkupCount(tags, links)


def ascii_compatible(encoding: str) -> bool:
    """Whether `encoding` writes `<` and letters as ASCII does (UTF-8, Latin-1, cp1252,
    Shift_JIS...), so that its bytes hold the tags libxml2 is handed; not UTF-16 or UTF-32, where
    `<p` is `<\\0p\\0` (count those in the decoded text instead)."""
    try:
        return "<a".encode(encoding) == b"<a"
    except (LookupError, UnicodeError):
        return False


def page_text(html: str, chunk: int = _CHUNK) -> str:
    """The text of `html` by the tag stripper, about `chunk` characters at a time. Each cut is
    where a line ends anyway (before a `<br`, `<p`, `<div`, `<tr` or `<li`, or a tag that starts a
    source line), else before any tag, else at a space: never inside a word, so no identifier is
    split. A `<script>` or `<style>` that spans a cut keeps its text (more text to scan)."""
    parts: list[str] = []
    pos, size = 0, len(html)
    while pos < size:
        end = min(size, pos + chunk)
        if end < size:
            cut = max(html.rfind(m, pos + 1, end) for m in _LINE_CUTS)
            for fallback in ("<", " "):
                if cut <= pos:
                    cut = html.rfind(fallback, pos + 1, end)
            end = cut if cut > pos else end
        text = strip_tags(html[pos:end])
        if text:
            parts.append(text)
        pos = end
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class DenseMarkup:
    """A page refused a tree (request meta `vigie_dense_markup`): what was counted, against which
    ceiling, and the page itself, for `PageTextMiddleware` to read its text."""

    counted: MarkupCount  # up to just past the ceiling (the scan stops there)
    ceiling: int  # limits.max_page_elements
    text: str
