"""The detection engine: bytes or text in, `Fragment`s out.

    decode -> split lines (quote prefixes "> " set aside; a CSV record whose quoted cell spans
    lines joined into one logical line, `multiline`) -> seed lines (one RE2 pass) -> drop
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
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter
from typing import Any

from loguru import logger

from indexer import IndexerError
from indexer import engine as _engine
from indexer.article9 import blood_group_flag, declined_column, scan_article9
from indexer.decode import Limits, decode_keeping_utf8
from indexer.detect import banking as _banking
from indexer.detect import births as _births
from indexer.detect import caps as _caps
from indexer.detect import chatter as _chatter
from indexer.detect import devices as _devices
from indexer.detect import establishments as _establishments
from indexer.detect import firstlook as _firstlook
from indexer.detect import flattened as _flattened
from indexer.detect import informs as _informs
from indexer.detect import logins as _logins
from indexer.detect import lone as _lone
from indexer.detect import nationals as _nationals
from indexer.detect import nobody as _nobody
from indexer.detect import pivot as _pivot
from indexer.detect import prefilter as _prefilter
from indexer.detect import shapes as _shapes
from indexer.detect import stanzas as _stanzas
from indexer.detect import stream_spaced as _stream_spaced
from indexer.detect import switchboards as _switchboards
from indexer.detect import transposed as _transposed
from indexer.detect.cellwrap import bare as _bare_cells
from indexer.detect.dial import bare as _dial_bare
from indexer.detect.examples import drop_examples, drop_placeholder_person, spec_framed
from indexer.detect.exports import may_need_reading, readable
from indexer.detect.extract import Sink
from indexer.detect.extract import cpu_gate as _cpu_gate
from indexer.detect.extract import cpu_over as _cpu_over
from indexer.detect.glued import LOOK_BYTES as _GLUED_LOOK_BYTES
from indexer.detect.glued import may_hold as _may_be_glued
from indexer.detect.glued import split_glued as _split_glued
from indexer.detect.jcard import rewrite as _jcard_rewrite
from indexer.detect.multiline import join_quoted_cells, logical_starts
from indexer.detect.notmail import drop_no_ones
from indexer.detect.petitions import petition_flags, signed_head
from indexer.detect.records import is_long_json_records
from indexer.detect.relabel import relabel as _relabel
from indexer.detect.seeds import (
    RULE_CHARS,
    alone_is_nothing,
    candidate_starts,
    foreign_eol,
    unify_eols,
    unify_eols_bytes,
)
from indexer.detect.shapes import Ctx, block_start, delimiter_of, recognise
from indexer.detect.spaced import colon_rows as _colon_rows
from indexer.detect.spaced import compact as _compact_spaced
from indexer.detect.spaced import undecorate as _undecorate
from indexer.detect.sqllit import plain as _sql_plain
from indexer.detect.unfold import unfold as _unfold
from indexer.detect.unveil import may_be_veiled
from indexer.detect.wrappers import unwrap as _unwrap
from indexer.identifiers import card_network
from indexer.models import Fragment, Identifier, SensitiveFlag, Severity
from indexer.redact import EXCERPT_TAIL, excerpt_end, mask_value, net_patterns, redact
from indexer.severity import severity_for_types
from indexer.tokens import MatchKey, tokenizer

__all__ = ["DetectError", "Limits", "Tokenizer", "detect", "detect_text"]


class DetectError(IndexerError, RuntimeError):
    """Base exception of the detection engine."""


class Tokenizer:
    """`indexer.tokens.token` with a per-call cache: dumps repeat values (a gmail canonical
    form, a shared phone) and the HMAC is the single most expensive step per identifier."""

    __slots__ = ("key", "cache", "_fn")

    def __init__(self, key: MatchKey) -> None:
        self.key = key
        self.cache: dict[tuple[str, str], bytes] = {}
        self._fn: Callable[[str, str], bytes] | None = None

    @property
    def fn(self) -> Callable[[str, str], bytes]:
        """`tokens.tokenizer(key)`, made when first asked: with the compiled core as the engine
        `Core.build` makes the tokens and no detection asks it (it was ~4k instructions a post)."""
        f = self._fn
        if f is None:
            f = self._fn = tokenizer(self.key)
        return f

    def __call__(self, id_type: str, canonical: str) -> bytes:
        k = (id_type, canonical)
        t = self.cache.get(k)
        if t is None:
            if len(self.cache) > 1_000_000:
                self.cache.clear()
            t = self.cache[k] = self.fn(id_type, canonical)
        return t


# Forum quote prefixes ("> row", ">> row": a ">" then up to 8 more of "> ") are set aside so
# that quoted dumps are still found. Bounded, so Python `re` cannot backtrack, and the literal
# "\n" lets it skip ahead at memchr speed (a multiline `^` is tried at every character).
_QUOTE_PREFIX = re.compile(r"\n>[> ]{0,8}")


_first = itemgetter(0)  # a start's line, a found tuple's type: C-level in `bisect` and `map`

_LIMITS = Limits()  # the defaults (a frozen dataclass costs ~1 us to build, per post)


def _three_above(lines: list[str], st: int) -> list[str]:
    """The lines `alone_is_nothing` may look at above line `st`, passed lazily: it reads them
    only for a key: value line."""
    return lines[max(0, st - 3):st]


def detect(data: bytes | str, *, key: MatchKey, filename: str | None = None,
           content_type: str | None = None, limits: Limits | None = None) -> list[Fragment]:
    """All fragments in one post or file, in line order. See the module docstring.

    Bytes of `prefilter.WINDOWED_MIN_BYTES` or more (a thread page, a file) go through the
    one-scan prefilter: only the windows around start lines are decoded and detected, same
    fragments (tests/test_prefilter.py); it hands the rest back here.

    Should the compiled core panic (a bug in it), the input is detected again by the reference
    engine on this thread, and the crash is logged and counted (`engine.core_panics`): a bug
    in the core costs time, never a fragment."""
    try:
        return _detect(data, key, filename, content_type, limits)
    except BaseException as exc:
        if not _engine.is_core_panic(exc) or _engine.core() is None:
            raise
        _engine.count_core_panic()
        # the panic's message may quote the input: only its type and the input's size are logged
        logger.error("the compiled detection core crashed on an input of {} characters or bytes ({}): detected "
                     "with the Python engine instead; a bug to report", len(data), type(exc).__name__)
        with _engine.reference_only():
            return _detect(data, key, filename, content_type, limits)


def _detect(data: bytes | str, key: MatchKey, filename: str | None, content_type: str | None,
            limits: Limits | None) -> list[Fragment]:
    limits = limits or _LIMITS
    if isinstance(data, bytes) and len(data) >= _prefilter.WINDOWED_MIN_BYTES and _prefilter.available() \
            and not may_need_reading(data) and not foreign_eol(data):
        # (an export to decode is read whole: its windows are encoded; so is a text whose lines end
        # in U+2028 or a form feed: the windows are LF lines. Rows a blank line apart, whose windows
        # would hold each row alone, are windows of their own: `stream_spaced.regions`)
        out = _prefilter.run(data, detect_text, Tokenizer(key), filename, content_type, limits)
        if out is not None:
            return out
    # (the bytes themselves when they are the text's UTF-8: `_detect_text` scans them, no encoding back)
    text, utf8 = decode_keeping_utf8(data, filename=filename, content_type=content_type, limits=limits)
    return _detect_text_paused(text, key, filename, limits, None, utf8)


def detect_text(text: str, *, key: MatchKey, filename: str | None = None,
                limits: Limits | None = None, tokenizer: Tokenizer | None = None,
                rewrite: bool = False) -> list[Fragment]:
    """`detect` on text already decoded. With a `tokenizer` (a window of `prefilter.run`) the
    whole-text rewrites of `spaced` run only when `rewrite` says the window holds their rows.

    The cyclic garbage collector is paused for the call: detection builds no reference
    cycles (reference counting frees everything), but a dense dump allocates ~10 tuples and
    objects per identifier, which triggers full collections, and each of those walks every
    object of the process: with the alerts registry's 1M tokens in memory that cost 16% of
    the time on dense dumps. The previous state is restored on the way out."""
    return _detect_text_paused(text, key, filename, limits, tokenizer, None, rewrite)


def _detect_text_paused(text: str, key: MatchKey, filename: str | None, limits: Limits | None,
                        tokenizer: Tokenizer | None, utf8: bytes | None, rewrite: bool = False) -> list[Fragment]:
    was = gc.isenabled()
    gc.disable()
    try:
        return _detect_text(text, key, filename, limits, tokenizer, utf8=utf8, rewrite=rewrite)
    finally:
        _shapes.forget()
        if was:
            gc.enable()


def _detect_text(text: str, key: MatchKey, filename: str | None, limits: Limits | None,
                 tokenizer: Tokenizer | None, read_exports: bool = True, utf8: bytes | None = None,
                 spaced: bool = True, rewrite: bool = False, unfolded: bool = False,
                 chatty: bool = True, banked: bool = False) -> list[Fragment]:
    """`utf8`, when given, is `text.encode("utf-8")` (`decode_keeping_utf8`); `rewrite`: a window
    of `prefilter.run` that holds rows the rewrites of `spaced` may read (`detect_text`);
    `unfolded`: the text's hard-wrapped records were joined already (`unfold`); `chatty`: chatter
    lines between rows may be set aside (`chatter`) and a table one record a column read turned
    (`transposed`): not in their own second readings; `banked`: bank and card records were read
    as rows already (`banking`)."""
    limits = limits or _LIMITS
    # CPU time of this thread, not wall time: on a busy machine the wall clock cut honest inputs
    # short (a 2 GB combo list lost most of its chunks at load 8), and the cap is about the work
    gate, deadline = _cpu_gate(limits.max_seconds)
    if "\r" in text:  # CRLF files, HL7 which ends segments with a lone CR, and CRLF files
        # converted twice (`\r\r\n`: one line end, not a blank line between every two rows)
        # (with the text's bytes and only CRLF pairs, the most common case: their one replacement
        # and a decode of the result, not the text's three replacements and its encoding; a
        # `\r\r\n` or a lone CR leaves a CR behind: the text's road)
        crlf = utf8.replace(b"\r\n", b"\n") if utf8 is not None else None
        if crlf is not None and b"\r" not in crlf:
            text, utf8 = crlf.decode("utf-8"), crlf
        else:
            text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
            utf8 = None
    if utf8 is not None:
        encoded = utf8
    else:
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (a str from a lax decoder): make them U+FFFD
            encoded = text.encode("utf-8", "replace")
            text = encoded.decode("utf-8")
    # which of the whole-text checks below may apply, in one scan (a dense dump: most often none;
    # their own searches were ~16% of its time); asked again after each rewrite of the text
    seen = _firstlook.looks(encoded)
    if seen & _firstlook.EOL and foreign_eol(encoded):  # rows that end in U+2028, a form feed...: one line each
        text, encoded = unify_eols(text), unify_eols_bytes(encoded)
        seen = _firstlook.looks(encoded)
    # a text of 256 KB or more (a file, a chunk of a streamed one) is rewritten region by region
    # around the rewrites' first looks (`stream_spaced`: the whole text's result, without a split
    # of it all: on bench.instructions pages 1 that cost 185M -> 385M)
    whole = len(text) < _stream_spaced.BIG_TEXT
    if spaced and seen & (_firstlook.WRAPPED | _firstlook.TOOLS):  # each line in a messenger's or a tool's wrapper
        # (and an analyst's tool's markup, `toolprints`): read bare
        bare_lines = _unwrap(text, bool(seen & _firstlook.TOOLS), bool(seen & _firstlook.WRAPPED))
        if bare_lines is not None:
            unwrapped, kept_lines = bare_lines
            frags = _detect_text(unwrapped, key, filename, limits, tokenizer, read_exports, rewrite=rewrite)
            if frags:
                if kept_lines is not None:  # (code fences dropped: the fragments' lines are given back)
                    for f in frags:
                        f.start_line, f.end_line = kept_lines[f.start_line - 1] + 1, kept_lines[f.end_line - 1] + 1
                return frags
            # nothing read bare: the wrappers were the context (a chat's times and nicks are what
            # makes its lines a chat log whose values are read): the text as it came
    if spaced and seen & _firstlook.DECORATED and "@" in text:  # combo lines dressed by a checker (`✅ `): read bare
        bare = _undecorate(text)
        if bare is not None:
            text, encoded = bare, bare.encode("utf-8")
            seen = _firstlook.looks(encoded)
    # (in the windows of a big sparse input, `prefilter.run`, which passes its tokenizer: only in
    # those that hold a region of these rewrites, `rewrite`, which it finds in the input's bytes)
    spaced = spaced and (tokenizer is None or rewrite)
    if chatty and spaced and whole and seen & _firstlook.LOGINS and _logins.may_hold(text) \
            and candidate_starts(encoded, unified=True):
        # credentials as the tools that keep them write them (`.netrc`, `.pgpass`, URLs, Basic headers,
        # FileZilla's XML): a table of logins and passwords (`logins`). Only in a text with a start, as
        # everywhere: a crawl's pages skip a post without one before detection (`prefilter.detect_many`)
        cred = _logins.rewrite(text)
        if cred is not None:
            again = _detect_text(cred[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=unfolded, chatty=False)
            return _lines_back(again, cred[1], cred[2])
    if spaced and ":" in text:  # rows whose cells ':' separates: read as the CSV they are
        semi = _colon_rows(text) if whole else _stream_spaced.colon_rows(text, encoded)
        if semi is not None:
            text, encoded = semi, semi.encode("utf-8")
            seen = _firstlook.looks(encoded)
    if spaced and seen & _firstlook.SEPARATOR and "\n" in text:  # rows a blank line apart: read as adjacent rows
        run = _compact_spaced(text, bool(seen & _firstlook.RUN)) if whole else _stream_spaced.compact(text, encoded)
        if run is not None:
            frags = _detect_text(run[0], key, filename, limits, tokenizer, read_exports, spaced=False)
            kept = run[1]
            for f in frags:
                f.start_line, f.end_line = kept[f.start_line - 1] + 1, kept[f.end_line - 1] + 1
            return frags
    if seen & _firstlook.SQL_LITERALS:  # hex, typed and cast SQL literals (`0x6a65...`, `DATE '...'`): plain
        lit = _sql_plain(text)
        if lit is not None:
            text, encoded = lit, lit.encode("utf-8")
    if seen & _firstlook.CELL_WRAPPED:  # cells kept text by an export (`'0612...`, `="..."`, `"Name" <addr>`): bare
        cells = _bare_cells(text)
        if cells is not None:
            text, encoded = cells, cells.encode("utf-8")
    if seen & _firstlook.JCARD:  # vCards written as JSON arrays (RFC 7095): as objects keyed by their properties
        cards = _jcard_rewrite(text)
        if cards is not None:
            text, encoded = cards, cards.encode("utf-8")
    if seen & _firstlook.DIAL:  # WhatsApp's click-to-chat links (`wa.me/336...`): their numbers with a `+`
        dialled = _dial_bare(text)
        if dialled is not None:
            text, encoded = dialled, dialled.encode("utf-8")
    starts = candidate_starts(encoded, unified=True)  # (its line ends made LF above)
    # (a number in full-width digits or a sample in base64 has no start until it is read; the
    # core's engine asks the core, the same answer ~10x faster than RE2: tests/test_native_veil.py)
    native = _engine.native_module()
    veiled = read_exports and (native.veiled(encoded) if native is not None else may_be_veiled(encoded))
    # one person's record alone on a line (a channel dripping a dump one row a post): `lone`
    # (asked here only of a text without a start; else of the lines no fragment took, below)
    lone = read_exports and spaced and _lone.may_hold(encoded)
    if not starts and not veiled and not (lone and _lone.lone_records(text, encoded)):
        return []  # most forum posts: nothing that could start a fragment
    # a dump whose line ends were lost: a start line or a few (a dump read one record a line has many;
    # counting a text's lines for each cost a dump post 0.5%)
    # (a veiled text is read unveiled first: its rows glued by a written `\n` are rows again there)
    if spaced and whole and not unfolded and not veiled and len(starts) <= _flattened.FEW_STARTS \
            and _flattened.may_hold(text):
        flat = _flattened.reflow(text)
        if flat is not None:
            again = _detect_text(flat[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=True)
            return _lines_back(again, flat[1], flat[2])
    if spaced and whole and not unfolded and seen & _firstlook.GLUED and (
            len(encoded) >= _GLUED_LOOK_BYTES or _may_be_glued(text)):  # two records a line: one a line
        apart = _split_glued(text)
        if apart is not None:
            frags = _detect_text(apart[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=True)
            of = apart[1]
            for f in frags:
                f.start_line, f.end_line = of[f.start_line - 1] + 1, of[f.end_line - 1] + 1
            return frags
    if spaced and whole and not banked and seen & _firstlook.BANK:
        # payment files' records (EPC QR payloads, SWIFT MT parties, RIB tables, EMV TLV dumps) as rows,
        # IBANs in a form's boxes or wrapped onto the next line whole, carders' lines (`banking`)
        bank = _banking.rewrite(text, (_banking.BLOCKS if seen & _firstlook.BANK_BLOCKS else 0)
                                | (_banking.CARDS if seen & _firstlook.BANK_CARDS else 0)
                                | (_banking.IBANS if seen & _firstlook.BANK_IBANS else 0))
        if bank is not None:
            again = _detect_text(bank[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=unfolded, chatty=chatty, banked=True)
            return _lines_back(again, bank[1], bank[2])
    if spaced and starts and len(text) < 256 * 1024:  # a label and its value apart by a tab, a pipe, dots, an arrow
        lab = _relabel(text, encoded)
        if lab is not None:
            text, encoded = lab, lab.encode("utf-8")
            starts = candidate_starts(encoded)
    if read_exports and (veiled or may_need_reading(encoded)):  # (a look at the bytes: memchr speed)
        readable_text, source_lines = readable(text)
        if source_lines is not None:  # an export read decoded; its fragments keep the input's lines
            frags = _detect_text(readable_text, key, filename, limits, tokenizer, read_exports=False)
            for f in frags:
                f.start_line = source_lines[min(f.start_line, len(source_lines)) - 1] + 1
                f.end_line = max(f.start_line, source_lines[min(f.end_line, len(source_lines) - 1)])
            return frags
    # forms inside JSON strings or log lines (a HAR's postData, an access log's query strings): read (`informs`)
    if chatty and spaced and whole and seen & _firstlook.FORMS and _informs.may_hold(text):
        formed = _informs.rewrite(text)
        if formed is not None:
            return _detect_text(formed, key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                unfolded=unfolded, chatty=False)
    if chatty and spaced and whole and not unfolded and seen & _firstlook.PIVOT and _pivot.may_hold(text):
        # an entity's fields one a row (redis-cli's HGETALL, HSET commands, EAV tables): a row each (`pivot`)
        piv = _pivot.rewrite(text)
        if piv is not None:
            again = _detect_text(piv[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=True, chatty=False)
            return _lines_back(again, piv[1], piv[2])
    tok = tokenizer or Tokenizer(key)  # only now: most posts return above and need none
    del encoded
    raw = text.split("\n")
    if spaced and whole and not unfolded:  # records hard-wrapped at a width (a mail client, `fold -w`): joined
        got = _unfold(text, raw)
        if got is not None:
            frags = _detect_text(got[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite, unfolded=True)
            tops, ends = got[1], got[2]
            for f in frags:
                f.start_line, f.end_line = tops[f.start_line - 1] + 1, ends[f.end_line - 1] + 1
            return frags
    cut = False
    # (`max` first: a C-level pass; the loop below is per line in the interpreter)
    if len(text) > limits.max_line_chars and max(map(len, raw)) > limits.max_line_chars:
        for k, ln in enumerate(raw):
            if len(ln) > limits.max_line_chars and ln.lstrip()[:6].upper() not in ("INSERT", "REPLAC") \
                    and not is_long_json_records(ln):  # (a one-line JSON export: read record by record)
                raw[k] = ln[: limits.max_line_chars]  # a giant non-SQL, non-JSON line: its head only
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
    # records whose quoted cells span lines (an export's notes) become one logical line each;
    # `phys` maps logical lines back to the text's lines, for the fragments' line numbers
    phys: list[int] | None = None
    if '"' in text:
        joined = join_quoted_cells(raw, lines, limits.max_line_chars)
        if joined is not None:
            raw, lines, phys = joined
            starts = logical_starts(starts, phys)
    # `raw` is still the text's own lines (none cut, no quoted cells joined): a fragment's text is a
    # slice of `text` then (a dump's one fragment: `text` itself), not its lines joined again
    own = not cut and phys is None
    is_table = filename is not None and filename.lower().endswith((".csv", ".tsv", ".txt"))
    ctx = Ctx(lines, is_table, limits.max_line_chars)
    out: list[Fragment] = []
    n_ids = 0
    n = len(lines)
    i = 0
    si = 0
    retried = -1  # the last seed line read again after its walk up found nothing
    cites_rfc = bool(seen & _firstlook.EXAMPLE) and "RFC" in text  # (a specification's text: `spec_framed`)
    retried_top = -1  # the last one read again from its paragraph's top
    while si < len(starts):
        st, floor = starts[si]
        if floor > i:
            i = floor
        if st < i:
            si += 1
            continue
        si += 1
        if (st == 0 or not lines[st - 1].strip(RULE_CHARS)) and (st + 1 >= n or not lines[st + 1].strip(RULE_CHARS)) \
                and alone_is_nothing(lines[st], partial(_three_above, lines, st)):
            i = st + 1  # what recognise() would have concluded, without the recognisers
            continue
        i = block_start(ctx, st, i)
        if _cpu_over(gate, deadline):
            logger.warning("detection stopped at line {} of {}: time cap {}s reached (the rest is not read)",
                           (phys[i] if phys else i) + 1, phys[-1] if phys else n, limits.max_seconds)
            _caps.count()  # (said by the caller: the crawl's summary, vigie scan's exit code)
            break
        nxt, spec = recognise(ctx, i)
        if spec is None and i < st and nxt <= st and st != retried_top:
            # walked up to a line that starts nothing (the record above's last line, `Result: ...`
            # between `Name: ... DOB: ...` blocks): the seed line again, walked up from below that
            # line (once), then from the top of its own paragraph (once), or it is never read
            si -= 1
            i = max(nxt, i + 1)
            if st == retried:
                retried_top = st
                i = _paragraph_top(lines, st, i)
            retried = st
            continue
        i = max(nxt, i + 1)
        if spec is not None and i <= st:
            # the block the seed walked up into ended above it (a lab report's `PATIENT: ... DOB: ...`
            # line of the record above, its `Test:` lines between): the seed is still to read, from
            # the top of its own paragraph (a header right above it kept), or the last record was
            # never read (`i` only grows: linear)
            si -= 1
            i = _paragraph_top(lines, st, i)
        elif si < len(starts) and starts[si][0] < i:
            # the starts the block took in are skipped in one search, as the loop above would
            # one by one: they are sorted, and each one's floor is at most its line, so below `i`
            si = bisect_left(starts, i, si, key=_first)
        if spec is None:
            continue
        kind, first, last, fill = spec
        if native is not None:  # the compiled core: one call instead of a loop per line (issue 17)
            offs = native.line_offsets(raw, lines, first, last)
        else:
            offs = []
            o = 0
            for k in range(first, last + 1):
                pk = len(raw[k]) - len(lines[k])
                offs.append(o + pk)
                o += len(raw[k]) + 1
        if not any(len(raw[k]) > limits.max_line_chars for k in (first, last)):
            # (a big fragment: the lines left out are read at C speed; a few lines are joined quicker
            # than sliced, a call and two sums: bench.instructions dump_posts paid +0.18% slicing them)
            if own and last - first >= _SLICE_LINES and 2 * (last - first + 1) >= len(raw):
                frag_text = _own_slice(text, raw, first, last)
            else:
                frag_text = "\n".join(raw[first:last + 1])
        else:
            frag_text = "\n".join(" " * (len(raw[k]) - len(lines[k])) + lines[k] for k in range(first, last + 1))
        sink = Sink(deadline, limits.max_identifiers - n_ids, gate)
        hits = fill(sink, offs)
        sink.settle()  # national phones read in the fragment's country context
        if seen & _firstlook.NO_ONE:  # reserved, masked, placeholder and URL-userinfo addresses
            drop_no_ones(sink.found, frag_text)
        if seen & _firstlook.BORN and sink.found:  # `(née le 21/01/1954)` in a value no role types
            _births.add(frag_text, sink.found)
        if seen & _firstlook.NATIONAL and sink.found:  # `| NI No: JM514446A |` in a value no role types
            _nationals.add(frag_text, sink.found)
        if seen & _firstlook.EXAMPLE:  # published test cards, textbook IBANs, placeholders (`examples`)
            drop_examples(sink.found, frag_text, kind, spec_framed(raw, first) if cites_rfc else "")
        if seen & _firstlook.PLACEHOLDER and len(sink.found) <= _PLACEHOLDER_IDS:
            drop_placeholder_person(sink.found)  # a documentation's one example person (`john.doe@example.com`)
        accept = getattr(fill, "accept", None)
        if not sink.found or (accept is not None and not accept(hits)):
            continue
        # the fragment's lines in the text (1-based, inclusive): a joined record ends on its last line
        start_line, end_line = (phys[first] + 1, phys[last + 1]) if phys else (first + 1, last + 1)
        # a title over a table that names its rows' people ("LISTE DES ADHÉRENTS — Syndicat CGT")
        # (or a register's: "Diocèse — Denier de l'Église — donateurs"; a blank line may stand between them)
        title = _title_over(raw, first) if first and kind in _TITLED_KINDS and not phys else ""
        frag = _build(kind, start_line, end_line, frag_text, sink, tok, title, raw, first)
        if frag is None:  # a directory of service lines (`switchboards`)
            continue
        if kind == "csv":
            frag.delimiter = delimiter_of(lines[first])
        n_ids += len(frag.identifiers)
        out.append(frag)
        if sink.stopped or len(out) >= limits.max_fragments or n_ids >= limits.max_identifiers:
            logger.warning("detection stopped in lines {}-{}: time, fragment or identifier cap reached (the rest "
                           "is not read)", start_line, end_line)
            _caps.count()  # (said by the caller: the crawl's summary, vigie scan's exit code)
            break
    # one field a line, a blank line between records (`stanzas`; "\n\n" is a needle of the SEPARATOR look;
    # asked only where no fragment was found: the dump posts of bench.instructions paid +2.8% asking all)
    if chatty and not out and phys is None and spaced and whole and not unfolded and seen & _firstlook.SEPARATOR \
            and "\n\n" in text:
        st_rows = _stanzas.rows(text)
        if st_rows is not None:
            again = _detect_text(st_rows[0], key, filename, limits, tokenizer, read_exports, rewrite=rewrite,
                                 unfolded=True, chatty=False)
            if again:  # (else the text as written: its paragraphs were prose or a list of no one)
                return _lines_back(again, st_rows[1], st_rows[2])
    if chatty and not out and phys is None and whole and starts:  # records as columns (`transposed`)
        tr = _transposed.rows(lines)
        if tr is not None:
            again = _detect_text(tr[0], key, filename, limits, tokenizer, read_exports, spaced=spaced,
                                 rewrite=rewrite, unfolded=unfolded, chatty=False)
            if again:
                return _lines_back(again, tr[1], tr[2])
    if chatty and phys is None and (out or len(starts) > 1) and _chatter.may_join(lines, out, starts):
        # chatter between a dump's rows ("up", "merci bro" every few rows): read again without it (`chatter`)
        quiet = _chatter.drop(lines, raw)
        if quiet is not None:
            again = _detect_text(quiet[0], key, filename, limits, tokenizer, read_exports, spaced=spaced,
                                 rewrite=rewrite, unfolded=unfolded, chatty=False)
            if sum(len(f.identifiers) for f in again) > n_ids:
                return _lines_back(again, quiet[1], quiet[1])
    if lone and not out and phys is None:  # (after a fragment: not asked; dump posts paid +6%)
        _lone_fragments(raw, out, seen, Sink(deadline, limits.max_identifiers - n_ids, gate), tok)
    return out


_SLICE_LINES = 64


def _paragraph_top(lines: list[str], st: int, floor: int) -> int:
    """The first line of line `st`'s run of non-blank lines, not above `floor`."""
    top = st
    while top > floor and lines[top - 1].strip():
        top -= 1
    return top


