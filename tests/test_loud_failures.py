"""Every silent failure of issue 13 is counted by source, marks it "needs attention" past its
threshold, and shows in the summary, `vigie status` and the metrics; a required selector that
never matches fails `vigie crawl` (exit 3, as a failed login does: tests/test_crawl_incremental.py).

One small forum on plain loopback HTTP, crawled three times as it changes under the crawler.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest

from tests.fixtures.forum import crawl
from tests.test_crawl_identity import POST_SELECTORS, MiniSite, write_source
from vigie.cli import EXIT_SOURCE_BROKEN
from vigie.service.metrics import ServiceMetrics
from vigie.service.status import ServiceDB, StatusReport

FORUM: dict[str, Any] = {"thread_rows": "tr.row", "thread_link": "a.t::attr(href)", "next_link_texts": ["»"],
                         "post": POST_SELECTORS}


def _post(pid: str, date: str, author_class: str = "author") -> str:
    return (f'<div class="post" id="{pid}"><span class="{author_class}">someone</span>'
            f'<span class="date">{date}</span><div class="body">body {pid}</div></div>')


@pytest.fixture
def site() -> Iterator[MiniSite]:
    s = MiniSite()
    s.pages.update({
        # a denied link among the threads, and a "Last" link with no next link the texts know
        "/list": ('<html><body><h1>Board</h1><table><tr class="row"><a class="t" href="/t/1">one</a></tr>'
                  '<tr class="row"><a class="t" href="/private/9">nine</a></tr></table>'
                  '<a href="/list?p=3">Last</a></body></html>'),
        "/t/1": ('<html><body><h1>One</h1>' + _post("a1", "3 mars 2026 à 10:00") + _post("a2", "bientôt")
                 + '<a href="/t/1?page=2">»</a></body></html>'),
        "/t/1?page=2": '<html><body><h1>One</h1>' + _post("a3", "4 mars 2026 à 10:00") + '</body></html>',
    })
    yield from s.serve()


def test_each_failure_is_counted_shown_and_flags_the_source(site: MiniSite, tmp_path: Path) -> None:
    config = write_source(tmp_path / "config", site, FORUM, start="/list",
                          follow={"deny": ["logout", "/private/"]})
    first = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert first.returncode == 0, first.stderr[-2000:]
    assert sorted(i["post_id"] for i in first.items) == ["a1", "a2", "a3"]
    undated = next(i for i in first.items if i["post_id"] == "a2")
    assert undated["posted_at"] is None, "an unreadable date is left unknown, never set to now"
    assert first.summary["failures"] == {"unparsed_dates": 1, "follows_refused": 1, "pagination_stopped": 1,
                                         "login_failed": 0, "selectors_lost": 0, "threads_shrank": 0,
                                         "redirected_off_site": 0, "json_unread": 0, "empty_bodies": 0,
                                         "pages_forbidden": 0, "pages_walled": 0, "pages_too_dense": 0,
                                         "detector_crashes": 0}
    assert first.summary["needs_attention"] is True and first.summary["attention_reason"].startswith("unparsed dates")
    assert "/private/9" not in site.hits

    # the site changes: page 2 of the thread is gone (redirected to page 1), authors lose their class
    site.pages["/t/1"] = ('<html><body><h1>One</h1>' + _post("a1", "3 mars 2026 à 10:00", "who")
                          + _post("a4", "5 mars 2026 à 10:00", "who") + '</body></html>')
    site.pages["/t/1?page=2"] = ("redirect", "/t/1")
    second = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.summary["failures"]["threads_shrank"] == 1
    assert second.summary["failures"]["selectors_lost"] == 1, "post.author matched before, nothing now"
    assert [i["post_id"] for i in second.items] == ["a4"]

    # shown by `vigie status` (the service keeps each run's summary) and in the metrics
    db = ServiceDB(tmp_path / "service.sqlite3")
    db.set_source("mini", "1h", None)
    db.finish_run(db.start_run("mini"), "ok", second.summary)
    report = StatusReport(service={}, alive=False, sources=db.sources()).to_dict()
    db.close()
    last = report["sources"][0]["last_run"]
    assert last["failures"]["threads_shrank"] == 1 and last["attention_reason"] == second.summary["attention_reason"]
    metrics = ServiceMetrics()
    metrics.record_crawl("mini", second.summary)
    text = generate_latest(metrics.registry).decode()
    assert 'vigie_crawl_failures_total{kind="threads_shrank",source="mini"} 1.0' in text
    assert 'vigie_source_needs_attention{source="mini"} 1.0' in text


def test_thresholds_decide_attention(site: MiniSite, tmp_path: Path) -> None:
    relaxed = {"unparsed_dates": 2, "follows_refused": 0, "pagination_stopped": 0}
    config = write_source(tmp_path / "config", site, FORUM, start="/list", follow={"deny": ["/private/"]},
                          attention=relaxed)
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.summary["failures"]["unparsed_dates"] == 1 and run.summary["failures"]["follows_refused"] == 1
    assert run.summary["needs_attention"] is False, "counted, but under the source's thresholds"


def test_required_selector_never_matching_fails_the_crawl(site: MiniSite, tmp_path: Path) -> None:
    config = write_source(tmp_path / "config", site, {**FORUM, "thread_link": "a.topic::attr(href)"}, start="/list")
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == EXIT_SOURCE_BROKEN, (run.returncode, run.stderr[-2000:])
    assert "thread_link" in run.summary["broken"] and run.summary["needs_attention"] is True
    assert "could not be read" in run.stderr and "thread_link" in run.stderr


def test_config_check_reports_a_login_url_that_deny_refuses(tmp_path: Path) -> None:
    from vigie.config.loader import check_config_dir

    site = MiniSite(url="http://127.0.0.1:9")
    login = {"url": "http://127.0.0.1:9/account/signin", "username": "w", "password": "s3cret-pw-for-tests",
             "logged_in": {"selector": "a.logout"}, "login_wall": {"url_pattern": "/signin"}}
    config = write_source(tmp_path / "config", site, FORUM, login=login, follow={"deny": ["logout", "/account/"]})
    loaded, problems = check_config_dir(config, env={})
    assert loaded is None
    assert any("login.url" in p.reason and "'/account/'" in p.reason for p in problems), problems
    config = write_source(tmp_path / "config", site, FORUM, login=login, follow={"deny": ["logout"]})
    assert check_config_dir(config, env={})[1] == []


def test_a_redirect_to_another_host_flags_the_source(site: MiniSite, tmp_path: Path) -> None:
    """A site that moved (a new onion address) answers every page with a redirect to it. The
    crawler does not follow a redirect off the source's hosts (nor should it: the new host is
    not what the operator configured), but before, that was only `vigie/follow/refused`, a stat:
    the run "succeeded" with nothing read. Now it is a failure of its own that flags the source
    and names the new host. The other host is a second loopback address: nothing leaves the
    machine even if it were followed."""
    moved = site.url.replace("127.0.0.1", "127.0.0.2")
    site.pages["/t/1"] = ("redirect", f"{moved}/t/1")
    config = write_source(tmp_path / "config", site, FORUM, start="/list", follow={"deny": ["/private/"]},
                          attention={"unparsed_dates": 0, "follows_refused": 0, "pagination_stopped": 0})
    run = crawl(config, tmp_path / "data", "mini", extra=["--no-index"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.summary["failures"]["redirected_off_site"] == 1, run.summary["failures"]
    assert run.summary["needs_attention"] is True
    assert run.summary["attention_reason"].startswith("redirected off site: 1"), run.summary["attention_reason"]
    assert "127.0.0.2" in run.stderr, "the log names where the site now redirects"
    # a redirect within the source's hosts is no failure
    site.pages["/t/1"] = ("redirect", "/t/1?page=2")
    again = crawl(config, tmp_path / "data2", "mini", extra=["--no-index"])
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.summary["failures"]["redirected_off_site"] == 0 and again.summary["needs_attention"] is False
