"""Attacker's review, round 13: a site's value reaching int() in a spider (beside CI's crash).

CI's spiders fuzz target found a link (`https: 04h`) that Scrapy's Request refused (fixed in
`absolute_url`). Auditing the other places a page's value reaches a call that can raise found
int() on digits the site writes, which Python refuses past 4,300 digits (ValueError, since 3.11):

- the pagination fetched ahead (`crawler.spiders._ahead.page_template`) read the number of a
  board's or a thread's next link (`?page=999...`): the listing's callback raised, its threads
  and the pages after it lost;
- a channel message's id (`crawler.spiders.channel.message_number`, and its `(\\d+)\\s*$` was
  quadratic on a long run of digits): the channel page raised, every message on it lost.

A page number or an offset of more than 18 digits predicts nothing now (the walk goes on link by
link), and a message id of more than 18 digits is no id. Both inputs are in the `spiders` fuzz
target's seeds (`tests.fuzz.long_number_seeds`); here each spider's callback reads such a page
with the meta the spider gives its request, as Scrapy would hand it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders._ahead import page_template
from crawler.spiders.channel import ChannelSpider, message_number
from crawler.spiders.forum import ForumSpider
from crawler.state import CrawlState
from tests.fixtures.spider_output import spider_output
from vigie.config.schema import SourceConfig

BIG = "9" * 5000
SHIPPED = Path(__file__).resolve().parents[1] / "config" / "sources" / "example-forum.yaml"


def _spider(cls: Any, raw: dict[str, Any], tmp_path: Path) -> Any:
    source = SourceConfig.model_validate(raw)
    return cls.from_crawler(
        get_crawler(cls), source=source, sink=None, state=CrawlState(tmp_path / "s.sqlite3", source.name)
    )


def _page(url: str, body: str, meta: dict[str, Any]) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url, meta=meta))


def test_a_board_whose_next_link_holds_a_long_number_is_read(tmp_path: Path) -> None:
    raw = yaml.safe_load(SHIPPED.read_text())
    raw.pop("login")
    spider = _spider(ForumSpider, raw, tmp_path)
    url = "http://exampleforum.onion/b/1"
    rows = "".join(
        f'<tr class="thread"><td><a class="thread-title" href="/t/{n}">t</a></td><td class="replies">{n}</td></tr>'
        for n in range(3)
    )
    body = f'<html><body><table>{rows}</table><a rel="next" href="/b/1?page={BIG}">suivant</a></body></html>'
    out = spider_output(
        spider.parse_listing(_page(url, body, {"vigie_role": "board", "vigie_chain": url, "vigie_page": 1}))
    )  # ValueError before
    followed = {r.url for r in out if isinstance(r, Request)}
    assert {f"http://exampleforum.onion/t/{n}" for n in range(3)} <= followed
    assert f"http://exampleforum.onion/b/1?page={BIG}" in followed  # walked link by link


def test_a_channel_message_with_a_long_id_loses_not_the_page(tmp_path: Path) -> None:
    spider = _spider(
        ChannelSpider,
        {
            "name": "leaknews",
            "kind": "channel",
            "network": "tor",
            "start_urls": ["http://t.example.onion/s/leaknews"],
            "schedule": {"interval": "1h"},
        },
        tmp_path,
    )
    (start,) = [r for r in spider_output(spider.start()) if isinstance(r, Request)]
    posts = "".join(
        f'<div class="tgme_widget_message" data-post="leaknews/{ref}"><div class="tgme_widget_message_text">'
        f"message {n}: anne{n}@exemple.fr</div></div>"
        for n, ref in enumerate(["3", BIG, "5"])
    )
    out = spider_output(
        spider.parse_page(_page(start.url, f"<html><body>{posts}</body></html>", dict(start.meta)))
    )  # ValueError before
    bodies = [i.item.body for i in out if hasattr(i, "item")]
    assert any("anne0@" in b for b in bodies) and any("anne2@" in b for b in bodies), bodies
    assert not any("anne1@" in b for b in bodies)  # a long id is no message id


def test_long_numbers_predict_no_page_and_name_no_message() -> None:
    assert page_template("http://f.onion/b/1?page=1", f"http://f.onion/b/1?page={BIG}", 1) is None
    assert page_template("http://f.onion/b/1", f"http://f.onion/b/1?page={BIG}", 1) is None
    template = page_template("http://f.onion/b/1?page=1", "http://f.onion/b/1?page=2", 1)
    assert template is not None and template(5) == "http://f.onion/b/1?page=5"  # still predicted
    assert message_number(f"leaknews/{BIG}") is None
    assert message_number("leaknews/123456789012345678") == 123456789012345678
    assert message_number("leaknews/42 ") == 42
    start = time.process_time()
    assert message_number("7" * 200_000 + "x") is None  # linear: each start of the run read once
    assert time.process_time() - start < 2.0
