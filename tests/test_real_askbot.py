"""A real question-and-answer forum, Askbot 0.13.0, crawled with an operator-written YAML alone
(tests/data/sources/real-askbot.yaml; no engine code in the crawler): Askbot from its own pinned
venv (scripts/engines.sh), a fresh site made by its own `askbot-setup` and filled through its own
`post_question`/`post_answer`/`post_comment` (vigie_kit/engine_sites/askbot_site.py), served by
Django's server on 127.0.0.1, crawled twice by the real `vigie crawl`, and every question, answer
and comment compared with what Askbot stored: its id, author, question, tag (the board), date and
text (as edited: an edit by another user shows its editor and time after the author's). Twelve
questions: the listing has a second page (Askbot's smallest page is 10); the longest questions
have 11 answers: their second page is read (10 answers a page).

Skipped (with the reason) only when Askbot's venv is absent: scripts/engines.sh makes it.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.fixtures.forum import CrawlRun, crawl, test_keys_env
from tests.test_real_engines import real_config
from vigie_kit.real_engines import QA_ENGINES, RealSite, engine_python, real_forum

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-askbot")]

ENGINE = "askbot"
REPO = Path(__file__).resolve().parents[1]
# a question page in the engine's own request log (Django's runserver)
QUESTION_PAGE = re.compile(r'"GET (/question/\d+/[^ ?"]*)[^ "]* HTTP')


class Crawled(NamedTuple):
    site: RealSite
    first: CrawlRun
    second: CrawlRun
    data_dir: Path
    served: list[str]  # the question pages the engine served to the second crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if engine_python(ENGINE) is None:
        pytest.skip(f"{QA_ENGINES[ENGINE]} is not installed in .cache/engines/{ENGINE}: run scripts/engines.sh")
    started = time.monotonic()
    with real_forum(ENGINE) as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp("real-askbot")
        config = real_config(root / "config", ENGINE, site.url)
        first = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        since = site.log.stat().st_size
        second = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        served = QUESTION_PAGE.findall(site.log.read_text(encoding="utf-8", errors="replace")[since:])
        print(f"\n[{ENGINE}] site built in {built:.1f}s; {len(first.posts())} posts crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield Crawled(site, first, second, root / "data", served)


def test_every_question_answer_and_comment_once_with_author_question_tag_and_date(crawled: Crawled) -> None:
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
        got = {"author": item.get("author"), "thread": item.get("thread_url"), "tag": item.get("board"),
               "date": at, "excerpt": want.excerpt in body}
        wanted = {"author": want.author, "thread": want.thread_url, "tag": want.board, "date": want.posted_at,
                  "excerpt": True}
        problems += [f"post {want.id}: {k} {got[k]!r} != {wanted[k]!r}" for k in got if got[k] != wanted[k]]
    assert problems == []
    assert all(item["url"].startswith(site.url + "/") for item in run.items)


def test_the_site_has_what_the_comparison_needs(crawled: Crawled) -> None:
    """Comments (nested in their post's HTML), two tags, a second listing page and questions whose
    answers fill a second page: the comparison above covers each."""
    posts = crawled.site.posts
    kinds = Counter(p.kind for p in posts)
    assert kinds["question"] > 10 and kinds["comment"] >= 10 and kinds["answer"] > kinds["question"], kinds
    answers = Counter(p.thread_url for p in posts if p.kind == "answer")
    assert max(answers.values()) > 10, answers
    assert len({p.board for p in posts}) == 2
    # two edited posts, one by another user: still their authors' and of their own time, with the
    # line the edit added (their `excerpt`)
    edited = {p.kind: p for p in posts if p.excerpt.startswith("Modifié par ")}
    assert set(edited) == {"question", "answer"}
    assert edited["question"].author in edited["question"].excerpt
    assert edited["answer"].author not in edited["answer"].excerpt


def test_dump_posts_produce_fragments(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run = crawled.site, crawled.first
    dumps = [p for p in site.posts if p.planted]
    assert len(dumps) >= 10 and run.summary["fragments"] >= len(dumps)
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), crawled.data_dir)
    try:
        missing = [(p.id, email) for p in dumps for email in p.planted["email"]
                   if store.search(SearchQuery(tokens=(token(key, "email", canon_email(email) or email).hex(),),
                                               limit=1)).total == 0]
    finally:
        store.close()
    assert missing == [], "planted emails of dump posts not found in the store"


def test_no_failure_and_unchanged_questions_are_not_fetched_again(crawled: Crawled) -> None:
    run, second = crawled.first, crawled.second
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.items == [], f"{len(second.items)} items emitted again"
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
    assert crawled.served == [], "question pages fetched again though their last activity had not changed"


def test_the_shipped_example_is_the_yaml_tested() -> None:
    """config/sources/example-askbot.yaml is what this module crawls, but for its name,
    description and address."""
    import yaml

    example, tested = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (
        REPO / "config" / "sources" / "example-askbot.yaml", REPO / "tests" / "data" / "sources" / "real-askbot.yaml"))
    for data in (example, tested):
        for key in ("name", "description", "start_urls"):
            data.pop(key)
    assert example == tested
