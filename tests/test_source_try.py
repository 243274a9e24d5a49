"""`vigie source try` (issue 13), the selector workbench, on the kit's Django-style and flat forums
with their operator-written YAML (tests/data/sources): a page fetched as a crawl fetches it
(plain loopback, and over the private Tor network with the login), a saved page (`--html`), the
`--json` shape, a selector that matches nothing shown as such, and parity with a crawl: the
posts `source try --html` shows on a saved page are the posts the crawl emitted from it.

Fetching runs Twisted's reactor, so those runs are subprocesses (`python -m vigie`); `--html`
runs in-process (Typer's CliRunner).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests import cli_fork
from tests.fixtures.forum import ENGINE_ENV, REPO, crawl, engine_config, post_number, test_keys_env
from vigie.cli import app
from vigie_kit.forum_django import PER_PAGE, DjangoView, django_forum
from vigie_kit.forum_engines import EngineServer, EThread
from vigie_kit.forum_flat import FlatView, flat_forum
from vigie_kit.tornet import PrivateTorNetwork

KEYS = {"author", "attachments", "date_unparsed", "first_lines", "lines", "post_id", "posted_at", "raw_date"}
TOP = {"source", "url", "fetched_at", "logged_in", "selectors", "boards", "board_title", "threads", "next_page",
       "thread_next_page", "thread_key", "thread_page_title", "posts", "warnings"}


def _try(config: Path, data: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return cli_fork.run(
        [sys.executable, "-m", "vigie", "--log-level", "WARNING", "source", "try", *args, "--config", str(config),
         "--data-dir", str(data)], capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env={**os.environ, **test_keys_env, **ENGINE_ENV})


def _long_thread(server: EngineServer) -> EThread:
    return next(t for t in server.view.data.threads.values() if len(t.posts) > PER_PAGE)


def _view(server: EngineServer) -> DjangoView | FlatView:
    view = server.view
    assert isinstance(view, DjangoView | FlatView)
    return view


def _matches(result: dict[str, Any]) -> dict[str, int]:
    return {s["name"]: s["matches"] for s in result["selectors"]}


def _check_posts(result: dict[str, Any], truth: dict[str, Any], ids: list[int]) -> None:
    """The posts shown are those of the page, each with the forum's author, UTC date and first lines."""
    want = {p["id"]: p for p in truth["posts"]}
    assert [post_number(p) for p in result["posts"]] == ids
    for post in result["posts"]:
        expected = want[post_number(post)]
        assert set(post) == KEYS
        assert post["author"] == expected["author"]
        assert post["raw_date"] and not post["date_unparsed"]
        assert post["posted_at"].replace("+00:00", "Z") == expected["posted_at"], post["raw_date"]
        assert post["first_lines"] == [ln for ln in expected["lines"] if ln][:3]


def test_fetch_over_loopback_logged_in_index_and_thread(tmp_path: Path) -> None:
    """The start page (an index of boards: only board_links match, the rest says so) and a thread
    page (posts, canonical key, next link), both fetched behind the source's login."""
    with django_forum() as server:
        base = server.url
        config = engine_config(tmp_path / "config", "django", base)
        truth = server.truth(base=server.url)
        thread = _long_thread(server)
        index = _try(config, tmp_path / "data", "test-django", "--json")
        page = _try(config, tmp_path / "data", "test-django", server.url + _view(server).thread_path(thread, 1),
                    "--json")
        logins = server.hits["/accounts/login/"]
        view = _view(server)
        boards = len(view.data.boards)
    assert index.returncode == 0, index.stderr[-2000:]
    start = json.loads(index.stdout)
    assert set(start) == TOP and start["logged_in"] is True
    counts = _matches(start)
    assert counts["board_links"] == len(start["boards"]) == boards
    assert counts["post.container"] == 0 and start["posts"] == []
    assert page.returncode == 0, page.stderr[-2000:]
    result = json.loads(page.stdout)
    assert result["logged_in"] is True
    _check_posts(result, truth, [p.id for p in thread.posts[:PER_PAGE]])
    assert result["thread_key"] == base + view.thread_path(thread)
    assert result["thread_next_page"] == base + view.thread_path(thread, 2)
    assert _matches(result)["post.author"] == PER_PAGE
    assert logins >= 2 * 2, "each run logs in (GET form, POST)"