def _own_slice(text: str, raw: list[str], first: int, last: int) -> str:
    """`"\\n".join(raw[first:last + 1])` where `raw` is `text.split("\\n")`: the same characters, as a
    slice of `text` (or `text` itself), found from the lengths of the lines outside them (the join
    walked every line of a dense dump's fragment and copied them: ~2% of bench.detect's dense mix)."""
    at = sum(map(len, raw[:first])) + first if first else 0
    end = len(text) - sum(map(len, raw[last + 1:])) - (len(raw) - 1 - last) if last + 1 < len(raw) else len(text)
    return text if at == 0 and end == len(text) else text[at:end]


def _lone_fragments(raw: list[str], out: list[Fragment], seen: int, sink: Sink, tok: Tokenizer) -> None:
    """A fragment for each line of `raw` that is one person's record alone (`lone`) and that no
    fragment of `out` holds; `sink` gives the deadline and the identifiers left."""
    taken = {k for f in out for k in range(f.start_line - 1, f.end_line)}
    for k, line in enumerate(raw):
        if k in taken or _lone.record(line) is None:  # (a plain list: a Sink's found list costs more, the core's)
            continue
        one = Sink(sink.deadline, sink.max_found, sink.gate)
        _lone.record(line, one.found)
        one.settle()
        if seen & _firstlook.NO_ONE:
            drop_no_ones(one.found, raw[k])
        if seen & _firstlook.EXAMPLE:
            drop_examples(one.found, raw[k], "lone_record")
        types = len({f[0] for f in one.found} & _lone.TYPES)
        if types >= _lone.MIN_TYPES or (types == _lone.MIN_TYPES - 1 and _lone.fielded_birth(raw[k])):
            _lone.birth_of(raw[k], one.found)
            frag = _build("lone_record", k + 1, k + 1, raw[k], one, tok)
            if frag is not None:  # (always: `raw` not given, no directory is asked)
                out.append(frag)


