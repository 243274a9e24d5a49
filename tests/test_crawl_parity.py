"""Crawl = scan on the kit's Django-style and flat forums (issue 13): for every thread page,
the fragments found in the crawled posts are the fragments `vigie scan` finds in the page saved
as the server sends it. These layouts are where the two used to disagree: the Django forum's
dumps are `<p><code>` blocks (the crawl joined their rows), the flat forum's are `<br>` lines
next to quotes. The phpBB and XenForo forums' parity is tests/test_html_text.py (same method).
Loopback only: one crawl and one scan per forum.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sys
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey
from tests import cli_fork
from tests.fixtures.forum import ENGINE_ENV, REPO, crawl, engine_config, post_number, test_keys_env
from vigie_kit.forum_django import PER_PAGE as DJANGO_PER_PAGE
from vigie_kit.forum_django import DjangoView, django_forum
from vigie_kit.forum_engines import EngineServer
from vigie_kit.forum_flat import PER_PAGE as FLAT_PER_PAGE
from vigie_kit.forum_flat import FlatView, flat_forum

pytestmark = pytest.mark.slow

KEY = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
Frag = tuple[str, frozenset[str]]
PageKey = tuple[int, int]  # thread id, page number


def _logged_in(server: EngineServer, engine: str) -> urllib.request.OpenerDirector:
    """A browser-like session of the crawl's account, to save pages as the crawler saw them."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login, token, fields = (("/accounts/login/", "csrfmiddlewaretoken", {"username": "watcher"}) if engine == "django"
                            else ("/connexion", "jeton", {"pseudo": "watcher"}))
    form = opener.open(server.url + login).read().decode()
    match = re.search(rf'name="{token}" value="(\w+)"', form)
    assert match, "no CSRF token on the login page"
    password = {"password" if engine == "django" else "mot_de_passe": ENGINE_ENV["TEST_FORUM_PASSWORD"]}
    body = urllib.parse.urlencode({token: match[1], **fields, **password}).encode()
    landed = opener.open(server.url + login, body).read().decode()
    assert "/accounts/logout/" in landed or "/deconnexion" in landed, "the login failed"
    return opener


@pytest.mark.parametrize("engine", ["django", "flat"])
def test_crawl_and_scan_find_the_same_fragments(engine: str, tmp_path: Path) -> None:
    per_page = DJANGO_PER_PAGE if engine == "django" else FLAT_PER_PAGE
    with (django_forum() if engine == "django" else flat_forum()) as server:
        config = engine_config(tmp_path / "config", engine, server.url)
        run = crawl(config, tmp_path / "data", f"test-{engine}", extra=["--no-index"], env=ENGINE_ENV)
        assert run.returncode == 0, run.stderr[-3000:]
        data = server.view.data
        crawled: dict[PageKey, set[Frag]] = defaultdict(set)
        for item in run.posts():
            post = data.posts[post_number(item)]
            thread = data.threads[post.thread_id]
            where = (thread.id, thread.posts.index(post) // per_page + 1)
            crawled[where] |= {(f.kind, frozenset(i.token.hex() for i in f.identifiers))
                               for f in detect(item["body"], key=KEY)}
        view = server.view
        assert isinstance(view, DjangoView | FlatView)
        opener = _logged_in(server, engine)
        pages = tmp_path / "pages"
        pages.mkdir()
        paths: dict[str, PageKey] = {}
        for tid, number in crawled:
            path = pages / f"thread-{tid}-{number}.html"
            path.write_bytes(opener.open(server.url + view.thread_path(data.threads[tid], number)).read())
            paths[str(path)] = (tid, number)
    assert len(paths) == sum(-(-len(t.posts) // per_page) for t in data.threads.values()), "pages not all crawled"
    proc = cli_fork.run(
        [sys.executable, "-m", "vigie", "--log-level", "WARNING", "scan", *paths, "--json",
         "--config", str(config), "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
        env={**os.environ, **test_keys_env, **ENGINE_ENV})
    assert proc.returncode == 0, proc.stderr[-2000:]
    scanned: dict[PageKey, set[Frag]] = defaultdict(set)
    for line in proc.stdout.splitlines():
        frag = json.loads(line)
        scanned[paths[frag["path"]]].add((frag["kind"], frozenset(i["token"] for i in frag["identifiers"])))
    for where, frags in crawled.items():
        assert frags == scanned.get(where, set()), f"thread page {where} differs between crawl and scan"
    with_dumps = sum(bool(f) for f in crawled.values())
    assert with_dumps >= 5, f"only {with_dumps} pages with fragments: the comparison would mean little"
