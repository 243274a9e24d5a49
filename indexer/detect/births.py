"""Births a fragment's text introduces in words, in values no column or label types.

A record's untyped value may say a person's birth in words: an agenda's cell `M. AUBERT Aurélie
(né le 27/03/1998)`, a chat export's message `... — née le 08/10/2001`, a label's `Né(e) le
16/06/1999  Sexe F`, an English report's `DOB: 05/05/1972` beside other labels on its line, a
Messenger export's UTF-8 read as Latin-1 (`nÃ© le 19/03/1944`, in JSON `n\\u00c3\\u00a9 le`), a
JSON export's ASCII escape (`n\\u00e9e le`). The shapes read such a value as
free text, whose scan types no date (a date alone is no one's birth). Once a fragment is found (its
records gave identifiers), `add` reads its text for a date that such words introduce, and adds
each one no identifier already covers: the birth is the record's, as `né le` makes it in a dox.

One search on the fragment's text, asked only when the text's first look saw the words
(`NEEDLES`, firstlook bit BORN); the same on both engines (it runs on the found list after the
fill, whichever engine filled it).
"""

from __future__ import annotations

from typing import Any

import re2

from indexer import identifiers as ids
from indexer._re2fast import iter_spans

__all__ = ["NEEDLES", "add"]

# the words, then the date (day first or ISO, a four-digit year): `né le`, `née le`, `né(e) le`,
# `NÉE LE`, `NEE LE` (an unaccented `ne le` is too common a pair of words to look for: the first
# look's scan paid ~15% more), mojibake `nÃ© le`; `born`, `born on`, `DOB`, `D.O.B.`, `date of
# birth` (a colon may follow). RE2 (a DFA, ~1 GB/s: a dense dump's fragments are megabytes); what it cannot say is
# checked on each match: no letter just before the words, and not after `est`, `was`... (`le
# projet est né le 12/03/2015`, `the site was born on ...` say a thing's start; a record's person
# is introduced without the verb)
_WORDS = (r"(?:[nN](?:é|Ã©|\\u00[eE]9|\\u00[cC]3\\u00[aA]9)e?(?:\([eE]\))? (?:le|LE)|N[ÉE]E?(?:\(E\))? LE)"
          r"|[Bb]orn(?: on)?|BORN|DOB|D\.O\.B\.?|[Dd]ate of [Bb]irth|DATE OF BIRTH")
_DATE = r"(\d{1,2}(?:er)?[ ./-](?:\d{1,2}|[A-Za-zéûÉÛ]{3,10}\.?)[ ./-]\d{4}|\d{4}-\d{2}-\d{2})\b"
_BIRTH = re2.compile(r"(?:" + _WORDS + r")[ \t]*:?[ \t]*" + _DATE)
_VERBS = ("est ", "sont ", "était ", "fut ", "is ", "was ", "were ")

# the firstlook needles (UTF-8 bytes, Hyperscan): a superset of where `_BIRTH` may match, the
# words at a word's start and a digit after them (a TSV's `Osborn<TAB>` sets no bit)
NEEDLES: tuple[bytes, ...] = (
    rb"[nN](?:\xc3\xa9|\xc3\x83\xc2\xa9|\\u00[eE]9|\\u00[cC]3\\u00[aA]9)e?(?:\([eE]\))? (?:le|LE)[ \t]*:?[ \t]*\d",
    rb"N(?:\xc3\x89|E)E?(?:\(E\))? LE[ \t]*:?[ \t]*\d",
    rb"\b(?:[Bb]orn(?: on)?|BORN|DOB|D\.O\.B\.?|[Dd]ate of [Bb]irth|DATE OF BIRTH)[ \t]*:?[ \t]*\d",
)


def add(text: str, found: Any) -> None:
    """Append ("dob", canonical, start, end) to `found` (a list of (type, canonical, start, end) in
    `text`'s offsets) for each birth `text` introduces in words that no found identifier covers."""
    taken: list[tuple[int, int]] | None = None
    for spans in iter_spans(_BIRTH, text):
        (at, _), (st, en) = spans[0], spans[1]
        if at and (text[at - 1].isalpha() or text[max(0, at - 7):at].endswith(_VERBS)):
            continue
        c = ids.canon_dob(text[st:en])
        if c is None:
            continue
        if taken is None:
            taken = [(f[2], f[3]) for f in found]
        if any(a < en and st < b for a, b in taken):
            continue
        found.append(("dob", c, st, en))
        taken.append((st, en))
