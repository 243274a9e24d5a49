"""Render pages with Vigie's browser download handler in a subprocess (Twisted's reactor runs
once per process): `python -m vigie_kit.browser_fetch SPEC.json OUT.json`.

SPEC: {"url", "socks": [host, port] | null, "max_pages", "source", "cookies_txt": path | null,
"wall_text": str | null, "timeout": page seconds, "restart_after": pages, "retries": Scrapy's RETRY_TIMES,
"no_proxy_flags": bool (leak-test control only)}.
OUT: {"pages": [{"url", "victims", "ready", "next"}], "seconds", "attention", "finish"}.
It follows `a.next` like a leaksite spider would, and uses the real middlewares and handler.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]


def main(spec_path: str, out_path: str) -> int:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler.cookies import CookieJar, parse_cookies
    from crawler.handlers.browser import BrowserLimits, browser_download_handler_settings
    from crawler.spiders._base import VigieSpider
    from vigie.config.schema import SourceConfig

    spec: dict[str, Any] = json.loads(Path(spec_path).read_text())
    socks = (str(spec["socks"][0]), int(spec["socks"][1])) if spec.get("socks") else None
    limits = BrowserLimits(page_timeout_seconds=float(spec.get("timeout", 90)), max_pages_at_once=2,
                           restart_after_pages=int(spec.get("restart_after", 200)), restart_above_rss_mb=2048)
    settings = browser_download_handler_settings(socks, limits, source=spec["source"])
    if spec.get("no_proxy_flags"):  # the leak test's control run: the same browser without our switches
        settings["PLAYWRIGHT_LAUNCH_OPTIONS"] = {"executable_path": "/usr/bin/chromium", "headless": True,
                                                 "args": [], "chromium_sandbox": False}
        settings["VIGIE_BROWSER_SOCKS"] = ""  # nor the PAC script the handler adds for a tor source at launch
    if "retries" in spec:
        settings["RETRY_TIMES"] = int(spec["retries"])
    settings.update({"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
                     "DOWNLOADER_MIDDLEWARES": {"crawler.cookies.WallMiddleware": 60,
                                                "crawler.cookies.CookieJarMiddleware": 750}})
    jar = None
    if spec.get("cookies_txt"):
        jar = CookieJar(spec["source"], tuple(parse_cookies(Path(spec["cookies_txt"]).read_text())), time.time())
    wall = {"text": spec["wall_text"]} if spec.get("wall_text") else None
    source = SourceConfig.model_validate({
        "name": spec["source"], "kind": "paste", "network": "tor" if socks else "direct",
        "start_urls": [spec["url"]], "schedule": {"interval": "1h"}, "render": "browser", "wall": wall,
        "paste": {"paste_links": "a.files", "next_page": "a.next"},
        # a local site behind a (test) SOCKS proxy stands for a site reached through Tor
        "allow_clearnet_over_tor": bool(socks) and ".onion" not in spec["url"]})
    pages: list[dict[str, Any]] = []
    max_pages = int(spec.get("max_pages", 3))

    class RenderSpider(VigieSpider):
        name = "render"

        async def start(self) -> Any:
            yield scrapy.Request(spec["url"], callback=self.parse_page)

        def parse_page(self, response: Any) -> Any:
            nxt = response.css("a.next::attr(href)").get()
            pages.append({"url": response.url, "victims": response.css("article.victim h2.name::text").getall(),
                          "ready": response.css("#state::text").get(), "next": nxt})
            if nxt and len(pages) < max_pages:
                yield scrapy.Request(response.urljoin(nxt), callback=self.parse_page)

    from crawler.state import CrawlState

    state = CrawlState(Path(out_path).with_suffix(".state.sqlite3"), spec["source"])
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RenderSpider)
    finish: dict[str, str] = {}
    def on_closed(reason: str, **_: Any) -> None:
        finish["reason"] = reason

    crawler.signals.connect(on_closed, signal=scrapy.signals.spider_closed)  # weak ref: keep a named function
    started = time.monotonic()
    process.crawl(crawler, source=source, state=state, sink=None, cookie_jar=jar)
    process.start()
    spider = crawler.spider
    attention = spider.needs_attention if isinstance(spider, VigieSpider) else None
    kept = ("vigie", "playwright/page_count", "playwright/request_count/aborted", "retry/")
    stats = crawler.stats.get_stats() if crawler.stats else {}
    Path(out_path).write_text(json.dumps({"pages": pages, "seconds": time.monotonic() - started,
                                          "attention": attention, "finish": finish.get("reason"),
                                          "stats": {k: v for k, v in stats.items() if k.startswith(kept)}},
                                         default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
