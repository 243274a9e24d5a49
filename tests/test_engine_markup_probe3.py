"""Round 3 of the engine markup probe (XenForo 1.5, SMF 2.0, Vanilla 2.8, phpBB 3.0 in German,
punBB 1.4: the pages in tests/engine_pages/, crawled by tests/test_engine_markup_probe.py), and a
forum behind a login crawled with YAML alone: the XenForo 1.5 board with guests shut out, as
XenForo does it (every page answers 403 "You must be logged-in to do that." with the login form;
the form posts to `login/login`, relative to the page's `<base href>`; `cookie_check=1` makes the
engine refuse a login whose session cookie was not sent back), and a session that ends in the
middle of the crawl (the next page is the 403 wall again)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.engine_pages import ENGINE_PAGES, _fill
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _EncodedPages, _mismatches
from vigie_kit.forum_engines import EngineServer, Page, Request

PASSWORD = "correct horse battery"  # synthetic: the engine below is the only one that knows it
_LOGOUT = '<a href="logout/?_xfToken=2%2C1764720000%2Cfe0c" class="LogOut">Log Out</a>'


class _MembersOnly(_EncodedPages):
    """XenForo 1.5's pages for members only. A guest gets the 403 login wall on every page and file;
    `GET /login/` is the login page; `POST /login/login` logs in when the form's fields are the
    engine's (login, password, register=0 or absent, cookie_check=1 with the session cookie sent
    back) and redirects (303) to the form's `redirect`. `expire_after`: the member's session ends
    once, at that many pages served to it (the page asked then gets the wall)."""

    def __init__(self, engine: str, expire_after: int | None = None, refused_status: int = 200) -> None:
        super().__init__(engine)
        self.expire_after = expire_after
        self.refused_status = refused_status
        self.logins: list[dict[str, str]] = []
        self.walls: list[str] = []
        self.member_pages: list[str] = []
        self._lock = threading.Lock()

    def _page(self, name: str, req: Request, status: int = 200, **fill: str) -> Page:
        html = _fill((self.root / name).read_text(encoding="utf-8"), req.base, datetime.now(UTC))
        for key, value in fill.items():
            html = html.replace(key, value)
        return Page(status, html)

    def _wall(self, req: Request) -> Page:
        self.walls.append(req.path)
        return self._page("login-required.html", req, 403, REDIRECT=req.base + req.path)

    def handle(self, req: Request) -> Page:
        session = req.session
        if req.path == "/login/" and req.method == "GET":
            session["cookie_seen"] = True  # the session cookie went out with this page
            return self._page("login.html", req, ERROR="", REDIRECT=req.base + "/")
        if req.path == "/login/login" and req.method == "POST":
            self.logins.append(dict(req.form))
            form = req.form
            if not session.get("cookie_seen"):
                error = "Cookies are required to use this site. You must accept them to continue using the site."
            elif form.get("register", "0") != "0" or form.get("cookie_check") != "1":
                error = "Please enter a valid name."
            elif form.get("login") != "watcher" or form.get("password") != PASSWORD:
                error = "Incorrect password. Please try again."
            else:
                session["user"] = "watcher"
                session["landing"] = True  # the redirect's page is the login's, not the crawl's
                return Page(303, "", {"Location": form.get("redirect") or req.base + "/"})
            return self._page("login.html", req, self.refused_status,
                              ERROR=f'<div class="errorPanel"><ul><li>{error}</li></ul></div>', REDIRECT=req.base + "/")
        if not session.get("user"):
            return self._wall(req)
        with self._lock:
            if not session.pop("landing", False):
                self.member_pages.append(req.path)
            if len(self.member_pages) == self.expire_after:
                self.expire_after = None  # once
                session["user"] = None  # the session ends: this request already meets the wall
                self.member_pages.pop()
                return self._wall(req)
        page = super().handle(req)
        if isinstance(page.body, bytes) and page.ctype.startswith("text/html"):
            text = page.body.decode(self.encoding).replace("LoggedOut", "LoggedIn")
            text = text.replace('<div id="headerMover">', '<div id="headerMover">' + _LOGOUT, 1)
            page = Page(page.status, text.encode(self.encoding), page.headers, page.ctype)
        return page


def _members_config(directory: Path, base_url: str) -> tuple[Path, str]:
    text = (ENGINE_PAGES / "xenforo1" / "members-source.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(re.sub(r"http://[a-z0-9]+x+\.onion", base_url.rstrip("/"), text))
    data["network"] = "direct"
    data["limits"] = {**data.get("limits", {}), "delay_seconds": 0, "autothrottle": False, "concurrency": 4,
                      "timeout_seconds": 20, "retry_backoff_seconds": 0.2, "retries": 0}
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    (directory / "sources" / f"{data['name']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                                 encoding="utf-8")
    (directory / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return directory, str(data["name"])


def _run(tmp_path: Path, view: _MembersOnly, password: str) -> tuple[Any, str, dict[str, Any]]:
    with EngineServer(view) as server:
        config, name = _members_config(tmp_path / "config", server.url)
        run = crawl(config, tmp_path / "data", name, timeout=120, env={"XF1_MEMBERS_PASSWORD": password})
        base = server.url
    return run, base, view.truth(base)


def test_a_members_only_forum_is_crawled_and_a_session_ending_mid_crawl_loses_no_page(tmp_path: Path) -> None:
    """Logged in through the engine's own form (its hidden fields and radio carried over, the session
    cookie sent back), the crawl reads every post. The member's session ends at the third page: that
    page answers XenForo's 403 wall (the login form). The crawl must recognise it (`login_wall`), log
    in again once and fetch the page again, so no thread, post or page is lost. Before, the 403 was
    given up as a failed page: the board, so every thread, was lost, the crawl exited 0 and the
    source did not need attention."""
    view = _MembersOnly("xenforo1", expire_after=3)
    run, base, truth = _run(tmp_path, view, PASSWORD)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(view.logins) == 2 and view.walls, (view.logins, view.walls)  # pages in flight meet it too
    sent = view.logins[0]
    assert sent.get("cookie_check") == "1" and sent.get("login") == "watcher" and sent.get("register", "0") == "0"
    problems = _mismatches(run.posts(), truth, base)
    problems += [f"page {p} never served to the member" for p in view.routes if p not in view.member_pages]
    problems += [f"page {p} served {view.member_pages.count(p)} times" for p in view.routes
                 if view.member_pages.count(p) > 1]
    problems += [] if [f["filename"] for f in run.files()] == ["clients.txt"] else [f"files {run.files()}"]
    assert problems == [], "\n".join(problems + [f"walls {view.walls}, member pages {view.member_pages}"])
    assert PASSWORD not in run.stdout + run.stderr


@pytest.mark.parametrize("status", [200, 403])
def test_a_refused_login_stops_the_crawl_instead_of_crawling_as_a_guest(status: int, tmp_path: Path) -> None:
    """A wrong password answered with the login form again, with a 200 (XenForo 1) or a 403 (an
    engine refusing with an error status): the source is broken as configured (`login_failed`,
    `vigie crawl` exits 3). The 403 was taken for an unreachable site: exit 0, nothing counted."""
    view = _MembersOnly("xenforo1", refused_status=status)
    run, _, _ = _run(tmp_path, view, "wrong password")
    assert run.returncode == 3, (run.returncode, run.stderr[-2000:])
    assert run.posts() == [] and view.member_pages == []
    assert run.summary.get("needs_attention") and run.summary["failures"]["login_failed"] == 1, run.summary


def test_a_forum_that_shuts_guests_out_needs_attention(tmp_path: Path) -> None:
    """The source written for guests, once the board keeps its pages for members (or bans the
    crawler): every page answers 403. It was one error in the summary, exit 0 and no attention, a
    crawl that read nothing looking like a quiet forum; it is now counted (`pages_forbidden`) and
    the source needs attention."""
    from tests.test_engine_markup_probe import _config

    view = _MembersOnly("xenforo1")
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", "xenforo1", server.url)
        run = crawl(config, tmp_path / "data", name, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert view.walls == ["/"] and run.posts() == []
    assert run.summary["failures"]["pages_forbidden"] == 1, run.summary["failures"]
    assert run.summary["needs_attention"] and run.summary["attention_reason"].startswith("pages forbidden"), run.summary
