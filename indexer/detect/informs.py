"""URL-encoded form bodies and query strings inside another line: a JSON string, a log line.

A browser's HAR keeps each POST body as a JSON string (`"text": "nom=Haddad&email=a%40b.fr&ddn=
13%2F01%2F1970"`), a web server's access log a query string inside its line (`GET /rdv?email=...&
ddn=... HTTP/1.1`). `shapes` reads a form line only when the whole line is the form
(`encoded.form_fields`): inside JSON the string was one value under a key that types nothing, and
inside a log line the form was one word among others (blind set 7b: no e-mail, no birth). `rewrite`
gives such lines as their forms: a JSON string becomes an object of its decoded fields (`"text":
{"nom": "Haddad", "email": "a@b.fr", "ddn": "13/01/1970"}`: the record's walk types them by their
keys), a log line's form becomes the line (a run of them is the form lines `shapes` reads). Line for
line: fragments keep the input's line numbers. Taken only where the text holds two forms or more with a
field whose name types an identifier (`columns.role_of`). The same for both engines: the text is
rewritten before either reads it.
"""

from __future__ import annotations

import json
import re

from indexer.detect.columns import STRONG_ROLES, role_of
from indexer.detect.encoded import decode_form_value, form_fields

__all__ = ["NEEDLES", "may_hold", "rewrite"]

_MIN_FORMS = 2  # forms in the text (a compact HAR holds them all on one line)
# a form's two pairs (`k=v&k=`): the first look, once `&` is in the text
_LOOK = re.compile(r"[A-Za-z_\]]=[^&\s\"=]{0,200}&[A-Za-z_][A-Za-z0-9_.\-\[\]%]{0,60}=")
# `firstlook`'s scan (the FORMS bit): literals, what a form's encoded address or date or a field of an
# identifier holds (the pattern above in the scan cost a dump post ~7,000 instructions)
_WORDS = ("%40", "%2F", "%2f", "email=", "mail=", "&tel=", "&phone=", "&mobile=", "&ddn=", "&dob=", "&birth",
          "&date_naissance=", "&naissance=")
NEEDLES: tuple[bytes, ...] = tuple(re.escape(w).encode() for w in _WORDS)
# a JSON string (group 1), closed or not (group 2: its closing quote): read whole, never failing. A
# pattern that needed the closing quote within 8,192 characters failed from each escaped quote of a
# string never closed (`"\"\"\"...`), each time reading 8,192 characters on: 64 kB of one post's line
# cost 7 CPU-s of detection, 200 kB past the item's time cap (20 s), the crawl's sink held meanwhile
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*+)("?)')
_STRING_CHARS = (3, 8192)  # a form's string: shorter or longer ones are no one's form
_WORD = re.compile(r"\S{3,8192}")


def may_hold(text: str) -> bool:
    return "&" in text and _LOOK.search(text) is not None


def _fields(body: str) -> dict[str, str] | None:
    """A form's decoded fields when one of their names types an identifier, else None."""
    got = form_fields(body)
    if got is None:
        return None
    out: dict[str, str] = {}
    for k, v, _ in got:
        dec = decode_form_value(v)
        if dec is None:
            return None
        if k not in out:
            out[k] = dec[0]
    if not any(role_of(k) in STRONG_ROLES for k in out):
        return None
    return out


def _line(line: str) -> tuple[str, int] | None:
    """The line with its forms read (see the module docstring) and how many, or None."""
    if "=" not in line or "&" not in line:
        return None
    st = line.lstrip()
    if st[:1] in "{[\"" or '": "' in line:  # JSON: its strings
        parts: list[str] = []
        last = n = 0
        for m in _JSON_STRING.finditer(line):
            s = m.group(1)
            if not m.group(2) or not _STRING_CHARS[0] <= len(s) <= _STRING_CHARS[1] or "&" not in s or "=" not in s:
                continue
            try:
                body = json.loads(f'"{s}"')
            except ValueError:
                continue
            fields = _fields(body)
            if fields is not None:
                parts += (line[last:m.start()], json.dumps(fields, ensure_ascii=False))
                last = m.end()
                n += 1
        return ("".join(parts) + line[last:], n) if n else None
    if form_fields(line) is not None:
        return None  # a form line already
    for m in _WORD.finditer(line):
        w = m.group().strip("\"'")
        if "&" in w and "=" in w and (fields := _fields(w)) is not None and len(fields) >= 2:
            return w, 1
    return None


def rewrite(text: str) -> str | None:
    """`text` with each line holding a form read as one (line for line), or None when fewer than
    `_MIN_FORMS` forms are read."""
    lines = text.split("\n")
    n = 0
    for k, line in enumerate(lines):
        if "&" not in line:
            continue
        got = _line(line)
        if got is not None:
            lines[k] = got[0]
            n += got[1]
    return "\n".join(lines) if n >= _MIN_FORMS else None
