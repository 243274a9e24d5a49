"""SQL literals that a tuple reader does not see as the values they are, written plain.

mysqldump `--hex-blob` writes every binary column as `0x6a65616e...` (and some tools `X'...'`),
PostgreSQL dumps write dates as typed literals (`DATE '1981-05-17'`, `TIMESTAMP '...'`) or casts
(`'1981-05-17'::date`). Read as written, a hex e-mail, phone or NIR is a run of hex digits, a
typed date is no date under its `naissance` column, and a cast is one more value that shifts the
columns after it. `plain(text)` gives the text with each such literal written as the quoted
literal it stands for: a hex string that is printable UTF-8 text (an address, a number: one
field) becomes `'that text'`, a typed literal loses its type word, a cast its `::type`. Hex that
is not text (a hash, a key, an image) stays as written. Lines are kept (a literal holding a line
end is not decoded), so fragments keep their line numbers, and both engines read the same text.

Asked only where `firstlook.SQL_LITERALS` says one of these forms is in the text (or in a small
text, where the first look does not run), and where the text holds `VALUES` (an INSERT).
"""

from __future__ import annotations

import re

__all__ = ["NEEDLES", "plain"]

# the first look's patterns (Hyperscan, on the UTF-8 bytes): a superset of where `_LITERAL` matches
NEEDLES = (
    rb"[(,][\t ]*0[xX][0-9A-Fa-f]{8}",
    rb"[(,][\t ]*[xX]'[0-9A-Fa-f]{8}",
    rb"[(,][\t ]*(?:[Dd][Aa][Tt][Ee]|[Tt][Ii][Mm][Ee]|[Dd][Aa][Tt][Ee][Tt][Ii][Mm][Ee]"
    rb"|[Tt][Ii][Mm][Ee][Ss][Tt][Aa][Mm][Pp](?:[Tt][Zz])?)[\t ]*'",
    rb"'::[A-Za-z_]",
)

# After a tuple's `(` or a value's `,` (and blanks): a hex string (group 2, its digits), which a
# `,` or `)` must follow, or an `X'...'` one (group 3); a type word before a literal's quote
# (group 1: the blanks before it, kept); a cast after a literal's closing quote. Every repeat is
# possessive or bounded, and the lookbehinds one character: linear on any line.
_LITERAL = re.compile(
    r"(?<=[(,])([\t ]*+)(?:0[xX]([0-9A-Fa-f]{8,4096}+)(?=[\t ]*+[,)])|[xX]'([0-9A-Fa-f]{8,4096}+)'"
    r"|(?i:datetime|date|timestamptz|timestamp|time)[\t ]*+(?='))"
    r"|(?<=')::[A-Za-z_][0-9A-Za-z_]{0,30}+(?:[\t ]++(?i:with(?:out)?[\t ]++time[\t ]++zone))?+"
    r"(?:[\t ]*+\([0-9, ]{0,12}+\))?+(?:\[\])?+"
)
_MIN_CHARS = 4  # a decoded value shorter than this is no identifier (`0x41424344` is `ABCD`)


def _text_of(digits: str) -> str | None:
    """The printable UTF-8 text that hex `digits` encode, quoted as an SQL literal; None when
    they encode anything else."""
    if len(digits) % 2:
        return None
    try:
        s = bytes.fromhex(digits).decode("utf-8")
    except ValueError:  # (UnicodeDecodeError is one)
        return None
    if len(s) < _MIN_CHARS or not s.isprintable() or "\\" in s:
        return None
    return "'" + s.replace("'", "''") + "'"


def _plain(m: re.Match[str]) -> str:
    if m.start(1) < 0:  # a cast: dropped
        return ""
    h = m.group(2) or m.group(3)
    if h is None:  # a type word: its blanks kept, the literal follows
        return m.group(1)
    lit = _text_of(h)
    return m.group() if lit is None else m.group(1) + lit


def plain(text: str) -> str | None:
    """`text` with its hex, typed and cast SQL literals written plain (see the module), or None
    when it holds none (or no INSERT)."""
    if "VALUES" not in text and "values" not in text:
        return None
    out = _LITERAL.sub(_plain, text)
    return None if out == text else out
