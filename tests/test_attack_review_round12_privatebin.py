"""Attacker's review, round 12: one forum member spending the whole crawl's PBKDF2 budget.

Round 11 gave each crawl one budget of PBKDF2 iterations for all its PrivateBin pastes (the
answer chooses the count, and whether any key opens it), and left open that one member posting
links to pastes nothing opens spends it all: every paste linked after, by anyone, was refused
until the next crawl. The pastes one author linked may now spend a tenth of it
(`crawler.privatebin.AUTHOR_ITERATIONS`, `KdfBudget.of`); the others' are still read.

Real parts: real PrivateBin answers (pbincli, tests/test_privatebin.py; the hostile one's count
raised so that no key opens it) fed to the real forum spider's `parse_privatebin` as Scrapy
responses, as round 11's test does; a small budget stands for the crawl's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from scrapy.http import Request, TextResponse

from crawler.privatebin import AUTHOR_ITERATIONS, CRAWL_ITERATIONS, KdfBudget
from tests.test_attack_review_round11_privatebin import PASSWORDS, _hostile, _read, _spider
from tests.test_privatebin import encrypt, key_of


def _response(n: int, body: bytes, key: bytes, author: str) -> TextResponse:
    url = f"http://exampleforum.onion/?{n:016x}"
    meta: dict[str, Any] = {
        "vigie_privatebin": {"id": f"privatebin:{url}", "url": url, "paste_id": f"{n:016x}", "thread": {},
                             "author": author, "posted_at": None},
        "vigie_privatebin_key": key,
        "vigie_passwords": PASSWORDS,
    }
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url, meta=meta))


def test_one_authors_pastes_leave_the_others_their_budget(tmp_path: Path) -> None:
    """mallory links three pastes nothing opens (a million iterations each over five tries), then
    alice one that opens (1,000). Before: mallory's spent the crawl's 2.4 million and alice's
    paste was refused (`iterations`); now mallory's stop at mallory's share, alice's is read."""
    spider = _spider(tmp_path)
    spider._pbin_budget = KdfBudget(2_400_500)  # the crawl's, small: CRAWL_ITERATIONS is 200 million
    spider._pbin_budget.per_author = 1_000_000
    answer, key, _ = _hostile()
    for n in range(3):
        assert asyncio.run(_read(spider, _response(n, answer, key, " Mallory "))) == []
    sound, fragment = encrypt("alice's paste")
    read = asyncio.run(_read(spider, _response(9, sound, key_of(fragment), "alice")))
    stats = spider.crawler.stats
    counts = {k: stats.get_value(f"vigie/privatebin/{k}") for k in ("wrong_key", "iterations", "read")}
    assert counts == {"wrong_key": 1, "iterations": 2, "read": 1}, counts
    assert any("alice's paste" in str(getattr(item, "body", item)) for item in read), read
    assert spider._pbin_budget.by_author == {"mallory": 1_000_000, "alice": 1_000}
    assert spider._pbin_budget.spent == 1_001_000


def test_links_without_an_author_share_the_crawls_budget_only() -> None:
    budget = KdfBudget(1_000, 10)
    assert budget.of(None) is budget and budget.of("  ") is budget
    budget.of(None).charge(500)
    assert budget.spent == 500 and budget.by_author == {}
    assert AUTHOR_ITERATIONS * 10 == CRAWL_ITERATIONS
