"""The identifiers typed among a free-text search's words, taken out to be searched by token.

Why: the words are matched against redacted excerpts, titles and authors, so an address typed
among them finds nothing; and they reach the store in clear (its query, its logs), with the
person looked up unaudited. `split_identifiers` reads the words as the detector reads a dump
(`indexer.detect.scan`: validated identifiers, obfuscated addresses), and hands back the other
words and the identifiers' canonical forms, which the caller tokenises and audits like a search
by identifier (`vigie search -i`, the web's identifier search). What still looks like a person's
value but is no valid identifier (a mistyped address, a long number) is refused: it could never
match, and sending it would disclose it.
"""

from __future__ import annotations

import re

from indexer import IndexerError

__all__ = ["QueryIdentifierError", "split_identifiers"]


class QueryIdentifierError(IndexerError, ValueError):
    """A query holding what looks like a person's value that is no valid identifier."""


# (an address is tried only from the start of its run of characters: tried from each character
# of a long run without "@", `[^\s@]+` re-read the run every time, quadratic on a long argument)
_LOOKS_PERSONAL = re.compile(r"(?<![^\s@])[^\s@]+@[^\s@]+|\d{9,}|\+\d(?:[ .\-]?\d){7,}")


def split_identifiers(text: str) -> tuple[str | None, dict[str, list[str]]]:
    """(the other words, or None; type -> canonical forms of the identifiers in `text`).
    Raises QueryIdentifierError, naming no value (see the module)."""
    from indexer.detect.scan import scan  # indexer.detect imports much; a query rarely needs it

    found: list[tuple[str, str, int, int]] = []
    scan(text, found)
    by_type: dict[str, list[str]] = {}
    spans: list[tuple[int, int]] = []
    for kind, canon, st, en in found:
        forms = by_type.setdefault(kind, [])
        if canon not in forms:
            forms.append(canon)
        spans.append((st, en))
    rest, pos = [], 0
    for st, en in sorted(spans):
        if st >= pos:
            rest.append(text[pos:st])
        pos = max(pos, en)
    rest.append(text[pos:])
    words = " ".join(" ".join(rest).split())
    if _LOOKS_PERSONAL.search(words):
        raise QueryIdentifierError(
            "the query holds what looks like an email address or a long number that is no valid identifier; "
            "it was not sent (the excerpts are redacted: as words it would never match)")
    return words or None, by_type
