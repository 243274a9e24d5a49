"""A real Node.js forum engine, NodeBB 1.4.0, crawled with an operator-written YAML alone
(tests/data/sources/real-nodebb.yaml; no engine code in the crawler): NodeBB from npm, pinned by
its lock file (scripts/engines.sh), a fresh site installed by its own `--setup` on a private
redis-server, filled through its own `topics.post`/`topics.reply`/`posts.edit`
(vigie_kit/engine_sites/nodebb_site.js), served by NodeBB's own web server on 127.0.0.1, crawled
twice by the real `vigie crawl` (a reply posted between the two), and every post compared with
what NodeBB stored: its id, author, topic, category, date and text (as edited), what it shows
beside a post left out (a signature, a quoted post), a dump uploaded as a file downloaded.
Three topics a category at two a page, posts four a page: both kinds of listing are read past
their first page. NodeBB's own welcome topic is crawled too.

Skipped (with the reason) only when NodeBB or node is absent: scripts/engines.sh installs it.
"""

from __future__ import annotations

import re
import resource
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pytest

from tests.fixtures.forum import CrawlRun, crawl, test_keys_env
from tests.test_real_engines import real_config
from vigie_kit.real_engines import RealSite, TruthPost
from vigie_kit.real_nodebb import NODE_ENGINES, nodebb_app, nodebb_reply, real_nodebb

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-nodebb")]

ENGINE = "nodebb"
REPO = Path(__file__).resolve().parents[1]
# a topic page in NodeBB's own request log (its `loggerStatus` setting, on in these sites)
TOPIC_PAGE = re.compile(r'"GET (/topic/\d+/[^ "]*) HTTP')


class Crawled(NamedTuple):
    site: RealSite
    first: CrawlRun
    second: CrawlRun
    data_dir: Path
    late: TruthPost  # the reply posted between the two crawls
    served: list[str]  # the topic pages NodeBB served to the second crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if nodebb_app() is None:
        pytest.skip(
            f"{NODE_ENGINES[ENGINE]} is not installed in .cache/engines/{ENGINE} (or node is missing): "
            "run scripts/engines.sh"
        )
    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with real_nodebb() as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp("real-nodebb")
        config = real_config(root / "config", ENGINE, site.url)
        first = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        # a reply at the end of the longest topic (its third page) between the two crawls
        longest = Counter(p.thread_url for p in site.posts).most_common(1)[0][0]
        last = max((p for p in site.posts if p.thread_url == longest), key=lambda p: p.id)
        author = next(p.author for p in site.posts if p.author not in (last.author, "admin"))
        at = max(p.posted_at for p in site.posts if p.board != "General Discussion") + timedelta(days=1)
        late = nodebb_reply(site, last, "Toujours disponible ? Je prends le lot complet.", at, author)
        since = site.log.stat().st_size
        second = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        log = site.log.read_text(encoding="utf-8", errors="replace")
        assert TOPIC_PAGE.search(log[:since]), "NodeBB's request log is off: the refetch check would see nothing"
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"\n[{ENGINE}] site built in {built:.1f}s (install step {site.extra['install_s']:.1f}s); "
            f"{len(first.posts())} posts crawled, {time.monotonic() - started - built:.1f}s for both crawls; "
            f"children's CPU {after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime:.1f}s"
        )
        yield Crawled(site, first, second, root / "data", late, TOPIC_PAGE.findall(log[since:]))


def test_every_post_once_with_author_topic_category_and_date(crawled: Crawled) -> None:
    site, run = crawled.site, crawled.first
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [int(item["post_id"]) for item in run.posts()]
    assert len(ids) == len(set(ids)), "a post was emitted twice"
    truth = {p.id: p for p in site.posts}
    assert sorted(ids) == sorted(truth), "posts missing or unknown"
    problems = []
    for item in run.posts():
        want = truth[int(item["post_id"])]
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        body = item.get("body") or ""
        got = {
            "author": item.get("author"),
            "thread": unquote(item.get("thread_url") or ""),
            "category": item.get("board"),
            "date": at,
            "excerpt": want.excerpt in body,
            "left out": [a for a in want.absent if a in body],
        }
        wanted = {
            "author": want.author,
            "thread": want.thread_url,
            "category": want.board,
            "date": want.posted_at,
            "excerpt": True,
            "left out": [],
        }
        problems += [f"post {want.id}: {k} {got[k]!r} != {wanted[k]!r}" for k in got if got[k] != wanted[k]]
    assert problems == []
    assert all(item["url"].startswith(site.url + "/") for item in run.items)


