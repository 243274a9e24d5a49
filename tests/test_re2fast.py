"""`indexer._re2fast.match` and `contains` answer as the google-re2 wrapper's `match` and
`search` do (same spans, groups and verdicts, in char offsets), on ASCII and non-ASCII text."""

from __future__ import annotations

import random

import re2

from indexer._re2fast import contains, match
from indexer.detect.records import COPY, CREATE, INSERT
from indexer.redact import ADDRESS

# (a CREATE TABLE column line's pattern, as RE2 ran it until records._COLDEF moved to Python `re`)
_COLDEF = re2.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+\w")
_PATTERNS = [INSERT, CREATE, COPY, _COLDEF, ADDRESS, re2.compile(r"(é+)|(\d{2})(x)?"), re2.compile(r"^\s*(a|b)?c")]
_PIECES = ["INSERT INTO `t` ", "(`nom`, `é`) ", "VALUES ", "CREATE TABLE x (", "COPY public.t (a, b) FROM stdin",
           "  `date_naissance` varchar(255)", "12 rue des Lilas 75011 Paris", "é", "ß", "😀", "12", "x", " ", "\t",
           "c", "a", "b", "\n", "’"]


def test_match_and_contains_answer_as_the_wrapper() -> None:
    r = random.Random(71)
    checked = found = 0
    for _ in range(4000):
        text = "".join(r.choice(_PIECES) for _ in range(r.randint(0, 6)))
        for rx in _PATTERNS:
            want = rx.match(text)
            got = match(rx, text)
            assert (got is None) == (want is None), (rx.pattern, text)
            if want is not None and got is not None:
                found += 1
                assert got.span() == want.span() and got.groups() == want.groups(), (rx.pattern, text)
                assert got.group() == want.group()
                if want.groups():
                    assert got.end(1) == want.end(1) and got.start(1) == want.start(1)
            assert contains(rx, text) == (rx.search(text) is not None), (rx.pattern, text)
            checked += 1
    assert found > 1000 and checked == 4000 * len(_PATTERNS)
