"""A real mail archive, HyperKitty 1.3.12 (GNU Mailman 3's archive UI), crawled with an
operator-written YAML alone (tests/data/sources/real-hyperkitty.yaml; no engine code in the
crawler): HyperKitty from its own pinned venv (scripts/engines.sh), a fresh archive whose mails
went through HyperKitty's own `add_to_list` (vigie_kit/engine_sites/hyperkitty_site.py), served
by Django's server on 127.0.0.1, crawled by the real `vigie crawl`, and every mail compared with
what HyperKitty stored: its Message-ID hash, author, thread, list, date (the senders' Paris clock
read back to UTC), text without the mail it quotes nor its signature, and the dump sent as a CSV
attachment downloaded and found in the store. Two lists of 11 threads: each list's listing has a
second page (HyperKitty shows 10 threads a page). Then a new mail answers one thread, and a
second crawl fetches that thread alone (its last activity, the YAML's `thread_marker`, changed)
and emits that mail alone.

Skipped (with the reason) only when HyperKitty's venv is absent: scripts/engines.sh makes it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from tests import cli_fork
from tests.fixtures.forum import CrawlRun, crawl, test_keys_env
from tests.test_real_engines import real_config
from vigie_kit.real_engines import ARCHIVE_ENGINES, RealSite, TruthPost, archive_reply, engine_python, real_forum

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-hyperkitty")]

ENGINE = "hyperkitty"
REPO = Path(__file__).resolve().parents[1]


class Crawled(NamedTuple):
    site: RealSite
    first: CrawlRun
    second: CrawlRun  # after `reply`
    config: Path
    data_dir: Path
    reply: TruthPost  # the mail archived between the two crawls
    served: list[str]  # the thread pages the engine served to the second crawl


# a thread page in the engine's own request log (Django's runserver)
THREAD_PAGE = re.compile(r'"GET (/hyperkitty/list/[^/ ]+/thread/\w+/)\?noscript HTTP')


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    if engine_python(ENGINE) is None:
        pytest.skip(f"{ARCHIVE_ENGINES[ENGINE]} is not installed in .cache/engines/{ENGINE}: run scripts/engines.sh")
    started = time.monotonic()
    with real_forum(ENGINE) as site:
        built = time.monotonic() - started
        root = tmp_path_factory.mktemp("real-hyperkitty")
        config = real_config(root / "config", ENGINE, site.url)
        first = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        # a mail answering the second list's oldest thread, on its listing's page 2 until then
        # (written after Paris went to summer time)
        to = next(p for p in site.posts if p.board == site.posts[-1].board)
        since = site.log.stat().st_size
        reply = archive_reply(site, to, "Lot suivant en ligne demain soir.\nMême format.",
                              datetime(2026, 4, 1, 16, 5, tzinfo=UTC), author=to.author)
        second = crawl(config, root / "data", f"real-{ENGINE}", timeout=240)
        served = THREAD_PAGE.findall(site.log.read_text(encoding="utf-8", errors="replace")[since:])
        print(f"\n[{ENGINE}] site built in {built:.1f}s; {len(first.posts())} mails crawled, "
              f"{time.monotonic() - started - built:.1f}s for both crawls")
        yield Crawled(site, first, second, config, root / "data", reply, served)


def test_every_mail_once_with_author_thread_list_date_and_text(crawled: Crawled) -> None:
    site, run = crawled.site, crawled.first
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [str(item["post_id"]) for item in run.posts()]
    assert len(ids) == len(set(ids)), "a mail was emitted twice"
    truth = {p.page_id: p for p in site.posts}
    assert len(truth) == len(site.posts) > 100
    assert sorted(ids) == sorted(truth), "mails missing or unknown"
    problems = []
    for item in run.posts():
        want = truth[str(item["post_id"])]
        at = datetime.fromisoformat(item["posted_at"].replace("Z", "+00:00")) if item.get("posted_at") else None
        body = item.get("body") or ""
        got = {"author": item.get("author"), "thread": item.get("thread_url"), "list": item.get("board"),
               "date": at, "excerpt": want.excerpt in body, "left out": [a for a in want.absent if a in body]}
        # the thread as the YAML names it: HyperKitty's thread URL asked without script
        wanted = {"author": want.author, "thread": want.thread_url + "?noscript", "list": want.board,
                  "date": want.posted_at, "excerpt": True, "left out": []}
        problems += [f"mail {want.page_id}: {k} {got[k]!r} != {wanted[k]!r}" for k in got if got[k] != wanted[k]]
    assert problems == []
    assert all(item["url"].startswith(site.url + "/") for item in run.items)


def test_quotes_and_signatures_are_there_to_leave_out(crawled: Crawled) -> None:
    """The comparison above means something: replies quote the mail they answer and two
    authors sign theirs, and that text is on the pages crawled."""
    site = crawled.site
    absent = [a for p in site.posts for a in p.absent]
    assert sum("membre depuis" in a for a in absent) >= 10
    assert sum("membre depuis" not in a for a in absent) >= 10  # quoted excerpts


def test_attached_dump_downloaded_and_every_dump_stored(crawled: Crawled) -> None:
    from indexer.identifiers import canon_email
    from indexer.store import open_store_from_settings
    from indexer.store.base import SearchQuery
    from indexer.tokens import MatchKey, token
    from vigie.config.schema import StorageSettings

    site, run, data_dir = crawled.site, crawled.first, crawled.data_dir
    attached = [p for p in site.posts if p.files]
    assert len(attached) == 1 and attached[0].planted
    names = [str(item.get("filename")) for item in run.files()]
    assert names == list(attached[0].files), names
    dumps = [p for p in site.posts if p.planted]
    assert len(dumps) >= 10 and run.summary["fragments"] >= len(dumps)
    key = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
    store = open_store_from_settings(StorageSettings(), data_dir)
    try:
        missing = [(p.page_id, email) for p in dumps for email in p.planted["email"]
                   if store.search(SearchQuery(tokens=(token(key, "email", canon_email(email) or email).hex(),),
                                               limit=1)).total == 0]
    finally:
        store.close()
    assert missing == [], "planted emails of dump mails not found in the store"


def test_no_failure_and_a_new_mail_is_crawled_alone_by_its_thread_marker(crawled: Crawled) -> None:
    """The new mail changes its thread's last activity on the listing: the second crawl fetches
    that thread page alone (the engine's own log says which it served) and emits that mail alone,
    its date read from the sender's clock in summer time."""
    site, run, second, reply, served = crawled.site, crawled.first, crawled.second, crawled.reply, crawled.served
    assert run.summary["failures"] == {kind: 0 for kind in run.summary["failures"]}, run.summary
    assert run.summary["needs_attention"] is False and run.summary["errors"] == 0, run.summary
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.summary["failures"] == {kind: 0 for kind in second.summary["failures"]}, second.summary
    assert [str(item["post_id"]) for item in second.items] == [reply.page_id]
    item = second.items[0]
    assert (item["author"], item["thread_url"], item["board"], item["posted_at"].replace("Z", "+00:00")) == \
        (reply.author, reply.thread_url + "?noscript", reply.board, "2026-04-01T16:05:00+00:00")
    assert "Lot suivant en ligne demain soir.\nMême format." in item["body"]
    assert served == [reply.thread_url.removeprefix(site.url)]
    assert second.summary["threads_unchanged"] == len({p.thread_url for p in site.posts}) - 1, second.summary


def test_the_shipped_example_is_the_yaml_tested() -> None:
    """config/sources/example-hyperkitty.yaml is what this module crawls, but for its name,
    description and address."""
    import yaml

    example, tested = (yaml.safe_load(path.read_text(encoding="utf-8")) for path in (
        REPO / "config" / "sources" / "example-hyperkitty.yaml", REPO / "tests" / "data" / "sources" /
        "real-hyperkitty.yaml"))
    for data in (example, tested):
        for key in ("name", "description", "start_urls"):
            data.pop(key)
    assert example == tested


def test_source_try_reads_a_thread_as_the_crawl_did(crawled: Crawled) -> None:
    """The operator's dry run on the YAML, against the live engine: `vigie source try` on a
    thread page (its `?noscript` address) shows every mail with its id, author and date, the
    dump's rows as lines (`body_lines`), the attached file's link, and no warning."""
    site = crawled.site
    mail = next(p for p in site.posts if p.files)
    url = mail.thread_url + "?noscript"
    proc = cli_fork.run([sys.executable, "-m", "vigie", "--log-level", "WARNING", "source", "try", "real-hyperkitty",
                         url, "--json", "--config", str(crawled.config), "--data-dir", str(crawled.data_dir)],
                        capture_output=True, text=True, timeout=60, cwd=REPO, env={**os.environ, **test_keys_env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["warnings"] == [] and result["thread_key"] == url
    crawled_items = {i["post_id"]: i for i in crawled.first.posts() if i["thread_url"] == url}
    shown = {p["post_id"]: (p["author"], p["posted_at"], p["lines"]) for p in result["posts"]}
    assert shown == {k: (i["author"], i["posted_at"].replace("Z", "+00:00"), i["body"].count("\n") + 1)
                     for k, i in crawled_items.items()}
    assert [p["attachments"] for p in result["posts"] if p["post_id"] == mail.page_id] == \
        [[f"{site.url}/hyperkitty/list/{url.split('/list/')[1].split('/')[0]}/message/{mail.page_id}/attachment/2/"
          f"{mail.files[0]}"]]
    dumps = [p for p in site.posts if p.planted and p.thread_url == mail.thread_url and not p.files]
    assert dumps and all(shown[p.page_id][2] > 5 for p in dumps)  # a dump's rows, one a line
