"""JSON that a web page embeds, read within bounds, and the small path language sources use on it.

Why our own: forum engines put what their HTML leaves out (Flarum 1.x's post dates and ids, a
post's author behind a JSON:API relationship) in JSON inside the page, and reading it takes a
join (`included[type=users][id=@relationships.user.data.id]`: a record of the same document named
by a field of the post's record) that JMESPath cannot write (its filters see only the element
being filtered) and JSONPath spells differently in every library. The language is a few lines,
checked when the config loads, documented in docs/sources.md ("Posts in the page's JSON"):

    $                      the document (a path without `$` starts at the current record)
    a.b                    key `b` of key `a` (a key holding `*` is a glob over an object's keys)
    "a.b"                  a key written in double quotes (dots, brackets inside it)
    [*]  or  .*            every element of an array, every value of an object
    [2]  [-1]              one element of an array
    [k=v]  [k!=v]          the array elements (or the current object) whose `k` (a dotted path)
                           is / is not v (compared as text; a list holding v matches)
    [k=@p]                 ... whose `k` equals the current record's `p`: a join
    json()                 the string value parsed as JSON (Discourse's data-preloaded values)
    p | q                  (records only) the values of p, then those of q

Hostile pages: the text is parsed only below a size (`MAX_JSON_CHARS`) and a nesting depth
(`MAX_JSON_DEPTH`), checked before the parser recurses; anything else is `JsonUnreadable`, which
the crawler counts (`json_unread`) and which never costs the HTML path its posts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["MAX_JSON_CHARS", "MAX_JSON_DEPTH", "JsonPath", "JsonPathError", "JsonUnreadable", "compile_path",
           "load_json", "scalar_text"]

# A Flarum discussion page's payload is 20-200 kB, Discourse's data-preloaded up to ~1 MB: 4 M
# characters is room for any page's own data and a bound on what a hostile page costs (well-formed
# records parse at ~20 ms a megabyte; 4 MB of empty arrays, the worst found, take 0.8 s).
MAX_JSON_CHARS = 4_000_000
# JSON:API and JSON-LD documents nest under 15 levels; CPython's parser recurses per level.
MAX_JSON_DEPTH = 64
# Values a path may produce from one document (each of its steps): `[*].[*]` over a hostile array
# of arrays stays within this.
MAX_VALUES = 100_000


class JsonUnreadable(ValueError):
    """The page's JSON could not be read: too big, too deep, not JSON, or a `json()` step on a
    value that is none. The message says which, never quotes the page."""


class JsonPathError(ValueError):
    """A path that does not parse (raised when the config is loaded)."""


# (a string not closed runs to the end: a pattern that needed the closing quote failed from each
# quote of `"\"\"\"...` in turn, each time read to the end: quadratic, 4.5 CPU-s for 40 kB, hours
# for the 4 MB a page's JSON may weigh. Such a text is no JSON: the parser refuses it after this)
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)  # unrolled, never failing: linear
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


def _too_deep(text: str) -> bool:
    """Whether `text`'s arrays and objects nest deeper than `MAX_JSON_DEPTH` (brackets inside
    strings not counted). Each pass takes the innermost empty pairs out, in C: a well-formed
    document of depth d is gone after d passes. Unbalanced brackets stop early and are left to
    the parser, which refuses them."""
    skeleton = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    for _ in range(MAX_JSON_DEPTH):
        if not skeleton:
            return False
        shorter = _EMPTY_PAIR.sub("", skeleton)
        if shorter == skeleton:
            return False
        skeleton = shorter
    return bool(_EMPTY_PAIR.search(skeleton))


def load_json(text: str) -> Any:
    """`text` parsed as JSON, or `JsonUnreadable`: never a RecursionError, MemoryError or a parse
    of more than `MAX_JSON_CHARS`."""
    text = text.strip()
    if len(text) > MAX_JSON_CHARS:
        raise JsonUnreadable(f"{len(text)} characters, more than the {MAX_JSON_CHARS} read")
    if not text:
        raise JsonUnreadable("empty")
    if _too_deep(text):
        raise JsonUnreadable(f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError:  # unbalanced brackets, too many for the parser's stack
        raise JsonUnreadable(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError is one
        raise JsonUnreadable(f"not JSON (at character {getattr(exc, 'pos', '?')})") from None


@dataclass(frozen=True)
class _Key:
    name: str


@dataclass(frozen=True)
class _All:
    pass


@dataclass(frozen=True)
class _Index:
    index: int


@dataclass(frozen=True)
class _Filter:
    key: tuple[str, ...]
    negate: bool
    literal: str | None  # the value compared with, or None when `record` names it
    record: JsonPath | None


@dataclass(frozen=True)
class _ParseJson:
    pass


_Step = _Key | _All | _Index | _Filter | _ParseJson


@dataclass(frozen=True)
class JsonPath:
    """A compiled path: alternatives (`|`) of step lists, each from the document or the record."""

    text: str
    branches: tuple[tuple[bool, tuple[_Step, ...]], ...]  # (from the document root, steps)

    def values(self, record: Any, root: Any) -> list[Any]:
        """Every value the path reaches from `record` (or `root` for a `$` path), in order;
        `JsonUnreadable` when a `json()` step meets a value that is no JSON text."""
        out: list[Any] = []
        for from_root, steps in self.branches:
            current = [root if from_root else record]
            for step in steps:
                current = _apply(step, current, record, root)
                if not current:
                    break
            out += current
        return out[:MAX_VALUES]

    def first_text(self, record: Any, root: Any) -> str | None:
        """The first value that is text or a number, as text (None when there is none)."""
        for value in self.values(record, root):
            text = scalar_text(value)
            if text is not None:
                return text
        return None


def scalar_text(value: Any) -> str | None:
    """A JSON scalar as text: strings as they are, numbers as written (12, not 12.0); a list's
    first scalar; None for objects, booleans, null and empty text."""
    if isinstance(value, list):
        return next((t for t in map(scalar_text, value[:64]) if t is not None), None)
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # JSON may escape a lone surrogate ("\ud800"): no UTF-8 holds it, and the HTML parser (and every
    # output) would raise on it. It becomes U+FFFD, as a decoder's "replace" makes it.
    text = _SURROGATE.sub("\ufffd", str(value)).strip()
    return text or None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _matches(value: Any, want: str) -> bool:
    if isinstance(value, list):
        return any(scalar_text(v) == want for v in value[:64])
    return scalar_text(value) == want


def _lookup(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _apply(step: _Step, current: list[Any], record: Any, root: Any) -> list[Any]:
    out: list[Any] = []
    if isinstance(step, _Key):
        glob = "*" in step.name
        for value in current:
            if isinstance(value, dict):
                if glob:
                    out += [v for k, v in value.items() if fnmatchcase(k, step.name)]
                elif step.name in value:
                    out.append(value[step.name])
    elif isinstance(step, _All):
        for value in current:
            if isinstance(value, list):
                out += value
            elif isinstance(value, dict):
                out += value.values()
            if len(out) > MAX_VALUES:
                break
    elif isinstance(step, _Index):
        for value in current:
            if isinstance(value, list) and -len(value) <= step.index < len(value):
                out.append(value[step.index])
    elif isinstance(step, _Filter):
        want = step.literal if step.record is None else step.record.first_text(record, root)
        if want is None:
            return [] if not step.negate else _elements(current)
        out = [v for v in _elements(current) if _matches(_lookup(v, step.key), want) != step.negate]
    else:  # json()
        for value in current:
            if not isinstance(value, str):
                raise JsonUnreadable("json() met a value that is no text")
            out.append(load_json(value))
    return out[:MAX_VALUES]


def _elements(current: list[Any]) -> list[Any]:
    """What a filter looks at: an array's elements, or the object itself."""
    out: list[Any] = []
    for value in current:
        if isinstance(value, list):
            out += value
        else:
            out.append(value)
    return out


