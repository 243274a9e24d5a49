"""Redacted excerpts and masked metadata: the text that may be shown and stored in clear.

Each identifier span is replaced by a mask that keeps only what helps an analyst recognise the
shape (`j***@g***.com`, `+33 6** ** ** 78`, `2 95 ** ** *** *** 93`, `**** **** **** 1111`)
and never enough to rebuild the value. After the typed masks, a safety net masks whatever still
looks like an identifier (any `x@y`, any run of 5+ digits, long hex or base64 runs), so a value
the extractor rejected (a look-alike, a typo) is not left readable either. Street addresses
(French and English: a number, a street-type word, a name, an optional postcode and city) are
masked by shape everywhere, because a headerless dump gives no column name to type them by.

Metadata (a thread title, an author, a file name, a URL) is free text an attacker controls: a
dump titled with a victim's email would otherwise be stored, indexed and mailed verbatim.
`mask_text`, `mask_url` and `mask_provenance` run it through the same scanner and masks as a
fragment's untyped cells, so metadata is stored, logged and sent only masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

import re2

from indexer._re2fast import sub as _sub
from indexer.models import DATETIME_FIELDS, PROVENANCE_FIELDS, Provenance

__all__ = [
    "ADDRESS",
    "EXCERPT_CHARS",
    "EXCERPT_LINES",
    "EXCERPT_TAIL",
    "excerpt_end",
    "mask_provenance",
    "mask_text",
    "mask_url",
    "mask_value",
    "net_patterns",
    "redact",
    "safety_net",
]

EXCERPT_LINES = 12
EXCERPT_CHARS = 2000
EXCERPT_TAIL = "\n…"  # after an excerpt cut short of its fragment

# The net's and ADDRESS's classes are written as RE2 reads its shorthands (`\d` is [0-9], `\s` is
# [\t\n\f\r ]: ASCII), so that the compiled core's copy of the net (`vigie_native.SafetyNet`, Rust's
# `regex` crate, whose shorthands are Unicode) compiles the same text: only RE2's ASCII `\b` is
# spelled `(?-u:\b)` there (`net_patterns`).
_NET = re2.compile(
    r"[^\t\n\f\r @<>,;:|\"'()\[\]]+@[^\t\n\f\r @<>,;:|\"'()\[\]]+"  # anything with an @
    r"|\$2[abxy]?\$[0-9][0-9]\$[./A-Za-z0-9]{20,}"  # bcrypt
    r"|[0-9A-Za-z+/=$.]{24,}"  # long opaque tokens (hashes, base64, keys)
    r"|\+?[0-9](?:[0-9 .\-/]{0,3}[0-9]){4,}"  # 5+ digits with separators
    r"|[0-9][0-9A-Za-z]{4,}"  # digit-led alphanumerics (IBAN/NIR pieces like 2A073)
)


# A street address: a number (with bis/ter or a letter), then a French street-type word and the
# street name, or an English street name and its type word; then optionally a postcode and a
# city. RE2: linear in the input whatever the repetitions.
_NUM = r"\b[0-9]{1,4}(?:[ ]?(?:bis|ter|quater|[a-d]))?\b[ ,]*"
_FR_TYPES = (r"rue|avenue|av|bd|boulevard|blvd|chemin|ch|all[ée]e|impasse|imp|place|pl|quai|route|rte|"
             r"cours|square|passage|r[ée]sidence|lotissement|lieu-dit|hameau|voie|sentier|faubourg|fbg|"
             r"promenade|esplanade|parvis|rond-point|villa|cit[ée]|chauss[ée]e|mont[ée]e|traverse")
_EN_TYPES = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
             r"terrace|close|crescent|square|sq|highway|hwy|parkway|row|mews|gardens|grove")
# Latin letters only, not \p{L}: with (?i) the full Unicode class blows RE2's DFA memory budget
# (it then falls back to its slower NFA and logs to stderr)
_L = r"A-Za-z\x{C0}-\x{17F}"
_WORD = rf"[{_L}0-9'’.\-]+"
_NAME = rf"[{_L}][{_L}'’\-]*"
_POSTCODE_CITY = rf"(?:[ ,]+[0-9]{{5}}(?:[ ,]+{_NAME}(?:[ \-]{_NAME}){{0,2}})?)?"
ADDRESS = re2.compile(
    r"(?i)" + _NUM + r"(?:(?:" + _FR_TYPES + r")\.?(?:[ ]+" + _WORD + r"){1,6}"
    r"|(?:" + _NAME + r"[ ]+){1,4}(?:" + _EN_TYPES + r")\b\.?)" + _POSTCODE_CITY
)
ADDRESS_MASK = "[address]"


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


# What every `_NET` alternative needs at least one of, short of a 24-character opaque run
# (RE2's \d is ASCII). Most gaps between a dump's masked values ('";"', ',Durand,Jean,') have
# none: they skip the two RE2 calls (~10 us each through the wrapper), a third of the time of
# detecting a dump post before.
_NET_NEEDS = re.compile(r"[0-9@$]")
# What a gap of 24 characters or more without a digit, `@` or `$` still needs for `_NET`: an
# opaque run of 24 of its characters (sre finds it or not at C speed; RE2 through the wrapper
# costs ~10 us a call, and most prose lines around a dump hold none).
_NET_OPAQUE = re.compile(r"[0-9A-Za-z+/=$.]{24}")
# Every address starts with a number, and RE2's `\d` is ASCII: no ASCII digit, no address.
# (`str.isdigit` per character was a Python loop, 6% of detecting a forum post holding a dump.)
_ASCII_DIGIT = re.compile(r"[0-9]")


def _net(s: str) -> str:
    if not s or (_NET_NEEDS.search(s) is None and (len(s) < 24 or _NET_OPAQUE.search(s) is None)):
        return s
    if _ASCII_DIGIT.search(s) is not None:
        s = _sub(ADDRESS, s, _address_mask)
    return _sub(_NET, s, _mask_net)


# The net over one gap between masks, for the compiled core's walk over them
# (`vigie_native.excerpt`, called from `indexer.detect._build`): the same RE2 substitutions.
safety_net = _net


def net_patterns() -> tuple[str, str]:
    """ADDRESS's and the net's patterns for the compiled core's copy of `safety_net`
    (`vigie_native.SafetyNet`): the same text but RE2's ASCII word boundary, which Rust's
    `regex` crate spells `(?-u:\b)` (its `\b` is Unicode's)."""
    return ADDRESS.pattern.replace(r"\b", r"(?-u:\b)"), _NET.pattern


def _address_mask(_: str) -> str:
    return ADDRESS_MASK


def _mask_net(v: str) -> str:
    return _mask_email(v) if "@" in v else "#" * min(len(v), 8)


def excerpt_end(text: str) -> int:
    """Where the excerpt stops: after EXCERPT_LINES lines, or EXCERPT_CHARS characters.

    One bounded split of the head, not a `find` per line (each parsed its bounds: ~1k
    instructions a call under callgrind, a twelfth of a small fragment's `_build`)."""
    head = text[:EXCERPT_CHARS + 1]
    parts = head.split("\n", EXCERPT_LINES)
    cut = len(text) if len(parts) <= EXCERPT_LINES else len(head) - len(parts[-1])
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
    return excerpt + (EXCERPT_TAIL if cut < len(text) else "")


# What names a person in a URL besides the identifiers the scanner validates: an address with
# an `@` (valid or not) and a street address. The safety net's shape-only masks (digit runs,
# digit-led alphanumerics, long opaque runs) are left out of a stored URL: they are what paste
# ids, thread numbers and a paste's decryption key look like, and masking them breaks the link.
# (A path's separators end an `x@y` here: `/u/jean@exemple/posts` keeps `/u/` and `/posts`.)
_AT = re2.compile(r"[^\s@<>,;:|\"'()\[\]/?&=#]+@[^\s@<>,;:|\"'()\[\]/?&=#]+")


# A number glued to letters (`#p173117512345678`, `patients0612345678.csv`), which the scanner
# does not read as a word of its own: each is classified alone, as the scanner classifies a run
_GLUED_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d){8,}")


