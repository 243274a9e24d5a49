"""Attacker's review, round 13: a paste refused because others spent the crawl's PBKDF2 budget.

Rounds 11 and 12 bound the PBKDF2 work of a crawl's PrivateBin pastes (the answer chooses its
count, and whether any key opens it): one budget per crawl, a tenth of it per author. Round 12
left open that a member with ten accounts spends it all; and past it, every paste linked after
was refused FOR GOOD: its pending row closed, while the post that linked it was recorded as
read, so the next crawl never saw the link again. A leak's paste posted after a flood of pastes
nothing opens was lost. Refused because the CRAWL's budget is spent (`BudgetSpent`), a paste now
keeps its pending row, and the next crawl reads it with a budget of its own, with the passwords
posted beside its link (sealed in the row under the data key, as its key is). A paste refused
for its own author's share is still closed.

Real parts: real PrivateBin answers (pbincli, tests/test_privatebin.py), the real forum spider's
requests and `parse_privatebin`, its real crawl state (SQLite) between two crawls; small budgets
stand for the crawl's.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from scrapy.http import Request, TextResponse

from crawler.items import FileDone
from crawler.privatebin import KdfBudget, parse_link
from crawler.spiders.forum import ForumSpider
from indexer.crypto import DataKey
from tests.test_attack_review_round11_privatebin import PASSWORDS, _hostile, _read, _spider
from tests.test_privatebin import encrypt

SEAL = DataKey(os.urandom(32))


def _sealed_spider(tmp_path: Path, total: int, per_author: int) -> ForumSpider:
    spider = _spider(tmp_path)  # the same state file each time: the next crawl's
    spider._pbin_seal = SEAL  # what `run_crawl` passes (`data_key`)
    spider._pbin_budget = KdfBudget(total, per_author)
    return spider


def _answer(spider: ForumSpider, request: Request, body: bytes) -> list[Any]:
    """The callback's output on `body`, its FileDone applied to the state as the pipeline does."""
    response = TextResponse(request.url, body=body, encoding="utf-8", request=request)
    out = asyncio.run(_read(spider, response))
    for done in out:
        if isinstance(done, FileDone):
            spider.vigie_state.file_done(done.url, done.status, done.reason)
    return out


def _link(n: int, fragment: str, spider: ForumSpider, author: str, passwords: tuple[str, ...] = ()) -> Request:
    site = spider.source.start_urls[0].split("/")[2]  # a paste on the forum's own host: listed
    link = parse_link(f"http://{site}/?{n:016x}#{fragment}")
    assert link is not None
    (request,) = spider.privatebin_request(link, {"key": "http://exampleforum.onion/t/1"}, author, None, passwords)
    return request


def test_a_paste_refused_for_the_crawls_spent_budget_is_read_by_the_next_crawl(tmp_path: Path) -> None:
    hostile, _, hostile_fragment = _hostile()  # a million iterations over its five tries; nothing opens it
    spider = _sealed_spider(tmp_path, total=2_000_500, per_author=1_000_000)
    for n, account in enumerate(("mallory1", "mallory2")):  # two accounts spend the crawl's budget
        (done,) = _answer(spider, _link(n, hostile_fragment, spider, account, PASSWORDS), hostile)
        assert done.status == "refused" and done.reason == "PrivateBin: wrong_key", done
    sound, fragment = encrypt("fuite: alice.martin@exemple.fr;06 12 34 56 78", password="dump")
    request = _link(9, fragment, spider, "alice", PASSWORDS)
    assert _answer(spider, request, sound) == []  # refused in this crawl: the budget is spent
    assert spider.crawler.stats.get_value("vigie/privatebin/iterations") == 1
    pending = [url for url, _ in spider.vigie_state.pending_files()]
    assert pending == [f"privatebin-pending:{request.url}"], pending  # before: [] (closed for good)

    later = _sealed_spider(tmp_path, total=2_000_500, per_author=1_000_000)  # the next crawl
    (again,) = later.pending_file_requests()
    assert again.url == request.url and again.meta["vigie_passwords"] == PASSWORDS
    read = _answer(later, again, sound)
    assert any("alice.martin@exemple.fr" in str(getattr(getattr(x, "item", None), "body", "")) for x in read), read
    state = (tmp_path / "s.sqlite3").read_bytes()
    assert b"leak2024" not in state and b"Leak2024" not in state  # the passwords are sealed at rest
