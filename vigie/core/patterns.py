"""Operators' regular expressions, run by RE2: linear time on whatever a site writes.

Why: the sources' YAML holds the operator's patterns (`follow.allow`/`deny`, a date's `pattern`,
`paste_id_pattern`, `key_pattern`, `signature_line`, `published_pattern`, a detector's
`url_pattern`, `thread_url_rewrite`), and the crawl asks them of text a site chose (its links,
dates, statuses, post lines). Python's `re` backtracks: a pattern with a repeat inside a repeat
(`(a+)+$`, `(\\w+\\.?)*x`) takes time exponential in a 30-character hostile text, and the crawl's
event loop waits until `max_duration` (round 16). RE2 has no backtracking (its time is linear in
the text, whatever the pattern), at the price of the constructs that need it: backreferences,
lookaround, atomic groups and possessive repeats, conditionals. Those are refused when the file
is loaded (`check`), with what to write instead; nothing at crawl time falls back to `re`.

The patterns are still written in Python's syntax and read as Python reads them on `str`: `\\d`,
`\\w`, `\\s` (and `\\D`, `\\W`, `\\S`) are Unicode's, as in `re` (RE2's own are ASCII: a date's
`\\w+` would miss `(土)` or `février`), `\\Z` is the text's end, `$` also matches before a final
newline, `{,n}` is `{0,n}`. One difference is left: `\\b` and `\\B` are ASCII word boundaries.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import re2

__all__ = ["OperatorPattern", "PatternError", "check", "compile_pattern"]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 writes parse errors to stderr; ours say them once, with a fix

# Python's classes on str (sre: Py_UNICODE_ISDECIMAL, ISALNUM or _, ISSPACE), in RE2's terms
_DIGIT = r"\p{Nd}"
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t-\r\x1c-\x1f\x85\p{Z}"

# a construct RE2 cannot run, and what to write instead
_UNSUPPORTED = (
    (re.compile(r"\\[1-9]|\(\?P="), "a backreference (\\1, (?P=name))",
     "match the text without it (a backreference needs backtracking)"),
    (re.compile(r"\(\?<?[=!]"), "a lookahead or lookbehind ((?=, (?!, (?<=, (?<!)",
     "spell the alternatives out, e.g. 'action=(?:$|[^d]|d[^l])' for 'action=(?!dl)'"),
    (re.compile(r"\(\?>|[*+?}]\+"), "an atomic group or a possessive repeat ((?>, ++, *+)",
     "drop it: RE2 never backtracks, so it changes nothing there"),
    (re.compile(r"\(\?\("), "a conditional group ((?(1)...))", "write the two alternatives with |"),
    (re.compile(r"\(\?[a-zA-Z]*x"), "verbose mode ((?x))", "write the pattern without spaces and comments"),
)


class PatternError(ValueError):
    """An operator's pattern RE2 cannot run (or Python cannot read): the reason says what to write."""


def _translate(pattern: str) -> str:
    """`pattern` with Python's Unicode meaning of `\\d \\w \\s` (and their negations), `\\Z` and
    `{,n}` spelled for RE2. Escapes and classes are walked once; nothing else changes (no group
    is added, so group numbers stay)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            i += 2
            if e == "d":
                out.append(_DIGIT if in_class else "[" + _DIGIT + "]")
            elif e == "D":
                out.append(r"\P{Nd}")
            elif e == "w":
                out.append(_WORD if in_class else "[" + _WORD + "]")
            elif e == "s":
                out.append(_SPACE if in_class else "[" + _SPACE + "]")
            elif e in "WS":
                if in_class:
                    raise PatternError(f"regular expression {pattern!r} has \\{e} inside [...], which RE2 cannot "
                                       f"read as Python does (a negated Unicode class in a class): write [^...] "
                                       f"with the characters it should not match")
                out.append("[^" + (_WORD if e == "W" else _SPACE) + "]")
            elif e == "Z" and not in_class:
                out.append(r"\z")
            else:
                out.append("\\" + e)
            continue
        if in_class:
            if c == "]" and i > class_start:
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            class_start = i  # a ']' first in the class is a member
            continue
        if c == "{" and pattern.startswith("{,", i):
            m = re.match(r"\{,(\d+)\}", pattern[i:])
            if m:
                out.append("{0," + m.group(1) + "}")
                i += m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _reason(pattern: str, message: str) -> str:
    for rx, what, fix in _UNSUPPORTED:
        if rx.search(pattern):
            return (f"regular expression {pattern!r} uses {what}, which RE2 cannot run (Vigie runs operators' "
                    f"patterns with RE2, in time linear in the page's text): {fix}")
    return (f"regular expression {pattern!r} cannot run under RE2 (Vigie runs operators' patterns with RE2, "
            f"in time linear in the page's text): {message}")


class OperatorPattern:
    """One operator pattern, compiled for RE2; `search` and `sub` as `re`'s, in linear time."""

    __slots__ = ("_rx", "_dollar", "groups", "pattern")

    def __init__(self, pattern: str) -> None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PatternError(f"regular expression {pattern!r} does not compile: {exc}") from None
        translated = _translate(pattern)
        try:
            self._rx = re2.compile(translated, _OPTIONS)
        except re2.error as exc:
            text = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise PatternError(_reason(pattern, text)) from None
        self.pattern = pattern
        self.groups: int = self._rx.groups
        # Python's `$` (not in multi-line mode) also matches before a final newline; RE2's does not
        self._dollar = "$" in pattern

    def search(self, text: str) -> Any:
        """The first match (a `re`-like match: group, groups, start, end, span) or None."""
        found = self._rx.search(text)
        if found is None and self._dollar and text.endswith("\n"):
            found = self._rx.search(text[:-1])
        return found

    def sub(self, template: str, text: str, count: int = 0) -> str:
        """`re.sub(pattern, template, text, count)`: `\\1`, `\\g<1>`, `\\g<name>` in `template`."""
        out: list[str] = []
        pos = done = 0
        for m in self._rx.finditer(text):
            if count and done >= count:
                break
            out.append(text[pos:m.start()])
            out.append(m.expand(template))
            pos = m.end()
            done += 1
        out.append(text[pos:])
        return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> OperatorPattern:
    """The operator pattern `pattern` for RE2 (cached: the crawl asks the same few again and again)."""
    return OperatorPattern(pattern)


def check(pattern: str) -> str:
    """`pattern` if RE2 runs it as Python would read it; else PatternError saying why and what instead."""
    compile_pattern(pattern)
    return pattern
