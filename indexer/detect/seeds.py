"""Seed lines: where fragment recognition may start, found on the UTF-8 bytes by RE2.

A seed line can carry an identifier (an @, a run of 8+ digits, a `login:password` line) or opens
a machine-made dump (INSERT, COPY, CREATE, MSH). Most seed lines of forum text stand alone
between blank lines and can be no fragment; `candidate_starts` leaves those out without a
Python step for each, which is what makes sparse text fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from itertools import repeat

import re2

from indexer import engine as _engine
from indexer.detect.flattened import MIN_LINE as _FLAT_MIN_LINE
from indexer.detect.flattened import records as _flat_records
from indexer.detect.prose import alone_prose
from indexer.detect.shapes import _KV, _STEALER, MIN_LINE_ADDRESSES, _label, stealer_key

__all__ = ["FOREIGN_EOLS", "RULE_CHARS", "alone_is_nothing", "candidate_starts", "foreign_eol", "label_names_something",
           "unify_eols", "unify_eols_bytes"]


# A line that can carry an identifier has an @ (or its URL encoding %40, or an obfuscated "[at]",
# "(at)", "{at}"), a run of 8+ digits (dates of birth have 8; `%20` or `+` between them in a
# URL-encoded form), or is a `login:password` line, or starts with a password's label (a stealer
# log's `Password: ...`, whose login may be a username). Recognisers run from such "seed" lines only, after walking back
# over the lines of the same block (a header, dox or stealer labels: `shapes.block_start`), so
# on sparse forum text most lines are never looked at again. The pattern runs in RE2; it avoids
# counted repetitions, which multiply the DFA's states until RE2 falls back to its slower NFA.
# a password's label at a line's start, spelled out in ASCII (RE2's `(?i)` would fold "ſ" into "s"
# where the other engines' byte patterns do not): `Password:`, `PASS =`, `pwd:`, `Mot de passe :`
_PW = (r"[ \t>]*(?:[pP][aA][sS][sS](?:[wW][oO][rR][dD]|[wW][dD])?|[pP][wW][dD]|[mM][dD][pP]"
       r"|[mM][oO][tT] [dD][eE] [pP][aA][sS][sS][eE])[ \t]*[:=]")
_SEED_PATTERN = (r"(?m)@|%40|\d(?:[ ./%+-]?\d){7}|[\[({] ?[aA][tT] ?[\])}]"
                 r"|^[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*$"
                 r"|^(?:MSH\||COPY |CREATE |INSERT |REPLACE )|^" + _PW)
_SEED_RE2 = re2.compile(_SEED_PATTERN)  # run by RE2's DFA on the UTF-8 bytes
_UNANCHORED = re2._Anchor.UNANCHORED


# The seed scan without a Python step per seed. On forum text most seed lines stand alone (see
# `alone_is_nothing`), and a Python step costs ~2 us where RE2 runs at hundreds of MB/s, so
# two RE2 passes find only the seed lines that may matter:
# - _PAIR: two adjacent lines, both not blank (a "blank" line has only RULE_CHARS), one of
#   them a seed line (every alternative of _SEED_PATTERN, each as a whole line); every seed
#   line with a non-blank neighbour is in such a pair;
# - _SPECIAL: a seed line on which `alone_is_nothing` could say False: it holds one of
#   `: = > { [ MSH|`, a statement keyword in any case, or "ı"/"ſ" (the only non-ASCII
#   characters whose upper case is one ASCII letter, as in "ınsert"), or a second "@" (a line
#   of addresses, `shapes._address_line`), or it starts with a password's label (`_PW`).
# A seed line in neither stands alone and has no ":", "=" or ">", so it cannot be a key: value
# line either, and no walk back in `shapes.block_start` can cross it: dropping it unseen is
# what the exact test would do. Seeds with nothing before or after them are cheap to find this
# way because the DFA never has to hand anything back.
_SEEDC = rb"(?:@|%40|\d(?:[ ./%+-]?\d){7}|[\[({] ?[aA][tT] ?[\])}])"
_SEED_LINE = (rb"(?:[^\n]*?" + _SEEDC + rb"[^\n]*|[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*"
              rb"|(?:MSH\||COPY |CREATE |INSERT |REPLACE )[^\n]*|" + _PW.encode() + rb"[^\n]*)")
_FULL_LINE = rb"[^\n]*[^ \t\n\-_=*~#+][^\n]*"
_PAIR_RE2 = re2.compile(
    rb"(?m)^(?:" + _SEED_LINE + rb"\n" + _FULL_LINE + rb"|" + _FULL_LINE + rb"\n" + _SEED_LINE + rb")")
_BLANK_RE2 = re2.compile(rb"(?m)^[ \t\-_=*~#+]*$")
_SP = rb"(?:[:=>{\[@]|MSH\||(?i:insert|replac|create|copy)|" + "ı|ſ".encode() + b")"  # RE2 reads UTF-8
_SPECIAL = (rb"(?m)^(?:[^\n]*?(?:" + _SP + rb"[^\n]*?" + _SEEDC + rb"|" + _SEEDC + rb"[^\n]*?" + _SP + rb")"
            rb"|[ \t>]*(?:\d+[.)\]][ \t]+)?[^\s:|;]+[:|]\S+[ \t]*$|(?:MSH\||COPY |CREATE |INSERT |REPLACE )|"
            + _PW.encode() + rb")")
_SPECIAL_RE2 = re2.compile(_SPECIAL)
# either of the two, for the common case of a post with neither (one RE2 call instead of two)
_EITHER_RE2 = re2.compile(
    _SPECIAL + rb"|(?m)^(?:" + _SEED_LINE + rb"\n" + _FULL_LINE + rb"|" + _FULL_LINE + rb"\n" + _SEED_LINE + rb")")


# a quote prefix at a line's start, as `detect_text` sets it aside (`_QUOTE_PREFIX` there)
_QUOTE_HEAD = re.compile(rb">[> ]{0,8}")


def _three_above(b: bytes, ls: int) -> list[str]:
    """The (up to) 3 lines above the line starting at byte `ls`, for `alone_is_nothing`, as
    `detect_text` sees them: a quoted line without its quote prefix (a reply that quotes prose
    above a signature's `Contact: x@y` line is no key: value line; one that quotes `Nom: X` is)."""
    out = []
    for _ in range(3):
        if ls <= 0:
            break
        ps = b.rfind(b"\n", 0, ls - 1) + 1
        x = b[ps:ls - 1]
        if x[:1] == b">":
            x = x[_QUOTE_HEAD.match(x).end():]  # type: ignore[union-attr]  # (it starts with ">")
        if b":" in x or b"=" in x or b">" in x:  # a key: value line needs one of these (">": `->`)
            out.append(x.decode("utf-8", "replace"))
        ls = ps
    return out


# Line ends other than LF and CR: Unicode's line and paragraph separators and NEL (editors and
# browsers show a new line), the vertical tab (Word's manual line break), the form feed (a page
# break: PDF text, mail merges) and the ASCII file, group and record separators (str.splitlines
# cuts at all of them). A dump whose rows end in one of them was one line, alone: every row
# lost (wave 24, blind probe set 4). They are read as "\n", the same in every engine: before the
# seed scan on the bytes (`candidate_starts`) and before the lines are split (`detect_text`).
FOREIGN_EOLS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
_TO_LF = str.maketrans(dict.fromkeys(FOREIGN_EOLS, "\n"))
_TO_LF_BYTES = bytes.maketrans(b"\x0b\x0c\x1c\x1d\x1e", b"\n\n\n\n\n")


def foreign_eol(b: bytes) -> bool:
    """Whether the UTF-8 bytes `b` hold one of `FOREIGN_EOLS` (C searches; the multi-byte ones
    only in a text that is not ASCII, and each only where a byte of it is: a search for one
    byte is `memchr`, ~20x one for three, and a text with accents and no typographic
    punctuation holds no 0xE2)."""
    return (b"\x0c" in b or b"\x0b" in b or b"\x1e" in b or b"\x1c" in b or b"\x1d" in b
            or (not b.isascii() and ((b"\xe2" in b and (b"\xe2\x80\xa8" in b or b"\xe2\x80\xa9" in b))
                                     or (b"\x85" in b and b"\xc2\x85" in b))))


def unify_eols_bytes(b: bytes) -> bytes:
    """`b` with each of `FOREIGN_EOLS` (UTF-8) made one LF; `unify_eols` on bytes."""
    if b"\x1e" in b:
        b = _json_seq_bytes(b)
    if not b.isascii():
        b = b.replace(b"\xe2\x80\xa8", b"\n").replace(b"\xe2\x80\xa9", b"\n").replace(b"\xc2\x85", b"\n")
    return b.translate(_TO_LF_BYTES)


def _json_seq_bytes(b: bytes) -> bytes:
    b = b.replace(b"\n\x1e", b"\n")
    return b[1:] if b[:1] == b"\x1e" else b


def unify_eols(text: str) -> str:
    """`text` with each of `FOREIGN_EOLS` made one LF, but a record separator that opens a line
    (RFC 7464's JSON text sequence: RS before each JSON text, LF after it), which goes: it was
    read as the line's leading blank."""
    if "\x1e" in text:
        text = text.replace("\n\x1e", "\n")
        if text[:1] == "\x1e":
            text = text[1:]
    return text.translate(_TO_LF)


def candidate_starts(b: bytes, *, unified: bool = False) -> list[tuple[int, int]]:
    """Seed lines that are not alone (see `alone_is_nothing`), found on the UTF-8 bytes by
    the two RE2 passes above, with line numbers counted by `bytes.count`; a post made of prose,
    signatures and order numbers is done with before its text is even split into lines. The
    tests here run on the raw bytes, before quote prefixes are set aside ("> " lines are never
    blank here and always special), so they only ever drop what the exact test in
    `detect_text` would drop too.

    Returns (seed line, floor): the floor is 1 + the last special seed line dropped before it.
    The main loop raises its own floor to it, as it would have on meeting the dropped seed: a
    block found by walking back from a later seed must not start above it (`shapes.block_start`
    walks back over blank lines to key: value lines, and an unlabelled `Contact: x@y` line there
    would end a dox before it starts).

    The lines are those of `unify_eols`: a text whose rows end in U+2028 or a form feed is read
    as `detect_text` reads it, one line a row (else it was one line, and most often alone);
    `unified`: the caller made them LF already (`detect_text`)."""
    if not unified and foreign_eol(b):
        b = unify_eols_bytes(b)
    n = len(b)
    native = _engine.native_module()  # (the call, not its state: it may say "reference only")
    if native is not None:  # the compiled core: both passes in one call (issue 17)
        got = native.seed_passes(b, _engine.today())
        if got is not None:
            kept_lines, alone = got
            if not alone:
                return list(zip(kept_lines, repeat(0)))  # [(k, 0) for k in kept_lines], in C
            return _decide(b, set(kept_lines), alone)
    first = _EITHER_RE2._regexp.Match(_UNANCHORED, b, 0, n)[0][0]
    if first < 0:
        return []
    start = b.rfind(b"\n", 0, first) + 1  # both passes start on the line of the first hit
    line0 = b.count(b"\n", 0, start)
    seed = _SEED_RE2._regexp.Match
    kept: set[int] = set()
    match = _PAIR_RE2._regexp.Match
    blank = _BLANK_RE2._regexp.Match
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
        if native is not None:  # the compiled core: the block's seed lines in one call (issue 17)
            got = native.seed_lines(b, st, be, line)
            if got is not None:
                kept.update(got)
                line += b.count(b"\n", st, be)
                pos = be
                continue
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
    match = _SPECIAL_RE2._regexp.Match
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
            if b">" in s or not alone_is_nothing(s.decode("utf-8", "replace"), partial(_three_above, b, st)):
                kept.add(line)
            else:
                dropped.append(line)
        pos = e + 1
        line += 1
    return _with_floors(kept, dropped)


def _with_floors(kept: set[int], dropped: list[int]) -> list[tuple[int, int]]:
    """Each kept start line with its floor: the line after the last dropped line before it (a
    block may not reach back over a line found to stand alone). `dropped` is in line order."""
    out: list[tuple[int, int]] = []
    floor = di = 0
    for k in sorted(kept):
        while di < len(dropped) and dropped[di] < k:
            floor = dropped[di] + 1
            di += 1
        out.append((k, floor))
    return out


# what the core tells of a special line (rust/vigie_native/src/prefilter.rs, `alone_code`)
_ALONE_ASK, _ALONE_NOTHING, _ALONE_NO_PROSE = 0, 1, 2


def _decide(b: bytes, kept: set[int], special: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """`candidate_starts`' end after the core's passes: each special line `(line, start,
    end, code)` that stands alone (in no pair's block, no ">") is kept unless
    `alone_is_nothing`, which the core has answered already (`_ALONE_NOTHING`) or half
    answered (`_ALONE_NO_PROSE`: not a dox in prose, which is the costly half); the result
    with its floors (the same steps as the end of the RE2 way above)."""
    dropped: list[int] = []
    for line, st, e, code in special:
        if code != _ALONE_NOTHING and not alone_is_nothing(
                b[st:e].decode("utf-8", "replace"), partial(_three_above, b, st), prose=code != _ALONE_NO_PROSE):
            kept.add(line)
        else:
            dropped.append(line)
    return _with_floors(kept, dropped)


# A line made only of these ("--", "___" above a signature) has no separator, digit, "@" or
# ":", so no recogniser can take it into a block with a non key: value line: it counts as blank.
RULE_CHARS = " \t-_=*~#+"
_RULE_BYTES = RULE_CHARS.encode()


def alone_is_nothing(s: str, above: Callable[[], list[str]], prose: bool = True) -> bool:
    """Whether a line with blank lines on both sides can be no fragment at all. Every shape
    needs several adjacent lines (a header and a row, three combo or list lines), except a
    single-line INSERT, the statements that set up later ones (CREATE, COPY), HL7 and JSON,
    and key: value lines, which doxes space out with blank lines. On forum text most seed
    lines are such one-line paragraphs (a signature, an order number), and this check costs
    a fraction of running the recognisers on them. A line of markup (`<`) is left to
    `records.xml` too: an export written on one line (`<patients><patient>...`) holds its
    records side by side, and that recogniser takes a lone line only when it holds two. So is
    a line of `MIN_LINE_ADDRESSES` "@" or more, to `shapes._address_line` (a mailing list or a
    message's recipients pasted on one line).

    A key: value line is nothing alone when its label names nothing (`Contact: a@b.fr`,
    `Prix: 50$`: `shapes._kv` stops at it) and none of the 3 lines `above()` gives (what
    `shapes.block_start` may walk back over) is a key: value line whose label names something
    either: a dox's `Nom :` or a stealer log's `URL:` there opens a block that takes this line
    in, where an unnamed one (a seller's `Prix: 2800$, contact: tox` above a signature's
    `Contact: x@y`) is where `shapes._kv` stops as well. (Until wave 18 any key: value line above
    kept the line, and every such signature cost a whole `detect()` of its post: 8 ms per MB of
    forum text, twice the one-pass scan.)

    `prose=False`: the caller knows the line is no dox in prose (the compiled core's bound,
    rust/vigie_native/src/prefilter.rs `prose_may`), so `alone_prose` is not asked."""
    t = s.lstrip()
    head = t[:6].upper()
    if head in ("INSERT", "REPLAC", "CREATE") or head[:5] == "COPY " or t[:4] == "MSH|" or t[:1] in "{[<":
        return False
    if s.count("@") >= MIN_LINE_ADDRESSES:
        return False
    # a table whose line ends were lost, its records' addresses recurring (`flattened`): as rows
    if len(s) >= _FLAT_MIN_LINE and s.count("@") >= 2 and _flat_records(s) is not None:
        return False
    if prose and alone_prose(s):  # two contacts of a person in one sentence: a dox in prose (`prose.prose_dox`)
        return False
    # a key: value line needs ":", "=" or "->"
    if ":" not in s and "=" not in s and ">" not in s:
        return True
    km = _KV.match(s)
    if km is None:
        return True
    if label_names_something(km.group(1)):
        return False
    return not any(label_names_something(m.group(1)) for x in above() if (m := _KV.match(x)) is not None)


@lru_cache(maxsize=65_536)
def label_names_something(label: str) -> bool:
    """Whether a `key: value` line with this label can open a block (`shapes._kv`): a dox's or
    a stealer log's label. Asked by `alone_is_nothing` and by the compiled scan (a label's
    answer never changes, and forum signatures repeat the same few)."""
    return stealer_key(label) in _STEALER or _label(label) is not None
