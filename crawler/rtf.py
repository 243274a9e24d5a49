"""RTF documents read as text for the detector, tables as rows.

A practice's letters and lists are often RTF (WordPad, medical software's report exports). Read
as bytes, an RTF's table is `\\trowd\\cellx2000 DUPONT\\cell ...\\row` and its accented letters
`\\'e9`: the detector saw neither rows nor words. Read here, the document is the text a person sees
(`letter.rtf/document.txt`): a paragraph a line, a table row a line of tab-separated cells (quoted as
CSV quotes them when needed, as a .docx table is), `\\'xx` decoded in the document's `\\ansicpg`
(cp1252 by default), `\\uN` as the character it is (its `\\ucN` fallback characters skipped).

The file is the attacker's. The reader is written here, bounded (no library was both maintained and
bounded: striprtf, the one on PyPI, keeps no bound on groups and does not skip `\\bin` data):

- groups nested deeper than `MAX_DEPTH` refuse the document (`RtfError`: 100,000 `{` is an attack
  on a recursive reader; this one keeps a list, but such a file is no document);
- destinations that hold no text a person reads (font and colour tables, style sheets, pictures,
  objects, `\\*` groups) are skipped, their bytes still scanned once; `\\binN` data is jumped over
  (N bytes, at most what is left: a 50 MB blob costs nothing);
- the text is counted as it is built against the room the caller gives (what is left of
  `attachments.max_uncompressed_bytes`), refused past it (`RtfCapError`); the reading stops past
  `SECONDS` of this thread's CPU time (`RtfCapError`).
"""

from __future__ import annotations

import codecs
import re
import time

from crawler._room import TextRoom
from crawler.spreadsheets import _quote

__all__ = ["MAX_DEPTH", "SECONDS", "RtfCapError", "RtfError", "is_rtf", "rtf_text"]

MAX_DEPTH = 512  # nested groups (Word nests a few dozen)
SECONDS = 20.0
_EVERY = 4096  # tokens between two looks at the clock
_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?[0-9]{1,10})? ?"  # a control word and its parameter (one space delimits it)
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    rb"|\\([^a-zA-Z'])"  # a control symbol (\\ \{ \} \~ \- \_ \* \<newline>)
    rb"|([{}])"
    rb"|[\r\n]+"  # line ends in the source are not text
    rb"|([^\\{}\r\n]+)",  # text
    re.S,
)
# destinations whose text no reader sees
_SKIP = frozenset({
    b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"objdata", b"themedata",
    b"colorschememapping", b"datastore", b"latentstyles", b"listtable", b"listoverridetable", b"rsidtbl",
    b"generator", b"xmlnstbl", b"filetbl", b"revtbl", b"pgdsctbl", b"fldinst", b"bkmkstart", b"bkmkend",
    b"shppict", b"nonshppict", b"blipuid", b"mmathPr", b"wgrffmtfilter", b"listtext", b"pntext", b"pntxta",
    b"pntxtb", b"template", b"operator", b"userprops", b"docvar", b"xmlopen", b"xmlattrname", b"xmlattrvalue",
})
_SPECIAL = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"tab": "\t", b"emdash": "\u2014",
            b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019", b"ldblquote": "\u201c",
            b"rdblquote": "\u201d", b"bullet": "\u2022", b"emspace": " ", b"enspace": " ", b"qmspace": " "}
_HANDLED = frozenset({*_SKIP, *_SPECIAL, b"bin", b"u", b"uc", b"ansicpg", b"cell", b"nestcell", b"row", b"nestrow",
                      b"intbl", b"trowd", b"pard"})
_SYMBOLS = {b"~": "\u00a0", b"_": "\u2011", b"\\": "\\", b"{": "{", b"}": "}", b"\n": "\n", b"\r": "\n"}


class RtfError(ValueError):
    """An RTF document that cannot be read (nested too deep, not RTF)."""


class RtfCapError(RtfError):
    """An RTF document whose text passes the room the caller has, or its time: counted as a bomb."""


def is_rtf(data: bytes) -> bool:
    return data[:6].lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf")


def _codec(page: int) -> str:
    name = f"cp{page}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


