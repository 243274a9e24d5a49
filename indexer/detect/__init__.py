"""The detection engine: bytes or text in, `Fragment`s out.

    decode -> split lines (quote prefixes "> " set aside) -> seed lines (one RE2 pass) -> drop
    seeds that stand alone between blank lines -> recognise shapes from the rest
    -> extract and validate identifiers per record -> tokens -> article 9 flags -> severity
    -> redacted excerpt

Everything runs in one pass over the lines; every regex is RE2 (linear time); caps on input
size, line length, fragments, identifiers and wall time come from `Limits`. A lone email in a
signature is not a fragment: every shape needs several records (or a dox's several facts),
and a fragment without a single validated identifier is dropped.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import time
from collections.abc import Callable

import re2
from loguru import logger

from indexer.article9 import scan_article9
from indexer.decode import Limits, decode
from indexer.detect.extract import Sink
from indexer.detect.columns import norm_name
from indexer.detect.shapes import _KV, _STEALER, Ctx, _label, block_start, recognise
from indexer.models import Fragment, Identifier, SensitiveFlag
from indexer.redact import excerpt_end, mask_value, redact
from indexer.severity import severity
from indexer.tokens import MatchKey, tokenizer

__all__ = ["DetectError", "Limits", "Tokenizer", "detect", "detect_text"]


class DetectError(RuntimeError):
    """Base exception of the detection engine."""


class Tokenizer:
    """`indexer.tokens.token` with a per-call cache: dumps repeat values (a gmail canonical
    form, a shared phone) and the HMAC is the single most expensive step per identifier."""

    __slots__ = ("key", "cache", "fn")

    def __init__(self, key: MatchKey) -> None:
        self.key = key
        self.cache: dict[tuple[str, str], bytes] = {}
        self.fn = tokenizer(key)

    def __call__(self, id_type: str, canonical: str) -> bytes:
        k = (id_type, canonical)
        t = self.cache.get(k)
        if t is None:
            if len(self.cache) > 1_000_000:
                self.cache.clear()
            t = self.cache[k] = self.fn(id_type, canonical)
        return t


# A line that can carry an identifier has an @, a run of 8+ digits (dates of birth have 8), or
# is a `login:password` line. Recognisers run from such "seed" lines only, after walking back
# over the lines of the same block (a header, dox or stealer labels: `shapes.block_start`), so
# on sparse forum text most lines are never looked at again. The pattern runs in RE2; it avoids counted repetitions,
# which multiply the DFA's states until RE2 falls back to its much slower NFA.
_SEED_PATTERN = (r"(?m)@|\d(?:[ ./-]?\d){7}|^[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*$|^(?:MSH\||COPY |CREATE |INSERT |REPLACE )")
# Forum quote prefixes ("> row", ">> row": a ">" then up to 8 more of "> ") are set aside so
# that quoted dumps are still found. One substitution after each line break; bounded, so Python `re` cannot backtrack, and the literal "\n" lets it skip
# ahead at memchr speed (a `^` in multiline mode is tried at every character, ~5x slower)
_QUOTE_PREFIX = re.compile(r"\n>[> ]{0,8}")


_SEED_RE2 = re2.compile(_SEED_PATTERN)  # run by RE2's DFA on the UTF-8 bytes
_UNANCHORED = re2._Anchor.UNANCHORED  # noqa: SLF001 - see indexer._re2fast


# The seed scan without a Python step per seed. On forum text most seed lines stand alone (see
# `_alone_is_nothing`), and a Python step costs ~2 us where RE2 runs at hundreds of MB/s, so
# two RE2 passes find only the seed lines that may matter:
# - _PAIR: two adjacent lines, both not blank (a "blank" line has only _RULE_CHARS), one of
#   them a seed line (every alternative of _SEED_PATTERN, each as a whole line); every seed
#   line with a non-blank neighbour is in such a pair;
# - _SPECIAL: a seed line on which `_alone_is_nothing` could say False: it holds one of
#   `: = > { [ MSH|`, a statement keyword in any case, or "ı"/"ſ" (the only non-ASCII
#   characters whose upper case is one ASCII letter, as in "ınsert").
# A seed line in neither stands alone and has no ":", "=" or ">", so it cannot be a key: value
# line either, and no walk back in `shapes.block_start` can cross it: dropping it unseen is
# what the exact test would do. Seeds with nothing before or after them are cheap to find this
# way because the DFA never has to hand anything back.
_SEEDC = rb"(?:@|\d(?:[ ./-]?\d){7})"
_SEED_LINE = (rb"(?:[^\n]*?" + _SEEDC + rb"[^\n]*|[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*"
              rb"|(?:MSH\||COPY |CREATE |INSERT |REPLACE )[^\n]*)")
_FULL_LINE = rb"[^\n]*[^ \t\n\-_=*~#+][^\n]*"
_PAIR_RE2 = re2.compile(rb"(?m)^(?:" + _SEED_LINE + rb"\n" + _FULL_LINE + rb"|" + _FULL_LINE + rb"\n" + _SEED_LINE + rb")")
_BLANK_RE2 = re2.compile(rb"(?m)^[ \t\-_=*~#+]*$")
_SP = rb"(?:[:=>{\[]|MSH\||(?i:insert|replac|create|copy)|" + "ı|ſ".encode() + b")"  # RE2 reads UTF-8
_SPECIAL = (rb"(?m)^(?:[^\n]*?(?:" + _SP + rb"[^\n]*?" + _SEEDC + rb"|" + _SEEDC + rb"[^\n]*?" + _SP + rb")"
            rb"|[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*$|(?:MSH\||COPY |CREATE |INSERT |REPLACE ))")
_SPECIAL_RE2 = re2.compile(_SPECIAL)
# either of the two, for the common case of a post with neither (one RE2 call instead of two)
_EITHER_RE2 = re2.compile(_SPECIAL + rb"|(?m)^(?:" + _SEED_LINE + rb"\n" + _FULL_LINE + rb"|" + _FULL_LINE + rb"\n" + _SEED_LINE + rb")")


def _three_above(b: bytes, ls: int) -> list[str]:
    """The (up to) 3 lines above the line starting at byte `ls`, for `_alone_is_nothing`; a
    quoted one (">") is given as a line that counts as key: value, which keeps the seed."""
    out = []
    for _ in range(3):
        if ls <= 0:
            break
        ps = b.rfind(b"\n", 0, ls - 1) + 1
        x = b[ps:ls - 1]
        if b">" in x:
            out.append("k: v")
        elif b":" in x or b"=" in x:  # a key: value line needs one of these
            out.append(x.decode("utf-8", "replace"))
        ls = ps
    return out


def _candidate_starts(b: bytes) -> list[tuple[int, int]]:
    """Seed lines that are not alone (see `_alone_is_nothing`), found on the UTF-8 bytes by
    the two RE2 passes above, with line numbers counted by `bytes.count`; a post made of prose,
    signatures and order numbers is done with before its text is even split into lines. The
    tests here run on the raw bytes, before quote prefixes are set aside ("> " lines are never
    blank here and always special), so they only ever drop what the exact test in
    `detect_text` would drop too.

    Returns (seed line, floor): the floor is 1 + the last special seed line dropped before it.
    The main loop raises its own floor to it, as it would have on meeting the dropped seed: a
    block found by walking back from a later seed must not start above it (`shapes.block_start`
    walks back over blank lines to key: value lines, and an unlabelled `Contact: x@y` line there
    would end a dox before it starts)."""
    n = len(b)
    first = _EITHER_RE2._regexp.Match(_UNANCHORED, b, 0, n)[0][0]  # noqa: SLF001
    if first < 0:
        return []
    start = b.rfind(b"\n", 0, first) + 1  # both passes start on the line of the first hit
    line0 = b.count(b"\n", 0, start)
    seed = _SEED_RE2._regexp.Match  # noqa: SLF001
    kept: set[int] = set()
    match = _PAIR_RE2._regexp.Match  # noqa: SLF001
    blank = _BLANK_RE2._regexp.Match  # noqa: SLF001
    pos, line = start, line0  # pos: the first byte of line `line`
    while pos < n:
        st = match(_UNANCHORED, b, pos, n)[0][0]
        if st < 0:
            break
        line += b.count(b"\n", pos, st)
        # the pair opens a block of non-blank lines (no seed line above it in the block, or the
        # pair would have started there): every seed line down to the block's end is kept
        be = blank(_UNANCHORED, b, st, n)[0][0]
        be = n if be < 0 else be
        q = st
        while q < be:
            s0 = seed(_UNANCHORED, b, q, be)[0][0]
            if s0 < 0:
                break
            k = b.count(b"\n", q, s0)
            if k:
                line += k
                q = b.rfind(b"\n", q, s0) + 1
            kept.add(line)
            e = b.find(b"\n", s0)
            if e < 0:
                q = n
                break
            q = e + 1
            line += 1
        if q < be:
            line += b.count(b"\n", q, be)
        pos = max(be, q)
    dropped: list[int] = []
    match = _SPECIAL_RE2._regexp.Match  # noqa: SLF001
    pos, line = start, line0
    while pos < n:
        st = match(_UNANCHORED, b, pos, n)[0][0]
        if st < 0:
            break
        line += b.count(b"\n", pos, st)
        e = b.find(b"\n", st)
        e = n if e < 0 else e
        if line not in kept:  # a special line that stands alone: the exact test decides
            s = b[st:e]
            if b">" in s or not _alone_is_nothing(s.decode("utf-8", "replace"), lambda: _three_above(b, st)):
                kept.add(line)
            else:
                dropped.append(line)
        pos = e + 1
        line += 1
    out: list[tuple[int, int]] = []
    floor = di = 0
    for k in sorted(kept):
        while di < len(dropped) and dropped[di] < k:
            floor = dropped[di] + 1
            di += 1
        out.append((k, floor))
    return out


# A line made only of these ("--", "___" above a signature) has no separator, digit, "@" or
# ":", so no recogniser can take it into a block with a non key: value line: it counts as blank.
_RULE_CHARS = " \t-_=*~#+"
_RULE_BYTES = _RULE_CHARS.encode()


def _alone_is_nothing(s: str, above: Callable[[], list[str]]) -> bool:
    """Whether a line with blank lines on both sides can be no fragment at all. Every shape
    needs several adjacent lines (a header and a row, three combo or list lines), except a
    single-line INSERT, the statements that set up later ones (CREATE, COPY), HL7 and JSON,
    and key: value lines, which doxes space out with blank lines. On forum text most seed
    lines are such one-line paragraphs (a signature, an order number), and this check costs
    a fraction of running the recognisers on them.

    A key: value line is nothing alone when its label names nothing (`Contact: a@b.fr`,
    `Prix: 50$`: `shapes._kv` stops at it) and none of the 3 lines `above()` gives (what
    `shapes.block_start` may walk back over) is a key: value line either."""
    t = s.lstrip()
    head = t[:6].upper()
    if head in ("INSERT", "REPLAC", "CREATE") or head[:5] == "COPY " or t[:4] == "MSH|" or t[:1] in "{[":
        return False
    # a key: value line needs ":", "=" or "->"
    if ":" not in s and "=" not in s and ">" not in s:
        return True
    km = _KV.match(s)
    if km is None:
        return True
    if norm_name(km.group(1)) in _STEALER or _label(km.group(1)) is not None:
        return False
    return not any(_KV.match(x) for x in above())


_LIMITS = Limits()  # the defaults (a frozen dataclass costs ~1 us to build, per post)


def detect(data: bytes | str, *, key: MatchKey, filename: str | None = None,
           content_type: str | None = None, limits: Limits | None = None) -> list[Fragment]:
    """All fragments in one post or file, in line order. See the module docstring."""
    limits = limits or _LIMITS
    text = decode(data, filename=filename, content_type=content_type, limits=limits)
    return detect_text(text, key=key, filename=filename, limits=limits)


def detect_text(text: str, *, key: MatchKey, filename: str | None = None,
                limits: Limits | None = None, tokenizer: Tokenizer | None = None) -> list[Fragment]:
    """`detect` on text already decoded.

    The cyclic garbage collector is paused for the call: detection builds no reference
    cycles (reference counting frees everything), but a dense dump allocates ~10 tuples and
    objects per identifier, which triggers full collections, and each of those walks every
    object of the process: with the alerts registry's 1M tokens in memory that cost 16% of
    the time on dense dumps. The previous state is restored on the way out."""
    was = gc.isenabled()
    gc.disable()
    try:
        return _detect_text(text, key, filename, limits, tokenizer)
    finally:
        if was:
            gc.enable()


def _detect_text(text: str, key: MatchKey, filename: str | None, limits: Limits | None,
                 tokenizer: Tokenizer | None) -> list[Fragment]:
    limits = limits or _LIMITS
    deadline = time.monotonic() + limits.max_seconds
    tok = tokenizer or Tokenizer(key)
    if "\r" in text:  # CRLF files, and HL7 which ends segments with a lone CR
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (a str from a lax decoder): make them U+FFFD
        encoded = text.encode("utf-8", "replace")
        text = encoded.decode("utf-8")
    starts = _candidate_starts(encoded)
    if not starts:  # most forum posts: nothing that could start a fragment
        return []
    del encoded
    raw = text.split("\n")
    cut = False
    if len(text) > limits.max_line_chars:
        for k, ln in enumerate(raw):
            if len(ln) > limits.max_line_chars and ln.lstrip()[:6].upper() not in ("INSERT", "REPLAC"):
                raw[k] = ln[: limits.max_line_chars]  # a giant non-SQL line: its head only
                cut = True
    if ">" in text:
        # quote prefixes: line k of `lines` is line k of `raw` minus its prefix, whose length is
        # len(raw[k]) - len(lines[k]); the prefixes are found by one C-level search for "\n>"
        lines = raw[:]
        src = "\n" + ("\n".join(raw) if cut else text)
        last = k = 0
        for m in _QUOTE_PREFIX.finditer(src):
            st = m.start()
            k += src.count("\n", last, st + 1)
            last = st + 1
            lines[k - 1] = raw[k - 1][m.end() - st - 1:]
    else:
        lines = raw
    is_table = bool(filename) and filename.lower().endswith((".csv", ".tsv", ".txt"))
    ctx = Ctx(lines, is_table, limits.max_line_chars)
    out: list[Fragment] = []
    n_ids = 0
    n = len(lines)
    i = 0
    si = 0
    while si < len(starts):
        st, floor = starts[si]
        if floor > i:
            i = floor
        if st < i:
            si += 1
            continue
        si += 1
        if (st == 0 or not lines[st - 1].strip(_RULE_CHARS)) and (st + 1 >= n or not lines[st + 1].strip(_RULE_CHARS)) \
                and _alone_is_nothing(lines[st], lambda: lines[max(0, st - 3):st]):
            i = st + 1  # what recognise() would have concluded, without the recognisers
            continue
        i = block_start(ctx, st, i)
        if time.monotonic() > deadline:
            logger.warning("detection stopped at line {} of {}: time cap {}s reached", i + 1, n, limits.max_seconds)
            break
        nxt, spec = recognise(ctx, i)
        i = max(nxt, i + 1)
        if spec is None:
            continue
        kind, first, last, fill = spec
        offs = []
        o = 0
        for k in range(first, last + 1):
            pk = len(raw[k]) - len(lines[k])
            offs.append(o + pk)
            o += len(raw[k]) + 1
        frag_text = "\n".join(raw[first:last + 1]) if not any(len(raw[k]) > limits.max_line_chars for k in (first, last)) \
            else "\n".join(" " * (len(raw[k]) - len(lines[k])) + lines[k] for k in range(first, last + 1))
        sink = Sink(deadline, limits.max_identifiers - n_ids)
        hits = fill(sink, offs)
        accept = getattr(fill, "accept", None)
        if not sink.found or (accept is not None and not accept(hits)):
            continue
        frag = _build(kind, first, last, frag_text, sink, tok)
        n_ids += len(frag.identifiers)
        out.append(frag)
        if sink.stopped or len(out) >= limits.max_fragments or n_ids >= limits.max_identifiers:
            logger.warning("detection stopped in lines {}-{}: time, fragment or identifier cap reached", first + 1, last + 1)
            break
    return out


def _identifier_factory() -> Callable[..., Identifier]:
    """`Identifier(type, value, token, key_version, start, end)` without the frozen dataclass
    `__init__`, which goes through `object.__setattr__` once per field (0.9 us an identifier;
    filling the slots directly: 0.5 us). Used only while `Identifier` has exactly these slots
    and no `__post_init__`; otherwise this is the plain constructor."""
    names = [f.name for f in dataclasses.fields(Identifier)]
    if (names != ["type", "value", "token", "key_version", "start", "end"] or "__slots__" not in Identifier.__dict__
            or hasattr(Identifier, "__post_init__")):
        return Identifier
    s_type, s_value, s_token, s_version, s_start, s_end = (Identifier.__dict__[n].__set__ for n in names)
    new = object.__new__

    def make(t: str, v: str, k: bytes, kv: int, st: int | None, en: int | None) -> Identifier:
        o = new(Identifier)
        s_type(o, t)
        s_value(o, v)
        s_token(o, k)
        s_version(o, kv)
        s_start(o, st)
        s_end(o, en)
        return o

    return make


_new_identifier = _identifier_factory()


def _build(kind: str, first: int, last: int, text: str, sink: Sink, tok: Tokenizer) -> Fragment:
    cut = excerpt_end(text)
    version = tok.key.version
    idents: list[Identifier] = []
    append = idents.append
    masks = [m for m in sink.masks if 0 <= m[0] < cut]
    cache = tok.cache
    fn = tok.fn
    ident = _new_identifier
    for t, c, st, en in sink.found:
        k = (t, c)
        tk = cache.get(k)
        if tk is None:
            tk = cache[k] = fn(t, c)
        if st >= 0 and en > st:
            append(ident(t, c, tk, version, st, en))
            if st < cut:
                masks.append((st, en, mask_value(t, c)))
        else:
            append(ident(t, c, tk, version, None, None))
    if len(cache) > 1_000_000:
        cache.clear()
    flags = scan_article9(text)
    seen = {(f.category, f.evidence.lower()) for f in flags}
    for cat, ev, st, en in sink.header_flags:
        if (cat, ev.lower()) not in seen:
            seen.add((cat, ev.lower()))
            flags.append(SensitiveFlag(category=cat, evidence=ev, start=st if st >= 0 else None,
                                       end=en if en >= 0 else None))
    return Fragment(kind=kind, start_line=first + 1, end_line=last + 1, text=text,
                    identifiers=idents, sensitive=flags, severity=severity(idents, flags),
                    excerpt=redact(text, masks))