def test_the_site_has_what_the_comparison_needs(crawled: Crawled) -> None:
    """Topics of three pages, categories of two, a subcategory, a signed user, a quote, two edits
    (one by the admin), the engine's own welcome topic: the comparison above covers each."""
    posts = crawled.site.posts
    per_topic = Counter(p.thread_url for p in posts)
    assert max(per_topic.values()) > 8, per_topic  # 4 posts a page: a third page
    per_category = Counter(p.board for p in {p.thread_url: p for p in posts}.values())
    assert sorted(per_category.values()) == [1, 3, 3, 3], per_category  # 2 topics a page; the welcome topic
    signed = [p for p in posts if any(a.endswith("réponses sous 24 h") for a in p.absent)]
    quoting = [p for p in posts if p.absent and not any(a.endswith("réponses sous 24 h") for a in p.absent)]
    assert len(signed) >= 5 and len(quoting) == 1
    edited = {p.author: p.excerpt for p in posts if p.excerpt.startswith("Modifié")}
    assert len(edited) == 2 and any("par admin" in e for e in edited.values()), edited
    assert [p.author for p in posts if p.board == "General Discussion"] == ["admin"]
    # "Leaks santé" is a subcategory of "Ventes de bases": a row of its parent's page, only a small
    # link inside its parent's row on the index (the YAML's board_links take both)
    with urllib.request.urlopen(crawled.site.url + "/", timeout=30) as answer:  # loopback only
        index = answer.read().decode()
    assert 'content="Ventes de bases"' in index and 'content="Leaks santé"' not in index
    assert sum(p.board == "Leaks santé" for p in posts) > 10


def test_dump_posts_produce_fragments(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run = crawled.site, crawled.first
    dumps = [p for p in site.posts if p.planted]
    assert len(dumps) >= 8 and run.summary["fragments"] >= len(dumps)
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), crawled.data_dir)
    try:
        missing = [
            (p.id, email)
            for p in dumps
            for email in p.planted["email"]
            if store.search(
                SearchQuery(tokens=(token(key, "email", canon_email(email) or email).hex(),), limit=1)
            ).total
            == 0
        ]
    finally:
        store.close()
    assert missing == [], "planted emails of dump posts not found in the store"


def test_uploaded_dump_downloaded_and_found(crawled: Crawled) -> None:
    """A dump uploaded as a file (NodeBB's upload, linked in the post): downloaded, and its
    identifiers stored (the dump check above covers them)."""
    site, run = crawled.site, crawled.first
    uploaded = [p for p in site.posts if p.files]
    assert len(uploaded) == 1 and uploaded[0].planted
    assert uploaded[0].planted["email"][0] not in next(
        item["body"] for item in run.posts() if int(item["post_id"]) == uploaded[0].id
    )
    # NodeBB stores an upload as `<ms>-<name>` and links it by the poster's own name, served with no
    # Content-Disposition: the file is known by the name the post shows (wave 29, engine probe round 5)
    shown = [re.sub(r"^\d{10,}-", "", name) for name in uploaded[0].files]
    assert shown != list(uploaded[0].files)
    assert [str(item.get("filename")) for item in run.files()] == shown


def test_no_failure_and_the_second_crawl_reads_only_the_new_reply(crawled: Crawled) -> None:
    """Between the crawls one reply goes to the end of a topic: the second crawl emits it alone,
    with its fields, and fetches that topic's last page only (the other topics' post counts, the
    marker, are unchanged; the known topic resumes at its last page)."""
    run, second, late = crawled.first, crawled.second, crawled.late
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
    got = [
        (
            int(i["post_id"]),
            i.get("author"),
            unquote(i.get("thread_url") or ""),
            datetime.fromisoformat(i["posted_at"].replace("Z", "+00:00")),
            late.excerpt in i["body"],
        )
        for i in second.items
    ]
    assert got == [(late.id, late.author, late.thread_url, late.posted_at, True)]
    topic = re.search(r"/topic/\d+/", late.thread_url)
    assert topic is not None
    assert len(crawled.served) == 1 and crawled.served[0].startswith(topic.group(0)), crawled.served


def test_the_shipped_example_is_the_yaml_tested() -> None:
    """config/sources/example-nodebb.yaml is what this module crawls, but for its name,
    description and address."""
    import yaml

    example, tested = (
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (
            REPO / "config" / "sources" / "example-nodebb.yaml",
            REPO / "tests" / "data" / "sources" / "real-nodebb.yaml",
        )
    )
    for data in (example, tested):
        for key in ("name", "description", "start_urls"):
            data.pop(key)
    assert example == tested
