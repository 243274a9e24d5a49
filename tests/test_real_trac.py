"""A real issue tracker, Trac 1.6, crawled with an operator-written YAML alone
(tests/data/sources/real-trac.yaml; no engine code in the crawler): Trac from its own pinned venv
(scripts/engines.sh), a fresh environment made by its own `trac-admin initenv` and `component add`,
filled through its own ticket model (`Ticket.insert`, `Ticket.save_changes`:
vigie_kit/engine_sites/trac_site.py), served by its own `tracd` on 127.0.0.1, crawled by the real
`vigie crawl` twice (the second reads nothing new), then once more after a new comment, and every
ticket description and comment compared with what Trac stored:
its number on the page, author, ticket, component (the board), date and text; two dumps attached
to their ticket as CSV files (a change of its own in the history) downloaded and stored. Nine
tickets in three components, some closed: Trac's ticket query, asked for 5 a page, has a second page.

Skipped (with the reason) only when Trac's venv is absent: scripts/engines.sh makes it.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.fixtures.forum import CrawlRun, crawl, test_keys_env
from tests.test_real_engines import real_config
from vigie_kit.real_engines import TRACKER_ENGINES, RealSite, TruthPost, engine_python, real_forum

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-trac")]

ENGINE = "trac"
REPO = Path(__file__).resolve().parents[1]
# a ticket page in the engine's own request log (tracd's)
TICKET_PAGE = re.compile(r'"GET (/ticket/\d+)[^ "]* HTTP')


class Crawled(NamedTuple):
    site: RealSite
    first: CrawlRun
    second: CrawlRun
    data_dir: Path
    served: list[str]  # the ticket pages the engine served to the second crawl
    late: TruthPost  # a comment made after the second crawl
    third: CrawlRun
    served_third: list[str]


def _comment(site: RealSite, number: int, author: str, body: str) -> TruthPost:
    """A comment on ticket `number` of the running site, through Trac's ticket model, now."""
    python = engine_python(ENGINE)
    assert python is not None
    proc = subprocess.run([str(python), str(REPO / "vigie_kit" / "engine_sites" / "trac_site.py"), "comment",
                           str(number)], cwd=site.root, input=json.dumps({"author": author, "body": body}),
                          capture_output=True, text=True, timeout=120, check=True,
                          env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(site.root), "LANG": "C.UTF-8",
                               "PYTHONWARNINGS": "ignore"})
    row = json.loads(proc.stdout)
    return TruthPost(id=row["id"], author=author, thread=row["thread"], thread_url=site.url + row["thread_url"],
                     board=row["board"], excerpt=row["excerpt"], posted_at=datetime.fromisoformat(row["posted_at"]),
                     planted={}, page_id=row["page_id"], kind="comment")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if engine_python(ENGINE) is None:
        pytest.skip(f"{TRACKER_ENGINES[ENGINE]} is not installed in .cache/engines/{ENGINE}: run scripts/engines.sh")
    started = time.monotonic()
    with real_forum(ENGINE) as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp("real-trac")
        config = real_config(root / "config", ENGINE, site.url)
        first = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        since = site.log.stat().st_size
        second = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        served = TICKET_PAGE.findall(site.log.read_text(encoding="utf-8", errors="replace")[since:])
        # a new comment on the last ticket (the query's second page), then a third crawl
        last = max(site.posts, key=lambda p: p.id)
        late = _comment(site, last.id // 1000, last.author, "Nouvelle réponse : le lien est de nouveau en ligne.")
        since = site.log.stat().st_size
        third = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        served_third = TICKET_PAGE.findall(site.log.read_text(encoding="utf-8", errors="replace")[since:])
        print(f"\n[{ENGINE}] site built in {built:.1f}s; {len(first.posts())} posts crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield Crawled(site, first, second, root / "data", served, late, third, served_third)


def test_every_description_and_comment_once_with_author_ticket_component_and_date(crawled: Crawled) -> None:
    site, run = crawled.site, crawled.first
    assert run.returncode == 0, run.stderr[-3000:]
    keys = [(item["thread_url"], item["post_id"]) for item in run.posts()]
    assert len(keys) == len(set(keys)), "a post was emitted twice"
    truth = {(p.thread_url, p.page_id): p for p in site.posts}
    assert sorted(keys, key=str) == sorted(truth, key=str), "posts missing or unknown"
    problems = []
    for item in run.posts():
        want = truth[(item["thread_url"], item["post_id"])]
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        body = item.get("body") or ""
        got = {"author": item.get("author"), "thread": item.get("thread_title"), "component": item.get("board"),
               "date": at, "excerpt": want.excerpt in body}
        wanted = {"author": want.author, "thread": want.thread, "component": want.board, "date": want.posted_at,
                  "excerpt": True}
        problems += [f"post {want.page_id} of {want.thread_url}: {k} {got[k]!r} != {wanted[k]!r}"
                     for k in got if got[k] != wanted[k]]
    assert problems == []
    assert all(item["url"].startswith(site.url + "/") for item in run.items)


def test_the_site_has_what_the_comparison_needs(crawled: Crawled) -> None:
    """Descriptions and comments (threaded replies among them), three components, more tickets
    than the query's page of 5, closed tickets (Trac's default query hides them) and changes of
    fields alone between comments (no comment: no post; each takes a comment number, hence the
    gaps in a ticket's numbers)."""
    posts = crawled.site.posts
    kinds = Counter(p.kind for p in posts)
    assert kinds["ticket"] > 5 and kinds["comment"] > kinds["ticket"], kinds
    assert kinds["reply"] >= 3 and kinds["closing"] >= 2 and kinds["attachment"] == 2, kinds
    assert len({p.board for p in posts}) == 3
    assert max(Counter(p.thread_url for p in posts).values()) >= 10
    numbers: dict[str, list[int]] = {}
    for p in posts:
        if p.kind not in ("ticket", "attachment"):
            numbers.setdefault(p.thread_url, []).append(int(str(p.page_id).split(":")[1]))
    gaps = [url for url, got in numbers.items() if got != list(range(1, len(got) + 1))]
    assert len(gaps) >= 5, numbers


def test_dump_posts_and_attached_dumps_produce_fragments(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run = crawled.site, crawled.first
    dumps = [p for p in site.posts if p.planted]
    assert len(dumps) >= 5 and run.summary["fragments"] >= len(dumps)
    # two dumps are CSV files attached to their ticket: each downloaded once, as the file it is
    attached = sorted(name for p in site.posts for name in p.files)
    assert len(attached) == 2 and sorted(str(item.get("filename")) for item in run.files()) == attached
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), crawled.data_dir)
    try:
        missing = [(p.page_id, p.thread_url, email) for p in dumps for email in p.planted["email"]
                   if store.search(SearchQuery(tokens=(token(key, "email", canon_email(email) or email).hex(),),
                                               limit=1)).total == 0]
    finally:
        store.close()
    assert missing == [], "planted emails of dump posts not found in the store"


def test_no_failure_and_unchanged_tickets_are_not_fetched_again(crawled: Crawled) -> None:
    run, second = crawled.first, crawled.second
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == [], f"{len(second.items)} items emitted again"
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
    assert crawled.served == [], "ticket pages fetched again though their last change had not changed"


def test_a_new_comment_is_what_the_next_crawl_reads(crawled: Crawled) -> None:
    """A comment made on a ticket of the query's second page after the second crawl: the third
    crawl fetches that ticket alone (its "Modified" marker changed) and emits that comment alone,
    with its number, author, ticket, component, date and text."""
    late, third = crawled.late, crawled.third
    assert third.returncode == 0, third.stderr[-3000:]
    assert crawled.served_third == [late.thread_url.removeprefix(crawled.site.url)]
    assert [(item["thread_url"], item["post_id"]) for item in third.items] == [(late.thread_url, late.page_id)]
    item = third.items[0]
    assert (item["author"], item["thread_title"], item["board"]) == (late.author, late.thread, late.board)
    assert datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) == late.posted_at
    assert late.excerpt in item["body"]
    assert third.summary["failures"] == {kind: 0 for kind in third.summary["failures"]}, third.summary


def test_the_shipped_example_is_the_yaml_tested() -> None:
    """config/sources/example-trac.yaml is what this module crawls, but for its name,
    description and address."""
    import yaml

    example, tested = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (
        REPO / "config" / "sources" / "example-trac.yaml", REPO / "tests" / "data" / "sources" / "real-trac.yaml"))
    for data in (example, tested):
        for key in ("name", "description", "start_urls"):
            data.pop(key)
    assert example == tested
