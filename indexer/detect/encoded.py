"""Identifiers written so that a plain reading misses them: URL-encoded form posts and query
strings (`email=jean.dupont%40gmail.com&password=S3cret%21`, as stealer logs, phishing kits'
dumps and HTTP captures keep them), and e-mail addresses obfuscated against scrapers
(`jean.dupont [at] gmail [dot] com`).

Both are read on a decoded copy whose every character knows where it came from in the text, so
an identifier's canonical value is the real one (its token matches the registered address)
while its span, and so the excerpt's mask, covers what the text holds. Decoding is bounded and
conservative: only `%XX` escapes that make valid UTF-8 without control characters are decoded
(anything else stays as written), and `+` is a space only in a form line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (extract imports scan, which imports this module)
    from indexer.detect.extract import Sink

__all__ = ["FormField", "decode_form_value", "form_fields", "has_obfuscated_at", "obfuscated_emails",
           "remap_found"]

# ------------------------------------------------------------------------- URL-encoded forms
# A form body or query string is a line without blanks (a browser encodes them as `+` or `%20`),
# optionally a URL up to its `?`, then `key=value` pairs joined by `&`. Keys as forms name them
# (`email`, `user[login]`, `pass_word`), decoded before they are typed.
_MAX_FORM_LINE = 8192
_MAX_FORM_PAIRS = 48
_FORM_KEY = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.\-\[\]%]{0,60}\Z")
_URL_HEAD = re.compile(r"\A(?:[A-Za-z][A-Za-z0-9+.\-]{0,15}://[^/?#\s]{1,255})?(?:/[^?#\s]*)?\?")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")  # a run of escapes: one character's bytes at least

FormField = tuple[str, str, int]  # (decoded key, raw value, value column in the line)


def form_fields(line: str) -> list[FormField] | None:
    """The `key=value` pairs of a URL-encoded form line (a POST body, a query string, a URL with
    its query), each value as written with its column; None when the line is not one. Two pairs
    at least: `a=b` alone is a `key: value` line's business."""
    if "=" not in line or len(line) > _MAX_FORM_LINE:
        return None
    body = line.strip()
    if not body or any(ch.isspace() for ch in body):
        return None
    col = line.index(body[0])
    head = _URL_HEAD.match(body) if ("?" in body) else None
    if head is not None:
        col += head.end()
        body = body[head.end():]
    elif "://" in body:
        return None  # a URL without a query
    hash_at = body.find("#")
    if hash_at >= 0 and head is not None:
        body = body[:hash_at]  # a URL's fragment is no field
    out: list[FormField] = []
    pos = 0
    for piece in body.split("&"):
        if piece:
            key, eq, value = piece.partition("=")
            if not eq or _FORM_KEY.match(key) is None:
                return None
            if len(out) == _MAX_FORM_PAIRS:
                return None
            out.append((_form_key(key), value, col + pos + len(key) + 1))
        pos += len(piece) + 1
    return out if len(out) >= 2 else None


def _form_key(key: str) -> str:
    """A form key as a label: decoded, and `user[email]` named by its last part."""
    if "%" in key:
        got = decode_form_value(key)
        key = got[0] if got is not None else key
    if key.endswith("]") and "[" in key:
        inner = key[key.rindex("[") + 1:-1]
        if inner:
            return inner
    return key


def decode_form_value(v: str) -> tuple[str, list[int] | None] | None:
    """(decoded value, where each decoded character starts in `v` plus `len(v)` at the end), or
    (v, None) when there is nothing to decode; None when the value cannot be decoded (a `%` that
    starts no escape, escapes whose bytes are not UTF-8 or make a control character): no
    identifier is read from it rather than a garbage one. `+` is a space, except a leading `+`
    before a digit (a phone's country code logged as typed: a form value seldom starts with a
    space)."""
    if "%" not in v and "+" not in v:
        return v, None
    out: list[str] = []
    pos: list[int] = []
    n = len(v)
    k = 0
    while k < n:
        c = v[k]
        if c == "+":
            out.append("+" if k == 0 and k + 1 < n and v[k + 1].isdigit() else " ")
            pos.append(k)
            k += 1
        elif c == "%":
            run = _ESCAPES.match(v, k)
            if run is None:
                return None  # a stray "%"
            j = run.end()
            try:
                text = bytes.fromhex(run.group().replace("%", "")).decode("utf-8")
            except UnicodeDecodeError:
                return None
            p = k
            for ch in text:
                if ord(ch) < 0x20 or ord(ch) == 0x7F:
                    return None
                out.append(ch)
                pos.append(p)
                p += 3 * len(ch.encode("utf-8"))
            k = j
        else:
            out.append(c)
            pos.append(k)
            k += 1
    pos.append(n)
    return "".join(out), pos


def remap_found(sink: Sink, found_from: int, masks_from: int,
                fields: Sequence[tuple[int, list[int] | None]]) -> None:
    """Spans of the identifiers and masks appended to `sink` since `found_from` / `masks_from`,
    read on decoded fields, moved back onto the text: `fields` are (offset, position map) of the
    record's fields in offset order, each decoded field given to the extractor at its own offset
    (shorter than it is written, so no two fields' decoded ranges overlap), its map as
    `decode_form_value` gives it (None: as written)."""
    starts = [o for o, _ in fields]

    def move(x: int) -> int:
        f = bisect_right(starts, x) - 1
        if f < 0:
            return x
        o, pos = fields[f]
        if pos is None or x - o >= len(pos):
            return x
        return o + pos[x - o]

    found = sink.found
    for k in range(found_from, len(found)):
        t, c, st, en = found[k]
        if st >= 0:
            found[k] = (t, c, move(st), move(en))
    masks = sink.masks
    for k in range(masks_from, len(masks)):
        st, en, m = masks[k]
        masks[k] = (move(st), move(en), m)