_TOKEN = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|(json\(\))|(\*)|([^.\[\]"|\s][^.\[\]"|]*))""")


def compile_path(text: str) -> JsonPath:
    """`text` compiled, or `JsonPathError` saying where it stops making sense."""
    branches = []
    for part in _split_top(text, "|"):
        branches.append(_compile_branch(part.strip(), text))
    if not branches:
        raise JsonPathError(f"empty JSON path {text!r}")
    return JsonPath(text, tuple(branches))


def _split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch == "[":
            depth += 1
        elif not quoted and ch == "]":
            depth -= 1
        elif not quoted and depth == 0 and ch == sep:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _compile_branch(text: str, whole: str) -> tuple[bool, tuple[_Step, ...]]:
    from_root = text.startswith("$")
    rest = text[1:] if from_root else text
    steps: list[_Step] = []
    pos = 0
    expect_name = not from_root  # after `$`, a step must come after `.` or `[`
    while pos < len(rest):
        ch = rest[pos]
        if ch == "[":
            end = _closing(rest, pos)
            if end < 0:
                raise JsonPathError(f"JSON path {whole!r}: '[' at {pos} is never closed")
            steps.append(_bracket(rest[pos + 1:end].strip(), whole))
            pos = end + 1
            expect_name = False
            continue
        if ch == ".":
            pos += 1
            expect_name = True
            continue
        if not expect_name:
            raise JsonPathError(f"JSON path {whole!r}: expected '.' or '[' at {rest[pos:pos + 10]!r}")
        match = _TOKEN.match(rest, pos)
        if match is None or match.end() == pos:
            raise JsonPathError(f"JSON path {whole!r}: cannot read {rest[pos:pos + 10]!r}")
        quoted, parse, star, name = match.groups()
        if quoted is not None:
            steps.append(_Key(json.loads(f'"{quoted}"')))
        elif parse:
            steps.append(_ParseJson())
        elif star:
            steps.append(_All())
        else:
            steps.append(_Key(name.strip()))
        pos = match.end()
        expect_name = False
    if not steps and not from_root:
        raise JsonPathError(f"empty JSON path {whole!r}")
    return from_root, tuple(steps)


def _closing(text: str, start: int) -> int:
    quoted = False
    for i in range(start + 1, len(text)):
        ch = text[i]
        if ch in "\"'" and text[i - 1] != "\\":
            quoted = not quoted
        elif ch == "]" and not quoted:
            return i
    return -1


def _bracket(inner: str, whole: str) -> _Step:
    if inner == "*":
        return _All()
    if re.fullmatch(r"-?\d+", inner):
        return _Index(int(inner))
    match = re.fullmatch(r"([^=!]+?)\s*(!?=)\s*(.*)", inner, flags=re.DOTALL)
    if match is None:
        raise JsonPathError(f"JSON path {whole!r}: [{inner}] is no index, '*' or key=value filter")
    key, op, value = match.group(1).strip(), match.group(2), match.group(3).strip()
    keys = tuple(k.strip().strip('"') for k in key.split("."))
    if not all(keys):
        raise JsonPathError(f"JSON path {whole!r}: [{inner}] has an empty key")
    if value.startswith("@"):
        return _Filter(keys, op == "!=", None, compile_path(value[1:]))
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return _Filter(keys, op == "!=", value, None)
