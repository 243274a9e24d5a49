"""Attacker's review, round 11: PrivateBin pastes whose PBKDF2 nobody can open, posted by anyone.

A PrivateBin answer chooses its PBKDF2 iteration count (up to `MAX_ITERATIONS`, a million) and
whether any key opens it: a paste whose ciphertext no key opens, behind a link with four
"password: ..." lines beside it, costs five full PBKDF2 runs, a CPU-second for an answer of 362
bytes, and a post carries eight links. Any member of a watched forum could post such links to
pastes on an instance the operator lists (where anyone may paste), and the source's crawl spent
its time on them for as long as they kept posting, the leaks posted beside them waiting. Each
crawl now has one budget of PBKDF2 iterations for all its pastes (`crawler.privatebin.KdfBudget`,
`CRAWL_ITERATIONS`): each try is charged before it runs, and once it is spent a paste is refused
(`iterations`, counted) without a PBKDF2.

Real parts: the answers are real PrivateBin pastes encrypted by pbincli (tests/test_privatebin.py)
whose iteration count was raised afterwards (so no key opens them, as a hostile one would be), fed
to the real forum spider's `parse_privatebin` as Scrapy responses; a small budget stands for the
crawl's.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.privatebin import CRAWL_ITERATIONS, MAX_ITERATIONS, KdfBudget, PrivateBinError, decrypt_paste
from crawler.spiders.forum import ForumSpider
from crawler.state import CrawlState
from tests.test_privatebin import CAP, encrypt, key_of
from vigie.config.schema import SourceConfig

HOSTILE_ITERATIONS = 200_000  # five tries: a million iterations a paste (the real attack: five million)
PASSWORDS = ("leak2024", "Leak2024", "forum", "dump")


def _hostile() -> tuple[bytes, bytes, str]:
    """(an answer no key opens at HOSTILE_ITERATIONS, the link's key, a key that opens a sound paste)."""
    answer, fragment = encrypt("x", password="the right one")
    doc = json.loads(answer)
    doc["adata"][0][2] = HOSTILE_ITERATIONS  # the tag covers the adata: nothing opens it now
    return json.dumps(doc).encode(), key_of(fragment), fragment


def _spider(tmp_path: Path) -> ForumSpider:
    shipped = Path(__file__).resolve().parents[1] / "config" / "sources" / "example-forum.yaml"
    data = yaml.safe_load(shipped.read_text())
    data.pop("login", None)
    source = SourceConfig.model_validate(data)
    return ForumSpider.from_crawler(
        get_crawler(ForumSpider), source=source, state=CrawlState(tmp_path / "s.sqlite3", source.name), sink=None
    )


def _response(n: int, body: bytes, key: bytes) -> TextResponse:
    url = f"http://exampleforum.onion/?{n:016x}"
    meta: dict[str, Any] = {
        "vigie_privatebin": {
            "id": f"privatebin:{url}",
            "url": url,
            "paste_id": f"{n:016x}",
            "thread": {},
            "author": None,
            "posted_at": None,
        },
        "vigie_privatebin_key": key,
        "vigie_passwords": PASSWORDS,
    }
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url, meta=meta))


async def _read(spider: ForumSpider, response: TextResponse) -> list[Any]:
    return [out async for out in spider.parse_privatebin(response)]


def test_a_crawl_spends_no_more_than_its_budget_on_pastes_nobody_can_open(tmp_path: Path) -> None:
    """Four hostile pastes, each a million iterations over its five tries, against a budget of
    2.5 million: the first two are tried in full (wrong key), the third stops at the try that
    would pass the budget, the fourth is refused before any PBKDF2. Before the budget, all four
    were tried in full (wrong_key 4, iterations 0), and so would the ten-thousandth be."""
    spider = _spider(tmp_path)
    spider._pbin_budget = KdfBudget(2_500_000)  # the crawl's, small: CRAWL_ITERATIONS is 200 million
    answer, key, _ = _hostile()
    cpu: list[float] = []
    for n in range(4):
        start = time.process_time()  # the process's CPU, the decrypting thread's included
        assert asyncio.run(_read(spider, _response(n, answer, key))) == []
        cpu.append(time.process_time() - start)
    stats = spider.crawler.stats
    counts = {k: stats.get_value(f"vigie/privatebin/{k}") for k in ("wrong_key", "iterations", "read")}
    assert counts == {"wrong_key": 2, "iterations": 2, "read": None}, counts
    assert spider._pbin_budget.spent == 2_400_000  # two pastes' five tries, then two of the third's
    assert stats.get_value("vigie/files/bombs_refused") == 2
    assert cpu[3] < cpu[0] / 4, cpu  # refused before any PBKDF2 (a paste tried in full: ~0.2 s here)


def test_the_budget_is_charged_before_each_try_and_shared_by_every_format() -> None:
    """`decrypt_paste` charges each try (the key, then each password) before it runs, format 2
    and format 1 alike; a paste that opens is charged its tries too. Without a budget, nothing
    changes (the unit tests' own calls)."""
    answer, key, fragment = _hostile()
    budget = KdfBudget(HOSTILE_ITERATIONS * 3)
    with pytest.raises(PrivateBinError) as refused:
        decrypt_paste(answer, key, PASSWORDS, max_bytes=CAP, max_plain_bytes=CAP, budget=budget)
    assert refused.value.kind == "iterations" and "budget" in str(refused.value)
    assert budget.spent == HOSTILE_ITERATIONS * 3
    assert fragment not in str(refused.value)
    sound, sound_fragment = encrypt("clients: jeanne.martin@exemple.fr")  # pbincli's 1,000 iterations
    opened = KdfBudget(10_000)
    paste = decrypt_paste(sound, key_of(sound_fragment), (), max_bytes=CAP, max_plain_bytes=CAP, budget=opened)
    assert paste.text.startswith("clients") and opened.spent == 1000
    with pytest.raises(PrivateBinError) as spent:
        decrypt_paste(sound, key_of(sound_fragment), (), max_bytes=CAP, max_plain_bytes=CAP, budget=KdfBudget(999))
    assert spent.value.kind == "iterations"
    from tests.test_privatebin import v1_answer

    v1, v1_key = v1_answer("format 1")
    old = KdfBudget(10**9)
    assert decrypt_paste(v1, key_of(v1_key), (), max_bytes=CAP, max_plain_bytes=CAP, budget=old).text == "format 1"
    assert old.spent > 0
    # the default: 200 pastes at the most a paste may ask, 2,000 at PrivateBin's 100,000
    assert CRAWL_ITERATIONS == 200 * MAX_ITERATIONS
