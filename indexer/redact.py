"""Redacted excerpts: the part of a fragment that may be shown and stored in clear.

Each identifier span is replaced by a mask that keeps only what helps an analyst recognise the
shape (`j***@g***.com`, `+33 6** ** ** 78`, `2 95 ** ** *** *** 93`, `**** **** **** 1111`)
and never enough to rebuild the value. After the typed masks, a safety net masks whatever still
looks like an identifier (any `x@y`, any run of 5+ digits, long hex or base64 runs), so a value
the extractor rejected (a look-alike, a typo) is not left readable either.
"""

from __future__ import annotations

import re2

__all__ = ["EXCERPT_CHARS", "EXCERPT_LINES", "excerpt_end", "mask_value", "redact"]

EXCERPT_LINES = 12
EXCERPT_CHARS = 2000

_NET = re2.compile(
    r"[^\s@<>,;:|\"'()\[\]]+@[^\s@<>,;:|\"'()\[\]]+"  # anything with an @
    r"|\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{20,}"  # bcrypt
    r"|[0-9A-Za-z+/=$.]{24,}"  # long opaque tokens (hashes, base64, keys)
    r"|\+?\d(?:[\d .\-/]{0,3}\d){4,}"  # 5+ digits with separators
    r"|\d[\dA-Za-z]{4,}"  # digit-led alphanumerics (IBAN/NIR pieces like 2A073)
)


def _mask_email(v: str) -> str:
    local, _, domain = v.rpartition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@{domain[:1]}***.{tld}" if tld else f"{local[:1]}***@***"


def mask_value(id_type: str, canonical: str) -> str:
    """The mask shown in place of one identifier, built from its canonical form."""
    if id_type == "email":
        return _mask_email(canonical)
    if id_type == "phone":
        if canonical.startswith("+33") and len(canonical) == 12:
            return f"+33 {canonical[3]}** ** ** {canonical[-2:]}"
        return canonical[:3] + "*" * max(len(canonical) - 5, 0) + canonical[-2:]
    if id_type == "nir":
        return f"{canonical[0]} {canonical[1:3]} ** ** *** *** {canonical[13:15]}"
    if id_type == "iban":
        return f"{canonical[:2]}** **** **** **** {canonical[-3:]}"
    if id_type == "card":
        return f"**** **** **** {canonical[-4:]}"
    if id_type == "credential":
        login = canonical.split(":", 1)[0]
        return (_mask_email(login) if "@" in login else login[:1] + "***") + ":********"
    return f"[{id_type}]"


def _net(s: str) -> str:
    return _NET.sub(lambda m: _mask_net(m.group(0)), s) if s else s


def _mask_net(v: str) -> str:
    return _mask_email(v) if "@" in v else "#" * min(len(v), 8)


def excerpt_end(text: str) -> int:
    """Where the excerpt stops: after EXCERPT_LINES lines, or EXCERPT_CHARS characters."""
    cut = 0
    for _ in range(EXCERPT_LINES):
        nl = text.find("\n", cut, EXCERPT_CHARS + 1)
        if nl < 0:
            cut = len(text)
            break
        cut = nl + 1
    return min(cut, EXCERPT_CHARS)


def redact(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Excerpt of `text` (first EXCERPT_LINES lines, at most EXCERPT_CHARS characters) with each
    (start, end, mask) span replaced; overlapping spans keep the first (sorted by start)."""
    cut = excerpt_end(text)
    out: list[str] = []
    pos = 0
    for start, end, mask in sorted(spans):
        if start >= cut:
            break
        if start < pos:
            continue
        out.append(_net(text[pos:start]))
        out.append(mask)
        pos = end
    if pos < cut:
        out.append(_net(text[pos:cut]))
    excerpt = "".join(out).rstrip("\n")
    return excerpt + ("\n…" if cut < len(text) else "")
