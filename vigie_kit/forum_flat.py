"""A flat-topic-list test forum: no boards, the start page is itself the (paginated) topic list.

What it holds for a crawler (issue 13):
- French dates as such engines print them, in Europe/Paris, relative to the moment the page is
  served: "il y a 12 minutes", "il y a 3 heures", "aujourd'hui à 09:12", "hier à 14:05", and
  "le 3 mars 2026 à 08h15" for older posts;
- long threads that the listing links, for the logged-in account, to the page of its last read
  post (`?page=N`, a bookmark) rather than to page 1; the title of a thread page links to page 1;
- pagination by link text ("Suivant »"; "Fin" goes to the last page);
- posts whose lines are `<br>`-separated (dumps included) and which quote other posts;
- everything behind a login (CSRF token, redirect to the login page).

    server = flat_forum().start(); server.url; server.truth()
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from vigie_kit.forum_engines import EngineData, EngineServer, EPost, EThread, Page, Request, esc

__all__ = ["BOARD", "FlatView", "flat_date", "flat_forum"]

TZ = ZoneInfo("Europe/Paris")
PER_PAGE = 10
TOPICS_PER_PAGE = 4
BOARD = "Sujets"
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"]


def _twice_printed(local: datetime) -> bool:
    """A wall-clock time of the hour the clocks go back (last Sunday of October): it is printed
    for two instants an hour apart, and the page, which gives no offset, cannot say which."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def flat_date(at: datetime, now: datetime) -> tuple[str, int]:
    """The date as printed at `now`, and how precise that print is (seconds)."""
    age = now - at
    local, today = at.astimezone(TZ), now.astimezone(TZ).date()
    wall = 3600 if _twice_printed(local) else 0  # a reader may take either instant of a twice-printed time
    if age < timedelta(hours=1):
        minutes = max(1, int(age.total_seconds() // 60))
        return f"il y a {minutes} minute{'s' if minutes > 1 else ''}", 180
    if age < timedelta(hours=6):
        hours = int(age.total_seconds() // 3600)
        return f"il y a {hours} heure{'s' if hours > 1 else ''}", 3600
    if local.date() == today:
        return f"aujourd'hui à {local:%H:%M}", wall
    if local.date() == today - timedelta(days=1):
        return f"hier à {local:%H:%M}", wall
    return f"le {local.day} {_MONTHS[local.month - 1]} {local.year} à {local:%H}h{local:%M}", wall


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "sujet"


class FlatView:
    def __init__(self, data: EngineData, username: str = "watcher", password: str = "demo-password") -> None:
        self.data = data
        self.username, self.password = username, password

    def thread_path(self, thread: EThread, page: int = 1) -> str:
        return f"/sujet/{thread.id}-{_slug(thread.title)}" + (f"?page={page}" if page > 1 else "")

    def listing_href(self, req: Request, thread: EThread) -> str:
        """Per account: a long thread opens at the page of the last post read (its bookmark)."""
        read = self.data.read.get(thread.id, 0)
        if req.user and read > 0 and len(thread.posts) > PER_PAGE:
            return self.thread_path(thread, (min(read, len(thread.posts)) - 1) // PER_PAGE + 1)
        return self.thread_path(thread)

    def _layout(self, req: Request, title: str, content: str) -> str:
        account = '<a href="/deconnexion">Déconnexion</a>' if req.user else '<a href="/connexion">Connexion</a>'
        return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
                f'<body><div id="haut"><a href="/">Accueil</a> · {account}</div><div id="page">{content}</div>'
                "</body></html>")

    @staticmethod
    def _pager(page: int, pages: int, href: Any) -> str:
        if pages <= 1:
            return ""
        links = [f'<a href="{href(n)}">{n}</a>' if n != page else f"<b>{n}</b>" for n in range(1, pages + 1)]
        if page < pages:
            links += [f'<a href="{href(page + 1)}">Suivant »</a>', f'<a href="{href(pages)}">Fin</a>']
        return f'<p class="pages">Pages : {" ".join(links)}</p>'

    def topics(self, req: Request, page: int) -> Page:
        threads = list(self.data.threads.values())
        pages = max(1, -(-len(threads) // TOPICS_PER_PAGE))
        if page > pages:
            return Page(404, "<p>Page introuvable</p>")
        rows = "".join(
            f'<li><a href="{self.listing_href(req, t)}">{esc(t.title)}</a> '
            f"<small>({len(t.posts) - 1} réponses, par {esc(t.posts[0].author)})</small></li>"
            for t in threads[(page - 1) * TOPICS_PER_PAGE: page * TOPICS_PER_PAGE])
        pager = self._pager(page, pages, lambda n: "/" + (f"?p={n}" if n > 1 else ""))
        return Page(200, self._layout(req, BOARD, f"<h2>{BOARD}</h2><ul>{rows}</ul>{pager}"))

    @staticmethod
    def _body(post: EPost) -> str:
        parts = []
        for block in post.blocks:
            lines = "<br>\n".join(esc(line) for line in block.lines)
            if block.kind == "quote":
                parts.append(f'<blockquote><div class="qui">{esc(block.who)} a écrit :</div>{lines}</blockquote>')
            else:
                parts.append(lines)
        out = ""
        for i, part in enumerate(parts):  # a blank line between blocks, none around a quote
            joiner = "" if i == 0 or part.startswith("<blockquote") or parts[i - 1].startswith("<blockquote") \
                else "<br>\n<br>\n"
            out += joiner + part
        return out

    def thread(self, req: Request, thread: EThread, page: int) -> Page:
        pages = max(1, -(-len(thread.posts) // PER_PAGE))
        if page > pages:
            return Page(404, "<p>Page introuvable</p>")
        shown = thread.posts[(page - 1) * PER_PAGE: page * PER_PAGE]
        self.data.mark_read(thread, (page - 1) * PER_PAGE + len(shown))
        now = datetime.now(UTC)
        posts = "".join(
            f'<div class="message" id="m{p.id}"><div class="entete"><span class="pseudo">{esc(p.author)}</span> '
            f'<span class="date">{flat_date(p.posted_at, now)[0]}</span></div>'
            f'<div class="contenu">{self._body(p)}</div></div>\n' for p in shown)
        title = f'<h1><a href="{self.thread_path(thread)}">{esc(thread.title)}</a></h1>'
        pager = self._pager(page, pages, lambda n: self.thread_path(thread, n))
        return Page(200, self._layout(req, thread.title, title + pager + posts + pager))

    def login(self, req: Request, error: str = "") -> Page:
        return Page(200, self._layout(req, "Connexion", (
            (f'<p class="erreur">{esc(error)}</p>' if error else "")
            + f'<form method="post" action="/connexion?suivant={esc(req.query.get("suivant", "/"))}">'
            f'<input type="hidden" name="jeton" value="{req.session["csrf"]}">'
            '<label>Pseudo <input name="pseudo"></label><label>Mot de passe '
            '<input type="password" name="mot_de_passe"></label><input type="submit" value="Entrer"></form>')))

    def handle(self, req: Request) -> Page:
        data, path = self.data, req.path
        if path == "/connexion":
            if req.method == "GET":
                return self.login(req)
            if req.form.get("jeton") != req.session["csrf"]:
                return Page(403, "<p>Jeton invalide.</p>")
            if (req.form.get("pseudo"), req.form.get("mot_de_passe")) != (self.username, self.password):
                return self.login(req, "Pseudo ou mot de passe incorrect.")
            req.session["user"] = self.username
            return Page(302, "", {"Location": req.query.get("suivant") or "/"})
        if path == "/deconnexion":
            req.session["user"] = None
            return Page(302, "", {"Location": "/connexion"})
        if not req.user:
            return Page(302, "", {"Location": f"/connexion?suivant={path}"})
        with data.lock:
            if path == "/":
                return self.topics(req, int(req.query["p"]) if req.query.get("p", "").isdigit() else 1)
            if (m := re.fullmatch(r"/sujet/(\d+)-[a-z0-9-]*", path)) and int(m[1]) in data.threads:
                page = int(req.query["page"]) if req.query.get("page", "").isdigit() else 1
                return self.thread(req, data.threads[int(m[1])], page)
        return Page(404, "<p>Page introuvable</p>")

    def truth(self, base: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        with self.data.lock:
            posts = [{"id": p.id, "author": p.author, "posted_at": p.posted_at.isoformat().replace("+00:00", "Z"),
                      "tolerance_seconds": flat_date(p.posted_at, now)[1], "thread_url": base + self.thread_path(t),
                      "thread_title": t.title, "board": BOARD, "lines": p.lines(), "planted": p.planted}
                     for t in self.data.threads.values() for p in t.posts]
        return {"engine": "flat", "url": base, "start_url": base + "/", "posts": posts, "attachments": []}


def _build(data: EngineData) -> None:
    s = data.synth
    board = data.board(BOARD)
    clock = data.anchor - timedelta(days=60)
    sizes = [3, 27, 2, 5, 34, 1, 4, 12]
    dumps = ["combo", "csv", "csv_bare", "sql"]
    n = 0
    for size in sizes:
        thread = data.thread(board)
        for k in range(size):
            clock += timedelta(minutes=s.rng.randint(20, 700))
            quote = thread.posts[-1] if k and n % 5 == 2 else None
            data.post(thread, clock, dumps[n % len(dumps)] if n % 4 == 0 else None, quote=quote)
            n += 1
    # the latest replies, printed relatively: minutes, hours, today, yesterday
    for offset, thread_id in ((50 * 60, 1), (26 * 60, 3), (8 * 60, 4), (3 * 60, 6), (25, 7)):
        data.post(data.threads[thread_id], data.anchor - timedelta(minutes=offset),
                  "combo" if thread_id == 4 else None)
    for thread in data.threads.values():  # the account had read the long threads to page 2
        if len(thread.posts) > 2 * PER_PAGE:
            data.read[thread.id] = PER_PAGE + 3



def flat_forum(seed: int = 2718, *, port: int = 0) -> EngineServer:
    """The flat-topic-list forum, not started (`.start()`, or use it as a context manager)."""
    data = EngineData(seed)
    _build(data)
    return EngineServer(FlatView(data), port=port)
