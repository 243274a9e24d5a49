"""Rows a blank line apart: a dump double-spaced is read as its rows one after the other.

A dump whose rows each stand between blank lines (a copy from a rendered page, a CRLF file
converted twice, an editor's empty paragraph, a line holding one space, an NBSP or a `#`) had
every row alone: the seed scan drops a seed line that stands alone, and a whole 12-row CSV, a
combo list, JSON lines or a list of e-mails gave nothing (wave 24, blind probe set 4c). A run of
three or more ONE-line records a separator line apart, which share a shape (the same delimiter
the same number of times, each a JSON object, each one token such as an `email:pass` or an
e-mail, each a phone number), is read with its separator lines left out, and the fragments'
line numbers are the input's (`compact` gives the kept lines). A blank line is also what parts
multi-line records (stealer logs, label blocks, mails, prose paragraphs): a group of two lines
or more is never joined, and prose (a sentence's full stop, a `label: value`) has no shape.
The same for both engines: the text is rewritten before either reads it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

__all__ = ["RUN_LOOK", "SEPARATOR_ENDS", "compact", "may_hold", "spaced_among"]

# two rows (a line with an @ or a digit, and a delimiter, an @, a `{`, no space at all or only
# a phone's characters), each after a separator line: the first look, one search that jumps
# from line end to line end (a literal first); `compact` then reads the lines around them
_SEP = r"(?:[ \t\r#]|\u00a0|\u3000)*"
_ROW = (
    r"(?=[^\n]*[@0-9])(?:(?=[^\n]*(?:[;:|\t{@]|,[^ \n]))|(?=[^\s]++(?:\n|$))|(?=[0-9+ .()\-\r]++(?:\n|$)))"
    r"[^\n]*+"
)  # (lookarounds and possessive: no backtracking into a long line)
_NEXT = r"(?=[^\n]*+\n(?:" + _SEP + r"\n){1,2})"  # (first: a line then a separator, the cheap test)
_RUN = re.compile(
    r"\n(?=[\n \t\r#\u00a0\u3000])(?:" + _SEP + r"\n){1,2}" + _NEXT + _ROW + r"\n(?:" + _SEP + r"\n){1,2}" + _ROW
)
# a rule (five `-`, `=`, `_`... or more) or a `<hr>` is a separator line too (ASCII borders
# between rows, a page's `<hr>`): `_SEP_LINE` says which lines are; `_RUN` does not look for
# them (`_last_row_alone` does, from the end), `_RUN_B` does (the items a scan left out)
_SEP_B = rb"(?:[ \t\r#=_*~+\-<>/hr]|\xc2\xa0|\xe3\x80\x80)*"
_RUN_B = re.compile(
    _RUN.pattern.replace(r"(?=[\n \t\r#\u00a0\u3000])", "").replace(_SEP, "SEP").encode().replace(b"SEP", _SEP_B)
)
# `_RUN`'s first look in `firstlook`'s one Hyperscan pass over the text's UTF-8: a line end, a
# separator line, a line with an @ or a digit, a separator line (a superset: in each `_RUN` match,
# the last separator line above its first row is one, its first row and the separator line below;
# a separator line's bytes, those of `_SEP` and a line end). Most dump posts hold none (a blank line
# under prose, rows without one between them): their `_RUN` search was ~2% of a dump post. (Each
# part a literal line end then a class of a few bytes: the forms with `[^\n]*` or `{1,2}` for the
# separator lines cost the scan +10% on a dense dump, this one nothing measurable.)
_SEP_LINE_B = rb"(?:\n|[ \t\r#\xc2\xe3][ \t\r#\xc2\xa0\xe3\x80]*\n)"
RUN_LOOK = rb"\n" + _SEP_LINE_B + rb"[^\n]*[@0-9][^\n]*\n" + _SEP_LINE_B
_SEP_LINE = re.compile(r"[ \t\u00a0\u3000]*(?:#|[=_*~+\-]{5,}|<hr\s{0,8}/?>)?[ \t\u00a0\u3000]*")
_DELIM = re.compile(r"[\t;|,:]")
_SEP_FIRST = frozenset(" \t\u00a0\u3000#=_*~+-<")
_PHONE = re.compile(r"\+?[0-9][0-9 .\-()/]{7,22}")
_SEED = re.compile(r"[@0-9]")
_MIN_ROWS = 3


def may_hold(data: bytes | str) -> bool:
    """Whether `data` may hold such a run (a regular expression over it, no split)."""
    if isinstance(data, bytes):
        return _RUN_B.search(data) is not None
    return _RUN.search(data) is not None


# over this many characters (a page of posts, a file), a rewrite needs its first look to match
# this many times (a dump's rows), not once: each rewrite splits the whole text into lines
_BIG, _BIG_MATCHES = 256 * 1024, 64


def _looks(pattern: re.Pattern[str], text: str) -> bool:
    if len(text) < _BIG:
        return pattern.search(text) is not None
    n, need = 0, max(_BIG_MATCHES, len(text) // 2048)  # (a dump's rows: one look every 2 KB at least)
    for _ in pattern.finditer(text):
        n += 1
        if n >= need:
            return True
    return False


# every line end `_blank_line` looks for (`firstlook.looks` finds them in one pass over a text):
# a blank line, a line of spaces, a `#`, a rule of dashes or `=` or `+---+`, a `<hr>` or `<hr/>`
SEPARATOR_ENDS = (
    "\n\n",
    " \n",
    "#\n",
    "\u00a0\n",
    "\t\n",
    "\u3000\n",
    "\r\n",
    "---\n",
    "===\n",
    "-+\n",
    "hr>\n",
    "/>\n",
)
# a separator line starts with one of its characters, or is empty: one search from each line
# end (a literal first: ~10x faster on a dump than the `in` tests of each end)
_SEP_START = re.compile(r"\n(?:[\n \t\r#=_*~+\-\u00a0\u3000]|<hr)")


def _blank_line(text: str) -> bool:
    """Whether `text` may hold a separator line (a dump without one, most often, is not
    searched by `_RUN` at all)."""
    return "\n\n" in text or _SEP_START.search(text) is not None  # (a post's blank line: found early)


def spaced_among(items: Sequence[bytes | str]) -> list[int]:
    """The indices of `items` that hold rows a blank line apart that `compact` reads (one search
    over them all: `prefilter.detect_many`, whose scan leaves such posts out, every row standing
    alone)."""
    try:
        joined = b"\n\x00\n".join(items)  # type: ignore[arg-type]
    except TypeError:  # text among them
        joined = b"\n\x00\n".join(it if isinstance(it, bytes) else it.encode("utf-8", "replace") for it in items)
    if _RUN_B.search(joined) is None:
        return []
    ends = list(accumulate(len(it if isinstance(it, bytes) else it.encode("utf-8", "replace")) + 3 for it in items))
    out: list[int] = []
    seen: set[int] = set()
    for m in _RUN_B.finditer(joined):
        k = bisect_right(ends, m.start())
        if m.start() >= ends[k] - 3:  # (the LF that ends the separator: the next item's run)
            k += 1
        if k not in seen and k < len(items):
            seen.add(k)
            it = items[k]
            if compact(it if isinstance(it, str) else it.decode("utf-8", "replace")) is not None:
                out.append(k)
    return out


def _keys(line: str) -> set[object]:
    s = line.strip(" \t\u00a0\u3000")
    out: set[object] = set()
    if s[:1] == "{" and s[-1:] == "}":
        out.add("json")
    if len(s.split(None, 1)) == 1:  # (one split at most: a line of words is cut once)
        out.add("token")  # an e-mail, an `email:pass`, a phone without spaces
    elif _PHONE.fullmatch(s):
        out.add("phone")
    if _DELIM.search(s) is None:  # (most lines of words: none of the counts below)
        return out
    prose = s.endswith((".", "!", "?")) or ". " in s
    c = s.count(";")
    if c:
        out.add((";", c))
    c = s.count("|")
    if c:
        out.add(("|", c))
    c = s.count("\t")
    if c:
        out.add(("\t", c))
    c = s.count(",")
    if c and not prose and ", " not in s:
        out.add((",", c))
    c = s.count(":")
    if c and ": " not in s and not prose:
        out.add((":", c))
    return out


# A document of one element or one member a line (XML, pretty-printed JSON) double-spaced: its
# lines share no shape (`<nom>` and `<email>` lines, `{` and `"email": ...`), but eight or more of
# them a blank line apart, nearly all markup, are one document with its blank lines to leave out
# (its values were read, its dates of birth lost, or nothing at all for XML: wave 25, set 5)
_MIN_MARKUP = 8
# its first look: three element lines a blank line apart (`_RUN` wants rows with a delimiter or an @),
# asked of a text where a line that ends an element is followed by a blank line (a C search)
_MARKUP_LOOK = re.compile(
    r">\n[ \t]{0,8}+\n(?:[ \t]{0,8}+\n)?+[ \t]{0,40}+<(?:[^\n>]*+>)++\n[ \t]{0,8}+\n(?:[ \t]{0,8}+\n)?+[ \t]{0,40}+<"
)
_XML_LINE = re.compile(r"<[/?!]?[A-Za-z_][^<>\n]{0,200}>(?:[^<>\n]{0,500}</[A-Za-z_][\w:.\-]{0,60}>)?")
_JSON_LINE = re.compile(r'[{}\[\]],?|"[^"\n]{1,80}"[ \t]*:[^\n]{0,600}|"[^"\n]{0,600}",?|-?[0-9][0-9.eE+\-]{0,30},?')


def _markup_look(text: str) -> bool:
    """`_MARKUP_LOOK` asked where an element's line ends before a blank line or one of blanks
    (C searches first: most texts have none)."""
    return (">\n\n" in text or ">\n \n" in text or ">\n\t\n" in text) and _MARKUP_LOOK.search(text) is not None


def _markup_run(lines: list[str], run: list[int]) -> bool:
    """Whether 90% of the lines `run` lists are XML elements or pretty JSON's lines, JSON with at
    least one member line and one bracket line."""
    xml = js = members = brackets = 0
    for r in run:
        s = lines[r].strip()
        if s[:1] == "<" and _XML_LINE.fullmatch(s):
            xml += 1
        elif _JSON_LINE.fullmatch(s):
            js += 1
            if s[:1] == '"' and ":" in s:
                members += 1
            elif s[:1] in "{}[]":
                brackets += 1
    need = 0.9 * len(run)
    return xml >= need or (js >= need and members > 0 and brackets > 0)


def _shared(lines: list[str], run: list[int]) -> list[list[int]]:
    """The stretches of `run` (one-line records, in order) of three rows or more that share a
    shape, each with the header above it when it has the shape and no @ nor digit."""
    out: list[list[int]] = []
    cur: list[int] = []
    common: set[object] = set()
    header = prev = -1

    def close() -> None:
        if len(cur) >= _MIN_ROWS:
            out.append(([header] if header >= 0 and common & _keys(lines[header]) else []) + cur)

    for r in run:
        if _SEED.search(lines[r]) is None:  # no row: a header, maybe, of the rows below
            close()
            cur, header, prev = [], -1, r
            continue
        ks = _keys(lines[r])
        if cur and common & ks:
            cur.append(r)
            common &= ks
        else:
            close()
            cur, common = [r], ks
            header = prev if prev >= 0 and _SEED.search(lines[prev]) is None else -1
        prev = r
    close()
    return out


# in a string of one letter a line (`s` a separator line, `r` any other): a lone row one or two
# separator lines after a group of two lines or more, or before one (lookaheads: overlapping)
_LONE_AFTER = re.compile(rb"(?=r(r)(s{1,2})(r)(?:s|$))")
_LONE_BEFORE = re.compile(rb"(?:^|(?<=s))(?=(r)(s{1,2})(r)r)")
# (`^`: asked from a line's start, no search from each character)
_TABLE_ROW = re.compile(r"(?m)^(?:[^\n;|\t]*+[;|\t][^\n;|\t]*+[;|\t]|[^\n,]*+,(?! )[^\n,]*+,(?! ))")


def _last_row_alone(text: str) -> bool:
    """Whether the text's last row (below at most two separator lines) is a table's row (two
    of `; | TAB` or two commas, not the first two a sentence's, an @ or a digit) one or two
    separator lines below another line: where a lone row most often is (the last page of a
    dump cut in pages holds one row; rows two by two end on one; rows each between two rules
    end on one). `compact`'s second first look, from the end: no search over the text."""
    t = text
    end = len(t)
    while end and t[end - 1] in " \t\r\n":  # (no copy of the text: `rstrip` makes one)
        end -= 1
    i = t.rfind("\n", 0, end)
    for _ in range(2):  # (the separator lines that end the text, a rule below the last row)
        if i < 0 or t[i + 1] not in _SEP_FIRST or _SEP_LINE.fullmatch(t, i + 1, end) is None:
            break
        end = i
        while end and t[end - 1] in " \t\r\n":
            end -= 1
        i = t.rfind("\n", 0, end)
    if i < 0 or _TABLE_ROW.match(t, i + 1, end) is None or _SEED.search(t, i + 1, end) is None:
        return False
    for seps in range(3):
        p = t.rfind("\n", 0, i)
        ln = t[p + 1 : i]
        if ln and (ln[0] not in _SEP_FIRST or _SEP_LINE.fullmatch(ln) is None):
            return seps > 0
        if p < 0:
            return False
        i = p
    return False


def _lone_rows(lines: list[str], flags: bytes, drop: set[int]) -> None:
    """Add to `drop` the separator lines that part a lone row from a table of its shape: a row
    alone between separator lines (a page break, a `<hr>`, a rule, a blank line every two rows)
    one or two lines from a group whose two nearest lines share the row's shape (a header may
    be one of them), the row read as the group's next or previous row. The row holds two of
    `; | TAB` (a table's row; a comma is a sentence's too)."""
    if b"rr" not in flags:  # (no group of two lines: no table for a lone row)
        return
    for pattern, lone, near in ((_LONE_AFTER, 3, 1), (_LONE_BEFORE, 1, 3)):
        for m in pattern.finditer(flags):
            k, g = m.start(lone), m.start(near)
            h = g - 1 if lone == 3 else g + 1
            gap = range(m.start(2), m.end(2))
            if any(x in drop for x in gap) or _TABLE_ROW.match(lines[k]) is None or _SEED.search(lines[g]) is None:
                continue
            if _keys(lines[k]) & _keys(lines[g]) & _keys(lines[h]):
                drop.update(gap)


def compact(text: str, may_run: bool = True) -> tuple[str, list[int]] | None:
    """`text` without the separator lines inside its runs of one-line records (see the module
    docstring), and for each line kept its 0-based line number in `text`; None when there is
    no such run (the text is read as it is). `may_run` False: `firstlook` found no `RUN_LOOK` in
    the text, so `_RUN` matches nowhere and only a lone last row is looked for."""
    if not _blank_line(text):
        return None
    if not (may_run and (_looks(_RUN, text) or _markup_look(text))) and not _last_row_alone(text):
        return None
    lines = text.split("\n")
    n = len(lines)
    flags = bytes(  # (a line that starts with a letter or a digit is no separator: no regex call)
        [115 if not ln or (ln[0] in _SEP_FIRST and _SEP_LINE.fullmatch(ln) is not None) else 114 for ln in lines]
    )  # b"s" a separator line, b"r" any other
    sep = [c == 115 for c in flags]
    drop: set[int] = set()
    k = 0
    while k < n:
        if sep[k] or (k and not sep[k - 1]) or (k + 1 < n and not sep[k + 1]):
            k += 1  # not a one-line group
            continue
        run = [k]
        j = k
        while True:
            nxt = j + 1
            while nxt < n and nxt - j <= 3 and sep[nxt]:
                nxt += 1
            if nxt >= n or nxt - j > 3 or nxt == j + 1 or (nxt + 1 < n and not sep[nxt + 1]):
                break
            run.append(nxt)
            j = nxt
        k = j + 1
        if len(run) >= _MIN_MARKUP and _markup_run(lines, run):  # an XML or pretty JSON document double-spaced
            drop.update(x for a, b in zip(run, run[1:], strict=False) for x in range(a + 1, b))
            continue
        for rows in _shared(lines, run) if len(run) >= _MIN_ROWS else ():
            for a, b in zip(rows, rows[1:], strict=False):
                drop.update(range(a + 1, b))
    _lone_rows(lines, flags, drop)
    if not drop:
        return None
    kept = [k for k in range(n) if k not in drop]
    return "\n".join(lines[k] for k in kept), kept


# ---------------------------------------------------------------- combo lines dressed by a checker
# A combo list whose every line wears one decoration (a Telegram channel's `✅ `, a checker's
# `[+] ` and its captures after ` | `, a bullet, a line number and a space, a ` [VALID]`) gave
# nothing, not even the e-mails: no line was a combo line (wave 24, set 4c). In a run of three
# such lines or more, the decoration is made spaces (the same length: offsets and lines stay)
# and the lines are read as the combo list they are.
_DECOR = re.compile(  # (\A: asked of one line whole, `fullmatch`; anchored, no search is quadratic)
    r"\A([ \t]*(?:[^\w\s@:|]{1,3}|\[[^\]\n]{1,8}\]|\d{1,7}|//|--)[ \t]+)?"
    r"[^\s:|;@]{1,64}@[^\s:|;@]{1,128}[:|][^\s|]{1,256}?"
    r"([ \t]+(?:\[[^\]\n]{1,20}\]|\|[^\n]*|->[^\n]*|[^\w\s]{1,3}))?[ \t]*"
)
# the first looks, each from a literal (a line end, an @): a decorated line's head, or its tail
_DECOR_HEAD = re.compile(
    r"\n[ \t]*(?:[^\w\s@:|]{1,3}|\[[^\]\n]{1,8}\]|\d{1,7}|//|--)[ \t]+[^\s:|;@]{1,64}@[^\s:|;@]{1,128}[:|]"
)
_COMBO_AT = re.compile(r"@[^\s:|;@]{1,128}[:|]\S")
_DECOR_TAIL = re.compile(r"@[^\s:|;@]{1,128}[:|][^\s|]{1,256}?[ \t]+(?:\[|\||->|[^\w\s])")


def undecorate(text: str) -> str | None:
    """`text` with the decorations of its decorated combo runs made spaces, or None."""
    if "@" not in text or not _looks(_COMBO_AT, text):  # (no e-mail then ':' or '|': most posts)
        return None
    if _DECOR_HEAD.search(text) is None and _DECOR_TAIL.search(text) is None:
        return None
    lines = text.split("\n")
    marks: list[tuple[int, int, int, int] | None] = []
    for ln in lines:
        m = _DECOR.fullmatch(ln) if "@" in ln else None
        marks.append(
            None
            if m is None or (m.group(1) is None and m.group(2) is None)
            else (m.start(1), m.end(1), m.start(2), m.end(2))
        )
    changed = False
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and marks[j] is not None:
            j += 1
        if j - k >= _MIN_ROWS:
            for r in range(k, j):
                ln, (a, b, c, d) = lines[r], marks[r]  # type: ignore[misc]
                if a >= 0:
                    ln = " " * b + ln[b:]
                if c >= 0:
                    ln = ln[:c] + " " * (d - c) + ln[d:]
                lines[r] = ln
            changed = True
        k = j + 1
    return "\n".join(lines) if changed else None


# ---------------------------------------------------------------- ':' as the field separator
# Rows `Last:First:dd/mm/yyyy:email:phone:NIR` (':' the separator: the 2021 Facebook layout,
# many forum dumps) gave nothing, and rows opening with an e-mail were read as a combo list,
# their dobs and phones lost (wave 24, set 4). In a run of three adjacent lines or more that
# hold the same number (three or more) of colons, no time (`12:30`), no URL, no `label: value`,
# no namespaced markup tag (`<ns2:dateNaissance>`, `</soap:Body>`: a SOAP answer's records one a
# line, whose every tag made `<ns2;...` lost the XML reader its births), each colon is read as a
# `;` (the same length), and the rows as the CSV they are.
_COLON_SEEN = re.compile(r":[^\n: ]{1,64}:[^\n: ]{0,64}:")
_NOT_COLON_ROW = re.compile(r"(?<!\d)\d{1,2}:\d\d(?!\d)|://|: | :|;|</?[A-Za-z_][\w.\-]{0,40}:[A-Za-z_]")


def colon_rows(text: str) -> str | None:
    """`text` with the colons of its runs of colon-separated rows made `;`, or None."""
    if not _looks(_COLON_SEEN, text):
        return None
    lines = text.split("\n")
    counts = [
        ln.count(":") if ln.count(":") >= 3 and _NOT_COLON_ROW.search(ln) is None and _SEED.search(ln) else 0
        for ln in lines
    ]
    changed = False
    k = 0
    while k < len(lines):
        j = k + 1
        while j < len(lines) and counts[k] and counts[j] == counts[k]:
            j += 1
        if counts[k] and j - k >= _MIN_ROWS:
            top = k - 1  # a header: the same colons, no @ nor digit
            if top < 0 or lines[top].count(":") != counts[k] or _NOT_COLON_ROW.search(lines[top]) is not None:
                top = k
            for r in range(top, j):
                lines[r] = lines[r].replace(":", ";")
            changed = True
        k = j
    return "\n".join(lines) if changed else None
