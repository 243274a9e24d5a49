"""One HTML-to-text model, shared by the crawler (a post's body element) and `vigie scan` (a
saved page), so that both find the same fragments in the same content (issue 13).

Why line structure matters: fragments are found line by line (separator counts, `INSERT`,
`COPY … \\.`), so an HTML-rendered dump must keep one record per line:
- `<br>` is a line break, always (two of them leave a blank line);
- a block element (p, div, li, tr, headings, blockquote, pre, table, hr, …) starts and ends a
  line; block boundaries collapse, as on screen, so `<div>row</div><div>row</div>` stays a
  run of adjacent lines;
- the text of `<pre>`, `<code>`, `<textarea>` keeps its newlines verbatim whatever wraps it
  (`<p><code>\\nrow1\\nrow2</code></p>` is two lines, not one); there, a newline right after a
  `<br>` is that same line break (engines run PHP's nl2br over code blocks: MyBB's
  `<code>row1<br />\\nrow2</code>` is two adjacent lines, not rows split by blank lines);
- table cells are tab-separated; whitespace elsewhere collapses to one space, except tabs
  (a TSV dump pasted into a paragraph keeps its cells);
- scripts, styles and `<head>` are dropped; what a page holds for a reader without scripts, or
  for its scripts to show, is read: `<noscript>` (Tor Browser at "Safest" shows it), `<template>`,
  a data script's text (`<script type="application/json">`: a single-page paste site ships its
  paste in `__NEXT_DATA__`; `text/plain`), and a comment of several lines (a dump kept out of
  sight in the page's source); each such script or comment is its own block, read verbatim;
- inside `<pre>`/`<code>`, an element whose class names it a line (`<span class="line">`, what
  code highlighters emit, one a displayed line, with or without a newline after it) ends its line.

The tree is walked iteratively (libxml2's `iterwalk`), never by recursion: a post nested 100 000 levels
deep (or a page of unclosed `<div>`, which the parser nests) must not raise RecursionError,
which would lose the rest of the page on every run. Parsing is libxml2's (lxml), linear on
unclosed tags; BeautifulSoup's tree building was not.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, AnyStr
from urllib.parse import unquote as _unquote

import re2
from loguru import logger
from lxml import etree
from lxml.etree import ParserError

from indexer._re2fast import iter_spans
from indexer.chat_links import CHAT_HEAD
from indexer.html_layouts import cf_email, data_uri_text, definition_pairs, grid_cells, hidden_junk, state_json

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = ["BLOCK_TAGS", "LINK_WEIGHT", "MAX_ATTRIBUTES", "MAX_TREE_ELEMENTS", "VERBATIM_TAGS", "MarkupCount",
           "ascii_compatible", "count_start_tags", "element_text", "html_to_text", "page_text", "parse_html",
           "strip_tags", "trim_attributes"]

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext",
    "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "xmp", "textarea",
})
VERBATIM_TAGS = frozenset({"pre", "code", "textarea", "plaintext", "xmp", "listing"})
_SKIP = frozenset({"script", "style", "head", "title"})
# A script of these types is data, not code: a page's own content can be in it (a single-page app's
# state, JSON-LD, a plain-text block a script shows): read verbatim. Code and unknown types stay dropped.
_DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json", "text/plain", "text/csv",
                                "text/tab-separated-values", "text/markdown", "text/x-markdown"})
# class names that code highlighters give each displayed line of a `<pre>`/`<code>` block
_LINE_CLASSES = frozenset({"line", "code-line", "ln-line", "hljs-ln-line", "line-content", "cl"})
_CELLS = frozenset({"td", "th"})
# (`element_text`) an SVG `<text>` is a line of its own (a sample drawn as an image's text lines)
_BLOCKS = BLOCK_TAGS | {"text"}
# elements some layouts of leak-site pages are read through (`indexer.html_layouts`): a `<dl>`, a row
# of same cells, a link (a `data:` sample, Cloudflare's protected address), an inline element a style hides
_LOOKED_AT = frozenset({"dl", "span", "a", "font"})
_GRID_ROWS = frozenset({"div", "p", "section", "article", "li"})  # (and a span: `_layout`)
_CODE_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
_ROWS = frozenset({"tr", "td", "th"})
# Whitespace collapses as on screen, except tabs: a TSV dump pasted into a post keeps its cells
# (a browser would show one space; fields matter more than looks here). Source indentation
# after a line break goes with the break. Each pattern starts on one class and has a single
# repetition: linear.
_BREAK_WS = re.compile(r"[\n\r\f][ \t\n\r\f]*")
_SPACES = re.compile(r" {2,}")
# HTML's element names (and `<!`, `<?`): a `<` before anything else, in a text that holds some markup,
# is a character of the text (`keep_lines`)
_HTML_ELEMENTS = (
    "a|abbr|acronym|address|area|article|aside|audio|b|base|basefont|bdi|bdo|big|blink|blockquote|body|br|"
    "button|canvas|caption|center|cite|code|col|colgroup|data|datalist|dd|del|details|dfn|dialog|dir|div|dl|dt|"
    "em|embed|fieldset|figcaption|figure|font|footer|form|frame|frameset|h[1-6]|head|header|hgroup|hr|html|i|"
    "iframe|img|input|ins|kbd|label|legend|li|link|listing|main|map|mark|marquee|menu|meta|meter|nav|nobr|"
    "noembed|noframes|noscript|object|ol|optgroup|option|output|p|param|picture|plaintext|pre|progress|q|rp|rt|"
    "ruby|s|samp|script|search|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|"
    "tbody|td|template|text|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr|xmp"
)
_NOT_A_TAG = re.compile(rf"<(?![!?]|/?(?:{_HTML_ELEMENTS})(?![^\t\n\f\r />]))", re.I)
_CELL_LINES, _CELL_CHARS = 4, 160  # a table cell's `<br>` lines read as one cell (`_Lines.rejoin`)
_BLANK_LINE = re.compile(r"\n[ \t\xa0]*\n\s*")

# libxml2's HTML parser compares each attribute of a start tag with every earlier one (its
# duplicate check is quadratic): 10 000 attributes on one tag parse in 0.2 s, 40 000 in 13 s, and
# a hostile page with a million never finished, which stalled the whole crawl (no summary, nothing
# after it). No real tag has hundreds of attributes, so the ones past MAX_ATTRIBUTES are cut
# before libxml2 sees the tag (`trim_attributes`): a page of such tags costs at most about
# (page size / 1 kB) x MAX_ATTRIBUTES**2 comparisons, under 2 s for 20 MB.
MAX_ATTRIBUTES = 256
# A start tag as the HTML5 tokenizer (libxml2's since 2.14) reads it: `<` and an ASCII letter, the
# name, then attributes and separators up to `>` (not consumed) or the end of the text. A name runs
# to whitespace, `/`, `>` or `=` (it may start with `=`, and quotes and `<` are name characters); a
# value is double- or single-quoted (to the closing quote, or the end of the text) or unquoted (to
# whitespace or `>`). Every repetition is possessive: the scan never backtracks (linear time) and
# keeps no state per attribute (a plain star kept ~700 bytes each: 2 GB for a 30 MB tag).
# Whitespace is HTML's five characters, not `\s`. Where this and libxml2 could differ (a tag in a
# comment or a script), this sees a tag libxml2 does not, never the reverse: it may trim a
# pseudo-tag in a script, never miss a real tag.
_HWS = "\t\n\f\r "
_ATTRIBUTE_RE = (f"[^{_HWS}/>][^{_HWS}/>=]*+"
                 f"(?:[{_HWS}]*+=[{_HWS}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_HWS}>]++)?+)?+")
_START_TAG_RE = f"<[A-Za-z][^{_HWS}/>]*+((?:[{_HWS}/]++|{_ATTRIBUTE_RE})*+)"
_START_TAG = re.compile(_START_TAG_RE)
_ATTRIBUTE = re.compile(_ATTRIBUTE_RE)
_START_TAG_B = re.compile(_START_TAG_RE.encode())
_ATTRIBUTE_B = re.compile(_ATTRIBUTE_RE.encode())

class _Lines:
    """The output being built: finished lines plus the pieces of the current one."""

    __slots__ = ("after_br", "after_nl", "cur", "done", "rows")

    def __init__(self) -> None:
        self.done: list[str] = []
        self.cur: list[str] = []
        self.rows = 0  # open table rows and cells (`kept` only)
        self.after_nl = False  # (`source_text`) the text's own line break was the last thing seen
        self.after_br = False  # a `<br>` was the last thing seen: a newline right after it is the same break

    def hard(self) -> None:
        """A line break that always counts (`<br>`, a newline inside `<pre>`)."""
        self.done.append("".join(self.cur).strip(" ").rstrip("\t "))
        self.cur = []

    def soft(self) -> None:
        """A block boundary: ends the current line if it holds anything but whitespace."""
        self.after_br = self.after_nl = False
        if self.cur:
            line = "".join(self.cur)
            if line.strip():
                self.done.append(line.strip(" ").rstrip("\t "))
            self.cur = []

    def text(self, value: str, verbatim: bool) -> None:
        if "\xa0" in value:
            value = value.replace("\xa0", " ")
        if self.after_br:
            self.after_br = False
            if verbatim:
                value = _BR_NEWLINE.sub("", value, count=1)
        if not verbatim:
            if "\n" in value or "\r" in value or "\f" in value:
                value = _BREAK_WS.sub(" ", value)
            self.cur.append(_SPACES.sub(" ", value) if "  " in value else value)
            return
        pieces = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.cur.append(pieces[0])
        for piece in pieces[1:]:
            self.hard()
            self.cur.append(piece)

    def rejoin(self, first: int, before: int) -> None:
        """A table cell ends whose `<br>` made lines of it: a short cell (`Lambert<br>Hugo`, an
        address on two lines) is one cell again, so that its row stays one line with the others;
        a long one (a post laid out in a table, a dump in it) keeps its lines. `first`: the line
        the cell started on, `before`: how many characters of it came before the cell."""
        parts = [*self.done[first:], "".join(self.cur)]
        if len(parts) > _CELL_LINES or sum(map(len, parts)) - before > _CELL_CHARS:
            return
        del self.done[first:]
        rest = " ".join(p.strip(" ") for p in parts[1:] if p.strip(" "))
        head = parts[0]
        self.cur = [head + " " + rest if head and not head.endswith("\t") and rest else head + rest]

    def kept(self, value: str, verbatim: bool) -> None:
        """`text` for a text with markup in it: its own line breaks kept outside cells."""
        if verbatim or self.rows > 0:
            self.text(value, verbatim)
        else:
            self.source_text(value)

    def source_text(self, value: str) -> None:
        """Text of a text that holds some markup (not a page): its own line breaks are kept, a
        blank line as one blank line (not between tags: indentation); a `<br>` right after a
        line break is that same break (`row\\r<br>\\n`, a CRLF text turned to HTML), unless
        that break was the newline of a `<br>` before it (`row<br>\\n<br>\\n`: a blank line)."""
        if "\n" not in value and "\r" not in value and "\f" not in value:
            self.text(value, False)
            return
        own = self.after_br  # the first newline may be the one written after a `<br>`
        self.after_br = False
        blank = bool(value.strip())
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        ended = said = False
        for k, para in enumerate(_BLANK_LINE.split(value)):
            if k:
                self.soft()
                if blank and self.done and self.done[-1]:
                    self.done.append("")
                ended = said or not own
            for j, piece in enumerate(para.split("\n")):
                if j:
                    self.soft()
                    ended = said or not own
                if piece.strip(" \t\xa0") or (piece and not k and not j):
                    self.text(piece, False)
                    ended, said = False, True
        self.after_nl = ended

    def result(self) -> str:
        self.soft()
        out: list[str] = []
        for line in self.done:  # at most one blank line in a row, none at either end
            if line or (out and out[-1]):
                out.append(line)
        while out and not out[-1]:
            out.pop()
        return "\n".join(out)


def element_text(root: _Element, keep_lines: bool = False) -> str:
    """The text of an lxml element (and its descendants, not its tail) under the model in the
    module docstring. `root` may be any element: a post body picked by a selector, or a whole
    parsed document. The walk is libxml2's (`iterwalk`, iterative C code): no recursion in
    Python, and ~1 us per element where a Python-level stack cost several.

    `keep_lines`: the source is a text with some markup in it, not a page (see `html_to_text`):
    its own line breaks are line breaks too, outside table cells (where a row's cells stay one line)."""
    out = _Lines()
    soft, hard, add_text = out.soft, out.hard, out.kept if keep_lines else out.text
    verbatim = 0  # how many open elements keep their newlines
    # each open table cell's first line, and the pieces of the line it starts in with how many came
    # before it: their length is summed only for a cell that made lines (`rejoin`). Summed at each
    # cell's start, a row of 80,000 cells (320 kB of `<td>`) took 45 CPU-seconds (round 12).
    cells: list[tuple[int, list[str], int]] = []
    # Comments and processing instructions are not asked of iterwalk: it queues the events of a run of
    # them in a list it pops from the front, quadratic in the run (a page of a million `<!---->` took
    # 195 CPU-seconds); each run is read here from the element before it (`_non_elements`).
    walker = etree.iterwalk(root, events=("start", "end"))
    others = next(root.iter(etree.Comment, etree.PI), None) is not None  # (most posts hold none: no look per element)
    # grid rows' cells, read inline (the first of each row has no tab before it), and a `<dl>`'s terms
    # and descriptions, read `term: description` (`html_layouts`); empty on most pages
    inline: set[_Element] = set()
    tabbed: set[_Element] = set()
    described: set[_Element] = set()
    for event, el in walker:
        tag = el.tag
        if "}" in tag:
            tag = tag.rsplit("}", 1)[1]
        tag = tag.lower()
        if event == "start":
            if tag in _SKIP:
                if tag == "script" and el.text:
                    if _data_script(el):
                        _own_block(out, el.text)
                    elif (el.get("type") or "").strip().lower() in _CODE_SCRIPT_TYPES:
                        state = state_json(el.text)  # a single-page app's state assigned in code
                        if state is not None:
                            _own_block(out, state)
                walker.skip_subtree()  # its "end" still comes, and carries its tail
                continue
            if tag in _LOOKED_AT:  # (the common cases passed over here: a call for each cost pages ~3%)
                if tag == "a":
                    href = el.get("href")
                    looked = href is not None and (
                        href[:5].lower() == "data:" or "email-protection" in href or href[:7].lower() == "mailto:"
                        or _phone_href(href))
                elif tag == "span":
                    looked = len(el) >= 3 or (not len(el) and (el.get("style") is not None
                                                                or el.get("data-cfemail") is not None))
                else:
                    looked = True
                if looked and _layout(el, tag, out, inline, tabbed, described):
                    walker.skip_subtree()  # (hidden junk, or an element read whole: its "end" carries its tail)
                    continue
            elif tag in _GRID_ROWS and len(el) >= 3:  # a row of cells? (`html_layouts.grid_cells`)
                cells = grid_cells(el)
                if cells:
                    inline.update(cells)
                    tabbed.update(cells[1:])
            if inline and el in inline:  # a grid row's cell, a `<dl>`'s term or description: inline
                if el in tabbed:
                    out.cur.append("\t")
                elif el in described:
                    out.cur.append(" " if "".join(out.cur).rstrip().endswith(":") else ": ")
            elif tag in _BLOCKS:
                if out.cur:
                    soft()
            elif tag == "br":
                if out.after_nl and not out.cur:  # (`keep_lines`: the text's line break was this one)
                    out.after_nl = False
                else:
                    hard()
                out.after_br = True
            elif tag in _CELLS:
                prev = el.getprevious()
                if prev is not None and type(prev.tag) is str and prev.tag.lower() in _CELLS:
                    out.cur.append("\t")
                cells.append((len(out.done), out.cur, len(out.cur)))  # (`cur` is only appended to, or replaced)
            if tag in VERBATIM_TAGS:
                verbatim += 1
            if keep_lines and tag in _ROWS:
                out.rows += 1
            text = el.text
            if text:
                add_text(text, verbatim > 0)
            first = next(iter(el), None) if others else None
            if first is not None and type(first.tag) is not str:
                _non_elements(out, first, add_text, verbatim > 0)
            continue
        if tag in VERBATIM_TAGS:
            verbatim -= 1
        elif verbatim and out.cur and _LINE_CLASSES.intersection((el.get("class") or "").split()):
            soft()  # a highlighter's line; a newline right after it is this same break
            out.after_br = True
        elif tag in _CELLS and cells:
            first, pieces, count = cells.pop()
            if len(out.done) > first and el is not root:  # (a post body picked as a cell keeps its lines)
                out.rejoin(first, sum(map(len, pieces[:count])))
        if keep_lines and tag in _ROWS:
            out.rows -= 1
        if tag in _BLOCKS and out.cur and not (inline and el in inline and el not in described):
            soft()
        if el is root:
            break
        text = el.tail
        if text:
            add_text(text, verbatim > 0)
        after = el.getnext() if others else None
        if after is not None and type(after.tag) is not str:
            _non_elements(out, after, add_text, verbatim > 0)
    return out.result()


def _layout(el: _Element, tag: str, out: _Lines, inline: set[_Element], tabbed: set[_Element],
            described: set[_Element]) -> bool:
    """A leak-site layout at `el`'s start (`indexer.html_layouts`): a grid row's cells or a `<dl>`'s
    pairs marked to be read inline; a Cloudflare-protected address or a `data:` link's text read in
    place of the element or before it; whether the element's own text is read no more (hidden junk,
    or read here). Most elements are passed over on their tag and one look (~0.2 us)."""
    if tag == "a":
        href = el.get("href")
        if href is None:
            return False
        if href[:5].lower() == "data:":
            text = data_uri_text(href.strip())
            if text is not None:
                _own_block(out, text)
            return False
        if href[:7].lower() == "mailto:":
            return _mailto_read(el, href, out)
        if _phone_href(href):
            return _tel_read(el, href, out)
        return "email-protection" in href and _cf_read(el, href, out)
    if tag == "span":
        if len(el):
            return len(el) >= 3 and _grid_row(el, inline, tabbed)
        if el.get("data-cfemail") is not None and _cf_read(el, "", out):
            return True
        return el.get("style") is not None and hidden_junk(el)
    if tag == "dl":
        terms, values = definition_pairs(el)
        inline.update(terms)
        inline.update(values)
        described.update(values)
        return False
    return not len(el) and el.get("style") is not None and hidden_junk(el)  # (a `<font>`)


def _grid_row(el: _Element, inline: set[_Element], tabbed: set[_Element]) -> bool:
    cells = grid_cells(el)
    if cells:
        inline.update(cells)
        tabbed.update(cells[1:])
    return False


def _cf_read(el: _Element, href: str, out: _Lines) -> bool:
    """Cloudflare's protected address (`data-cfemail`, or a link to `/cdn-cgi/l/email-protection#HEX`)
    read in place of the element's text (`[email protected]`)."""
    hexed = el.get("data-cfemail") or href.partition("#")[2]
    addr = cf_email(hexed.strip()) if hexed else None
    if addr is None:
        return False
    out.text(addr, False)
    return True


def _mailto_read(el: _Element, href: str, out: _Lines) -> bool:
    """A `mailto:` link whose text is no address (`<a href="mailto:x@y.fr">écrire</a>`, a member
    list's contact cell): the address read in place of the text; a link that shows its address
    is read as it is."""
    addr = _unquote(href[7:].partition("?")[0]).strip()
    if not 3 <= len(addr) <= 254 or addr.count("@") != 1 or any(c.isspace() for c in addr):
        return False
    if "@" in "".join(el.itertext()):
        return False
    out.text(addr, False)
    return True


# links that dial or message a number: `tel:` (RFC 3966), `callto:`, `sms:`, and WhatsApp's click-to-chat
# (`https://wa.me/33612345678`, `api.whatsapp.com/send?phone=33612345678`: the number international,
# without its `+`)
_DIAL = ("tel:", "callto:", "sms:")
_CHAT = re.compile(CHAT_HEAD + r"([0-9]{8,15})(?![0-9])", re.I)
_DIAL_NUMBER = re.compile(r"\+?[0-9().\- ]{6,24}")


def _phone_href(href: str) -> bool:
    h = href[:7].lower()
    return h[:4] == "tel:" or h == "callto:" or h[:4] == "sms:" or "whatsapp" in href or "wa.me/" in href


def tel_href_number(href: str) -> str | None:
    """The number a dialling or messaging link calls, as written (`+33 6 12 34 56 78`, `0612345678`),
    or with its `+` given back (WhatsApp's links write the international number without it); None
    when the link holds none."""
    h = _unquote(href.strip())
    low = h[:7].lower()
    for p in _DIAL:
        if low.startswith(p):
            num = h[len(p):].lstrip("/").split(";", 1)[0].split("?", 1)[0].split(",", 1)[0]
            m = _DIAL_NUMBER.fullmatch(num.strip())
            return m.group() if m is not None and sum(c.isdigit() for c in num) >= 8 else None
    m = _CHAT.match(h)
    return "+" + m.group(1) if m is not None else None


def _tel_read(el: _Element, href: str, out: _Lines) -> bool:
    """A link that dials a number and does not show it (`<a href="tel:+33612345678">Appeler</a>`, a
    client list's contact cell, a WhatsApp button): the number read in place of its text, as
    `_mailto_read` reads an address; a link that shows its number is read as it is."""
    num = tel_href_number(href)
    if num is None or sum(c.isdigit() for c in "".join(el.itertext())) >= 6:
        return False
    out.text(num, False)
    return True


def _non_elements(out: _Lines, node: _Element | None, add_text: Callable[[str, bool], None], verbatim: bool) -> None:
    """A run of comments and processing instructions from `node` (up to the next element): a comment of
    several lines is a block of its own (see the module docstring), and each one's tail is text."""
    while node is not None and type(node.tag) is not str:
        if node.tag is etree.Comment and node.text and "\n" in node.text.strip():
            _own_block(out, node.text)
        if node.tail:
            add_text(node.tail, verbatim)
        node = node.getnext()


def _data_script(el: _Element) -> bool:
    """Whether a `<script>` holds data (see _DATA_SCRIPT_TYPES), by its type's essence."""
    kind = (el.get("type") or "").split(";", 1)[0].strip().lower()
    return kind in _DATA_SCRIPT_TYPES


def _own_block(out: _Lines, text: str) -> None:
    """`text` (a data script's, a comment's) as a block of its own lines, read verbatim."""
    out.soft()
    out.text(text.strip("\r\n"), True)
    out.soft()


def trim_attributes(html: AnyStr, cap: int = MAX_ATTRIBUTES) -> tuple[AnyStr, int]:
    """`html` with every start tag cut after its `cap`-th attribute (the tag still ends where it
    did), and how many tags were cut. Linear time: each character is read by one possessive
    scan, and only tags too long to be harmless (more than 2 characters an attribute) are
    walked attribute by attribute, each to its `cap`+1-th at most. See MAX_ATTRIBUTES for why."""
    tags, attributes = (_START_TAG, _ATTRIBUTE) if isinstance(html, str) else (_START_TAG_B, _ATTRIBUTE_B)
    parts: list[AnyStr] = []
    pos = cut = 0
    for tag in tags.finditer(html):
        start, end = tag.span(1)
        if end - start <= 2 * cap:  # an attribute takes 2 characters at least, its separator included
            continue
        count = keep = 0
        for attribute in attributes.finditer(html, start, end):
            count += 1
            if count == cap:
                keep = attribute.end()
            elif count > cap:
                parts += [html[pos:keep]]
                pos = end
                cut += 1
                break
    if not cut:
        return html, 0
    parts.append(html[pos:])
    return html[:0].join(parts), cut


def parse_html(html: str | bytes) -> tuple[_Element | None, bool]:
    """(the document element, whether the whole page is in it): parsed by libxml2 with
    `huge_tree` (as Scrapy's selectors do), None for an empty page. libxml2 still stops at a
    nesting depth of 2048 and drops the rest of the page; the flag says so, so that the
    caller can fall back to `strip_tags` rather than miss what a hostile page hid after 2048
    unclosed tags. Bytes are read as UTF-8 (decode them first when the charset is unknown)."""
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    data, cut = trim_attributes(data)
    if cut:
        logger.warning("HTML with {} tag(s) of more than {} attributes: the attributes past the {}th were "
                       "dropped before parsing (libxml2 is quadratic in them)", cut, MAX_ATTRIBUTES, MAX_ATTRIBUTES)
    if not data.strip():
        return None, True
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=False, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except (ParserError, etree.XMLSyntaxError):  # nothing but whitespace, comments or a doctype
        return None, True
    complete = not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return root, complete


# The fallback for pages too big or too deep for a tree: substitutions in C, each linear. Tag
# patterns stop at the next "<" as well as ">" (`[^<>]*`), so a run of unclosed "<" costs one
# scan, not one scan per "<"; scripts and styles (whose ends may never come) are RE2's.
_SCRIPT = re2.compile(r"(?is)<(?:script|style)\b[^>]*>.*?</(?:script|style)\s*>")
_BR_NEWLINE = re.compile(r"\A[ \t]*(?:\r\n|\r|\n)")  # the source newline after a `<br>`, in verbatim text
_BR_THEN_NEWLINE = re.compile(r"(<br\b[^<>]*>)[ \t]*(?:\r\n|\r|\n)", re.I)
_BREAK_TAG = re.compile(r"<(?:br|/?(?:p|div|pre|tr|li|blockquote|h\d|table|ul|ol|hr|section|article|dd|dt)"
                        r")\b[^<>]*>", re.I)
_CELL_TAG = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"<[!/?a-zA-Z][^<>]*>")
_BLOCK_RUN = re.compile(r"\x1e[\x1e\s]*")
_BLANKS = re.compile(r"\n[ \t\r\f]*(?=\n)")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _comment_blocks(html: str) -> str:
    """`html` with each comment of several lines made a block of its own text, as the tree reads
    it (`_non_elements`: a dump kept out of sight in the page's source), its `<`, `>` and `&`
    escaped so that the stripper keeps them; other comments removed. One forward scan: each
    `find` starts where the last ended, so a run of `<!--` never closed costs one pass. A
    comment never closed is left to the stripper (the rest of the chunk)."""
    parts: list[str] = []
    pos = 0
    while (start := html.find("<!--", pos)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            break
        parts.append(html[pos:start])
        body = html[start + 4:end]
        if "\n" in body.strip():
            parts += ["<p>", body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), "</p>"]
        pos = end + 3
    parts.append(html[pos:])
    return "".join(parts)


