"""HTML of the demo forum in two engines with different markup and URL schemes.

`phpbb` uses tables, `?page=N` query strings, ISO `datetime` attributes and a redirect to /login
as its login wall. `xen` uses XenForo-like `slug.id/page-N` paths, `<article>` posts, French
date text ("12 mars 2026 à 14:05", Europe/Paris) and an in-page error block as its login wall.
The crawler handles both from YAML alone; that is the point of having two.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vigie_kit.forum_data import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Attachment,
    Board,
    ForumData,
    Post,
    Thread,
)

__all__ = ["Ctx", "PhpbbView", "XenView", "french_date"]

_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"]
_PARIS = ZoneInfo("Europe/Paris")


def french_date(post: Post) -> str:
    local = post.posted_at.astimezone(_PARIS)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


@dataclass
class Ctx:
    base: str  # "http://host:port" as the client addressed us (works for .onion too)
    user: str | None
    csrf: str


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _body_html(post: Post, index: int) -> str:
    if post.html_body is not None:
        return post.html_body
    if index % 2:  # half the posts as <br> lines, half with dumps in <pre>
        return _esc(post.body).replace("\n", "<br>\n")
    return "".join(f"<p>{_esc(block)}</p>\n" if "\n" not in block else f"<pre>{_esc(block)}</pre>\n"
                   for block in post.body.split("\n\n"))


class PhpbbView:
    engine = "phpbb"
    login_path = "/login"
    csrf_field = "csrf_token"
    user_field = "username"
    password_field = "password"

    def __init__(self, data: ForumData) -> None:
        self.data = data

    # ---- URLs (some absolute, some relative, on purpose)
    def board_url(self, ctx: Ctx, board: Board, page: int = 1) -> str:
        path = f"/board/{board.id}" + (f"?page={page}" if page > 1 else "")
        return ctx.base + path if board.id % 2 == 0 else path

    def thread_href(self, ctx: Ctx, thread: Thread, page: int = 1) -> str:
        suffix = f"?page={page}" if page > 1 else ""
        return [f"/thread/{thread.id}{suffix}", f"../thread/{thread.id}{suffix}",
                f"{ctx.base}/thread/{thread.id}{suffix}"][thread.id % 3]

    def file_url(self, att: Attachment) -> str:
        return f"/files/{att.id}/{att.filename}"

    def route(self, path: str, query: dict[str, str]) -> tuple[str, dict[str, int]]:
        page = int(query.get("page", "1") or 1) if query.get("page", "1").isdigit() else 1
        if path in ("/", "/index.php"):
            return "index", {}
        if m := re.fullmatch(r"/board/(\d+)", path):
            return "board", {"id": int(m[1]), "page": page}
        if m := re.fullmatch(r"/thread/(\d+)", path):
            return "thread", {"id": int(m[1]), "page": page}
        if m := re.fullmatch(r"/files/(\d+)/[^/]+", path):
            return "file", {"id": int(m[1])}
        if path == "/login":
            return "login", {}
        if path == "/logout":
            return "logout", {}
        return "other", {}

    # ---- pages
    def _layout(self, ctx: Ctx, title: str, content: str, charset: bool = True) -> str:
        nav = ['<a href="/">Accueil</a>']
        for board in self.data.boards:
            nav.append(f'<a href="{self.board_url(ctx, board)}">{_esc(board.name)}</a>')
        nav.append(f'<a href="/logout">Déconnexion ({_esc(ctx.user)})</a>' if ctx.user
                   else '<a href="/login">Connexion</a>')
        meta = '<meta charset="utf-8">' if charset else ""
        return (f"<!DOCTYPE html><html><head>{meta}<title>{_esc(title)}</title></head><body>"
                f'<nav class="menu">{" | ".join(nav)}</nav><h1>{_esc(title)}</h1>\n{content}\n'
                "<footer>Forum propulsé par phpBB-ish</footer></body></html>")

    def index(self, ctx: Ctx) -> str:
        items = "".join(f'<li><a class="board-link" href="{self.board_url(ctx, b)}">{_esc(b.name)}</a>'
                        f' ({len(b.threads)} sujets)</li>' for b in self.data.boards)
        return self._layout(ctx, "Index du forum", f'<ul class="boards">{items}</ul>')

    def board(self, ctx: Ctx, board: Board, page: int) -> str:
        threads = board.threads
        if board.trap:  # endless pagination: every page lists the same thread and links further
            rows, has_next = threads, True
        else:
            rows = threads[(page - 1) * THREADS_PER_PAGE: page * THREADS_PER_PAGE]
            has_next = page * THREADS_PER_PAGE < len(threads)
        body = ['<table class="topics">']
        for t in rows:
            last = t.posts[-1]
            body.append(f'<tr class="thread"><td><a class="thread-title" href="{self.thread_href(ctx, t)}">'
                        f'{_esc(t.title)}</a></td><td class="replies">{len(t.posts) - 1}</td>'
                        f'<td class="lastpost">{last.posted_at:%Y-%m-%d %H:%M}</td></tr>')
        body.append("</table>")
        if has_next:
            body.append(f'<div class="pagination"><a rel="next" href="{self.board_url(ctx, board, page + 1)}">'
                        "Suivant</a></div>")
        return self._layout(ctx, board.name, "\n".join(body))

    def thread(self, ctx: Ctx, thread: Thread, page: int) -> str:
        posts = thread.posts[(page - 1) * POSTS_PER_PAGE: page * POSTS_PER_PAGE]
        out = []
        for i, post in enumerate(posts):
            atts = "".join(
                f'<li><a class="attachment" href="{self.file_url(self.data.attachments[a])}">'
                f"{_esc(self.data.attachments[a].filename)}</a></li>" for a in post.attachments)
            iso = post.posted_at.isoformat()
            body = _body_html(post, i)
            if thread.special == "malformed":  # unclosed tags, stray closers, broken attributes
                out.append(f'<div class="post" id="p{post.id}"><div class="postprofile"><b><a class="author" '
                           f'href="/member/{_esc(post.author)}">{_esc(post.author)}</a></div>'
                           f'<time datetime="{iso}">x</time><div class="content"><p>'
                           f'{_esc(post.body).replace(chr(10), "<br>")}'
                           f'</span></td><font color=red>sig<div class="attachbox"><ul>{atts}</ul></div></div>')
                continue
            out.append(f'<div class="post" id="p{post.id}"><div class="postprofile"><a class="author" '
                       f'href="/member/{_esc(post.author)}">{_esc(post.author)}</a></div>'
                       f'<time datetime="{iso}">{french_date(post)}</time>'
                       f'<div class="content">{body}</div>'
                       f'<dl class="attachbox"><ul>{atts}</ul></dl></div>')
        if page < thread.pages:
            out.append(f'<a class="next-page" href="{self.thread_href(ctx, thread, page + 1)}">›</a>')
        return self._layout(ctx, thread.title, "\n".join(out), charset=thread.special != "cp1252")

    def login(self, ctx: Ctx, error: str = "") -> str:
        return self._layout(ctx, "Connexion", (
            '<form id="search" method="get" action="/search"><input name="q"></form>'
            + (f'<p class="error">{_esc(error)}</p>' if error else "")
            + '<form id="login" method="post" action="/login">'
            f'<input type="hidden" name="csrf_token" value="{ctx.csrf}">'
            '<input type="hidden" name="redirect" value="/">'
            '<input name="username"><input type="password" name="password">'
            '<input type="submit" name="login" value="Connexion"></form>'))

    def wall(self, ctx: Ctx, next_path: str) -> tuple[int, dict[str, str], str]:
        return 302, {"Location": f"/login?next={next_path}"}, ""


class XenView:
    engine = "xen"
    login_path = "/login/"
    csrf_field = "_xfToken"
    user_field = "login"
    password_field = "password"

    def __init__(self, data: ForumData) -> None:
        self.data = data

    def board_url(self, ctx: Ctx, board: Board, page: int = 1) -> str:
        return f"/forums/{board.slug}.{board.id}/" + (f"page-{page}" if page > 1 else "")

    def thread_href(self, ctx: Ctx, thread: Thread, page: int = 1) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", thread.title.lower()).strip("-")[:40] or "sujet"
        rel = f"/threads/{slug}.{thread.id}/" + (f"page-{page}" if page > 1 else "")
        return ctx.base + rel if thread.id % 2 else rel

    def file_url(self, att: Attachment) -> str:
        return f"/attachments/{att.filename.replace('.', '-')}.{att.id}/"

    def route(self, path: str, query: dict[str, str]) -> tuple[str, dict[str, int]]:
        if path in ("/", "/forums/"):
            return "index", {}
        if m := re.fullmatch(r"/forums/[a-z0-9-]*\.(\d+)/(?:page-(\d+))?", path):
            return "board", {"id": int(m[1]), "page": int(m[2] or 1)}
        if m := re.fullmatch(r"/threads/[a-z0-9-]*\.(\d+)/(?:page-(\d+))?", path):
            return "thread", {"id": int(m[1]), "page": int(m[2] or 1)}
        if m := re.fullmatch(r"/attachments/[a-z0-9-]*\.(\d+)/", path):
            return "file", {"id": int(m[1])}
        if path in ("/login/", "/login/login"):
            return "login", {}
        if path.startswith("/logout"):
            return "logout", {}
        return "other", {}

    def _layout(self, ctx: Ctx, title: str, content: str, charset: bool = True) -> str:
        account = (f'<a class="p-navgroup-link" href="/logout/?t={ctx.csrf}">Se déconnecter</a>'
                   if ctx.user else '<a class="p-navgroup-link" href="/login/">Se connecter</a>')
        return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                f"<title>{_esc(title)} | XenLeaks</title></head><body>"
                f'<div class="p-navgroup">{account}</div><div class="p-body">'
                f'<div class="p-title"><h1 class="p-title-value">{_esc(title)}</h1></div>{content}</div></body></html>')

    def index(self, ctx: Ctx) -> str:
        nodes = "".join(
            f'<div class="node node--forum"><h3 class="node-title"><a href="{self.board_url(ctx, b)}" '
            f'data-shortcut="node">{_esc(b.name)}</a></h3></div>' for b in self.data.boards)
        return self._layout(ctx, "Forums", f'<div class="block-body">{nodes}</div>')

    def board(self, ctx: Ctx, board: Board, page: int) -> str:
        rows = board.threads[(page - 1) * THREADS_PER_PAGE: page * THREADS_PER_PAGE]
        items = "".join(
            f'<div class="structItem structItem--thread"><div class="structItem-title">'
            f'<a href="{self.thread_href(ctx, t)}" data-tp-primary="on">{_esc(t.title)}</a></div>'
            f'<dl class="pairs pairs--justified"><dt>Réponses</dt><dd>{len(t.posts) - 1}</dd></dl></div>'
            for t in rows)
        nav = ""
        if page * THREADS_PER_PAGE < len(board.threads):
            nav = (f'<div class="pageNav"><a class="pageNav-jump pageNav-jump--next" '
                   f'href="{self.board_url(ctx, board, page + 1)}">Suivant</a></div>')
        return self._layout(ctx, board.name, f'<div class="structItemContainer">{items}</div>{nav}')

    def thread(self, ctx: Ctx, thread: Thread, page: int) -> str:
        posts = thread.posts[(page - 1) * POSTS_PER_PAGE: page * POSTS_PER_PAGE]
        out = []
        for i, post in enumerate(posts):
            atts = "".join(
                f'<li class="file"><a class="file-preview" href="{self.file_url(self.data.attachments[a])}">'
                f'<span class="file-name">{_esc(self.data.attachments[a].filename)}</span></a></li>'
                for a in post.attachments)
            out.append(
                f'<article class="message message--post" data-author="{_esc(post.author)}" '
                f'data-content="post-{post.id}" id="js-post-{post.id}">'
                f'<header class="message-attribution"><a class="u-concealed" href="#post-{post.id}">'
                f'<span class="u-dt">{french_date(post)}</span></a></header>'
                f'<div class="message-content"><article class="message-body"><div class="bbWrapper">'
                f"{_body_html(post, i + 1)}</div></article>"
                + (f'<section class="message-attachments"><ul class="attachmentList">{atts}</ul></section>'
                   if atts else "") + "</div></article>")
        if page < thread.pages:
            out.append(f'<div class="pageNav"><a class="pageNav-jump pageNav-jump--next" '
                       f'href="{self.thread_href(ctx, thread, page + 1)}">Suivant</a></div>')
        return self._layout(ctx, thread.title, "\n".join(out))

    def login(self, ctx: Ctx, error: str = "") -> str:
        return self._layout(ctx, "Connexion", (
            (f'<div class="blockMessage blockMessage--error">{_esc(error)}</div>' if error else "")
            + '<form action="/login/login" method="post" class="block" data-xf-init="ajax-submit">'
            '<input type="text" name="login" autocomplete="username">'
            '<input type="password" name="password"><input type="checkbox" name="remember" value="1" checked>'
            f'<input type="hidden" name="_xfToken" value="{ctx.csrf}">'
            '<button type="submit" class="button--primary">Connexion</button></form>'))

    def wall(self, ctx: Ctx, next_path: str) -> tuple[int, dict[str, str], str]:
        page = self.login(ctx, "Vous devez être connecté pour accéder à cette page.")
        return 200, {}, page