def _net_locator(s: str) -> str:
    if not s:
        return s
    if _ASCII_DIGIT.search(s) is not None:
        from indexer.detect.scan import classify_number  # indexer.detect imports this module

        s = _sub(ADDRESS, s, _address_mask)
        s = _GLUED_NUMBER.sub(lambda m: mask_value(*found) if (found := classify_number(m.group())) else m.group(), s)
    return _sub(_AT, s, _mask_email) if "@" in s else s


def mask_text(value: str | None, *, net: Callable[[str], str] = _net) -> str | None:
    """`value` (a title, an author, a board, a file name) with every identifier the scanner
    validates replaced by its typed mask, then the safety net and the address masks over the
    rest: the same treatment as an untyped cell of a dump. Masking a masked value changes
    nothing, so stored documents can be masked again on the way out. (`net`: what masks the
    rest; `mask_url` passes a narrower one for the URLs it keeps openable.)"""
    if not value:
        return value
    # imported here: indexer.detect imports this module (for the excerpt masks)
    from indexer.detect.scan import Found, scan

    found: list[Found] = []
    scan(value, found)
    spans = sorted({(st, en, mask_value(t, c)) for t, c, st, en in found if en > st})
    out: list[str] = []
    pos = 0
    for start, end, mask in spans:
        if start < pos:
            continue
        out.append(net(value[pos:start]))
        out.append(mask)
        pos = end
    out.append(net(value[pos:]))
    return "".join(out)