def strip_tags(html: str) -> str:
    """Text of a page without building a tree: block tags and <br> become line breaks, cells
    tabs, other tags vanish, text is kept verbatim (so `<pre>` rows stay rows), a comment of
    several lines is a block of its own (as in the tree: a page past its ceiling lost such a
    dump, round 13 of the attacker's review), runs of blank lines become one, entities are
    unescaped."""
    if "<!--" in html:
        html = _comment_blocks(html)
    if "<script" in html.lower() or "<style" in html.lower():
        parts, pos = [], 0
        for spans in iter_spans(_SCRIPT, html):
            parts.append(html[pos:spans[0][0]])
            pos = spans[0][1]
        parts.append(html[pos:])
        html = "".join(parts)
    html = _BR_THEN_NEWLINE.sub(r"\1", html)  # `<br />\n` is one break, as in `element_text`
    text = _BREAK_TAG.sub(lambda m: "\n" if m.group(0)[1:3].lower() == "br" else "\x1e", html.replace("\x1e", " "))
    text = _ANY_TAG.sub("", _CELL_TAG.sub("\t", text))
    text = _BLOCK_RUN.sub("\n", text.replace("\r\n", "\n"))  # block boundaries collapse, as on screen
    text = _BLANK_RUNS.sub("\n\n", _BLANKS.sub("\n", text))
    return "\n".join(line.strip(" ") for line in _html.unescape(text).split("\n")).strip("\n")


