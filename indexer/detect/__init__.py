"""The detection engine: bytes or text in, `Fragment`s out.

    decode -> split lines (quote prefixes "> " set aside) -> recognise shapes line by line
    -> extract and validate identifiers per record -> tokens -> article 9 flags -> severity
    -> redacted excerpt

Everything runs in one pass over the lines; every regex is RE2 (linear time); caps on input
size, line length, fragments, identifiers and wall time come from `Limits`. A lone email in a
signature is not a fragment: every shape needs several records (or a dox's several facts),
and a fragment without a single validated identifier is dropped.
"""

from __future__ import annotations

import time

from loguru import logger

from indexer.article9 import scan_article9
from indexer.decode import Limits, decode
from indexer.detect.extract import Sink
from indexer.detect.shapes import Ctx, recognise
from indexer.models import Fragment, Identifier, SensitiveFlag
from indexer.redact import mask_value, redact
from indexer.severity import severity
from indexer.tokens import MatchKey, token

__all__ = ["DetectError", "Limits", "Tokenizer", "detect", "detect_text"]


class DetectError(RuntimeError):
    """Base exception of the detection engine."""


class Tokenizer:
    """`indexer.tokens.token` with a per-call cache: dumps repeat values (a gmail canonical
    form, a shared phone) and the HMAC is the single most expensive step per identifier."""

    __slots__ = ("key", "cache")

    def __init__(self, key: MatchKey) -> None:
        self.key = key
        self.cache: dict[tuple[str, str], bytes] = {}

    def __call__(self, id_type: str, canonical: str) -> bytes:
        k = (id_type, canonical)
        t = self.cache.get(k)
        if t is None:
            if len(self.cache) > 1_000_000:
                self.cache.clear()
            t = self.cache[k] = token(self.key, id_type, canonical)
        return t


def _strip_quote(line: str) -> tuple[str, int]:
    """Forum quotes ("> row", ">> row") are set aside so that quoted dumps are still found."""
    if line[:1] != ">":
        return line, 0
    n = 0
    while n < len(line) and line[n] in "> ":
        n += 1
        if n > 8:
            break
    return line[n:], n


def detect(data: bytes | str, *, key: MatchKey, filename: str | None = None,
           content_type: str | None = None, limits: Limits | None = None) -> list[Fragment]:
    """All fragments in one post or file, in line order. See the module docstring."""
    limits = limits or Limits()
    text = decode(data, filename=filename, content_type=content_type, limits=limits)
    return detect_text(text, key=key, filename=filename, limits=limits)


def detect_text(text: str, *, key: MatchKey, filename: str | None = None,
                limits: Limits | None = None, tokenizer: Tokenizer | None = None) -> list[Fragment]:
    limits = limits or Limits()
    deadline = time.monotonic() + limits.max_seconds
    tok = tokenizer or Tokenizer(key)
    if "\r" in text:  # CRLF files, and HL7 which ends segments with a lone CR
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = text.split("\n")
    lines: list[str] = []
    prefix: list[int] = []
    for ln in raw:
        if len(ln) > limits.max_line_chars and not ln.lstrip()[:6].upper() in ("INSERT", "REPLAC"):
            ln = ln[: limits.max_line_chars]  # a giant non-SQL line: scan only its head
        c, p = _strip_quote(ln)
        lines.append(c)
        prefix.append(p)
    is_table = bool(filename) and filename.lower().endswith((".csv", ".tsv", ".txt"))
    ctx = Ctx(lines, is_table, limits.max_line_chars)
    out: list[Fragment] = []
    n_ids = 0
    i = 0
    n = len(lines)
    while i < n:
        if (i & 255) == 0 and time.monotonic() > deadline:
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
            offs.append(o + prefix[k])
            o += prefix[k] + len(lines[k]) + 1
        frag_text = "\n".join(raw[first:last + 1]) if not any(len(raw[k]) > limits.max_line_chars for k in (first, last)) \
            else "\n".join(" " * prefix[k] + lines[k] for k in range(first, last + 1))
        sink = Sink()
        hits = fill(sink, offs)
        accept = getattr(fill, "accept", None)
        if not sink.found or (accept is not None and not accept(hits)):
            continue
        frag = _build(kind, first, last, frag_text, sink, tok)
        n_ids += len(frag.identifiers)
        out.append(frag)
        if len(out) >= limits.max_fragments or n_ids >= limits.max_identifiers:
            logger.warning("detection stopped at line {}: fragment or identifier cap reached", last + 1)
            break
    return out


def _build(kind: str, first: int, last: int, text: str, sink: Sink, tok: Tokenizer) -> Fragment:
    idents: list[Identifier] = []
    masks = list(sink.masks)
    for t, c, st, en in sink.found:
        span = st >= 0 and en > st
        idents.append(Identifier(type=t, value=c, token=tok(t, c), key_version=tok.key.version,
                                 start=st if span else None, end=en if span else None))
        if span:
            masks.append((st, en, mask_value(t, c)))
    masks = [m for m in masks if m[0] >= 0]
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