class _Writer:
    """The document's text as it is read: paragraphs, and table rows of cells."""

    def __init__(self, where: str, room: int | None) -> None:
        self.room = TextRoom(where, room, RtfCapError, "a text written many times over", "the document is not read")
        self.lines: list[str] = []
        self.current: list[str] = []  # the paragraph or cell being read
        self.cells: list[str] = []  # the cells of the row being read
        self.in_table = False

    def text(self, s: str) -> None:
        self.room.take(len(s))
        self.current.append(s)

    def paragraph(self) -> None:
        if self.in_table:  # a paragraph inside a cell: its text goes on in the same cell
            self.current.append(" ")
            return
        self.lines.append("".join(self.current).rstrip())
        self.current.clear()

    def cell(self) -> None:
        self.cells.append(_quote(" ".join("".join(self.current).split())))
        self.current.clear()
        self.in_table = True

    def row(self) -> None:
        if self.current and "".join(self.current).strip():
            self.cell()
        self.current.clear()
        if self.cells:
            self.room.take(len(self.cells))
            self.lines.append("\t".join(self.cells))
        self.cells = []
        self.in_table = False

    def done(self) -> str:
        if self.cells:
            self.row()
        if self.current:
            self.lines.append("".join(self.current).rstrip())
        # (no run of blank lines: a document's layout, not its text)
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines)).strip("\n") + "\n"


def rtf_text(where: str, data: bytes, room: int | None = None, seconds: float = SECONDS) -> bytes:
    """The text of the RTF document `data` as UTF-8 (see the module docstring). Raises `RtfError`
    when it is not RTF or nests groups past `MAX_DEPTH`, `RtfCapError` past `room` or `seconds`."""
    if not is_rtf(data):
        raise RtfError(f"{where}: not an RTF document (no '{{\\rtf' at its start); not read")
    out = _Writer(where, room)
    deadline = time.thread_time() + seconds
    codec = "cp1252"
    # per group: (skipped, \ucN); a group opened inside a skipped one is skipped too
    stack: list[tuple[bool, int]] = []
    skipped, uc = False, 1
    pending = bytearray()  # \'xx bytes, decoded together (a multi-byte code page's character is two)
    fallback = 0  # characters still to skip after a \uN
    star = False  # the group's first control was \*: an ignorable destination
    first = False  # the next control word is the group's first
    n, tokens = len(data), 0

    def flush() -> None:
        if pending:
            if not skipped:
                out.text(pending.decode(codec, "replace"))
            pending.clear()

    matches = _TOKEN.finditer(data)
    while True:
        m = next(matches, None)
        if m is None:  # (the end; or a lone backslash there)
            break
        tokens += 1
        if tokens % _EVERY == 0 and time.thread_time() > deadline:
            raise RtfCapError(f"{where}: reading took more than {seconds:.0f} s of CPU; the document is not read")
        word, param, hexbyte, symbol, brace, text = m.groups()
        if word is not None and not first and word not in _HANDLED:  # formatting (\\b, \\fs24...): the most
            continue  # frequent tokens, nothing to do
        if hexbyte is not None:
            if fallback:
                fallback -= 1
                continue
            pending.append(int(hexbyte, 16))
            first = False
            continue
        flush()
        if brace is not None:
            fallback = 0
            if brace == b"{":
                if len(stack) >= MAX_DEPTH:
                    raise RtfError(f"{where}: groups nested deeper than {MAX_DEPTH}; not an RTF document a "
                                   "program writes, not read")
                stack.append((skipped, uc))
                first, star = True, False
            else:
                if stack:
                    skipped, uc = stack.pop()
                first = star = False
            continue
        if text is not None:
            first = False
            if fallback:
                cut = min(fallback, len(text))
                fallback -= cut
                text = text[cut:]
            if text and not skipped:
                out.text(text.decode(codec, "replace"))
            continue
        if symbol is not None:
            if symbol == b"*":
                star = True
                if first:
                    skipped = True
                continue
            first = False
            if fallback:
                fallback -= 1
                continue
            if not skipped and symbol in _SYMBOLS:
                if symbol in (b"\n", b"\r"):
                    out.paragraph()
                else:
                    out.text(_SYMBOLS[symbol])
            continue
        if word is None:  # (line ends)
            continue
        was_first, first = first, False
        if word == b"bin":
            pos = min(n, m.end() + max(0, int(param or 0)))
            matches = _TOKEN.finditer(data, pos)
            continue
        if was_first and (star or word in _SKIP):
            skipped = True
            continue
        if word in _SKIP:  # (a destination word not first in its group: its group is still skipped)
            skipped = True
            continue
        if word == b"u" and param is not None:
            value = int(param)
            value = value + 65536 if value < 0 else value
            if not skipped and 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                out.text(chr(value))
            fallback = uc
            continue
        if word == b"uc" and param is not None:
            uc = max(0, min(int(param), 16))
            continue
        if word == b"ansicpg" and param is not None:
            codec = _codec(int(param))
            continue
        if skipped:
            continue
        if word in (b"cell", b"nestcell"):
            out.cell()
        elif word in (b"row", b"nestrow"):
            out.row()
        elif word in (b"intbl", b"trowd"):
            out.in_table = True
        elif word == b"pard":
            out.in_table = False
        elif word in _SPECIAL:
            if _SPECIAL[word] == "\n":
                out.paragraph()
            else:
                out.text(_SPECIAL[word])
    flush()
    return out.done().encode("utf-8")