# What a page or an HTML file may cost as a tree. libxml2 costs 120 to 270 bytes an element (a node,
# plus a text node between tags), and the walk keeps its own Python objects: 8 MB of unclosed `<b>`
# (1.6 million elements) took 1.9 GB of resident memory in `vigie scan` before this ceiling. Past
# it, the text is read by the tag stripper a chunk at a time (`page_text`), as a crawl reads a page
# past `limits.max_page_elements` (whose default this is: crawler.defaults.MAX_PAGE_ELEMENTS).
MAX_TREE_ELEMENTS = 200_000
LINK_WEIGHT = 4
_CHUNK = 1 << 20
# every ASCII letter read as "a", "?" as "!", every other byte as itself: "<a" then counts `<` + a
# letter, which is what starts an element for libxml2's HTML parser (`</`, `<!`, `<?` and a lone `<`
# do not), and "<!" the comments, doctypes and processing instructions (`MarkupCount.others`)
_LETTERS_AS_A = bytes(ord("a") if chr(b).isascii() and chr(b).isalpha() else ord("!") if b == ord("?") else b
                      for b in range(256))
# "A" read as "a" and HTML's white space as " ": "<a " then counts the links (`<abbr` does not match)
_LINK_SPACES = bytes(ord(" ") if b in b"\t\n\f\r" else ord("a") if b == ord("A") else b for b in range(256))
_LINE_CUTS = ("<br", "<BR", "<p", "<P", "</p", "<div", "<DIV", "</div", "<tr", "<TR", "<li", "<LI", "\n<")


