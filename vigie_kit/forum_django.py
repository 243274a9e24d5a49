"""A Django-style test forum: boards -> threads -> paginated posts, rendered as Django renders.

What it holds for a crawler (issue 13):
- dates as Django's default `DATETIME_FORMAT` prints them, in America/New_York: "Nov. 3, 2026,
  2:05 p.m.", "March 3, 2026, noon", "Sept. 14, 2026, midnight", "June 5, 2026, 2 p.m.";
- code blocks as `<p><code>\\nrow1\\nrow2\\n</code></p>` (a dump inside);
- for the logged-in account, a thread it has partly read is linked to `/post/<id>/` (its first
  unread post), which redirects into the middle of the thread; `<link rel=canonical>` names the
  thread's first page;
- pagination by link text only ("Next ›", "Last »"), no CSS class to select;
- a login form with a CSRF token, a members-only board, a CSV attachment.

    server = django_forum().start(); server.url; server.truth()
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from vigie_kit.forum_engines import EBoard, EngineData, EngineServer, EPost, EThread, Page, Request, esc

__all__ = ["DjangoView", "django_date", "django_forum"]

TZ = ZoneInfo("America/New_York")
PER_PAGE = 5
THREADS_PER_PAGE = 3
_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def django_date(at: datetime) -> str:
    """Django's "N j, Y, P" in the forum's time zone."""
    local = at.astimezone(TZ)
    if (local.hour, local.minute) == (12, 0):
        clock = "noon"
    elif (local.hour, local.minute) == (0, 0):
        clock = "midnight"
    else:
        clock = str(local.hour % 12 or 12) + (f":{local.minute:02d}" if local.minute else "")
        clock += " a.m." if local.hour < 12 else " p.m."
    return f"{_MONTHS[local.month - 1]} {local.day}, {local.year}, {clock}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "topic"


class DjangoView:
    def __init__(self, data: EngineData, username: str = "watcher", password: str = "demo-password") -> None:
        self.data = data
        self.username, self.password = username, password

    # ------------------------------------------------------------------ URLs
    def board_path(self, board: EBoard, page: int = 1) -> str:
        return f"/c/{_slug(board.name)}-{board.id}/" + (f"?page={page}" if page > 1 else "")

    def thread_path(self, thread: EThread, page: int = 1) -> str:
        return f"/t/{_slug(thread.title)}-{thread.id}/" + (f"?page={page}" if page > 1 else "")

    def listing_href(self, req: Request, thread: EThread) -> str:
        """Per account: a partly read thread links to its first unread post."""
        read = self.data.read.get(thread.id, 0)
        if req.user and 0 < read < len(thread.posts):
            return f"/post/{thread.posts[read].id}/"
        return self.thread_path(thread)

    # ------------------------------------------------------------------ pages
    def _layout(self, req: Request, title: str, content: str, head: str = "") -> str:
        account = (f'<a href="/accounts/logout/">Log out ({esc(req.user)})</a>' if req.user
                   else '<a href="/accounts/login/">Log in</a>')
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>{head}'
                f'</head><body><header><a href="/">Boards</a> {account}</header><main><h1>{esc(title)}</h1>'
                f"{content}</main></body></html>")

    @staticmethod
    def _pager(page: int, pages: int, href: Any) -> str:
        if pages <= 1:
            return ""
        links = []
        if page > 1:
            links += [f'<a href="{href(1)}">« First</a>', f'<a href="{href(page - 1)}">‹ Previous</a>']
        links.append(f"<span>Page {page} of {pages}</span>")
        if page < pages:
            links += [f'<a href="{href(page + 1)}">Next ›</a>', f'<a href="{href(pages)}">Last »</a>']
        return f'<nav class="pagination">{" ".join(links)}</nav>'

    def index(self, req: Request) -> Page:
        boards = "".join(f'<li><a href="{self.board_path(b)}">{esc(b.name)}</a> ({len(b.threads)} topics)</li>'
                         for b in self.data.boards)
        recent = sorted(self.data.threads.values(), key=lambda t: t.posts[-1].posted_at, reverse=True)[:4]
        latest = "".join(f'<li><a href="{self.listing_href(req, t)}">{esc(t.title)}</a></li>' for t in recent)
        return Page(200, self._layout(req, "Boards", f'<ul class="boards">{boards}</ul>'
                                      f"<h2>Latest activity</h2><ul>{latest}</ul>"))

    def board(self, req: Request, board: EBoard, page: int) -> Page:
        pages = max(1, -(-len(board.threads) // THREADS_PER_PAGE))
        if page > pages:
            return Page(404, "<h1>Not Found</h1>")
        rows = "".join(
            f'<tr><td><a href="{self.listing_href(req, t)}">{esc(t.title)}</a></td>'
            f"<td>{len(t.posts) - 1} replies</td><td>{esc(django_date(t.posts[-1].posted_at))}</td></tr>"
            for t in board.threads[(page - 1) * THREADS_PER_PAGE: page * THREADS_PER_PAGE])
        pager = self._pager(page, pages, lambda n: self.board_path(board, n))
        return Page(200, self._layout(req, board.name, f'<table class="topics">{rows}</table>{pager}'))

    def _body(self, post: EPost) -> str:
        out = []
        for block in post.blocks:
            if block.kind == "dump":
                out.append("<p><code>\n" + "\n".join(esc(line) for line in block.lines) + "\n</code></p>")
            elif block.kind == "quote":
                out.append(f"<blockquote><p>{esc(block.who)} a écrit :</p>"
                           + "".join(f"<p>{esc(line)}</p>" for line in block.lines) + "</blockquote>")
            else:
                out.extend(f"<p>{esc(line)}</p>" for line in block.lines)
        return "\n".join(out)

    def thread(self, req: Request, thread: EThread, page: int) -> Page:
        pages = max(1, -(-len(thread.posts) // PER_PAGE))
        if page > pages:
            return Page(404, "<h1>Not Found</h1>")
        shown = thread.posts[(page - 1) * PER_PAGE: page * PER_PAGE]
        if req.user:
            self.data.mark_read(thread, (page - 1) * PER_PAGE + len(shown))
        posts = []
        for post in shown:
            files = "".join(f'<li><a href="/media/attachments/{a.id}/{esc(a.filename)}">{esc(a.filename)}</a></li>'
                            for a in post.attachments)
            posts.append(
                f'<div class="post" id="post-{post.id}"><div class="post-meta">'
                f'<a class="username" href="/u/{esc(post.author)}/">{esc(post.author)}</a> · '
                f'<span class="post-date">{esc(django_date(post.posted_at))}</span></div>'
                f'<div class="post-body">{self._body(post)}</div>'
                + (f'<ul class="files">{files}</ul>' if files else "") + "</div>")
        head = f'<link rel="canonical" href="{req.base}{self.thread_path(thread)}">'
        pager = self._pager(page, pages, lambda n: self.thread_path(thread, n))
        return Page(200, self._layout(req, thread.title, "\n".join(posts) + pager, head))

    def login(self, req: Request, error: str = "") -> Page:
        return Page(200, self._layout(req, "Log in", (
            (f'<ul class="errorlist"><li>{esc(error)}</li></ul>' if error else "")
            + '<form method="post" action="/accounts/login/">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{req.session["csrf"]}">'
            '<input type="text" name="username"><input type="password" name="password">'
            f'<input type="hidden" name="next" value="{esc(req.query.get("next", "/"))}">'
            '<button type="submit">Log in</button></form>')))

    # ------------------------------------------------------------------ routes
    def handle(self, req: Request) -> Page:
        data, path = self.data, req.path
        page = int(req.query["page"]) if req.query.get("page", "").isdigit() else 1
        wall = Page(302, "", {"Location": f"/accounts/login/?next={path}"})
        with data.lock:
            if path == "/":
                return self.index(req)
            if path == "/accounts/login/":
                if req.method == "GET":
                    return self.login(req)
                if req.form.get("csrfmiddlewaretoken") != req.session["csrf"]:
                    return Page(403, "<h1>Forbidden (403)</h1><p>CSRF verification failed.</p>")
                if (req.form.get("username"), req.form.get("password")) != (self.username, self.password):
                    return self.login(req, "Please enter a correct username and password.")
                req.session["user"] = self.username
                return Page(302, "", {"Location": req.form.get("next") or "/"})
            if path == "/accounts/logout/":
                req.session["user"] = None
                return Page(302, "", {"Location": "/"})
            if m := re.fullmatch(r"/c/[a-z0-9-]*-(\d+)/", path):
                if 1 <= int(m[1]) <= len(data.boards):
                    board = data.boards[int(m[1]) - 1]
                    return wall if board.members_only and not req.user else self.board(req, board, page)
            if (m := re.fullmatch(r"/t/[a-z0-9-]*-(\d+)/", path)) and int(m[1]) in data.threads:
                thread = data.threads[int(m[1])]
                return wall if data.board_of(thread).members_only and not req.user else self.thread(req, thread, page)
            if (m := re.fullmatch(r"/post/(\d+)/", path)) and int(m[1]) in data.posts:
                post = data.posts[int(m[1])]
                thread = data.threads[post.thread_id]
                number = thread.posts.index(post) // PER_PAGE + 1
                return Page(302, "", {"Location": self.thread_path(thread, number) + f"#post-{post.id}"})
            if (m := re.fullmatch(r"/media/attachments/(\d+)/[^/]+", path)) and int(m[1]) in data.attachments:
                att = data.attachments[int(m[1])]
                return Page(200, att.data, {"Content-Disposition": f'attachment; filename="{att.filename}"'},
                            "text/csv")
        return Page(404, "<h1>Not Found</h1>")

    # ------------------------------------------------------------------ ground truth
    def truth(self, base: str) -> dict[str, Any]:
        with self.data.lock:
            posts = []
            for thread in self.data.threads.values():
                board = self.data.board_of(thread)
                for post in thread.posts:
                    posts.append({"id": post.id, "author": post.author,
                                  "posted_at": post.posted_at.isoformat().replace("+00:00", "Z"),
                                  "tolerance_seconds": 0, "thread_url": base + self.thread_path(thread),
                                  "thread_title": thread.title, "board": board.name, "lines": post.lines(),
                                  "planted": post.planted})
            files = [{"url": f"{base}/media/attachments/{a.id}/{a.filename}", "filename": a.filename,
                      "planted": a.planted} for a in self.data.attachments.values()]
        return {"engine": "django", "url": base, "start_url": base + "/", "posts": posts, "attachments": files}


def _build(data: EngineData) -> None:
    s = data.synth
    clock = data.anchor - timedelta(days=120)
    specs = [("Leaks", False, [9, 3, 12, 1]), ("Databases", False, [6, 2, 4]), ("Private sales", True, [7, 2])]
    dumps = ["csv", "combo", "csv_bare", "sql"]
    n = 0
    for name, members_only, sizes in specs:
        board = data.board(name, members_only)
        for size in sizes:
            thread = data.thread(board)
            for _ in range(size):
                clock += timedelta(minutes=s.rng.randint(40, 900))
                local = clock.astimezone(TZ)
                if n % 4 == 1:  # noon, midnight and whole hours, as Django prints them in words
                    special = local.replace(hour=[12, 0, 14, 9][(n // 4) % 4], minute=0)
                    if special <= local:
                        special += timedelta(days=1)
                    clock = special.astimezone(UTC)
                data.post(thread, clock, dumps[n % len(dumps)] if n % 3 == 0 else None)
                n += 1
    leaks = data.boards[0]
    first = leaks.threads[0].posts[0]
    patients = s.patients(5)
    data.attach(first, "patients.csv", patients.text.encode(), patients.planted)
    for thread in data.threads.values():  # an analyst read part of the long threads by hand
        if len(thread.posts) > PER_PAGE:
            data.read[thread.id] = PER_PAGE + 1


def django_forum(seed: int = 4242, *, port: int = 0) -> EngineServer:
    """The Django-style forum, not started (`.start()`, or use it as a context manager)."""
    data = EngineData(seed)
    _build(data)
    return EngineServer(DjangoView(data), port=port)
