"""Attacker's review, round 15: an operator's regex against what a forum member writes.

`post.signature_line` (a regex the operator writes for engines that append the signature inside
the body's element) was searched on every line of every post, whatever the line's length, from
the last line back to the first. An unanchored pattern that backtracks (`_{5,}\\s*$`, `-+\\s*$`:
quadratic in a line of the separator's character that does not end as the pattern says) took
3 s on one 20 kB line and hours on a megabyte: any member of a forum, posting once, stalled the
crawl of the whole forum until its max_duration, every crawl. Only the lines that can open a
signature are asked now (the last 11, each of 1,000 characters at most: past a signature's size
the tail is kept whole anyway). Cheap: `_unsigned` called directly, CPU time measured.
"""

from __future__ import annotations

import time

import pytest

from crawler.spiders.extract import _unsigned

BACKTRACKING = [r"_{5,}\s*$", r"-+\s*$", r"={3,}\s*(?:sig)?$"]


def _cpu(body: str, pattern: str) -> tuple[str, float]:
    start = time.thread_time()
    out = _unsigned(body, pattern)
    return out, time.thread_time() - start


@pytest.mark.parametrize("pattern", BACKTRACKING)
@pytest.mark.parametrize("shape", ["one_line", "line_then_signature", "lines_then_dump"])
def test_a_members_long_line_costs_no_more_than_a_short_one(pattern: str, shape: str) -> None:
    """A 60 kB line of the separator's character ending otherwise (before: ~25 s of CPU each),
    alone, followed by a signature-like tail, or among a dump's rows: milliseconds, the post
    kept whole (its line is no separator)."""
    char = pattern[0] if pattern[0] in "_-=" else "_"
    long_line = char * 60_000 + " x"
    body = {"one_line": f"voici\n{long_line}",
            "line_then_signature": f"voici\n{long_line}\nJean\nmon site",
            "lines_then_dump": "\n".join([long_line, *(f"client{i}@exemple.fr;06 12 34 56 {i:02d}"
                                                       for i in range(40))])}[shape]
    out, cpu = _cpu(body, pattern)
    assert out == body
    assert cpu < 0.2, f"{cpu:.2f} s of CPU for one post"


@pytest.mark.parametrize("separator,pattern", [("_________________", r"^_{5,}$"), ("-- ", r"^-- ?$"),
                                              ("=====", r"={3,}\s*$"), ("_____", r"_{5,}\s*$")])
def test_a_signature_is_still_cut_and_a_long_tail_still_kept(separator: str, pattern: str) -> None:
    """What signature_line is for holds: the last separator with a signature's tail is cut
    (phpBB 2's underscores, a mail's `-- `, others); a separator typed above a dump keeps the
    dump; a separator with exactly 10 lines after it still cuts, 11 do not."""
    post = "Bonjour, voici la liste."
    assert _unsigned(f"{post}\n{separator}\nJean Martin\nhttp://blog", pattern) == post
    dump = "\n".join(f"client{i}@exemple.fr;06 12 34 56 {i:02d}" for i in range(40))
    body = f"{post}\n{separator}\n{dump}"
    assert _unsigned(body, pattern) == body
    ten = "\n".join(f"ligne {i}" for i in range(10))
    assert _unsigned(f"{post}\n{separator}\n{ten}", pattern) == post
    body = f"{post}\n{separator}\n{ten}\nune de plus"
    assert _unsigned(body, pattern) == body
    wide = f"{post}\n{separator}\n" + "y" * 1001  # a tail over 1,000 characters is no signature
    assert _unsigned(wide, pattern) == wide