def _mask_part(part: str, safe: str, net: Callable[[str], str], *, plus: bool = False) -> str:
    """A percent-encoded URL part, masked on its decoded text; re-encoded only if it changed, so
    a URL without identifiers keeps its exact form (analysts can still open it). `plus`: a query
    value, where "+" stands for a space."""
    if not part:
        return part
    decoded = unquote_plus(part) if plus else unquote(part)
    masked = mask_text(decoded, net=net) or ""
    return part if masked == decoded else quote(masked, safe=safe)


def mask_url(url: str | None, *, strict: bool = False) -> str | None:
    """`url` with what names a person masked in its percent-decoded path, query and fragment, and
    any user:password dropped; scheme, host and port stay, so analysts still see where it was.

    What names a person: an identifier the scanner validates (the same that is tokenised in a
    dump: an email, a phone number, an IBAN, a NIR, a card...), anything written `x@y`, a
    street address. The rest is kept as written, so a stored URL still opens the post: paste
    ids, thread numbers and a fragment's decryption key are digit runs and opaque strings that
    the excerpt's safety net would mask. `strict` (the logs): that safety net too, as for any
    other text; a log line needs no working link."""
    if not url:
        return url
    net = _net if strict else _net_locator
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not a URL after all: mask it as text
        return mask_text(url)
    if not parts.scheme or not host:
        return mask_text(url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    query = ("&".join(_mask_part(pair, "=/:,", net, plus=True) for pair in parts.query.split("&"))
             if parts.query else "")
    return urlunsplit((parts.scheme, netloc, _mask_part(parts.path, "/:,;=@!$'()*~", net),
                       query, _mask_part(parts.fragment, "/:,;=?", net)))


# The text fields of `Provenance` besides the source (the operator's own config key): a field
# added to `Provenance` must be listed here or in the exemptions, or this module fails at import.
_MASKED_FIELDS = ("url", "thread_url", "thread_title", "board", "author", "filename")
if set(PROVENANCE_FIELDS) != {*_MASKED_FIELDS, "source", *DATETIME_FIELDS}:
    raise ImportError("indexer.redact: mask_provenance must treat the provenance fields "
                      f"{sorted(set(PROVENANCE_FIELDS) ^ {*_MASKED_FIELDS, 'source', *DATETIME_FIELDS})}")


def mask_provenance(p: Provenance) -> Provenance:
    """Every text field of `p` masked (URLs with `mask_url`, the rest with `mask_text`); the
    source name and datetimes unchanged. Applied before a provenance is stored, indexed, logged
    or sent."""
    return replace(p, url=mask_url(p.url) or "", thread_url=mask_url(p.thread_url),
                   thread_title=mask_text(p.thread_title), board=mask_text(p.board),
                   author=mask_text(p.author), filename=mask_text(p.filename))