def _identifier_factory() -> Callable[..., Identifier]:
    """`Identifier(type, value, token, key_version, start, end, network, country)` without the frozen dataclass
    `__init__`, which goes through `object.__setattr__` once per field (0.9 us an identifier;
    filling the slots directly: 0.5 us). Used only while `Identifier` has exactly these slots
    and no `__post_init__`; otherwise this is the plain constructor."""
    names = [f.name for f in dataclasses.fields(Identifier)]
    if (names != ["type", "value", "token", "key_version", "start", "end", "network", "country"]
            or "__slots__" not in Identifier.__dict__
            or hasattr(Identifier, "__post_init__")):
        return Identifier
    s_type, s_value, s_token, s_version, s_start, s_end, s_network, s_country = (
        Identifier.__dict__[n].__set__ for n in names)
    new = object.__new__

    def make(t: str, v: str, k: bytes, kv: int, st: int | None, en: int | None,
             network: str | None = None, country: str | None = None) -> Identifier:
        o = new(Identifier)
        s_type(o, t)
        s_value(o, v)
        s_token(o, k)
        s_version(o, kv)
        s_start(o, st)
        s_end(o, en)
        s_network(o, network)
        s_country(o, country)
        return o

    return make


_new_identifier = _identifier_factory()


def _identifiers(sink: Sink, tok: Tokenizer, version: int, cut: int,
                 masks: list[tuple[int, int, str]]) -> list[Identifier]:
    """The identifiers of a sink's found list, with their masks (before `cut`) appended to
    `masks`: the reference of the compiled core's `Core.build`."""
    idents: list[Identifier] = []
    append = idents.append
    cache = tok.cache
    fn = tok.fn
    ident = _new_identifier
    for t, c, st, en in sink.found:
        k = (t, c)
        tk = cache.get(k)
        if tk is None:
            tk = cache[k] = fn(t, c)
        # a card's network and a national id's country ride on the identifier (issue 12)
        net = card_network(c) if t == "card" else None
        cc = c[:2] if t == "national_id" else None
        if st >= 0 and en > st:
            append(ident(t, c, tk, version, st, en, net, cc))
            if st < cut:
                masks.append((st, en, mask_value(t, c)))
        else:
            append(ident(t, c, tk, version, None, None, net, cc))
    if len(cache) > 1_000_000:
        cache.clear()
    return idents