# ------------------------------------------------------------------- obfuscated e-mail addresses
# `jean.dupont [at] gmail [dot] com`, `(at)`, `{at}`, `[@]`: the "at" in brackets is what makes
# the address (prose's "at" has none); dots in brackets, written plain, or as a spaced `dot`
# word after such an "at". Found from the marker (a bounded look at each side), so a line costs
# linear time whatever it holds.
_AT_MARK = re.compile(r"[\[({] ?(?:[aA][tT]|@) ?[\])}]")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+'-")
_DOMAIN = re.compile(
    r"\A {0,3}([A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))"
    r"((?:(?: {0,3}[\[({] ?(?:[dD][oO][tT]|\.) ?[\])}] {0,3}|\.| {1,3}[dD][oO][tT] {1,3})"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})){1,8})")
_DOT_MARK = re.compile(r" {0,3}[\[({] ?(?:[dD][oO][tT]|\.) ?[\])}] {0,3}| {1,3}[dD][oO][tT] {1,3}")


def has_obfuscated_at(s: str) -> bool:
    """Whether `s` may hold an obfuscated address (an "at" in brackets)."""
    return ("[" in s or "(" in s or "{" in s) and _AT_MARK.search(s) is not None


def obfuscated_emails(s: str) -> list[tuple[str, int, int]]:
    """(address as written in plain, start, end) of each obfuscated address in `s`; the address
    is not validated here (`scan` does it with `canon_email`)."""
    out: list[tuple[str, int, int]] = []
    if not has_obfuscated_at(s):
        return out
    last = 0
    for m in _AT_MARK.finditer(s):
        a = m.start()
        if a < last:
            continue
        # the local part: up to 64 address characters before the marker (and up to 3 spaces)
        e = a
        while e > last and a - e < 3 and s[e - 1] == " ":
            e -= 1
        b = e
        while b > last and e - b <= 64 and s[b - 1] in _LOCAL_CHARS:
            b -= 1
        if b == e or e - b > 64 or (b > 0 and s[b - 1].isalnum()):
            continue
        while b < e and s[b] in ".%+'-":  # not where an address starts
            b += 1
        if b == e:
            continue
        dm = _DOMAIN.match(s[m.end():m.end() + 600])
        if dm is None:
            continue
        local = s[b:e]
        if b > last and s[b - 1] in ")]} tT":  # dots obfuscated in the local part too (`hugo(dot)lambert[at]...`)
            b, local = _local_dots(s, b, last, local, dm.group(2))
        labels = [dm.group(1), *(x for x in _DOT_MARK.sub(".", dm.group(2)).split(".") if x)]
        # the last label is a TLD (letters); a dotted word glued to it is not this address
        while len(labels) > 1 and not (labels[-1].isalpha() and 2 <= len(labels[-1]) <= 24):
            labels.pop()
        if len(labels) < 2:
            continue
        end = _end_of(s, m.end(), labels)
        if end < len(s) and (s[end].isalnum() or s[end] in "@_"):
            continue
        out.append((local + "@" + ".".join(labels), b, end))
        last = end
    return out


_DOT_MARK_END = re.compile(r"(?: {0,3}[\[({] ?(?:[dD][oO][tT]|\.) ?[\])}] {0,3}| {1,3}[dD][oO][tT] {1,3})\Z")


def _mark_kind(mark: str) -> str:
    return mark.replace(" ", "").lower()


def _local_dots(s: str, b: int, last: int, local: str, domain_rest: str) -> tuple[int, str]:
    """(start, plain local part) of a local part whose dots are obfuscated before `b` (in brackets,
    or a spaced `dot` where the domain spells its dots so too: prose's "dot" before an address is
    no part of it); else (b, local) as found."""
    kinds = {_mark_kind(x) for x in _DOT_MARK.findall(domain_rest)}
    parts = [local]
    start = b
    while start > last and len(parts) < 8:
        dm = _DOT_MARK_END.search(s, max(last, start - 12), start)
        if dm is None or (dm.group(0)[-1] == " " and _mark_kind(dm.group(0)) not in kinds):
            break
        k = dm.start()
        j = k
        while j > last and k - j <= 64 and s[j - 1] in _LOCAL_CHARS:
            j -= 1
        if j == k or k - j > 64 or (j > 0 and s[j - 1].isalnum()):
            break
        parts.append(s[j:k])
        start = j
    if start == b:
        return b, local
    plain = ".".join(reversed(parts))
    if len(plain) > 64 or plain[0] in ".%+'-":
        return b, local
    return start, plain


def _end_of(s: str, k: int, labels: list[str]) -> int:
    """Where the domain made of `labels` ends in `s`, reading from `k` (just after the marker)."""
    for i, lab in enumerate(labels):
        if i:
            dm = _DOT_MARK.match(s, k)
            k = dm.end() if dm is not None and dm.start() == k else k + 1  # a marker or a "."
        else:
            while s[k] == " ":
                k += 1
        k += len(lab)
    return k