@pytest.mark.tor
def test_fetch_over_tor_with_login(tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    """Through the source's own network: the flat forum only as an onion service, logged in."""
    with flat_forum() as server:
        onion = f"http://{tor_network.add_onion_service(server.port)}"
        config = engine_config(tmp_path / "config", "flat", onion, network="tor")
        thread = _long_thread(server)
        truth = server.truth(base=onion)
        expected_key = onion + _view(server).thread_path(thread)
        run = _try(config, tmp_path / "data", "test-flat", onion + _view(server).thread_path(thread, 1),
                   "--json", "--tor-socks", f"127.0.0.1:{tor_network.socks_port}", timeout=300)
        hits = dict(server.hits)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["logged_in"] is True and any(path.startswith("/connexion") for path in hits)
    want = {p["id"]: p for p in truth["posts"]}
    ids = [post_number(p) for p in result["posts"]]
    assert ids == [p.id for p in thread.posts[:len(ids)]] and ids
    for post in result["posts"]:
        assert post["author"] == want[post_number(post)]["author"]
        assert post["posted_at"] is not None, post["raw_date"]  # relative French dates read
    assert result["thread_key"] == expected_key


def _saved_page(server: EngineServer, path: str, dest: Path) -> Path:
    """The page as a logged-in browser receives it (the crawl's account)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(server.url + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', form)
    assert token, "no CSRF token on the login page"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": "watcher",
                                   "password": ENGINE_ENV["TEST_FORUM_PASSWORD"]}).encode()
    assert "/accounts/logout/" in opener.open(server.url + "/accounts/login/", body).read().decode()
    dest.write_bytes(opener.open(server.url + path).read())
    return dest


@pytest.mark.slow
def test_html_gives_the_posts_a_crawl_emits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parity: on every page of a long thread, `source try --html` shows exactly the posts the
    crawl emitted from it (id, author, UTC date, body) — the same extraction, not a copy."""
    with django_forum() as server:
        base = server.url
        config = engine_config(tmp_path / "config", "django", base)
        run = crawl(config, tmp_path / "data", "test-django", extra=["--no-index"], env=ENGINE_ENV)
        assert run.returncode == 0, run.stderr[-3000:]
        thread = _long_thread(server)
        pages = -(-len(thread.posts) // PER_PAGE)
        view = _view(server)
        saved = [_saved_page(server, _view(server).thread_path(thread, n), tmp_path / f"page-{n}.html")
                 for n in range(1, pages + 1)]
    monkeypatch.setenv("TEST_FORUM_PASSWORD", ENGINE_ENV["TEST_FORUM_PASSWORD"])
    crawled = {post_number(i): i for i in run.posts()}
    shown: list[dict[str, Any]] = []
    for n, page in enumerate(saved, start=1):
        url = base + view.thread_path(thread, n)
        out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(page), "--url", url, "--json",
                                       "--lines", "1000", "--config", str(config), "--data-dir", str(tmp_path)])
        assert out.exit_code == 0, out.output
        shown += json.loads(out.stdout)["posts"]
    assert [post_number(p) for p in shown] == [p.id for p in thread.posts]
    for post in shown:
        item = crawled[post_number(post)]
        assert (post["post_id"], post["author"]) == (item["post_id"], item["author"])
        assert post["posted_at"].replace("+00:00", "Z") == item["posted_at"]
        assert "\n".join(post["first_lines"]) == "\n".join(ln for ln in item["body"].splitlines() if ln.strip())


def test_html_offline_canonical_url_json_and_dead_selector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A saved page needs no network: its address comes from its canonical link. A selector that
    matches nothing is reported as 0 matches and "matched nothing", and a page on which nothing
    matches exits 1 (never an empty success)."""
    with django_forum() as server:
        base = server.url
        config = engine_config(tmp_path / "config", "django", base)
        thread = _long_thread(server)
        page = _saved_page(server, _view(server).thread_path(thread, 1), tmp_path / "page.html")
        truth = server.truth(base=base)
        canonical = base + _view(server).thread_path(thread)
    monkeypatch.setenv("TEST_FORUM_PASSWORD", ENGINE_ENV["TEST_FORUM_PASSWORD"])
    args = ["--config", str(config), "--data-dir", str(tmp_path)]
    out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(page), "--json", *args])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert set(result) == TOP and result["logged_in"] is None
    assert result["url"] == canonical  # from <link rel=canonical>
    _check_posts(result, truth, [p.id for p in thread.posts[:PER_PAGE]])

    source_file = config / "sources" / "test-django.yaml"
    data = yaml.safe_load(source_file.read_text(encoding="utf-8"))
    data["forum"]["post"]["author"] = "span.no-such-class"
    source_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(page), "--json", *args])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert _matches(result)["post.author"] == 0 and _matches(result)["post.container"] == PER_PAGE
    assert all(p["author"] is None for p in result["posts"])
    table = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(page), *args],
                               env={"COLUMNS": "200"})
    assert re.search(r"post\.author .*matched nothing", table.stdout), table.stdout

    blank = tmp_path / "blank.html"
    blank.write_text("<html><body><p>maintenance</p></body></html>", encoding="utf-8")
    out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(blank), *args])
    assert out.exit_code == 2 and "--url" in out.output  # no canonical link: the address must be given
    out = CliRunner().invoke(app, ["source", "try", "test-django", "--html", str(blank), "--url", base + "/x",
                                   *args], env={"COLUMNS": "200"})
    assert out.exit_code == 1 and "no selector of the source matched anything" in out.stdout, out.output