_NET_OF: list[Any] = [None, None]  # (the vigie_native module, its SafetyNet)


def _native_net_excerpt(head: str, masks: list[tuple[int, int, str]]) -> str | None:
    """`redact(text, masks)` but its tail, by the compiled core: its walk over the masks and its
    copy of the safety net (`vigie_native.SafetyNet`, built once from `redact.net_patterns`)."""
    native: Any = _engine.native_module()  # (not None: `_build` calls this only when the core is the engine)
    if _NET_OF[0] is not native:
        _NET_OF[:] = [native, native.SafetyNet(*net_patterns())]
    out: str | None = native.excerpt(head, masks, _NET_OF[1])
    return out


def _build(kind: str, start_line: int, end_line: int, text: str, sink: Sink, tok: Tokenizer,
           title: str = "", raw: list[str] | None = None, first: int = 0) -> Fragment | None:
    """`raw`, `first`: the text's lines and the fragment's first among them, for the lines over it
    (what a list of a project's people stands under: `nobody.holders`). None: the fragment is a
    directory of service lines whose only identifiers are its switchboards, no one's (`switchboards`)."""
    # a project's record is read as a dox (its contributors' names and addresses): a release date beside
    # a name is no birth, and its words are about code (`nobody.changelog`)
    record = kind == "dox" and _nobody.changelog(text)
    if record:
        keep = [f for f in sink.found if f[0] != "dob"]
        if len(keep) < len(sink.found):
            del sink.found[:]
            sink.found.extend(keep)
    cut = excerpt_end(text)
    version = tok.key.version
    masks = [m for m in sink.masks if 0 <= m[0] < cut]
    core = _engine.core()
    idents: Sequence[Identifier]
    if core is not None:  # the compiled core: tokens, masks and the types in one call (issue 17), the identifiers
        types: set[str] = set()  # as columns (`vigie_native.Identifiers`: an `Identifier` only when one is read)
        # (`consume`: the found list is emptied as read, its tuples freed while in the cache)
        idents = core.build(sink.found, _engine.native_tokenizer(tok.key.key), version, cut, masks, types, consume=True)
    else:
        idents = _identifiers(sink, tok, version, cut, masks)
        types = set(map(_first, sink.found))
    if types <= _switchboards.TYPES and raw and kind in _switchboards.KINDS and _switchboards.service_lines(
            text, raw, first, idents):
        # a directory of service lines: its switchboards are no one's (its units' mailboxes are still found)
        if "email" not in types:
            return None
        idents = [i for i in idents if i.type != "phone"]
        types = {"email"}
    elif types <= _establishments.TYPES and raw and kind in _establishments.KINDS and _establishments.directory(
            text, raw, first, idents):
        return None  # a directory of establishments: their landlines and SIRETs are no one's
    if "card" in types and raw and kind in _establishments.KINDS and (
            serials := _devices.serial_cards(text, raw, first)):
        # a device's serial numbers under their column's name: Luhn-valid by chance, no one's card
        idents = [i for i in idents if i.type != "card" or i.value not in serials]
        if not idents:
            return None
        types = {i.type for i in idents}
    if "phone" in types and types <= _establishments.RANGE_TYPES and raw and kind in _establishments.KINDS and (
            _establishments.ranges_head(raw, first)) and (bounds := _establishments.range_bounds(idents)):
        # a table of number ranges: a block's first and last numbers are no one's line
        idents = [i for i in idents if i.type != "phone" or i.value not in bounds]
        if not idents:
            return None
        types = {i.type for i in idents}
    # a project's record or list of people (a ChangeLog, a copyright file's holders, a README's
    # maintainers) holding names and addresses only is no dump: kind `project`, low severity (no alert
    # under the default `min_severity`), its words about no one; its addresses are still found
    project = types <= _nobody.PROJECT_TYPES and kind in _PROJECT_KINDS and (
        record or _nobody.holders(text, raw or [], first if raw else 0)
        or (kind != "dox" and _nobody.changelog(text)))
    record = record or project
    flags = scan_article9(text)
    if kind == "csv" and (blood := blood_group_flag(text)) is not None:
        flags.append(blood)  # a column of blood groups under a name that needs its values ("GROUPE", "GS")
    if kind == "csv" and (text.find("ign", 0, 400) >= 0 or text.find("IGN", 0, 400) >= 0) and signed_head(text):
        # a political petition's signatories (`petitions`; bounded finds, no copy of a header per table)
        below = first + text.count("\n") + 1 if raw else 0
        flags += petition_flags(text, title, raw[below] if raw and 0 < below < len(raw) else "")
    if title:
        flags += _nobody.title_flags(title, raw[first] if raw and kind == "csv" else "")
    if (flags or sink.header_flags) and (
            record or (types <= _nobody.UNIT_TYPES and _nobody.directory(text, types, idents))):
        flags = []  # words of a project's record or of a directory's units: about no one (`nobody`)
        sink.header_flags = []
    if sink.header_flags:
        # a column of a category whose every value is "NC" or "prefer not to say" reveals nothing, nor
        # does its name in the header ("pathologie" is a term too)
        quiet = {(ev.lower(), span) for cat, ev, _, _ in sink.header_flags
                 if (span := declined_column(text, ev, cat)) is not None}
        if quiet:
            flags = [f for f in flags if not any(f.evidence.lower() == ev and f.start is not None
                                                 and s0 <= f.start < s1 for ev, (s0, s1) in quiet)]
            sink.header_flags = [h for h in sink.header_flags if h[1].lower() not in {ev for ev, _ in quiet}]
    seen = {(f.category, f.evidence.lower()) for f in flags}
    for cat, ev, st, en in sink.header_flags:
        if (cat, ev.lower()) not in seen:
            seen.add((cat, ev.lower()))
            flags.append(SensitiveFlag(category=cat, evidence=ev, start=st if st >= 0 else None,
                                       end=en if en >= 0 else None))
    excerpt = None
    if core is not None:  # `redact` by the core: its walk over the masks and its copy of the net (issue 17)
        try:
            excerpt = _native_net_excerpt(text[:cut], masks)
        except UnicodeEncodeError:  # (a lone surrogate: the reference reads it)
            excerpt = None
    if excerpt is None:
        excerpt = redact(text, masks)
    elif cut < len(text):
        excerpt += EXCERPT_TAIL
    # `severity(idents, flags)`: the identifiers' types are the found list's, one each, read
    # from its tuples (an attribute read per `Identifier` was ~3% of the dense time), by the
    # core in its own walk over them
    return Fragment(kind="project" if project else kind, start_line=start_line, end_line=end_line, text=text,
                    identifiers=idents, sensitive=flags,
                    severity=Severity.low if project else severity_for_types(types, bool(flags)),
                    excerpt=excerpt)



# a documentation's one example person holds a few identifiers (its address, a name, a street): a fragment
# with more is not read for it (a combo list's core-built found list made a tuple per identifier read)
_PLACEHOLDER_IDS = 8


# the kinds of table a title line may stand over (a CSV's header, or its first row; a list's rows)
_TITLED_KINDS = frozenset({"csv", "separated_run"})


def _title_over(raw: list[str], first: int) -> str:
    """The line over a table's first line `raw[first]`: its title (or the one over a blank line)."""
    line = raw[first - 1]
    return raw[first - 2] if first >= 2 and not line.strip() else line


def _lines_back(frags: list[Fragment], tops: list[int], ends: list[int]) -> list[Fragment]:
    """A rewritten text's fragments (`stanzas`, `transposed`, `chatter`) given the lines of the text
    as written: rewritten line k (1-based) came from written lines `tops[k-1]` to `ends[k-1]` (0-based)."""
    for f in frags:
        f.start_line, f.end_line = tops[f.start_line - 1] + 1, ends[f.end_line - 1] + 1
    return frags

# the kinds a project's record or list of people is read as (`nobody.changelog`, `nobody.holders`)
_PROJECT_KINDS = frozenset({"dox", "csv", "separated_run"})