@dataclass(frozen=True, slots=True)
class MarkupCount:
    """What a page would cost as a tree, counted from its bytes: its start tags, and how many of
    them are links. A link costs about four elements in a crawl (its `href` attribute node, and
    the Python objects the spiders make of every link of a page to find its next-page link:
    an `<a href>` storm took 1.3 kB a link where unclosed `<p>` took 320 bytes an element), so
    `weight`, what the ceiling is compared with, counts it four times. `others`: the comments,
    processing instructions, doctypes and CDATA sections (`<!`, `<?`): nodes too (a crawl's tree keeps
    them, and so does `vigie scan`'s, which reads comments of several lines): 7 MB of `<!---->` made
    1.2 million of them and 394 MB of resident memory under the ceiling, which counted none."""

    start_tags: int
    links: int
    others: int = 0

    @property
    def weight(self) -> int:
        return self.start_tags + self.others + (LINK_WEIGHT - 1) * self.links


def count_start_tags(data: bytes, stop_above: int | None = None, chunk: int = _CHUNK) -> MarkupCount:
    """The start tags in `data` (`<` then an ASCII letter), the links among them (`<a` then a
    space) and the other nodes (`<!`, `<?`: see MarkupCount); once the weight is past `stop_above`,
    the count so far (the rest is not read). Two passes over the bytes in C per chunk (byte
    translations and substring counts: linear, no regex). Chunks overlap by two bytes, and each
    counts the matches that start inside it, so a tag cut by a chunk boundary is counted once."""
    tags = links = others = 0
    for start in range(0, len(data), chunk):
        part = data[start:start + chunk + 2]
        head = part[:chunk + 1].translate(_LETTERS_AS_A)
        tags += head.count(b"<a")
        others += head.count(b"<!")  # (and `<?`: read as `<!`)
        links += part.translate(_LINK_SPACES).count(b"<a ")
        if stop_above is not None and tags + others + (LINK_WEIGHT - 1) * links > stop_above:
            break
    return MarkupCount(tags, links, others)


