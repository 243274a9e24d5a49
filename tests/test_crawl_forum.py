"""End to end over direct loopback HTTP: the real `vigie crawl` (Scrapy engine, detection, the
embedded store) against the full demo forum, checked against the forum's ground truth.

The Tor work reruns the same forum over the private Tor network; here `network: direct`.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.forum import CrawlRun, crawl, make_config, test_keys_env
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_crawl(phpbb_forum: ForumServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("crawl-forum")
    config = make_config(root / "config", phpbb_forum.url)
    phpbb_forum.reset_counters()
    run = crawl(config, root / "data", "test-phpbb")
    hits = dict(phpbb_forum.hits)
    logins = (phpbb_forum.login_posts, phpbb_forum.login_failures)
    second = crawl(config, root / "data", "test-phpbb")
    second_hits = dict(phpbb_forum.hits)
    return {"run": run, "second": second, "root": root, "hits": hits, "second_hits": second_hits,
            "logins": logins, "truth": phpbb_forum.truth(), "logout": phpbb_forum.logout_hits}


def _post_number(item: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", item["post_id"]))


def test_crawl_exits_cleanly_and_summarises(first_crawl: dict[str, Any]) -> None:
    run: CrawlRun = first_crawl["run"]
    assert run.returncode == 0, run.stderr[-2000:]
    s = run.summary
    assert s["finish_reason"] == "finished"
    assert s["errors"] == 0
    assert s["needs_attention"] is False
    assert s["posts"] == len(run.posts()) and s["files"] == len(run.files())
    assert s["fragments"] > 0  # detection ran on the crawled items


def test_every_expected_post_found_once_with_its_fields(first_crawl: dict[str, Any]) -> None:
    run: CrawlRun = first_crawl["run"]
    truth = {p["id"]: p for p in first_crawl["truth"]["posts"]}
    numbers = [_post_number(i) for i in run.posts()]
    assert len(numbers) == len(set(numbers)), "a post was emitted twice"
    expected = {pid for pid, p in truth.items() if p["expected"]}
    assert set(numbers) == expected
    for item in run.posts():
        post = truth[_post_number(item)]
        assert item["source"] == "test-phpbb"
        assert item["author"] == post["author"]
        assert item["posted_at"] == post["posted_at"], "ISO 8601 UTC, from the datetime attribute"
        assert item["thread_title"] == post["thread_title"]
        assert item["board"] == post["board"]
        assert item["thread_url"] == post["thread_url"]
        assert item["url"].startswith(item["thread_url"]) and item["url"].endswith(f"#p{post['id']}")
        assert datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")).utcoffset().total_seconds() == 0


def test_members_only_board_needs_the_csrf_login(first_crawl: dict[str, Any]) -> None:
    members = [p for p in first_crawl["truth"]["posts"] if p["members_only"]]
    found = {_post_number(i) for i in first_crawl["run"].posts()}
    assert members and all(p["id"] in found for p in members)
    assert first_crawl["logins"] == (1, 0), "one login POST, accepted (its CSRF token was sent back)"


def test_logout_is_never_requested(first_crawl: dict[str, Any]) -> None:
    assert first_crawl["logout"] == 0
    assert not any("logout" in path for path in first_crawl["hits"])


def test_every_planted_identifier_reaches_the_items(first_crawl: dict[str, Any]) -> None:
    text = "\n".join(i["body"] for i in first_crawl["run"].items)
    truth = first_crawl["truth"]
    planted = [v for p in truth["posts"] if p["expected"] for vs in p["planted"].values() for v in vs]
    planted += [v for a in truth["attachments"] if a["expected"] for vs in a["planted"].values() for v in vs]
    assert len(planted) > 100
    missing = [v for v in planted if v not in text]
    assert not missing, f"{len(missing)} planted identifiers not crawled, e.g. {missing[:3]}"


def test_planted_emails_and_nirs_are_searchable_in_the_store(first_crawl: dict[str, Any]) -> None:
    from indexer.identifiers import canon_email, canon_nir
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    truth = first_crawl["truth"]
    wanted: list[tuple[str, str]] = []
    for entry in [p for p in truth["posts"] if p["expected"]] + [a for a in truth["attachments"] if a["expected"]]:
        for kind, canon in (("email", canon_email), ("nir", canon_nir)):
            wanted += [(kind, c) for c in (canon(v) for v in entry["planted"].get(kind, [])) if c]
    store = open_store_from_settings(StorageSettings(), first_crawl["root"] / "data")
    try:
        found = sum(store.search(SearchQuery(tokens=(token(key, kind, value).hex(),), limit=1)).total > 0
                    for kind, value in wanted)
    finally:
        store.close()
    assert len(wanted) > 100
    assert found / len(wanted) >= 0.95, f"only {found}/{len(wanted)} planted emails/NIRs searchable"


def test_attachments_found_bomb_refused_exe_skipped(first_crawl: dict[str, Any]) -> None:
    run: CrawlRun = first_crawl["run"]
    truth = first_crawl["truth"]["attachments"]
    names = sorted(i["filename"] for i in run.files())
    assert names == sorted(["patients.csv", "clients.zip/export/clients.csv", "base.sql", "combo-vip.txt"])
    assert run.summary["bombs_refused"] == 1
    bomb = next(a for a in truth if a["kind"] == "bomb")
    assert not any(i["url"] == bomb["url"] for i in run.items)
    assert not any(path.endswith(".exe") for path in first_crawl["hits"]), "wrong type: not even downloaded"
    zipped = next(i for i in run.files() if i["filename"].startswith("clients.zip/"))
    assert zipped["thread_title"] and zipped["author"] and zipped["posted_at"]
    assert zipped["body"].startswith("nom;prenom;date_naissance;email;telephone;nir;adresse;notes")


def test_hostile_pages(first_crawl: dict[str, Any]) -> None:
    run: CrawlRun = first_crawl["run"]
    truth = first_crawl["truth"]
    assert run.summary["pages_refused"] == 1, "the huge page is refused by max_download_bytes"
    by_special = {p["id"]: p["special"] for p in truth["posts"]}
    cp1252 = [i for i in run.posts() if by_special[_post_number(i)] == "cp1252"]
    assert cp1252 and all("Données récupérées, accès sécurisé à l'hôpital." in i["body"] for i in cp1252)
    malformed = [i for i in run.posts() if by_special[_post_number(i)] == "malformed"]
    assert len(malformed) == 3
    trap = next(b for b in truth["boards"] if b["trap"])
    trap_pages = [p for p in first_crawl["hits"] if re.fullmatch(rf"/board/{trap['id']}(\?page=\d+)?", p)]
    assert 1 <= len(trap_pages) <= 3, f"endless pagination followed too far: {sorted(trap_pages)}"


def test_output_lines_carry_the_documented_fields(first_crawl: dict[str, Any]) -> None:
    for item in first_crawl["run"].items:
        for field in ("source", "url", "thread_url", "thread_title", "board", "author", "posted_at", "body"):
            assert field in item
        assert isinstance(item["body"], str) and item["body"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["posted_at"])
    assert all("filename" in i for i in first_crawl["run"].files())


def test_recrawl_emits_nothing_and_skips_unchanged_threads(first_crawl: dict[str, Any]) -> None:
    second: CrawlRun = first_crawl["second"]
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.items == []
    assert second.summary["posts"] == second.summary["files"] == 0
    assert second.summary["threads_unchanged"] >= 20
    first_hits, all_hits = first_crawl["hits"], first_crawl["second_hits"]
    thread_fetches = sum(n - first_hits.get(p, 0) for p, n in all_hits.items() if p.startswith("/thread/"))
    assert thread_fetches <= 1, "only threads that cannot be judged from the listing may be refetched"
    state = sqlite3.connect(Path(second.summary["state_path"]))
    status = state.execute("SELECT status FROM sources WHERE source='test-phpbb'").fetchone()
    assert status == ("ok",)
