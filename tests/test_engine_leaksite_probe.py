"""Leak sites' pages as their engines render them (tests/engine_pages/<site>/ whose source.yaml is
`kind: leaksite`), served on 127.0.0.1 and crawled by the real `vigie crawl` with nothing but that
YAML, compared with what the pages hold (`truth.json`'s `victims`): every victim once, its domain,
status (published or announced), deadline (the countdown's end or the publication time: the right
instant), and the files its page lists (names and sizes); the files themselves never fetched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from indexer.victims import VictimIndex
from tests.fixtures.engine_pages import ENGINE_PAGES, expected_date
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _config, _EncodedPages
from vigie_kit.forum_engines import EngineServer

SITES = sorted(p.name for p in ENGINE_PAGES.iterdir() if (p / "source.yaml").exists()
               and yaml.safe_load((p / "source.yaml").read_text(encoding="utf-8")).get("kind") == "leaksite")


@pytest.mark.parametrize("site", SITES)
def test_leak_site_pages_crawled_right(site: str, tmp_path: Path) -> None:
    view = _EncodedPages(site)
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", site, server.url)
        before = datetime.now(UTC)
        run = crawl(config, tmp_path / "data", name, timeout=120)
        base = server.url
    assert run.returncode == 0, run.stderr[-3000:]
    truth = view.truth(base)
    index = VictimIndex(tmp_path / "data" / "store.sqlite3")
    try:
        got = {v.name: v for v in index.search()}
    finally:
        index.close()
    problems = [f"victim {n} is no victim of the pages" for n in set(got) - {v["name"] for v in truth["victims"]}]
    for want in truth["victims"]:
        victim = got.get(want["name"])
        if victim is None:
            problems.append(f"victim {want['name']} missing")
            continue
        at, tol = expected_date(want["deadline"], before)
        if victim.deadline_at is None or abs((victim.deadline_at - at).total_seconds()) > tol + 120:
            problems.append(f"victim {want['name']}: deadline {victim.deadline_at} != {at.isoformat()}")
        checks = {"domain": (victim.domain, want["domain"]), "status": (victim.status, want["status"]),
                  "files": (sorted([f.name, f.size] for f in victim.files), sorted(want["files"]))}
        problems += [f"victim {want['name']}: {k} {v[0]!r} != {v[1]!r}" for k, v in checks.items() if v[0] != v[1]]
    problems += [f"page {p} never fetched" for p in view.routes if p not in view.served]
    problems += [f"{p} fetched: a leak site's files are listed, never downloaded" for p in view.served
                 if p.startswith("/files/")]
    failures = {k: v for k, v in (run.summary.get("failures") or {}).items() if v}
    if failures or run.summary.get("needs_attention"):
        problems.append(f"silent failures: {failures}")
    assert problems == [], "\n".join(problems)