def ascii_compatible(encoding: str) -> bool:
    """Whether `encoding` writes `<` and letters as ASCII does (UTF-8, Latin-1, cp1252,
    Shift_JIS...), so that its bytes hold the tags libxml2 is handed; not UTF-16 or UTF-32, where
    `<p` is `<\\0p\\0` (count those in the decoded text instead)."""
    try:
        return "<a".encode(encoding) == b"<a"
    except (LookupError, UnicodeError):
        return False


def page_text(html: str, chunk: int = _CHUNK) -> str:
    """The text of `html` by the tag stripper, about `chunk` characters at a time, so that the
    stripper's copies are those of a chunk, not of the page. Each cut is where a line ends anyway
    (before a `<br`, `<p`, `<div`, `<tr` or `<li`, or a tag that starts a source line), else
    before any tag, else at a space: never inside a word, so no identifier is split. A `<script>`
    or `<style>` that spans a cut keeps its text (more text to scan)."""
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


def html_to_text(html: str, max_tree_chars: int = 8 * 1024 * 1024, max_elements: int = MAX_TREE_ELEMENTS,
                 keep_lines: bool = False) -> str:
    """The text of a whole page (its `<head>` dropped) under the same model as `element_text`.
    `keep_lines`: `html` is a text in which some markup was seen, not known to be a page (a dump
    with one `ok<br>` line, an HTML snippet pasted under a CSV): its own line breaks stay line
    breaks (one record a line), and a `<` that opens no HTML element (`<jean@x.fr>`, `a<b`) is
    text, not a tag that would swallow what follows it. A page read so keeps its markup's lines.
    A page that a tree would make too costly, longer than `max_tree_chars` or of more elements
    than `max_elements` (counted from its bytes before parsing, see MAX_TREE_ELEMENTS; 0: no
    ceiling), or nested deeper than libxml2 builds, is read by the tag stripper a chunk at a time
    instead (`page_text`: same line structure, coarser cells), and says so: its text is still
    scanned, in bounded memory, and nothing after the hostile part is lost."""
    if keep_lines and "<" in html:
        html = _NOT_A_TAG.sub("&lt;", html)
    if len(html) > max_tree_chars:
        logger.warning("HTML of {} characters, more than {} read as a tree: its text is read by the tag stripper",
                       len(html), max_tree_chars)
        return page_text(html)
    data = html.encode("utf-8", "surrogatepass")
    if max_elements:
        counted = count_start_tags(data, stop_above=max_elements)
        if counted.weight > max_elements:
            logger.warning("HTML of more than {} elements (a link counts as {}), too many for a tree: its text "
                           "is read by the tag stripper", max_elements, LINK_WEIGHT)
            return page_text(html)
    root, complete = parse_html(data)
    del data
    if not complete:
        logger.warning("HTML nested deeper than the parser builds: read with the tag stripper instead")
        return page_text(html)
    return "" if root is None else element_text(root, keep_lines)
