"""A JSON value written on one line, scanned token by token: where its containers open and close.

An API's export of 20,000 patients is often ONE line (`[{...}, ...]`, or `{"data": [...]}`), tens
of megabytes long. Two readers walk such a line without parsing it whole:

- `records` (on the text `detect()` reads, which keeps such a line whole: `records.is_long_json_records`)
  finds each record's span, to parse and read it in that span;
- `chunking` (on the bytes of a big input being streamed) cuts the line between two records of
  its array of objects, so that each chunk for the process pool is a valid JSON line again
  (`JsonCut`).

Both need the same few things, which live here: whether a line's head opens an array of objects
(`opens_records`), the brackets outside strings (`brackets`: strings and their escapes passed
over in C, one Python step per bracket), and the containers with their depth (`containers`:
those deeper than a bound counted, not kept; a closing bracket that does not match its opener
ends the scan, what came before it stands). Linear: one pass, each byte read once
(tests/test_linear_patterns.py runs the patterns on hostile lines).

A string still open where the text ends is read in one of two ways. On a whole line
(`window=False`) its quote is an ordinary character, and so is every quote after it (each is
escaped in the run that quote failed to close): the scan goes on over brackets alone, and the
records before it are read (`json.loads` would fail on the line anyway). Scanned as strings
instead, each such quote ran to the line's end again: quadratic (`"` then 1 MB of `\\"` took
hours). On a window of a longer line (`window=True`: the streaming cutter sees two chunks of it
at a time) the scan ends there: nothing past a string cut by the window's end is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, AnyStr

__all__ = ["ARRAY", "ARRAY_OF_OBJECTS", "CLOSE_ARRAY", "CLOSE_OBJECT", "HEAD", "OBJECT", "JsonCut", "brackets",
           "containers", "opens_records"]

# how far into a long line its first array of objects must start (a wrapper's head before it)
HEAD = 65_536
# the bracket kinds `brackets` and `containers` report (the regex group that matched)
OBJECT, ARRAY, CLOSE_OBJECT, CLOSE_ARRAY = 1, 2, 3, 4

# an array of objects: a line holding one may be an export of records, bare or under a wrapper key
ARRAY_OF_OBJECTS = re.compile(r"\[\s*+\{")
_ARRAY_OF_OBJECTS_BYTES = re.compile(rb"\[\s*+\{")
# a run of what is not a bracket: other characters and whole strings (escapes included); then the
# bracket (its group says which), a quote that opens no string (none closes it before the end), or
# the text's end
_STRINGS = r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+(?:(\{)|(\[)|(\})|(\])|"|\Z)'
# past such a quote every later quote opens no string either (each is escaped in the run the first
# one failed to close): the rest of a whole line is brackets and characters
_NO_STRINGS = r"[^\[\]{}]*+(?:(\{)|(\[)|(\})|(\])|\Z)"
_PATTERNS: dict[type, tuple[re.Pattern[Any], re.Pattern[Any]]] = {
    str: (re.compile(_STRINGS, re.S), re.compile(_NO_STRINGS, re.S)),
    bytes: (re.compile(_STRINGS.encode(), re.S), re.compile(_NO_STRINGS.encode(), re.S))}


def opens_records(text: AnyStr, end: int = HEAD) -> bool:
    """Whether `text` (a line, or its head) opens an array of objects within its first `end`
    characters, blanks at its start aside: bare (`[{`) or under a wrapper (`{"data": [{`)."""
    t = text.lstrip()
    if isinstance(t, bytes):
        return t[:1] in (b"[", b"{") and _ARRAY_OF_OBJECTS_BYTES.search(t, 0, end) is not None
    return t[:1] in ("[", "{") and ARRAY_OF_OBJECTS.search(t, 0, end) is not None


def brackets(text: AnyStr, *, window: bool = False) -> Iterator[tuple[int, int]]:
    """(position, kind) of each bracket of `text` outside strings, in order (see the module
    docstring for a string left open at the end)."""
    strings, no_strings = _PATTERNS[type(text)]
    rest = -1  # where a quote that opens no string leaves the scan
    for m in strings.finditer(text):
        kind = m.lastindex
        if kind is None:
            if not window and m.end() < len(text):
                rest = m.end()
            break
        yield m.end() - 1, kind
    if rest < 0:
        return
    for m in no_strings.finditer(text, rest):
        kind = m.lastindex
        if kind is None:
            return
        yield m.end() - 1, kind


def containers(text: AnyStr, keep: int, opened: Sequence[int] = (), *,
               window: bool = False) -> Iterator[tuple[int, int, int]]:
    """(position, kind, depth) of each container opened or closed in `text` at most `keep` deep:
    the depth counts the containers open after the bracket (1 for the line's own value once
    opened, 0 once it is closed). `opened`: the kinds (`OBJECT`, `ARRAY`) of the containers open
    where `text` starts, outermost first (a later window of a line). Deeper containers are
    counted, not reported; the scan ends at a closing bracket that does not close the innermost
    container kept (a mismatch, or one more than was opened)."""
    stack = list(opened)
    deeper = 0
    for p, kind in brackets(text, window=window):
        if kind <= ARRAY:
            if deeper or len(stack) >= keep:
                deeper += 1
                continue
            stack.append(kind)
        elif deeper:
            deeper -= 1
            continue
        elif not stack or stack[-1] != kind - 2:
            return
        else:
            stack.pop()
        yield p, kind, len(stack)


# --------------------------------------------------------- a one-line JSON export, cut between records
# A line of 50 MB or 2 GB cannot be one chunk of a streamed input. It is cut between two records
# of its first array of objects (a `}` and the next `{` with only a comma between, at that
# array's level): each piece ends with the brackets that close what is open there (`]`, `]}`),
# and each later piece is given the openers again, with their keys (`[`, `{"data":[`): each piece
# is a valid JSON line holding whole records. One token scan, each byte scanned at most twice;
# containers deeper than `_STACK` are counted, not kept; a mismatched bracket or an unterminated
# string ends the scan (a cut before it is still taken).
_OBJECT_NEXT = re.compile(rb"(?<!\s)\s*+\{")  # (the look-behind: a run of blanks is read from its start
# only, not again from each of its bytes, which made the pattern quadratic on a long run of blanks)
_KEY_BEFORE = re.compile(rb'"(?:[^"\\]|\\.){0,256}"\s*:\s*\Z', re.S)
_LEVELS = 16  # the records' array is at most this deep
_STACK = 64  # containers kept; deeper ones counted only


@dataclass(slots=True)
class JsonCut:
    """The state of a long JSON line being cut: the containers open at its records' level (each
    as its kind and the text that reopens it: `[`, `{"data":[`), and how many pieces were cut."""

    stack: tuple[tuple[int, bytes], ...] = ()
    pieces: int = 0

    @property
    def opener(self) -> bytes:
        return b"".join(o for _, o in self.stack)

    @property
    def closers(self) -> bytes:
        return b"".join(b"}" if k == OBJECT else b"]" for k, _ in reversed(self.stack))

    def cut(self, b: bytes, target: int) -> tuple[int, int] | None:
        """(end of the piece, start of the next) in `b` (the line from its start, or from a record
        of the records' array): after the last record that ends by `target`, else after the first
        one past it (the scan stops there: each byte is scanned about once)."""
        openers: list[tuple[int, bytes]] = list(self.stack)
        level = len(openers) if self.pieces else 0  # the records' array is openers[level - 1]; 0: none yet
        closed = -1  # the end of the record just closed at the records' level (the last bracket)
        best = last = None
        for p, kind, depth in containers(b, _STACK, [k for k, _ in openers], window=True):
            if kind > ARRAY:
                openers.pop()
                closed = p + 1 if level and depth == level and kind == CLOSE_OBJECT else -1
                if level and depth < level:
                    level = 0  # the records' array closed: a later one may be cut
                continue
            if level and depth == level + 1 and kind == OBJECT and closed >= 0 and b[closed:p].strip() == b",":
                last = (closed, p, tuple(openers))
                if p > target:
                    break  # the first record past `target`: the cut is before it, or here
                best = last
            opener = b"{" if kind == OBJECT else b"["
            if not level and openers and openers[-1][0] == OBJECT:  # (a wrapper: its key reopens it)
                k = _KEY_BEFORE.search(b, max(0, p - 300), p)
                opener = (k.group(0) if k else b'"":') + opener
            openers.append((kind, opener))
            if not level and kind == ARRAY and depth <= _LEVELS and _OBJECT_NEXT.match(b, p + 1):
                level = depth
            closed = -1
        at = best or last
        if at is None:
            return None
        self.stack = at[2]
        self.pieces += 1
        return at[0], at[1]
