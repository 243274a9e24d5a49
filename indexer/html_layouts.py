"""Leak-site page layouts that `html_text.element_text` reads as a reader sees them.

Leak sites' engines lay a sample out in ways a line model of HTML read wrong (blind probe set 5):

- rows of `<div class="row">` whose cells are `<span>`s or `<div>`s (no `<table>`): the spans glued
  into one word (`RousselInès17/02/1984ines.roussel@...`), the divs made one field a line. A
  grid row is read as a table row: its cells tab-separated (`grid_cells`);
- one `<dl>` a person, `<dt>label</dt><dd>value</dd>`: a label, then its value on the next line.
  Each pair is one `label: value` line (`definition_pairs`);
- a `display:none` span of junk inside each value (`ine<span style="display:none">x9</span>s...`):
  what the browser hides is not read (`hidden_junk`);
- Cloudflare's e-mail protection: the address XORed into `data-cfemail` (`[email protected]` shown
  without scripts): decoded (`cf_email`);
- a single-page app's state assigned in a script (`window.__INITIAL_STATE__ = {...};`): its JSON
  value read as a data script is (`state_json`);
- the sample as a `data:` link (`<a href="data:text/csv;base64,...">`): decoded (`data_uri_text`).

Each check is asked only of the elements it is about (a `<dl>`, a row of three same cells, an
inline element with a style, a link with a `data:` URL, an untyped script), in linear time.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = ["cf_email", "data_uri_text", "definition_pairs", "grid_cells", "hidden_junk", "state_json"]

# ----------------------------------------------------------------------------------- grid rows
_GRID_CELL_TAGS = frozenset({"span", "div", "p", "b", "strong", "small", "label", "em", "i", "a"})
_GRID_ROW_TAGS = frozenset({"div", "p", "section", "article", "span", "li"})
_MIN_CELLS = 3
_MAX_CELL_CHARS = 200
_MAX_CELL_ELEMENTS = 50
_INLINE = frozenset(
    {
        "span",
        "b",
        "strong",
        "small",
        "em",
        "i",
        "a",
        "u",
        "s",
        "sub",
        "sup",
        "font",
        "mark",
        "abbr",
        "code",
        "kbd",
        "time",
        "wbr",
        "bdi",
        "bdo",
        "q",
        "cite",
        "label",
        "data",
    }
)


def _shape(el: _Element) -> tuple[str, int, str] | None:
    """(cell tag, cell count, row tag) of a grid row candidate, or None: 3 children or more, all
    elements of one tag with nothing but blanks between them, each a leaf of inline markup and
    short text."""
    n = len(el)
    if n < _MIN_CELLS or (el.text and el.text.strip()):
        return None
    first = el[0].tag
    if not isinstance(first, str) or first.lower() not in _GRID_CELL_TAGS:
        return None
    for c in el:
        if c.tag != first or (c.tail and c.tail.strip()):
            return None
        size = len(c.text or "")
        k = 0
        for d in c.iterdescendants():
            k += 1  # (bounded: a row's check costs at most this much a cell, whatever the nesting below)
            if k > _MAX_CELL_ELEMENTS or not isinstance(d.tag, str) or d.tag.lower() not in _INLINE:
                return None
            size += len(d.text or "") + len(d.tail or "")
        if size > _MAX_CELL_CHARS:
            return None
    return first.lower(), n, el.tag


def grid_cells(el: _Element) -> list[_Element]:
    """The cells of `el` when it is a grid row (see `_shape`) beside another of the same shape
    (a table's rows: one such block alone is a menu or a byline), else []."""
    n = len(el)
    if el[0].tag != el[n - 1].tag:  # (cheap looks first: most blocks of 3 children are no row)
        return []
    near = [x for x in (el.getnext(), el.getprevious()) if x is not None and x.tag == el.tag and len(x) == n]
    if not near:
        return []
    shape = _shape(el)
    if shape is None:
        return []
    return list(el) if any(_shape(x) == shape for x in near) else []


# ------------------------------------------------------------------------------ definition lists
def definition_pairs(el: _Element) -> tuple[list[_Element], list[_Element]]:
    """The `<dt>`s and `<dd>`s of a `<dl>` whose terms are each followed by one description
    (two pairs or more), else ([], []): each pair is read as one `term: description` line."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if len(kids) < 4 or len(kids) % 2:
        return [], []
    terms, values = kids[0::2], kids[1::2]
    if any(t.tag.lower() != "dt" for t in terms) or any(v.tag.lower() != "dd" for v in values):
        return [], []
    return terms, values


# ---------------------------------------------------------------------------------- hidden junk
_DISPLAY_NONE = re.compile(r"(?i)(?:display\s{0,5}:\s{0,5}none|visibility\s{0,5}:\s{0,5}hidden)")
_JUNK_CHARS = 40


def hidden_junk(el: _Element) -> bool:
    """Whether an inline element is a few characters a browser hides (`display:none`,
    `visibility:hidden`, the `hidden` attribute) inside a run of text: junk put there against
    scrapers. A hidden block (a sample a button reveals) is still read: only a childless inline
    element of at most 40 characters is left out."""
    if len(el) or len(el.text or "") > _JUNK_CHARS:
        return False
    style = el.get("style")
    return (style is not None and _DISPLAY_NONE.search(style) is not None) or el.get("hidden") is not None


# ------------------------------------------------------------------------------------- e-mails
def cf_email(hexed: str) -> str | None:
    """Cloudflare's protected address (`data-cfemail`: a key byte, then each byte XOR the key, in
    hex), or None when it does not decode to a printable address."""
    if len(hexed) < 8 or len(hexed) > 1024 or len(hexed) % 2:
        return None
    try:
        raw = bytes.fromhex(hexed)
    except ValueError:
        return None
    key = raw[0]
    try:
        out = bytes(b ^ key for b in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return out if "@" in out and out.isprintable() and " " not in out else None


# ---------------------------------------------------------------------------------- data: links
_DATA_URI = re.compile(r"(?is)\Adata:([a-z0-9.+-]{0,40}/[a-z0-9.+-]{0,60})?((?:;[a-z0-9=._-]{1,60}){0,4}),")
_TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/csv",
        "application/xml",
        "application/x-ndjson",
        "application/sql",
        "application/x-sql",
    }
)
MAX_DATA_URI = 8 * 1024 * 1024  # characters of a `data:` URL decoded


def data_uri_text(url: str) -> str | None:
    """The text of a `data:` URL of a text type (`text/*`, JSON, CSV, XML, SQL; none named is
    text/plain), base64 or percent-encoded, when it is UTF-8 (or cp1252) text; else None."""
    if len(url) > MAX_DATA_URI:
        return None
    m = _DATA_URI.match(url)
    if m is None:
        return None
    kind = (m.group(1) or "text/plain").lower()
    if not kind.startswith("text/") and kind not in _TEXT_TYPES:
        return None
    body = url[m.end() :]
    try:
        if "base64" in m.group(2).lower():
            raw = base64.b64decode("".join(body.split()) + "=" * (-len(body) % 4), validate=False)
        else:
            raw = unquote_to_bytes(body)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() and "\x00" not in text else None


# ------------------------------------------------------------------------ a single-page app's state
# `window.__INITIAL_STATE__ = `, `var data = `, `self.__DATA__=`: a name assigned at the script's start
_ASSIGNED = re.compile(
    r"\A\s{0,200}(?:(?:var|let|const)\s{1,20})?[A-Za-z_$][\w$.]{0,100}(?:\[[\"'][\w$.-]{1,100}"
    r"[\"']\]){0,3}\s{0,20}=\s{0,20}(?=[\[{])"
)
_JSON_PARSE = re.compile(
    r"\A\s{0,200}(?:(?:var|let|const)\s{1,20})?[A-Za-z_$][\w$.]{0,100}\s{0,20}=\s{0,20}"
    r"JSON\.parse\(\s{0,20}(?=[\"'])"
)


def state_json(script: str) -> str | None:
    """The JSON value a script assigns at its start (a single-page app's state: `window.__X__ =
    {...};`, `= JSON.parse("...")`), pretty-printed one key a line, or None (code, a literal that
    is not JSON). Only JSON is read: a JavaScript object literal is code."""
    m = _ASSIGNED.match(script)
    decoder = json.JSONDecoder()
    try:
        if m is not None:
            value, _ = decoder.raw_decode(script, m.end())
        else:
            m = _JSON_PARSE.match(script)
            if m is None:
                return None
            at = m.end()
            if script[at] == "'":  # a single-quoted JavaScript string: its JSON as written (no escapes)
                end = script.find("'", at + 1)
                inner = script[at + 1 : end] if end > 0 else ""
            else:
                inner, _ = decoder.raw_decode(script, at)
            if not isinstance(inner, str):
                return None
            value = json.loads(inner)
    except (ValueError, RecursionError, IndexError):
        return None
    if not isinstance(value, (dict, list)) or not value:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, indent=1)
    except (ValueError, RecursionError):
        return None
