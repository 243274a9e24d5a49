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
from typing import Any

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


# -- paste_id_pattern against a paste listing's links -------------------------------------------

def _listing_spider(pattern: str) -> Any:
    """The paste spider's listing step (`_unseen`: is this link a paste not read yet), on a spider
    built without Scrapy's crawler: nothing else of it is reached (no state row is asked for a
    link without an id; a link with one is asked of an empty in-memory state)."""
    from types import SimpleNamespace

    from crawler.spiders.paste import PasteSpider
    from vigie.core.patterns import compile_pattern

    spider: Any = PasteSpider.__new__(PasteSpider)
    spider._id_re = compile_pattern(pattern)  # as the spider compiles it (RE2 since round 16)
    spider._emitted = set()
    spider.source = SimpleNamespace(privatebin=SimpleNamespace(enabled=False),
                                    follow=SimpleNamespace(session_params=[]))  # (ba7a1ce's session ids)
    spider.vigie_state = SimpleNamespace(paste_seen=lambda pid: False)
    return spider


DEFAULT_ID = r"([A-Za-z0-9_-]+)/?$"  # PasteSelectors.paste_id_pattern's default


@pytest.mark.parametrize("href", ["http://p.onion/" + "a" * 60_000 + "!",
                                  "http://p.onion/p/" + "Zx9_-" * 12_000 + "?",
                                  "http://p.onion/raw/" + "7" * 60_000 + "/.txt"], ids=["letters", "mix", "digits"])
def test_a_listing_link_of_60_kb_costs_nothing_under_the_default_id_pattern(href: str) -> None:
    """A paste site's listing link 60 kB long, of id characters not ending it (letters, a mix with
    `_` and `-`, digits before a suffix): before, ~12 s of CPU for each time the listing asked
    (twice a link); now no id (Scrapy would not request a link over 2083 characters anyway)."""
    spider = _listing_spider(DEFAULT_ID)
    start = time.thread_time()
    unseen = spider._unseen(href)
    assert time.thread_time() - start < 0.2
    assert unseen is False


@pytest.mark.parametrize("href,unseen", [("http://p.onion/aB3dE9fG", True), ("http://p.onion/p/k3_x-9/", True),
                                         ("http://p.onion/" + "a" * 2000, True), ("http://p.onion/a b!", False)],
                         ids=["short", "path", "long_id", "no_id"])
def test_ordinary_paste_links_still_have_their_ids(href: str, unseen: bool) -> None:
    """Negatives: the default pattern still reads ordinary ids, a long one under the limit too."""
    assert _listing_spider(DEFAULT_ID)._unseen(href) is unseen
