"""Blind probe of real forum engines' markup: each engine's pages as its own templates render them
(tests/engine_pages/<engine>/, README there names the template and version), served over HTTP on
127.0.0.1, crawled by the real `vigie crawl` with nothing but an operator-written source YAML
(tests/engine_pages/<engine>/source.yaml), and compared with what the pages hold: every post once,
its author, date (the right instant), thread and board, the thread titles, pagination followed to
the last page, the attachment fetched, the dump found as a fragment, quotes and signatures left out
of the post that shows them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import yaml

from tests.fixtures.engine_pages import ENGINE_PAGES, EnginePages, _fill, expected_date, route_key
from tests.fixtures.forum import crawl
from vigie_kit.forum_engines import EngineServer, Page, Request

ENGINES = sorted(p.name for p in ENGINE_PAGES.iterdir() if (p / "source.yaml").exists()  # leak sites: their own probe
                 and yaml.safe_load((p / "source.yaml").read_text(encoding="utf-8")).get("kind", "forum") == "forum")


class _EncodedPages(EnginePages):
    """An engine's pages as it serves them in its own charset: `site.json`'s `encoding` (the bytes on
    disk: windows-1251 for a Russian phpBB 2, GB18030 for Discuz! in GBK) and `content_type` (the
    header, which may name no charset: the page's `<meta>` then says it); `aliases`, other request
    targets the engine answers with the same page (Discuz!'s `&extra=page%3D1`, the listing page a
    thread link was printed on), counted as a fetch of that page."""

    def __post_init__(self) -> None:
        super().__post_init__()
        site = json.loads((self.root / "site.json").read_text(encoding="utf-8"))
        self.encoding: str = site.get("encoding", "utf-8")
        self.content_type: str = site.get("content_type", f"text/html; charset={self.encoding}")
        self.aliases = {self._key(k): self._key(v) for k, v in site.get("aliases", {}).items()}

    def handle(self, req: Request) -> Page:
        key = route_key(req.path, parse_qsl(req.raw_query, keep_blank_values=True))
        key = self.aliases.get(key, key)
        if key not in self.routes:
            return super().handle(req)
        self.served.append(key)
        text = (self.root / self.routes[key]).read_bytes().decode(self.encoding)
        return Page(200, _fill(text, req.base, datetime.now(UTC)).encode(self.encoding, "xmlcharrefreplace"),
                    ctype=self.content_type)


def _config(directory: Path, engine: str, base_url: str) -> tuple[Path, str]:
    """A config dir holding the engine's source.yaml aimed at `base_url`: only the address, the
    network and test-speed limits change, so the YAML is what is tested."""
    text = (ENGINE_PAGES / engine / "source.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(re.sub(r"http://[a-z0-9]+x+\.onion", base_url.rstrip("/"), text))
    data["network"] = "direct"
    data["limits"] = {**data.get("limits", {}), "delay_seconds": 0, "autothrottle": False, "concurrency": 4,
                      "timeout_seconds": 20, "retry_backoff_seconds": 0.2, "retries": 0}
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    (directory / "sources" / f"{data['name']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                                 encoding="utf-8")
    (directory / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return directory, str(data["name"])


def _number(item: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", str(item.get("post_id") or "")) or -1)


def _mismatches(run_posts: list[dict[str, Any]], truth: dict[str, Any], base: str) -> list[str]:
    """Every post of the truth once (a post is its thread and its number: some engines number
    posts within a topic), with its author, date, thread, title, board and own text."""
    problems: list[str] = []
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for item in run_posts:
        number = _number(item)
        if number < 0 and not truth.get("ids_unavailable"):
            problems.append(f"post {item.get('url')} ({(item.get('body') or '')[:40]!r}) has no post id")
        if number < 0:  # no post id read: the post is its own text
            number = next((p["id"] for p in truth["posts"] if base + p["thread"] == item.get("thread_url")
                           and p["excerpt"] in (item.get("body") or "")), -1)
        key = (str(item.get("thread_url")), number)
        if key in seen:
            problems.append(f"post {key} emitted twice")
        seen[key] = item
    want_posts = {(base + p["thread"], p["id"]): p for p in truth["posts"]}
    problems += [f"post {k} ({seen[k].get('body', '')[:60]!r}) is no post of the pages"
                 for k in sorted(set(seen) - set(want_posts))]
    for key, want in want_posts.items():
        name = f"{want['thread']}#{want['id']}"
        got = seen.get(key)
        if got is None:
            problems.append(f"post {name} missing")
            continue
        body = got.get("body") or ""
        fetched = datetime.fromisoformat(got["fetched_at"].replace("Z", "+00:00"))
        at, tol = expected_date(want["date"], fetched)
        posted = datetime.fromisoformat(got["posted_at"].replace("Z", "+00:00")) if got.get("posted_at") else None
        if "dates_unavailable" in truth:  # the pages print none: a date here would be invented
            if got.get("posted_at") is not None:
                problems.append(f"post {name}: date {got.get('posted_at')} where the pages print none")
        elif posted is None or abs((posted - at).total_seconds()) > tol + truth.get("tolerance", 0):
            problems.append(f"post {name}: date {got.get('posted_at')} (printed {got.get('raw_date')!r}) "
                            f"!= {at.isoformat()}")
        checks = {"author": (got.get("author"), want["author"]),
                  "title": (got.get("thread_title"), truth["threads"][want["thread"]]),
                  "board": (got.get("board"), truth["board"])}
        problems += [f"post {name}: {k} {v[0]!r} != {v[1]!r}" for k, v in checks.items() if v[0] != v[1]]
        if want["excerpt"] not in body:
            problems.append(f"post {name}: body {body[:200]!r} lacks {want['excerpt']!r}")
        problems += [f"post {name}: body holds {a!r}, no part of the post" for a in want["absent"] if a in body]
    return problems


def _poster(truth: dict[str, Any], post: int | list[Any]) -> str:
    thread, number = post if isinstance(post, list) else (None, post)
    return str(next(p["author"] for p in truth["posts"] if p["id"] == number and thread in (None, p["thread"])))


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_pages_crawled_right(engine: str, tmp_path: Path) -> None:
    view = _EncodedPages(engine)
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", engine, server.url)
        run = crawl(config, tmp_path / "data", name, timeout=120)
        base = server.url
    assert run.returncode == 0, run.stderr[-3000:]
    truth = view.truth(base)
    problems = _mismatches(run.posts(), truth, base)
    # pagination followed to the last page, each page once
    pages = list(view.routes)
    problems += [f"page {p} never fetched" for p in pages if p not in view.served]
    problems += [f"page {p} fetched {view.served.count(p)} times" for p in set(view.served)
                 if p in view.routes and view.served.count(p) > 1]
    files = run.files()
    for want in truth["files"]:
        got = [f for f in files if f.get("filename") == want["filename"]]
        if len(got) != 1:
            problems.append(f"attachment {want['filename']} of post {want['post']}: {len(got)} items "
                            f"(fetched: {view.served.count(view._key(want['path']))})")
        elif got[0].get("author") != _poster(truth, want["post"]):
            problems.append(f"attachment {want['filename']}: author {got[0].get('author')!r}")
    dumps = [p for p in truth["posts"] if p.get("dump")]
    if run.summary.get("fragments", 0) < len(dumps) + len(truth["files"]):
        problems.append(f"{run.summary.get('fragments')} fragments for {len(dumps)} dump posts "
                        f"and {len(truth['files'])} attachments")
    failures = {k: v for k, v in (run.summary.get("failures") or {}).items() if v}
    if failures or run.summary.get("needs_attention"):
        problems.append(f"silent failures: {failures}")
    assert problems == [], "\n".join(problems)
