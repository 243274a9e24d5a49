"""`redact.excerpt_end` by one bounded split (wave 21, issue 17: a dump post's fragments) against
the loop of `find`s it replaces, copied as it was, on random texts around both limits."""

from __future__ import annotations

import random

from indexer.redact import EXCERPT_CHARS, EXCERPT_LINES, excerpt_end


def _old_excerpt_end(text: str) -> int:
    cut = 0
    for _ in range(EXCERPT_LINES):
        nl = text.find("\n", cut, EXCERPT_CHARS + 1)
        if nl < 0:
            cut = len(text)
            break
        cut = nl + 1
    return min(cut, EXCERPT_CHARS)


def test_excerpt_end_as_the_loop_of_finds() -> None:
    rng = random.Random(3)
    texts = ["", "\n", "\n" * 12, "\n" * 13, "a\n" * 11 + "a", "x" * 2000 + "\n", "x" * 1999 + "\n" + "\n" * 12]
    for _ in range(30000):
        t = "".join(rng.choice("ab\n\n é") for _ in range(rng.choice([0, 1, 5, 11, 12, 13, 30, 200, 1990, 2001, 2500])))
        if rng.random() < 0.3:
            t = "x" * rng.choice([1999, 2000, 2001]) + "\n" + t
        if rng.random() < 0.2:
            t = "\n" * rng.randint(0, 14) + t
        texts.append(t)
    for t in texts:
        assert excerpt_end(t) == _old_excerpt_end(t), repr(t[:40])
