"""The demo forum itself: it must behave like the hostile forum the crawler tests claim it is."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from vigie_kit.forum import ForumServer


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def test_login_requires_the_csrf_token(fresh_forum: ForumServer) -> None:
    browser = _opener()
    page = browser.open(fresh_forum.url + "/login").read().decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": "watcher", "password": "demo-password", "csrf_token": "forged"}
    with pytest.raises(urllib.error.HTTPError) as denied:
        browser.open(fresh_forum.url + "/login", urllib.parse.urlencode(form).encode())
    assert denied.value.code == 403
    members = next(b for b in fresh_forum.data.boards if b.members_only)
    assert browser.open(f"{fresh_forum.url}/board/{members.id}").geturl().startswith(fresh_forum.url + "/login")
    form["csrf_token"] = token
    home = browser.open(fresh_forum.url + "/login", urllib.parse.urlencode(form).encode()).read().decode()
    assert 'href="/logout"' in home
    board = browser.open(f"{fresh_forum.url}/board/{members.id}")
    assert board.geturl().endswith(f"/board/{members.id}") and members.name in board.read().decode()
    assert fresh_forum.login_failures == 1 and fresh_forum.login_posts == 2
    browser.open(fresh_forum.url + "/logout")
    assert fresh_forum.logout_hits == 1


def test_links_follow_the_host_header_and_cp1252_has_no_charset(fresh_forum: ForumServer) -> None:
    request = urllib.request.Request(fresh_forum.url + "/", headers={"Host": "abcdefgh.onion"})
    assert "http://abcdefgh.onion/board/2" in urllib.request.urlopen(request).read().decode()
    with ForumServer("phpbb", size="small", bomb_megabytes=1) as forum:
        thread = next(t for t in forum.data.threads.values() if t.special == "cp1252")
        response = urllib.request.urlopen(f"{forum.url}/thread/{thread.id}")
        body = response.read()
        assert response.headers["Content-Type"] == "text/html" and b"charset" not in body.lower()
        assert "é".encode("cp1252") in body and "é".encode() not in body


def test_faults_are_served_in_order_then_normal_pages(fresh_forum: ForumServer) -> None:
    fresh_forum.faults = {"/board/1": ["500", "garbage"]}
    with pytest.raises(urllib.error.HTTPError) as first:
        urllib.request.urlopen(fresh_forum.url + "/board/1")
    assert first.value.code == 500
    garbage = urllib.request.urlopen(fresh_forum.url + "/board/1")
    assert garbage.headers["Content-Type"] == "application/octet-stream"
    assert b"thread-title" in urllib.request.urlopen(fresh_forum.url + "/board/1").read()
    deadline = time.monotonic() + 5  # the server logs a hit once its answer is sent: let it catch up
    while len([h for h in fresh_forum.hit_log if h.path == "/board/1"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    # Ordered by when each request began: a handler thread appends its hit after sending, so a
    # loaded machine can log the second answer before the first.
    hits = sorted((h for h in fresh_forum.hit_log if h.path == "/board/1"), key=lambda h: h.began)
    assert [h.status for h in hits] == [500, 200, 200]


def test_ground_truth_matches_what_is_served(fresh_forum: ForumServer) -> None:
    truth = fresh_forum.truth()
    assert json.loads(json.dumps(truth)) == truth  # JSON-able as promised
    kinds = sorted(a["kind"] for a in truth["attachments"])
    assert kinds == ["bomb", "csv", "exe", "gz", "txt", "zip"]
    post = truth["posts"][0]
    page = urllib.request.urlopen(post["thread_url"]).read().decode()
    assert f'id="p{post["id"]}"' in page and post["author"] in page
    planted = [v for p in truth["posts"] for vs in p["planted"].values() for v in vs]
    assert len(planted) > 20
    new = fresh_forum.add_post(author="quelqu_un")
    assert fresh_forum.truth()["posts"][-1]["id"] == new.id and new.planted


def test_module_entry_point_prints_its_address(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "vigie_kit.forum", "--port", "0", "--size", "small",
                             "--data", str(tmp_path), "--engine", "xen"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None  # stdout=PIPE
    try:
        info = json.loads(proc.stdout.readline())
        assert info["url"].startswith("http://127.0.0.1:")
        assert b"XenLeaks" in urllib.request.urlopen(info["url"] + "/forums/").read()
        assert json.loads((tmp_path / "truth.json").read_text())["engine"] == "xen"
    finally:
        proc.terminate()
        proc.wait(10)
