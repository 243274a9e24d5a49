"""A link that `board_links` and `thread_link` both select is read as one or the other, whichever
the crawl meets first (Scrapy's duplicate filter drops the second request): selectors that overlap
so (`a[href*='/t']` meant for `/tag/...`, matching `/topic/...` too) are said by `vigie source try`
(a warning) and by the crawl's log. Pages served on 127.0.0.1, the real `vigie crawl`; synthetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from tests.fixtures.forum import crawl
from vigie.cli import app
from vigie_kit.forum_engines import EngineServer, Page, Request

INDEX = """<html><body><h1>Forum</h1><ul class="tags"><li><a href="/tag/leaks">Leaks</a></li></ul>
<p class="latest">Latest: <a href="/topic/5-base">Base clients</a></p></body></html>"""
LISTING = """<html><body><h1>Leaks</h1><ul class="topics">
<li><a href="/topic/5-base">Base clients</a></li><li><a href="/topic/6-combo">Combo</a></li></ul></body></html>"""
TOPIC = """<html><body><h1>{title}</h1><div class="post" id="p{pid}"><span class="who">alice</span>
<div class="text">Texte du sujet {pid}.</div></div></body></html>"""


class TagForum:
    data: Any = None

    def truth(self, base: str) -> dict[str, Any]:
        return {}

    def handle(self, req: Request) -> Page:
        pages = {"/": INDEX, "/tag/leaks": LISTING, "/topic/5-base": TOPIC.format(title="Base clients", pid=5),
                 "/topic/6-combo": TOPIC.format(title="Combo", pid=6)}
        return Page(200, pages[req.path]) if req.path in pages else Page(404, "<html><body>404</body></html>")


def _config(directory: Path, base: str, board_links: str) -> Path:
    source = {"name": "tags", "kind": "forum", "network": "direct", "start_urls": [base + "/"],
              "schedule": {"interval": "1h"},
              "limits": {"delay_seconds": 0, "autothrottle": False, "timeout_seconds": 20, "retries": 0},
              "forum": {"board_links": board_links, "thread_rows": "ul.topics > li", "thread_link": "a::attr(href)",
                        "thread_title": "a", "post": {"container": "div.post", "post_id": "::attr(id)",
                                                      "author": "span.who", "body": "div.text"}}}
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    (directory / "sources" / "tags.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    (directory / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return directory


WARNING = "selected both by board_links and by thread_link"


def test_overlapping_selectors_are_said_by_the_crawl_and_by_source_try(tmp_path: Path) -> None:
    with EngineServer(TagForum()) as server:
        base = server.url.rstrip("/")
        config = _config(tmp_path / "config", base, "a[href*='/t']::attr(href)")  # meant /tag/, takes /topic/ too
        run = crawl(config, tmp_path / "data", "tags")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert WARNING in run.stderr, run.stderr[-3000:]
    listing = tmp_path / "listing.html"
    listing.write_text(LISTING, encoding="utf-8")
    out = CliRunner().invoke(app, ["source", "try", "tags", "--html", str(listing), "--url", base + "/tag/leaks",
                                   "--json", "--config", str(config), "--data-dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    warnings = json.loads(out.stdout)["warnings"]
    assert len(warnings) == 1 and WARNING in warnings[0] and "2 link(s)" in warnings[0], warnings


def test_selectors_that_do_not_overlap_say_nothing(tmp_path: Path) -> None:
    with EngineServer(TagForum()) as server:
        base = server.url.rstrip("/")
        config = _config(tmp_path / "config", base, "a[href*='/tag/']::attr(href)")
        run = crawl(config, tmp_path / "data", "tags")
    assert run.returncode == 0, run.stderr[-2000:]
    assert WARNING not in run.stderr
    assert sorted(p["post_id"] for p in run.posts()) == ["p5", "p6"]
    listing = tmp_path / "listing.html"
    listing.write_text(LISTING, encoding="utf-8")
    out = CliRunner().invoke(app, ["source", "try", "tags", "--html", str(listing), "--url", base + "/tag/leaks",
                                   "--json", "--config", str(config), "--data-dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["warnings"] == []
